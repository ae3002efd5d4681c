/* dash-actions.c: the actions on containers, by key. Each collects its
 * targets (the marked rows where bulk makes sense, else the selected one) by
 * endpoint and id, never by row, and hands them to the file that asks what it
 * must (signal, paths, confirmation) and runs it on the worker pool; every
 * result or error lands in the message line. */
#include "config.h"

#include "dash-actions.h"
#include "dash-targets.h"
#include "dash.h"

/* changes: what the action does when it changes something, for the refusal
 * on a read-only endpoint (a copy is refused when its direction is known). */
static const struct {
	enum action a;
	bool bulk;
	void (*run)(struct dash *d, enum action a, struct targets *t);
	const char *changes;
} actions[] = {
	{ ACT_START, true, lifecycle_action, "starting containers" },
	{ ACT_STOP, true, lifecycle_action, "stopping containers" },
	{ ACT_RESTART, true, lifecycle_action, "restarting containers" },
	{ ACT_DELETE, true, lifecycle_action, "removing containers" },
	{ ACT_KILL, true, lifecycle_action, "sending signals" },
	{ ACT_FIP, false, lifecycle_action, "changing floating IPs" },
};

/* The actions that take no action code: on one container but exec. */
static const struct {
	enum action a;
	bool bulk;
	void (*run)(struct dash *d, struct targets *t);
	const char *changes;
} single[] = {
	{ ACT_INSPECT, false, inspect_start, NULL },
	{ ACT_EXEC, true, exec_ask, "running commands" },
	{ ACT_SHELL, false, shell_start, "interactive sessions" },
	{ ACT_COPY, false, copy_ask, NULL },
	{ ACT_PORT, false, port_ask, NULL }, { ACT_YANK, false, yank_ask, NULL },
};

void
action_run(struct dash *d, enum action a)
{
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
		if (actions[i].a != a)
			continue;
		struct targets *t = targets_collect(d, actions[i].bulk);
		if (t && !targets_refused(d, t, actions[i].changes))
			actions[i].run(d, a, t);
		return;
	}
	for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
		if (single[i].a != a)
			continue;
		struct targets *t = targets_collect(d, single[i].bulk);
		if (t && !targets_refused(d, t, single[i].changes))
			single[i].run(d, t);
		return;
	}
}
