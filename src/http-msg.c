/* http-msg.c: the parts of http.h that touch no connection: replies, header
 * lookup, escaping, writing a whole buffer. The fuzz targets' in-memory
 * transport (tests/fuzz/fakehttp.c) links these instead of copying them. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"
#include "util.h"

void
http_response_clear_headers(struct http_response *resp)
{
	for (size_t i = 0; i < resp->nheaders; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	free(resp->headers);
	resp->headers = NULL;
	resp->nheaders = 0;
}

void
http_response_done(struct http_response *resp)
{
	if (!resp)
		return;
	http_response_clear_headers(resp);
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
}

const char *
http_header(const struct http_response *resp, const char *name)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

char *
http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = { 0 };
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p)) {
			buf_append(&b, p, 1);
		} else {
			char enc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_append(&b, enc, 3);
		}
	}
	return buf_steal(&b);
}

int
http_send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	bool socket = true;
	while (n) {
		ssize_t w = socket ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
		if (w < 0 && socket && errno == ENOTSOCK) {
			socket = false;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
