#!/bin/bash
# zun-reservations.sh: containers by reservation in the dashboard, in tmux,
# against the CHI@Edge test site (a real Keystone + zunsim's Blazar): the
# RESERVATION column, grouping by lease (z cycles none, endpoint, lease), and
# extending a lease from the leases view (x: a duration, a confirmation, then
# Blazar's update), accepted and refused by the site's policy.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
. "$TOP_SRCDIR/tests/screen/zun-site.sh"
zun_screen_dir reservations

# A second lease, pi-demo (ending in 50 minutes, before edge-demo), with its own
# device reservation; a container on each lease, one with a floating IP.
PI=$(cat /proc/sys/kernel/random/uuid)
PI_R=$(cat /proc/sys/kernel/random/uuid)
zun_lease "$PI" pi-demo '-10 min' '+50 min' ACTIVE "$(zun_device_reservation "$PI_R" "$PI" '[]')"
P=st$$
"$BERTH" -H zun run --name $P-web --reservation "$ZS_RESERVATION" -p 8080 --wait --timeout 60 \
	"$IMAGE" httpd -f -p 8080 >/dev/null
ok $? "a container serving on 8080 runs on edge-demo's reservation"
at_exit "\"$BERTH\" -H zun rm -f $P-web >/dev/null 2>&1"
"$BERTH" -H zun run --name $P-quiet --reservation "$PI_R" -p 8081 --wait --timeout 60 \
	"$IMAGE" sleep 100000 >/dev/null
ok $? "a container that listens on nothing runs on pi-demo's reservation"
at_exit "\"$BERTH\" -H zun rm -f $P-quiet >/dev/null 2>&1"
FIP=$("$BERTH" -H zun fip associate $P-quiet)
ok $? "the quiet container has a floating IP ($FIP: the simulator's are loopback addresses)"

message_line() { screen | tail -1; }
puts() {	# LEASE_ID: how many updates of that lease reached Blazar
	curl -sf "$ZS_SIM/_sim/requests" | /usr/bin/python3 -c '
import json, sys
print(sum(r["method"] == "PUT" and r["path"].endswith("/leases/" + sys.argv[1])
          for r in json.load(sys.stdin)))' "$1"
}
# ask_extend CHOICE LEASE CHOICE DURATION: x in the leases view, the lease and the
# duration chosen from the menus, until the confirmation shows.
ask_extend() {
	tm send-keys -t s x
	wait_for "extend which lease?" 10 >/dev/null && tm send-keys -t s "$1" &&
		wait_for "extend lease $2 by" 10 >/dev/null && tm send-keys -t s "$3" &&
		wait_for "extend lease $2 by $4, to end " 10 >/dev/null
}
# ---------------------------------------------------------------- the table
zun_dash table 160 30
wait_for "lease pi-demo ends in" 60
wait_row "$P-web" edge-demo 60
ok $? "the RESERVATION column names the lease of each container"
screen | grep -q "RESERVATION" && row_shows "$P-quiet" pi-demo
ok $? "... pi-demo for the other one"
wait_row "$P-quiet" "$FIP" 60
ok $? "the IP column shows the floating IP"
tm send-keys -t s z
wait_for "by endpoint" 10
ok $? "z groups by endpoint first"
tm send-keys -t s z
wait_for "by lease" 10
ok $? "z again: by lease"
grouped() { screen >"$W/grouped.screen"; grep -q "$P-quiet .*$FIP" "$W/grouped.screen"; }
wait_until 60 grouped
sed 's/^/#   /' "$W/grouped.screen"
pi_head=$(grep -n "^▸ lease pi-demo · " "$W/grouped.screen" | cut -d: -f1)
edge_head=$(grep -n "^▸ lease edge-demo · " "$W/grouped.screen" | cut -d: -f1)
grep -Eq "^▸ lease pi-demo · [0-9]+m left · ACTIVE · 1 container" "$W/grouped.screen" &&
	grep -Eq "^▸ lease edge-demo · [12]h [0-9]{2}m left · ACTIVE · 1 container" "$W/grouped.screen"
ok $? "each lease's header: its time left, state and containers"
[ -n "$pi_head" ] && [ -n "$edge_head" ] && [ "$pi_head" -lt "$edge_head" ] &&
	sed -n "$((pi_head + 1))p" "$W/grouped.screen" | grep -q "$P-quiet .*running.*$FIP" &&
	sed -n "$((edge_head + 1))p" "$W/grouped.screen" | grep -q "$P-web .*running"
ok $? "under each header its container with its status (and the floating IP), the soonest end first"
tm send-keys -t s z
wait_gone "by lease" 10
ok $? "z a third time: not grouped"

# ---------------------------------------------------------------- extend from the view
tm send-keys -t s L
wait_for "Active leases of the Zun endpoints" 10
tm send-keys -t s x
wait_for "extend which lease?" 10
ok $? "x in the leases view asks which lease (two are active)"
tm send-keys -t s 1
wait_for "extend lease pi-demo by" 10
ok $? "then by how much"
tm send-keys -t s 2
wait_for "extend lease pi-demo by 1 hour, to end " 10
ok $? "then a confirmation naming the new end"
tm send-keys -t s y
wait_for "lease pi-demo extended by 1 hour: it ends " 90
ok $? "y: Blazar extends it ($(message_line))"
wait_until 60 eval 'screen | grep -Eq "^  pi-demo .* 1h [0-5][0-9]m left +ACTIVE"'
ok $? "the view shows the new time left"

curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/blazar-policy" \
	-d '{"refuse": "Your allocation has no hours left for this lease."}'
ask_extend 2 edge-demo 1 "30 minutes"
tm send-keys -t s n
wait_gone "extend lease edge-demo by 30 minutes" 10
ok $? "n at the confirmation sends nothing"
[ "$(puts "$ZS_LEASE")" = 0 ]
ok $? "... no update reached Blazar"
ask_extend 2 edge-demo 1 "30 minutes"
tm send-keys -t s y
# The whole line is awaited: a screen taken while a redraw is half through has
# only the start of the sentence.
refused() { message_line | grep -q "^cannot extend lease edge-demo: Your allocation has no hours left for this lease$"; }
wait_until 90 refused || timed_out "the refusal in the message line"
ok $? "a refusal: Blazar's message in one sentence ($(message_line))"
curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/blazar-policy" -d '{"refuse": null}'
tm_quit
ok $? "q quits"

# ---------------------------------------------------------------- the stage view
running() { [ "$("$BERTH" -H zun status "$1" 2>/dev/null)" = running ]; }
zun_dash stage 80 24 -- --stage
wait_for "STAGE · read-only" 30
ok $? "berth --stage opens the stage view at 80x24"
stage_ready() {
	screen >"$W/stage.screen"
	grep -q "port 8080 answers" "$W/stage.screen" && grep -q "port 8081: NO ANSWER" "$W/stage.screen"
}
wait_until 60 stage_ready
ok $? "the container serving on its port answers, the other does not (probed, in words)"
sed 's/^/#   /' "$W/stage.screen"
grep -Eq "^  LEASE pi-demo +1:[0-5][0-9]:[0-9]{2} left +ACTIVE · 1 container" "$W/stage.screen" &&
	grep -Eq "^  LEASE edge-demo +[12]:[0-5][0-9]:[0-9]{2} left +ACTIVE · 1 container" "$W/stage.screen"
ok $? "each active lease: its time left to the second, its state, its containers"
grep -Eq "^    $P-web +running +port 8080 answers +no floating IP\$" "$W/stage.screen"
ok $? "the serving container: running, answering (no floating IP)"
grep -Eq "^    $P-quiet +running +port 8081: NO ANSWER +$FIP:8081\$" "$W/stage.screen"
ok $? "the quiet one: no answer, and the address to open ($FIP:8081)"
[ "$(wc -l <"$W/stage.screen")" -le 24 ] && [ "$(LC_ALL=C.UTF-8 wc -L <"$W/stage.screen")" -le 80 ]
ok $? "all of it within 80x24"
first=$(grep "LEASE pi-demo" "$W/stage.screen")
wait_until 10 eval '! screen | grep -qF -- "$first"'
ok $? "the time left counts down ($(screen | grep "LEASE pi-demo"))"

refused=0
for pair in s:start d:delete K:kill x:extend f:floating_ip; do
	tm send-keys -t s "${pair%%:*}"
	wait_for "the stage view is read-only: ${pair#*:} is refused here; Esc leaves it" 10 >/dev/null &&
		refused=$((refused + 1))
done
diag "$(message_line)"
[ "$refused" = 5 ]
ok $? "start, delete, kill, extend and floating IP keys are refused, one sentence each naming the mode"
! screen | grep -q "\[y/N\]" && running "$P-web" && running "$P-quiet"
ok $? "... nothing was asked or done: both containers still run"
tm send-keys -t s Escape
wait_for "RESERVATION" 10
ok $? "Esc leaves the stage view for the table"
tm send-keys -t s :
tm send-keys -t s -l stage
tm send-keys -t s Enter
wait_for "STAGE · read-only" 10
ok $? ":stage opens it again (the view registry)"
tm send-keys -t s Escape
tm send-keys -t s :
tm send-keys -t s -l confirm
tm send-keys -t s Enter
wait_for "unknown verb confirm" 10
ok $? "a view that cannot be opened by name is refused ($(screen | grep -F 'unknown verb'))"
tm_quit
ok $? "q quits"
done_testing
