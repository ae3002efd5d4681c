/* os-auth.c: OpenStack credentials (struct os_auth), filled option by option from
 * the OS_* variables, clouds.yaml or a config section, and kept out of messages
 * and core dumps. Below both keystone.c (which authenticates with them) and
 * clouds.c (which reads them from a file).
 */
#include "config.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "os-auth.h"
#include "util.h"

/* A process holding a secret is not dumpable: no core file and no core
 * handler (systemd-coredump, apport) gets its memory, and other processes of
 * the same user cannot ptrace it or read its /proc/PID/mem or environ (where
 * OS_PASSWORD may be). RLIMIT_CORE 0 as well, for fs.suid_dumpable = 2, under
 * which the kernel still writes a root-only core of a non-dumpable process. */
static void
no_core_dumps(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	struct rlimit rl;
	if (getrlimit(RLIMIT_CORE, &rl) == 0) {
		rl.rlim_cur = 0;
		setrlimit(RLIMIT_CORE, &rl);
	}
}

/* Keep a password, credential secret or token out of messages and dumps. */
void
os_hold_secret(const char *s)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (!s || !*s)
		return;
	berth_secret_add(s);
	pthread_once(&once, no_core_dumps);
}

void
os_auth_done(struct os_auth *a)
{
	char **fields[] = { &a->auth_url, &a->auth_type, &a->app_cred_id, &a->app_cred_name,
			    &a->app_cred_secret, &a->username, &a->user_id, &a->password,
			    &a->user_domain_name, &a->user_domain_id, &a->project_id,
			    &a->project_name, &a->project_domain_name, &a->project_domain_id,
			    &a->region, &a->interface, &a->cacert, &a->source };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (*fields[i])
			memset(*fields[i], 0, strlen(*fields[i]));	/* secrets among them */
		free(*fields[i]);
		*fields[i] = NULL;
	}
	a->insecure = false;
}

static void
set_field(char **field, const char *value)
{
	free(*field);
	*field = value && *value ? xstrdup(value) : NULL;
}

void
os_auth_set(struct os_auth *a, const char *key, const char *value)
{
	static const struct { const char *key; size_t off; } map[] = {
		{ "auth_url", offsetof(struct os_auth, auth_url) },
		{ "auth_type", offsetof(struct os_auth, auth_type) },
		{ "application_credential_id", offsetof(struct os_auth, app_cred_id) },
		{ "application_credential_name", offsetof(struct os_auth, app_cred_name) },
		{ "application_credential_secret", offsetof(struct os_auth, app_cred_secret) },
		{ "username", offsetof(struct os_auth, username) },
		{ "user_name", offsetof(struct os_auth, username) },
		{ "user_id", offsetof(struct os_auth, user_id) },
		{ "password", offsetof(struct os_auth, password) },
		{ "user_domain_name", offsetof(struct os_auth, user_domain_name) },
		{ "user_domain_id", offsetof(struct os_auth, user_domain_id) },
		{ "project_id", offsetof(struct os_auth, project_id) },
		{ "tenant_id", offsetof(struct os_auth, project_id) },
		{ "project_name", offsetof(struct os_auth, project_name) },
		{ "tenant_name", offsetof(struct os_auth, project_name) },
		{ "project_domain_name", offsetof(struct os_auth, project_domain_name) },
		{ "project_domain_id", offsetof(struct os_auth, project_domain_id) },
		{ "region_name", offsetof(struct os_auth, region) },
		{ "region", offsetof(struct os_auth, region) },
		{ "interface", offsetof(struct os_auth, interface) },
		{ "endpoint_type", offsetof(struct os_auth, interface) },
		{ "cacert", offsetof(struct os_auth, cacert) },
	};
	if (strcmp(key, "insecure") == 0 || strcmp(key, "verify") == 0) {
		bool yes = value && (strcmp(value, "true") == 0 || strcmp(value, "True") == 0 ||
				     strcmp(value, "1") == 0 || strcmp(value, "yes") == 0);
		a->insecure = strcmp(key, "insecure") == 0 ? yes : !yes;
		return;
	}
	if (strcmp(key, "password") == 0 || strcmp(key, "application_credential_secret") == 0)
		os_hold_secret(value);
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].key, key) == 0)
			set_field((char **)((char *)a + map[i].off), value);
}
