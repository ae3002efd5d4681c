#!/bin/sh
# tests/remote/ssh.sh: ssh:// endpoints through Debian's openssh-server on
# 127.0.0.1 (private port, host key, authorized keys and pidfile in a temporary
# folder; key authentication only) reaching the shared Docker engine with
# `docker system dial-stdio` on the far side. The core verbs, the dashboard (in
# tmux), and the failures: an unknown host key and a refused key each give one
# sentence with ssh's own words, at once, never a prompt. No file of root's
# ~/.ssh is touched: ssh's options come through BERTH_SSH_OPTS and ssh_options.
# Connection sharing: the dashboard, several CLI calls at once, each make one
# SSH connection (sshd's Accepted lines), and work on after the master dies.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=ssh
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
trap 'masters_exit; remote_cleanup' EXIT
[ -x /usr/sbin/sshd ] && command -v ssh >/dev/null || skip_all "needs openssh-server and openssh-client"
[ "$(id -u)" = 0 ] || skip_all "sshd for the test runs as root"
engine_docker_ensure && engine_image_ensure_docker || skip_all "no Docker engine"

. "$TOP_SRCDIR/tests/lib/sshd.sh"
S=$TAP_TMP/sshd
sshd_start "$S"
listening=$?
remote_started "$SSHD_PID"
[ "$listening" = 0 ] || bail_out "sshd did not listen: $(tail -3 "$S/sshd.log")"
SPORT=$SSHD_PORT
ssh-keygen -q -t ed25519 -N '' -f "$S/id_other" -C stranger
: >"$S/empty_known_hosts"
ssh_opts() { sshd_opts "$@"; }
export BERTH_SSH_OPTS="$(ssh_opts "$S/id_test" "$S/known_hosts")"
# The shared connections' sockets: private to this test (berth-ssh under it).
export XDG_RUNTIME_DIR=$TAP_TMP/run
mkdir -p "$XDG_RUNTIME_DIR"
accepted() { grep -c 'Accepted publickey' "$S/sshd.log"; }
# The master of the shared connections under run directory $1: its pid.
master_pid()
{
	local sock
	sock=$(find "$1/berth-ssh" -type s | head -1)
	[ -n "$sock" ] && ssh -F none -o ControlPath="$sock" -O check none 2>&1 | sed -n 's/.*(pid=\([0-9]*\)).*/\1/p'
}
# End the masters this test's berths left (they would end 30 s after their last session).
masters_exit()
{
	local sock
	find "$TAP_TMP" -type s -path '*/berth-ssh/*' 2>/dev/null | while read -r sock; do
		ssh -F none -o ControlPath="$sock" -O exit none >/dev/null 2>&1
	done
}
SPEC=$SSHD_SPEC
diag "sshd on 127.0.0.1:$SPORT"
# A first answer over ssh:// waits for ssh's handshake and for sshd to start the
# docker client on the far side; its bound is twice the connect timeout, and
# under ASan at load 90 the default's 10 s were not enough. A generous one,
# for a loaded machine: this test is about what works, not how soon.
printf '[general]\nconnect_timeout = 30\n' >"$TAP_TMP/patient.conf"
export BERTH_CONFIG=$TAP_TMP/patient.conf

run "$BERTH" -H "$SPEC" version
is "$RC" 0 "version over ssh://" || tap_show_last
like "$(out; err)" "Docker .* at $SPEC" "... names the engine and the endpoint"

core_verbs "ssh" v -H "$SPEC"

# exec -it over ssh: the hijacked connection runs through ssh too.
name=${P}ssh-tty
D run -d --name "$name" "$TEST_IMAGE" sleep 100000 >/dev/null
run script -qec "$BERTH -H $SPEC exec -it $name sh -c 'tty >/dev/null && echo has-a-tty'" /dev/null
like "$(out)" "has-a-tty" "exec -it over ssh:// gets a terminal" || tap_show_last

# ---------------------------------------------------------------- the dashboard
if command -v tmux >/dev/null; then
	TM="tmux -L berth-remote-ssh-$$ -f /dev/null"
	# A run directory of its own: no master of the CLI calls above to share.
	mkdir -p "$TAP_TMP/run-dash"
	before=$(accepted)
	$TM new-session -d -s s -x 160 -y 30 "env BERTH_SSH_OPTS='$BERTH_SSH_OPTS' XDG_RUNTIME_DIR=$TAP_TMP/run-dash $BERTH -H $SPEC; sleep 100000"
	remote_tmux_kill() { $TM kill-server >/dev/null 2>&1; }
	trap 'remote_tmux_kill; masters_exit; remote_cleanup' EXIT
	screen_has()
	{
		local i
		for i in $(seq "$((${2:-10} * 20))"); do
			$TM capture-pane -p -t s | grep -qE -- "$1" && return 0
			sleep 0.05
		done
		diag "timed out waiting for: $1"
		$TM capture-pane -p -t s | sed 's/^/#   /'
		return 1
	}
	# The shared engine may hold many containers of others: filter on ours first.
	screen_has "connected" 20 >/dev/null
	$TM send-keys -t s /
	screen_has "filter" 5 >/dev/null
	$TM send-keys -t s -l "$name"
	$TM send-keys -t s Enter
	screen_has "filter \"$name\""
	ok $? "the dashboard over ssh:// answers keys (the filter)"
	screen_has "$name +[0-9a-f]{12} .*running"
	ok $? "... shows the container running"
	t0=$(date +%s%N)
	D kill "$name" >/dev/null
	screen_has "$name +[0-9a-f]{12} .*exited"
	ok $? "... and its change of status ($((($(date +%s%N) - t0) / 1000000)) ms after docker kill)"
	is "$(($(accepted) - before))" 1 "... over one SSH connection (sshd accepted one)"
	pid=$(master_pid "$TAP_TMP/run-dash")
	ok $([ -n "$pid" ]; echo $?) "... whose master answers ssh -O check (pid $pid)"
	[ -n "$pid" ] && kill -KILL "$pid"
	D start "$name" >/dev/null
	screen_has "$name +[0-9a-f]{12} .*running" 30
	ok $? "the master killed, the dashboard still follows the engine (the start is seen)"
	$TM send-keys -t s q
	screen_has "^$" 5 >/dev/null
	remote_tmux_kill
else
	skip 6 "no tmux"
fi
D rm -f "$name" >/dev/null 2>&1

# ---------------------------------------------------------------- sharing in the CLI
mkdir -p "$TAP_TMP/run-cli"
# The calls waiting for the master count its handshake in their first answer's
# bound (BERTH_CONFIG's patient one).
before=$(accepted)
for i in 1 2 3 4; do
	XDG_RUNTIME_DIR=$TAP_TMP/run-cli "$BERTH" -H "$SPEC" ps -a >"$TAP_TMP/ps$i.out" 2>&1 &
	eval "ps$i=\$!"
done
failed=0
for i in 1 2 3 4; do
	eval "wait \$ps$i" || { failed=$((failed + 1)); diag "ps $i: $(cat "$TAP_TMP/ps$i.out")"; }
done
is "$failed" 0 "four ps at once over ssh:// all succeed"
is "$(($(accepted) - before))" 1 "... over one SSH connection"
pid=$(master_pid "$TAP_TMP/run-cli")
[ -n "$pid" ] && kill -KILL "$pid"
before=$(accepted)
run env XDG_RUNTIME_DIR="$TAP_TMP/run-cli" "$BERTH" -H "$SPEC" ps -a
is "$RC" 0 "the master killed (pid $pid), the next call works" || tap_show_last
is "$(($(accepted) - before))" 1 "... over a new connection"
run env XDG_RUNTIME_DIR="$TAP_TMP/run-cli" "$BERTH" -H "$SPEC" version
is "$(($(accepted) - before))" 1 "... which the call after it shares"
chmod 755 "$TAP_TMP/run-cli/berth-ssh"
run env XDG_RUNTIME_DIR="$TAP_TMP/run-cli" "$BERTH" -H "$SPEC" version
like "$RC $(err)" "^0 berth: .*run-cli/berth-ssh is not a private directory of this user: ssh:// connections are not shared" \
	"a sockets' directory others can enter: not shared, said, and the call works" || tap_show_last

# ---------------------------------------------------------------- failures
ssh_error()
{
	local label=$1 re=$2
	shift 2
	run env "$@" "$BERTH" -H "$SPEC" ps
	is "$RC" 1 "$label: ps fails" || tap_show_last
	ok $([ "$(wc -l <"$ERR")" -eq 1 ]; echo $?) "$label: ... in one line" || tap_show_last
	like "$(err)" "$re" "$label: ... with ssh's own words"
	ok $([ "$MS" -lt 15000 ]; echo $?) "$label: ... without hanging (${MS} ms)"
}
ssh_error "unknown host key" "^berth: cannot reach the Docker engine at $SPEC: Host key verification failed\.$" \
	BERTH_SSH_OPTS="$(ssh_opts "$S/id_test" "$S/empty_known_hosts")"
ssh_error "refused key" "^berth: cannot reach the Docker engine at $SPEC: root@127\.0\.0\.1: Permission denied \(publickey\)\.$" \
	BERTH_SSH_OPTS="$(ssh_opts "$S/id_other" "$S/known_hosts")"
CLOSED=$(free_port)
run env "$BERTH" -H "ssh://root@127.0.0.1:$CLOSED" ps
like "$RC $(err)" "^1 berth: cannot reach .*: ssh: connect to host 127\.0\.0\.1 port $CLOSED: Connection refused$" \
	"nothing listening: ssh's own sentence" || tap_show_last
# A prompt would need a terminal: ssh gets none, even with BatchMode turned off
# in the options and a password it could ask for.
run script -qec "env BERTH_SSH_OPTS='$(ssh_opts "$S/id_other" "$S/known_hosts") -o BatchMode=no -o PasswordAuthentication=yes' $BERTH -H $SPEC ps" /dev/null
unlike "$(out)" "[Pp]assword|passphrase" "no password prompt, even on a terminal" || tap_show_last
like "$(out)" "Permission denied" "... the refusal is told instead"

# ---------------------------------------------------------------- ssh_options
cat >"$TAP_TMP/berth.conf" <<CONF
[general]
connect_timeout = 30
[endpoint far]
host = $SPEC
ssh_options = $(ssh_opts "$S/id_test" "$S/known_hosts")
CONF
run env -u BERTH_SSH_OPTS "$BERTH" -c "$TAP_TMP/berth.conf" -H far version
is "$RC" 0 "a config endpoint's ssh_options reach ssh" || tap_show_last
run env -u BERTH_SSH_OPTS BERTH_SSH_OPTS='-o "unclosed' "$BERTH" -H "$SPEC" ps
like "$RC $(err)" "^1 berth: bad ssh options for $SPEC" "unbalanced quotes in the ssh options are refused" || tap_show_last

tap_done
