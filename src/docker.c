/* docker.c: the Docker Engine API backend (also Podman's compatible service).
 *
 * Every call goes to /v<API>/..., where API is negotiated once per endpoint,
 * lazily, from the Api-Version header of /_ping and capped at the newest
 * version berth speaks (docker-api.md §1); DOCKER_API_VERSION pins it. Podman
 * is recognised by its Libpod-Api-Version / Server: Libpod headers, and its
 * differences (docker-api.md §8) are handled where they matter. This file
 * holds ping, listing, inspect, lifecycle, create and commit; docker-exec.c
 * exec and logs, docker-data.c archives, stats, events; docker-call.c the
 * connection they all go through; docker-ops.c the table that lists them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docker-priv.h"
#include "docker-model.h"
#include "streams.h"
#include "model-json.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Ping, list, inspect. */

/* "20.10.24+dfsg1" reads as "20.10.24". */
static char *
clean_version(const char *v)
{
	if (!v)
		return xstrdup("?");
	size_t n = strcspn(v, "+~");
	return xstrndup(v, n);
}

int
docker_ping(struct backend *b, char **version, berth_cancel *cancel, struct berth_error *err)
{
	/* Without a version, the cheapest request the engine must answer each time
	 * (negotiation answers only the first). */
	if (!version)
		return docker_simple(b, "GET", "/_ping", NULL, "ping", NULL, NULL, cancel, err);
	/* With a version wanted, one GET /version both negotiates and answers. */
	char *body = NULL;
	if (docker_negotiate_via(b, version ? "/version" : "/_ping", cancel, version ? &body : NULL,
				 err) < 0)
		return -1;
	if (!version)
		return 0;
	struct json_object *o = body ? json_tokener_parse(body) : NULL;
	free(body);
	if (!o && docker_simple(b, "GET", "/version", NULL, "read the version of", docker_of(b)->what,
				&o, cancel, err) < 0)
		return -1;
	bool podman = docker_of(b)->podman;
	struct json_object *comps = model_obj(o, "Components");
	for (size_t i = 0; comps && json_object_is_type(comps, json_type_array) &&
			   i < json_object_array_length(comps); i++) {
		const char *name = model_str(json_object_array_get_idx(comps, i), "Name");
		if (name && str_starts_with(name, "Podman"))
			podman = true;
	}
	char *v = clean_version(model_str(o, "Version"));
	const char *api = model_str(o, "ApiVersion");
	*version = xasprintf("%s %s (API %s)", podman ? "Podman" : "Docker", v,
			     api ? api : docker_of(b)->api);
	free(v);
	json_object_put(o);
	return 0;
}

/* A probe on the stream loop: its owner's end, told in berth_ping's terms. */
struct ping_follow {
	struct backend *b;
	berth_follow_end_cb end;
	void *ctx;
};

/* Loop thread: any reply is the engine answering (docker_answered_within);
 * only a 2xx one is a ping that succeeded. */
static void
ping_follow_end(void *ctx, enum stream_end why, const struct http_response *resp,
		const struct berth_error *serr)
{
	struct ping_follow *p = ctx;
	struct berth_error err = { 0 };
	int rc = 0;
	if (why != STREAM_EOF) {
		err = *serr;
		rc = -1;
	} else {
		docker_of(p->b)->last_answer = now_monotonic();
		if (resp->status < 200 || resp->status >= 300)
			rc = docker_fail_reply(p->b, resp, "ping", NULL, &err);
	}
	p->end(p->ctx, rc, &err);
	free(p);
}

/* GET /_ping unversioned (Docker and Podman answer it before any
 * negotiation), on the stream loop: nothing here blocks. */
int
docker_ping_open(struct backend *b, double deadline_s, berth_follow_end_cb end, void *ctx,
		 berth_follow **out, struct berth_error *err)
{
	struct stream_loop *loop = stream_loop_shared(err);
	if (!loop)
		return -1;
	struct ping_follow *p = xcalloc(1, sizeof *p);
	*p = (struct ping_follow){ .b = b, .end = end, .ctx = ctx };
	struct http_request rq = { .path = "/_ping", .timeout_s = deadline_s };
	*out = stream_open(loop, &docker_of(b)->target, &rq, ping_follow_end, p, err);
	if (!*out) {
		free(p);
		return -1;
	}
	return 0;
}

int
docker_list(struct backend *b, bool all, struct berth_container ***out, size_t *n,
	    berth_cancel *cancel, struct berth_error *err)
{
	struct http_request rq = { .path = all ? "/containers/json?all=1" : "/containers/json",
				   .timeout_s = docker_timeout(b), .cancel = cancel };
	struct http_response resp;
	if (docker_call(b, &rq, &resp, err) < 0)
		return -1;
	int rc = 0;
	if (resp.status < 200 || resp.status >= 300)
		rc = docker_fail_reply(b, &resp, "list containers on", docker_of(b)->what, err);
	else if (model_parse_list(resp.body, resp.body_len, b->ep->name, out, n) < 0)
		rc = berth_fail(err, BERTH_EPROTOCOL, "%s sent a container list that is not a JSON array",
				docker_of(b)->what);
	http_response_done(&resp);
	return rc;
}

int
docker_inspect(struct backend *b, const char *ref, struct berth_container **out,
	       berth_cancel *cancel, struct berth_error *err)
{
	struct json_object *o;
	if (docker_inspect_raw(b, ref, &o, cancel, err) < 0)
		return -1;
	*out = model_from_inspect(o, b->ep->name);
	json_object_put(o);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lifecycle. */

static int
docker_post(struct backend *b, const char *ref, const char *rest, const char *action,
	    double timeout_s, berth_cancel *cancel, struct berth_error *err)
{
	if (!ref || !*ref)
		return berth_fail(err, BERTH_EUSAGE, "no container was named");
	char *path = docker_ctr_path(ref, rest);
	struct http_request rq = { .method = "POST", .path = path, .timeout_s = timeout_s,
				   .cancel = cancel };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(path);
	if (rc < 0)
		return -1;
	if (resp.status != 304 && (resp.status < 200 || resp.status >= 300)) {
		/* Docker says 409, Podman 500 "container state improper". */
		bool improper = resp.status == 409 ||
				(resp.status == 500 && strstr(resp.body, "state improper"));
		if (improper && strcmp(action, "kill") == 0) {
			rc = berth_fail(err, BERTH_ECONFLICT, "container %s is not running", ref);
			if (err)
				err->http_status = (int)resp.status;
		} else {
			rc = docker_fail_reply(b, &resp, action, ref, err);
		}
	}
	http_response_done(&resp);
	return rc;
}

int
docker_start(struct backend *b, const char *ref, berth_cancel *cancel, struct berth_error *err)
{
	return docker_post(b, ref, "/start", "start", docker_timeout(b), cancel, err);
}

static int
docker_stop_like(struct backend *b, const char *ref, const char *verb, int timeout_s,
		 berth_cancel *cancel, struct berth_error *err)
{
	char rest[64];
	if (timeout_s >= 0)
		snprintf(rest, sizeof rest, "/%s?t=%d", verb, timeout_s);
	else
		snprintf(rest, sizeof rest, "/%s", verb);
	/* The engine waits up to the grace period (10 s by default) before killing. */
	double t = docker_timeout(b) + (timeout_s >= 0 ? timeout_s : 10);
	return docker_post(b, ref, rest, verb, t, cancel, err);
}

int
docker_stop(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
	    struct berth_error *err)
{
	return docker_stop_like(b, ref, "stop", timeout_s, cancel, err);
}

int
docker_restart(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
	       struct berth_error *err)
{
	return docker_stop_like(b, ref, "restart", timeout_s, cancel, err);
}

int
docker_kill(struct backend *b, const char *ref, const char *signal, berth_cancel *cancel,
	    struct berth_error *err)
{
	int signo = berth_signal_parse(signal ? signal : "KILL");
	if (signo < 0)
		return berth_fail(err, BERTH_EUSAGE, "unknown signal: %s", signal);
	char rest[48];
	snprintf(rest, sizeof rest, "/kill?signal=%d", signo);
	return docker_post(b, ref, rest, "kill", docker_timeout(b), cancel, err);
}

int
docker_remove(struct backend *b, const char *ref, bool force, berth_cancel *cancel,
	      struct berth_error *err)
{
	if (!ref || !*ref)
		return berth_fail(err, BERTH_EUSAGE, "no container was named");
	char *path = docker_ctr_path(ref, force ? "?force=1" : "");
	struct http_request rq = { .method = "DELETE", .path = path,
				   .timeout_s = docker_timeout(b) + 10, .cancel = cancel };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(path);
	if (rc < 0)
		return -1;
	if (resp.status < 200 || resp.status >= 300) {
		char *msg = docker_reply_message(&resp);
		/* Docker says 409, Podman 500, for the same refusal. */
		bool running = resp.status == 409 ||
			       (resp.status == 500 && strcasestr(msg, "running") != NULL);
		if (running && !force) {
			rc = berth_fail(err, BERTH_ECONFLICT,
					"cannot remove container %s while it runs: stop it first or force removal (%s)",
					ref, msg);
			if (err)
				err->http_status = (int)resp.status;
		} else {
			rc = docker_fail_reply(b, &resp, "remove", ref, err);
		}
		free(msg);
	}
	http_response_done(&resp);
	return rc;
}

int
docker_wait(struct backend *b, const char *ref, double timeout_s, int *exit_code,
	    berth_cancel *cancel, struct berth_error *err)
{
	if (!ref || !*ref)
		return berth_fail(err, BERTH_EUSAGE, "no container was named");
	char *path = docker_ctr_path(ref, "/wait");
	struct http_request rq = { .method = "POST", .path = path, .cancel = cancel,
				   .timeout_s = timeout_s < 0 ? 0 : timeout_s > 0.001 ? timeout_s : 0.001 };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(path);
	if (rc < 0) {
		if (err && err->code == BERTH_ETIMEOUT)
			berth_fail(err, BERTH_ETIMEOUT, "container %s did not stop within %g s", ref,
				   timeout_s);
		return -1;
	}
	if (resp.status < 200 || resp.status >= 300) {
		rc = docker_fail_reply(b, &resp, "wait for", ref, err);
	} else {
		struct json_object *o;
		rc = docker_json_body(b, &resp, &o, err);
		if (rc == 0) {
			const char *werr = model_str(model_obj(o, "Error"), "Message");
			if (werr && *werr)
				rc = berth_fail(err, BERTH_EENGINE, "cannot wait for %s: %s", ref, werr);
			else if (exit_code)
				*exit_code = (int)model_int(o, "StatusCode");
			json_object_put(o);
		}
	}
	http_response_done(&resp);
	return rc;
}

int
docker_wait_status(struct backend *b, const char *ref, enum berth_status want, double timeout_s,
		   berth_cancel *cancel, struct berth_error *err)
{
	double deadline = timeout_s < 0 ? 0 : now_monotonic() + timeout_s;
	for (;;) {
		struct berth_container *c;
		if (docker_inspect(b, ref, &c, cancel, err) < 0)
			return -1;
		enum berth_status st = c->status;
		int code = c->exit_code;
		berth_container_free(c);
		if (st == want)
			return 0;
		if (st == BERTH_ST_ERROR || st == BERTH_ST_DEAD)
			return berth_fail(err, BERTH_EFAILED, "container %s is %s, not %s", ref,
					  berth_status_name(st), berth_status_name(want));
		if (want == BERTH_ST_RUNNING && st == BERTH_ST_EXITED)
			return berth_fail(err, BERTH_EFAILED,
					  "container %s exited with code %d instead of running", ref, code);
		if (deadline && now_monotonic() >= deadline)
			return berth_fail(err, BERTH_ETIMEOUT, "container %s did not become %s within %g s",
					  ref, berth_status_name(want), timeout_s);
		if (docker_nap(cancel, 250) < 0)
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	}
}

/* ------------------------------------------------------------------ */
/* Create and commit. */

/* "[[HOSTIP:]HOSTPORT:]PORT[/PROTO]" into the create body's two maps. */
static int
add_port_spec(const char *spec, struct json_object *exposed, struct json_object *bindings,
	      struct berth_error *err)
{
	struct berth_port p;
	if (berth_port_spec_parse(spec, &p, err) < 0)
		return -1;
	char key[32];
	snprintf(key, sizeof key, "%d/%s", p.container_port, p.proto);
	json_object_object_add(exposed, key, json_object_new_object());
	struct json_object *list;
	if (!json_object_object_get_ex(bindings, key, &list)) {
		list = json_object_new_array();
		json_object_object_add(bindings, key, list);
	}
	char host_port[16] = "";
	if (p.host_port)
		snprintf(host_port, sizeof host_port, "%d", p.host_port);
	struct json_object *bind = json_object_new_object();
	json_object_object_add(bind, "HostIp", json_object_new_string(p.host_ip));
	json_object_object_add(bind, "HostPort", json_object_new_string(host_port));
	json_object_array_add(list, bind);
	return 0;
}

/* HostConfig.RestartPolicy. */
static int
add_restart(const char *spec, struct json_object *host, struct berth_error *err)
{
	char name[16];
	int retries;
	if (berth_restart_parse(spec, name, &retries, err) < 0)
		return -1;
	struct json_object *p = json_object_new_object();
	json_object_object_add(p, "Name", json_object_new_string(name));
	json_object_object_add(p, "MaximumRetryCount", json_object_new_int(retries));
	json_object_object_add(host, "RestartPolicy", p);
	return 0;
}

static struct json_object *
json_strv(char *const *v)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static int
create_body(const struct berth_create_opts *o, char **body, struct berth_error *err)
{
	struct json_object *j = json_object_new_object();
	json_object_object_add(j, "Image", json_object_new_string(o->image));
	if (o->argv && o->argv[0])
		json_object_object_add(j, "Cmd", json_strv(o->argv));
	if (o->env)
		json_object_object_add(j, "Env", json_strv(o->env));
	json_object_object_add(j, "Tty", json_object_new_boolean(o->tty));
	json_object_object_add(j, "OpenStdin", json_object_new_boolean(o->tty));
	struct json_object *labels = json_object_new_object();
	for (size_t i = 0; o->labels && o->labels[i]; i++) {
		const char *eq = strchr(o->labels[i], '=');
		char *k = eq ? xstrndup(o->labels[i], (size_t)(eq - o->labels[i])) : xstrdup(o->labels[i]);
		json_object_object_add(labels, k, json_object_new_string(eq ? eq + 1 : ""));
		free(k);
	}
	json_object_object_add(j, "Labels", labels);
	struct json_object *exposed = json_object_new_object();
	struct json_object *bindings = json_object_new_object();
	struct json_object *host = json_object_new_object();
	json_object_object_add(j, "ExposedPorts", exposed);
	json_object_object_add(host, "PortBindings", bindings);
	json_object_object_add(j, "HostConfig", host);
	if (o->restart && add_restart(o->restart, host, err) < 0) {
		json_object_put(j);
		return -1;
	}
	for (size_t i = 0; o->ports && o->ports[i]; i++)
		if (add_port_spec(o->ports[i], exposed, bindings, err) < 0) {
			json_object_put(j);
			return -1;
		}
	*body = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	return 0;
}

/* Reuse a container of that name: its id, or NULL when there is none. */
static int
find_existing(struct backend *b, const char *name, char **id, berth_cancel *cancel,
	      struct berth_error *err)
{
	struct json_object *o;
	struct berth_error e = { 0 };
	*id = NULL;
	if (docker_inspect_raw(b, name, &o, cancel, &e) < 0) {
		if (e.code == BERTH_ENOTFOUND)
			return 0;
		if (err)
			*err = e;
		return -1;
	}
	*id = xstrdup(model_str(o, "Id"));
	json_object_put(o);
	return 0;
}

static int
zun_only(struct backend *b, const char *what, struct berth_error *err)
{
	return berth_fail(err, BERTH_EUNSUPPORTED, "%s needs a Zun endpoint; %s is a %s", what,
			  b->ep->name ? b->ep->name : docker_of(b)->what,
			  docker_of(b)->podman ? "Podman service" : "Docker engine");
}

int
docker_create(struct backend *b, const struct berth_create_opts *o, char **id,
	      berth_cancel *cancel, struct berth_error *err)
{
	if (o->reservation)
		return zun_only(b, "a reservation", err);
	if (o->runtime)
		return zun_only(b, "a runtime", err);
	if (o->device_profiles && o->device_profiles[0])
		return zun_only(b, "a device profile", err);
	if (!o->image || !*o->image)
		return berth_fail(err, BERTH_EUSAGE, "no image was given");
	char *cid = NULL;
	if (o->idempotent && o->name && find_existing(b, o->name, &cid, cancel, err) < 0)
		return -1;
	if (!cid) {
		char *body;
		if (create_body(o, &body, err) < 0)
			return -1;
		char *qname = o->name ? http_escape(o->name) : NULL;
		char *path = qname ? xasprintf("/containers/create?name=%s", qname)
				   : xstrdup("/containers/create");
		struct json_object *r;
		int rc = docker_simple(b, "POST", path, body, "create container",
				       o->name ? o->name : o->image, &r, cancel, err);
		free(qname);
		free(path);
		free(body);
		if (rc < 0) {
			if (err && err->http_status == 404)
				berth_fail(err, BERTH_ENOTFOUND, "no such image: %s", o->image);
			return -1;
		}
		cid = xstrdup(model_str(r, "Id"));
		json_object_put(r);
		if (!cid)
			return berth_fail(err, BERTH_EPROTOCOL, "%s created a container without an id",
					  docker_of(b)->what);
	}
	if (o->start && docker_start(b, cid, cancel, err) < 0) {
		free(cid);
		return -1;
	}
	if (o->start && o->wait &&
	    docker_wait_status(b, cid, BERTH_ST_RUNNING, o->wait_timeout > 0 ? o->wait_timeout : 300,
			       cancel, err) < 0) {
		free(cid);
		return -1;
	}
	*id = cid;
	return 0;
}

int
docker_snapshot(struct backend *b, const char *ref, const char *repo, const char *tag,
		char **image_id, berth_cancel *cancel, struct berth_error *err)
{
	if (!ref || !*ref || !repo || !*repo)
		return berth_fail(err, BERTH_EUSAGE, "a container and a repository are needed");
	char *eref = http_escape(ref), *erepo = http_escape(repo);
	char *etag = http_escape(tag && *tag ? tag : "latest");
	char *path = xasprintf("/commit?container=%s&repo=%s&tag=%s", eref, erepo, etag);
	free(eref);
	free(erepo);
	free(etag);
	struct json_object *r;
	/* Podman answers 500 to a bodiless commit (docker-api.md §8). */
	int rc = docker_simple(b, "POST", path, "{}", "commit", ref, &r, cancel, err);
	free(path);
	if (rc < 0)
		return -1;
	const char *iid = model_str(r, "Id");
	if (!iid || !*iid) {
		json_object_put(r);
		return berth_fail(err, BERTH_EPROTOCOL, "%s committed %s without an image id",
				  docker_of(b)->what, ref);
	}
	if (image_id)
		*image_id = xstrdup(iid);
	json_object_put(r);
	return 0;
}
