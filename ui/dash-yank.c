/* dash-yank.c: copy the selected container's id, name or URL to the
 * clipboard with OSC 52, which the terminal (or tmux, or the terminal at the
 * far end of an SSH session) puts on its clipboard: no X, no helper program. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dash-actions.h"
#include "dash-targets.h"
#include "dash.h"
#include "dialog.h"
#include "util.h"

enum yank_what { YANK_ID, YANK_NAME, YANK_URL };

static const char *const yank_items[] = { "id", "name", "URL (published port or floating IP)" };

/* The container of t as the table has it now (UI thread), or NULL. */
static const struct berth_container *
target_container(const struct target *g)
{
	for (size_t i = 0; i < g->e->nctrs; i++)
		if (strcmp(g->e->ctrs[i]->id, g->id) == 0)
			return g->e->ctrs[i];
	return NULL;
}

/* 0, or -1 when the terminal could not be written to. */
static int
osc52_send(const char *text)
{
	char *b64 = base64_encode(text, strlen(text));
	char *seq = xasprintf("\033]52;c;%s\a", b64);
	int rc = cli_write_all(STDOUT_FILENO, seq, strlen(seq));
	free(seq);
	free(b64);
	return rc;
}

static void
yank_chosen(struct dash *d, const char *text, int choice, void *ctx)
{
	struct targets *t = ctx;
	const struct target *g = &t->v[0];
	char *value = NULL;
	struct berth_error err = { 0 };
	const struct berth_container *c = target_container(g);
	if (choice == YANK_ID)
		value = xstrdup(g->id);
	else if (choice == YANK_NAME)
		value = xstrdup(g->name);
	else if (!c)
		berth_fail(&err, BERTH_ENOTFOUND, "%s is no longer listed", g->name);
	else
		value = berth_published_url(g->e->ep, c, 0, &err);
	if (value && osc52_send(value) < 0) {
		dash_message(d, true, "cannot write to the terminal: %s", strerror(errno));
	} else if (value) {
		dash_message(d, false, "copied to the clipboard: %s", value);
	} else {
		dash_message(d, true, "%s", err.message);
	}
	free(value);
	targets_free(t);
}

void
yank_ask(struct dash *d, struct targets *t)
{
	char *q = xasprintf("copy to the clipboard, of %s:", t->v[0].name);
	dialog_menu(d, q, yank_items, (int)(sizeof yank_items / sizeof yank_items[0]), 0, yank_chosen, t,
		    targets_free);
	free(q);
}
