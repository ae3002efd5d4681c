/* docker-images.c: images on a Docker engine or a Podman service: the list
 * (one entry per repository:tag, with how many containers use each image),
 * pull (the engine's progress stream read as it comes) and remove. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "docker-priv.h"
#include "model-json.h"
#include "util.h"

/* An image id without its "sha256:" (Podman lists containers' ImageID bare). */
static const char *
bare_id(const char *id)
{
	return id && str_starts_with(id, "sha256:") ? id + 7 : id ? id : "";
}

/* The containers of every state, counted by image id. */
static int
count_users(struct backend *b, struct json_object **ctrs, berth_cancel *cancel,
	    struct berth_error *err)
{
	return docker_simple(b, "GET", "/containers/json?all=1", NULL, "list containers on",
			     docker_of(b)->what, ctrs, cancel, err);
}

static int
users_of(struct json_object *ctrs, const char *id)
{
	int n = 0;
	size_t len = json_object_is_type(ctrs, json_type_array) ? json_object_array_length(ctrs) : 0;
	for (size_t i = 0; i < len; i++)
		n += strcmp(bare_id(model_str(json_object_array_get_idx(ctrs, i), "ImageID")),
			    bare_id(id)) == 0;
	return n;
}

/* "repo:tag" at the last ':' after the last '/' ("host:5000/repo" has no tag). */
static void
split_repo_tag(const char *rt, char **repo, char **tag)
{
	const char *colon = strrchr(rt, ':'), *slash = strrchr(rt, '/');
	if (!colon || (slash && colon < slash)) {
		*repo = xstrdup(rt);
		*tag = xstrdup("<none>");
		return;
	}
	*repo = xstrndup(rt, (size_t)(colon - rt));
	*tag = xstrdup(colon + 1);
}

static void
image_push(struct berth_image **v, size_t *n, struct json_object *img, const char *repo_tag,
	   int users)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	struct berth_image *im = &(*v)[(*n)++];
	*im = (struct berth_image){
		.id = xstrdup(model_str(img, "Id") ? model_str(img, "Id") : ""),
		.size = model_int(img, "Size"),
		.created = (time_t)model_int(img, "Created"),
		.containers = users,
	};
	if (repo_tag && strcmp(repo_tag, "<none>:<none>") != 0) {
		split_repo_tag(repo_tag, &im->repository, &im->tag);
	} else {
		im->repository = xstrdup("<none>");
		im->tag = xstrdup("<none>");
	}
}

static int
image_cmp(const void *a, const void *b)
{
	const struct berth_image *x = a, *y = b;
	int c = strcmp(x->repository, y->repository);
	return c ? c : strcmp(x->tag, y->tag);
}

int
docker_image_list(struct backend *b, struct berth_image **out, size_t *n, berth_cancel *cancel,
		  struct berth_error *err)
{
	struct json_object *imgs = NULL, *ctrs = NULL;
	if (docker_simple(b, "GET", "/images/json", NULL, "list images on", docker_of(b)->what,
			  &imgs, cancel, err) < 0)
		return -1;
	if (!json_object_is_type(imgs, json_type_array)) {
		json_object_put(imgs);
		return berth_fail(err, BERTH_EPROTOCOL, "%s sent an image list that is not a JSON array",
				  docker_of(b)->what);
	}
	if (count_users(b, &ctrs, cancel, err) < 0) {
		json_object_put(imgs);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(imgs); i++) {
		struct json_object *img = json_object_array_get_idx(imgs, i);
		struct json_object *tags = model_typed(img, "RepoTags", json_type_array);
		size_t ntags = tags ? json_object_array_length(tags) : 0;
		int users = users_of(ctrs, model_str(img, "Id"));
		for (size_t t = 0; t < ntags; t++)
			image_push(out, n, img, json_object_get_string(json_object_array_get_idx(tags, t)),
				   users);
		if (!ntags)
			image_push(out, n, img, NULL, users);
	}
	json_object_put(imgs);
	json_object_put(ctrs);
	if (*n)
		qsort(*out, *n, sizeof **out, image_cmp);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Pull. */

/* Image references are plain words; anything else is refused before it is
 * sent (and needs no escaping in a path). */
static bool
image_ref_ok(const char *ref)
{
	for (const char *p = ref; *p; p++)
		if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') || ('0' <= *p && *p <= '9') ||
		      strchr("._-/:@", *p)))
			return false;
	return *ref && *ref != '-';
}

struct pull_layer {
	char *id;
	unsigned long long current, total;
	bool done;
};

struct pull {
	berth_pull_cb progress;
	void *ctx;
	struct pull_layer *layers;
	size_t nlayers;
	char *status;
	char *error;		/* the engine's error message in the stream */
};

static struct pull_layer *
pull_layer(struct pull *p, const char *id)
{
	for (size_t i = 0; i < p->nlayers; i++)
		if (strcmp(p->layers[i].id, id) == 0)
			return &p->layers[i];
	p->layers = xrealloc(p->layers, (p->nlayers + 1) * sizeof *p->layers);
	p->layers[p->nlayers] = (struct pull_layer){ .id = xstrdup(id) };
	return &p->layers[p->nlayers++];
}

static void
pull_report(struct pull *p)
{
	if (!p->progress)
		return;
	struct berth_pull_progress pr = { .status = p->status ? p->status : "",
					  .layers = (int)p->nlayers };
	for (size_t i = 0; i < p->nlayers; i++) {
		pr.layers_done += p->layers[i].done;
		pr.bytes_done += p->layers[i].current;
		pr.bytes_total += p->layers[i].total;
	}
	p->progress(p->ctx, &pr);
}

/* {"status":"Downloading","id":"LAYER","progressDetail":{"current":N,"total":M}},
 * {"status":"Pulling from library/busybox","id":"latest"} (not a layer), or
 * {"error":"...","errorDetail":{"message":"..."}}. */
static int
pull_message(void *ctx, struct json_object *o)
{
	struct pull *p = ctx;
	const char *error = model_str(o, "error");
	if (error) {
		const char *detail = model_str(model_obj(o, "errorDetail"), "message");
		p->error = xstrdup(detail && *detail ? detail : error);
		return 1;
	}
	const char *status = model_str(o, "status"), *id = model_str(o, "id");
	if (!status)
		return 0;
	free(p->status);
	p->status = xstrdup(status);
	if (id && *id && !str_starts_with(status, "Pulling from")) {
		struct pull_layer *l = pull_layer(p, id);
		struct json_object *d = model_obj(o, "progressDetail");
		if (strcmp(status, "Downloading") == 0 && model_int(d, "total") > 0) {
			l->current = (unsigned long long)model_int(d, "current");
			l->total = (unsigned long long)model_int(d, "total");
		} else if (strcmp(status, "Download complete") == 0) {
			l->current = l->total;
		}
		l->done = l->done || strcmp(status, "Pull complete") == 0 ||
			  strcmp(status, "Already exists") == 0;
	}
	pull_report(p);
	return 0;
}

static void
pull_done(struct pull *p)
{
	for (size_t i = 0; i < p->nlayers; i++)
		free(p->layers[i].id);
	free(p->layers);
	free(p->status);
	free(p->error);
}

/* POST /images/create?fromImage=NAME&tag=TAG (a digest stays in fromImage). */
static char *
pull_path(const char *ref)
{
	const char *colon = strrchr(ref, ':'), *slash = strrchr(ref, '/');
	if (strchr(ref, '@'))
		return xasprintf("/images/create?fromImage=%s", ref);
	if (!colon || (slash && colon < slash))
		return xasprintf("/images/create?fromImage=%s&tag=latest", ref);
	return xasprintf("/images/create?fromImage=%.*s&tag=%s", (int)(colon - ref), ref, colon + 1);
}

int
docker_image_pull(struct backend *b, const char *ref, berth_pull_cb progress, void *ctx,
		  berth_cancel *cancel, struct berth_error *err)
{
	if (!image_ref_ok(ref))
		return berth_fail(err, BERTH_EUSAGE, "%s is not an image name", ref);
	double stall_s;
	if (berth_stall_timeout(b->ep, &stall_s, err) < 0)
		return -1;
	struct pull p = { .progress = progress, .ctx = ctx };
	struct json_stream js = { .tok = json_tokener_new(), .each = pull_message, .ctx = &p };
	char *path = pull_path(ref);
	struct http_request rq = { .method = "POST", .path = path, .cancel = cancel,
				   .sink = json_stream_sink, .sink_ctx = &js, .stall_s = stall_s };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(path);
	if (rc == 0) {
		if (resp.status < 200 || resp.status >= 300)
			rc = docker_fail_reply(b, &resp, "pull", ref, err);
		else if (p.error)
			rc = berth_fail(err, BERTH_EENGINE, "cannot pull %s: %s", ref, p.error);
		else if (js.bad)
			rc = berth_fail(err, BERTH_EPROTOCOL, "%s sent pull progress that is not JSON",
					docker_of(b)->what);
		http_response_done(&resp);
	}
	json_tokener_free(js.tok);
	pull_done(&p);
	return rc;
}

int
docker_image_remove(struct backend *b, const char *ref, bool force, berth_cancel *cancel,
		    struct berth_error *err)
{
	if (!image_ref_ok(ref))
		return berth_fail(err, BERTH_EUSAGE, "%s is not an image name", ref);
	char *path = xasprintf("/images/%s%s", ref, force ? "?force=1" : "");
	int rc = docker_simple(b, "DELETE", path, NULL, "remove image", ref, NULL, cancel, err);
	free(path);
	return rc;
}
