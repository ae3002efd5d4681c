#!/bin/bash
# tmux-restarting.sh: a container restarted by its restart policy shows what
# the engine says of it. It dies at once (exit 5), so the engine keeps it
# "restarting" for a growing delay between runs; the die event alone cannot
# say so (a die may be final), and the dashboard once kept showing
# "exited (5)" there for good. Checked against the engine: while docker says
# restarting, the row must come to say restarting too (bounds are hang bounds).
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-feed-rp-$$	# no status word in the names: rows are matched by text
at_exit "dk rm -f $P-loop $P-once >/dev/null 2>&1"
dk run -d --restart always --name $P-loop "$IMAGE" sh -c 'exit 5' >/dev/null
dk run -d --name $P-once "$IMAGE" sh -c 'exit 5' >/dev/null
ok $? "a container that dies at once under --restart always, and one without a policy"

tm_start 140 20 "exec $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-"

engine_says() { [ "$(dk inspect -f '{{.State.Status}}' "$1")" = "$2" ]; }
# The engine's restart delay doubles each time: wait until it is long enough
# to be seen (restarting for two polls in a row), then the row must follow.
steady_restarting() { engine_says $P-loop restarting && sleep 0.5 && engine_says $P-loop restarting; }
wait_until 60 steady_restarting
ok $? "the engine keeps the container restarting between runs"
wait_row "$P-loop" restarting 15
ok $? "its row says restarting, as the engine does ($(screen | grep -F "$P-loop " | sed 's/  */ /g'))"
wait_row "$P-once" "exited (5)" 15
ok $? "the one without a policy stays exited (5)"
done_testing
