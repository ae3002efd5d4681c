#!/bin/sh
# tmux-stall.sh: on a private Docker engine of its own (never the shared one),
# freeze dockerd with SIGSTOP: keys must answer within 100 ms and the status
# line must say the engine is not answering; after SIGCONT the dashboard
# recovers by itself. Then restart the engine: same.
. "$TOP_SRCDIR/tests/screen/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "a private dockerd needs root"
command -v dockerd >/dev/null || skip_all "no dockerd"
need_engine
need_tmux

PD_DIR=$(mktemp -d /tmp/berth-dash-stall.XXXXXX)
at_exit pd_cleanup
pd_start "$PD_DIR" || { cat "$PD_DIR/dockerd.log" | sed 's/^/# /'; skip_all "the private dockerd did not start"; }
pd_load_image
DOCKER_SOCK=$PD_SOCK
P=t-dash-$$
dk run -d --name $P-a "$IMAGE" sleep 100000 >/dev/null
ok $? "a private engine runs a container"

tm_start 120 30 "exec $BERTH -H unix://$PD_SOCK"
wait_row "$P-a" running 15
ok $? "the dashboard shows the private engine's container"

kill -STOP "$PD_PID"
wait_for "not answering" 15
ok $? "with dockerd stopped, the status line says it is not answering"
worst=0
for i in 1 2 3 4 5; do
	lat=$(key_latency_ms '?' 'key map')
	[ "$lat" -gt "$worst" ] && worst=$lat
	tm send-keys -t s Escape
	wait_gone "key map" 5 >/dev/null
	lat=$(key_latency_ms 'l' "logs $P-a")
	[ "$lat" -gt "$worst" ] && worst=$lat
	tm send-keys -t s Escape
	wait_gone "logs $P-a" 5 >/dev/null
done
[ "$worst" -le 100 ]
ok $? "keys answer within 100 ms while the engine is frozen (slowest $worst ms)"
kill -CONT "$PD_PID"
wait_for ": connected" 20 && wait_row "$P-a" running 5
ok $? "after SIGCONT the dashboard recovers by itself"
t0=$(now_ms)
dk stop -t 0 $P-a >/dev/null
wait_row "$P-a" "exited (137)" 3
ok $? "and follows changes again ($(( $(now_ms) - t0 )) ms)"

dk start $P-a >/dev/null
wait_row "$P-a" running 5 >/dev/null
pd_stop
wait_for "unreachable" 15 || wait_for "cannot" 1
ok $? "with the engine down, the status line says it is unreachable"
lat=$(key_latency_ms '?' 'key map')
tm send-keys -t s Escape
[ "$lat" -le 100 ]
ok $? "keys answer while the engine is down ($lat ms)"
pd_launch
wait_for ": connected" 30 && wait_row "$P-a" "exited" 10
ok $? "after the engine restarts the dashboard reconnects and lists again"
dk start $P-a >/dev/null
wait_row "$P-a" running 5
ok $? "events flow again after the restart"
done_testing
