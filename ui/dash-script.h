/* dash-script.h: the dashboard's test hook. BERTH_SCRIPT names a file of
 * steps run one per turn of the event loop, so a test drives the dashboard
 * without a human (with BERTH_NO_DISPLAY, without a terminal either):
 *
 *   jjK<enter>y          keys: characters, and <name> for named keys
 *                        (<enter> <esc> <space> <tab> <down> <pgup> <^s> <lt>...)
 *   :wait TEXT           wait until TEXT is on the screen (fail after the timeout)
 *   :wait-not TEXT       wait until it is gone
 *   :timeout SECONDS     the wait limit (default 15)
 *   :wait-file PATH      wait until PATH exists (a test's go-ahead)
 *   :save-display FILE   write the screen, one line per row, trailing blanks cut
 *   :dump-model FILE     write the table's rows, one per line: endpoint, id,
 *                        name, status word, exit code (tab-separated)
 *   :resize COLS ROWS    resize the (headless) screen
 *   :open VIEW           open the view registered as VIEW (view.h)
 *   :quit                leave (also at the end of the file)
 *   # comment
 */
#ifndef BERTH_DASH_SCRIPT_H
#define BERTH_DASH_SCRIPT_H

#include <stdbool.h>

#include "berth.h"

struct dash;
struct dash_script;

struct dash_script *script_open(const char *path, struct berth_error *err);
void script_close(struct dash_script *sc);
bool script_ready(const struct dash_script *sc);	/* a step can run now */
bool script_waiting(const struct dash_script *sc);
/* Run one step: 0 go on, 1 the script ended, -1 a wait timed out. */
int script_step(struct dash_script *sc, struct dash *d);

#endif
