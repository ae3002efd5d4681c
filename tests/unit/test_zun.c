/* test_zun.c: the Zun backend's pure parts: exec quoting (checked against Python's
 * own shlex.split when /usr/bin/python3 is there), status words, error bodies,
 * Keystone times and clouds.yaml reading. */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "clouds.h"
#include "tap.h"
#include "zun-priv.h"

/* What Python's shlex.split makes of line, one word per line, \x00-free. */
static char *
python_split(const char *line)
{
	if (access("/usr/bin/python3", X_OK) != 0)
		return NULL;
	char tmpl[] = "/tmp/berth-shlex.XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return NULL;
	if (write(fd, line, strlen(line)) < 0) {
		close(fd);
		return NULL;
	}
	close(fd);
	char *cmd = xasprintf("/usr/bin/python3 -c 'import shlex,sys; "
			      "print(\"\\n\".join(\"[\"+w+\"]\" for w in shlex.split(open(sys.argv[1]).read())))' %s",
			      tmpl);
	FILE *p = popen(cmd, "r");
	free(cmd);
	struct buf b = { 0 };
	char chunk[512];
	size_t n;
	while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&b, chunk, n);
	if (p)
		pclose(p);
	unlink(tmpl);
	return buf_steal(&b);
}

static void
check_quoting(char *const argv[], const char *want_line)
{
	char *line = zun_shell_join(argv);
	is_str(line, want_line, "%s ...: quoted as shlex.quote does", argv[0]);
	char *split = python_split(line);
	struct buf want = { 0 };
	for (size_t i = 0; argv[i]; i++)
		buf_printf(&want, "%s[%s]", i ? "\n" : "", argv[i]);
	buf_appends(&want, "\n");
	if (split)
		is_str(split, want.data, "shlex.split gives the argv back");
	else
		ok(1, "# SKIP no /usr/bin/python3 for the shlex check");
	buf_free(&want);
	free(split);
	free(line);
}

static struct http_response
reply(long status, const char *body)
{
	struct http_response r = { .status = status, .body = (char *)body,
				   .body_len = strlen(body) };
	return r;
}

static void
test_errors(void)
{
	struct berth_error err = { 0 };
	struct http_response r = reply(409, "{\"errors\":[{\"request_id\":\"\",\"code\":"
		"\"container.invalid-state-exception\",\"status\":409,\"title\":\"Cannot execute "
		"container 1f2e in Stopped state\",\"detail\":\"Cannot execute container 1f2e in "
		"Stopped state.\",\"links\":[]}]}");
	os_fail(&r, "cannot run a command in web on edge", &err);
	is_str(err.message, "cannot run a command in web on edge: Cannot execute container 1f2e in "
	       "Stopped state", "a Zun error keeps its title");
	is_int(err.code, BERTH_ECONFLICT, "409 is a conflict");
	r = reply(500, "{\"errors\":[{\"code\":\"container.\",\"status\":500,\"title\":\"Internal Server "
		  "Error\",\"detail\":\"Your request could not be handled because of a problem in "
		  "the server. Error Correlation id is: 5\"}]}");
	os_fail(&r, "cannot list containers on edge", &err);
	is_str(err.message, "cannot list containers on edge: Internal Server Error", "a 500 keeps the title");
	r = reply(401, "{\"error\":{\"code\":401,\"title\":\"Unauthorized\",\"message\":\"The request you "
		  "have made requires authentication.\"}}");
	os_fail(&r, "Keystone refused", &err);
	is_str(err.message, "Keystone refused: The request you have made requires authentication",
	       "a Keystone error keeps its message");
	is_int(err.code, BERTH_EAUTH, "401 is an authentication failure");
	r = reply(404, "{\"NeutronError\":{\"type\":\"FloatingIPNotFound\",\"message\":\"Floating IP "
		  "x could not be found\",\"detail\":\"\"}}");
	os_fail(&r, "cannot associate", &err);
	is_str(err.message, "cannot associate: Floating IP x could not be found", "a Neutron error");
	r = reply(502, "<html>bad gateway</html>");
	os_fail(&r, "cannot list containers on edge", &err);
	is_str(err.message, "cannot list containers on edge: HTTP 502", "a body that is not JSON");
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void
test_clouds(void)
{
	char dir[] = "/tmp/berth-clouds.XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	char *home = xasprintf("%s/home", dir);
	char *cfgdir = xasprintf("%s/.config/openstack", home);
	char *cmd = xasprintf("mkdir -p %s", cfgdir);
	if (system(cmd) != 0)
		ok(0, "mkdir");
	free(cmd);
	char *clouds = xasprintf("%s/clouds.yaml", cfgdir), *secure = xasprintf("%s/secure.yaml", cfgdir);
	write_file(clouds, "clouds:\n  edge:\n    auth:\n      auth_url: https://edge.example:5000\n"
		   "      application_credential_id: \"abc\"\n    region_name: \"CHI@Edge\"\n"
		   "    interface: public\n    auth_type: v3applicationcredential\n");
	write_file(secure, "clouds:\n  edge:\n    auth:\n      application_credential_secret: s3cr3t\n");
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("OS_CLIENT_CONFIG_FILE");
	unsetenv("OS_CLOUD");
	if (chdir(dir) != 0)
		ok(0, "chdir");
	struct os_auth a = { 0 };
	struct berth_error err = { 0 };
	is_int(clouds_load(NULL, &a, &err), 0, "the only cloud is the default");
	is_str(a.auth_url, "https://edge.example:5000", "auth_url from auth:");
	is_str(a.app_cred_id, "abc", "application_credential_id");
	is_str(a.app_cred_secret, "s3cr3t", "the secret comes from secure.yaml");
	is_str(a.region, "CHI@Edge", "region_name");
	ok(a.source && strstr(a.source, "cloud edge in ") != NULL, "the source names the cloud: %s",
	   a.source);
	os_auth_done(&a);
	is_int(clouds_load("other", &a, &err), -1, "an unknown cloud fails");
	ok(strstr(err.message, "defines no cloud other") != NULL, "... naming it: %s", err.message);
	os_auth_done(&a);
	write_file(clouds, "clouds: [\n");
	is_int(clouds_load("edge", &a, &err), -1, "bad YAML fails");
	ok(strstr(err.message, "line 2") != NULL, "... with the line: %s", err.message);
	os_auth_done(&a);
	unlink(clouds);
	unlink(secure);
	is_int(clouds_load(NULL, &a, &err), 1, "no clouds.yaml and no cloud asked: not an error");
	cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		ok(0, "cleanup");
	free(cmd);
	free(clouds);
	free(secure);
	free(cfgdir);
	free(home);
}

int
main(void)
{
	char *simple[] = { "ls", "-l", "/tmp", NULL };
	check_quoting(simple, "ls -l /tmp");
	char *hard[] = { "printf", "%s|", "a  b", "it's", "$HOME", "\"q\"", "", "x;y", "tab\there",
			 "new\nline", NULL };
	check_quoting(hard, "printf '%s|' 'a  b' 'it'\"'\"'s' '$HOME' '\"q\"' '' 'x;y' 'tab\there' "
		      "'new\nline'");
	char *shell[] = { "sh", "-c", "echo $1 > /tmp/x && cat /tmp/x", "sh", "v w", NULL };
	check_quoting(shell, "sh -c 'echo $1 > /tmp/x && cat /tmp/x' sh 'v w'");

	is_int(zun_status("Running"), BERTH_ST_RUNNING, "Running");
	is_int(zun_status("Stopped"), BERTH_ST_EXITED, "Stopped is exited");
	is_int(zun_status("Creating"), BERTH_ST_CREATING, "Creating");
	is_int(zun_status("Error"), BERTH_ST_ERROR, "Error");
	is_int(zun_status("Deleting"), BERTH_ST_DELETING, "Deleting");
	is_int(zun_status("Rebuilding"), BERTH_ST_RESTARTING, "Rebuilding");
	is_int(zun_status("Bogus"), BERTH_ST_UNKNOWN, "an unknown word");

	is_int(os_parse_time("2017-12-27T12:00:00.000000"), 1514376000, "Blazar's time");
	is_int(os_parse_time("2017-12-27T12:00:00Z"), 1514376000, "Keystone's time");
	is_int(os_parse_time("garbage"), 0, "garbage is 0");

	test_errors();
	test_clouds();
	return tap_done();
}
