# tests/lib/engines.sh: real engines for berth's integration tests (bash).
#
# Sourced by a test:   engine_docker_ensure && engine_image_ensure_docker
#                      engine_podman_ensure && engine_image_ensure_podman
# Run as a script:     bash tests/lib/engines.sh start|stop|status
#
# Docker: the engine at /var/run/docker.sock when it answers; otherwise, as root,
# a dockerd started here (setsid, log in tests/work/dockerd.log). Podman: a
# private service (own storage and socket under /tmp/berth-podman-*, log in
# tests/work/podman.log) so that tests never touch anyone else's containers.
# Everything started here is recorded in tests/work/*.pid; `stop` ends exactly
# those processes and nothing else. Concurrent tests serialise on a lock file.

ENGINES_WORK=${TOP_BUILDDIR:-$PWD}/tests/work
TEST_IMAGE=berth-test/busybox:latest
PODMAN_TEST_IMAGE=localhost/berth-test/busybox:latest
DOCKER_SOCK=${BERTH_TEST_DOCKER_SOCK:-/var/run/docker.sock}
PODMAN_DIR=/tmp/berth-podman-$(id -u)-$(printf '%s' "$ENGINES_WORK" | cksum | cut -d' ' -f1)
PODMAN_SOCK=$PODMAN_DIR/podman.sock
ENGINES_START_TIMEOUT=${ENGINES_START_TIMEOUT:-60}
# Seconds the Podman service may sit idle before it exits by itself: a test
# that starts it leaves nothing running for long; `start` (CI) uses 0, never.
PODMAN_IDLE=${PODMAN_IDLE:-300}

mkdir -p "$ENGINES_WORK"

engines_log()
{
	printf 'engines: %s\n' "$*" >&2
}

# True when an engine answers GET /_ping on the unix socket $1.
engines_ping()
{
	curl -sf -m 3 --unix-socket "$1" http://engine/_ping >/dev/null 2>&1
}

# Hold the fixture lock (fd 9) while starting engines or importing images.
engines_lock()
{
	exec 9>"$ENGINES_WORK/engines.lock"
	flock -w 300 9
}

engines_unlock()
{
	flock -u 9
	exec 9>&-
}

# Wait until socket $1 answers or process $2 dies; false on timeout or death.
engines_wait_ping()
{
	local sock=$1 pid=$2 i
	for i in $(seq $((ENGINES_START_TIMEOUT * 5))); do
		engines_ping "$sock" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# Record engine $1, just started in the background as process $3, in $1.pid and
# wait until it answers on socket $2; false, with the end of $1.log, when it does not.
engines_started()
{
	local name=$1 sock=$2 pid=$3
	echo "$pid" >"$ENGINES_WORK/$name.pid"
	engines_wait_ping "$sock" "$pid" && return 0
	engines_log "$name did not answer within ${ENGINES_START_TIMEOUT} s; its log:"
	tail -n 20 "$ENGINES_WORK/$name.log" >&2
	return 1
}

# True when pid file $1 names a live process whose command line contains $2.
engines_pid_alive()
{
	local pid
	[ -s "$1" ] || return 1
	pid=$(cat "$1")
	[ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"
}

# Make sure a Docker engine answers on $DOCKER_SOCK, starting dockerd if needed.
engine_docker_ensure()
{
	engines_ping "$DOCKER_SOCK" && return 0
	if [ "$(id -u)" != 0 ] || ! command -v dockerd >/dev/null; then
		engines_log "no Docker engine answers at $DOCKER_SOCK and dockerd cannot be started here (needs root and docker.io)"
		return 1
	fi
	engines_lock || return 1
	if ! engines_ping "$DOCKER_SOCK"; then
		engines_log "starting dockerd (log: $ENGINES_WORK/dockerd.log)"
		setsid dockerd -H "unix://$DOCKER_SOCK" </dev/null >"$ENGINES_WORK/dockerd.log" 2>&1 9>&- &
		if ! engines_started dockerd "$DOCKER_SOCK" $!; then
			engines_unlock
			return 1
		fi
	fi
	engines_unlock
}

# Build the busybox root filesystem of the test image once, in tests/work/rootfs.
engines_rootfs()
{
	local r=$ENGINES_WORK/rootfs a
	[ -x "$r/bin/busybox" ] && [ -e "$r/.complete" ] && return 0
	rm -rf "$r"
	mkdir -p "$r/bin" "$r/tmp" "$r/etc" || return 1
	chmod 1777 "$r/tmp"
	cp /bin/busybox "$r/bin/busybox" || return 1
	for a in $("$r/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	touch "$r/.complete"
}

# Import the test image into the Docker engine unless it is already there.
engine_image_ensure_docker()
{
	local rc=0
	docker -H "unix://$DOCKER_SOCK" image inspect "$TEST_IMAGE" >/dev/null 2>&1 && return 0
	engines_lock || return 1
	if ! docker -H "unix://$DOCKER_SOCK" image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
		engines_log "importing $TEST_IMAGE into Docker"
		engines_rootfs &&
			tar -C "$ENGINES_WORK/rootfs" --exclude=./.complete -c . |
			docker -H "unix://$DOCKER_SOCK" import - "$TEST_IMAGE" >/dev/null
		rc=$?
	fi
	engines_unlock
	return $rc
}

# The podman global options that select the private storage of this build tree.
engines_podman_args()
{
	local driver=overlay
	mkdir -p "$PODMAN_DIR/tmp"
	[ "$(stat -f -c %T "$PODMAN_DIR")" = overlayfs ] && driver=vfs
	PODMAN_ARGS=(--root "$PODMAN_DIR/root" --runroot "$PODMAN_DIR/run"
		--tmpdir "$PODMAN_DIR/tmp" --storage-driver "$driver")
}

# podman on the private storage.
engines_podman()
{
	engines_podman_args
	CONTAINERS_CONF=$PODMAN_DIR/containers.conf podman "${PODMAN_ARGS[@]}" "$@"
}

# Make sure the private Podman service answers on $PODMAN_SOCK.
engine_podman_ensure()
{
	engines_ping "$PODMAN_SOCK" && return 0
	if ! command -v podman >/dev/null; then
		engines_log "podman is not installed (apt-get install podman)"
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		engines_log "the Podman service for the tests runs as root (rootless containers have no address of their own)"
		return 1
	fi
	engines_lock || return 1
	if ! engines_ping "$PODMAN_SOCK"; then
		mkdir -p "$PODMAN_DIR"
		# Without this, runc fails here with "error setting rlimits".
		printf '[containers]\ndefault_ulimits = []\n' >"$PODMAN_DIR/containers.conf"
		rm -f "$PODMAN_SOCK"
		engines_log "starting podman system service at $PODMAN_SOCK (log: $ENGINES_WORK/podman.log)"
		engines_podman_args
		CONTAINERS_CONF=$PODMAN_DIR/containers.conf setsid podman "${PODMAN_ARGS[@]}" \
			system service --time="$PODMAN_IDLE" "unix://$PODMAN_SOCK" </dev/null >"$ENGINES_WORK/podman.log" 2>&1 9>&- &
		echo "$PODMAN_DIR" >"$ENGINES_WORK/podman.dir"
		if ! engines_started podman "$PODMAN_SOCK" $!; then
			engines_unlock
			return 1
		fi
	fi
	engines_unlock
}

# Import the test image into the private Podman storage unless it is there.
engine_image_ensure_podman()
{
	local rc=0
	engines_podman image exists "$PODMAN_TEST_IMAGE" 2>/dev/null && return 0
	engines_lock || return 1
	if ! engines_podman image exists "$PODMAN_TEST_IMAGE" 2>/dev/null; then
		engines_log "importing $PODMAN_TEST_IMAGE into Podman"
		engines_rootfs &&
			tar -C "$ENGINES_WORK/rootfs" --exclude=./.complete -c . |
			engines_podman import -q - "$PODMAN_TEST_IMAGE" >/dev/null
		rc=$?
	fi
	engines_unlock
	return $rc
}

# Stop process $2 recorded in pid file $1 if it still is the one we started ($3).
engines_stop_pid()
{
	local file=$1 name=$2 marker=$3 pid i
	if engines_pid_alive "$file" "$marker"; then
		pid=$(cat "$file")
		engines_log "stopping $name (pid $pid)"
		kill -TERM "$pid"
		for i in $(seq 150); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	fi
	rm -f "$file"
}

# Stop what this build tree started: the private Podman service (after removing
# its containers, which would outlive it) and a dockerd started here.
engines_stop()
{
	if [ -s "$ENGINES_WORK/podman.pid" ]; then
		PODMAN_DIR=$(cat "$ENGINES_WORK/podman.dir")
		PODMAN_SOCK=$PODMAN_DIR/podman.sock
		if engines_pid_alive "$ENGINES_WORK/podman.pid" "$PODMAN_SOCK"; then
			engines_podman rm -af -t 0 >/dev/null 2>&1
		fi
		engines_stop_pid "$ENGINES_WORK/podman.pid" "podman service" "$PODMAN_SOCK"
	fi
	engines_stop_pid "$ENGINES_WORK/dockerd.pid" dockerd dockerd
}

engines_main()
{
	case $1 in
	start)
		PODMAN_IDLE=0
		engine_docker_ensure && engine_image_ensure_docker &&
			engine_podman_ensure && engine_image_ensure_podman ;;
	stop)
		engines_stop ;;
	status)
		engines_ping "$DOCKER_SOCK" && echo "docker: $DOCKER_SOCK" || echo "docker: not answering"
		engines_ping "$PODMAN_SOCK" && echo "podman: $PODMAN_SOCK" || echo "podman: not answering" ;;
	*)
		echo "usage: bash tests/lib/engines.sh start|stop|status" >&2
		return 2 ;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	engines_main "$@"
	exit
fi
