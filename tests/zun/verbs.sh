#!/bin/bash
# verbs.sh: every berth verb against the CHI@Edge test site (a real Keystone + zunsim
# over the real Docker engine), through -H zun with OS_* variables and -H zun:CLOUD
# with a clouds.yaml. TAP. Keystone tokens live 20 s here, so renewal happens for real.
. "$TOP_SRCDIR/tests/zun/site.sh"
. "$TOP_SRCDIR/tests/zun/lib.sh"

trap 'zun_site_stop' EXIT
export ZUN_TOKEN_EXPIRATION=20 ZUNSIM_MAX_LIMIT=2
zun_site_tap_start
zun_client_env
mkdir -p "$ZS_DIR/work"
cd "$ZS_DIR/work" || exit 1
IMG=berth-test/busybox:latest
R=$ZS_RESERVATION

# ---------------------------------------------------------------- auth
bz -H zun endpoints
check "app credential from OS_*: the site answers" has "$OUT" "Zun (API container 1.41, region CHI@Edge)"

(unset OS_APPLICATION_CREDENTIAL_ID OS_APPLICATION_CREDENTIAL_SECRET
 export OS_AUTH_TYPE=password OS_USERNAME=edgeuser OS_PASSWORD=$ZS_PASSWORD OS_PROJECT_NAME=edge \
	OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_ID=default
 bz -H zun ps -a
 ok $RC "password with project scope from OS_*" "$(bz_diag)")

(unset OS_APPLICATION_CREDENTIAL_ID
 export OS_APPLICATION_CREDENTIAL_NAME=$ZS_APPCRED_NAME OS_APPLICATION_CREDENTIAL_SECRET=$ZS_APPCRED2_SECRET \
	OS_USERNAME=edgeuser OS_USER_DOMAIN_NAME=Default
 bz -H zun ps -a
 ok $RC "app credential by name and user" "$(bz_diag)")

bze OS_APPLICATION_CREDENTIAL_SECRET=not-the-secret -- -H zun ps
check "a wrong secret is refused in one sentence" \
	has "$ERR" "refused the application credential from the OS_* variables"

mkdir -p "$HOME/.config/openstack"
cat >"$HOME/.config/openstack/clouds.yaml" <<EOF
clouds:
  edge:
    auth:
      auth_url: $ZS_KEYSTONE
      application_credential_id: "$ZS_APPCRED_ID"
    region_name: "CHI@Edge"
    interface: "public"
    identity_api_version: 3
    auth_type: "v3applicationcredential"
  pw:
    auth:
      auth_url: $ZS_KEYSTONE
      username: edgeuser
      project_name: edge
      user_domain_name: Default
      project_domain_name: Default
    region_name: CHI@Edge
EOF
cat >"$HOME/.config/openstack/secure.yaml" <<EOF
clouds:
  edge:
    auth:
      application_credential_secret: "$ZS_APPCRED_SECRET"
  pw:
    auth:
      password: "$ZS_PASSWORD"
EOF
(for v in $(env | sed -n 's/^\(OS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
 bz -H zun:edge endpoints
 check "zun:CLOUD with clouds.yaml + secure.yaml (app credential)" has "$OUT" "region CHI@Edge"
 bz -H zun:pw ps -a
 ok $RC "zun:CLOUD with a password cloud" "$(bz_diag)"
 OS_CLOUD=pw bz -H zun ps -a
 ok $RC "OS_CLOUD picks the cloud for -H zun" "$(bz_diag)"
 bz -H zun ps
 check "two clouds and no choice is one clear sentence" has "$ERR" "defines 2 clouds: pick one"
 bz -H zun:nowhere ps
 check "an unknown cloud is named" has "$ERR" "defines no cloud nowhere"
 mkdir -p other-home
 cat >one.yaml <<EOF
clouds:
  only:
    auth:
      auth_url: $ZS_KEYSTONE
      application_credential_id: "$ZS_APPCRED_ID"
      application_credential_secret: "$ZS_APPCRED_SECRET"
    region_name: "CHI@Edge"
EOF
 bze HOME=$PWD/other-home OS_CLIENT_CONFIG_FILE=./one.yaml -- -H zun ps -a
 ok $RC "OS_CLIENT_CONFIG_FILE with a single cloud is the default" "$(bz_diag)"
 cat >berth.conf <<EOF
[endpoint edge]
auth_url = $ZS_KEYSTONE
application_credential_id = $ZS_APPCRED_ID
application_credential_secret = $ZS_APPCRED_SECRET
region_name = CHI@Edge
EOF
 chmod 600 berth.conf
 bz -c berth.conf -H edge endpoints
 check "an endpoint section of berth.conf with Keystone settings" has "$OUT" "region CHI@Edge")

# ---------------------------------------------------------------- catalog and reachability
bze OS_REGION_NAME=CHI@Nowhere -- -H zun ps
check "no endpoint in the region: the catalog's offer is listed" \
	has "$ERR" "no container (Zun) endpoint for interface public in region CHI@Nowhere (it has: public in CHI@Edge, internal in CHI@Edge, public in CHI@UC)"
bze OS_INTERFACE=internal -- -H zun ps
check "the interface picks the (dead) internal URL, reported clearly" has "$ERR" "cannot reach Zun at http://127.0.0.1:9/v1"
start=$(date +%s)
bze OS_AUTH_URL=http://127.0.0.1:$(zun_free_port)/v3 -- -H zun ps
check "an unreachable Keystone is one sentence" has "$ERR" "cannot reach Keystone at"
[ $(( $(date +%s) - start )) -le 6 ]; ok $? "... within the connect timeout"
bze -u OS_AUTH_URL HOME=$PWD/other-home -- -H zun ps
check "no credentials at all says what to do" has "$ERR" "no OpenStack credentials"

# ---------------------------------------------------------------- create, reservation, show
bz -H zun run --name noresv $IMG sleep 100000
check "run without a reservation warns before sending" has "$ERR" "without a reservation"
bz -H zun wait --status running --timeout 30 noresv
check "... and the container ends in Error, reported with Zun's reason" \
	has "$ERR" "has no reservaton ID set"
bz -H zun rm -f noresv

bz -H zun run --name web --reservation "$R" -p 8080 -e GREETING=hi --wait --timeout 60 $IMG \
	sh -c 'echo hello; echo oops >&2; exec sleep 100000'
WEB=$OUT
ok $RC "run --reservation --wait returns once running" "$(bz_diag)"
bz -H zun status web
check "status says running" [ "$OUT" = running ]
bz -H zun show web
check "show reports the reservation berth gave it" has "$OUT" "$R"
bz -H zun run --name web --idempotent --reservation "$R" $IMG sleep 1
check "run --idempotent reuses the container of that name" [ "$OUT" = "$WEB" ]
bz -H zun ps --format json
check "ps --format json has the container with its port and reservation" \
	eval 'printf "%s" "$OUT" | grep -Eq "\"port\": ?8080" && has "$OUT" "$R"'

bz -H zun run --name gpu --reservation "$R" --device-profile jetson-nano $IMG sleep 1
ok $RC "run --device-profile is accepted (device_profiles, 1.41)" "$(bz_diag)"
bz -H zun rm -f gpu
bz -H zun run --name rt --reservation "$R" --runtime nvidia $IMG sleep 1
check "run --runtime as a non-admin: Zun's policy refusal in one sentence" \
	has "$ERR" "Policy doesn't allow container:create:runtime"

bz -H zun run --name third --reservation "$R" $IMG sleep 100000
bz -H zun run --name fourth --reservation "$R" --wait $IMG sleep 100000
sim_reset
bz -H zun ps -a
check "ps -a follows next across pages (the site's page size is 2)" \
	eval 'has "$OUT" web && has "$OUT" third && has "$OUT" fourth'
sim_requests | grep -q 'marker='; ok $? "... with limit/marker requests"

# ---------------------------------------------------------------- exec
bz -H zun exec web printf '%s|' 'a  b' "it's" '$HOME' '"q"' '' 'x;y'
check "exec quoting survives the server's shlex.split" [ "$OUT" = "a  b|it's|\$HOME|\"q\"||x;y|" ]
bz -H zun exec web sh -c 'echo out; echo err >&2; exit 7'
check "exec passes the exit code" [ "$RC" = 7 ]
check "... and the output (stdout and stderr together)" eval 'has "$OUT" out && has "$OUT" err'
bz -H zun exec web sh -c 'echo partial; sleep 20'
check "exec past the site's timeout is a failure, not success" [ "$RC" != 0 ]
check "... saying the output is partial and the exit code unknown" has "$ERR" "exit code is unknown"
check "... with the partial output shown" has "$OUT" partial
bz -H zun exec web no-such-binary
check "exec of a missing binary says so" has "$ERR" "binary not found"

# ---------------------------------------------------------------- logs
bz -H zun logs web
check "logs (a JSON string on the wire)" eval 'has "$OUT" hello && has "$OUT" oops'
bz -H zun logs --tail 1 web
check "logs --tail 1" [ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ]

bz -H zun run --name ticker --reservation "$R" --wait $IMG sh -c 'for i in 1 2 3; do echo line$i; sleep 1; done'
bz -H zun logs -f ticker
check "logs -f polls until the container stops, each line once" \
	[ "$(printf '%s\n' "$OUT" | tr '\n' ' ')" = "line1 line2 line3 " ]
bz -H zun rm -f ticker

# ---------------------------------------------------------------- copies
mkdir -p up/tree/sub
echo one >up/tree/a.txt
echo two >up/tree/sub/b.txt
head -c 200000 /dev/urandom >up/blob
bz -H zun cp up/tree web:/tmp/
ok $RC "cp uploads a tree" "$(bz_diag)"
bz -H zun exec web cat /tmp/tree/sub/b.txt
check "... which lands whole" [ "$OUT" = two ]
bz -H zun cp up/blob web:/tmp/blob2
ok $RC "cp uploads a binary file under a new name" "$(bz_diag)"
bz -H zun cp web:/tmp/tree down
check "cp downloads a tree" cmp -s down/sub/b.txt up/tree/sub/b.txt
bz -H zun cp web:/tmp/blob2 down.blob
check "cp downloads a single file outside the workdir, byte for byte" cmp -s down.blob up/blob
bz -H zun exec web ls -a /tmp
check "... leaving no staging directory behind" eval '! has "$OUT" .berth-cp'
"$BERTH" -H zun cp web:/tmp/tree - 2>/dev/null | tar tf - | sort >stream.list
check "cp CTR:DIR - writes Docker's tar shape (the top entry is the directory)" \
	[ "$(tr '\n' ' ' <stream.list)" = "tree/ tree/a.txt tree/sub/ tree/sub/b.txt " ]
tar cf - -C up/tree a.txt | "$BERTH" -H zun cp - web:/tmp
bz -H zun exec web cat /tmp/a.txt
check "cp - CTR:DIR unpacks a tar stream" [ "$OUT" = one ]
bz -H zun cp web:/tmp/nothing-here x
check "cp of a missing path is one sentence" [ "$RC" != 0 -a -n "$ERR" ]

# ---------------------------------------------------------------- floating IPs, leases
bz -H zun fip list
check "fip list shows the project's free address" has "$OUT" "$ZS_FREE_FIP"
sim_reset
bz -H zun fip associate web
check "fip associate takes the free address" [ "$OUT" = "$ZS_FREE_FIP" ]
bz -H zun show web
check "show reports the floating IP (looked up by the container's port)" has "$OUT" "$ZS_FREE_FIP"
bz -H zun fip associate third
check "with no free address, one is allocated from the public network" has "$OUT" "127.0.2."
sim_requests | grep -q '^POST /network/v2.0/floatingips '; ok $? "... with POST /v2.0/floatingips"
sim_reset
bz -H zun fip dissociate web
ok $RC "fip dissociate" "$(bz_diag)"
sim_requests >requests.log
grep -q '^PUT /network/v2.0/floatingips/' requests.log && ! grep -q '^DELETE' requests.log
ok $? "... by PUT port_id null, never python-chi's DELETE" "$(cat requests.log)"
bz -H zun fip list
check "... and the address is free again" eval 'printf "%s\n" "$OUT" | grep "$ZS_FREE_FIP" | grep -q DOWN'
bz -H zun fip associate fourth "$ZS_FREE_FIP"
check "fip associate with the address given" [ "$OUT" = "$ZS_FREE_FIP" ]
bz -H zun fip associate web 198.51.100.7
check "an address the project does not hold is refused" has "$ERR" "has no floating IP 198.51.100.7"
bz -H zun leases
check "leases lists the active lease with its end" eval 'has "$OUT" edge-demo && has "$OUT" ACTIVE'
out=$("${TOP_BUILDDIR:-../..}/tests/integration/cancel" zun web 2>&1)
ok $? "with the flag set, every blocking call returns cancelled" "$out"
[ "$(printf '%s\n' "$out" | grep -c ': cancelled$')" = 13 ]
ok $? "... all thirteen of them (the floating IP and lease calls too)" "$out"

# ---------------------------------------------------------------- unsupported, wrong states
bz -H zun snapshot web snaprepo
check "snapshot on CHI@Edge: the site does not support it" has "$ERR" "this Zun site does not support snapshots"
bz -H zun kill web
check "kill that the site ignores is not reported as done" has "$ERR" "does not implement kill"
bz -H zun rm web
check "rm of a running container needs -f" has "$ERR" "it is running"
bz -H zun stop web
ok $RC "stop" "$(bz_diag)"
bz -H zun status web
check "... leads to exited" [ "$OUT" = exited ]
bz -H zun stop web
ok $RC "stopping a stopped container is not an error" "$(bz_diag)"
bz -H zun exec web true
check "exec on a stopped container: Zun's 409, kept in one sentence" has "$ERR" "in Stopped state"
bz -H zun start web
ok $RC "start" "$(bz_diag)"
bz -H zun wait --status running --timeout 30 web
ok $RC "wait --status running" "$(bz_diag)"
bz -H zun wait --timeout 3 web
check "wait --timeout on a running container exits 124" [ "$RC" = 124 ]

# ---------------------------------------------------------------- faults and tokens
sim_reset
zun_fault 401 /v1/containers 1
bz -H zun ps
ok $RC "a 401 from the service renews the token once and retries" "$(bz_diag)"
[ "$(sim_requests | awk '$2 ~ /^\/v1\/containers/ {print $3}' | sort -u | wc -l)" -ge 2 ]
ok $? "... with a new token"
zun_fault 401 /v1/containers 3
bz -H zun ps
check "a 401 that persists is reported, not looped on" has "$ERR" "requires authentication"
sim_reset
zun_fault 500 /v1/containers 1
bz -H zun ps
check "a 500 keeps Zun's title" has "$ERR" "Internal Server Error"
sim_reset
zun_fault slow /v1/containers 1 2
bz -H zun ps
ok $RC "a slow reply is waited for" "$(bz_diag)"

# Six threads on one endpoint: one token, and when it is revoked (every request
# bearing it gets a 401, however the threads interleave) it is renewed once.
sim_reset
zun_fault revoked /v1/containers 100
t0=$SECONDS
out=$("${TOP_BUILDDIR:-../..}/tests/zun/threads" 2>&1)
ok $? "six threads share the endpoint through a burst of 401s" "$out"
# The revoked token and its one renewal, plus one renewal per 15 s the run
# took (tokens live 20 s here, renewed 5 s early), fewer than one per thread.
allowed=$(( 2 + (SECONDS - t0) / 15 ))
[ "$allowed" -le 6 ] || allowed=6
tokens=$(sim_requests | awk '{print $3}' | sort -u | wc -l)
[ "$tokens" -le "$allowed" ]
ok $? "... renewing the shared token, not once per thread ($tokens tokens, at most $allowed)"

# A token lives 20 s: one long session must renew it and never see a 401.
sim_reset
start=$(date +%s)
bz -H zun run --name longjob --reservation "$R" --wait $IMG sleep 28
bz -H zun wait --timeout 120 longjob
check "wait across a token's expiry succeeds" [ "$RC" = 0 ] && [ "$OUT" = 0 ]
tokens=$(sim_requests | awk '$2 ~ /longjob/ {print $3}' | sort -u | wc -l)
[ "$tokens" -ge 2 ]; ok $? "... renewing the token before it expired ($tokens tokens)"
[ $(( $(date +%s) - start )) -ge 20 ]; ok $? "... over more than the token's lifetime"
sim_requests | awk '{print $4}' | grep -v '^-$' | sort -u >versions.log
[ "$(cat versions.log)" = "container_1.41" ]
ok $? "every Zun request carries OpenStack-API-Version: container 1.41" "$(cat versions.log)"

# ---------------------------------------------------------------- delete
sim_reset
bz -H zun rm -f web third fourth longjob
ok $RC "rm -f" "$(bz_diag)"
sim_requests | grep -q '^DELETE /v1/containers/web?stop=True'; ok $? "... sends stop=True"
bz -H zun ps -a
check "... and they are gone" eval '! has "$OUT" web && ! has "$OUT" third'
[ -z "$(curl -sf "$ZS_SIM/_sim/containers" | tr -d '[]')" ]; ok $? "the site has no containers left"

# ---------------------------------------------------------------- secrets
leak=0
for secret in "$ZS_APPCRED_SECRET" "$ZS_APPCRED2_SECRET" "$ZS_PASSWORD" gAAAAA; do
	grep -qF -- "$secret" "$ZS_DIR/outputs.log" && leak=1
done
ok $leak "no secret or token in any output of berth ($(wc -l <"$ZS_DIR/outputs.log") lines checked)"
t_done
