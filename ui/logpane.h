/* logpane.h: a bounded, scrollable, searchable text pane. It shows a
 * container's log, and also exec output, inspect JSON, details and help.
 *
 * Memory is bounded twice: at most max_lines lines (a ring), at most
 * LOGPANE_LINE_MAX bytes per line (longer ones are split), and at most
 * LOGPANE_BYTES_MAX bytes of text in all (the oldest lines go first). The text
 * of every line lives in one ring of bytes that grows by doubling up to that
 * bound, so a flood of lines allocates nothing once the pane is full: 10,000
 * lines of `seq` take 28 bytes each in the line ring and about 8 in the text.
 * Every line is sanitized when it arrives. UI thread only.
 *
 * Merged logs (dash-logmerge.c): the pane is given the names of its sources,
 * and a line of source k starts with k's name, padded to the widest, and " | ",
 * drawn in k's colour (the theme's source1..source6, in turn).
 *
 * A filter keeps only the lines that match it (less's &): "text" keeps the
 * lines holding text, "/RE/" those a POSIX extended regular expression
 * matches, both ignoring case; a leading "!" keeps the others instead. It is
 * applied where the lines are read (drawing, scrolling, search, save), over
 * the ring as it is: nothing is copied, and each line is matched once per
 * filter (its verdict kept in the line), so a flood costs one match per new
 * line. A merged line is matched without its source's prefix. */
#ifndef BERTH_LOGPANE_H
#define BERTH_LOGPANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <regex.h>

#include "util.h"

#define LOGPANE_LINE_MAX 2048
#define LOGPANE_BYTES_MAX (4u << 20)
#define LOGPANE_TEXT_MIN (64u << 10)	/* the text ring's first size */

struct logline {
	uint32_t off, len;	/* its sanitized text: lp->text + off, NUL-terminated */
	char ts[16];		/* "08:39:00.123" when the source had timestamps */
	unsigned char stream;	/* enum berth_stream */
	unsigned char src;	/* merged: its source + 1; 0: none */
	unsigned char plen;	/* merged: the bytes of its "name | " prefix */
	unsigned char verdict;	/* the filter's: LINE_UNSEEN, LINE_SHOWN, LINE_HIDDEN */
};

enum { LINE_UNSEEN, LINE_SHOWN, LINE_HIDDEN };

#define LOGPANE_SOURCES_MAX 63	/* sources of a merged pane */
#define LOGPANE_SOURCE_COLS 16	/* a source's name is cut to this many columns */

struct logpane {
	struct logline *ring;
	size_t cap, head, count;
	uint64_t first_seq;	/* sequence number of the oldest line kept */
	size_t bytes;		/* text held, without the NULs */
	char *text;		/* the ring of bytes holding every line's text */
	size_t tcap, wpos;	/* its size; where the newest line ends */
	struct buf scratch;	/* a line being sanitized */
	struct buf partial[3];	/* an unfinished line per stream */
	bool parse_ts;		/* lines start with the engine's RFC 3339 timestamp */
	bool follow;		/* the bottom follows new lines */
	uint64_t anchor;	/* sequence number of the bottom line when not following */
	bool at_top;		/* keep the first line at the top (after home) */
	bool live;		/* text still arrives (logs, exec): show following/paused */
	uint64_t shown_first, shown_last;	/* lines on screen at the last draw */
	bool wrap, show_ts;
	char search[256];
	char filter[256];	/* as typed ("error", "!/^GET /"); "" shows every line */
	bool filter_invert, filter_is_re;
	regex_t filter_re;	/* a /RE/ filter's, compiled */
	int height;		/* rows shown at the last draw */
	char **src_names;	/* merged: each source's name, cut and padded */
	size_t nsrc;
};

void logpane_init(struct logpane *lp, size_t max_lines, bool parse_ts);
void logpane_done(struct logpane *lp);
void logpane_clear(struct logpane *lp);
/* Add bytes as they arrive; complete lines are kept, the rest waits. */
void logpane_feed(struct logpane *lp, int stream, const char *data, size_t len);
/* Merged: the names of the sources (cleared by logpane_clear). */
void logpane_set_sources(struct logpane *lp, const char *const *names, size_t n);
/* Merged: one whole line of source src (< lp->nsrc), prefixed by its name. */
void logpane_add_sourced(struct logpane *lp, int stream, size_t src, const char *line,
			 size_t len);
/* The stream ended: unfinished lines become lines. */
void logpane_flush(struct logpane *lp);
/* Add text (may hold several lines) as complete lines. */
void logpane_add_text(struct logpane *lp, int stream, const char *text);
/* The i-th line kept, oldest first (i < lp->count). */
const char *logpane_line(const struct logpane *lp, size_t i);

void logpane_scroll(struct logpane *lp, long lines);	/* < 0: back in time */
void logpane_home(struct logpane *lp);
void logpane_end(struct logpane *lp);			/* and follow */
void logpane_toggle_follow(struct logpane *lp);
/* Move the view to the next line matching lp->search, older (dir < 0) or
 * newer (dir > 0) than the bottom line shown; false when there is none. */
bool logpane_find(struct logpane *lp, int dir);
/* Filter the lines by spec (see the top); "" shows every line again. False
 * when spec cannot be a filter (a regular expression that does not compile, a
 * lone "!"): why says so in words, and the filter in force stays. */
bool logpane_set_filter(struct logpane *lp, const char *spec, char *why, size_t len);
/* How many kept lines the filter shows (all of them without a filter). */
size_t logpane_shown_count(const struct logpane *lp);
/* Write every kept line the filter shows to path; 0, or -1 with errno. */
int logpane_save(const struct logpane *lp, const char *path);
/* Draw height rows at y. */
void logpane_draw(struct logpane *lp, int y, int height, int width);
/* "following · 1234 lines · wrap · &error" for the pane's title bar. */
void logpane_flags(const struct logpane *lp, char *buf, size_t len);

#endif
