/* docker-priv.h (private): shared by the files of the Docker Engine API backend
 * (also Podman's Docker-compatible service): docker-ops.c lists the operations
 * of docker.c, docker-exec.c and docker-data.c, which go through docker-call.c. */
#ifndef BERTH_DOCKER_PRIV_H
#define BERTH_DOCKER_PRIV_H

#include <json-c/json.h>

#include "backend.h"
#include "http.h"

#define DOCKER_API_MAX "1.44"
#define DOCKER_API_MAX_MINOR 44

struct ssh_proxy;

struct docker {
	struct http_target target;
	struct ssh_proxy *ssh;		/* ssh:// endpoints: the local end of the tunnel */
	char *unix_path, *base_url, *what;
	char *ca_file, *cert_file, *key_file;
	pthread_mutex_t lock;		/* guards version negotiation */
	char api[16];			/* "1.41", negotiated or pinned */
	bool pinned;			/* DOCKER_API_VERSION or api_version set api */
	bool negotiated;		/* /_ping answered; api and podman are final */
	bool podman;			/* set during negotiation only */
	_Atomic double last_answer;	/* now_monotonic() of the last reply, of any call */
};

static inline struct docker *
docker_of(struct backend *b)
{
	return b->priv;
}

/* docker-call.c */
/* Set the endpoint's target up from its spec and config section (no network). */
int docker_open(struct backend *b, struct berth_error *err);
void docker_close(struct backend *b);
/* Negotiate the API version, once per endpoint, from an unversioned probe of path
 * (/_ping, or /version whose body then goes to *body; NULL once negotiated). */
int docker_negotiate_via(struct backend *b, const char *path, berth_cancel *cancel, char **body,
			 struct berth_error *err);
/* One API call, versioned and negotiated; path has no /vX.Y prefix. Fills resp
 * for any HTTP status; -1 only when the exchange itself failed. */
int docker_call(struct backend *b, struct http_request *rq, struct http_response *resp,
		struct berth_error *err);
/* A call whose reply must be 2xx (or 304), with its body parsed as JSON when
 * out is not NULL. action ("start", "inspect"...) and ref name the failure. */
int docker_simple(struct backend *b, const char *method, const char *path, const char *json_body,
		  const char *action, const char *ref, struct json_object **out,
		  berth_cancel *cancel, struct berth_error *err);
/* "/v<API>" + path after negotiating, for requests made outside docker_call
 * (hijacked connections); NULL with err filled when the engine is unreachable. */
char *docker_versioned(struct backend *b, const char *path, berth_cancel *cancel,
		       struct berth_error *err);
/* Turn a non-2xx reply into one sentence, keeping the engine's message. */
int docker_fail_reply(struct backend *b, const struct http_response *resp, const char *action,
		      const char *ref, struct berth_error *err);
/* A reply's body as JSON; BERTH_EPROTOCOL when it is not. */
int docker_json_body(struct backend *b, const struct http_response *resp,
		     struct json_object **out, struct berth_error *err);
/* The engine's error message of a reply ("" when none); caller frees. */
char *docker_reply_message(const struct http_response *resp);
/* The container's path segment /containers/REF (escaped); caller frees. */
char *docker_ctr_path(const char *ref, const char *rest);
/* The versioned path "/v<API>" + path without touching the network; NULL
 * with err filled when the version is not negotiated yet. */
char *docker_versioned_now(struct backend *b, const char *path, struct berth_error *err);
/* The engine answered some call within the last seconds. */
bool docker_answered_within(struct backend *b, double seconds);
/* A transport failure in the words that help (ssh's own complaint, a hint
 * about DOCKER_HOST), as docker_call words it; a stream's end uses it too. */
void docker_explain_transport_error(struct backend *b, struct berth_error *err);
/* The request timeout for ordinary calls. */
double docker_timeout(struct backend *b);
/* Sleep up to ms, waking early when cancelled; -1 if cancelled. */
int docker_nap(berth_cancel *cancel, int ms);
/* Inspect a container's raw document. */
int docker_inspect_raw(struct backend *b, const char *ref, struct json_object **out,
		       berth_cancel *cancel, struct berth_error *err);

/* docker-ssh.c */
/* ssh_options: more words for the ssh command line (shell quoting), or NULL. */
int ssh_proxy_start(const char *spec, double connect_timeout, const char *ssh_options,
		    struct ssh_proxy **out, struct berth_error *err);
void ssh_proxy_stop(struct ssh_proxy *p);
const char *ssh_proxy_socket(const struct ssh_proxy *p);
/* The last line ssh wrote on stderr, or NULL; caller frees. */
char *ssh_proxy_last_error(const struct ssh_proxy *p);

/* docker.c */
int docker_ping(struct backend *b, char **version, berth_cancel *cancel, struct berth_error *err);
int docker_ping_open(struct backend *b, double deadline_s, berth_follow_end_cb end, void *ctx,
		     berth_follow **out, struct berth_error *err);
int docker_list(struct backend *b, bool all, struct berth_container ***out, size_t *n,
		berth_cancel *cancel, struct berth_error *err);
int docker_inspect(struct backend *b, const char *ref, struct berth_container **out,
		   berth_cancel *cancel, struct berth_error *err);
int docker_start(struct backend *b, const char *ref, berth_cancel *cancel, struct berth_error *err);
int docker_stop(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
		struct berth_error *err);
int docker_restart(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
		   struct berth_error *err);
int docker_kill(struct backend *b, const char *ref, const char *signal, berth_cancel *cancel,
		struct berth_error *err);
int docker_remove(struct backend *b, const char *ref, bool force, berth_cancel *cancel,
		  struct berth_error *err);
int docker_wait(struct backend *b, const char *ref, double timeout_s, int *exit_code,
		berth_cancel *cancel, struct berth_error *err);
int docker_wait_status(struct backend *b, const char *ref, enum berth_status want,
		       double timeout_s, berth_cancel *cancel, struct berth_error *err);
int docker_create(struct backend *b, const struct berth_create_opts *o, char **id,
		  berth_cancel *cancel, struct berth_error *err);
int docker_snapshot(struct backend *b, const char *ref, const char *repo, const char *tag,
		    char **image_id, berth_cancel *cancel, struct berth_error *err);

/* docker-images.c */
int docker_image_list(struct backend *b, struct berth_image **out, size_t *n,
		      berth_cancel *cancel, struct berth_error *err);
int docker_image_pull(struct backend *b, const char *ref, berth_pull_cb progress, void *ctx,
		      berth_cancel *cancel, struct berth_error *err);
int docker_image_remove(struct backend *b, const char *ref, bool force, berth_cancel *cancel,
			struct berth_error *err);

/* docker-exec.c */
int docker_exec(struct backend *b, const char *ref, char *const argv[],
		const struct berth_exec_opts *o, berth_sink sink, void *ctx, int *exit_code,
		berth_cancel *cancel, struct berth_error *err);
int docker_exec_interactive(struct backend *b, const char *ref, char *const argv[],
			    const struct berth_session *s, int *exit_code, struct berth_error *err);
int docker_logs(struct backend *b, const char *ref, const struct berth_logs_opts *o,
		berth_sink sink, void *ctx, berth_cancel *cancel, struct berth_error *err);

/* docker-data.c */
int docker_archive_stat(struct backend *b, const char *ref, const char *path,
			struct archive_stat *st, berth_cancel *cancel, struct berth_error *err);
int docker_archive_get(struct backend *b, const char *ref, const char *ctr_src, berth_sink sink,
		       void *ctx, berth_cancel *cancel, struct berth_error *err);
int docker_archive_put(struct backend *b, const char *ref, const char *ctr_dir,
		       struct tar_reader *rd, berth_cancel *cancel, struct berth_error *err);
int docker_export(struct backend *b, const char *ref, berth_sink sink, void *ctx,
		  berth_cancel *cancel, struct berth_error *err);
int docker_stats(struct backend *b, const char *ref, struct berth_stats_sample *out,
		 berth_cancel *cancel, struct berth_error *err);
int docker_events(struct backend *b, const struct berth_events_opts *o, bool type_container,
		  berth_event_cb cb, void *ctx, berth_cancel *cancel, struct berth_error *err);
int docker_events_open(struct backend *b, time_t since, berth_event_cb cb, berth_follow_end_cb end,
		       void *ctx, berth_follow **out, struct berth_error *err);
int docker_logs_open(struct backend *b, const char *ref, const struct berth_logs_opts *o,
		     berth_sink sink, void *sink_ctx, berth_follow_end_cb end, void *ctx,
		     berth_follow **out, berth_cancel *cancel, struct berth_error *err);
int docker_top(struct backend *b, const char *ref, const char *ps_args, struct berth_top **out,
	       berth_cancel *cancel, struct berth_error *err);

#endif
