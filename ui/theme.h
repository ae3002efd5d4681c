/* theme.h: colours and attributes of the dashboard's elements. */
#ifndef BERTH_THEME_H
#define BERTH_THEME_H

#include <curses.h>
#include <stddef.h>

enum theme_elem {
	TH_NORMAL, TH_TITLE, TH_HEADER, TH_SELECTED, TH_MARKED, TH_STALE,
	TH_RUNNING, TH_PAUSED, TH_EXITED_OK, TH_EXITED_ERR, TH_DEAD, TH_CREATING,
	TH_ERROR, TH_STDERR, TH_MATCH, TH_STATUS, TH_GOOD, TH_WARN, TH_BAD,
	TH_PROMPT, TH_BORDER,
	TH_SOURCE1, TH_SOURCE2, TH_SOURCE3, TH_SOURCE4, TH_SOURCE5, TH_SOURCE6,
	TH_COUNT
};

#define TH_NSOURCES 6	/* merged logs: the containers' names take these in turn */

/* After initscr: load theme name (user file, then installed file, then the
 * built-in "default" and "mono"); NO_COLOR or a terminal without colours
 * forces mono. On failure falls back to the built-in default and writes one
 * sentence into msg. Returns the name of the theme in use. */
const char *theme_init(const char *name, char *msg, size_t msglen);
attr_t theme_attr(enum theme_elem e);

#endif
