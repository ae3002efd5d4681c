#!/bin/bash
# tmux-images.sh: the images view (I) on the real Docker engine and the
# Podman service at once: each endpoint's test image and a tagged copy of it,
# the selected image and its endpoint in the title; d removes the selected
# copy after confirming (the engine no longer has it, the other endpoint's
# copy stays); P asks for an image to pull and, with no registry here, the
# engine's message ends it. In read-only mode both are refused.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
need_podman

COPY=t-act-img-$$:copy
at_exit "dk rmi $COPY >/dev/null 2>&1; pm rmi $COPY >/dev/null 2>&1"
dk tag "$IMAGE" "$COPY" && pm tag "$PODMAN_TEST_IMAGE" "$COPY"
ok $? "a tagged copy of the test image on Docker and on Podman"

tm_start 220 30 "exec $BERTH -H unix://$DOCKER_SOCK -H unix://$PODMAN_SOCK"
wait_for "connected" 15 >/dev/null
tm send-keys -t s I
wait_for "IMAGE ID" 10 && wait_gone "listing..." 15
ok $? "I opens the images view"
[ "$(screen | grep -c "t-act-img-$$ ")" -eq 2 ]
ok $? "the copy shows once on each endpoint"
screen | grep -F "berth-test/busybox " | grep -qF "$DOCKER_SOCK" &&
	screen | grep -F "berth-test/busybox " | grep -qF "$PODMAN_SOCK"
ok $? "the test image on each endpoint, with the ENDPOINT column"

select_image "t-act-img-$$:copy on unix://$DOCKER_SOCK"
ok $? "the title names the selected image and its endpoint"
tm send-keys -t s d
wait_for "Remove image t-act-img-$$:copy? [y/N]" 5
ok $? "d asks before removing"
dk image inspect "$COPY" >/dev/null 2>&1
ok $? "nothing is removed before the answer"
tm send-keys -t s y
wait_for "removed t-act-img-$$:copy" 10
ok $? "y removes it, and the message line says so"
wait_until 10 sh -c "! docker -H unix://$DOCKER_SOCK image inspect $COPY >/dev/null 2>&1"
ok $? "the Docker engine no longer has the copy"
pm image inspect "$COPY" >/dev/null 2>&1
ok $? "Podman's copy stays"
wait_until 10 sh -c "[ \$(tmux -L $TMUX_L capture-pane -p -t s | grep -c 't-act-img-$$ ') -eq 1 ]"
ok $? "the view lists again: one copy left"

tm send-keys -t s P
wait_for "pull image on" 5 >/dev/null
tm send-keys -t s -l "t-act-absent-$$:1"
tm send-keys -t s Enter
wait_for "cannot pull t-act-absent-$$:1: " 30
ok $? "a pull with no registry ends with the engine's message ($(screen | grep -F 'cannot pull' | cut -c1-100))"
tm send-keys -t s Escape
wait_gone "IMAGE ID" 5
ok $? "Esc closes the view"
tm send-keys -t s q
tm kill-server >/dev/null 2>&1

TMUX_L=$TMUX_L-2	# a server of its own: the first may still be shutting down
tm_start 220 30 "exec $BERTH --read-only -H unix://$PODMAN_SOCK"
wait_for "connected" 15 >/dev/null
tm send-keys -t s I
wait_for "IMAGE ID" 10 && wait_gone "listing..." 15
select_image "t-act-img-$$:copy"
tm send-keys -t s d
wait_for "read-only: removing images is refused in read-only mode" 5
ok $? "read-only: d is refused"
tm send-keys -t s P
wait_for "read-only: pulling images is refused in read-only mode" 5
ok $? "read-only: P is refused"
pm image inspect "$COPY" >/dev/null 2>&1
ok $? "... and the image stays"
tm send-keys -t s q
done_testing
