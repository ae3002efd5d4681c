#!/bin/bash
# tmux-flood.sh: a container writes logs as fast as it can for 30 s while the
# dashboard follows it. Memory must stay bounded and keys must keep answering
# (none may hang; how fast is bench/dashboard.py's flood row), in the second
# half with a line filter (&) that hides every line, so that each frame looks
# through the whole scrollback.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-dash-$$
SECONDS_FLOOD=${FLOOD_SECONDS:-30}
ctr $P-flood "$IMAGE" yes "flood-$$-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789"
tm_start 120 30 "exec $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-flood"
wait_row "$P-flood" running >/dev/null
tm send-keys -t s l
wait_for "flood-$$" 10
ok $? "the flood shows in the log pane"
pid=$(pane_pid)
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }

end=$(( $(now_ms) + SECONDS_FLOOD * 1000 ))
half=$(( end - SECONDS_FLOOD * 500 ))
max=0 worst=0 n=0 rss_early= filtered= worst_filtered=0 n_filtered=0
while [ "$(now_ms)" -lt "$end" ]; do
	if [ -z "$filtered" ] && [ "$(now_ms)" -ge "$half" ]; then
		tm send-keys -t s '&'
		wait_for "filter lines" 5 >/dev/null
		tm send-keys -t s -l "!flood-$$"
		tm send-keys -t s Enter
		wait_for "· &!flood-$$" 10 >/dev/null && wait_gone "flood-$$-0123" 10 >/dev/null
		filtered=$?
	fi
	r=$(rss)
	[ "$r" -gt "$max" ] && max=$r
	[ -z "$rss_early" ] && [ "$(( end - $(now_ms) ))" -lt $(( SECONDS_FLOOD * 1000 * 2 / 3 )) ] && rss_early=$max
	lat=$(key_latency_ms '?' 'key map')
	[ "$lat" -gt "$worst" ] && worst=$lat
	[ -n "$filtered" ] && n_filtered=$((n_filtered + 1)) && [ "$lat" -gt "$worst_filtered" ] && worst_filtered=$lat
	tm send-keys -t s Escape
	wait_gone "key map" 5 >/dev/null
	n=$((n + 1))
done
diag "RSS: max $max kB, max after the first third $rss_early kB; $n key probes, slowest $worst ms"
[ "$max" -lt 200000 ]
ok $? "RSS stays under 200 MB during the flood ($max kB)"
[ "$(( max - ${rss_early:-0} ))" -lt 40000 ]
ok $? "RSS stops growing: +$(( max - ${rss_early:-0} )) kB over the last two thirds"
[ "$worst" -le "$KEY_HANG_MS" ]
ok $? "keys answer throughout ($n probes, slowest $worst ms)"
[ "${filtered:-1}" = 0 ] && [ "$n_filtered" -gt 0 ] && [ "$worst_filtered" -le "$KEY_HANG_MS" ]
ok $? "with a filter hiding every line too ($n_filtered probes, slowest $worst_filtered ms)"
tm send-keys -t s q
wait_until "$HANG_S" gone "$pid"
ok $? "q quits while the flood goes on"
done_testing
