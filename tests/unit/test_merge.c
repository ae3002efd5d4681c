/* test_merge.c: the time-ordered merge of line streams (src/merge.c) that
 * berth logs A B C, berth events and the dashboard's merged logs share: lines
 * cut from a log stream, stamps read, sources written out in time order, a
 * long line cut at the bound, a full queue holding its producer back. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "tap.h"
#include "util.h"

struct seen {
	struct buf text;	/* "src:stream:line\n" for every line emitted */
	size_t lines;
};

static void
record(void *ctx, size_t src, int stream, const char *line, size_t len)
{
	struct seen *s = ctx;
	buf_printf(&s->text, "%zu:%d:%.*s\n", src, stream, (int)len, line);
	s->lines++;
}

static void
feed(struct merge_lines *l, enum berth_stream st, const char *text)
{
	merge_lines_sink(l, st, text, strlen(text));
}

/* End the n sources of m, write the merge out into s, free it all. */
static void
merge_all(struct merge *m, struct merge_lines *l, size_t n, struct seen *s)
{
	for (size_t i = 0; i < n; i++)
		merge_lines_end(&l[i]);
	merge_run(m, record, s, NULL);
	for (size_t i = 0; i < n; i++)
		merge_lines_free(&l[i]);
	merge_free(m);
}

/* merge_all, and what came out is want. */
static void
merged_is(struct merge *m, struct merge_lines *l, size_t n, const char *want, const char *what)
{
	struct seen s = { 0 };
	merge_all(m, l, n, &s);
	is_str(s.text.data, want, "%s", what);
	buf_free(&s.text);
}

/* A merge of two sources replayed (not following), and their line cutters. */
static struct merge *
two_sources(struct merge_lines l[2])
{
	struct merge *m = merge_new(2, false, 16);
	for (size_t i = 0; i < 2; i++)
		l[i] = (struct merge_lines){ .m = m, .index = i, .line_max = 64 };
	return m;
}

static void
test_stamps(void)
{
	size_t rest = 0;
	long long ns = merge_parse_stamp("2026-12-06T16:40:07.714969874Z hello", 36, &rest);
	is_int(ns, 1796575207714969874LL, "an RFC 3339 stamp in ns since the epoch");
	is_int(rest, 31, "the line starts after the stamp's blank");
	ns = merge_parse_stamp("2026-12-06T17:40:07.5+01:00 x", 29, &rest);
	is_int(ns, 1796575207500000000LL, "an offset is taken off");
	is_int(merge_parse_stamp("hello world", 11, &rest), -1, "no stamp: -1");
}

/* Two sources replayed (not following): every line in stamp order, each
 * source's own order kept on a tie, stamps off, stderr kept apart. */
static void
test_order(void)
{
	struct merge_lines l[2];
	struct merge *m = two_sources(l);
	feed(&l[0], BERTH_STDOUT, "2026-12-06T10:00:01.000000000Z a1\n2026-12-06T10:00:03");
	feed(&l[0], BERTH_STDOUT, ".000000000Z a3\n");
	feed(&l[1], BERTH_STDERR, "2026-12-06T10:00:02.000000000Z b2\n");
	feed(&l[1], BERTH_STDOUT, "2026-12-06T10:00:04.000000000Z b4\nno stamp, after b4");
	merged_is(m, l, 2, "0:1:a1\n1:2:b2\n0:1:a3\n1:1:b4\n1:1:no stamp, after b4\n",
		  "lines in the engines' time order, a last line without its newline kept");
}

/* A line longer than the bound is cut; with keep_stamps the stamp stays. */
static void
test_long_line(void)
{
	struct merge *m = merge_new(1, false, 16);
	struct merge_lines a = { .m = m, .line_max = 40, .keep_stamps = true };
	feed(&a, BERTH_STDOUT, "2026-12-06T10:00:01.000000000Z 0123456789abcdefghij\n");
	merged_is(m, &a, 1, "0:1:2026-12-06T10:00:01.000000000Z 012345678\n0:1:9abcdefghij\n",
		  "cut at 40 bytes, the rest a line of its own");
}

/* A source that ended takes lines again once reopened (a container followed
 * anew after a restart); a merge that is over refuses. */
static void
test_reopen(void)
{
	struct merge_lines l[2];
	struct merge *m = two_sources(l);
	feed(&l[0], BERTH_STDOUT, "2026-12-06T10:00:01.000000000Z a1\n");
	merge_lines_end(&l[0]);
	ok(merge_reopen(m, 0), "an ended source reopens while the merge runs");
	feed(&l[0], BERTH_STDOUT, "2026-12-06T10:00:03.000000000Z a3, its new run\n");
	feed(&l[1], BERTH_STDOUT, "2026-12-06T10:00:02.000000000Z b2\n");
	merged_is(m, l, 2, "0:1:a1\n1:1:b2\n0:1:a3, its new run\n",
		  "the reopened source's lines in their place");
	m = merge_new(1, false, 16);
	merge_end(m, 0);
	struct seen s = { 0 };
	merge_run(m, record, &s, NULL);	/* nothing to write: over at once */
	ok(!merge_reopen(m, 0), "a merge that is over refuses to reopen");
	merge_free(m);
}

struct producer {
	struct merge_lines l;
	int n;
};

static void *
produce(void *p)
{
	struct producer *pr = p;
	for (int i = 0; i < pr->n; i++) {
		char line[80];
		snprintf(line, sizeof line, "2026-12-06T10:00:%02d.%09dZ %zu\n", i / 1000 % 60,
			 i % 1000 * 1000, pr->l.index);
		if (merge_lines_sink(&pr->l, BERTH_STDOUT, line, strlen(line)))
			break;
	}
	merge_lines_end(&pr->l);
	return NULL;
}

/* Producers many queues' worth ahead of the consumer wait for room: every
 * line arrives, in order, through queues of 4 lines. */
static void
test_bounded(void)
{
	struct merge *m = merge_new(3, true, 4);
	struct producer pr[3];
	pthread_t th[3];
	for (size_t i = 0; i < 3; i++) {
		pr[i] = (struct producer){ .l = { .m = m, .index = i, .line_max = 128 }, .n = 500 };
		pthread_create(&th[i], NULL, produce, &pr[i]);
	}
	struct seen s = { 0 };
	merge_run(m, record, &s, NULL);
	for (size_t i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		merge_lines_free(&pr[i].l);
	}
	is_int(s.lines, 1500, "every line of three producers through queues of 4");
	buf_free(&s.text);
	merge_free(m);
}

int
main(void)
{
	test_stamps();
	test_order();
	test_long_line();
	test_reopen();
	test_bounded();
	return tap_done();
}
