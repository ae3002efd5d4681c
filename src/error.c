/* error.c: one-sentence errors and cancellation flags. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "berth.h"
#include "util.h"

/* Secrets (passwords, credential secrets, tokens) the backends hold: berth_fail
 * blanks them out of every message, whatever a server echoed back. The oldest
 * is dropped when full (an expired token). */
#define SECRETS_MAX 32
static pthread_mutex_t secrets_lock = PTHREAD_MUTEX_INITIALIZER;
static char *secrets[SECRETS_MAX];
static size_t secrets_next;

void
berth_secret_add(const char *s)
{
	if (!s || strlen(s) < 4)
		return;
	pthread_mutex_lock(&secrets_lock);
	bool known = false;
	for (size_t i = 0; i < SECRETS_MAX && !known; i++)
		known = secrets[i] && strcmp(secrets[i], s) == 0;
	if (!known) {
		free(secrets[secrets_next]);
		secrets[secrets_next] = xstrdup(s);
		secrets_next = (secrets_next + 1) % SECRETS_MAX;
	}
	pthread_mutex_unlock(&secrets_lock);
}

/* Replace every registered secret in msg with "***" (secrets are longer). */
static void
secrets_redact(char *msg)
{
	pthread_mutex_lock(&secrets_lock);
	for (size_t i = 0; i < SECRETS_MAX; i++) {
		if (!secrets[i])
			continue;
		size_t len = strlen(secrets[i]);
		for (char *p = strstr(msg, secrets[i]); p; p = strstr(p + 3, secrets[i])) {
			memmove(p + 3, p + len, strlen(p + len) + 1);
			memcpy(p, "***", 3);
		}
	}
	pthread_mutex_unlock(&secrets_lock);
}

int
berth_fail(struct berth_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *full = xvasprintf(fmt, ap);	/* whole, so that no secret is cut in two */
	va_end(ap);
	secrets_redact(full);
	snprintf(err->message, sizeof err->message, "%s", full);
	free(full);
	err->code = code;
	return -1;
}

/* The program's warning handler (NULL: stderr); calls are serialized under
 * warn_lock, so that a handler removed is never called afterwards. */
static pthread_mutex_t warn_lock = PTHREAD_MUTEX_INITIALIZER;
static berth_warning_fn warn_fn;
static void *warn_ctx;

void
berth_set_warning_handler(berth_warning_fn fn, void *ctx)
{
	pthread_mutex_lock(&warn_lock);
	warn_fn = fn;
	warn_ctx = ctx;
	pthread_mutex_unlock(&warn_lock);
}

void
berth_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	secrets_redact(msg);
	pthread_mutex_lock(&warn_lock);
	if (warn_fn)
		warn_fn(warn_ctx, msg);
	else
		fprintf(stderr, "berth: warning: %s\n", msg);
	pthread_mutex_unlock(&warn_lock);
	free(msg);
}

const char *
berth_errcode_name(int code)
{
	static const char *const names[] = {
		[BERTH_OK] = "ok", [BERTH_EUSAGE] = "usage", [BERTH_ENOTFOUND] = "not found",
		[BERTH_ECONNECT] = "cannot connect", [BERTH_ETIMEOUT] = "timed out",
		[BERTH_ECANCELLED] = "cancelled", [BERTH_EENGINE] = "engine error",
		[BERTH_ECONFLICT] = "conflict", [BERTH_EUNSUPPORTED] = "unsupported",
		[BERTH_EPROTOCOL] = "protocol error", [BERTH_EIO] = "i/o error",
		[BERTH_EUNSAFE] = "unsafe", [BERTH_EAUTH] = "authentication failed",
		[BERTH_EFAILED] = "failed", [BERTH_EREADONLY] = "read-only",
		[BERTH_ENOFILES] = "too many open files",
	};
	if (code < 0 || (size_t)code >= sizeof names / sizeof names[0] || !names[code])
		return "error";
	return names[code];
}

struct berth_cancel {
	atomic_bool set;
};

berth_cancel *
berth_cancel_new(void)
{
	berth_cancel *c = xcalloc(1, sizeof *c);
	atomic_init(&c->set, false);
	return c;
}

void
berth_cancel_free(berth_cancel *c)
{
	free(c);
}

void
berth_cancel_trigger(berth_cancel *c)
{
	if (c)
		atomic_store(&c->set, true);
}

bool
berth_cancel_is_set(const berth_cancel *c)
{
	return c && atomic_load(&((berth_cancel *)c)->set);
}

bool
errno_is_nofiles(int e)
{
	return e == EMFILE || e == ENFILE;
}

int
berth_fail_nofiles(struct berth_error *err, const char *what_failed)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return berth_fail(err, BERTH_ENOFILES, BERTH_NOFILES_SENTENCE " (%s)", what_failed);
	return berth_fail(err, BERTH_ENOFILES, BERTH_NOFILES_SENTENCE " (it allows %llu; %s)",
			  (unsigned long long)rl.rlim_cur, what_failed);
}

void
berth_raise_nofile_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}
