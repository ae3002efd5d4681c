#!/bin/bash
# tmux-read-only.sh: the dashboard in read-only mode (berth --read-only, and
# read_only = yes in one endpoint's section). The title line says read-only;
# kill, delete, stop, exec and a copy into the container are refused at once
# with the sentence naming the mode (no dialog asks first), and so is :run
# on the dashboard's command line; the engine shows the container untouched.
# A copy out of the container still asks on.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-act-ro-$$
ctr $P-web "$IMAGE" sleep 100000
ok $? "a running container"

tm_start 150 20 "exec $BERTH --read-only -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-web"
wait_row "$P-web" running >/dev/null
wait_line 1 "read-only" 5
ok $? "the title line says read-only"

# refused KEY WHAT: the key's action is refused in the message line. A refused
# key changes nothing, so it is pressed again when a trouble notice about
# another test's container took the message line first.
refused() {
	local try
	for try in 1 2 3; do
		tm send-keys -t s "$1"
		wait_until 5 shows "read-only: $2 is refused in read-only mode" && return 0
	done
	timed_out "read-only: $2 is refused"
}
refused K "sending signals"
ok $? "K (kill) is refused, naming the mode"
hides "Signal to send"
ok $? "no dialog asked for a signal first"
refused d "removing containers"
ok $? "d (delete) is refused"
refused S "stopping containers"
ok $? "S (stop) is refused"
refused e "running commands"
ok $? "e (exec) is refused"
# c, then Enter on the first direction (upload): refused once it is chosen.
copy_in_refused() {
	local try
	for try in 1 2 3; do
		tm send-keys -t s c
		wait_for "Copy files" 5 >/dev/null
		tm send-keys -t s Enter
		wait_until 5 shows "read-only: copying files into a container is refused" && return 0
	done
	timed_out "the copy in to be refused"
}
copy_in_refused
ok $? "c, then the upload direction, is refused"
tm send-keys -t s c
wait_for "Copy files" 5 >/dev/null
tm send-keys -t s Down Enter
wait_for "download path in $P-web:" 5
ok $? "a copy out of the container still asks for its path"
tm send-keys -t s Escape
wait_gone "download path in" 5 >/dev/null

# run, from the dashboard's command line (:), is refused the same way.
at_exit "dk rm -f $P-new >/dev/null 2>&1"
tm send-keys -t s :
tm send-keys -t s -l "run --name $P-new $IMAGE true"
wait_for ":run --name $P-new" 5 >/dev/null
tm send-keys -t s Enter
wait_for "berth: read-only: creating containers is refused in read-only mode" 15
ok $? ":run is refused, naming the mode"
! dk inspect "$P-new" >/dev/null 2>&1
ok $? "... and no container was created"
tm send-keys -t s Escape
[ "$(dk inspect -f '{{.State.Running}}' $P-web)" = true ]
ok $? "the engine shows the container still running"
tm send-keys -t s q
tm kill-server >/dev/null 2>&1

# One endpoint read-only in the configuration file, the other not.
CONF=$(mktemp)
at_exit "rm -f $CONF"
printf '[endpoint shown]\nhost = unix://%s\nread_only = yes\n[endpoint free]\nhost = unix://%s\n' \
	"$DOCKER_SOCK" "$DOCKER_SOCK" >"$CONF"
TMUX_L=$TMUX_L-2	# a server of its own: the first may still be shutting down
tm_start 150 20 "exec $BERTH -c $CONF -H shown -H free"
wait_line 1 "read-only: shown" 15
ok $? "with one endpoint read-only the title line names it"
tm send-keys -t s q
done_testing
