/* keystone.h (private): OpenStack sessions for the Zun backend, and the reading
 * of OpenStack services' replies.
 *
 * An os_session holds one endpoint's Keystone v3 credentials, its token and
 * service catalog. The token is shared by every thread using the endpoint
 * (guarded by a mutex), renewed before it expires and once when a service
 * answers 401. Credentials come from the endpoint's config section, a
 * clouds.yaml cloud (zun:CLOUD, OS_CLOUD), or OS_* variables. No secret or
 * token ever reaches a message.
 */
#ifndef BERTH_KEYSTONE_H
#define BERTH_KEYSTONE_H

#include <json-c/json.h>

#include "backend.h"
#include "http.h"

/* The services berth uses, looked up in the catalog by type. */
enum os_service { OS_SVC_CONTAINER, OS_SVC_NETWORK, OS_SVC_RESERVATION };

struct os_session;

/* From the endpoint's spec (zun, zun:CLOUD), config section and the environment. */
int os_session_new(const struct berth_endpoint *ep, struct os_session **out,
		   struct berth_error *err);
void os_session_free(struct os_session *s);
const char *os_session_region(const struct os_session *s);
/* Whether the catalog has the service (authenticating first if needed). */
int os_has_service(struct os_session *s, enum os_service svc, bool *has, berth_cancel *cancel,
		   struct berth_error *err);

/* One request to a service: the token and Accept: application/json are added.
 * rq->path is appended to the service's URL. A 401 renews the token and retries
 * once. 0 when an HTTP answer came (any status); resp is then filled and must be
 * released with http_response_done. */
int os_request(struct os_session *s, enum os_service svc, struct http_request *rq,
	       struct http_response *resp, struct berth_error *err);

/* Turn an error answer into one sentence: "<what>: <the service's own message>",
 * with the code from the status (404 ENOTFOUND, 409 ECONFLICT, 401/403 EAUTH...).
 * Reads Zun's {"errors":[...]}, Keystone's {"error":{...}}, Neutron's
 * {"NeutronError":{...}} and Blazar's {"error_message":...}. Returns -1. */
int os_fail(const struct http_response *resp, const char *what, struct berth_error *err);

/* Parse a JSON body; BERTH_EPROTOCOL naming what when it is not JSON. */
int os_json(const struct http_response *resp, const char *what, struct json_object **out,
	    struct berth_error *err);

/* The array under key in object o, or NULL when o is not an object or the value is
 * missing or of another type: a service's JSON is not trusted (json-c aborts on an
 * array call given anything else). */
struct json_object *os_array(struct json_object *o, const char *key);

/* Keystone's and Blazar's times ("2026-01-02T03:04:05[.ffffff][Z]", UTC); 0 when bad. */
time_t os_parse_time(const char *s);

#endif
