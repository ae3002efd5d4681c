#!/bin/bash
# tmux-freeze-actions.sh: actions from the dashboard on a frozen engine (a
# private dockerd of its own, SIGSTOPped). exec, shell, copy and kill say at
# once that the engine is not answering, and each ends, after the stall
# timeout (BERTH_STALL_TIMEOUT=4 here), with one sentence saying berth gave up
# on it; after SIGCONT an action works again. (start and inspect: tmux-freeze.sh;
# the floating IP on Zun: zun-freeze.sh.) 60 s only bounds a hang.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
pd_engine freeze-actions
P=t-freeze-act-$$
dk run -d --name $P-a "$IMAGE" sleep 100000 >/dev/null
ok $? "a private engine runs one container"

tm_start 200 30 "exec env BERTH_STALL_TIMEOUT=4 $BERTH -H unix://$PD_SOCK"
PRIV=$(printf '%s' "unix://$PD_SOCK" | tail -c 24)
wait_for "$PRIV: connected" 20 >/dev/null && wait_row "$P-a" running 20
ok $? "the dashboard shows it running"

freeze dockerd "$PRIV" "$PD_PID" $P-a

message() { screen | tail -1; }
# keys KEY...: each key, a moment apart (a dialog opens between them);
# text STRING: typed as it is.
keys() { local k; for k in "$@"; do tm send-keys -t s "$k"; sleep 0.3; done; }
text() { tm send-keys -t s -l "$1"; sleep 0.3; }
# act NAME: the keys were sent; the message line must say at once that the
# engine is not answering, and later that berth gave up on NAME.
act() {
	local name=$1
	wait_for "(its engine is not answering for" 10 >/dev/null
	ok $? "$name: says at once that the engine is not answering ($(message | sed 's/  */ /g'))"
	wait_for "its engine has not answered for" 60 >/dev/null &&
		message | grep -qE "^.{0,2}$name $P-a: its engine has not answered for [0-9]+ s, so berth gave up"
	ok $? "$name: ends after the stall timeout, in one sentence ($(message | sed 's/  */ /g'))"
}
download() { keys c Down Enter; text /etc/hostname; keys Enter C-u; text "$PD_DIR/copied"; keys Enter; }
keys e; text "echo hi"; keys Enter
act "exec in"
keys Escape
keys E
act "shell in"
download
act "copy from"
keys K Enter y
act kill

thaw dockerd "$PRIV" "$PD_PID" $P-a
download
wait_for "copied $P-a:/etc/hostname" 30 >/dev/null && [ -s "$PD_DIR/copied" ]
ok $? "a copy works again ($(message | sed 's/  */ /g'))"
dk rm -f $P-a >/dev/null
done_testing
