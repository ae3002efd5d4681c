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

/* Tab's candidates (command-complete.c). One per prompt: made when it opens,
 * which asks the selected container's endpoint for its images on the pool. */
struct command_completion;
struct command_completion *command_completion_new(struct dash *d);
/* The same for endpoint e (the run form's). */
struct dash_ep;
struct command_completion *command_completion_for(struct dash *d, struct dash_ep *e);
void command_completion_free(struct command_completion *cc);
/* The words that can stand where word, the end of line, is typed (NULL:
 * none); *note, when not NULL, says why some are missing (the images not
 * listed yet, or the engine's sentence). */
char **command_candidates(struct command_completion *cc, struct dash *d, const char *line,
			  const char *word, const char **note);

/* The forwards started on the command line (:forward CONTAINER PORT
 * [LOCAL_PORT]), which run on after their output view closes until stopped
 * (dash-command.c); the forwards view lists them. */
size_t command_forward_count(const struct dash *d);
/* The i-th: what it relays ("web 80 0 (local)") and where it listens
 * ("127.0.0.1:8080"; "" until the child said; "stopping"). */
void command_forward_describe(const struct dash *d, size_t i, char *what, size_t wlen,
			      char *where, size_t len);
void command_forward_stop(struct dash *d, size_t i);
/* On the UI thread when a quiet run ends: the child's exit status (-1: it did
 * not start), its stdout, and the first sentence of its stderr (or why it did
 * not start), without "berth: ". */
typedef void (*command_done_fn)(struct dash *d, int status, const char *out, const char *said,
				void *ctx);
/* Run words (berth's verb and its arguments, as the command line takes them)
 * on ep as the command line does, parsed and checked by the verb's own table
 * first, but quietly: no view; done is called when it ends. false with the
 * CLI's sentence in err when the words do not pass (nothing runs). */
bool command_run_quiet(struct dash *d, struct dash_ep *ep, char **words, command_done_fn done,
		       void *ctx, char *err, size_t errlen);

#endif
