/* net.c: network access to a container (conu's is_port_open, open_connection
 * and http_request).
 *
 * Which address reaches a container port, in order: a Zun floating IP; the
 * container's first IPv4 when the engine runs on this machine (docker0 is
 * reachable from here); the port as published on the engine's host (127.0.0.1
 * for a local engine, the host of a tcp:// or ssh:// endpoint otherwise),
 * which is also how rootless Podman containers, that have no address of their
 * own, are reached; and last the first IPv4 anyway, in case it is routable.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "backend.h"
#include "util.h"

#define DEFAULT_HTTP_TIMEOUT 30.0
#define DEFAULT_CONNECT_TIMEOUT 5.0

static const char *
ctr_name(const struct berth_container *c)
{
	return c->name ? c->name : c->id ? c->id : "?";
}

/* The container port meant by port: itself, or the only one the container exposes. */
static int
only_port(const struct berth_container *c, int port, struct berth_error *err)
{
	if (port > 0)
		return port;
	int only = 0;
	for (size_t i = 0; i < c->nports; i++) {
		int p = c->ports[i].container_port;
		if (p <= 0 || p == only)
			continue;
		if (only)
			return berth_fail(err, BERTH_EUSAGE,
					  "the container %s exposes several ports (%d and %d at least); say which one",
					  ctr_name(c), only, p);
		only = p;
	}
	if (!only)
		return berth_fail(err, BERTH_EUSAGE, "the container %s exposes no port; say which one",
				  ctr_name(c));
	return only;
}

/* The host of a tcp:// or ssh:// endpoint into host; false for other endpoints. */
static bool
engine_host(const berth_endpoint *ep, char *host, size_t hostlen)
{
	host[0] = '\0';
	if (!ep || !ep->spec ||
	    !(str_starts_with(ep->spec, "tcp://") || str_starts_with(ep->spec, "ssh://")))
		return false;
	CURLU *u = curl_url();
	char *h = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, ep->spec, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		size_t n = strlen(h);
		if (n >= 2 && h[0] == '[' && h[n - 1] == ']')	/* an IPv6 literal */
			snprintf(host, hostlen, "%.*s", (int)(n - 2), h + 1);
		else
			snprintf(host, hostlen, "%s", h);
	}
	curl_free(h);
	curl_url_cleanup(u);
	return host[0] != '\0';
}

static bool
is_loopback(const char *host)
{
	return !strcmp(host, "localhost") || !strcmp(host, "::1") || str_starts_with(host, "127.");
}

static bool
is_wildcard(const char *ip)
{
	return !ip[0] || !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::");
}

static int
set_address(char *host, size_t hostlen, int *host_port, const char *h, int p)
{
	snprintf(host, hostlen, "%s", h);
	*host_port = p;
	return 0;
}

/* Where to connect for the container's port (see the top of the file). ep NULL
 * means an engine on this machine. */
static int
net_resolve(const berth_endpoint *ep, const struct berth_container *c, int port, char *host,
	    size_t hostlen, int *host_port, struct berth_error *err)
{
	if (!c)
		return berth_fail(err, BERTH_EUSAGE, "no container was given");
	int cport = only_port(c, port, err);
	if (cport < 0)
		return -1;
	char ehost[256];
	bool has_host = engine_host(ep, ehost, sizeof ehost);
	bool remote = ep && (ep->kind == BERTH_KIND_ZUN || (has_host && !is_loopback(ehost)));
	if (c->floating_ip && c->floating_ip[0])
		return set_address(host, hostlen, host_port, c->floating_ip, cport);
	if (!remote && c->nipv4)
		return set_address(host, hostlen, host_port, c->ipv4[0], cport);
	for (size_t i = 0; i < c->nports; i++) {
		const struct berth_port *p = &c->ports[i];
		if (p->container_port != cport || p->host_port <= 0 || strcmp(p->proto, "tcp"))
			continue;
		if (!is_wildcard(p->host_ip))
			return set_address(host, hostlen, host_port, p->host_ip, p->host_port);
		if (!remote || has_host)
			return set_address(host, hostlen, host_port, remote ? ehost : "127.0.0.1",
					   p->host_port);
	}
	if (c->nipv4)
		return set_address(host, hostlen, host_port, c->ipv4[0], cport);
	return berth_fail(err, BERTH_ENOTFOUND,
			  "the container %s has no address and its port %d is not published",
			  ctr_name(c), cport);
}

int
berth_resolve_port(const struct berth_container *c, int port, char *host, size_t hostlen,
		   int *host_port, struct berth_error *err)
{
	return net_resolve(NULL, c, port, host, hostlen, host_port, err);
}

/* Where people outside reach a port: the floating IP, or the port as published
 * on the engine's host (never the container's own address, local to that host). */
char *
berth_published_url(const berth_endpoint *ep, const struct berth_container *c, int port,
		    struct berth_error *err)
{
	int cport = c ? only_port(c, port, err) : berth_fail(err, BERTH_EUSAGE, "no container was given");
	if (cport < 0)
		return NULL;
	char ehost[256];
	bool has_host = engine_host(ep, ehost, sizeof ehost);
	const char *host = NULL;
	int hport = cport;
	if (c->floating_ip && c->floating_ip[0])
		host = c->floating_ip;
	for (size_t i = 0; !host && i < c->nports; i++) {
		const struct berth_port *p = &c->ports[i];
		if (p->container_port != cport || p->host_port <= 0 || strcmp(p->proto, "tcp"))
			continue;
		hport = p->host_port;
		host = !is_wildcard(p->host_ip) ? p->host_ip : has_host ? ehost
			: ep && ep->kind == BERTH_KIND_ZUN ? NULL : "127.0.0.1";
	}
	if (!host) {
		berth_fail(err, BERTH_ENOTFOUND,
			   "the port %d of %s is not published (and it has no floating IP)", cport, ctr_name(c));
		return NULL;
	}
	bool v6 = strchr(host, ':') != NULL;
	return xasprintf("http://%s%s%s:%d/", v6 ? "[" : "", host, v6 ? "]" : "", hport);
}

/* Connect fd to ai within the deadline; 0, or -1 with errno set (ECANCELED when
 * cancel is set, seen within a tenth of a second). */
static int
connect_until(int fd, const struct addrinfo *ai, double deadline, berth_cancel *cancel)
{
	if (berth_cancel_is_set(cancel)) {
		errno = ECANCELED;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	for (;;) {
		double left = deadline - now_monotonic();
		if (berth_cancel_is_set(cancel)) {
			errno = ECANCELED;
			return -1;
		}
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int r = poll(&pfd, 1, left > 0.1 ? 100 : (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		int soerr = 0;
		socklen_t len = sizeof soerr;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			return -1;
		errno = soerr;
		return soerr ? -1 : 0;
	}
}

/* A blocking TCP socket connected to host:port within timeout_s. -1 with err when
 * the name does not resolve; -2 with err when no connection opened. */
static int
tcp_connect(const char *host, int port, double timeout_s, int *fd, berth_cancel *cancel,
	    struct berth_error *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res;
	char service[16];
	snprintf(service, sizeof service, "%d", port);
	int gai = getaddrinfo(host, service, &hints, &res);
	if (gai)
		return berth_fail(err, BERTH_ECONNECT, "cannot resolve %s: %s", host, gai_strerror(gai));
	double deadline = now_monotonic() + timeout_s;
	int e = ETIMEDOUT;
	*fd = -1;
	for (struct addrinfo *ai = res; ai && *fd < 0 && e != ECANCELED; ai = ai->ai_next) {
		int s = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s < 0 || connect_until(s, ai, deadline, cancel) < 0) {
			e = errno;
			if (s >= 0)
				close(s);
			continue;
		}
		fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);
		*fd = s;
	}
	freeaddrinfo(res);
	if (*fd >= 0)
		return 0;
	if (e == ECANCELED)
		return berth_fail(err, BERTH_ECANCELLED, "cancelled");
	berth_fail(err, e == ETIMEDOUT ? BERTH_ETIMEOUT : BERTH_ECONNECT,
		   "cannot connect to %s port %d: %s", host, port,
		   e == ETIMEDOUT ? "no answer in time" : strerror(e));
	return -2;
}

int
berth_port_open(berth_endpoint *ep, const struct berth_container *c, int port,
		double timeout_s, berth_cancel *cancel, struct berth_error *err)
{
	char host[256];
	int hport, fd;
	if (net_resolve(ep, c, port, host, sizeof host, &hport, err) < 0)
		return -1;
	int rc = tcp_connect(host, hport, timeout_s > 0 ? timeout_s : 2, &fd, cancel, err);
	if (rc == -1)
		return -1;
	if (rc == 0)
		close(fd);
	return rc == 0 ? 1 : 0;
}

static double
connect_timeout(const berth_endpoint *ep)
{
	return ep && ep->opts.connect_timeout > 0 ? ep->opts.connect_timeout
						   : DEFAULT_CONNECT_TIMEOUT;
}

int
berth_open_connection(berth_endpoint *ep, const struct berth_container *c, int port, int *fd,
		      berth_cancel *cancel, struct berth_error *err)
{
	char host[256];
	int hport;
	*fd = -1;
	if (net_resolve(ep, c, port, host, sizeof host, &hport, err) < 0)
		return -1;
	return tcp_connect(host, hport, connect_timeout(ep), fd, cancel, err) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* HTTP to a container. */

struct http_call {
	berth_sink sink;
	void *ctx;
	berth_cancel *cancel;
	bool stopped, cancelled;
	bool redirect;		/* the reply is a 3xx with a Location: its body is dropped */
	long status;		/* of the reply being read */
};

static size_t
on_header(char *line, size_t size, size_t n, void *p)
{
	struct http_call *h = p;
	size_t len = size * n;
	if (len > 5 && !strncmp(line, "HTTP/", 5)) {
		const char *sp = memchr(line, ' ', len);
		h->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		h->redirect = false;
	} else if (len > 9 && !strncasecmp(line, "location:", 9)) {
		h->redirect = h->status >= 300 && h->status < 400;
	}
	return len;
}

static size_t
on_body(char *data, size_t size, size_t n, void *p)
{
	struct http_call *h = p;
	if (h->redirect)
		return size * n;
	if (h->sink && h->sink(h->ctx, BERTH_STDOUT, data, size * n)) {
		h->stopped = true;
		return 0;
	}
	return size * n;
}

static int
on_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct http_call *h = p;
	h->cancelled = berth_cancel_is_set(h->cancel);
	return h->cancelled;
}

/* Method and body of the request. */
static void
setup_request(CURL *e, const struct berth_http_opts *o, struct curl_slist **hdrs)
{
	const char *m = o->method ? o->method : "GET";
	*hdrs = curl_slist_append(*hdrs, "Expect:");
	if (o->data) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(o->data));
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, o->data);
		if (o->json)
			*hdrs = curl_slist_append(*hdrs, "Content-Type: application/json");
	}
	if (!strcasecmp(m, "HEAD"))
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcasecmp(m, o->data ? "POST" : "GET"))
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, *hdrs);
}

/* One sentence for a failed transfer to url. */
static int
http_error(CURL *e, CURLcode rc, const char *url, const char *errbuf, double timeout_s,
	   struct berth_error *err)
{
	long os_errno = 0;
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
		return berth_fail(err, BERTH_ECONNECT, "cannot connect to %s: %s", url,
				  os_errno ? strerror((int)os_errno) : curl_easy_strerror(rc));
	case CURLE_COULDNT_RESOLVE_HOST:
		return berth_fail(err, BERTH_ECONNECT, "cannot connect to %s: the host name does not resolve",
				  url);
	case CURLE_OPERATION_TIMEDOUT:
		return berth_fail(err, BERTH_ETIMEOUT, "%s did not answer within %g s", url, timeout_s);
	default:
		return berth_fail(err, BERTH_EIO, "the request to %s failed: %s", url,
				  errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
}

/* The address and port of the request: the caller's host, or the container's. */
static int
http_target(berth_endpoint *ep, const struct berth_container *c, const struct berth_http_opts *o,
	    char *host, size_t hostlen, int *hport, struct berth_error *err)
{
	int port = o->port;
	if (!c && (!o->host || port <= 0))
		return berth_fail(err, BERTH_EUSAGE, "no container was given");
	if (port <= 0) {	/* conu's get_ports()[0] */
		if (!c->nports)
			return berth_fail(err, BERTH_EUSAGE,
					  "the container %s exposes no port; say which one", ctr_name(c));
		port = c->ports[0].container_port;
	}
	if (o->host)
		return set_address(host, hostlen, hport, o->host, port);
	return net_resolve(ep, c, port, host, hostlen, hport, err);
}

/* Redirects followed at most, as browsers and conu's client (requests) do. */
#define MAX_REDIRECTS 5

/* Whether two URLs have the same scheme, host and port. */
static bool
same_origin(const char *a, const char *b)
{
	static const CURLUPart parts[] = { CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT };
	CURLU *ua = curl_url(), *ub = curl_url();
	bool same = ua && ub && curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
		    curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK;
	for (size_t i = 0; same && i < sizeof parts / sizeof parts[0]; i++) {
		char *va = NULL, *vb = NULL;
		same = curl_url_get(ua, parts[i], &va, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		       curl_url_get(ub, parts[i], &vb, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		       !strcasecmp(va, vb);
		curl_free(va);
		curl_free(vb);
	}
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

/* One exchange with url; *status gets its status, *next (caller frees) the URL
 * a redirect points to, or NULL. */
static int
http_once(berth_endpoint *ep, const char *url, const struct berth_http_opts *o, double timeout_s,
	  struct http_call *h, long *status, char **next, struct berth_error *err)
{
	CURL *e = curl_easy_init();
	*next = NULL;
	if (!e)
		return berth_fail(err, BERTH_EIO, "cannot set up an HTTP transfer (libcurl failed)");
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");	/* a container is reached directly */
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(connect_timeout(ep) * 1000));
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(timeout_s * 1000));
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, h);
	setup_request(e, o, &hdrs);
	CURLcode rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
	char *location = NULL;
	if (h->redirect && curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &location) == CURLE_OK &&
	    location)
		*next = xstrdup(location);
	int ret = 0;
	if (h->cancelled)
		ret = berth_fail(err, BERTH_ECANCELLED, "cancelled");
	else if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && h->stopped))
		ret = http_error(e, rc, url, errbuf, timeout_s, err);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(e);
	return ret;
}

int
berth_http_request(berth_endpoint *ep, const struct berth_container *c,
		   const struct berth_http_opts *o, berth_sink sink, void *ctx,
		   long *status, berth_cancel *cancel, struct berth_error *err)
{
	char host[256];
	int hport;
	*status = 0;
	if (http_target(ep, c, o, host, sizeof host, &hport, err) < 0)
		return -1;
	const char *path = o->path ? o->path : "/";
	char *url = xasprintf(strchr(host, ':') ? "http://[%s]:%d%s%s" : "http://%s:%d%s%s", host,
			      hport, path[0] == '/' ? "" : "/", path);
	double timeout_s = o->timeout_s > 0 ? o->timeout_s : DEFAULT_HTTP_TIMEOUT;
	struct berth_http_opts now = *o;
	struct http_call h = { .sink = sink, .ctx = ctx, .cancel = cancel };
	char *next = NULL;
	int ret, hops = 0;
	/* Redirects are followed within the container (its address and port) only. */
	while ((ret = http_once(ep, url, &now, timeout_s, &h, status, &next, err)) == 0 && next) {
		if (!same_origin(url, next)) {
			ret = berth_fail(err, BERTH_EFAILED, "%s redirects to %s, outside the container; "
					 "berth follows redirects within the container only", url, next);
			break;
		}
		if (++hops > MAX_REDIRECTS) {
			ret = berth_fail(err, BERTH_EFAILED, "%s redirected more than %d times; berth "
					 "gave up there", url, MAX_REDIRECTS);
			break;
		}
		/* 301, 302 and 303 turn the request into a GET without a body, as browsers do. */
		if (*status != 307 && *status != 308 && !(now.method && !strcasecmp(now.method, "HEAD"))) {
			now.method = NULL;
			now.data = NULL;
		}
		free(url);
		url = next;
		next = NULL;
	}
	free(next);
	free(url);
	return ret;
}
