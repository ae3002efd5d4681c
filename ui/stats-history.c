/* stats-history.c: fixed-size rings of resource samples, one per container,
 * in a table of fixed size (see stats-history.h). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats-history.h"
#include "util.h"

/* One container's ring and the raw counters its next rates start from. */
struct history_slot {
	char *id;			/* NULL: free */
	struct stats_point *ring;	/* capacity points, allocated on first use */
	size_t head, count;		/* oldest point, points held */
	struct berth_stats_sample last;	/* the last sample's raw counters */
	unsigned long long used;	/* the table's clock when last sampled */
};

struct stats_history {
	struct history_slot *slots;
	size_t nslots, capacity;
	unsigned long long clock;	/* counts samples, orders slots by use */
};

struct stats_history *
stats_history_new(double refresh_s, size_t max_containers)
{
	struct stats_history *h = xcalloc(1, sizeof *h);
	double points = refresh_s > 0 ? ceil(HISTORY_SECONDS / refresh_s) + 1 : HISTORY_POINTS_MAX;
	h->capacity = points > HISTORY_POINTS_MAX ? HISTORY_POINTS_MAX : points < 2 ? 2 : (size_t)points;
	h->nslots = max_containers ? max_containers : 1;
	h->slots = xcalloc(h->nslots, sizeof *h->slots);
	return h;
}

void
stats_history_free(struct stats_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nslots; i++) {
		free(h->slots[i].id);
		free(h->slots[i].ring);
	}
	free(h->slots);
	free(h);
}

size_t
stats_history_capacity(const struct stats_history *h)
{
	return h->capacity;
}

static struct history_slot *
slot_find(const struct stats_history *h, const char *id)
{
	for (size_t i = 0; i < h->nslots; i++)
		if (h->slots[i].id && strcmp(h->slots[i].id, id) == 0)
			return &h->slots[i];
	return NULL;
}

/* A free slot, else the least recently sampled one, emptied for id. */
static struct history_slot *
slot_take(struct stats_history *h, const char *id)
{
	struct history_slot *s = &h->slots[0];
	for (size_t i = 0; i < h->nslots; i++) {
		if (!h->slots[i].id) {
			s = &h->slots[i];
			break;
		}
		if (h->slots[i].used < s->used)
			s = &h->slots[i];
	}
	free(s->id);
	s->id = xstrdup(id);
	if (!s->ring)
		s->ring = xcalloc(h->capacity, sizeof *s->ring);
	s->head = s->count = 0;
	memset(&s->last, 0, sizeof s->last);
	return s;
}

/* Bytes per second between two readings of a counter; -1 when there is no
 * earlier reading, 0 when the counter went back (the container restarted). */
static float
rate(uint64_t before, uint64_t now, double seconds, bool have_before)
{
	if (!have_before || seconds <= 0)
		return -1;
	return now < before ? 0 : (float)((double)(now - before) / seconds);
}

void
stats_history_add(struct stats_history *h, const char *id, const struct berth_stats_sample *s,
		  double cpu)
{
	struct history_slot *slot = slot_find(h, id);
	if (!slot)
		slot = slot_take(h, id);
	bool have = slot->last.read_ns != 0;
	if (have && s->read_ns <= slot->last.read_ns)
		return;
	double dt = have ? (double)(s->read_ns - slot->last.read_ns) / 1e9 : 0;
	struct stats_point p = {
		.t = (double)s->read_ns / 1e9, .cpu = (float)cpu,
		.net_rx = rate(slot->last.net_rx, s->net_rx, dt, have),
		.net_tx = rate(slot->last.net_tx, s->net_tx, dt, have),
		.blk_read = rate(slot->last.blk_read, s->blk_read, dt, have),
		.blk_write = rate(slot->last.blk_write, s->blk_write, dt, have),
		.mem_used = s->mem_used, .mem_limit = s->mem_limit,
		.pids = s->pids > UINT32_MAX ? UINT32_MAX : (uint32_t)s->pids,
	};
	if (slot->count == h->capacity) {
		slot->ring[slot->head] = p;
		slot->head = (slot->head + 1) % h->capacity;
	} else {
		slot->ring[(slot->head + slot->count++) % h->capacity] = p;
	}
	slot->last = *s;
	slot->used = ++h->clock;
}

size_t
stats_history_series(const struct stats_history *h, const char *id, struct stats_point *out,
		     size_t max)
{
	const struct history_slot *s = slot_find(h, id);
	size_t n = s ? s->count : 0, skip = n > max ? n - max : 0;
	for (size_t i = skip; i < n; i++)
		out[i - skip] = s->ring[(s->head + i) % h->capacity];
	return n - skip;
}

const struct stats_point *
stats_history_last(const struct stats_history *h, const char *id)
{
	const struct history_slot *s = slot_find(h, id);
	return s && s->count ? &s->ring[(s->head + s->count - 1) % h->capacity] : NULL;
}

void
stats_history_forget(struct stats_history *h, const char *id)
{
	struct history_slot *s = slot_find(h, id);
	if (!s)
		return;
	free(s->id);
	s->id = NULL;
	s->head = s->count = 0;
	s->used = 0;
}
