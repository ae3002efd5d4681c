/* view-runform.c: the run form (n in the table, :run alone, n in the images
 * view with the selected image filled in). A box of fields: the endpoint,
 * image (Tab completes from the endpoint's images, which the command line's
 * completion lists on the pool when the form opens), name, command, ports,
 * environment, labels, restart policy, and on a Zun endpoint the reservation (Tab goes through the active
 * leases' reservations the dashboard knows), runtime, device profiles and host;
 * an idempotent toggle (Space).
 *
 * Enter builds the words of `berth run --wait ...` and hands them to the
 * command line's quiet run (dash-command.c): the run verb's own table and
 * checks (verbs.c, cli-admin.c) judge them, so a malformed port or name is
 * the CLI's sentence, and the form keeps what was typed; an empty image or
 * one the endpoint does not list is said before that. The verb runs as a
 * child berth on the pool while the form shows how long it has waited for
 * the container to run; then the form closes and the new row is selected
 * once the list shows it, or the engine's sentence is shown and the fields
 * stay. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "command.h"
#include "dash-draw.h"
#include "dash.h"
#include "dialog.h"
#include "sanitize.h"
#include "util.h"

enum field_id {
	F_ENDPOINT, F_IMAGE, F_NAME, F_COMMAND, F_PORTS, F_ENV, F_LABELS, F_RESTART,
	F_RESERVATION, F_RUNTIME, F_PROFILES, F_HOST, F_IDEMPOTENT, NFIELDS
};

static const struct field_info {
	const char *label;
	const char *option;	/* the run verb's option; NULL: an operand or the endpoint */
	bool zun_only;
	bool several;		/* its words each make one option (-p A -p B) */
	const char *hint;
} fields[NFIELDS] = {
	[F_ENDPOINT] = { "endpoint", NULL, false, false, "Tab: the next endpoint" },
	[F_IMAGE] = { "image", NULL, false, false, "Tab completes from the endpoint's images" },
	[F_NAME] = { "name", "--name", false, false, "letters, digits, _ . -; empty: the engine picks" },
	[F_COMMAND] = { "command", NULL, false, false, "words, quoted as in a shell; empty: the image's" },
	[F_PORTS] = { "ports", "-p", false, true,
		      "[[HOSTIP:]HOSTPORT:]PORT[/PROTO] ... (on Zun, exposed: PORT[/PROTO])" },
	[F_ENV] = { "environment", "-e", false, true, "KEY=VALUE ..." },
	[F_LABELS] = { "labels", "-l", false, true, "KEY=VALUE ..." },
	[F_RESTART] = { "restart policy", "--restart", false, false,
			"no, always, unless-stopped or on-failure[:N]" },
	[F_RESERVATION] = { "reservation", "--reservation", true, false,
			    "Tab: the active leases' reservations" },
	[F_RUNTIME] = { "runtime", "--runtime", true, false, "runc, nvidia ..." },
	[F_PROFILES] = { "device profiles", "--device-profile", true, true, "P ..." },
	[F_HOST] = { "host", "--compute-host", true, false,
		     "the compute host to place it on (administrators only, by Zun's default)" },
	[F_IDEMPOTENT] = { "idempotent", "--idempotent", false, false,
			   "Space: reuse a container of that name instead of failing" },
};

#define FIELD_SIZE 512

struct runform {
	struct view *v;			/* NULL once closed: the run frees it */
	struct dash_ep *ep;
	char text[NFIELDS][FIELD_SIZE];
	size_t len[NFIELDS];
	bool idempotent;
	int cur;
	char said[400];			/* the last sentence: a refusal or the engine's */
	char hint[400];			/* what Tab found */
	struct command_completion *cc;	/* ep's images, listed on the pool */
	bool running;			/* the run is in flight */
	double started;
};

static void
form_free(struct runform *f)
{
	command_completion_free(f->cc);
	free(f);
}

static void
set_field(struct runform *f, enum field_id id, const char *s)
{
	snprintf(f->text[id], FIELD_SIZE, "%s", s ? s : "");
	f->len[id] = strlen(f->text[id]);
}

static bool
shown(const struct runform *f, int id)
{
	return !fields[id].zun_only || f->ep->kind == BERTH_KIND_ZUN;
}

/* ------------------------------------------------------------------ */
/* The endpoint's images (the command line's completion of run's IMAGE), for
 * Tab and the check before running. */

/* All of them, or NULL with *note saying why (being listed, or the engine's
 * sentence: Zun lists images to administrators only). */
static char **
endpoint_images(struct runform *f, struct dash *d, const char **note)
{
	char **all = command_candidates(f->cc, d, "run ", "", note);
	if (*note) {
		berth_strv_free(all);
		return NULL;
	}
	return all;
}

/* The image is one the endpoint lists: REPOSITORY:TAG, or REPOSITORY for its
 * :latest. Not known (not listed yet, or not listable): true. */
static bool
image_listed(struct runform *f, struct dash *d, const char *image)
{
	const char *note;
	char **all = endpoint_images(f, d, &note);
	if (!all && note)
		return true;
	const char *slash = strrchr(image, '/');
	bool has_tag = strchr(slash ? slash : image, ':') != NULL;
	char *want = has_tag ? xstrdup(image) : xasprintf("%s:latest", image);
	bool found = false;
	for (size_t i = 0; all && all[i] && !found; i++)
		found = strcmp(all[i], want) == 0;
	free(want);
	berth_strv_free(all);
	return found;
}

/* Tab in the image field: the one image that starts so, or the longest start
 * the candidates share, with the candidates in the hint. */
static void
complete_image(struct runform *f, struct dash *d)
{
	const char *note;
	char **all = endpoint_images(f, d, &note);
	if (!all && note) {
		snprintf(f->hint, sizeof f->hint, "%s", note);
		return;
	}
	const char *typed = f->text[F_IMAGE];
	size_t n = 0, common = 0;
	const char *first = NULL;
	struct buf b = { 0 };
	buf_append(&b, "", 0);
	for (size_t i = 0; all && all[i]; i++) {
		if (!str_starts_with(all[i], typed))
			continue;
		if (!first) {
			first = all[i];
			common = strlen(first);
		}
		while (common && strncmp(first, all[i], common) != 0)
			common--;
		buf_printf(&b, "%s%s", n++ ? "  " : "", all[i]);
	}
	if (n == 0)
		snprintf(f->hint, sizeof f->hint, "no image of %s starts with %.200s", f->ep->name, typed);
	else
		snprintf(f->hint, sizeof f->hint, "%s", n == 1 ? "" : b.data);
	if (n)
		snprintf(f->text[F_IMAGE], FIELD_SIZE, "%.*s", (int)common, first);
	f->len[F_IMAGE] = strlen(f->text[F_IMAGE]);
	buf_free(&b);
	berth_strv_free(all);
}

/* Tab in the reservation field: the next reservation of an active lease of
 * the endpoint, with its lease in the hint. */
static void
next_reservation(struct runform *f, struct dash *d)
{
	struct dash_lease *v = NULL;
	size_t n = dash_leases_active(d, time(NULL), &v);
	const char *ids[64], *leases[64];
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; v[i].ep == f->ep && r < v[i].l->nreservations && k < 64; r++) {
			ids[k] = v[i].l->reservations[r].id;
			leases[k++] = v[i].l->name && *v[i].l->name ? v[i].l->name : v[i].l->id;
		}
	size_t at = 0;
	for (size_t i = 0; i < k; i++)
		if (strcmp(ids[i], f->text[F_RESERVATION]) == 0)
			at = i + 1;
	if (k == 0) {
		snprintf(f->hint, sizeof f->hint, "%s has no active lease the dashboard knows",
			 f->ep->name);
	} else {
		set_field(f, F_RESERVATION, ids[at % k]);
		snprintf(f->hint, sizeof f->hint, "lease %s (%zu of %zu)", leases[at % k],
			 at % k + 1, k);
	}
	free(v);
}

static void
next_endpoint(struct runform *f, struct dash *d)
{
	size_t i = (size_t)(f->ep - d->eps);
	f->ep = &d->eps[(i + 1) % d->neps];
	set_field(f, F_ENDPOINT, f->ep->name);
	command_completion_free(f->cc);
	f->cc = command_completion_for(d, f->ep);
}

/* ------------------------------------------------------------------ */
/* Running it. */

static void
run_done(struct dash *d, int status, const char *out, const char *said, void *ctx)
{
	struct runform *f = ctx;
	f->running = false;
	if (status == 0) {
		char id[128];
		snprintf(id, sizeof id, "%.*s", (int)strcspn(out, "\n"), out);
		table_select_when_shown(&d->table, f->ep->name, id);
		feed_relist_all(&d->feed);
		char *name = f->len[F_NAME] ? sanitize_str(f->text[F_NAME]) : xstrndup(id, 12);
		dash_message(d, false, "%s runs on %s", name, f->ep->name);
		free(name);
	} else {
		snprintf(f->said, sizeof f->said, "%s",
			 *said ? said : "the run failed without a word");
		dash_message(d, true, "%s", f->said);
	}
	dash_changed(d);
	if (!f->v)
		form_free(f);	/* closed while it ran */
	else if (status == 0)
		view_close(f->v);	/* form_close frees it */
}

/* Each word of a field as its option's value. */
static void
push_option(char ***words, size_t *n, enum field_id id, const char *text)
{
	char **parts = fields[id].several ? cli_split_words(text) : NULL;
	for (size_t i = 0; parts && parts[i]; i++) {
		strv_push(words, n, fields[id].option);
		strv_push(words, n, parts[i]);
	}
	if (!fields[id].several) {
		strv_push(words, n, fields[id].option);
		strv_push(words, n, text);
	}
	berth_strv_free(parts);
}

/* berth run --wait [OPTIONS] IMAGE [COMMAND...] from the fields shown. */
static char **
run_words(const struct runform *f)
{
	char **words = NULL;
	size_t n = 0;
	strv_push(&words, &n, "run");
	strv_push(&words, &n, "--wait");
	if (f->idempotent)
		strv_push(&words, &n, fields[F_IDEMPOTENT].option);
	for (int id = F_NAME; id < F_IDEMPOTENT; id++)
		if (fields[id].option && shown(f, id) && f->len[id])
			push_option(&words, &n, id, f->text[id]);
	strv_push(&words, &n, f->text[F_IMAGE]);
	char **cmd = cli_split_words(f->text[F_COMMAND]);
	for (size_t i = 0; cmd && cmd[i]; i++)
		strv_push(&words, &n, cmd[i]);
	berth_strv_free(cmd);
	return words;
}

static void
submit(struct runform *f, struct dash *d)
{
	f->said[0] = f->hint[0] = '\0';
	if (!f->len[F_IMAGE]) {
		snprintf(f->said, sizeof f->said, "name an image (Tab completes)");
		return;
	}
	if (!image_listed(f, d, f->text[F_IMAGE])) {
		char *image = sanitize_str(f->text[F_IMAGE]);
		snprintf(f->said, sizeof f->said, "%s has no image %s: pull it first (P in the "
			 "images view)", f->ep->name, image);
		free(image);
		return;
	}
	char **words = run_words(f);
	if (command_run_quiet(d, f->ep, words, run_done, f, f->said, sizeof f->said)) {
		f->running = true;
		f->started = dash_now();
	}
	berth_strv_free(words);
}

/* ------------------------------------------------------------------ */
/* The view. */

static bool
form_open(struct view *v, const void *arg)
{
	const struct runform_arg *a = arg;
	struct dash *d = v->d;
	struct row *sel = table_selected(&d->table);
	struct dash_ep *ep = a && a->ep ? a->ep : sel ? sel->ep : &d->eps[0];
	struct berth_error err = { 0 };
	if (berth_refuse_if_read_only(ep->ep, "running containers", &err) < 0) {
		dash_message(d, true, "%s", err.message);
		return false;
	}
	struct runform *f = xcalloc(1, sizeof *f);
	f->v = v;
	f->ep = ep;
	f->cur = a && a->image ? F_NAME : F_IMAGE;
	set_field(f, F_ENDPOINT, f->ep->name);
	set_field(f, F_IMAGE, a ? a->image : NULL);
	v->priv = f;
	f->cc = command_completion_for(d, ep);
	return true;
}

static void
form_close(struct view *v)
{
	struct runform *f = v->priv;
	f->v = NULL;
	if (!f->running)
		form_free(f);
	else
		dash_message(v->d, false, "the run goes on: its end will show here");
}

static void
move_field(struct runform *f, int delta)
{
	do
		f->cur = (f->cur + delta + NFIELDS) % NFIELDS;
	while (!shown(f, f->cur));
	f->hint[0] = '\0';
}

static bool
is_enter(int key)
{
	return key == '\n' || key == '\r' || key == KEY_ENTER;
}

static void
tab_key(struct runform *f, struct dash *d)
{
	switch (f->cur) {
	case F_ENDPOINT: next_endpoint(f, d); break;
	case F_IMAGE: complete_image(f, d); break;
	case F_RESERVATION: next_reservation(f, d); break;
	default: move_field(f, 1); break;
	}
}

static int
form_key(struct view *v, enum action a, int key)
{
	struct runform *f = v->priv;
	if (key == 27)
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	if (f->running)
		return VIEW_HANDLED;
	if (is_enter(key))
		submit(f, v->d);
	else if (key == KEY_UP || key == KEY_BTAB)
		move_field(f, -1);
	else if (key == KEY_DOWN)
		move_field(f, 1);
	else if (key == '\t')
		tab_key(f, v->d);
	else if (f->cur == F_IDEMPOTENT && key == ' ')
		f->idempotent = !f->idempotent;
	else if (f->cur != F_IDEMPOTENT && f->cur != F_ENDPOINT)
		dialog_line_edit(f->text[f->cur], &f->len[f->cur], FIELD_SIZE, key);
	return VIEW_HANDLED | VIEW_REDRAW;
}

#define LABEL_W 17

static void
draw_field(const struct runform *f, int id, int y, int x, int w)
{
	bool cur = id == f->cur;
	attr_t n = theme_attr(TH_NORMAL);
	draw_fill(y, x, w, n);
	const char *label = id == F_PORTS && f->ep->kind == BERTH_KIND_ZUN ? "exposed ports"
									   : fields[id].label;
	draw_str(y, x + 1, LABEL_W, label, cur ? theme_attr(TH_SELECTED) : n);
	int tx = x + 1 + LABEL_W + 1;
	if (id == F_IDEMPOTENT) {
		draw_str(y, tx, w - (tx - x), f->idempotent ? "[x]" : "[ ]", cur ? A_REVERSE : n);
	} else if (cur && !f->running) {
		dialog_draw_text(y, tx, f->text[id]);
	} else {
		char *s = sanitize_str(f->text[id]);
		draw_str_cut(y, tx, w - (tx - x) - 1, s, n, true);
		free(s);
	}
}

#define STATUS_LINES 3

/* Text in lines of at most cols columns, broken at blanks where it can. */
static void
draw_wrapped(const char *text, int y, int x, int cols, int lines, attr_t a)
{
	const char *p = text;
	for (int l = 0; l < lines && *p; l++) {
		size_t len = strlen(p), n = text_cut(p, len, cols);
		if (n < len && l + 1 < lines) {
			size_t blank = n;
			while (blank > 0 && p[blank] != ' ')
				blank--;
			n = blank ? blank : n;
		}
		char *part = xstrndup(p, n);
		draw_str_cut(y + l, x, cols, part, a, false);
		free(part);
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* The lines under the fields: the progress, the last sentence, or the hint. */
static void
draw_status(const struct runform *f, int y, int x, int w)
{
	static const char spin[] = "|/-\\";
	char line[500];
	attr_t a = theme_attr(TH_NORMAL);
	if (f->running) {
		double waited = dash_now() - f->started;
		snprintf(line, sizeof line, "%c creating on %s, waiting for it to run: %.0f s",
			 spin[(int)(waited * 4) % 4], f->ep->name, waited);
		a = theme_attr(TH_CREATING);
	} else if (f->said[0]) {
		snprintf(line, sizeof line, "%s", f->said);
		a = theme_attr(TH_ERROR) | A_BOLD;
	} else {
		snprintf(line, sizeof line, "%s", f->hint[0] ? f->hint : fields[f->cur].hint);
	}
	char *s = sanitize_str(line);
	for (int l = 0; l < STATUS_LINES; l++)
		draw_fill(y + l, x, w, theme_attr(TH_NORMAL));
	draw_wrapped(s, y, x + 1, w - 2, STATUS_LINES, a);
	free(s);
}

static void
form_draw(struct view *v, const struct view_area *ar, bool focused)
{
	struct runform *f = v->priv;
	int nshown = 0;
	for (int id = 0; id < NFIELDS; id++)
		nshown += shown(f, id);
	int w = COLS < 90 ? COLS : 90, h = nshown + 3 + STATUS_LINES;
	int y0 = ar->y + (ar->h > h ? (ar->h - h) / 2 : 0), x0 = (COLS - w) / 2;
	attr_t b = theme_attr(TH_BORDER) | A_REVERSE;
	draw_fill(y0, x0, w, b);
	char *title = xasprintf("run a container on %s", f->ep->name);
	draw_str(y0, x0 + 1, w - 2, title, b);
	free(title);
	int y = y0 + 1;
	for (int id = 0; id < NFIELDS; id++)
		if (shown(f, id))
			draw_field(f, id, y++, x0, w);
	draw_fill(y++, x0, w, theme_attr(TH_NORMAL));
	draw_status(f, y, x0, w);
	y += STATUS_LINES;
	draw_fill(y, x0, w, b);
	draw_str(y, x0 + 1, w - 2, "Enter run · Up/Down field · Tab complete · Esc close", b);
}

static double
form_deadline(struct view *v, double now)
{
	struct runform *f = v->priv;
	return f->running ? now + 0.25 : 1e18;
}

static int
form_tick(struct view *v, double now)
{
	struct runform *f = v->priv;
	return f->running ? VIEW_REDRAW : 0;
}

const struct view_ops runform_view = {
	.name = "runform", .place = VIEW_POPUP, .open = form_open, .draw = form_draw,
	.key = form_key, .deadline = form_deadline, .tick = form_tick, .close = form_close,
};
