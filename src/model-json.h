/* model-json.h (private): engine-neutral helpers for turning JSON into the
 * container model (model-json.c), used by every backend. */
#ifndef BERTH_MODEL_JSON_H
#define BERTH_MODEL_JSON_H

#include <json-c/json.h>

#include "berth.h"

/* Builders of a container's lists. */
void model_add_kv(struct berth_kv **v, size_t *n, const char *key, const char *value);
void model_add_port(struct berth_container *c, int port, const char *proto, const char *host_ip,
		    int host_port);
void model_add_str(char ***v, size_t *n, const char *s);
/* "80/tcp" into port and protocol (tcp when absent); -1 when not a port. */
int model_parse_port_key(const char *key, int *port, char proto[8]);

/* json-c accessors: NULL / 0 / false when missing or of another type. */
const char *model_str(struct json_object *o, const char *key);
long long model_int(struct json_object *o, const char *key);
bool model_bool(struct json_object *o, const char *key);
struct json_object *model_obj(struct json_object *o, const char *key);	/* any type */
/* The value under key when it has type t, else NULL. */
struct json_object *model_typed(struct json_object *o, const char *key, enum json_type t);

/* A stream of JSON documents (Docker's events, a pull's progress): a berth_sink
 * whose ctx is a struct json_stream hands each object to each (non-zero stops
 * the stream); bad is set, and the stream stopped, on a byte that is not JSON. */
struct json_stream {
	json_tokener *tok;		/* json_tokener_new(); the caller frees it */
	int (*each)(void *ctx, struct json_object *o);
	void *ctx;
	bool bad;
};
int json_stream_sink(void *ctx, enum berth_stream s, const char *buf, size_t len);

#endif
