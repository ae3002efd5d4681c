#!/bin/bash
# tmux-freeze.sh: a frozen engine is said, on a private dockerd of its own
# (never the shared one) with no container running, so no event and no stats
# sample can notice the freeze: only the feed's liveness probe does. With
# dockerd stopped (SIGSTOP) the status line says for how long it has not
# answered, the rows say when they were last confirmed, and an action on them
# says it waits for the engine; after SIGCONT the rows come back and the
# pending action's result shows. The time from SIGSTOP to the status line is
# measured and printed (a figure, not an assertion: tests never assert speed;
# 15 s only bounds a hang).
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
pd_engine feed-freeze
P=t-feed-freeze-$$
dk create --name $P-a "$IMAGE" sleep 100000 >/dev/null
ok $? "a private engine has one container, not running"

tm_start 160 30 "exec $BERTH -H unix://$PD_SOCK"
PRIV=$(printf '%s' "unix://$PD_SOCK" | tail -c 24)
wait_for "$PRIV: connected" 15 >/dev/null
wait_row "$P-a" created 15
ok $? "the dashboard shows it"

# freeze: SIGSTOP, then the time until the status line says so (ms), or fail.
freeze() {
	local t0
	t0=$(now_ms)
	kill -STOP "$PD_PID"
	wait_for "$PRIV: not answering for" 15 >/dev/null || return 1
	echo $(( $(now_ms) - t0 ))
}

# Quiet for a while: the status line must not claim anything the engine did
# not say; then freeze.
sleep 3
first=$(freeze)
ok $? "with dockerd stopped, the status line says it is not answering ($(screen | tail -2 | head -1 | sed 's/  */ /g'))"
wait_row "$P-a" "seen " 5
ok $? "its row says when it was last confirmed ($(screen | grep -F "$P-a " | sed 's/  */ /g'))"
tm send-keys -t s s
wait_for "is not answering for" 5 >/dev/null && screen | tail -1 | grep -qF "start $P-a (its engine is not answering for"
ok $? "starting it says the engine is not answering ($(screen | tail -1))"

t0=$(now_ms)
kill -CONT "$PD_PID"
wait_for "$PRIV: connected" 15 >/dev/null
said=$(( $(now_ms) - t0 ))
wait_row "$P-a" running 15
ok $? "after SIGCONT the pending start runs and its row shows it"
back=$(( $(now_ms) - t0 ))
! row_shows "$P-a" "seen "
ok $? "the row is no longer stale"
[ "$(dk inspect -f '{{.State.Status}}' $P-a)" = running ]
ok $? "the engine agrees: running"

# Twice more, with a container running (stats samples in flight when it freezes).
times=$first
title_said=
for _ in 1 2; do
	sleep 3
	t=$(freeze) || { times="$times (timed out)"; break; }
	times="$times $t"
	[ -n "$title_said" ] || title_said=$(screen | head -1)
	kill -CONT "$PD_PID"
	wait_for "$PRIV: connected" 15 >/dev/null || break
done
kill -CONT "$PD_PID"
wait_for "$PRIV: connected" 15 >/dev/null
ok $? "each freeze is said and each recovery seen"
case $title_said in
*"1 container, 0 running, 1 unconfirmed ·"*) true ;;
*) false ;;
esac
ok $? "while it is frozen, the title does not count its running row as running ($title_said)"
diag "measured: SIGSTOP to the status line saying so, ms: $times; SIGCONT to connected: $said ms, to the started row: $back ms"
dk rm -f $P-a >/dev/null
done_testing
