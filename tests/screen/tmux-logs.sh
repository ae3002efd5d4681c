#!/bin/bash
# tmux-logs.sh: the log pane's features (search, next match, timestamps, wrap,
# pause, save, stderr apart, UTF-8), NO_COLOR (attributes only), the mouse
# selecting a row, and the lifecycle keys start, restart and delete.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-dash-$$
W=$(mktemp -d)
at_exit "rm -rf $W"
ctr $P-talk "$IMAGE" sh -c 'echo first-line; echo needle-one; i=0
	while [ $i -lt 60 ]; do echo "filler $i"; i=$((i+1)); done
	echo needle-two; echo "héllo 日本 wide"; seq -s , 1 200; sleep 1; echo to-stderr >&2; sleep 100000'
ctr $P-quiet "$IMAGE" sleep 100000

tm_start 100 30 "exec env NO_COLOR=1 $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
logs_full "$P-talk"
wait_for "needle-two" 10 && wait_for "héllo 日本 wide" 2
ok $? "the log pane shows the container's lines, UTF-8 included"
wait_for "to-stderr" 5 >/dev/null
tm capture-pane -p -e -t s >"$W/colors"
! grep -qE $'\033\\[(3[0-7]|4[0-7]|38;|48;)' "$W/colors"
ok $? "with NO_COLOR nothing is coloured"
grep -qE $'\033\\[([0-9]*;)*1m(\033\\[[0-9;]*m)*to-stderr' "$W/colors"
r=$?
ok $r "stderr lines stand apart (bold in the mono theme)"

! screen | grep -q "199,200" && { tm send-keys -t s w; wait_for "199,200" 5; }
ok $? "w wraps long lines"
tm send-keys -t s w
wait_gone "199,200" 5 >/dev/null

tm send-keys -t s t
wait_for "· time" 5 >/dev/null
screen | grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} needle-two'
ok $? "t shows the engine's timestamps"
tm send-keys -t s t
wait_gone "· time" 5 >/dev/null

tm send-keys -t s /
wait_for "search:" 5 >/dev/null
tm send-keys -t s -l needle
tm send-keys -t s Enter
wait_for "· /needle" 5 >/dev/null
tm send-keys -t s n
wait_gone "needle-two" 5 && screen | grep -q "needle-one" && wait_for "paused" 2
ok $? "/ searches and n goes to the older match, pausing the follow"
tm send-keys -t s N
wait_for "needle-two" 5
ok $? "N goes back to the newer match"
tm send-keys -t s G
wait_for "following" 5
ok $? "G resumes following"

tm send-keys -t s C-s
wait_for "save to:" 5 >/dev/null
tm send-keys -t s C-u
tm send-keys -t s -l "$W/saved.log"
tm send-keys -t s Enter
wait_for "saved" 5 && grep -q needle-one "$W/saved.log" && grep -q to-stderr "$W/saved.log"
ok $? "^S saves the pane to a file"
tm send-keys -t s l
wait_gone "logs $P-talk" 5 >/dev/null

# The mouse: a click on the second row selects it (an xterm X10 report: row 4).
set_filter "$P"
wait_row "$P-talk" running >/dev/null && wait_row "$P-quiet" running >/dev/null
sel() { tm capture-pane -p -e -t s | grep -E "$P-(quiet|talk)" | grep -E $'^\033\\[([0-9]*;)*7m' | grep -oE "$P-(quiet|talk)"; }
selected() { [ "$(sel)" = "$1" ]; }
tm send-keys -t s g
wait_until "$HANG_S" selected "$P-quiet"
first=$(sel)
tm send-keys -t s -l "$(printf '\033[M %s%s' "$(printf "\\$(printf %o 41)")" "$(printf "\\$(printf %o 36)")")"
wait_until "$HANG_S" selected "$P-talk"
[ "$first" = "$P-quiet" ] && [ "$(sel)" = "$P-talk" ]
ok $? "a mouse click selects the row under it ($first -> $(sel))"

# Lifecycle: stop, start, restart, delete (confirmed).
set_filter "$P-quiet"
wait_gone "$P-talk" 5 >/dev/null
dk kill $P-quiet >/dev/null
wait_row "$P-quiet" exited 5 >/dev/null
tm send-keys -t s s
wait_row "$P-quiet" running 10 && wait_for "started $P-quiet" 5
ok $? "s starts a stopped container"
started=$(dk inspect -f '{{.State.StartedAt}}' $P-quiet)
tm send-keys -t s r
wait_for "restarted $P-quiet" 20 && [ "$(dk inspect -f '{{.State.StartedAt}}' $P-quiet)" != "$started" ]
ok $? "r restarts it"
wait_row "$P-quiet" running 5 >/dev/null
tm send-keys -t s d
wait_for "Delete $P-quiet (running: it will be killed)? [y/N]" 5
r=$?
tm send-keys -t s n
wait_gone "[y/N]" 5 >/dev/null
dk inspect $P-quiet >/dev/null 2>&1
ok $(( r + $? )) "d asks, and n keeps the container"
tm send-keys -t s d
wait_for "[y/N]" 5 >/dev/null
tm send-keys -t s y
wait_for "deleted $P-quiet" 15 && wait_gone "$P-quiet " 5 && ! dk inspect $P-quiet >/dev/null 2>&1
ok $? "d then y deletes it and the row goes"
done_testing
