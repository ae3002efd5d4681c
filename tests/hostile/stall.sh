#!/bin/sh
# tests/hostile/stall.sh: streams whose engine sends the headers and a first
# piece, then falls silent for ever (engine-wire.py's stall mode).
#   - `berth logs` (not following) and `berth exec` give up after the stall
#     timeout with one error line and a failure status, after passing on what
#     came; BERTH_STALL_TIMEOUT and an endpoint's stall_timeout set it, 0 turns
#     it off, a bad value is refused in one line;
#   - `berth logs -f` is silent as long as the container is: it does not time
#     out, and Ctrl-C still ends it; over TCP its connection has keepalive on;
#   - on the real engine, an exec whose command is silent for longer than the
#     stall timeout (sleep) is not given up on, since the engine says it runs;
#   - `cp` both ways and `mount` give up the same way and leave nothing behind;
#     a session (`exec -t`, `exec -i`) whose engine froze (answers nothing, not
#     even the ping) gives up once a probe has waited the stall timeout too.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP_SRCDIR/tests/lib/tap.sh"
BERTH=${BERTH:-$PWD/ui/berth}
RUN_DEADLINE=30
DOCKER_SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
IMAGE=${BERTH_TEST_IMAGE:-berth-test/busybox:latest}
STALL=3

[ -x "$BERTH" ] || skip_all "no berth binary at $BERTH"
[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 for the scripted engine"

W=$TAP_TMP/w
mkdir -p "$W/sock"
/usr/bin/python3 "$TOP_SRCDIR/tests/hostile/engine-wire.py" "$W/sock" 2>"$W/engine.log" &
ENGINE=$!
CTR=
trap 'kill "$ENGINE" 2>/dev/null; [ -n "$CTR" ] && docker -H "unix://$DOCKER_SOCK" rm -f "$CTR" >/dev/null 2>&1' EXIT
for _ in $(seq 100); do [ -e "$W/sock/ready" ] && break; sleep 0.1; done
[ -e "$W/sock/ready" ] || bail_out "engine-wire.py did not start: $(tail -3 "$W/engine.log")"
export HOME=$W BERTH_CONFIG=/dev/null
unset BERTH_STALL_TIMEOUT

H() { echo "unix://$W/sock/$1.sock"; }

# stalled DESC LIMIT_MS: the last run gave up on a silent engine: a failure
# status, one berth error line saying so, after the stall timeout, within LIMIT_MS.
stalled()
{
	local desc=$1 limit=$2
	[ "$RC" != 0 ] && [ "$RC" != 137 ]
	ok $? "$desc: a failure status ($RC after $MS ms)" || tap_show_last
	is "$(grep -c '^berth: ' "$ERR")" 1 "$desc: exactly one error line" || tap_show_last
	like "$(cat "$ERR")" "sent nothing for $STALL s" "$desc: the line says the engine went silent"
	[ "$MS" -ge $((STALL * 1000 - 200)) ] && [ "$MS" -le "$limit" ]
	ok $? "$desc: given up after the stall timeout, within $limit ms ($MS ms)"
}

# given_up DESC LIMIT_MS: stalled, and what came before the silence was passed on.
given_up()
{
	stalled "$1" "$2"
	is "$(head -n 1 "$OUT")" "line 0" "$1: what came before the silence was passed on"
}

# A hang bound: what matters is that it gives up at all, after the stall timeout.
LIMIT=$((STALL * 1000 + 10000))
BERTH_STALL_TIMEOUT=$STALL run "$BERTH" -H "$(H stall-logs)" logs victim
given_up "logs, BERTH_STALL_TIMEOUT=$STALL" "$LIMIT"
BERTH_STALL_TIMEOUT=$STALL run "$BERTH" -H "$(H stall-exec)" exec victim true
given_up "exec, BERTH_STALL_TIMEOUT=$STALL" "$LIMIT"

# The endpoint's stall_timeout in the configuration file.
printf '[endpoint stalling]\nhost = %s\nstall_timeout = %s\n' "$(H stall-logs)" "$STALL" >"$W/berth.conf"
run "$BERTH" -c "$W/berth.conf" -H stalling logs victim
given_up "logs, stall_timeout = $STALL in the endpoint's section" "$LIMIT"

BERTH_STALL_TIMEOUT=$STALL run "$BERTH" -H "$(H stall-archive)" cp victim:/f "$W/out"
stalled "cp from a container" "$LIMIT"
[ ! -e "$W/out" ] && [ -z "$(ls -A "$W" | grep '^\.berth-')" ]; ok $? "cp from a container: nothing left behind"
printf 'small\n' >"$W/small"
BERTH_STALL_TIMEOUT=$STALL run "$BERTH" -H "$(H stall-put)" cp "$W/small" victim:/d
stalled "cp into a container (the engine reads nothing)" "$LIMIT"
BERTH_STALL_TIMEOUT=$STALL run "$BERTH" -H "$(H stall-export)" mount victim "$W/root"
stalled "mount" "$LIMIT"
[ ! -e "$W/root" ]; ok $? "mount: nothing left behind"
# A frozen engine: the session's probe, and the resize, wait the stall timeout each.
for o in -t -i; do
	BERTH_STALL_TIMEOUT=$STALL run "$BERTH" -H "$(H frozen-exec)" exec $o victim sh
	stalled "exec $o, the engine frozen" $((3 * STALL * 1000 + 2500))
	curl -sf -m 5 --unix-socket "$W/sock/frozen-exec.sock" http://engine/thaw >/dev/null
done
# An engine that says the command has ended before it has sent its last output.
run "$BERTH" -H "$(H late-exec)" exec -i victim sh </dev/null
is "$RC:$(cat "$OUT"):$(cat "$ERR")" "0:late line:late err" \
	"exec -i: output that comes after the engine said the command ended is all passed on" || tap_show_last

# Events: a frozen engine is given up on once its ping, too, has waited the
# stall timeout; a quiet one (it answers the ping) is waited for (below).
BERTH_STALL_TIMEOUT=$STALL run "$BERTH" -H "$(H frozen-events)" events
stalled "events, the engine frozen" $((2 * STALL * 1000 + 2500))
[ "$(wc -l <"$OUT")" -ge 1 ]; ok $? "events, the engine frozen: the events that came were printed"
# stats: a sample that stalls is given up on, said once, its row all --, status 1.
BERTH_STALL_TIMEOUT=$STALL run "$BERTH" -H "$(H stall-stats)" stats --no-stream victim
[ "$RC" = 1 ] && grep -q 'victim' "$OUT"
ok $? "stats --no-stream, the samples stalled: ends with the row, status 1 ($RC after $MS ms)" || tap_show_last
like "$(grep victim "$OUT")" 'victim +-- +-- +-- +-- +-- +-- *$' "stats --no-stream, the samples stalled: every value is --"
is "$(grep -c '^berth: ' "$ERR")" 1 "stats --no-stream, the samples stalled: one error line" || tap_show_last
like "$(cat "$ERR")" "stats of victim: .*sent nothing for $STALL s" "stats: the line names the container and the silence"
BERTH_STALL_TIMEOUT=$STALL run "$BERTH" -H "$(H stall-stats)" stats --no-stream --format json victim
[ "$RC" = 1 ] && grep -q '"pids":null' "$OUT" && grep -q '"error":".*sent nothing' "$OUT"
ok $? "stats --format json, the samples stalled: null values, the reason, status 1" || tap_show_last

BERTH_STALL_TIMEOUT=soon run "$BERTH" -H "$(H stall-logs)" logs victim
[ "$RC" != 0 ] && [ "$MS" -lt 10000 ] && [ "$(wc -l <"$ERR")" = 1 ]
ok $? "a bad BERTH_STALL_TIMEOUT: refused in one line, without waiting on the engine" || tap_show_last
like "$(cat "$ERR")" 'BERTH_STALL_TIMEOUT must be a number' "a bad BERTH_STALL_TIMEOUT: named"

# still_running DESC SECONDS CMD...: CMD is still running after SECONDS, and
# Ctrl-C then ends it without a hang (10 s).
still_running()
{
	local desc=$1 secs=$2 pid t1 ms alive=1
	shift 2
	"$@" >"$OUT" 2>"$ERR" &
	pid=$!
	sleep "$secs"
	kill -0 "$pid" 2>/dev/null && alive=0
	ok $alive "$desc: still waiting after $secs s" || { RC=?; tap_show_last; }
	[ -n "${SS_PORT:-}" ] && SS_LINE=$(ss -tnoH state established "( dport = :$SS_PORT )" 2>/dev/null)
	sigint_caught "$pid"
	kill -INT "$pid" 2>/dev/null
	t1=$(date +%s%N)
	wait "$pid"
	ms=$((($(date +%s%N) - t1) / 1000000))
	[ "$ms" -le 10000 ]; ok $? "$desc: Ctrl-C ends it ($ms ms)"
}

BERTH_STALL_TIMEOUT=0 still_running "logs with BERTH_STALL_TIMEOUT=0" $((STALL + 2)) \
	"$BERTH" -H "$(H stall-logs)" logs victim
BERTH_STALL_TIMEOUT=$STALL still_running "logs -f (legitimately silent)" $((2 * STALL)) \
	"$BERTH" -H "$(H stall-logs)" logs -f victim
BERTH_STALL_TIMEOUT=$STALL still_running "events of a quiet engine (it answers the ping)" $((2 * STALL)) \
	"$BERTH" -H "$(H stall-events)" events
if command -v ss >/dev/null; then
	SS_PORT=$(cat "$W/sock/stall-logs.port")
	BERTH_STALL_TIMEOUT=$STALL still_running "logs -f over TCP" $((STALL + 1)) \
		"$BERTH" -H "tcp://127.0.0.1:$SS_PORT" logs -f victim
	like "$SS_LINE" 'timer:\(keepalive' "logs -f over TCP: the connection has TCP keepalive on" ||
		diag "ss: $SS_LINE"
	SS_PORT=
else
	skip 3 "no ss(8) to read the connection's timers"
fi

# The real engine: a silent command is not a stalled engine.
if command -v docker >/dev/null &&
	curl -sf --max-time 3 --unix-socket "$DOCKER_SOCK" http://d/_ping >/dev/null 2>&1 &&
	docker -H "unix://$DOCKER_SOCK" image inspect "$IMAGE" >/dev/null 2>&1; then
	CTR=t-harden-stall-$$
	docker -H "unix://$DOCKER_SOCK" run -d --name "$CTR" "$IMAGE" sleep 100000 >/dev/null
	BERTH_STALL_TIMEOUT=1 run "$BERTH" -H "unix://$DOCKER_SOCK" exec "$CTR" \
		sh -c 'sleep 3; echo woke; exit 3'
	[ "$RC" = 3 ] && [ "$(cat "$OUT")" = woke ] && [ ! -s "$ERR" ]
	ok $? "real engine: exec sh -c 'sleep 3; ...' with a 1 s stall timeout runs to its end (status $RC)" ||
		tap_show_last
else
	skip 1 "no Docker engine at $DOCKER_SOCK with $IMAGE"
fi

tap_done
