/* endpoint.c: endpoint specs, their default resolution, and opening an endpoint.
 *
 * A spec is unix:///path, tcp://host:port (a bare host:port becomes tcp://),
 * ssh://..., zun, zun:CLOUD, the name of a config-file endpoint, or the name of
 * a Docker context. Resolution only reads files and the environment: opening an
 * endpoint never touches the network.
 *
 * TLS for tcp:// endpoints is resolved here and handed to the backend as options
 * of the endpoint's conf section: tls (yes/no), tls_verify (yes/no), tls_ca,
 * tls_cert and tls_key (file paths), from DOCKER_TLS_VERIFY, DOCKER_TLS and
 * DOCKER_CERT_PATH, from a Docker context's TLS store, or from the config file.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "util.h"

#define DOCKER_SOCK "/var/run/docker.sock"

/* What a spec resolves to, before the backend is attached. */
struct endpoint_target {
	char *name;
	char *spec;
	char *address;
	enum berth_kind kind;
	struct berth_endpoint_conf *conf;
};

static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static bool
file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void
conf_set(struct berth_endpoint_conf *c, const char *key, const char *value)
{
	c->opts = xrealloc(c->opts, (c->nopts + 1) * sizeof *c->opts);
	c->opts[c->nopts].key = xstrdup(key);
	c->opts[c->nopts].value = xstrdup(value);
	c->nopts++;
}

static struct berth_endpoint_conf *
conf_new(const char *name, const char *spec)
{
	struct berth_endpoint_conf *c = xcalloc(1, sizeof *c);
	c->name = xstrdup(name);
	c->spec = xstrdup(spec);
	return c;
}

static struct berth_endpoint_conf *
conf_dup(const struct berth_endpoint_conf *e)
{
	struct berth_endpoint_conf *c = conf_new(e->name, e->spec);
	for (size_t i = 0; i < e->nopts; i++)
		conf_set(c, e->opts[i].key, e->opts[i].value);
	return c;
}

static void
conf_free(struct berth_endpoint_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nopts; i++) {
		free(c->opts[i].key);
		free(c->opts[i].value);
	}
	free(c->opts);
	free(c->name);
	free(c->spec);
	free(c);
}

static void
target_done(struct endpoint_target *t)
{
	free(t->name);
	free(t->spec);
	free(t->address);
	conf_free(t->conf);
	memset(t, 0, sizeof *t);
}

/* $DOCKER_CONFIG, else ~/.docker; NULL without either. */
static char *
docker_config_dir(void)
{
	const char *dir = env_nonempty("DOCKER_CONFIG");
	if (dir)
		return xstrdup(dir);
	const char *home = env_nonempty("HOME");
	return home ? xasprintf("%s/.docker", home) : NULL;
}

/* Add tls_ca, tls_cert and tls_key for the ca.pem, cert.pem and key.pem found in
 * dir; returns how many were found. */
static int
tls_files(struct berth_endpoint_conf *c, const char *dir)
{
	static const char *const files[][2] = {
		{ "tls_ca", "ca.pem" }, { "tls_cert", "cert.pem" }, { "tls_key", "key.pem" },
	};
	int found = 0;
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s", dir, files[i][1]);
		if (file_exists(p)) {
			conf_set(c, files[i][0], p);
			found++;
		}
		free(p);
	}
	return found;
}

/* Add TLS options from DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH, as the
 * docker CLI reads them; certificate files that do not exist are left out. */
static void
tls_from_env(struct berth_endpoint_conf *c)
{
	bool verify = env_nonempty("DOCKER_TLS_VERIFY") != NULL;
	if (!verify && !env_nonempty("DOCKER_TLS"))
		return;
	conf_set(c, "tls", "yes");
	conf_set(c, "tls_verify", verify ? "yes" : "no");
	const char *cert_path = env_nonempty("DOCKER_CERT_PATH");
	char *dir = cert_path ? xstrdup(cert_path) : docker_config_dir();
	if (!dir)
		return;
	tls_files(c, dir);
	free(dir);
}

static bool
tls_wanted_by_env(void)
{
	return env_nonempty("DOCKER_TLS_VERIFY") || env_nonempty("DOCKER_TLS");
}

static int
parse_port(const char *s, struct berth_error *err, const char *spec)
{
	char *end;
	long port = strtol(s, &end, 10);
	if (!*s || *end || port < 1 || port > 65535)
		return berth_fail(err, BERTH_EUSAGE, "bad port in endpoint %s: use tcp://HOST:PORT", spec);
	return 0;
}

/* tcp://host[:port][/]: the port defaults to 2375, or 2376 with TLS. */
static int
target_tcp(const char *given, const char *rest, struct endpoint_target *t, struct berth_error *err)
{
	char *hp = xstrdup(rest);
	size_t n = strlen(hp);
	while (n > 0 && hp[n - 1] == '/')
		hp[--n] = '\0';
	if (!*hp || strchr(hp, '/')) {
		free(hp);
		return berth_fail(err, BERTH_EUSAGE, "bad endpoint %s: use tcp://HOST:PORT", given);
	}
	const char *after_host = hp;
	if (*hp == '[') {
		const char *close = strchr(hp, ']');
		if (!close || (close[1] && close[1] != ':')) {
			free(hp);
			return berth_fail(err, BERTH_EUSAGE,
					  "bad endpoint %s: write IPv6 hosts as tcp://[ADDR]:PORT", given);
		}
		after_host = close + 1;
	}
	const char *colon = strrchr(after_host, ':');
	if (colon && (colon == hp || parse_port(colon + 1, err, given) < 0)) {
		if (colon == hp)
			berth_fail(err, BERTH_EUSAGE, "bad endpoint %s: the host is missing", given);
		free(hp);
		return -1;
	}
	t->address = colon ? xstrdup(hp) : xasprintf("%s:%d", hp, tls_wanted_by_env() ? 2376 : 2375);
	t->spec = xasprintf("tcp://%s", t->address);
	t->kind = BERTH_KIND_DOCKER;
	free(hp);
	return 0;
}

/* The forms that name an engine directly; 1 when spec is none of them. */
static int
target_direct(const char *spec, struct endpoint_target *t, struct berth_error *err)
{
	if (str_starts_with(spec, "unix://")) {
		const char *path = spec + 7;
		if (!*path)
			path = DOCKER_SOCK;
		if (*path != '/')
			return berth_fail(err, BERTH_EUSAGE,
					  "bad endpoint %s: use unix:///ABSOLUTE/PATH", spec);
		t->address = xstrdup(path);
		t->spec = xasprintf("unix://%s", path);
		t->kind = BERTH_KIND_DOCKER;
		return 0;
	}
	if (str_starts_with(spec, "tcp://"))
		return target_tcp(spec, spec + 6, t, err);
	if (str_starts_with(spec, "ssh://")) {
		if (!spec[6] || spec[6] == '/' || spec[6] == ':')
			return berth_fail(err, BERTH_EUSAGE,
					  "bad endpoint %s: use ssh://[USER@]HOST[:PORT]", spec);
		t->address = xstrdup(spec + 6);
		t->spec = xstrdup(spec);
		t->kind = BERTH_KIND_DOCKER;
		return 0;
	}
	if (strstr(spec, "://"))
		return berth_fail(err, BERTH_EUSAGE,
				  "unknown kind of endpoint %s: use unix://, tcp://, ssh://, zun or zun:CLOUD",
				  spec);
	if (strcmp(spec, "zun") == 0 || str_starts_with(spec, "zun:")) {
		if (strcmp(spec, "zun:") == 0)
			return berth_fail(err, BERTH_EUSAGE, "bad endpoint zun: name a cloud, as zun:CLOUD");
		t->spec = xstrdup(spec);
		t->address = xstrdup(spec);
		t->kind = BERTH_KIND_ZUN;
		return 0;
	}
	return 1;
}

/* The string value of a member, "" for null or a missing value. */
static const char *
json_str(json_object *o)
{
	const char *s = o ? json_object_get_string(o) : NULL;
	return s ? s : "";
}

/* The context in meta (found in the store directory entry): its host, and the
 * TLS material of contexts/tls/ENTRY/docker as conf options. */
static int
context_from_meta(const char *dir, const char *entry, const char *file, json_object *meta,
		  char **host, struct berth_endpoint_conf **conf, struct berth_error *err)
{
	json_object *eps, *docker, *jhost, *skip;
	const char *name = json_str(json_object_object_get(meta, "Name"));
	if (!json_object_object_get_ex(meta, "Endpoints", &eps) ||
	    !json_object_object_get_ex(eps, "docker", &docker) ||
	    !json_object_object_get_ex(docker, "Host", &jhost) || !*json_str(jhost))
		return berth_fail(err, BERTH_EUSAGE, "Docker context %s has no Docker host (in %s)",
				  name, file);
	*host = xstrdup(json_str(jhost));
	*conf = conf_new(name, *host);
	char *tls = xasprintf("%s/contexts/tls/%s/docker", dir, entry);
	bool has_tls = tls_files(*conf, tls) > 0;
	free(tls);
	bool skip_verify = json_object_object_get_ex(docker, "SkipTLSVerify", &skip) &&
			   json_object_get_boolean(skip);
	if (has_tls || skip_verify) {
		conf_set(*conf, "tls", "yes");
		conf_set(*conf, "tls_verify", skip_verify ? "no" : "yes");
	}
	return 0;
}

/* Find the context called name in the store (contexts/meta/<sha256 of name>/meta.json;
 * every entry is read, so the digest need not be computed). Returns 1 when there
 * is no such context. */
static int
context_lookup(const char *dir, const char *name, char **host, struct berth_endpoint_conf **conf,
	       struct berth_error *err)
{
	char *metadir = xasprintf("%s/contexts/meta", dir);
	DIR *d = opendir(metadir);
	int rc = 1;
	struct dirent *de;
	while (d && rc == 1 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *file = xasprintf("%s/%s/meta.json", metadir, de->d_name);
		json_object *meta = json_object_from_file(file);
		if (meta && strcmp(json_str(json_object_object_get(meta, "Name")), name) == 0)
			rc = context_from_meta(dir, de->d_name, file, meta, host, conf, err);
		json_object_put(meta);
		free(file);
	}
	if (d)
		closedir(d);
	free(metadir);
	return rc;
}

/* The current Docker context: DOCKER_CONTEXT, else currentContext of config.json;
 * NULL for none or "default". */
static char *
context_current(void)
{
	const char *env = env_nonempty("DOCKER_CONTEXT");
	char *name = NULL;
	if (env) {
		name = xstrdup(env);
	} else {
		char *dir = docker_config_dir();
		char *file = dir ? xasprintf("%s/config.json", dir) : NULL;
		json_object *cfg = file && file_exists(file) ? json_object_from_file(file) : NULL;
		json_object *cur;
		if (cfg && json_object_object_get_ex(cfg, "currentContext", &cur) &&
		    *json_str(cur))
			name = xstrdup(json_str(cur));
		json_object_put(cfg);
		free(file);
		free(dir);
	}
	if (name && strcmp(name, "default") == 0) {
		free(name);
		name = NULL;
	}
	return name;
}

/* A host of a config section or a context: a direct form or a bare host:port. */
static int
target_host(const char *host, struct endpoint_target *t, struct berth_error *err)
{
	int rc = target_direct(host, t, err);
	if (rc == 1 && strchr(host, ':'))
		return target_tcp(host, host, t, err);
	return rc;
}

/* A name: a config-file endpoint, then a Docker context, then host:port. */
static int
target_named(const char *spec, const struct berth_config *cfg, struct endpoint_target *t,
	     struct berth_error *err)
{
	for (size_t i = 0; cfg && i < cfg->nendpoints; i++) {
		const struct berth_endpoint_conf *e = &cfg->endpoints[i];
		if (strcmp(e->name, spec) != 0)
			continue;
		if (target_host(e->spec, t, err) != 0) {
			if (err && err->code == BERTH_OK)
				berth_fail(err, BERTH_EUSAGE,
					   "endpoint %s of %s: host must be unix://, tcp://, ssh://, zun or zun:CLOUD",
					   spec, cfg->path ? cfg->path : "the configuration file");
			return -1;
		}
		t->name = xstrdup(spec);
		t->conf = conf_dup(e);
		return 0;
	}
	if (strcmp(spec, "default") == 0)
		return target_direct("unix://" DOCKER_SOCK, t, err);
	char *dir = docker_config_dir(), *host = NULL;
	struct berth_endpoint_conf *conf = NULL;
	int rc = dir ? context_lookup(dir, spec, &host, &conf, err) : 1;
	free(dir);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (target_host(host, t, err) != 0) {
			if (err && err->code == BERTH_OK)
				berth_fail(err, BERTH_EUSAGE, "Docker context %s has an unusable host %s",
					   spec, host);
			free(host);
			conf_free(conf);
			return -1;
		}
		free(host);
		t->name = xstrdup(spec);
		t->conf = conf;
		return 0;
	}
	if (strchr(spec, ':'))
		return target_tcp(spec, spec, t, err);
	return berth_fail(err, BERTH_ENOTFOUND,
			  "unknown endpoint %s: it is neither an endpoint of the configuration file "
			  "nor a Docker context", spec);
}

static int
target_resolve(const char *spec, const struct berth_config *cfg, struct endpoint_target *t,
	       struct berth_error *err)
{
	if (err)
		err->code = BERTH_OK;
	if (!spec || !*spec)
		return berth_fail(err, BERTH_EUSAGE, "an empty endpoint was given");
	int rc = target_direct(spec, t, err);
	if (rc == 1)
		rc = target_named(spec, cfg, t, err);
	if (rc < 0) {
		target_done(t);
		return -1;
	}
	if (!t->name)
		t->name = xstrdup(spec);
	if (!t->conf && str_starts_with(t->spec, "tcp://")) {
		t->conf = conf_new(t->name, t->spec);
		tls_from_env(t->conf);
	}
	return 0;
}

int
berth_default_endpoints(const struct berth_config *cfg, char ***specs, struct berth_error *err)
{
	char **v = NULL;
	size_t n = 0;
	const char *host = env_nonempty("DOCKER_HOST");
	char *context = host ? NULL : context_current();
	if (host) {
		strv_push(&v, &n, host);
	} else if (context) {
		strv_push(&v, &n, context);
		free(context);
	} else if (file_exists(DOCKER_SOCK)) {
		strv_push(&v, &n, "unix://" DOCKER_SOCK);
	} else {
		if (file_exists("/run/podman/podman.sock"))
			strv_push(&v, &n, "unix:///run/podman/podman.sock");
		const char *xdg = env_nonempty("XDG_RUNTIME_DIR");
		char *rootless = xdg ? xasprintf("%s/podman/podman.sock", xdg) : NULL;
		if (rootless && file_exists(rootless)) {
			char *s = xasprintf("unix://%s", rootless);
			strv_push(&v, &n, s);
			free(s);
		}
		free(rootless);
		bool none = n == 0;
		for (size_t i = 0; none && cfg && i < cfg->nendpoints; i++)
			strv_push(&v, &n, cfg->endpoints[i].name);
		if (n == 0)
			strv_push(&v, &n, "unix://" DOCKER_SOCK);
	}
	*specs = v;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
berth_docker_contexts(void)
{
	char **v = xcalloc(1, sizeof *v);
	size_t n = 0;
	char *dir = docker_config_dir();
	char *metadir = dir ? xasprintf("%s/contexts/meta", dir) : NULL;
	DIR *d = metadir ? opendir(metadir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *file = xasprintf("%s/%s/meta.json", metadir, de->d_name);
		json_object *meta = json_object_from_file(file);
		const char *name = meta ? json_str(json_object_object_get(meta, "Name")) : "";
		if (*name && strcmp(name, "default") != 0)
			strv_push(&v, &n, name);
		json_object_put(meta);
		free(file);
	}
	if (d)
		closedir(d);
	qsort(v, n, sizeof *v, cmp_str);
	free(metadir);
	free(dir);
	return v;
}

static void
endpoint_options(berth_endpoint *ep, const struct berth_options *opts,
		 const struct berth_config *cfg)
{
	if (opts)
		ep->opts = *opts;
	ep->opts.config_file = NULL;	/* the caller's string; not kept */
	if (ep->opts.connect_timeout <= 0) {
		const char *v = berth_config_endpoint_opt(ep->conf, "connect_timeout");
		double d = v ? strtod(v, NULL) : 0;
		ep->opts.connect_timeout = d > 0 ? d : cfg && cfg->connect_timeout > 0 ? cfg->connect_timeout : 5;
	}
	if (ep->opts.request_timeout <= 0)
		ep->opts.request_timeout = 60;
	ep->opts.read_only = ep->opts.read_only || (cfg && cfg->read_only) ||
			     str_is_yes(berth_config_endpoint_opt(ep->conf, "read_only"));
}

int
berth_endpoint_open(const char *spec, const struct berth_options *opts,
		    berth_endpoint **out, struct berth_error *err)
{
	struct berth_config *cfg = NULL;
	if (berth_config_load(opts ? opts->config_file : NULL, &cfg, err) < 0)
		return -1;
	char **defaults = NULL;
	if (!spec) {
		berth_default_endpoints(cfg, &defaults, err);
		spec = defaults[0];
	}
	struct endpoint_target t = { 0 };
	int rc = target_resolve(spec, cfg, &t, err);
	if (rc < 0) {
		berth_strv_free(defaults);
		berth_config_free(cfg);
		return -1;
	}
	berth_endpoint *ep = xcalloc(1, sizeof *ep);
	ep->name = t.name;
	ep->spec = t.spec;
	ep->address = t.address;
	ep->kind = t.kind;
	ep->conf = t.conf;
	endpoint_options(ep, opts, cfg);
	berth_strv_free(defaults);
	berth_config_free(cfg);
	pthread_mutex_init(&ep->cache_lock, NULL);
	ep->backend.ops = ep->kind == BERTH_KIND_ZUN ? &zun_backend_ops : &docker_backend_ops;
	ep->backend.ep = ep;
	if (ep->backend.ops->open && ep->backend.ops->open(&ep->backend, err) < 0) {
		ep->backend.ops = NULL;
		berth_endpoint_free(ep);
		return -1;
	}
	*out = ep;
	return 0;
}

void
berth_endpoint_free(berth_endpoint *ep)
{
	if (!ep)
		return;
	if (ep->backend.ops && ep->backend.ops->close)
		ep->backend.ops->close(&ep->backend);
	berth_container_list_free(ep->cache, ep->ncache);
	pthread_mutex_destroy(&ep->cache_lock);
	conf_free(ep->conf);
	free(ep->name);
	free(ep->spec);
	free(ep->address);
	free(ep);
}

const char *
berth_endpoint_name(const berth_endpoint *ep)
{
	return ep->name;
}

const char *
berth_endpoint_address(const berth_endpoint *ep)
{
	return ep->address;
}

enum berth_kind
berth_endpoint_kind(const berth_endpoint *ep)
{
	return ep->kind;
}

bool
berth_endpoint_read_only(const berth_endpoint *ep)
{
	return ep->opts.read_only;
}

int
berth_refuse_if_read_only(const berth_endpoint *ep, const char *what, struct berth_error *err)
{
	if (!ep || !ep->opts.read_only)
		return 0;
	return berth_fail(err, BERTH_EREADONLY, "read-only: %s is refused in read-only mode (%s)", what,
			  ep->name ? ep->name : ep->address);
}
