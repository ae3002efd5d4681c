#!/bin/bash
# tmux-endpoints.sh: fifty endpoints in one dashboard: the shared Docker engine,
# 48 scripted STAND-INS (tests/remote/standin.py: unix sockets answering like
# Docker with 100 made-up containers each; not engines), the last of which
# takes connections and never answers, and one socket that refuses. Their
# names differ only at the end (…/edge-device-007.sock). Checked in tmux: the
# status line's summary, the ENDPOINT column keeping the end, the endpoints
# view (states, errors, back-off), filtering to one endpoint (from the view and
# with ep:NAME) and Esc, grouping with a header per endpoint, keys and a
# stand-in's status change while one endpoint stalls.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
command -v python3 >/dev/null || skip_all "no python3 for the stand-ins"

P=t-dash-ep-$$
D=$(mktemp -d /tmp/berth-endpoints.XXXXXX)
at_exit "rm -rf $D"
NSTAND=48
setsid python3 "$TOP_SRCDIR/tests/remote/standin.py" "$D" $NSTAND 100 1 </dev/null >"$D/standin.log" 2>&1 &
SPID=$!
at_exit "kill $SPID 2>/dev/null"
for i in $(seq 100); do [ -e "$D/ready" ] && break; sleep 0.1; done
[ -e "$D/ready" ] || { sed 's/^/# /' "$D/standin.log"; skip_all "the stand-ins did not start"; }
# Long names that differ at the end, as edge fleets name their devices.
for s in $(seq 0 $((NSTAND - 1))); do
	ln -s "s$(printf %02d "$s").sock" "$D/edge-device-$(printf %03d "$s").sock"
done
# A socket nobody listens on: connecting is refused.
python3 -c "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$D/edge-device-refused.sock"
STALLED=edge-device-$(printf %03d $((NSTAND - 1))).sock
ctr $P-real "$IMAGE" sleep 100000

HOSTS="-H unix://$DOCKER_SOCK"
for s in $(seq 0 $((NSTAND - 1))); do HOSTS="$HOSTS -H unix://$D/edge-device-$(printf %03d "$s").sock"; done
HOSTS="$HOSTS -H unix://$D/edge-device-refused.sock"
tm_start 160 40 "exec $BERTH $HOSTS"

# ---------------------------------------------------------------- status line
status() { screen | sed -n 39p; }
wait_line 39 "50 endpoints: 48 up, 1 stalled, 1 down (" 30 && status | grep -q '^50 endpoints'
ok $? "the status line sums up 50 endpoints: 48 up, 1 stalled, 1 down"
status | grep -qE '\(…[^ ]*edge-device-refused\.sock: connection refused; …[^ ]*'"$STALLED"': not answering'

ok $? "it names the refused endpoint with its error, then the stalled one ($(status))"

# ---------------------------------------------------------------- table
set_filter standin-07-000
wait_row standin-07-000 running 20 >/dev/null
row=$(screen | grep -F "standin-07-000 ")
tm send-keys -t s Escape
wait_gone 'filter "' 5 >/dev/null
printf '%s\n' "$row" | grep -qE '…[^ ]*edge-device-007\.sock *$' && ! printf '%s\n' "$row" | grep -qF "unix:///"
ok $? "the ENDPOINT column keeps the end of a long name: $(printf '%s' "$row" | awk '{ print $NF }')"
title_count() { screen | head -1 | grep -oE '[0-9]+ containers' | cut -d' ' -f1; }
all_listed() { local n; n=$(title_count); [ "${n:-0}" -ge $(( (NSTAND - 1) * 100 )) ]; }
wait_until 30 all_listed
ok $? "every answering endpoint's rows are listed ($(title_count) containers)"

# ---------------------------------------------------------------- endpoints view
tm send-keys -t s H
wait_for "LAST OK" 5 >/dev/null
wait_line 3 "edge-device-refused.sock" 5 && screen | sed -n 3p | grep -qE ' down .* ([0-9]+ s, next [0-9]+|trying) +cannot ' &&
	screen | tail -1 | grep -qE "edge-device-refused.sock: unreachable: .*: connection refused"
r=$?
[ $r = 0 ] || screen | sed -n '2,3p;$p' | sed 's/^/# /'
ok $r "the endpoints view lists the refused endpoint first: down, its back-off and error (whole in the message line)"
screen | sed -n 4p | grep -qE "$STALLED +\? +stalled .* not answering"
ok $? "then the stalled one: stalled, not answering"
screen | grep -E "edge-device-005\.sock +docker +up +100 +now" >/dev/null &&
	screen | grep -E "unix://$DOCKER_SOCK +docker +up +[0-9]+ +now" >/dev/null
ok $? "answering endpoints show their kind, up, their container count and now"
tm send-keys -t s G
tm send-keys -t s Enter
LAST=edge-device-$(printf %03d $((NSTAND - 2))).sock
wait_for "filter \"ep:unix://$D/$LAST\"" 5
ok $? "Enter on the last endpoint filters the table to it"
endpoints_shown() { screen | sed -n '3,38p' | grep -oE '^  standin-[0-9]+-' | sort -u; }
only_last_shown() { [ "$(endpoints_shown)" = "  standin-$(printf %02d $((NSTAND - 2)))-" ]; }
wait_until "$HANG_S" only_last_shown
ok $? "only that endpoint's rows show ($(endpoints_shown | tr '\n' ' '))"
tm send-keys -t s Escape
tm send-keys -t s g
wait_gone 'filter "' 5 && wait_row standin-00-000 running 5 >/dev/null
ok $? "Esc clears the endpoint filter"

# The filter's own syntax: ep:NAME words, with the text filter too.
set_filter "ep:edge-device-012 standin-12-04"
shown=$(screen | sed -n '3,38p' | grep -cE '^  standin-12-04[0-9] ')
other=$(screen | sed -n '3,38p' | grep -E '^  (standin|t-)' | grep -cvE '^  standin-12-04[0-9] ')
[ "$shown" -eq 10 ] && [ "$other" -eq 0 ]
ok $? "/ep:edge-device-012 standin-12-04 shows that endpoint's ten matching rows ($shown, others $other)"
tm send-keys -t s Escape
wait_gone 'filter "' 5 >/dev/null

# ---------------------------------------------------------------- grouping
tm send-keys -t s z
wait_for "by endpoint" 5 >/dev/null
tm send-keys -t s g
wait_line 3 "▸ unix://$DOCKER_SOCK · connected · " 5
ok $? "z groups the rows: a header per endpoint with its state"
tm send-keys -t s G
# Each header says its endpoint's state as the feed learns it, not both at once.
headers_said() {
	screen | grep -qE "^▸ [^ ]*$STALLED · stalled: not answering" &&
		screen | grep -qE "^▸ [^ ]*edge-device-refused\.sock · down: connection refused; (retrying in [0-9]+ s|reconnecting) · 0 containers"
}
wait_until 30 headers_said
ok $? "the stalled and the refused endpoint have their own headers with their state"
tm send-keys -t s g
tm send-keys -t s z
wait_gone "by endpoint" 5 >/dev/null

tm send-keys -t s '?'
wait_for "key map" 5 >/dev/null
# The key map is longer than the screen: page through it to its end.
help_pages=$(mktemp)
at_exit "rm -f $help_pages"
for _ in 1 2 3 4 5 6 7 8; do
	screen >>"$help_pages"
	shown=$(screen | grep -o 'lines [0-9]*-[0-9]* of [0-9]*' | head -n 1)
	echo "$shown" | awk '{ split($2, r, "-"); exit !(r[2] >= $4) }' && break
	tm send-keys -t s NPage
	wait_until 5 eval '! screen | grep -qF "$shown"'
done
grep -qE '^  H +endpoints +every endpoint' "$help_pages" && grep -qE '^  z +group +group the rows' "$help_pages"
ok $? "the key map lists H (endpoints) and z (group)"
tm send-keys -t s Escape
wait_gone "key map" 5 >/dev/null

# ---------------------------------------------------------------- responsiveness
lats=
for i in 1 2 3 4 5; do
	lats="$lats $(key_latency_ms H 'LAST OK')"
	tm send-keys -t s H
	wait_gone "LAST OK" 5 >/dev/null
	lats="$lats $(key_latency_ms z 'by endpoint')"
	tm send-keys -t s z
	wait_gone "by endpoint" 5 >/dev/null
done
# None may hang; how fast they answer is bench/dashboard.py's many_keys row.
worst=$(printf '%s\n' $lats | sort -n | tail -1)
[ "$worst" -le "$KEY_HANG_MS" ]
ok $? "with 5,000 rows and an endpoint stalled, H and z answer (ms:$lats)"
set_filter standin-03-005
wait_row standin-03-005 running 5 >/dev/null
t0=$(now_ms)
echo "3 5 exited" >"$D/control.fifo"
wait_row standin-03-005 exited 5
ok $? "a stand-in's status change shows while one endpoint stalls ($(( $(now_ms) - t0 )) ms)"
PID=$(pane_pid)
t0=$(now_ms)
tm send-keys -t s q
wait_until "$HANG_S" gone "$PID"
ok $? "q quits with an endpoint still stalled ($(( $(now_ms) - t0 )) ms)"
done_testing
