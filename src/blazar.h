/* blazar.h (private): reservations through Blazar (blazar.c), on an OpenStack
 * session. */
#ifndef BERTH_BLAZAR_H
#define BERTH_BLAZAR_H

#include "keystone.h"

/* The project's leases. */
int blazar_leases(struct os_session *s, struct berth_lease **out, size_t *n,
		  berth_cancel *cancel, struct berth_error *err);

#endif
