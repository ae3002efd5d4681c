/* dash-dialog.c: the modal dialogs: a one-line prompt and a y/n confirmation
 * in the message line, and a small menu over the table. A dialog owns its
 * context until it hands it to its submit function (or frees it on cancel). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash-draw.h"
#include "dash.h"
#include "sanitize.h"
#include "theme.h"

static void
dialog_open(struct dash *d, enum dialog_kind kind, const char *label, dialog_fn submit, void *ctx,
	    void (*ctx_free)(void *))
{
	dialog_close(d);
	memset(&d->dlg, 0, sizeof d->dlg);
	d->dlg.kind = kind;
	snprintf(d->dlg.label, sizeof d->dlg.label, "%s", label);
	d->dlg.submit = submit;
	d->dlg.ctx = ctx;
	d->dlg.ctx_free = ctx_free;
	d->dirty = true;
}

void
dialog_prompt(struct dash *d, const char *label, const char *initial, dialog_fn submit,
	      void *ctx, void (*ctx_free)(void *))
{
	dialog_open(d, DLG_PROMPT, label, submit, ctx, ctx_free);
	snprintf(d->dlg.text, sizeof d->dlg.text, "%s", initial ? initial : "");
	d->dlg.len = strlen(d->dlg.text);
}

void
dialog_confirm(struct dash *d, const char *label, dialog_fn submit, void *ctx,
	       void (*ctx_free)(void *))
{
	dialog_open(d, DLG_CONFIRM, label, submit, ctx, ctx_free);
}

void
dialog_menu(struct dash *d, const char *label, const char *const *items, int nitems, int initial,
	    dialog_fn submit, void *ctx, void (*ctx_free)(void *))
{
	dialog_open(d, DLG_MENU, label, submit, ctx, ctx_free);
	d->dlg.items = items;
	d->dlg.nitems = nitems;
	d->dlg.choice = initial;
}

/* Cancel: the context is freed, nothing is submitted. */
void
dialog_close(struct dash *d)
{
	if (d->dlg.kind == DLG_NONE)
		return;
	if (d->dlg.ctx && d->dlg.ctx_free)
		d->dlg.ctx_free(d->dlg.ctx);
	if (d->dlg.change)
		d->dlg.change(d, NULL);
	d->dlg.kind = DLG_NONE;
	d->dirty = true;
}

static void
dialog_submit(struct dash *d)
{
	struct dialog dl = d->dlg;
	d->dlg.kind = DLG_NONE;
	d->dirty = true;
	dl.submit(d, dl.text, dl.choice, dl.ctx);
}

static void
prompt_edit(struct dash *d, int key)
{
	struct dialog *g = &d->dlg;
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		while (g->len > 0 && ((unsigned char)g->text[g->len - 1] & 0xc0) == 0x80)
			g->len--;
		if (g->len > 0)
			g->len--;
	} else if (key == 21) {	/* ^U */
		g->len = 0;
	} else if (key == 23) {	/* ^W */
		while (g->len > 0 && g->text[g->len - 1] == ' ')
			g->len--;
		while (g->len > 0 && g->text[g->len - 1] != ' ')
			g->len--;
	} else if (key >= 32 && key < 256 && key != 127 && g->len + 1 < sizeof g->text) {
		g->text[g->len++] = (char)key;
	} else {
		return;
	}
	g->text[g->len] = '\0';
	if (g->change)
		g->change(d, g->text);
}

bool
dialog_key(struct dash *d, int key)
{
	struct dialog *g = &d->dlg;
	switch (g->kind) {
	case DLG_NONE:
		return false;
	case DLG_PROMPT:
		if (key == 27)
			dialog_close(d);
		else if (key == '\n' || key == '\r' || key == KEY_ENTER)
			dialog_submit(d);
		else
			prompt_edit(d, key);
		break;
	case DLG_CONFIRM:
		if (key == 'y' || key == 'Y')
			dialog_submit(d);
		else
			dialog_close(d);
		break;
	case DLG_MENU:
		if (key == 27 || key == 'q') {
			dialog_close(d);
		} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
			dialog_submit(d);
		} else if (key == KEY_UP || key == 'k') {
			g->choice = g->choice > 0 ? g->choice - 1 : g->nitems - 1;
		} else if (key == KEY_DOWN || key == 'j') {
			g->choice = g->choice + 1 < g->nitems ? g->choice + 1 : 0;
		} else if (key >= '1' && key <= '9' && key - '1' < g->nitems) {
			g->choice = key - '1';
			dialog_submit(d);
		}
		break;
	}
	d->dirty = true;
	return true;
}

static void
draw_menu(struct dash *d)
{
	struct dialog *g = &d->dlg;
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

void
dialog_draw(struct dash *d)
{
	struct dialog *g = &d->dlg;
	int y = LINES - 1;
	if (g->kind == DLG_MENU) {
		draw_menu(d);
		return;
	}
	attr_t p = theme_attr(TH_PROMPT), n = theme_attr(TH_NORMAL);
	draw_fill(y, 0, COLS, n);
	int x = draw_str(y, 0, COLS, g->label, p);
	if (g->kind == DLG_CONFIRM) {
		draw_str(y, x, COLS - x, " [y/N]", p);
		return;
	}
	x += draw_str(y, x, COLS - x, " ", n);
	/* Show the end of a long text; it is typed by the user, but may hold
	 * pasted controls, so sanitize it too. */
	char *shown = sanitize_str(g->text);
	int tw = text_width(shown), room = COLS - x - 1;
	const char *s = shown;
	while (tw > room && *s) {
		s++;
		while ((*s & 0xc0) == 0x80)
			s++;
		tw = text_width(s);
	}
	x += draw_str(y, x, room, s, n);
	draw_str(y, x, 1, " ", A_REVERSE);
	free(shown);
}
