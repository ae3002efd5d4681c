#!/bin/sh
# tests/integration/pull-progress.sh: berth pull's progress, against a
# scripted engine (pullsim.py: no registry here, so no real engine can pull;
# images-docker.sh and images-podman.sh test a failing pull on real engines).
# On a terminal (script(1)) the line is rewritten in place with the status,
# the layers done and the bytes, and cleared before the result; on a pipe only
# the result is printed; an error in the stream ends with the engine's words.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
command -v script >/dev/null || skip_all "no script(1)"
SOCK=$TAP_TMP/pull.sock
/usr/bin/python3 "$TOP_SRCDIR/tests/integration/pullsim.py" "$SOCK" 2>"$TAP_TMP/sim.log" &
SIM=$!
trap 'kill $SIM 2>/dev/null' EXIT
for i in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done

run script -qec "'$BERTH' -H 'unix://$SOCK' pull demo/app:1" /dev/null
is "$RC" 0 "pull on a terminal: exit 0" || tap_show_last
TTY=$(tr -d '\r' <"$OUT" | sed 's/\x1b\[K/<clear>/g')
like "$TTY" "<clear>demo/app:1: Downloading \(1 of 2 layers, 500kB of 1MB\)" \
	"the line says the status, the layers done and the bytes"
like "$TTY" "<clear>demo/app:1: Pull complete \(2 of 2 layers, 1MB of 1MB\)" "... up to the end"
like "$TTY" "<clear>demo/app:1"$'\n'"?\$" "the line is cleared before the result"
grep -q "fromImage=demo/app&tag=1" "$TAP_TMP/sim.log"
ok $? "the engine is asked for demo/app, tag 1"

run "$BERTH" -H "unix://$SOCK" pull demo/app
is "$RC" 0 "pull on a pipe: exit 0"
is "$(out)" "demo/app" "on a pipe only the result is printed"
grep -q "fromImage=demo/app&tag=latest" "$TAP_TMP/sim.log"
ok $? "no tag: latest"

run "$BERTH" -H "unix://$SOCK" pull demo/bad:2
is "$RC" 1 "an error in the stream: exit 1"
is "$(err)" "berth: cannot pull demo/bad:2: manifest for demo/bad:2 not found: manifest unknown: manifest unknown" \
	"it ends with the engine's message"
tap_done
