#!/bin/bash
# forwards.sh: the forwards view (issue 13, item 5) in tmux against the Docker
# engine. :forward CONTAINER PORT 0 from the command line shows where it
# listens; it goes on after its output view closes (curl through it reaches
# the container's httpd); :forwards lists it with that address; d there stops
# it: the line goes and the port is closed. Two forwards, one stopped: the
# other still relays.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
command -v curl >/dev/null || skip_all "no curl"

P=t-complete-fwd-$$
W=$(mktemp -d)
at_exit "rm -rf $W"
ctr $P "$IMAGE" sh -c 'mkdir -p /www && echo hello-forwards >/www/index.html && exec httpd -f -p 8080 -h /www'

# forward N: :forward on the selected container, its address once it listens.
forward() {
	tm send-keys -t s :
	tm send-keys -t s -l "forward $P 8080 0"
	tm send-keys -t s Enter
	wait_until "$HANG_S" eval 'screen | grep -qE "^127\.0\.0\.1:[0-9]+"' || timed_out "forward $1's address"
	screen | grep -oE "^127\.0\.0\.1:[0-9]+" | head -1
	tm send-keys -t s Escape
	wait_for "the forward goes on" 10 >/dev/null
}
fetch() { curl -s --max-time 20 "http://$1/"; }

tm_start 150 30 "env XDG_STATE_HOME=$W/state $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P"
wait_row "$P" running >/dev/null

A1=$(forward 1)
[[ $A1 =~ ^127\.0\.0\.1:[0-9]+$ ]]
ok $? ":forward shows the address it listens on ($A1)"
[ "$(fetch "$A1")" = hello-forwards ]
ok $? "its output view closed, the forward goes on: curl through it gets the page"
A2=$(forward 2)
[ "$(fetch "$A2")" = hello-forwards ] && [ "$A1" != "$A2" ]
ok $? "a second forward ($A2)"

tm send-keys -t s :
tm send-keys -t s -l "forwards"
tm send-keys -t s Enter
wait_for "2 running" 10 >/dev/null
screen | grep -F "$P 8080 0 (unix://$DOCKER_SOCK)" | grep -qF "$A1" &&
	screen | grep -F "$P 8080 0" | grep -qF "$A2"
ok $? ":forwards lists both, each with its address"

tm send-keys -t s d
wait_for "1 running" "$HANG_S" >/dev/null
! screen | grep -qF "$A1"
ok $? "d stops the selected forward: its line goes"
! fetch "$A1" >/dev/null
ok $? "... and its port is closed"
[ "$(fetch "$A2")" = hello-forwards ]
ok $? "the other forward still relays"

tm send-keys -t s Escape
wait_gone "1 running" 10 >/dev/null
tm send-keys -t s :
tm send-keys -t s -l "forwards"
tm send-keys -t s Enter
wait_for "1 running" 10
ok $? ":forwards again: the forward left running is still listed"
tm_quit
ok $? "the dashboard quits"
! fetch "$A2" >/dev/null
ok $? "quitting stops the forwards: the port is closed"
done_testing
