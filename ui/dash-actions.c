/* dash-actions.c: what the action keys do to containers. Each action
 * collects its targets (the marked rows, else the selected one) by endpoint
 * and id, never by row, asks what it must ask (signal, paths, confirmation),
 * then runs on the worker pool; every result or error lands in the message
 * line. */
#include "config.h"

#include <curses.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "dash-outbuf.h"
#include "dash.h"
#include "sanitize.h"
#include "util.h"

/* ---------------------------------------------------------------- targets */

struct target {
	struct dash_ep *e;
	char *id, *name, *fip;
	bool running;
};

struct targets {
	struct target *v;
	size_t n;
	char *arg;		/* a signal, an address, a path... */
	char *arg2;
	int choice;
};

static void
targets_free(void *p)
{
	struct targets *t = p;
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].id);
		free(t->v[i].name);
		free(t->v[i].fip);
	}
	free(t->v);
	free(t->arg);
	free(t->arg2);
	free(t);
}

static void
targets_add(struct targets *t, struct row *r)
{
	t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
	t->v[t->n++] = (struct target) {
		.e = r->ep, .id = xstrdup(r->c->id), .name = sanitize_str(r->c->name),
		.fip = xstrdup(r->c->floating_ip), .running = r->c->running,
	};
}

/* The marked containers (bulk) when bulk is allowed and any are marked, else
 * the selected one; NULL (with a message) when there is none. */
static struct targets *
targets_collect(struct dash *d, bool bulk)
{
	struct targets *t = xcalloc(1, sizeof *t);
	struct table *tb = &d->table;
	if (bulk && tb->nmarks) {
		for (size_t e = 0; e < d->neps; e++)
			for (size_t k = 0; k < d->eps[e].nctrs; k++) {
				struct berth_container *c = d->eps[e].ctrs[k];
				if (table_is_marked(tb, d->eps[e].name, c->id)) {
					struct row r = { .c = c, .ep = &d->eps[e] };
					targets_add(t, &r);
				}
			}
	} else if (table_selected(tb)) {
		targets_add(t, table_selected(tb));
	}
	if (!t->n) {
		dash_message(d, true, "no container is selected");
		targets_free(t);
		return NULL;
	}
	return t;
}

/* "web" or "3 containers" */
static char *
targets_label(const struct targets *t)
{
	return t->n == 1 ? xstrdup(t->v[0].name) : xasprintf("%zu containers", t->n);
}

/* What every job on one container (inspect, exec, shell, copy) starts with. */
struct ctr_job {
	struct pool_job job;
	struct dash *d;
	berth_endpoint *ep;
	char *id, *name;
	int rc;
	struct berth_error err;
};

/* j is the first member of a calloc'ed job; g its container. */
static void
ctr_job_init(struct ctr_job *j, struct dash *d, const struct target *g,
	     void (*run)(struct pool_job *), void (*done)(struct pool_job *), enum pool_class klass)
{
	j->job.run = run;
	j->job.done = done;
	j->job.klass = klass;
	j->d = d;
	j->ep = g->e->ep;
	j->id = xstrdup(g->id);
	j->name = xstrdup(g->name);
}

static void
ctr_job_free(struct ctr_job *j)
{
	free(j->id);
	free(j->name);
	free(j);
}

/* Submit j; when the pool refuses, the message line says why and the job's
 * own fields are the caller's to free. */
static bool
ctr_job_submit(struct ctr_job *j)
{
	if (pool_submit(j->d->pool, &j->job, &j->err) == 0)
		return true;
	dash_message(j->d, true, "%s", j->err.message);
	return false;
}

/* ---------------------------------------------------------------- lifecycle */

struct bulk {
	enum action a;
	size_t total, done, failed;
	char first_err[600];
	char *label;
	char *arg;
};

struct act_job {
	struct pool_job job;
	struct dash *d;
	struct bulk *bulk;
	enum action a;
	berth_endpoint *ep;
	char *id;
	const char *arg;	/* borrowed from bulk */
	bool force;		/* delete: kill it first if it runs */
	bool dissociate;	/* floating IP */
	char *assigned;
	int rc;
	struct berth_error err;
};

static void
act_run(struct pool_job *pj)
{
	struct act_job *j = (struct act_job *)pj;
	switch (j->a) {
	case ACT_START: j->rc = berth_start(j->ep, j->id, pj->cancel, &j->err); break;
	case ACT_STOP: j->rc = berth_stop(j->ep, j->id, -1, pj->cancel, &j->err); break;
	case ACT_RESTART: j->rc = berth_restart(j->ep, j->id, -1, pj->cancel, &j->err); break;
	case ACT_DELETE: j->rc = berth_remove(j->ep, j->id, j->force, pj->cancel, &j->err); break;
	case ACT_KILL: j->rc = berth_kill(j->ep, j->id, j->arg, pj->cancel, &j->err); break;
	case ACT_FIP:
		j->rc = j->dissociate ? berth_fip_dissociate(j->ep, j->id, pj->cancel, &j->err)
			: berth_fip_associate(j->ep, j->id, j->arg && *j->arg ? j->arg : NULL,
					      &j->assigned, pj->cancel, &j->err);
		break;
	default: j->rc = berth_fail(&j->err, BERTH_EUSAGE, "not an action on a container"); break;
	}
}

static const char *
past_tense(enum action a)
{
	switch (a) {
	case ACT_START: return "started";
	case ACT_STOP: return "stopped";
	case ACT_RESTART: return "restarted";
	case ACT_DELETE: return "deleted";
	default: return "done";
	}
}

static void
bulk_report(struct dash *d, struct bulk *b, const char *assigned, bool dissociated)
{
	size_t ok = b->done - b->failed;
	if (b->total == 1 && b->failed)
		dash_message(d, true, "%s", b->first_err);
	else if (b->total == 1 && b->a == ACT_KILL)
		dash_message(d, false, "sent %s to %s", b->arg, b->label);
	else if (b->total == 1 && b->a == ACT_FIP && dissociated)
		dash_message(d, false, "dissociated the floating IP of %s", b->label);
	else if (b->total == 1 && b->a == ACT_FIP)
		dash_message(d, false, "associated floating IP %s with %s", assigned ? assigned : "?",
			     b->label);
	else if (b->total == 1)
		dash_message(d, false, "%s %s", past_tense(b->a), b->label);
	else if (b->failed)
		dash_message(d, true, "%s: %zu of %zu done; %s", action_name(b->a), ok, b->total,
			     b->first_err);
	else
		dash_message(d, false, "%s: all %zu done", action_name(b->a), b->total);
}

static void
act_done(struct pool_job *pj)
{
	struct act_job *j = (struct act_job *)pj;
	struct bulk *b = j->bulk;
	b->done++;
	if (j->rc < 0) {
		if (!b->failed++)
			snprintf(b->first_err, sizeof b->first_err, "%s", j->err.message);
	}
	j->d->nactions--;
	if (b->done == b->total) {
		if (!j->d->quit)
			bulk_report(j->d, b, j->assigned, j->dissociate);
		free(b->label);
		free(b->arg);
		free(b);
	}
	if (!j->d->quit)
		feed_relist_all(&j->d->feed);
	free(j->assigned);
	free(j->id);
	free(j);
}

/* Submit action a for every target; the targets are freed. */
static void
act_submit(struct dash *d, enum action a, struct targets *t, bool dissociate)
{
	struct bulk *b = xcalloc(1, sizeof *b);
	b->a = a;
	b->total = t->n;
	b->label = targets_label(t);
	b->arg = xstrdup(t->arg);
	for (size_t i = 0; i < t->n; i++) {
		struct act_job *j = xcalloc(1, sizeof *j);
		j->job.run = act_run;
		j->job.done = act_done;
		/* A thread each: actions on a frozen engine must not hold the
		 * workers that list the other endpoints. */
		j->job.klass = POOL_STREAM;
		j->d = d;
		j->bulk = b;
		j->a = a;
		j->ep = t->v[i].e->ep;
		j->id = xstrdup(t->v[i].id);
		j->arg = b->arg;
		j->force = true;	/* confirmed: delete even if it started since */
		j->dissociate = dissociate;
		d->nactions++;
		if (pool_submit(d->pool, &j->job, &j->err) < 0) {
			j->rc = -1;
			act_done(&j->job);
		}
	}
	dash_message(d, false, "%s %s…", action_name(a), b->label);
	targets_free(t);
}

static void
confirmed(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	act_submit(d, (enum action)t->choice, t, false);
}

static void
ask_delete(struct dash *d, struct targets *t)
{
	t->choice = ACT_DELETE;
	bool running = false;
	for (size_t i = 0; i < t->n; i++)
		running |= t->v[i].running;
	char *label = targets_label(t);
	char *q = xasprintf("Delete %s%s?", label, running ? " (running: it will be killed)" : "");
	dialog_confirm(d, q, confirmed, t, targets_free);
	free(q);
	free(label);
}

static const char *const kill_signals[] = {
	"SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGSTOP",
	"SIGCONT",
};

static void
kill_signal_chosen(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	t->arg = xstrdup(kill_signals[choice]);
	t->choice = ACT_KILL;
	char *label = targets_label(t);
	char *q = xasprintf("Send %s to %s?", t->arg, label);
	dialog_confirm(d, q, confirmed, t, targets_free);
	free(q);
	free(label);
}

static void
ask_kill(struct dash *d, struct targets *t)
{
	dialog_menu(d, "Signal to send", kill_signals,
		    (int)(sizeof kill_signals / sizeof kill_signals[0]), 0, kill_signal_chosen, t,
		    targets_free);
}

/* ---------------------------------------------------------------- floating IP */

static void
fip_address_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	t->arg = xstrdup(text);
	act_submit(d, ACT_FIP, t, false);
}

static void
fip_dissociate_confirmed(struct dash *d, const char *text, int choice, void *ctx)
{
	act_submit(d, ACT_FIP, ctx, true);
}

static const char *const fip_choices[] = { "Associate a floating IP", "Dissociate its floating IP" };

static void
fip_choice_made(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	struct target *g = &t->v[0];
	if (choice == 1) {
		char *q = g->fip ? xasprintf("Dissociate floating IP %s from %s?", g->fip, g->name)
			: xasprintf("Dissociate the floating IP of %s?", g->name);
		dialog_confirm(d, q, fip_dissociate_confirmed, t, targets_free);
		free(q);
	} else {
		char *q = xasprintf("Floating IP for %s (empty: allocate one):", g->name);
		dialog_prompt(d, q, "", fip_address_given, t, targets_free);
		free(q);
	}
}

/* On Zun, a menu (the list does not always say whether an address is
 * associated); elsewhere the library's one sentence says why it cannot. */
static void
ask_fip(struct dash *d, struct targets *t)
{
	struct target *g = &t->v[0];
	if (g->e->kind != BERTH_KIND_ZUN) {
		act_submit(d, ACT_FIP, t, false);
		return;
	}
	char *q = xasprintf("Floating IP of %s", g->name);
	dialog_menu(d, q, fip_choices, 2, g->fip ? 1 : 0, fip_choice_made, t, targets_free);
	free(q);
}

/* ---------------------------------------------------------------- inspect, details */

struct inspect_job {
	struct ctr_job c;
	char *json;
};

static void
inspect_run(struct pool_job *pj)
{
	struct inspect_job *j = (struct inspect_job *)pj;
	struct berth_container *c = NULL;
	j->c.rc = berth_inspect(j->c.ep, j->c.id, true, &c, pj->cancel, &j->c.err);
	if (j->c.rc == 0) {
		j->json = xstrdup(c->raw ? json_object_to_json_string_ext(c->raw,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) : "{}");
		berth_container_free(c);
	}
}

static void
inspect_done(struct pool_job *pj)
{
	struct inspect_job *j = (struct inspect_job *)pj;
	if (!j->c.d->quit) {
		if (j->c.rc == 0) {
			char *title = xasprintf("inspect %s", j->c.name);
			dash_overlay_open(j->c.d, title);
			logpane_add_text(&j->c.d->ov.lp, BERTH_STDOUT, j->json);
			logpane_home(&j->c.d->ov.lp);
			dash_message(j->c.d, false, "inspected %s", j->c.name);
			free(title);
		} else {
			dash_message(j->c.d, true, "%s", j->c.err.message);
		}
	}
	free(j->json);
	ctr_job_free(&j->c);
}

static void
do_inspect(struct dash *d, struct targets *t)
{
	struct inspect_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &t->v[0], inspect_run, inspect_done, POOL_FAST);
	j->c.job.deadline = dash_now() + 20;	/* a frozen engine must not hold a worker */
	if (!ctr_job_submit(&j->c))
		ctr_job_free(&j->c);
	targets_free(t);
}

static void
add_field(struct buf *b, const char *label, const char *value)
{
	if (value && *value)
		buf_printf(b, "%-13s %s\n", label, value);
}

static void
add_time(struct buf *b, const char *label, time_t t)
{
	char s[64];
	struct tm tm;
	if (t && localtime_r(&t, &tm) && strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S %Z", &tm))
		add_field(b, label, s);
}

/* A summary of the selected container from the last list (no network). */
static void
show_details(struct dash *d)
{
	struct row *r = table_selected(&d->table);
	if (!r) {
		dash_message(d, true, "no container is selected");
		return;
	}
	const struct berth_container *c = r->c;
	struct buf b = { 0 };
	char st[64], *tmp;
	add_field(&b, "Name", c->name);
	add_field(&b, "ID", c->id);
	add_field(&b, "Image", c->image);
	add_field(&b, "Status", table_status_text(c, st, sizeof st));
	add_field(&b, "State", c->state_text);
	add_field(&b, "Reason", c->status_reason);
	add_field(&b, "Endpoint", r->ep->name);
	add_time(&b, "Created", c->created);
	add_time(&b, "Started", c->started);
	add_time(&b, "Finished", c->finished);
	add_field(&b, "Command", c->command);
	add_field(&b, "Hostname", c->hostname);
	if (c->pid) {
		tmp = xasprintf("%ld", c->pid);
		add_field(&b, "PID", tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->nports; i++) {
		const struct berth_port *p = &c->ports[i];
		tmp = p->host_port ? xasprintf("%d/%s -> %s:%d", p->container_port, p->proto,
					       *p->host_ip ? p->host_ip : "0.0.0.0", p->host_port)
			: xasprintf("%d/%s", p->container_port, p->proto);
		add_field(&b, i ? "" : "Ports", tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->nipv4; i++)
		add_field(&b, i ? "" : "IPv4", c->ipv4[i]);
	for (size_t i = 0; i < c->nipv6; i++)
		add_field(&b, i ? "" : "IPv6", c->ipv6[i]);
	add_field(&b, "Floating IP", c->floating_ip);
	tmp = dash_leases_reservation_text(d, r->ep, c->reservation);	/* known, never guessed */
	add_field(&b, "Reservation", tmp);
	free(tmp);
	if (r->st && r->st->cpu >= 0 && c->running) {
		tmp = xasprintf("%.1f%%", r->st->cpu);
		add_field(&b, "CPU", tmp);
		free(tmp);
	}
	if (r->st && r->st->have_mem && c->running) {
		tmp = xasprintf("%llu MiB of %llu MiB", (unsigned long long)(r->st->mem >> 20),
				(unsigned long long)(r->st->mem_limit >> 20));
		add_field(&b, "Memory", tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->nlabels; i++) {
		tmp = xasprintf("%s=%s", c->labels[i].key, c->labels[i].value ? c->labels[i].value : "");
		add_field(&b, i ? "" : "Labels", tmp);
		free(tmp);
	}
	char *name = sanitize_str(c->name);
	char *title = xasprintf("details %s", name);
	dash_overlay_open(d, title);
	logpane_add_text(&d->ov.lp, BERTH_STDOUT, b.data ? b.data : "");
	logpane_home(&d->ov.lp);
	free(title);
	free(name);
	buf_free(&b);
}

static void
show_help(struct dash *d)
{
	struct buf b = { 0 };
	buf_printf(&b, "berth %s: key map (remap in the [keys] section of berth.conf)\n\n",
		   berth_version_string());
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++)
		buf_printf(&b, "  %-14s %-16s %s\n", keymap_keys((enum action)a), action_name((enum action)a),
			   action_help((enum action)a));
	buf_printf(&b, "\nIn the log pane (Tab focuses it; full screen focuses it too): up/down,\n"
		   "page keys, top/bottom scroll; / searches, n/N go to older/newer matches;\n"
		   "p pauses, w wraps, t shows times, ^S saves. Sort also by clicking a header.\n"
		   "Actions apply to the marked rows when any are marked, else to the selection.\n"
		   "The filter's words ep:NAME keep the rows of the endpoints named NAME (else\n"
		   "those whose name contains it); Enter in the endpoints view sets one.\n"
		   "health:unhealthy (starting, healthy, none) and state:exited (running, paused...)\n"
		   "keep the rows with that health or status.\n");
	dash_overlay_open(d, "help");
	logpane_add_text(&d->ov.lp, BERTH_STDOUT, b.data);
	logpane_home(&d->ov.lp);
	buf_free(&b);
}

/* ---------------------------------------------------------------- exec */

struct exec_job {
	struct ctr_job c;
	struct outbuf out;
	char **argv;
	bool orphan;		/* the pane was closed */
	int exit_code;
};

static int
exec_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct exec_job *j = ctx;
	return outbuf_put(&j->out, s, buf, len);
}

static void
exec_run(struct pool_job *pj)
{
	struct exec_job *j = (struct exec_job *)pj;
	j->c.rc = berth_exec(j->c.ep, j->c.id, j->argv, NULL, exec_sink, j, &j->exit_code, pj->cancel,
			   &j->c.err);
}

static void
exec_note(struct pool_job *pj)
{
	struct exec_job *j = (struct exec_job *)((char *)pj - offsetof(struct exec_job, out.note));
	if (outbuf_take(&j->out, j->orphan ? NULL : &j->c.d->ov.lp))
		j->c.d->dirty = true;
}

static void
exec_done(struct pool_job *pj)
{
	struct exec_job *j = (struct exec_job *)pj;
	struct dash *d = j->c.d;
	outbuf_take(&j->out, j->orphan ? NULL : &d->ov.lp);
	if (!j->orphan) {
		d->ov.exec = NULL;
		logpane_flush(&d->ov.lp);
		char *line = j->c.rc == 0 ? xasprintf("-- exit code %d", j->exit_code)
			: xasprintf("-- %s", j->c.err.message);
		logpane_add_text(&d->ov.lp, j->c.rc == 0 && j->exit_code == 0 ? BERTH_STDOUT : BERTH_STDERR,
				 line);
		free(line);
		d->dirty = true;
	}
	if (!d->quit) {
		if (j->c.rc == 0)
			dash_message(d, j->exit_code != 0, "exec in %s exited with code %d", j->c.name,
				     j->exit_code);
		else
			dash_message(d, true, "%s", j->c.err.message);
	}
	outbuf_done(&j->out);
	berth_strv_free(j->argv);
	ctr_job_free(&j->c);
}

void
action_exec_orphan(struct exec_job *j)
{
	j->orphan = true;
	pool_cancel(&j->c.job);
}

/* Split a command line on blanks, with '...' and "..." quoting and \ escapes. */
static char **
split_words(const char *s)
{
	char **v = NULL;
	size_t n = 0;
	struct buf w = { 0 };
	bool in_word = false;
	char quote = 0;
	for (;; s++) {
		char c = *s;
		if (!c || (!quote && (c == ' ' || c == '\t'))) {
			if (in_word) {
				buf_append(&w, "", 0);
				strv_push(&v, &n, w.data);
				w.len = 0;
				in_word = false;
			}
			if (!c)
				break;
		} else if (quote && c == quote) {
			quote = 0;
		} else if (!quote && (c == '\'' || c == '"')) {
			quote = c;
			in_word = true;
		} else if (c == '\\' && quote != '\'' && s[1]) {
			buf_append(&w, ++s, 1);
			in_word = true;
		} else {
			buf_append(&w, &c, 1);
			in_word = true;
		}
	}
	buf_free(&w);
	return v;
}

static void
exec_command_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	char **argv = split_words(text);
	if (!argv) {
		dash_message(d, true, "no command given");
		targets_free(t);
		return;
	}
	struct exec_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &t->v[0], exec_run, exec_done, POOL_STREAM);
	j->argv = argv;
	outbuf_init(&j->out, d->pool, &j->c.job, exec_note);
	char *cmd = sanitize_str(text);
	char *title = xasprintf("exec %s: %s", j->c.name, cmd);
	dash_overlay_open(d, title);
	d->ov.lp.live = true;
	free(title);
	free(cmd);
	if (!ctr_job_submit(&j->c)) {
		outbuf_done(&j->out);
		berth_strv_free(argv);
		ctr_job_free(&j->c);
	} else {
		d->ov.exec = j;
		dash_message(d, false, "running in %s…", j->c.name);
	}
	targets_free(t);
}

static void
ask_exec(struct dash *d, struct targets *t)
{
	char *q = xasprintf("exec in %s:", t->v[0].name);
	dialog_prompt(d, q, "", exec_command_given, t, targets_free);
	free(q);
}

/* ---------------------------------------------------------------- shell */

static const char *const shells[] = { "/bin/bash", "/bin/sh" };

struct shell_job {
	struct ctr_job c;
	const char *shell;	/* found by the probe */
	bool interactive;	/* false: probing */
	int rows, cols;		/* the terminal's size, read on the UI thread */
	struct termios saved;
	int exit_code;
};

static int
discard_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	return 0;
}

static void
shell_run(struct pool_job *pj)
{
	struct shell_job *j = (struct shell_job *)pj;
	if (!j->interactive) {
		for (size_t i = 0; i < sizeof shells / sizeof shells[0] && !j->shell; i++) {
			char *argv[] = { (char *)shells[i], "-c", "exit 0", NULL };
			int code = -1;
			j->c.rc = berth_exec(j->c.ep, j->c.id, argv, NULL, discard_sink, NULL, &code,
					   pj->cancel, &j->c.err);
			if (j->c.rc == 0 && code == 0)
				j->shell = shells[i];
		}
		return;
	}
	char *argv[] = { (char *)j->shell, NULL };
	j->c.rc = berth_exec_interactive(j->c.ep, j->c.id, argv, STDIN_FILENO, STDOUT_FILENO, j->rows,
				       j->cols, &j->exit_code, pj->cancel, &j->c.err);
}

static void shell_done(struct pool_job *pj);

/* Give the terminal to the shell: leave curses, raw tty, run it on a worker. */
static void
shell_enter(struct dash *d, struct shell_job *j)
{
	j->rows = LINES;
	j->cols = COLS;
	def_prog_mode();
	endwin();
	printf("berth: %s in %s; leave the shell to come back to the dashboard\r\n", j->shell, j->c.name);
	fflush(stdout);
	tcgetattr(STDIN_FILENO, &j->saved);
	struct termios raw = j->saved;
	cfmakeraw(&raw);
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	j->interactive = true;
	d->suspended = true;
	if (pool_submit(d->pool, &j->c.job, &j->c.err) < 0) {
		j->c.rc = -1;
		shell_done(&j->c.job);
	}
}

static void
shell_done(struct pool_job *pj)
{
	struct shell_job *j = (struct shell_job *)pj;
	struct dash *d = j->c.d;
	if (!j->interactive) {
		if (!j->shell) {
			dash_message(d, true, j->c.rc < 0 ? "%s" : "no shell in %s (tried /bin/bash and /bin/sh)",
				     j->c.rc < 0 ? j->c.err.message : j->c.name);
		} else if (!d->quit) {
			shell_enter(d, j);
			return;
		}
	} else {
		tcsetattr(STDIN_FILENO, TCSANOW, &j->saved);
		reset_prog_mode();
		clearok(curscr, TRUE);
		d->suspended = false;
		d->full_redraw = true;
		if (j->c.rc == 0)
			dash_message(d, j->exit_code != 0, "shell in %s exited with code %d", j->c.name,
				     j->exit_code);
		else
			dash_message(d, true, "%s", j->c.err.message);
		feed_relist_all(&d->feed);
	}
	ctr_job_free(&j->c);
}

static void
start_shell(struct dash *d, struct targets *t)
{
	if (!t->v[0].running) {
		dash_message(d, true, "%s is not running", t->v[0].name);
		targets_free(t);
		return;
	}
	struct shell_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &t->v[0], shell_run, shell_done, POOL_STREAM);
	targets_free(t);
	if (!ctr_job_submit(&j->c)) {
		ctr_job_free(&j->c);
		return;
	}
	dash_message(d, false, "looking for a shell in %s…", j->c.name);
}

/* ---------------------------------------------------------------- copy */

struct copy_job {
	struct ctr_job c;
	char *src, *dst;
	bool up;
	atomic_ullong done_bytes, total_bytes;
};

static void
copy_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct copy_job *j = ctx;
	atomic_store(&j->done_bytes, done);
	atomic_store(&j->total_bytes, total);
}

static void
copy_run(struct pool_job *pj)
{
	struct copy_job *j = (struct copy_job *)pj;
	if (j->up)
		j->c.rc = berth_copy_to(j->c.ep, j->src, j->c.id, j->dst, copy_progress, j, pj->cancel, &j->c.err);
	else
		j->c.rc = berth_copy_from(j->c.ep, j->c.id, j->src, j->dst, copy_progress, j, pj->cancel,
					&j->c.err);
}

static void
copy_done(struct pool_job *pj)
{
	struct copy_job *j = (struct copy_job *)pj;
	struct dash *d = j->c.d;
	d->copy = NULL;
	if (!d->quit) {
		if (j->c.rc == 0)
			dash_message(d, false, j->up ? "copied %s to %s:%s" : "copied %s:%s to %s",
				     j->up ? j->src : j->c.name, j->up ? j->c.name : j->src, j->dst);
		else
			dash_message(d, true, "%s", j->c.err.message);
	}
	free(j->src);
	free(j->dst);
	ctr_job_free(&j->c);
}

static void
fmt_size(uint64_t b, char *buf, size_t len)
{
	if (b >= (1u << 20))
		snprintf(buf, len, "%.1f MiB", (double)b / (1 << 20));
	else if (b >= 1024)
		snprintf(buf, len, "%.1f KiB", (double)b / 1024);
	else
		snprintf(buf, len, "%llu B", (unsigned long long)b);
}

bool
action_copy_progress(struct dash *d, char *buf, size_t len)
{
	struct copy_job *j = d->copy;
	if (!j)
		return false;
	char done[32], total[32];
	uint64_t t = atomic_load(&j->total_bytes);
	fmt_size(atomic_load(&j->done_bytes), done, sizeof done);
	fmt_size(t, total, sizeof total);
	snprintf(buf, len, "copying %s %s: %s%s%s", j->up ? "to" : "from", j->c.name, done,
		 t ? " of " : "", t ? total : "");
	return true;
}

/* An empty answer ends the dialogs: say what was missing. */
static bool
answer_missing(struct dash *d, const char *text, const char *what, struct targets *t)
{
	if (*text)
		return false;
	dash_message(d, true, "no %s given", what);
	targets_free(t);
	return true;
}

static void
copy_dest_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	if (answer_missing(d, text, "destination", t))
		return;
	struct copy_job *j = xcalloc(1, sizeof *j);
	ctr_job_init(&j->c, d, &t->v[0], copy_run, copy_done, POOL_STREAM);
	j->up = t->choice == 0;
	j->src = xstrdup(t->arg);
	j->dst = xstrdup(text);
	targets_free(t);
	if (!ctr_job_submit(&j->c)) {
		free(j->src);
		free(j->dst);
		ctr_job_free(&j->c);
		return;
	}
	d->copy = j;
	d->dirty = true;
}

static void
copy_source_given(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	if (answer_missing(d, text, "source", t))
		return;
	t->arg = xstrdup(text);
	const char *base = strrchr(text, '/');
	base = base && base[1] ? base + 1 : text;
	char *q = t->choice == 0 ? xasprintf("to path in %s:", t->v[0].name)
		: xstrdup("to host path:");
	char *initial = t->choice == 0 ? xstrdup("/tmp/") : xasprintf("./%s", base);
	dialog_prompt(d, q, initial, copy_dest_given, t, targets_free);
	free(q);
	free(initial);
}

static const char *const copy_directions[] = { "Upload: host -> container",
					       "Download: container -> host" };

static void
copy_direction_chosen(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	t->choice = choice;
	char *q = choice == 0 ? xstrdup("upload host path:")
		: xasprintf("download path in %s:", t->v[0].name);
	dialog_prompt(d, q, "", copy_source_given, t, targets_free);
	free(q);
}

static void
ask_copy(struct dash *d, struct targets *t)
{
	if (d->copy) {
		dash_message(d, true, "a copy is already running");
		targets_free(t);
		return;
	}
	dialog_menu(d, "Copy files", copy_directions, 2, 0, copy_direction_chosen, t, targets_free);
}

/* ---------------------------------------------------------------- dispatch */

void
action_run(struct dash *d, enum action a)
{
	switch (a) {
	case ACT_DETAILS: show_details(d); return;
	case ACT_HELP: show_help(d); return;
	default: break;
	}
	/* The rest act on containers: the marked ones where bulk makes sense. */
	bool bulk = a == ACT_START || a == ACT_STOP || a == ACT_RESTART || a == ACT_DELETE ||
		    a == ACT_KILL;
	struct targets *t = targets_collect(d, bulk);
	if (!t)
		return;
	switch (a) {
	case ACT_START: case ACT_STOP: case ACT_RESTART: act_submit(d, a, t, false); break;
	case ACT_DELETE: ask_delete(d, t); break;
	case ACT_KILL: ask_kill(d, t); break;
	case ACT_FIP: ask_fip(d, t); break;
	case ACT_INSPECT: do_inspect(d, t); break;
	case ACT_EXEC: ask_exec(d, t); break;
	case ACT_SHELL: start_shell(d, t); break;
	case ACT_COPY: ask_copy(d, t); break;
	default: targets_free(t); break;
	}
}
