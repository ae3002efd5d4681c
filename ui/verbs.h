/* verbs.h: the table of berth's verbs (verbs.c), the program's entry points
 * into cli*.c. It sits above the verbs it lists: a verb is handed its own
 * entry and never looks the table up, so only main.c (and, later, whatever
 * else parses a verb: a command prompt, completions) includes this file. */
#ifndef BERTH_VERBS_H
#define BERTH_VERBS_H

#include "cli.h"

/* Every verb, in the order berth --help lists them; ends with a NULL name. */
extern const struct cli_verb cli_verbs[];

const struct cli_verb *cli_verb_find(const char *name);

/* berth's own options, before the verb; ends with a 0 key. */
extern const struct cli_option cli_global_options[];

/* berth help [VERB], and berth --help (main.c) with argc 1. */
int cli_help(struct cli *cli, const struct cli_verb *v, int argc, char **argv);

#endif
