/* docker-model.h (private): Docker's and Podman's JSON turned into struct
 * berth_container, stats samples and events (docker-model.c).
 *
 * The model_from_* functions take a reference on the json-c object they are
 * given (kept as c->raw); the caller keeps its own reference. Every string in
 * the result is owned by the container.
 */
#ifndef BERTH_DOCKER_MODEL_H
#define BERTH_DOCKER_MODEL_H

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

#endif
