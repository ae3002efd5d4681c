/* neutron.c: floating IPs through Neutron (zun-api.md §5), as python-chi means
 * to do them: a free address of the project first, else one allocated from the
 * `public` network; association by the container's Neutron port; dissociation
 * with PUT port_id null (python-chi's DELETE on the bare endpoint is a bug).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neutron.h"
#include "model-json.h"
#include "util.h"

/* One Neutron call; *doc gets the JSON body of a 2xx answer (NULL for 204). */
static int
neutron_call(struct os_session *s, const char *method, const char *path, const char *body,
	     long ok, const char *what, struct json_object **doc, berth_cancel *cancel,
	     struct berth_error *err)
{
	char *full = xasprintf("/v2.0%s", path);
	struct http_request rq = { .method = method, .path = full, .body = body,
				   .body_len = body ? strlen(body) : 0,
				   .content_type = body ? "application/json" : NULL,
				   .cancel = cancel };
	struct http_response resp;
	int rc = os_request(s, OS_SVC_NETWORK, &rq, &resp, err);
	free(full);
	if (rc < 0)
		return -1;
	if (doc)
		*doc = NULL;
	if (resp.status != ok)
		rc = os_fail(&resp, what, err);
	else if (doc && resp.status != 204)
		rc = os_json(&resp, "Neutron", doc, err);
	http_response_done(&resp);
	return rc;
}

/* Every page of a Neutron collection (collection_links rel=next). */
static int
neutron_list(struct os_session *s, const char *path, const char *key, const char *what,
	     struct json_object **items, berth_cancel *cancel, struct berth_error *err)
{
	*items = json_object_new_array();
	char *next = xstrdup(path);
	char *links_key = xasprintf("%s_links", key);
	int rc = 0;
	for (int page = 0; next && page < 100 && rc == 0; page++) {
		struct json_object *doc = NULL, *arr = NULL, *links = NULL;
		rc = neutron_call(s, "GET", next, NULL, 200, what, &doc, cancel, err);
		free(next);
		next = NULL;
		if (rc < 0)
			break;
		if ((arr = os_array(doc, key)))
			for (size_t i = 0; i < json_object_array_length(arr); i++)
				json_object_array_add(*items,
						      json_object_get(json_object_array_get_idx(arr, i)));
		if ((links = os_array(doc, links_key)))
			for (size_t i = 0; i < json_object_array_length(links); i++) {
				struct json_object *l = json_object_array_get_idx(links, i);
				const char *href = model_str(l, "href");
				const char *v20 = href ? strstr(href, "/v2.0") : NULL;
				if (model_str(l, "rel") && strcmp(model_str(l, "rel"), "next") == 0 && v20)
					next = xstrdup(v20 + 5);
			}
		json_object_put(doc);
	}
	free(next);
	free(links_key);
	if (rc < 0) {
		json_object_put(*items);
		*items = NULL;
	}
	return rc;
}

int
neutron_fip_list(struct os_session *s, const char *port_id, struct berth_fip **out, size_t *n,
		 berth_cancel *cancel, struct berth_error *err)
{
	*out = NULL;
	*n = 0;
	char *path;
	if (port_id) {
		char *esc = http_escape(port_id);
		path = xasprintf("/floatingips?port_id=%s", esc);
		free(esc);
	} else {
		path = xstrdup("/floatingips");
	}
	struct json_object *items = NULL;
	int rc = neutron_list(s, path, "floatingips", "cannot list floating IPs", &items, cancel,
			      err);
	free(path);
	if (rc < 0)
		return -1;
	size_t count = json_object_array_length(items);
	*out = xcalloc(count ? count : 1, sizeof **out);
	for (size_t i = 0; i < count; i++) {
		struct json_object *f = json_object_array_get_idx(items, i);
		(*out)[i].id = xstrdup(model_str(f, "id"));
		(*out)[i].address = xstrdup(model_str(f, "floating_ip_address"));
		(*out)[i].port_id = xstrdup(model_str(f, "port_id"));
		(*out)[i].fixed_address = xstrdup(model_str(f, "fixed_ip_address"));
		(*out)[i].status = xstrdup(model_str(f, "status"));
	}
	*n = count;
	json_object_put(items);
	return 0;
}

int
neutron_port_of(struct os_session *s, const char *device_id, char **port, berth_cancel *cancel,
		struct berth_error *err)
{
	*port = NULL;
	char *esc = http_escape(device_id);
	char *path = xasprintf("/ports?device_id=%s", esc);
	free(esc);
	struct json_object *items = NULL;
	int rc = neutron_list(s, path, "ports", "cannot look up the container's network port",
			      &items, cancel, err);
	free(path);
	if (rc < 0)
		return -1;
	if (json_object_array_length(items) > 0)
		*port = xstrdup(model_str(json_object_array_get_idx(items, 0), "id"));
	json_object_put(items);
	return 0;
}

/* Allocate a floating IP from the network named public; *fip gets its JSON. */
static int
allocate_public(struct os_session *s, struct json_object **fip, berth_cancel *cancel,
		struct berth_error *err)
{
	struct json_object *nets = NULL;
	if (neutron_list(s, "/networks?name=public", "networks",
			 "cannot find the public network", &nets, cancel, err) < 0)
		return -1;
	const char *net = NULL;
	for (size_t i = 0; i < json_object_array_length(nets) && !net; i++) {
		struct json_object *o = json_object_array_get_idx(nets, i);
		if (model_str(o, "name") && strcmp(model_str(o, "name"), "public") == 0)
			net = model_str(o, "id");
	}
	if (!net) {
		json_object_put(nets);
		return berth_fail(err, BERTH_ENOTFOUND,
				  "no free floating IP, and no network named public to allocate one from");
	}
	char *body = xasprintf("{\"floatingip\":{\"floating_network_id\":\"%s\"}}", net);
	json_object_put(nets);
	struct json_object *doc = NULL;
	int rc = neutron_call(s, "POST", "/floatingips", body, 201,
			     "cannot allocate a floating IP from the public network", &doc, cancel, err);
	free(body);
	if (rc < 0)
		return -1;
	struct json_object *f = NULL;
	json_object_object_get_ex(doc, "floatingip", &f);
	*fip = f ? json_object_get(f) : NULL;
	json_object_put(doc);
	return *fip ? 0 : berth_fail(err, BERTH_EPROTOCOL, "Neutron allocated a floating IP but did not describe it");
}

int
neutron_fip_associate(struct os_session *s, const char *port, const char *address,
		      char **assigned, berth_cancel *cancel, struct berth_error *err)
{
	struct json_object *all = NULL, *chosen = NULL;
	if (neutron_list(s, "/floatingips", "floatingips", "cannot list floating IPs", &all, cancel,
			 err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(all) && !chosen; i++) {
		struct json_object *f = json_object_array_get_idx(all, i);
		const char *addr = model_str(f, "floating_ip_address");
		const char *fport = model_str(f, "port_id");
		if (address ? (addr && strcmp(addr, address) == 0) : !fport)
			chosen = json_object_get(f);
		else if (!address && fport && strcmp(fport, port) == 0)
			chosen = json_object_get(f);	/* already has one: keep it */
	}
	json_object_put(all);
	if (!chosen && address)
		return berth_fail(err, BERTH_ENOTFOUND, "the project has no floating IP %s", address);
	if (!chosen && allocate_public(s, &chosen, cancel, err) < 0)
		return -1;
	const char *fport = model_str(chosen, "port_id");
	int rc = 0;
	if (fport && strcmp(fport, port) == 0) {
		rc = 0;
	} else if (fport) {
		rc = berth_fail(err, BERTH_ECONFLICT,
				"floating IP %s is already associated with another port (%s)",
				model_str(chosen, "floating_ip_address"), fport);
	} else {
		char *path = xasprintf("/floatingips/%s", model_str(chosen, "id"));
		char *body = xasprintf("{\"floatingip\":{\"port_id\":\"%s\",\"fixed_ip_address\":null}}",
				       port);
		char what[160];
		snprintf(what, sizeof what, "cannot associate floating IP %s",
			 model_str(chosen, "floating_ip_address"));
		rc = neutron_call(s, "PUT", path, body, 200, what, NULL, cancel, err);
		free(path);
		free(body);
	}
	if (rc == 0)
		*assigned = xstrdup(model_str(chosen, "floating_ip_address"));
	json_object_put(chosen);
	return rc;
}

int
neutron_fip_dissociate(struct os_session *s, const char *port, int *count, berth_cancel *cancel,
		       struct berth_error *err)
{
	struct berth_fip *fips = NULL;
	size_t n = 0;
	*count = 0;
	if (neutron_fip_list(s, port, &fips, &n, cancel, err) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!fips[i].port_id || strcmp(fips[i].port_id, port) != 0)
			continue;
		char *path = xasprintf("/floatingips/%s", fips[i].id);
		char what[160];
		snprintf(what, sizeof what, "cannot dissociate floating IP %s", fips[i].address);
		rc = neutron_call(s, "PUT", path, "{\"floatingip\":{\"port_id\":null}}", 200, what,
				  NULL, cancel, err);
		free(path);
		if (rc == 0)
			(*count)++;
	}
	berth_fip_list_free(fips, n);
	return rc;
}
