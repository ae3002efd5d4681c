/* os-auth.h (private): OpenStack credentials, as keystoneauth and clouds.yaml
 * name them (os-auth.c). */
#ifndef BERTH_OS_AUTH_H
#define BERTH_OS_AUTH_H

#include <stdbool.h>

/* What Keystone needs; every string owned, NULL when not given. */
struct os_auth {
	char *auth_url, *auth_type;
	char *app_cred_id, *app_cred_name, *app_cred_secret;
	char *username, *user_id, *password, *user_domain_name, *user_domain_id;
	char *project_id, *project_name, *project_domain_name, *project_domain_id;
	char *region, *interface;
	char *cacert;
	bool insecure;
	char *source;		/* for messages: "the OS_* variables", "cloud edge in /x/clouds.yaml" */
};

void os_auth_done(struct os_auth *a);
/* Set one option by its keystoneauth/clouds.yaml name ("auth_url",
 * "application_credential_secret", "region_name"...); unknown names are ignored. */
void os_auth_set(struct os_auth *a, const char *key, const char *value);

/* Add s to the secrets no message may show and make the process undumpable
 * (no core file, no ptrace by the same user) from then on. */
void os_hold_secret(const char *s);

#endif
