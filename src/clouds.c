/* clouds.c: clouds.yaml and secure.yaml, read as openstacksdk does (zun-api.md §1).
 *
 * The first existing file among $OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/
 * and /etc/openstack/ (clouds.yaml, clouds.yml, clouds.json) is read with libyaml
 * into a json-c tree; secure.yaml from the same places is merged over it. The
 * cloud is the one asked for, else $OS_CLOUD, else the only one defined.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <yaml.h>

#include "clouds.h"
#include "util.h"

/* Nodes converted at most: aliases can expand a small file without end
 * (a "billion laughs"). */
#define YAML_MAX_NODES 100000

/* One YAML node (and its children) as json-c; scalars stay strings. */
static struct json_object *
node_to_json(yaml_document_t *doc, yaml_node_t *node, int depth, size_t *budget)
{
	if (!node || depth > 32 || *budget == 0)
		return NULL;
	(*budget)--;
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return json_object_new_string_len((const char *)node->data.scalar.value,
						  (int)node->data.scalar.length);
	case YAML_SEQUENCE_NODE: {
		struct json_object *a = json_object_new_array();
		for (yaml_node_item_t *it = node->data.sequence.items.start;
		     it < node->data.sequence.items.top; it++)
			json_object_array_add(a, node_to_json(doc, yaml_document_get_node(doc, *it),
							      depth + 1, budget));
		return a;
	}
	case YAML_MAPPING_NODE: {
		struct json_object *o = json_object_new_object();
		for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
		     p < node->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			if (!k || k->type != YAML_SCALAR_NODE)
				continue;
			json_object_object_add(o, (const char *)k->data.scalar.value,
					       node_to_json(doc, yaml_document_get_node(doc, p->value),
							    depth + 1, budget));
		}
		return o;
	}
	default:
		return NULL;
	}
}

/* Parse path into *out; a syntax error names the file and line. */
static int
yaml_read(const char *path, struct json_object **out, struct berth_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return berth_fail(err, BERTH_EIO, "cannot read %s", path);
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int rc = 0;
	if (!yaml_parser_load(&parser, &doc)) {
		rc = berth_fail(err, BERTH_EUSAGE, "%s line %zu: %s", path,
				parser.problem_mark.line + 1,
				parser.problem ? parser.problem : "not valid YAML");
	} else {
		size_t budget = YAML_MAX_NODES;
		*out = node_to_json(&doc, yaml_document_get_root_node(&doc), 0, &budget);
		yaml_document_delete(&doc);
		if (budget == 0) {
			json_object_put(*out);
			*out = NULL;
			rc = berth_fail(err, BERTH_EUSAGE, "%s has more than %d nodes (aliases "
					"expanding without end?)", path, YAML_MAX_NODES);
		} else if (!*out) {
			*out = json_object_new_object();
		}
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

/* The first existing file named base.{yaml,yml,json} in the search path, or NULL. */
static char *
find_file(const char *base, const char *first)
{
	if (first && *first && access(first, R_OK) == 0)
		return xstrdup(first);
	const char *home = getenv("HOME");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *dirs[3];
	dirs[0] = xstrdup(".");
	dirs[1] = xdg && *xdg ? xasprintf("%s/openstack", xdg)
			      : xasprintf("%s/.config/openstack", home ? home : "");
	dirs[2] = xstrdup("/etc/openstack");
	static const char *const exts[] = { "yaml", "yml", "json" };
	char *found = NULL;
	for (size_t d = 0; d < 3 && !found; d++)
		for (size_t e = 0; e < 3 && !found; e++) {
			char *p = xasprintf("%s/%s.%s", dirs[d], base, exts[e]);
			if (access(p, R_OK) == 0)
				found = p;
			else
				free(p);
		}
	for (size_t d = 0; d < 3; d++)
		free(dirs[d]);
	return found;
}

/* Merge src's members into dst, recursing into objects (secure.yaml over clouds.yaml). */
static void
merge(struct json_object *dst, struct json_object *src)
{
	json_object_object_foreach(src, key, val) {
		struct json_object *have = NULL;
		if (json_object_is_type(val, json_type_object) &&
		    json_object_object_get_ex(dst, key, &have) &&
		    json_object_is_type(have, json_type_object))
			merge(have, val);
		else
			json_object_object_add(dst, key, json_object_get(val));
	}
}

/* Whether a tree holds a password, a credential secret or a token. */
static bool
holds_secret(struct json_object *o, int depth)
{
	if (!json_object_is_type(o, json_type_object) || depth > 32)
		return false;
	json_object_object_foreach(o, key, val) {
		if (strcmp(key, "password") == 0 || strcmp(key, "application_credential_secret") == 0 ||
		    strcmp(key, "token") == 0 || holds_secret(val, depth + 1))
			return true;
	}
	return false;
}

/* Warn when a file holding a secret can be read by other users. */
static void
check_mode(const char *path, struct json_object *doc)
{
	struct stat st;
	if (stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) && holds_secret(doc, 0))
		berth_warn("%s holds a secret and can be read by other users; run chmod 600 %s",
			   path, path);
}

/* Copy a cloud's settings into a. */
static void
apply_cloud(struct json_object *cloud, struct os_auth *a)
{
	struct json_object *auth = NULL;
	if (json_object_object_get_ex(cloud, "auth", &auth) && json_object_is_type(auth, json_type_object)) {
		json_object_object_foreach(auth, k, v)
			if (json_object_is_type(v, json_type_string))
				os_auth_set(a, k, json_object_get_string(v));
	}
	json_object_object_foreach(cloud, key, val) {
		if (strcmp(key, "auth") == 0 || !json_object_is_type(val, json_type_string))
			continue;
		os_auth_set(a, key, json_object_get_string(val));
	}
}

int
clouds_load(const char *cloud, struct os_auth *a, struct berth_error *err)
{
	char *path = find_file("clouds", getenv("OS_CLIENT_CONFIG_FILE"));
	const char *want = cloud ? cloud : getenv("OS_CLOUD");
	if (want && !*want)
		want = NULL;
	if (!path) {
		if (!want)
			return 1;
		return berth_fail(err, BERTH_EUSAGE,
				  "no clouds.yaml defines cloud %s (looked in $OS_CLIENT_CONFIG_FILE, ./, "
				  "~/.config/openstack and /etc/openstack)", want);
	}
	struct json_object *doc = NULL, *clouds = NULL, *c = NULL;
	if (yaml_read(path, &doc, err) < 0) {
		free(path);
		return -1;
	}
	check_mode(path, doc);
	char *secure = find_file("secure", NULL);
	if (secure) {
		struct json_object *sdoc = NULL;
		if (yaml_read(secure, &sdoc, err) < 0) {
			free(secure);
			free(path);
			json_object_put(doc);
			return -1;
		}
		check_mode(secure, sdoc);
		if (json_object_is_type(sdoc, json_type_object) && json_object_is_type(doc, json_type_object))
			merge(doc, sdoc);
		json_object_put(sdoc);
		free(secure);
	}
	int rc = 0;
	if (!json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "clouds", &clouds) ||
	    !json_object_is_type(clouds, json_type_object)) {
		rc = berth_fail(err, BERTH_EUSAGE, "%s has no clouds: section", path);
	} else if (want) {
		if (!json_object_object_get_ex(clouds, want, &c) || !json_object_is_type(c, json_type_object))
			rc = berth_fail(err, BERTH_ENOTFOUND, "%s defines no cloud %s", path, want);
	} else if (json_object_object_length(clouds) != 1) {
		rc = berth_fail(err, BERTH_EUSAGE,
				"%s defines %d clouds: pick one with OS_CLOUD or zun:CLOUD", path,
				json_object_object_length(clouds));
	} else {
		json_object_object_foreach(clouds, name, val) {
			want = name;
			c = val;
		}
		if (!json_object_is_type(c, json_type_object))
			rc = berth_fail(err, BERTH_EUSAGE, "%s: cloud %s is not a mapping", path, want);
	}
	if (rc == 0) {
		apply_cloud(c, a);
		free(a->source);
		a->source = xasprintf("cloud %s in %s", want, path);
	}
	json_object_put(doc);
	free(path);
	return rc;
}
