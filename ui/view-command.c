/* view-command.c: the dashboard's command line, `:` (k9s and dry have one):
 * berth's own verbs typed as on the command line, run by dash-command.c.
 * The line is edited as every prompt is (dialog.h); Tab completes the verb,
 * then an option of that verb (from its table in verbs.c), a container name
 * of the table, an image name or a local path (command-complete.c); Up and Down walk the history, kept in
 * $XDG_STATE_HOME/berth/history (~/.local/state/berth/history), its last
 * HISTORY_MAX lines. A line that cannot run stays, with the sentence saying
 * why after it. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "command.h"
#include "dash-draw.h"
#include "dash.h"
#include "dialog.h"
#include "theme.h"
#include "util.h"
#include "verbs.h"

#define HISTORY_MAX 500
#define LINE_MAX_BYTES 1024

struct command_line {
	char text[LINE_MAX_BYTES];
	size_t len;
	char said[300];		/* why the line did not run, or a completion's choices */
	bool said_error;
	char **history;		/* oldest first */
	size_t nhistory;
	size_t at;		/* the entry shown; nhistory: the line being typed */
	char typed[LINE_MAX_BYTES];	/* that line, while the history is walked */
	struct command_completion *completion;	/* Tab's candidates */
};

/* ------------------------------------------------------------------ */
/* History. */

/* $XDG_STATE_HOME/berth, or ~/.local/state/berth; NULL without either. */
static char *
history_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/berth", xdg);
	return home && home[0] ? xasprintf("%s/.local/state/berth", home) : NULL;
}

static void
history_load(struct command_line *c)
{
	char *dir = history_dir();
	char *path = dir ? xasprintf("%s/history", dir) : NULL;
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[LINE_MAX_BYTES];
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		if (c->nhistory == HISTORY_MAX) {
			free(c->history[0]);
			memmove(c->history, c->history + 1, --c->nhistory * sizeof *c->history);
		}
		strv_push(&c->history, &c->nhistory, line);
	}
	if (f)
		fclose(f);
	free(path);
	free(dir);
	c->at = c->nhistory;
}

/* mkdir -p dir; false when it cannot be made. */
static bool
make_dirs(const char *dir)
{
	char *p = xstrdup(dir);
	bool ok = true;
	for (char *s = p + 1; ok && *s; s++)
		if (*s == '/') {
			*s = '\0';
			ok = mkdir(p, 0700) == 0 || errno == EEXIST;
			*s = '/';
		}
	ok = ok && (mkdir(p, 0700) == 0 || errno == EEXIST);
	free(p);
	return ok;
}

/* Add the line and write the last HISTORY_MAX lines back (beside the file
 * first, then renamed over it). */
static void
history_add(struct command_line *c, const char *line)
{
	if (!line[0] || (c->nhistory && strcmp(c->history[c->nhistory - 1], line) == 0))
		return;
	strv_push(&c->history, &c->nhistory, line);
	char *dir = history_dir();
	if (!dir || !make_dirs(dir)) {
		free(dir);
		return;
	}
	char *path = xasprintf("%s/history", dir), *tmp = xasprintf("%s.new", path);
	FILE *f = fopen(tmp, "w");
	size_t from = c->nhistory > HISTORY_MAX ? c->nhistory - HISTORY_MAX : 0;
	for (size_t i = from; f && i < c->nhistory; i++)
		fprintf(f, "%s\n", c->history[i]);
	if (f && fclose(f) == 0)
		rename(tmp, path);
	free(tmp);
	free(path);
	free(dir);
}

static void
set_text(struct command_line *c, const char *text)
{
	snprintf(c->text, sizeof c->text, "%s", text);
	c->len = strlen(c->text);
}

/* Up (-1) or Down (+1) through the history. */
static void
history_walk(struct command_line *c, int step)
{
	if ((step < 0 && c->at == 0) || (step > 0 && c->at >= c->nhistory))
		return;
	if (c->at == c->nhistory)
		snprintf(c->typed, sizeof c->typed, "%s", c->text);
	c->at = step < 0 ? c->at - 1 : c->at + 1;
	set_text(c, c->at == c->nhistory ? c->typed : c->history[c->at]);
}

/* ------------------------------------------------------------------ */
/* Completion. */

/* Complete the last word to the longest prefix its candidates share (and a
 * blank when there is one, unless it ends a directory/ or a CONTAINER:);
 * several: they are shown after the line. */
static void
complete(struct dash *d, struct command_line *c)
{
	const char *word = c->text + c->len;
	while (word > c->text && word[-1] != ' ')
		word--;
	size_t wlen = strlen(word);
	const char *note;
	char **all = command_candidates(c->completion, d, c->text, word, &note);
	const char *common = NULL;
	size_t clen = 0, matches = 0;
	struct buf shown = { 0 };
	for (size_t i = 0; all && all[i]; i++) {
		if (strncmp(all[i], word, wlen) != 0)
			continue;
		if (matches++ == 0) {
			common = all[i];
			clen = strlen(common);
		}
		while (clen > 0 && strncmp(common, all[i], clen) != 0)
			clen--;
		buf_printf(&shown, "%s%s", shown.len ? " " : "", all[i]);
	}
	c->said[0] = '\0';
	c->said_error = false;
	bool ends_word = matches == 1 && !strchr("/:", common[clen - 1]);
	if (matches == 1 || clen > wlen) {
		char *rest = xasprintf("%.*s%s", (int)(clen - wlen), common + wlen,
				       ends_word ? " " : "");
		for (const char *s = rest; *s; s++)
			dialog_line_edit(c->text, &c->len, sizeof c->text, (unsigned char)*s);
		free(rest);
	} else if (matches > 1) {
		snprintf(c->said, sizeof c->said, "%s", shown.data);
	} else if (note) {
		snprintf(c->said, sizeof c->said, "%s", note);
	}
	buf_free(&shown);
	berth_strv_free(all);
}

/* ------------------------------------------------------------------ */
/* The view. */

static bool
command_open(struct view *v, const void *arg)
{
	struct command_line *c = xcalloc(1, sizeof *c);
	history_load(c);
	c->completion = command_completion_new(v->d);
	v->priv = c;
	return true;
}

static void
command_close(struct view *v)
{
	struct command_line *c = v->priv;
	berth_strv_free(c->history);
	command_completion_free(c->completion);
	free(c);
}

static bool
is_enter(int key)
{
	return key == '\n' || key == '\r' || key == KEY_ENTER;
}

static int
command_key(struct view *v, enum action a, int key)
{
	struct command_line *c = v->priv;
	if (key == 27)
		return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
	if (is_enter(key)) {
		history_add(c, c->text);
		c->at = c->nhistory;
		c->said[0] = '\0';
		if (command_run(v->d, c->text, c->said, sizeof c->said))
			return VIEW_HANDLED | VIEW_REDRAW | VIEW_CLOSE;
		c->said_error = true;
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (key == '\t') {
		complete(v->d, c);
	} else if (key == KEY_UP || key == KEY_DOWN) {
		history_walk(c, key == KEY_UP ? -1 : 1);
	} else if (dialog_line_edit(c->text, &c->len, sizeof c->text, key)) {
		c->said[0] = '\0';
	}
	return VIEW_HANDLED | VIEW_REDRAW;
}

/* ":LINE", then why it did not run (or the completions), in the message line. */
static void
command_draw(struct view *v, const struct view_area *a, bool focused)
{
	struct command_line *c = v->priv;
	draw_fill(a->y, 0, COLS, theme_attr(TH_NORMAL));
	int x = draw_str(a->y, 0, COLS, ":", theme_attr(TH_PROMPT));
	if (!c->said[0]) {
		dialog_draw_text(a->y, x, c->text);
		return;
	}
	char *line = xasprintf("%s   %s", c->text, c->said);
	x += draw_str(a->y, x, COLS - x, c->text, theme_attr(TH_NORMAL));
	draw_str(a->y, x, COLS - x, line + strlen(c->text),
		 c->said_error ? theme_attr(TH_ERROR) : theme_attr(TH_STALE));
	free(line);
}

const struct view_ops command_view = {
	.name = "command", .place = VIEW_LINE, .open = command_open, .draw = command_draw,
	.key = command_key, .close = command_close,
};
