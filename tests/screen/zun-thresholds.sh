#!/bin/bash
# zun-thresholds.sh: a lease's end coming near, in the dashboard, in tmux, against
# the CHI@Edge test site (a real Keystone + zunsim's Blazar). A lease made to end
# in 32 minutes turns the status line's soonest end to the warning colour, marked
# "(warning)", as it crosses 30 minutes, with a notice in the message line; one made
# to end in 6 minutes turns it to the alarm colour, "(ALARM)", as it crosses 5, with
# its own notice; lease_warning and lease_alarm in berth.conf move the thresholds.
# The leases view lists each lease's reservations. Each crossing is waited for
# (45 s each, by the clock), never timed.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
. "$TOP_SRCDIR/tests/screen/zun-site.sh"
zun_screen_dir thresholds

uuid() { cat /proc/sys/kernel/random/uuid; }

status_line() { screen | sed -n 29p; }
message_line() { screen | sed -n 30p; }
# The escape sequences (colour, bold) in force where the lease's text starts.
lease_attrs() { tm capture-pane -e -p -t s | sed -n 29p | sed 's/· lease.*//' | grep -o $'\e\[[0-9;]*m' | tail -1; }
# The dashboard starts with edge-demo (2 h) as the soonest end. Once it shows
# it, a lease ending in 30 min 45 s arrives: "31m", unmarked, until it crosses
# 30 minutes by the clock 45 s later (the dashboard polls Blazar every 5 s).
zun_dash defaults 140 30
wait_for "lease edge-demo ends in" 150
PI31=$(uuid)
zun_lease "$PI31" pi-31 '-10 min' '+1845 sec' ACTIVE "$(zun_device_reservation "$(uuid)" "$PI31" \
	'["==", "$machine_name", "raspberrypi4-64"]')"
wait_for "lease pi-31 ends in" 40
ok $? "the status line shows the soonest end ($(status_line))"
status_line | grep -Eq "· lease pi-31 ends in 31m *$" && normal=$(lease_attrs)
ok $? "31 minutes before its end: the time left, no mark ($(status_line))"
wait_for "lease pi-31 ends in 30m (warning)" 120
ok $? "crossing 30 minutes: marked (warning) ($(status_line))"
warning=$(lease_attrs)
[ -n "$warning" ] && [ "$warning" != "$normal" ]
ok $? "... in another colour than before ($(printf %q "$normal") -> $(printf %q "$warning"))"
message_line | grep -q "warning: lease pi-31 ends in 30m; extend it in the leases view (L, then x) or with berth leases extend"
ok $? "... with a notice in the message line ($(message_line))"

tm send-keys -t s L
wait_for "Active leases of the Zun endpoints" 10
screen >"$W/view.screen"
sed 's/^/#   /' "$W/view.screen"
grep -A1 "^  pi-31 " "$W/view.screen" | grep -Eq "^    reservations: +1 device: machine_name == raspberrypi4-64 \("
ok $? "the leases view lists a lease's reservations: what each asked for"
tm send-keys -t s Escape
wait_gone "Active leases of the Zun endpoints" 10

# A lease ending in 5 min 45 s becomes the soonest: "6m", crossing 5 minutes 45 s later.
PI6=$(uuid)
zun_lease "$PI6" pi-6 '-10 min' '+345 sec' ACTIVE ""
wait_for "lease pi-6 ends in" 40
ok $? "a lease ending sooner takes the status line ($(status_line))"
status_line | grep -Eq "lease pi-6 ends in 6m \(warning\) *$"
ok $? "... within 30 minutes: warning already"
wait_for "lease pi-6 ends in 5m (ALARM)" 120
ok $? "crossing 5 minutes: marked (ALARM) ($(status_line))"
alarm=$(lease_attrs)
[ -n "$alarm" ] && [ "$alarm" != "$warning" ] && [ "$alarm" != "$normal" ]
ok $? "... in a third colour ($(printf %q "$alarm"))"
message_line | grep -q "ALARM: lease pi-6 ends in 5m; extend it"
ok $? "... with its notice in the message line ($(message_line))"
tm_quit
ok $? "q quits"

# Thresholds from berth.conf: a warning 50 minutes before, no alarm.
printf '[general]\nlease_warning = 3000\nlease_alarm = 0\n' >"$W/berth.conf"
zun_dash config 140 30 BERTH_CONFIG="$W/berth.conf"
wait_for "lease pi-6 ends in" 30
status_line | grep -Eq "· lease pi-6 ends in [45]m \(warning\) *$"
ok $? "lease_alarm = 0: no alarm, lease_warning = 3000: a warning ($(status_line))"
tm_quit
printf '[general]\nlease_warning = soon\n' >"$W/bad.conf"
"$BERTH" -c "$W/bad.conf" ps >/dev/null 2>"$W/bad.err"
grep -q "lease_warning must be a number of seconds, 0 or more" "$W/bad.err"
ok $? "a bad lease_warning: one sentence naming the file and line ($(cat "$W/bad.err"))"
done_testing
