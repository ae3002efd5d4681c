/* api.c: the public berth_* calls, dispatched through the endpoint's backend.
 *
 * A backend leaves an entry NULL when its engine cannot do the operation;
 * that becomes one sentence naming the operation and the endpoint. The
 * endpoint's inspect cache (inspect(refresh=false)) lives here.
 */
#include "config.h"

#include <string.h>

#include <curl/curl.h>

#include "backend.h"
#include "streams.h"
#include "util.h"

#define CACHE_MAX 1024		/* inspect snapshots kept per endpoint */

/* The sentence for an operation the endpoint's engine does not have. */
static int
unsupported(berth_endpoint *ep, const char *what, bool plural, struct berth_error *err)
{
	const char *name = ep->name ? ep->name : ep->address;
	/* A Podman service is told apart by its answer: ask, if nobody has yet. */
	if (ep->kind == BERTH_KIND_DOCKER && ep->backend.ops->ping)
		ep->backend.ops->ping(&ep->backend, NULL, NULL, NULL);
	if (ep->kind == BERTH_KIND_ZUN)
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s %s not supported by Zun; %s is a Zun site",
				  what, plural ? "are" : "is", name);
	return berth_fail(err, BERTH_EUNSUPPORTED, "%s need%s a Zun endpoint; %s is a %s", what,
			  plural ? "" : "s", name,
			  ep->kind == BERTH_KIND_PODMAN ? "Podman service" : "Docker engine");
}

static const struct backend_ops *
ops_of(berth_endpoint *ep)
{
	return ep->backend.ops;
}

static struct backend *
be(berth_endpoint *ep)
{
	return &ep->backend;
}

/* Guard for every call: an endpoint with a backend. */
static bool
usable(berth_endpoint *ep, struct berth_error *err)
{
	if (err) {
		err->code = BERTH_OK;
		err->http_status = 0;
		err->message[0] = '\0';
	}
	if (!ep || !ep->backend.ops) {
		berth_fail(err, BERTH_EUSAGE, "no endpoint is open");
		return false;
	}
	return true;
}

/* Guard for a call that changes something: refused on a read-only endpoint. */
static bool
refused(berth_endpoint *ep, const char *what, struct berth_error *err)
{
	return usable(ep, err) && berth_refuse_if_read_only(ep, what, err) < 0;
}

#define DISPATCH(ep, op, what, plural, err, ...)                                        \
	(!usable((ep), (err)) ? -1                                                       \
	 : !ops_of(ep)->op ? unsupported((ep), (what), (plural), (err))                  \
	 : ops_of(ep)->op(be(ep), __VA_ARGS__))

const char *
berth_kind_name(enum berth_kind k)
{
	switch (k) {
	case BERTH_KIND_DOCKER: return "docker";
	case BERTH_KIND_PODMAN: return "podman";
	case BERTH_KIND_ZUN: return "zun";
	}
	return "unknown";
}

int
berth_init(void)
{
	berth_raise_nofile_limit();	/* a fleet holds a stream or two per endpoint */
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

const char *
berth_version_string(void)
{
	return PACKAGE_VERSION;
}

int
berth_ping(berth_endpoint *ep, char **version, berth_cancel *cancel, struct berth_error *err)
{
	return DISPATCH(ep, ping, "pinging", false, err, version, cancel, err);
}

int
berth_list(berth_endpoint *ep, bool all, struct berth_container ***out, size_t *n,
	   berth_cancel *cancel, struct berth_error *err)
{
	*out = NULL;
	*n = 0;
	return DISPATCH(ep, list, "listing containers", false, err, all, out, n, cancel, err);
}

/* ------------------------------------------------------------------ */
/* The inspect cache. */

/* Docker's order: a full id, then a name, then a unique id prefix. */
static bool
cache_matches(const struct berth_container *c, const char *ref, bool prefix)
{
	if (prefix)
		return c->id && str_starts_with(c->id, ref);
	return (c->id && strcmp(c->id, ref) == 0) || (c->name && strcmp(c->name, ref) == 0);
}

/* A copy of the cached snapshot for ref, or NULL. */
static struct berth_container *
cache_get(berth_endpoint *ep, const char *ref)
{
	struct berth_container *found = NULL;
	pthread_mutex_lock(&ep->cache_lock);
	for (size_t i = 0; i < ep->ncache && !found; i++)
		if (cache_matches(ep->cache[i], ref, false))
			found = ep->cache[i];
	for (size_t i = 0; i < ep->ncache && !found; i++) {
		if (!cache_matches(ep->cache[i], ref, true))
			continue;
		for (size_t k = i + 1; k < ep->ncache; k++)
			if (cache_matches(ep->cache[k], ref, true))
				goto ambiguous;
		found = ep->cache[i];
	}
ambiguous:
	found = berth_container_dup(found);
	pthread_mutex_unlock(&ep->cache_lock);
	return found;
}

/* Replace (or add) the cached snapshot of c's container. */
static void
cache_put(berth_endpoint *ep, const struct berth_container *c)
{
	struct berth_container *copy = berth_container_dup(c);
	pthread_mutex_lock(&ep->cache_lock);
	size_t i;
	for (i = 0; i < ep->ncache; i++)
		if (ep->cache[i]->id && c->id && strcmp(ep->cache[i]->id, c->id) == 0)
			break;
	if (i < ep->ncache) {
		berth_container_free(ep->cache[i]);
	} else if (ep->ncache == CACHE_MAX) {
		/* Containers removed behind berth's back: forget the oldest. */
		berth_container_free(ep->cache[0]);
		memmove(ep->cache, ep->cache + 1, (ep->ncache - 1) * sizeof *ep->cache);
		i = ep->ncache - 1;
	} else {
		ep->cache = xrealloc(ep->cache, (ep->ncache + 1) * sizeof *ep->cache);
		ep->ncache++;
	}
	ep->cache[i] = copy;
	pthread_mutex_unlock(&ep->cache_lock);
}

static void
cache_drop(berth_endpoint *ep, const char *ref)
{
	pthread_mutex_lock(&ep->cache_lock);
	for (size_t i = 0; i < ep->ncache;) {
		if (cache_matches(ep->cache[i], ref, false) || cache_matches(ep->cache[i], ref, true)) {
			berth_container_free(ep->cache[i]);
			ep->cache[i] = ep->cache[--ep->ncache];
		} else {
			i++;
		}
	}
	pthread_mutex_unlock(&ep->cache_lock);
}

int
berth_inspect(berth_endpoint *ep, const char *ref, bool refresh, struct berth_container **out,
	      berth_cancel *cancel, struct berth_error *err)
{
	*out = NULL;
	if (!usable(ep, err))
		return -1;
	if (!ref || !*ref)
		return berth_fail(err, BERTH_EUSAGE, "no container was named");
	if (!refresh && (*out = cache_get(ep, ref)))
		return 0;
	if (DISPATCH(ep, inspect, "inspecting containers", false, err, ref, out, cancel, err) < 0)
		return -1;
	cache_put(ep, *out);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lifecycle. */

int
berth_start(berth_endpoint *ep, const char *ref, berth_cancel *cancel, struct berth_error *err)
{
	if (refused(ep, "starting containers", err))
		return -1;
	return DISPATCH(ep, start, "starting containers", false, err, ref, cancel, err);
}

int
berth_stop(berth_endpoint *ep, const char *ref, int timeout_s, berth_cancel *cancel,
	   struct berth_error *err)
{
	if (refused(ep, "stopping containers", err))
		return -1;
	return DISPATCH(ep, stop, "stopping containers", false, err, ref, timeout_s, cancel, err);
}

int
berth_restart(berth_endpoint *ep, const char *ref, int timeout_s, berth_cancel *cancel,
	      struct berth_error *err)
{
	if (refused(ep, "restarting containers", err))
		return -1;
	return DISPATCH(ep, restart, "restarting containers", false, err, ref, timeout_s, cancel,
			err);
}

int
berth_kill(berth_endpoint *ep, const char *ref, const char *signal, berth_cancel *cancel,
	   struct berth_error *err)
{
	if (refused(ep, "sending signals", err))
		return -1;
	return DISPATCH(ep, kill, "sending signals", false, err, ref, signal, cancel, err);
}

int
berth_remove(berth_endpoint *ep, const char *ref, bool force, berth_cancel *cancel,
	     struct berth_error *err)
{
	if (refused(ep, "removing containers", err))
		return -1;
	if (DISPATCH(ep, remove, "removing containers", false, err, ref, force, cancel, err) < 0)
		return -1;
	cache_drop(ep, ref);
	return 0;
}

int
berth_wait(berth_endpoint *ep, const char *ref, double timeout_s, int *exit_code,
	   berth_cancel *cancel, struct berth_error *err)
{
	return DISPATCH(ep, wait, "waiting for containers", false, err, ref, timeout_s, exit_code,
			cancel, err);
}

int
berth_wait_status(berth_endpoint *ep, const char *ref, enum berth_status status,
		  double timeout_s, berth_cancel *cancel, struct berth_error *err)
{
	return DISPATCH(ep, wait_status, "waiting for a status", false, err, ref, status, timeout_s,
			cancel, err);
}

int
berth_create(berth_endpoint *ep, const struct berth_create_opts *o, char **id,
	     berth_cancel *cancel, struct berth_error *err)
{
	*id = NULL;
	if (refused(ep, "creating containers", err))
		return -1;
	if (usable(ep, err) && !o)
		return berth_fail(err, BERTH_EUSAGE, "no container specification was given");
	return DISPATCH(ep, create, "creating containers", false, err, o, id, cancel, err);
}

int
berth_snapshot(berth_endpoint *ep, const char *ref, const char *repository, const char *tag,
	       char **image_id, berth_cancel *cancel, struct berth_error *err)
{
	if (refused(ep, "taking snapshots", err))
		return -1;
	return DISPATCH(ep, snapshot, "snapshots", true, err, ref, repository, tag, image_id, cancel,
			err);
}

/* ------------------------------------------------------------------ */
/* Images. */

int
berth_image_list(berth_endpoint *ep, struct berth_image **out, size_t *n, berth_cancel *cancel,
		 struct berth_error *err)
{
	*out = NULL;
	*n = 0;
	return DISPATCH(ep, image_list, "listing images", false, err, out, n, cancel, err);
}

int
berth_image_pull(berth_endpoint *ep, const char *ref, berth_pull_cb progress, void *ctx,
		 berth_cancel *cancel, struct berth_error *err)
{
	if (refused(ep, "pulling images", err))
		return -1;
	if (!ref || !*ref)
		return berth_fail(err, BERTH_EUSAGE, "no image was named");
	return DISPATCH(ep, image_pull, "pulling images", false, err, ref, progress, ctx, cancel,
			err);
}

int
berth_image_remove(berth_endpoint *ep, const char *ref, bool force, berth_cancel *cancel,
		   struct berth_error *err)
{
	if (refused(ep, "removing images", err))
		return -1;
	if (!ref || !*ref)
		return berth_fail(err, BERTH_EUSAGE, "no image was named");
	return DISPATCH(ep, image_remove, "removing images", false, err, ref, force, cancel, err);
}

/* ------------------------------------------------------------------ */
/* Exec and logs. */

int
berth_exec(berth_endpoint *ep, const char *ref, char *const argv[],
	   const struct berth_exec_opts *o, berth_sink sink, void *ctx, int *exit_code,
	   berth_cancel *cancel, struct berth_error *err)
{
	if (refused(ep, "running commands", err))
		return -1;
	return DISPATCH(ep, exec, "running commands", false, err, ref, argv, o, sink, ctx,
			exit_code, cancel, err);
}

int
berth_exec_interactive(berth_endpoint *ep, const char *ref, char *const argv[],
		       const struct berth_session *s, int *exit_code, struct berth_error *err)
{
	if (refused(ep, "interactive sessions", err))
		return -1;
	return DISPATCH(ep, exec_interactive, "interactive sessions", true, err, ref, argv, s,
			exit_code, err);
}

int
berth_logs(berth_endpoint *ep, const char *ref, const struct berth_logs_opts *o,
	   berth_sink sink, void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	return DISPATCH(ep, logs, "logs", true, err, ref, o, sink, ctx, cancel, err);
}

/* ------------------------------------------------------------------ */
/* Stats and events. */

int
berth_stats(berth_endpoint *ep, const char *ref, struct berth_stats_sample *out,
	    berth_cancel *cancel, struct berth_error *err)
{
	memset(out, 0, sizeof *out);
	return DISPATCH(ep, stats, "statistics", true, err, ref, out, cancel, err);
}

int
berth_events(berth_endpoint *ep, time_t since, berth_event_cb cb, void *ctx,
	     berth_cancel *cancel, struct berth_error *err)
{
	struct berth_events_opts o = { .since = since };
	return DISPATCH(ep, events, "events", true, err, &o, true, cb, ctx, cancel, err);
}

berth_follow *
berth_events_open(berth_endpoint *ep, time_t since, berth_event_cb cb, berth_follow_end_cb end,
		  void *ctx, struct berth_error *err)
{
	berth_follow *s = NULL;
	if (DISPATCH(ep, events_open, "events", true, err, since, cb, end, ctx, &s, err) < 0)
		return NULL;
	return s;
}

berth_follow *
berth_ping_open(berth_endpoint *ep, double deadline_s, berth_follow_end_cb end, void *ctx,
		struct berth_error *err)
{
	berth_follow *s = NULL;
	if (DISPATCH(ep, ping_open, "pinging on the stream loop", false, err, deadline_s, end, ctx,
		     &s, err) < 0)
		return NULL;
	return s;
}

void
berth_follow_close(berth_follow *s)
{
	stream_close(s);
}

void
berth_follow_resume(berth_follow *s)
{
	stream_resume(s);
}

berth_follow *
berth_logs_open(berth_endpoint *ep, const char *ref, const struct berth_logs_opts *o,
		berth_sink sink, void *sink_ctx, berth_follow_end_cb end, void *ctx,
		berth_cancel *cancel, struct berth_error *err)
{
	berth_follow *s = NULL;
	if (DISPATCH(ep, logs_open, "log streams", true, err, ref, o, sink, sink_ctx, end, ctx, &s,
		     cancel, err) < 0)
		return NULL;
	return s;
}

int
berth_events_query(berth_endpoint *ep, const struct berth_events_opts *o, berth_event_cb cb,
		   void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	return DISPATCH(ep, events, "events", true, err, o, false, cb, ctx, cancel, err);
}

int
berth_top(berth_endpoint *ep, const char *ref, const char *ps_args, struct berth_top **out,
	  berth_cancel *cancel, struct berth_error *err)
{
	*out = NULL;
	return DISPATCH(ep, top, "process lists", true, err, ref, ps_args, out, cancel, err);
}

/* ------------------------------------------------------------------ */
/* Floating IPs and leases. */

int
berth_fip_list(berth_endpoint *ep, struct berth_fip **out, size_t *n, berth_cancel *cancel,
	       struct berth_error *err)
{
	*out = NULL;
	*n = 0;
	return DISPATCH(ep, fip_list, "floating IPs", true, err, out, n, cancel, err);
}

int
berth_fip_associate(berth_endpoint *ep, const char *ref, const char *address, char **assigned,
		    berth_cancel *cancel, struct berth_error *err)
{
	if (assigned)
		*assigned = NULL;
	if (refused(ep, "associating floating IPs", err))
		return -1;
	return DISPATCH(ep, fip_associate, "floating IPs", true, err, ref, address, assigned, cancel,
			err);
}

int
berth_fip_dissociate(berth_endpoint *ep, const char *ref, berth_cancel *cancel,
		     struct berth_error *err)
{
	if (refused(ep, "dissociating floating IPs", err))
		return -1;
	return DISPATCH(ep, fip_dissociate, "floating IPs", true, err, ref, cancel, err);
}

int
berth_lease_list(berth_endpoint *ep, struct berth_lease **out, size_t *n, berth_cancel *cancel,
		 struct berth_error *err)
{
	*out = NULL;
	*n = 0;
	return DISPATCH(ep, lease_list, "leases", true, err, out, n, cancel, err);
}

int
berth_lease_find(berth_endpoint *ep, const char *ref, struct berth_lease *out,
		 berth_cancel *cancel, struct berth_error *err)
{
	memset(out, 0, sizeof *out);
	return DISPATCH(ep, lease_find, "leases", true, err, ref, out, cancel, err);
}

int
berth_lease_extend(berth_endpoint *ep, const char *ref, long by_s, time_t end,
		   struct berth_lease *out, berth_cancel *cancel, struct berth_error *err)
{
	if (out)
		memset(out, 0, sizeof *out);
	if (refused(ep, "extending leases", err))
		return -1;
	return DISPATCH(ep, lease_extend, "leases", true, err, ref, by_s, end, out, cancel, err);
}
