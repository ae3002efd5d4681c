#!/bin/bash
# zun-runform.sh: the run form on a CHI@Edge site, in tmux, against the test
# site (a real Keystone + zunsim): on a Zun endpoint the form offers the
# reservation (Tab fills in the active lease's, naming it), the runtime, the
# device profiles, the exposed ports and the host; Tab on the image says the
# site lists no images. A host, which the site's policy keeps for
# administrators, is refused in Zun's sentence with the fields kept. Enter creates the container with them: its row runs and is
# selected, and its details show the reservation's lease and the runtime.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
. "$TOP_SRCDIR/tests/screen/zun-site.sh"
zun_screen_dir runform
curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/runtime-policy" -d '{"users": true}'

P=runform-z$$
at_exit "\"$BERTH\" -H zun rm -f $P-form >/dev/null 2>&1"

zun_dash runform 160 34
wait_for "RESERVATION" 60 >/dev/null
set_filter "$P-"
tm send-keys -t s n
wait_for "run a container on zun" 10 && shows "reservation" && shows "runtime" &&
	shows "device profiles" && shows "exposed ports" && screen | grep -qE '^ +host( |$)'
ok $? "n opens the form with Zun's fields"
type_line "$IMAGE"
tm send-keys -t s Tab
wait_for "Zun" 10 >/dev/null
screen | grep -qiE "images?.*(Zun|administrator)|(Zun|administrator).*images?"
ok $? "Tab on the image says the site lists no images"
tm send-keys -t s Down
type_line "$P-form"
tm send-keys -t s Down
type_line "sleep 100000"
tm send-keys -t s Down
type_line "80/tcp"
tm send-keys -t s Down Down Down Down
wait_until 60 tab_until reservation "$ZS_RESERVATION"
ok $? "Tab in the reservation field fills in the active lease's reservation"
shows "lease edge-demo"
ok $? "naming its lease"
tm send-keys -t s Down
type_line "nvidia"
tm send-keys -t s Down
type_line "jetson-gpu"
tm send-keys -t s Down
type_line "edge-node-01"
tm send-keys -t s Enter
wait_for "Policy doesn't allow container:create:requested_destination" 60
ok $? "a host, which the site's policy keeps for administrators: Zun's sentence"
form_field host "edge-node-01" && form_field runtime nvidia && form_field reservation "$ZS_RESERVATION"
ok $? "the fields are kept"
tm send-keys -t s C-u Enter
wait_for "creating on zun" 10
ok $? "Enter: the form says it is waiting for the container to run"
wait_gone "run a container on" 120
ok $? "the form closes once it runs" || screen | sed 's/^/#   /'
wait_row "$P-form" running 60 && wait_until 20 row_selected "$P-form"
ok $? "its row runs and is selected"
row_shows "$P-form" "80/tcp"
ok $? "its port is exposed"
tm send-keys -t s Enter
wait_for "details $P-form" 10 >/dev/null
# The details follow the lists: the runtime and the profile come with the first
# list after the run wrote them down, which may come after the view opened.
details_read() { shows_re "Runtime +nvidia" && shows_re "Reservation .*edge-demo"; }
wait_until 30 details_read
ok $? "its details show the runtime and the reservation's lease" || screen | sed 's/^/#   /'
tm_quit
ok $? "q quits"
done_testing
