#!/bin/sh
# tests/remote/storm.sh: a reconnect storm (issue 15, item 4): 100 scripted
# STAND-INS in one process (tests/remote/standin.py: unix sockets answering
# like Docker, 20 idle made-up containers each; not engines) in one dashboard.
# Once all 2000 rows are counted the stand-ins' process is killed, so every
# endpoint drops at once, as behind a switch that reboots; the status line
# must then count none of them up, and a key must still answer. The stand-ins
# start again on the same sockets, and the dashboard must converge: all 100
# endpoints up again and 2000 rows counted, keys answering all along.
#
# What the issue asks of the storm is seen from the stand-ins' side, in their
# log of requests (standin.py's "log"): each events request waits a little for
# its reply's headers (events-delay), so that connection attempts overlap, and
# never more than STREAM_CONNECTS_MAX (src/streams.h) wait at once, from the
# start to the end. After the storm each endpoint's events stream comes back
# with the jittered back-off (EVENTS_RETRY, ui/dash-feed.c: 2 s ±20 %) after
# the list that found its engine again: never sooner than 1.6 s after that
# list was answered, and for at least one endpoint sooner than 2 s, which a
# back-off without jitter never is. Both hold however slow the machine: it
# only adds to the wait, and of the hundred draws some fall near 1.6 s.
#
# Only hang bounds are asserted; the time to converge and the thread count are
# diagnostics (bench/fleet.py measures). As in fleet500.sh, "up" takes in
# "slow" and "stalled", the words for an endpoint that answers late, as the
# stand-ins do on a loaded machine; "down" and "connecting" are not up.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=storm
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
remote_tmux
CONNECTS_MAX=$(awk '$2 == "STREAM_CONNECTS_MAX" { print $3 }' "$TOP_SRCDIR/src/streams.h")
[ -n "$CONNECTS_MAX" ] || bail_out "no STREAM_CONNECTS_MAX in src/streams.h"
fleet_standins 100 20 log events-delay=0.3

look() { screen >"$TAP_TMP/screen"; }
# in_class WORD: how many endpoints the status line counts as WORD (0 if none).
in_class() { fleet_summary | grep -oE "[0-9]+ $1\b" | head -1 | cut -d' ' -f1 | grep . || echo 0; }
# All reached (up, slow or stalled; none down or connecting) and all rows counted.
converged() {
	look
	fleet_summary >/dev/null && ! fleet_summary | grep -qE 'down|connecting' &&
		[ "$(fleet_counted)" = "$WANT" ]
}
# Every endpoint dropped: the status line counts none up, slow or connecting.
all_dropped() {
	look
	fleet_summary >/dev/null && [ $(($(in_class up) + $(in_class slow) + $(in_class connecting))) = 0 ]
}

# From the stand-ins' log: the most events requests that waited for their
# reply's headers at once, how many endpoints opened an events stream since the
# stand-ins last started and how long after the list that found their engine
# again (the shortest, the longest), in seconds.
storm_log() {
	/usr/bin/python3 - "$SD/requests.log" <<'EOF'
import sys
waiting = peak = 0
listed, subscribed = {}, {}
for line in open(sys.argv[1]):
    t, what, *rest = line.split()
    if what == "start":
        waiting, listed, subscribed = 0, {}, {}
        continue
    s, path = rest[0], rest[1].split("?")[0]
    if path.endswith("/events"):
        waiting += 1 if what == "asked" else -1
        peak = max(peak, waiting)
        if what == "asked":
            subscribed.setdefault(s, float(t))
    elif path.endswith("/containers/json") and what == "answered":
        listed.setdefault(s, float(t))
after = sorted(subscribed[s] - listed.get(s, float("inf")) for s in subscribed)
print(peak, len(subscribed), "%.3f %.3f" % (after[0], after[-1]) if after else "- -")
EOF
}
all_subscribed() { read -r _ n _ < <(storm_log); [ "$n" = "$NSTAND" ]; }

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
fleet_standins_kill
t=$(now_ms)
wait_until 120 all_dropped || timed_out "all $NSTAND endpoints counted down"
ok $? "all $NSTAND endpoints dropped: the status line counts none up ($(($(now_ms) - t)) ms)"
diag "status line: $(fleet_summary | cut -c1-150)"
diag "title while down: $(head -1 "$TAP_TMP/screen" | cut -c1-150)"
ms=$(key_round_trip)
ok $([ "$ms" -le "$KEY_HANG_MS" ]; echo $?) "a key answers with every endpoint down ($ms ms)"

# They come back on the same sockets.
fleet_standins_again
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
diag "status line: $(fleet_summary | cut -c1-150)"
diag "key latency during the recovery (ms, includes tmux polling): ${lat[*]}"
ok $([ "$worst" -le "$KEY_HANG_MS" ]; echo $?) "keys answer during the recovery (worst $worst ms of ${#lat[@]})"

wait_until 120 all_subscribed
read -r peak n soonest latest < <(storm_log)
ok $([ "$n" = "$NSTAND" ]; echo $?) "after the storm, all $NSTAND endpoints open their events stream again ($n)"
ok $([ "$peak" -le "$CONNECTS_MAX" ]; echo $?) \
	"never more than STREAM_CONNECTS_MAX ($CONNECTS_MAX) events requests waited for their reply at once: $peak"
ok $(awk -v s="$soonest" 'BEGIN { exit !(s >= 1.6 - 0.001) }'; echo $?) \
	"no events stream came back sooner than 1.6 s (2 s - 20 %) after its list was answered: the soonest $soonest s"
ok $(awk -v s="$soonest" 'BEGIN { exit !(s < 2.0) }'; echo $?) \
	"... and some sooner than 2 s, which a back-off without jitter never is: spread from $soonest to $latest s"
tm_quit
done_testing
