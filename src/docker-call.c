/* docker-call.c: one endpoint's connection to a Docker engine or Podman service,
 * under every operation of the Docker backend (docker.c, docker-exec.c,
 * docker-data.c).
 *
 * Opening sets the target up (unix socket, TCP with TLS options, or the local
 * socket of an ssh:// tunnel) without touching the network. Every call goes to
 * /v<API>/..., where API is negotiated once per endpoint, lazily, from the
 * Api-Version header of /_ping and capped at the newest version berth speaks
 * (docker-api.md §1); DOCKER_API_VERSION pins it. Podman is recognised by its
 * Libpod-Api-Version / Server: Libpod headers. Replies that are not 2xx become
 * one sentence keeping the engine's own message.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docker-priv.h"
#include "model-json.h"
#include "util.h"

#define CONNECT_HINT " (is it running? set DOCKER_HOST or -H)"

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

int
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
		bool tls = str_is_yes(conf_opt(b, "tls"));
		d->base_url = xasprintf("%s://%s", tls ? "https" : "http", spec + 6);
		d->what = xasprintf("the Docker engine at %s", spec + 6);
		d->ca_file = xstrdup(conf_opt(b, "tls_ca"));
		d->cert_file = xstrdup(conf_opt(b, "tls_cert"));
		d->key_file = xstrdup(conf_opt(b, "tls_key"));
		const char *verify = conf_opt(b, "tls_verify");
		d->target.tls_verify = !b->ep->opts.tls_insecure && (!verify || str_is_yes(verify));
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

void
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

/* ssh's own complaint for ssh:// endpoints, a hint about DOCKER_HOST
 * otherwise. */
void
docker_explain_transport_error(struct backend *b, struct berth_error *err)
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
int
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
			docker_explain_transport_error(b, err);
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
		docker_explain_transport_error(b, err);
		return -1;
	}
	d->last_answer = now_monotonic();
	return 0;
}

bool
docker_answered_within(struct backend *b, double seconds)
{
	return now_monotonic() - docker_of(b)->last_answer < seconds;
}

char *
docker_versioned_now(struct backend *b, const char *path, struct berth_error *err)
{
	struct docker *d = docker_of(b);
	pthread_mutex_lock(&d->lock);
	char *versioned = d->negotiated ? xasprintf("/v%s%s", d->api, path) : NULL;
	pthread_mutex_unlock(&d->lock);
	if (!versioned)
		berth_fail(err, BERTH_ECONNECT, "%s has not answered yet, so its API version is not known",
			   d->what);
	return versioned;
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

int
docker_json_body(struct backend *b, const struct http_response *resp, struct json_object **out,
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
			rc = docker_json_body(b, &resp, out, err);
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
