#!/bin/sh
# tests/remote/descriptors.sh: berth short of file descriptors (issue 15, item
# 2). Forty scripted STAND-INS (tests/remote/standin.py: unix sockets answering
# like Docker, every one of them up). With a low soft limit berth raises it to
# the hard one; with the hard limit lowered too (raising cannot help) what
# fails says "too many open files: raise ulimit -n", in the CLI's errors and
# the dashboard's status line, and never "connection failed" about engines
# that all answer. The event streams hold a connection per endpoint until the
# end, so forty of them need more than the limits used here.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=descriptors
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
trap 'fd_cleanup' EXIT
NSTAND=40
LIMIT=40
SD=$TAP_TMP/standins
standins_start "$SD" "$NSTAND" 2 0
HOSTS=()
for s in $(seq 0 $((NSTAND - 1))); do HOSTS+=(-H "unix://$SD/s$(printf %02d "$s").sock"); done
TM="tmux -L berth-remote-fd-$$ -f /dev/null"
fd_cleanup() { $TM kill-server >/dev/null 2>&1; remote_cleanup; }
HARD=$(ulimit -Hn)
[ "$HARD" = unlimited ] || [ "$HARD" -gt $((LIMIT * 4)) ] || skip_all "the hard limit on open files ($HARD) is too low to test raising it"

# A low soft limit under a high hard one: berth raises it at start-up.
sh -c "ulimit -Sn $LIMIT && exec \"\$0\" \"\$@\"" "$BERTH" "${HOSTS[@]}" events >/dev/null 2>"$TAP_TMP/raised.err" &
pid=$!
soft=
for i in $(seq 100); do
	soft=$(awk '/^Max open files/ { print $4 }' "/proc/$pid/limits" 2>/dev/null)
	[ -n "$soft" ] && [ "$soft" != "$LIMIT" ] && break
	sleep 0.1
done
sleep 2	# the streams open
kill -INT "$pid" 2>/dev/null
wait "$pid"
is "$soft" "$HARD" "berth raises its soft limit on open files ($LIMIT) to the hard one"
unlike "$(cat "$TAP_TMP/raised.err")" "too many open files|connection failed" \
	"... and follows the events of $NSTAND endpoints without running short"

# The hard limit lowered too: the streams that cannot open say why, while the
# others go on (120 s: a hang bound).
sh -c "ulimit -n $LIMIT && exec \"\$0\" \"\$@\"" "$BERTH" "${HOSTS[@]}" events >/dev/null 2>"$TAP_TMP/low.err" &
pid=$!
for i in $(seq 1200); do
	grep -q "too many open files" "$TAP_TMP/low.err" 2>/dev/null && break
	sleep 0.1
done
sleep 1	# the others short of descriptors at the same time
said=$(cat "$TAP_TMP/low.err")	# while it runs: a stream's failure is said when it happens
kill -INT "$pid" 2>/dev/null
wait "$pid"
diag "$(sort "$TAP_TMP/low.err" | uniq -c | sort -rn | head -3)"
like "$said" "^berth: too many open files: raise ulimit -n \(it allows $LIMIT; " \
	"events under ulimit -n $LIMIT: what could not open says too many open files, at once"
# Each stream opens its endpoint (reading the configuration) and then connects:
# whichever runs short, the sentence names the engine or the file.
is "$(grep -cvE "^berth: too many open files: raise ulimit -n \(it allows $LIMIT; (the Docker engine at $SD/s[0-9]+\.sock was not reached|the configuration file .* was not read)\)\$" "$TAP_TMP/low.err")" 0 \
	"... every error says so, naming the engine not reached (or the file not read), none says connection failed"

# The dashboard under the same hard limit: the status line says it.
command -v tmux >/dev/null || { skip 2 "needs tmux"; tap_done; exit; }
printf '%q ' "$BERTH" "${HOSTS[@]}" >"$TAP_TMP/cmd"
$TM new-session -d -s s -x 200 -y 30 "ulimit -n $LIMIT; $(cat "$TAP_TMP/cmd"); sleep 600"
found=1
for i in $(seq 300); do	# a hang bound, 30 s
	$TM capture-pane -p -t s >"$TAP_TMP/screen"
	grep -q "too many open files: raise ulimit -n: [0-9]* not reached" "$TAP_TMP/screen" && { found=0; break; }
	sleep 0.1
done
diag "status line: $(tail -2 "$TAP_TMP/screen" | head -1)"
ok $found "the dashboard's status line: too many open files: raise ulimit -n, with how many endpoints were not reached"
$TM send-keys -t s H
sleep 1
$TM capture-pane -p -t s >"$TAP_TMP/endpoints"
unlike "$(cat "$TAP_TMP/screen" "$TAP_TMP/endpoints")" "connection failed" \
	"... and neither it nor the endpoints view says connection failed"
$TM send-keys -t s q
tap_done
