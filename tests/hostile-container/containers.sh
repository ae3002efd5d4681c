#!/bin/sh
# tests/hostile-container/containers.sh: real containers on the real engine
# whose labels, logs and exec output carry OSC 52 clipboard writes, the
# alternate-screen switch, retitles and clears, invalid UTF-8 and NUL bytes; a
# 10 MB single log line, binary output, half a million short lines (not two
# million: dockerd takes 20-35 s to serve those, on every read).
#   - berth logs and berth exec pass every byte through unchanged to a pipe or
#     a file (compared with the docker CLI's bytes);
#   - the dashboard (in tmux) shows them defanged: no title change, no
#     clipboard buffer, no cleared screen; it keeps answering keys (none
#     hangs) and its memory stays bounded.
# (tests/screen/tmux-escape.sh covers OSC 0 and CSI 2J in the details and exec
# views; this adds the rest.) Containers are named t-harden-PID-*.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-harden-$$
W=$(mktemp -d)
at_exit "rm -rf $W"
MAX_KB=$((200 * 1024))
[ -n "${BERTH_SANITIZER:-}" ] && MAX_KB=$((800 * 1024))	# the sanitizer's shadow memory

# The payload, as printf(1) format: OSC 52 (clipboard), the alternate screen,
# OSC 0 (title), CSI 2J (clear), invalid UTF-8, NUL bytes, then text.
PAYLOAD='\033]52;c;cHduZWQ=\007\033[?1049h\033]0;pwned\007\033[2J\377\376\303(\000NUL\000 after-esc\n'
LABEL=$(printf '\033]52;c;cHduZWQ=\007\033[?1049hlabel-end')

ctr "$P-esc" --label "evil=$LABEL" "$IMAGE" sh -c \
	"for i in 1 2 3; do printf '$PAYLOAD'; printf '$PAYLOAD' >&2; done; echo esc-done; sleep 100000"
ctr "$P-big" "$IMAGE" sh -c 'head -c 10485760 /dev/zero | tr "\0" a; echo; echo big-done; sleep 100000'
ctr "$P-bin" "$IMAGE" sh -c 'cat /bin/busybox; echo; echo bin-done; sleep 100000'
ctr "$P-many" "$IMAGE" sh -c 'seq 1 500000; echo many-done; sleep 100000'

T_START=$SECONDS
# Wait until each has written all of its output.
for c in esc big bin many; do
	for _ in $(seq 600); do dk logs --tail 1 "$P-$c" 2>/dev/null | grep -q "$c-done" && break; sleep 0.1; done
done

# ---------------------------------------------------------------- the CLI: bytes pass through

# same DESC FILE-A FILE-B: the two files hold the same bytes.
same()
{
	cmp -s "$2" "$3"
	ok $? "$1 ($(wc -c <"$2") bytes)" || diag "$(cmp "$2" "$3" 2>&1 | head -n 2)"
}

H="unix://$DOCKER_SOCK"
for c in esc big bin many; do
	dk logs "$P-$c" >"$W/docker-$c.out" 2>"$W/docker-$c.err"
	"$BERTH" -H "$H" logs "$P-$c" >"$W/berth-$c.out" 2>"$W/berth-$c.err"
	ok $? "berth logs $c: exit status 0"
	same "berth logs $c to a file: stdout byte for byte as docker logs" "$W/berth-$c.out" "$W/docker-$c.out"
	same "berth logs $c to a file: stderr byte for byte as docker logs" "$W/berth-$c.err" "$W/docker-$c.err"
	case $c in esc | bin)
		"$BERTH" -H "$H" logs "$P-$c" 2>/dev/null | cat >"$W/pipe-$c.out"
		same "berth logs $c to a pipe: byte for byte" "$W/pipe-$c.out" "$W/docker-$c.out"
	esac
done
diag "logs compared after $((SECONDS - T_START)) s"
grep -c after-esc "$W/berth-esc.out" | grep -qx 3
ok $? "the escape payload reached the file as data, three times"
[ "$(wc -l <"$W/berth-many.out")" = 500001 ]
ok $? "half a million short lines and the last one, none lost"

# exec: the payload, binary output and a 10 MB line, to a file and to a pipe.
printf "$PAYLOAD" >"$W/expected-esc"
"$BERTH" -H "$H" exec "$P-esc" sh -c "printf '$PAYLOAD'" >"$W/exec-esc.out"
ok $? "berth exec with the payload: exit status 0"
same "berth exec to a file: the payload byte for byte" "$W/exec-esc.out" "$W/expected-esc"
"$BERTH" -H "$H" exec "$P-esc" sh -c "printf '$PAYLOAD' >&2" 2>"$W/exec-esc.err" >/dev/null
same "berth exec: the payload on stderr byte for byte" "$W/exec-esc.err" "$W/expected-esc"
dk exec "$P-bin" cat /bin/busybox >"$W/busybox.docker"
"$BERTH" -H "$H" exec "$P-bin" cat /bin/busybox | cat >"$W/busybox.berth"
same "berth exec to a pipe: binary output byte for byte" "$W/busybox.berth" "$W/busybox.docker"
"$BERTH" -H "$H" exec "$P-big" sh -c 'head -c 10485760 /dev/zero | tr "\0" a; echo' >"$W/exec-big.out"
[ "$(wc -c <"$W/exec-big.out") $(tr -d a <"$W/exec-big.out" | wc -c)" = "10485761 1" ]
ok $? "berth exec: a 10 MB line of output, whole"
diag "exec compared after $((SECONDS - T_START)) s"

# ---------------------------------------------------------------- the dashboard

# Control: raw, the sequences do retitle the pane and do fill tmux's clipboard.
tm -f /dev/null new-session -d -s ctl -x 80 -y 10 "sleep 30"
tm set-option -s set-clipboard on
tm respawn-pane -k -t ctl "printf '$PAYLOAD'; sleep 30"
deadline=$(( $(now_ms) + 5000 ))
while [ -z "$(tm list-buffers 2>/dev/null)" ] && [ "$(now_ms)" -lt $deadline ]; do sleep 0.05; done
[ "$(tm display -p -t ctl '#{pane_title}')" = pwned ] && [ -n "$(tm list-buffers)" ]
ok $? "control: printed raw, the payload retitles the pane and sets a clipboard buffer"
tm kill-session -t ctl
while tm delete-buffer 2>/dev/null; do :; done

tm_start 120 30 "$BERTH -H unix://$DOCKER_SOCK"
tm set-option -s set-clipboard on
tm select-pane -t s -T clean
wait_for connected 15 >/dev/null
PANE=$(pane_pid)
BPID=$PANE
[ "$(cat "/proc/$PANE/comm" 2>/dev/null)" = berth ] || BPID=$(pgrep -P "$PANE" | head -n 1)

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$BPID/status" 2>/dev/null; }
clean_terminal()	# DESC: title, clipboard and screen untouched
{
	[ "$(tm display -p -t s '#{pane_title}')" = clean ]
	ok $? "$1: the terminal's title is unchanged"
	[ -z "$(tm list-buffers)" ]
	ok $? "$1: no clipboard buffer was set (OSC 52)" || diag "$(tm list-buffers | head -n 3)"
	screen | sed -n 1p | grep -q "berth" && screen | grep -q "NAME"
	ok $? "$1: the screen was not cleared or switched: title bar and table header are there"
}
responsive()	# DESC: help opens and closes without a hang; memory bounded
{
	local ms
	ms=$(key_latency_ms '?' 'key map')
	[ "$ms" -le "$KEY_HANG_MS" ]; ok $? "$1: keys answer (help in $ms ms)"
	tm send-keys -t s Escape
	wait_gone 'key map' 5 >/dev/null
	[ "$(rss)" -le $MAX_KB ]; ok $? "$1: RSS $(rss) kB <= $MAX_KB kB"
}

log_pane()	# NAME LINE S: open the log pane of $P-NAME; true when LINE shows within S s
{
	set_filter "$P-$1"
	wait_row "$P-$1" running >/dev/null
	tm send-keys -t s l
	wait_for "$2" "$3"
}
close_log_pane()	# LINE: the log pane off (split -> full screen -> off)
{
	tm send-keys -t s l l
	wait_gone "$1" 5 >/dev/null
}

log_pane esc after-esc 10
ok $? "the payload's log lines show, the text after the escapes readable"
clean_terminal "log pane with the payload"
responsive "log pane with the payload"
close_log_pane after-esc
tm send-keys -t s Enter
wait_for "label-end" 5
ok $? "details show the label, defanged"
clean_terminal "details with the payload in a label"
tm send-keys -t s Escape
wait_gone "label-end" 5 >/dev/null

for c in big bin many; do
	log_pane "$c" "$c-done" 30
	ok $? "log pane of $c: the last line arrives"
	clean_terminal "log pane of $c"
	responsive "log pane of $c"
	close_log_pane "$c-done"
done
kill -0 "$BPID" 2>/dev/null
ok $? "the dashboard is still running"
diag "dashboard checked after $((SECONDS - T_START)) s"
tm send-keys -t s q
done_testing
