#!/bin/sh
# tests/cli/read-only.sh: read-only mode on the command line against the real
# Docker engine: --read-only, read_only = yes in [general] and in one
# endpoint's section. Every verb that changes something (kill, rm, run, cp into
# a container, exec, start, snapshot) exits 1 with "berth: read-only: ..." and
# the engine shows nothing changed; reading verbs (ps, inspect, logs, cp out of
# a container) work as usual. Needs the engine at /var/run/docker.sock.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
need_docker_image

C=t-act-ro-$$
cleanup() { docker rm -f "$C" "$C-new" >/dev/null 2>&1; return 0; }
trap cleanup EXIT
docker run -d --name "$C" "$IMAGE" sh -c 'echo hello-ro; exec sleep 100000' >/dev/null
ok $? "a running container"
echo data >"$TAP_TMP/file"

# refused VERB-ARGS... : exit 1 and one line naming the mode.
refused()
{
	local what=$1; shift
	run "$BERTH" "$@"
	is "$RC" 1 "$what: exit 1" || tap_show_last
	like "$(err)" "^berth: read-only: .* is refused in read-only mode" "$what: one sentence naming the mode"
	is "$(wc -l <"$ERR")" 1 "$what: one line"
}

refused "--read-only kill" --read-only kill "$C"
refused "--read-only rm -f" --read-only rm -f "$C"
refused "--read-only run" --read-only run --name "$C-new" "$IMAGE" true
refused "--read-only cp into a container" --read-only cp "$TAP_TMP/file" "$C:/tmp/"
refused "--read-only exec" --read-only exec "$C" touch /tmp/x
refused "--read-only stop" --read-only stop "$C"
refused "--read-only snapshot" --read-only snapshot "$C" t-act-ro-snap
like "$(cat "$ERR")" "taking snapshots" "the sentence says what was refused"

is "$(docker inspect -f '{{.State.Running}}' "$C")" true "the container still runs"
docker inspect "$C-new" >/dev/null 2>&1
ok $((!$?)) "no container was created"
docker exec "$C" test -e /tmp/file
ok $((!$?)) "nothing was copied in"
docker image inspect t-act-ro-snap >/dev/null 2>&1
ok $((!$?)) "no snapshot was taken"

run "$BERTH" --read-only ps
is "$RC" 0 "--read-only ps works"
like "$(out)" "$C" "ps lists the container"
run "$BERTH" --read-only inspect "$C"
is "$RC" 0 "--read-only inspect works"
run "$BERTH" --read-only logs "$C"
like "$(out)" "hello-ro" "--read-only logs works"
run "$BERTH" --read-only cp "$C:/etc/hostname" "$TAP_TMP/hostname"
is "$RC" 0 "--read-only cp out of a container works (it changes no container)" || tap_show_last

# The configuration file: [general] for every endpoint, a section for one.
CONF=$TAP_TMP/ro.conf
printf '[general]\nread_only = yes\n' >"$CONF"
refused "read_only = yes in [general]: kill" -c "$CONF" kill "$C"
printf '[endpoint shown]\nhost = unix://%s\nread_only = yes\n[endpoint free]\nhost = unix://%s\n' \
	"$SOCK" "$SOCK" >"$CONF"
refused "read_only = yes in [endpoint shown]: rm" -c "$CONF" -H shown rm -f "$C"
like "$(err)" "\\(shown\\)$" "the sentence names the endpoint"
run "$BERTH" -c "$CONF" -H free start "$C"
is "$RC" 0 "an endpoint without read_only acts as usual" || tap_show_last
printf '[general]\nread_only = maybe\n' >"$CONF"
run "$BERTH" -c "$CONF" ps
is "$RC" 1 "read_only = maybe: an error"
like "$(err)" "ro.conf:2: read_only must be yes or no" "it names the file, the line and the words"
printf '[endpoint x]\nhost = unix://%s\nread_only = sometimes\n' "$SOCK" >"$CONF"
run "$BERTH" -c "$CONF" -H x ps
like "$(err)" "ro.conf:3: read_only must be yes or no" "in an endpoint's section too"

is "$(docker inspect -f '{{.State.Running}}' "$C")" true "the container still runs at the end"
tap_done
