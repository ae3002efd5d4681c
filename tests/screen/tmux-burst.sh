#!/bin/bash
# tmux-burst.sh: a burst of container events reaches every row. The dashboard
# applies each event to its row instead of listing the engine again, so none
# may be lost: 40 containers stopped at once all show exited, started again
# all show running, removed at once all leave the table, and a container
# created meanwhile appears (it needs a list).
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-dash-burst-$$
N=40
names=()
for i in $(seq -w 1 $N); do names+=("$P-$i"); done
at_exit "dk rm -f ${names[*]} $P-new >/dev/null 2>&1"
for n in "${names[@]}"; do
	dk create --name "$n" "$IMAGE" sh -c 'trap "exit 3" TERM; while true; do sleep 0.1; done' >/dev/null &
done
wait
dk start "${names[@]}" >/dev/null

# count TEXT: how many of the numbered rows show TEXT (not the message line,
# which may name one).
count() { screen | sed '$d' | grep -E -- "(^| )$P-[0-9]+ " | grep -cF -- "$1"; }
counted() { [ "$(count "$1")" -eq "$2" ]; }
wait_count() {	# wait_count TEXT N SECONDS
	wait_until "$3" counted "$1" "$2" || timed_out "$2 rows to show $1 ($(count "$1") do)"
}

tm_start 140 $((N + 10)) "$BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-"
wait_count running $N 15
ok $? "the $N containers show running"

t0=$(now_ms)
dk kill -s TERM "${names[@]}" >/dev/null
t1=$(now_ms)
wait_count "exited (3)" $N 30
ok $? "$N containers signalled at once all show exited ($(( $(now_ms) - t1 )) ms after the CLI returned, $(( $(now_ms) - t0 )) ms in all)"

dk start "${names[@]}" >/dev/null
wait_count running $N 30
ok $? "started again at once, all show running"

dk create --name "$P-new" "$IMAGE" true >/dev/null
wait_row "$P-new" created 10
ok $? "a container created meanwhile appears"

dk rm -f "${names[@]}" >/dev/null
wait_count "$P-" 0 10
ok $? "removed at once, all leave the table"

tm send-keys -t s q
done_testing
