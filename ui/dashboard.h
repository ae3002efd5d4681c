/* dashboard.h: the ncurses dashboard, entered when berth runs with no verb. */
#ifndef BERTH_DASHBOARD_H
#define BERTH_DASHBOARD_H

#include "berth.h"

/* Run the dashboard over the endpoints named by specs (as accepted by
 * berth_endpoint_open) until the user quits; view (or NULL) is opened over the
 * table at the start ("stage"). Returns the process exit status. */
int dashboard_run(const struct berth_config *cfg, char *const *specs, size_t nspecs,
		  const char *view);

#endif
