/* zun.c: the OpenStack Zun backend (CHI@Edge), speaking container API 1.41.
 *
 * Containers, their lifecycle, create/submit, snapshot, floating IPs and leases
 * (zun-api.md §2-§6). Exec, logs and archives are in zun-io.c; zun-ops.c lists
 * both files' entries in zun_backend_ops; the requests and errors every Zun
 * file shares are in zun-call.c, below them. Zun has no events API: callers poll.
 * Actions CHI@Edge accepts but ignores (kill) are checked, never reported as
 * done.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blazar.h"
#include "model-json.h"
#include "neutron.h"
#include "zun-priv.h"

#define ZUN_POLL_S 2.0		/* status polling interval */

/* ------------------------------------------------------------------ */
/* What berth gave its containers that Zun does not return to their owner: the
 * reservation (hints), the runtime (admin-only in a view) and the device
 * profiles (annotations). berth remembers them in $XDG_STATE_HOME/berth/
 * zun-reservations, one "uuid reservation-id", "uuid runtime=R" or
 * "uuid device_profiles=P,Q" a line. */

static char *
state_file(bool create_dir)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *dir = xdg && *xdg ? xasprintf("%s/berth", xdg)
				: xasprintf("%s/.local/state/berth", home ? home : "/tmp");
	if (create_dir) {
		char *p = dir;
		for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
		mkdir(dir, 0700);
	}
	char *path = xasprintf("%s/zun-reservations", dir);
	free(dir);
	return path;
}

static void
state_remember(const char *uuid, const char *value)
{
	char *path = state_file(true);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	free(path);
	if (fd < 0)
		return;
	char *line = xasprintf("%s %s\n", uuid, value);
	ssize_t w = write(fd, line, strlen(line));	/* one append: atomic */
	(void)w;
	free(line);
	close(fd);
}

/* The whole state file (NULL when there is none). */
static char *
reservations_read(void)
{
	char *path = state_file(false);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

/* What the state text records for uuid under key ("runtime"; NULL: the
 * reservation, a value without '='); the last line wins. */
static char *
state_lookup(const char *state, const char *uuid, const char *key)
{
	char *found = NULL;
	size_t ul = strlen(uuid), kl = key ? strlen(key) : 0;
	for (const char *p = state; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *v = p + ul + 1;
		size_t vl = len > ul + 1 ? len - ul - 1 : 0;
		bool keyed = memchr(v, '=', vl) != NULL;
		if (vl && strncmp(p, uuid, ul) == 0 && p[ul] == ' ') {
			if (!key && !keyed) {
				free(found);
				found = xstrndup(v, vl);
			} else if (key && vl > kl && strncmp(v, key, kl) == 0 && v[kl] == '=') {
				free(found);
				found = xstrndup(v + kl + 1, vl - kl - 1);
			}
		}
		p = eol ? eol + 1 : p + len;
	}
	return found;
}

/* Record what the create gave container uuid. */
static void
state_remember_create(const char *uuid, const struct berth_create_opts *o)
{
	if (o->reservation)
		state_remember(uuid, o->reservation);
	if (o->runtime) {
		char *line = xasprintf("runtime=%s", o->runtime);
		state_remember(uuid, line);
		free(line);
	}
	struct buf b = { 0 };
	for (size_t i = 0; o->device_profiles && o->device_profiles[i]; i++)
		buf_printf(&b, "%s%s", i ? "," : "device_profiles=", o->device_profiles[i]);
	if (b.len)
		state_remember(uuid, b.data);
	buf_free(&b);
}

/* ------------------------------------------------------------------ */
/* The model. */

static void
fill_addresses(struct berth_container *c, struct json_object *addrs)
{
	if (!addrs || !json_object_is_type(addrs, json_type_object))
		return;
	json_object_object_foreach(addrs, net, list) {
		(void)net;
		size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
		for (size_t i = 0; i < n; i++) {
			struct json_object *a = json_object_array_get_idx(list, i);
			const char *addr = model_str(a, "addr");
			if (addr && model_int(a, "version") == 6)
				model_add_str(&c->ipv6, &c->nipv6, addr);
			else if (addr)
				model_add_str(&c->ipv4, &c->nipv4, addr);
			const char *port = model_str(a, "port");
			if (port && !c->network_port)
				c->network_port = xstrdup(port);
		}
	}
}

/* "Exited(3) 8 mins ago" in status_detail gives the exit code. */
static bool
exit_code_of(const char *detail, int *code)
{
	const char *p = detail ? strstr(detail, "Exited(") : NULL;
	if (!p)
		return false;
	char *end;
	long v = strtol(p + 7, &end, 10);
	if (end == p + 7 || *end != ')')
		return false;
	*code = (int)v;
	return true;
}

static struct berth_container *
container_from_json(struct zun *z, struct json_object *o, const char *reservations)
{
	struct berth_container *c = xcalloc(1, sizeof *c);
	c->id = xstrdup(model_str(o, "uuid"));
	c->name = xstrdup(model_str(o, "name"));
	c->image = xstrdup(model_str(o, "image"));
	c->endpoint = xstrdup(z->ep_name);
	c->hostname = xstrdup(model_str(o, "hostname"));
	const char *st = model_str(o, "status");
	const char *detail = model_str(o, "status_detail");
	c->status = zun_status(st);
	c->state_text = detail && *detail ? xasprintf("%s (%s)", st ? st : "?", detail)
					  : xstrdup(st ? st : "Unknown");
	c->status_reason = xstrdup(model_str(o, "status_reason"));
	c->running = c->status == BERTH_ST_RUNNING;
	c->tty = model_bool(o, "tty");
	if (c->status == BERTH_ST_EXITED || c->status == BERTH_ST_ERROR)
		exit_code_of(detail, &c->exit_code);
	struct json_object *cmd = model_obj(o, "command");
	struct buf line = { 0 };
	if (cmd && json_object_is_type(cmd, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(cmd); i++) {
			const char *a = json_object_get_string(json_object_array_get_idx(cmd, i));
			model_add_str(&c->argv, &c->nargv, a ? a : "");
			buf_printf(&line, "%s%s", i ? " " : "", a ? a : "");
		}
	} else if (cmd && json_object_is_type(cmd, json_type_string)) {
		buf_appends(&line, json_object_get_string(cmd));
	}
	c->command = buf_steal(&line);
	struct json_object *ports = model_obj(o, "ports");
	for (size_t i = 0; ports && json_object_is_type(ports, json_type_array) &&
			   i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i);
		int port = 0;
		char proto[8] = "tcp";
		if (json_object_is_type(p, json_type_int))
			port = json_object_get_int(p);
		else if (json_object_is_type(p, json_type_string))
			model_parse_port_key(json_object_get_string(p), &port, proto);
		else if (json_object_is_type(p, json_type_object))
			port = (int)model_int(p, "port");
		if (port > 0)
			model_add_port(c, port, proto, NULL, 0);
	}
	fill_addresses(c, model_obj(o, "addresses"));
	struct json_object *env = model_obj(o, "environment");
	if (env && json_object_is_type(env, json_type_object)) {
		json_object_object_foreach(env, k, v)
			model_add_kv(&c->env, &c->nenv, k, json_object_get_string(v));
	}
	struct json_object *labels = model_obj(o, "labels");
	if (labels && json_object_is_type(labels, json_type_object)) {
		json_object_object_foreach(labels, k, v)
			model_add_kv(&c->labels, &c->nlabels, k, json_object_get_string(v));
	}
	/* The engine's word when it gives one (newer Zun returns hints), else berth's record. */
	struct json_object *hints = model_obj(o, "hints");
	if (hints && model_str(hints, "reservation"))
		c->reservation = xstrdup(model_str(hints, "reservation"));
	else if (c->id && reservations)
		c->reservation = state_lookup(reservations, c->id, NULL);
	/* An admin's view has the runtime; its owner's has neither it nor the profiles. */
	c->runtime = xstrdup(model_str(o, "runtime"));
	if (!c->runtime && c->id && reservations)
		c->runtime = state_lookup(reservations, c->id, "runtime");
	if (c->id && reservations)
		c->device_profiles = state_lookup(reservations, c->id, "device_profiles");
	c->raw = json_object_get(o);
	return c;
}

/* The floating IPs of the containers' ports, from one Neutron listing. Quietly
 * leaves them unset when the site has no network service or it fails. */
static void
fill_floating_ips(struct zun *z, struct berth_container **list, size_t n, const char *port,
		  berth_cancel *cancel)
{
	bool has = false;
	struct berth_error e;
	if (os_has_service(z->os, OS_SVC_NETWORK, &has, cancel, &e) < 0 || !has)
		return;
	struct berth_fip *fips = NULL;
	size_t nf = 0;
	if (neutron_fip_list(z->os, port, &fips, &nf, cancel, &e) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < nf && list[i]->network_port && !list[i]->floating_ip; j++)
			if (fips[j].port_id && strcmp(fips[j].port_id, list[i]->network_port) == 0)
				list[i]->floating_ip = xstrdup(fips[j].address);
	berth_fip_list_free(fips, nf);
}

/* ------------------------------------------------------------------ */
/* Open, ping, list, inspect. */

int
zun_open(struct backend *b, struct berth_error *err)
{
	struct zun *z = xcalloc(1, sizeof *z);
	if (os_session_new(b->ep, &z->os, err) < 0) {
		free(z);
		return -1;
	}
	z->ep_name = b->ep->name ? b->ep->name : b->ep->spec;
	b->priv = z;
	return 0;
}

void
zun_close(struct backend *b)
{
	struct zun *z = b->priv;
	if (!z)
		return;
	os_session_free(z->os);
	free(z);
	b->priv = NULL;
}

int
zun_ping(struct backend *b, char **version, berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	struct http_response resp;
	if (zun_call(z, "GET", "/", NULL, 0, cancel, &resp, err) < 0)
		return -1;
	if (resp.status >= 400) {
		int rc = zun_fail(z, &resp, "reach Zun", NULL, err);
		http_response_done(&resp);
		return rc;
	}
	const char *max = http_header(&resp, "OpenStack-API-Maximum-Version");
	const char *region = os_session_region(z->os);
	if (version)
		*version = xasprintf("Zun (API %s%s%s)", max ? max : "container 1.x",
				     region ? ", region " : "", region ? region : "");
	http_response_done(&resp);
	return 0;
}

static bool
is_active(enum berth_status st)
{
	return st != BERTH_ST_EXITED && st != BERTH_ST_DEAD && st != BERTH_ST_ERROR &&
	       st != BERTH_ST_UNKNOWN;
}

int
zun_list(struct backend *b, bool all, struct berth_container ***out, size_t *n,
	 berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	char *path = xstrdup("/containers");
	char *reservations = reservations_read();
	struct berth_container **list = NULL;
	size_t count = 0;
	int rc = 0;
	for (int page = 0; path && page < 1000 && rc == 0; page++) {
		struct http_response resp;
		struct json_object *doc = NULL, *items = NULL;
		if (zun_call(z, "GET", path, NULL, 0, cancel, &resp, err) < 0) {
			rc = -1;
			break;
		}
		free(path);
		path = NULL;
		if (resp.status != 200)
			rc = zun_fail(z, &resp, "list containers", NULL, err);
		else if (os_json(&resp, "Zun", &doc, err) < 0)
			rc = -1;
		http_response_done(&resp);
		if (rc < 0)
			break;
		items = os_array(doc, "containers");
		for (size_t i = 0; items && i < json_object_array_length(items); i++) {
			struct berth_container *c =
				container_from_json(z, json_object_array_get_idx(items, i), reservations);
			if (!all && !is_active(c->status)) {
				berth_container_free(c);
				continue;
			}
			list = xrealloc(list, (count + 1) * sizeof *list);
			list[count++] = c;
		}
		/* next is "<host>/v1/containers?limit=N&marker=UUID": keep its query. */
		const char *next = model_str(doc, "next");
		const char *q = next ? strchr(next, '?') : NULL;
		if (q)
			path = xasprintf("/containers%s", q);
		json_object_put(doc);
	}
	free(path);
	free(reservations);
	if (rc < 0) {
		berth_container_list_free(list, count);
		return -1;
	}
	fill_floating_ips(z, list, count, NULL, cancel);
	*out = list;
	*n = count;
	return 0;
}

int
zun_inspect(struct backend *b, const char *ref, struct berth_container **out,
	    berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	struct json_object *doc = NULL;
	if (zun_fetch(z, ref, &doc, cancel, err) < 0)
		return -1;
	char *reservations = reservations_read();
	struct berth_container *c = container_from_json(z, doc, reservations);
	free(reservations);
	json_object_put(doc);
	if (!c->network_port && c->id) {
		struct berth_error e;
		bool has = false;
		if (os_has_service(z->os, OS_SVC_NETWORK, &has, cancel, &e) == 0 && has)
			neutron_port_of(z->os, c->id, &c->network_port, cancel, &e);
	}
	if (c->network_port)
		fill_floating_ips(z, &c, 1, c->network_port, cancel);
	*out = c;
	return 0;
}

/* The container's current status (and reason, when asked). */
static int
status_of(struct zun *z, const char *ref, enum berth_status *st, char **reason,
	  char **detail, berth_cancel *cancel, struct berth_error *err)
{
	struct json_object *doc = NULL;
	if (zun_fetch(z, ref, &doc, cancel, err) < 0)
		return -1;
	*st = zun_status(model_str(doc, "status"));
	if (reason)
		*reason = xstrdup(model_str(doc, "status_reason"));
	if (detail)
		*detail = xstrdup(model_str(doc, "status_detail"));
	json_object_put(doc);
	return 0;
}

/* Sleep up to s seconds in short slices; false when cancelled. */
static bool
nap(double s, berth_cancel *cancel)
{
	double end = now_monotonic() + s;
	while (now_monotonic() < end) {
		if (berth_cancel_is_set(cancel))
			return false;
		usleep(100 * 1000);
	}
	return !berth_cancel_is_set(cancel);
}

/* ------------------------------------------------------------------ */
/* Lifecycle. */

/* A 409 "Cannot <verb> container ... in <State> state" that is really done
 * already (starting a running container, stopping a stopped one) is not an error. */
static int
action_simple(struct zun *z, const char *ref, const char *verb, const char *suffix,
	      enum berth_status done1, enum berth_status done2, berth_cancel *cancel,
	      struct berth_error *err)
{
	struct http_response resp;
	if (zun_action(z, "POST", ref, suffix, NULL, 0, cancel, &resp, err) < 0)
		return -1;
	int rc = 0;
	if (resp.status == 409) {
		enum berth_status st;
		struct berth_error e;
		if (status_of(z, ref, &st, NULL, NULL, cancel, &e) == 0 && (st == done1 || st == done2))
			rc = 0;
		else
			rc = zun_fail(z, &resp, verb, ref, err);
	} else if (resp.status >= 300) {
		rc = zun_fail(z, &resp, verb, ref, err);
	}
	http_response_done(&resp);
	return rc;
}

int
zun_start(struct backend *b, const char *ref, berth_cancel *cancel, struct berth_error *err)
{
	return action_simple(zun_of(b), ref, "start", "/start", BERTH_ST_RUNNING,
			     BERTH_ST_CREATING, cancel, err);
}

int
zun_stop(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
	 struct berth_error *err)
{
	char suffix[64];
	snprintf(suffix, sizeof suffix, "/stop?timeout=%d", timeout_s < 0 ? 10 : timeout_s);
	return action_simple(zun_of(b), ref, "stop", suffix, BERTH_ST_EXITED, BERTH_ST_EXITED,
			     cancel, err);
}

static int
wait_status(struct backend *b, const char *ref, enum berth_status want, double timeout_s,
	    berth_cancel *cancel, struct berth_error *err);

/* Zun's reboot is not implemented by CHI@Edge's driver: stop, wait, start. */
int
zun_restart(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
	    struct berth_error *err)
{
	if (zun_stop(b, ref, timeout_s, cancel, err) < 0)
		return -1;
	double limit = (timeout_s < 0 ? 10 : timeout_s) + 60;
	if (wait_status(b, ref, BERTH_ST_EXITED, limit, cancel, err) < 0)
		return -1;
	return zun_start(b, ref, cancel, err);
}

int
zun_kill(struct backend *b, const char *ref, const char *signal, berth_cancel *cancel,
	 struct berth_error *err)
{
	struct zun *z = zun_of(b);
	int signo = berth_signal_parse(signal ? signal : "SIGKILL");
	const char *sig = signo < 0 ? NULL : berth_signal_name(signo);
	if (!sig)
		return berth_fail(err, BERTH_EUSAGE, "unknown signal %s", signal);
	char *suffix = xasprintf("/kill?signal=%s", sig);
	struct http_response resp;
	int rc = zun_action(z, "POST", ref, suffix, NULL, 0, cancel, &resp, err);
	free(suffix);
	if (rc < 0)
		return -1;
	if (resp.status >= 300) {
		rc = zun_fail(z, &resp, "kill", ref, err);
		http_response_done(&resp);
		return rc;
	}
	http_response_done(&resp);
	/* Zun answers 202 before acting; CHI@Edge's driver never acts. Check. */
	double end = now_monotonic() + 4;
	enum berth_status st = BERTH_ST_RUNNING;
	while (now_monotonic() < end) {
		if (status_of(z, ref, &st, NULL, NULL, cancel, err) < 0)
			return -1;
		if (st != BERTH_ST_RUNNING)
			return 0;
		if (!nap(1, cancel))
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	}
	if (signo != 9)
		return 0;	/* other signals need not stop the container */
	return berth_fail(err, BERTH_EUNSUPPORTED,
			  "%s accepted the kill of %s but the container is still running: this Zun "
			  "site does not implement kill (use berth stop or berth rm -f)", z->ep_name, ref);
}

int
zun_remove(struct backend *b, const char *ref, bool force, berth_cancel *cancel,
	   struct berth_error *err)
{
	struct zun *z = zun_of(b);
	struct http_response resp;
	double end = now_monotonic() + 60;
	for (;;) {
		if (zun_action(z, "DELETE", ref, force ? "?stop=True" : NULL, NULL, 0, cancel, &resp,
			       err) < 0)
			return -1;
		if (resp.status == 204 || resp.status == 202 || resp.status == 200)
			break;
		/* With -f a container still Creating is waited for, not refused. */
		enum berth_status st = BERTH_ST_UNKNOWN;
		struct berth_error e;
		bool creating = resp.status == 409 && force &&
				status_of(z, ref, &st, NULL, NULL, cancel, &e) == 0 &&
				(st == BERTH_ST_CREATING || st == BERTH_ST_RESTARTING);
		if (!creating || now_monotonic() > end) {
			int rc;
			if (resp.status == 409 && !force && st != BERTH_ST_CREATING &&
			    status_of(z, ref, &st, NULL, NULL, cancel, &e) == 0 && st == BERTH_ST_RUNNING)
				rc = berth_fail(err, BERTH_ECONFLICT,
						"cannot remove %s on %s: it is running (stop it first, or use rm -f)",
						ref, z->ep_name);
			else
				rc = zun_fail(z, &resp, "remove", ref, err);
			http_response_done(&resp);
			return rc;
		}
		http_response_done(&resp);
		if (!nap(1, cancel))
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	}
	http_response_done(&resp);
	/* The row goes away asynchronously: wait for it, so a following list agrees. */
	while (now_monotonic() < end) {
		struct json_object *doc = NULL;
		struct berth_error e;
		if (zun_fetch(z, ref, &doc, cancel, &e) < 0)
			return berth_cancel_is_set(cancel) ? berth_fail(err, BERTH_ECANCELLED, "cancelled") : 0;
		json_object_put(doc);
		if (!nap(0.5, cancel))
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	}
	return 0;
}

/* Why a wait for want ended without it: the container doc went into Error, or the
 * time ran out. Edge failures get their own sentence (zun-edge.c). */
static void
wait_failed(struct zun *z, const char *ref, struct json_object *doc, enum berth_status want,
	    double timeout_s, berth_cancel *cancel, struct berth_error *err)
{
	enum berth_status st = zun_status(model_str(doc, "status"));
	const char *reason = model_str(doc, "status_reason");
	char *edge = st == BERTH_ST_ERROR ? zun_edge_error(z, ref, doc, cancel)
		   : st == BERTH_ST_CREATING && want == BERTH_ST_RUNNING
		   ? zun_edge_creating(z, ref, doc, timeout_s) : NULL;
	if (edge)
		berth_fail(err, st == BERTH_ST_ERROR ? BERTH_EFAILED : BERTH_ETIMEOUT, "%s", edge);
	else if (st == BERTH_ST_ERROR)
		berth_fail(err, BERTH_EFAILED, "%s on %s went into error%s%s", ref, z->ep_name,
			   reason ? ": " : "", reason ? reason : "");
	else
		berth_fail(err, BERTH_ETIMEOUT, "%s on %s did not become %s within %g s (it is %s)",
			   ref, z->ep_name, berth_status_name(want), timeout_s,
			   berth_status_name(st));
	free(edge);
}

static int
wait_status(struct backend *b, const char *ref, enum berth_status want, double timeout_s,
	    berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	double end = timeout_s < 0 ? 0 : now_monotonic() + timeout_s;
	for (;;) {
		struct json_object *doc = NULL;
		if (zun_fetch(z, ref, &doc, cancel, err) < 0)
			return -1;
		enum berth_status st = zun_status(model_str(doc, "status"));
		bool timed_out = end && now_monotonic() >= end;
		int rc = st == want ? 0 : st == BERTH_ST_ERROR || timed_out ? -1 : 1;
		if (rc < 0)
			wait_failed(z, ref, doc, want, timeout_s, cancel, err);
		json_object_put(doc);
		if (rc <= 0)
			return rc;
		double slice = ZUN_POLL_S;
		if (end && end - now_monotonic() < slice)
			slice = end - now_monotonic();
		if (!nap(slice > 0 ? slice : 0, cancel))
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	}
}

int
zun_wait_status(struct backend *b, const char *ref, enum berth_status st, double timeout_s,
		berth_cancel *cancel, struct berth_error *err)
{
	return wait_status(b, ref, st, timeout_s, cancel, err);
}

int
zun_wait(struct backend *b, const char *ref, double timeout_s, int *exit_code,
	 berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	double end = timeout_s < 0 ? 0 : now_monotonic() + timeout_s;
	for (;;) {
		enum berth_status st;
		char *reason = NULL, *detail = NULL;
		if (status_of(z, ref, &st, &reason, &detail, cancel, err) < 0)
			return -1;
		int code = 0;
		bool known = exit_code_of(detail, &code);
		int rc = 1;
		if (st == BERTH_ST_EXITED || st == BERTH_ST_DEAD) {
			*exit_code = known ? code : 0;	/* Stopped: the pod succeeded */
			rc = 0;
		} else if (st == BERTH_ST_ERROR && known) {
			*exit_code = code;
			rc = 0;
		} else if (st == BERTH_ST_ERROR) {
			rc = berth_fail(err, BERTH_EFAILED,
					"%s on %s stopped in error%s%s; Zun gives no exit code", ref,
					z->ep_name, reason ? ": " : "", reason ? reason : "");
		}
		free(reason);
		free(detail);
		if (rc <= 0)
			return rc;
		if (end && now_monotonic() >= end)
			return berth_fail(err, BERTH_ETIMEOUT, "%s on %s did not stop within %g s", ref,
					  z->ep_name, timeout_s);
		if (!nap(ZUN_POLL_S, cancel))
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	}
}

/* ------------------------------------------------------------------ */
/* Create (chi's Container.submit) and snapshot. */

static void
add_pairs(struct json_object *o, const char *key, char *const *kv)
{
	if (!kv || !*kv)
		return;
	struct json_object *m = json_object_new_object();
	for (size_t i = 0; kv[i]; i++) {
		const char *eq = strchr(kv[i], '=');
		char *k = eq ? xstrndup(kv[i], (size_t)(eq - kv[i])) : xstrdup(kv[i]);
		const char *v = eq ? eq + 1 : getenv(k);
		json_object_object_add(m, k, json_object_new_string(v ? v : ""));
		free(k);
	}
	json_object_object_add(o, key, m);
}

/* The body python-chi sends (zun-api.md §4, POST /containers). */
static int
create_body(const struct berth_create_opts *o, char **body, struct berth_error *err)
{
	struct json_object *root = json_object_new_object();
	if (o->name)
		json_object_object_add(root, "name", json_object_new_string(o->name));
	json_object_object_add(root, "image", json_object_new_string(o->image));
	if (o->argv && o->argv[0]) {
		struct json_object *cmd = json_object_new_array();
		for (size_t i = 0; o->argv[i]; i++)
			json_object_array_add(cmd, json_object_new_string(o->argv[i]));
		json_object_object_add(root, "command", cmd);
	}
	if (o->ports && o->ports[0]) {
		struct json_object *ep = json_object_new_object();
		for (size_t i = 0; o->ports[i]; i++) {
			int port;
			char proto[8];
			if (strchr(o->ports[i], ':')) {
				json_object_put(root);
				return berth_fail(err, BERTH_EUNSUPPORTED,
						  "Zun publishes no host ports (%s): give -p PORT[/PROTO], "
						  "then berth fip associate for a public address", o->ports[i]);
			}
			if (model_parse_port_key(o->ports[i], &port, proto) < 0) {
				json_object_put(root);
				return berth_fail(err, BERTH_EUSAGE, "bad port %s: use PORT[/tcp|udp]",
						  o->ports[i]);
			}
			char *key = xasprintf("%d/%s", port, proto);
			json_object_object_add(ep, key, json_object_new_object());
			free(key);
		}
		json_object_object_add(root, "exposed_ports", ep);
	}
	if (o->env && o->env[0])
		add_pairs(root, "environment", o->env);
	else
		json_object_object_add(root, "environment", json_object_new_object());
	add_pairs(root, "labels", o->labels);
	if (o->restart) {	/* zun-api.md: restart_policy, its count a string */
		char name[16], count[16];
		int retries;
		if (berth_restart_parse(o->restart, name, &retries, err) < 0) {
			json_object_put(root);
			return -1;
		}
		snprintf(count, sizeof count, "%d", retries);
		struct json_object *p = json_object_new_object();
		json_object_object_add(p, "Name", json_object_new_string(name));
		json_object_object_add(p, "MaximumRetryCount", json_object_new_string(count));
		json_object_object_add(root, "restart_policy", p);
	}
	if (o->host)
		json_object_object_add(root, "host", json_object_new_string(o->host));
	json_object_object_add(root, "runtime", o->runtime ? json_object_new_string(o->runtime) : NULL);
	struct json_object *dp = json_object_new_array();
	for (size_t i = 0; o->device_profiles && o->device_profiles[i]; i++)
		json_object_array_add(dp, json_object_new_string(o->device_profiles[i]));
	json_object_object_add(root, "device_profiles", dp);
	if (o->reservation) {
		struct json_object *hints = json_object_new_object();
		json_object_object_add(hints, "reservation", json_object_new_string(o->reservation));
		json_object_object_add(root, "hints", hints);
	}
	if (o->tty) {
		json_object_object_add(root, "interactive", json_object_new_boolean(1));
		json_object_object_add(root, "tty", json_object_new_boolean(1));
	}
	*body = xstrdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return 0;
}

/* The uuid of the container named name, NULL when there is none (idempotent submit). */
static int
find_by_name(struct zun *z, const char *name, char **uuid, berth_cancel *cancel,
	     struct berth_error *err)
{
	*uuid = NULL;
	struct http_response resp;
	char *esc = http_escape(name);
	char *path = xasprintf("/containers/%s", esc);
	free(esc);
	int rc = zun_call(z, "GET", path, NULL, 0, cancel, &resp, err);
	free(path);
	if (rc < 0)
		return -1;
	if (resp.status == 200) {
		struct json_object *doc = NULL;
		if (os_json(&resp, "Zun", &doc, err) == 0)
			*uuid = xstrdup(model_str(doc, "uuid"));
		json_object_put(doc);
		rc = *uuid ? 0 : -1;
	} else if (resp.status != 404) {
		rc = zun_fail(z, &resp, "look up", name, err);
	}
	http_response_done(&resp);
	return rc;
}

int
zun_create(struct backend *b, const struct berth_create_opts *o, char **id,
	   berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	double wait_s = o->wait_timeout > 0 ? o->wait_timeout : 300;
	if (o->idempotent && o->name) {
		if (find_by_name(z, o->name, id, cancel, err) < 0)
			return -1;
		if (*id)
			return o->wait ? wait_status(b, *id, BERTH_ST_RUNNING, wait_s, cancel, err) : 0;
	}
	char *body = NULL;
	if (create_body(o, &body, err) < 0)
		return -1;
	if (!o->reservation)
		berth_warn("creating %s on %s without a reservation: CHI@Edge puts such containers "
			   "in Error; pass --reservation ID (see berth leases)",
			   o->name ? o->name : "a container", z->ep_name);
	struct http_response resp;
	int rc = zun_call(z, "POST", o->start ? "/containers?run=true" : "/containers?run=false",
			  body, 0, cancel, &resp, err);
	free(body);
	if (rc < 0)
		return -1;
	struct json_object *doc = NULL;
	if (resp.status != 202 && resp.status != 201 && resp.status != 200) {
		rc = zun_fail(z, &resp, "create a container", NULL, err);
		zun_edge_create_refused(z, err);
	}
	else if (os_json(&resp, "Zun", &doc, err) < 0)
		rc = -1;
	http_response_done(&resp);
	if (rc < 0)
		return -1;
	*id = xstrdup(model_str(doc, "uuid"));
	json_object_put(doc);
	if (!*id)
		return berth_fail(err, BERTH_EPROTOCOL, "%s created a container but sent no uuid",
				  z->ep_name);
	state_remember_create(*id, o);
	if (o->wait)
		return wait_status(b, *id, BERTH_ST_RUNNING, wait_s, cancel, err);
	return 0;
}

int
zun_snapshot(struct backend *b, const char *ref, const char *repo, const char *tag,
	     char **image_id, berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	char *r = http_escape(repo), *t = http_escape(tag ? tag : "latest");
	char *suffix = xasprintf("/commit?repository=%s&tag=%s", r, t);
	free(r);
	free(t);
	struct http_response resp;
	int rc = zun_action(z, "POST", ref, suffix, NULL, 0, cancel, &resp, err);
	free(suffix);
	if (rc < 0)
		return -1;
	struct json_object *doc = NULL;
	if (resp.status >= 500)
		rc = berth_fail(err, BERTH_EUNSUPPORTED,
				"this Zun site does not support snapshots: committing %s on %s failed "
				"with an internal server error (CHI@Edge's driver cannot commit)",
				ref, z->ep_name);
	else if (resp.status >= 300)
		rc = zun_fail(z, &resp, "snapshot", ref, err);
	else if (os_json(&resp, "Zun", &doc, err) < 0 || !model_str(doc, "uuid"))
		rc = berth_fail(err, BERTH_EPROTOCOL, "%s committed %s but sent no image id",
				z->ep_name, ref);
	else
		*image_id = xstrdup(model_str(doc, "uuid"));
	json_object_put(doc);
	http_response_done(&resp);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Floating IPs and leases. */

static int
network_needed(struct zun *z, berth_cancel *cancel, struct berth_error *err)
{
	bool has = false;
	if (os_has_service(z->os, OS_SVC_NETWORK, &has, cancel, err) < 0)
		return -1;
	if (!has)
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "%s has no network service (Neutron) in its catalog: floating IPs "
				  "are not available", z->ep_name);
	return 0;
}

int
zun_fip_list(struct backend *b, struct berth_fip **out, size_t *n, berth_cancel *cancel,
	     struct berth_error *err)
{
	struct zun *z = zun_of(b);
	if (network_needed(z, cancel, err) < 0)
		return -1;
	return neutron_fip_list(z->os, NULL, out, n, cancel, err);
}

/* The Neutron port of the container: from its addresses, else its shadow port. */
static int
port_of(struct zun *z, const char *ref, char **port, char **uuid, berth_cancel *cancel,
	struct berth_error *err)
{
	struct json_object *doc = NULL;
	if (zun_fetch(z, ref, &doc, cancel, err) < 0)
		return -1;
	struct berth_container *c = container_from_json(z, doc, NULL);
	json_object_put(doc);
	*port = xstrdup(c->network_port);
	*uuid = xstrdup(c->id);
	berth_container_free(c);
	if (!*port && *uuid && neutron_port_of(z->os, *uuid, port, cancel, err) < 0)
		return -1;
	return 0;
}

int
zun_fip_associate(struct backend *b, const char *ref, const char *address, char **assigned,
		  berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	if (network_needed(z, cancel, err) < 0)
		return -1;
	char *port = NULL, *uuid = NULL;
	int rc = port_of(z, ref, &port, &uuid, cancel, err);
	if (rc == 0 && !port)
		rc = berth_fail(err, BERTH_ECONFLICT,
				"%s on %s has no network port yet (it needs an address first: wait "
				"until it runs)", ref, z->ep_name);
	if (rc == 0)
		rc = neutron_fip_associate(z->os, port, address, assigned, cancel, err);
	free(port);
	free(uuid);
	return rc;
}

int
zun_fip_dissociate(struct backend *b, const char *ref, berth_cancel *cancel,
		   struct berth_error *err)
{
	struct zun *z = zun_of(b);
	if (network_needed(z, cancel, err) < 0)
		return -1;
	char *port = NULL, *uuid = NULL;
	int rc = port_of(z, ref, &port, &uuid, cancel, err);
	int count = 0;
	if (rc == 0 && port)
		rc = neutron_fip_dissociate(z->os, port, &count, cancel, err);
	free(port);
	free(uuid);
	return rc;
}

/* BERTH_EUNSUPPORTED when the site's catalog has no Blazar. */
static int
reservation_service(struct zun *z, berth_cancel *cancel, struct berth_error *err)
{
	bool has = false;
	if (os_has_service(z->os, OS_SVC_RESERVATION, &has, cancel, err) < 0)
		return -1;
	if (!has)
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "%s has no reservation service (Blazar) in its catalog", z->ep_name);
	return 0;
}

int
zun_lease_list(struct backend *b, struct berth_lease **out, size_t *n, berth_cancel *cancel,
	       struct berth_error *err)
{
	struct zun *z = zun_of(b);
	if (reservation_service(z, cancel, err) < 0)
		return -1;
	return blazar_leases(z->os, out, n, cancel, err);
}

int
zun_lease_find(struct backend *b, const char *ref, struct berth_lease *out, berth_cancel *cancel,
	       struct berth_error *err)
{
	struct zun *z = zun_of(b);
	if (reservation_service(z, cancel, err) < 0)
		return -1;
	return blazar_lease_find(z->os, ref, out, cancel, err);
}

int
zun_lease_extend(struct backend *b, const char *ref, long by_s, time_t end,
		 struct berth_lease *out, berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	if (reservation_service(z, cancel, err) < 0)
		return -1;
	return blazar_lease_extend(z->os, ref, by_s, end, out, cancel, err);
}
