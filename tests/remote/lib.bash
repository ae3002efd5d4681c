# tests/remote/lib.bash: fixtures shared by the remote-endpoint tests (bash).
# Sourced after tests/lib/tap.sh. Every process a test starts is recorded with
# remote_started PID and ended by remote_cleanup (an EXIT trap), by its pid.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${BERTH:=$TOP_BUILDDIR/ui/berth}"
. "$TOP_SRCDIR/tests/lib/tap.sh"
. "$TOP_SRCDIR/tests/lib/engines.sh"
. "$TOP_SRCDIR/tests/lib/certs.sh"

[ -x "$BERTH" ] || bail_out "berth is not built at $BERTH"
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_TLS DOCKER_CERT_PATH BERTH_CONFIG BERTH_SSH_OPTS
export XDG_CONFIG_HOME=$TAP_TMP/config
mkdir -p "$XDG_CONFIG_HOME"
# Containers of this run: the tag of the remote tests and a hash of the build tree.
P=t-remote-$(printf '%s' "$TOP_BUILDDIR" | md5sum | cut -c1-6)-
REMOTE_PIDS=()

D() { docker -H "unix://$DOCKER_SOCK" "$@"; }

remote_started() { REMOTE_PIDS+=("$1"); }

# End what this test started (by pid) and remove its containers.
remote_cleanup()
{
	local pid ids
	for pid in "${REMOTE_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	ids=$(D ps -a --format '{{.ID}} {{.Names}}' 2>/dev/null | awk -v p="$P$REMOTE_TEST-" 'index($2, p) == 1 { print $1 }')
	[ -n "$ids" ] && D rm -f $ids >/dev/null 2>&1
	rm -rf "$TAP_TMP"
	return 0
}

# Scripted stand-ins (tests/remote/standin.py) in directory $1: $2 of them with
# $3 containers each, the last $4 stalling; waits until they listen.
standins_start()
{
	mkdir -p "$1"
	setsid /usr/bin/python3 "$TOP_SRCDIR/tests/remote/standin.py" "$@" </dev/null >"$TAP_TMP/standin.log" 2>&1 &
	remote_started $!
	local i
	for i in $(seq 100); do [ -e "$1/ready" ] && return 0; sleep 0.1; done
	bail_out "the stand-ins did not start: $(tail -3 "$TAP_TMP/standin.log")"
}

# remote_tmux: the dashboard tests' helpers (tests/screen/lib.sh: their ok,
# diag and done_testing take over from tap.sh's, the same TAP lines, so the
# checks use ok alone), remote_cleanup at exit; the test is skipped without tmux.
remote_tmux()
{
	. "$TOP_SRCDIR/tests/screen/lib.sh"
	at_exit remote_cleanup
	need_tmux
}

# fleet_standins N CONTAINERS [OPTION...]: N stand-ins in $SD with CONTAINERS
# idle containers each, none stalling (OPTIONs: standin.py's), and the
# configuration file $CONF naming them s000, s001, ... and the group "fleet"
# of them all: hundreds of -H would pass tmux's limit on a command's length.
# Sets NSTAND, NCTR and WANT, the rows they list.
fleet_standins()
{
	NSTAND=$1 NCTR=$2 WANT=$(($1 * $2)) SD=$TAP_TMP/standins CONF=$TAP_TMP/berth.conf
	STANDIN_OPTIONS=("${@:3}")
	standins_start "$SD" "$NSTAND" "$NCTR" 0 "${STANDIN_OPTIONS[@]}"
	FLEET_PID=${REMOTE_PIDS[-1]}
	local s
	for s in $(seq 0 $((NSTAND - 1))); do
		printf '[endpoint s%03d]\nhost = unix://%s/s%02d.sock\n' "$s" "$SD" "$s"
	done >"$CONF"
	printf '[group fleet]\nmatch = s*\n' >>"$CONF"
}

# The fleet's stand-ins gone at once, as behind a switch that reboots.
fleet_standins_kill()
{
	{ kill -KILL "$FLEET_PID" && wait "$FLEET_PID"; } 2>/dev/null	# no "Killed" from bash
}

# The fleet's stand-ins back on the same sockets (the dead process's files
# removed first), with the same options.
fleet_standins_again()
{
	rm -f "$SD"/s*.sock "$SD/control.fifo" "$SD/ready"
	standins_start "$SD" "$NSTAND" "$NCTR" 0 "${STANDIN_OPTIONS[@]}"
	FLEET_PID=${REMOTE_PIDS[-1]}
}

# In the screen last captured into $TAP_TMP/screen: the status line counting
# the fleet's endpoints, and how many rows the title counts.
fleet_summary() { grep -E "^ *$NSTAND endpoints: " "$TAP_TMP/screen"; }
fleet_counted() { head -1 "$TAP_TMP/screen" | grep -oE '[0-9]+ containers' | cut -d' ' -f1; }

now_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo "${us:0:-3}"; }

# wait_screen ERE [SECONDS]: wait until the test's `screen` shows ERE, at least
# HANG_S seconds (the test's hang bound); on a timeout the screen goes to diag.
wait_screen()
{
	local seconds=$(( ${2:-0} > HANG_S ? ${2:-0} : HANG_S )) tries=0 us
	local deadline=$(($(now_ms) + seconds * 1000))
	# Every 10 ms for the first half second, then every 100 ms: a long wait
	# must not eat a shared machine's CPU with tmux clients.
	while us=${EPOCHREALTIME//[!0-9]/}; [ "${us:0:-3}" -lt "$deadline" ]; do
		screen | grep -qE -- "$1" && return 0
		if [ $((++tries)) -le 50 ]; then sleep 0.01; else sleep 0.1; fi
	done
	diag "timed out waiting for: $1"
	screen | sed 's/^/#   /'
	return 1
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port()
{
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Wait up to 10 s until something listens on 127.0.0.1:$1.
wait_port()
{
	local i
	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# A mutual-TLS front end (socat) on 127.0.0.1:$1 for the shared engine's socket,
# with server certificate $2 and key $3, trusting client certificates of CA $4.
start_tls_proxy()
{
	setsid socat "OPENSSL-LISTEN:$1,bind=127.0.0.1,fork,reuseaddr,cert=$2,key=$3,cafile=$4,verify=1" \
		"UNIX-CONNECT:$DOCKER_SOCK" </dev/null >/dev/null 2>"$TAP_TMP/socat-$1.log" &
	remote_started $!
	wait_port "$1"
}

# The core verbs (ps, inspect, logs, exec, cp, kill) through berth "$@", on a
# container made with the docker client on the shared engine.
core_verbs()
{
	local label=$1 name=$P$REMOTE_TEST-$2
	shift 2
	D rm -f "$name" >/dev/null 2>&1
	D run -d --name "$name" "$TEST_IMAGE" sh -c 'echo hello-from-$HOSTNAME; exec sleep 100000' >/dev/null ||
		{ skip 8 "cannot start a container"; return; }
	local id
	id=$(D inspect -f '{{.Id}}' "$name")
	run "$BERTH" "$@" ps
	grep -q "$name" "$OUT"; ok $? "$label: ps lists the container" || tap_show_last
	run "$BERTH" "$@" inspect "$name"
	like "$(out)" "\"Id\": *\"$id\"" "$label: inspect gives the engine's document" || tap_show_last
	run "$BERTH" "$@" logs "$name"
	like "$(out)" "hello-from-" "$label: logs" || tap_show_last
	run "$BERTH" "$@" exec "$name" sh -c 'echo out; echo err >&2; exit 3'
	is "$RC $(out) $(err)" "3 out err" "$label: exec keeps stdout, stderr and the exit code" || tap_show_last
	printf 'payload %s\n' "$label" >"$TAP_TMP/in.txt"
	run "$BERTH" "$@" cp "$TAP_TMP/in.txt" "$name:/tmp/in.txt"
	is "$RC $(D exec "$name" cat /tmp/in.txt)" "0 payload $label" "$label: cp into the container" || tap_show_last
	rm -f "$TAP_TMP/back.txt"
	run "$BERTH" "$@" cp "$name:/tmp/in.txt" "$TAP_TMP/back.txt"
	is "$RC $(cat "$TAP_TMP/back.txt" 2>/dev/null)" "0 payload $label" "$label: cp out of the container" || tap_show_last
	run "$BERTH" "$@" kill "$name"
	is "$RC" 0 "$label: kill" || tap_show_last
	local i st=
	for i in $(seq 50); do
		st=$(D inspect -f '{{.State.Status}}' "$name" 2>/dev/null)
		[ "$st" = exited ] && break
		sleep 0.2
	done
	is "$st" exited "$label: ... the container stopped"
	D rm -f "$name" >/dev/null 2>&1
}
