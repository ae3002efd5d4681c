/* test_history.c: the dashboard's resource history: ten minutes per container
 * at the refresh interval, oldest first, rates between samples, and a fixed
 * number of containers whatever how many are sampled. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "stats-history.h"
#include "tap.h"

/* A sample at second `sec` whose counters all grow by `step` per second. */
static struct berth_stats_sample
sample(unsigned sec, uint64_t step)
{
	return (struct berth_stats_sample){
		.read_ns = (uint64_t)sec * 1000000000ULL + 1, .valid = true,
		.mem_used = 1000 + sec, .mem_limit = 1 << 20, .pids = sec % 7,
		.net_rx = step * sec, .net_tx = 2 * step * sec,
		.blk_read = 3 * step * sec, .blk_write = 4 * step * sec,
	};
}

static void
test_capacity(void)
{
	struct stats_history *h = stats_history_new(2, 4);
	is_int(stats_history_capacity(h), 301, "refresh 2 s: 301 points cover ten minutes");
	stats_history_free(h);
	h = stats_history_new(0.1, 4);
	is_int(stats_history_capacity(h), HISTORY_POINTS_MAX, "a very short refresh is capped");
	stats_history_free(h);
	h = stats_history_new(1000, 4);
	is_int(stats_history_capacity(h), 2, "a refresh past ten minutes keeps two points");
	stats_history_free(h);
}

static void
test_ring(void)
{
	struct stats_history *h = stats_history_new(2, 4);
	for (unsigned i = 0; i < 1000; i++) {
		struct berth_stats_sample s = sample(2 * i, 500);
		stats_history_add(h, "a", &s, i % 100);
	}
	static struct stats_point p[HISTORY_POINTS_MAX];
	size_t n = stats_history_series(h, "a", p, HISTORY_POINTS_MAX);
	is_int(n, 301, "after 1000 samples, the ring holds its 301");
	ok(p[0].mem_used == 1000 + 2 * 699 && p[300].mem_used == 1000 + 2 * 999,
	   "the oldest kept is sample 699, the newest 999");
	bool ordered = true;
	for (size_t i = 1; i < n; i++)
		ordered &= p[i].t > p[i - 1].t;
	ok(ordered, "oldest first, in time order");
	ok(p[300].cpu == 99 && p[300].pids == (2 * 999) % 7, "CPU %% and PIDs as given");
	ok(p[300].net_rx == 500 && p[300].net_tx == 1000 && p[300].blk_read == 1500 &&
	   p[300].blk_write == 2000, "rates: bytes per second between two samples");
	n = stats_history_series(h, "a", p, 10);
	ok(n == 10 && p[9].mem_used == 1000 + 2 * 999, "a shorter copy gets the newest points");
	is_int(stats_history_last(h, "a")->mem_used, 1000 + 2 * 999, "the last point");
	stats_history_free(h);
}

static void
test_rates(void)
{
	struct stats_history *h = stats_history_new(1, 2);
	struct berth_stats_sample s = sample(10, 100);
	stats_history_add(h, "r", &s, -1);
	struct stats_point p[4];
	stats_history_series(h, "r", p, 4);
	ok(p[0].net_rx < 0 && p[0].blk_write < 0 && p[0].cpu < 0,
	   "the first point has no rates, and an unknown CPU stays unknown");
	struct berth_stats_sample older = sample(5, 100);
	stats_history_add(h, "r", &older, 1);
	is_int(stats_history_series(h, "r", p, 4), 1, "a sample older than the last is ignored");
	struct berth_stats_sample reset = sample(11, 100);
	reset.net_rx = 0;	/* the container restarted: its counters start again */
	stats_history_add(h, "r", &reset, 1);
	stats_history_series(h, "r", p, 4);
	ok(p[1].net_rx == 0 && p[1].net_tx == 200, "a counter that went back is a rate of 0");
	stats_history_free(h);
}

static void
test_bounded(void)
{
	struct stats_history *h = stats_history_new(2, 4);
	char id[16];
	struct stats_point p[8];
	for (unsigned c = 0; c < 4; c++) {
		snprintf(id, sizeof id, "c%u", c);
		struct berth_stats_sample s = sample(1 + c, 1);
		stats_history_add(h, id, &s, 1);
	}
	struct berth_stats_sample again = sample(10, 1);
	stats_history_add(h, "c0", &again, 1);	/* c1 is now the least recently sampled */
	struct berth_stats_sample s = sample(11, 1);
	stats_history_add(h, "new", &s, 1);
	ok(stats_history_series(h, "c1", p, 8) == 0 && stats_history_series(h, "c0", p, 8) == 2 &&
	   stats_history_series(h, "new", p, 8) == 1,
	   "a fifth container takes the least recently sampled one's ring");
	for (unsigned c = 0; c < 1000; c++) {
		snprintf(id, sizeof id, "x%u", c);
		struct berth_stats_sample x = sample(20 + c, 1);
		stats_history_add(h, id, &x, 1);
	}
	size_t held = 0;
	for (unsigned c = 0; c < 1000; c++) {
		snprintf(id, sizeof id, "x%u", c);
		held += stats_history_series(h, id, p, 8);
	}
	is_int(held, 4, "after 1000 containers, four histories (bounded memory)");
	ok(stats_history_series(h, "x999", p, 8) == 1, "the newest container has its history");
	stats_history_forget(h, "x999");
	ok(stats_history_series(h, "x999", p, 8) == 0 && !stats_history_last(h, "x999"),
	   "a forgotten container has none");
	stats_history_free(h);
}

int
main(void)
{
	test_capacity();
	test_ring();
	test_rates();
	test_bounded();
	return tap_done();
}
