/* cli-cp-between.c: berth cp CTR1:PATH CTR2:DIR, a copy from one container
 * into another, on one endpoint or on two of the -H endpoints: each container
 * found on the endpoints, then libberth's berth_copy_between. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

/* The one endpoint of the -H list (or the defaults) that has container ref,
 * and the container's id in *id; NULL with err filled when none has it, or
 * several (naming them). */
static berth_endpoint *
cp_find(struct cli *cli, char **specs, const char *ref, char **id, struct berth_error *err)
{
	berth_endpoint *found = NULL;
	struct buf names = { 0 };
	size_t n = 0;
	for (size_t i = 0; specs[i]; i++) {
		berth_endpoint *ep;
		struct berth_container *c;
		struct berth_error e = { 0 };
		if (berth_endpoint_open(specs[i], &cli->opts, &ep, &e) < 0) {
			*err = e;
			berth_endpoint_free(found);
			buf_free(&names);
			return NULL;
		}
		if (berth_inspect(ep, ref, true, &c, cli->cancel, &e) < 0) {
			if (e.code != BERTH_ENOTFOUND)
				*err = e;
			berth_endpoint_free(ep);
			continue;
		}
		buf_printf(&names, "%s%s", n++ ? ", " : "", berth_endpoint_name(ep));
		if (found) {
			berth_endpoint_free(ep);
		} else {
			found = ep;
			*id = xstrdup(c->id);
		}
		berth_container_free(c);
	}
	if (n > 1) {
		berth_fail(err, BERTH_ECONFLICT, "container %s is on several endpoints (%s): name it by "
			   "its id, or give only its endpoint with -H", ref, names.data);
		berth_endpoint_free(found);
		found = NULL;
		free(*id);
		*id = NULL;
	} else if (!found && err->code == BERTH_OK) {
		berth_fail(err, BERTH_ENOTFOUND, "no such container: %s", ref);
	}
	buf_free(&names);
	return found;
}

int
cli_cp_between(struct cli *cli, const char *src_ref, const char *src_path, const char *dst_ref,
	       const char *dst_dir)
{
	char **specs = cli_specs(cli);
	struct berth_error err = { 0 };
	berth_endpoint *src_ep, *dst_ep = NULL;
	char *src_id = NULL, *dst_id = NULL;
	src_ep = cp_find(cli, specs, src_ref, &src_id, &err);
	if (src_ep) {
		err = (struct berth_error){ 0 };	/* an endpoint that did not answer */
		dst_ep = cp_find(cli, specs, dst_ref, &dst_id, &err);
	}
	berth_strv_free(specs);
	int rc = CLI_OK;
	if (!src_ep || !dst_ep ||
	    berth_refuse_if_read_only(dst_ep, "copying files into a container", &err) < 0) {
		rc = cli_fail(&err);
	} else {
		cli_catch_interrupt(cli);
		bool same = strcmp(src_id, dst_id) == 0 &&
			    strcmp(berth_endpoint_name(src_ep), berth_endpoint_name(dst_ep)) == 0;
		if (berth_copy_between(src_ep, src_ref, src_path, dst_ep, dst_ref, dst_dir, same,
				       cli->cancel, &err) < 0)
			rc = cli_fail(&err);
	}
	free(src_id);
	free(dst_id);
	berth_endpoint_free(src_ep);
	berth_endpoint_free(dst_ep);
	return rc;
}
