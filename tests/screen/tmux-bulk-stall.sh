#!/bin/bash
# tmux-bulk-stall.sh: a bulk exec (e on marked rows) over two endpoints, one of
# them a private dockerd frozen with SIGSTOP (never the shared engine): the
# other endpoint's result shows while the frozen one's command waits, and the
# frozen one is given up on after the stall timeout (BERTH_STALL_TIMEOUT=4
# here), the summary saying it was not answering. 60 s only bounds a hang.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
SHARED_SOCK=$DOCKER_SOCK
pd_engine bulk-stall
P=t-bulk-stall-$$
dk run -d --name $P-frozen "$IMAGE" sleep 100000 >/dev/null &&
	docker -H "unix://$SHARED_SOCK" run -d --name $P-live "$IMAGE" sleep 100000 >/dev/null
ok $? "a container on a private engine and one on the shared engine"
at_exit "docker -H unix://$SHARED_SOCK rm -f $P-live >/dev/null 2>&1"

printf '[endpoint frozen]\nhost = unix://%s\n[endpoint live]\nhost = unix://%s\n' \
	"$PD_SOCK" "$SHARED_SOCK" >"$PD_DIR/berth.conf"
tm_start 200 30 "exec env BERTH_STALL_TIMEOUT=4 $BERTH -c $PD_DIR/berth.conf -H frozen -H live"
wait_for "frozen: connected" 20 >/dev/null
set_filter "$P-"
wait_row "$P-frozen" running 20 && wait_row "$P-live" running 20
ok $? "the dashboard shows both"
tm send-keys -t s g Space Space
wait_line 1 "2 marked" 5
ok $? "both marked"

freeze dockerd frozen "$PD_PID" $P-frozen

tm send-keys -t s e
wait_for "exec in each of 2 containers:" 5 >/dev/null
tm send-keys -t s -l "echo bulk-answer"
tm send-keys -t s Enter
wait_for "live/$P-live: exit 0" 30
ok $? "the answering endpoint's result shows while the frozen one waits"
hides "frozen/$P-frozen:"
ok $? "... the frozen one has none yet"
wait_for "1 ok, 1 failed (frozen/$P-frozen: not answering)" 60
ok $? "after the stall timeout the summary says the frozen one was not answering"
shows "frozen/$P-frozen: exec in $P-frozen: its engine has not answered for"
ok $? "... and its header gives the whole sentence"

tm send-keys -t s Escape
wait_gone "live/$P-live: exit 0" 5 >/dev/null
thaw dockerd frozen "$PD_PID" $P-frozen
tm_quit
done_testing
