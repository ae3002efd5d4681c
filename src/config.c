/* config.c: the configuration file (berth.conf(5)).
 *
 * An INI-style file: a [general] section of settings, [endpoint NAME] sections
 * (host = SPEC plus any other key, kept for the backend), [group NAME] sections
 * (endpoints = SPEC..., match = GLOB...: what -H @NAME stands for), and a [keys]
 * section (action = keys, kept verbatim: the dashboard's key map checks the names).
 * Whole-line comments start with '#' or ';'. Every bad line is an error
 * "FILE:LINE: what is wrong".
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "berth.h"
#include "util.h"

enum config_section { SEC_NONE, SEC_GENERAL, SEC_ENDPOINT, SEC_GROUP, SEC_KEYS };

struct config_parse {
	struct berth_config *cfg;
	const char *file;
	int line;
	enum config_section section;
	int endpoint_line;		/* line of the current [endpoint] or [group] header */
	bool has_secret;
	struct berth_error *err;
};

static void
config_defaults(struct berth_config *c)
{
	c->refresh_s = 2;
	c->zun_refresh_s = 5;
	c->lease_warning_s = 1800;
	c->lease_alarm_s = 300;
	c->connect_timeout = 5;
	c->pool_size = 4;
	c->scrollback = 10000;
	c->theme = xstrdup("default");
	c->mouse = true;
}

__attribute__((format(printf, 2, 3))) static int
config_bad(struct config_parse *p, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return berth_fail(p->err, BERTH_EUSAGE, "%s:%d: %s", p->file, p->line, what);
}

static char *
config_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static void
kv_push(struct berth_kv **v, size_t *n, const char *key, const char *value)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].key = xstrdup(key);
	(*v)[*n].value = xstrdup(value);
	(*n)++;
}

static bool
kv_has(const struct berth_kv *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return true;
	return false;
}

static int
config_number(struct config_parse *p, const char *key, const char *val, double min, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(val, &end);
	if (errno || end == val || *end || !isfinite(d) || d < min)
		return config_bad(p, min > 0 ? "%s must be a number of seconds greater than 0"
				  : "%s must be a number of seconds, 0 or more", key);
	*out = d;
	return 0;
}

static int
config_int(struct config_parse *p, const char *key, const char *val, long min, long max, int *out)
{
	char *end;
	errno = 0;
	long l = strtol(val, &end, 10);
	if (errno || end == val || *end || l < min || l > max)
		return config_bad(p, "%s must be a whole number from %ld to %ld", key, min, max);
	*out = (int)l;
	return 0;
}

static int
config_bool(struct config_parse *p, const char *key, const char *val, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	for (int i = 0; yes[i]; i++) {
		if (strcasecmp(val, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(val, no[i]) == 0)
			return *out = false, 0;
	}
	return config_bad(p, "%s must be yes or no", key);
}

static int
config_general(struct config_parse *p, const char *key, const char *val)
{
	struct berth_config *c = p->cfg;
	if (strcmp(key, "refresh") == 0)
		return config_number(p, key, val, 0.1, &c->refresh_s);
	if (strcmp(key, "zun_refresh") == 0)
		return config_number(p, key, val, 0.1, &c->zun_refresh_s);
	if (strcmp(key, "lease_warning") == 0)
		return config_number(p, key, val, 0, &c->lease_warning_s);
	if (strcmp(key, "lease_alarm") == 0)
		return config_number(p, key, val, 0, &c->lease_alarm_s);
	if (strcmp(key, "connect_timeout") == 0)
		return config_number(p, key, val, 0.1, &c->connect_timeout);
	if (strcmp(key, "pool_size") == 0)
		return config_int(p, key, val, 1, 64, &c->pool_size);
	if (strcmp(key, "scrollback") == 0)
		return config_int(p, key, val, 100, 10000000, &c->scrollback);
	if (strcmp(key, "mouse") == 0)
		return config_bool(p, key, val, &c->mouse);
	if (strcmp(key, "bell") == 0)
		return config_bool(p, key, val, &c->bell);
	if (strcmp(key, "read_only") == 0)
		return config_bool(p, key, val, &c->read_only);
	if (strcmp(key, "theme") == 0) {
		if (!*val)
			return config_bad(p, "%s needs a value", key);
		free(c->theme);
		c->theme = xstrdup(val);
		return 0;
	}
	return config_bad(p, "unknown setting %s in [general]", key);
}

static bool
config_key_is_secret(const char *key)
{
	return strstr(key, "password") || strstr(key, "secret") || strstr(key, "token");
}

static int
config_endpoint_key(struct config_parse *p, const char *key, const char *val)
{
	struct berth_endpoint_conf *e = &p->cfg->endpoints[p->cfg->nendpoints - 1];
	if (strcmp(key, "host") == 0) {
		if (e->spec)
			return config_bad(p, "host is set twice in [endpoint %s]", e->name);
		if (!*val)
			return config_bad(p, "host needs a value in [endpoint %s]", e->name);
		e->spec = xstrdup(val);
		return 0;
	}
	if (kv_has(e->opts, e->nopts, key))
		return config_bad(p, "%s is set twice", key);
	bool yes;
	if (strcmp(key, "read_only") == 0 && config_bool(p, key, val, &yes) < 0)
		return -1;
	if (config_key_is_secret(key))
		p->has_secret = true;
	kv_push(&e->opts, &e->nopts, key, val);
	return 0;
}

/* endpoints = and match = take words apart by blanks or commas; a key given
 * again adds to the list. */
static int
config_group_key(struct config_parse *p, const char *key, const char *val)
{
	struct berth_group_conf *g = &p->cfg->groups[p->cfg->ngroups - 1];
	bool members = strcmp(key, "endpoints") == 0;
	if (!members && strcmp(key, "match") != 0)
		return config_bad(p, "unknown key %s in [group %s] (endpoints = or match =)", key,
				  g->name);
	char *words = xstrdup(val), *save = NULL;
	size_t added = 0;
	for (char *w = strtok_r(words, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		if (*w == '@') {
			config_bad(p, "[group %s] names %s: a group lists endpoints, not groups",
				   g->name, w);
			free(words);
			return -1;
		}
		if (members)
			strv_push(&g->members, &g->nmembers, w);
		else
			strv_push(&g->globs, &g->nglobs, w);
		added++;
	}
	free(words);
	return added ? 0 : config_bad(p, "%s needs a value in [group %s]", key, g->name);
}

static int
config_keys(struct config_parse *p, const char *key, const char *val)
{
	struct berth_config *c = p->cfg;
	if (!*val)
		return config_bad(p, "%s needs a key", key);
	if (kv_has(c->keys, c->nkeys, key))
		return config_bad(p, "%s is bound twice", key);
	kv_push(&c->keys, &c->nkeys, key, val);
	return 0;
}

/* A group without a line naming its endpoints. */
static int
config_close_group(struct config_parse *p)
{
	const struct berth_group_conf *g = &p->cfg->groups[p->cfg->ngroups - 1];
	if (g->nmembers || g->nglobs)
		return 0;
	p->line = p->endpoint_line;
	return config_bad(p, "[group %s] has no endpoints = or match = line", g->name);
}

/* A section whose host was left out: Zun when it carries Zun settings. */
static int
config_close_endpoint(struct config_parse *p)
{
	if (p->section == SEC_GROUP)
		return config_close_group(p);
	if (p->section != SEC_ENDPOINT)
		return 0;
	struct berth_endpoint_conf *e = &p->cfg->endpoints[p->cfg->nendpoints - 1];
	if (e->spec)
		return 0;
	const char *cloud = berth_config_endpoint_opt(e, "cloud");
	if (cloud)
		e->spec = xasprintf("zun:%s", cloud);
	else if (berth_config_endpoint_opt(e, "auth_url"))
		e->spec = xstrdup("zun");
	else {
		p->line = p->endpoint_line;
		return config_bad(p, "[endpoint %s] has no host = line", e->name);
	}
	return 0;
}

/* A new [endpoint NAME] or [group NAME] (word says which). */
static int
config_new_section(struct config_parse *p, const char *word, const char *name)
{
	struct berth_config *c = p->cfg;
	bool group = *word == 'g';
	size_t n = group ? c->ngroups : c->nendpoints;
	for (size_t i = 0; i < n; i++)
		if (strcmp(group ? c->groups[i].name : c->endpoints[i].name, name) == 0)
			return config_bad(p, "%s %s is defined twice", word, name);
	if (group) {
		c->groups = xrealloc(c->groups, (n + 1) * sizeof *c->groups);
		c->groups[c->ngroups++] = (struct berth_group_conf){ .name = xstrdup(name) };
	} else {
		c->endpoints = xrealloc(c->endpoints, (n + 1) * sizeof *c->endpoints);
		c->endpoints[c->nendpoints++] = (struct berth_endpoint_conf){ .name = xstrdup(name) };
	}
	p->section = group ? SEC_GROUP : SEC_ENDPOINT;
	return 0;
}

static int
config_header(struct config_parse *p, char *s)
{
	size_t n = strlen(s);
	if (s[n - 1] != ']')
		return config_bad(p, "%s", "a section header must end with ]");
	s[n - 1] = '\0';
	char *name = config_trim(s + 1);
	if (config_close_endpoint(p) < 0)
		return -1;
	if (strcmp(name, "general") == 0) {
		p->section = SEC_GENERAL;
		return 0;
	}
	if (strcmp(name, "keys") == 0) {
		p->section = SEC_KEYS;
		return 0;
	}
	const char *word = strncmp(name, "group", 5) == 0 ? "group" : "endpoint";
	size_t wl = strlen(word);
	if (strncmp(name, word, wl) != 0 || (name[wl] != ' ' && name[wl] != '\t' && name[wl]))
		return config_bad(p, "unknown section [%s]", name);
	char *sname = config_trim(name + wl);
	if (!*sname)
		return config_bad(p, "[%s] needs a name: [%s NAME]", word, word);
	if (strpbrk(sname, " \t:/@"))
		return config_bad(p, "%s name '%s' may not contain spaces, ':', '/' or '@'", word,
				  sname);
	p->endpoint_line = p->line;
	return config_new_section(p, word, sname);
}

/* Strip one pair of matching double quotes around a value. */
static char *
config_unquote(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

static int
config_line(struct config_parse *p, char *raw)
{
	char *s = config_trim(raw);
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return config_header(p, s);
	char *eq = strchr(s, '=');
	if (!eq)
		return config_bad(p, "expected key = value, got '%.60s'", s);
	*eq = '\0';
	char *key = config_trim(s);
	char *val = config_unquote(config_trim(eq + 1));
	if (!*key)
		return config_bad(p, "%s", "a key is missing before '='");
	switch (p->section) {
	case SEC_GENERAL:
		return config_general(p, key, val);
	case SEC_ENDPOINT:
		return config_endpoint_key(p, key, val);
	case SEC_GROUP:
		return config_group_key(p, key, val);
	case SEC_KEYS:
		return config_keys(p, key, val);
	case SEC_NONE:
		break;
	}
	return config_bad(p, "%s is outside a section ([general], [endpoint NAME], [group NAME] "
			  "or [keys])", key);
}

/* Warn once per process about a file with secrets that others may read. */
static void
config_check_mode(FILE *f, const char *path)
{
	static atomic_bool warned;
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || !(st.st_mode & (S_IRGRP | S_IROTH)))
		return;
	if (atomic_exchange(&warned, true))
		return;
	berth_warn("%s holds a secret and can be read by other users; run chmod 600 %s", path,
		   path);
}

static int
config_parse_file(FILE *f, struct config_parse *p)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		p->line++;
		rc = config_line(p, line);
	}
	if (rc == 0 && ferror(f))
		rc = berth_fail(p->err, BERTH_EIO, "cannot read %s: %s", p->file, strerror(errno));
	if (rc == 0)
		rc = config_close_endpoint(p);
	free(line);
	return rc;
}

/* The file to read and whether it must exist; NULL when there is none. */
static char *
config_find(const char *path, bool *required)
{
	*required = true;
	if (path)
		return xstrdup(path);
	const char *env = getenv("BERTH_CONFIG");
	if (env && *env)
		return xstrdup(env);
	*required = false;
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && *xdg == '/')
		return xasprintf("%s/berth/berth.conf", xdg);
	const char *home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.config/berth/berth.conf", home);
	return NULL;
}

/* Why the configuration file could not be opened (errno e), in err. */
static void
config_unreadable(const char *file, int e, struct berth_error *err)
{
	if (errno_is_nofiles(e)) {
		char *what = xasprintf("the configuration file %s was not read", file);
		berth_fail_nofiles(err, what);
		free(what);
		return;
	}
	berth_fail(err, e == ENOENT ? BERTH_ENOTFOUND : BERTH_EIO,
		   "cannot read the configuration file %s: %s", file, strerror(e));
}

int
berth_config_load(const char *path, struct berth_config **out, struct berth_error *err)
{
	struct berth_config *c = xcalloc(1, sizeof *c);
	config_defaults(c);
	bool required;
	char *file = config_find(path, &required);
	FILE *f = file ? fopen(file, "r") : NULL;
	if (!f) {
		int e = errno;
		if (file && (required || e != ENOENT)) {
			config_unreadable(file, e, err);
			free(file);
			berth_config_free(c);
			return -1;
		}
		free(file);
		*out = c;
		return 0;
	}
	c->path = file;
	struct config_parse p = { .cfg = c, .file = file, .err = err };
	int rc = config_parse_file(f, &p);
	if (rc == 0 && p.has_secret)
		config_check_mode(f, file);
	fclose(f);
	if (rc < 0) {
		berth_config_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void
berth_config_free(struct berth_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nendpoints; i++) {
		free(c->endpoints[i].name);
		free(c->endpoints[i].spec);
		berth_kv_free(c->endpoints[i].opts, c->endpoints[i].nopts);
	}
	free(c->endpoints);
	for (size_t i = 0; i < c->ngroups; i++) {
		free(c->groups[i].name);
		berth_strv_free(c->groups[i].members);
		berth_strv_free(c->groups[i].globs);
	}
	free(c->groups);
	berth_kv_free(c->keys, c->nkeys);
	free(c->theme);
	free(c->path);
	free(c);
}

const char *
berth_config_endpoint_opt(const struct berth_endpoint_conf *e, const char *key)
{
	if (!e)
		return NULL;
	for (size_t i = 0; i < e->nopts; i++)
		if (strcmp(e->opts[i].key, key) == 0)
			return e->opts[i].value;
	return NULL;
}

static bool
group_matches(const struct berth_group_conf *g, const char *endpoint)
{
	for (size_t i = 0; i < g->nglobs; i++)
		if (fnmatch(g->globs[i], endpoint, 0) == 0)
			return true;
	return false;
}

int
berth_config_group(const struct berth_config *cfg, const char *name, char ***specs, size_t *n,
		   struct berth_error *err)
{
	const struct berth_group_conf *g = NULL;
	for (size_t i = 0; cfg && i < cfg->ngroups && !g; i++)
		if (strcmp(cfg->groups[i].name, name) == 0)
			g = &cfg->groups[i];
	if (!g && cfg && cfg->path)
		return berth_fail(err, BERTH_EUSAGE, "no [group %s] in %s", name, cfg->path);
	if (!g)
		return berth_fail(err, BERTH_EUSAGE, "no [group %s]: there is no configuration file",
				  name);
	size_t named = g->nmembers;
	for (size_t i = 0; i < g->nmembers; i++)
		strv_push_new(specs, n, g->members[i]);
	for (size_t i = 0; i < cfg->nendpoints; i++)
		if (group_matches(g, cfg->endpoints[i].name)) {
			strv_push_new(specs, n, cfg->endpoints[i].name);
			named++;
		}
	if (named)
		return 0;
	struct buf globs = { 0 };
	for (size_t i = 0; i < g->nglobs; i++)
		buf_printf(&globs, "%s%s", i ? " " : "", g->globs[i]);
	berth_fail(err, BERTH_EUSAGE, "[group %s] names no endpoint: no [endpoint NAME] of %s "
		   "matches %s", name, cfg->path, globs.data);
	buf_free(&globs);
	return -1;
}
