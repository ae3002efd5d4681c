/* zun-io.c: exec, logs and file copies on Zun (zun-api.md §4).
 *
 * exec: the command line is quoted so that the server's shlex.split gives argv
 * back exactly; the site runs it without a shell, collects stdout and stderr
 * together, and stops waiting after its execute timeout (5 s on CHI@Edge), in
 * which case the exit code is null: berth says so instead of claiming success.
 * logs: the body is a JSON string; -f polls and prints what is new.
 * Archives: base64 tars, rewritten with libarchive into the tar stream Docker
 * gives (the top entry named after the source), so the shared copy code works
 * unchanged. The K8s driver archives a file by its base name in the
 * container's workdir; berth stages such a file in a directory of its own.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "model-json.h"
#include "zun-priv.h"

#define LOGS_POLL_S 2.0

/* ------------------------------------------------------------------ */
/* Quoting and exec. */

/* Python's shlex.quote: safe words as they are, others in single quotes. */
static void
quote_word(struct buf *b, const char *s)
{
	bool safe = *s != '\0';
	for (const char *p = s; *p && safe; p++)
		safe = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       (*p >= '0' && *p <= '9') || strchr("@%+=:,./_-", *p);
	if (safe) {
		buf_appends(b, s);
		return;
	}
	buf_append(b, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			buf_appends(b, "'\"'\"'");
		else
			buf_append(b, p, 1);
	}
	buf_append(b, "'", 1);
}

char *
zun_shell_join(char *const argv[])
{
	struct buf b = { 0 };
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			buf_append(&b, " ", 1);
		quote_word(&b, argv[i]);
	}
	return buf_steal(&b);
}

int
zun_exec_collect(struct zun *z, const char *ref, char *const argv[], struct buf *out,
		 int *exit_code, bool *missing, berth_cancel *cancel, struct berth_error *err)
{
	*missing = false;
	*exit_code = -1;
	if (!argv || !argv[0])
		return berth_fail(err, BERTH_EUSAGE, "no command to run in %s", ref);
	char *line = zun_shell_join(argv);
	char *esc = http_escape(line);
	free(line);
	char *suffix = xasprintf("/execute?run=True&command=%s", esc);
	free(esc);
	struct http_response resp;
	int rc = zun_action(z, "POST", ref, suffix, NULL, 0, cancel, &resp, err);
	free(suffix);
	if (rc < 0)
		return -1;
	struct json_object *doc = NULL;
	if (resp.status != 200)
		rc = zun_fail(z, &resp, "run a command in", ref, err);
	else if (os_json(&resp, "Zun", &doc, err) < 0)
		rc = -1;
	http_response_done(&resp);
	if (rc < 0)
		return -1;
	const char *output = model_str(doc, "output");
	struct json_object *code = model_obj(doc, "exit_code");
	if (output)
		buf_appends(out, output);
	if (code && json_object_is_type(code, json_type_int))
		*exit_code = json_object_get_int(code);
	if (*exit_code == -1 && output &&
	    strcmp(output, "Malformed command, or binary not found in container") == 0)
		*missing = true;
	json_object_put(doc);
	return 0;
}

int
zun_exec(struct backend *b, const char *ref, char *const argv[],
	 const struct berth_exec_opts *o, berth_sink sink, void *ctx, int *exit_code,
	 berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	if (o && ((o->env && o->env[0]) || o->workdir || o->user))
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "Zun runs commands without environment, working directory or user "
				  "options (wrap the command in sh -c instead)");
	struct buf out = { 0 };
	bool missing;
	int code;
	if (zun_exec_collect(z, ref, argv, &out, &code, &missing, cancel, err) < 0) {
		buf_free(&out);
		return -1;
	}
	*exit_code = code;
	if (missing) {
		buf_free(&out);
		return berth_fail(err, BERTH_EFAILED,
				  "cannot run %s in %s on %s: Malformed command, or binary not found "
				  "in container", argv[0], ref, z->ep_name);
	}
	if (out.len && sink)
		sink(ctx, BERTH_STDOUT, out.data, out.len);
	buf_free(&out);
	if (code == -1)
		return berth_fail(err, BERTH_EFAILED,
				  "%s in %s did not finish before %s stopped waiting for it (Zun's "
				  "execute timeout, 5 s on CHI@Edge): the output shown is partial and the "
				  "exit code is unknown", argv[0], ref, z->ep_name);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Logs. */

int
zun_logs_fetch(struct zun *z, const char *ref, const struct berth_logs_opts *o, bool use_tail,
	   berth_cancel *cancel, char **text, struct berth_error *err)
{
	struct buf q = { 0 };
	buf_appends(&q, "/logs?stdout=True&stderr=True");
	if (o->timestamps)
		buf_appends(&q, "&timestamps=True");
	if (use_tail && o->tail >= 0)
		buf_printf(&q, "&tail=%ld", o->tail);
	if (o->since > 0)
		buf_printf(&q, "&since=%lld", (long long)o->since);
	struct http_response resp;
	int rc = zun_action(z, "GET", ref, q.data, NULL, 0, cancel, &resp, err);
	buf_free(&q);
	if (rc < 0)
		return -1;
	struct json_object *doc = NULL;
	if (resp.status != 200)
		rc = zun_fail(z, &resp, "read the logs of", ref, err);
	else if (os_json(&resp, "Zun", &doc, err) < 0)
		rc = -1;
	http_response_done(&resp);
	if (rc < 0)
		return -1;
	const char *s = doc && json_object_is_type(doc, json_type_string) ? json_object_get_string(doc) : "";
	*text = xstrdup(s);
	json_object_put(doc);
	return 0;
}

/* Where the last n lines of s start. */
static size_t
tail_offset(const char *s, size_t len, long n)
{
	if (n < 0)
		return 0;
	size_t i = len;
	if (i > 0 && s[i - 1] == '\n')
		i--;
	for (long seen = 0; i > 0; i--)
		if (s[i - 1] == '\n' && ++seen == n)
			return i;
	return n == 0 ? len : 0;
}

int
zun_logs(struct backend *b, const char *ref, const struct berth_logs_opts *o,
	 berth_sink sink, void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	char *text = NULL;
	if (!o->follow) {
		if (zun_logs_fetch(z, ref, o, true, cancel, &text, err) < 0)
			return -1;
		if (*text)
			sink(ctx, BERTH_STDOUT, text, strlen(text));
		free(text);
		return 0;
	}
	/* Follow: Zun has no stream; fetch the whole log every few seconds and print
	 * what is new, until the container stops. */
	size_t shown = 0;
	bool last = false;
	for (bool first = true;; first = false) {
		if (zun_logs_fetch(z, ref, o, false, cancel, &text, err) < 0)
			return -1;
		size_t len = strlen(text);
		size_t from = first ? tail_offset(text, len, o->tail) : len < shown ? 0 : shown;
		int stop = from < len ? sink(ctx, BERTH_STDOUT, text + from, len - from) : 0;
		shown = len;
		free(text);
		if (stop || last)
			return 0;
		struct json_object *doc = NULL;
		if (zun_fetch(z, ref, &doc, cancel, err) < 0)
			return -1;
		enum berth_status st = zun_status(model_str(doc, "status"));
		json_object_put(doc);
		/* Stopped: one more fetch for what it wrote since the last one. */
		last = st != BERTH_ST_RUNNING && st != BERTH_ST_CREATED && st != BERTH_ST_CREATING &&
		       st != BERTH_ST_RESTARTING;
		if (last)
			continue;
		double end = now_monotonic() + LOGS_POLL_S;
		while (now_monotonic() < end) {
			if (berth_cancel_is_set(cancel))
				return 0;
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Archives. */

/* GET /get_archive?path=P, decoded; given up on after stall_s of silence. */
static int
archive_fetch(struct zun *z, const char *ref, const char *path, double stall_s, struct buf *tar,
	      berth_cancel *cancel, struct berth_error *err)
{
	char *esc = http_escape(path);
	char *suffix = xasprintf("/get_archive?path=%s", esc);
	free(esc);
	struct http_response resp;
	int rc = zun_transfer(z, "GET", ref, suffix, NULL, stall_s, cancel, &resp, err);
	free(suffix);
	if (rc < 0)
		return -1;
	struct json_object *doc = NULL;
	if (resp.status != 200)
		rc = zun_fail(z, &resp, "copy files from", ref, err);
	else if (os_json(&resp, "Zun", &doc, err) < 0)
		rc = -1;
	http_response_done(&resp);
	if (rc < 0)
		return -1;
	const char *data = model_str(doc, "data");
	if (!data || base64_decode(data, tar) < 0)
		rc = berth_fail(err, BERTH_EPROTOCOL, "%s sent an archive of %s that is not base64",
				z->ep_name, path);
	json_object_put(doc);
	return rc;
}

/* The names in a tar: whether it is the K8s directory form (./...), and how
 * many entries it has; the first entry's name goes to first (may be NULL). */
static int
tar_scan(const struct buf *tar, bool *dir_form, size_t *count, char **first)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	*dir_form = false;
	*count = 0;
	if (first)
		*first = NULL;
	if (tar->len == 0) {
		archive_read_free(a);
		return 0;
	}
	int rc = 0;
	if (archive_read_open_memory(a, tar->data, tar->len) != ARCHIVE_OK) {
		rc = -1;
	} else {
		struct archive_entry *e;
		int r;
		while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
			const char *name = archive_entry_pathname(e);
			if (strcmp(name, ".") == 0 || str_starts_with(name, "./"))
				*dir_form = true;
			if (first && !*first)
				*first = xstrdup(name);
			(*count)++;
		}
		if (r != ARCHIVE_EOF)
			rc = -1;
	}
	archive_read_free(a);
	return rc;
}

struct tar_out {
	berth_sink sink;
	void *ctx;
	bool stopped;
};

static la_ssize_t
tar_out_write(struct archive *a, void *p, const void *buf, size_t len)
{
	(void)a;
	struct tar_out *o = p;
	if (o->sink(o->ctx, BERTH_STDOUT, buf, len)) {
		o->stopped = true;
		return -1;
	}
	return (la_ssize_t)len;
}

/* "./x" with the K8s directory form becomes top/x ("./" itself: top/); with
 * top NULL the leading "./" is dropped and "./" itself is left out. */
static char *
rename_entry(const char *name, const char *top)
{
	const char *rest = strcmp(name, ".") == 0 ? "" : str_starts_with(name, "./") ? name + 2 : name;
	if (!top)
		return *rest ? xstrdup(rest) : NULL;
	return *rest ? xasprintf("%s/%s", top, rest) : xasprintf("%s/", top);
}

/* Copy the tar to the sink, renaming its entries (rename false: as they are). */
static int
tar_emit(struct zun *z, const struct buf *tar, bool rename, const char *top, berth_sink sink,
	 void *ctx, struct berth_error *err)
{
	struct archive *in = archive_read_new();
	archive_read_support_format_tar(in);
	struct archive *out = archive_write_new();
	archive_write_set_format_pax_restricted(out);
	struct tar_out to = { sink, ctx, false };
	int rc = 0;
	if (archive_write_open(out, &to, NULL, tar_out_write, NULL) != ARCHIVE_OK ||
	    (tar->len && archive_read_open_memory(in, tar->data, tar->len) != ARCHIVE_OK)) {
		rc = berth_fail(err, BERTH_EPROTOCOL, "cannot read the archive %s sent: %s",
				z->ep_name, archive_error_string(in) ? archive_error_string(in) : "?");
		goto out;
	}
	struct archive_entry *e;
	int r;
	while (tar->len && (r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		if (rename) {
			char *name = rename_entry(archive_entry_pathname(e), top);
			if (!name)
				continue;
			archive_entry_set_pathname(e, name);
			free(name);
			const char *hl = archive_entry_hardlink(e);
			if (hl) {
				char *target = rename_entry(hl, top);
				archive_entry_set_hardlink(e, target ? target : hl);
				free(target);
			}
		}
		if (archive_write_header(out, e) != ARCHIVE_OK)
			break;
		const void *block;
		size_t size;
		la_int64_t offset;
		while (archive_read_data_block(in, &block, &size, &offset) == ARCHIVE_OK)
			if (archive_write_data(out, block, size) < 0)
				break;
	}
	if (to.stopped) {
		rc = 0;
	} else if (archive_write_close(out) != ARCHIVE_OK && !to.stopped) {
		rc = berth_fail(err, BERTH_EPROTOCOL, "cannot rewrite the archive %s sent: %s",
				z->ep_name, archive_error_string(out) ? archive_error_string(out) : "?");
	}
out:
	archive_read_free(in);
	archive_write_free(out);
	return rc;
}

static char *
base_name(const char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *start = path + len;
	while (start > path && start[-1] != '/')
		start--;
	return start == path + len ? xstrdup("/") : xstrndup(start, (size_t)(path + len - start));
}

static char *
dir_name(const char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	while (len > 1 && path[len - 1] == '/')
		len--;
	return len ? xstrndup(path, len) : xstrdup(".");
}

/* The site stopped waiting for a helper command berth runs in ref (its exit
 * code is null): say so, not that the container lacks the tools. */
static int
exec_timed_out(struct zun *z, const char *what, const char *ref, const char *path,
	       struct berth_error *err)
{
	return berth_fail(err, BERTH_ETIMEOUT, "cannot %s %s:%s on %s: the site stopped waiting "
			  "for the shell berth runs in the container before it answered (Zun's "
			  "execute timeout, 5 s on CHI@Edge); try again", what, ref, path, z->ep_name);
}

/* A file outside the workdir: copy it into a fresh directory in the container,
 * archive that directory (which Zun does right), then remove it. */
static int
archive_staged(struct zun *z, const char *ref, const char *src, double stall_s, berth_sink sink,
	       void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	char *const stage[] = { "sh", "-c",
		"d=/tmp/.berth-cp.$$ && mkdir -p \"$d\" && cp -pP \"$1\" \"$d/\" && echo \"$d\"",
		"sh", (char *)src, NULL };
	struct buf out = { 0 };
	int code;
	bool missing;
	if (zun_exec_collect(z, ref, stage, &out, &code, &missing, cancel, err) < 0) {
		buf_free(&out);
		return -1;
	}
	if (code == -1 && !missing) {
		buf_free(&out);
		return exec_timed_out(z, "copy", ref, src, err);
	}
	if (code != 0 || missing) {
		int rc = berth_fail(err, BERTH_ENOTFOUND, "cannot copy %s:%s from %s: %s", ref, src,
				    z->ep_name, missing ? "the container has no sh or cp"
							: "no such file or directory");
		buf_free(&out);
		return rc;
	}
	while (out.len && (out.data[out.len - 1] == '\n' || out.data[out.len - 1] == '\r'))
		out.data[--out.len] = '\0';
	char *dir = buf_steal(&out);
	struct buf tar = { 0 };
	int rc = archive_fetch(z, ref, dir, stall_s, &tar, cancel, err);
	if (rc == 0)
		rc = tar_emit(z, &tar, true, NULL, sink, ctx, err);
	buf_free(&tar);
	char *const cleanup[] = { "rm", "-rf", dir, NULL };
	struct berth_error e;
	zun_exec_collect(z, ref, cleanup, &out, &code, &missing, NULL, &e);
	buf_free(&out);
	free(dir);
	return rc;
}

int
zun_archive_get(struct backend *b, const char *ref, const char *ctr_src, berth_sink sink,
		void *ctx, berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	struct json_object *doc = NULL;
	double stall_s;
	if (berth_stall_timeout(b->ep, &stall_s, err) < 0 || zun_fetch(z, ref, &doc, cancel, err) < 0)
		return -1;
	char *workdir = xstrdup(model_str(doc, "workdir"));
	json_object_put(doc);
	struct buf tar = { 0 };
	int rc = archive_fetch(z, ref, ctr_src, stall_s, &tar, cancel, err);
	bool dir_form = false;
	size_t count = 0;
	char *first = NULL;
	if (rc == 0 && tar_scan(&tar, &dir_form, &count, &first) < 0)
		tar.len = 0, count = 0;	/* the quirk's invalid tar: stage the file instead */
	char *base = base_name(ctr_src), *parent = dir_name(ctr_src);
	if (rc == 0 && dir_form)
		rc = tar_emit(z, &tar, true, strcmp(base, "/") == 0 ? "." : base, sink, ctx, err);
	else if (rc == 0 && count == 1 && workdir && strcmp(workdir, parent) == 0 &&
		 strcmp(first, base) == 0)
		rc = tar_emit(z, &tar, false, NULL, sink, ctx, err);
	else if (rc == 0)
		rc = archive_staged(z, ref, ctr_src, stall_s, sink, ctx, cancel, err);
	free(first);
	free(base);
	free(parent);
	free(workdir);
	buf_free(&tar);
	return rc;
}

int
zun_archive_stat(struct backend *b, const char *ref, const char *path,
		 struct archive_stat *st, berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	memset(st, 0, sizeof *st);
	char *const argv[] = { "sh", "-c",
		"p=$1; if [ -L \"$p\" ]; then echo l; readlink \"$p\"; elif [ -d \"$p\" ]; then "
		"echo d; elif [ -e \"$p\" ]; then echo f; else echo n; exit 0; fi; "
		"stat -c '%s %a' \"$p\" 2>/dev/null || echo '0 644'",
		"sh", (char *)path, NULL };
	struct buf out = { 0 };
	int code;
	bool missing;
	if (zun_exec_collect(z, ref, argv, &out, &code, &missing, cancel, err) < 0) {
		buf_free(&out);
		if (err && err->code == BERTH_ECONFLICT) {
			char why[sizeof err->message];
			snprintf(why, sizeof why, "%s", err->message);
			berth_fail(err, BERTH_ECONFLICT,
				   "cannot copy files with %s on %s: Zun copies files only while the "
				   "container runs (%s)", ref, z->ep_name, why);
		}
		return -1;
	}
	int rc = 0;
	char *save = NULL;
	char *type = out.data ? strtok_r(out.data, "\n", &save) : NULL;
	if (code == -1 && !missing) {
		rc = exec_timed_out(z, "look at", ref, path, err);
	} else if (code != 0 || !type) {
		rc = berth_fail(err, BERTH_EUNSUPPORTED,
				"cannot look at %s:%s on %s: copying files needs sh and stat in the "
				"container", ref, path, z->ep_name);
	} else if (strcmp(type, "n") != 0) {
		st->exists = true;
		st->is_dir = strcmp(type, "d") == 0;
		st->is_link = strcmp(type, "l") == 0;
		if (st->is_link) {
			const char *target = strtok_r(NULL, "\n", &save);
			snprintf(st->link_target, sizeof st->link_target, "%s", target ? target : "");
		}
		const char *line = strtok_r(NULL, "\n", &save);
		unsigned long long size = 0;
		unsigned mode = 0644;
		if (line)
			sscanf(line, "%llu %o", &size, &mode);
		st->size = size;
		st->mode = mode;
	}
	buf_free(&out);
	return rc;
}

int
zun_archive_put(struct backend *b, const char *ref, const char *ctr_dir,
		struct tar_reader *rd, berth_cancel *cancel, struct berth_error *err)
{
	struct zun *z = zun_of(b);
	double stall_s;
	if (berth_stall_timeout(b->ep, &stall_s, err) < 0)
		return -1;
	struct buf tar = { 0 };
	char chunk[65536];
	for (;;) {
		if (berth_cancel_is_set(cancel)) {
			buf_free(&tar);
			return berth_fail(err, BERTH_ECANCELLED, "cancelled");
		}
		ssize_t n = rd->read(rd, chunk, sizeof chunk);
		if (n < 0) {
			buf_free(&tar);
			if (err && rd->err && rd->err != err)
				*err = *rd->err;
			return -1;
		}
		if (n == 0)
			break;
		buf_append(&tar, chunk, (size_t)n);
	}
	char *data = base64_encode(tar.data, tar.len);
	buf_free(&tar);
	struct json_object *root = json_object_new_object();
	json_object_object_add(root, "data", json_object_new_string(data));
	free(data);
	char *body = xstrdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	char *esc = http_escape(ctr_dir);
	char *suffix = xasprintf("/put_archive?path=%s", esc);
	free(esc);
	struct http_response resp;
	int rc = zun_transfer(z, "POST", ref, suffix, body, stall_s, cancel, &resp, err);
	free(suffix);
	free(body);
	if (rc < 0)
		return -1;
	if (resp.status != 200 && resp.status != 204)
		rc = zun_fail(z, &resp, "copy files into", ref, err);
	http_response_done(&resp);
	return rc;
}
