#!/bin/bash
# tmux-merged-threads.sh: the merged logs of 16 marked containers (the most
# the pane merges) are followed on the stream loop (issue 15, item 1): with
# the 16 follows open the dashboard runs at most the pool's 4 workers + 5
# threads (the UI, the stream loop, the merge, a probe, slack), where it ran a
# thread per container more before (about 24); every container's lines come.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

N=16
P=t-logloop-$(($$ % 10000))
for i in $(seq -w $N); do
	ctr "$P-$i" "$IMAGE" sh -c "while :; do echo line-$i; sleep 1; done" || exit 1
done

tm_start 160 50 "exec $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-"
for i in $(seq -w $N); do wait_row "$P-$i" running 30 >/dev/null; done
PID=$(pane_pid)
before=$(awk '/^Threads/ { print $2 }' "/proc/$PID/status")

tm send-keys -t s g
for i in $(seq $N); do tm send-keys -t s Space; done
tm send-keys -t s l
# The pane cuts a name to 16 columns: the lines themselves say whose they are.
all_shown() { [ "$(screen | grep -oE "line-[0-9]+ *$" | sort -u | wc -l)" -ge "$N" ]; }
wait_for "logs merged: $N containers" 20 && wait_until 60 all_shown
ok $? "marked, the pane follows the $N containers: a line of each" || screen | sed 's/^/#   /'

threads=$(awk '/^Threads/ { print $2 }' "/proc/$PID/status")
diag "threads: $before before marking, $threads with $N merged follows open"
ok $([ "$threads" -le $((4 + 5)) ]; echo $?) \
	"$N merged follows open, $threads threads: at most the pool's 4 + 5"
ok $([ $((threads - before)) -lt $N ]; echo $?) \
	"the follows add fewer threads than containers ($before -> $threads)"

tm send-keys -t s Escape Escape	# the filter, then the marks
wait_gone "logs merged" 20 >/dev/null
ok $? "marks cleared: the merged follows end"
done_testing
