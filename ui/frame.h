/* frame.h: the frame (frame.c) as the loop (dashboard.c) drives it. */
#ifndef BERTH_FRAME_H
#define BERTH_FRAME_H

struct dash;

/* What views and jobs may ask of the frame: d->host. */
extern const struct frame_ops frame_ops;

/* Draw the whole frame now and show it. */
void frame_draw(struct dash *d);
/* One key (KEY_RESIZE and KEY_MOUSE included), to the views. */
void frame_key(struct dash *d, int key);
/* The sooner of next and the views' deadlines. */
double frame_deadline(double next, double now);
/* Tick the views whose deadline came. */
void frame_tick(struct dash *d, double now);
/* Close every view, the table last. */
void frame_close_all(struct dash *d);

#endif
