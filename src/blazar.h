/* blazar.h (private): reservations through Blazar (blazar.c), on an OpenStack
 * session. */
#ifndef BERTH_BLAZAR_H
#define BERTH_BLAZAR_H

#include "keystone.h"

/* The project's leases; one by id or name; a lease's end moved (by_s > 0: its
 * current end plus by_s, else end), as berth_lease_extend says. */
int blazar_leases(struct os_session *s, struct berth_lease **out, size_t *n,
		  berth_cancel *cancel, struct berth_error *err);
int blazar_lease_find(struct os_session *s, const char *ref, struct berth_lease *out,
		      berth_cancel *cancel, struct berth_error *err);
int blazar_lease_extend(struct os_session *s, const char *ref, long by_s, time_t end,
			struct berth_lease *out, berth_cancel *cancel, struct berth_error *err);

#endif
