/* dialog.h: the modal dialogs (view-dialog.c): a one-line prompt and a y/n
 * confirmation in the message line, and a small menu over the body. Each is a
 * view; while open it takes every key. A dialog owns its context until it
 * hands it to its submit function, and frees it with ctx_free on cancel. */
#ifndef BERTH_DIALOG_H
#define BERTH_DIALOG_H

#include <stdbool.h>
#include <stddef.h>

struct dash;

typedef void (*dialog_fn)(struct dash *d, const char *text, int choice, void *ctx);
/* Called as the prompt's text changes, and with NULL when it is cancelled. */
typedef void (*dialog_change_fn)(struct dash *d, const char *text);

void dialog_prompt(struct dash *d, const char *label, const char *initial, dialog_fn submit,
		   void *ctx, void (*ctx_free)(void *));
/* A prompt whose text acts as it is typed (the filter). */
void dialog_prompt_live(struct dash *d, const char *label, const char *initial,
			dialog_change_fn change, dialog_fn submit);
void dialog_confirm(struct dash *d, const char *label, dialog_fn submit, void *ctx,
		    void (*ctx_free)(void *));
/* The line editing every prompt shares: Backspace, ^U, ^W, printable keys, in
 * text of len bytes (at most size - 1); false when key is none of these. */
bool dialog_line_edit(char *text, size_t *len, size_t size, int key);
/* Typed text at (y, x) to the end of the line, its end shown when it is too
 * long, and the cursor after it. */
void dialog_draw_text(int y, int x, const char *text);

void dialog_menu(struct dash *d, const char *label, const char *const *items, int nitems,
		 int initial, dialog_fn submit, void *ctx, void (*ctx_free)(void *));

#endif
