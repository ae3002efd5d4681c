/* test_config.c: the configuration file: a good file, every kind of bad line
 * with its line number, the search order, and the warning about secrets. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "berth.h"
#include "tap.h"

static char tmpdir[] = "/tmp/berth-test-config-XXXXXX";

static char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char path[8][512];
	static int slot;
	char *p = path[slot++ % 8];
	snprintf(p, 512, "%s/%s", tmpdir, name);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

static void
test_good_file(void)
{
	const char *text =
		"# a comment\n"
		"; another comment\n"
		"\n"
		"[general]\n"
		"refresh = 1.5\n"
		"zun_refresh = 10\n"
		"  connect_timeout=3  \n"
		"pool_size = 8\n"
		"scrollback = 5000\n"
		"theme = mono\n"
		"mouse = no\n"
		"\n"
		"[endpoint local]\n"
		"host = unix:///var/run/docker.sock\n"
		"\n"
		"[endpoint edge]\n"
		"host = zun:chi\n"
		"auth_url = https://chi.edge.example.org:5000/v3\n"
		"application_credential_id = \"abc\"\n"
		"\n"
		"[endpoint cloudy]\n"
		"cloud = chameleon\n"
		"\n"
		"[keys]\n"
		"quit = q\n"
		"kill = K\n"
		"floating_ip = F\n";
	char *path = write_file("good.conf", text, 0600);
	struct berth_config *c = NULL;
	struct berth_error err = { 0 };
	ok(berth_config_load(path, &c, &err) == 0, "a good file loads (%s)", err.message);
	if (!c)
		return;
	is_str(c->path, path, "path is the file read");
	ok(c->refresh_s == 1.5, "refresh");
	ok(c->zun_refresh_s == 10, "zun_refresh");
	ok(c->connect_timeout == 3, "connect_timeout, with spaces around");
	is_int(c->pool_size, 8, "pool_size");
	is_int(c->scrollback, 5000, "scrollback");
	is_str(c->theme, "mono", "theme");
	ok(!c->mouse, "mouse = no");
	is_int(c->nendpoints, 3, "three endpoints");
	is_str(c->endpoints[0].name, "local", "first endpoint name");
	is_str(c->endpoints[0].spec, "unix:///var/run/docker.sock", "first endpoint host");
	is_int(c->endpoints[0].nopts, 0, "no other options");
	is_str(c->endpoints[1].spec, "zun:chi", "zun endpoint host");
	is_str(berth_config_endpoint_opt(&c->endpoints[1], "auth_url"),
	       "https://chi.edge.example.org:5000/v3", "other keys kept");
	is_str(berth_config_endpoint_opt(&c->endpoints[1], "application_credential_id"), "abc",
	       "double quotes stripped");
	ok(berth_config_endpoint_opt(&c->endpoints[1], "nothing") == NULL, "missing key is NULL");
	is_str(c->endpoints[2].spec, "zun:chameleon", "a section with only cloud = is zun:CLOUD");
	is_int(c->nkeys, 3, "three key bindings");
	is_str(c->keys[1].key, "kill", "key action");
	is_str(c->keys[1].value, "K", "key kept verbatim");
	berth_config_free(c);
}

static void
test_defaults(void)
{
	char xdg[600];
	snprintf(xdg, sizeof xdg, "%s/emptyxdg", tmpdir);
	mkdir(xdg, 0700);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	unsetenv("BERTH_CONFIG");
	struct berth_config *c = NULL;
	struct berth_error err = { 0 };
	ok(berth_config_load(NULL, &c, &err) == 0, "a missing default file is not an error");
	if (!c)
		return;
	ok(c->path == NULL, "no path when no file was read");
	ok(c->refresh_s == 2 && c->zun_refresh_s == 5 && c->connect_timeout == 5, "default intervals");
	is_int(c->pool_size, 4, "default pool_size");
	is_int(c->scrollback, 10000, "default scrollback");
	is_str(c->theme, "default", "default theme");
	ok(c->mouse, "mouse on by default");
	is_int(c->nendpoints, 0, "no endpoints");
	berth_config_free(c);
}

/* Each bad file and the message it must give, "FILE:LINE: ..." */
static void
test_bad_lines(void)
{
	static const struct {
		const char *text;
		int line;
		const char *what;
	} cases[] = {
		{ "refresh = 1\n", 1, "outside a section" },
		{ "[general]\n\n[general\n", 3, "must end with ]" },
		{ "# c\n[nope]\n", 2, "unknown section [nope]" },
		{ "[endpoint]\n", 1, "needs a name" },
		{ "[endpoint a:b]\nhost = zun\n", 1, "may not contain" },
		{ "[general]\nrefresh = soon\n", 2, "refresh must be a number" },
		{ "[general]\nrefresh = 0\n", 2, "refresh must be a number" },
		{ "[general]\nconnect_timeout = -1\n", 2, "connect_timeout must be a number" },
		{ "[general]\npool_size = 0\n", 2, "pool_size must be a whole number" },
		{ "[general]\nscrollback = lots\n", 2, "scrollback must be a whole number" },
		{ "[general]\nmouse = maybe\n", 2, "mouse must be yes or no" },
		{ "[general]\ntheme =\n", 2, "theme needs a value" },
		{ "[general]\ncolour = red\n", 2, "unknown setting colour" },
		{ "[general]\njust some words\n", 2, "expected key = value" },
		{ "[general]\n = 3\n", 2, "a key is missing" },
		{ "[endpoint a]\nhost = zun\n[endpoint a]\nhost = zun\n", 3, "defined twice" },
		{ "[general]\n[endpoint e]\nuser = x\n[keys]\n", 2, "has no host" },
		{ "[endpoint e]\nhost = zun\n\n", 0, NULL },
		{ "[endpoint e]\nhost = zun\nhost = zun:x\n", 3, "host is set twice" },
		{ "[endpoint e]\nhost =\n", 2, "host needs a value" },
		{ "[endpoint e]\nhost = zun\nregion = a\nregion = b\n", 4, "region is set twice" },
		{ "[keys]\nfly = f\n", 0, NULL },
		{ "[keys]\nquit = q\nquit = x\n", 3, "quit is bound twice" },
		{ "[keys]\nquit =\n", 2, "quit needs a key" },
		{ "[endpoint last]\n", 1, "has no host" },
		{ "[group]\n", 1, "[group] needs a name" },
		{ "[group e@x]\nmatch = *\n", 1, "may not contain" },
		{ "[group g]\nmatch = a\n[group g]\nmatch = b\n", 3, "group g is defined twice" },
		{ "[group g]\n\n[keys]\n", 1, "[group g] has no endpoints = or match = line" },
		{ "[group g]\nendpoints = ,\n", 2, "endpoints needs a value" },
		{ "[group g]\nhost = zun\n", 2, "unknown key host in [group g]" },
		{ "[group g]\nendpoints = a @h\n", 2, "names @h: a group lists endpoints" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "bad%zu.conf", i);
		char *path = write_file(name, cases[i].text, 0600);
		struct berth_config *c = NULL;
		struct berth_error err = { 0 };
		int rc = berth_config_load(path, &c, &err);
		if (!cases[i].what) {
			ok(rc == 0, "case %zu loads (%s)", i, err.message);
			berth_config_free(c);
			continue;
		}
		char prefix[600];
		snprintf(prefix, sizeof prefix, "%s:%d: ", path, cases[i].line);
		ok(rc == -1 && c == NULL, "case %zu fails", i);
		ok(strncmp(err.message, prefix, strlen(prefix)) == 0 && strstr(err.message, cases[i].what),
		   "case %zu: '%s' names line %d and says '%s'", i, err.message, cases[i].line,
		   cases[i].what);
	}
}

/* [group NAME]: its endpoints = list in order, then the [endpoint] names its
 * globs take in the file's order, each once; what fails says why. */
static void
test_groups(void)
{
	char *path = write_file("groups.conf",
				"[endpoint edge-1]\nhost = tcp://e1:2375\n"
				"[endpoint core]\nhost = unix:///c.sock\n"
				"[endpoint edge-2]\nhost = tcp://e2:2375\n"
				"[group edge]\nmatch = edge-*\n"
				"[group mixed]\nendpoints = unix:///x.sock, edge-2\nmatch = edge-? core\n"
				"endpoints = core\n"
				"[group empty]\nmatch = none-*\n", 0600);
	struct berth_config *c = NULL;
	struct berth_error err = { 0 };
	ok(berth_config_load(path, &c, &err) == 0, "a file with groups loads (%s)", err.message);
	char **specs = NULL;
	size_t n = 0;
	ok(berth_config_group(c, "edge", &specs, &n, &err) == 0 && n == 2 &&
	   strcmp(specs[0], "edge-1") == 0 && strcmp(specs[1], "edge-2") == 0 && !specs[2],
	   "match = edge-* takes edge-1 and edge-2, in the file's order");
	berth_strv_free(specs);
	specs = NULL;
	n = 0;
	ok(berth_config_group(c, "mixed", &specs, &n, &err) == 0 && n == 4,
	   "a group with both keys: %zu endpoints", n);
	is_str(specs[0], "unix:///x.sock", "... its endpoints = lines in order (a spec as -H takes it)");
	is_str(specs[1], "edge-2", "... ...");
	is_str(specs[2], "core", "... and the second endpoints = line adds to the first");
	is_str(specs[3], "edge-1", "... then what its globs take that is not there yet");
	ok(berth_config_group(c, "edge", &specs, &n, &err) == 0 && n == 4 && !specs[4],
	   "a group added after another adds none of the endpoints already there");
	berth_strv_free(specs);
	specs = NULL;
	n = 0;
	ok(berth_config_group(c, "empty", &specs, &n, &err) < 0 && err.code == BERTH_EUSAGE &&
	   strstr(err.message, "[group empty] names no endpoint") && strstr(err.message, "none-*"),
	   "a group whose globs take no endpoint is an error: %s", err.message);
	ok(berth_config_group(c, "nope", &specs, &n, &err) < 0 &&
	   strstr(err.message, "no [group nope] in ") && strstr(err.message, path),
	   "an unknown group is an error naming the file: %s", err.message);
	berth_strv_free(specs);
	berth_config_free(c);
}

static void
test_search_order(void)
{
	char xdg[600], home[600], dir[700];
	snprintf(xdg, sizeof xdg, "%s/xdg", tmpdir);
	snprintf(dir, sizeof dir, "%s/berth", xdg);
	mkdir(xdg, 0700);
	mkdir(dir, 0700);
	write_file("xdg/berth/berth.conf", "[general]\npool_size = 11\n", 0600);
	char *envfile = write_file("env.conf", "[general]\npool_size = 12\n", 0600);
	char *explicit = write_file("explicit.conf", "[general]\npool_size = 13\n", 0600);
	snprintf(home, sizeof home, "%s/home", tmpdir);
	mkdir(home, 0700);
	snprintf(dir, sizeof dir, "%s/home/.config", tmpdir);
	mkdir(dir, 0700);
	snprintf(dir, sizeof dir, "%s/home/.config/berth", tmpdir);
	mkdir(dir, 0700);
	write_file("home/.config/berth/berth.conf", "[general]\npool_size = 14\n", 0600);

	struct berth_config *c;
	struct berth_error err = { 0 };
	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("BERTH_CONFIG", envfile, 1);
	setenv("HOME", home, 1);
	ok(berth_config_load(explicit, &c, &err) == 0 && c->pool_size == 13, "-c FILE comes first");
	berth_config_free(c);
	ok(berth_config_load(NULL, &c, &err) == 0 && c->pool_size == 12, "then $BERTH_CONFIG");
	berth_config_free(c);
	unsetenv("BERTH_CONFIG");
	ok(berth_config_load(NULL, &c, &err) == 0 && c->pool_size == 11,
	   "then $XDG_CONFIG_HOME/berth/berth.conf");
	berth_config_free(c);
	unsetenv("XDG_CONFIG_HOME");
	ok(berth_config_load(NULL, &c, &err) == 0 && c->pool_size == 14,
	   "then ~/.config/berth/berth.conf");
	berth_config_free(c);

	char missing[600];
	snprintf(missing, sizeof missing, "%s/missing.conf", tmpdir);
	c = NULL;
	ok(berth_config_load(missing, &c, &err) == -1 && c == NULL, "a missing -c FILE is an error");
	is_int(err.code, BERTH_ENOTFOUND, "... not found");
	ok(strstr(err.message, missing) != NULL, "... naming the file: %s", err.message);
	setenv("BERTH_CONFIG", missing, 1);
	ok(berth_config_load(NULL, &c, &err) == -1, "a missing $BERTH_CONFIG is an error");
	unsetenv("BERTH_CONFIG");
}

/* Run berth_config_load with stderr captured; returns what it wrote. */
static char *
load_capturing_stderr(const char *path)
{
	static char out[1024];
	char cap[600];
	snprintf(cap, sizeof cap, "%s/stderr.txt", tmpdir);
	int saved = dup(2);
	int fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	struct berth_config *c = NULL;
	struct berth_error err = { 0 };
	berth_config_load(path, &c, &err);
	berth_config_free(c);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	FILE *f = fopen(cap, "r");
	size_t n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	fclose(f);
	return out;
}

static void
test_secret_warning(void)
{
	const char *text = "[endpoint e]\nhost = zun\napplication_credential_secret = s3cr3t\n";
	char *private = write_file("private.conf", text, 0600);
	ok(*load_capturing_stderr(private) == '\0', "a private file with a secret: no warning");
	char *plain = write_file("plain.conf", "[endpoint e]\nhost = zun\nuser = x\n", 0644);
	ok(*load_capturing_stderr(plain) == '\0', "a readable file without secrets: no warning");
	char *open_file = write_file("open.conf", text, 0644);
	char *w = load_capturing_stderr(open_file);
	ok(strstr(w, "warning") && strstr(w, open_file) && strstr(w, "chmod 600"),
	   "a readable file with a secret warns: %s", w);
	ok(!strstr(w, "s3cr3t"), "... without printing the secret");
	ok(*load_capturing_stderr(open_file) == '\0', "... once");
}

int
main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_good_file();
	test_defaults();
	test_bad_lines();
	test_groups();
	test_search_order();
	test_secret_warning();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return tap_done();
}
