#!/bin/sh
# tests/integration/forward.sh: berth forward CONTAINER PORT [LOCAL_PORT] on
# the real Docker engine: curl through the 127.0.0.1 listener reaches busybox
# httpd in a container whose port is not published (a page, a 2 MiB file byte
# for byte, connections at once); Ctrl-C (SIGINT) ends it with status 0 and the
# port closed; a LOCAL_PORT in use, a bad port and a missing container are one
# line each.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
command -v curl >/dev/null || skip_all "no curl"
ENGINE=docker
. "$TOP_SRCDIR/tests/lib/engine-clients.bash"
engine_clients	# B: berth on the engine, D: the docker client on it
C=t-act-fwd-$$
FWD=
cleanup()
{
	[ -n "$FWD" ] && kill "$FWD" 2>/dev/null
	D rm -f "$C" >/dev/null 2>&1
	return 0
}
trap cleanup EXIT

D run -d --name "$C" "$IMAGE" sh -c 'mkdir -p /www && echo hello-forward >/www/index.html &&
	head -c 2097152 /dev/urandom >/www/big && exec httpd -f -p 8080 -h /www' >/dev/null
ok $? "a container serving HTTP on port 8080, not published"
for i in $(seq 100); do D exec "$C" test -s /www/big && break; sleep 0.2; done

B forward "$C" 8080 0 >"$TAP_TMP/addr" 2>"$TAP_TMP/fwd.err" &
FWD=$!
for i in $(seq 150); do [ -s "$TAP_TMP/addr" ] && break; sleep 0.2; done
ADDR=$(cat "$TAP_TMP/addr")
like "$ADDR" '^127\.0\.0\.1:[0-9]+$' "forward prints the address it listens on ($ADDR)"
is "$(curl -s --max-time 30 "http://$ADDR/")" "hello-forward" "curl through it gets the container's page"
curl -s --max-time 60 -o "$TAP_TMP/big" "http://$ADDR/big"
is "$(md5sum <"$TAP_TMP/big")" "$(D exec "$C" md5sum </dev/null /www/big | cut -d' ' -f1)  -" \
	"a 2 MiB file arrives byte for byte"
PIDS=
for i in 1 2 3 4; do
	curl -s --max-time 30 "http://$ADDR/" >"$TAP_TMP/par$i" &
	PIDS="$PIDS $!"
done
wait $PIDS
[ "$(cat "$TAP_TMP"/par? | grep -c hello-forward)" -eq 4 ]
ok $? "four connections at once, each relayed"

run B forward "$C" 8080 "${ADDR#*:}"
is "$RC" 1 "a LOCAL_PORT in use: exit 1"
like "$(err)" "^berth: cannot listen on 127\.0\.0\.1:${ADDR#*:}: " "... saying so in one line"

kill -INT "$FWD"
for i in $(seq 100); do kill -0 "$FWD" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$FWD" 2>/dev/null
ok $? "SIGINT ends it"
wait "$FWD"
is "$?" 0 "... with status 0"
FWD=
! curl -s --max-time 5 "http://$ADDR/" >/dev/null
ok $? "the port is closed after it"

run B forward "$C" 99999
is "$RC" 2 "a bad port: a usage error"
run B forward "$C"
is "$RC" 2 "no port: a usage error"
run B forward "$C-none" 80
is "$RC" 1 "no such container: exit 1"
like "$(err)" "^berth: no such container: $C-none" "... saying so"
cleanup
tap_done
