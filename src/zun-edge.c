/* zun-edge.c: the errors edge devices give, in one sentence each.
 *
 * On CHI@Edge the Chameleon fork's K8s driver runs each container as a pod on a
 * reserved device and copies what the pod says into Zun (zun-api.md §3-4):
 *   - no hints.reservation: Error, "container UUID has no reservaton ID set.";
 *   - a reservation no active lease holds: the pod is Unschedulable, Error with
 *     status_detail "Unschedulable" and the scheduler's "didn't match Pod's node
 *     affinity/selector";
 *   - an image for another architecture: every start ends at exec, the logs say
 *     "exec format error", and after the restarts Error "ContainersNotReady";
 *   - an image the device cannot pull: the pod stays Pending, which Zun shows as
 *     Creating with no reason at all;
 *   - the project's quota: the create itself is refused, 403 "Quota exceeded".
 * CHI@Edge's devices (Raspberry Pis, Jetsons) are arm64.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model-json.h"
#include "zun-priv.h"

static bool
says(const char *text, const char *needle)
{
	return text && strstr(text, needle);
}

/* Whether the container's last log lines hold the kernel's refusal to run a
 * binary built for another architecture. */
static bool
exec_format_error(struct zun *z, const char *ref, berth_cancel *cancel)
{
	struct berth_logs_opts o = { .tail = 20 };
	struct berth_error err;
	char *text = NULL;
	bool found = zun_logs_fetch(z, ref, &o, true, cancel, &text, &err) == 0 &&
		     says(text, "exec format error");
	free(text);
	return found;
}

char *
zun_edge_error(struct zun *z, const char *ref, struct json_object *doc, berth_cancel *cancel)
{
	const char *name = model_str(doc, "name") ? model_str(doc, "name") : ref;
	const char *reason = model_str(doc, "status_reason");
	const char *detail = model_str(doc, "status_detail");
	const char *image = model_str(doc, "image");
	int rl = reason ? (int)strcspn(reason, "\n") : 0;	/* Zun's words, kept */
	while (rl > 0 && reason[rl - 1] == '.')
		rl--;
	if (says(reason, "has no reservaton ID set") || says(reason, "has no reservation"))
		return xasprintf("%s on %s has no reservation (%.*s): CHI@Edge runs a container "
				 "only on a device reserved for it; run it with --reservation ID, the "
				 "id of a device reservation of an active lease (see berth leases)",
				 name, z->ep_name, rl, reason);
	if (says(detail, "Unschedulable") || says(reason, "node affinity"))
		return xasprintf("%s on %s has no device to run on (%.*s): its reservation is not "
				 "one of an active lease (the lease has not started yet, or has ended; "
				 "see berth leases)", name, z->ep_name, rl, reason ? reason : "");
	if (says(reason, "ErrImagePull") || says(reason, "ImagePullBackOff") ||
	    says(reason, "pull access denied") || says(reason, "manifest unknown"))
		return xasprintf("%s on %s: the device cannot pull image %s (%s); check its name "
				 "and that its registry is public", name, z->ep_name,
				 image ? image : "?", reason);
	if (exec_format_error(z, ref, cancel))
		return xasprintf("%s on %s cannot start: the device is arm64 and image %s is not "
				 "(exec format error); use an image built for linux/arm64, or a "
				 "multi-architecture one", name, z->ep_name, image ? image : "?");
	return NULL;
}

char *
zun_edge_creating(struct zun *z, const char *ref, struct json_object *doc, double waited_s)
{
	const char *image = model_str(doc, "image");
	return xasprintf("%s on %s is still creating after %g s: on CHI@Edge that is a device "
			 "that cannot pull image %s (a misspelt name, a private registry, or no "
			 "arm64 variant)", model_str(doc, "name") ? model_str(doc, "name") : ref,
			 z->ep_name, waited_s, image ? image : "?");
}

void
zun_edge_create_refused(struct zun *z, struct berth_error *err)
{
	if (!err || err->http_status != 403 || !says(err->message, "Quota exceeded"))
		return;
	const char *zun_words = strstr(err->message, "Quota exceeded");
	char *words = xstrdup(zun_words);
	berth_fail(err, BERTH_EAUTH, "cannot create a container on %s: the project's quota is "
		   "used up (%s); remove containers it no longer needs, or ask the site for more",
		   z->ep_name, words);
	err->http_status = 403;
	free(words);
}
