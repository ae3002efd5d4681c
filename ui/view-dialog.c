/* view-dialog.c: the modal dialogs as views (dialog.h): "prompt" and
 * "confirm" in the message line, "menu" in a box over the body. A dialog owns
 * its context until it hands it to its submit function (or frees it on
 * cancel). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash-draw.h"
#include "dash.h"
#include "dialog.h"
#include "sanitize.h"
#include "theme.h"
#include "util.h"

struct dialog {
	char label[200];
	char text[1024];
	size_t len;
	const char *const *items;	/* a menu's */
	int nitems, choice;
	dialog_fn submit;		/* owns ctx */
	dialog_change_fn change;	/* live (filter) */
	void *ctx;
	void (*ctx_free)(void *ctx);	/* on cancel */
};

static bool
dialog_open(struct view *v, const void *arg)
{
	struct dialog *g = xmalloc(sizeof *g);
	*g = *(const struct dialog *)arg;
	v->priv = g;
	return true;
}

/* Closed: cancelled, unless submitted (which took the context). */
static void
dialog_close(struct view *v)
{
	struct dialog *g = v->priv;
	if (g->ctx && g->ctx_free)
		g->ctx_free(g->ctx);
	if (g->change)
		g->change(v->d, NULL);
	free(g);
}

static int
dialog_submit(struct view *v)
{
	struct dialog *g = v->priv, dl = *g;
	g->ctx = NULL;
	g->change = NULL;
	dl.submit(v->d, dl.text, dl.choice, dl.ctx);	/* may open the next dialog */
	return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
}

bool
dialog_line_edit(char *text, size_t *len, size_t size, int key)
{
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		while (*len > 0 && ((unsigned char)text[*len - 1] & 0xc0) == 0x80)
			(*len)--;
		if (*len > 0)
			(*len)--;
	} else if (key == 21) {	/* ^U */
		*len = 0;
	} else if (key == 23) {	/* ^W */
		while (*len > 0 && text[*len - 1] == ' ')
			(*len)--;
		while (*len > 0 && text[*len - 1] != ' ')
			(*len)--;
	} else if (key >= 32 && key < 256 && key != 127 && *len + 1 < size) {
		text[(*len)++] = (char)key;
	} else {
		return false;
	}
	text[*len] = '\0';
	return true;
}

static void
prompt_edit(struct view *v, int key)
{
	struct dialog *g = v->priv;
	if (dialog_line_edit(g->text, &g->len, sizeof g->text, key) && g->change)
		g->change(v->d, g->text);
}

static bool
is_enter(int key)
{
	return key == '\n' || key == '\r' || key == KEY_ENTER;
}

static int
prompt_key(struct view *v, enum action a, int key)
{
	if (key == 27)
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	if (is_enter(key))
		return dialog_submit(v);
	prompt_edit(v, key);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static int
confirm_key(struct view *v, enum action a, int key)
{
	if (key == 'y' || key == 'Y')
		return dialog_submit(v);
	return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
}

static int
menu_key(struct view *v, enum action a, int key)
{
	struct dialog *g = v->priv;
	if (key == 27 || key == 'q')
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	if (is_enter(key))
		return dialog_submit(v);
	if (key == KEY_UP || key == 'k') {
		g->choice = g->choice > 0 ? g->choice - 1 : g->nitems - 1;
	} else if (key == KEY_DOWN || key == 'j') {
		g->choice = g->choice + 1 < g->nitems ? g->choice + 1 : 0;
	} else if (key >= '1' && key <= '9' && key - '1' < g->nitems) {
		g->choice = key - '1';
		return dialog_submit(v);
	}
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
menu_draw(struct view *v, const struct view_area *a, bool focused)
{
	struct dialog *g = v->priv;
	int w = text_width(g->label) + 4;
	for (int i = 0; i < g->nitems; i++)
		if (text_width(g->items[i]) + 8 > w)
			w = text_width(g->items[i]) + 8;
	if (w > COLS)
		w = COLS;
	int h = g->nitems + 2;
	if (h > LINES - 2)
		h = LINES - 2;
	int y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;
	attr_t b = theme_attr(TH_BORDER), n = theme_attr(TH_NORMAL);
	draw_fill(y0, x0, w, b | A_REVERSE);
	draw_str(y0, x0 + 1, w - 2, g->label, b | A_REVERSE);
	int first = g->choice >= h - 2 ? g->choice - (h - 3) : 0;
	for (int r = 0; r < h - 2; r++) {
		int i = first + r;
		draw_fill(y0 + 1 + r, x0, w, n);
		if (i >= g->nitems)
			continue;
		char line[160];
		snprintf(line, sizeof line, " %d  %s", i + 1, g->items[i]);
		draw_cell(y0 + 1 + r, x0 + 1, w - 2, line, i == g->choice ? theme_attr(TH_SELECTED) : n);
	}
	draw_fill(y0 + h - 1, x0, w, b | A_REVERSE);
	draw_str(y0 + h - 1, x0 + 1, w - 2, "Enter choose, Esc cancel", b | A_REVERSE);
}

static void
line_draw(struct view *v, const struct view_area *a, bool focused)
{
	struct dialog *g = v->priv;
	int y = a->y;
	attr_t p = theme_attr(TH_PROMPT), n = theme_attr(TH_NORMAL);
	draw_fill(y, 0, COLS, n);
	int x = draw_str(y, 0, COLS, g->label, p);
	if (v->ops->key == confirm_key) {
		draw_str(y, x, COLS - x, " [y/N]", p);
		return;
	}
	x += draw_str(y, x, COLS - x, " ", n);
	dialog_draw_text(y, x, g->text);
}

void
dialog_draw_text(int y, int x, const char *text)
{
	/* Show the end of a long text; it is typed by the user, but may hold
	 * pasted controls, so sanitize it too. */
	char *shown = sanitize_str(text);
	int tw = text_width(shown), room = COLS - x - 1;
	const char *s = shown;
	while (tw > room && *s) {
		s++;
		while ((*s & 0xc0) == 0x80)
			s++;
		tw = text_width(s);
	}
	x += draw_str(y, x, room, s, theme_attr(TH_NORMAL));
	draw_str(y, x, 1, " ", A_REVERSE);
	free(shown);
}

const struct view_ops prompt_view = {
	.name = "prompt", .place = VIEW_LINE, .open = dialog_open, .draw = line_draw,
	.key = prompt_key, .close = dialog_close,
};

const struct view_ops confirm_view = {
	.name = "confirm", .place = VIEW_LINE, .open = dialog_open, .draw = line_draw,
	.key = confirm_key, .close = dialog_close,
};

const struct view_ops menu_view = {
	.name = "menu", .place = VIEW_POPUP, .open = dialog_open, .draw = menu_draw,
	.key = menu_key, .close = dialog_close,
};

void
dialog_prompt(struct dash *d, const char *label, const char *initial, dialog_fn submit,
	      void *ctx, void (*ctx_free)(void *))
{
	struct dialog g = { .submit = submit, .ctx = ctx, .ctx_free = ctx_free };
	snprintf(g.label, sizeof g.label, "%s", label);
	snprintf(g.text, sizeof g.text, "%s", initial ? initial : "");
	g.len = strlen(g.text);
	if (!view_open(d, "prompt", &g) && ctx && ctx_free)
		ctx_free(ctx);
}

void
dialog_prompt_live(struct dash *d, const char *label, const char *initial,
		   dialog_change_fn change, dialog_fn submit)
{
	struct dialog g = { .submit = submit, .change = change };
	snprintf(g.label, sizeof g.label, "%s", label);
	snprintf(g.text, sizeof g.text, "%s", initial ? initial : "");
	g.len = strlen(g.text);
	view_open(d, "prompt", &g);
}

void
dialog_confirm(struct dash *d, const char *label, dialog_fn submit, void *ctx,
	       void (*ctx_free)(void *))
{
	struct dialog g = { .submit = submit, .ctx = ctx, .ctx_free = ctx_free };
	snprintf(g.label, sizeof g.label, "%s", label);
	if (!view_open(d, "confirm", &g) && ctx && ctx_free)
		ctx_free(ctx);
}

void
dialog_menu(struct dash *d, const char *label, const char *const *items, int nitems, int initial,
	    dialog_fn submit, void *ctx, void (*ctx_free)(void *))
{
	struct dialog g = { .submit = submit, .ctx = ctx, .ctx_free = ctx_free, .items = items,
			    .nitems = nitems, .choice = initial };
	snprintf(g.label, sizeof g.label, "%s", label);
	if (!view_open(d, "menu", &g) && ctx && ctx_free)
		ctx_free(ctx);
}
