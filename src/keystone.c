/* keystone.c: Keystone v3 authentication, the service catalog, and authenticated
 * requests to OpenStack services (zun-api.md §1).
 *
 * One os_session per endpoint. Its token and catalog are shared by every thread
 * (one mutex); a thread that finds the token missing or about to expire renews
 * it while the others wait. A service's 401 renews it once and retries. The
 * secrets live only in struct os_auth and the token only in the session: no
 * message is ever built from them.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clouds.h"
#include "keystone.h"
#include "os-auth.h"
#include "model-json.h"
#include "util.h"

struct os_session {
	struct os_auth auth;
	char *keystone_url;		/* auth_url ending in /v3 */
	char *keystone_what;		/* "Keystone at URL" */
	double connect_timeout, request_timeout;
	bool tls_verify;

	pthread_mutex_t lock;		/* guards everything below */
	char *token;
	time_t expires, issued;
	struct json_object *catalog;	/* token.catalog */
	unsigned generation;		/* bumped on every new token */
};

static const char *const service_types[][3] = {
	[OS_SVC_CONTAINER] = { "container", "application-container", NULL },
	[OS_SVC_NETWORK] = { "network", NULL, NULL },
	[OS_SVC_RESERVATION] = { "reservation", NULL, NULL },
};
static const char *const service_names[] = {
	[OS_SVC_CONTAINER] = "container (Zun)",
	[OS_SVC_NETWORK] = "network (Neutron)",
	[OS_SVC_RESERVATION] = "reservation (Blazar)",
};

/* ------------------------------------------------------------------ */
/* Credentials. */

/* The OS_* variables, as keystoneauth reads them (OS_<OPTION>). */
static bool
auth_from_env(struct os_auth *a, bool only_site)
{
	static const char *const opts[] = {
		"auth_url", "auth_type", "application_credential_id", "application_credential_name",
		"application_credential_secret", "username", "user_id", "password",
		"user_domain_name", "user_domain_id", "project_id", "tenant_id", "project_name",
		"tenant_name", "project_domain_name", "project_domain_id", "region_name",
		"interface", "endpoint_type", "cacert", "insecure",
	};
	bool any = false;
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		bool site = strcmp(opts[i], "region_name") == 0 || strcmp(opts[i], "interface") == 0 ||
			    strcmp(opts[i], "cacert") == 0 || strcmp(opts[i], "insecure") == 0;
		if (only_site && !site)
			continue;
		char var[64] = "OS_";
		for (size_t j = 0; opts[i][j] && j < sizeof var - 4; j++)
			var[3 + j] = (char)(opts[i][j] >= 'a' && opts[i][j] <= 'z' ? opts[i][j] - 32
										: opts[i][j]);
		const char *v = getenv(var);
		if (v && *v) {
			os_auth_set(a, opts[i], v);
			any = true;
		}
	}
	return any;
}

static bool
is_app_cred(const struct os_auth *a)
{
	if (a->auth_type)
		return strstr(a->auth_type, "applicationcredential") ||
		       strstr(a->auth_type, "application_credential");
	return a->app_cred_id || a->app_cred_name;
}

/* Check that a names enough to authenticate, naming what is missing. */
static int
auth_check(const struct os_auth *a, struct berth_error *err)
{
	const char *src = a->source;
	if (!a->auth_url)
		return berth_fail(err, BERTH_EUSAGE, "%s give no auth_url (OS_AUTH_URL)", src);
	if (is_app_cred(a)) {
		if (!a->app_cred_id && !a->app_cred_name)
			return berth_fail(err, BERTH_EUSAGE,
					  "%s give no application credential id or name", src);
		if (!a->app_cred_secret)
			return berth_fail(err, BERTH_EUSAGE,
					  "%s give no application credential secret", src);
		if (!a->app_cred_id && !a->user_id && !a->username)
			return berth_fail(err, BERTH_EUSAGE,
					  "%s name an application credential without its user "
					  "(username or user_id)", src);
		return 0;
	}
	if (a->auth_type && !strstr(a->auth_type, "password"))
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "%s ask for auth type %s; berth supports v3applicationcredential "
				  "and password", src, a->auth_type);
	if (!a->username && !a->user_id)
		return berth_fail(err, BERTH_EUSAGE,
				  "%s give neither an application credential nor a username", src);
	if (!a->password)
		return berth_fail(err, BERTH_EUSAGE, "%s give a username but no password", src);
	if (!a->project_id && !a->project_name)
		return berth_fail(err, BERTH_EUSAGE,
				  "%s give no project (project_name or project_id) for password auth", src);
	return 0;
}

/* Where the endpoint's credentials come from: zun:CLOUD, the config section
 * (with its own `cloud`), OS_CLOUD, OS_AUTH_URL, or the only clouds.yaml cloud. */
static int
auth_resolve(const struct berth_endpoint *ep, struct os_auth *a, struct berth_error *err)
{
	const char *cloud = NULL;
	if (ep->spec && str_starts_with(ep->spec, "zun:"))
		cloud = ep->spec + 4;
	const struct berth_endpoint_conf *conf = ep->conf;
	const char *conf_cloud = conf ? berth_config_endpoint_opt(conf, "cloud") : NULL;
	if (!cloud)
		cloud = conf_cloud;
	bool conf_auth = conf && berth_config_endpoint_opt(conf, "auth_url");
	if (cloud) {
		if (clouds_load(cloud, a, err) != 0)
			return -1;
	} else if (conf_auth) {
		a->source = xasprintf("the settings of endpoint %s", conf->name);
	} else if (getenv("OS_CLOUD") && *getenv("OS_CLOUD")) {
		if (clouds_load(NULL, a, err) != 0)
			return -1;
	} else if (getenv("OS_AUTH_URL") && *getenv("OS_AUTH_URL")) {
		auth_from_env(a, false);
		a->source = xstrdup("the OS_* variables");
	} else {
		int rc = clouds_load(NULL, a, err);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return berth_fail(err, BERTH_EUSAGE,
					  "no OpenStack credentials for %s: source an openrc (OS_AUTH_URL "
					  "and OS_APPLICATION_CREDENTIAL_*), set OS_CLOUD, or use zun:CLOUD "
					  "with a clouds.yaml", ep->name ? ep->name : "zun");
	}
	if (conf) {
		for (size_t i = 0; i < conf->nopts; i++)
			if (strcmp(conf->opts[i].key, "cloud") != 0)
				os_auth_set(a, conf->opts[i].key, conf->opts[i].value);
	}
	/* OS_REGION_NAME / OS_INTERFACE fill what the cloud or section leaves open. */
	struct os_auth site = { 0 };
	auth_from_env(&site, true);
	if (!a->region && site.region)
		a->region = xstrdup(site.region);
	if (!a->interface && site.interface)
		a->interface = xstrdup(site.interface);
	if (!a->cacert && site.cacert)
		a->cacert = xstrdup(site.cacert);
	os_auth_done(&site);
	return auth_check(a, err);
}

/* ------------------------------------------------------------------ */
/* Sessions. */

int
os_session_new(const struct berth_endpoint *ep, struct os_session **out, struct berth_error *err)
{
	struct os_session *s = xcalloc(1, sizeof *s);
	if (auth_resolve(ep, &s->auth, err) < 0) {
		os_auth_done(&s->auth);
		free(s);
		return -1;
	}
	const char *u = s->auth.auth_url;
	size_t len = strlen(u);
	while (len > 0 && u[len - 1] == '/')
		len--;
	s->keystone_url = len >= 3 && strncmp(u + len - 3, "/v3", 3) == 0
				  ? xstrndup(u, len) : xasprintf("%.*s/v3", (int)len, u);
	s->keystone_what = xasprintf("Keystone at %s", s->keystone_url);
	s->connect_timeout = ep->opts.connect_timeout > 0 ? ep->opts.connect_timeout : 5;
	s->request_timeout = ep->opts.request_timeout > 0 ? ep->opts.request_timeout : 60;
	s->tls_verify = !(ep->opts.tls_insecure || s->auth.insecure);
	if (!s->tls_verify && str_starts_with(s->keystone_url, "https:"))
		berth_warn("TLS certificate verification is off for %s (insecure); anyone on the "
			   "path can pose as it", s->keystone_what);
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return 0;
}

static void
token_clear(struct os_session *s)
{
	if (s->token) {
		memset(s->token, 0, strlen(s->token));
		free(s->token);
	}
	s->token = NULL;
	if (s->catalog)
		json_object_put(s->catalog);
	s->catalog = NULL;
	s->expires = s->issued = 0;
}

void
os_session_free(struct os_session *s)
{
	if (!s)
		return;
	token_clear(s);
	os_auth_done(&s->auth);
	free(s->keystone_url);
	free(s->keystone_what);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

const char *
os_session_region(const struct os_session *s)
{
	return s->auth.region;
}

time_t
os_parse_time(const char *s)
{
	struct tm tm = { 0 };
	if (!s)
		return 0;
	const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		return 0;
	return timegm(&tm);
}

/* {"name":..., "domain":{"name"|"id":...}} or {"id":...} for a user or project. */
static struct json_object *
named(const char *id, const char *name, const char *dom_id, const char *dom_name)
{
	struct json_object *o = json_object_new_object();
	if (id) {
		json_object_object_add(o, "id", json_object_new_string(id));
		return o;
	}
	json_object_object_add(o, "name", json_object_new_string(name));
	struct json_object *d = json_object_new_object();
	if (dom_id)
		json_object_object_add(d, "id", json_object_new_string(dom_id));
	else
		json_object_object_add(d, "name", json_object_new_string(dom_name ? dom_name : "Default"));
	json_object_object_add(o, "domain", d);
	return o;
}

/* The body of POST /v3/auth/tokens (zun-api.md §1). */
static char *
auth_body(const struct os_auth *a)
{
	struct json_object *ident = json_object_new_object(), *methods = json_object_new_array();
	struct json_object *auth = json_object_new_object();
	if (is_app_cred(a)) {
		json_object_array_add(methods, json_object_new_string("application_credential"));
		struct json_object *ac = json_object_new_object();
		if (a->app_cred_id) {
			json_object_object_add(ac, "id", json_object_new_string(a->app_cred_id));
		} else {
			json_object_object_add(ac, "name", json_object_new_string(a->app_cred_name));
			json_object_object_add(ac, "user", named(a->user_id, a->username,
								 a->user_domain_id, a->user_domain_name));
		}
		json_object_object_add(ac, "secret", json_object_new_string(a->app_cred_secret));
		json_object_object_add(ident, "application_credential", ac);
	} else {
		json_object_array_add(methods, json_object_new_string("password"));
		struct json_object *user = named(a->user_id, a->username, a->user_domain_id,
						 a->user_domain_name);
		json_object_object_add(user, "password", json_object_new_string(a->password));
		struct json_object *pw = json_object_new_object();
		json_object_object_add(pw, "user", user);
		json_object_object_add(ident, "password", pw);
		struct json_object *scope = json_object_new_object();
		json_object_object_add(scope, "project",
				       named(a->project_id, a->project_name, a->project_domain_id,
					     a->project_domain_name));
		json_object_object_add(auth, "scope", scope);
	}
	json_object_object_add(ident, "methods", methods);
	json_object_object_add(auth, "identity", ident);
	struct json_object *root = json_object_new_object();
	json_object_object_add(root, "auth", auth);
	char *body = xstrdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return body;
}

/* Get a new token and catalog; the caller holds s->lock. */
static int
authenticate(struct os_session *s, berth_cancel *cancel, struct berth_error *err)
{
	struct http_target t = { .base_url = s->keystone_url, .connect_timeout = s->connect_timeout,
				 .ca_file = s->auth.cacert, .tls_verify = s->tls_verify,
				 .what = s->keystone_what };
	char *body = auth_body(&s->auth);
	static const char *const headers[] = { "Accept: application/json", NULL };
	struct http_request rq = { .method = "POST", .path = "/auth/tokens", .headers = headers,
				   .body = body, .body_len = strlen(body),
				   .content_type = "application/json",
				   .timeout_s = s->request_timeout, .cancel = cancel };
	struct http_response resp;
	int rc = http_perform(&t, &rq, &resp, err);
	memset(body, 0, strlen(body));
	free(body);
	if (rc < 0)
		return -1;
	const char *kind = is_app_cred(&s->auth) ? "application credential" : "password";
	if (resp.status == 401 || resp.status == 403 || resp.status == 404) {
		char what[256];
		snprintf(what, sizeof what, "%s refused the %s from %s", s->keystone_what, kind,
			 s->auth.source);
		os_fail(&resp, what, err);
		if (err)
			err->code = BERTH_EAUTH;
		http_response_done(&resp);
		return -1;
	}
	if (resp.status != 201 && resp.status != 200) {
		char what[256];
		snprintf(what, sizeof what, "authentication with %s failed", s->keystone_what);
		os_fail(&resp, what, err);
		http_response_done(&resp);
		return -1;
	}
	const char *tok = http_header(&resp, "X-Subject-Token");
	os_hold_secret(tok);
	struct json_object *doc = NULL;
	if (os_json(&resp, s->keystone_what, &doc, err) < 0) {
		http_response_done(&resp);
		return -1;
	}
	struct json_object *token = NULL, *catalog = NULL;
	if (!tok || !json_object_object_get_ex(doc, "token", &token) ||
	    !json_object_is_type(token, json_type_object)) {
		json_object_put(doc);
		http_response_done(&resp);
		return berth_fail(err, BERTH_EPROTOCOL, "%s answered without a token", s->keystone_what);
	}
	token_clear(s);
	s->token = xstrdup(tok);
	s->expires = os_parse_time(model_str(token, "expires_at"));
	s->issued = os_parse_time(model_str(token, "issued_at"));
	if ((catalog = os_array(token, "catalog")))
		s->catalog = json_object_get(catalog);
	s->generation++;
	json_object_put(doc);
	http_response_done(&resp);
	return 0;
}

/* Whether the token must be renewed now: missing, or within a tenth of its
 * lifetime (at least 5 s, at most 5 min) of expiring. */
static bool
token_stale(const struct os_session *s)
{
	if (!s->token)
		return true;
	if (!s->expires)
		return false;
	time_t life = s->issued && s->expires > s->issued ? s->expires - s->issued : 3600;
	time_t margin = life / 10;
	margin = margin < 5 ? 5 : margin > 300 ? 300 : margin;
	return time(NULL) + margin >= s->expires;
}

static bool
interface_matches(const char *have, const char *want)
{
	size_t n = strlen(want);
	if (n > 3 && strcmp(want + n - 3, "URL") == 0)
		n -= 3;	/* publicURL, the v2 spelling */
	return have && strncmp(have, want, n) == 0 && have[n] == '\0';
}

/* Find the service's URL in the catalog; the caller holds s->lock. */
static int
catalog_lookup(struct os_session *s, enum os_service svc, char **url, struct berth_error *err)
{
	const char *iface = s->auth.interface ? s->auth.interface : "public";
	const char *region = s->auth.region;
	struct buf seen = { 0 };
	bool found_type = false;
	size_t n = s->catalog ? json_object_array_length(s->catalog) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(s->catalog, i);
		const char *type = model_str(e, "type");
		bool match = false;
		for (size_t k = 0; k < 3 && service_types[svc][k]; k++)
			match |= type && strcmp(type, service_types[svc][k]) == 0;
		if (!match)
			continue;
		found_type = true;
		struct json_object *eps = os_array(e, "endpoints");
		size_t m = eps ? json_object_array_length(eps) : 0;
		for (size_t j = 0; j < m; j++) {
			struct json_object *ep = json_object_array_get_idx(eps, j);
			const char *ei = model_str(ep, "interface");
			const char *rid = model_str(ep, "region_id");
			const char *rn = model_str(ep, "region");
			const char *r = rid ? rid : rn;
			if (interface_matches(ei, iface) &&
			    (!region || (r && strcmp(r, region) == 0))) {
				*url = xstrdup(model_str(ep, "url"));
				buf_free(&seen);
				return *url ? 0 : berth_fail(err, BERTH_EPROTOCOL,
							     "the catalog's %s endpoint has no URL",
							     service_names[svc]);
			}
			buf_printf(&seen, "%s%s in %s", seen.len ? ", " : "", ei ? ei : "?",
				   r ? r : "no region");
		}
	}
	int rc;
	if (!found_type)
		rc = berth_fail(err, BERTH_ENOTFOUND,
				"the service catalog of %s has no %s service", s->auth.source,
				service_names[svc]);
	else
		rc = berth_fail(err, BERTH_ENOTFOUND,
				"the service catalog of %s has no %s endpoint for interface %s%s%s "
				"(it has: %s)", s->auth.source, service_names[svc], iface,
				region ? " in region " : "", region ? region : "",
				seen.len ? seen.data : "none");
	buf_free(&seen);
	return rc;
}

/* A current token and the service URL; copies for use outside the lock. */
static int
session_get(struct os_session *s, enum os_service svc, unsigned stale_gen, char **token,
	    char **url, unsigned *gen, berth_cancel *cancel, struct berth_error *err)
{
	pthread_mutex_lock(&s->lock);
	int rc = 0;
	if (token_stale(s) || (stale_gen && s->generation == stale_gen))
		rc = authenticate(s, cancel, err);
	if (rc == 0 && url)
		rc = catalog_lookup(s, svc, url, err);
	if (rc == 0 && token) {
		*token = xstrdup(s->token);
		*gen = s->generation;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int
os_has_service(struct os_session *s, enum os_service svc, bool *has, berth_cancel *cancel,
	       struct berth_error *err)
{
	char *url = NULL;
	struct berth_error e = { 0 };
	int rc = session_get(s, svc, 0, NULL, &url, NULL, cancel, &e);
	free(url);
	*has = rc == 0;
	if (rc < 0 && e.code != BERTH_ENOTFOUND) {
		if (err)
			*err = e;
		return -1;
	}
	return 0;
}

static const char *
service_what(enum os_service svc)
{
	return svc == OS_SVC_CONTAINER ? "Zun" : svc == OS_SVC_NETWORK ? "Neutron" : "Blazar";
}

int
os_request(struct os_session *s, enum os_service svc, struct http_request *rq,
	   struct http_response *resp, struct berth_error *err)
{
	unsigned stale = 0;
	for (int attempt = 0;; attempt++) {
		char *token = NULL, *url = NULL;
		unsigned gen = 0;
		if (session_get(s, svc, stale, &token, &url, &gen, rq->cancel, err) < 0)
			return -1;
		size_t nh = strv_len((char *const *)rq->headers);
		const char **headers = xcalloc(nh + 3, sizeof *headers);
		char *auth = xasprintf("X-Auth-Token: %s", token);
		headers[0] = auth;
		headers[1] = "Accept: application/json";
		for (size_t i = 0; i < nh; i++)
			headers[2 + i] = rq->headers[i];
		const char *const *saved = rq->headers;
		rq->headers = headers;
		if (rq->timeout_s == 0)
			rq->timeout_s = s->request_timeout;
		char *what = xasprintf("%s at %s", service_what(svc), url);
		struct http_target t = { .base_url = url, .connect_timeout = s->connect_timeout,
					 .ca_file = s->auth.cacert, .tls_verify = s->tls_verify,
					 .what = what };
		int rc = http_perform(&t, rq, resp, err);
		rq->headers = saved;
		memset(auth, 0, strlen(auth));
		free(auth);
		memset(token, 0, strlen(token));
		free(token);
		free(headers);
		free(what);
		free(url);
		if (rc < 0)
			return -1;
		if (resp->status != 401 || attempt > 0 || rq->upload || rq->sink)
			return 0;
		http_response_done(resp);
		stale = gen;	/* renew this token, unless another thread already did */
	}
}

/* ------------------------------------------------------------------ */
/* Errors and JSON. */

int
os_json(const struct http_response *resp, const char *what, struct json_object **out,
	struct berth_error *err)
{
	enum json_tokener_error jerr;
	*out = json_tokener_parse_verbose(resp->body ? resp->body : "", &jerr);
	if (!*out && jerr != json_tokener_success)
		return berth_fail(err, BERTH_EPROTOCOL, "%s sent a reply that is not JSON (%s)",
				  what, json_tokener_error_desc(jerr));
	return 0;
}

struct json_object *
os_array(struct json_object *o, const char *key)
{
	struct json_object *v = model_obj(o, key);
	return v && json_object_is_type(v, json_type_array) ? v : NULL;
}

/* The service's own words from an error body, or NULL. */
static char *
error_text(const struct http_response *resp)
{
	struct json_object *doc = json_tokener_parse(resp->body ? resp->body : "");
	if (!doc)
		return NULL;
	char *text = NULL;
	struct json_object *o = NULL;
	if (json_object_object_get_ex(doc, "errors", &o) && json_object_is_type(o, json_type_array) &&
	    json_object_array_length(o) > 0) {
		struct json_object *e = json_object_array_get_idx(o, 0);
		const char *title = model_str(e, "title");
		const char *detail = model_str(e, "detail");
		if (title && detail && strncmp(detail, title, strlen(title)) != 0 &&
		    strcmp(title, "Internal Server Error") != 0)
			text = xasprintf("%s (%s)", title, detail);
		else
			text = xstrdup(title ? title : detail);
	} else if (json_object_object_get_ex(doc, "error", &o) && json_object_is_type(o, json_type_object)) {
		text = xstrdup(model_str(o, "message") ? model_str(o, "message")
							       : model_str(o, "title"));
	} else if (json_object_object_get_ex(doc, "NeutronError", &o)) {
		const char *m = json_object_is_type(o, json_type_object) ? model_str(o, "message")
									 : json_object_get_string(o);
		text = xstrdup(m);
	} else if (json_object_object_get_ex(doc, "error_message", &o)) {
		text = xstrdup(json_object_get_string(o));
	}
	json_object_put(doc);
	return text;
}

int
os_fail(const struct http_response *resp, const char *what, struct berth_error *err)
{
	long st = resp->status;
	int code = st == 404 ? BERTH_ENOTFOUND : st == 409 ? BERTH_ECONFLICT
		 : st == 401 || st == 403 ? BERTH_EAUTH : st == 400 ? BERTH_EUSAGE : BERTH_EENGINE;
	char *text = error_text(resp);
	size_t len = text ? strlen(text) : 0;
	while (len > 0 && (text[len - 1] == '.' || text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	if (text && *text)
		berth_fail(err, code, "%s: %s", what, text);
	else
		berth_fail(err, code, "%s: HTTP %ld", what, st);
	free(text);
	if (err)
		err->http_status = (int)st;
	return -1;
}
