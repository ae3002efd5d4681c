#!/bin/sh
# tests/remote/groups.sh: endpoint groups (issue 15, item 5): [group NAME] in
# the configuration file, by a list of endpoints or a glob over the names of
# its [endpoint] sections, used as -H @NAME by the verbs and the dashboard.
# Four scripted STAND-INS (tests/remote/standin.py, unix sockets answering
# like Docker, two made-up containers each) and the real Docker engine.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=groups
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
trap 'remote_cleanup' EXIT
engine_docker_ensure || skip_all "no Docker engine"
# core (the Docker engine) has a container of this test's, whatever else runs there.
D create --name "$P$REMOTE_TEST-core" "$TEST_IMAGE" true >/dev/null || skip_all "cannot create a container"
SD=$TAP_TMP/standins
standins_start "$SD" 4 2 0
CONF=$TAP_TMP/berth.conf
{
	for s in 0 1 2; do printf '[endpoint edge-%d]\nhost = unix://%s/s%02d.sock\n' "$s" "$SD" "$s"; done
	printf '[endpoint core]\nhost = unix://%s\n' "$DOCKER_SOCK"
	printf '[group edge]\nmatch = edge-*\n'
	printf '[group lab]\nendpoints = core, unix://%s/s03.sock\nmatch = edge-1\n' "$SD"
	printf '[group nowhere]\nmatch = gone-*\n'
} >"$CONF"

# The ENDPOINT column of ps, each endpoint once, sorted.
endpoints_of() { awk 'NR > 1 { print $NF }' "$OUT" | sort -u | tr '\n' ' '; }

run "$BERTH" -c "$CONF" -H @edge ps
is "$RC $(endpoints_of)" "0 edge-0 edge-1 edge-2 " "ps -H @edge: the endpoints its glob takes, each labelled" || tap_show_last
is "$(grep -c standin- "$OUT")" 6 "... with the two containers of each"

run "$BERTH" -c "$CONF" -H @lab ps -a
is "$RC $(endpoints_of)" "0 core edge-1 unix://$SD/s03.sock " \
	"ps -H @lab: its endpoints = list (a config name, a socket) and what match = adds" || tap_show_last

run "$BERTH" -c "$CONF" -H @edge -H edge-1 -H @lab ps -a
is "$RC $(endpoints_of)" "0 core edge-0 edge-1 edge-2 unix://$SD/s03.sock " \
	"groups and endpoints together: each endpoint once" || tap_show_last
is "$(grep -c 'standin-01-000' "$OUT")" 1 "... edge-1, in both groups and named, is listed once"

run "$BERTH" -c "$CONF" -H @nowhere ps
is "$RC $(err)" "1 berth: [group nowhere] names no endpoint: no [endpoint NAME] of $CONF matches gone-*" \
	"a group whose glob takes no endpoint: one sentence, exit 1" || tap_show_last
run "$BERTH" -c "$CONF" -H @nope ps
is "$RC $(err)" "1 berth: no [group nope] in $CONF" "an unknown group: one sentence, exit 1" || tap_show_last
run "$BERTH" -c "$CONF" -H @edge inspect standin-00-000
like "$RC $(err)" "^2 berth: inspect: works on one endpoint; give a single -H" \
	"a verb of one endpoint with a group of three says to give one" || tap_show_last
printf '[group broken]\nendpoints = @edge\n' >"$TAP_TMP/nested.conf"
run "$BERTH" -c "$TAP_TMP/nested.conf" ps
like "$RC $(err)" "^1 berth: .*nested.conf:2: \[group broken\] names @edge: a group lists endpoints, not groups" \
	"a group naming a group: the file's line says why" || tap_show_last

# The dashboard with -H @edge: the rows of the group's endpoints, no others
# (each endpoint's rows come when its list does: wait for all three).
cat >"$TAP_TMP/script" <<EOS
:timeout 60
:wait standin-00-001
:wait standin-01-001
:wait standin-02-001
:dump-model $TAP_TMP/model
:wait-file $TAP_TMP/model
q
EOS
env BERTH_NO_DISPLAY=1 BERTH_SCRIPT="$TAP_TMP/script" TERM=dumb LINES=24 COLUMNS=120 \
	timeout 90 "$BERTH" -c "$CONF" -H @edge >/dev/null 2>"$TAP_TMP/dash.err"
is "$?" 0 "the dashboard with -H @edge runs its script" || diag "$(cat "$TAP_TMP/dash.err")"
is "$(cut -f1 "$TAP_TMP/model" 2>/dev/null | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
	"edge-0=2 edge-1=2 edge-2=2 " "... its rows are the group's endpoints' containers, and only those"
tap_done
