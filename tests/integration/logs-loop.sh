#!/bin/sh
# tests/integration/logs-loop.sh: berth logs -f over 50 containers of the real
# Docker engine follows them all on the stream loop (issue 15, item 1): the
# process runs at most 4 threads while the 50 follows are open (it ran one
# thread per container before, 51), every container's lines come (the one
# with a TTY raw, the others taken apart into stdout and stderr), a container
# that stops ends its follow alone, berth ends when the reader of its pipe
# goes, and once every one has stopped berth exits 0.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
need_docker_image
N=50
P=t-logloop-$$-
NAMES=()
for i in $(seq $N); do NAMES+=("${P}$i"); done

cleanup()
{
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null
	docker rm -f "${NAMES[@]}" >/dev/null 2>&1
	return 0
}
trap cleanup EXIT

# Container 1 has a TTY (its log is raw); the others write a numbered line to
# stdout and one to stderr every second.
start_one()
{
	if [ "$1" = 1 ]; then
		docker run -d -t --name "${P}1" "$IMAGE" sh -c 'while :; do echo tty-out; sleep 1; done'
	else
		docker run -d --name "${P}$1" "$IMAGE" sh -c \
			"while :; do echo out-$1; echo err-$1 >&2; sleep 1; done"
	fi >/dev/null
}
for i in $(seq $N); do
	start_one "$i" &
	[ $((i % 10)) = 0 ] && wait
done
wait
started=$(docker ps -q --filter "name=^${P}" | wc -l)
is "$started" "$N" "$N containers logging every second"

"$BERTH" -H "unix://$SOCK" logs -f --tail 1 "${NAMES[@]}" >"$TAP_TMP/logs.out" 2>"$TAP_TMP/logs.err" &
BPID=$!

# Every container's stdout has come (or 120 s: a hang bound, not a speed).
seen=0
for _ in $(seq 600); do
	seen=$(sed -n -E 's/^(t-logloop-[0-9]+-[0-9]+) +\| .*/\1/p' "$TAP_TMP/logs.out" | sort -u | wc -l)
	[ "$seen" -ge "$N" ] && break
	kill -0 "$BPID" 2>/dev/null || break
	sleep 0.2
done
is "$seen" "$N" "lines of all $N containers on stdout"
threads=$(awk '/^Threads/ { print $2 }' "/proc/$BPID/status" 2>/dev/null)
diag "$N follows open: $threads threads (a thread per follow before: $((N + 1)))"
ok $([ -n "$threads" ] && [ "$threads" -le 4 ]; echo $?) \
	"$N follows open, $threads threads: at most 4 (the main thread, the stream loop, slack)"

grep -q -E "^${P}1 +\| tty-out"$'\r'"?\$" "$TAP_TMP/logs.out"
ok $? "the container with a TTY: its raw lines (the terminal's CR kept), whole"
grep -q -E "^${P}7 +\| out-7\$" "$TAP_TMP/logs.out" && grep -q -E "^${P}7 +\| err-7\$" "$TAP_TMP/logs.err"
ok $? "a multiplexed log taken apart: stdout lines on stdout, stderr lines on stderr"
! grep -q -E 'err-[0-9]+$' "$TAP_TMP/logs.out"
ok $? "no stderr line on stdout"

# One container stops: its follow ends, the others' go on.
docker kill "${P}2" >/dev/null
sleep 3
before=$(grep -c "out-3\$" "$TAP_TMP/logs.out")
for _ in $(seq 600); do
	[ "$(grep -c "out-3\$" "$TAP_TMP/logs.out")" -gt "$before" ] && break
	sleep 0.2
done
ok $([ "$(grep -c "out-3\$" "$TAP_TMP/logs.out")" -gt "$before" ]; echo $?) \
	"a container stopped: the others' lines still come"
kill -0 "$BPID" 2>/dev/null
ok $? "berth still follows the other $((N - 1))"

# Into a pipe whose reader goes away: berth ends (with 0, as one container's
# logs -f does) instead of writing on into the closed pipe (a hang bound of 60 s).
timeout 60 "$BERTH" -H "unix://$SOCK" logs -f "${P}3" "${P}4" 2>"$TAP_TMP/pipe.err" | head -n 1 >/dev/null
is "${PIPESTATUS[0]}" 0 "logs -f of two containers into head -n 1: berth ends once head has gone, status 0"

# All stop: every follow ends, and berth with them.
docker kill "${NAMES[@]:2}" "${P}1" >/dev/null 2>&1
rc=timeout
for _ in $(seq 600); do
	if ! kill -0 "$BPID" 2>/dev/null; then
		wait "$BPID"
		rc=$?
		break
	fi
	sleep 0.2
done
BPID=
is "$rc" 0 "every container stopped: the follows ended, berth exits 0"
[ -s "$TAP_TMP/logs.err" ] && ! grep -q '^berth:' "$TAP_TMP/logs.err"
ok $? "no error sentence" || sed 's/^/# /' "$TAP_TMP/logs.err" | grep berth: | head -3

cleanup
tap_done
