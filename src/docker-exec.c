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
#include <sys/socket.h>
#include <unistd.h>

#include "docker-priv.h"
#include "model-json.h"
#include "demux.h"
#include "util.h"

/* POST /containers/{ref}/exec; *id gets the exec id. */
static int
exec_create(struct backend *b, const char *ref, char *const argv[], const struct berth_exec_opts *o,
	    bool tty, char **id, berth_cancel *cancel, struct berth_error *err)
{
	if (!ref || !*ref)
		return berth_fail(err, BERTH_EUSAGE, "no container was named");
	if (!argv || !argv[0])
		return berth_fail(err, BERTH_EUSAGE, "no command was given to run in %s", ref);
	struct json_object *j = json_object_new_object();
	json_object_object_add(j, "AttachStdin", json_object_new_boolean(tty));
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

/* The exec's exit code once it has stopped running; -1 when it still runs
 * after `tries` looks 50 ms apart (the output ended early or the sink stopped). */
static int
exec_exit_code(struct backend *b, const char *exec_id, int tries_max, int *code,
	       berth_cancel *cancel, struct berth_error *err)
{
	char *path = xasprintf("/exec/%s/json", exec_id);
	int rc = -1;
	for (int tries = 0; tries < tries_max; tries++) {
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
		if (tries == tries_max - 1) {
			*code = -1;
			rc = 0;
		} else if (docker_nap(cancel, 50) < 0) {
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

/* How long a stream may send nothing: BERTH_STALL_TIMEOUT, else the endpoint's
 * stall_timeout, else 60 s; 0 turns the check off. */
static int
stall_timeout(struct backend *b, double *out, struct berth_error *err)
{
	const char *v = getenv("BERTH_STALL_TIMEOUT");
	const char *what = "BERTH_STALL_TIMEOUT";
	if (!v || !*v) {
		v = berth_config_endpoint_opt(b->ep->conf, "stall_timeout");
		what = "stall_timeout";
	}
	*out = 60;
	if (!v)
		return 0;
	char *end;
	*out = strtod(v, &end);
	if (end == v || *end || !(*out >= 0))	/* NaN too */
		return berth_fail(err, BERTH_EUSAGE, "%s must be a number of seconds, 0 for none (not %s)",
				  what, v);
	return 0;
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
	if (stall_timeout(b, &stall, err) < 0 || exec_create(b, ref, argv, o, false, &id, cancel, err) < 0)
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
		rc = exec_exit_code(b, id, stopped ? 1 : 40, &code, cancel, err);
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

/* Copy in_fd to the socket and the socket to out_fd until the process ends or
 * cancel is set (seen within the poll's second). */
static int
pump(struct backend *b, const char *exec_id, int sock, int in_fd, int out_fd,
     berth_cancel *cancel, struct berth_error *err)
{
	bool in_open = in_fd >= 0;
	char buf[16384];
	for (;;) {
		if (berth_cancel_is_set(cancel))
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
		struct pollfd p[2] = { { .fd = sock, .events = POLLIN },
				       { .fd = in_fd, .events = POLLIN } };
		int n = poll(p, in_open ? 2 : 1, 1000);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return berth_fail(err, BERTH_EIO, "waiting for the session failed: %s",
					  strerror(errno));
		if (n == 0) {
			/* Some engines keep the connection open after the exit. */
			if (exec_state(b, exec_id, docker_timeout(b)) == 0)
				return 0;
			continue;
		}
		if (p[0].revents) {
			ssize_t r = read(sock, buf, sizeof buf);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return 0;
			if (http_send_all(out_fd, buf, (size_t)r) < 0)
				return berth_fail(err, BERTH_EIO, "cannot write the session's output: %s",
						  strerror(errno));
		}
		if (in_open && p[1].revents) {
			ssize_t r = read(in_fd, buf, sizeof buf);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				in_open = false;
				shutdown(sock, SHUT_WR);
			} else if (http_send_all(sock, buf, (size_t)r) < 0) {
				return 0;	/* the engine closed: the process is gone */
			}
		}
	}
}

int
docker_exec_interactive(struct backend *b, const char *ref, char *const argv[], int in_fd,
			int out_fd, int rows, int cols, int *exit_code, berth_cancel *cancel,
			struct berth_error *err)
{
	char *id = NULL;
	if (exec_create(b, ref, argv, NULL, true, &id, cancel, err) < 0)
		return -1;
	char *start = xasprintf("/exec/%s/start", id);
	char *path = docker_versioned(b, start, cancel, err);
	free(start);
	int sock = -1, rc = -1;
	long status = 0;
	if (path && http_hijack(&((struct docker *)b->priv)->target, "POST", path,
				"{\"Detach\":false,\"Tty\":true}", &sock, &status, err) == 0) {
		if (status == 101 || status == 200) {
			if (rows > 0 && cols > 0) {
				char *rp = xasprintf("/exec/%s/resize?h=%d&w=%d", id, rows, cols);
				docker_simple(b, "POST", rp, NULL, "resize", ref, NULL, cancel, NULL);
				free(rp);
			}
			rc = pump(b, id, sock, in_fd, out_fd, cancel, err);
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
	int code = -1;
	if (rc == 0)
		rc = exec_exit_code(b, id, 40, &code, cancel, err);
	if (rc == 0 && exit_code)
		*exit_code = code;
	free(id);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Logs. */

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
	if (!o->follow && stall_timeout(b, &stall, err) < 0)
		return -1;
	struct json_object *ins;
	if (docker_inspect_raw(b, ref, &ins, cancel, err) < 0)
		return -1;
	bool tty = model_bool(model_obj(ins, "Config"), "Tty");
	json_object_put(ins);

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

	struct demux dm;
	demux_init(&dm, sink, ctx);
	struct http_request rq = { .path = path, .cancel = cancel,
				   .sink = tty ? sink : demux_sink, .sink_ctx = tty ? ctx : &dm,
				   .timeout_s = o->follow ? 0 : docker_timeout(b) * 10, .stall_s = stall };
	struct http_response resp;
	int rc = docker_call(b, &rq, &resp, err);
	free(path);
	if (rc == 0) {
		if (resp.status < 200 || resp.status >= 300)
			rc = docker_fail_reply(b, &resp, "read the logs of", ref, err);
		else if (dm.failed)
			rc = berth_fail(err, BERTH_EENGINE, "the logs of %s broke off: %s", ref,
					demux_error(&dm));
		http_response_done(&resp);
	}
	demux_done(&dm);
	return rc;
}
