/* test_model.c: Docker's and Podman's JSON (recorded from the real engines) into
 * the container model; status words; stats samples, events and the CPU formula. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-model.h"
#include "model-json.h"
#include "tap.h"
#include "util.h"

static struct json_object *
fixture(const char *name)
{
	char *path = xasprintf("%s/%s", FIXTURES, name);
	struct json_object *o = json_object_from_file(path);
	if (!o)
		printf("# cannot read %s\n", path);
	free(path);
	return o;
}

static const char *
kv(const struct berth_kv *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].value;
	return NULL;
}

static const struct berth_port *
port(const struct berth_container *c, int p, const char *proto, size_t nth)
{
	for (size_t i = 0; i < c->nports; i++)
		if (c->ports[i].container_port == p && strcmp(c->ports[i].proto, proto) == 0 && nth-- == 0)
			return &c->ports[i];
	return NULL;
}

static struct berth_container *
inspect_fixture(const char *name)
{
	struct json_object *o = fixture(name);
	struct berth_container *c = o ? model_from_inspect(o, "local") : NULL;
	json_object_put(o);
	return c;
}

/* What both engines agree on for the running container. */
static void
check_running(const char *engine, struct berth_container *c, const char *ip, long pid,
	      time_t created, int host_tcp, int host_udp)
{
	if (!ok(c != NULL, "%s: the running container's inspect parses", engine))
		return;
	is_str(c->name, "t-core-fx-run", "%s: the name loses its '/'", engine);
	is_str(c->endpoint, "local", "%s: the endpoint name is kept", engine);
	is_int(c->status, BERTH_ST_RUNNING, "%s: running", engine);
	ok(c->running, "%s: is_running", engine);
	is_int(c->exit_code, 0, "%s: exit code 0 while running", engine);
	is_int(c->pid, pid, "%s: the pid", engine);
	is_str(c->hostname, "myhost", "%s: the hostname", engine);
	is_int(c->created, created, "%s: created, RFC 3339 with nanoseconds", engine);
	ok(c->started >= created && c->finished == 0, "%s: started set, finished unset", engine);
	is_int(c->nargv, 3, "%s: argv from Path and Args", engine);
	is_str(c->command, "sh -c echo hello; sleep 3600", "%s: the command line", engine);
	is_str(kv(c->env, c->nenv, "A"), "B=C=D", "%s: env split at the first '='", engine);
	is_str(kv(c->env, c->nenv, "ASD"), "", "%s: an empty value", engine);
	is_str(kv(c->labels, c->nlabels, "app"), "web", "%s: label app", engine);
	is_str(kv(c->labels, c->nlabels, "note"), "a b", "%s: label with a space", engine);
	is_int(c->nipv4, 1, "%s: one IPv4 address", engine);
	if (c->nipv4)
		is_str(c->ipv4[0], ip, "%s: the address from NetworkSettings.Networks", engine);
	is_int(c->nipv6, 0, "%s: no IPv6", engine);
	const struct berth_port *p = port(c, 80, "tcp", 0);
	ok(p && p->host_port == host_tcp && strcmp(p->host_ip, "127.0.0.1") == 0,
	   "%s: 80/tcp published on 127.0.0.1:%d", engine, host_tcp);
	p = port(c, 81, "udp", 0);
	ok(p && p->host_port == host_udp && strcmp(p->host_ip, "0.0.0.0") == 0,
	   "%s: 81/udp published on all addresses", engine);
	p = port(c, 9000, "tcp", 0);
	ok(p && p->host_port == 0 && p->host_ip[0] == '\0', "%s: 9000/tcp exposed, not bound", engine);
	ok(c->raw != NULL, "%s: the raw document is kept", engine);
	ok(!c->tty, "%s: no TTY", engine);

	struct berth_container *d = berth_container_dup(c);
	ok(d && d != c && strcmp(d->name, c->name) == 0 && d->nports == c->nports &&
	   d->ports != c->ports && d->nenv == c->nenv && strcmp(d->env[0].value, c->env[0].value) == 0 &&
	   d->raw && d->raw != c->raw && d->argv[3] == NULL,
	   "%s: dup is a deep copy", engine);
	ok(berth_container_equal(c, d), "%s: a copy is equal", engine);
	d->ports[d->nports - 1].host_port++;
	ok(!berth_container_equal(c, d), "%s: a port's host port differs", engine);
	d->ports[d->nports - 1].host_port--;
	free(d->labels[0].value);
	d->labels[0].value = xstrdup("other");
	ok(!berth_container_equal(c, d), "%s: a label's value differs", engine);
	berth_container_free(d);
	d = berth_container_dup(c);
	d->exit_code = 3;
	ok(!berth_container_equal(c, d), "%s: the exit code differs", engine);
	berth_container_free(d);
	d = berth_container_dup(c);
	json_object_object_add(d->raw, "Extra", json_object_new_int(1));
	ok(!berth_container_equal(c, d), "%s: the engine's documents differ", engine);
	berth_container_free(d);
	berth_container_free(c);
}

static void
check_exited(const char *engine, const char *file)
{
	struct berth_container *c = inspect_fixture(file);
	if (!ok(c != NULL, "%s: the exited container's inspect parses", engine))
		return;
	is_int(c->status, BERTH_ST_EXITED, "%s: exited", engine);
	is_int(c->exit_code, 42, "%s: exit code 42", engine);
	is_int(c->pid, 0, "%s: no pid when stopped", engine);
	ok(!c->running, "%s: not running", engine);
	ok(c->finished >= c->started && c->finished > 0, "%s: finished time", engine);
	is_str(c->state_text, "Exited (42)", "%s: state text", engine);
	is_int(c->nipv4, 0, "%s: no address when stopped", engine);
	berth_container_free(c);
}

static void
check_created(const char *engine, const char *file)
{
	struct berth_container *c = inspect_fixture(file);
	if (!ok(c != NULL, "%s: the created container's inspect parses", engine))
		return;
	is_int(c->status, BERTH_ST_CREATED, "%s: created", engine);
	is_int(c->exit_code, 0, "%s: exit code 0 while created", engine);
	ok(c->tty, "%s: TTY", engine);
	is_int(c->started, 0, "%s: never started", engine);
	is_str(c->command, "sleep 10", "%s: command", engine);
	berth_container_free(c);
}

static struct berth_container *
find(struct berth_container **l, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(l[i]->name, name) == 0)
			return l[i];
	return NULL;
}

static void
check_list(const char *engine, const char *file, int host_tcp, bool lists_unbound)
{
	struct json_object *a = fixture(file);
	size_t n = a ? json_object_array_length(a) : 0;
	is_int(n, 3, "%s: three containers listed", engine);
	struct berth_container **l = xcalloc(n + 1, sizeof *l);
	for (size_t i = 0; i < n; i++)
		l[i] = model_from_list(json_object_array_get_idx(a, i), "local");
	json_object_put(a);
	struct berth_container *r = find(l, n, "t-core-fx-run");
	struct berth_container *x = find(l, n, "t-core-fx-exit");
	struct berth_container *c = find(l, n, "t-core-fx-created");
	ok(r && x && c, "%s: names without '/'", engine);
	if (r && x && c) {
		is_int(r->status, BERTH_ST_RUNNING, "%s: list status running", engine);
		ok(str_starts_with(r->state_text, "Up "), "%s: the engine's status text", engine);
		is_int(x->status, BERTH_ST_EXITED, "%s: list status exited", engine);
		is_int(x->exit_code, 42, "%s: exit code from the status text", engine);
		is_int(c->status, BERTH_ST_CREATED, "%s: list status created", engine);
		is_int(c->exit_code, 0, "%s: created has exit code 0", engine);
		ok(r->created > 1700000000, "%s: created in unix seconds", engine);
		const struct berth_port *p = port(r, 80, "tcp", 0);
		ok(p && p->host_port == host_tcp && strcmp(p->host_ip, "127.0.0.1") == 0,
		   "%s: list port 80/tcp", engine);
		p = port(r, 81, "udp", 0);
		ok(p && strcmp(p->host_ip, "0.0.0.0") == 0, "%s: list port 81/udp on all addresses",
		   engine);
		ok((port(r, 9000, "tcp", 0) != NULL) == lists_unbound,
		   "%s: the list %s exposed-but-unbound ports", engine,
		   lists_unbound ? "includes" : "omits");
		is_int(r->nipv4, 1, "%s: list address", engine);
		is_str(kv(r->labels, r->nlabels, "app"), "web", "%s: list labels", engine);
		ok(r->argv && r->argv[0] == NULL, "%s: list argv is empty", engine);
	}
	berth_container_list_free(l, n);
}

static void
test_status_words(void)
{
	static const char *const words[] = { "created", "running", "paused", "restarting", "exited",
					     "dead", "creating", "deleting", "error", "unknown" };
	int good = 0;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		enum berth_status st;
		if (berth_status_parse(words[i], &st) == 0 && strcmp(berth_status_name(st), words[i]) == 0)
			good++;
	}
	is_int(good, 10, "every status word parses and prints back");
	enum berth_status st;
	is_int(berth_status_parse("Running", &st), 0, "status words are case-insensitive");
	is_int(berth_status_parse("bogus", &st), -1, "unknown word");
	is_int(model_docker_status("removing"), BERTH_ST_DELETING, "Docker's removing is deleting");
	is_int(model_docker_status("stopped"), BERTH_ST_EXITED, "Podman's stopped is exited");
	is_int(model_docker_status("weird"), BERTH_ST_UNKNOWN, "anything else is unknown");
}

static void
test_times_and_ports(void)
{
	is_int(model_parse_time("2026-11-23T08:40:37.58080514Z"), 1795423237, "RFC 3339 with nanoseconds");
	is_int(model_parse_time("2026-11-23T09:40:37+01:00"), 1795423237, "with an offset");
	is_int(model_parse_time("0001-01-01T00:00:00Z"), 0, "Go's zero time is 0");
	is_int(model_parse_time("garbage"), 0, "garbage is 0");
	int p;
	char proto[8];
	ok(model_parse_port_key("8080/udp", &p, proto) == 0 && p == 8080 && !strcmp(proto, "udp"),
	   "8080/udp");
	ok(model_parse_port_key("53", &p, proto) == 0 && p == 53 && !strcmp(proto, "tcp"),
	   "a bare port is tcp");
	is_int(model_parse_port_key("x/tcp", &p, proto), -1, "not a port");
}

static void
test_stats(void)
{
	struct berth_stats_sample s = { 0 };
	struct json_object *o = fixture("docker-stats-run.json");
	model_stats(o, &s);
	ok(s.valid, "Docker: a running container's sample is valid");
	ok(s.cpu_total_ns > 0 && s.system_ns > 0 && s.online_cpus == 2, "Docker: CPU counters");
	struct json_object *mem = model_obj(o, "memory_stats");
	struct json_object *ms = model_obj(mem, "stats");
	is_int(s.mem_used, model_int(mem, "usage") - model_int(ms, "total_inactive_file"),
	       "Docker (cgroup v1): usage minus total_inactive_file");
	ok(s.mem_limit > 0, "Docker: memory limit");
	json_object_put(o);

	memset(&s, 0, sizeof s);
	o = fixture("docker-stats-exited.json");
	model_stats(o, &s);
	ok(!s.valid, "Docker: a stopped container's sample is not valid");
	json_object_put(o);

	memset(&s, 0, sizeof s);
	o = fixture("podman-stats-run.json");
	model_stats(o, &s);
	ok(s.valid && s.cpu_total_ns > 0, "Podman: a running container's sample");
	is_int(s.mem_used, model_int(model_obj(o, "memory_stats"), "usage"),
	       "Podman: no memory_stats.stats, usage as is");
	json_object_put(o);

	struct berth_stats_sample a = { .cpu_total_ns = 1000000000, .system_ns = 100000000000ULL,
					.read_ns = 5000000000ULL, .online_cpus = 2, .valid = true };
	struct berth_stats_sample b = a;
	b.cpu_total_ns += 500000000;	/* half a CPU-second */
	b.system_ns += 2000000000;	/* one wall second on two CPUs */
	b.read_ns += 1000000000;
	ok(berth_cpu_percent(BERTH_KIND_DOCKER, &a, &b) > 49.9 &&
	   berth_cpu_percent(BERTH_KIND_DOCKER, &a, &b) < 50.1, "Docker formula: 50%%");
	b.system_ns = a.system_ns + 500000000;	/* Podman's busy-only counter */
	ok(berth_cpu_percent(BERTH_KIND_PODMAN, &a, &b) > 49.9 &&
	   berth_cpu_percent(BERTH_KIND_PODMAN, &a, &b) < 50.1,
	   "Podman formula: CPU time over berth's own clock");
	ok(berth_cpu_percent(BERTH_KIND_DOCKER, &a, &a) < 0, "no time passed: not computable");
	b.valid = false;
	ok(berth_cpu_percent(BERTH_KIND_DOCKER, &a, &b) < 0, "stopped: not computable");
}

/* Parse a recorded events stream the way the backend does: chunk by chunk. */
static void
check_events(const char *engine, const char *file, const char *name)
{
	char *path = xasprintf("%s/%s", FIXTURES, file);
	FILE *f = fopen(path, "r");
	free(path);
	struct buf all = { 0 };
	char chunk[97];	/* an odd size, so documents straddle chunks */
	size_t n;
	while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&all, chunk, n);
	if (f)
		fclose(f);
	json_tokener *tok = json_tokener_new();
	int events = 0, dies = 0, named = 0, codes_elsewhere = 0;
	for (size_t off = 0; off < all.len;) {
		size_t len = all.len - off < 97 ? all.len - off : 97;
		const char *p = all.data + off;
		while (len) {
			struct json_object *o = json_tokener_parse_ex(tok, p, (int)len);
			if (!o)
				break;
			size_t used = json_tokener_get_parse_end(tok);
			struct berth_event ev;
			model_event(o, &ev);
			events++;
			if (strcmp(ev.action, "die") == 0 && ev.exit_code == 3)
				dies++;
			else if (ev.exit_code != -1)
				codes_elsewhere++;
			if (ev.name && strcmp(ev.name, name) == 0 && strlen(ev.id) == 64 && ev.time > 0)
				named++;
			json_object_put(o);
			json_tokener_reset(tok);
			p += used;
			len -= used;
		}
		off += all.len - off < 97 ? all.len - off : 97;
	}
	json_tokener_free(tok);
	buf_free(&all);
	ok(events >= 4, "%s: the recorded events parse across chunks (%d)", engine, events);
	is_int(dies, 1, "%s: one die event with exit code 3", engine);
	is_int(codes_elsewhere, 0, "%s: no exit code on other events", engine);
	is_int(named, events, "%s: every event has the id, name and time", engine);
}

/* A listing big enough to be parsed on two threads keeps every element in order,
 * whatever the strings hold. */
static void
test_parse_list(void)
{
	struct json_object *base = fixture("docker-list.json");
	struct json_object *big = json_object_new_array();
	for (int i = 0; base && i < 1500; i++) {
		struct json_object *c = NULL;
		json_object_deep_copy(json_object_array_get_idx(base, (size_t)i % 3), &c, NULL);
		char name[64];
		snprintf(name, sizeof name, i % 7 ? "/c%d" : "/c%d,\"}]{[", i);
		struct json_object *names = json_object_new_array();
		json_object_array_add(names, json_object_new_string(name));
		json_object_object_add(c, "Names", names);
		json_object_array_add(big, c);
	}
	const char *text = json_object_to_json_string_ext(big, JSON_C_TO_STRING_PRETTY);
	struct berth_container **l = NULL;
	size_t n = 0;
	ok(strlen(text) > 400000, "the synthetic listing is large (%zu bytes)", strlen(text));
	is_int(model_parse_list(text, strlen(text), "local", &l, &n), 0, "a large listing parses");
	is_int(n, 1500, "every element is there");
	int in_order = 0;
	for (size_t i = 0; i < n; i++) {
		char want[64];
		snprintf(want, sizeof want, i % 7 ? "c%zu" : "c%zu,\"}]{[", i);
		in_order += strcmp(l[i]->name, want) == 0;
	}
	is_int(in_order, 1500, "in order, with commas and brackets inside strings");
	berth_container_list_free(l, n);
	json_object_put(big);

	text = "[]";
	is_int(model_parse_list(text, 2, "local", &l, &n), 0, "an empty listing");
	is_int(n, 0, "has no elements");
	berth_container_list_free(l, n);
	text = "{\"message\":\"no\"}";
	is_int(model_parse_list(text, strlen(text), "local", &l, &n), -1, "an object is not a listing");
	text = " [ {\"Id\":\"a\"} ,\n{\"Id\":\"b\"} ]\n";
	ok(model_parse_list(text, strlen(text), "local", &l, &n) == 0 && n == 2 &&
	   strcmp(l[1]->id, "b") == 0, "blanks around elements and brackets are fine");
	berth_container_list_free(l, n);
	static const char *const broken[] = {
		"[{\"Id\":\"a\"},]", "[,{\"Id\":\"a\"}]", "[{\"Id\":\"a\"}{\"Id\":\"b\"}]",
		"[{\"Id\":\"a\"}", "[{\"Id\":\"a\"]", "[{\"Id\":}]", "[1,2]", "[{\"Id\":\"a\"}] x",
	};
	int refused = 0;
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++)
		refused += model_parse_list(broken[i], strlen(broken[i]), "local", &l, &n) == -1;
	is_int(refused, (int)(sizeof broken / sizeof broken[0]),
	       "broken listings are refused (trailing or leading comma, no comma, truncated,"
	       " bad element, not objects, garbage after)");
	json_object_put(base);
}

/* Health, restarts and OOM from inspect; a container without a health check
 * has none, not an unknown one. */
static struct berth_container *
trouble_fixture(const char *prefix, const char *which)
{
	char *f = xasprintf("%s-inspect-%s.json", prefix, which);
	struct berth_container *c = inspect_fixture(f);
	free(f);
	return c;
}

static void
check_trouble(const char *engine, const char *prefix, bool oom_reported)
{
	struct berth_container *c = trouble_fixture(prefix, "health");
	if (ok(c != NULL, "%s: the health-checked container parses", engine)) {
		is_int(c->health, BERTH_HEALTH_UNHEALTHY, "%s: unhealthy", engine);
		ok(c->health_output && strstr(c->health_output, "checking"),
		   "%s: the last check's output is kept", engine);
		is_int(c->health_exit, 1, "%s: the last check's exit code", engine);
		is_int(c->health_time, strcmp(engine, "Docker") == 0 ? 1796575215 : 1796575209,
		       "%s: when the last check ended", engine);
		is_str(berth_health_name(c->health), "unhealthy", "%s: health word", engine);
		struct berth_container *d = berth_container_dup(c);
		is_str(d->health_output, c->health_output, "%s: dup copies the check output", engine);
		berth_container_free(d);
	}
	berth_container_free(c);
	c = trouble_fixture(prefix, "restart");
	if (ok(c != NULL, "%s: the restarting container parses", engine)) {
		is_int(c->restart_count, 3, "%s: on-failure:3 restarted three times", engine);
		is_int(c->exit_code, 1, "%s: its exit code", engine);
		is_int(c->health, BERTH_HEALTH_NONE, "%s: no health check, no health", engine);
		ok(c->health_output == NULL && !c->oom_killed, "%s: no check output, not OOM", engine);
		is_str(berth_health_name(c->health), "", "%s: no health is an empty word", engine);
	}
	berth_container_free(c);
	c = trouble_fixture(prefix, "oom");
	if (ok(c != NULL, "%s: the memory-starved container parses", engine)) {
		is_int(c->exit_code, 137, "%s: killed, exit code 137", engine);
		is_int(c->oom_killed, oom_reported, "%s: OOMKilled as the engine reports it", engine);
	}
	berth_container_free(c);
}

/* Docker's listing tells health in the status text; Podman's does not. */
static void
check_list_health(const char *engine, const char *file, enum berth_health want)
{
	struct json_object *a = fixture(file);
	enum berth_health got = BERTH_HEALTH_NONE, others = BERTH_HEALTH_NONE;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct berth_container *c = model_from_list(json_object_array_get_idx(a, i), "local");
		if (strcmp(c->name, "monitor-fx-health") == 0)
			got = c->health;
		else if (c->health != BERTH_HEALTH_NONE)
			others = c->health;
		berth_container_free(c);
	}
	json_object_put(a);
	is_int(got, want, "%s: the listing's health of the checked container", engine);
	is_int(others, BERTH_HEALTH_NONE, "%s: no health for the unchecked ones", engine);
}

/* Network, block I/O and PIDs as docker stats sums them. */
static void
test_stats_io(void)
{
	struct berth_stats_sample s = { 0 };
	struct json_object *o = fixture("docker-stats-io.json");
	model_stats(o, &s);
	is_int(s.net_rx, 516, "Docker: rx bytes of eth0");
	is_int(s.net_tx, 0, "Docker: tx bytes of eth0");
	is_int(s.pids, 1, "Docker: pids_stats.current");
	json_object_put(o);
	memset(&s, 0, sizeof s);
	o = fixture("podman-stats-io.json");
	model_stats(o, &s);
	ok(s.net_rx == 516 && s.net_tx == 1032, "Podman: its one network's rx and tx");
	is_int(s.pids, 1, "Podman: pids");
	json_object_put(o);
	/* Neither engine here has a block device under its storage (blkio is
	 * empty in both recordings): the two spellings of cgroup v1 and v2. */
	memset(&s, 0, sizeof s);
	o = json_tokener_parse("{\"blkio_stats\":{\"io_service_bytes_recursive\":["
			       "{\"major\":8,\"op\":\"Read\",\"value\":4096},"
			       "{\"major\":8,\"op\":\"Write\",\"value\":100},"
			       "{\"major\":8,\"op\":\"Total\",\"value\":4196},"
			       "{\"major\":9,\"op\":\"read\",\"value\":4},"
			       "{\"major\":9,\"op\":\"write\",\"value\":1}]}}");
	model_stats(o, &s);
	ok(s.blk_read == 4100 && s.blk_write == 101, "block I/O: read and write ops summed, Total not");
	json_object_put(o);
}

/* What the events view and berth events show: OOM, signals, nanoseconds. */
static void
check_trouble_events(const char *engine, const char *file, bool oom_event, bool kill_signal)
{
	char *path = xasprintf("%s/%s", FIXTURES, file);
	FILE *f = fopen(path, "r");
	free(path);
	char line[8192];
	bool oom = false, die137 = false, sig = false, ns = true;
	while (f && fgets(line, sizeof line, f)) {
		struct json_object *o = json_tokener_parse(line);
		if (!o)
			continue;
		struct berth_event ev;
		model_event(o, &ev);
		oom |= strcmp(ev.action, "oom") == 0;
		die137 |= strcmp(ev.action, "die") == 0 && ev.exit_code == 137;
		sig |= strcmp(ev.action, "kill") == 0 && ev.signal && strcmp(ev.signal, "15") == 0;
		ns &= ev.time_ns / 1000000000LL == (long long)ev.time && ev.time_ns % 1000000000LL;
		json_object_put(o);
	}
	if (f)
		fclose(f);
	is_int(oom, oom_event, "%s: an oom event %s", engine, oom_event ? "is seen" : "is not sent");
	ok(die137, "%s: the OOM-killed container dies with 137", engine);
	is_int(sig, kill_signal, "%s: kill's signal attribute %s", engine,
	       kill_signal ? "is read" : "is not sent");
	ok(ns, "%s: every event keeps its nanoseconds", engine);
}

/* An event time no engine sends (found by fuzz_docker) must not overflow. */
static void
test_event_time_out_of_range(void)
{
	struct json_object *o = json_tokener_parse("{\"Action\":\"start\",\"time\":9223372036854775807}");
	struct berth_event ev;
	model_event(o, &ev);
	is_int(ev.time_ns, 0, "an event time too large for nanoseconds gives none");
	json_object_put(o);
	o = json_tokener_parse("{\"Action\":\"start\",\"time\":1700000000}");
	model_event(o, &ev);
	ok(ev.time_ns == 1700000000LL * 1000000000LL, "an event without timeNano gets its seconds in nanoseconds");
	json_object_put(o);
}

int
main(void)
{
	test_parse_list();
	test_event_time_out_of_range();
	check_running("Docker", inspect_fixture("docker-inspect-run.json"), "172.17.0.3", 16053,
		      1795423237, 38471, 38472);
	check_running("Podman", inspect_fixture("podman-inspect-run.json"), "10.88.0.5", 16241,
		      1795423240, 38473, 38474);
	check_exited("Docker", "docker-inspect-exit.json");
	check_exited("Podman", "podman-inspect-exit.json");
	check_created("Docker", "docker-inspect-created.json");
	check_created("Podman", "podman-inspect-created.json");
	check_list("Docker", "docker-list.json", 38471, true);
	check_list("Podman", "podman-list.json", 38473, false);
	test_status_words();
	test_times_and_ports();
	test_stats();
	check_events("Docker", "docker-events.jsonl", "t-core-ev");
	check_events("Podman", "podman-events.jsonl", "t-core-ev2");
	check_trouble("Docker", "docker", true);
	check_trouble("Podman", "podman", false);
	check_list_health("Docker", "docker-list-trouble.json", BERTH_HEALTH_UNHEALTHY);
	check_list_health("Podman", "podman-list-trouble.json", BERTH_HEALTH_NONE);
	test_stats_io();
	check_trouble_events("Docker", "docker-events-trouble.jsonl", true, true);
	check_trouble_events("Podman", "podman-events-trouble.jsonl", false, false);
	return tap_done();
}
