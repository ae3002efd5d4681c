/* dash-script.c: key scripts and screen dumps for the screen tests (see
 * dash-script.h). A wait polls the drawn screen once per loop turn. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	bool waiting, wait_not;
	char wait_text[256];
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

static int
save_display(struct dash_script *sc, struct dash *d, const char *file)
{
	dash_draw_now(d);
	char *text = script_screen_text();
	FILE *f = fopen(file, "w");
	int rc = f && fputs(text, f) >= 0 ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "berth: %s:%d: cannot write %s: %s\n", sc->path, sc->line, file,
			strerror(errno));
	free(text);
	return rc;
}

static int
check_wait(struct dash_script *sc, struct dash *d)
{
	if (d->dirty)
		dash_draw_now(d);
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

int
script_step(struct dash_script *sc, struct dash *d)
{
	if (sc->waiting)
		return check_wait(sc, d);
	if (sc->ikey < sc->nkeys) {
		dash_key(d, sc->keys[sc->ikey++]);
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
	if (strncmp(line, ":wait ", 6) == 0 || strncmp(line, ":wait-not ", 10) == 0) {
		sc->wait_not = line[5] == '-';
		snprintf(sc->wait_text, sizeof sc->wait_text, "%s", line + (sc->wait_not ? 10 : 6));
		sc->waiting = true;
		sc->deadline = dash_now() + sc->timeout;
		return 0;
	}
	if (strncmp(line, ":timeout ", 9) == 0) {
		sc->timeout = atof(line + 9);
		return 0;
	}
	if (strncmp(line, ":save-display ", 14) == 0)
		return save_display(sc, d, line + 14);
	if (strncmp(line, ":resize ", 8) == 0) {
		int cols = 0, rows = 0;
		if (sscanf(line + 8, "%d %d", &cols, &rows) == 2 && cols > 0 && rows > 0)
			dash_resize(d, rows, cols);
		return 0;
	}
	if (strcmp(line, ":quit") == 0)
		return 1;
	if (parse_keys(sc, line, &err) < 0) {
		fprintf(stderr, "berth: %s\n", err.message);
		return -1;
	}
	return 0;
}
