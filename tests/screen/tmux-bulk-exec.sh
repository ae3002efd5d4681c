#!/bin/bash
# tmux-bulk-exec.sh: one command on the marked containers of two endpoints at
# once, the shared Docker engine and the Podman service (issue 15, item 5).
# e on marked rows asks once and runs the command in each; the one pane holds
# a header "ENDPOINT/NAME: exit N" and the output of each, and a summary
# naming what failed where (a command's exit code, a stopped container). The
# command line's :exec does the same on the marks and refuses options there;
# a bulk kill's message names the container it could not signal.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
need_podman

P=t-bulk-$$
W=$(mktemp -d /tmp/berth-bulk.XXXXXX)
at_exit "rm -rf $W"
at_exit "pm rm -f $P-pod >/dev/null 2>&1"
# BULK_WHO says who answered; BULK_RC is the exit code the command gives.
ctr $P-good -e BULK_WHO=good "$IMAGE" sleep 100000 &&
	ctr $P-seven -e BULK_WHO=seven -e BULK_RC=7 "$IMAGE" sleep 100000 &&
	ctr $P-stopped "$IMAGE" true &&
	pm run -d --name $P-pod -e BULK_WHO=pod "$PODMAN_TEST_IMAGE" sleep 100000 >/dev/null
ok $? "on Docker: a container, one whose command exits 7, a stopped one; on Podman: one"

printf '[endpoint dock]\nhost = unix://%s\n[endpoint pod]\nhost = unix://%s\n' \
	"$DOCKER_SOCK" "$PODMAN_SOCK" >"$W/berth.conf"
# Wide: the summary names a stopped container with the engine's long sentence.
tm_start 400 40 "exec $BERTH -c $W/berth.conf -H dock -H pod"
wait_for "connected" 15 >/dev/null
set_filter "$P-"
wait_row "$P-pod" running 15 && wait_row "$P-stopped" exited 10
ok $? "the table shows the four, on both endpoints"

# Mark the four: space marks the row and moves down.
tm send-keys -t s g Space Space Space Space
wait_line 1 "4 marked" 5
ok $? "four rows marked"

CMD="sh -c 'echo said-by-\$BULK_WHO; exit \${BULK_RC:-0}'"
tm send-keys -t s e
wait_for "exec in each of 4 containers:" 5
ok $? "e on marked rows asks for one command for all of them"
tm send-keys -t s -l "$CMD"
tm send-keys -t s Enter
wait_for "2 ok, 2 failed (" 30
ok $? "the summary counts two ok and two failed"
shows "dock/$P-good: exit 0" && shows "pod/$P-pod: exit 0"
ok $? "a header for each container, on either endpoint, with its exit code"
screen | grep -A1 -F "dock/$P-good: exit 0" | grep -qx "said-by-good *" &&
	screen | grep -A1 -F "pod/$P-pod: exit 0" | grep -qx "said-by-pod *"
ok $? "... each followed by its own output"
screen | grep -A1 -F "dock/$P-seven: exit 7" | grep -qx "said-by-seven *"
ok $? "the failing command's header says its exit code 7, its output follows"
screen | grep -qE "dock/$P-stopped: .*(not running|is stopped|exited)"
ok $? "the stopped container's header says why nothing ran"
screen | grep -F "2 ok, 2 failed (" | grep -F "dock/$P-seven: exit 7" | grep -qF "dock/$P-stopped: "
ok $? "the summary names what failed where"
wait_said "exec: 2 ok, 2 failed" 5
ok $? "... and so does the message line"
tm send-keys -t s Escape
wait_gone "dock/$P-good: exit 0" 5
ok $? "Esc closes the pane"

# The command line: :exec on the marks.
tm send-keys -t s :
wait_for ":" 5 >/dev/null
tm send-keys -t s -l "exec echo from-the-command-line"
tm send-keys -t s Enter
wait_for "3 ok, 1 failed (dock/$P-stopped: " 30
ok $? ":exec with rows marked runs in each of them across endpoints"
[ "$(screen | grep -c '^from-the-command-line *$')" -eq 3 ]
ok $? "... the three outputs in one pane"
tm send-keys -t s Escape
wait_gone "from-the-command-line" 5 >/dev/null
tm send-keys -t s :
tm send-keys -t s -l "exec -w /tmp pwd"
tm send-keys -t s Enter
wait_for "with rows marked, exec runs the command in each of them and takes no options" 5
ok $? ":exec with options and rows marked is refused in one sentence"
tm send-keys -t s C-u Escape

# A bulk kill names the container it could not signal, with its endpoint.
tm send-keys -t s K
wait_for "Signal to send" 5 >/dev/null
tm send-keys -t s Enter
wait_for "Send SIGKILL to 4 containers?" 5 >/dev/null
tm send-keys -t s y
wait_said "kill: 3 of 4 done; dock/$P-stopped: " 30
ok $? "a bulk kill says which container on which endpoint failed"
tm_quit
done_testing
