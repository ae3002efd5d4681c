#!/bin/bash
# leases.sh: berth leases against the CHI@Edge test site (a real Keystone + zunsim's
# Blazar): the leases with their device reservations, one lease in full, extending a
# lease (Blazar's lease update, as python-blazarclient computes --prolong-for) and the
# site's refusals in Blazar's own words, and --expiring for scripts. TAP.
. "$TOP_SRCDIR/tests/zun/site.sh"
. "$TOP_SRCDIR/tests/zun/lib.sh"

trap 'zun_site_stop' EXIT
zun_site_tap_start
zun_client_env

# A Raspberry Pi lease ending in 31 minutes, and two leases with the same name.
PI=$(cat /proc/sys/kernel/random/uuid) PI_RES=$(cat /proc/sys/kernel/random/uuid)
zun_lease "$PI" pi-demo '-10 min' '+31 min' ACTIVE "$(zun_device_reservation "$PI_RES" "$PI" \
	'["and", ["==", "$machine_name", "raspberrypi4-64"], ["==", "$model", "4B"]]')"
for _ in 1 2; do
	zun_lease "$(cat /proc/sys/kernel/random/uuid)" twin '+1 day' '+2 days' PENDING ""
done

lease_end() {	# NAME: the lease's end as leases show prints it
	bz -H zun leases show "$1"
	printf '%s\n' "$OUT" | sed -n 's/^End: *//p'
}

# ---------------------------------------------------------------- the list
bz -H zun leases
ok $RC "leases" "$(bz_diag)"
printf '%s\n' "$OUT" | head -1 | grep -q "NAME .*STATUS .*END .*LEFT .*RESERVATIONS"
ok $? "a header with the reservations column" "$OUT"
printf '%s\n' "$OUT" | grep -E "^pi-demo +ACTIVE +[0-9-]+ [0-9:]+ +3[01]m +1 device: machine_name == raspberrypi4-64 and model == 4B$" >/dev/null
ok $? "the device reservation: its count and the machine asked for, in words" "$OUT"
printf '%s\n' "$OUT" | grep -E "^edge-demo +ACTIVE .* [12]h [0-9]{2}m +1 device$" >/dev/null
ok $? "a reservation of any device: its count" "$OUT"
printf '%s\n' "$OUT" | grep -E "^old-lease +TERMINATED .* ended +-$" >/dev/null
ok $? "a finished lease without reservations" "$OUT"

# ---------------------------------------------------------------- show
bz -H zun leases show pi-demo
ok $RC "leases show by name" "$(bz_diag)"
{ has "$OUT" "Id:           $PI" && has "$OUT" "Status:       ACTIVE" &&
  printf '%s\n' "$OUT" | grep -Eq "^Left: +3[01]m$" &&
  has "$OUT" "Reservations: 1 device: machine_name == raspberrypi4-64 and model == 4B (active)" &&
  has "$OUT" "              $PI_RES"; }
ok $? "... with its id, status, time left and reservation (what it asked for, its id)" "$OUT"
bz -H zun leases show "$ZS_LEASE"
check "leases show by id" has "$OUT" "Lease:        edge-demo"
bz -H zun leases show nosuch
check "an unknown lease: one sentence, status 1" \
	eval '[ $RC = 1 ] && [ "$ERR" = "berth: no lease has the id or name nosuch" ]'
bz -H zun leases show twin
check "a name two leases share: one sentence asking for the id" \
	eval '[ $RC = 1 ] && has "$ERR" "2 leases are named twin: name the lease by its id"'

# ---------------------------------------------------------------- extend
before=$(lease_end edge-demo)
sim_reset
bz -H zun leases extend edge-demo --by 1h
want=$(date -d "$before 1 hour" '+%Y-%m-%d %H:%M')
check "extend --by 1h: the new end, an hour after the old one, and the time left" \
	eval '[ $RC = 0 ] && printf "%s\n" "$OUT" | grep -Eq "^edge-demo now ends $want \([23]h [0-9]{2}m left\)$"'
sim_requests | grep -q "^PUT /reservation/v1/leases/$ZS_LEASE "
ok $? "... by Blazar's lease update (PUT /leases/ID)" "$(sim_requests)"
[ "$(lease_end edge-demo)" = "$want" ]
ok $? "... and the site keeps the new end"
end=$(date -u -d '+3 hours' '+%Y-%m-%d %H:%M')
bz -H zun leases extend pi-demo --end "$end"
check "extend --end TIME (UTC)" eval '[ $RC = 0 ] && has "$OUT" "pi-demo now ends $(date -d "$end UTC" "+%Y-%m-%d %H:%M")"'

curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/blazar-policy" -d '{"max_lease_duration": 14400}'
bz -H zun leases extend edge-demo --by 1d
check "a refusal by the site's maximum lease duration: Blazar's message in one sentence" \
	eval '[ $RC = 1 ] && [ "$(printf "%s\n" "$ERR" | wc -l)" = 1 ] && has "$ERR" "berth: cannot extend lease edge-demo: Lease duration of " && has "$ERR" "seconds must be less than or equal to the maximum lease duration of 14400 seconds"'
curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/blazar-policy" \
	-d '{"max_lease_duration": -1, "refuse": "Your allocation has no hours left for this lease."}'
bz -H zun leases extend edge-demo --by 1h
check "a refusal by the site's policy service: its own words" \
	eval '[ $RC = 1 ] && [ "$ERR" = "berth: cannot extend lease edge-demo: Your allocation has no hours left for this lease" ]'
curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/blazar-policy" -d '{"refuse": null}'
bz -H zun leases extend old-lease --by 1h
check "a lease that has ended cannot be extended: Blazar's message" \
	eval '[ $RC = 1 ] && [ "$ERR" = "berth: cannot extend lease old-lease: Terminated leases can only be renamed" ]'
[ "$(lease_end edge-demo)" = "$want" ]
ok $? "refused extensions leave the end as it was"

for bad in "extend edge-demo" "extend edge-demo --by 1h --end 2030-01-01" "extend edge-demo --by soon" \
	"extend edge-demo --by 10s" "extend edge-demo --end tomorrow" "extend --by 1h edge-demo" \
	"show" "renew edge-demo" "--expiring 30m show edge-demo" "--expiring later"; do
	bz -H zun leases $bad
	check "leases $bad: a usage error (status 2)" eval '[ $RC = 2 ] && has "$ERR" "berth: leases: "'
done

# ---------------------------------------------------------------- --expiring
# pi-demo now ends in 3 hours; a second lease ends in 35 minutes.
zun_lease "$(cat /proc/sys/kernel/random/uuid)" pi-soon '-1 hour' '+35 min' ACTIVE ""
bz -H zun leases --expiring 30m
check "--expiring 30m: no active lease ends within 30 minutes: status 0, nothing printed" \
	eval '[ $RC = 0 ] && [ -z "$OUT" ]'
bz -H zun leases --expiring 40m
check "--expiring 40m: status 1 and the lease that ends within it" \
	eval '[ $RC = 1 ] && [ "$(printf "%s\n" "$OUT" | wc -l)" = 2 ] && printf "%s\n" "$OUT" | grep -Eq "^pi-soon +ACTIVE .* 3[0-5]m "'
bz -H zun leases --expiring 1d
check "--expiring 1d: every active lease ending within a day, not the ended or pending ones" \
	eval '[ $RC = 1 ] && has "$OUT" pi-soon && has "$OUT" pi-demo && has "$OUT" edge-demo && ! has "$OUT" old-lease && ! has "$OUT" twin'
t_done
