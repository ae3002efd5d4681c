/* thread.c: every thread berth starts, started with every signal blocked (the
 * new thread inherits the mask in force when it is created). */
#include "config.h"

#include <signal.h>

#include "thread.h"

int
berth_thread_start(pthread_t *t, size_t stack_size, bool detached, void *(*fn)(void *),
		   void *arg)
{
	pthread_t ignored;
	pthread_attr_t attr;
	sigset_t all, old;
	sigfillset(&all);
	pthread_attr_init(&attr);
	if (stack_size)
		pthread_attr_setstacksize(&attr, stack_size);
	if (detached)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(t ? t : &ignored, &attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return rc;
}
