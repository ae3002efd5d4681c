/* berth.h: the public face of libberth, the core of berth.
 *
 * libberth drives containers on a Docker Engine, a Podman service (its
 * Docker-compatible API) and an OpenStack Zun site through one set of calls.
 * It never touches the terminal.
 *
 * Conventions for every call below:
 * - Every call is thread-safe; one endpoint may be used from many threads.
 * - Calls return 0 on success and -1 on failure, with *err filled with one
 *   sentence (err may be NULL).
 * - A call that hands out an allocated object hands ownership to the caller,
 *   who frees it with the matching _free function (or free() for strings).
 * - Every call that can block (one that talks to an engine, a cloud or a
 *   container) takes a berth_cancel (may be NULL); cancelling it from any
 *   thread makes the call return BERTH_ECANCELLED promptly.
 * - CONTAINER references (ref) are a name, an id or a unique id prefix.
 */
#ifndef BERTH_H
#define BERTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct json_object;

/* ------------------------------------------------------------------ */
/* Errors. */

enum berth_errcode {
	BERTH_OK = 0,
	BERTH_EUSAGE,		/* the caller's arguments are wrong */
	BERTH_ENOTFOUND,	/* no such container, image, path or resource */
	BERTH_ECONNECT,		/* the engine cannot be reached */
	BERTH_ETIMEOUT,		/* a timeout ran out */
	BERTH_ECANCELLED,	/* the call was cancelled */
	BERTH_EENGINE,		/* the engine answered with an error */
	BERTH_ECONFLICT,	/* wrong state (not running, already exists...) */
	BERTH_EUNSUPPORTED,	/* this kind of endpoint cannot do it */
	BERTH_EPROTOCOL,	/* the engine's reply makes no sense */
	BERTH_EIO,		/* a local file or socket failed */
	BERTH_EUNSAFE,		/* refused: would write outside a destination */
	BERTH_EAUTH,		/* authentication failed */
	BERTH_EFAILED,		/* a command ran and failed (exec exit code != 0) */
	BERTH_EREADONLY,	/* refused: the endpoint is in read-only mode */
	BERTH_ENOFILES,		/* berth ran out of file descriptors (EMFILE, ENFILE) */
};

/* The start of a BERTH_ENOFILES message: the engine was not reached at all. */
#define BERTH_NOFILES_SENTENCE "too many open files: raise ulimit -n"

struct berth_error {
	int code;		/* enum berth_errcode */
	int http_status;	/* the engine's HTTP status, 0 if none */
	char message[512];	/* one sentence, no trailing newline, no secrets */
};

/* Fill err (when not NULL) and return -1, so callers can `return berth_fail(...)`. */
int berth_fail(struct berth_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *berth_errcode_name(int code);

/* Warnings (TLS verification off, a secret in a file others can read, a Zun
 * container created without a reservation): one sentence each, from any thread.
 * By default each goes to stderr as "berth: warning: SENTENCE". A handler set
 * here gets them instead (a program drawing on the terminal shows them itself);
 * it is called from any thread, one call at a time, and must not call libberth.
 * fn NULL restores stderr; once this returns, the old handler is not called. */
typedef void (*berth_warning_fn)(void *ctx, const char *sentence);
void berth_set_warning_handler(berth_warning_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Cancellation: a flag flipped from any thread, checked during transfers. */

typedef struct berth_cancel berth_cancel;
berth_cancel *berth_cancel_new(void);
void berth_cancel_free(berth_cancel *c);
void berth_cancel_trigger(berth_cancel *c);
bool berth_cancel_is_set(const berth_cancel *c);	/* NULL is never set */

/* ------------------------------------------------------------------ */
/* Output sinks: bytes as they arrive (logs, exec output, HTTP bodies).
 * Return non-zero to stop the transfer (the call then returns 0). A stream on
 * the stream loop (berth_logs_open) never blocks in its sink: a sink whose
 * owner is behind keeps the bytes and returns BERTH_SINK_FULL, and no more
 * come until berth_follow_resume. */
#define BERTH_SINK_FULL 2

enum berth_stream { BERTH_STDIN = 0, BERTH_STDOUT = 1, BERTH_STDERR = 2 };
typedef int (*berth_sink)(void *ctx, enum berth_stream s, const char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Endpoints. */

enum berth_kind { BERTH_KIND_DOCKER, BERTH_KIND_PODMAN, BERTH_KIND_ZUN };

struct berth_options {
	double connect_timeout;	/* seconds; 0 means the default, 5 */
	double request_timeout;	/* seconds for non-streaming calls; 0 means 60 */
	bool tls_insecure;	/* skip TLS verification (explicit opt-in only) */
	const char *config_file;/* NULL: the default search order */
	bool read_only;		/* refuse every call that changes anything (BERTH_EREADONLY) */
};

typedef struct berth_endpoint berth_endpoint;

/* spec: unix:///path, tcp://host:port, ssh://..., zun, zun:CLOUD, the name of a
 * config-file endpoint, or NULL for the default resolution of cli.md. Opening
 * does not touch the network; the first call does. */
int berth_endpoint_open(const char *spec, const struct berth_options *opts,
			berth_endpoint **out, struct berth_error *err);
void berth_endpoint_free(berth_endpoint *ep);
const char *berth_endpoint_name(const berth_endpoint *ep);	/* as given or resolved */
const char *berth_endpoint_address(const berth_endpoint *ep);	/* e.g. /var/run/docker.sock */
enum berth_kind berth_endpoint_kind(const berth_endpoint *ep);	/* PODMAN known after first call */
/* Read-only mode: berth_options.read_only, read_only = yes in [general] or in
 * the endpoint's section. Then every call that changes a container, an image,
 * a file in a container, a floating IP or a lease fails with BERTH_EREADONLY. */
bool berth_endpoint_read_only(const berth_endpoint *ep);
/* The refusal's sentence, "read-only: WHAT is refused in read-only mode (ENDPOINT)",
 * when ep is read-only: fills err and returns -1; else 0. what: "removing containers". */
int berth_refuse_if_read_only(const berth_endpoint *ep, const char *what, struct berth_error *err);
/* How long a stream, a transfer or a session may go without a sign of life from
 * the engine before it is given up on: BERTH_STALL_TIMEOUT, else the endpoint's
 * stall_timeout, else 60 s; 0: never. -1 (err) when the value is no number. */
int berth_stall_timeout(const berth_endpoint *ep, double *out, struct berth_error *err);
const char *berth_kind_name(enum berth_kind k);

/* Check that the engine answers; *version gets e.g. "Docker 20.10.24 (API 1.41)".
 * version NULL: the cheapest request the engine answers (Docker: GET /_ping). */
int berth_ping(berth_endpoint *ep, char **version, berth_cancel *cancel, struct berth_error *err);

/* ------------------------------------------------------------------ */
/* The container model: one normalized snapshot, immutable once returned. */

enum berth_status {
	BERTH_ST_UNKNOWN = 0,
	BERTH_ST_CREATED, BERTH_ST_RUNNING, BERTH_ST_PAUSED, BERTH_ST_RESTARTING,
	BERTH_ST_EXITED, BERTH_ST_DEAD, BERTH_ST_CREATING, BERTH_ST_DELETING,
	BERTH_ST_ERROR,
};
const char *berth_status_name(enum berth_status s);	/* the words of cli.md */
int berth_status_parse(const char *word, enum berth_status *out);	/* 0 or -1 */

struct berth_port {
	int container_port;	/* 80 */
	char proto[8];		/* "tcp" or "udp" */
	char host_ip[64];	/* "" when not published */
	int host_port;		/* 0 when not published */
};

/* Parse "[[HOSTIP:]HOSTPORT:]PORT[/PROTO]" (run -p); -1 with "bad port ..." in err. */
int berth_port_spec_parse(const char *spec, struct berth_port *out, struct berth_error *err);

/* Parse a restart policy (no, always, unless-stopped, on-failure[:N]) into its
 * name and retry count (0 when not given); -1 with one sentence in err. */
int berth_restart_parse(const char *spec, char name[16], int *retries, struct berth_error *err);

/* A container name Docker, Podman and Zun all take ([a-zA-Z0-9][a-zA-Z0-9_.-]+);
 * -1 with one sentence in err. */
int berth_name_check(const char *name, struct berth_error *err);

struct berth_kv { char *key; char *value; };

/* A container's health check (Docker's and Podman's State.Health). */
enum berth_health {
	BERTH_HEALTH_NONE = 0,	/* no health check: shown as nothing */
	BERTH_HEALTH_STARTING, BERTH_HEALTH_HEALTHY, BERTH_HEALTH_UNHEALTHY,
};
/* "starting", "healthy", "unhealthy"; "" for BERTH_HEALTH_NONE. */
const char *berth_health_name(enum berth_health h);
/* Free n pairs and the array. */
void berth_kv_free(struct berth_kv *v, size_t n);

struct berth_container {
	char *id;		/* full id (Docker) or uuid (Zun) */
	char *name;		/* without Docker's leading '/' */
	char *image;
	char *endpoint;		/* endpoint name it came from */
	char *command;		/* human-readable, joined with spaces */
	char **argv; size_t nargv;	/* the command as a list (may be empty) */
	char *hostname;
	char *state_text;	/* the engine's own status text ("Up 3 minutes") */
	char *status_reason;	/* Zun status_reason, else NULL */
	enum berth_status status;
	int exit_code;		/* 0 while created or running */
	enum berth_health health;	/* from a listing's status text or inspect */
	char *health_output;	/* inspect: the last check's output, else NULL */
	int health_exit;	/* inspect: the last check's exit code (with health_output) */
	time_t health_time;	/* inspect: when the last check ended (with health_output); 0: unknown */
	int restart_count;	/* inspect: RestartCount (0 from a listing) */
	bool oom_killed;	/* inspect: State.OOMKilled */
	long pid;		/* 0 when not running or unknown */
	bool running;
	bool tty;
	time_t created, started, finished;	/* 0 when unknown */
	struct berth_port *ports; size_t nports;	/* exposed and published */
	char **ipv4; size_t nipv4;
	char **ipv6; size_t nipv6;
	struct berth_kv *env; size_t nenv;	/* KEY=VALUE split at the first '=' */
	struct berth_kv *labels; size_t nlabels;
	char *floating_ip;	/* Zun: associated floating IP, else NULL */
	char *reservation;	/* Zun: reservation id when known, else NULL */
	char *runtime;		/* Zun: "nvidia"... when known, else NULL */
	char *device_profiles;	/* Zun: "P,Q" when known, else NULL */
	char *network_port;	/* Zun: the Neutron port of its first address */
	struct json_object *raw;/* the engine's own document (owned) */
};

void berth_container_free(struct berth_container *c);
void berth_container_list_free(struct berth_container **list, size_t n);
struct berth_container *berth_container_dup(const struct berth_container *c);
/* Whether a and b say the same in every field (the engine's documents compared too). */
bool berth_container_equal(const struct berth_container *a, const struct berth_container *b);
/* Whether two lists hold equal containers in the same order. */
bool berth_container_lists_equal(struct berth_container *const *a, size_t na,
				 struct berth_container *const *b, size_t nb);
/* The compose project in docker compose's or podman-compose's labels, or NULL. */
const char *berth_compose_project(const struct berth_container *c);

/* ------------------------------------------------------------------ */
/* Listing and inspecting. */

int berth_list(berth_endpoint *ep, bool all, struct berth_container ***out, size_t *n,
	       berth_cancel *cancel, struct berth_error *err);

/* A fresh inspect when refresh is true; otherwise the endpoint's cached
 * snapshot of that container when it has one (conu's inspect(refresh=False)). */
int berth_inspect(berth_endpoint *ep, const char *ref, bool refresh,
		  struct berth_container **out, berth_cancel *cancel, struct berth_error *err);

/* ------------------------------------------------------------------ */
/* Lifecycle. Already started / already stopped are not errors. */

int berth_start(berth_endpoint *ep, const char *ref, berth_cancel *cancel, struct berth_error *err);
int berth_stop(berth_endpoint *ep, const char *ref, int timeout_s /* -1: engine default */,
	       berth_cancel *cancel, struct berth_error *err);
int berth_restart(berth_endpoint *ep, const char *ref, int timeout_s, berth_cancel *cancel,
		  struct berth_error *err);
/* signal: "KILL", "SIGTERM", "15"...; NULL means SIGKILL. */
int berth_kill(berth_endpoint *ep, const char *ref, const char *signal, berth_cancel *cancel,
	       struct berth_error *err);
int berth_remove(berth_endpoint *ep, const char *ref, bool force, berth_cancel *cancel,
		 struct berth_error *err);

/* Parse a signal name or number ("TERM", "SIGTERM", "term", "15"); -1 if unknown. */
int berth_signal_parse(const char *s);
const char *berth_signal_name(int signo);	/* "SIGTERM"; NULL if unknown */

/* Block until the container stops; *exit_code gets its code. timeout_s < 0: no limit
 * (BERTH_ETIMEOUT when it runs out). */
int berth_wait(berth_endpoint *ep, const char *ref, double timeout_s, int *exit_code,
	       berth_cancel *cancel, struct berth_error *err);
/* Block until the container reaches status (chi's wait); BERTH_EFAILED if it reaches
 * error instead. */
int berth_wait_status(berth_endpoint *ep, const char *ref, enum berth_status status,
		      double timeout_s, berth_cancel *cancel, struct berth_error *err);

/* ------------------------------------------------------------------ */
/* Create and snapshot. */

struct berth_create_opts {
	const char *name;		/* NULL: engine picks one */
	const char *image;		/* required */
	char *const *argv;		/* NULL-terminated command, or NULL */
	char *const *env;		/* NULL-terminated "K=V" list, or NULL */
	char *const *ports;		/* NULL-terminated "[[HOSTIP:]HOSTPORT:]PORT[/PROTO]" */
	char *const *labels;		/* NULL-terminated "K=V" list, or NULL */
	char *const *device_profiles;	/* Zun only */
	const char *reservation;	/* Zun only: Blazar reservation id */
	const char *runtime;		/* Zun only */
	const char *host;		/* Zun only: the compute host (administrators) */
	const char *restart;		/* no, always, unless-stopped, on-failure[:N]; NULL: none */
	bool start;			/* start after creating */
	bool idempotent;		/* reuse an existing container of that name */
	bool wait;			/* block until running */
	double wait_timeout;		/* seconds for wait; <= 0 means 300 */
	bool tty;
};
/* *id gets the new (or reused) container's id. */
int berth_create(berth_endpoint *ep, const struct berth_create_opts *o, char **id,
		 berth_cancel *cancel, struct berth_error *err);
/* Commit the container's filesystem as REPOSITORY[:TAG]; *image_id gets the image id. */
int berth_snapshot(berth_endpoint *ep, const char *ref, const char *repository,
		   const char *tag, char **image_id, berth_cancel *cancel, struct berth_error *err);

/* ------------------------------------------------------------------ */
/* Images (Docker and Podman; BERTH_EUNSUPPORTED on Zun, whose API lists images
 * to administrators only). */

struct berth_image {
	char *id;		/* "sha256:..." */
	char *repository;	/* "busybox"; "<none>" when untagged */
	char *tag;		/* "latest"; "<none>" when untagged */
	long long size;		/* bytes */
	time_t created;
	int containers;		/* containers made from it, in any state */
};
/* One entry per repository:tag (an untagged image once), by repository and tag. */
int berth_image_list(berth_endpoint *ep, struct berth_image **out, size_t *n,
		     berth_cancel *cancel, struct berth_error *err);
void berth_image_list_free(struct berth_image *v, size_t n);

/* A pull's progress, after each message of the engine. */
struct berth_pull_progress {
	const char *status;	/* the engine's last status: "Downloading", "Pull complete" */
	int layers, layers_done;
	unsigned long long bytes_done, bytes_total;	/* over the layers whose size is known */
};
typedef void (*berth_pull_cb)(void *ctx, const struct berth_pull_progress *p);
/* Pull ref (NAME[:TAG] or NAME@DIGEST; :latest when neither is given);
 * progress (may be NULL) is called on the calling thread. A failure is one
 * sentence ending in the engine's message (a registry that cannot be reached,
 * an image that does not exist). */
int berth_image_pull(berth_endpoint *ep, const char *ref, berth_pull_cb progress, void *ctx,
		     berth_cancel *cancel, struct berth_error *err);
/* Remove an image by name or id; force: even when containers use it or it has
 * several tags. */
int berth_image_remove(berth_endpoint *ep, const char *ref, bool force, berth_cancel *cancel,
		       struct berth_error *err);

/* ------------------------------------------------------------------ */
/* Exec and logs. */

struct berth_exec_opts {
	char *const *env;	/* NULL-terminated "K=V", or NULL */
	const char *workdir;	/* or NULL */
	const char *user;	/* or NULL */
};
/* Run argv (NULL-terminated) in the container; its stdout and stderr go to sink
 * apart, as they arrive. *exit_code gets the command's exit code, or -1 when the
 * engine cannot tell (Zun's timeout): then err says so and the call returns -1
 * with BERTH_EFAILED. A non-zero exit code is not an error of the call. */
int berth_exec(berth_endpoint *ep, const char *ref, char *const argv[],
	       const struct berth_exec_opts *o, berth_sink sink, void *ctx, int *exit_code,
	       berth_cancel *cancel, struct berth_error *err);

/* A session with a command over a hijacked connection, until it exits. in_fd
 * (-1: none) is its stdin; its output goes to out_fd, and without a TTY its
 * stderr to err_fd apart. With tty the command runs on a terminal of rows x
 * cols, resized to the size of out_fd's terminal whenever winch_fd (-1: never)
 * turns readable (the caller writes a byte to it on SIGWINCH); the end of in_fd
 * is then the terminal's end-of-file character (Ctrl-D). Without a TTY the end
 * of in_fd closes the command's stdin only. Either way every byte of output and
 * the exit code still arrive. A session silent past the stall timeout whose
 * engine does not answer is given up on (BERTH_ETIMEOUT); a cancel ends it
 * within a second (the process itself is left to the engine). */
struct berth_session {
	const struct berth_exec_opts *opts;	/* or NULL */
	int in_fd, out_fd, err_fd;
	bool tty;
	int rows, cols;
	int winch_fd;
	berth_cancel *cancel;			/* or NULL */
};
int berth_exec_interactive(berth_endpoint *ep, const char *ref, char *const argv[],
			   const struct berth_session *s, int *exit_code, struct berth_error *err);

struct berth_logs_opts {
	bool follow;
	long tail;		/* < 0: all */
	time_t since;		/* 0: from the start */
	bool timestamps;
	bool no_stdout, no_stderr;
};
int berth_logs(berth_endpoint *ep, const char *ref, const struct berth_logs_opts *o,
	       berth_sink sink, void *ctx, berth_cancel *cancel, struct berth_error *err);

/* ------------------------------------------------------------------ */
/* Files. Destination rules are docker cp's (docker-api.md §5). Extraction never
 * writes outside the destination (BERTH_EUNSAFE), and a failed copy leaves no
 * partial destination behind. Device nodes and FIFOs from a container are left
 * out: then the call succeeds with err->code BERTH_OK and err->message saying
 * how many (otherwise empty). progress is called on the calling thread. */

typedef void (*berth_progress)(void *ctx, uint64_t bytes_done, uint64_t bytes_total /* 0: unknown */);

int berth_copy_to(berth_endpoint *ep, const char *host_src, const char *ref,
		  const char *ctr_dest, berth_progress progress, void *pctx,
		  berth_cancel *cancel, struct berth_error *err);
int berth_copy_from(berth_endpoint *ep, const char *ref, const char *ctr_src,
		    const char *host_dest, berth_progress progress, void *pctx,
		    berth_cancel *cancel, struct berth_error *err);
/* The tar-stream forms of `berth cp - CTR:DIR` and `berth cp CTR:PATH -`. */
int berth_copy_to_tar(berth_endpoint *ep, int tar_fd, const char *ref, const char *ctr_dir,
		      berth_cancel *cancel, struct berth_error *err);
int berth_copy_from_tar(berth_endpoint *ep, const char *ref, const char *ctr_src, int tar_fd,
			berth_cancel *cancel, struct berth_error *err);
/* Copy src_path of container src_ref into the existing directory dst_dir of
 * container dst_ref (berth cp CTR1:PATH CTR2:DIR), the two on one endpoint or
 * two, streamed with bounded memory (copy-between.c). one_container: the two
 * are the same container (an engine locks it while it sends an archive), so
 * the stream goes through an unlinked temporary file. The source's failure is
 * the one said. */
int berth_copy_between(berth_endpoint *src_ep, const char *src_ref, const char *src_path,
		       berth_endpoint *dst_ep, const char *dst_ref, const char *dst_dir,
		       bool one_container, berth_cancel *cancel, struct berth_error *err);
/* Unpack the container's whole filesystem into dir (conu's mount). */
int berth_mount(berth_endpoint *ep, const char *ref, const char *dir,
		berth_cancel *cancel, struct berth_error *err);

/* ------------------------------------------------------------------ */
/* Network access to a container. The address is the container's first IPv4,
 * or the published host port on 127.0.0.1 (or the engine's host) when the
 * container has no reachable address (rootless Podman, remote engines). */

/* port <= 0: the only exposed port (BERTH_EUSAGE when there are several or none). */
int berth_resolve_port(const struct berth_container *c, int port, char *host, size_t hostlen,
		       int *host_port, struct berth_error *err);
/* 1 if a TCP connection opens within timeout_s, 0 if not, -1 on error. */
int berth_port_open(berth_endpoint *ep, const struct berth_container *c, int port,
		    double timeout_s, berth_cancel *cancel, struct berth_error *err);
/* "http://HOST:PORT/" as reached from elsewhere: the floating IP, or the port as
 * published on the engine's host (port <= 0: the only one exposed); NULL when
 * the port is neither. */
char *berth_published_url(const berth_endpoint *ep, const struct berth_container *c, int port,
			  struct berth_error *err);
/* A connected TCP socket (caller closes it). */
int berth_open_connection(berth_endpoint *ep, const struct berth_container *c, int port,
			  int *fd, berth_cancel *cancel, struct berth_error *err);

struct berth_http_opts {
	const char *method;	/* NULL: GET */
	const char *path;	/* NULL: "/" */
	const char *host;	/* NULL: the container's address */
	int port;		/* <= 0: the container's first port */
	const char *data;	/* request body or NULL */
	bool json;		/* send data as application/json */
	double timeout_s;	/* <= 0: 30 */
};
/* The body goes to sink (BERTH_STDOUT); *status gets the HTTP status. */
int berth_http_request(berth_endpoint *ep, const struct berth_container *c,
		       const struct berth_http_opts *o, berth_sink sink, void *ctx,
		       long *status, berth_cancel *cancel, struct berth_error *err);

/* ------------------------------------------------------------------ */
/* Dashboard feeds: stats and events. */

struct berth_stats_sample {
	uint64_t cpu_total_ns;		/* cpu_stats.cpu_usage.total_usage */
	uint64_t system_ns;		/* cpu_stats.system_cpu_usage (0 if absent) */
	uint64_t read_ns;		/* when berth read it, CLOCK_MONOTONIC ns */
	unsigned online_cpus;
	uint64_t mem_used;		/* usage minus inactive file / cache */
	uint64_t mem_limit;
	uint64_t net_rx, net_tx;	/* bytes, summed over the interfaces */
	uint64_t blk_read, blk_write;	/* bytes, blkio io_service_bytes_recursive */
	uint64_t pids;			/* pids_stats.current */
	bool valid;			/* false for a stopped container */
};
/* One one-shot sample (never the 2-second stream=false form). */
int berth_stats(berth_endpoint *ep, const char *ref, struct berth_stats_sample *out,
		berth_cancel *cancel, struct berth_error *err);
/* CPU % from two of berth's own samples; the engine kind picks the formula
 * (docker-api.md §6, §8). Returns < 0 when not computable yet. */
double berth_cpu_percent(enum berth_kind kind, const struct berth_stats_sample *prev,
			 const struct berth_stats_sample *cur);

struct berth_event {
	const char *type;	/* "container", ... */
	const char *action;	/* "start", "die", "destroy", "exec_start: sh"... */
	const char *id;		/* actor id */
	const char *name;	/* actor name attribute, or NULL */
	int exit_code;		/* from "exitCode", else -1 */
	time_t time;
	long long time_ns;	/* timeNano, else time in ns */
	const char *signal;	/* a kill event's "signal" attribute, else NULL */
	const char *image;	/* the actor's "image" attribute, else NULL */
};
/* Return non-zero to stop. */
typedef int (*berth_event_cb)(void *ctx, const struct berth_event *ev);
/* Follow the engine's container events until cancelled or the stream ends;
 * BERTH_EUNSUPPORTED on engines without an events API (Zun). */
int berth_events(berth_endpoint *ep, time_t since, berth_event_cb cb, void *ctx,
		 berth_cancel *cancel, struct berth_error *err);

/* The same stream on the stream loop, one thread for every endpoint's (the
 * dashboard's): it returns at once, without touching the network (the
 * engine's API version must be known already: a list or a ping has
 * answered, else BERTH_ECONNECT). cb and then end, once, run on the loop's
 * thread and must not block; end gets 0 when the engine ended the stream,
 * else -1 and why (a silence past the stall timeout while the engine
 * answered nothing else either is BERTH_ETIMEOUT; closed: BERTH_ECANCELLED).
 * ctx must live until end has run. Every stream opened is given back once
 * with berth_follow_close, before or after its end. NULL with err filled:
 * BERTH_EUNSUPPORTED on engines without an events API (Zun). */
typedef struct berth_follow berth_follow;
typedef void (*berth_follow_end_cb)(void *ctx, int rc, const struct berth_error *err);
berth_follow *berth_events_open(berth_endpoint *ep, time_t since, berth_event_cb cb,
				berth_follow_end_cb end, void *ctx, struct berth_error *err);
/* Stop the stream if it runs (its end follows) and give it back. */
void berth_follow_close(berth_follow *s);
/* Any thread, until berth_follow_close: the sink, which returned
 * BERTH_SINK_FULL, has room again. */
void berth_follow_resume(berth_follow *s);

/* A container's log followed on the stream loop (o->follow is implied): the
 * look-up the stream needs (Docker: whether the container has a TTY) runs on
 * the calling thread (cancel applies to it), then the stream is opened and
 * the call returns. sink (which may return BERTH_SINK_FULL) and then end,
 * once, run on the loop's thread and must not block; end gets 0 when the
 * engine ended the log (the container stopped), else -1 and why, worded as
 * berth_logs words it (closed: BERTH_ECANCELLED). sink_ctx and ctx must live
 * until end has run. NULL with err filled: BERTH_EUNSUPPORTED on engines
 * whose logs have no stream (Zun: berth_logs polls them). */
berth_follow *berth_logs_open(berth_endpoint *ep, const char *ref, const struct berth_logs_opts *o,
			      berth_sink sink, void *sink_ctx, berth_follow_end_cb end, void *ctx,
			      berth_cancel *cancel, struct berth_error *err);

/* berth_ping (version NULL) on the same loop, for the dashboard's liveness
 * probes: it returns at once, without touching the network; end runs once on
 * the loop's thread with 0 when the engine answered within deadline_s, else
 * -1 and why (no answer in time: BERTH_ETIMEOUT; closed: BERTH_ECANCELLED).
 * Given back with berth_follow_close as a stream is. NULL with err filled:
 * BERTH_EUNSUPPORTED where the backend cannot probe on the loop (Zun: call
 * berth_ping on a thread of its own instead). */
berth_follow *berth_ping_open(berth_endpoint *ep, double deadline_s, berth_follow_end_cb end,
			      void *ctx, struct berth_error *err);

/* The events of a time range (docker events --since/--until/--filter). */
struct berth_events_opts {
	time_t since;		/* 0: from now on */
	time_t until;		/* 0: follow until cancelled; else replay up to it and end */
	char *const *filters;	/* NULL-terminated "KEY=VALUE" (type=container, event=die,
				   container=NAME, label=K=V...), or NULL for every event */
};
/* As berth_events, with the range and filters of o (no type filter is added). */
int berth_events_query(berth_endpoint *ep, const struct berth_events_opts *o, berth_event_cb cb,
		       void *ctx, berth_cancel *cancel, struct berth_error *err);

/* A container's processes (docker top): titles, then rows of as many cells. */
struct berth_top {
	char **titles; size_t ncols;
	char **cells; size_t nrows;	/* cells[row * ncols + col] */
};
void berth_top_free(struct berth_top *t);
/* ps_args NULL: the engine's default (-ef). BERTH_EUNSUPPORTED on Zun. */
int berth_top(berth_endpoint *ep, const char *ref, const char *ps_args, struct berth_top **out,
	      berth_cancel *cancel, struct berth_error *err);

/* ------------------------------------------------------------------ */
/* Floating IPs and leases (Zun sites; BERTH_EUNSUPPORTED elsewhere). */

struct berth_fip {
	char *id, *address, *port_id, *fixed_address, *status;
};
void berth_fip_list_free(struct berth_fip *list, size_t n);
int berth_fip_list(berth_endpoint *ep, struct berth_fip **out, size_t *n, berth_cancel *cancel,
		   struct berth_error *err);
/* address NULL: a free one, or one allocated from the public network. *assigned gets it. */
int berth_fip_associate(berth_endpoint *ep, const char *ref, const char *address,
			char **assigned, berth_cancel *cancel, struct berth_error *err);
int berth_fip_dissociate(berth_endpoint *ep, const char *ref, berth_cancel *cancel,
			 struct berth_error *err);

/* One reservation of a lease: what it asked for. */
struct berth_reservation {
	char *id;
	char *resource_type;	/* "device" (CHI@Edge), "physical:host", "virtual:instance"... */
	char *status;		/* "pending", "active", "deleted"... or NULL */
	int min, max;		/* devices or hosts asked for; 0 when not given */
	int amount;		/* instances or floating IPs asked for; 0 when not given */
	char *properties;	/* "machine_name == raspberrypi4-64" (resource and hypervisor
				 * properties in words), NULL when none */
};

struct berth_lease {
	char *id, *name, *status;
	time_t start, end;
	struct berth_reservation *reservations; size_t nreservations;
};
void berth_lease_list_free(struct berth_lease *list, size_t n);
void berth_lease_done(struct berth_lease *l);	/* frees one lease's fields */
/* What a reservation asked for, in words: "1 device: machine_name == raspberrypi4-64",
 * "1-3 physical:host", "2 virtual:instance" (caller frees). */
char *berth_reservation_text(const struct berth_reservation *r);
/* The project's Blazar leases (BERTH_EUNSUPPORTED when the site has no Blazar). */
int berth_lease_list(berth_endpoint *ep, struct berth_lease **out, size_t *n, berth_cancel *cancel,
		     struct berth_error *err);
/* The lease whose id or name is ref (a name must be unique: BERTH_ECONFLICT
 * otherwise, BERTH_ENOTFOUND when none matches). */
int berth_lease_find(berth_endpoint *ep, const char *ref, struct berth_lease *out,
		     berth_cancel *cancel, struct berth_error *err);
/* Blazar's lease update with a new end: the lease's current end plus by_s
 * seconds when by_s > 0 (python-blazarclient's --prolong-for), else end.
 * out (optional) gets the updated lease. A refusal by the site's policy is
 * one sentence ending in Blazar's own message (BERTH_EENGINE, or the code of
 * the HTTP status as os_fail gives it). */
int berth_lease_extend(berth_endpoint *ep, const char *ref, long by_s, time_t end,
		       struct berth_lease *out, berth_cancel *cancel, struct berth_error *err);
/* The time from now to end for people, in whole minutes rounded up: "3d 04h",
 * "2h 13m", "7m"; "ended" once past, "-" when end is unknown (0). Returns buf. */
const char *berth_lease_left(time_t end, time_t now, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Endpoint resolution and configuration (no network). */

struct berth_endpoint_conf {
	char *name;		/* section name, e.g. "edge" */
	char *spec;		/* host = ... (unix://, tcp://, ssh://, zun, zun:CLOUD) */
	struct berth_kv *opts; size_t nopts;	/* every other key of the section */
};

/* [group NAME]: endpoints used together as -H @NAME. */
struct berth_group_conf {
	char *name;
	char **members; size_t nmembers;	/* endpoints = ...: specs as -H takes them */
	char **globs; size_t nglobs;		/* match = ...: over [endpoint] names */
};

struct berth_config {
	char *path;			/* the file read, or NULL when none */
	double refresh_s;		/* re-list interval, default 2 */
	double zun_refresh_s;		/* Zun poll interval, default 5 */
	double lease_warning_s;		/* a lease's end turns to warning, default 1800 */
	double lease_alarm_s;		/* ... and to alarm, default 300 */
	double connect_timeout;		/* default 5 */
	int pool_size;			/* default 4 */
	int scrollback;			/* log pane lines, default 10000 */
	char *theme;			/* "default", "mono" */
	bool mouse;			/* default true */
	bool bell;			/* ring on trouble notices; default false */
	bool read_only;			/* read_only = yes: every endpoint read-only */
	struct berth_endpoint_conf *endpoints; size_t nendpoints;
	struct berth_group_conf *groups; size_t ngroups;
	struct berth_kv *keys; size_t nkeys;	/* [keys] action = key */
};

/* Read the config: path if given, else $BERTH_CONFIG, else
 * $XDG_CONFIG_HOME/berth/berth.conf (~/.config/...), else defaults. A bad line is an
 * error naming the file and line number. A missing default file is not an error. */
int berth_config_load(const char *path, struct berth_config **out, struct berth_error *err);
void berth_config_free(struct berth_config *c);
const char *berth_config_endpoint_opt(const struct berth_endpoint_conf *e, const char *key);
/* Append the endpoints of group name (without its '@') to *specs (NULL-terminated,
 * *n entries), each once: its endpoints = list in order, then the [endpoint]
 * names its match = globs take, in the file's order. An unknown group, or one
 * that names no endpoint, is an error. */
int berth_config_group(const struct berth_config *cfg, const char *name, char ***specs,
		       size_t *n, struct berth_error *err);

/* The endpoints berth uses with no -H (cli.md): DOCKER_HOST, the current Docker
 * context, /var/run/docker.sock, Podman's sockets, then the config file's endpoints.
 * *specs gets a NULL-terminated list of spec strings (free with berth_strv_free). */
int berth_default_endpoints(const struct berth_config *cfg, char ***specs, struct berth_error *err);
/* The names of the Docker contexts in the context store, sorted (caller frees
 * with berth_strv_free); "default" is not among them. */
char **berth_docker_contexts(void);
void berth_strv_free(char **v);

/* Library-wide setup (curl_global_init; the soft limit on open files raised to
 * the hard one); call once before any thread starts. */
int berth_init(void);
const char *berth_version_string(void);

#endif
