#!/bin/bash
# tmux-runform.sh: the run form on the real Docker engine. n opens it on the
# selected row's endpoint, :run alone too; Tab completes the image from the
# endpoint's images; a port and an environment variable given there reach
# the engine, the container runs and its row is selected. A malformed port,
# an invalid name and an image the engine does not have are each one sentence
# with the typed text kept and nothing created; the engine's own refusal (a
# name in use) is its sentence, and the idempotent toggle then reuses the
# container. n in the images view opens the form with the selected image.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-runform-$$
IMG=t-runform-img-$$:v1
at_exit "dk rm -f $P-web $P-bad $P-img >/dev/null 2>&1"
at_exit "dk rmi $IMG >/dev/null 2>&1"
dk tag "$IMAGE" "$IMG"
ok $? "a tag of the test image only this test uses"

said() { screen | grep -qiE -- "$1"; }

tm_start 150 32 "exec $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-"
tm send-keys -t s n
wait_for "run a container on unix://$DOCKER_SOCK" 5
ok $? "n opens the run form on the endpoint"
type_line "t-runform-img-$$"
wait_until 20 tab_until image "$IMG"
ok $? "Tab completes the image from the endpoint's images"
tm send-keys -t s Down
type_line "$P-web"
tm send-keys -t s Down
type_line "sleep 100000"
tm send-keys -t s Down
type_line "127.0.0.1::80"
tm send-keys -t s Down
type_line 'RUNFORM_GREETING="hello there"'
tm send-keys -t s Enter
wait_row "$P-web" running 60
ok $? "Enter creates the container and its row shows running"
wait_until 10 row_selected "$P-web"
ok $? "the new row is selected"
wait_gone "run a container on" 5
ok $? "the form closed"
dk inspect -f '{{json .Config.Env}}' $P-web | grep -qF '"RUNFORM_GREETING=hello there"' &&
	dk inspect -f '{{json .HostConfig.PortBindings}}' $P-web |
	grep -qF '{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]}'
ok $? "the engine has the environment variable and the port"

tm send-keys -t s n
wait_for "run a container on" 5 >/dev/null
type_line "$IMG"
tm send-keys -t s Down
type_line "$P-bad"
tm send-keys -t s Down Down
type_line "8o80:80"
tm send-keys -t s Enter
wait_for "bad port 8o80:80: use [[HOSTIP:]HOSTPORT:]PORT[/PROTO]" 10
ok $? "a malformed port: one sentence"
form_field ports "8o80:80" && form_field name "$P-bad" && form_field image "$IMG"
ok $? "the typed text is kept"
tm send-keys -t s C-u
type_line "127.0.0.1::80"
tm send-keys -t s Up Up C-u
type_line "bad name"
tm send-keys -t s Enter
wait_for "invalid name 'bad name'" 10
ok $? "an invalid name: one sentence"
tm send-keys -t s C-u
type_line "$P-bad"
tm send-keys -t s Up C-u
type_line "t-runform-nosuch-$$:none"
tm send-keys -t s Enter
wait_until 30 said "no (such )?image.*t-runform-nosuch-$$:none|t-runform-nosuch-$$:none.*no such image"
ok $? "an image the engine does not have: one sentence"
form_field image "t-runform-nosuch-$$:none"
ok $? "the typed image is kept"
! dk inspect $P-bad >/dev/null 2>&1
ok $? "none of these created a container"

tm send-keys -t s C-u
type_line "$IMG"
tm send-keys -t s Down C-u
type_line "$P-web"
tm send-keys -t s Down
type_line "sleep 100000"
tm send-keys -t s Enter
wait_until 30 said "$P-web.*(in use|conflict)|(in use|conflict).*$P-web"
ok $? "a name in use: the engine's sentence"
tm send-keys -t s Down Down Down Down Down
wait_until 5 sh -c "tmux -L $TMUX_L capture-pane -p -t s | grep -qE '^ *idempotent +\\[ \\]'"
tm send-keys -t s Space
wait_until 5 sh -c "tmux -L $TMUX_L capture-pane -p -t s | grep -qE '^ *idempotent +\\[x\\]'"
ok $? "Space turns idempotent on"
id=$(dk inspect -f '{{.Id}}' $P-web)
tm send-keys -t s Enter
wait_gone "run a container on" 30
ok $? "idempotent: the run succeeds"
[ "$(dk inspect -f '{{.Id}}' $P-web)" = "$id" ]
ok $? "it reused the container of that name"

tm send-keys -t s :
wait_for ":" 5 >/dev/null
type_line "run"
tm send-keys -t s Enter
wait_for "run a container on" 5
ok $? ":run alone opens the form"
tm send-keys -t s Escape
wait_gone "run a container on" 5 >/dev/null

tm send-keys -t s I
wait_for "IMAGE ID" 10 && wait_gone "listing..." 15 >/dev/null
select_image "· $IMG ·"
tm send-keys -t s n
wait_for "run a container on" 5 && form_field image "$IMG"
ok $? "n in the images view opens the form with the selected image"
type_line "$P-img"
tm send-keys -t s Down
type_line "sleep 100000"
tm send-keys -t s Enter
wait_gone "run a container on" 60
ok $? "it runs"
tm send-keys -t s Escape
wait_row "$P-img" running 30 && wait_until 10 row_selected "$P-img"
ok $? "back in the table, its row runs and is selected"
[ "$(dk inspect -f '{{.Config.Image}}' $P-img)" = "$IMG" ]
ok $? "made from that image"
tm_quit
ok $? "the dashboard ends"
done_testing
