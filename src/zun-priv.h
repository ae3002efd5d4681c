/* zun-priv.h (private): what zun.c (containers) and zun-io.c (exec, logs,
 * archives) share, and the entries zun-ops.c lists. */
#ifndef BERTH_ZUN_PRIV_H
#define BERTH_ZUN_PRIV_H

#include "keystone.h"
#include "util.h"

struct zun {
	struct os_session *os;
	const char *ep_name;	/* the endpoint's name, for messages */
};

static inline struct zun *
zun_of(struct backend *b)
{
	return b->priv;
}

/* One Zun request with the 1.41 microversion header; body (JSON) may be NULL.
 * timeout_s 0: the endpoint's request timeout. 0 when an answer came. */
int zun_call(struct zun *z, const char *method, const char *path, const char *body,
	     double timeout_s, berth_cancel *cancel, struct http_response *resp,
	     struct berth_error *err);
/* GET /containers/{ref}, resolving a unique uuid prefix when Zun does not know
 * ref; *doc gets the container's JSON. */
int zun_fetch(struct zun *z, const char *ref, struct json_object **doc, berth_cancel *cancel,
	      struct berth_error *err);
/* A container action (POST/GET/DELETE {ref}{suffix}) with the same prefix
 * resolution; 0 when an answer came (judge resp->status). */
int zun_action(struct zun *z, const char *method, const char *ref, const char *suffix,
	       const char *body, double timeout_s, berth_cancel *cancel,
	       struct http_response *resp, struct berth_error *err);
/* The same for an archive, whose size sets how long it takes: no total
 * timeout, given up on when Zun sends nothing (nor takes any of the body) for
 * stall_s seconds (0: never). */
int zun_transfer(struct zun *z, const char *method, const char *ref, const char *suffix,
		 const char *body, double stall_s, berth_cancel *cancel,
		 struct http_response *resp, struct berth_error *err);
/* One sentence for a failed Zun answer: "cannot VERB REF on ENDPOINT: <title>". */
int zun_fail(struct zun *z, const struct http_response *resp, const char *verb, const char *ref,
	     struct berth_error *err);
/* GET /logs (the last o->tail lines when use_tail); *text gets the decoded JSON
 * string ("" for null). */
int zun_logs_fetch(struct zun *z, const char *ref, const struct berth_logs_opts *o,
		   bool use_tail, berth_cancel *cancel, char **text, struct berth_error *err);
/* zun-edge.c: the errors of edge devices in one sentence each. A container doc in
 * Error: why, or NULL when it is no failure berth knows (then Zun's own reason is
 * the best there is). */
char *zun_edge_error(struct zun *z, const char *ref, struct json_object *doc,
		     berth_cancel *cancel);
/* A container doc still Creating when a wait for it ran out: what that means on
 * CHI@Edge. */
char *zun_edge_creating(struct zun *z, const char *ref, struct json_object *doc,
			double waited_s);
/* Rewrite err, from a refused create, when Zun's reason is the project's quota. */
void zun_edge_create_refused(struct zun *z, struct berth_error *err);
/* Zun's status word as berth's. */
enum berth_status zun_status(const char *word);

/* Run argv through /execute and collect its output (stdout and stderr together).
 * *exit_code: the command's code, -1 when Zun reports none (still running at the
 * site's timeout) or the binary was not found (then *missing is set). */
int zun_exec_collect(struct zun *z, const char *ref, char *const argv[], struct buf *out,
		     int *exit_code, bool *missing, berth_cancel *cancel, struct berth_error *err);
/* The command line whose shlex.split is exactly argv. Caller frees. */
char *zun_shell_join(char *const argv[]);

/* zun.c: the vtable entries for containers, floating IPs and leases. */
int zun_open(struct backend *b, struct berth_error *err);
void zun_close(struct backend *b);
int zun_ping(struct backend *b, char **version, berth_cancel *cancel, struct berth_error *err);
int zun_list(struct backend *b, bool all, struct berth_container ***out, size_t *n,
	     berth_cancel *cancel, struct berth_error *err);
int zun_inspect(struct backend *b, const char *ref, struct berth_container **out,
		berth_cancel *cancel, struct berth_error *err);
int zun_start(struct backend *b, const char *ref, berth_cancel *cancel, struct berth_error *err);
int zun_stop(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
	     struct berth_error *err);
int zun_restart(struct backend *b, const char *ref, int timeout_s, berth_cancel *cancel,
		struct berth_error *err);
int zun_kill(struct backend *b, const char *ref, const char *signal, berth_cancel *cancel,
	     struct berth_error *err);
int zun_remove(struct backend *b, const char *ref, bool force, berth_cancel *cancel,
	       struct berth_error *err);
int zun_wait(struct backend *b, const char *ref, double timeout_s, int *exit_code,
	     berth_cancel *cancel, struct berth_error *err);
int zun_wait_status(struct backend *b, const char *ref, enum berth_status st, double timeout_s,
		    berth_cancel *cancel, struct berth_error *err);
int zun_create(struct backend *b, const struct berth_create_opts *o, char **id,
	       berth_cancel *cancel, struct berth_error *err);
int zun_snapshot(struct backend *b, const char *ref, const char *repo, const char *tag,
		 char **image_id, berth_cancel *cancel, struct berth_error *err);
int zun_fip_list(struct backend *b, struct berth_fip **out, size_t *n, berth_cancel *cancel,
		 struct berth_error *err);
int zun_fip_associate(struct backend *b, const char *ref, const char *address, char **assigned,
		      berth_cancel *cancel, struct berth_error *err);
int zun_fip_dissociate(struct backend *b, const char *ref, berth_cancel *cancel,
		       struct berth_error *err);
int zun_lease_list(struct backend *b, struct berth_lease **out, size_t *n, berth_cancel *cancel,
		   struct berth_error *err);
int zun_lease_find(struct backend *b, const char *ref, struct berth_lease *out, berth_cancel *cancel,
		   struct berth_error *err);
int zun_lease_extend(struct backend *b, const char *ref, long by_s, time_t end,
		     struct berth_lease *out, berth_cancel *cancel, struct berth_error *err);

/* zun-io.c: the vtable entries for exec, logs and archives. */
int zun_exec(struct backend *b, const char *ref, char *const argv[],
	     const struct berth_exec_opts *o, berth_sink sink, void *ctx, int *exit_code,
	     berth_cancel *cancel, struct berth_error *err);
int zun_logs(struct backend *b, const char *ref, const struct berth_logs_opts *o,
	     berth_sink sink, void *ctx, berth_cancel *cancel, struct berth_error *err);
int zun_archive_stat(struct backend *b, const char *ref, const char *path,
		     struct archive_stat *st, berth_cancel *cancel, struct berth_error *err);
int zun_archive_get(struct backend *b, const char *ref, const char *ctr_src, berth_sink sink,
		    void *ctx, berth_cancel *cancel, struct berth_error *err);
int zun_archive_put(struct backend *b, const char *ref, const char *ctr_dir,
		    struct tar_reader *rd, berth_cancel *cancel, struct berth_error *err);

#endif
