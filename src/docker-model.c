/* docker-model.c: Docker and Podman (compat) JSON into the container model.
 *
 * Rules (docker-api.md §10): the name loses Docker's leading '/'; env entries
 * split at the first '=' and entries without one are dropped; ports come from
 * the list's Ports, or from inspect's NetworkSettings.Ports plus
 * Config.ExposedPorts (exposed but unbound ports included); addresses only
 * from NetworkSettings.Networks.*; exit code 0 while created or running.
 * Podman's compat documents have the same shape; where it differs (no
 * unbound ports in the list, "" for a host IP bound to all) it is evened out.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "docker-model.h"
#include "model-json.h"
#include "thread.h"
#include "util.h"

enum berth_status
model_docker_status(const char *word)
{
	static const struct { const char *word; enum berth_status st; } map[] = {
		{ "created", BERTH_ST_CREATED }, { "configured", BERTH_ST_CREATED },
		{ "initialized", BERTH_ST_CREATED }, { "running", BERTH_ST_RUNNING },
		{ "paused", BERTH_ST_PAUSED }, { "restarting", BERTH_ST_RESTARTING },
		{ "exited", BERTH_ST_EXITED }, { "stopped", BERTH_ST_EXITED },
		{ "stopping", BERTH_ST_RUNNING }, { "dead", BERTH_ST_DEAD },
		{ "removing", BERTH_ST_DELETING },
	};
	if (!word)
		return BERTH_ST_UNKNOWN;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(word, map[i].word) == 0)
			return map[i].st;
	return BERTH_ST_UNKNOWN;
}

time_t
model_parse_time(const char *s)
{
	if (!s || !*s)
		return 0;
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p || tm.tm_year + 1900 < 1971)
		return 0;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	time_t t = timegm(&tm);
	int hh, mm;	/* two digits each: a longer number would overflow */
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2) {
		int off = (hh * 60 + mm) * 60;
		t += *p == '+' ? -off : off;
	}
	return t;
}

static char *
strip_slash(const char *name)
{
	return xstrdup(name && name[0] == '/' ? name + 1 : name);
}

/* KEY=VALUE list; entries without '=' are dropped. */
static void
add_env(struct berth_container *c, struct json_object *env)
{
	if (!env || !json_object_is_type(env, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(env); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(env, i));
		const char *eq = e ? strchr(e, '=') : NULL;
		if (!eq)
			continue;
		char *key = xstrndup(e, (size_t)(eq - e));
		model_add_kv(&c->env, &c->nenv, key, eq + 1);
		free(key);
	}
}

static void
add_labels(struct berth_container *c, struct json_object *labels)
{
	if (!labels || !json_object_is_type(labels, json_type_object))
		return;
	json_object_object_foreach(labels, k, v)
		model_add_kv(&c->labels, &c->nlabels, k, json_object_get_string(v));
}

static void
add_networks(struct berth_container *c, struct json_object *settings)
{
	struct json_object *nets = model_typed(settings, "Networks", json_type_object);
	if (!nets)
		return;
	json_object_object_foreach(nets, name, net) {
		(void)name;
		const char *v4 = model_str(net, "IPAddress");
		const char *v6 = model_str(net, "GlobalIPv6Address");
		if (v4 && *v4)
			model_add_str(&c->ipv4, &c->nipv4, v4);
		if (v6 && *v6)
			model_add_str(&c->ipv6, &c->nipv6, v6);
	}
}

/* The command as a list and as one line. */
static void
set_command(struct berth_container *c, const char *path, struct json_object *args)
{
	struct buf line = { 0 };
	if (path && *path) {
		model_add_str(&c->argv, &c->nargv, path);
		buf_appends(&line, path);
	}
	for (size_t i = 0; args && json_object_is_type(args, json_type_array) &&
			   i < json_object_array_length(args); i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(args, i));
		model_add_str(&c->argv, &c->nargv, a ? a : "");
		if (line.len)
			buf_appends(&line, " ");
		buf_appends(&line, a ? a : "");
	}
	c->argv = xrealloc(c->argv, (c->nargv + 1) * sizeof *c->argv);
	c->argv[c->nargv] = NULL;
	c->command = buf_steal(&line);
}

/* "Exited (42) 3 minutes ago" gives 42. */
static int
exit_code_from_status_text(const char *text)
{
	const char *p = text ? strchr(text, '(') : NULL;
	return p && str_starts_with(text, "Exited") ? atoi(p + 1) : 0;
}

/* Docker's listing says it in the status text: "Up 3 minutes (unhealthy)",
 * "(health: starting)", "(healthy)". Podman's says nothing: inspect does. */
static enum berth_health
health_from_status_text(const char *text)
{
	if (!text)
		return BERTH_HEALTH_NONE;
	if (strstr(text, "(unhealthy)"))
		return BERTH_HEALTH_UNHEALTHY;
	if (strstr(text, "(healthy)"))
		return BERTH_HEALTH_HEALTHY;
	if (strstr(text, "(health: starting)"))
		return BERTH_HEALTH_STARTING;
	return BERTH_HEALTH_NONE;
}

static void
list_ports(struct berth_container *c, struct json_object *ports)
{
	if (!ports || !json_object_is_type(ports, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i);
		int priv = (int)model_int(p, "PrivatePort");
		if (priv > 0)
			model_add_port(c, priv, model_str(p, "Type"), model_str(p, "IP"),
				       (int)model_int(p, "PublicPort"));
	}
}

struct berth_container *
model_from_list(struct json_object *o, const char *endpoint)
{
	struct berth_container *c = xcalloc(1, sizeof *c);
	c->id = xstrdup(model_str(o, "Id"));
	struct json_object *names = model_typed(o, "Names", json_type_array);
	if (names && json_object_array_length(names) > 0)
		c->name = strip_slash(json_object_get_string(json_object_array_get_idx(names, 0)));
	else
		c->name = xstrdup("");
	c->image = xstrdup(model_str(o, "Image"));
	c->endpoint = xstrdup(endpoint);
	c->command = xstrdup(model_str(o, "Command"));
	c->argv = xcalloc(1, sizeof *c->argv);
	c->state_text = xstrdup(model_str(o, "Status"));
	c->status = model_docker_status(model_str(o, "State"));
	c->running = c->status == BERTH_ST_RUNNING;
	if (c->status != BERTH_ST_CREATED && c->status != BERTH_ST_RUNNING)
		c->exit_code = exit_code_from_status_text(c->state_text);
	c->health = health_from_status_text(c->state_text);
	c->created = (time_t)model_int(o, "Created");
	list_ports(c, model_obj(o, "Ports"));
	add_networks(c, model_obj(o, "NetworkSettings"));
	add_labels(c, model_obj(o, "Labels"));
	return c;
}

static bool
has_port(const struct berth_container *c, int port, const char *proto)
{
	for (size_t i = 0; i < c->nports; i++)
		if (c->ports[i].container_port == port && strcmp(c->ports[i].proto, proto) == 0)
			return true;
	return false;
}

/* NetworkSettings.Ports (bound and unbound), then Config.ExposedPorts not yet seen. */
static void
inspect_ports(struct berth_container *c, struct json_object *settings, struct json_object *config)
{
	struct json_object *ports = model_typed(settings, "Ports", json_type_object);
	if (ports) {
		json_object_object_foreach(ports, key, binds) {
			int port;
			char proto[8];
			if (model_parse_port_key(key, &port, proto) < 0)
				continue;
			size_t nb = binds && json_object_is_type(binds, json_type_array)
				    ? json_object_array_length(binds) : 0;
			for (size_t i = 0; i < nb; i++) {
				struct json_object *b = json_object_array_get_idx(binds, i);
				model_add_port(c, port, proto, model_str(b, "HostIp"),
					       (int)model_int(b, "HostPort"));
			}
			if (nb == 0)
				model_add_port(c, port, proto, NULL, 0);
		}
	}
	struct json_object *exposed = model_typed(config, "ExposedPorts", json_type_object);
	if (exposed) {
		json_object_object_foreach(exposed, key, v) {
			(void)v;
			int port;
			char proto[8];
			if (model_parse_port_key(key, &port, proto) == 0 && !has_port(c, port, proto))
				model_add_port(c, port, proto, NULL, 0);
		}
	}
}

/* The engine's status in the words of `docker ps`, without the relative time. */
static char *
inspect_state_text(enum berth_status st, int exit_code)
{
	switch (st) {
	case BERTH_ST_RUNNING: return xstrdup("Up");
	case BERTH_ST_EXITED: return xasprintf("Exited (%d)", exit_code);
	case BERTH_ST_CREATED: return xstrdup("Created");
	case BERTH_ST_PAUSED: return xstrdup("Up (Paused)");
	case BERTH_ST_RESTARTING: return xasprintf("Restarting (%d)", exit_code);
	case BERTH_ST_DEAD: return xstrdup("Dead");
	case BERTH_ST_DELETING: return xstrdup("Removal In Progress");
	default: return xstrdup("Unknown");
	}
}

/* State.Health: its status word (empty or "none" without a check) and the
 * output and exit code of the last check in its Log. */
static void
inspect_health(struct berth_container *c, struct json_object *health)
{
	static const struct { const char *word; enum berth_health h; } words[] = {
		{ "starting", BERTH_HEALTH_STARTING }, { "healthy", BERTH_HEALTH_HEALTHY },
		{ "unhealthy", BERTH_HEALTH_UNHEALTHY },
	};
	const char *status = model_str(health, "Status");
	for (size_t i = 0; status && i < sizeof words / sizeof words[0]; i++)
		if (strcmp(status, words[i].word) == 0)
			c->health = words[i].h;
	struct json_object *log = model_typed(health, "Log", json_type_array);
	size_t n = log ? json_object_array_length(log) : 0;
	if (c->health == BERTH_HEALTH_NONE || n == 0)
		return;
	struct json_object *last = json_object_array_get_idx(log, n - 1);
	const char *out = model_str(last, "Output");
	c->health_output = xstrdup(out ? out : "");
	c->health_exit = (int)model_int(last, "ExitCode");
	c->health_time = model_parse_time(model_str(last, "End"));
}

struct berth_container *
model_from_inspect(struct json_object *o, const char *endpoint)
{
	struct berth_container *c = xcalloc(1, sizeof *c);
	struct json_object *state = model_obj(o, "State");
	struct json_object *config = model_obj(o, "Config");
	struct json_object *settings = model_obj(o, "NetworkSettings");
	c->raw = json_object_get(o);
	c->id = xstrdup(model_str(o, "Id"));
	c->name = strip_slash(model_str(o, "Name") ? model_str(o, "Name") : "");
	const char *image = model_str(config, "Image");
	c->image = xstrdup(image ? image : model_str(o, "Image"));
	c->endpoint = xstrdup(endpoint);
	set_command(c, model_str(o, "Path"), model_obj(o, "Args"));
	c->hostname = xstrdup(model_str(config, "Hostname"));
	c->status = model_docker_status(model_str(state, "Status"));
	c->running = model_bool(state, "Running");
	if (c->status != BERTH_ST_CREATED && c->status != BERTH_ST_RUNNING)
		c->exit_code = (int)model_int(state, "ExitCode");
	c->pid = c->running ? (long)model_int(state, "Pid") : 0;
	c->oom_killed = model_bool(state, "OOMKilled");
	c->restart_count = (int)model_int(o, "RestartCount");
	inspect_health(c, model_obj(state, "Health"));
	c->state_text = inspect_state_text(c->status, c->exit_code);
	c->tty = model_bool(config, "Tty");
	c->created = model_parse_time(model_str(o, "Created"));
	c->started = model_parse_time(model_str(state, "StartedAt"));
	c->finished = model_parse_time(model_str(state, "FinishedAt"));
	inspect_ports(c, settings, config);
	add_networks(c, settings);
	add_env(c, model_obj(config, "Env"));
	add_labels(c, model_obj(config, "Labels"));
	return c;
}

static uint64_t
u64(struct json_object *o, const char *key)
{
	long long v = model_int(o, key);
	return v > 0 ? (uint64_t)v : 0;
}

/* Block I/O as docker stats sums it: every io_service_bytes_recursive entry
 * whose op is read or write (any case: v1 says Read, v2 read). */
static void
stats_block_io(struct json_object *blkio, struct berth_stats_sample *out)
{
	struct json_object *v = model_typed(blkio, "io_service_bytes_recursive", json_type_array);
	for (size_t i = 0; v && i < json_object_array_length(v); i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		const char *op = model_str(e, "op");
		if (op && strcasecmp(op, "read") == 0)
			out->blk_read += u64(e, "value");
		else if (op && strcasecmp(op, "write") == 0)
			out->blk_write += u64(e, "value");
	}
}

void
model_stats(struct json_object *o, struct berth_stats_sample *out)
{
	struct json_object *cpu = model_obj(o, "cpu_stats");
	struct json_object *usage = model_obj(cpu, "cpu_usage");
	struct json_object *mem = model_obj(o, "memory_stats");
	struct json_object *mstats = model_obj(mem, "stats");
	out->cpu_total_ns = u64(usage, "total_usage");
	out->system_ns = u64(cpu, "system_cpu_usage");
	out->online_cpus = (unsigned)u64(cpu, "online_cpus");
	struct json_object *percpu = model_typed(usage, "percpu_usage", json_type_array);
	if (!out->online_cpus && percpu)
		out->online_cpus = (unsigned)json_object_array_length(percpu);
	uint64_t used = u64(mem, "usage");
	/* cgroup v1 reports total_inactive_file, v2 inactive_file (docker-api.md §6). */
	uint64_t inactive = model_obj(mstats, "total_inactive_file") ? u64(mstats, "total_inactive_file")
								       : u64(mstats, "inactive_file");
	out->mem_used = inactive < used ? used - inactive : used;
	out->mem_limit = u64(mem, "limit");
	struct json_object *nets = model_typed(o, "networks", json_type_object);
	if (nets) {
		json_object_object_foreach(nets, name, net) {
			(void)name;
			out->net_rx += u64(net, "rx_bytes");
			out->net_tx += u64(net, "tx_bytes");
		}
	}
	stats_block_io(model_obj(o, "blkio_stats"), out);
	out->pids = u64(model_obj(o, "pids_stats"), "current");
	out->valid = out->cpu_total_ns > 0 || used > 0;
}

void
model_event(struct json_object *o, struct berth_event *ev)
{
	struct json_object *actor = model_obj(o, "Actor");
	struct json_object *attrs = model_obj(actor, "Attributes");
	const char *action = model_str(o, "Action") ? model_str(o, "Action") : model_str(o, "status");
	if (action && strcmp(action, "died") == 0)
		action = "die";
	/* Podman puts containerExitCode on every event; it means something on die only. */
	const char *code = model_str(attrs, "exitCode");
	if (!code && action && strcmp(action, "die") == 0)
		code = model_str(attrs, "containerExitCode");
	const char *id = model_str(actor, "ID") ? model_str(actor, "ID") : model_str(o, "id");
	ev->type = model_str(o, "Type") ? model_str(o, "Type") : "container";
	ev->action = action ? action : "";
	ev->id = id ? id : "";
	ev->name = model_str(attrs, "name");
	ev->exit_code = code ? atoi(code) : -1;
	ev->time = (time_t)model_int(o, "time");
	long long ns = model_int(o, "timeNano");
	/* A hostile or broken time must not overflow the nanoseconds. */
	bool time_fits = ev->time >= 0 && (long long)ev->time < LLONG_MAX / 1000000000LL;
	ev->time_ns = ns > 0 ? ns : time_fits ? (long long)ev->time * 1000000000LL : 0;
	ev->signal = model_str(attrs, "signal");
	ev->image = model_str(attrs, "image");
}

/* ------------------------------------------------------------------ */
/* A whole listing, parsed on two threads when it is large.
 *
 * The reply is cut into its elements and each is parsed, converted and freed
 * on its own: only one element's json-c tree is alive at a time, instead of
 * a tree for the whole reply (ten times its size), and the memory of one
 * element is reused by the next, so a dashboard listing a thousand containers
 * again and again keeps a small heap. */

#define LIST_SPLIT_MIN (192u << 10)	/* below this, one thread parses faster */

/* A slice of the listing's text: whole elements between commas. */
struct list_slice {
	const char *text;
	size_t len;
	const char *endpoint;
	struct berth_container **ctrs;
	size_t n, cap;
	bool bad;
};

/* The end (one past the closing brace) of the object starting at t[0] == '{',
 * or 0 when the text ends first. Only strings and nesting are tracked. */
static size_t
object_end(const char *t, size_t len)
{
	int depth = 0;
	bool in_str = false, esc = false;
	for (size_t i = 0; i < len; i++) {
		char ch = t[i];
		if (in_str) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"')
			in_str = true;
		else if (ch == '{' || ch == '[')
			depth++;
		else if ((ch == '}' || ch == ']') && --depth == 0)
			return i + 1;
	}
	return 0;
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static void
slice_add(struct list_slice *s, struct berth_container *c)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->ctrs = xrealloc(s->ctrs, s->cap * sizeof *s->ctrs);
	}
	s->ctrs[s->n++] = c;
}

/* Parse the element at t[0] == '{' into a container; json-c stops where the
 * element ends. Its length, or 0 when it is not a whole JSON object. */
static size_t
slice_element(struct list_slice *s, json_tokener *tok, const char *t, size_t len)
{
	json_tokener_reset(tok);
	struct json_object *o = json_tokener_parse_ex(tok, t, (int)len);
	size_t end = o && json_tokener_get_error(tok) == json_tokener_success ?
		     json_tokener_get_parse_end(tok) : 0;
	if (end)
		slice_add(s, model_from_list(o, s->endpoint));
	json_object_put(o);
	return end;
}

/* Objects separated by commas, with blanks around; nothing else. */
static void *
list_slice_run(void *p)
{
	struct list_slice *s = p;
	json_tokener *tok = json_tokener_new();
	bool want_elem = true;
	for (size_t i = 0; i < s->len && !s->bad;) {
		char ch = s->text[i];
		size_t end;
		if (is_space(ch)) {
			i++;
		} else if (ch == ',' && !want_elem) {
			want_elem = true;
			i++;
		} else if (ch == '{' && want_elem && (end = slice_element(s, tok, s->text + i,
									   s->len - i))) {
			want_elem = false;
			i += end;
		} else {
			s->bad = true;
		}
	}
	/* A trailing comma, or a comma with nothing before it, is not JSON. */
	if (want_elem && s->n > 0)
		s->bad = true;
	json_tokener_free(tok);
	return NULL;
}

/* The offset of a comma between two elements of the array body t (the text
 * between its brackets) at or after `from`; 0 when there is none. */
static size_t
list_split_point(const char *t, size_t len, size_t from)
{
	for (size_t i = 0; i < len;) {
		if (t[i] == '{') {
			size_t end = object_end(t + i, len - i);
			if (!end)
				return 0;
			i += end;
		} else if (t[i] == ',' && i >= from) {
			return i;
		} else {
			i++;
		}
	}
	return 0;
}

int
model_parse_list(const char *text, size_t len, const char *endpoint,
		 struct berth_container ***out, size_t *n)
{
	/* The array's body: between '[' and ']', blanks around them allowed. */
	size_t b = 0, e = len;
	while (b < len && is_space(text[b]))
		b++;
	while (e > b && is_space(text[e - 1]))
		e--;
	if (e - b < 2 || text[b] != '[' || text[e - 1] != ']')
		return -1;
	const char *body = text + b + 1;
	size_t blen = e - b - 2;
	struct list_slice sl[2] = { { .text = body, .len = blen, .endpoint = endpoint } };
	size_t cut = blen >= LIST_SPLIT_MIN ? list_split_point(body, blen, blen / 2) : 0;
	int nsl = 1;
	pthread_t th = 0;
	bool threaded = false;
	if (cut) {
		sl[0].len = cut;
		sl[1] = (struct list_slice){ .text = body + cut + 1, .len = blen - cut - 1,
					     .endpoint = endpoint };
		nsl = 2;
		threaded = berth_thread_start(&th, 0, false, list_slice_run, &sl[1]) == 0;
	}
	list_slice_run(&sl[0]);
	if (nsl == 2 && threaded)
		pthread_join(th, NULL);
	else if (nsl == 2)
		list_slice_run(&sl[1]);
	/* Two slices each need an element: "[,{}]" is not an array. */
	bool bad = sl[0].bad || (nsl == 2 && (sl[1].bad || !sl[0].n || !sl[1].n));
	size_t total = sl[0].n + (nsl == 2 ? sl[1].n : 0);
	struct berth_container **list = bad ? NULL : xcalloc(total + 1, sizeof *list);
	size_t at = 0;
	for (int i = 0; i < nsl; i++) {
		for (size_t k = 0; k < sl[i].n; k++) {
			if (list)
				list[at++] = sl[i].ctrs[k];
			else
				berth_container_free(sl[i].ctrs[k]);
		}
		free(sl[i].ctrs);
	}
	if (bad)
		return -1;
	*out = list;
	*n = total;
	return 0;
}
