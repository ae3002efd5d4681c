#!/bin/bash
# copy-between.sh: the copy dialog's third way (issue 13, item 6 from the
# dashboard): c, "Between", a path in the selected container, then
# CONTAINER:DIR of any endpoint: from the Docker engine into the Podman
# service and into another Docker container (the tree arrives), and one
# sentence each for a destination that is not CONTAINER:DIR, no such
# container, a name on both endpoints, and read-only mode.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
need_podman

P=t-complete-cp-$$
ctr $P-a "$IMAGE" sh -c 'mkdir -p /data/sub && echo hello-between >/data/sub/hello.txt && exec sleep 100000'
ctr $P-c "$IMAGE" sleep 100000
ctr $P-dup "$IMAGE" sleep 100000
for name in $P-b $P-dup; do
	pm rm -f "$name" >/dev/null 2>&1
	at_exit "docker -H unix://$PODMAN_SOCK rm -f $name >/dev/null 2>&1"
	pm run -d --name "$name" "$PODMAN_TEST_IMAGE" sleep 100000 >/dev/null
done
ok $? "containers on Docker ($P-a, $P-c, $P-dup) and on Podman ($P-b, $P-dup)"

# copy_between SOURCE-PATH DESTINATION: c on the selected row, the third way,
# then both prompts.
copy_between() {
	tm send-keys -t s c
	wait_for "Copy files" 5 >/dev/null
	tm send-keys -t s Down Down Enter
	wait_for "copy path in $P-a:" 5 >/dev/null
	tm send-keys -t s -l "$1"
	tm send-keys -t s Enter
	wait_for "to CONTAINER:DIR (any endpoint):" 5 >/dev/null
	tm send-keys -t s -l "$2"
	tm send-keys -t s Enter
}

start() {
	tm_start 200 30 "exec $BERTH $* -H unix://$DOCKER_SOCK -H unix://$PODMAN_SOCK"
	wait_for "connected" 15 >/dev/null
	set_filter "$P-a"
	wait_row "$P-a" running 15 >/dev/null
}

start
copy_between /data/sub "$P-b:/tmp"
wait_for "copied $P-a:/data/sub to $P-b:/tmp" "$HANG_S"
ok $? "Docker to Podman: the message line says it is done"
[ "$(pm exec $P-b cat /tmp/sub/hello.txt)" = hello-between ]
ok $? "... and the tree is in the Podman container"
copy_between /data/sub/hello.txt "$P-c:/"
wait_for "copied $P-a:/data/sub/hello.txt to $P-c:/" "$HANG_S"
[ "$(dk exec $P-c cat /hello.txt)" = hello-between ]
ok $? "into another container of the same engine"
copy_between /data "$P-c"
wait_for "give the destination as CONTAINER:DIR" 5
ok $? "a destination that is not CONTAINER:DIR: one sentence"
copy_between /data "$P-none:/tmp"
wait_for "no such container: $P-none" 5
ok $? "no such container: one sentence"
copy_between /data "$P-dup:/tmp"
wait_for "container $P-dup is on several endpoints (unix://$DOCKER_SOCK, unix://$PODMAN_SOCK)" 5
ok $? "a name on both endpoints: one sentence naming them"
tm_quit
ok $? "the dashboard quits"
tm kill-server >/dev/null 2>&1

TMUX_L=$TMUX_L-2	# a server of its own: the first may still be shutting down
start --read-only
copy_between /data "$P-b:/srv"
wait_for "copying files into a container is refused in read-only mode" 5
ok $? "read-only: the copy into another container is refused"
! pm exec $P-b test -e /srv/data
ok $? "... and nothing arrived"
tm_quit
done_testing
