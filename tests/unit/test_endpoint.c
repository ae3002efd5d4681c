/* test_endpoint.c: endpoint specs, config-file endpoints, Docker contexts and the
 * default resolution (environment, a temporary DOCKER_CONFIG with a context
 * store). Opening never touches the network, so no engine is needed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "tap.h"

static char tmpdir[] = "/tmp/berth-test-endpoint-XXXXXX";
static char conffile[600];

static void
write_file(const char *rel, const char *text)
{
	char path[800];
	snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
	for (char *p = path + strlen(tmpdir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

static void
clear_env(void)
{
	static const char *const vars[] = {
		"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_CERT_PATH",
		"BERTH_CONFIG", NULL,
	};
	for (int i = 0; vars[i]; i++)
		unsetenv(vars[i]);
}

static berth_endpoint *
open_ok(const char *spec, const char *what)
{
	struct berth_options o = { .config_file = conffile };
	struct berth_error err = { 0 };
	berth_endpoint *ep = NULL;
	ok(berth_endpoint_open(spec, &o, &ep, &err) == 0, "%s opens (%s)", what, err.message);
	return ep;
}

static void
expect(const char *spec, const char *name, const char *nspec, const char *address,
       enum berth_kind kind)
{
	berth_endpoint *ep = open_ok(spec, spec);
	if (!ep) {
		ok(0, "%s: nothing to check", spec);
		return;
	}
	is_str(berth_endpoint_name(ep), name, "%s: name", spec);
	is_str(ep->spec, nspec, "%s: normalized spec", spec);
	is_str(berth_endpoint_address(ep), address, "%s: address", spec);
	is_int(berth_endpoint_kind(ep), kind, "%s: kind", spec);
	berth_endpoint_free(ep);
}

static void
expect_error(const char *spec, int code, const char *what)
{
	struct berth_options o = { .config_file = conffile };
	struct berth_error err = { 0 };
	berth_endpoint *ep = NULL;
	ok(berth_endpoint_open(spec, &o, &ep, &err) == -1 && ep == NULL, "%s is refused", spec);
	is_int(err.code, code, "%s: error code", spec);
	ok(strstr(err.message, what) != NULL, "%s: '%s' says '%s'", spec, err.message, what);
}

static void
test_specs(void)
{
	expect("unix:///run/x.sock", "unix:///run/x.sock", "unix:///run/x.sock", "/run/x.sock",
	       BERTH_KIND_DOCKER);
	expect("unix://", "unix://", "unix:///var/run/docker.sock", "/var/run/docker.sock",
	       BERTH_KIND_DOCKER);
	expect("tcp://10.1.2.3:2375", "tcp://10.1.2.3:2375", "tcp://10.1.2.3:2375", "10.1.2.3:2375",
	       BERTH_KIND_DOCKER);
	expect("tcp://example.org", "tcp://example.org", "tcp://example.org:2375", "example.org:2375",
	       BERTH_KIND_DOCKER);
	expect("tcp://example.org:4243/", "tcp://example.org:4243/", "tcp://example.org:4243",
	       "example.org:4243", BERTH_KIND_DOCKER);
	expect("tcp://[::1]:2375", "tcp://[::1]:2375", "tcp://[::1]:2375", "[::1]:2375",
	       BERTH_KIND_DOCKER);
	expect("127.0.0.1:2375", "127.0.0.1:2375", "tcp://127.0.0.1:2375", "127.0.0.1:2375",
	       BERTH_KIND_DOCKER);
	expect("zun", "zun", "zun", "zun", BERTH_KIND_ZUN);
	expect("zun:chameleon", "zun:chameleon", "zun:chameleon", "zun:chameleon", BERTH_KIND_ZUN);

	expect("ssh://me@host:2222", "ssh://me@host:2222", "ssh://me@host:2222", "me@host:2222",
	       BERTH_KIND_DOCKER);
	expect_error("ssh://", BERTH_EUSAGE, "ssh://[USER@]HOST[:PORT]");
	expect_error("unix://run/x.sock", BERTH_EUSAGE, "ABSOLUTE");
	expect_error("tcp://host:99999", BERTH_EUSAGE, "bad port");
	expect_error("tcp://host:http", BERTH_EUSAGE, "bad port");
	expect_error("tcp://", BERTH_EUSAGE, "tcp://HOST:PORT");
	expect_error("tcp://:2375", BERTH_EUSAGE, "host is missing");
	expect_error("ftp://host", BERTH_EUSAGE, "unknown kind of endpoint");
	expect_error("zun:", BERTH_EUSAGE, "zun:CLOUD");
	expect_error("", BERTH_EUSAGE, "empty");
	expect_error("nosuchthing", BERTH_ENOTFOUND, "unknown endpoint nosuchthing");
}

static void
test_tls_env(void)
{
	setenv("DOCKER_TLS_VERIFY", "1", 1);
	char certs[700];
	snprintf(certs, sizeof certs, "%s/certs", tmpdir);
	write_file("certs/ca.pem", "ca");
	write_file("certs/cert.pem", "cert");
	setenv("DOCKER_CERT_PATH", certs, 1);
	berth_endpoint *ep = open_ok("tcp://example.org", "tcp with DOCKER_TLS_VERIFY");
	if (ep) {
		is_str(berth_endpoint_address(ep), "example.org:2376", "TLS: default port 2376");
		is_str(berth_config_endpoint_opt(ep->conf, "tls"), "yes", "TLS: tls = yes");
		is_str(berth_config_endpoint_opt(ep->conf, "tls_verify"), "yes", "TLS: verify");
		char want[800];
		snprintf(want, sizeof want, "%s/ca.pem", certs);
		is_str(berth_config_endpoint_opt(ep->conf, "tls_ca"), want, "TLS: ca from DOCKER_CERT_PATH");
		ok(berth_config_endpoint_opt(ep->conf, "tls_key") == NULL, "TLS: missing key.pem left out");
		berth_endpoint_free(ep);
	}
	unsetenv("DOCKER_TLS_VERIFY");
	setenv("DOCKER_TLS", "1", 1);
	ep = open_ok("tcp://example.org:2376", "tcp with DOCKER_TLS");
	if (ep) {
		is_str(berth_config_endpoint_opt(ep->conf, "tls_verify"), "no",
		       "DOCKER_TLS alone: TLS without verification");
		berth_endpoint_free(ep);
	}
	unsetenv("DOCKER_TLS");
	unsetenv("DOCKER_CERT_PATH");
	ep = open_ok("tcp://example.org:2375", "tcp without TLS variables");
	if (ep) {
		ok(berth_config_endpoint_opt(ep->conf, "tls") == NULL, "no TLS without the variables");
		berth_endpoint_free(ep);
	}
}

static void
test_config_endpoints(void)
{
	berth_endpoint *ep = open_ok("edge", "a config-file endpoint");
	if (ep) {
		is_str(berth_endpoint_name(ep), "edge", "config endpoint: name is the section");
		is_str(ep->spec, "zun:chi", "config endpoint: its host");
		is_int(berth_endpoint_kind(ep), BERTH_KIND_ZUN, "config endpoint: kind");
		ok(ep->conf != NULL, "config endpoint: conf attached");
		is_str(berth_config_endpoint_opt(ep->conf, "region_name"), "CHI@Edge",
		       "config endpoint: its options");
		ok(ep->opts.connect_timeout == 7, "per-endpoint connect_timeout wins");
		berth_endpoint_free(ep);
	}
	ep = open_ok("lab", "a config-file endpoint with a bare host:port");
	if (ep) {
		is_str(ep->spec, "tcp://10.0.0.9:2375", "config host:port becomes tcp://");
		ok(ep->opts.connect_timeout == 2, "[general] connect_timeout applies");
		berth_endpoint_free(ep);
	}
	struct berth_options o = { .config_file = conffile, .connect_timeout = 1.5 };
	struct berth_error err = { 0 };
	if (berth_endpoint_open("lab", &o, &ep, &err) == 0) {
		ok(ep->opts.connect_timeout == 1.5, "an explicit connect_timeout wins");
		ok(ep->opts.request_timeout == 60, "request timeout defaults to 60 s");
		berth_endpoint_free(ep);
	}
	expect_error("broken", BERTH_EUSAGE, "endpoint broken");
}

static void
test_contexts(void)
{
	char dcfg[700];
	snprintf(dcfg, sizeof dcfg, "%s/docker", tmpdir);
	setenv("DOCKER_CONFIG", dcfg, 1);
	write_file("docker/contexts/meta/"
		   "b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a/meta.json",
		   "{\"Name\":\"remote\",\"Metadata\":{\"Description\":\"my remote cluster\"},"
		   "\"Endpoints\":{\"docker\":{\"Host\":\"tcp://10.9.8.7:2376\",\"SkipTLSVerify\":false}}}");
	write_file("docker/contexts/tls/"
		   "b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a/docker/ca.pem", "ca");
	write_file("docker/contexts/meta/"
		   "71614c1fecf740cb7c15fc358b0458ce7ab245624a47b58c430fc3334c3d64f2/meta.json",
		   "{\"Name\":\"sock\",\"Endpoints\":{\"docker\":{\"Host\":\"unix:///tmp/other.sock\"}}}");
	write_file("docker/contexts/meta/0000/meta.json", "{\"Name\":\"empty\",\"Endpoints\":{}}");
	write_file("docker/contexts/meta/1111/meta.json", "not json");
	write_file("docker/contexts/meta/2222/meta.json", "{\"Name\":null}");
	write_file("docker/contexts/meta/3333/meta.json",
		   "{\"Name\":\"nullhost\",\"Endpoints\":{\"docker\":{\"Host\":null}}}");

	berth_endpoint *ep = open_ok("remote", "a Docker context");
	if (ep) {
		is_str(berth_endpoint_name(ep), "remote", "context: name");
		is_str(ep->spec, "tcp://10.9.8.7:2376", "context: its Docker host");
		is_str(berth_config_endpoint_opt(ep->conf, "tls"), "yes", "context: TLS store found");
		is_str(berth_config_endpoint_opt(ep->conf, "tls_verify"), "yes", "context: verify");
		char want[900];
		snprintf(want, sizeof want, "%s/contexts/tls/"
			 "b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a/docker/ca.pem",
			 dcfg);
		is_str(berth_config_endpoint_opt(ep->conf, "tls_ca"), want, "context: ca.pem path");
		berth_endpoint_free(ep);
	}
	expect("sock", "sock", "unix:///tmp/other.sock", "/tmp/other.sock", BERTH_KIND_DOCKER);
	expect_error("empty", BERTH_EUSAGE, "has no Docker host");
	expect_error("nullhost", BERTH_EUSAGE, "has no Docker host");
	expect("default", "default", "unix:///var/run/docker.sock", "/var/run/docker.sock",
	       BERTH_KIND_DOCKER);
}

static char *
first_default(void)
{
	struct berth_config *cfg = NULL;
	struct berth_error err = { 0 };
	char **specs = NULL;
	if (berth_config_load(conffile, &cfg, &err) < 0)
		return NULL;
	berth_default_endpoints(cfg, &specs, &err);
	berth_config_free(cfg);
	static char first[600];
	snprintf(first, sizeof first, "%s", specs && specs[0] ? specs[0] : "(none)");
	berth_strv_free(specs);
	return first;
}

static void
test_defaults(void)
{
	char dcfg[700];
	snprintf(dcfg, sizeof dcfg, "%s/docker", tmpdir);
	setenv("DOCKER_CONFIG", dcfg, 1);
	setenv("DOCKER_HOST", "tcp://1.2.3.4:2375", 1);
	setenv("DOCKER_CONTEXT", "remote", 1);
	is_str(first_default(), "tcp://1.2.3.4:2375", "DOCKER_HOST comes first");
	berth_endpoint *ep = open_ok(NULL, "the default endpoint");
	if (ep) {
		is_str(berth_endpoint_address(ep), "1.2.3.4:2375", "default open follows DOCKER_HOST");
		ok(ep->opts.connect_timeout == 2, "connect timeout from the config file");
		berth_endpoint_free(ep);
	}
	unsetenv("DOCKER_HOST");
	is_str(first_default(), "remote", "then DOCKER_CONTEXT");
	unsetenv("DOCKER_CONTEXT");
	write_file("docker/config.json", "{\"auths\":{},\"currentContext\":\"sock\"}");
	is_str(first_default(), "sock", "then currentContext of $DOCKER_CONFIG/config.json");
	ep = open_ok(NULL, "the current context");
	if (ep) {
		is_str(berth_endpoint_address(ep), "/tmp/other.sock", "default open follows the context");
		berth_endpoint_free(ep);
	}
	unsetenv("DOCKER_CONFIG");
	char home[700];
	snprintf(home, sizeof home, "%s/home", tmpdir);
	setenv("HOME", home, 1);
	write_file("home/.docker/config.json", "{\"currentContext\":\"homectx\"}");
	is_str(first_default(), "homectx", "~/.docker/config.json without DOCKER_CONFIG");
	write_file("home/.docker/config.json", "{\"currentContext\":null}");
	ok(first_default() != NULL, "a null currentContext is no context");
	write_file("home/.docker/config.json", "{\"currentContext\":\"default\"}");
	const char *want = access("/var/run/docker.sock", F_OK) == 0 ? "unix:///var/run/docker.sock"
		: access("/run/podman/podman.sock", F_OK) == 0 ? "unix:///run/podman/podman.sock"
		: "edge";
	is_str(first_default(), want, "context \"default\": the local sockets, then the config file");
}

int
main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	clear_env();
	snprintf(conffile, sizeof conffile, "%s/berth.conf", tmpdir);
	write_file("berth.conf",
		   "[general]\nconnect_timeout = 2\n"
		   "[endpoint edge]\nhost = zun:chi\nregion_name = CHI@Edge\nconnect_timeout = 7\n"
		   "[endpoint lab]\nhost = 10.0.0.9:2375\n"
		   "[endpoint broken]\nhost = elsewhere\n");
	/* Credentials for the zun forms: the backend checks them when opening. */
	setenv("OS_AUTH_URL", "http://127.0.0.1:9/v3", 1);
	setenv("OS_APPLICATION_CREDENTIAL_ID", "id", 1);
	setenv("OS_APPLICATION_CREDENTIAL_SECRET", "secret", 1);
	char clouds[700];
	snprintf(clouds, sizeof clouds, "%s/clouds.yaml", tmpdir);
	write_file("clouds.yaml",
		   "clouds:\n"
		   "  chameleon:\n"
		   "    auth_type: v3applicationcredential\n"
		   "    auth:\n"
		   "      auth_url: http://127.0.0.1:9/v3\n"
		   "      application_credential_id: a\n"
		   "      application_credential_secret: b\n"
		   "  chi:\n"
		   "    auth_type: v3applicationcredential\n"
		   "    auth:\n"
		   "      auth_url: http://127.0.0.1:9/v3\n"
		   "      application_credential_id: c\n"
		   "      application_credential_secret: d\n");
	setenv("OS_CLIENT_CONFIG_FILE", clouds, 1);
	test_specs();
	test_tls_env();
	test_config_endpoints();
	test_contexts();
	test_defaults();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return tap_done();
}
