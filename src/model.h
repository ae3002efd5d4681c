/* model.h (private): the engines' JSON turned into struct berth_container.
 *
 * The model_from_* functions take a reference on the json-c object they are
 * given (kept as c->raw); the caller keeps its own reference. Every string in
 * the result is owned by the container.
 */
#ifndef BERTH_MODEL_H
#define BERTH_MODEL_H

#include <json-c/json.h>

#include "berth.h"

/* One element of GET /containers/json (Docker or Podman compat). */
struct berth_container *model_from_list(struct json_object *o, const char *endpoint);
/* The whole reply of GET /containers/json; -1 when it is not a JSON array. A
 * large listing is parsed on two threads. */
int model_parse_list(const char *text, size_t len, const char *endpoint,
		     struct berth_container ***out, size_t *n);
/* The document of GET /containers/{id}/json (Docker or Podman compat). */
struct berth_container *model_from_inspect(struct json_object *o, const char *endpoint);

/* A one-shot stats document into a sample (all but read_ns). */
void model_stats(struct json_object *o, struct berth_stats_sample *out);
/* One events-stream document; the strings point into o. */
void model_event(struct json_object *o, struct berth_event *ev);

/* Docker's State.Status / list State words ("running", "removing"...). */
enum berth_status model_docker_status(const char *word);
/* RFC 3339 with optional fraction and offset; 0 for Go's zero time or garbage. */
time_t model_parse_time(const char *s);

/* Builders shared with other backends. */
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

#endif
