#!/bin/sh
# tests/cli/verbs.sh: what the verbs' own code decides, against the real Docker
# engine: every verb's help, --since forms, exec -it, ps over several endpoints,
# cp's split of CONTAINER:PATH, Zun-only options and verbs on Docker, wait's
# timeout, Ctrl-C. (tests/integration covers every verb of cli.md end to end.)
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"

# ---------------------------------------------------------------- help (no engine)
verbs="ps inspect show status start stop restart kill rm wait logs exec cp ports ips pid port-open
	http connect mount run snapshot fip leases endpoints version help completion"
bad=
for v in $verbs; do
	run "$BERTH" "$v" --help
	{ [ "$RC" = 0 ] && grep -q "^usage: berth $v" "$OUT" && grep -q -- '-h, --help' "$OUT" &&
		[ ! -s "$ERR" ]; } || bad="$bad $v"
	run "$BERTH" help "$v"
	grep -q "^usage: berth $v" "$OUT" || bad="$bad help:$v"
done
is "$bad" "" "every verb: --help and help VERB print its usage and options"
run "$BERTH" --help
missing=
for v in $verbs; do grep -q "^  $v " "$OUT" || missing="$missing $v"; done
is "$missing" "" "--help lists every verb"

# Help and parser come from one table (ui/verbs.c): every option a verb's help
# lists, letter and long name, is one its parser takes, on an endpoint that
# does not exist ("1" after it is its value, or an operand for a flag).
for v in $verbs; do
	# "  -t, --time SECONDS   ..." -> "-t --time"; "      --all  ..." -> "--all"
	"$BERTH" "$v" --help | awk '/^ +-/ {
		if ($1 ~ /^-.,?$/) print substr($1, 1, 2)
		if ($1 ~ /^--/) print $1; else if ($2 ~ /^--/) print $2 }' |
	while read -r opt; do
		"$BERTH" -H unix:///nonexistent "$v" "$opt" 1 </dev/null 2>&1 >/dev/null |
			grep -qE 'unknown option|needs a value|takes no value' && echo "$v:$opt"
	done
done >"$TAP_TMP/unparsed"
is "$(cat "$TAP_TMP/unparsed")" "" "every option a verb's help lists, its parser takes"
run "$BERTH" run --name
is "$RC:$(head -n 1 "$ERR")" "2:berth: run: option --name needs a value" \
	"a long option without its value is named as typed"
run "$BERTH" ps --all=yes
is "$RC:$(head -n 1 "$ERR")" "2:berth: ps: option --all takes no value" "a flag given a value"

SOCK=/var/run/docker.sock
curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1 || { skip 1 "no Docker engine"; tap_done; exit; }
docker image inspect berth-test/busybox:latest >/dev/null 2>&1 || { skip 1 "no test image"; tap_done; exit; }
P=t-cli-$$-
# B is berth on this engine, as a command (so that run can put a deadline on it).
mkdir -p "$TAP_TMP/bin"
printf '#!/bin/sh\nexec "%s" -H "unix://%s" "$@"\n' "$BERTH" "$SOCK" >"$TAP_TMP/bin/B"
chmod +x "$TAP_TMP/bin/B"
PATH=$TAP_TMP/bin:$PATH
cleanup()
{
	docker ps -a --format '{{.Names}}' | grep "^$P" | xargs -r docker rm -f >/dev/null 2>&1
	return 0
}
trap cleanup EXIT

# ---------------------------------------------------------------- logs --since
docker run -d --name "${P}log" berth-test/busybox:latest sh -c 'echo early; sleep 2; echo late; sleep 100000' >/dev/null
for i in $(seq 50); do docker logs "${P}log" 2>/dev/null | grep -q late && break; sleep 0.2; done
run B logs --since 10m "${P}log"
is "$(out)" "$(printf 'early\nlate')" "logs --since 10m: a duration back from now"
run B logs --since 1h30m "${P}log"
is "$(out)" "$(printf 'early\nlate')" "logs --since 1h30m"
run B logs --since "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" "${P}log"
is "$(out)" "$(printf 'early\nlate')" "logs --since DATE (UTC)"
run B logs --since "$(date -d '+1 hour' +%Y-%m-%dT%H:%M:%S%:z)" "${P}log"
is "$RC:$(out)" "0:" "logs --since a date with a zone, in the future: nothing"
run B logs --since yesterday "${P}log"
is "$RC" 2 "logs --since nonsense: a usage error"
run B logs --tail 1 "${P}log"
is "$(out)" late "logs --tail 1"

# Ctrl-C ends logs -f, with status 130 (10 s: a hang bound, not a speed claim).
env --default-signal=INT B logs -f "${P}log" >"$TAP_TMP/follow" 2>&1 &
pid=$!
for i in $(seq 50); do grep -q late "$TAP_TMP/follow" && break; sleep 0.1; done
t0=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
is "$rc" 130 "logs -f: Ctrl-C exits 130"
[ "$ms" -lt 10000 ]; ok $? "logs -f: ... without hanging (${ms} ms)"

# ---------------------------------------------------------------- exec
run B exec "${P}log" sh -c 'echo out; echo err >&2; exit 7'
is "$RC:$(out):$(err)" "7:out:err" "exec: stdout, stderr and the command's status"
run B exec -e A=1 -w /tmp "${P}log" sh -c 'echo $A $PWD'
is "$(out)" "1 /tmp" "exec -e -w"
run B exec "${P}log" ls -la /
is "$RC" 0 "exec: options after CONTAINER belong to the command"
# -it needs a terminal (a pipe is refused, as docker refuses it): script(1) gives it one.
(sleep 1; printf 'echo hel""lo\n'; sleep 1; printf 'exit 5\n') |
	script -qec "B exec -it ${P}log sh" /dev/null >"$OUT" 2>"$ERR"
is "$?" 5 "exec -it: an interactive session, ending with the shell's status"
grep -q '^hello' "$OUT"; ok $? "exec -it: the session's output" || tap_show_last

# ---------------------------------------------------------------- ps over several endpoints
run "$BERTH" -H "unix://$SOCK" -H default ps
head -n1 "$OUT" | grep -qE '^ID +NAME +IMAGE +STATUS +PORTS +ENDPOINT$'; ok $? "ps -H -H: an ENDPOINT column"
is "$(grep -c "${P}log" "$OUT")" 2 "ps -H -H: the container once per endpoint"
grep "${P}log" "$OUT" | grep -q ' default$'; ok $? "ps -H -H: named by its endpoint"
run "$BERTH" -H "unix://$SOCK" -H unix:///nonexistent.sock ps --format json
is "$RC" 1 "ps with one endpoint down: status 1"
jq -e --arg n "${P}log" '[.[] | select(.name == $n)] | length == 1' "$OUT" >/dev/null
ok $? "ps with one endpoint down: the others are still listed"
is "$(wc -l <"$ERR")" 1 "ps with one endpoint down: one line about it"

# ---------------------------------------------------------------- cp
mkdir -p "$TAP_TMP/odd"
echo z >"$TAP_TMP/odd/a:b"
run B cp "$TAP_TMP/odd/a:b" "${P}log:/tmp/"
is "$RC" 0 "cp: an absolute local path with ':'"
cd "$TAP_TMP" || bail_out "cannot cd to $TAP_TMP"
run B cp 'odd/a:b' "${P}log:/tmp/"
is "$RC" 2 "cp: a relative local path with ':' is CONTAINER:PATH"
grep -q "must start with ./ or /" "$ERR"; ok $? "... and berth says how to write it" || tap_show_last
run B cp './odd/a:b' "${P}log:/tmp/c"
cd - >/dev/null || bail_out "cannot cd back"
run B exec "${P}log" cat /tmp/a:b /tmp/c
is "$(out)" "$(printf 'z\nz')" "cp: ./path:with:colons is local"

# ---------------------------------------------------------------- Zun only, on Docker
for opt in "--reservation r1" "--runtime kata" "--device-profile p1"; do
	run B run $opt berth-test/busybox:latest true
	is "$RC" 1 "run $opt on Docker: status 1"
	[ "$(wc -l <"$ERR")" -eq 1 ] && grep -q -- "${opt%% *} needs a Zun endpoint" "$ERR"
	ok $? "run $opt on Docker: one sentence" || tap_show_last
done
for v in "fip list" "fip associate ${P}log" "fip dissociate ${P}log" leases; do
	run B $v
	{ [ "$RC" = 1 ] && [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q 'need.* a Zun endpoint' "$ERR"; }
	ok $? "$v on Docker: one sentence, status 1" || tap_show_last
done

# ---------------------------------------------------------------- wait, kill
run B wait --timeout 0.5 "${P}log"
is "$RC" 124 "wait --timeout: status 124 when it runs out"
grep -q '^berth: ' "$ERR"; ok $? "... with a message"
run B kill -s 9 "${P}log"
run B wait "${P}log"
is "$RC:$(out)" "0:137" "kill -s 9, then wait prints the exit code"
run B stop nosuch "${P}log"
is "$RC:$(out)" "1:${P}log" "stop: goes on past a failing container, then exits 1"

tap_done
