/* cli-completion.c: berth completion. The bash, zsh and fish completion
 * scripts, written from the table of verbs and berth's own options (each
 * verb's options, which of them take a value, what its operands are: its
 * target and operands fields), so that a new verb or option is completed
 * without touching a script; and the names those scripts ask berth for:
 * containers, images and endpoints. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const char *const target_words[] = {
	[CLI_TARGET_NONE] = "none", [CLI_TARGET_ONE] = "one", [CLI_TARGET_MANY] = "many",
};

static const char *const operands_words[] = {
	[CLI_OPERANDS_OTHER] = "", [CLI_OPERANDS_IMAGE] = "image", [CLI_OPERANDS_IMAGES] = "images",
	[CLI_OPERANDS_PATH] = "path", [CLI_OPERANDS_COPY] = "copy", [CLI_OPERANDS_VERB] = "verb",
};

/* What an option's value is completed with: "endpoints" (-H ENDPOINT),
 * "files" (-c FILE), or "" (nothing berth can offer). */
static const char *
value_kind(const struct cli_option *o)
{
	if (o->value && strcmp(o->value, "ENDPOINT") == 0)
		return "endpoints";
	if (o->value && strcmp(o->value, "FILE") == 0)
		return "files";
	return "";
}

/* s in single quotes for every shell here (a ' as '\''). */
static void
put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/* The first line of a help text, quoted. */
static void
put_first_line(FILE *f, const char *s)
{
	char *line = xstrndup(s, strcspn(s, "\n"));
	put_quoted(f, line);
	free(line);
}

/* The spellings of options (-a --all), blank-separated: every one (valued:
 * only those taking a value, aliases too), or those offered (-h --help and
 * every option with help). With blanks around when fenced, for a
 * *" WORD "* test. */
static void
put_option_words(FILE *f, const struct cli_option *options, bool valued, bool fenced)
{
	struct buf b = { 0 };
	if (!valued)
		buf_printf(&b, "-h --help");
	for (const struct cli_option *o = options; o && o->key; o++) {
		if (valued ? !o->value : !o->help)
			continue;
		if (o->key < CLI_OPT_LONG_ONLY && o->help) /* an alias: its long name */
			buf_printf(&b, "%s-%c", b.len ? " " : "", o->key);
		if (o->name)
			buf_printf(&b, "%s--%s", b.len ? " " : "", o->name);
	}
	char *words = fenced ? xasprintf(" %s ", b.data ? b.data : "") : xstrdup(b.data ? b.data : "");
	put_quoted(f, words);
	free(words);
	buf_free(&b);
}

/* A verb's operands as the scripts test them: TARGET:OPERANDS (one:path). */
static void
put_operands(FILE *f, const struct cli_verb *v)
{
	fprintf(f, "'%s:%s'", target_words[v->target], operands_words[v->operands]);
}

/* Each global option that takes a value (-H, --host), with what completes it:
 * open, the option, middle, the kind, close. */
static void
put_value_kinds(FILE *f, const struct cli_option *global, const char *open, const char *middle,
		const char *close)
{
	for (const struct cli_option *o = global; o->key; o++) {
		if (!o->value)
			continue;
		char *letter = o->key < CLI_OPT_LONG_ONLY ? xasprintf("-%c", o->key) : NULL;
		char *name = o->name ? xasprintf("--%s", o->name) : NULL;
		if (letter)
			fprintf(f, "%s%s%s%s%s", open, letter, middle, value_kind(o), close);
		if (name)
			fprintf(f, "%s%s%s%s%s", open, name, middle, value_kind(o), close);
		free(letter);
		free(name);
	}
}

/* ------------------------------------------------------------------ */
/* bash */

static const char bash_functions[] =
	"# The names berth gives for KIND (containers, images, endpoints), asked with the\n"
	"# global options typed before the verb.\n"
	"_berth_names()\n"
	"{\n"
	"\t\"${_berth_before[0]}\" \"${_berth_before[@]:1}\" completion \"$1\" 2>/dev/null\n"
	"}\n"
	"\n"
	"_berth_reply()\n"
	"{\n"
	"\tmapfile -t COMPREPLY < <(compgen -W \"$1\" -- \"$cur\")\n"
	"}\n"
	"\n"
	"# COMPREPLY for KIND: containers, images, endpoints, files, or copy (local\n"
	"# paths and CONTAINER:, for cp; a path inside a container is not offered).\n"
	"_berth_reply_kind()\n"
	"{\n"
	"\tcase $1 in\n"
	"\tcontainers | images | endpoints) _berth_reply \"$(_berth_names \"$1\")\" ;;\n"
	"\tfiles)\n"
	"\t\tcompopt -o filenames 2>/dev/null\n"
	"\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\") ;;\n"
	"\tcopy)\n"
	"\t\t[[ $cur == *:* ]] && return\n"
	"\t\tcompopt -o filenames -o nospace 2>/dev/null\n"
	"\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\"\n"
	"\t\t\tcompgen -W \"$(_berth_names containers | sed 's/$/:/')\" -- \"$cur\") ;;\n"
	"\tesac\n"
	"}\n"
	"\n"
	"# The line up to the cursor in words (COMP_LINE: -H tcp://h:2375 is one word\n"
	"# there, three in COMP_WORDS), then what can stand in the word being typed.\n"
	"_berth_complete()\n"
	"{\n"
	"\tlocal line=${COMP_LINE:0:COMP_POINT} w i n=0 verb= at\n"
	"\tlocal -a words\n"
	"\tread -ra words <<<\"$line\"\n"
	"\tif [[ $line != *[[:space:]] ]]; then\n"
	"\t\tcur=${words[-1]}\n"
	"\t\tunset 'words[-1]'\n"
	"\tfi\n"
	"\tat=${#words[@]}\n"
	"\tfor ((i = 1; i < ${#words[@]}; i++)); do\n"
	"\t\tw=${words[i]}\n"
	"\t\tif [[ $_berth_global_valued == *\" $w \"* ]]; then\n"
	"\t\t\t((i++))\n"
	"\t\telif [[ $w != -* ]]; then\n"
	"\t\t\tverb=$w at=$i\n"
	"\t\t\tbreak\n"
	"\t\tfi\n"
	"\tdone\n"
	"\tlocal prev=${words[-1]}\n"
	"\t_berth_before=(\"${words[@]:0:at}\")\n"
	"\tif [[ -z $verb ]]; then\n"
	"\t\tif [[ $_berth_global_valued == *\" $prev \"* ]]; then\n"
	"\t\t\tunset '_berth_before[-1]'\n"
	"\t\t\t_berth_reply_kind \"${_berth_values[$prev]}\"\n"
	"\t\telif [[ $cur == -* ]]; then\n"
	"\t\t\t_berth_reply \"$_berth_global_options\"\n"
	"\t\telse\n"
	"\t\t\t_berth_reply \"$_berth_verbs\"\n"
	"\t\tfi\n"
	"\t\treturn\n"
	"\tfi\n"
	"\t[[ -n ${_berth_operands[$verb]} ]] || return\n"
	"\tfor ((i = at + 1; i < ${#words[@]}; i++)); do\n"
	"\t\tw=${words[i]}\n"
	"\t\tif ((n == 0)) && [[ $w == -* ]]; then\n"
	"\t\t\t[[ ${_berth_valued[$verb]} == *\" $w \"* ]] && ((i++))\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\t((n++))\n"
	"\tdone\n"
	"\tif ((n == 0)) && ((at + 1 < ${#words[@]})) &&\n"
	"\t\t[[ ${_berth_valued[$verb]} == *\" $prev \"* ]]; then\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif ((n == 0)) && [[ $cur == -* ]]; then\n"
	"\t\t_berth_reply \"${_berth_options[$verb]}\"\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tlocal target=${_berth_operands[$verb]%%:*} operands=${_berth_operands[$verb]#*:}\n"
	"\tif [[ $target == many || ($target == one && n -eq 0) ]]; then\n"
	"\t\t_berth_reply_kind containers\n"
	"\t\treturn\n"
	"\tfi\n"
	"\t[[ $target == one ]] && ((n--))\n"
	"\tcase $operands in\n"
	"\timage) ((n == 0)) && _berth_reply_kind images ;;\n"
	"\timages) _berth_reply_kind images ;;\n"
	"\tpath) ((n == 0)) && _berth_reply_kind files ;;\n"
	"\tcopy) _berth_reply_kind copy ;;\n"
	"\tverb) ((n == 0)) && _berth_reply \"$_berth_verbs\" ;;\n"
	"\tesac\n"
	"}\n"
	"\n"
	"# Where bash breaks words at ':', the reply replaces only what follows the\n"
	"# last ':' of the word being typed.\n"
	"_berth()\n"
	"{\n"
	"\tlocal cur=\n"
	"\tlocal -a _berth_before\n"
	"\tCOMPREPLY=()\n"
	"\t_berth_complete\n"
	"\tif [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then\n"
	"\t\tlocal colon=${cur%\"${cur##*:}\"}\n"
	"\t\tCOMPREPLY=(\"${COMPREPLY[@]#\"$colon\"}\")\n"
	"\tfi\n"
	"}\n"
	"\n"
	"complete -F _berth berth\n";

/* The tables the bash and zsh scripts share, the associative arrays declared
 * with declare (bash's declare -gA, zsh's typeset -gA). */
static void
put_shell_tables(FILE *f, const char *declare, const struct cli_verb *verbs,
		 const struct cli_option *global)
{
	fputs("_berth_global_options=", f);
	put_option_words(f, global, false, false);
	fputs("\n_berth_global_valued=", f);
	put_option_words(f, global, true, true);
	fprintf(f, "\n%s _berth_values=(", declare);
	put_value_kinds(f, global, " [", "]='", "'");
	fprintf(f, ")\n# Each verb's options, those of them taking a value, and its operands\n"
		"# (TARGET:OPERANDS: its container operands, then what else it takes).\n"
		"%s _berth_options _berth_valued _berth_operands\n", declare);
	for (const struct cli_verb *v = verbs; v->name; v++) {
		fprintf(f, "_berth_options[%s]=", v->name);
		put_option_words(f, v->options, false, false);
		fprintf(f, " _berth_valued[%s]=", v->name);
		put_option_words(f, v->options, true, true);
		fprintf(f, " _berth_operands[%s]=", v->name);
		put_operands(f, v);
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void
write_bash(FILE *f, const struct cli_verb *verbs, const struct cli_option *global)
{
	fputs("# bash completion for berth(1), written by `berth completion bash` from berth's\n"
	      "# tables of verbs and options.\n\n_berth_verbs='", f);
	for (const struct cli_verb *v = verbs; v->name; v++)
		fprintf(f, "%s%s", v == verbs ? "" : " ", v->name);
	fputs("'\n", f);
	put_shell_tables(f, "declare -gA", verbs, global);
	fputs(bash_functions, f);
}

/* ------------------------------------------------------------------ */
/* zsh */

static const char zsh_functions[] =
	"# The names berth gives for KIND (containers, images, endpoints), asked with the\n"
	"# global options typed before the verb.\n"
	"_berth_names() {\n"
	"\t${before[1]} ${before[2,-1]} completion $1 2>/dev/null\n"
	"}\n"
	"\n"
	"_berth_kind() {\n"
	"\tcase $1 in\n"
	"\tcontainers | images | endpoints) compadd -- ${(f)\"$(_berth_names $1)\"} ;;\n"
	"\tfiles) _files ;;\n"
	"\tcopy)\n"
	"\t\t[[ $PREFIX == *:* ]] && return\n"
	"\t\t_files\n"
	"\t\tcompadd -S '' -- ${^${(f)\"$(_berth_names containers)\"}}: ;;\n"
	"\tesac\n"
	"}\n"
	"\n"
	"local i w verb= at=$CURRENT n=0 prev=${words[CURRENT-1]}\n"
	"for (( i = 2; i < CURRENT; i++ )); do\n"
	"\tw=${words[i]}\n"
	"\tif [[ $_berth_global_valued == *\" $w \"* ]]; then\n"
	"\t\t(( i++ ))\n"
	"\telif [[ $w != -* ]]; then\n"
	"\t\tverb=$w at=$i\n"
	"\t\tbreak\n"
	"\tfi\n"
	"done\n"
	"local -a before=(${words[1,at-1]})\n"
	"if [[ -z $verb ]]; then\n"
	"\tif [[ $_berth_global_valued == *\" $prev \"* ]]; then\n"
	"\t\tbefore[-1]=()\n"
	"\t\t_berth_kind ${_berth_values[$prev]}\n"
	"\telif [[ $PREFIX == -* ]]; then\n"
	"\t\tcompadd -- ${=_berth_global_options}\n"
	"\telse\n"
	"\t\t_describe verb verbs\n"
	"\tfi\n"
	"\treturn\n"
	"fi\n"
	"(( ${+_berth_operands[$verb]} )) || return 1\n"
	"for (( i = at + 1; i < CURRENT; i++ )); do\n"
	"\tw=${words[i]}\n"
	"\tif (( n == 0 )) && [[ $w == -* ]]; then\n"
	"\t\t[[ ${_berth_valued[$verb]} == *\" $w \"* ]] && (( i++ ))\n"
	"\t\tcontinue\n"
	"\tfi\n"
	"\t(( n++ ))\n"
	"done\n"
	"(( n == 0 && at + 1 < CURRENT )) && [[ ${_berth_valued[$verb]} == *\" $prev \"* ]] && return 1\n"
	"if (( n == 0 )) && [[ $PREFIX == -* ]]; then\n"
	"\tcompadd -- ${=_berth_options[$verb]}\n"
	"\treturn\n"
	"fi\n"
	"local target=${_berth_operands[$verb]%%:*} rest=${_berth_operands[$verb]#*:}\n"
	"if [[ $target == many || ( $target == one && $n -eq 0 ) ]]; then\n"
	"\t_berth_kind containers\n"
	"\treturn\n"
	"fi\n"
	"[[ $target == one ]] && (( n-- ))\n"
	"case $rest in\n"
	"image) (( n == 0 )) && _berth_kind images ;;\n"
	"images) _berth_kind images ;;\n"
	"path) (( n == 0 )) && _files ;;\n"
	"copy) _berth_kind copy ;;\n"
	"verb) (( n == 0 )) && _describe verb verbs ;;\n"
	"esac\n";

static void
write_zsh(FILE *f, const struct cli_verb *verbs, const struct cli_option *global)
{
	fputs("#compdef berth\n"
	      "# zsh completion for berth(1), written by `berth completion zsh` from berth's\n"
	      "# tables of verbs and options.\n\nlocal -a verbs=(\n", f);
	for (const struct cli_verb *v = verbs; v->name; v++) {
		char *entry = xasprintf("%s:%.*s", v->name, (int)strcspn(v->summary, "\n"),
					v->summary);
		fputc('\t', f);
		put_quoted(f, entry);
		fputc('\n', f);
		free(entry);
	}
	fputs(")\n", f);
	put_shell_tables(f, "typeset -gA", verbs, global);
	fputs(zsh_functions, f);
}

/* ------------------------------------------------------------------ */
/* fish */

static const char fish_functions[] =
	"# The names berth gives for KIND (containers, images, endpoints), asked with the\n"
	"# berth as typed and the global options before the verb (the arguments\n"
	"# after KIND).\n"
	"function __berth_names\n"
	"\t$argv[2] $argv[3..-1] completion $argv[1] 2>/dev/null\n"
	"end\n"
	"\n"
	"function __berth_kind -a kind cur\n"
	"\tswitch $kind\n"
	"\tcase containers images endpoints\n"
	"\t\t__berth_names $kind $argv[3..-1]\n"
	"\tcase files\n"
	"\t\t__fish_complete_path $cur\n"
	"\tcase copy\n"
	"\t\tstring match -q -- '*:*' $cur; and return\n"
	"\t\t__fish_complete_path $cur\n"
	"\t\t__berth_names containers $argv[3..-1] | string replace -r '$' ':'\n"
	"\tend\n"
	"end\n"
	"\n"
	"# What can stand in the word being typed, one a line (a tab, then its\n"
	"# description).\n"
	"function __berth_complete\n"
	"\tset -l words (commandline -opc)\n"
	"\tset -l cur (commandline -ct)\n"
	"\tset -l at 0\n"
	"\tset -l i 2\n"
	"\twhile test $i -le (count $words)\n"
	"\t\tif contains -- $words[$i] $__berth_global_valued\n"
	"\t\t\tset i (math $i + 2)\n"
	"\t\t\tcontinue\n"
	"\t\telse if not string match -q -- '-*' $words[$i]\n"
	"\t\t\tset at $i\n"
	"\t\t\tbreak\n"
	"\t\tend\n"
	"\t\tset i (math $i + 1)\n"
	"\tend\n"
	"\tset -l before $words\n"
	"\ttest $at -ge 2; and set before $words[1..(math $at - 1)]\n"
	"\tset -l prev $words[-1]\n"
	"\tif test $at -eq 0\n"
	"\t\tif set -l o (contains -i -- $prev $__berth_global_valued)\n"
	"\t\t\tset -e before[-1]\n"
	"\t\t\t__berth_kind $__berth_global_values[$o] $cur $before\n"
	"\t\telse if string match -q -- '-*' $cur\n"
	"\t\t\tstring join \\n -- $__berth_global_options\n"
	"\t\telse\n"
	"\t\t\tfor v in (seq (count $__berth_verbs))\n"
	"\t\t\t\tprintf '%s\\t%s\\n' $__berth_verbs[$v] $__berth_summaries[$v]\n"
	"\t\t\tend\n"
	"\t\tend\n"
	"\t\treturn\n"
	"\tend\n"
	"\tset -l v (contains -i -- $words[$at] $__berth_verbs); or return\n"
	"\tset -l valued (string split ' ' -- $__berth_valued[$v])\n"
	"\tset -l n 0\n"
	"\tset i (math $at + 1)\n"
	"\twhile test $i -le (count $words)\n"
	"\t\tif test $n -eq 0; and string match -q -- '-*' $words[$i]\n"
	"\t\t\tcontains -- $words[$i] $valued; and set i (math $i + 1)\n"
	"\t\telse\n"
	"\t\t\tset n (math $n + 1)\n"
	"\t\tend\n"
	"\t\tset i (math $i + 1)\n"
	"\tend\n"
	"\tif test $n -eq 0; and test $at -lt (count $words); and contains -- $prev $valued\n"
	"\t\treturn\n"
	"\tend\n"
	"\tif test $n -eq 0; and string match -q -- '-*' $cur\n"
	"\t\tstring split ' ' -- $__berth_options[$v]\n"
	"\t\treturn\n"
	"\tend\n"
	"\tset -l target (string split -f1 : -- $__berth_operands[$v])\n"
	"\tset -l rest (string split -f2 : -- $__berth_operands[$v])\n"
	"\tif test $target = many; or begin; test $target = one; and test $n -eq 0; end\n"
	"\t\t__berth_kind containers $cur $before\n"
	"\t\treturn\n"
	"\tend\n"
	"\ttest $target = one; and set n (math $n - 1)\n"
	"\tswitch $rest\n"
	"\tcase image\n"
	"\t\ttest $n -eq 0; and __berth_kind images $cur $before\n"
	"\tcase images\n"
	"\t\t__berth_kind images $cur $before\n"
	"\tcase path\n"
	"\t\ttest $n -eq 0; and __berth_kind files $cur\n"
	"\tcase copy\n"
	"\t\t__berth_kind copy $cur $before\n"
	"\tcase verb\n"
	"\t\ttest $n -eq 0; and string join \\n -- $__berth_verbs\n"
	"\tend\n"
	"end\n"
	"\n"
	"complete -c berth -f -a '(__berth_complete)'\n";

/* A fish list of one word per verb, each given by put. */
static void
put_fish_list(FILE *f, const char *name, const struct cli_verb *verbs,
	      void (*put)(FILE *f, const struct cli_verb *v))
{
	fprintf(f, "set -g %s", name);
	for (const struct cli_verb *v = verbs; v->name; v++) {
		fputs(" \\\n\t", f);
		put(f, v);
	}
	fputc('\n', f);
}

static void put_fish_name(FILE *f, const struct cli_verb *v) { put_quoted(f, v->name); }
static void put_fish_summary(FILE *f, const struct cli_verb *v) { put_first_line(f, v->summary); }
static void put_fish_options(FILE *f, const struct cli_verb *v) { put_option_words(f, v->options, false, false); }
static void put_fish_valued(FILE *f, const struct cli_verb *v) { put_option_words(f, v->options, true, false); }

static void
write_fish(FILE *f, const struct cli_verb *verbs, const struct cli_option *global)
{
	fputs("# fish completion for berth(1), written by `berth completion fish` from berth's\n"
	      "# tables of verbs and options.\n\n"
	      "# Each verb, its summary, its options, those of them taking a value, and its\n"
	      "# operands (TARGET:OPERANDS: its container operands, then what else it takes).\n",
	      f);
	put_fish_list(f, "__berth_verbs", verbs, put_fish_name);
	put_fish_list(f, "__berth_summaries", verbs, put_fish_summary);
	put_fish_list(f, "__berth_options", verbs, put_fish_options);
	put_fish_list(f, "__berth_valued", verbs, put_fish_valued);
	put_fish_list(f, "__berth_operands", verbs, put_operands);
	fputs("set -g __berth_global_options (string split ' ' -- ", f);
	put_option_words(f, global, false, false);
	fputs(")\nset -g __berth_global_valued\nset -g __berth_global_values\n", f);
	put_value_kinds(f, global, "set -a __berth_global_valued ", "; set -a __berth_global_values '",
			"'\n");
	fputc('\n', f);
	fputs(fish_functions, f);
}

/* ------------------------------------------------------------------ */
/* The names the scripts offer. */

/* The containers of every -H endpoint (or the default ones), all states. */
static int
print_containers(struct cli *cli)
{
	char **specs = cli_specs(cli);
	int rc = CLI_OK;
	for (size_t i = 0; specs[i]; i++) {
		berth_endpoint *ep;
		struct berth_container **list;
		size_t n;
		if (cli_open_and_list(cli, specs[i], true, &ep, &list, &n) != CLI_OK)
			rc = CLI_FAILED;
		for (size_t k = 0; k < n; k++)
			if (list[k]->name)
				printf("%s\n", list[k]->name);
		berth_container_list_free(list, n);
		if (ep)
			berth_endpoint_free(ep);
	}
	berth_strv_free(specs);
	return rc;
}

/* The first endpoint's tagged images, REPOSITORY:TAG. */
static int
print_images(struct cli *cli)
{
	berth_endpoint *ep;
	struct berth_image *images = NULL;
	size_t n = 0;
	struct berth_error err = { 0 };
	if (berth_endpoint_open(cli->nhosts ? cli->hosts[0] : NULL, &cli->opts, &ep, &err) < 0)
		return cli_fail(&err);
	int rc = CLI_OK;
	if (berth_image_list(ep, &images, &n, cli->cancel, &err) < 0)
		rc = cli_fail(&err);
	for (size_t i = 0; i < n; i++)
		if (strcmp(images[i].repository, "<none>") != 0 && strcmp(images[i].tag, "<none>") != 0)
			printf("%s:%s\n", images[i].repository, images[i].tag);
	berth_image_list_free(images, n);
	berth_endpoint_free(ep);
	return rc;
}

/* The configuration's endpoints and @groups, and the Docker contexts. */
static int
print_endpoints(struct cli *cli)
{
	for (size_t i = 0; i < cli->cfg->nendpoints; i++)
		printf("%s\n", cli->cfg->endpoints[i].name);
	for (size_t i = 0; i < cli->cfg->ngroups; i++)
		printf("@%s\n", cli->cfg->groups[i].name);
	char **contexts = berth_docker_contexts();
	for (size_t i = 0; contexts[i]; i++)
		printf("%s\n", contexts[i]);
	berth_strv_free(contexts);
	return CLI_OK;
}

int
cli_completion(struct cli *cli, const struct cli_verb *v, const struct cli_verb *verbs,
	       const struct cli_option *global, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 1, 1,
					   "name a shell (bash, zsh, fish) or a kind of name", &first);
	if (rc >= 0)
		return rc;
	const char *what = argv[first];
	if (strcmp(what, "bash") == 0)
		write_bash(stdout, verbs, global);
	else if (strcmp(what, "zsh") == 0)
		write_zsh(stdout, verbs, global);
	else if (strcmp(what, "fish") == 0)
		write_fish(stdout, verbs, global);
	else if (strcmp(what, "containers") == 0)
		return print_containers(cli);
	else if (strcmp(what, "images") == 0)
		return print_images(cli);
	else if (strcmp(what, "endpoints") == 0)
		return print_endpoints(cli);
	else
		return cli_usage(v, "no completion for %s: bash, zsh, fish, containers, images or "
				 "endpoints", what);
	return CLI_OK;
}
