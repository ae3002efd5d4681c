/* dash.h (private to the dashboard): the state shared by its modules.
 *
 * Threads: everything here belongs to the UI thread. Workers only see the
 * job structs of dash-feed.c (feed.h) and dash-actions.c, and hand results back through
 * the pool's completion list.
 */
#ifndef BERTH_DASH_H
#define BERTH_DASH_H

#include <stdbool.h>
#include <stdint.h>

#include "berth.h"
#include "feed.h"
#include "keymap.h"
#include "logpane.h"
#include "pool.h"
#include "table.h"
#include "theme.h"

enum layout { LAYOUT_TABLE, LAYOUT_SPLIT, LAYOUT_FULL };

/* The endpoints view (dash-endpoints.c): one line per endpoint, worst first. */
struct epview {
	bool open;
	struct dash_ep *sel;		/* the selection, by endpoint */
	size_t top;
	int height;
};
enum focus { FOCUS_TABLE, FOCUS_LOG };

/* A one-line modal dialog in the message line, or a menu over the table. */
enum dialog_kind { DLG_NONE, DLG_PROMPT, DLG_CONFIRM, DLG_MENU };
struct dash;
typedef void (*dialog_fn)(struct dash *d, const char *text, int choice, void *ctx);
struct dialog {
	enum dialog_kind kind;
	char label[200];
	char text[1024];
	size_t len;
	const char *const *items;	/* DLG_MENU */
	int nitems, choice;
	dialog_fn submit;		/* owns ctx */
	void (*change)(struct dash *d, const char *text);	/* live (filter) */
	void *ctx;
	void (*ctx_free)(void *ctx);	/* on cancel */
};

struct exec_job;

/* A text pane over the table: help, details, inspect, exec output. */
struct overlay {
	bool open;
	char title[200];
	struct logpane lp;
	struct exec_job *exec;	/* feeding it, or NULL */
};

struct copy_job;
struct dash_leases;

struct dash {
	const struct berth_config *cfg;
	struct pool *pool;
	struct dash_ep *eps;
	size_t neps;
	struct table table;
	enum layout layout;
	enum focus focus;
	struct logpane logs;
	struct feed feed;		/* lists, events, stats, the log follower */
	struct overlay ov;
	struct epview epv;
	struct dialog dlg;
	char msg[700];
	bool msg_error;
	struct copy_job *copy;		/* a copy in progress, for the progress line */
	int nactions;			/* lifecycle actions in flight (spinner) */
	bool mouse;
	bool quit;
	bool suspended;			/* the terminal belongs to a shell */
	bool dirty, full_redraw;
	double last_frame;
	unsigned spin;
	double refresh_s, zun_refresh_s;
	bool headless;
	struct dash_leases *leases;	/* dash-leases.c */
	struct stats_history *history;	/* stats-history.c: the sampled rows' last ten minutes */
};

/* dash-feed-host.c: the feed of d's endpoints, its host the dashboard. */
void dash_feed_attach(struct dash *d);

/* dash-actions.c: what the keys do to containers. */
void action_run(struct dash *d, enum action a);
bool action_copy_progress(struct dash *d, char *buf, size_t len);
/* The exec pane closed: stop the command and drop its output. */
void action_exec_orphan(struct exec_job *j);

/* dash-leases.c: Blazar leases of the Zun endpoints, fetched on the pool. */
void dash_leases_tick(struct dash *d, double now);	/* fetch when due, redraw when time passes */
double dash_leases_next_deadline(struct dash *d, double now);
void dash_leases_show(struct dash *d);			/* the leases key */
/* " · lease NAME ends in 1h 02m" for the soonest-ending active lease, or NULL. */
const char *dash_leases_status_text(struct dash *d);
/* The reservation id, with its lease when Blazar lists it; NULL when id is NULL. */
char *dash_leases_reservation_text(struct dash *d, const struct dash_ep *e, const char *id);
void dash_leases_free(struct dash *d);

/* dash-warn.c: libberth's warnings in the message line while the screen is ours. */
void dash_warn_begin(void);		/* from now on, collect them */
void dash_warn_attach(struct dash *d);	/* the screen is up: show them */
void dash_warn_end(void);		/* the screen is gone: print them on stderr */

/* dash-endpoints.c: the status line's endpoint states (each, or a summary
 * when they do not fit) and the endpoints view. */
void endpoints_status_draw(struct dash *d, int y, double now);
void endpoints_view_draw(struct dash *d, int y, int h, double now);
bool endpoints_view_key(struct dash *d, enum action a);	/* true when the view took it */
/* "connected", "slow (2 s)", "down: connection refused; retrying in 3 s". */
const char *endpoint_state_short(struct dash_ep *e, double now, char *buf, size_t len,
				 enum theme_elem *th);

/* dash-dialog.c */
void dialog_prompt(struct dash *d, const char *label, const char *initial, dialog_fn submit,
		   void *ctx, void (*ctx_free)(void *));
void dialog_confirm(struct dash *d, const char *label, dialog_fn submit, void *ctx,
		    void (*ctx_free)(void *));
void dialog_menu(struct dash *d, const char *label, const char *const *items, int nitems,
		 int initial, dialog_fn submit, void *ctx, void (*ctx_free)(void *));
bool dialog_key(struct dash *d, int key);	/* true when a dialog took the key */
void dialog_draw(struct dash *d);
void dialog_close(struct dash *d);

/* dashboard.c */
void dash_message(struct dash *d, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void dash_overlay_open(struct dash *d, const char *title);
void dash_rebuild(struct dash *d);	/* after the data changed */
double dash_now(void);
void dash_key(struct dash *d, int key);		/* one key, as if typed */
void dash_resize(struct dash *d, int rows, int cols);
void dash_draw_now(struct dash *d);

#endif
