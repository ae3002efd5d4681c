/* blazar.c: the project's leases from the reservation service (zun-api.md §8). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blazar.h"
#include "model-json.h"
#include "util.h"

int
blazar_leases(struct os_session *s, struct berth_lease **out, size_t *n, berth_cancel *cancel,
	      struct berth_error *err)
{
	*out = NULL;
	*n = 0;
	struct http_request rq = { .method = "GET", .path = "/leases", .cancel = cancel };
	struct http_response resp;
	if (os_request(s, OS_SVC_RESERVATION, &rq, &resp, err) < 0)
		return -1;
	struct json_object *doc = NULL, *leases = NULL;
	int rc = 0;
	if (resp.status != 200)
		rc = os_fail(&resp, "cannot list leases", err);
	else if (os_json(&resp, "Blazar", &doc, err) < 0)
		rc = -1;
	http_response_done(&resp);
	if (rc < 0)
		return -1;
	json_object_object_get_ex(doc, "leases", &leases);
	size_t count = leases && json_object_is_type(leases, json_type_array)
			       ? json_object_array_length(leases) : 0;
	*out = xcalloc(count ? count : 1, sizeof **out);
	for (size_t i = 0; i < count; i++) {
		struct json_object *l = json_object_array_get_idx(leases, i), *res = NULL;
		struct berth_lease *d = &(*out)[i];
		d->id = xstrdup(model_str(l, "id"));
		d->name = xstrdup(model_str(l, "name"));
		d->status = xstrdup(model_str(l, "status"));
		d->start = os_parse_time(model_str(l, "start_date"));
		d->end = os_parse_time(model_str(l, "end_date"));
		if (json_object_object_get_ex(l, "reservations", &res) &&
		    json_object_is_type(res, json_type_array))
			for (size_t j = 0; j < json_object_array_length(res); j++) {
				const char *rid = model_str(json_object_array_get_idx(res, j), "id");
				if (rid)
					model_add_str(&d->reservations, &d->nreservations, rid);
			}
	}
	*n = count;
	json_object_put(doc);
	return 0;
}

const char *
berth_lease_left(time_t end, time_t now, char *buf, size_t len)
{
	long m = ((long)(end - now) + 59) / 60;	/* whole minutes, rounded up */
	if (!end)
		snprintf(buf, len, "-");
	else if (end <= now)
		snprintf(buf, len, "ended");
	else if (m >= 1440)
		snprintf(buf, len, "%ldd %02ldh", m / 1440, m % 1440 / 60);
	else if (m >= 60)
		snprintf(buf, len, "%ldh %02ldm", m / 60, m % 60);
	else
		snprintf(buf, len, "%ldm", m);
	return buf;
}
