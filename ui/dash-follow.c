/* dash-follow.c: a log follow handed from the worker that opens it to the
 * threads that stop or resume it (see dash-follow.h). */
#include "config.h"

#include "dash-follow.h"

const struct log_follow_ops log_follow_engine_ops = {
	.open = berth_logs_open,
	.close = berth_follow_close,
	.resume = berth_follow_resume,
};

void
follow_slot_init(struct follow_slot *s, const struct log_follow_ops *ops)
{
	*s = (struct follow_slot){ .ops = ops };
	pthread_mutex_init(&s->lock, NULL);
}

void
follow_slot_destroy(struct follow_slot *s)
{
	pthread_mutex_destroy(&s->lock);
}

int
follow_slot_open(struct follow_slot *s, berth_endpoint *ep, const char *id,
		 const struct berth_logs_opts *o, berth_sink sink, void *sink_ctx,
		 berth_follow_end_cb end, void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	berth_follow *f = s->ops->open(ep, id, o, sink, sink_ctx, end, ctx, cancel, err);
	if (!f)
		return -1;
	pthread_mutex_lock(&s->lock);
	bool stopped = s->stopped;
	if (!stopped) {
		s->stream = f;
		if (s->resume_due)
			s->ops->resume(f);
	}
	pthread_mutex_unlock(&s->lock);
	if (stopped)
		s->ops->close(f);
	return 0;
}

void
follow_slot_stop(struct follow_slot *s)
{
	pthread_mutex_lock(&s->lock);
	berth_follow *f = s->stream;
	s->stream = NULL;
	s->stopped = true;
	pthread_mutex_unlock(&s->lock);
	if (f)
		s->ops->close(f);
}

void
follow_slot_reset(struct follow_slot *s)
{
	pthread_mutex_lock(&s->lock);
	s->stopped = false;
	s->resume_due = false;
	pthread_mutex_unlock(&s->lock);
}

void
follow_slot_resume(struct follow_slot *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->stream)
		s->ops->resume(s->stream);
	else
		s->resume_due = true;
	pthread_mutex_unlock(&s->lock);
}
