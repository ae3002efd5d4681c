/* clouds.h (private): OpenStack credentials from clouds.yaml (clouds.c). */
#ifndef BERTH_CLOUDS_H
#define BERTH_CLOUDS_H

#include "berth.h"
#include "os-auth.h"

/* Fill a from clouds.yaml (plus secure.yaml). cloud NULL: OS_CLOUD, else the
 * only cloud defined. Returns 1 when no clouds.yaml exists and no cloud was asked for. */
int clouds_load(const char *cloud, struct os_auth *a, struct berth_error *err);

#endif
