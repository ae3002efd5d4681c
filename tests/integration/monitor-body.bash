# tests/integration/monitor-body.bash: monitoring over time on one real engine:
# stats, events, top, health, restart count, OOM-killed, and the merged logs
# of three containers, each checked against the docker client on the same
# engine. Sourced by monitor-docker.sh and monitor-podman.sh, which set ENGINE
# (docker or podman) and P (the prefix of every container this run makes).

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
. "$TOP_SRCDIR/tests/lib/engine-clients.bash"
P=$P$(printf '%s' "$TOP_BUILDDIR" | md5sum | cut -c1-6)-
W=$TAP_TMP/w
mkdir -p "$W"

cleanup()
{
	local ids
	ids=$(D ps -a --format '{{.ID}} {{.Names}}' 2>/dev/null | awk -v p="$P" 'index($2, p) == 1 { print $1 }')
	[ -n "$ids" ] && D rm -f $ids >/dev/null 2>&1
	return 0
}

# Wait up to $1 seconds until the command that follows succeeds.
wait_until()
{
	local deadline=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.2
	done
}

field() { D inspect -f "$2" "$1" 2>/dev/null; }
field_is() { [ "$(field "$1" "$2")" = "$3" ]; }

engine_clients
trap cleanup EXIT
cleanup

# ---------------------------------------------------------------- fixtures
# A tenth of a CPU is plenty to show, and the suite shares the machine.
D run -d --name "${P}burn" --cpus 0.1 "$IMAGE" sh -c 'while :; do :; done' >/dev/null ||
	bail_out "docker run failed on $ENGINE"
D run -d --name "${P}idle" -m 64m "$IMAGE" sleep 100000 >/dev/null
D run -d --name "${P}sick" --health-cmd 'echo probe-said-no; false' --health-interval 1s \
	"$IMAGE" sleep 100000 >/dev/null
D run -d --name "${P}flaky" --restart on-failure:3 "$IMAGE" sh -c 'sleep 0.3; exit 1' >/dev/null
# 64 MiB through a pipe into tail, which keeps the last line (all of it: no
# newline) in memory, well past the 8 MiB limit.
D run -d --name "${P}hog" -m 8m --memory-swap 8m "$IMAGE" sh -c 'head -c 64m /dev/zero | tail >/dev/null' >/dev/null

# ---------------------------------------------------------------- stats
wait_until 30 field_is "${P}idle" '{{.State.Status}}' running
run B stats --no-stream "${P}burn" "${P}idle"
is "$RC" 0 "stats --no-stream: exit status 0"
like "$(head -n1 "$OUT")" '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS$' \
	"stats: docker stats' header"
# (The docker client cuts the first letter of Podman's names: compare ids.)
D stats --no-stream --format '{{.ID}} {{.PIDs}}' "${P}burn" "${P}idle" | sort >"$W/docker-stats"
awk 'NR > 1 { print $1, $NF }' "$OUT" | sort >"$W/berth-stats"
is "$(cat "$W/berth-stats")" "$(cat "$W/docker-stats")" "stats: the same containers (ids) and PIDs as docker stats"
is "$(awk -v id="$(field "${P}idle" '{{.Id}}' | cut -c1-12)" '$1 == id { print $2 }' "$OUT")" "${P}idle" \
	"stats: the container's name beside its id"
limit=$(D stats --no-stream --format '{{.MemUsage}}' "${P}idle" | sed 's/.* \/ //')
like "$(grep "${P}idle" "$OUT")" " / $limit +" "stats: the memory limit as docker stats prints it ($limit)"
cpu=$(awk -v n="${P}burn" '$2 == n { sub(/%/, "", $3); print $3 }' "$OUT")
awk -v c="$cpu" 'BEGIN { exit !(c > 1) }'; ok $? "stats: the busy container burns CPU ($cpu%)"

run B stats --no-stream --format json "${P}idle"
is "$RC" 0 "stats --format json: exit status 0"
jq -e --arg n "${P}idle" 'select(.name == $n) | has("endpoint") and has("id") and has("cpu_percent")
	and has("mem_usage_bytes") and has("net_rx_bytes") and has("net_tx_bytes") and has("block_read_bytes")
	and has("block_write_bytes") and .mem_limit_bytes == 67108864 and .pids == 1' "$OUT" >/dev/null
ok $? "stats --format json: every field, the 64 MiB limit, one PID" || tap_show_last
run B stats --no-stream "${P}no-such"
is "$RC:$(err)" "1:berth: no such container: ${P}no-such" "stats: an unknown container is one sentence, status 1"

# ---------------------------------------------------------------- top
run B top "${P}idle"
D top "${P}idle" >"$W/docker-top"
is "$RC" 0 "top: exit status 0"
is "$(out)" "$(cat "$W/docker-top")" "top: as docker top prints it"
if [ "$ENGINE" = docker ]; then
	run B top "${P}idle" -o pid,comm
	is "$(out)" "$(D top "${P}idle" -o pid,comm)" "top with ps options: as docker top -o pid,comm"
fi

# ---------------------------------------------------------------- health
if [ "$ENGINE" = podman ]; then
	# Podman runs health checks from systemd timers, absent here: run them by hand.
	for i in 1 2 3 4; do engines_podman healthcheck run "${P}sick" >/dev/null 2>&1; done
fi
wait_until 60 field_is "${P}sick" '{{.State.Health.Status}}' unhealthy
ok $? "health: the engine marks the failing check's container unhealthy"
run B show "${P}sick"
grep -qx 'Health: *unhealthy' "$OUT"; ok $? "health: show says unhealthy" || tap_show_last
grep -qx 'Last check: *exit 1: probe-said-no' "$OUT"; ok $? "health: show has the last check's exit code and output" ||
	tap_show_last
run B show "${P}idle"
! grep -q 'Health\|Last check' "$OUT"; ok $? "health: nothing at all for a container without a health check"

# ---------------------------------------------------------------- restarts
restarted() { field_is "${P}flaky" '{{.RestartCount}} {{.State.Status}}' '3 exited'; }
wait_until 90 restarted
ok $? "restarts: on-failure:3 gave up after three restarts"
run B show "${P}flaky"
grep -qx 'Restarts: *3' "$OUT"; ok $? "restarts: show says 3" || tap_show_last
grep -qx 'Status: *exited (1)' "$OUT"; ok $? "restarts: and the exit code 1"

# ---------------------------------------------------------------- OOM
wait_until 60 field_is "${P}hog" '{{.State.Status}}' exited
run B show "${P}hog"
grep -qx 'Status: *exited (137)' "$OUT"; ok $? "oom: killed, exit code 137" || tap_show_last
if [ "$(field "${P}hog" '{{.State.OOMKilled}}')" = true ]; then
	grep -qx 'OOM killed: *yes' "$OUT"; ok $? "oom: show says OOM killed, as the engine does"
else
	! grep -q 'OOM' "$OUT"; ok $? "oom: the engine does not say OOMKilled ($ENGINE), and neither does show"
fi

# ---------------------------------------------------------------- events
# A container that exits 4, seen by a follower started before it.
B events --filter "container=${P}ev" >"$W/follow" 2>&1 &
follower=$!
sleep 1
since=$(date +%s)
D run --name "${P}ev" "$IMAGE" sh -c 'exit 4' >/dev/null 2>&1
D rm "${P}ev" >/dev/null
sleep 1
until=$(date +%s)
wait_until 20 grep -qE " container (destroy|remove) ${P}ev\$" "$W/follow"
ok $? "events: a follower sees the container come and go" || diag "$(cat "$W/follow")"
kill "$follower"
wait "$follower" 2>/dev/null
grep -q "^[0-9T:.-]*Z unix://$SOCK container die ${P}ev exit 4\$" "$W/follow"
ok $? "events: time, endpoint, type, action, container and exit code on one line"
if [ "$ENGINE" = docker ]; then
	run B events --since "$since" --until "$until" --filter "container=${P}ev"
	is "$RC" 0 "events --since --until: exit status 0"
	is "$(awk '{ print $4 }' "$OUT")" \
		"$(D events --since "$since" --until "$until" --filter "container=${P}ev" --format '{{.Action}}')" \
		"events --since --until: the actions docker events replays, in its order"
	run B events --since "$since" --until "$until" --filter "container=${P}ev" --filter event=die --format json
	jq -e --arg n "${P}ev" 'select(.action == "die") | .name == $n and .exit_code == 4 and .type == "container"
		and (.time | endswith("Z")) and .time_nano > 0' "$OUT" >/dev/null
	ok $? "events --format json: the die event with its exit code" || tap_show_last
	is "$(wc -l <"$OUT")" 1 "events --filter event=die: the one die"
else
	skip 4 "Podman's compat API replays no past events (--since/--until) here"
fi
run B events --since 10m --until 20m
is "$RC" 2 "events: --until before --since is a usage error"

# ---------------------------------------------------------------- merged logs
for n in 1 2 3; do
	D run -d --name "${P}log$n" "$IMAGE" sh -c \
		"sleep 1; for i in 1 2 3 4 5 6; do echo line$n.\$i; sleep 0.$((n + 1)); done; echo err$n >&2" >/dev/null
done
# Following: the three streams end as the containers stop.
run B logs -f "${P}log1" "${P}log2" "${P}log3"
is "$RC" 0 "logs -f A B C: ends when the three containers stop"
cp "$OUT" "$W/follow-logs"
is "$(wc -l <"$W/follow-logs")" 18 "logs -f A B C: every stdout line"
for n in 1 2 3; do D logs -t "${P}log$n" 2>/dev/null | sed "s/^\([^ ]*\) \(.*\)/\1 ${P}log$n | \2/"; done |
	LC_ALL=C sort -s -k1,1 | cut -d' ' -f2- >"$W/expected"
run B logs "${P}log1" "${P}log2" "${P}log3"
is "$RC" 0 "logs A B C: exit status 0"
is "$(out)" "$(cat "$W/expected")" "logs A B C: name-prefixed lines in the engine's timestamp order"
# While following, a line waits only a moment for a quiet container, so the
# order across containers depends on the machine's speed: each one's own lines
# must come in order, and every line must come.
by_name() { LC_ALL=C sort -s -t'|' -k1,1 "$1"; }
is "$(by_name "$W/follow-logs")" "$(by_name "$W/expected")" \
	"logs -f A B C: each container's lines in its order while following"
like "$(err)" "${P}log1 +\\| err1" "logs A B C: stderr lines go to stderr, prefixed too"
run B logs -t "${P}log1" "${P}log2" "${P}log3"
awk '{ print $3 }' "$OUT" | LC_ALL=C sort -c; ok $? "logs -t A B C: the time stamps ascend"
run B logs "${P}log1" "${P}no-such"
is "$RC:$(err)" "1:berth: no such container: ${P}no-such" "logs A B: an unknown one is one sentence, status 1"

cleanup
trap - EXIT
tap_done
