/* docker.c: the Docker Engine API backend (also Podman's compatible service).
 *
 * Every call goes to /v<API>/..., where API is negotiated once per endpoint,
 * lazily, from the Api-Version header of /_ping and capped at the newest
 * version berth speaks (docker-api.md §1); DOCKER_API_VERSION pins it. Podman
 * is recognised by its Libpod-Api-Version / Server: Libpod headers, and its
 * differences (docker-api.md §8) are handled where they matter. This file
 * holds the transport glue, listing, inspect, lifecycle, create and commit;
 * docker-exec.c holds exec and logs, docker-data.c archives, stats, events.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docker-priv.h"
#include "docker-model.h"
#include "model-json.h"
#include "util.h"

#define CONNECT_HINT " (is it running? set DOCKER_HOST or -H)"

static struct docker *
docker_of(struct backend *b)
{
	return b->priv;
}

double
docker_timeout(struct backend *b)
{
	double t = b->ep->opts.request_timeout;
	return t > 0 ? t : 60;
}

static const char *
conf_opt(struct backend *b, const char *key)
{
	return b->ep->conf ? berth_config_endpoint_opt(b->ep->conf, key) : NULL;
}

static bool
conf_yes(const char *v)
{
	return v && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
		     strcmp(v, "on") == 0);
}

/* A pinned version from DOCKER_API_VERSION or the endpoint's api_version. */
static void
docker_pin_version(struct backend *b, struct docker *d)
{
	const char *v = getenv("DOCKER_API_VERSION");
	if (!v || !*v)
		v = conf_opt(b, "api_version");
	if (v && *v) {
		snprintf(d->api, sizeof d->api, "%s", v[0] == 'v' ? v + 1 : v);
		d->pinned = true;
	}
}

static int
docker_open(struct backend *b, struct berth_error *err)
{
	const char *spec = b->ep->spec ? b->ep->spec : "";
	struct docker *d = xcalloc(1, sizeof *d);
	if (str_starts_with(spec, "unix://")) {
		d->unix_path = xstrdup(spec[7] ? spec + 7 : "/var/run/docker.sock");
		d->base_url = xstrdup("http://localhost");
		bool podman = strstr(d->unix_path, "podman") != NULL;
		d->what = xasprintf("the %s at %s", podman ? "Podman service" : "Docker engine",
				    d->unix_path);
	} else if (str_starts_with(spec, "tcp://")) {
		bool tls = conf_yes(conf_opt(b, "tls"));
		d->base_url = xasprintf("%s://%s", tls ? "https" : "http", spec + 6);
		d->what = xasprintf("the Docker engine at %s", spec + 6);
		d->ca_file = xstrdup(conf_opt(b, "tls_ca"));
		d->cert_file = xstrdup(conf_opt(b, "tls_cert"));
		d->key_file = xstrdup(conf_opt(b, "tls_key"));
		const char *verify = conf_opt(b, "tls_verify");
		d->target.tls_verify = !b->ep->opts.tls_insecure && (!verify || conf_yes(verify));
		if (tls && !d->target.tls_verify)
			berth_warn("TLS certificate verification is off for %s; anyone on the path "
				   "can pose as the engine", d->what);
	} else if (str_starts_with(spec, "ssh://")) {
		double ct = b->ep->opts.connect_timeout > 0 ? b->ep->opts.connect_timeout : 5;
		const char *opts = conf_opt(b, "ssh_options");
		if (ssh_proxy_start(spec, ct, opts ? opts : getenv("BERTH_SSH_OPTS"), &d->ssh, err) < 0) {
			free(d);
			return -1;
		}
		d->unix_path = xstrdup(ssh_proxy_socket(d->ssh));
		d->base_url = xstrdup("http://localhost");
		d->what = xasprintf("the Docker engine at %s", spec);
	} else {
		free(d);
		return berth_fail(err, BERTH_EUSAGE,
				  "the Docker backend cannot use endpoint %s: use unix://, tcp:// or ssh://",
				  spec);
	}
	d->target.unix_path = d->unix_path;
	d->target.base_url = d->base_url;
	d->target.what = d->what;
	d->target.ca_file = d->ca_file;
	d->target.cert_file = d->cert_file;
	d->target.key_file = d->key_file;
	d->target.connect_timeout = b->ep->opts.connect_timeout > 0 ? b->ep->opts.connect_timeout : 5;
	pthread_mutex_init(&d->lock, NULL);
	docker_pin_version(b, d);
	b->priv = d;
	return 0;
}

static void
docker_close(struct backend *b)
{
	struct docker *d = docker_of(b);
	if (!d)
		return;
	pthread_mutex_destroy(&d->lock);
	ssh_proxy_stop(d->ssh);
	free(d->unix_path);
	free(d->base_url);
	free(d->what);
	free(d->ca_file);
	free(d->cert_file);
	free(d->key_file);
	free(d);
	b->priv = NULL;
}

static void
docker_note_engine(struct backend *b, const struct http_response *resp)
{
	const char *server = http_header(resp, "Server");
	if (http_header(resp, "Libpod-Api-Version") || (server && str_starts_with(server, "Libpod"))) {
		docker_of(b)->podman = true;
		b->ep->kind = BERTH_KIND_PODMAN;
	}
}

/* A transport failure in the words that help: ssh's own complaint for ssh://
 * endpoints, a hint about DOCKER_HOST otherwise. */
static void
explain_transport_error(struct backend *b, struct berth_error *err)
{
	struct docker *d = docker_of(b);
	if (!err || err->code == BERTH_ECANCELLED || err->code == BERTH_ETIMEOUT)
		return;
	char *why = d->ssh ? ssh_proxy_last_error(d->ssh) : NULL;
	if (why) {
		berth_fail(err, BERTH_ECONNECT, "cannot reach %s: %s", d->what, why);
		free(why);
	} else if (err->code == BERTH_ECONNECT && !d->ssh && !strstr(err->message, "TLS failed") &&
		   strlen(err->message) + sizeof CONNECT_HINT < sizeof err->message) {
		strcat(err->message, CONNECT_HINT);
	}
}

/* min(server, DOCKER_API_MAX) of a "1.NN" version string. */
static void
cap_version(const char *server, char out[16])
{
	int major = 0, minor = 0;
	if (!server || sscanf(server, "%d.%d", &major, &minor) != 2 || major < 1) {
		snprintf(out, 16, "1.24");	/* the moby client's assumption without a header */
		return;
	}
	if (major > 1 || minor > DOCKER_API_MAX_MINOR)
		snprintf(out, 16, "%s", DOCKER_API_MAX);
	else
		snprintf(out, 16, "%d.%d", major, minor);
}

/* Negotiate once per endpoint from the headers of an unversioned probe: HEAD
 * /_ping (GET when HEAD is refused), or GET /version for ping, which then keeps
 * the reply's body in *body (NULL when the endpoint was negotiated already). */
static int
docker_negotiate_via(struct backend *b, const char *path, berth_cancel *cancel, char **body,
		     struct berth_error *err)
{
	struct docker *d = docker_of(b);
	if (body)
		*body = NULL;
	pthread_mutex_lock(&d->lock);
	if (d->negotiated) {
		pthread_mutex_unlock(&d->lock);
		return 0;
	}
	bool ping = strcmp(path, "/_ping") == 0;
	/* An engine that accepts and never answers is as good as unreachable. */
	double limit = 2 * d->target.connect_timeout;
	int rc = -1;
	for (int attempt = 0; attempt < (ping ? 2 : 1); attempt++) {
		struct http_request rq = { .method = ping && !attempt ? "HEAD" : "GET", .path = path,
					   .timeout_s = limit, .cancel = cancel };
		struct http_response resp;
		if (http_perform(&d->target, &rq, &resp, err) < 0) {
			if (err && err->code == BERTH_ETIMEOUT)
				berth_fail(err, BERTH_ECONNECT,
					   "cannot reach %s: it took the connection but did not answer within %g s",
					   d->what, limit);
			explain_transport_error(b, err);
			break;
		}
		docker_note_engine(b, &resp);
		if (resp.status >= 200 && resp.status < 300) {
			if (!d->pinned)
				cap_version(http_header(&resp, "Api-Version"), d->api);
			d->negotiated = true;
			if (body) {
				*body = resp.body;
				resp.body = NULL;
			}
			rc = 0;
		} else if (attempt == (ping ? 1 : 0)) {
			docker_fail_reply(b, &resp, "ping", NULL, err);
		}
		http_response_done(&resp);
		if (rc == 0)
			break;
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

static int
docker_negotiate(struct backend *b, berth_cancel *cancel, struct berth_error *err)
{
	return docker_negotiate_via(b, "/_ping", cancel, NULL, err);
}

int
docker_call(struct backend *b, struct http_request *rq, struct http_response *resp,
	    struct berth_error *err)
{
	struct docker *d = docker_of(b);
	if (docker_negotiate(b, rq->cancel, err) < 0)
		return -1;
	const char *path = rq->path;
	char *versioned = xasprintf("/v%s%s", d->api, path);
	rq->path = versioned;
	int rc = http_perform(&d->target, rq, resp, err);
	rq->path = path;
	free(versioned);
	if (rc < 0) {
		explain_transport_error(b, err);
		return -1;
	}
	return 0;
}

char *
docker_versioned(struct backend *b, const char *path, berth_cancel *cancel,
		 struct berth_error *err)
{
	if (docker_negotiate(b, cancel, err) < 0)
		return NULL;
	return xasprintf("/v%s%s", docker_of(b)->api, path);
}

char *
docker_reply_message(const struct http_response *resp)
{
	if (!resp->body || !resp->body_len)
		return xstrdup("");
	struct json_object *o = json_tokener_parse(resp->body);
	const char *m = o && json_object_is_type(o, json_type_object) ? model_str(o, "message") : NULL;
	char *msg = xstrdup(m ? m : resp->body);
	json_object_put(o);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' ' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	if (n > 300)
		msg[300] = '\0';
	return msg;
}

int
docker_fail_reply(struct backend *b, const struct http_response *resp, const char *action,
		  const char *ref, struct berth_error *err)
{
	char *msg = docker_reply_message(resp);
	int code = BERTH_EENGINE;
	if (resp->status == 404)
		code = BERTH_ENOTFOUND;
	else if (resp->status == 409)
		code = BERTH_ECONFLICT;
	else if (resp->status == 401)
		code = BERTH_EAUTH;
	if (resp->status == 404 && ref && (!*msg || strcasestr(msg, "no such container")))
		berth_fail(err, code, "no such container: %s", ref);
	else if (*msg)
		berth_fail(err, code, "cannot %s%s%s: %s", action, ref ? " " : "", ref ? ref : "", msg);
	else
		berth_fail(err, code, "cannot %s%s%s: %s answered HTTP %ld", action, ref ? " " : "",
			   ref ? ref : "", docker_of(b)->what, resp->status);
	if (err)
		err->http_status = (int)resp->status;
	free(msg);
	return -1;
}

char *
docker_ctr_path(const char *ref, const char *rest)
{
	char *e = http_escape(ref);
	char *p = xasprintf("/containers/%s%s", e, rest ? rest : "");
	free(e);
	return p;
}

static int
parse_json_body(struct backend *b, const struct http_response *resp, struct json_object **out,
		struct berth_error *err)
{
	enum json_tokener_error jerr;
	*out = json_tokener_parse_verbose(resp->body ? resp->body : "", &jerr);
	if (!*out)
		return berth_fail(err, BERTH_EPROTOCOL, "%s sent a reply that is not JSON (%s)",
				  docker_of(b)->what, json_tokener_error_desc(jerr));
	return 0;
}

int
docker_simple(struct backend *b, const char *method, const char *path, const char *json_body,
	      const char *action, const char *ref, struct json_object **out,
	      berth_cancel *cancel, struct berth_error *err)
{
	struct http_request rq = {
		.method = method, .path = path, .body = json_body,
		.body_len = json_body ? strlen(json_body) : 0,
		.content_type = json_body ? "application/json" : NULL,
		.timeout_s = docker_timeout(b), .cancel = cancel,
	};
	struct http_response resp;
	if (docker_call(b, &rq, &resp, err) < 0)
		return -1;
	int rc = 0;
	if (resp.status == 304 || (resp.status >= 200 && resp.status < 300)) {
		if (out)
			rc = parse_json_body(b, &resp, out, err);
	} else {
		rc = docker_fail_reply(b, &resp, action, ref, err);
	}
	http_response_done(&resp);
	return rc;
}

int
docker_inspect_raw(struct backend *b, const char *ref, struct json_object **out,
		   berth_cancel *cancel, struct berth_error *err)
{
	if (!ref || !*ref)
		return berth_fail(err, BERTH_EUSAGE, "no container was named");
	char *path = docker_ctr_path(ref, "/json");
	int rc = docker_simple(b, "GET", path, NULL, "inspect", ref, out, cancel, err);
	free(path);
	if (rc == 0 && !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		return berth_fail(err, BERTH_EPROTOCOL, "%s sent a malformed inspect document",
				  docker_of(b)->what);
	}
	return rc;
}

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

static int
docker_ping(struct backend *b, char **version, berth_cancel *cancel, struct berth_error *err)
{
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

static int
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

static int
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

static int
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

static int
docker_stop(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
	    struct berth_error *err)
{
	return docker_stop_like(b, ref, "stop", timeout_s, cancel, err);
}

static int
docker_restart(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
	       struct berth_error *err)
{
	return docker_stop_like(b, ref, "restart", timeout_s, cancel, err);
}

static int
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

static int
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

static int
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
		rc = parse_json_body(b, &resp, &o, err);
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
docker_nap(berth_cancel *cancel, int ms)
{
	for (int slept = 0; slept < ms; slept += 50) {
		if (berth_cancel_is_set(cancel))
			return -1;
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return berth_cancel_is_set(cancel) ? -1 : 0;
}

static int
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
	int port;
	char proto[8];
	char *end = NULL;
	long hp = hostport && *hostport ? strtol(hostport, &end, 10) : 0;
	if (bad_ip || model_parse_port_key(ctr, &port, proto) < 0 ||
	    (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp")) ||
	    (end && (*end || hp <= 0 || hp > 65535))) {
		free(s);
		return berth_fail(err, BERTH_EUSAGE,
				  "bad port %s: use [[HOSTIP:]HOSTPORT:]PORT[/PROTO]", spec);
	}
	char key[32];
	snprintf(key, sizeof key, "%d/%s", port, proto);
	json_object_object_add(exposed, key, json_object_new_object());
	struct json_object *list;
	if (!json_object_object_get_ex(bindings, key, &list)) {
		list = json_object_new_array();
		json_object_object_add(bindings, key, list);
	}
	struct json_object *bind = json_object_new_object();
	json_object_object_add(bind, "HostIp", json_object_new_string(hostip ? hostip : ""));
	json_object_object_add(bind, "HostPort", json_object_new_string(hostport ? hostport : ""));
	json_object_array_add(list, bind);
	free(s);
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

static int
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

static int
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

const struct backend_ops docker_backend_ops = {
	.name = "docker",
	.open = docker_open,
	.close = docker_close,
	.ping = docker_ping,
	.list = docker_list,
	.inspect = docker_inspect,
	.start = docker_start,
	.stop = docker_stop,
	.restart = docker_restart,
	.kill = docker_kill,
	.remove = docker_remove,
	.wait = docker_wait,
	.wait_status = docker_wait_status,
	.create = docker_create,
	.snapshot = docker_snapshot,
	.exec = docker_exec,
	.exec_interactive = docker_exec_interactive,
	.logs = docker_logs,
	.archive_stat = docker_archive_stat,
	.archive_get = docker_archive_get,
	.archive_put = docker_archive_put,
	.export_fs = docker_export,
	.stats = docker_stats,
	.events = docker_events,
	.top = docker_top,
};
