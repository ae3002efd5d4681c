/* view-help.c: the key map (as remapped by berth.conf) and how the panes
 * work, in a text view over the body. */
#include "config.h"

#include "dash.h"
#include "keymap.h"
#include "util.h"
#include "view-pane.h"

static bool
help_open(struct view *v, const void *arg)
{
	struct buf b = { 0 };
	buf_printf(&b, "berth %s: key map (remap in the [keys] section of berth.conf)\n\n",
		   berth_version_string());
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++)
		buf_printf(&b, "  %-14s %-16s %s\n", keymap_keys((enum action)a), action_name((enum action)a),
			   action_help((enum action)a));
	buf_printf(&b, "\nIn the log pane (Tab focuses it; full screen focuses it too): up/down,\n"
		   "page keys, top/bottom scroll; / searches, n/N go to older/newer matches;\n"
		   "p pauses, w wraps, t shows times, ^S saves (what the filter shows). & filters\n"
		   "the lines: a text keeps those holding it (ignoring case), /RE/ those a POSIX\n"
		   "extended regex matches, ! before either keeps the others; Esc in the pane or\n"
		   "an empty filter clears it. T asks the engine again for the last 1 m, 10 m,\n"
		   "1 h or all of the log (the pane refills). Sort also by clicking a header.\n"
		   "Actions apply to the marked rows when any are marked, else to the selection;\n"
		   "e on marked rows runs one command in each (any endpoint), all results in one\n"
		   "pane under ENDPOINT/NAME headers, with a summary of what failed where.\n"
		   "With rows marked, the log pane follows them all, merged in the engines' time\n"
		   "order, each line after its container's name.\n"
		   "The filter's words ep:NAME keep the rows of the endpoints named NAME (else\n"
		   "those whose name contains it); Enter in the endpoints view sets one.\n"
		   "health:unhealthy (starting, healthy, none) and state:exited (running, paused...)\n"
		   "keep the rows with that health or status; oom the OOM-killed ones. FLAGS:\n"
		   "unhealthy, starting, oom, restarts N (narrow: !, ~, M, RN). CPU HIST, where\n"
		   "room is left: each running row's last 12 CPU samples.\n"
		   "A running container that dies with a non-zero code, or a health check that\n"
		   "turns unhealthy, is said in the message line (and rings with bell = yes).\n"
		   "In read-only mode (berth --read-only, read_only = yes) the title line says\n"
		   "read-only and every action that changes something is refused (start, stop,\n"
		   "restart, kill, delete, exec, shell, a copy into a container, floating IPs).\n"
		   "The command line (:) takes berth's verbs as berth VERB does (:stop -t 0,\n"
		   ":exec ls /tmp, :kill -s TERM, :version); a verb that needs a container and\n"
		   "names none acts on the selected (or marked) ones. What it prints shows in a\n"
		   "view; :logs, :stats, :leases, :endpoints, :events alone open theirs. Tab\n"
		   "completes verbs, options, containers, images, local paths; Up/Down: history.\n"
		   "n (or :run alone) opens the run form: image (Tab completes), name, command,\n"
		   "ports, environment, labels, restart policy, on Zun the reservation (Tab: the\n"
		   "active leases'), runtime, device profiles, host, idempotent (Space). Enter\n"
		   "runs it as berth run --wait does and selects the new row; n in the images\n"
		   "view opens it with the selected image. z groups by compose project too.\n"
		   "Zun leases: the status line shows the active lease that ends first, marked\n"
		   "(warning) in the warning colour from lease_warning (default 30 minutes)\n"
		   "before its end and (ALARM) from lease_alarm (5 minutes), each time with a\n"
		   "notice here. In the leases view x extends a lease, after confirming. The\n"
		   "RESERVATION column names a Zun container's lease; z groups by lease too.\n"
		   ":stage (or berth --stage) is the read-only stage view for an audience: each\n"
		   "active lease counting down, its containers, whether each answers on its port,\n"
		   "and the floating IP:port to open; Esc leaves it.\n"
		   ":forward CONTAINER PORT [LOCAL_PORT] goes on after its view closes;\n"
		   ":forwards lists the forwards running, where each listens; d stops one.\n");
	pane_set_text(pane_new(v, "help"), b.data);
	buf_free(&b);
	return true;
}

const struct view_ops help_view = {
	.name = "help", PANE_VIEW_HOOKS, .open = help_open, .by_name = true,
	.close = pane_view_close,
};

