/* docker-data.c: archives, export, stats and events on Docker and Podman.
 *
 * Archives follow docker-api.md §5: HEAD for a path's stat (a base64 JSON
 * header), GET for a tar of a path, PUT to unpack a tar into a directory.
 * Stats are one-shot samples timestamped by berth (§6, §8). Events are a
 * stream of concatenated JSON documents parsed as the chunks arrive (§7).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-priv.h"
#include "streams.h"
#include "docker-model.h"
#include "model-json.h"
#include "util.h"

#define GO_MODE_DIR (1u << 31)
#define GO_MODE_SYMLINK (1u << 27)

static char *
archive_path(const char *ref, const char *path, const char *extra)
{
	char *ep = http_escape(path);
	char *rest = xasprintf("/archive?path=%s%s", ep, extra ? extra : "");
	char *p = docker_ctr_path(ref, rest);
	free(ep);
	free(rest);
	return p;
}

static int
fill_stat(const char *header, struct archive_stat *st, struct berth_error *err)
{
	struct buf json = { 0 };
	struct json_object *o = header && base64_decode(header, &json) == 0 && json.data
		? json_tokener_parse(json.data) : NULL;
	buf_free(&json);
	if (!o)
		return berth_fail(err, BERTH_EPROTOCOL, "the engine sent no usable path information");
	unsigned long long mode = (unsigned long long)model_int(o, "mode");
	st->exists = true;
	st->is_dir = (mode & GO_MODE_DIR) != 0;
	st->is_link = (mode & GO_MODE_SYMLINK) != 0;
	st->mode = (unsigned)(mode & 07777);
	st->size = (uint64_t)model_int(o, "size");
	const char *target = model_str(o, "linkTarget");
	/* Podman repeats the path itself as the target of a non-link. */
	snprintf(st->link_target, sizeof st->link_target, "%s", st->is_link && target ? target : "");
	json_object_put(o);
	return 0;
}

/* An answer to a GET that must not bring a body: a 2xx ends the transfer at its headers. */
static int
refuse_body(void *ctx, long status, const struct http_response *resp)
{
	return status >= 200 && status < 300;
}

/* The engine refused the HEAD of a path: a HEAD reply has no body, so ask
 * again with a GET, whose error reply carries the engine's reason (docker cp
 * shows the same one), and fail with it. */
static int
stat_refusal(struct backend *b, const char *ref, const char *path,
	     const struct http_response *head, struct berth_error *err)
{
	char *p = archive_path(ref, path, NULL);
	char *action = xasprintf("look at %s in", path);
	struct http_request rq = { .path = p, .timeout_s = docker_timeout(b),
				   .on_headers = refuse_body };
	struct http_response resp;
	int rc;
	if (docker_call(b, &rq, &resp, NULL) < 0) {
		rc = docker_fail_reply(b, head, action, ref, err);
	} else {
		rc = docker_fail_reply(b, resp.status == head->status ? &resp : head, action, ref, err);
		http_response_done(&resp);
	}
	free(action);
	free(p);
	return rc;
}

int
docker_archive_stat(struct backend *b, const char *ref, const char *path,
		    struct archive_stat *st, berth_cancel *cancel, struct berth_error *err)
{
	memset(st, 0, sizeof *st);
	char *p = archive_path(ref, path, NULL);
	struct http_request rq = { .method = "HEAD", .path = p, .timeout_s = docker_timeout(b),
				   .cancel = cancel };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(p);
	if (rc < 0)
		return -1;
	if (resp.status == 200) {
		rc = fill_stat(http_header(&resp, "X-Docker-Container-Path-Stat"), st, err);
	} else if (resp.status == 404) {
		/* A missing container and a missing path both answer 404. */
		struct json_object *o = NULL;
		rc = docker_inspect_raw(b, ref, &o, NULL, err);
		json_object_put(o);
	} else {
		rc = stat_refusal(b, ref, path, &resp, err);
	}
	http_response_done(&resp);
	return rc;
}

/* GET a stream into the sink, given up on when silent past the stall timeout;
 * action names it in errors. */
static int
get_stream(struct backend *b, const char *path, const char *action, const char *ref,
	   berth_sink sink, void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	struct http_request rq = { .path = path, .cancel = cancel, .sink = sink, .sink_ctx = ctx };
	struct http_response resp;
	if (berth_stall_timeout(b->ep, &rq.stall_s, err) < 0 || docker_call(b, &rq, &resp, err) < 0)
		return -1;
	int rc = 0;
	if (resp.status < 200 || resp.status >= 300)
		rc = docker_fail_reply(b, &resp, action, ref, err);
	http_response_done(&resp);
	return rc;
}

int
docker_archive_get(struct backend *b, const char *ref, const char *ctr_src, berth_sink sink,
		   void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	char *p = archive_path(ref, ctr_src, NULL);
	char *action = xasprintf("copy %s from", ctr_src);
	int rc = get_stream(b, p, action, ref, sink, ctx, cancel, err);
	free(action);
	free(p);
	return rc;
}

int
docker_archive_put(struct backend *b, const char *ref, const char *ctr_dir,
		   struct tar_reader *rd, berth_cancel *cancel, struct berth_error *err)
{
	char *p = archive_path(ref, ctr_dir, "&noOverwriteDirNonDir=true");
	struct http_request rq = { .method = "PUT", .path = p, .upload = rd,
				   .content_type = "application/x-tar", .cancel = cancel };
	struct http_response resp;
	int rc = berth_stall_timeout(b->ep, &rq.stall_s, err);
	if (rc == 0)
		rc = docker_call(b, &rq, &resp, err);
	free(p);
	if (rc < 0)
		return -1;
	if (resp.status < 200 || resp.status >= 300) {
		char *action = xasprintf("copy into %s of", ctr_dir);
		rc = docker_fail_reply(b, &resp, action, ref, err);
		free(action);
	}
	http_response_done(&resp);
	return rc;
}

int
docker_export(struct backend *b, const char *ref, berth_sink sink, void *ctx,
	      berth_cancel *cancel, struct berth_error *err)
{
	char *p = docker_ctr_path(ref, "/export");
	int rc = get_stream(b, p, "export the filesystem of", ref, sink, ctx, cancel, err);
	free(p);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Stats. */

int
docker_stats(struct backend *b, const char *ref, struct berth_stats_sample *out,
	     berth_cancel *cancel, struct berth_error *err)
{
	memset(out, 0, sizeof *out);
	char *p = docker_ctr_path(ref, "/stats?stream=false&one-shot=true");
	struct http_request rq = { .path = p, .timeout_s = docker_timeout(b), .cancel = cancel };
	struct http_response resp;
	int rc = berth_stall_timeout(b->ep, &rq.stall_s, err);
	if (rc == 0)
		rc = docker_call(b, &rq, &resp, err);
	free(p);
	if (rc < 0)
		return -1;
	out->read_ns = now_monotonic_ns();
	struct json_object *o = NULL;
	if (resp.status < 200 || resp.status >= 300)
		rc = docker_fail_reply(b, &resp, "read the statistics of", ref, err);
	else if (resp.body_len && !(o = json_tokener_parse(resp.body)))
		rc = berth_fail(err, BERTH_EPROTOCOL, "the statistics of %s are not JSON", ref);
	http_response_done(&resp);
	/* Podman answers a stopped container with an empty body, Docker with zeros. */
	if (rc < 0 || !o)
		return rc;
	model_stats(o, out);
	json_object_put(o);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Events. */

struct events_ctx {
	berth_event_cb cb;
	void *ctx;
};

/* Hand one event document to the callback; non-zero stops. */
static int
event_deliver(void *ctx, struct json_object *o)
{
	struct events_ctx *e = ctx;
	struct berth_event ev;
	model_event(o, &ev);
	return e->cb(e->ctx, &ev);
}

/* Docker's filters document, {"KEY":["VALUE",...]}, from "KEY=VALUE" words
 * (label=K=V splits at the first '='); NULL with err filled for a word
 * without '='. */
static char *
events_filters(char *const *words, bool type_container, struct berth_error *err)
{
	struct json_object *doc = json_object_new_object();
	if (type_container) {
		struct json_object *v = json_object_new_array();
		json_object_array_add(v, json_object_new_string("container"));
		json_object_object_add(doc, "type", v);
	}
	for (size_t i = 0; words && words[i]; i++) {
		const char *eq = strchr(words[i], '=');
		if (!eq || eq == words[i]) {
			json_object_put(doc);
			berth_fail(err, BERTH_EUSAGE, "an event filter is KEY=VALUE, not '%s'", words[i]);
			return NULL;
		}
		char *key = xstrndup(words[i], (size_t)(eq - words[i]));
		struct json_object *v;
		if (!json_object_object_get_ex(doc, key, &v)) {
			v = json_object_new_array();
			json_object_object_add(doc, key, v);
		}
		json_object_array_add(v, json_object_new_string(eq + 1));
		free(key);
	}
	char *text = json_object_object_length(doc) ?
		     http_escape(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN)) : NULL;
	json_object_put(doc);
	return text ? text : xstrdup("");
}

/* /events?since=&until=&filters= with what o asks for. */
static char *
events_path(const struct berth_events_opts *o, bool type_container, struct berth_error *err)
{
	char *filters = events_filters(o->filters, type_container, err);
	if (!filters)
		return NULL;
	struct buf q = { 0 };
	buf_appends(&q, "/events");
	char sep = '?';
	if (o->since > 0) {
		buf_printf(&q, "%csince=%lld", sep, (long long)o->since);
		sep = '&';
	}
	if (o->until > 0) {
		buf_printf(&q, "%cuntil=%lld", sep, (long long)o->until);
		sep = '&';
	}
	if (*filters)
		buf_printf(&q, "%cfilters=%s", sep, filters);
	free(filters);
	return buf_steal(&q);
}

/* A silent event stream is a quiet engine when the engine answers a ping
 * within the stall timeout (0: go on waiting); a frozen one otherwise. */
struct events_probe {
	struct backend *b;
	double timeout_s;
	berth_cancel *cancel;
	struct berth_error err;	/* why the last ping got no answer */
};

static int
engine_frozen(void *ctx)
{
	struct events_probe *p = ctx;
	struct http_request rq = { .path = "/_ping", .timeout_s = p->timeout_s, .cancel = p->cancel };
	struct http_response resp;
	if (docker_call(p->b, &rq, &resp, &p->err) < 0)
		return 1;
	bool alive = resp.status == 200;
	http_response_done(&resp);
	return !alive;
}

int
docker_events(struct backend *b, const struct berth_events_opts *o, bool type_container,
	      berth_event_cb cb, void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	struct events_probe probe = { .b = b, .cancel = cancel };
	if (berth_stall_timeout(b->ep, &probe.timeout_s, err) < 0)
		return -1;
	char *path = events_path(o, type_container, err);
	if (!path)
		return -1;
	struct events_ctx e = { .cb = cb, .ctx = ctx };
	struct json_stream js = { .tok = json_tokener_new(), .each = event_deliver, .ctx = &e };
	struct http_request rq = { .path = path, .cancel = cancel, .sink = json_stream_sink, .sink_ctx = &js,
				   .stall_s = probe.timeout_s, .on_stall = engine_frozen,
				   .stall_ctx = &probe };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(path);
	/* A ping that could not even open says so, not that the engine was silent. */
	if (rc < 0 && err && err->code == BERTH_ETIMEOUT && probe.err.code == BERTH_ENOFILES)
		*err = probe.err;
	if (rc == 0) {
		if (resp.status < 200 || resp.status >= 300)
			rc = docker_fail_reply(b, &resp, "follow the events of",
					       ((struct docker *)b->priv)->what, err);
		else if (js.bad)
			rc = berth_fail(err, BERTH_EPROTOCOL, "%s sent events that are not JSON",
					((struct docker *)b->priv)->what);
		http_response_done(&resp);
	}
	json_tokener_free(js.tok);
	return rc;
}

/* An events stream on the stream loop: its parser, and its owner's callbacks. */
struct events_follow {
	struct backend *b;
	struct events_ctx e;
	struct json_stream js;
	double stall_s;
	berth_follow_end_cb end;
	void *ctx;
};

/* Loop thread: a silent stream is a quiet engine while the engine answers the
 * other calls (the dashboard's probes) within the stall timeout. */
static int
events_follow_stalled(void *ctx)
{
	struct events_follow *f = ctx;
	return !docker_answered_within(f->b, f->stall_s);
}

/* Loop thread: the stream's end in the words of docker_events. */
static void
events_follow_end(void *ctx, enum stream_end why, const struct http_response *resp,
		  const struct berth_error *serr)
{
	struct events_follow *f = ctx;
	struct berth_error err = { 0 };
	int rc = 0;
	const char *what = docker_of(f->b)->what;
	if (why != STREAM_EOF) {
		err = *serr;
		rc = -1;
	} else if (resp->status < 200 || resp->status >= 300) {
		rc = docker_fail_reply(f->b, resp, "follow the events of", what, &err);
	} else if (f->js.bad) {
		rc = berth_fail(&err, BERTH_EPROTOCOL, "%s sent events that are not JSON", what);
	}
	f->end(f->ctx, rc, &err);
	json_tokener_free(f->js.tok);
	free(f);
}

int
docker_events_open(struct backend *b, time_t since, berth_event_cb cb, berth_follow_end_cb end,
		   void *ctx, berth_follow **out, struct berth_error *err)
{
	struct events_follow *f = xcalloc(1, sizeof *f);
	*f = (struct events_follow){ .b = b, .e = { .cb = cb, .ctx = ctx }, .end = end, .ctx = ctx };
	struct berth_events_opts o = { .since = since };
	char *path = NULL, *versioned = NULL;
	struct stream_loop *loop = stream_loop_shared(err);
	if (!loop || berth_stall_timeout(b->ep, &f->stall_s, err) < 0 ||
	    !(path = events_path(&o, true, err)) || !(versioned = docker_versioned_now(b, path, err))) {
		free(path);
		free(f);
		return -1;
	}
	f->js = (struct json_stream){ .tok = json_tokener_new(), .each = event_deliver, .ctx = &f->e };
	struct http_request rq = { .path = versioned, .sink = json_stream_sink, .sink_ctx = &f->js,
				   .stall_s = f->stall_s, .on_stall = events_follow_stalled, .stall_ctx = f };
	*out = stream_open(loop, &docker_of(b)->target, &rq, events_follow_end, f, err);
	free(path);
	free(versioned);
	if (!*out) {
		json_tokener_free(f->js.tok);
		free(f);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Processes (docker top). */

/* A JSON array of strings into n fresh strings (non-strings become ""). */
static char **
top_strings(struct json_object *a, size_t n)
{
	char **v = xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));
		v[i] = xstrdup(a && i < json_object_array_length(a) && s ? s : "");
	}
	return v;
}

/* {"Titles":[...],"Processes":[[...],...]}; a row of another width is cut or
 * padded to the titles'. */
static int
top_from_json(struct backend *b, struct json_object *o, struct berth_top **out,
	      struct berth_error *err)
{
	struct json_object *titles = model_obj(o, "Titles"), *procs = model_obj(o, "Processes");
	if (!titles || !json_object_is_type(titles, json_type_array) ||
	    (procs && !json_object_is_type(procs, json_type_array)))
		return berth_fail(err, BERTH_EPROTOCOL, "%s sent a malformed process list",
				  ((struct docker *)b->priv)->what);
	struct berth_top *t = xcalloc(1, sizeof *t);
	t->ncols = json_object_array_length(titles);
	t->titles = top_strings(titles, t->ncols);
	t->nrows = procs ? json_object_array_length(procs) : 0;
	t->cells = xcalloc(t->ncols * t->nrows + 1, sizeof *t->cells);
	for (size_t r = 0; r < t->nrows; r++) {
		struct json_object *row = json_object_array_get_idx(procs, r);
		if (!json_object_is_type(row, json_type_array))
			row = NULL;
		char **cells = top_strings(row, t->ncols);
		memcpy(t->cells + r * t->ncols, cells, t->ncols * sizeof *cells);
		free(cells);
	}
	*out = t;
	return 0;
}

int
docker_top(struct backend *b, const char *ref, const char *ps_args, struct berth_top **out,
	   berth_cancel *cancel, struct berth_error *err)
{
	char *args = ps_args && *ps_args ? http_escape(ps_args) : NULL;
	char *rest = args ? xasprintf("/top?ps_args=%s", args) : xstrdup("/top");
	char *path = docker_ctr_path(ref, rest);
	struct json_object *o = NULL;
	int rc = docker_simple(b, "GET", path, NULL, "list the processes of", ref, &o, cancel, err);
	free(args);
	free(rest);
	free(path);
	if (rc == 0)
		rc = top_from_json(b, o, out, err);
	json_object_put(o);
	return rc;
}
