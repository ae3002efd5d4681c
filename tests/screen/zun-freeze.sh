#!/bin/bash
# zun-freeze.sh: a Zun endpoint (the CHI@Edge test site: a real Keystone and
# zunsim) that stops answering.
#   - cp both ways give up after the stall timeout when Zun sends nothing
#     (zunsim's hang fault on the archive call), in one line, nothing left
#     behind; mount has no Zun implementation (said, not tested here);
#   - the dashboard, with zunsim stopped (SIGSTOP): the status line says the
#     endpoint is not answering, the row says when it was last confirmed, the
#     floating IP action says at once that it waits and ends after the stall
#     timeout in one sentence; after SIGCONT the endpoint is connected again.
# The time from SIGSTOP to the status line is printed, not asserted (60 s
# only bounds a hang).
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
. "$TOP_SRCDIR/tests/screen/zun-site.sh"

P=t-zfreeze-$$
W=$ZS_DIR/freeze
mkdir -p "$W"
"$BERTH" -H zun run --name $P-edge --reservation "$ZS_RESERVATION" --wait --timeout 60 "$IMAGE" \
	sleep 100000 >/dev/null
ok $? "a container runs on the Zun site"
at_exit "$BERTH -H zun rm -f $P-edge >/dev/null 2>&1"

# ---------------------------------------------------------------- cp, Zun silent
# cp_stalls DESC MATCH ARGS...: with Zun hanging on the call whose path has
# MATCH (once), berth cp ARGS gives up after the stall timeout in one line.
cp_stalls() {
	local desc=$1 match=$2 rc t0 ms
	shift 2
	zun_fault hang "$match" 1 40
	t0=$(now_ms)
	BERTH_STALL_TIMEOUT=3 timeout 60 "$BERTH" -H zun cp "$@" >"$W/out" 2>"$W/err"
	rc=$? ms=$(( $(now_ms) - t0 ))
	[ $rc != 0 ] && [ $rc != 124 ] && [ "$(wc -l <"$W/err")" = 1 ] &&
		grep -q "^berth: .*sent nothing for 3 s, so berth gave up" "$W/err"
	ok $? "$desc: given up after the stall timeout in one line (rc $rc after $ms ms: $(cat "$W/err"))"
}
cp_stalls "cp from a Zun container" get_archive "$P-edge:/etc/hostname" "$W/copied"
[ ! -e "$W/copied" ]
ok $? "cp from: nothing is left behind"
echo data >"$W/up"
cp_stalls "cp into a Zun container" put_archive "$W/up" "$P-edge:/tmp/"

# ---------------------------------------------------------------- the dashboard
tm_start 200 30 "exec env BERTH_STALL_TIMEOUT=4 $BERTH -H zun"
wait_for "zun: connected" 30 >/dev/null && wait_row "$P-edge" running 30
ok $? "the dashboard shows the Zun endpoint connected and the container running"
freeze Zun zun "$ZS_SIM_PID" $P-edge
tm send-keys -t s f
wait_for "Associate a floating IP" 10 >/dev/null
tm send-keys -t s Enter
wait_for "(empty: allocate one)" 10 >/dev/null
tm send-keys -t s Enter
wait_for "(its engine is not answering for" 10 >/dev/null
ok $? "the floating IP action says at once that the engine is not answering ($(screen | tail -1 | sed 's/  */ /g'))"
wait_for "its engine has not answered for" 60 >/dev/null &&
	screen | tail -1 | grep -qE "^.{0,2}the floating IP of $P-edge: its engine has not answered for [0-9]+ s, so berth gave up"
ok $? "... and ends after the stall timeout in one sentence ($(screen | tail -1 | sed 's/  */ /g'))"
thaw Zun zun "$ZS_SIM_PID" $P-edge
diag "measured: SIGSTOP to the status line saying so: $FROZEN_MS ms; SIGCONT to connected: $THAWED_MS ms, to the row confirmed: $CONFIRMED_MS ms"
done_testing
