# lib.sh: helpers for the dashboard's screen tests (sourced). TAP output, a
# private tmux server per test, polling with deadlines (never fixed sleeps),
# containers named t-dash-*, and a private Docker engine for the stall tests.
# Every test cleans up what it started, by name or pid, never by pattern.
#
# No deadline here is a speed claim: the tests must pass on a machine loaded by
# other work and under the sanitizers, so every wait is a generous hang bound
# (HANG_S, KEY_HANG_MS) and a duration is only printed. How fast the dashboard
# answers is measured by `make bench` (bench/dashboard.py).

BERTH=${BERTH:-$TOP_BUILDDIR/ui/berth}
DOCKER_SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
IMAGE=${BERTH_TEST_IMAGE:-berth-test/busybox:latest}
T_N=0
T_FAILED=0
CLEANUPS=

ok() {	# ok COND-EXIT-STATUS DESCRIPTION; fails as the condition did (ok ... || show)
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"; return 0; fi
	echo "not ok $T_N - $2"
	T_FAILED=$((T_FAILED + 1))
	return 1
}

diag() { echo "# $*"; }

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

done_testing() { echo "1..$T_N"; [ "$T_FAILED" -eq 0 ]; }

at_exit() { CLEANUPS="$1; $CLEANUPS"; }

run_cleanups() { eval "$CLEANUPS"; }
trap run_cleanups EXIT

# The wall clock in milliseconds, from bash's own clock: the tests read it in
# every polling loop, and a process per reading adds up on a shared machine.
now_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo "${us:0:-3}"; }

# docker with the test's engine.
dk() { docker -H "unix://$DOCKER_SOCK" "$@"; }

need_engine() {
	[ -x "$BERTH" ] || skip_all "berth is not built"
	command -v docker >/dev/null || skip_all "no docker client"
	curl -sf --max-time 3 --unix-socket "$DOCKER_SOCK" http://d/_ping >/dev/null 2>&1 ||
		skip_all "no Docker engine at $DOCKER_SOCK"
	dk image inspect "$IMAGE" >/dev/null 2>&1 || skip_all "image $IMAGE is not loaded"
}

need_tmux() { command -v tmux >/dev/null || skip_all "no tmux"; }

# The private Podman service of tests/lib/engines.sh ($PODMAN_SOCK, its test
# image $PODMAN_TEST_IMAGE), and pm: the docker client on it.
need_podman() {
	. "$TOP_SRCDIR/tests/lib/engines.sh"
	engine_podman_ensure 2>/dev/null && engine_image_ensure_podman 2>/dev/null ||
		skip_all "no Podman service for the tests here"
}
pm() { docker -H "unix://$PODMAN_SOCK" "$@"; }

# A container of ours, removed at exit: ctr NAME ARGS...
ctr() {
	local name=$1; shift
	dk rm -f "$name" >/dev/null 2>&1
	at_exit "dk rm -f $name >/dev/null 2>&1"
	dk run -d --name "$name" "$@" >/dev/null
}

# ---------------------------------------------------------------- tmux

TMUX_L="berth-dash-$$"
tm() { tmux -L "$TMUX_L" "$@"; }

# tm_start COLS ROWS CMD...: the dashboard in a private tmux server.
tm_start() {
	local cols=$1 rows=$2; shift 2
	at_exit "tmux -L $TMUX_L kill-server >/dev/null 2>&1"
	tm -f /dev/null new-session -d -s s -x "$cols" -y "$rows" "$*"
	tm set-option -w -t s remain-on-exit on
}

screen() { tm capture-pane -p -t s; }

# gone PID: the process has exited. A zombie counts: a tmux server under load can
# take seconds to reap its pane's process.
gone() {
	local stat
	# One read: a zombie reaped between a test for /proc/PID and the read is gone.
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	[ -z "$stat" ] || [ "${stat%% *}" = Z ]
}

# tm_quit: Esc then q, and wait (a hang bound) for the dashboard to end.
tm_quit() {
	local pid
	pid=$(pane_pid)
	tm send-keys -t s Escape
	tm send-keys -t s q
	wait_until "$HANG_S" gone "$pid"
}

# exit_status PID: how the pane's process ended: tmux's pane_dead_status once it
# has reaped it, else the zombie's wait status from /proc/PID/stat (field 52).
exit_status() {
	local st w i
	# tmux may reap the process a moment before it records the pane's status.
	for i in $(seq 40); do
		st=$(tm display -p -t s '#{pane_dead_status}')
		[ -n "$st" ] || [ -e "/proc/$1/stat" ] && break
		sleep 0.05
	done
	if [ -z "$st" ] && [ -e "/proc/$1/stat" ]; then
		w=$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f50)
		[ -n "$w" ] && st=$(( (w & 127) == 0 ? w >> 8 : 128 + (w & 127) ))
	fi
	printf '%s\n' "$st"
}

# HANG_S: the least a wait lasts before it counts as a hang. KEY_HANG_MS: a key
# whose screen has not shown after this long hangs; it stays well under the
# 30 s an engine is frozen for in the stall tests, so a blocked UI is caught.
HANG_S=${BERTH_TEST_HANG_S:-20}
KEY_HANG_MS=10000

# wait_until SECONDS CMD...: run CMD until it succeeds, every 20 ms for the
# first half second, then every 100 ms (each look at the screen is a tmux
# client, and a long wait must not eat a shared machine's CPU); 0 when it
# succeeds, 1 after SECONDS, or after HANG_S when SECONDS is shorter.
wait_until() {
	local seconds=$(( $1 > HANG_S ? $1 : HANG_S )) tries=0 us
	local deadline=$(( $(now_ms) + seconds * 1000 ))
	shift
	while us=${EPOCHREALTIME//[!0-9]/}; [ "${us:0:-3}" -lt "$deadline" ]; do
		"$@" && return 0
		if [ $((++tries)) -le 25 ]; then sleep 0.02; else sleep 0.1; fi
	done
	return 1
}

# timed_out WHAT: say what was awaited in vain, with the screen; returns 1.
timed_out() { diag "timed out waiting for $1"; screen | sed 's/^/#   /'; return 1; }

shows() { [[ $(screen) == *"$1"* ]]; }
shows_re() { screen | grep -qE -- "$1"; }	# an extended regular expression
hides() { ! shows "$1"; }

# said_or_noticed TEXT: the screen shows TEXT, or the last line (the message
# line) shows a notice about another test's container (one not named $P-…)
# that replaced it: other tests share the engine, and that is all it may be
# replaced by.
said_or_noticed() {
	shows "$1" ||
		screen | tail -n 1 | grep -E ' on [a-z]+://[^ ]+ (died|turned unhealthy)' |
			grep -vqF "$P-"
}
# wait_said TEXT [SECONDS]: until said_or_noticed TEXT
wait_said() { wait_until "${2:-10}" said_or_noticed "$1" || timed_out "$1"; }

# wait_for TEXT [SECONDS]: poll the pane until TEXT shows; 0 when it does.
wait_for() { wait_until "${2:-10}" shows "$1" || timed_out "$1"; }

# wait_gone TEXT [SECONDS]
wait_gone() { wait_until "${2:-10}" hides "$1" || timed_out "the end of: $1"; }

# key_latency_ms KEY TEXT: send KEY, print how long TEXT took to show; more
# than KEY_HANG_MS when it did not show within that (a hang).
key_latency_ms() {
	local t0 deadline; t0=$(now_ms); deadline=$((t0 + KEY_HANG_MS))
	tm send-keys -t s "$1"
	while ! screen | grep -qF -- "$2"; do
		[ "$(now_ms)" -le "$deadline" ] || { echo $((KEY_HANG_MS + 1)); return; }
		sleep 0.005
	done
	echo $(( $(now_ms) - t0 ))
}

pane_pid() { tm display -p -t s '#{pane_pid}'; }

# ---------------------------------------------------------------- private engine

# need_private_dockerd: skip unless this test may start a dockerd of its own.
need_private_dockerd() {
	[ "$(id -u)" = 0 ] || skip_all "a private dockerd needs root"
	command -v dockerd >/dev/null || skip_all "no dockerd"
}

# pd_start DIR: a private dockerd (own data root, exec root, socket, pidfile,
# containerd namespace and bridge) that the test may stop, freeze and restart.
# Never --bridge=none: that deletes the shared engine's docker0.
pd_start() {
	PD_DIR=$1
	mkdir -p "$PD_DIR/data" "$PD_DIR/exec"
	PD_SOCK=$PD_DIR/docker.sock
	PD_BRIDGE=${PD_BRIDGE:-bd$$}
	PD_BRIDGE=$(printf '%.15s' "$PD_BRIDGE")
	if ! ip link show "$PD_BRIDGE" >/dev/null 2>&1; then
		ip link add "$PD_BRIDGE" type bridge || return 1
		ip addr add "10.213.$(( $$ % 200 + 20 )).1/24" dev "$PD_BRIDGE"
		ip link set "$PD_BRIDGE" up
		at_exit "ip link del $PD_BRIDGE >/dev/null 2>&1"
	fi
	pd_launch
}

# pd_engine TAG: the test's engine is a private dockerd (bridge TAG$$), or the
# test is skipped; DOCKER_SOCK then names it.
pd_engine() {
	need_private_dockerd
	PD_DIR=$(mktemp -d "/tmp/berth-$1.XXXXXX")
	PD_BRIDGE=$(printf '%.4s' "$1")$$
	at_exit pd_cleanup
	pd_start "$PD_DIR" || { sed 's/^/# /' "$PD_DIR/dockerd.log" | tail -n 20; skip_all "the private dockerd did not start"; }
	pd_load_image
	DOCKER_SOCK=$PD_SOCK
}

# wait_ping SOCK: an engine answers GET /_ping on unix socket SOCK (15 s at most).
wait_ping() {
	local i
	for i in $(seq 150); do
		curl -sf --max-time 1 --unix-socket "$1" http://d/_ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# PD_ARGS: more dockerd options (another -H, TLS), word-split.
pd_launch() {
	setsid dockerd --data-root "$PD_DIR/data" --exec-root "$PD_DIR/exec" -p "$PD_DIR/docker.pid" \
		-H "unix://$PD_SOCK" $PD_ARGS -b "$PD_BRIDGE" --iptables=false --ip-masq=false \
		--containerd-namespace "berth-dash-$$" --containerd-plugins-namespace "berth-dash-$$-p" \
		>>"$PD_DIR/dockerd.log" 2>&1 &
	PD_LAUNCHER=$!
	wait_ping "$PD_SOCK"
	PD_PID=$(cat "$PD_DIR/docker.pid" 2>/dev/null)
	[ -n "$PD_PID" ] && curl -sf --max-time 1 --unix-socket "$PD_SOCK" http://d/_ping >/dev/null
}

# pd_stop: stop the private engine by its pid and wait for it to go.
pd_stop() {
	[ -n "$PD_PID" ] || return 0
	kill -CONT "$PD_PID" 2>/dev/null
	kill -TERM "$PD_PID" 2>/dev/null
	local i
	for i in $(seq 200); do kill -0 "$PD_PID" 2>/dev/null || break; sleep 0.1; done
	PD_PID=
}

# pd_cleanup: containers, engine, files.
pd_cleanup() {
	[ -n "$PD_DIR" ] || return 0
	if [ -n "$PD_PID" ]; then
		kill -CONT "$PD_PID" 2>/dev/null
		docker -H "unix://$PD_SOCK" ps -aq 2>/dev/null | xargs -r docker -H "unix://$PD_SOCK" rm -f >/dev/null 2>&1
	fi
	pd_stop
	umount -R "$PD_DIR/exec" "$PD_DIR/data" >/dev/null 2>&1
	rm -rf "$PD_DIR"
}

# pd_load_image: the busybox test image, from the shared engine or busybox-static.
pd_load_image() {
	if docker -H "unix://$DOCKER_SOCK" image inspect "$IMAGE" >/dev/null 2>&1; then
		docker -H "unix://$DOCKER_SOCK" save "$IMAGE" | docker -H "unix://$PD_SOCK" load >/dev/null
	else
		local r; r=$(mktemp -d)
		mkdir -p "$r/bin" "$r/tmp" "$r/etc" "$r/www"
		cp /bin/busybox "$r/bin/"
		for a in $("$r/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
		tar -C "$r" -c . | docker -H "unix://$PD_SOCK" import - "$IMAGE" >/dev/null
		rm -rf "$r"
	fi
}

# wait_row NAME TEXT [SECONDS]: the table row of NAME shows TEXT.
row_shows() { screen | grep -F -- "$1 " | grep -qF -- "$2"; }
wait_row() { wait_until "${3:-10}" row_shows "$1" "$2" || timed_out "row $1 to show: $2"; }

# wait_line N TEXT [SECONDS]: line N of the pane shows TEXT.
line_shows() { screen | sed -n "$1p" | grep -qF -- "$2"; }
wait_line() { wait_until "${3:-10}" line_shows "$1" "$2" || timed_out "line $1 to show: $2"; }

# logs_full NAME: the table filtered to container NAME (running), its log pane
# opened on the whole body.
logs_full() {
	set_filter "$1"
	wait_row "$1" running >/dev/null
	tm send-keys -t s l l
	wait_line 2 "logs $1" 5 >/dev/null
}

# set_filter TEXT: replace the table filter.
# select_image TEXT: in the images view, move down from the top until the
# title names TEXT.
select_image() {
	local i
	tm send-keys -t s g
	for i in $(seq 60); do
		line_shows 2 "$1" && return 0
		tm send-keys -t s j
		sleep 0.1
	done
	timed_out "the title to name $1"
}

# form_field LABEL TEXT: a form's field LABEL holds TEXT (the run form).
form_field() { screen | grep -qE -- "^ *$1 +$(printf '%s' "$2" | sed 's/[][\.*^$/]/\\&/g')( |\$)"; }
# tab_until LABEL TEXT: Tab, then LABEL holds TEXT (for wait_until: a list may
# still be coming).
tab_until() { tm send-keys -t s Tab; sleep 0.3; form_field "$1" "$2"; }
type_line() { tm send-keys -t s -l "$1"; }

# row_selected NAME: NAME's row is the one drawn selected (reverse video).
row_selected() {
	tm capture-pane -p -e -t s | grep -F -- "$1 " | grep -qE $'^\033\\[([0-9]*;)*7m'
}

set_filter() {
	tm send-keys -t s /
	wait_for "filter:" 5 >/dev/null
	tm send-keys -t s C-u
	tm send-keys -t s -l "$1"
	tm send-keys -t s Enter
	wait_for "filter \"$1\"" 5 >/dev/null
}

# ---------------------------------------------------------------- a frozen endpoint
# freeze KIND LABEL PID NAME: the dashboard shows endpoint LABEL with container
# NAME; after a quiet while, PID (its engine) is stopped (SIGSTOP). The status
# line must say LABEL is not answering and NAME's row when it was last
# confirmed. FROZEN_MS: how long the status line took (a figure; 20 s bounds a
# hang).
freeze() {
	local kind=$1 label=$2 pid=$3 name=$4 t0
	sleep 3
	t0=$(now_ms)
	kill -STOP "$pid"
	at_exit "kill -CONT $pid 2>/dev/null"
	wait_for "$label: not answering for" 20 >/dev/null
	ok $? "$kind: with the engine stopped, the status line says it is not answering"
	FROZEN_MS=$(( $(now_ms) - t0 ))
	wait_row "$name" "seen " 10
	ok $? "$kind: its row says when it was last confirmed ($(screen | grep -F "$name " | sed 's/  */ /g'))"
}

# thaw KIND LABEL PID NAME: after SIGCONT, LABEL is connected and NAME's row
# confirmed again. THAWED_MS: how long until the status line said connected,
# CONFIRMED_MS until the row was confirmed (figures).
thaw() {
	local kind=$1 label=$2 pid=$3 name=$4 t0 said
	t0=$(now_ms)
	kill -CONT "$pid"
	wait_for "$label: connected" 30 >/dev/null
	said=$?
	THAWED_MS=$(( $(now_ms) - t0 ))
	wait_until 30 eval "! row_shows $name 'seen '" && [ $said = 0 ]
	ok $? "$kind: after SIGCONT it is connected again and the row confirmed"
	CONFIRMED_MS=$(( $(now_ms) - t0 ))
}
