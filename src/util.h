/* util.h: allocation that never returns NULL, strings, growable buffers, the
 * monotonic clock. Out of memory is fatal: berth prints one line and aborts (the
 * UI restores the terminal first through util_set_fatal_hook).
 *
 * The layer libberth shares with the berth program: besides the public berth.h,
 * ui/ may include util.h, thread.h (starting a thread) and pool.h (the worker
 * pool), and no other header of src/. The rest of src/'s headers are private to
 * libberth. */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);		/* NULL gives NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void util_set_fatal_hook(void (*hook)(void));
/* Remember a secret (password, credential secret, token): berth_fail never prints it. */
void berth_secret_add(const char *s);
/* One warning sentence to the program's handler (berth_set_warning_handler), else stderr. */
void berth_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Descriptors (error.c). EMFILE or ENFILE: berth, not the engine, ran short. */
bool errno_is_nofiles(int e);
/* Fill err with BERTH_ENOFILES: BERTH_NOFILES_SENTENCE, the limit and what
 * failed ("the engine was not reached"); returns -1. */
struct berth_error;
int berth_fail_nofiles(struct berth_error *err, const char *what_failed);
/* Raise the soft limit on open files to the hard limit (berth_init does). */
void berth_raise_nofile_limit(void);

/* NULL-terminated string vectors. */
size_t strv_len(char *const *v);
char **strv_dup(char *const *v);
void strv_push(char ***v, size_t *n, const char *s);	/* keeps *v NULL-terminated */
void strv_push_new(char ***v, size_t *n, const char *s);	/* strv_push unless s is in *v */

bool str_starts_with(const char *s, const char *prefix);
/* A configuration word meaning yes: yes, true, on, 1 (any case); false for NULL. */
bool str_is_yes(const char *v);
bool str_ends_with(const char *s, const char *suffix);

/* A growable byte buffer, always NUL-terminated. */
struct buf {
	char *data;
	size_t len, cap;
};

/* Standard base64: encoded NUL-terminated; decoded appended to out (line
 * breaks skipped), -1 on a character that is not base64. */
char *base64_encode(const void *data, size_t len);
int base64_decode(const char *in, struct buf *out);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_appends(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *buf_steal(struct buf *b);		/* the caller owns the data; b is reset */
void buf_free(struct buf *b);

/* Monotonic clock in seconds and nanoseconds. */
double now_monotonic(void);
unsigned long long now_monotonic_ns(void);

#endif
