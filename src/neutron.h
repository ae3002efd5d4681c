/* neutron.h (private): floating IPs through Neutron (neutron.c), on an OpenStack
 * session. */
#ifndef BERTH_NEUTRON_H
#define BERTH_NEUTRON_H

#include "keystone.h"

/* The project's floating IPs; port_id NULL: all of them, else those bound to that port. */
int neutron_fip_list(struct os_session *s, const char *port_id, struct berth_fip **out,
		     size_t *n, berth_cancel *cancel, struct berth_error *err);
/* Associate address (NULL: a free one, else one allocated from the public network)
 * with port; *assigned gets the address. */
int neutron_fip_associate(struct os_session *s, const char *port, const char *address,
			  char **assigned, berth_cancel *cancel, struct berth_error *err);
/* Dissociate every floating IP bound to port (PUT port_id null); *count gets how many. */
int neutron_fip_dissociate(struct os_session *s, const char *port, int *count,
			   berth_cancel *cancel, struct berth_error *err);
/* The Neutron port whose device is the container (K8s shadow port), or NULL. */
int neutron_port_of(struct os_session *s, const char *device_id, char **port,
		    berth_cancel *cancel, struct berth_error *err);

#endif
