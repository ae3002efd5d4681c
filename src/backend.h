/* backend.h (private): what an engine implements, and the endpoint it lives in.
 *
 * docker.c (Docker and Podman) and zun.c each export one `struct backend_ops`.
 * api.c implements the public berth_* calls of berth.h by resolving the
 * endpoint and calling through the vtable; a NULL entry becomes one clear
 * sentence ("... needs a Zun endpoint", "... is not supported by Zun").
 */
#ifndef BERTH_BACKEND_H
#define BERTH_BACKEND_H

#include <pthread.h>

#include "berth.h"

struct backend;
struct archive_stat;
struct tar_reader;

struct backend_ops {
	const char *name;	/* "docker", "zun" */

	int (*open)(struct backend *b, struct berth_error *err);	/* no network */
	void (*close)(struct backend *b);

	int (*ping)(struct backend *b, char **version, berth_cancel *, struct berth_error *);
	/* The ping as an exchange on the stream loop, as berth_ping_open says;
	 * never blocks. */
	int (*ping_open)(struct backend *b, double deadline_s, berth_follow_end_cb end, void *ctx,
			 berth_follow **out, struct berth_error *);
	int (*list)(struct backend *b, bool all, struct berth_container ***out, size_t *n,
		    berth_cancel *, struct berth_error *);
	int (*inspect)(struct backend *b, const char *ref, struct berth_container **out,
		       berth_cancel *, struct berth_error *);

	int (*start)(struct backend *b, const char *ref, berth_cancel *, struct berth_error *);
	int (*stop)(struct backend *b, const char *ref, int timeout_s, berth_cancel *,
		    struct berth_error *);
	int (*restart)(struct backend *b, const char *ref, int timeout_s, berth_cancel *,
		       struct berth_error *);
	int (*kill)(struct backend *b, const char *ref, const char *signal, berth_cancel *,
		    struct berth_error *);
	int (*remove)(struct backend *b, const char *ref, bool force, berth_cancel *,
		      struct berth_error *);
	int (*wait)(struct backend *b, const char *ref, double timeout_s, int *exit_code,
		    berth_cancel *, struct berth_error *);
	int (*wait_status)(struct backend *b, const char *ref, enum berth_status st,
			   double timeout_s, berth_cancel *, struct berth_error *);

	int (*create)(struct backend *b, const struct berth_create_opts *o, char **id,
		      berth_cancel *, struct berth_error *);
	int (*snapshot)(struct backend *b, const char *ref, const char *repo, const char *tag,
			char **image_id, berth_cancel *, struct berth_error *);

	int (*image_list)(struct backend *b, struct berth_image **out, size_t *n, berth_cancel *,
			  struct berth_error *);
	int (*image_pull)(struct backend *b, const char *ref, berth_pull_cb progress, void *ctx,
			  berth_cancel *, struct berth_error *);
	int (*image_remove)(struct backend *b, const char *ref, bool force, berth_cancel *,
			    struct berth_error *);

	int (*exec)(struct backend *b, const char *ref, char *const argv[],
		    const struct berth_exec_opts *o, berth_sink sink, void *ctx, int *exit_code,
		    berth_cancel *, struct berth_error *);
	int (*exec_interactive)(struct backend *b, const char *ref, char *const argv[],
				const struct berth_session *s, int *exit_code,
				struct berth_error *);
	int (*logs)(struct backend *b, const char *ref, const struct berth_logs_opts *o,
		    berth_sink sink, void *ctx, berth_cancel *, struct berth_error *);
	/* A log follow on the stream loop, as berth_logs_open says. */
	int (*logs_open)(struct backend *b, const char *ref, const struct berth_logs_opts *o,
			 berth_sink sink, void *sink_ctx, berth_follow_end_cb end, void *ctx,
			 berth_follow **out, berth_cancel *, struct berth_error *);

	/* Archives: a tar stream of ctr_src is written to sink; put reads a tar from
	 * the reader and unpacks it into the existing directory ctr_dir. */
	int (*archive_stat)(struct backend *b, const char *ref, const char *path,
			    struct archive_stat *st, berth_cancel *, struct berth_error *);
	int (*archive_get)(struct backend *b, const char *ref, const char *ctr_src,
			   berth_sink sink, void *ctx, berth_cancel *, struct berth_error *);
	int (*archive_put)(struct backend *b, const char *ref, const char *ctr_dir,
			   struct tar_reader *rd, berth_cancel *, struct berth_error *);
	int (*export_fs)(struct backend *b, const char *ref, berth_sink sink, void *ctx,
			 berth_cancel *, struct berth_error *);

	int (*stats)(struct backend *b, const char *ref, struct berth_stats_sample *out,
		     berth_cancel *, struct berth_error *);
	/* type_container: add the filter type=container to o's. */
	int (*events)(struct backend *b, const struct berth_events_opts *o, bool type_container,
		      berth_event_cb cb, void *ctx, berth_cancel *, struct berth_error *);
	/* The events stream (type=container, from since) opened on the stream
	 * loop, as berth_events_open says; never blocks. */
	int (*events_open)(struct backend *b, time_t since, berth_event_cb cb, berth_follow_end_cb end,
			   void *ctx, berth_follow **out, struct berth_error *);
	int (*top)(struct backend *b, const char *ref, const char *ps_args, struct berth_top **out,
		   berth_cancel *, struct berth_error *);

	int (*fip_list)(struct backend *b, struct berth_fip **out, size_t *n, berth_cancel *,
			struct berth_error *);
	int (*fip_associate)(struct backend *b, const char *ref, const char *address,
			     char **assigned, berth_cancel *, struct berth_error *);
	int (*fip_dissociate)(struct backend *b, const char *ref, berth_cancel *,
			      struct berth_error *);
	int (*lease_list)(struct backend *b, struct berth_lease **out, size_t *n,
			  berth_cancel *cancel, struct berth_error *);
	int (*lease_find)(struct backend *b, const char *ref, struct berth_lease *out,
			  berth_cancel *cancel, struct berth_error *);
	int (*lease_extend)(struct backend *b, const char *ref, long by_s, time_t end,
			    struct berth_lease *out, berth_cancel *cancel, struct berth_error *);
};

/* What an archive path is in a container (Docker's X-Docker-Container-Path-Stat). */
struct archive_stat {
	bool exists;
	bool is_dir;
	bool is_link;
	char link_target[1024];
	uint64_t size;
	unsigned mode;
};

/* A pull-style byte source for archive_put: returns bytes read, 0 at end, -1 on
 * error (with err filled in by the reader). */
struct tar_reader {
	ssize_t (*read)(struct tar_reader *rd, char *buf, size_t len);
	void *ctx;
	struct berth_error *err;	/* where the reader reports its own failure */
};

/* One engine connection, owned by its endpoint. */
struct backend {
	const struct backend_ops *ops;
	struct berth_endpoint *ep;
	void *priv;			/* the backend's own state */
};

struct berth_endpoint {
	char *name;			/* as given by the user or resolved */
	char *spec;			/* normalized: unix:///p, tcp://h:p, ssh://..., zun:CLOUD */
	char *address;			/* socket path, host:port, or auth URL */
	enum berth_kind kind;
	struct berth_options opts;
	struct berth_endpoint_conf *conf;	/* config-file section, or NULL */
	struct backend backend;

	pthread_mutex_t cache_lock;	/* guards cache (inspect(refresh=false)) */
	struct berth_container **cache; size_t ncache;
};

extern const struct backend_ops docker_backend_ops;
extern const struct backend_ops zun_backend_ops;

#endif
