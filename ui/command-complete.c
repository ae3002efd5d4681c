/* command-complete.c: what Tab offers on the dashboard's command line
 * (view-command.c), from the verb's entry of the table of verbs as the shell
 * completions are (cli-completion.c): the verb, its options, then its
 * operands by the entry's target and operands: container names of the table,
 * image names of the selected container's endpoint (where the line will run),
 * listed on the pool when the prompt opens, local paths (cp's local side,
 * mount's DIR), CONTAINER: for cp, and verbs for help. */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "command.h"
#include "dash.h"
#include "table.h"
#include "util.h"
#include "verbs.h"

struct command_completion {
	char **images;			/* REPOSITORY:TAG, once listed */
	struct images_job *job;		/* the listing in flight, or NULL */
	char failure[sizeof ((struct berth_error *)0)->message]; /* why none: the engine's sentence */
};

struct images_job {
	struct pool_job job;
	struct dash *d;
	struct command_completion *cc;	/* NULL once the prompt closed */
	berth_endpoint *ep;
	struct berth_image *list;
	size_t n;
	int rc;
	struct berth_error err;
};

static void
images_run(struct pool_job *pj)
{
	struct images_job *j = (struct images_job *)pj;
	j->rc = berth_image_list(j->ep, &j->list, &j->n, pj->cancel, &j->err);
}

static void
images_done(struct pool_job *pj)
{
	struct images_job *j = (struct images_job *)pj;
	struct command_completion *cc = j->cc;
	if (cc) {
		size_t n = 0;
		cc->job = NULL;
		for (size_t i = 0; j->rc == 0 && i < j->n; i++) {
			const struct berth_image *im = &j->list[i];
			if (strcmp(im->repository, "<none>") == 0 || strcmp(im->tag, "<none>") == 0)
				continue;
			char *name = xasprintf("%s:%s", im->repository, im->tag);
			strv_push(&cc->images, &n, name);
			free(name);
		}
		if (j->rc < 0)
			snprintf(cc->failure, sizeof cc->failure, "%s", j->err.message);
	}
	berth_image_list_free(j->list, j->n);
	free(j);
}

struct command_completion *
command_completion_new(struct dash *d)
{
	struct row *sel = table_selected(&d->table);
	return command_completion_for(d, sel ? sel->ep : d->neps ? &d->eps[0] : NULL);
}

struct command_completion *
command_completion_for(struct dash *d, struct dash_ep *e)
{
	struct command_completion *cc = xcalloc(1, sizeof *cc);
	if (!e)
		return cc;
	struct images_job *j = xcalloc(1, sizeof *j);
	*j = (struct images_job){ .job = { .run = images_run, .done = images_done, .klass = POOL_FAST },
				  .d = d, .cc = cc, .ep = e->ep };
	if (pool_submit(d->pool, &j->job, &j->err) < 0) {
		snprintf(cc->failure, sizeof cc->failure, "%s", j->err.message);
		free(j);
		return cc;
	}
	cc->job = j;
	return cc;
}

void
command_completion_free(struct command_completion *cc)
{
	if (cc->job)
		cc->job->cc = NULL;
	berth_strv_free(cc->images);
	free(cc);
}

/* ------------------------------------------------------------------ */
/* What the word being typed is. */

enum word_kind { WORD_NOTHING, WORD_VERB, WORD_OPTION, WORD_CONTAINER, WORD_IMAGE, WORD_PATH, WORD_COPY };

/* Whether w is one of v's options that take a value (-t, --time). */
static bool
takes_value(const struct cli_verb *v, const char *w)
{
	for (const struct cli_option *o = v->options; o && o->key; o++) {
		if (!o->value)
			continue;
		if ((o->key < CLI_OPT_LONG_ONLY && w[0] == '-' && w[1] == o->key && !w[2]) ||
		    (o->name && strncmp(w, "--", 2) == 0 && strcmp(w + 2, o->name) == 0))
			return true;
	}
	return false;
}

/* The kind of the word typed after before[0..n) (the verb first): options
 * come before the first operand, a valued option's value is not completed. */
static enum word_kind
word_kind(char **before, size_t n, const char *word)
{
	if (n == 0)
		return WORD_VERB;
	const struct cli_verb *v = cli_verb_find(before[0]);
	if (!v)
		return WORD_NOTHING;
	size_t operands = 0;
	for (size_t i = 1; i < n; i++) {
		if (operands > 0 || before[i][0] != '-')
			operands++;
		else if (takes_value(v, before[i]) && ++i == n)
			return WORD_NOTHING;	/* its value is being typed */
	}
	if (operands == 0 && word[0] == '-')
		return WORD_OPTION;
	if (v->target == CLI_TARGET_MANY || (v->target == CLI_TARGET_ONE && operands == 0))
		return WORD_CONTAINER;
	if (v->target == CLI_TARGET_ONE)
		operands--;
	switch (v->operands) {
	case CLI_OPERANDS_IMAGE: return operands == 0 ? WORD_IMAGE : WORD_NOTHING;
	case CLI_OPERANDS_IMAGES: return WORD_IMAGE;
	case CLI_OPERANDS_PATH: return operands == 0 ? WORD_PATH : WORD_NOTHING;
	case CLI_OPERANDS_COPY: return WORD_COPY;
	case CLI_OPERANDS_VERB: return operands == 0 ? WORD_VERB : WORD_NOTHING;
	case CLI_OPERANDS_OTHER: break;
	}
	return WORD_NOTHING;
}

/* ------------------------------------------------------------------ */
/* The candidates. */

static void
push_options(char ***v, size_t *n, const struct cli_verb *verb)
{
	strv_push(v, n, "--help");
	for (const struct cli_option *o = verb->options; o && o->key; o++)
		if (o->name) {
			char *opt = xasprintf("--%s", o->name);
			strv_push(v, n, opt);
			free(opt);
		}
}

/* The table's container names, each followed by suffix. */
static void
push_containers(char ***v, size_t *n, struct dash *d, const char *suffix)
{
	for (size_t e = 0; e < d->neps; e++)
		for (size_t k = 0; k < d->eps[e].nctrs; k++)
			if (d->eps[e].ctrs[k]->name) {
				char *name = xasprintf("%s%s", d->eps[e].ctrs[k]->name, suffix);
				strv_push(v, n, name);
				free(name);
			}
}

/* The local paths that start with word: the entries of its directory part
 * (".", when it has none), a directory with a '/' after it. Dot files only
 * when the word's last part starts with a dot. */
static void
push_paths(char ***v, size_t *n, const char *word)
{
	const char *slash = strrchr(word, '/');
	char *dir = slash ? xstrndup(word, (size_t)(slash - word) + 1) : xstrdup("");
	const char *base = slash ? slash + 1 : word;
	DIR *dp = opendir(dir[0] ? dir : ".");
	for (struct dirent *de; dp && (de = readdir(dp));) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    (de->d_name[0] == '.' && base[0] != '.') || !str_starts_with(de->d_name, base))
			continue;
		char *path = xasprintf("%s%s", dir, de->d_name);
		struct stat st;
		bool is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		char *shown = xasprintf("%s%s", path, is_dir ? "/" : "");
		strv_push(v, n, shown);
		free(shown);
		free(path);
	}
	if (dp)
		closedir(dp);
	free(dir);
}

char **
command_candidates(struct command_completion *cc, struct dash *d, const char *line,
		   const char *word, const char **note)
{
	char **v = NULL;
	size_t n = 0;
	char **before = cli_split_words(line);
	size_t nbefore = before ? strv_len(before) - (*word ? 1 : 0) : 0;
	*note = NULL;
	switch (word_kind(before, nbefore, word)) {
	case WORD_VERB:
		for (const struct cli_verb *cv = cli_verbs; cv->name; cv++)
			strv_push(&v, &n, cv->name);
		break;
	case WORD_OPTION:
		push_options(&v, &n, cli_verb_find(before[0]));
		break;
	case WORD_CONTAINER:
		push_containers(&v, &n, d, "");
		break;
	case WORD_IMAGE:
		for (size_t i = 0; cc->images && cc->images[i]; i++)
			strv_push(&v, &n, cc->images[i]);
		if (cc->job)
			*note = "the images are still being listed";
		else if (cc->failure[0])
			*note = cc->failure;
		break;
	case WORD_COPY:
		if (strchr(word, ':'))
			break;	/* a path in a container: not listed */
		push_containers(&v, &n, d, ":");
		push_paths(&v, &n, word);
		break;
	case WORD_PATH:
		push_paths(&v, &n, word);
		break;
	case WORD_NOTHING:
		break;
	}
	berth_strv_free(before);
	return v;
}
