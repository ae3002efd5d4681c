/* zun-call.c: what every Zun file (zun.c, zun-io.c, zun-edge.c) shares, below
 * them all: one request with Zun's microversion, a container action resolving a
 * unique uuid prefix, a container's document, Zun's status words as berth's, and
 * a failed answer in one sentence (zun-api.md §2). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-json.h"
#include "zun-priv.h"

/* zun_call with a stall timeout too (stall_s > 0: given up on when Zun sends
 * nothing, nor takes any of the body, for that long). */
static int
call_watched(struct zun *z, const char *method, const char *path, const char *body,
	     double timeout_s, double stall_s, berth_cancel *cancel, struct http_response *resp,
	     struct berth_error *err)
{
	static const char *const headers[] = {
		"OpenStack-API-Version: container 1.41",
		"User-Agent: berth/" PACKAGE_VERSION,
		NULL,
	};
	struct http_request rq = { .method = method, .path = path, .headers = headers,
				   .body = body, .body_len = body ? strlen(body) : 0,
				   .content_type = body ? "application/json" : NULL,
				   .timeout_s = timeout_s, .stall_s = stall_s, .cancel = cancel };
	return os_request(z->os, OS_SVC_CONTAINER, &rq, resp, err);
}

int
zun_call(struct zun *z, const char *method, const char *path, const char *body,
	 double timeout_s, berth_cancel *cancel, struct http_response *resp,
	 struct berth_error *err)
{
	return call_watched(z, method, path, body, timeout_s, 0, cancel, resp, err);
}

enum berth_status
zun_status(const char *word)
{
	static const struct { const char *zun; enum berth_status st; } map[] = {
		{ "Creating", BERTH_ST_CREATING }, { "Created", BERTH_ST_CREATED },
		{ "Running", BERTH_ST_RUNNING }, { "Stopped", BERTH_ST_EXITED },
		{ "Paused", BERTH_ST_PAUSED }, { "Restarting", BERTH_ST_RESTARTING },
		{ "Rebuilding", BERTH_ST_RESTARTING }, { "Deleting", BERTH_ST_DELETING },
		{ "Deleted", BERTH_ST_DEAD }, { "Dead", BERTH_ST_DEAD },
		{ "Error", BERTH_ST_ERROR }, { "Unknown", BERTH_ST_UNKNOWN },
	};
	for (size_t i = 0; word && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].zun, word) == 0)
			return map[i].st;
	return BERTH_ST_UNKNOWN;
}

int
zun_fail(struct zun *z, const struct http_response *resp, const char *verb, const char *ref,
	 struct berth_error *err)
{
	char what[300];
	if (resp->status == 404 && ref)
		snprintf(what, sizeof what, "no such container on %s: %s", z->ep_name, ref);
	else if (ref)
		snprintf(what, sizeof what, "cannot %s %s on %s", verb, ref, z->ep_name);
	else
		snprintf(what, sizeof what, "cannot %s on %s", verb, z->ep_name);
	if (resp->status == 404 && ref) {
		berth_fail(err, BERTH_ENOTFOUND, "%s", what);
		if (err)
			err->http_status = 404;
		return -1;
	}
	return os_fail(resp, what, err);
}

static bool
looks_like_prefix(const char *ref)
{
	if (strlen(ref) < 2 || strlen(ref) >= 36)
		return false;
	for (const char *p = ref; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != '-')
			return false;
	return true;
}

/* The uuid of the only container whose uuid starts with prefix, or NULL. */
static char *
resolve_prefix(struct zun *z, const char *prefix, berth_cancel *cancel)
{
	struct http_response resp;
	struct berth_error e;
	if (zun_call(z, "GET", "/containers", NULL, 0, cancel, &resp, &e) < 0)
		return NULL;
	struct json_object *doc = NULL, *list = NULL;
	char *found = NULL;
	int matches = 0;
	if (resp.status == 200 && os_json(&resp, "Zun", &doc, &e) == 0 &&
	    (list = os_array(doc, "containers"))) {
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			const char *id = model_str(json_object_array_get_idx(list, i), "uuid");
			if (id && str_starts_with(id, prefix) && matches++ == 0)
				found = xstrdup(id);
		}
	}
	json_object_put(doc);
	http_response_done(&resp);
	if (matches != 1) {
		free(found);
		return NULL;
	}
	return found;
}

/* zun_action with a stall timeout (call_watched). */
static int
action_watched(struct zun *z, const char *method, const char *ref, const char *suffix,
	       const char *body, double timeout_s, double stall_s, berth_cancel *cancel,
	       struct http_response *resp, struct berth_error *err)
{
	char *esc = http_escape(ref);
	char *path = xasprintf("/containers/%s%s", esc, suffix ? suffix : "");
	free(esc);
	int rc = call_watched(z, method, path, body, timeout_s, stall_s, cancel, resp, err);
	free(path);
	if (rc < 0 || resp->status != 404 || !looks_like_prefix(ref))
		return rc;
	char *uuid = resolve_prefix(z, ref, cancel);
	if (!uuid)
		return 0;
	http_response_done(resp);
	path = xasprintf("/containers/%s%s", uuid, suffix ? suffix : "");
	rc = call_watched(z, method, path, body, timeout_s, stall_s, cancel, resp, err);
	free(path);
	free(uuid);
	return rc;
}

int
zun_action(struct zun *z, const char *method, const char *ref, const char *suffix,
	   const char *body, double timeout_s, berth_cancel *cancel,
	   struct http_response *resp, struct berth_error *err)
{
	return action_watched(z, method, ref, suffix, body, timeout_s, 0, cancel, resp, err);
}

int
zun_transfer(struct zun *z, const char *method, const char *ref, const char *suffix,
	     const char *body, double stall_s, berth_cancel *cancel,
	     struct http_response *resp, struct berth_error *err)
{
	return action_watched(z, method, ref, suffix, body, -1, stall_s, cancel, resp, err);
}

int
zun_fetch(struct zun *z, const char *ref, struct json_object **doc, berth_cancel *cancel,
	  struct berth_error *err)
{
	struct http_response resp;
	if (zun_action(z, "GET", ref, NULL, NULL, 0, cancel, &resp, err) < 0)
		return -1;
	int rc = resp.status == 200 ? os_json(&resp, "Zun", doc, err)
				    : zun_fail(z, &resp, "inspect", ref, err);
	http_response_done(&resp);
	return rc;
}
