/* stats-history.h: the dashboard's resource history, a fixed-size ring per
 * sampled container, in a table of a fixed number of containers.
 *
 * Each point is what one sample (berth_stats, taken by the feed at the
 * refresh interval) says: CPU %, memory usage and limit, network and block
 * I/O as rates between this sample and the one before, and PIDs. A ring
 * holds HISTORY_SECONDS at the refresh interval; the table holds at most
 * max_containers rings, the least recently sampled one giving way to a new
 * container. So memory is bounded whatever the number of containers:
 * max_containers * points * sizeof(struct stats_point), allocated as
 * containers are first sampled. UI thread only.
 */
#ifndef BERTH_STATS_HISTORY_H
#define BERTH_STATS_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "berth.h"

#define HISTORY_SECONDS 600	/* ten minutes */
#define HISTORY_POINTS_MAX 3600	/* a refresh under 1/6 s keeps less than ten minutes */
#define HISTORY_CONTAINERS 256	/* the dashboard's table of histories */

struct stats_point {
	double t;			/* when sampled, CLOCK_MONOTONIC seconds */
	float cpu;			/* percent; < 0 when not known */
	float net_rx, net_tx;		/* bytes per second; < 0 for the first point */
	float blk_read, blk_write;	/* bytes per second; < 0 for the first point */
	uint64_t mem_used, mem_limit;	/* bytes */
	uint32_t pids;
};

struct stats_history;

/* A history of HISTORY_SECONDS at refresh_s per point, for at most
 * max_containers containers at once. */
struct stats_history *stats_history_new(double refresh_s, size_t max_containers);
void stats_history_free(struct stats_history *h);
/* Points kept per container. */
size_t stats_history_capacity(const struct stats_history *h);

/* Record a valid sample of container id, with the CPU % the caller computed
 * from it (< 0: not known). A sample older than the last one is ignored. */
void stats_history_add(struct stats_history *h, const char *id, const struct berth_stats_sample *s,
		       double cpu);
/* Copy up to max of id's points into out, oldest first; the number copied
 * (0 for a container never sampled or forgotten). */
size_t stats_history_series(const struct stats_history *h, const char *id, struct stats_point *out,
			    size_t max);
/* The newest point of id, or NULL. */
const struct stats_point *stats_history_last(const struct stats_history *h, const char *id);
/* Drop id's history (the container was removed). */
void stats_history_forget(struct stats_history *h, const char *id);

#endif
