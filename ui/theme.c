/* theme.c: themes. A theme file has one line per element,
 *   element = FOREGROUND BACKGROUND [bold] [dim] [reverse] [underline]
 * with colours named (default, black, red, green, yellow, blue, magenta, cyan,
 * white) or numbered 0-255; '#' starts a comment. Mono themes use attributes
 * only. The built-in tables match data/themes/default.theme and mono.theme. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"
#include "util.h"

static const char *const elem_names[TH_COUNT] = {
	"normal", "title", "header", "selected", "marked", "stale",
	"running", "paused", "exited_ok", "exited_error", "dead", "creating",
	"error", "stderr", "match", "status", "good", "warn", "bad",
	"prompt", "border",
	"source1", "source2", "source3", "source4", "source5", "source6",
};

struct style {
	short fg, bg;
	attr_t attr;
};

static const struct style builtin_default[TH_COUNT] = {
	[TH_NORMAL] = { -1, -1, A_NORMAL },
	[TH_TITLE] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL },
	[TH_HEADER] = { -1, -1, A_BOLD | A_UNDERLINE },
	[TH_SELECTED] = { -1, -1, A_REVERSE },
	[TH_MARKED] = { COLOR_YELLOW, -1, A_BOLD },
	[TH_STALE] = { -1, -1, A_DIM },
	[TH_RUNNING] = { COLOR_GREEN, -1, A_NORMAL },
	[TH_PAUSED] = { COLOR_YELLOW, -1, A_NORMAL },
	[TH_EXITED_OK] = { -1, -1, A_DIM },
	[TH_EXITED_ERR] = { COLOR_RED, -1, A_NORMAL },
	[TH_DEAD] = { COLOR_RED, -1, A_BOLD },
	[TH_CREATING] = { COLOR_CYAN, -1, A_NORMAL },
	[TH_ERROR] = { COLOR_RED, -1, A_BOLD },
	[TH_STDERR] = { COLOR_RED, -1, A_NORMAL },
	[TH_MATCH] = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL },
	[TH_STATUS] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL },
	[TH_GOOD] = { COLOR_GREEN, -1, A_NORMAL },
	[TH_WARN] = { COLOR_YELLOW, -1, A_BOLD },
	[TH_BAD] = { COLOR_RED, -1, A_BOLD },
	[TH_PROMPT] = { -1, -1, A_BOLD },
	[TH_BORDER] = { COLOR_CYAN, -1, A_NORMAL },
	[TH_SOURCE1] = { COLOR_CYAN, -1, A_NORMAL },
	[TH_SOURCE2] = { COLOR_YELLOW, -1, A_NORMAL },
	[TH_SOURCE3] = { COLOR_GREEN, -1, A_NORMAL },
	[TH_SOURCE4] = { COLOR_MAGENTA, -1, A_NORMAL },
	[TH_SOURCE5] = { COLOR_BLUE, -1, A_NORMAL },
	[TH_SOURCE6] = { COLOR_RED, -1, A_NORMAL },
};

static const struct style builtin_mono[TH_COUNT] = {
	[TH_NORMAL] = { -1, -1, A_NORMAL },
	[TH_TITLE] = { -1, -1, A_REVERSE },
	[TH_HEADER] = { -1, -1, A_BOLD | A_UNDERLINE },
	[TH_SELECTED] = { -1, -1, A_REVERSE },
	[TH_MARKED] = { -1, -1, A_BOLD },
	[TH_STALE] = { -1, -1, A_DIM },
	[TH_RUNNING] = { -1, -1, A_BOLD },
	[TH_PAUSED] = { -1, -1, A_UNDERLINE },
	[TH_EXITED_OK] = { -1, -1, A_DIM },
	[TH_EXITED_ERR] = { -1, -1, A_UNDERLINE },
	[TH_DEAD] = { -1, -1, A_BOLD | A_UNDERLINE },
	[TH_CREATING] = { -1, -1, A_NORMAL },
	[TH_ERROR] = { -1, -1, A_BOLD | A_UNDERLINE },
	[TH_STDERR] = { -1, -1, A_BOLD },
	[TH_MATCH] = { -1, -1, A_REVERSE | A_UNDERLINE },
	[TH_STATUS] = { -1, -1, A_REVERSE },
	[TH_GOOD] = { -1, -1, A_NORMAL },
	[TH_WARN] = { -1, -1, A_BOLD },
	[TH_BAD] = { -1, -1, A_BOLD | A_UNDERLINE },
	[TH_PROMPT] = { -1, -1, A_BOLD },
	[TH_BORDER] = { -1, -1, A_NORMAL },
	[TH_SOURCE1] = { -1, -1, A_BOLD },
	[TH_SOURCE2] = { -1, -1, A_UNDERLINE },
	[TH_SOURCE3] = { -1, -1, A_NORMAL },
	[TH_SOURCE4] = { -1, -1, A_BOLD | A_UNDERLINE },
	[TH_SOURCE5] = { -1, -1, A_DIM },
	[TH_SOURCE6] = { -1, -1, A_REVERSE },
};

static attr_t attrs[TH_COUNT];

static int
parse_color(const char *s, short *out)
{
	static const char *const names[] = { "black", "red", "green", "yellow", "blue",
					     "magenta", "cyan", "white" };
	if (strcmp(s, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (short i = 0; i < 8; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end && n >= 0 && n < 256) {
		*out = (short)n;
		return 0;
	}
	return -1;
}

static int
parse_attr(const char *s, attr_t *out)
{
	static const struct { const char *name; attr_t a; } names[] = {
		{ "bold", A_BOLD }, { "dim", A_DIM }, { "reverse", A_REVERSE },
		{ "underline", A_UNDERLINE }, { "normal", A_NORMAL },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].name) == 0) {
			*out |= names[i].a;
			return 0;
		}
	return -1;
}

/* Parse one "element = fg bg attrs" line into t; -1 with msg on error. */
static int
parse_line(char *line, struct style *t, const char *file, int lineno, char *msg, size_t msglen)
{
	char *eq = strchr(line, '=');
	char *save = NULL;
	char *name = strtok_r(line, " \t=", &save);
	if (!name || *name == '#')
		return 0;
	int e;
	for (e = 0; e < TH_COUNT && strcmp(elem_names[e], name) != 0; e++)
		;
	if (!eq || e == TH_COUNT) {
		snprintf(msg, msglen, "%s:%d: unknown theme element %s", file, lineno, name);
		return -1;
	}
	struct style st = { -1, -1, A_NORMAL };
	int field = 0;
	for (char *tok = strtok_r(eq + 1, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), field++) {
		int rc = field == 0 ? parse_color(tok, &st.fg)
			: field == 1 ? parse_color(tok, &st.bg) : parse_attr(tok, &st.attr);
		if (rc < 0) {
			snprintf(msg, msglen, "%s:%d: %s is not a colour or attribute", file, lineno, tok);
			return -1;
		}
	}
	t[e] = st;
	return 0;
}

/* Read a theme file over the defaults in t; 1 if read, 0 if absent, -1 if bad. */
static int
load_file(const char *path, struct style *t, char *msg, size_t msglen)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[256];
	int lineno = 0, rc = 1;
	while (rc > 0 && fgets(line, sizeof line, f))
		if (parse_line(line, t, path, ++lineno, msg, msglen) < 0)
			rc = -1;
	fclose(f);
	return rc;
}

static int
load_named(const char *name, struct style *t, char *msg, size_t msglen)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *paths[2];
	paths[0] = xdg && *xdg ? xasprintf("%s/berth/themes/%s.theme", xdg, name)
		: xasprintf("%s/.config/berth/themes/%s.theme", home ? home : "", name);
	paths[1] = xasprintf("%s/themes/%s.theme", BERTH_DATADIR, name);
	int rc = 0;
	for (int i = 0; i < 2 && rc == 0; i++)
		rc = load_file(paths[i], t, msg, msglen);
	free(paths[0]);
	free(paths[1]);
	return rc;
}

const char *
theme_init(const char *name, char *msg, size_t msglen)
{
	struct style t[TH_COUNT];
	const char *no_color = getenv("NO_COLOR");
	bool mono = (no_color && *no_color) || !has_colors();
	if (!name || !*name)
		name = "default";
	if (mono)
		name = "mono";
	msg[0] = '\0';
	memcpy(t, strcmp(name, "mono") == 0 ? builtin_mono : builtin_default, sizeof t);
	int rc = load_named(name, t, msg, msglen);
	if (rc < 0 || (rc == 0 && strcmp(name, "default") != 0 && strcmp(name, "mono") != 0)) {
		if (rc == 0)
			snprintf(msg, msglen, "theme %s was not found; using the default theme", name);
		memcpy(t, builtin_default, sizeof t);
		name = "default";
	}
	if (!mono) {
		start_color();
		use_default_colors();
	}
	for (int e = 0; e < TH_COUNT; e++) {
		attrs[e] = t[e].attr;
		if (!mono && (t[e].fg >= 0 || t[e].bg >= 0) && t[e].fg < COLORS && t[e].bg < COLORS) {
			init_pair((short)(e + 1), t[e].fg, t[e].bg);
			attrs[e] |= COLOR_PAIR(e + 1);
		}
	}
	return name;
}

attr_t
theme_attr(enum theme_elem e)
{
	return attrs[e];
}
