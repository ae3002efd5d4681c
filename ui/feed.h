/* feed.h: what the dashboard knows of its engines, and how it learns it
 * (dash-feed.c). Per endpoint: the last list of its containers, their stats
 * samples, and its state as a typed value (feed_ep_state) that the views
 * format; the log follower of the selected container, or of the marked
 * ones at once (dash-logmerge.c). The feed knows nothing
 * of the screen: it runs its calls on the worker pool, reaches the engines
 * and the clock through struct feed_ops (libberth in the program, scripted
 * in tests/unit/test_feed.c), and tells its host through struct feed_host.
 *
 * Threads: everything here belongs to the UI thread; workers only see the
 * feed's job structs, and hand results back through the pool's done() calls.
 */
#ifndef BERTH_FEED_H
#define BERTH_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "berth.h"
#include "dash-follow.h"
#include "logpane.h"
#include "pool.h"

/* Per-container samples, kept across lists (sorted by id). */
struct dash_stats {
	char *id;
	struct berth_stats_sample prev;	/* berth's previous sample */
	double cpu;			/* < 0: not known yet */
	uint64_t mem, mem_limit;
	bool have_mem;
	bool inflight;
	double last;			/* when the last sample was asked for */
	/* Trouble only an inspect tells (a listing does not): asked once for
	 * a row on screen, and again after each start or die event of it. */
	int restarts;			/* the engine's restart count */
	bool oom;			/* the last exit was an OOM kill */
	bool facts_known;		/* restarts and oom are the engine's */
	bool facts_due;			/* an event made them old: ask again */
	bool facts_inflight;
};

/* Where the lists stand: the feed's own bookkeeping (views read
 * feed_ep_state instead). */
enum ep_state { EP_CONNECTING, EP_CONNECTED, EP_UNREACHABLE };

struct list_job;
struct ping_job;
struct events_job;
struct feed_sync;
struct log_job;
struct logmerge;
struct stats_history;

struct dash_ep {
	berth_endpoint *ep;
	char *name;
	enum berth_kind kind;
	struct berth_container **ctrs;	/* the last list (owned) */
	size_t nctrs;
	struct dash_stats **stats;	/* sorted by id */
	size_t nstats;
	enum ep_state state;
	char reason[600];		/* why unreachable: the engine's error sentence */
	bool stalled;			/* unreachable because the last list got no reply */
	bool no_reply;			/* the last failed list had no reply (refused, cut, cancelled) */
	bool nofiles;			/* ... because berth ran out of descriptors (BERTH_ENOFILES) */
	bool listed;			/* a list succeeded at least once */
	double last_ok;			/* when the engine last answered; 0: never */
	double waiting_since;		/* the oldest request without a reply since; 0: none */
	bool unanswered;		/* a liveness probe got no reply in time */
	struct ping_job *ping_job;	/* the probe in flight, or NULL */
	double next_ping;		/* no probe before then */
	double down_since;		/* when lists began to fail; 0: they do not */
	struct list_job *list_job;	/* in flight, or NULL */
	double list_started;
	unsigned list_stalls;		/* lists in a row given up without a reply */
	double next_list;
	double backoff;			/* seconds before the next retry */
	bool relist;			/* an event came while a list was in flight */
	struct events_job *events;	/* running event stream, or NULL */
	struct feed_sync *sync;		/* events to replay on a list */
	bool no_events, no_stats;
	double events_retry;		/* when to restart a failed event stream */
	time_t events_seen;		/* the engine's time of the last event, or 0 */
	int nstats_inflight;
};

/* An endpoint's state as data, for the views to word and colour. The
 * classes are in order, worst first. */
enum feed_class { FEED_DOWN, FEED_STALLED, FEED_SLOW, FEED_CONNECTING, FEED_UP, FEED_NCLASS };

struct feed_ep_state {
	enum feed_class cls;
	const char *reason;	/* FEED_DOWN: the engine's error sentence; else "" */
	bool nofiles;		/* FEED_DOWN: not the engine: berth ran out of descriptors */
	double since;		/* DOWN: failing since; STALLED, SLOW: unanswered since */
	bool retrying;		/* DOWN, STALLED: a new attempt is under way */
	double next_retry;	/* DOWN, STALLED, no attempt under way: when the next starts */
	double backoff;		/* DOWN, STALLED: seconds between attempts now */
	double last_ok;		/* when the engine last answered; 0: never */
	bool polling;		/* no event stream: the rows are as fresh as the last list */
};

/* The clock and the engine calls of the feed (each run on a worker of the
 * pool, but now, kind and the events stream's). */
struct feed_ops {
	double (*now)(void);
	enum berth_kind (*kind)(const berth_endpoint *ep);
	int (*ping)(berth_endpoint *ep, char **version, berth_cancel *cancel,
		    struct berth_error *err);
	/* The probe on the stream loop (berth_ping_open), as events_open; NULL:
	 * ping on a thread of the pool. Zun's endpoints always do that. */
	berth_follow *(*ping_open)(berth_endpoint *ep, double deadline_s, berth_follow_end_cb end,
				   void *ctx, struct berth_error *err);
	void (*ping_close)(berth_follow *s);
	int (*list)(berth_endpoint *ep, bool all, struct berth_container ***out, size_t *n,
		    berth_cancel *cancel, struct berth_error *err);
	/* The events stream, on the stream loop (berth_events_open): called on
	 * the UI thread, never blocks; cb and end run on another thread. */
	berth_follow *(*events_open)(berth_endpoint *ep, time_t since, berth_event_cb cb,
				     berth_follow_end_cb end, void *ctx, struct berth_error *err);
	void (*events_close)(berth_follow *s);
	int (*stats)(berth_endpoint *ep, const char *id, struct berth_stats_sample *out,
		     berth_cancel *cancel, struct berth_error *err);
	/* A polled log (Zun), followed on a stream job of its own. */
	int (*logs)(berth_endpoint *ep, const char *id, const struct berth_logs_opts *o,
		    berth_sink sink, void *ctx, berth_cancel *cancel, struct berth_error *err);
	/* The other engines' log follows, on the stream loop (opened on a worker). */
	const struct log_follow_ops *follow;
	/* NULL: no restart counts or OOM flags in the table. */
	int (*inspect)(berth_endpoint *ep, const char *ref, bool refresh,
		       struct berth_container **out, berth_cancel *cancel, struct berth_error *err);
};

/* libberth's calls and the monotonic clock: what the program uses. */
extern const struct feed_ops feed_engine_ops;

/* A row of the host's table, as the feed sees it. */
struct feed_row {
	struct dash_ep *e;
	const struct berth_container *c;
	struct dash_stats *st;
};

/* One engine event, kept for the events view: every container event of every
 * endpoint but the noise (exec_*, attach, resize, top...). */
struct feed_event {
	time_t time;
	const char *endpoint;		/* borrowed: the endpoint's name */
	char *id, *name, *action;	/* name may be NULL */
	char *signal;			/* a kill's signal, or NULL */
	int exit_code;			/* a die's exit code, or -1 */
};

#define FEED_EVENTS_MAX 1000	/* events kept, the oldest giving way */

/* What the feed tells its host, and asks it. */
struct feed_host {
	void *ctx;
	/* rows: the lists changed (the table is rebuilt); else only redraw. */
	void (*changed)(void *ctx, bool rows);
	/* The i-th row on screen (stats are sampled for those); false past the last. */
	bool (*shown_row)(void *ctx, size_t i, struct feed_row *out);
	/* The selected row, whose logs the log pane follows; false: none. */
	bool (*selected_row)(void *ctx, struct feed_row *out);
	/* The marked containers (of every endpoint, shown or not), whose logs
	 * the log pane follows merged when there are any: the first max into
	 * out; how many are marked. NULL: none ever is. */
	size_t (*marked_rows)(void *ctx, struct feed_row *out, size_t max);
	/* An error sentence for the message line. */
	void (*message)(void *ctx, const char *sentence);
};

struct feed {
	const struct feed_ops *ops;
	struct feed_host host;
	struct pool *pool;
	struct dash_ep *eps;		/* the host's, in the order given */
	size_t neps;
	double refresh_s, zun_refresh_s;
	bool quit;			/* shutting down: done() calls only free */
	double next_stats;		/* when to sample the rows on screen again */
	/* The log follower: the host reads these, and sets log_start_at. */
	struct logpane *logs;
	char *log_ep, *log_id;		/* the container the log pane follows */
	struct log_job *log_job;	/* its stream, or NULL */
	double log_start_at;		/* debounced start of the log follow; 0: none */
	struct logmerge *log_merge;	/* the marked containers' merged follow, or NULL */
	char *log_merge_key;		/* who they are: "endpoint\nid\n" each */
	size_t log_merged, log_marked;	/* containers merged; marked */
	int log_window_s;		/* the lines of its last N seconds (the engine's since); 0: all */
	double trim_at, trimmed_at;	/* malloc_trim: when next, when last */
	struct stats_history *history;	/* the host's resource history (stats-history.c), or NULL */
	/* The last FEED_EVENTS_MAX events, a ring; events_seq counts every one. */
	struct feed_event *events;
	size_t events_head, events_count;
	uint64_t events_seq;
};

/* The i-th newest event kept (i < f->events_count). */
const struct feed_event *feed_event_newest(const struct feed *f, size_t i);
/* Free the kept events (the feed's end). */
void feed_events_free(struct feed *f);

/* Start every endpoint's feed (f's fields above ops..logs set). */
void feed_start(struct feed *f);
/* Shutting down: stop the log follower; later done() calls only free. */
void feed_shutdown(struct feed *f);
void feed_free_endpoint(struct dash_ep *e);
void feed_tick(struct feed *f, double now);	/* schedule due work */
double feed_next_deadline(struct feed *f, double now);
void feed_relist_all(struct feed *f);
void feed_log_follow(struct feed *f);		/* (re)start following the selection */
void feed_log_stop(struct feed *f);
/* Follow the selection again from the start of the log window, the pane cleared. */
void feed_log_refill(struct feed *f);
struct feed_ep_state feed_ep_state(const struct dash_ep *e, double now);
struct dash_stats *feed_stats_find(struct dash_ep *e, const char *id);

#endif
