/* docker-ssh.c: ssh:// endpoints, the docker CLI's way (docker-api.md §9).
 *
 * The endpoint gets a private unix socket in a fresh temporary directory;
 * every connection libcurl opens to it is handed, as stdin and stdout, to one
 * `ssh -o BatchMode=yes [OPTIONS] [-l USER] [-p PORT] -o ConnectTimeout=N
 * [SHARING] -T -- HOST docker system dial-stdio` (OPTIONS: the endpoint's
 * ssh_options, else BERTH_SSH_OPTS), which speaks to the remote engine.
 * ssh runs in batch mode (it never prompts on the terminal), and what it says
 * on stderr is kept so a failure can be told in ssh's own words.
 *
 * SHARING: the ssh processes of one [USER@]HOST[:PORT] and OPTIONS share one
 * SSH connection, OpenSSH's ControlMaster=auto with a ControlPath in a private
 * directory ($XDG_RUNTIME_DIR/berth-ssh, else /tmp/berth-ssh-UID, 0700) that
 * every berth of the user uses, and ControlPersist: the master outlives its
 * last session by SSH_PERSIST_S, then ends. While no master answers, the first
 * connection's ssh becomes it, and the next connections (of this berth, and of
 * another one through a lock file) wait until it answers or fails, so that
 * they do not each open a connection. A master that dies leaves a stale
 * socket, which the next ssh removes to become the new master.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>

#include "docker-priv.h"
#include "thread.h"
#include "util.h"

extern char **environ;

#define SSH_PERSIST_S 30	/* how long a master outlives its last session */
#define SSH_AUTH_SLACK_S 15	/* past the connect timeout, for the master's authentication */

struct ssh_proxy {
	char *dir, *sock_path, *log_path;
	char **argv;		/* the ssh command line */
	char *control_path;	/* the shared connection's socket; NULL: not shared */
	char *lock_path;	/* held while a master is being made */
	double connect_timeout;
	int listen_fd;
	int stop_pipe[2];
	pthread_t thread;
	pid_t *pids;		/* ssh processes not yet reaped */
	size_t npids;
};

/* The words of opts (the endpoint's ssh_options or BERTH_SSH_OPTS), split and
 * unquoted as the shell would, without running anything, onto the ssh command line. */
static int
ssh_user_options(const char *spec, const char *opts, char ***v, size_t *n, struct berth_error *err)
{
	if (!opts || !*opts)
		return 0;
	wordexp_t we;
	if (wordexp(opts, &we, WRDE_NOCMD) != 0)
		return berth_fail(err, BERTH_EUSAGE,
				  "bad ssh options for %s: %s (words for ssh, quoted as in the shell, "
				  "no command substitution)", spec, opts);
	for (size_t i = 0; i < we.we_wordc; i++)
		strv_push(v, n, we.we_wordv[i]);
	wordfree(&we);
	return 0;
}

/* ssh://[USER@]HOST[:PORT][/SOCKET] into the ssh command line. BatchMode comes
 * before the user's options so that none of them can turn prompting back on. */
/* The options that share one connection, after the user's, so that theirs win
 * (-o ControlPath=none turns sharing off). */
static void
push_sharing(char ***v, size_t *n, const char *control_path)
{
	if (!control_path)
		return;
	char *path = xasprintf("ControlPath=%s", control_path);
	char *persist = xasprintf("ControlPersist=%d", SSH_PERSIST_S);
	const char *words[] = { "-o", "ControlMaster=auto", "-o", path, "-o", persist };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		strv_push(v, n, words[i]);
	free(path);
	free(persist);
}

static int
ssh_argv(const char *spec, double connect_timeout, const char *user_opts,
	 const char *control_path, char ***argv, struct berth_error *err)
{
	const char *rest = spec + 6;
	char *s = xstrdup(rest);
	char *path = NULL, *user = NULL, *port = NULL, *host = s;
	char *slash = strchr(s, '/');
	if (slash) {
		path = xstrdup(slash);
		*slash = '\0';
	}
	char *at = strrchr(s, '@');
	if (at) {
		*at = '\0';
		user = s;
		host = at + 1;
	}
	char *colon = strrchr(host, ':');
	char *bracket = strrchr(host, ']');
	if (colon && (!bracket || colon > bracket)) {
		*colon = '\0';
		port = colon + 1;
	}
	if (host[0] == '[' && bracket) {
		host++;
		*strrchr(host, ']') = '\0';
	}
	if (!*host || (port && !*port)) {
		free(s);
		free(path);
		return berth_fail(err, BERTH_EUSAGE, "bad endpoint %s: use ssh://[USER@]HOST[:PORT]", spec);
	}
	char **v = NULL;
	size_t n = 0;
	strv_push(&v, &n, "ssh");
	strv_push(&v, &n, "-o");
	strv_push(&v, &n, "BatchMode=yes");
	if (ssh_user_options(spec, user_opts, &v, &n, err) < 0) {
		berth_strv_free(v);
		free(s);
		free(path);
		return -1;
	}
	if (user) {
		strv_push(&v, &n, "-l");
		strv_push(&v, &n, user);
	}
	if (port) {
		strv_push(&v, &n, "-p");
		strv_push(&v, &n, port);
	}
	char *ct = xasprintf("ConnectTimeout=%d", connect_timeout >= 1 ? (int)connect_timeout : 1);
	strv_push(&v, &n, "-o");
	strv_push(&v, &n, ct);
	push_sharing(&v, &n, control_path);
	const char *opts[] = { "-T", "--", host, "docker" };
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		strv_push(&v, &n, opts[i]);
	if (path) {
		char *h = xasprintf("--host=unix://%s", path);
		strv_push(&v, &n, h);
		free(h);
	}
	strv_push(&v, &n, "system");
	strv_push(&v, &n, "dial-stdio");
	free(ct);
	free(path);
	free(s);
	*argv = v;
	return 0;
}

static void
reap(struct ssh_proxy *p, bool wait_all)
{
	for (size_t i = 0; i < p->npids;) {
		if (waitpid(p->pids[i], NULL, wait_all ? 0 : WNOHANG) != 0) {
			p->pids[i] = p->pids[--p->npids];
		} else {
			i++;
		}
	}
}

/* One accepted connection becomes one ssh process: its pid, or -1. */
static pid_t
spawn_ssh(struct ssh_proxy *p, int conn)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, conn, 0);
	posix_spawn_file_actions_adddup2(&fa, conn, 1);
	posix_spawn_file_actions_addopen(&fa, 2, p->log_path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	/* A session of its own: no controlling terminal, so ssh can never prompt
	 * over the dashboard, whatever its configuration says. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
	pid_t pid;
	if (posix_spawnp(&pid, p->argv[0], &fa, &attr, p->argv, environ) == 0) {
		p->pids = xrealloc(p->pids, (p->npids + 1) * sizeof *p->pids);
		p->pids[p->npids++] = pid;
	} else {
		pid = -1;
	}
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

static bool
master_answers(const char *control_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", control_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool up = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return up;
}

static bool
still_running(struct ssh_proxy *p, pid_t pid)
{
	reap(p, false);
	for (size_t i = 0; i < p->npids; i++)
		if (p->pids[i] == pid)
			return true;
	return false;
}

/* Wait 50 ms; false when the proxy is stopping. */
static bool
pause_unless_stopped(struct ssh_proxy *p)
{
	struct pollfd stop = { .fd = p->stop_pipe[0], .events = POLLIN };
	return poll(&stop, 1, 50) == 0;
}

/* The lock that one berth holds while its ssh becomes the master: its
 * descriptor, or -1 (stopping, or no lock file: then no waiting either). */
static int
take_master_lock(struct ssh_proxy *p)
{
	int fd = open(p->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || !pause_unless_stopped(p)) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* The master's ssh (pid) is up when its socket answers; it failed when it
 * ended first. Bounded by the connect timeout and the authentication. */
static void
wait_for_master(struct ssh_proxy *p, pid_t pid)
{
	double end = now_monotonic() + p->connect_timeout + SSH_AUTH_SLACK_S;
	while (!master_answers(p->control_path) && still_running(p, pid) &&
	       now_monotonic() < end && pause_unless_stopped(p))
		;
}

/* One accepted connection: its ssh shares the master when one answers, else
 * becomes the master, the others waiting for it. */
static void
serve(struct ssh_proxy *p, int conn)
{
	if (!p->control_path || master_answers(p->control_path)) {
		spawn_ssh(p, conn);
		return;
	}
	int lock = take_master_lock(p);
	if (master_answers(p->control_path)) {
		spawn_ssh(p, conn);
	} else {
		pid_t pid = spawn_ssh(p, conn);
		if (pid > 0 && lock >= 0)
			wait_for_master(p, pid);
	}
	if (lock >= 0)
		close(lock);	/* closing it unlocks it */
}

static void *
accept_loop(void *arg)
{
	struct ssh_proxy *p = arg;
	for (;;) {
		struct pollfd fds[2] = { { .fd = p->listen_fd, .events = POLLIN },
					 { .fd = p->stop_pipe[0], .events = POLLIN } };
		int n = poll(fds, 2, 1000);
		reap(p, false);
		if (n < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (fds[0].revents & POLLIN) {
			int conn = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (conn >= 0) {
				serve(p, conn);
				close(conn);
			}
		}
	}
	return NULL;
}

static int
listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path)
		return -1;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void
ssh_proxy_stop(struct ssh_proxy *p)
{
	if (!p)
		return;
	if (p->stop_pipe[1] >= 0) {
		(void)!write(p->stop_pipe[1], "x", 1);
		pthread_join(p->thread, NULL);
	}
	for (size_t i = 0; i < p->npids; i++)
		kill(p->pids[i], SIGTERM);
	reap(p, true);
	if (p->listen_fd >= 0)
		close(p->listen_fd);
	for (int i = 0; i < 2; i++)
		if (p->stop_pipe[i] >= 0)
			close(p->stop_pipe[i]);
	unlink(p->sock_path);
	unlink(p->log_path);
	rmdir(p->dir);
	berth_strv_free(p->argv);
	free(p->control_path);
	free(p->lock_path);
	free(p->pids);
	free(p->dir);
	free(p->sock_path);
	free(p->log_path);
	free(p);
}

/* The private directory of the shared connections' sockets; NULL (with a
 * warning: the connections are then not shared) when it is not this user's
 * alone. */
static char *
control_dir(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char *dir = run && *run ? xasprintf("%s/berth-ssh", run)
		: xasprintf("/tmp/berth-ssh-%u", (unsigned)getuid());
	struct stat st;
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || lstat(dir, &st) < 0 ||
	    !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077)) {
		berth_warn("%s is not a private directory of this user: ssh:// connections are "
			   "not shared", dir);
		free(dir);
		return NULL;
	}
	return dir;
}

/* FNV-1a over [USER@]HOST[:PORT] and the ssh options: one master for each
 * way of reaching a host (another key or jump host is another connection). */
static unsigned long long
sharing_key(const char *spec, const char *ssh_options)
{
	unsigned long long h = 1469598103934665603ULL;
	const char *host = spec + 6;
	size_t len = strcspn(host, "/");
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)host[i]) * 1099511628211ULL;
	h = (h ^ '\n') * 1099511628211ULL;
	for (const char *s = ssh_options ? ssh_options : ""; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* ssh adds 17 characters to a ControlPath while it makes the socket. */
#define SSH_TEMP_SUFFIX 17

static void
set_control_path(struct ssh_proxy *p, const char *spec, const char *ssh_options)
{
	char *dir = control_dir();
	if (!dir)
		return;
	unsigned long long key = sharing_key(spec, ssh_options);
	char *path = xasprintf("%s/%016llx", dir, key);
	if (strlen(path) + SSH_TEMP_SUFFIX >= sizeof((struct sockaddr_un *)0)->sun_path) {
		berth_warn("%s is too long a path for a socket: ssh:// connections are not shared",
			   dir);
		free(path);
	} else {
		p->control_path = path;
		p->lock_path = xasprintf("%s/%016llx.lock", dir, key);
	}
	free(dir);
}

int
ssh_proxy_start(const char *spec, double connect_timeout, const char *ssh_options,
		struct ssh_proxy **out, struct berth_error *err)
{
	struct ssh_proxy *p = xcalloc(1, sizeof *p);
	p->listen_fd = p->stop_pipe[0] = p->stop_pipe[1] = -1;
	p->connect_timeout = connect_timeout;
	set_control_path(p, spec, ssh_options);
	if (ssh_argv(spec, connect_timeout, ssh_options, p->control_path, &p->argv, err) < 0) {
		free(p->control_path);
		free(p->lock_path);
		free(p);
		return -1;
	}
	const char *tmp = getenv("TMPDIR");
	p->dir = xasprintf("%s/berth-ssh-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p->dir)) {
		int e = errno;
		free(p->dir);
		p->dir = NULL;
		berth_strv_free(p->argv);
		free(p->control_path);
		free(p->lock_path);
		free(p);
		return berth_fail(err, BERTH_EIO, "cannot make a directory for the ssh connection: %s",
				  strerror(e));
	}
	p->sock_path = xasprintf("%s/engine.sock", p->dir);
	p->log_path = xasprintf("%s/ssh.log", p->dir);
	p->listen_fd = listen_on(p->sock_path);
	if (p->listen_fd < 0 || pipe2(p->stop_pipe, O_CLOEXEC) < 0 ||
	    (errno = berth_thread_start(&p->thread, 0, false, accept_loop, p)) != 0) {
		int e = errno;
		if (p->stop_pipe[1] >= 0) {
			close(p->stop_pipe[1]);
			p->stop_pipe[1] = -1;
		}
		ssh_proxy_stop(p);
		return berth_fail(err, BERTH_EIO, "cannot set up the ssh connection for %s: %s", spec,
				  strerror(e));
	}
	*out = p;
	return 0;
}

const char *
ssh_proxy_socket(const struct ssh_proxy *p)
{
	return p->sock_path;
}

char *
ssh_proxy_last_error(const struct ssh_proxy *p)
{
	FILE *f = fopen(p->log_path, "r");
	if (!f)
		return NULL;
	char line[400], last[400] = "";
	while (fgets(line, sizeof line, f))
		if (line[0] != '\n' && line[0] != '\r')
			snprintf(last, sizeof last, "%s", line);
	fclose(f);
	truncate(p->log_path, 0);	/* the next failure is told by its own lines */
	last[strcspn(last, "\r\n")] = '\0';
	return last[0] ? xstrdup(last) : NULL;
}
