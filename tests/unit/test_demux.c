/* test_demux.c: the Docker stream demultiplexer, fed at every split offset. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "demux.h"
#include "tap.h"
#include "util.h"

struct capture {
	struct buf out, err;
	size_t calls;
	size_t stop_after;	/* stop when this many calls were made (0: never) */
};

static int
capture_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct capture *c = ctx;
	buf_append(s == BERTH_STDERR ? &c->err : &c->out, buf, len);
	c->calls++;
	return c->stop_after && c->calls >= c->stop_after;
}

static void
frame(struct buf *b, int type, const char *payload, size_t len)
{
	unsigned char h[8] = { (unsigned char)type, 0, 0, 0, (unsigned char)(len >> 24),
			       (unsigned char)(len >> 16), (unsigned char)(len >> 8),
			       (unsigned char)len };
	buf_append(b, h, 8);
	buf_append(b, payload, len);
}

/* A stream of stdout, an empty frame, stderr, stdin-as-stdout and a 300-byte frame. */
static void
sample_stream(struct buf *b, char *big, size_t nbig)
{
	for (size_t i = 0; i < nbig; i++)
		big[i] = (char)('a' + i % 26);
	frame(b, 1, "hello\n", 6);
	frame(b, 1, "", 0);
	frame(b, 2, "oops\n", 5);
	frame(b, 0, "in", 2);
	frame(b, 1, big, nbig);
	frame(b, 2, "", 0);
}

/* Feed the stream in two parts split at `at`, then in parts of `step` bytes. */
static int
feed_split(const struct buf *s, size_t at, size_t step, struct capture *c)
{
	struct demux d;
	demux_init(&d, capture_sink, c);
	int rc = 0;
	if (step == 0) {
		rc = demux_feed(&d, s->data, at);
		if (rc == 0)
			rc = demux_feed(&d, s->data + at, s->len - at);
	} else {
		for (size_t off = 0; rc == 0 && off < s->len; off += step)
			rc = demux_feed(&d, s->data + off, off + step > s->len ? s->len - off : step);
	}
	if (rc == 0 && !demux_complete(&d))
		rc = 2;
	demux_done(&d);
	return rc;
}

static void
test_every_split(void)
{
	char big[300];
	struct buf s = { 0 };
	sample_stream(&s, big, sizeof big);
	struct buf want = { 0 };
	buf_appends(&want, "hello\nin");
	buf_append(&want, big, sizeof big);

	int bad = 0;
	for (size_t at = 0; at <= s.len; at++) {
		struct capture c = { 0 };
		int rc = feed_split(&s, at, 0, &c);
		if (rc != 0 || c.out.len != want.len || memcmp(c.out.data, want.data, want.len) ||
		    !c.err.data || strcmp(c.err.data, "oops\n")) {
			if (!bad)
				printf("# split at %zu failed (rc %d)\n", at, rc);
			bad++;
		}
		buf_free(&c.out);
		buf_free(&c.err);
	}
	is_int(bad, 0, "a split at each of the %zu offsets gives the same stdout and stderr", s.len + 1);

	bad = 0;
	for (size_t step = 1; step <= 9; step++) {
		struct capture c = { 0 };
		if (feed_split(&s, 0, step, &c) != 0 || c.out.len != want.len ||
		    memcmp(c.out.data, want.data, want.len))
			bad++;
		buf_free(&c.out);
		buf_free(&c.err);
	}
	is_int(bad, 0, "byte-by-byte and small chunk feeding give the same output");
	buf_free(&s);
	buf_free(&want);
}

/* Frames of one stream within one feed are joined; a change of stream splits. */
static void
test_coalescing(void)
{
	struct buf s = { 0 };
	for (int i = 0; i < 1000; i++)
		frame(&s, 1, "line\n", 5);
	frame(&s, 2, "e1", 2);
	frame(&s, 2, "e2", 2);
	frame(&s, 1, "tail", 4);
	struct capture c = { 0 };
	struct demux d;
	demux_init(&d, capture_sink, &c);
	is_int(demux_feed(&d, s.data, s.len), 0, "a thousand one-line frames");
	is_int(c.calls, 3, "reach the sink in three pieces (stdout, stderr, stdout)");
	is_int(c.out.len, 5004, "with every byte");
	is_str(c.err.data, "e1e2", "stderr joined too");
	demux_done(&d);
	buf_free(&s);
	buf_free(&c.out);
	buf_free(&c.err);
}

static void
test_empty_frames(void)
{
	struct buf s = { 0 };
	frame(&s, 1, "", 0);
	frame(&s, 2, "", 0);
	struct capture c = { 0 };
	is_int(feed_split(&s, 3, 0, &c), 0, "only empty frames: a complete stream");
	is_int(c.calls, 0, "empty frames never reach the sink");
	buf_free(&s);
}

static void
test_daemon_error(void)
{
	struct buf s = { 0 };
	frame(&s, 1, "partial", 7);
	frame(&s, 3, "container died\n", 15);
	frame(&s, 1, "never", 5);
	for (size_t at = 0; at <= s.len; at += 5) {
		struct capture c = { 0 };
		struct demux d;
		demux_init(&d, capture_sink, &c);
		int rc = demux_feed(&d, s.data, at);
		if (rc == 0)
			rc = demux_feed(&d, s.data + at, s.len - at);
		if (at == 0) {
			is_int(rc, -1, "a type 3 frame ends the stream with an error");
			is_str(demux_error(&d), "container died", "the daemon's message is kept");
			is_str(c.out.data, "partial", "output before the error is delivered, none after");
		} else if (rc != -1 || strcmp(demux_error(&d), "container died") != 0) {
			ok(0, "daemon error split at %zu", at);
		}
		demux_done(&d);
		buf_free(&c.out);
		buf_free(&c.err);
	}
	buf_free(&s);
}

static void
test_bad_header_and_truncation(void)
{
	struct capture c = { 0 };
	struct demux d;
	demux_init(&d, capture_sink, &c);
	static const char junk[] = "HTTP/1.1 500 oops";
	is_int(demux_feed(&d, junk, sizeof junk - 1), -1, "a non-frame header is an error");
	ok(strstr(demux_error(&d), "malformed") != NULL, "its message says the stream is malformed");
	demux_done(&d);

	struct buf s = { 0 };
	frame(&s, 1, "abcdef", 6);
	demux_init(&d, capture_sink, &c);
	is_int(demux_feed(&d, s.data, s.len - 2), 0, "a cut frame is accepted so far");
	ok(!demux_complete(&d), "but the stream is not complete");
	demux_done(&d);
	buf_free(&s);
	buf_free(&c.out);
}

static void
test_sink_stop(void)
{
	struct buf s = { 0 };
	frame(&s, 1, "one", 3);
	frame(&s, 1, "two", 3);
	struct capture c = { .stop_after = 1 };
	struct demux d;
	demux_init(&d, capture_sink, &c);
	is_int(demux_feed(&d, s.data, 11), 1, "the sink can stop the stream");
	is_str(c.out.data, "one", "nothing is delivered after the stop");
	is_int(demux_feed(&d, s.data + 11, s.len - 11), 1, "later feeding stays stopped");
	is_int(c.calls, 1, "and reaches no sink");
	demux_done(&d);
	buf_free(&s);
	buf_free(&c.out);
}

int
main(void)
{
	test_every_split();
	test_coalescing();
	test_empty_frames();
	test_daemon_error();
	test_bad_header_and_truncation();
	test_sink_stop();
	return tap_done();
}
