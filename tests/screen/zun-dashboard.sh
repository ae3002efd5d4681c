#!/bin/bash
# zun-dashboard.sh: the dashboard over a Zun endpoint (the CHI@Edge test site:
# a real Keystone and zunsim over the Docker engine) next to the Docker engine:
# the Zun container shows and is polled, the floating IP key associates and
# dissociates an address, and on the Docker endpoint the same key shows the
# library's one sentence. Headless (BERTH_NO_DISPLAY + BERTH_SCRIPT).
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
. "$TOP_SRCDIR/tests/screen/zun-site.sh"

P=t-dash-$$
"$BERTH" -H zun run --name $P-edge --reservation "$ZS_RESERVATION" --wait --timeout 60 "$IMAGE" \
	sleep 100000 >/dev/null
ok $? "a container runs on the Zun site"
ctr $P-dock "$IMAGE" sleep 100000

W=$ZS_DIR/dash
mkdir -p "$W"
cat >"$W/script" <<EOS
:timeout 30
/$P<enter>
:wait $P-edge
:wait $P-dock
:save-display $W/table.screen
/<^u>$P-edge<enter>
:wait-not $P-dock
f
:wait Associate a floating IP
<enter>
:wait (empty: allocate one)
<enter>
:wait associated floating IP
:wait $ZS_FREE_FIP
:save-display $W/fip.screen
f
:wait Dissociate its floating IP
2
:wait floating IP
y
:wait dissociated the floating IP
:wait-not $ZS_FREE_FIP
:save-display $W/nofip.screen
/<^u>$P-dock<enter>
:wait-not $P-edge 
f
:wait Zun
:save-display $W/docker-fip.screen
q
EOS
BERTH_NO_DISPLAY=1 BERTH_SCRIPT=$W/script LINES=24 COLUMNS=160 TERM=dumb LANG=C.UTF-8 \
	timeout 120 "$BERTH" -H zun -H "unix://$DOCKER_SOCK" 2>"$W/stderr"
ok $? "the scripted run over both endpoints ends with status 0"
sed 's/^/# /' "$W/stderr"
grep "$P-edge" "$W/table.screen" | grep -q running && grep "$P-dock" "$W/table.screen" | grep -q running &&
	sed -n 2p "$W/table.screen" | grep -q ENDPOINT
ok $? "the table shows the Zun and the Docker containers with an endpoint column"
grep -q "zun: connected (polling)" "$W/table.screen"
ok $? "the Zun endpoint is polled (no event stream) and says so"
grep "$P-edge" "$W/fip.screen" | grep -qF "$ZS_FREE_FIP"
ok $? "f associates the free floating IP and the IP column shows it"
! grep "$P-edge" "$W/nofip.screen" | grep -qF "$ZS_FREE_FIP"
ok $? "f again dissociates it after confirmation"
tail -1 "$W/docker-fip.screen" | sed 's/^/# /'
tail -1 "$W/docker-fip.screen" | grep -qi "zun"
ok $? "on a Docker container, f shows the library's sentence"
"$BERTH" -H zun rm -f $P-edge >/dev/null 2>&1
done_testing
