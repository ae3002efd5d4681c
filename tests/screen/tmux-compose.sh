#!/bin/bash
# tmux-compose.sh: compose projects in the dashboard. Containers labelled as
# docker compose labels them (com.docker.compose.project) and as podman-compose
# does (io.podman.compose.project); M on one marks every container of its
# project and no other, and S then stops the whole project at once.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-act-proj-$$
ctr $P-a-web --label com.docker.compose.project=$P-shop --label com.docker.compose.service=web \
	"$IMAGE" sleep 100000 &&
	ctr $P-b-db --label io.podman.compose.project=$P-shop "$IMAGE" sleep 100000 &&
	ctr $P-c-other --label com.docker.compose.project=$P-blog "$IMAGE" sleep 100000 &&
	ctr $P-d-none "$IMAGE" sleep 100000
ok $? "two containers of project shop (docker compose's and podman-compose's labels), one of blog, one of none"

tm_start 150 20 "exec $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-"
wait_row "$P-d-none" running >/dev/null
tm send-keys -t s g M
wait_for "marked the 2 containers of compose project $P-shop" 5
ok $? "M on a container of shop marks its project's two containers"
wait_line 1 "2 marked" 5
ok $? "the title counts two marks"
tm send-keys -t s S
wait_row "$P-a-web" "exited" 20 && wait_row "$P-b-db" "exited" 20
ok $? "S then stops the whole project"
[ "$(dk inspect -f '{{.State.Running}}' $P-c-other)" = true ] &&
	[ "$(dk inspect -f '{{.State.Running}}' $P-d-none)" = true ]
ok $? "the other project's container and the one of none still run"
tm send-keys -t s Escape
set_filter "$P-d"
wait_gone "$P-a-web" 5 >/dev/null
tm send-keys -t s M
wait_for "the selected container is in no compose project" 5
ok $? "M on a container of no project says so"
tm send-keys -t s q
done_testing
