/* test_logpane.c: the log pane's ring: line and byte bounds, long lines split,
 * partial lines, timestamps, search and save; the lines its title names and
 * the line filter (drawn into a screen on /dev/null). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "berth.h"
#include "logpane.h"
#include "tap.h"

/* Merged logs: a source's line is prefixed by its name, cut to 16 columns
 * and padded to the widest, its time stamp kept apart; escapes in a name are
 * cleaned; clearing forgets the sources. */
static void
merged_sources(void)
{
	struct logpane lp;
	logpane_init(&lp, 100, true);
	const char *names[] = { "web", "a-very-long-container-name", "d\033[2Jb" };
	logpane_set_sources(&lp, names, 3);
	const char *line = "2026-12-06T10:00:01.123456789Z hello";
	logpane_add_sourced(&lp, BERTH_STDOUT, 0, line, strlen(line));
	logpane_add_sourced(&lp, BERTH_STDERR, 1, "no stamp", 8);
	logpane_add_sourced(&lp, BERTH_STDOUT, 2, "x", 1);
	logpane_add_sourced(&lp, BERTH_STDOUT, 3, "past the last source", 20);
	is_int(lp.count, 3, "a line of an unknown source is dropped");
	is_str(logpane_line(&lp, 0), "web              | hello", "the name padded, then the line");
	is_str(lp.ring[lp.head].ts, "10:00:01.123", "the time stamp kept apart");
	is_str(logpane_line(&lp, 1), "a-very-long-cont | no stamp", "a long name cut to 16");
	is_int(lp.ring[(lp.head + 1) % lp.cap].src, 2, "the line knows its source");
	ok(!strchr(logpane_line(&lp, 2), '\033'), "a name's escape is cleaned");
	char why[300];
	ok(logpane_set_filter(&lp, "/^(hello|x)$/", why, sizeof why) && logpane_shown_count(&lp) == 2,
	   "the filter matches a merged line without its source's prefix");
	logpane_clear(&lp);
	is_int(lp.nsrc, 0, "clearing the pane forgets its sources");
	logpane_done(&lp);
}

/* A pane scrolled back to its top, then drawn taller (the terminal grew, or
 * the pane beside it closed): it fills its rows, leaving none blank under its
 * text; scrolling on moves from what it shows. */
static void
pane_grows(struct logpane *lp)
{
	char flags[200];
	logpane_clear(lp);
	for (int i = 0; i < 100; i++)
		logpane_add_text(lp, BERTH_STDOUT, "a line");
	logpane_draw(lp, 0, 10, 80);
	logpane_scroll(lp, -1000);
	logpane_draw(lp, 0, 10, 80);
	logpane_flags(lp, flags, sizeof flags);
	is_str(flags, "lines 1-10 of 100", "scrolled back to the top of a 10-row pane");
	logpane_draw(lp, 0, 30, 80);
	logpane_flags(lp, flags, sizeof flags);
	is_str(flags, "lines 1-30 of 100", "drawn 30 rows high, it shows 30 lines, not 10 and blanks");
	logpane_scroll(lp, 1);
	logpane_draw(lp, 0, 30, 80);
	logpane_flags(lp, flags, sizeof flags);
	is_str(flags, "lines 2-31 of 100", "one line on moves from what was shown");
}

/* Save lp to a temporary file and read it back into got; logpane_save's result. */
static int
save_and_read(struct logpane *lp, char *got, size_t size)
{
	char path[] = "/tmp/berth-logpane-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	int rc = logpane_save(lp, path);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(got, 1, size - 1, f) : 0;
	got[n] = '\0';
	if (f)
		fclose(f);
	unlink(path);
	return rc;
}

/* Row y of the screen as drawn, its trailing blanks cut. */
static const char *
row_text(int y)
{
	static char row[200];
	mvinnstr(y, 0, row, 80);
	for (size_t n = strlen(row); n > 0 && row[n - 1] == ' '; n--)
		row[n - 1] = '\0';
	return row;
}

/* Issue 12, item 5: the line filter. Text ignoring case, /RE/ a POSIX
 * extended regex, ! before either keeps the other lines; it applies to the
 * lines kept and to those that come, to drawing, scrolling, search and save,
 * and a filter that cannot be one leaves the one in force. */
static void
filter_lines(struct logpane *lp)
{
	char why[300], flags[200];
	logpane_clear(lp);
	logpane_add_text(lp, BERTH_STDOUT, "GET /a 200\nget /b 404\nPOST /c 500\nGET /d 200\nhealth ok");
	ok(logpane_set_filter(lp, "get", why, sizeof why), "a text is a filter");
	is_int(logpane_shown_count(lp), 3, "it keeps the lines holding it, ignoring case");
	logpane_draw(lp, 0, 5, 80);
	ok(strcmp(row_text(0), "GET /a 200") == 0 && strcmp(row_text(1), "get /b 404") == 0 &&
	   strcmp(row_text(2), "GET /d 200") == 0 && row_text(3)[0] == '\0',
	   "only they are drawn, in order, from the top");
	logpane_flags(lp, flags, sizeof flags);
	ok(strstr(flags, " · &get") != NULL, "the title names the filter (%s)", flags);
	logpane_add_text(lp, BERTH_STDOUT, "GET /e 200\nPUT /f 201");
	logpane_draw(lp, 0, 5, 80);
	ok(strcmp(row_text(3), "GET /e 200") == 0 && row_text(4)[0] == '\0',
	   "a new line that matches shows as it comes, one that does not stays out");

	ok(logpane_set_filter(lp, "!get", why, sizeof why), "! before a text is a filter");
	is_int(logpane_shown_count(lp), 3, "it keeps the lines without the text");
	ok(logpane_set_filter(lp, "/^(get|post) .* [45][0-9]{2}$/", why, sizeof why), "/RE/ is a filter");
	is_int(logpane_shown_count(lp), 2, "a POSIX extended regex, ignoring case: the 4xx and 5xx");
	ok(logpane_set_filter(lp, "!/ 2[0-9]{2}$/", why, sizeof why), "! before /RE/ is a filter");
	is_int(logpane_shown_count(lp), 3, "it keeps the lines the regex does not match");

	ok(!logpane_set_filter(lp, "/a(/", why, sizeof why), "a regex that does not compile is refused");
	ok(strncmp(why, "not a regular expression (", 26) == 0, "in one sentence: %s", why);
	ok(strcmp(lp->filter, "!/ 2[0-9]{2}$/") == 0 && logpane_shown_count(lp) == 3,
	   "the filter in force stays");
	ok(!logpane_set_filter(lp, "!", why, sizeof why) && why[0], "! alone is refused: %s", why);
	ok(logpane_set_filter(lp, "/a(b/c)/", why, sizeof why) && logpane_shown_count(lp) == 0,
	   "/ inside a regex is part of it");
	ok(logpane_set_filter(lp, "/usr/", why, sizeof why) && logpane_shown_count(lp) == 0,
	   "a text between slashes is a regex");

	/* Scrolling, search and save go over the lines shown. */
	logpane_clear(lp);
	char line[32];
	for (int i = 0; i < 100; i++) {
		snprintf(line, sizeof line, "%s %d", i % 10 == 0 ? "tick" : "noise", i);
		logpane_add_text(lp, BERTH_STDOUT, line);
	}
	ok(logpane_set_filter(lp, "tick", why, sizeof why), "filter on tick");
	logpane_draw(lp, 0, 3, 80);
	is_str(row_text(2), "tick 90", "following: the newest match at the bottom");
	logpane_scroll(lp, -1);
	logpane_draw(lp, 0, 3, 80);
	ok(strcmp(row_text(0), "tick 60") == 0 && strcmp(row_text(2), "tick 80") == 0,
	   "one line up is one line shown up, over the hidden ones");
	logpane_scroll(lp, -1000);
	logpane_draw(lp, 0, 3, 80);
	ok(strcmp(row_text(0), "tick 0") == 0 && strcmp(row_text(2), "tick 20") == 0,
	   "scrolled back to the top: the first match at the top, every row filled");
	logpane_end(lp);
	snprintf(lp->search, sizeof lp->search, "0");
	ok(logpane_find(lp, -1) && strcmp(logpane_line(lp, lp->anchor - lp->first_seq), "tick 90") == 0,
	   "search finds among the lines shown only");
	lp->search[0] = '\0';
	char got[256];
	int rc = save_and_read(lp, got, sizeof got);
	ok(rc == 0 && strcmp(got, "tick 0\ntick 10\ntick 20\ntick 30\ntick 40\ntick 50\ntick 60\n"
			     "tick 70\ntick 80\ntick 90\n") == 0, "save writes the lines shown");
	ok(logpane_set_filter(lp, "", why, sizeof why) && logpane_shown_count(lp) == 100,
	   "an empty filter shows every line again");
	logpane_end(lp);
	logpane_draw(lp, 0, 3, 80);
	is_str(row_text(2), "noise 99", "and the bottom follows the newest line");
}

/* Issue 16: a pane drawn with many lines, then cleared and given fewer than
 * it has rows (help, then a container's details), names lines it keeps:
 * before it is drawn again, and after. */
static void
title_lines(struct logpane *lp)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = out && in ? newterm("xterm", out, in) : NULL;
	ok(scr != NULL, "a screen on /dev/null to draw in");
	if (!scr)
		return;
	char flags[200];
	unsigned long long first = 0, last = 0;
	size_t count = 0;
	logpane_clear(lp);
	for (int i = 0; i < 54; i++)
		logpane_add_text(lp, BERTH_STDOUT, "a help line");
	logpane_draw(lp, 0, 20, 80);
	logpane_clear(lp);
	for (int i = 0; i < 8; i++)
		logpane_add_text(lp, BERTH_STDOUT, "a detail");
	logpane_home(lp);
	logpane_flags(lp, flags, sizeof flags);
	ok(sscanf(flags, "lines %llu-%llu of %zu", &first, &last, &count) == 3 && first >= 1 &&
	   first <= last && last <= 8 && count == 8, "before the pane is drawn again, its title "
	   "names lines it has (%s)", flags);
	logpane_draw(lp, 0, 20, 80);
	logpane_flags(lp, flags, sizeof flags);
	is_str(flags, "lines 1-8 of 8", "drawn taller than its text, it shows every line");
	pane_grows(lp);
	filter_lines(lp);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

int
main(void)
{
	struct logpane lp;
	char buf[64];

	merged_sources();
	logpane_init(&lp, 100, false);
	for (int i = 0; i < 250; i++) {
		snprintf(buf, sizeof buf, "line %d\n", i);
		logpane_feed(&lp, BERTH_STDOUT, buf, strlen(buf));
	}
	is_int(lp.count, 100, "the ring keeps max_lines lines");
	is_str(logpane_line(&lp, 0), "line 150", "the oldest lines went first");
	is_str(logpane_line(&lp, 99), "line 249", "the newest line is last");
	is_int(lp.first_seq, 150, "sequence numbers count the dropped lines");

	logpane_clear(&lp);
	logpane_feed(&lp, BERTH_STDOUT, "par", 3);
	logpane_feed(&lp, BERTH_STDERR, "err\n", 4);
	logpane_feed(&lp, BERTH_STDOUT, "tial\nnext", 9);
	is_int(lp.count, 2, "a partial line waits for its newline, per stream");
	is_str(logpane_line(&lp, 1), "partial", "its pieces join");
	is_int(lp.ring[(lp.head) % lp.cap].stream, BERTH_STDERR, "the stream of each line is kept");
	logpane_flush(&lp);
	is_str(logpane_line(&lp, 2), "next", "flush turns the rest into a line");

	logpane_clear(&lp);
	char *big = malloc(5000 + 2);
	memset(big, 'x', 5000);
	big[5000] = '\n';
	logpane_feed(&lp, BERTH_STDOUT, big, 5001);
	ok(lp.count == 3 && strlen(logpane_line(&lp, 0)) == LOGPANE_LINE_MAX &&
	   strlen(logpane_line(&lp, 2)) == 5000 - 2 * LOGPANE_LINE_MAX,
	   "a 5000-byte line is split at %d bytes", LOGPANE_LINE_MAX);
	free(big);

	logpane_clear(&lp);
	logpane_add_text(&lp, BERTH_STDOUT, "evil \x1b]0;pwned\x07\x1b[2Jtext");
	is_str(logpane_line(&lp, 0), "evil text", "lines are sanitized as they arrive");
	logpane_done(&lp);

	logpane_init(&lp, 10000, false);
	char *wide = malloc(LOGPANE_LINE_MAX + 1);
	memset(wide, 'y', LOGPANE_LINE_MAX - 1);
	wide[LOGPANE_LINE_MAX - 1] = '\n';
	for (int i = 0; i < 10000; i++)
		logpane_feed(&lp, BERTH_STDOUT, wide, LOGPANE_LINE_MAX);
	ok(lp.bytes <= LOGPANE_BYTES_MAX && lp.count < 10000 && lp.tcap <= LOGPANE_BYTES_MAX,
	   "the byte bound holds (%zu lines, %zu bytes, a %zu-byte text ring)", lp.count,
	   lp.bytes, lp.tcap);
	free(wide);
	logpane_done(&lp);

	/* Lines of every length from 1 to 600 bytes wrap around both rings many
	 * times; every kept line must still be itself. */
	logpane_init(&lp, 10000, false);
	char *line = malloc(700);
	for (int i = 0; i < 200000; i++) {
		int n = snprintf(line, 700, "%d ", i);
		memset(line + n, 'a' + i % 26, (size_t)(i * 7 % 600));
		n += i * 7 % 600;
		line[n++] = '\n';
		logpane_feed(&lp, BERTH_STDOUT, line, (size_t)n);
	}
	bool same = lp.count > 0;
	for (size_t k = 0; k < lp.count && same; k++) {
		int i = (int)(lp.first_seq + k);
		int n = snprintf(line, 700, "%d ", i);
		memset(line + n, 'a' + i % 26, (size_t)(i * 7 % 600));
		line[n + i * 7 % 600] = '\0';
		same = strcmp(logpane_line(&lp, k), line) == 0;
	}
	ok(same && lp.first_seq + lp.count == 200000,
	   "200,000 lines of mixed lengths: the newest %zu kept intact", lp.count);
	ok(lp.tcap <= LOGPANE_BYTES_MAX, "in a text ring of %zu bytes", lp.tcap);
	logpane_done(&lp);

	/* A full pane of short lines (the dashboard's 10,000-line `seq`) stays small. */
	logpane_init(&lp, 10000, true);
	for (int i = 1; i <= 1000000; i++) {
		int n = snprintf(line, 700, "2026-11-23T08:39:00.123456789Z %d\n", i);
		logpane_feed(&lp, BERTH_STDOUT, line, (size_t)n);
	}
	ok(lp.count == 10000 && strcmp(logpane_line(&lp, 9999), "1000000") == 0 &&
	   strcmp(logpane_line(&lp, 0), "990001") == 0, "a million timestamped lines: the last 10,000 kept");
	ok(lp.tcap <= (128u << 10), "their text takes a %zu-byte ring", lp.tcap);
	free(line);
	logpane_done(&lp);

	logpane_init(&lp, 100, true);
	logpane_add_text(&lp, BERTH_STDOUT,
			 "2026-11-23T08:39:00.123456789Z hello\nno timestamp here\n");
	is_str(logpane_line(&lp, 0), "hello", "the engine's timestamp is taken off the line");
	is_str(lp.ring[lp.head].ts, "08:39:00.123", "and kept as the time of day");
	is_str(logpane_line(&lp, 1), "no timestamp here", "a line without one is kept whole");
	logpane_done(&lp);

	logpane_init(&lp, 100, false);
	logpane_add_text(&lp, BERTH_STDOUT, "alpha\nneedle one\nbeta\nNeedle two\ngamma");
	snprintf(lp.search, sizeof lp.search, "needle");
	ok(logpane_find(&lp, -1) && strcmp(logpane_line(&lp, lp.anchor - lp.first_seq), "Needle two") == 0,
	   "find goes to the newest match first, ignoring case");
	ok(!lp.follow, "finding stops following");
	ok(logpane_find(&lp, -1) && strcmp(logpane_line(&lp, lp.anchor - lp.first_seq), "needle one") == 0,
	   "find again goes to the older match");
	ok(!logpane_find(&lp, -1), "no match beyond the oldest");
	ok(logpane_find(&lp, 1) && strcmp(logpane_line(&lp, lp.anchor - lp.first_seq), "Needle two") == 0,
	   "find forward goes back to the newer one");
	logpane_end(&lp);
	ok(lp.follow, "end follows again");

	char got[256];
	is_int(save_and_read(&lp, got, sizeof got), 0, "save writes the pane");
	is_str(got, "alpha\nneedle one\nbeta\nNeedle two\ngamma\n", "with every line");
	title_lines(&lp);
	logpane_done(&lp);
	return tap_done();
}
