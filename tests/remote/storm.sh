#!/bin/sh
# tests/remote/storm.sh: a reconnect storm (issue 15, item 4): 100 scripted
# STAND-INS in one process (tests/remote/standin.py: unix sockets answering
# like Docker, 20 idle made-up containers each; not engines) in one dashboard.
# Once all 2000 rows are counted the stand-ins' process is killed, so every
# endpoint drops at once, as behind a switch that reboots; the status line
# must then count none of them up, and a key must still answer. The stand-ins
# start again on the same sockets, and the dashboard must converge: all 100
# endpoints up again and 2000 rows counted, keys answering all along.
# Only hang bounds are asserted; the time to converge and the thread count are
# diagnostics (bench/fleet.py measures). As in fleet500.sh, "up" takes in
# "slow" and "stalled", the words for an endpoint that answers late, as the
# stand-ins do on a loaded machine; "down" and "connecting" are not up.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=storm
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
# The tmux helpers. Their ok, diag and done_testing take over from tap.sh's
# (the same TAP lines), so the checks below use ok alone.
. "$TOP_SRCDIR/tests/screen/lib.sh"
at_exit remote_cleanup
need_tmux
NSTAND=100
NCTR=20
WANT=$((NSTAND * NCTR))
SD=$TAP_TMP/standins
standins_start "$SD" "$NSTAND" "$NCTR" 0
CONF=$TAP_TMP/berth.conf
{
	for s in $(seq 0 $((NSTAND - 1))); do
		printf '[endpoint s%03d]\nhost = unix://%s/s%02d.sock\n' "$s" "$SD" "$s"
	done
	printf '[group fleet]\nmatch = s*\n'
} >"$CONF"

look() { screen >"$TAP_TMP/screen"; }
counted() { head -1 "$TAP_TMP/screen" | grep -oE '[0-9]+ containers' | cut -d' ' -f1; }
summary() { grep -E "^ *$NSTAND endpoints: " "$TAP_TMP/screen"; }
# in_class WORD: how many endpoints the status line counts as WORD (0 if none).
in_class() { summary | grep -oE "[0-9]+ $1\b" | head -1 | cut -d' ' -f1 | grep . || echo 0; }
# All reached (up, slow or stalled; none down or connecting) and all rows counted.
converged() {
	look
	summary >/dev/null && ! summary | grep -qE 'down|connecting' &&
		[ "$(counted)" = "$WANT" ]
}
# Every endpoint dropped: the status line counts none up, slow or connecting.
all_dropped() {
	look
	summary >/dev/null && [ $(($(in_class up) + $(in_class slow) + $(in_class connecting))) = 0 ]
}

# key_round_trip: the help screen and back; prints the latency of `?` in ms
# (more than KEY_HANG_MS for a hang).
KEY_HANG_MS=60000
key_round_trip() {
	local ms
	ms=$(key_latency_ms '?' "key map")
	tm send-keys -t s q
	wait_gone "key map" 60 >/dev/null
	echo "$ms"
}

tm_start 200 50 "exec $(printf '%q ' "$BERTH" -c "$CONF" -H @fleet)"
wait_until 120 converged || timed_out "$NSTAND endpoints up and $WANT rows"
ok $? "before the storm: $NSTAND endpoints reached and $WANT rows counted"
PID=$(pane_pid)
diag "threads before the storm: $(awk '/^Threads/ { print $2 }' "/proc/$PID/status")"

# The storm: every endpoint drops at once.
STANDIN_PID=${REMOTE_PIDS[-1]}
{ kill -KILL "$STANDIN_PID" && wait "$STANDIN_PID"; } 2>/dev/null	# no "Killed" from bash
t=$(now_ms)
wait_until 120 all_dropped || timed_out "all $NSTAND endpoints counted down"
ok $? "all $NSTAND endpoints dropped: the status line counts none up ($(($(now_ms) - t)) ms)"
diag "status line: $(summary | cut -c1-150)"
diag "title while down: $(head -1 "$TAP_TMP/screen" | cut -c1-150)"
ms=$(key_round_trip)
ok $([ "$ms" -le "$KEY_HANG_MS" ]; echo $?) "a key answers with every endpoint down ($ms ms)"

# They come back on the same sockets (the dead process's files removed first).
rm -f "$SD"/s*.sock "$SD/control.fifo" "$SD/ready"
standins_start "$SD" "$NSTAND" "$NCTR" 0
t=$(now_ms)
deadline=$((t + 120000))
lat=()
worst=0
# Keys during the recovery: a round trip, then a look, until it converges.
while :; do
	lat+=($(key_round_trip))
	[ "${lat[-1]}" -gt "$worst" ] && worst=${lat[-1]}
	[ "$worst" -gt "$KEY_HANG_MS" ] || converged || [ "$(now_ms)" -ge "$deadline" ] && break
done
converged
ok $? "after the storm: $NSTAND endpoints reached and $WANT rows counted again" || timed_out "convergence"
diag "time to converge: $(($(now_ms) - t)) ms; threads: $(awk '/^Threads/ { print $2 }' "/proc/$PID/status")"
diag "status line: $(summary | cut -c1-150)"
diag "key latency during the recovery (ms, includes tmux polling): ${lat[*]}"
ok $([ "$worst" -le "$KEY_HANG_MS" ]; echo $?) "keys answer during the recovery (worst $worst ms of ${#lat[@]})"
tm_quit
done_testing
