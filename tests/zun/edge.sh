#!/bin/bash
# edge.sh: what edge devices give berth's run against the CHI@Edge test site (a real
# Keystone + zunsim): a runtime and device profiles on create, shown in the details,
# and the errors edge users meet, each in one sentence: an image for another
# architecture on an arm64 device, no reservation, a reservation of no active lease,
# the project's quota, an image the device cannot pull. TAP.
. "$TOP_SRCDIR/tests/zun/site.sh"
. "$TOP_SRCDIR/tests/zun/lib.sh"

trap zun_site_stop EXIT	# the simulator removes its Docker containers as it stops
zun_site_tap_start
zun_client_env
IMG=berth-test/busybox:latest

one_line() {	# the error is one line starting with "berth: "
	[ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] && has "$ERR" "berth: "
}

# A Raspberry Pi reserved by machine name (an arm64 device), and a lease not started yet.
PI=$(cat /proc/sys/kernel/random/uuid) PI_RES=$(cat /proc/sys/kernel/random/uuid)
zun_lease "$PI" pi-demo '-10 min' '+1 hour' ACTIVE "$(zun_device_reservation "$PI_RES" "$PI" \
	'["==", "$machine_name", "raspberrypi4-64"]')"
LATER=$(cat /proc/sys/kernel/random/uuid) LATER_RES=$(cat /proc/sys/kernel/random/uuid)
zun_lease "$LATER" tomorrow '+1 day' '+2 days' PENDING "$(zun_device_reservation "$LATER_RES" "$LATER" '[]')"

# ---------------------------------------------------------------- runtime, device profiles
curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/runtime-policy" -d '{"users": true}'
bz -H zun run --name edge-rt --reservation "$ZS_RESERVATION" --runtime nvidia \
	--device-profile jetson-gpu --device-profile jetson-csi --wait --timeout 60 $IMG sleep 300
ok $RC "run --runtime nvidia --device-profile (twice) on a site whose policy lets users pick a runtime" "$(bz_diag)"
curl -sf "$ZS_SIM/_sim/containers" | /usr/bin/python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin) if c["name"] == "edge-rt"][0]
sys.exit(0 if c["runtime"] == "nvidia" and c["device_profiles"] == ["jetson-gpu", "jetson-csi"] else 1)'
ok $? "... Zun got runtime and device_profiles (microversion 1.41)"
bz -H zun show edge-rt
check "show prints the runtime and the device profiles (which Zun does not return to their owner)" \
	eval 'printf "%s\n" "$OUT" | grep -q "^Runtime: *nvidia$" && printf "%s\n" "$OUT" | grep -q "^Dev profiles: *jetson-gpu,jetson-csi$"'
bz -H zun ps --format json
check "... and ps --format json" eval 'printf "%s\n" "$OUT" | jq -e ".[] | select(.name == \"edge-rt\") | .runtime == \"nvidia\" and .device_profiles == \"jetson-gpu,jetson-csi\"" >/dev/null'

# ---------------------------------------------------------------- the arm64 error
bz -H zun run --name edge-arm --reservation "$PI_RES" --wait --timeout 60 $IMG sleep 300
check "an amd64 image on the Raspberry Pi: one sentence saying the device is arm64 and the image is not" \
	eval '[ $RC = 1 ] && one_line && has "$ERR" "edge-arm" && has "$ERR" "the device is arm64 and image $IMG is not (exec format error)"'

# ---------------------------------------------------------------- reservations
bz -H zun run --name edge-nores --wait --timeout 60 $IMG sleep 300
check "no reservation: one sentence saying to pass one" \
	eval '[ $RC = 1 ] && has "$ERR" "berth: edge-nores on zun has no reservation (container " && has "$ERR" "): CHI@Edge runs a container only on a device reserved for it" && has "$ERR" "run it with --reservation ID" && [ "$(printf "%s\n" "$ERR" | grep -vc "^berth: warning: ")" = 1 ]'
bz -H zun run --name edge-idle --reservation "$LATER_RES" --wait --timeout 60 $IMG sleep 300
check "the reservation of a lease not started yet: one sentence saying it is not active" \
	eval '[ $RC = 1 ] && one_line && has "$ERR" "edge-idle on zun has no device to run on (0/4 nodes are available: 4 node(s) didn'"'"'t match Pod'"'"'s node affinity/selector): its reservation is not one of an active lease"'

# ---------------------------------------------------------------- an image the device cannot pull
bz -H zun run --name edge-pull --reservation "$ZS_RESERVATION" --wait --timeout 4 berth-test/no-such-image:1 true
check "an image the device cannot pull: still creating when the wait runs out, one sentence saying why" \
	eval '[ $RC = 124 ] && one_line && has "$ERR" "edge-pull on zun is still creating after 4 s: on CHI@Edge that is a device that cannot pull image berth-test/no-such-image:1"'

# ---------------------------------------------------------------- quota
curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/quota" -d "{\"containers\": $(curl -sf "$ZS_SIM/_sim/containers" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')}"
bz -H zun run --name edge-quota --reservation "$ZS_RESERVATION" $IMG true
check "the project's quota: one sentence with Zun's words and what to do" \
	eval '[ $RC = 1 ] && one_line && has "$ERR" "cannot create a container on zun: the project'"'"'s quota is used up (Quota exceeded for resources: ['"'"'containers'"'"']); remove containers"'
curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/quota" -d '{"containers": -1}'
t_done
