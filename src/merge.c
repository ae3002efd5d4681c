/* merge.c: several time-ordered line sources written out in one time order
 * (see merge.h). One mutex guards every queue; producers wait on `room`
 * (those on the stream loop never wait: their room() is called), the
 * consumer on `ready`. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "merge.h"
#include "util.h"

struct merge_line {
	long long ns;		/* the line's own time stamp */
	long long arrived;	/* CLOCK_MONOTONIC ns when it was put */
	int stream;
	char *text;
	size_t len;
};

struct merge_source {
	struct merge_line *q;	/* a ring of cap lines (m->queue, more past it: merge_on_room) */
	size_t head, count, cap;
	bool ended;
	bool over;		/* a put went past m->queue: room() is due below it */
	void (*room)(void *ctx);	/* the producer never waits (merge_on_room) */
	void *room_ctx;
};

struct merge {
	pthread_mutex_t lock;
	pthread_cond_t ready;	/* a line was put or a source ended */
	pthread_cond_t room;	/* a line was taken, or the merge stopped */
	struct merge_source *src;
	size_t nsrc;
	size_t queue;		/* lines per source's ring */
	bool follow;
	bool stopped;
};

static long long
mono_ns(void)
{
	return (long long)now_monotonic_ns();
}

/* A copy of len bytes, NUL-terminated (a log line may hold NUL bytes). */
static char *
bytes_dup(const char *p, size_t len)
{
	char *d = xmalloc(len + 1);
	memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

struct merge *
merge_new(size_t nsources, bool follow, size_t queue)
{
	struct merge *m = xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->ready, &ca);
	pthread_cond_init(&m->room, &ca);
	pthread_condattr_destroy(&ca);
	m->src = xcalloc(nsources ? nsources : 1, sizeof *m->src);
	m->nsrc = nsources;
	m->queue = queue ? queue : 1;
	for (size_t i = 0; i < nsources; i++) {
		m->src[i].q = xcalloc(m->queue, sizeof *m->src[i].q);
		m->src[i].cap = m->queue;
	}
	m->follow = follow;
	return m;
}

void
merge_free(struct merge *m)
{
	if (!m)
		return;
	for (size_t s = 0; s < m->nsrc; s++) {
		for (size_t i = 0; i < m->src[s].count; i++)
			free(m->src[s].q[(m->src[s].head + i) % m->src[s].cap].text);
		free(m->src[s].q);
	}
	free(m->src);
	pthread_cond_destroy(&m->ready);
	pthread_cond_destroy(&m->room);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void
merge_on_room(struct merge *m, size_t src, void (*room)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&m->lock);
	m->src[src].room = room;
	m->src[src].room_ctx = ctx;
	pthread_mutex_unlock(&m->lock);
}

/* Under the lock: a full ring of s twice as large, its lines in order. */
static void
ring_grow(struct merge_source *s)
{
	struct merge_line *q = xcalloc(s->cap * 2, sizeof *q);
	for (size_t i = 0; i < s->count; i++)
		q[i] = s->q[(s->head + i) % s->cap];
	free(s->q);
	s->q = q;
	s->head = 0;
	s->cap *= 2;
}

int
merge_put(struct merge *m, size_t src, long long ns, int stream, const char *line, size_t len)
{
	pthread_mutex_lock(&m->lock);
	struct merge_source *s = &m->src[src];
	while (s->count == m->queue && !s->room && !m->stopped)
		pthread_cond_wait(&m->room, &m->lock);
	if (m->stopped) {
		pthread_mutex_unlock(&m->lock);
		return -1;
	}
	if (s->count == s->cap)
		ring_grow(s);
	struct merge_line *l = &s->q[(s->head + s->count) % s->cap];
	*l = (struct merge_line){ .ns = ns, .arrived = mono_ns(), .stream = stream,
				  .text = bytes_dup(line, len), .len = len };
	s->count++;
	int full = s->count >= m->queue;
	s->over |= full;
	pthread_cond_signal(&m->ready);
	pthread_mutex_unlock(&m->lock);
	return full && s->room;
}

void
merge_end(struct merge *m, size_t src)
{
	pthread_mutex_lock(&m->lock);
	m->src[src].ended = true;
	pthread_cond_signal(&m->ready);
	pthread_mutex_unlock(&m->lock);
}

bool
merge_reopen(struct merge *m, size_t src)
{
	pthread_mutex_lock(&m->lock);
	bool open = !m->stopped;
	if (open)
		m->src[src].ended = false;
	pthread_mutex_unlock(&m->lock);
	return open;
}

/* Under the lock: the source whose first line is the oldest (the first such
 * source on a tie), or -1 when nothing waits; *all_heard when every source
 * that has not ended has a line waiting, *finished when every source ended
 * and nothing waits. */
static long
merge_oldest(const struct merge *m, bool *all_heard, bool *finished)
{
	long best = -1;
	*all_heard = true;
	*finished = true;
	for (size_t i = 0; i < m->nsrc; i++) {
		const struct merge_source *s = &m->src[i];
		if (!s->count) {
			*all_heard &= s->ended;
			*finished &= s->ended;
			continue;
		}
		*finished = false;
		if (best < 0 || s->q[s->head].ns < m->src[best].q[m->src[best].head].ns)
			best = (long)i;
	}
	return best;
}

/* Under the lock: wait for news, at most until `deadline` (monotonic ns) and
 * never more than 100 ms, so that a cancel is seen. */
static void
merge_wait(struct merge *m, long long deadline)
{
	long long until = mono_ns() + 100000000LL;
	if (deadline > 0 && deadline < until)
		until = deadline;
	struct timespec ts = { .tv_sec = until / 1000000000LL, .tv_nsec = until % 1000000000LL };
	pthread_cond_timedwait(&m->ready, &m->lock, &ts);
}

void
merge_run(struct merge *m, merge_emit_fn emit, void *ctx, berth_cancel *cancel)
{
	const long long hold = MERGE_HOLD_MS * 1000000LL;
	pthread_mutex_lock(&m->lock);
	while (!berth_cancel_is_set(cancel)) {
		bool all_heard, finished;
		long i = merge_oldest(m, &all_heard, &finished);
		if (finished)
			break;
		long long waited_until = i >= 0 ? m->src[i].q[m->src[i].head].arrived + hold : 0;
		if (i < 0 || (!all_heard && (!m->follow || mono_ns() < waited_until))) {
			merge_wait(m, m->follow ? waited_until : 0);
			continue;
		}
		struct merge_source *s = &m->src[i];
		struct merge_line l = s->q[s->head];
		s->head = (s->head + 1) % s->cap;
		s->count--;
		bool room_due = s->over && s->room && s->count < m->queue;
		if (room_due)
			s->over = false;
		void (*room)(void *) = s->room;
		void *room_ctx = s->room_ctx;
		pthread_cond_broadcast(&m->room);
		pthread_mutex_unlock(&m->lock);
		if (room_due)
			room(room_ctx);
		emit(ctx, (size_t)i, l.stream, l.text, l.len);
		free(l.text);
		pthread_mutex_lock(&m->lock);
	}
	m->stopped = true;
	pthread_cond_broadcast(&m->room);
	pthread_mutex_unlock(&m->lock);
}

/* Up to n decimal digits of s into *v; the number of digits read. */
static size_t
digits(const char *s, size_t len, size_t n, long long *v)
{
	size_t i = 0;
	for (*v = 0; i < n && i < len && s[i] >= '0' && s[i] <= '9'; i++)
		*v = *v * 10 + (s[i] - '0');
	return i;
}

long long
merge_parse_stamp(const char *s, size_t len, size_t *rest)
{
	static const size_t widths[6] = { 4, 2, 2, 2, 2, 2 };
	static const char seps[6] = "--T::";
	long long f[6];
	size_t p = 0;
	for (int k = 0; k < 6; k++) {
		if (digits(s + p, len - p, widths[k], &f[k]) != widths[k])
			return -1;
		p += widths[k];
		if (k < 5 && (p >= len || s[p++] != seps[k]))
			return -1;
	}
	long long frac = 0;
	size_t nd = 0;
	if (p < len && s[p] == '.') {
		p++;
		long long d;
		while (p < len && s[p] >= '0' && s[p] <= '9') {
			if (nd < 9) {
				digits(s + p, 1, 1, &d);
				frac = frac * 10 + d;
				nd++;
			}
			p++;
		}
	}
	for (; nd < 9; nd++)
		frac *= 10;
	long long offset = 0, hh, mm;
	if (p < len && s[p] == 'Z') {
		p++;
	} else if (p + 6 <= len && (s[p] == '+' || s[p] == '-') && digits(s + p + 1, 2, 2, &hh) == 2 &&
		   s[p + 3] == ':' && digits(s + p + 4, 2, 2, &mm) == 2) {
		offset = (hh * 3600 + mm * 60) * (s[p] == '+' ? 1 : -1);
		p += 6;
	} else {
		return -1;
	}
	struct tm tm = { .tm_year = (int)f[0] - 1900, .tm_mon = (int)f[1] - 1, .tm_mday = (int)f[2],
			 .tm_hour = (int)f[3], .tm_min = (int)f[4], .tm_sec = (int)f[5] };
	if (p < len && s[p] == ' ')
		p++;
	*rest = p;
	return ((long long)timegm(&tm) - offset) * 1000000000LL + frac;
}

/* One whole line (without its newline) of stream st. */
static int
merge_lines_put(struct merge_lines *l, int st, const char *line, size_t len)
{
	size_t rest = 0;
	long long ns = merge_parse_stamp(line, len, &rest);
	if (ns < 0)
		ns = l->last_ns;
	else
		l->last_ns = ns;
	if (l->keep_stamps)
		rest = 0;
	return merge_put(l->m, l->index, ns, st, line + rest, len - rest);
}

int
merge_lines_sink(void *ctx, enum berth_stream st, const char *buf, size_t len)
{
	struct merge_lines *l = ctx;
	int s = st == BERTH_STDERR ? BERTH_STDERR : BERTH_STDOUT;
	struct buf *part = &l->part[s];
	bool full = false;
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl ? (size_t)(nl - buf) : len;
		bool ends = nl != NULL;
		if (take > l->line_max - part->len) {	/* cut a long line here */
			take = l->line_max - part->len;
			ends = false;
		}
		buf_append(part, buf, take);
		buf += take + ends;
		len -= take + ends;
		if (!ends && part->len < l->line_max)
			continue;
		int put = merge_lines_put(l, s, part->data ? part->data : "", part->len);
		if (put < 0)
			return 1;
		full |= put > 0;
		part->len = 0;
	}
	return full ? BERTH_SINK_FULL : 0;
}

void
merge_lines_end(struct merge_lines *l)
{
	for (int s = BERTH_STDOUT; s <= BERTH_STDERR; s++) {
		if (l->part[s].len)
			merge_lines_put(l, s, l->part[s].data, l->part[s].len);
		l->part[s].len = 0;
	}
	merge_end(l->m, l->index);
}

void
merge_lines_free(struct merge_lines *l)
{
	for (int s = BERTH_STDOUT; s <= BERTH_STDERR; s++)
		buf_free(&l->part[s]);
}
