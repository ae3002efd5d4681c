#!/bin/bash
# zun-leases.sh: reservation awareness in the dashboard, in tmux, against the
# CHI@Edge test site (a real Keystone + zunsim's Blazar): the leases key lists
# the active leases with their time left, the status line shows the soonest end,
# a container berth created with a reservation shows it (and its lease) in its
# details, a hanging Blazar never freezes the screen, a site whose catalog has no
# reservation service says so, and a Keystone warning (TLS verification off,
# Keystone behind a TLS proxy) lands in the message line, never over the screen.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
command -v socat >/dev/null && command -v openssl >/dev/null || skip_all "socat or openssl is missing"
. "$TOP_SRCDIR/tests/screen/zun-site.sh"
export TZ=UTC LANG=C.UTF-8
W=$ZS_DIR/leases
mkdir -p "$W"

# A second active lease that ends first (61.5 minutes from now: "1h 02m", then
# "1h 01m"), and one that has not started: only active ones are listed.
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%S.000000; }
SOON=$(cat /proc/sys/kernel/random/uuid)
lease() {	# ID NAME START END STATUS
	curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/lease" -d "{\"id\":\"$1\",\"name\":\"$2\",
		\"start_date\":\"$3\",\"end_date\":\"$4\",\"status\":\"$5\",\"degraded\":false,
		\"project_id\":\"$ZS_PROJECT_ID\",\"user_id\":\"$ZS_USER_ID\",\"reservations\":[]}"
}
SOON_END=$(iso '+3690 sec')
lease "$SOON" soon-lease "$(iso '-10 min')" "$SOON_END" ACTIVE
lease "$(cat /proc/sys/kernel/random/uuid)" later-lease "$(iso '+1 day')" "$(iso '+2 days')" PENDING

P=t-dash-$$
"$BERTH" -H zun run --name $P-edge --reservation "$ZS_RESERVATION" --wait --timeout 60 "$IMAGE" \
	sleep 100000 >/dev/null
ok $? "a container runs on the Zun site, created by berth with a reservation"
at_exit "\"$BERTH\" -H zun rm -f $P-edge >/dev/null 2>&1"

# Keystone behind a TLS proxy with a self-signed certificate, used with OS_INSECURE.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" -days 1 \
	-subj /CN=127.0.0.1 >/dev/null 2>&1
KPORT=${ZS_KEYSTONE#http://127.0.0.1:}
KPORT=${KPORT%%/*}
TPORT=$(zun_free_port)
socat "OPENSSL-LISTEN:$TPORT,bind=127.0.0.1,reuseaddr,fork,cert=$W/cert.pem,key=$W/key.pem,verify=0" \
	"TCP:127.0.0.1:$KPORT" 2>"$W/socat.log" &
SOCAT=$!
at_exit "kill $SOCAT 2>/dev/null"
for _ in $(seq 100); do curl -sk -o /dev/null -m 2 "https://127.0.0.1:$TPORT/v3" && break; sleep 0.1; done

# dash NAME [ENV=VALUE...]: the dashboard on the Zun site in tmux; stderr to $W/NAME.err.
dash() {
	local name=$1; shift
	{
		echo "#!/bin/bash"
		export -p
		printf 'export %q\n' "$@"
		printf 'exec %q -H zun 2>%q\n' "$BERTH" "$W/$name.err"
	} >"$W/$name.sh"
	TMUX_L=berth-dash-$$-$name	# a server per run: the last one may still be going away
	tm_start 140 30 "bash $W/$name.sh"
}
status_line() { screen | sed -n 29p; }
message_line() { screen | sed -n 30p; }
# details NAME: filter the table to NAME and open its details.
details() { set_filter "$1"; tm send-keys -t s Enter; wait_for "details $1" 10; }
# quit: q closes the view, q quits; 0 once the dashboard's process is gone
# (HANG_S at most, less than the 30 s Blazar hangs below).
quit() {
	local pid
	pid=$(pane_pid)
	tm send-keys -t s q
	tm send-keys -t s q
	wait_until "$HANG_S" gone "$pid"
}

# ---------------------------------------------------------------- with Blazar, over TLS
dash tls OS_AUTH_URL="https://127.0.0.1:$TPORT/v3" OS_INSECURE=true
wait_for "connected (polling)" 30
ok $? "the dashboard reaches the site through the TLS proxy"
wait_for "lease soon-lease ends in" 20
status_line | grep -Eq "· lease soon-lease ends in 1h 0[12]m"
ok $? "the status line shows the soonest-ending active lease and its time left ($(status_line))"
message_line | grep -q "warning: TLS certificate verification is off for Keystone at https://127.0.0.1:$TPORT/v3"
ok $? "the Keystone warning is in the message line ($(message_line))"
screen >"$W/tls.screen"
[ "$(grep -c "TLS certificate" "$W/tls.screen")" = 1 ] && ! grep -q "berth: warning" "$W/tls.screen" &&
	[ "$(sed -n 1p "$W/tls.screen" | cut -c2-6)" = berth ] && sed -n 2p "$W/tls.screen" | grep -q NAME
ok $? "no stray text on the screen: title and header in place, the warning only in the message line"
sed 's/^/#   /' "$W/tls.screen"

t0=$(now_ms)
tm send-keys -t s L
wait_for "Active leases of the Zun endpoints" 5
ok $? "L opens the leases view ($(( $(now_ms) - t0 )) ms)"
screen >"$W/leases.screen"
sed 's/^/#   /' "$W/leases.screen"
grep -E "^  edge-demo +${ZS_LEASE:0:8} .* [12]h [0-9]{2}m left +ACTIVE" "$W/leases.screen" >/dev/null
ok $? "the view lists the site's lease: name, short id, start, end, time left, status"
grep -E "^  soon-lease +${SOON:0:8} .* 1h 0[12]m left +ACTIVE" "$W/leases.screen" >/dev/null
ok $? "and the second active lease with its own time left"
! grep -Eq "old-lease|later-lease" "$W/leases.screen" && grep -q "2 other leases not active" "$W/leases.screen"
ok $? "terminated and pending leases are counted, not listed"
grep -q "  $(echo "$SOON_END" | cut -c1-16 | tr T ' ')  " "$W/leases.screen"
ok $? "the end time is shown"
tm send-keys -t s Escape
wait_gone "Active leases of the Zun endpoints" 5
ok $? "Esc closes the leases view"

details "$P-edge"
screen | grep "^Reservation" | sed 's/^/#   /'
screen | grep "^Reservation" | grep -F "$ZS_RESERVATION (lease edge-demo, ACTIVE, ends " | grep -Eq "[12]h [0-9]{2}m left\)"
ok $? "the details show the container's reservation and its lease"
wait_until 10 shows "Zun has no process list."
ok $? "the details say once that Zun has no process list" || screen | sed 's/^/#   /'
quit
grep -q "^berth: warning: TLS certificate verification is off for Keystone" "$W/tls.err"
ok $? "after quitting, the warning is printed on stderr"

# ---------------------------------------------------------------- a hanging Blazar
zun_fault hang /reservation/v1/leases 4 30
dash hang
wait_for "connected (polling)" 30
tm send-keys -t s L
wait_for "asking its reservation service" 5
ok $? "while Blazar hangs, the leases view opens and says it is asking"
lat=$(key_latency_ms '?' "key map")
[ "$lat" -le "$KEY_HANG_MS" ]
ok $? "keys still answer while the lease fetch hangs (help in $lat ms)"
! status_line | grep -q "lease "
ok $? "no lease in the status line before Blazar answers"
t0=$(now_ms)
quit
ok $? "quitting is not held by the hanging fetch ($(( $(now_ms) - t0 )) ms)"
sim_reset() { curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/reset"; }
sim_reset

# ---------------------------------------------------------------- no reservation service
/usr/bin/python3 - "$ZS_KEYSTONE" "$ZS_DIR/adminpw" <<'PY'
import json, sys, urllib.request
ks, pw = sys.argv[1], open(sys.argv[2]).read().strip()
def call(path, method="GET", body=None, token=None):
    rq = urllib.request.Request(ks + path, method=method, data=json.dumps(body).encode() if body else None,
                                headers={"Content-Type": "application/json", **({"X-Auth-Token": token} if token else {})})
    with urllib.request.urlopen(rq, timeout=20) as r:
        return json.loads(r.read() or b"null"), r.headers.get("X-Subject-Token")
_, tok = call("/auth/tokens", "POST", {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": pw}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
for e in call("/endpoints", token=tok)[0]["endpoints"]:
    svc = call("/services/" + e["service_id"], token=tok)[0]["service"]
    if svc["type"] == "reservation":
        call("/endpoints/" + e["id"], "DELETE", token=tok)
PY
ok $? "the reservation endpoint is removed from the site's catalog"
dash noblazar
wait_for "connected (polling)" 30
tm send-keys -t s L
wait_for "reservation service (Blazar)" 10
ok $? "with no Blazar in the catalog, the leases key says so"
message_line | sed 's/^/# /'
! status_line | grep -q "lease "
ok $? "and the status line shows no lease"
tm send-keys -t s Escape
tm send-keys -t s L
wait_for "no endpoint has a reservation service (Blazar)" 10
ok $? "once known, in one sentence in the message line ($(message_line))"
details "$P-edge"
screen | grep "^Reservation" | grep -q "^Reservation   $ZS_RESERVATION$"
ok $? "details still show the reservation berth gave the container, without a lease ($(screen | grep '^Reservation'))"
quit
done_testing
