#!/bin/bash
# tests/failures/engine-failures.sh: engine failures on a PRIVATE dockerd of its
# own (own --data-root, --exec-root, pidfile, socket and bridge: see
# tests/screen/lib.sh pd_start; never --bridge=none, never the shared engine).
#   1. dockerd killed (SIGKILL) and restarted while the dashboard follows a log
#      and `berth cp` copies out: the copy fails in one sentence and leaves no
#      partial destination; the dashboard says the engine is unreachable,
#      reconnects, resumes the events stream and the log follow, without
#      showing any line twice.
#   2. dockerd stopped (SIGSTOP) for 30 s: keys keep answering; a new call
#      fails within its timeout; a call made before the freeze, and the
#      dashboard's pending actions, finish after SIGCONT.
#   3. a container removed while its log pane is open.
# (tests/screen/tmux-stall.sh measures key latency under a short freeze and a
# clean restart; this adds the kill, the copy, the log follow and the 30 s.)
. "$TOP_SRCDIR/tests/screen/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "a private dockerd needs root"
command -v dockerd >/dev/null || skip_all "no dockerd"
need_engine
need_tmux

FREEZE_S=${FREEZE_S:-30}
PD_BRIDGE=bh$$
PD_DIR=$(mktemp -d /tmp/berth-harden-fail.XXXXXX)
at_exit 'pd_cleanup; for m in $(mount | awk -v d="$PD_DIR" "index(\$3, d) == 1 { print \$3 }"); do umount -l "$m"; done; rm -rf "$PD_DIR"'
pd_start "$PD_DIR" || { sed 's/^/# /' "$PD_DIR/dockerd.log" | tail -n 20; skip_all "the private dockerd did not start"; }
pd_load_image
DOCKER_SOCK=$PD_SOCK
H="unix://$PD_SOCK"
W=$PD_DIR/w
mkdir -p "$W/dest"
P=t-harden-$$

# Names sort the ticker first: it is the selected row once filtered.
dk run -d --restart always --name $P-a-tick "$IMAGE" \
	sh -c 'i=0; while true; do i=$((i + 1)); echo "tick-$(date +%s)-$i"; sleep 0.2; done' >/dev/null
# mkdir -p: started again after the restart, it finds /data there.
dk run -d --name $P-b-data "$IMAGE" \
	sh -c 'mkdir -p /data && dd if=/dev/zero of=/data/big bs=1M count=0 seek=4000 2>/dev/null && echo x >/data/small && sleep 100000' >/dev/null
ok $? "the private engine runs the containers"

# dup_ticks: tick lines shown twice on the current screen (none expected).
dup_ticks() { screen | grep -oE 'tick-[0-9]+-[0-9]+' | sort | uniq -d | head -n 3; }

tm_start 120 30 "exec $BERTH -H $H"
wait_for connected 15 >/dev/null
set_filter "$P-"
wait_row "$P-a-tick" running 15 >/dev/null
tm send-keys -t s l
wait_for "tick-" 10
ok $? "the log pane follows the ticker"

# ---------------------------------------------------------------- 1. SIGKILL and restart

"$BERTH" -H "$H" cp "$P-b-data:/data" "$W/dest/out" >"$W/cp.out" 2>"$W/cp.err" &
CP=$!
# Kill once the copy is under way: its temporary directory exists.
copy_started() { [ -n "$(ls -A "$W/dest")" ]; }
wait_until "$HANG_S" copy_started
ok $? "the copy is under way when dockerd is killed"
kill -KILL "$PD_PID"
KILLED_S=$(date +%s)
t0=$(now_ms)
wait "$CP"
CP_RC=$?
[ "$CP_RC" = 1 ]; ok $? "the copy fails (status $CP_RC, $(( $(now_ms) - t0 )) ms after the kill)"
[ "$(wc -l <"$W/cp.err")" = 1 ] && grep -q '^berth: ' "$W/cp.err"
ok $? "the copy says why in one sentence: $(head -c 200 "$W/cp.err")"
[ -z "$(ls -A "$W/dest")" ]
ok $? "no partial destination and no temporary directory left" || diag "$(ls -la "$W/dest")"

PRIV=$(printf '%s' "$H" | tail -c 24)
wait_for "unreachable" 15 >/dev/null || wait_for "not answering" 5 >/dev/null
ok $? "the dashboard says the engine is gone"
lat=$(key_latency_ms '?' 'key map')
tm send-keys -t s Escape
wait_gone 'key map' 5 >/dev/null
[ "$lat" -le "$KEY_HANG_MS" ]; ok $? "keys answer while the engine is down ($lat ms)"

# The killed engine's containerd leaves its pid file and socket: a crash does.
rm -f "$PD_DIR/exec/containerd/containerd.pid" "$PD_DIR/exec/containerd/containerd.sock"*
PD_PID=
pd_launch
ok $? "the private dockerd restarts"
wait_for "$PRIV: connected" 30 >/dev/null || wait_for connected 5 >/dev/null
ok $? "the dashboard reconnects by itself"
# The ticker restarts (restart always): new lines follow, none shown twice.
fresh=1
deadline=$(( $(now_ms) + 30000 ))
while [ "$(now_ms)" -lt $deadline ]; do
	last=$(screen | grep -oE 'tick-[0-9]+-[0-9]+' | tail -n 1 | cut -d- -f2)
	[ -n "$last" ] && [ "$last" -gt "$KILLED_S" ] && { fresh=0; break; }
	sleep 0.2
done
ok $fresh "the log follow resumes with lines written after the restart"
[ $fresh = 0 ] || { diag "killed at $KILLED_S; the engine has: $(dk logs --tail 2 $P-a-tick 2>&1 | tr '\n' ' ')"; screen | sed 's/^/#   /'; }
dups=
for _ in $(seq 20); do
	dups=$(dup_ticks)
	[ -n "$dups" ] && break
	sleep 0.25
done
[ -z "$dups" ]; ok $? "no log line is shown twice after the reconnection"
[ -z "$dups" ] || { diag "twice: $dups"; screen | sed 's/^/#   /'; }
# Events flow again: a change made with the docker CLI shows in the table.
dk start $P-b-data >/dev/null 2>&1
wait_row "$P-b-data" running 15
ok $? "the events stream resumed: the restarted data container shows running" ||
	diag "the engine says: $(dk ps -a --filter name=$P-b-data --format '{{.Status}}')"

# ---------------------------------------------------------------- 2. SIGSTOP for 30 s

# A stop in flight when the engine freezes: sh as pid 1 ignores SIGTERM, so the
# engine waits the 20 s before it kills; the freeze lands in that wait.
"$BERTH" -H "$H" stop -t 20 $P-b-data >"$W/stop.out" 2>"$W/stop.err" &
STOPPER=$!
sleep 2
kill -STOP "$PD_PID"
FROZEN_AT=$(now_ms)
tm send-keys -t s l	# the log pane to full screen and back: the table's keys
tm send-keys -t s l
"$BERTH" -H "$H" ps >"$W/ps.out" 2>"$W/ps.err"
PS_RC=$?
ps_ms=$(( $(now_ms) - FROZEN_AT ))
[ "$PS_RC" = 1 ] && [ "$ps_ms" -le 20000 ] && grep -q '^berth: .*answer' "$W/ps.err"
ok $? "a new call on the frozen engine fails within its timeout ($ps_ms ms): $(head -c 160 "$W/ps.err")"
worst=0
while [ $(( $(now_ms) - FROZEN_AT )) -lt $((FREEZE_S * 1000)) ]; do
	lat=$(key_latency_ms '?' 'key map')
	[ "$lat" -gt "$worst" ] && worst=$lat
	tm send-keys -t s Escape
	wait_gone 'key map' 5 >/dev/null
	sleep 2
done
[ "$worst" -le "$KEY_HANG_MS" ]; ok $? "keys answer through ${FREEZE_S} s of a frozen engine (worst $worst ms)"
# (Still pending, or already done: it must not have failed.)
if kill -0 "$STOPPER" 2>/dev/null; then ok 0 "a stop in flight when the engine froze is still pending"
else wait "$STOPPER"; ok $? "a stop in flight when the engine froze did not fail: $(head -c 160 "$W/stop.err")"; STOPPER=; fi
kill -CONT "$PD_PID"
t0=$(now_ms)
STOP_RC=0
[ -n "$STOPPER" ] && { wait "$STOPPER"; STOP_RC=$?; }
[ "$STOP_RC" = 0 ] || grep -qE 'time|answer' "$W/stop.err"
ok $? "after SIGCONT the pending stop finishes (status $STOP_RC, $(( $(now_ms) - t0 )) ms): $(head -c 160 "$W/stop.err")"
wait_row "$P-b-data" exited 20
ok $? "the dashboard follows the engine again after SIGCONT"
deadline=$(( $(now_ms) + 30000 ))
while screen | tail -n 1 | grep -q '…$' && [ "$(now_ms)" -lt $deadline ]; do sleep 0.2; done
screen | tail -n 1 | grep -q '…$'
ok $(( ! $? )) "no dashboard job is left pending"

# ---------------------------------------------------------------- 3. removed under an open log pane

dk run -d --name $P-c-gone "$IMAGE" sh -c 'while true; do echo "gone-line"; sleep 0.2; done' >/dev/null
set_filter "$P-c-gone"
wait_row "$P-c-gone" running 15 >/dev/null
tm send-keys -t s l
wait_for "gone-line" 10 >/dev/null
ok $? "the log pane follows a container"
dk rm -f $P-c-gone >/dev/null
wait_gone "$P-c-gone " 15 >/dev/null || true
lat=$(key_latency_ms '?' 'key map')
tm send-keys -t s Escape
[ "$lat" -le "$KEY_HANG_MS" ]; ok $? "after its removal the dashboard answers keys ($lat ms)"
screen | grep -qE "$P-c-gone +[0-9a-f]{12}"
ok $(( ! $? )) "the removed container's row is gone"
kill -0 "$(pane_pid)" 2>/dev/null && tm display -p -t s '#{pane_dead}' | grep -qx 0
ok $? "the dashboard is still running"
tm send-keys -t s q
done_testing
