#!/bin/bash
# tmux-freeze-kinds.sh: the liveness probe (tmux-freeze.sh, on a unix socket)
# on the other kinds of endpoint: a private dockerd listening on plain tcp, the
# same with mutual TLS, the same reached over ssh:// (a private sshd), and a
# private Podman service (own storage and socket).
# Each is frozen (SIGSTOP) with one container created and none running, so only
# the probe can notice: the status line says it is not answering, the row says
# when it was last confirmed, and after SIGCONT the endpoint is connected and
# the row confirmed again. The time from SIGSTOP to the status line is printed
# (a figure, not an assertion; 15 s only bounds a hang). Zun: zun-freeze.sh.
. "$TOP_SRCDIR/tests/screen/lib.sh"
. "$TOP_SRCDIR/tests/lib/certs.sh"
need_engine
need_tmux

W=$(mktemp -d /tmp/berth-freeze-kinds.XXXXXX)
at_exit "rm -rf $W"
P=t-freeze-kinds-$$
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
TIMES=

# freeze_case KIND LABEL PID NAME CMD...: the dashboard (CMD) on one endpoint
# whose status line names it LABEL, process PID frozen and thawed, container
# NAME on it (created).
freeze_case() {
	local kind=$1 label=$2 pid=$3 name=$4
	shift 4
	tm_start 160 30 "exec $*"
	wait_for "$label: connected" 20 >/dev/null && wait_row "$name" created 20
	ok $? "$kind: the dashboard shows the endpoint connected and its container"
	freeze "$kind" "$label" "$pid" "$name"
	thaw "$kind" "$label" "$pid" "$name"
	TIMES="$TIMES $kind $FROZEN_MS ms (after SIGCONT: connected in $THAWED_MS ms, the row in $CONFIRMED_MS ms);"
	tm kill-server
}

# ---------------------------------------------------------------- dockerd on tcp
PORT=$(free_port)
PD_ARGS="-H tcp://127.0.0.1:$PORT"
pd_engine freeze-kinds
dk create --name $P-d "$IMAGE" sleep 100000 >/dev/null
freeze_case tcp "tcp://127.0.0.1:$PORT" "$PD_PID" $P-d "$BERTH -H tcp://127.0.0.1:$PORT"

# ---------------------------------------------------------------- the same with TLS
if command -v openssl >/dev/null && make_certs "$W/certs"; then
	mkdir -p "$W/client"
	cp "$W/certs/ca.pem" "$W/certs/cert.pem" "$W/certs/key.pem" "$W/client/"
	pd_stop
	PORT=$(free_port)
	PD_ARGS="-H tcp://127.0.0.1:$PORT --tlsverify --tlscacert $W/certs/ca.pem --tlscert $W/certs/server.pem --tlskey $W/certs/server-key.pem"
	pd_launch
	ok $? "the private dockerd listens with mutual TLS"
	freeze_case TLS "tcp://127.0.0.1:$PORT" "$PD_PID" $P-d \
		"env DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$W/client $BERTH -H tcp://127.0.0.1:$PORT"
else
	ok 0 "# SKIP TLS: openssl could not make the certificates"
fi

# ---------------------------------------------------------------- the same over ssh
# A private sshd whose sessions reach the private dockerd (DOCKER_HOST): berth's
# ssh:// transport (docker system dial-stdio on the far side) to a frozen engine.
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null; then
	. "$TOP_SRCDIR/tests/lib/sshd.sh"
	sshd_start "$W/sshd" "DOCKER_HOST=unix://$PD_SOCK"
	listening=$?
	at_exit "kill $SSHD_PID 2>/dev/null"
	[ "$listening" = 0 ]
	ok $? "an sshd whose sessions reach the private dockerd"
	printf '[general]\nconnect_timeout = 30\n' >"$W/patient.conf"	# ssh's handshake, under load
	freeze_case ssh "$SSHD_SPEC" "$PD_PID" $P-d \
		"env BERTH_CONFIG=$W/patient.conf XDG_RUNTIME_DIR=$W BERTH_SSH_OPTS='$(sshd_opts "$W/sshd/id_test" "$W/sshd/known_hosts")' $BERTH -H $SSHD_SPEC"
else
	ok 0 "# SKIP ssh: needs openssh-server and openssh-client"
fi

# ---------------------------------------------------------------- Podman
if command -v podman >/dev/null; then
	PM=$W/podman
	mkdir -p "$PM/tmp"
	printf '[containers]\ndefault_ulimits = []\n' >"$PM/containers.conf"
	driver=overlay
	[ "$(stat -f -c %T "$PM")" = overlayfs ] && driver=vfs
	PM_ARGS=(--root "$PM/root" --runroot "$PM/run" --tmpdir "$PM/tmp" --storage-driver $driver)
	pm() { CONTAINERS_CONF=$PM/containers.conf podman "${PM_ARGS[@]}" "$@"; }
	pm_cleanup() {
		kill -CONT "$PM_PID" 2>/dev/null
		pm rm -af -t 0 >/dev/null 2>&1
		kill -TERM "$PM_PID" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$PM_PID" 2>/dev/null || break; sleep 0.1; done
		umount -R "$PM/root" "$PM/run" >/dev/null 2>&1
	}
	# Not through pm: $! must be podman's pid, not a subshell's.
	CONTAINERS_CONF=$PM/containers.conf podman "${PM_ARGS[@]}" system service --time=0 \
		"unix://$PM/podman.sock" </dev/null >"$PM/service.log" 2>&1 &
	PM_PID=$!
	at_exit pm_cleanup
	wait_ping "$PM/podman.sock"
	docker -H "unix://$PD_SOCK" save "$IMAGE" | pm load -q >/dev/null 2>&1 &&
		pm create --name $P-p "$IMAGE" sleep 100000 >/dev/null 2>&1
	ok $? "a private Podman service has one container, not running"
	freeze_case Podman "$(printf '%s' "unix://$PM/podman.sock" | tail -c 24)" "$PM_PID" $P-p \
		"$BERTH -H unix://$PM/podman.sock"
else
	ok 0 "# SKIP Podman: podman is not installed"
fi

diag "measured, SIGSTOP to the status line saying so:$TIMES"
done_testing
