/* model-json.c: what every engine's JSON needs on its way into the container
 * model, whatever the engine: field accessors that trust nothing (a missing key
 * or a value of another type reads as NULL, 0 or false; json-c would abort) and
 * builders of a container's lists.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-json.h"
#include "util.h"

const char *
model_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long
model_int(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
		return json_object_get_int64(v);
	if (json_object_is_type(v, json_type_string))
		return strtoll(json_object_get_string(v), NULL, 10);
	return 0;
}

bool
model_bool(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_boolean))
		return false;
	return json_object_get_boolean(v);
}

struct json_object *
model_obj(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

struct json_object *
model_typed(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object *v = model_obj(o, key);
	return v && json_object_is_type(v, t) ? v : NULL;
}

void
model_add_kv(struct berth_kv **v, size_t *n, const char *key, const char *value)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].key = xstrdup(key);
	(*v)[*n].value = xstrdup(value ? value : "");
	(*n)++;
}

void
model_add_port(struct berth_container *c, int port, const char *proto, const char *host_ip,
	       int host_port)
{
	c->ports = xrealloc(c->ports, (c->nports + 1) * sizeof *c->ports);
	struct berth_port *p = &c->ports[c->nports++];
	memset(p, 0, sizeof *p);
	p->container_port = port;
	snprintf(p->proto, sizeof p->proto, "%s", proto && *proto ? proto : "tcp");
	p->host_port = host_port;
	if (host_port > 0)
		snprintf(p->host_ip, sizeof p->host_ip, "%s", host_ip && *host_ip ? host_ip : "0.0.0.0");
}

void
model_add_str(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

int
model_parse_port_key(const char *key, int *port, char proto[8])
{
	char *end;
	long p = strtol(key, &end, 10);
	if (end == key || p <= 0 || p > 65535 || (*end && *end != '/'))
		return -1;
	*port = (int)p;
	snprintf(proto, 8, "%s", *end == '/' && end[1] ? end + 1 : "tcp");
	return 0;
}

int
json_stream_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	struct json_stream *js = ctx;
	while (len) {
		struct json_object *o = json_tokener_parse_ex(js->tok, buf, (int)len);
		enum json_tokener_error jerr = json_tokener_get_error(js->tok);
		size_t used = json_tokener_get_parse_end(js->tok);
		if (!o) {
			if (jerr == json_tokener_continue)
				return 0;
			js->bad = true;
			return 1;
		}
		int stop = json_object_is_type(o, json_type_object) ? js->each(js->ctx, o) : 0;
		json_object_put(o);
		json_tokener_reset(js->tok);
		if (stop)
			return 1;
		if (used == 0 || used > len)
			return 0;
		buf += used;
		len -= used;
		while (len && (*buf == '\n' || *buf == '\r' || *buf == ' ')) {
			buf++;
			len--;
		}
	}
	return 0;
}
