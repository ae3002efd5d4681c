/* main.c: the berth program. Global options, then either a verb (the table
 * of verbs, verbs.h) or, with no verb, the dashboard. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dashboard.h"
#include "util.h"
#include "verbs.h"

#define MAIN_USAGE "usage: berth [-H ENDPOINT]... [-c FILE] [--read-only] [--stage | VERB [ARG...]]\n"

/* getopt_long over the global options, each into cli or *view; -1 to go on,
 * else an exit status. */
static int
main_option_loop(struct cli *cli, int argc, char **argv, const char *shortopts,
		 const struct option *longopts, const char **view)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'H':
			if (!*optarg) {
				fprintf(stderr, "berth: -H needs an endpoint\n" MAIN_USAGE);
				return CLI_USAGE;
			}
			strv_push(&cli->hosts, &cli->nhosts, optarg);
			break;
		case 'c':
			cli->config_path = optarg;
			break;
		case 'h':
			return cli_help(cli, cli_verb_find("help"), 1, argv);
		case CLI_OPT_READ_ONLY:
			cli->opts.read_only = true;
			break;
		case CLI_OPT_VERSION:
			printf("berth %s\n", berth_version_string());
			return CLI_OK;
		case CLI_OPT_STAGE:
			*view = "stage";
			break;
		case ':':
			fprintf(stderr, "berth: option %s needs a value\n" MAIN_USAGE, argv[optind - 1]);
			return CLI_USAGE;
		default:
			if (optopt)
				fprintf(stderr, "berth: unknown option -%c\n" MAIN_USAGE, optopt);
			else
				fprintf(stderr, "berth: unknown option %s\n" MAIN_USAGE, argv[optind - 1]);
			return CLI_USAGE;
		}
	}
	return -1;
}

/* Parse the global options (verbs.h: cli_global_options) into cli (*view:
 * the dashboard's first view, for --stage); returns -1 to go on, else an exit
 * status. */
static int
main_options(struct cli *cli, int argc, char **argv, int *first, const char **view)
{
	char *shortopts;
	struct option *longopts = cli_getopt_tables(cli_global_options, &shortopts);
	int rc = main_option_loop(cli, argc, argv, shortopts, longopts, view);
	free(shortopts);
	free(longopts);
	*first = optind;
	return rc;
}

static int
main_dashboard(struct cli *cli, const char *view)
{
	char **specs = cli_specs(cli);
	int rc = dashboard_run(cli->cfg, specs, strv_len(specs), view);
	berth_strv_free(specs);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli cli = { 0 };
	int first = 1;
	const char *view = NULL;
	int rc = main_options(&cli, argc, argv, &first, &view);
	if (rc >= 0)
		goto out;
	const struct cli_verb *verb = NULL;
	if (view && first < argc) {
		fprintf(stderr, "berth: --stage opens the dashboard and takes no verb\n" MAIN_USAGE);
		rc = CLI_USAGE;
		goto out;
	}
	if (first < argc && !(verb = cli_verb_find(argv[first]))) {
		fprintf(stderr, "berth: unknown verb %s (berth --help lists them)\n" MAIN_USAGE,
			argv[first]);
		rc = CLI_USAGE;
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (berth_init() < 0) {
		rc = cli_error("cannot initialise libcurl");
		goto out;
	}
	struct berth_error err = { 0 };
	if (berth_config_load(cli.config_path, &cli.cfg, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if ((rc = cli_expand_groups(&cli)) >= 0)
		goto out;
	cli.opts.config_file = cli.config_path;
	cli.cfg->read_only = cli.cfg->read_only || cli.opts.read_only;
	cli.cancel = berth_cancel_new();
	if (verb) {
		fflush(stdout);
		rc = verb->run(&cli, verb, argc - first, argv + first);
		fflush(stdout);
	} else {
		rc = main_dashboard(&cli, view);
	}
out:
	berth_cancel_free(cli.cancel);
	berth_config_free(cli.cfg);
	berth_strv_free(cli.hosts);
	return rc;
}
