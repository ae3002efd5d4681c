#!/bin/bash
# tmux-runform-podman.sh: the run form on the Podman service: n opens it on
# the Podman endpoint, Tab completes the image from Podman's images, a port and
# an environment variable reach Podman, the container runs and its row is
# selected.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
need_podman

P=t-rfpod-$$
at_exit "pm rm -f $P-web >/dev/null 2>&1"

tm_start 150 32 "exec $BERTH -H unix://$PODMAN_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-"
tm send-keys -t s n
wait_for "run a container on unix://$PODMAN_SOCK" 5
ok $? "n opens the run form on the Podman endpoint"
type_line "localhost/berth-test/busy"
wait_until 20 tab_until image "$PODMAN_TEST_IMAGE"
ok $? "Tab completes the image from Podman's images"
tm send-keys -t s Down
type_line "$P-web"
tm send-keys -t s Down
type_line "sleep 100000"
tm send-keys -t s Down
type_line "127.0.0.1::80"
tm send-keys -t s Down
type_line 'RUNFORM_GREETING="hello podman"'
tm send-keys -t s Enter
wait_row "$P-web" running 60
ok $? "Enter creates the container on Podman and its row shows running"
wait_until 10 row_selected "$P-web"
ok $? "the new row is selected"
pm inspect -f '{{json .Config.Env}}' $P-web | grep -qF '"RUNFORM_GREETING=hello podman"' &&
	pm inspect -f '{{json .HostConfig.PortBindings}}' $P-web | grep -qF '"HostIp":"127.0.0.1"'
ok $? "Podman has the environment variable and the port ($(pm inspect -f '{{json .HostConfig.PortBindings}}' $P-web))"
tm_quit
done_testing
