/* dash-actions.h: what the action keys do to containers. action_run
 * (dash-actions.c) collects the targets (dash-targets.c) and hands them to the
 * file that does the action; each entry below takes the targets it is given
 * and frees them. */
#ifndef BERTH_DASH_ACTIONS_H
#define BERTH_DASH_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "keymap.h"

struct dash;
struct targets;

/* dash-actions.c: the table of the actions on containers. */
void action_run(struct dash *d, enum action a);

/* dash-lifecycle.c: start, stop, restart, delete, kill, floating IP. */
void lifecycle_action(struct dash *d, enum action a, struct targets *t);

/* view-inspect.c: the engine's JSON of the container, in the inspect view. */
void inspect_start(struct dash *d, struct targets *t);

/* view-exec.c: ask for a command, run it, show its output in the exec view;
 * given several containers, run it in each through bulk_exec_start. */
void exec_ask(struct dash *d, struct targets *t);

/* dash-bulk-exec.c: one command in each of several containers, across
 * endpoints, their results in one pane. bulk_exec_start takes t and argv. */
void bulk_exec_start(struct dash *d, struct targets *t, char **argv, const char *text);

/* dash-shell.c: an interactive shell on the terminal. */
void shell_start(struct dash *d, struct targets *t);

/* dash-copy.c: files to or from the container. */
void copy_ask(struct dash *d, struct targets *t);
/* "copying to web: 1.2 MiB of 3.0 MiB" while a copy runs: true and buf set. */
bool copy_progress_text(struct dash *d, char *buf, size_t len);

/* dash-ports.c: probe a port, GET /, show the result and the URL for others. */
void port_ask(struct dash *d, struct targets *t);

/* dash-yank.c: the container's id, name or URL to the clipboard (OSC 52). */
void yank_ask(struct dash *d, struct targets *t);

/* What the report view (view-report.c) opens with: a title and its text. */
struct report_text {
	const char *title, *text;
};

#endif
