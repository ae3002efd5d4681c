/* fakehttp.c: the HTTP transport of http.h answered from memory (see fuzz.h):
 * http_perform and http_hijack (the rest of http.h is src/http-msg.c's), the
 * stream loop's entry points (no fuzzed call opens a stream: the loop is
 * refused), and the sink and calls the backend targets share. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"
#include "streams.h"
#include "util.h"

static const struct fake_reply *fake_canned;
static size_t fake_ncanned;
static long fake_status;
static const uint8_t *fake_data;
static size_t fake_len, fake_chunk;
static unsigned fake_fuzzed, fake_budget;

void
fake_http_set(const struct fake_reply *canned, size_t ncanned, long status,
	      const uint8_t *data, size_t len, size_t chunk)
{
	fake_canned = canned;
	fake_ncanned = ncanned;
	fake_status = status;
	fake_data = data;
	fake_len = len;
	fake_chunk = chunk ? chunk : 1;
	fake_fuzzed = 0;
	fake_budget = 0;
}

void
fake_http_budget(unsigned n)
{
	fake_budget = n;
}

int
fuzz_null_sink(void *ctx, enum berth_stream s, const char *buf, size_t len)
{
	return 0;
}

void
fuzz_list_or_inspect(berth_endpoint *ep, bool list, struct berth_error *err)
{
	struct berth_container **all = NULL, *c = NULL;
	size_t n = 0;
	if (list && berth_list(ep, true, &all, &n, NULL, err) == 0)
		berth_container_list_free(all, n);
	else if (!list && berth_inspect(ep, "web", true, &c, NULL, err) == 0)
		berth_container_free(c);
}

unsigned
fake_http_fuzzed(void)
{
	return fake_fuzzed;
}

/* Hand body to the sink in pieces, as libcurl would. */
static int
fake_deliver(struct http_request *rq, struct http_response *resp, const char *body, size_t len)
{
	for (size_t off = 0; off < len; off += fake_chunk) {
		if (berth_cancel_is_set(rq->cancel))
			return -1;
		size_t n = len - off < fake_chunk ? len - off : fake_chunk;
		if (rq->sink(rq->sink_ctx, BERTH_STDOUT, body + off, n) != 0) {
			resp->sink_stopped = true;
			break;
		}
	}
	return 0;
}

int
http_perform(const struct http_target *t, struct http_request *rq, struct http_response *resp,
	     struct berth_error *err)
{
	memset(resp, 0, sizeof *resp);
	char *url = xasprintf("%s%s", t->base_url ? t->base_url : "", rq->path ? rq->path : "");
	const struct fake_reply *r = NULL;
	for (size_t i = 0; i < fake_ncanned && !r; i++)
		if (strstr(url, fake_canned[i].needle))
			r = &fake_canned[i];
	free(url);
	static const struct fake_reply gone = { "", 404, NULL, "{\"message\":\"no such thing\"}" };
	if (!r && fake_budget && fake_fuzzed >= fake_budget)
		r = &gone;
	const char *body = r ? r->body : (const char *)fake_data;
	size_t len = r ? strlen(r->body) : fake_len;
	resp->status = r ? r->status : fake_status;
	if (!r)
		fake_fuzzed++;
	/* A fuzzed reply carries the headers Keystone and Docker would send. */
	const char *fuzzed_headers[] = { "X-Subject-Token: gAAAAAfuzz", "Api-Version: 1.41" };
	const char *one[] = { r && r->header ? r->header : NULL };
	const char **hdrs = r ? one : fuzzed_headers;
	size_t nh = r ? (r->header != NULL) : 2;
	resp->headers = xcalloc(2, sizeof *resp->headers);
	for (size_t i = 0; i < nh; i++) {
		const char *colon = strchr(hdrs[i], ':');
		resp->headers[i].name = xstrndup(hdrs[i], (size_t)(colon - hdrs[i]));
		resp->headers[i].value = xstrdup(colon + 2);
	}
	resp->nheaders = nh;
	if (rq->on_headers && rq->on_headers(rq->headers_ctx, resp->status, resp) != 0) {
		http_response_done(resp);
		return berth_fail(err, BERTH_ECANCELLED, "%s: the reply was refused", t->what);
	}
	size_t max = rq->max_body ? rq->max_body : 64 << 20;
	if (rq->sink && resp->status >= 200 && resp->status < 300) {
		if (fake_deliver(rq, resp, body, len) < 0) {
			http_response_done(resp);
			return berth_fail(err, BERTH_ECANCELLED, "%s: cancelled", t->what);
		}
		return 0;
	}
	if (len > max) {
		http_response_done(resp);
		return berth_fail(err, BERTH_EPROTOCOL, "%s sent a reply larger than %zu bytes",
				  t->what, max);
	}
	resp->body = xmalloc(len + 1);
	memcpy(resp->body, body, len);
	resp->body[len] = '\0';
	resp->body_len = len;
	return 0;
}

int
http_hijack(const struct http_target *t, const char *method, const char *path,
	    const char *json_body, int *fd, long *status, struct berth_error *err)
{
	return berth_fail(err, BERTH_EUNSUPPORTED, "%s: no hijacked connections when fuzzing", t->what);
}

struct stream_loop *
stream_loop_shared(struct berth_error *err)
{
	berth_fail(err, BERTH_EUNSUPPORTED, "the fuzzers have no stream loop");
	return NULL;
}

struct berth_follow *
stream_open(struct stream_loop *l, const struct http_target *t, const struct http_request *rq,
	    stream_end_fn end, void *ctx, struct berth_error *err)
{
	(void)l, (void)t, (void)rq, (void)end, (void)ctx;
	berth_fail(err, BERTH_EUNSUPPORTED, "the fuzzers have no stream loop");
	return NULL;
}

void
stream_close(struct berth_follow *s)
{
	(void)s;
}

void
stream_resume(struct berth_follow *s)
{
	(void)s;
}
