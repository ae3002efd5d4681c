/* container.c: the container model's lifetime, status words, its compose
 * project, the port specs run -p takes, and the CPU formula. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "berth.h"
#include "model-json.h"
#include "util.h"

static void
strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
berth_kv_free(struct berth_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

void
berth_container_free(struct berth_container *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->name);
	free(c->image);
	free(c->endpoint);
	free(c->command);
	strs_free(c->argv, c->nargv);
	free(c->hostname);
	free(c->state_text);
	free(c->status_reason);
	free(c->health_output);
	free(c->ports);
	strs_free(c->ipv4, c->nipv4);
	strs_free(c->ipv6, c->nipv6);
	berth_kv_free(c->env, c->nenv);
	berth_kv_free(c->labels, c->nlabels);
	free(c->floating_ip);
	free(c->reservation);
	free(c->runtime);
	free(c->device_profiles);
	free(c->network_port);
	json_object_put(c->raw);
	free(c);
}

static bool
str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool
strs_same(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!str_same(a[i], b[i]))
			return false;
	return true;
}

static bool
kvs_same(const struct berth_kv *a, size_t na, const struct berth_kv *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!str_same(a[i].key, b[i].key) || !str_same(a[i].value, b[i].value))
			return false;
	return true;
}

static bool
ports_same(const struct berth_port *a, size_t na, const struct berth_port *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].container_port != b[i].container_port || a[i].host_port != b[i].host_port ||
		    strcmp(a[i].proto, b[i].proto) != 0 || strcmp(a[i].host_ip, b[i].host_ip) != 0)
			return false;
	return true;
}

static bool
strings_same(const struct berth_container *a, const struct berth_container *b)
{
	return str_same(a->id, b->id) && str_same(a->name, b->name) &&
	       str_same(a->image, b->image) && str_same(a->endpoint, b->endpoint) &&
	       str_same(a->command, b->command) && str_same(a->hostname, b->hostname) &&
	       str_same(a->state_text, b->state_text) &&
	       str_same(a->status_reason, b->status_reason) &&
	       str_same(a->health_output, b->health_output) &&
	       str_same(a->floating_ip, b->floating_ip) && str_same(a->reservation, b->reservation) &&
	       str_same(a->runtime, b->runtime) && str_same(a->device_profiles, b->device_profiles) &&
	       str_same(a->network_port, b->network_port);
}

static bool
scalars_same(const struct berth_container *a, const struct berth_container *b)
{
	return a->status == b->status && a->exit_code == b->exit_code && a->health == b->health &&
	       a->health_exit == b->health_exit && a->health_time == b->health_time &&
	       a->restart_count == b->restart_count && a->oom_killed == b->oom_killed &&
	       a->pid == b->pid && a->running == b->running && a->tty == b->tty &&
	       a->created == b->created && a->started == b->started && a->finished == b->finished;
}

bool
berth_container_equal(const struct berth_container *a, const struct berth_container *b)
{
	return strings_same(a, b) && scalars_same(a, b) &&
	       strs_same(a->argv, a->nargv, b->argv, b->nargv) &&
	       strs_same(a->ipv4, a->nipv4, b->ipv4, b->nipv4) &&
	       strs_same(a->ipv6, a->nipv6, b->ipv6, b->nipv6) &&
	       ports_same(a->ports, a->nports, b->ports, b->nports) &&
	       kvs_same(a->env, a->nenv, b->env, b->nenv) &&
	       kvs_same(a->labels, a->nlabels, b->labels, b->nlabels) &&
	       (a->raw == b->raw || (a->raw && b->raw && json_object_equal(a->raw, b->raw)));
}

bool
berth_container_lists_equal(struct berth_container *const *a, size_t na,
			    struct berth_container *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!berth_container_equal(a[i], b[i]))
			return false;
	return true;
}

void
berth_container_list_free(struct berth_container **list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		berth_container_free(list[i]);
	free(list);
}

void
berth_image_list_free(struct berth_image *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].id);
		free(v[i].repository);
		free(v[i].tag);
	}
	free(v);
}

/* A copy of n strings, kept NULL-terminated like the originals may be. */
static char **
strs_dup(char *const *v, size_t n)
{
	if (!v)
		return NULL;
	char **out = xcalloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static struct berth_kv *
kvs_dup(const struct berth_kv *v, size_t n)
{
	if (!v)
		return NULL;
	struct berth_kv *out = xcalloc(n ? n : 1, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		out[i].key = xstrdup(v[i].key);
		out[i].value = xstrdup(v[i].value);
	}
	return out;
}

/* A deep copy: json-c's reference counts are not atomic, so raw is copied too. */
struct berth_container *
berth_container_dup(const struct berth_container *c)
{
	if (!c)
		return NULL;
	struct berth_container *d = xmalloc(sizeof *d);
	*d = *c;
	d->id = xstrdup(c->id);
	d->name = xstrdup(c->name);
	d->image = xstrdup(c->image);
	d->endpoint = xstrdup(c->endpoint);
	d->command = xstrdup(c->command);
	d->argv = strs_dup(c->argv, c->nargv);
	d->hostname = xstrdup(c->hostname);
	d->state_text = xstrdup(c->state_text);
	d->status_reason = xstrdup(c->status_reason);
	d->health_output = xstrdup(c->health_output);
	d->ports = NULL;
	if (c->nports) {
		d->ports = xmalloc(c->nports * sizeof *d->ports);
		memcpy(d->ports, c->ports, c->nports * sizeof *d->ports);
	}
	d->ipv4 = strs_dup(c->ipv4, c->nipv4);
	d->ipv6 = strs_dup(c->ipv6, c->nipv6);
	d->env = kvs_dup(c->env, c->nenv);
	d->labels = kvs_dup(c->labels, c->nlabels);
	d->floating_ip = xstrdup(c->floating_ip);
	d->reservation = xstrdup(c->reservation);
	d->runtime = xstrdup(c->runtime);
	d->device_profiles = xstrdup(c->device_profiles);
	d->network_port = xstrdup(c->network_port);
	d->raw = NULL;
	if (c->raw)
		json_object_deep_copy(c->raw, &d->raw, NULL);
	return d;
}

static const char *const status_words[] = {
	[BERTH_ST_UNKNOWN] = "unknown", [BERTH_ST_CREATED] = "created",
	[BERTH_ST_RUNNING] = "running", [BERTH_ST_PAUSED] = "paused",
	[BERTH_ST_RESTARTING] = "restarting", [BERTH_ST_EXITED] = "exited",
	[BERTH_ST_DEAD] = "dead", [BERTH_ST_CREATING] = "creating",
	[BERTH_ST_DELETING] = "deleting", [BERTH_ST_ERROR] = "error",
};

int
berth_port_spec_parse(const char *spec, struct berth_port *out, struct berth_error *err)
{
	char *s = xstrdup(spec);
	char *hostip = NULL, *hostport = NULL, *ctr = s;
	char *colon = strrchr(s, ':');
	if (colon) {
		*colon = '\0';
		ctr = colon + 1;
		char *c2 = strrchr(s, ':');
		char *bracket = strrchr(s, ']');
		if (c2 && (!bracket || c2 > bracket)) {
			*c2 = '\0';
			hostip = s;
			hostport = c2 + 1;
		} else {
			hostport = s;
		}
	}
	bool bad_ip = false;
	if (hostip && hostip[0] == '[') {
		hostip++;
		char *rb = strchr(hostip, ']');
		if (rb)
			*rb = '\0';
		bad_ip = !rb || rb[1];
	} else if (hostip) {
		bad_ip = strchr(hostip, ':') != NULL;	/* IPv6 needs [brackets] */
	}
	*out = (struct berth_port){ 0 };
	char *end = NULL;
	long hp = hostport && *hostport ? strtol(hostport, &end, 10) : 0;
	if (bad_ip || (hostip && strlen(hostip) >= sizeof out->host_ip) ||
	    model_parse_port_key(ctr, &out->container_port, out->proto) < 0 ||
	    (strcmp(out->proto, "tcp") && strcmp(out->proto, "udp") && strcmp(out->proto, "sctp")) ||
	    (end && (*end || hp <= 0 || hp > 65535))) {
		free(s);
		return berth_fail(err, BERTH_EUSAGE,
				  "bad port %s: use [[HOSTIP:]HOSTPORT:]PORT[/PROTO]", spec);
	}
	snprintf(out->host_ip, sizeof out->host_ip, "%s", hostip ? hostip : "");
	out->host_port = (int)hp;
	free(s);
	return 0;
}

int
berth_restart_parse(const char *spec, char name[16], int *retries, struct berth_error *err)
{
	static const char *const names[] = { "no", "always", "unless-stopped", "on-failure" };
	size_t len = strcspn(spec, ":");
	*retries = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strlen(names[i]) != len || strncmp(spec, names[i], len) != 0)
			continue;
		char *end = NULL;
		long n = spec[len] ? strtol(spec + len + 1, &end, 10) : 0;
		if (spec[len] && (i != 3 || !spec[len + 1] || *end || n < 0 || n > 1000000))
			break;
		snprintf(name, 16, "%s", names[i]);
		*retries = (int)n;
		return 0;
	}
	return berth_fail(err, BERTH_EUSAGE, "bad restart policy %s: use no, always, "
			  "unless-stopped or on-failure[:N]", spec);
}

int
berth_name_check(const char *name, struct berth_error *err)
{
	static const char tail[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	size_t len = strlen(name);
	if (len >= 2 && len <= 255 && strchr(tail, name[0]) && name[0] != '_' && name[0] != '.' &&
	    name[0] != '-' && strspn(name, tail) == len)
		return 0;
	return berth_fail(err, BERTH_EUSAGE, "invalid name '%s': use letters, digits, _ . and -, "
			  "at least two, starting with a letter or digit", name);
}

const char *
berth_compose_project(const struct berth_container *c)
{
	static const char *const keys[] = { "com.docker.compose.project", "io.podman.compose.project" };
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		for (size_t i = 0; i < c->nlabels; i++)
			if (strcmp(c->labels[i].key, keys[k]) == 0 && c->labels[i].value[0])
				return c->labels[i].value;
	return NULL;
}

const char *
berth_status_name(enum berth_status s)
{
	if ((unsigned)s >= sizeof status_words / sizeof status_words[0])
		return "unknown";
	return status_words[s];
}

int
berth_status_parse(const char *word, enum berth_status *out)
{
	for (size_t i = 0; word && i < sizeof status_words / sizeof status_words[0]; i++)
		if (strcasecmp(word, status_words[i]) == 0) {
			*out = (enum berth_status)i;
			return 0;
		}
	return -1;
}

void
berth_fip_list_free(struct berth_fip *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		free(list[i].id);
		free(list[i].address);
		free(list[i].port_id);
		free(list[i].fixed_address);
		free(list[i].status);
	}
	free(list);
}

void
berth_lease_done(struct berth_lease *l)
{
	free(l->id);
	free(l->name);
	free(l->status);
	for (size_t i = 0; i < l->nreservations; i++) {
		struct berth_reservation *r = &l->reservations[i];
		free(r->id);
		free(r->resource_type);
		free(r->status);
		free(r->properties);
	}
	free(l->reservations);
	memset(l, 0, sizeof *l);
}

void
berth_lease_list_free(struct berth_lease *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		berth_lease_done(&list[i]);
	free(list);
}

const char *
berth_health_name(enum berth_health h)
{
	switch (h) {
	case BERTH_HEALTH_STARTING: return "starting";
	case BERTH_HEALTH_HEALTHY: return "healthy";
	case BERTH_HEALTH_UNHEALTHY: return "unhealthy";
	case BERTH_HEALTH_NONE: break;
	}
	return "";
}

void
berth_top_free(struct berth_top *t)
{
	if (!t)
		return;
	strs_free(t->titles, t->ncols);
	strs_free(t->cells, t->ncols * t->nrows);
	free(t);
}

/* Docker (docker-api.md §6): the container's share of the host's CPU time,
 * times the number of CPUs. Podman (§8): its system counter only counts busy
 * time, so use the container's CPU time over berth's own wall clock. */
double
berth_cpu_percent(enum berth_kind kind, const struct berth_stats_sample *prev,
		  const struct berth_stats_sample *cur)
{
	if (!prev || !cur || !prev->valid || !cur->valid || cur->cpu_total_ns < prev->cpu_total_ns)
		return -1;
	double cpu = (double)(cur->cpu_total_ns - prev->cpu_total_ns);
	if (kind == BERTH_KIND_PODMAN || cur->system_ns == 0) {
		if (cur->read_ns <= prev->read_ns)
			return -1;
		return cpu / (double)(cur->read_ns - prev->read_ns) * 100.0;
	}
	if (cur->system_ns <= prev->system_ns)
		return -1;
	double sys = (double)(cur->system_ns - prev->system_ns);
	unsigned cpus = cur->online_cpus ? cur->online_cpus : 1;
	return cpu / sys * cpus * 100.0;
}
