/* dash.h (private to the dashboard): the state shared by its modules.
 *
 * Threads: everything here belongs to the UI thread. Workers only see the
 * job structs of dash-feed.c (feed.h) and of the actions, and hand results back
 * through the pool's completion list.
 */
#ifndef BERTH_DASH_H
#define BERTH_DASH_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "berth.h"
#include "feed.h"
#include "keymap.h"
#include "logpane.h"
#include "pool.h"
#include "table.h"
#include "theme.h"
#include "view.h"

struct copy_job;
struct command_job;
struct dash_leases;
struct dash_notice;
struct stall_watch;

struct dash {
	const struct berth_config *cfg;
	struct pool *pool;
	struct dash_ep *eps;
	size_t neps;
	const struct frame_ops *host;	/* the frame: views and jobs reach the loop only here */
	struct table table;
	struct logpane logs;
	bool logs_shown;		/* the log pane is open: follow the selection */
	struct feed feed;		/* lists, events, stats, the log follower */
	char msg[700];
	bool msg_error;
	double msg_at;			/* dash_now() when msg was set */
	bool msg_notice;		/* msg is a notice, not what the person's action said */
	struct copy_job *copy;		/* a copy in progress, for the progress line */
	int nactions;			/* actions and exec commands in flight (spinner) */
	bool mouse;
	bool quit;
	bool suspended;			/* the terminal belongs to a shell */
	bool dirty, full_redraw;	/* the frame's: set them with dash_changed */
	bool keyed;			/* a key came since the last frame */
	double last_frame;
	unsigned spin;
	double refresh_s, zun_refresh_s;
	double lease_warning_s, lease_alarm_s;	/* before a lease's end (0: off) */
	bool headless;
	struct dash_leases *leases;	/* dash-leases.c */
	struct stats_history *history;	/* stats-history.c: the sampled rows' last ten minutes */
	struct dash_notice *notice;	/* dash-notice.c: what the last rebuild saw */
	struct stall_watch *stall_watches;	/* dash-stall.c: the jobs given a stall timeout */
	struct command_job **forwards;	/* dash-command.c: :forward's running children */
	size_t nforwards;
};

/* dash-feed-host.c: the feed of d's endpoints, its host the dashboard. */
void dash_feed_attach(struct dash *d);

/* dash-leases.c: Blazar leases of the Zun endpoints, fetched on the pool. */
void dash_leases_tick(struct dash *d, double now);	/* fetch when due, redraw when time passes */
double dash_leases_next_deadline(struct dash *d, double now);
/* Ask every endpoint that has Blazar again now; false (and a message) when none has. */
bool dash_leases_ask_now(struct dash *d);
/* The active leases, one part per endpoint, as text (caller frees); *changes:
 * when a time left in it changes (wall clock). */
char *dash_leases_report(struct dash *d, time_t now, time_t *changes);
unsigned dash_leases_answers(struct dash *d);	/* grows with each answer */
/* " · lease NAME ends in 1h 02m" for the soonest-ending active lease, or NULL;
 * "(warning)" or "(ALARM)" follows once it is within lease_warning or lease_alarm
 * of its end, and the theme colour says the same (TH_STATUS, TH_WARN, TH_BAD). */
const char *dash_leases_status_text(struct dash *d);
enum theme_elem dash_leases_status_theme(struct dash *d);
/* An active lease, borrowed from the last answer: valid until the next answer
 * (dash_leases_answers changes) or a rebuild of the table. */
struct dash_lease {
	struct dash_ep *ep;
	const struct berth_lease *l;
};
/* The active leases that have not ended, the soonest end first (caller frees *out). */
size_t dash_leases_active(struct dash *d, time_t now, struct dash_lease **out);
/* The lease of e that holds the reservation, or NULL (also when not known yet). */
const struct berth_lease *dash_leases_holding(struct dash *d, const struct dash_ep *e,
					      const char *reservation);
/* The same for the table (table_lease_fn; ctx is the struct dash). */
const struct berth_lease *dash_leases_lease_of(void *ctx, const struct dash_ep *e,
					       const char *reservation);
/* The reservation id, with its lease when Blazar lists it; NULL when id is NULL. */
char *dash_leases_reservation_text(struct dash *d, const struct dash_ep *e, const char *id);
void dash_leases_free(struct dash *d);

/* dash-extend.c: the extend key in the leases view: choose a lease and a
 * duration, confirm, then Blazar's lease update; its answer in the message line. */
void lease_extend_ask(struct dash *d);

/* dash-notice.c: a running container that died, a health check that turned
 * unhealthy, said in the message line (and the bell with bell = yes). */
void notice_rows(struct dash *d);	/* after the lists changed */
/* A notice waits NOTICE_HOLD_S after the message line last said what an action
 * did, so that the action's result can be read: shown here once that is over. */
void notice_tick(struct dash *d, double now);
double notice_next_deadline(const struct dash *d, double now);	/* HUGE_VAL: none */
/* The dashboard stops, kills, restarts or deletes it: its end is no news. */
void notice_expect_end(struct dash *d, const char *endpoint, const char *id);
void notice_free(struct dash *d);

/* dash-compose.c: compose projects. */
/* Mark every row of the selected container's project on its endpoint. */
void compose_mark_project(struct dash *d);

/* view-runform.c: the run form, view_open(d, "runform", &arg); a NULL arg:
 * the selected row's endpoint and no image. */
struct runform_arg {
	struct dash_ep *ep;		/* NULL: the selected row's */
	const char *image;		/* filled in, or NULL */
};

/* dash-warn.c: libberth's warnings in the message line while the screen is ours. */
void dash_warn_begin(void);		/* from now on, collect them */
void dash_warn_attach(struct dash *d);	/* the screen is up: show them */
void dash_warn_end(void);		/* the screen is gone: print them on stderr */

/* dash-endpoints.c: the endpoints' states in words and colours, and the
 * status line (each endpoint's state, or a summary when they do not fit). */
extern const char *const ep_class_word[FEED_NCLASS];		/* "down", "stalled"... */
extern const enum theme_elem ep_class_theme[FEED_NCLASS];
/* The whole sentence: "connected", "slow (2 s)", "not answering for 12 s;
 * retrying in 2 s", "unreachable: REASON; reconnecting". */
void ep_state_sentence(const struct feed_ep_state *st, double now, char *buf, size_t len);
/* "connected", "slow (2 s)", "down: connection refused; retrying in 3 s". */
const char *endpoint_state_short(struct dash_ep *e, double now, char *buf, size_t len,
				 enum theme_elem *th);
/* The name, its distinctive end kept when long ("…/s07.sock"); allocated. */
char *ep_short_name(const char *name);
double ep_seconds_until(double when, double now);	/* rounded, 0 when past */
/* One endpoint's state read once per frame, and its sentence. */
struct ep_line {
	struct dash_ep *e;
	struct feed_ep_state st;
	char state[700];
};
/* Every endpoint's line, in the order they were given (caller frees). */
struct ep_line *ep_lines(struct dash_ep *eps, size_t neps, double now);
void endpoints_status_draw(struct dash *d, int y, double now);
/* For the title line: " · read-only" when every endpoint is read-only,
 * " · read-only: NAME, NAME" when some are, "" when none is. */
void endpoints_read_only_text(struct dash *d, char *buf, size_t len);

/* dash-base.c: the bottom of the shared state, for every file of the dashboard. */
void dash_message(struct dash *d, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void dash_changed(struct dash *d);	/* something shown changed: draw a frame */
double dash_now(void);
size_t dash_scrollback(const struct dash *d);	/* lines a text pane keeps */
/* Graphs in ASCII: a non-UTF-8 locale, NO_COLOR, the mono theme. */
bool dash_graphs_ascii(const struct dash *d);

/* dash-state.c: the shared state's own calls, for the views, the feed and jobs. */
void dash_rebuild(struct dash *d);	/* after the data changed */
/* After the sort or grouping changed, not the data: the rows in the new
 * order, without the notices' comparison of every container. */
void dash_resort(struct dash *d);
/* After the filter or running-only changed: the rows that pass, unsorted. */
void dash_refilter(struct dash *d);
void dash_selection_moved(struct dash *d);	/* the log pane follows it, soon */
void dash_marks_changed(struct dash *d);	/* the log pane follows the marked, soon */
bool dash_busy(struct dash *d);		/* jobs the spinner stands for are running */
void dash_set_mouse(struct dash *d, bool on);

/* The frame's calls (struct frame_ops), for views and jobs. */
static inline struct view *
view_open(struct dash *d, const char *name, const void *arg)
{
	return d->host->open(d, name, arg);
}

static inline struct view *
view_find(struct dash *d, const char *name)
{
	return d->host->find(d, name);
}

static inline void
view_close(struct view *v)
{
	v->d->host->close(v->d, v);
}

static inline bool
view_focused(const struct view *v)
{
	return v->d->host->focused(v->d, v);
}

#endif
