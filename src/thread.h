/* thread.h: the one way berth starts a thread (thread.c), for libberth and the
 * berth program alike.
 *
 * A thread starts with every signal blocked, so that the signals berth handles
 * (SIGINT and SIGTERM to stop, SIGWINCH to redraw, SIGCHLD) reach the thread
 * that installed the handlers and never a worker, a transfer helper or an
 * accept loop, whichever thread starts it (the dashboard's UI thread included).
 */
#ifndef BERTH_THREAD_H
#define BERTH_THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* Start fn(arg) on a new thread. stack_size 0: the default. A detached thread
 * cannot be joined; t may then be NULL. Returns 0, or pthread_create's error
 * number. The caller's own signal mask is left as it was. */
int berth_thread_start(pthread_t *t, size_t stack_size, bool detached, void *(*fn)(void *),
		       void *arg);

#endif
