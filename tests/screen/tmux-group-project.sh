#!/bin/bash
# tmux-group-project.sh: grouping by compose project (z cycles none, endpoint,
# project on a Docker endpoint). Containers labelled as docker compose
# (com.docker.compose.project) and podman-compose (io.podman.compose.project)
# label them: each project's header says its containers' states, the projects
# come by name, and the containers of no project come last under their own
# header.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-runform-grp-$$
ctr $P-a-web --label com.docker.compose.project=$P-shop "$IMAGE" sleep 100000 &&
	ctr $P-b-db --label io.podman.compose.project=$P-shop "$IMAGE" sleep 100000 &&
	ctr $P-c-job --label com.docker.compose.project=$P-shop "$IMAGE" true &&
	ctr $P-d-blog --label com.docker.compose.project=$P-blog "$IMAGE" sleep 100000 &&
	ctr $P-e-none "$IMAGE" sleep 100000
ok $? "project shop: two running (both labels) and one that exits; blog: one; one of no project"
job_exited() { [ "$(dk inspect -f '{{.State.Status}}' $P-c-job)" = exited ]; }
wait_until 20 job_exited
ok $? "shop's job has exited"

tm_start 150 24 "exec $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-"
wait_row "$P-e-none" running >/dev/null
tm send-keys -t s z
wait_for "by endpoint" 5 >/dev/null
tm send-keys -t s z
wait_for "by project" 5
ok $? "z twice groups by project (no lease grouping without a Zun endpoint)"
wait_for "▸ project $P-shop · 2 running, 1 exited · 3 containers shown" 10
ok $? "shop's header: two running, one exited, three shown"
wait_for "▸ project $P-blog · 1 running · 1 container shown" 5
ok $? "blog's header: one running"
wait_for "▸ no project · 1 container" 5
ok $? "the container of no project has its own header"

# line NUMBER of the first screen line holding TEXT
line_of() { screen | grep -nF -- "$1" | head -1 | cut -d: -f1; }
blog=$(line_of "project $P-blog") shop=$(line_of "project $P-shop")
none=$(line_of "▸ no project") web=$(line_of "$P-a-web ") job=$(line_of "$P-c-job ")
rest=$(line_of "$P-e-none ") dblog=$(line_of "$P-d-blog ")
[ "$blog" -lt "$dblog" ] && [ "$dblog" -lt "$shop" ] && [ "$shop" -lt "$web" ] &&
	[ "$shop" -lt "$job" ] && [ "$job" -lt "$none" ] && [ "$web" -lt "$none" ] &&
	[ "$none" -lt "$rest" ]
ok $? "blog, then shop with its rows, then no project last (lines $blog $dblog $shop $web $job $none $rest)"

tm send-keys -t s z
wait_gone "by project" 5
ok $? "z again: not grouped"
hides "▸ project"
ok $? "no header is left"
tm_quit
ok $? "the dashboard ends"
done_testing
