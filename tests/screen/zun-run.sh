#!/bin/bash
# zun-run.sh: creating a container on a CHI@Edge site from the dashboard's
# command line, in tmux, against the test site (a real Keystone + zunsim):
# :run with a reservation, a runtime and a device profile (Zun microversion
# 1.41) starts it, its row shows running and its details the runtime and the
# profile; a bad option is the CLI's sentence, with the line kept.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
. "$TOP_SRCDIR/tests/screen/zun-site.sh"
zun_screen_dir run
curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/runtime-policy" -d '{"users": true}'

P=zr$$
at_exit "\"$BERTH\" -H zun rm -f $P-rt >/dev/null 2>&1"
# typed LINE: type LINE on the command line and run it.
typed() {
	tm send-keys -t s :
	tm send-keys -t s -l "$1"
	wait_for ":$1" 5 >/dev/null
	tm send-keys -t s Enter
}

zun_dash run 160 30
wait_for "RESERVATION" 60 >/dev/null
typed "run --runtime"
wait_for "needs a value" 10 && shows ":run --runtime"
ok $? "a missing option value is the CLI's sentence, and the line is kept" || screen | sed 's/^/#   /'
tm send-keys -t s C-u Escape
typed "run --name $P-rt --reservation $ZS_RESERVATION --runtime nvidia --device-profile jetson-gpu $IMAGE sleep 100000"
wait_for "run exited with status 0" 90
ok $? ":run with a reservation, a runtime and a device profile ends well" || screen | sed 's/^/#   /'
tm send-keys -t s Escape
set_filter "$P-rt"
wait_row "$P-rt" running 60
ok $? "the new container's row shows running"
tm send-keys -t s Enter
wait_for "details $P-rt" 10 >/dev/null
# The details follow the lists: the runtime and the profile come with the first
# list after the run wrote them down, which may come after the view opened.
details_read() { shows_re "Runtime +nvidia" && shows_re "Dev profiles +jetson-gpu"; }
wait_until 30 details_read
ok $? "its details show the runtime and the device profile" || screen | sed 's/^/#   /'
tm_quit
ok $? "q quits"
done_testing
