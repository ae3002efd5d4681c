/* test_views.c: the frame honours what a view's key hook returns. Two
 * throw-away views are registered ("probe-under", and "probe", a popup over
 * it) and driven through the real loop headless (BERTH_NO_DISPLAY) by a key
 * script (BERTH_SCRIPT, ":open VIEW"): a key a view takes with VIEW_REDRAW is
 * on the screen at once, a key it does not take reaches the view under it,
 * VIEW_CLOSE closes it, and Esc that no view takes closes the top one. The
 * endpoint is a socket nobody listens on: no engine is needed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dash-draw.h"
#include "dash.h"
#include "dashboard.h"
#include "tap.h"
#include "view.h"

/* What the views saw, in order: "probe:a", "probe:draw", "under:b"... */
static char events[8192];

static void
note(const char *who, const char *what)
{
	size_t n = strlen(events);
	snprintf(events + n, sizeof events - n, "%s:%s ", who, what);
}

struct probe {
	const char *who;
	int redraws;	/* keys taken with VIEW_REDRAW */
	int closes;
	bool look;	/* at the next turn, look whether a frame is due */
	int due, not_due;
};

static struct probe under = { .who = "under" }, probe = { .who = "probe" };

static bool
probe_open(struct view *v, const void *arg)
{
	v->priv = strcmp(v->ops->name, "probe") == 0 ? &probe : &under;
	note(((struct probe *)v->priv)->who, "open");
	return true;
}

static void
probe_draw(struct view *v, const struct view_area *a, bool focused)
{
	struct probe *p = v->priv;
	char line[64];
	int y = a->y + (p == &probe ? 2 : 0);	/* the popup leaves the line under it */
	snprintf(line, sizeof line, "%s redraws=%d%s", p->who, p->redraws, focused ? " focused" : "");
	for (int r = 0; p == &under && r < a->h; r++)	/* a view draws all its area */
		draw_fill(a->y + r, a->x, a->w, A_NORMAL);
	draw_cell(y, a->x, a->w, line, A_NORMAL);
	note(p->who, "draw");
}

/* The probe: 'a' redraws, 'h' is taken silently, 'c' closes it, the rest
 * are not its. The one under it takes 'b' and redraws. */
static int
probe_key(struct view *v, enum action a, int key)
{
	struct probe *p = v->priv;
	char k[2] = { (char)key, 0 };
	note(p->who, key >= 32 && key < 127 ? k : "other");
	if (p == &probe && key == 'a') {
		p->redraws++;
		p->look = true;
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (p == &probe && key == 'h')
		return VIEW_HANDLED;
	if (p == &probe && key == 'c')
		return VIEW_HANDLED | VIEW_CLOSE;
	if (p == &under && key == 'b') {
		p->redraws++;
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	return VIEW_IGNORED;
}

/* The turn after a key: the tick runs before the frame would be drawn. */
static double
probe_deadline(struct view *v, double now)
{
	struct probe *p = v->priv;
	return p->look ? now : now + 3600;
}

static int
probe_tick(struct view *v, double now)
{
	struct probe *p = v->priv;
	p->look = false;
	if (v->d->dirty)
		p->due++;
	else
		p->not_due++;
	return 0;
}

static void
probe_close(struct view *v)
{
	struct probe *p = v->priv;
	p->closes++;
	note(p->who, "close");
}

static const struct view_ops probe_under_view = {
	.name = "probe-under", .place = VIEW_SCREEN, .open = probe_open, .draw = probe_draw,
	.key = probe_key, .close = probe_close,
};

static const struct view_ops probe_view = {
	.name = "probe", .place = VIEW_POPUP, .open = probe_open, .draw = probe_draw,
	.key = probe_key, .deadline = probe_deadline, .tick = probe_tick, .close = probe_close,
};

/* The events between the first of after and the first of before that follows. */
static char *
between(const char *after, const char *before)
{
	const char *a = strstr(events, after);
	if (!a)
		return strdup("");
	a += strlen(after);
	const char *b = strstr(a, before);
	return strndup(a, b ? (size_t)(b - a) : strlen(a));
}

int
main(void)
{
	char script[] = "/tmp/berth-test-views-XXXXXX";
	int fd = mkstemp(script);
	/* The waits are short: what a key changes must show in the same turn. */
	const char *steps =
		":wait berth ·\n"
		":open probe-under\n"
		":wait under redraws=0 focused\n"
		":open probe\n"
		":wait probe redraws=0 focused\n"
		":timeout 2\n"
		"a\n"
		":wait probe redraws=1\n"
		"h\n"
		"b\n"
		":wait under redraws=1\n"
		"c\n"
		":wait-not probe redraws\n"
		":wait under redraws=1 focused\n"
		"<esc>\n"
		":wait-not under redraws\n";
	ok(fd >= 0 && write(fd, steps, strlen(steps)) == (ssize_t)strlen(steps), "a key script");
	close(fd);
	setenv("BERTH_NO_DISPLAY", "1", 1);
	setenv("BERTH_SCRIPT", script, 1);
	if (!getenv("TERM"))
		setenv("TERM", "xterm", 1);
	view_register(&probe_under_view);
	view_register(&probe_view);
	char *specs[] = { "unix:///nonexistent/berth-test-views.sock" };
	int status = dashboard_run(NULL, specs, 1, NULL);
	unlink(script);
	is_int(status, 0, "every wait of the script was met (the screen followed the keys)");
	printf("# %s\n", events);

	ok(probe.due == 1 && probe.not_due == 0,
	   "a key taken with VIEW_REDRAW makes a frame due at once (%d due, %d not)", probe.due,
	   probe.not_due);
	char *after_a = between("probe:a ", "probe:h ");
	ok(strstr(after_a, "probe:draw"), "and it is drawn before the next key");
	free(after_a);
	char *after_b = between("probe:b ", "probe:c ");
	ok(strncmp(after_b, "under:b ", 8) == 0,
	   "a key the view on top does not take goes to the view under it (%s)", after_b);
	free(after_b);
	ok(!strstr(events, "under:h "), "a key taken without VIEW_REDRAW goes no further");
	is_int(probe.closes, 1, "VIEW_CLOSE closes the view, once");
	char *after_c = between("probe:close ", "under:other ");
	ok(strstr(after_c, "under:draw") && !strstr(after_c, "probe:"),
	   "then the view under it is drawn, and the closed one never again");
	free(after_c);
	ok(strstr(events, "under:other ") && under.closes == 1,
	   "Esc that no view takes closes the view on top");
	return tap_done();
}
