/* command.h: the dashboard's command line. view-command.c is the prompt (`:`:
 * editing, Tab completion, history); dash-command.c runs what it is given. */
#ifndef BERTH_COMMAND_H
#define BERTH_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

struct dash;

/* Run a line of the command line: one of berth's verbs, parsed with the
 * verb's own options (verbs.c). false with one sentence in err when it cannot
 * run (then the prompt keeps the line). */
bool command_run(struct dash *d, const char *text, char *err, size_t errlen);

#endif
