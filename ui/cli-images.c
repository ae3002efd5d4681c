/* cli-images.c: berth images, pull and rmi (docker images, pull, rmi). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "util.h"

void
cli_ago(time_t t, time_t now, char *buf, size_t len)
{
	static const struct { long s; const char *unit; } steps[] = {
		{ 365L * 86400, "year" }, { 30L * 86400, "month" }, { 7L * 86400, "week" },
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
	};
	long d = t > 0 && now > t ? (long)(now - t) : 0;
	if (d < 1) {
		snprintf(buf, len, "less than a second ago");
		return;
	}
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		long n = d / steps[i].s;
		if (n == 1) {
			snprintf(buf, len, "1 %s ago", steps[i].unit);
			return;
		}
		if (n > 1) {
			snprintf(buf, len, "%ld %ss ago", n, steps[i].unit);
			return;
		}
	}
}

/* ------------------------------------------------------------------ */
/* images */

struct images_args {
	const struct cli_verb *v;
	bool quiet, json;
};

static int
images_option(void *ctx, int key, const char *value)
{
	struct images_args *a = ctx;
	if (key == 'q')
		a->quiet = true;
	else if (key == CLI_OPT_FORMAT && strcmp(value, "json") == 0)
		a->json = true;
	else if (key == CLI_OPT_FORMAT && strcmp(value, "table") != 0)
		return cli_usage(a->v, "--format is table or json, not '%s'", value);
	return -1;
}

static const char *
short_id(const char *id)
{
	return str_starts_with(id, "sha256:") ? id + 7 : id;
}

static void
images_json(const struct berth_image *v, size_t n)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "repository", json_object_new_string(v[i].repository));
		json_object_object_add(o, "tag", json_object_new_string(v[i].tag));
		json_object_object_add(o, "id", json_object_new_string(v[i].id));
		json_object_object_add(o, "size", json_object_new_int64(v[i].size));
		json_object_object_add(o, "created", json_object_new_int64((int64_t)v[i].created));
		json_object_object_add(o, "containers", json_object_new_int(v[i].containers));
		json_object_array_add(arr, o);
	}
	cli_print_json(arr);
	json_object_put(arr);
}

static void
images_table(const struct berth_image *v, size_t n)
{
	size_t wr = strlen("REPOSITORY"), wt = strlen("TAG");
	for (size_t i = 0; i < n; i++) {
		wr = strlen(v[i].repository) > wr ? strlen(v[i].repository) : wr;
		wt = strlen(v[i].tag) > wt ? strlen(v[i].tag) : wt;
	}
	printf("%-*s  %-*s  %-12s  %-18s  %-8s  %s\n", (int)wr, "REPOSITORY", (int)wt, "TAG",
	       "IMAGE ID", "CREATED", "SIZE", "CONTAINERS");
	time_t now = time(NULL);
	for (size_t i = 0; i < n; i++) {
		char size[32], ago[48];
		cli_size_decimal(size, sizeof size, (uint64_t)(v[i].size > 0 ? v[i].size : 0));
		cli_ago(v[i].created, now, ago, sizeof ago);
		char *repo = cli_clean(v[i].repository), *tag = cli_clean(v[i].tag);
		printf("%-*s  %-*s  %-12.12s  %-18s  %-8s  %d\n", (int)wr, repo, (int)wt, tag,
		       short_id(v[i].id), ago, size, v[i].containers);
		free(repo);
		free(tag);
	}
}

int
cli_images(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct images_args a = { .v = v };
	int first, rc = cli_parse(v, argc, argv, images_option, &a, &first);
	if (rc >= 0 || (rc = cli_check_operands(v, argc, argv, first, 0, 0, NULL)) >= 0)
		return rc;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	struct berth_error err = { 0 };
	struct berth_image *list;
	size_t n;
	if (berth_image_list(ep, &list, &n, cli->cancel, &err) < 0) {
		rc = cli_fail(&err);
	} else if (a.json) {
		images_json(list, n);
	} else if (a.quiet) {
		for (size_t i = 0; i < n; i++)	/* an image with several tags once */
			if (i == 0 || strcmp(list[i].id, list[i - 1].id) != 0)
				printf("%.12s\n", short_id(list[i].id));
	} else {
		images_table(list, n);
	}
	if (rc == CLI_OK)
		berth_image_list_free(list, n);
	berth_endpoint_free(ep);
	return rc;
}

/* ------------------------------------------------------------------ */
/* pull */

struct pull_line {
	const char *ref;
	bool shown;
};

/* The progress line, rewritten in place on the terminal. */
static void
pull_line(void *ctx, const struct berth_pull_progress *p)
{
	struct pull_line *line = ctx;
	line->shown = true;
	char done[32], total[32];
	cli_size_decimal(done, sizeof done, p->bytes_done);
	cli_size_decimal(total, sizeof total, p->bytes_total);
	char *status = cli_clean(p->status);
	printf("\r\033[K%s: %s", line->ref, status);
	if (p->layers)
		printf(" (%d of %d layers, %s of %s)", p->layers_done, p->layers, done, total);
	fflush(stdout);
	free(status);
}

int
cli_pull(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	int first, rc = cli_parse_operands(v, argc, argv, 1, 1, "name an image", &first);
	if (rc >= 0)
		return rc;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	struct pull_line line = { .ref = argv[first] };
	bool tty = isatty(STDOUT_FILENO);
	struct berth_error err = { 0 };
	cli_catch_interrupt(cli);
	int pulled = berth_image_pull(ep, line.ref, tty ? pull_line : NULL, &line, cli->cancel, &err);
	if (line.shown) {
		printf("\r\033[K");
		fflush(stdout);
	}
	if (pulled < 0)
		rc = cli_fail(&err);
	else
		printf("%s\n", line.ref);
	berth_endpoint_free(ep);
	return rc;
}

/* ------------------------------------------------------------------ */
/* rmi */

struct rmi_args {
	bool force;
};

static int
rmi_option(void *ctx, int key, const char *value)
{
	struct rmi_args *a = ctx;
	a->force = key == 'f' || a->force;
	return -1;
}

int
cli_rmi(struct cli *cli, const struct cli_verb *v, int argc, char **argv)
{
	struct rmi_args a = { 0 };
	int first, rc = cli_parse(v, argc, argv, rmi_option, &a, &first);
	if (rc >= 0 || (rc = cli_check_operands(v, argc, argv, first, 1, -1, "name an image")) >= 0)
		return rc;
	berth_endpoint *ep;
	if ((rc = cli_open(cli, v, &ep)) != CLI_OK)
		return rc;
	for (int i = first; i < argc; i++) {
		struct berth_error err = { 0 };
		if (berth_image_remove(ep, argv[i], a.force, cli->cancel, &err) < 0)
			rc = cli_fail(&err);
		else
			printf("%s\n", argv[i]);
	}
	berth_endpoint_free(ep);
	return rc;
}
