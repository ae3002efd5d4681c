/* dash-script.c: key scripts and screen dumps for the screen tests (see
 * dash-script.h). A wait polls the drawn screen once per loop turn. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "dash-script.h"
#include "dash.h"
#include "keymap.h"
#include "util.h"

struct dash_script {
	FILE *f;
	char *path;
	int line;
	int *keys;
	size_t nkeys, ikey;
	bool waiting, wait_not, wait_file;
	char wait_text[1024];		/* a screen's text, or a file's path */
	double deadline, timeout;
};

struct dash_script *
script_open(const char *path, struct berth_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		berth_fail(err, BERTH_EIO, "cannot read the script %s: %s", path, strerror(errno));
		return NULL;
	}
	struct dash_script *sc = xcalloc(1, sizeof *sc);
	sc->f = f;
	sc->path = xstrdup(path);
	sc->timeout = 15;
	return sc;
}

void
script_close(struct dash_script *sc)
{
	if (!sc)
		return;
	fclose(sc->f);
	free(sc->path);
	free(sc->keys);
	free(sc);
}

bool
script_ready(const struct dash_script *sc)
{
	return !sc->waiting;
}

bool
script_waiting(const struct dash_script *sc)
{
	return sc->waiting;
}

/* The screen as text, one line per row, trailing blanks cut (caller frees). */
static char *
script_screen_text(void)
{
	struct buf b = { 0 };
	wchar_t *w = xcalloc((size_t)COLS + 1, sizeof *w);
	char *mb = xmalloc((size_t)COLS * MB_CUR_MAX + 1);
	buf_append(&b, "", 0);
	for (int y = 0; y < LINES; y++) {
		int n = mvinnwstr(y, 0, w, COLS);
		w[n > 0 ? n : 0] = L'\0';
		size_t len = wcstombs(mb, w, (size_t)COLS * MB_CUR_MAX);
		if (len == (size_t)-1)
			len = 0;
		while (len > 0 && mb[len - 1] == ' ')
			len--;
		buf_append(&b, mb, len);
		buf_append(&b, "\n", 1);
	}
	free(w);
	free(mb);
	return buf_steal(&b);
}

static void
push_key(struct dash_script *sc, int key)
{
	sc->keys = xrealloc(sc->keys, (sc->nkeys + 1) * sizeof *sc->keys);
	sc->keys[sc->nkeys++] = key;
}

/* Queue the keys of a line: characters, and <name> tokens. */
static int
parse_keys(struct dash_script *sc, const char *s, struct berth_error *err)
{
	sc->nkeys = sc->ikey = 0;
	while (*s) {
		const char *gt = *s == '<' ? strchr(s, '>') : NULL;
		if (gt && gt > s + 1) {
			char name[32];
			size_t n = (size_t)(gt - s - 1);
			snprintf(name, sizeof name, "%.*s", (int)n, s + 1);
			int key = strcmp(name, "lt") == 0 ? '<' : keymap_parse_key(name);
			if (key < 0)
				return berth_fail(err, BERTH_EUSAGE, "%s:%d: unknown key <%s>", sc->path,
						  sc->line, name);
			push_key(sc, key);
			s = gt + 1;
		} else {
			push_key(sc, (unsigned char)*s++);
		}
	}
	return 0;
}

/* Write TEXT to FILE: beside it first, then renamed to it, so that a test
 * polling for FILE never reads half of it. */
static int
write_text(struct dash_script *sc, const char *file, const char *text)
{
	char *part = xasprintf("%s.part", file);
	FILE *f = fopen(part, "w");
	int rc = f && fputs(text, f) >= 0 ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(part, file) != 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "berth: %s:%d: cannot write %s: %s\n", sc->path, sc->line, file,
			strerror(errno));
	free(part);
	return rc;
}

static int
save_display(struct dash_script *sc, struct dash *d, const char *file)
{
	d->host->draw(d);
	char *text = script_screen_text();
	int rc = write_text(sc, file, text);
	free(text);
	return rc;
}

/* ":dump-model FILE": the table's rows, one per line: endpoint, id, name,
 * status word and exit code, tab-separated. */
static int
dump_model(struct dash_script *sc, struct dash *d, const char *file)
{
	struct buf b = { 0 };
	buf_append(&b, "", 0);
	for (size_t i = 0; i < d->table.nrows; i++) {
		const struct row *r = &d->table.rows[i];
		buf_printf(&b, "%s\t%s\t%s\t%s\t%d\n", r->ep->name, r->c->id,
			   r->c->name ? r->c->name : "", berth_status_name(r->c->status),
			   r->c->exit_code);
	}
	char *text = buf_steal(&b);
	int rc = write_text(sc, file, text);
	free(text);
	return rc;
}

static int
check_wait_file(struct dash_script *sc)
{
	if (access(sc->wait_text, F_OK) == 0) {
		sc->waiting = false;
	} else if (dash_now() > sc->deadline) {
		fprintf(stderr, "berth: %s:%d: timed out after %.0f s waiting for the file %s\n",
			sc->path, sc->line, sc->timeout, sc->wait_text);
		return -1;
	}
	return 0;
}

static int
check_wait(struct dash_script *sc, struct dash *d)
{
	if (sc->wait_file)
		return check_wait_file(sc);
	if (d->dirty)
		d->host->draw(d);
	char *text = script_screen_text();
	bool has = strstr(text, sc->wait_text) != NULL;
	int rc = 0;
	if (has != sc->wait_not) {
		sc->waiting = false;
	} else if (dash_now() > sc->deadline) {
		fprintf(stderr, "berth: %s:%d: timed out after %.0f s waiting for %s\"%s\"; the screen:\n%s",
			sc->path, sc->line, sc->timeout, sc->wait_not ? "the end of " : "",
			sc->wait_text, text);
		rc = -1;
	}
	free(text);
	return rc;
}

/* Start a wait: for TEXT on the screen, its end (wait_not), or a file. */
static void
start_wait(struct dash_script *sc, const char *what, bool wait_not, bool wait_file)
{
	snprintf(sc->wait_text, sizeof sc->wait_text, "%s", what);
	sc->wait_not = wait_not;
	sc->wait_file = wait_file;
	sc->waiting = true;
	sc->deadline = dash_now() + sc->timeout;
}

int
script_step(struct dash_script *sc, struct dash *d)
{
	if (sc->waiting)
		return check_wait(sc, d);
	if (sc->ikey < sc->nkeys) {
		d->host->key(d, sc->keys[sc->ikey++]);
		return 0;
	}
	char line[1024];
	if (!fgets(line, sizeof line, sc->f))
		return 1;
	sc->line++;
	line[strcspn(line, "\n")] = '\0';
	struct berth_error err;
	if (!line[0] || line[0] == '#')
		return 0;
	if (strncmp(line, ":wait ", 6) == 0) {
		start_wait(sc, line + 6, false, false);
		return 0;
	}
	if (strncmp(line, ":wait-not ", 10) == 0) {
		start_wait(sc, line + 10, true, false);
		return 0;
	}
	if (strncmp(line, ":wait-file ", 11) == 0) {
		start_wait(sc, line + 11, false, true);
		return 0;
	}
	if (strncmp(line, ":timeout ", 9) == 0) {
		sc->timeout = atof(line + 9);
		return 0;
	}
	if (strncmp(line, ":save-display ", 14) == 0)
		return save_display(sc, d, line + 14);
	if (strncmp(line, ":dump-model ", 12) == 0)
		return dump_model(sc, d, line + 12);
	if (strncmp(line, ":resize ", 8) == 0) {
		int cols = 0, rows = 0;
		if (sscanf(line + 8, "%d %d", &cols, &rows) == 2 && cols > 0 && rows > 0)
			d->host->resize(d, rows, cols);
		return 0;
	}
	if (strncmp(line, ":open ", 6) == 0) {
		if (d->host->open(d, line + 6, NULL))
			return 0;
		fprintf(stderr, "berth: %s:%d: the view %s did not open\n", sc->path, sc->line, line + 6);
		return -1;
	}
	if (strcmp(line, ":quit") == 0)
		return 1;
	if (parse_keys(sc, line, &err) < 0) {
		fprintf(stderr, "berth: %s\n", err.message);
		return -1;
	}
	return 0;
}
