#!/bin/sh
# tests/remote/scale.sh: fifty endpoints in one dashboard. Two real engines
# (the shared Docker engine and the private Podman service) and 48 scripted
# STAND-INS (tests/remote/standin.py, unix sockets answering like Docker, 100
# made-up containers each; not engines), of which 3 take connections and never
# answer, plus 3 endpoints that refuse (no socket). Checked in tmux: the rows
# appear, keys answer, a status change shows while stalled endpoints hang, and
# the dashboard's memory; its CPU and every duration are printed, not asserted
# (no test asserts speed: bench/dashboard.py's "many" rows measure it).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=scale
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
trap 'scale_cleanup' EXIT
command -v tmux >/dev/null || skip_all "needs tmux"
engine_docker_ensure && engine_image_ensure_docker || skip_all "no Docker engine"
HOSTS=(-H "unix://$DOCKER_SOCK")
if engine_podman_ensure; then HOSTS+=(-H "unix://$PODMAN_SOCK"); fi
NSTAND=$((50 - ${#HOSTS[@]} / 2 - 3))
SD=$TAP_TMP/standins
standins_start "$SD" "$NSTAND" 100 3
for s in $(seq 0 $((NSTAND - 1))); do HOSTS+=(-H "unix://$SD/s$(printf %02d "$s").sock"); done
for s in 1 2 3; do HOSTS+=(-H "unix://$SD/refused$s.sock"); done
diag "$((${#HOSTS[@]} / 2)) endpoints: ${NSTAND} stand-ins (3 stalling), 3 refusing, and the real engines"

TM="tmux -L berth-remote-scale-$$ -f /dev/null"
scale_cleanup() { $TM kill-server >/dev/null 2>&1; remote_cleanup; }
screen() { $TM capture-pane -p -t s; }
# HANG_S: the least a wait lasts before it counts as a hang. KEY_HANG_MS: a
# key whose screen has not shown after this long hangs.
HANG_S=${BERTH_TEST_HANG_S:-20}
KEY_HANG_MS=10000
printf '%q ' "$BERTH" "${HOSTS[@]}" >"$TAP_TMP/cmd"
t0=$(now_ms)
$TM new-session -d -s s -x 150 -y 40 "$(cat "$TAP_TMP/cmd"); sleep 600"
# The rows arrive endpoint by endpoint in no set order, so count them in the title.
want=$(((NSTAND - 3) * 100))
count=0
deadline=$(($(now_ms) + 60000))
while [ "$(now_ms)" -lt "$deadline" ]; do
	count=$(screen | head -1 | grep -oE '[0-9]+ containers' | cut -d' ' -f1)
	[ "${count:-0}" -ge "$want" ] && break
	sleep 0.05
done
diag "title: $(screen | head -1)"
ok $([ "${count:-0}" -ge "$want" ]; echo $?) "all $want stand-in rows and the engines' ($count) listed after $(($(now_ms) - t0)) ms, stalled and refusing endpoints notwithstanding"
PID=$(pgrep -P "$($TM display -p -t s '#{pane_pid}')" -x berth | head -1)
last=standin-$(printf %02d $((NSTAND - 4)))-099
$TM send-keys -t s /
wait_screen "filter" 5 >/dev/null
$TM send-keys -t s -l "$last"
$TM send-keys -t s Enter
wait_screen "$last .*running" 10
ok $? "the last answering stand-in's rows are there (filtered to $last)"
$TM send-keys -t s Escape

# Keys: the help screen and back, ten times; each latency in ms, none a hang.
lat=()
for i in $(seq 10); do
	t=$(now_ms)
	$TM send-keys -t s '?'
	wait_screen "key map" >/dev/null
	lat+=($(($(now_ms) - t)))
	$TM send-keys -t s q
	wait_screen "containers" >/dev/null
done
worst=$(printf '%s\n' "${lat[@]}" | sort -n | tail -1)
diag "key latency (ms, includes tmux polling): ${lat[*]}"
ok $([ "$worst" -le "$KEY_HANG_MS" ]; echo $?) "keys answer while 3 endpoints stall (worst ${worst} ms)"

# A status change on one stand-in shows.
$TM send-keys -t s /
wait_screen "filter" 5 >/dev/null
$TM send-keys -t s -l "standin-05-042"
$TM send-keys -t s Enter
wait_screen "standin-05-042 .*running" 10 >/dev/null
t=$(now_ms)
echo "5 42 exited" >"$SD/control.fifo"
wait_screen "standin-05-042 .*exited"
ok $? "a status change shows ($(($(now_ms) - t)) ms)"

# CPU and memory of the dashboard over 10 s of idle watching.
if ldd "$BERTH" 2>/dev/null | grep -q 'lib[at]san'; then
	skip 1 "memory is not measured in a sanitizer build (its shadow memory and quarantine are most of it)"
elif [ -n "$PID" ] && [ -r "/proc/$PID/stat" ]; then
	hz=$(getconf CLK_TCK)
	c0=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
	sleep 10
	c1=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$PID/status")
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$PID/status")
	cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) * 100 / hz / 10 }')
	diag "dashboard over $((${#HOSTS[@]} / 2)) endpoints: idle CPU ${cpu}% of one core, RSS ${rss} KiB (peak ${hwm} KiB)"
	ok $([ "${rss:-999999}" -lt 204800 ]; echo $?) "memory stays under 200 MiB (${rss} KiB)"
else
	skip 1 "the dashboard's pid was not found"
fi
$TM send-keys -t s q
tap_done
