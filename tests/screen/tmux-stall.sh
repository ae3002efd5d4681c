#!/bin/bash
# tmux-stall.sh: on a private Docker engine of its own (never the shared one),
# freeze dockerd with SIGSTOP: keys must answer (none may hang; how fast is
# bench/dashboard.py's stall row) and the status line must say the engine is
# not answering; after SIGCONT the dashboard recovers by itself. Then restart
# the engine: same.
. "$TOP_SRCDIR/tests/screen/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "a private dockerd needs root"
command -v dockerd >/dev/null || skip_all "no dockerd"
need_engine
need_tmux

PD_DIR=$(mktemp -d /tmp/berth-dash-stall.XXXXXX)
at_exit pd_cleanup
pd_start "$PD_DIR" || { cat "$PD_DIR/dockerd.log" | sed 's/^/# /'; skip_all "the private dockerd did not start"; }
pd_load_image
SHARED_SOCK=$DOCKER_SOCK
DOCKER_SOCK=$PD_SOCK
P=t-dash-$$
dk run -d --name $P-a "$IMAGE" sleep 100000 >/dev/null
ok $? "a private engine runs a container"

# Two endpoints: the private engine and the shared one, which must stay usable.
tm_start 160 30 "exec $BERTH -H unix://$PD_SOCK -H unix://$SHARED_SOCK"
wait_for "connected" 15 >/dev/null
# The status line shows a long endpoint name by its last 24 characters.
PRIV=$(printf '%s' "unix://$PD_SOCK" | tail -c 24)
set_filter "$P"
wait_row "$P-a" running 15 && screen | sed -n 2p | grep -q ENDPOINT
ok $? "the dashboard shows the private engine's container, with an endpoint column"

kill -STOP "$PD_PID"
wait_for "$PRIV: not answering" 15
ok $? "with dockerd stopped, the status line says it is not answering"
screen | tail -2 | grep -qF "unix://$SHARED_SOCK: connected"
ok $? "the other endpoint stays connected"
lats=
for i in 1 2 3 4 5; do
	lats="$lats $(key_latency_ms '?' 'key map')"
	tm send-keys -t s Escape
	wait_gone "key map" 5 >/dev/null
	lats="$lats $(key_latency_ms 'l' "logs $P-a")"
	tm send-keys -t s Escape
	wait_gone "logs $P-a" 5 >/dev/null
done
worst=$(printf '%s\n' $lats | sort -n | tail -1)
[ "$worst" -le "$KEY_HANG_MS" ]
ok $? "keys answer while the engine is frozen (ms:$lats)"
# Actions on the frozen engine must not starve the other endpoint's lists.
for k in S r S s S; do tm send-keys -t s "$k"; done
t0=$(now_ms) held=0
while [ $(( $(now_ms) - t0 )) -lt 6000 ]; do
	screen | tail -2 | grep -qF "unix://$SHARED_SOCK: connected" || { held=1; break; }
	sleep 0.1
done
[ $held = 0 ]
ok $? "five actions stuck on the frozen engine leave the other endpoint connected for 6 s"
kill -CONT "$PD_PID"
wait_for "$PRIV: connected" 20 && wait_row "$P-a" running 5
ok $? "after SIGCONT the dashboard recovers by itself"
# The stuck actions finish once the engine runs again ("stop NAME…" is replaced).
# A hang bound: under TSan beside two CPU burners 30 s were not enough, and a
# start still on its way came after the stop below.
deadline=$(( $(now_ms) + 90000 ))
while screen | tail -1 | grep -q '…$' && [ "$(now_ms)" -lt $deadline ]; do sleep 0.1; done
dk start $P-a >/dev/null 2>&1
wait_row "$P-a" running 10 >/dev/null
t0=$(now_ms)
dk stop -t 0 $P-a >/dev/null
wait_row "$P-a" "exited (137)" 3
ok $? "and follows changes again ($(( $(now_ms) - t0 )) ms)"

dk start $P-a >/dev/null
wait_row "$P-a" running 5 >/dev/null
pd_stop
wait_for "$PRIV: unreachable" 15
ok $? "with the engine down, the status line says it is unreachable"
lat=$(key_latency_ms '?' 'key map')
tm send-keys -t s Escape
[ "$lat" -le "$KEY_HANG_MS" ]
ok $? "keys answer while the engine is down ($lat ms)"
pd_launch
wait_for "$PRIV: connected" 30 && wait_row "$P-a" "exited" 10
ok $? "after the engine restarts the dashboard reconnects and lists again"
dk start $P-a >/dev/null
wait_row "$P-a" running 5
ok $? "events flow again after the restart"
done_testing
