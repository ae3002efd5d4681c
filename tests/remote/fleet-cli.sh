#!/bin/sh
# tests/remote/fleet-cli.sh: ps, stats, exec and logs over many endpoints
# (issue 15, item 5). Two endpoints answer (the real Docker engine, by its
# socket and as the Docker context "default"), one refuses (no socket) and one
# is a scripted STAND-IN that takes connections and never answers
# (tests/remote/standin.py). Each verb gives the answering endpoints' results,
# labelled with their endpoint, one sentence per failed endpoint naming it,
# and exit status 1; the endpoints are worked on at once, so the stalled one
# costs its own timeout once, not once per endpoint (printed, not asserted).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=fleet
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
trap 'remote_cleanup' EXIT
engine_docker_ensure && engine_image_ensure_docker || skip_all "no Docker engine"
SD=$TAP_TMP/standins
standins_start "$SD" 1 1 1
UP1=unix://$DOCKER_SOCK
STALLED=unix://$SD/s00.sock
DOWN=unix://$TAP_TMP/refused.sock
HOSTS=(-H "$UP1" -H default -H "$DOWN" -H "$STALLED")
name=${P}fleet-a
D rm -f "$name" >/dev/null 2>&1
D run -d --name "$name" "$TEST_IMAGE" sh -c 'echo hello-from-fleet; echo oops >&2; exec sleep 100000' >/dev/null ||
	bail_out "cannot start a container"
for i in $(seq 50); do D logs "$name" 2>&1 | grep -q oops && break; sleep 0.1; done

# The failures: exactly one sentence for each of the two, naming it.
failures_ok()	# failures_ok VERB: stderr's berth: lines are the two endpoints' sentences
{
	local lines
	lines=$(grep '^berth: ' "$ERR")
	is "$(printf '%s\n' "$lines" | wc -l)" 2 "$1: one sentence for each failed endpoint" || tap_show_last
	like "$lines" "berth: $DOWN: cannot reach the Docker engine at [^ ]*refused.sock: no such file" \
		"$1: ... the refusing one, named" || tap_show_last
	like "$lines" "berth: $STALLED: cannot reach the Docker engine at [^ ]*s00.sock: it took the connection but did not answer" \
		"$1: ... the stalled one, named" || tap_show_last
}

run "$BERTH" "${HOSTS[@]}" ps
diag "ps over 4 endpoints, 1 stalled: $MS ms"
is "$RC" 1 "ps: exit status 1"
is "$(grep "$name" "$OUT" | awk '{ print $NF }' | tr '\n' ' ')" "$UP1 default " \
	"ps: the container on each answering endpoint, labelled with it" || tap_show_last
failures_ok ps

run "$BERTH" "${HOSTS[@]}" exec "$name" sh -c 'echo out-$HOSTNAME; echo err >&2'
diag "exec over 4 endpoints, 1 stalled: $MS ms"
is "$RC" 1 "exec: exit status 1"
id=$(D inspect -f '{{.Config.Hostname}}' "$name")
is "$(sort "$OUT" | sed 's/  *|/ |/')" "$(printf '%s | out-%s\n' default "$id" "$UP1" "$id" | sort)" \
	"exec: the command's output of each answering endpoint, each line labelled" || tap_show_last
is "$(grep -c ' | err$' "$ERR")" 2 "exec: its stderr to stderr, labelled too" || tap_show_last
failures_ok exec
run "$BERTH" -H "$UP1" -H default exec "$name" sh -c 'exit 3'
is "$RC $(grep -c 'exited with status 3' "$ERR")" "1 2" \
	"exec: a command exiting non-zero is a sentence for its endpoint, exit status 1" || tap_show_last
run "$BERTH" -H "$UP1" -H default exec "$name" true
is "$RC $(cat "$ERR")" "0 " "exec on two answering endpoints, both commands succeed: exit status 0"
run "$BERTH" -H "$UP1" -H default exec -it "$name" sh
like "$RC $(err)" "^2 berth: exec: -i and -t work on one endpoint" "exec -it over several endpoints: a usage error"

run "$BERTH" "${HOSTS[@]}" logs "$name"
diag "logs over 4 endpoints, 1 stalled: $MS ms"
is "$RC" 1 "logs: exit status 1"
is "$(sort "$OUT" | sed 's/  *|/ |/')" "$(printf '%s | hello-from-fleet\n' "default/$name" "$UP1/$name" | sort)" \
	"logs: the container's lines from each answering endpoint, labelled with endpoint and name" || tap_show_last
is "$(grep -c "/$name *| oops" "$ERR")" 2 "logs: its stderr lines on stderr, labelled"
failures_ok logs

run "$BERTH" "${HOSTS[@]}" stats --no-stream --format json "$name"
diag "stats over 4 endpoints, 1 stalled: $MS ms"
is "$RC" 1 "stats: exit status 1"
is "$(jq -r '.endpoint' "$OUT" 2>/dev/null | sort | tr '\n' ' ')" "$(printf '%s\n' default "$UP1" | sort | tr '\n' ' ')" \
	"stats: a sample of the container on each answering endpoint, labelled" || tap_show_last
failures_ok stats

D rm -f "$name" >/dev/null 2>&1
tap_done
