/* keymap.h: dashboard actions, their default keys, and remapping from [keys]. */
#ifndef BERTH_KEYMAP_H
#define BERTH_KEYMAP_H

#include <stddef.h>

#include "berth.h"

enum action {
	ACT_NONE = 0,
	ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN,
	ACT_FILTER, ACT_HELP, ACT_QUIT, ACT_BACK, ACT_DETAILS, ACT_LOGS, ACT_EXEC,
	ACT_SHELL, ACT_COPY, ACT_KILL, ACT_FIP, ACT_LEASES, ACT_MARK, ACT_START, ACT_STOP,
	ACT_RESTART, ACT_DELETE, ACT_INSPECT, ACT_SORT, ACT_SORT_REVERSE, ACT_REFRESH,
	ACT_ALL, ACT_MOUSE, ACT_FOCUS, ACT_LOG_PAUSE, ACT_LOG_WRAP, ACT_LOG_TIMESTAMPS,
	ACT_NEXT, ACT_PREV, ACT_LOG_SAVE,
	ACT_ENDPOINTS, ACT_GROUP, ACT_STATS, ACT_IMAGES, ACT_PULL, ACT_PORT, ACT_YANK, ACT_PROJECT,
	ACT_EVENTS, ACT_EXTEND, ACT_COMMAND, ACT_LOG_FILTER, ACT_LOG_WINDOW,
	ACT_COUNT
};

/* The action's [keys] name ("page_up") and its one-line description. */
const char *action_name(enum action a);
const char *action_help(enum action a);

/* Load the defaults, then the config's [keys] lines (each "action = KEY [KEY...]"
 * replaces that action's default keys). 0, or -1 with err naming the bad line. */
int keymap_init(const struct berth_config *cfg, struct berth_error *err);
/* The action bound to a curses key code, or ACT_NONE. */
enum action keymap_lookup(int key);
/* "j down": the keys bound to a, for the help screen (static buffer). */
const char *keymap_keys(enum action a);

/* Parse one key name ("k", "^K", "ctrl-k", "enter", "pgup", "f5"...); -1 if unknown. */
int keymap_parse_key(const char *name);

#endif
