#!/bin/sh
# tests/integration/errors.sh: bad input that needs no engine: a wrong command
# line (status 2 and a usage line), an unknown verb, and engines that cannot be
# reached (status 1 and one sentence, within the 5 s connect timeout).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
W=$TAP_TMP
LISTENER=

cleanup()
{
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	return 0
}
trap cleanup EXIT

# A wrong command line: status 2, a "usage: berth VERB" line on stderr.
usage_case() # DESC ARGS...
{
	local desc=$1
	shift
	run "$BERTH" -H unix:///nonexistent/berth-test.sock "$@"
	[ "$RC" = 2 ] && grep -q '^usage: berth' "$ERR" && [ ! -s "$OUT" ]
	ok $? "$desc: status 2 and a usage line on stderr" || tap_show_last
}
usage_case "unknown verb" frobnicate
grep -q frobnicate "$ERR"; ok $? "unknown verb: the message names it"
usage_case "unknown option" ps --bogus
grep -q -- --bogus "$ERR"; ok $? "unknown option: the message names it"
usage_case "wait without a container" wait
usage_case "status with two containers" status a b
usage_case "exec without a command" exec c1
usage_case "cp with one argument" cp c1:/etc
usage_case "cp with no container side" cp ./a ./b
usage_case "cp with three paths" cp c1:/a c2:/b c3:/c
usage_case "logs --tail not a number" logs --tail many c1
usage_case "stop -t not a number" stop -t soon c1
usage_case "wait --timeout not a number" wait --timeout soon c1
usage_case "port-open without a port" port-open c1
usage_case "ps --format unknown" ps --format yaml
usage_case "mount without a directory" mount c1

run "$BERTH" --help
is "$RC" 0 "--help: exit status 0"
grep -q '^usage: berth' "$OUT"; ok $? "--help: usage on stdout"
missing=
for verb in ps inspect logs exec cp run wait kill snapshot endpoints; do
	grep -qw -- "$verb" "$OUT" || missing="$missing $verb"
done
is "$missing" "" "--help: lists the verbs"
run "$BERTH" help logs
is "$RC" 0 "help logs: exit status 0"
grep -q -- '--follow\|-f' "$OUT" && grep -q -- '--tail' "$OUT"; ok $? "help logs: the verb's options"
run "$BERTH" logs --help
is "$RC" 0 "logs --help: exit status 0"
grep -q -- '--tail' "$OUT"; ok $? "logs --help: the verb's options"

# Engines that cannot be reached.
unreachable() # DESC WHAT-THE-MESSAGE-NAMES ARGS...
{
	local desc=$1 name=$2
	shift 2
	run "$@"
	[ "$RC" = 1 ]; ok $? "$desc: status 1" || tap_show_last
	[ "$MS" -lt 6000 ]; ok $? "$desc: reported within the connect timeout (${MS} ms)"
	[ "$(wc -l <"$ERR")" -eq 1 ] && grep -q '^berth: ' "$ERR" && grep -qF -- "$name" "$ERR"
	ok $? "$desc: one 'berth: ' line naming $name" || tap_show_last
}
unreachable "missing socket" /nonexistent/docker.sock "$BERTH" -H unix:///nonexistent/docker.sock ps
/usr/bin/python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$W/stale.sock"
unreachable "socket nobody listens on" "$W/stale.sock" "$BERTH" -H "unix://$W/stale.sock" ps
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
unreachable "closed TCP port" "127.0.0.1:$PORT" "$BERTH" -H "tcp://127.0.0.1:$PORT" ps
unreachable "DOCKER_HOST to a missing socket" /nonexistent/dh.sock env DOCKER_HOST=unix:///nonexistent/dh.sock "$BERTH" ps
unreachable "inspect on a missing socket" /nonexistent/docker.sock "$BERTH" -H unix:///nonexistent/docker.sock inspect c1

# An engine that accepts the connection and then never answers: an error, not a hang.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(16)
conns = []
end = time.time() + 60
while time.time() < end:
    s.settimeout(max(0.1, end - time.time()))
    try:
        conns.append(s.accept()[0])
    except OSError:
        pass
' "$W/silent.sock" &
LISTENER=$!
for i in $(seq 50); do [ -S "$W/silent.sock" ] && break; sleep 0.1; done
RUN_DEADLINE=20 run "$BERTH" -H "unix://$W/silent.sock" ps
is "$RC" 1 "silent engine: status 1, no hang (${MS} ms)"
one=$(wc -l <"$ERR")
[ "$one" -eq 1 ] && grep -q '^berth: ' "$ERR"; ok $? "silent engine: one 'berth: ' line" || tap_show_last

tap_done
