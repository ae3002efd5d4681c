/* blazar.c: the project's leases from the reservation service (zun-api.md §8):
 * listing them with what each reservation asked for, finding one by id or name,
 * and extending one (Blazar's lease update, as python-blazarclient does it). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blazar.h"
#include "model-json.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Properties in words. Blazar keeps a reservation's resource_properties (and a
 * host reservation's hypervisor_properties) as a JSON string holding a query:
 * ["==", "$machine_name", "raspberrypi4-64"], or ["and", QUERY, QUERY...]. */

static void
query_words(struct buf *b, struct json_object *q)
{
	size_t n = json_object_is_type(q, json_type_array) ? json_object_array_length(q) : 0;
	const char *op = n ? json_object_get_string(json_object_array_get_idx(q, 0)) : NULL;
	if (op && (strcmp(op, "and") == 0 || strcmp(op, "or") == 0)) {
		for (size_t i = 1; i < n; i++) {
			if (i > 1)
				buf_printf(b, " %s ", op);
			query_words(b, json_object_array_get_idx(q, i));
		}
	} else if (op && n == 3) {
		const char *key = json_object_get_string(json_object_array_get_idx(q, 1));
		buf_printf(b, "%s %s %s", key && *key == '$' ? key + 1 : key, op,
			   json_object_get_string(json_object_array_get_idx(q, 2)));
	} else {
		buf_appends(b, json_object_to_json_string_ext(q, JSON_C_TO_STRING_PLAIN));
	}
}

/* Append the words of one properties field (a JSON string, or already JSON). */
static void
properties_words(struct buf *b, struct json_object *field)
{
	if (!field || json_object_is_type(field, json_type_null))
		return;
	struct json_object *q = json_object_is_type(field, json_type_string)
				? json_tokener_parse(json_object_get_string(field))
				: json_object_get(field);
	bool empty = !q || (json_object_is_type(q, json_type_array) &&
			    json_object_array_length(q) == 0);
	if (!empty) {
		if (b->len)
			buf_appends(b, " and ");
		if (q)
			query_words(b, q);
	} else if (!q && *json_object_get_string(field)) {
		if (b->len)
			buf_appends(b, " and ");
		buf_appends(b, json_object_get_string(field));	/* not JSON: as Blazar has it */
	}
	json_object_put(q);
}

static void
reservation_from_json(struct json_object *o, struct berth_reservation *r)
{
	r->id = xstrdup(model_str(o, "id"));
	r->resource_type = xstrdup(model_str(o, "resource_type"));
	r->status = xstrdup(model_str(o, "status"));
	r->min = (int)model_int(o, "min");
	r->max = (int)model_int(o, "max");
	r->amount = (int)model_int(o, "amount");
	struct buf b = { 0 };
	properties_words(&b, model_obj(o, "resource_properties"));
	properties_words(&b, model_obj(o, "hypervisor_properties"));
	r->properties = b.len ? buf_steal(&b) : NULL;
	buf_free(&b);
}

static void
lease_from_json(struct json_object *l, struct berth_lease *d)
{
	d->id = xstrdup(model_str(l, "id"));
	d->name = xstrdup(model_str(l, "name"));
	d->status = xstrdup(model_str(l, "status"));
	d->start = os_parse_time(model_str(l, "start_date"));
	d->end = os_parse_time(model_str(l, "end_date"));
	struct json_object *res = os_array(l, "reservations");
	size_t n = res ? json_object_array_length(res) : 0;
	d->reservations = xcalloc(n ? n : 1, sizeof *d->reservations);
	for (size_t j = 0; j < n; j++) {
		struct json_object *o = json_object_array_get_idx(res, j);
		if (json_object_is_type(o, json_type_object) && model_str(o, "id"))
			reservation_from_json(o, &d->reservations[d->nreservations++]);
	}
}

/* ------------------------------------------------------------------ */

/* One call to Blazar answering {"KEY": ...} with status 200; *doc gets the body. */
static int
blazar_call(struct os_session *s, struct http_request *rq, const char *what,
	    struct json_object **doc, struct berth_error *err)
{
	*doc = NULL;
	struct http_response resp;
	if (os_request(s, OS_SVC_RESERVATION, rq, &resp, err) < 0)
		return -1;
	int rc = 0;
	if (resp.status != 200)
		rc = os_fail(&resp, what, err);
	else if (os_json(&resp, "Blazar", doc, err) < 0)
		rc = -1;
	http_response_done(&resp);
	return rc;
}

int
blazar_leases(struct os_session *s, struct berth_lease **out, size_t *n, berth_cancel *cancel,
	      struct berth_error *err)
{
	*out = NULL;
	*n = 0;
	struct http_request rq = { .method = "GET", .path = "/leases", .cancel = cancel };
	struct json_object *doc;
	if (blazar_call(s, &rq, "cannot list leases", &doc, err) < 0)
		return -1;
	struct json_object *leases = os_array(doc, "leases");
	size_t count = leases ? json_object_array_length(leases) : 0;
	*out = xcalloc(count ? count : 1, sizeof **out);
	for (size_t i = 0; i < count; i++)
		lease_from_json(json_object_array_get_idx(leases, i), &(*out)[i]);
	*n = count;
	json_object_put(doc);
	return 0;
}

/* The index of the lease ref names in list (its id, else its unique name), n when
 * none; *named gets how many leases carry the name ref. */
static size_t
lease_index(const struct berth_lease *list, size_t n, const char *ref, size_t *named)
{
	size_t by_name = n;
	*named = 0;
	for (size_t i = 0; i < n; i++) {
		if (list[i].id && strcmp(list[i].id, ref) == 0)
			return i;
		if (list[i].name && strcmp(list[i].name, ref) == 0 && (*named)++ == 0)
			by_name = i;
	}
	return *named == 1 ? by_name : n;
}

int
blazar_lease_find(struct os_session *s, const char *ref, struct berth_lease *out,
		  berth_cancel *cancel, struct berth_error *err)
{
	memset(out, 0, sizeof *out);
	struct berth_lease *list;
	size_t n, named;
	if (blazar_leases(s, &list, &n, cancel, err) < 0)
		return -1;
	size_t pick = lease_index(list, n, ref, &named);
	int rc = 0;
	if (pick < n) {
		*out = list[pick];
		memset(&list[pick], 0, sizeof list[pick]);
	} else if (named > 1) {
		rc = berth_fail(err, BERTH_ECONFLICT,
				"%zu leases are named %s: name the lease by its id (see berth leases)",
				named, ref);
	} else {
		rc = berth_fail(err, BERTH_ENOTFOUND, "no lease has the id or name %s", ref);
	}
	berth_lease_list_free(list, n);
	return rc;
}

/* Blazar's API takes dates as "CCYY-MM-DD hh:mm" (UTC). */
static char *
blazar_date(time_t t)
{
	char buf[32];
	struct tm tm;
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", gmtime_r(&t, &tm));
	return xstrdup(buf);
}

/* The lease's end as Blazar has it now (GET /leases/{id}). */
static int
lease_end_now(struct os_session *s, const char *path, const char *what, time_t *end,
	      berth_cancel *cancel, struct berth_error *err)
{
	struct http_request rq = { .method = "GET", .path = path, .cancel = cancel };
	struct json_object *doc;
	if (blazar_call(s, &rq, what, &doc, err) < 0)
		return -1;
	*end = os_parse_time(model_str(model_obj(doc, "lease"), "end_date"));
	json_object_put(doc);
	return *end ? 0 : berth_fail(err, BERTH_EPROTOCOL, "%s: Blazar sent no end date", what);
}

int
blazar_lease_extend(struct os_session *s, const char *ref, long by_s, time_t end,
		    struct berth_lease *out, berth_cancel *cancel, struct berth_error *err)
{
	struct berth_lease cur;
	if (blazar_lease_find(s, ref, &cur, cancel, err) < 0)
		return -1;
	char *what = xasprintf("cannot extend lease %s", cur.name ? cur.name : cur.id);
	char *path = xasprintf("/leases/%s", cur.id);
	/* python-blazarclient's --prolong-for: the end Blazar has now, plus the time. */
	int rc = by_s > 0 ? lease_end_now(s, path, what, &end, cancel, err) : 0;
	char *date = blazar_date(by_s > 0 ? end + by_s : end);
	char *body = xasprintf("{\"end_date\": \"%s\"}", date);
	struct http_request put = { .method = "PUT", .path = path, .body = body,
				    .body_len = strlen(body), .content_type = "application/json",
				    .cancel = cancel };
	struct json_object *doc = NULL;
	if (rc == 0)
		rc = blazar_call(s, &put, what, &doc, err);
	struct json_object *l = model_obj(doc, "lease");
	if (rc == 0 && !l)
		rc = berth_fail(err, BERTH_EPROTOCOL, "%s: Blazar sent no lease back", what);
	if (rc == 0 && out)
		lease_from_json(l, out);
	json_object_put(doc);
	free(body);
	free(date);
	free(path);
	free(what);
	berth_lease_done(&cur);
	return rc;
}

char *
berth_reservation_text(const struct berth_reservation *r)
{
	struct buf b = { 0 };
	int lo = r->min > 0 ? r->min : r->amount, hi = r->max > 0 ? r->max : lo;
	if (lo > 0 && hi > lo)
		buf_printf(&b, "%d-%d ", lo, hi);
	else if (hi > 0)
		buf_printf(&b, "%d ", hi);
	buf_appends(&b, r->resource_type ? r->resource_type : "reservation");
	if (r->properties)
		buf_printf(&b, ": %s", r->properties);
	return buf_steal(&b);
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
