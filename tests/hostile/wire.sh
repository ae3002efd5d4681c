#!/bin/sh
# tests/hostile/wire.sh: berth against an engine that breaks HTTP itself
# (engine-wire.py): truncated bodies, a wrong Content-Length, a broken chunked
# encoding, malformed and 100 MB replies, a 1 byte/s slow-loris reply and a
# reply that never ends, on list, inspect, logs, exec and the events stream.
# Each gives one clear error line within its timeout (60 s for a plain call;
# Ctrl-C for a stream, which has none), with bounded memory and no crash; the
# dashboard keeps answering keys through all of them.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP_SRCDIR/tests/lib/tap.sh"
BERTH=${BERTH:-$PWD/ui/berth}
RUN_DEADLINE=90
# Peak RSS allowed: a collected reply is capped at 64 MiB, so a refused 100 MB
# reply may cost that much once; sanitizers add their shadow memory.
MAX_KB=$((160 * 1024))
[ -n "${BERTH_SANITIZER:-}" ] && MAX_KB=$((600 * 1024))

[ -x "$BERTH" ] || skip_all "no berth binary at $BERTH"
[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 for the scripted engine"
[ -x /usr/bin/time ] || skip_all "no /usr/bin/time to measure peak memory"

W=$TAP_TMP/w
mkdir -p "$W/sock"
/usr/bin/python3 "$TOP_SRCDIR/tests/hostile/engine-wire.py" "$W/sock" 2>"$W/engine.log" &
ENGINE=$!
trap 'kill "$ENGINE" 2>/dev/null' EXIT
for _ in $(seq 100); do [ -e "$W/sock/ready" ] && break; sleep 0.1; done
[ -e "$W/sock/ready" ] || bail_out "engine-wire.py did not start: $(tail -3 "$W/engine.log")"
export HOME=$W BERTH_CONFIG=/dev/null

# mstart NAME CMD...: run CMD under /usr/bin/time in the background; RC, MS (how
# long CMD ran, by time(1): collecting it late adds nothing) and KB (peak RSS)
# once it ends. Output in $W/NAME.out/.err.
mstart()
{
	local name=$1
	shift
	/usr/bin/time -o "$W/$name.rss" -f '%M %e' timeout -s KILL "$RUN_DEADLINE" "$@" \
		>"$W/$name.out" 2>"$W/$name.err" &
	PID_[$name]=$!
}
mwait()
{
	local name=$1
	wait "${PID_[$name]}"
	RC=$?
	read -r KB MS < <(awk '/^[0-9]+ [0-9.]+$/ { kb = $1; ms = int($2 * 1000) } END { print kb, ms }' "$W/$name.rss")
	OUT=$W/$name.out ERR=$W/$name.err
}
declare -A PID_

# berth_pid NAME: the pid of berth under /usr/bin/time and timeout.
berth_pid()
{
	local t
	t=$(pgrep -P "${PID_[$1]}")
	pgrep -P "$t"
}

# clear_error DESC MAX_MS: the last run failed with one berth error line, in
# time and within the memory bound.
clear_error()
{
	local desc=$1 max_ms=$2
	is "$RC" 1 "$desc: exit status 1 (after $MS ms)" || tap_show_last
	like "$(tail -n 1 "$ERR")" '^berth: [^ ].{10,}' "$desc: a berth error line" || tap_show_last
	[ "$(grep -c '^berth: ' "$ERR")" = 1 ]; ok $? "$desc: exactly one error line"
	[ "$MS" -le "$max_ms" ]; ok $? "$desc: within $max_ms ms ($MS ms)"
	[ "${KB:-999999999}" -le "$MAX_KB" ]; ok $? "$desc: peak RSS ${KB} KiB <= $MAX_KB KiB"
}

H() { echo "unix://$W/sock/$1.sock"; }

# The slow-loris plain calls run for the whole request timeout (60 s): start
# them first, in the background, and collect them at the end.
mstart slow-list "$BERTH" -H "$(H slowloris-list)" ps -a
mstart slow-inspect "$BERTH" -H "$(H slowloris-inspect)" inspect victim

# Plain calls: list and inspect.
for mode in truncated longlength badchunk malformed huge endless; do
	mstart "$mode-list" "$BERTH" -H "$(H "$mode-list")" ps -a
	mwait "$mode-list"
	clear_error "$mode reply to the container list" 20000
	mstart "$mode-inspect" "$BERTH" -H "$(H "$mode-inspect")" inspect victim
	mwait "$mode-inspect"
	clear_error "$mode reply to inspect" 20000
done
like "$(cat "$W/huge-list.err" "$W/endless-inspect.err")" 'too large' \
	"a 100 MB or endless JSON reply: refused as too large"
like "$(cat "$W/badchunk-list.err")" 'chunked' "a broken chunked encoding: said so"
like "$(cat "$W/truncated-inspect.err")" 'closed|remaining|truncated' "a truncated body: said so"

# Streams: a broken stream ends with an error after the good part is out.
for kind in logs exec; do
	args="logs victim"
	[ $kind = exec ] && args="exec victim true"
	for mode in truncated longlength badchunk malformed; do
		mstart "$mode-$kind" "$BERTH" -H "$(H "$mode-$kind")" $args
		mwait "$mode-$kind"
		clear_error "$mode $kind stream" 20000
		first='line 0'
		[ $mode = malformed ] && first=fine
		head -n 1 "$OUT" | grep -qx "$first"
		ok $? "$mode $kind stream: the good part before the break was passed on" || tap_show_last
	done
	mstart "huge-$kind" "$BERTH" -H "$(H "huge-$kind")" $args
	mwait "huge-$kind"
	is "$RC" 0 "100 MB of $kind output: passed through, exit status 0" || tap_show_last
	is "$(wc -c <"$OUT")" 100036539 "100 MB of $kind output: every byte"
	[ "${KB:-999999999}" -le "$MAX_KB" ]; ok $? "100 MB of $kind output: peak RSS ${KB} KiB <= $MAX_KB KiB"
	rm -f "$OUT"
	# A stream without end, or at 1 byte/s: Ctrl-C ends it (10 s: a hang bound).
	for mode in endless slowloris; do
		mstart "$mode-$kind" "$BERTH" -H "$(H "$mode-$kind")" $args
		sleep 3
		p=$(berth_pid "$mode-$kind")
		kill -INT "$p" 2>/dev/null
		T1=$(date +%s%N)
		mwait "$mode-$kind"
		ms=$((($(date +%s%N) - T1) / 1000000))
		[ "$RC" != 0 ] && [ "$RC" != 137 ]
		ok $? "$mode $kind: Ctrl-C ends it with a failure status ($RC)" || tap_show_last
		[ "$ms" -le 10000 ]; ok $? "$mode $kind: ended after Ctrl-C ($ms ms)"
		[ "${KB:-999999999}" -le "$MAX_KB" ]; ok $? "$mode $kind: peak RSS ${KB} KiB <= $MAX_KB KiB"
		rm -f "$OUT"
	done
done

# The dashboard: every misbehaviour on every call at once, then on the events
# stream and on an open log pane; keys must keep answering, and q must quit.
dash()
{
	local name=$1 sock=$2 open_logs=$3
	{
		echo ":timeout 30"
		if [ "$open_logs" = yes ]; then echo ":wait victim"; echo "l"; fi
		echo "?"
		echo ":wait key map"
		echo "<esc>"
		echo ":wait-not key map"
		echo "q"
	} >"$W/$name.script"
	mstart "dash-$name" env BERTH_NO_DISPLAY=1 BERTH_SCRIPT="$W/$name.script" TERM=dumb LINES=24 \
		COLUMNS=100 "$BERTH" -H "$(H "$sock")"
	mwait "dash-$name"
	is "$RC" 0 "dashboard, $name: keys answered, q quit (status 0 after $MS ms)" || tap_show_last
	[ "${KB:-999999999}" -le "$MAX_KB" ]; ok $? "dashboard, $name: peak RSS ${KB} KiB <= $MAX_KB KiB"
}
for mode in truncated longlength badchunk malformed huge slowloris endless; do
	dash "$mode on every call" "$mode-all" no
	dash "$mode on the events stream" "$mode-events" no
	dash "$mode on the log pane" "$mode-logs" yes
done

mwait slow-list
clear_error "a 1 byte/s reply to the container list" 75000
mwait slow-inspect
clear_error "a 1 byte/s reply to inspect" 75000
like "$(cat "$W/slow-list.err" "$W/slow-inspect.err")" 'time|answer' "a 1 byte/s reply: said it timed out"

tap_done
