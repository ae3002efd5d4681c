/* docker-exec.c: exec (plain and interactive) and logs on Docker and Podman.
 *
 * A plain exec is created without a TTY and started without Upgrade headers:
 * the engine answers 200 and streams multiplexed frames until the process
 * exits (docker-api.md §4), which the demultiplexer hands to the sink with
 * stdout and stderr apart. An interactive exec has a TTY and runs over a
 * hijacked connection, pumped with poll(). The exit code comes from
 * GET /exec/{id}/json once the engine says the process is no longer running.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "docker-priv.h"
#include "model-json.h"
#include "demux.h"
#include "streams.h"
#include "util.h"

/* POST /containers/{ref}/exec; *id gets the exec id. */
static int
exec_create(struct backend *b, const char *ref, char *const argv[], const struct berth_exec_opts *o,
	    bool tty, bool attach_stdin, char **id, berth_cancel *cancel, struct berth_error *err)
{
	if (!ref || !*ref)
		return berth_fail(err, BERTH_EUSAGE, "no container was named");
	if (!argv || !argv[0])
		return berth_fail(err, BERTH_EUSAGE, "no command was given to run in %s", ref);
	struct json_object *j = json_object_new_object();
	json_object_object_add(j, "AttachStdin", json_object_new_boolean(attach_stdin));
	json_object_object_add(j, "AttachStdout", json_object_new_boolean(true));
	json_object_object_add(j, "AttachStderr", json_object_new_boolean(true));
	json_object_object_add(j, "Tty", json_object_new_boolean(tty));
	struct json_object *cmd = json_object_new_array();
	for (size_t i = 0; argv[i]; i++)
		json_object_array_add(cmd, json_object_new_string(argv[i]));
	json_object_object_add(j, "Cmd", cmd);
	if (o && o->env) {
		struct json_object *env = json_object_new_array();
		for (size_t i = 0; o->env[i]; i++)
			json_object_array_add(env, json_object_new_string(o->env[i]));
		json_object_object_add(j, "Env", env);
	}
	if (o && o->workdir)
		json_object_object_add(j, "WorkingDir", json_object_new_string(o->workdir));
	if (o && o->user)
		json_object_object_add(j, "User", json_object_new_string(o->user));
	char *body = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	char *path = docker_ctr_path(ref, "/exec");
	struct http_request rq = { .method = "POST", .path = path, .body = body,
				   .body_len = strlen(body), .content_type = "application/json",
				   .timeout_s = docker_timeout(b), .cancel = cancel };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(path);
	free(body);
	if (rc < 0)
		return -1;
	if (resp.status == 409 || (resp.status == 500 && strstr(resp.body, "state improper"))) {
		char *msg = docker_reply_message(&resp);
		rc = berth_fail(err, BERTH_ECONFLICT, "cannot run a command in %s: it is not running (%s)",
				ref, msg);
		if (err)
			err->http_status = (int)resp.status;
		free(msg);
	} else if (resp.status < 200 || resp.status >= 300) {
		rc = docker_fail_reply(b, &resp, "run a command in", ref, err);
	} else {
		struct json_object *r = json_tokener_parse(resp.body);
		const char *eid = model_str(r, "Id");
		if (eid && *eid)
			*id = xstrdup(eid);
		else
			rc = berth_fail(err, BERTH_EPROTOCOL, "the engine created an exec without an id");
		json_object_put(r);
	}
	http_response_done(&resp);
	return rc;
}

/* How long the engine may take to say a command whose output ended has exited. */
#define EXIT_WAIT_S 10
/* After the command ended, how long a session's connection may stay silent
 * before berth stops reading it (some engines keep it open). */
#define DRAIN_QUIET_MS 2000

/* The exec's exit code once it has stopped running; -1 when it still runs
 * after wait_s (looked at every 50 ms, at least once): the output ended early
 * or the sink stopped. */
static int
exec_exit_code(struct backend *b, const char *exec_id, double wait_s, int *code,
	       berth_cancel *cancel, struct berth_error *err)
{
	char *path = xasprintf("/exec/%s/json", exec_id);
	double deadline = now_monotonic() + wait_s;
	int rc = -1;
	for (;;) {
		struct json_object *o;
		if (docker_simple(b, "GET", path, NULL, "read the result of exec", exec_id, &o, cancel,
				  err) < 0)
			break;
		bool running = model_bool(o, "Running");
		struct json_object *ec = model_obj(o, "ExitCode");
		if (!running && ec && !json_object_is_type(ec, json_type_null)) {
			*code = json_object_get_int(ec);
			json_object_put(o);
			rc = 0;
			break;
		}
		json_object_put(o);
		if (now_monotonic() >= deadline) {
			*code = -1;
			rc = 0;
			break;
		}
		if (docker_nap(cancel, 50) < 0) {
			berth_fail(err, BERTH_ECANCELLED, "cancelled");
			break;
		}
	}
	free(path);
	return rc;
}

static int
demux_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	return demux_feed(ctx, buf, len) != 0;
}

/* Whether the engine says exec id's command still runs: 1, 0, or -1 when it
 * could not be asked within timeout_s. */
static int
exec_state(struct backend *b, const char *exec_id, double timeout_s)
{
	char *path = xasprintf("/exec/%s/json", exec_id);
	struct http_request rq = { .path = path, .timeout_s = timeout_s };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, NULL);
	free(path);
	if (rc < 0)
		return -1;
	struct json_object *o = resp.status == 200 ? json_tokener_parse(resp.body) : NULL;
	rc = o ? model_bool(o, "Running") : -1;
	json_object_put(o);
	http_response_done(&resp);
	return rc;
}

/* A silent exec stream is legitimate while the engine says the command runs
 * (an exec of sleep); 0 then. */
struct exec_probe {
	struct backend *b;
	const char *id;
	double timeout_s;
};

static int
exec_still_running(void *ctx)
{
	struct exec_probe *p = ctx;
	return exec_state(p->b, p->id, p->timeout_s) == 1 ? 0 : 1;
}

int
docker_exec(struct backend *b, const char *ref, char *const argv[],
	    const struct berth_exec_opts *o, berth_sink sink, void *ctx, int *exit_code,
	    berth_cancel *cancel, struct berth_error *err)
{
	char *id = NULL;
	double stall;
	if (berth_stall_timeout(b->ep, &stall, err) < 0 ||
	    exec_create(b, ref, argv, o, false, false, &id, cancel, err) < 0)
		return -1;
	char *path = xasprintf("/exec/%s/start", id);
	struct exec_probe probe = { .b = b, .id = id, .timeout_s = stall };
	static const char body[] = "{\"Detach\":false,\"Tty\":false}";
	struct demux dm;
	demux_init(&dm, sink, ctx);
	struct http_request rq = { .method = "POST", .path = path, .body = body,
				   .body_len = sizeof body - 1, .content_type = "application/json",
				   .cancel = cancel, .sink = demux_sink, .sink_ctx = &dm,
				   .stall_s = stall, .on_stall = exec_still_running, .stall_ctx = &probe };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(path);
	bool stopped = false;
	if (rc == 0) {
		if (resp.status < 200 || resp.status >= 300)
			rc = docker_fail_reply(b, &resp, "run a command in", ref, err);
		else if (dm.failed)
			rc = berth_fail(err, BERTH_EENGINE, "the command in %s failed: %s", ref,
					demux_error(&dm));
		stopped = resp.sink_stopped;
		http_response_done(&resp);
	}
	demux_done(&dm);
	int code = -1;
	/* A sink that stopped reading leaves the command running: look once. */
	if (rc == 0)
		rc = exec_exit_code(b, id, stopped ? 0 : EXIT_WAIT_S, &code, cancel, err);
	if (rc == 0 && exit_code)
		*exit_code = code;
	free(id);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Interactive exec. */

/* Read an error reply that followed a refused session request. */
static char *
read_refusal(int fd)
{
	struct buf b = { 0 };
	char chunk[1024];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (b.len < 8192 && poll(&p, 1, 2000) > 0) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n <= 0)
			break;
		buf_append(&b, chunk, (size_t)n);
		/* A kept-alive connection stays open: a whole JSON message is enough. */
		struct json_object *o = json_tokener_parse(b.data);
		json_object_put(o);
		if (o)
			break;
	}
	struct http_response resp = { .body = b.data ? b.data : "", .body_len = b.len };
	char *msg = docker_reply_message(&resp);
	buf_free(&b);
	return msg;
}

/* A session's output without a TTY, taken apart: each stream to its descriptor. */
static int
session_sink(void *ctx, enum berth_stream stream, const char *buf, size_t len)
{
	const struct berth_session *s = ctx;
	return http_send_all(stream == BERTH_STDERR ? s->err_fd : s->out_fd, buf, len) < 0;
}

/* A hijacked session being pumped. */
struct pump {
	struct backend *b;
	const char *exec_id;
	const struct berth_session *s;
	int sock;
	struct demux *dm;	/* without a TTY: the multiplexed output */
	double stall;		/* the stall timeout, 0: none */
	bool in_open;
};

/* Pass on what the engine sent; 1 when the session ended, -1 on failure. */
static int
pump_output(struct pump *p, struct berth_error *err)
{
	char buf[16384];
	ssize_t r = read(p->sock, buf, sizeof buf);
	if (r < 0 && errno == EINTR)
		return 0;
	if (r <= 0)
		return 1;
	if (p->dm ? demux_feed(p->dm, buf, (size_t)r) != 0
		  : http_send_all(p->s->out_fd, buf, (size_t)r) < 0)
		return p->dm && p->dm->failed ? berth_fail(err, BERTH_EENGINE, "the session broke: %s",
							    demux_error(p->dm))
			: berth_fail(err, BERTH_EIO, "cannot write the session's output: %s",
				     strerror(errno));
	return 0;
}

/* Pass on the caller's input; at its end, half-close: a terminal gets its
 * end-of-file character, a plain stdin is closed (SHUT_WR) and output goes on. */
static void
pump_input(struct pump *p)
{
	char buf[16384];
	ssize_t r = read(p->s->in_fd, buf, sizeof buf);
	if (r < 0 && errno == EINTR)
		return;
	if (r > 0) {
		http_send_all(p->sock, buf, (size_t)r);	/* a closed engine shows on the read side */
		return;
	}
	p->in_open = false;
	if (p->s->tty)
		http_send_all(p->sock, "\x04", 1);
	else
		shutdown(p->sock, SHUT_WR);
}

/* Tell the engine the terminal's size: rows x cols, or out_fd's size when 0. */
static void
pump_resize(struct pump *p, int rows, int cols)
{
	struct winsize ws;
	if ((rows <= 0 || cols <= 0) && ioctl(p->s->out_fd, TIOCGWINSZ, &ws) == 0) {
		rows = ws.ws_row;
		cols = ws.ws_col;
	}
	if (rows <= 0 || cols <= 0)
		return;
	char *path = xasprintf("/exec/%s/resize?h=%d&w=%d", p->exec_id, rows, cols);
	struct http_request rq = { .method = "POST", .path = path,
				   .timeout_s = p->stall > 0 ? p->stall : docker_timeout(p->b) };
	struct http_response resp;
	if (docker_call(p->b, &rq, &resp, NULL) == 0)
		http_response_done(&resp);
	free(path);
}

/* Nothing came for a while: 1 when the command has ended (some engines keep the
 * connection open after it), 0 to go on waiting, -1 when the engine does not
 * answer within the stall timeout. */
static int
pump_idle(struct pump *p, struct berth_error *err)
{
	double t = p->stall > 0 ? p->stall : docker_timeout(p->b);
	int state = exec_state(p->b, p->exec_id, t);
	if (state == 0)
		return 1;
	if (state < 0 && p->stall > 0)
		return berth_fail(err, BERTH_ETIMEOUT, "%s sent nothing for %g s and does not answer, "
				  "so berth gave up (BERTH_STALL_TIMEOUT or stall_timeout sets how "
				  "long to wait)", ((struct docker *)p->b->priv)->what, p->stall);
	return 0;
}

/* The command has ended, but the engine records the exit before it has copied
 * the last output: read on until it closes the connection, or sends nothing for
 * DRAIN_QUIET_MS. 0, or -1 with err set. */
static int
pump_drain(struct pump *p, struct berth_error *err)
{
	struct pollfd fd = { .fd = p->sock, .events = POLLIN };
	for (;;) {
		if (berth_cancel_is_set(p->s->cancel))
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
		int n = poll(&fd, 1, DRAIN_QUIET_MS);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		int rc = pump_output(p, err);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
}

/* Pump the session until the command ends: 0, or -1 with err set. */
static int
pump_run(struct pump *p, struct berth_error *err)
{
	const struct berth_session *s = p->s;
	for (;;) {
		if (berth_cancel_is_set(s->cancel))
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
		struct pollfd fds[3] = { { .fd = p->sock, .events = POLLIN },
					 { .fd = p->in_open ? s->in_fd : -1, .events = POLLIN },
					 { .fd = s->tty ? s->winch_fd : -1, .events = POLLIN } };
		int n = poll(fds, 3, 1000);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return berth_fail(err, BERTH_EIO, "waiting for the session failed: %s",
					  strerror(errno));
		int rc = n == 0 ? pump_idle(p, err) : 0;
		if (rc > 0)
			return pump_drain(p, err);
		if (rc == 0 && fds[0].revents)
			rc = pump_output(p, err);
		if (rc)
			return rc < 0 ? -1 : 0;
		if (fds[1].revents)
			pump_input(p);
		if (fds[2].revents) {
			char drain[64];
			while (read(s->winch_fd, drain, sizeof drain) == (ssize_t)sizeof drain)
				;
			pump_resize(p, 0, 0);
		}
	}
}

/* Start exec id on a hijacked connection and pump it. */
static int
session_run(struct backend *b, const char *ref, const char *exec_id,
	    const struct berth_session *s, double stall, struct berth_error *err)
{
	char *start = xasprintf("/exec/%s/start", exec_id);
	char *path = docker_versioned(b, start, s->cancel, err);
	free(start);
	int sock = -1, rc = -1;
	long status = 0;
	if (path && http_hijack(&((struct docker *)b->priv)->target, "POST", path,
				s->tty ? "{\"Detach\":false,\"Tty\":true}" : "{\"Detach\":false,\"Tty\":false}",
				&sock, &status, err) == 0) {
		if (status == 101 || status == 200) {
			struct demux dm;
			struct pump p = { .b = b, .exec_id = exec_id, .s = s, .sock = sock,
					  .dm = s->tty ? NULL : &dm, .stall = stall,
					  .in_open = s->in_fd >= 0 };
			demux_init(&dm, session_sink, (void *)s);
			if (s->tty)
				pump_resize(&p, s->rows, s->cols);
			rc = pump_run(&p, err);
			demux_done(&dm);
		} else {
			char *msg = read_refusal(sock);
			rc = berth_fail(err, status == 409 ? BERTH_ECONFLICT : BERTH_EENGINE,
					"cannot start a session in %s: %s", ref,
					*msg ? msg : "the engine refused");
			free(msg);
		}
		close(sock);
	}
	free(path);
	return rc;
}

int
docker_exec_interactive(struct backend *b, const char *ref, char *const argv[],
			const struct berth_session *s, int *exit_code, struct berth_error *err)
{
	char *id = NULL;
	double stall;
	if (berth_stall_timeout(b->ep, &stall, err) < 0 ||
	    exec_create(b, ref, argv, s->opts, s->tty, s->in_fd >= 0, &id, s->cancel, err) < 0)
		return -1;
	int code = -1;
	int rc = session_run(b, ref, id, s, stall, err);
	if (rc == 0)
		rc = exec_exit_code(b, id, EXIT_WAIT_S, &code, s->cancel, err);
	if (rc == 0 && exit_code)
		*exit_code = code;
	free(id);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Logs. */

/* Whether ref has a TTY: its log is then raw, else multiplexed frames. */
static int
logs_tty(struct backend *b, const char *ref, bool *tty, berth_cancel *cancel,
	 struct berth_error *err)
{
	struct json_object *ins;
	if (docker_inspect_raw(b, ref, &ins, cancel, err) < 0)
		return -1;
	*tty = model_bool(model_obj(ins, "Config"), "Tty");
	json_object_put(ins);
	return 0;
}

/* /containers/{ref}/logs?... as o asks (unversioned). */
static char *
logs_path(const char *ref, const struct berth_logs_opts *o)
{
	struct buf q = { 0 };
	buf_printf(&q, "/logs?stdout=%d&stderr=%d", !o->no_stdout, !o->no_stderr);
	if (o->follow)
		buf_appends(&q, "&follow=1");
	if (o->timestamps)
		buf_appends(&q, "&timestamps=1");
	if (o->since > 0)
		buf_printf(&q, "&since=%lld", (long long)o->since);
	if (o->tail >= 0)
		buf_printf(&q, "&tail=%ld", o->tail);
	else
		buf_appends(&q, "&tail=all");
	char *path = docker_ctr_path(ref, q.data);
	buf_free(&q);
	return path;
}

/* A log read to its end: the engine's refusal, or frames that broke off. */
static int
logs_outcome(struct backend *b, const char *ref, const struct http_response *resp,
	     const struct demux *dm, struct berth_error *err)
{
	if (resp->status < 200 || resp->status >= 300)
		return docker_fail_reply(b, resp, "read the logs of", ref, err);
	if (dm->failed)
		return berth_fail(err, BERTH_EENGINE, "the logs of %s broke off: %s", ref,
				  demux_error(dm));
	return 0;
}

int
docker_logs(struct backend *b, const char *ref, const struct berth_logs_opts *o,
	    berth_sink sink, void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	struct berth_logs_opts none = { .tail = -1 };
	if (!o)
		o = &none;
	if (o->no_stdout && o->no_stderr)
		return berth_fail(err, BERTH_EUSAGE, "logs with neither stdout nor stderr show nothing");
	double stall = 0;	/* a followed log is silent while the container is */
	bool tty;
	if ((!o->follow && berth_stall_timeout(b->ep, &stall, err) < 0) ||
	    logs_tty(b, ref, &tty, cancel, err) < 0)
		return -1;
	char *path = logs_path(ref, o);
	struct demux dm;
	demux_init(&dm, sink, ctx);
	struct http_request rq = { .path = path, .cancel = cancel,
				   .sink = tty ? sink : demux_sink, .sink_ctx = tty ? ctx : &dm,
				   .timeout_s = o->follow ? 0 : docker_timeout(b) * 10, .stall_s = stall };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(path);
	if (rc == 0) {
		rc = logs_outcome(b, ref, &resp, &dm, err);
		http_response_done(&resp);
	}
	demux_done(&dm);
	return rc;
}

/* A log follow on the stream loop: its container, framing and owner. */
struct logs_follow {
	struct backend *b;
	char *ref;
	bool tty;
	struct demux dm;
	berth_sink sink;
	void *sink_ctx;
	berth_follow_end_cb end;
	void *ctx;
};

/* Loop thread: the bytes to the owner's sink, taken apart unless raw (TTY);
 * a full sink is passed on, so the loop pauses the stream. */
static int
logs_follow_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct logs_follow *f = ctx;
	if (f->tty)
		return f->sink(f->sink_ctx, s, buf, len);
	if (demux_feed(&f->dm, buf, len) != 0)
		return 1;
	bool full = f->dm.full;
	f->dm.full = false;
	return full ? BERTH_SINK_FULL : 0;
}

/* Loop thread: the follow's end in the words of docker_logs. */
static void
logs_follow_end(void *ctx, enum stream_end why, const struct http_response *resp,
		const struct berth_error *serr)
{
	struct logs_follow *f = ctx;
	struct berth_error err = { 0 };
	int rc = 0;
	if (why != STREAM_EOF) {
		err = *serr;
		docker_explain_transport_error(f->b, &err);
		rc = -1;
	} else {
		rc = logs_outcome(f->b, f->ref, resp, &f->dm, &err);
	}
	f->end(f->ctx, rc, &err);
	demux_done(&f->dm);
	free(f->ref);
	free(f);
}

int
docker_logs_open(struct backend *b, const char *ref, const struct berth_logs_opts *o,
		 berth_sink sink, void *sink_ctx, berth_follow_end_cb end, void *ctx,
		 berth_follow **out, berth_cancel *cancel, struct berth_error *err)
{
	struct berth_logs_opts follow = o ? *o : (struct berth_logs_opts){ .tail = -1 };
	follow.follow = true;
	if (follow.no_stdout && follow.no_stderr)
		return berth_fail(err, BERTH_EUSAGE, "logs with neither stdout nor stderr show nothing");
	bool tty;
	struct stream_loop *loop = stream_loop_shared(err);
	if (!loop || logs_tty(b, ref, &tty, cancel, err) < 0)
		return -1;
	char *path = logs_path(ref, &follow);
	char *versioned = docker_versioned_now(b, path, err);
	free(path);
	if (!versioned)
		return -1;
	struct logs_follow *f = xcalloc(1, sizeof *f);
	*f = (struct logs_follow){ .b = b, .ref = xstrdup(ref), .tty = tty, .sink = sink,
				   .sink_ctx = sink_ctx, .end = end, .ctx = ctx };
	demux_init(&f->dm, sink, sink_ctx);
	struct http_request rq = { .path = versioned, .sink = logs_follow_sink, .sink_ctx = f };
	*out = stream_open(loop, &docker_of(b)->target, &rq, logs_follow_end, f, err);
	free(versioned);
	if (!*out) {
		demux_done(&f->dm);
		free(f->ref);
		free(f);
		return -1;
	}
	return 0;
}
