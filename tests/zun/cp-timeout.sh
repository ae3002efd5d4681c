#!/bin/bash
# cp-timeout.sh: berth cp when the site stops waiting for the helper command
# berth runs in the container (Zun's execute timeout: the site answers with the
# output so far and a null exit code), against the CHI@Edge test site (a real
# Keystone + zunsim over the real Docker engine). The simulator's fault
# exec-timeout makes the next execute outlive the site's wait for real: its
# command sleeps in the container past ZUNSIM_EXEC_TIMEOUT. berth must say the
# site stopped waiting, in one sentence and with a non-zero exit, not that the
# container lacks sh, stat or cp (it has them: the same copies work without the
# fault). TAP.
. "$TOP_SRCDIR/tests/zun/site.sh"
. "$TOP_SRCDIR/tests/zun/lib.sh"

trap zun_site_stop EXIT	# the simulator removes its Docker containers as it stops
zun_site_tap_start
zun_client_env
mkdir -p "$ZS_DIR/work"
cd "$ZS_DIR/work" || exit 1
IMG=berth-test/busybox:latest
CTR=cp-timeout
TIMED_OUT="the site stopped waiting for the shell berth runs in the container before it answered"

one_line() {	# the error is one line starting with "berth: "
	[ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] && has "$ERR" "berth: "
}

# cp_timed_out LABEL MATCH ARGS...: berth cp ARGS with the next execute whose
# request has MATCH in its path (its command is in the query) outliving the
# site's wait.
cp_timed_out() {
	local label=$1 match=$2
	shift 2
	zun_fault exec-timeout "$match"
	bz -H zun cp "$@"
	check "$label: the site stopping its wait fails the copy" [ "$RC" != 0 ]
	check "... saying the site stopped waiting for berth's shell" has "$ERR" "$TIMED_OUT"
	check "... not that the container lacks the tools" \
		eval '! has "$ERR" "needs sh and stat" && ! has "$ERR" "has no sh"'
	check "... in one sentence" one_line
}

# running CTR: whether the site says CTR runs. On a loaded machine the site's
# one Keystone worker can miss a token check now and then (503): asked again.
running() {
	local i
	for i in $(seq 120); do
		bz -H zun status "$1"
		[ "$OUT" = running ] && return 0
		sleep 1
	done
	return 1
}
bz -H zun run --name "$CTR" --reservation "$ZS_RESERVATION" $IMG sleep 100000
check "a running container" running "$CTR"
echo payload >in.txt

bz -H zun cp in.txt "$CTR:/tmp/in.txt"
ok $RC "without the fault, cp into the container works" "$(bz_diag)"
bz -H zun cp "$CTR:/tmp/in.txt" back.txt
check "... and out of it" eval '[ "$RC" = 0 ] && [ "$(cat back.txt 2>/dev/null)" = payload ]'

# berth looks at the path first (sh, test and stat), then a file outside the
# workdir is copied out through a staging directory (sh, mkdir and cp).
cp_timed_out "cp into the container" /execute in.txt "$CTR:/tmp/again.txt"
cp_timed_out "cp out of the container" /execute "$CTR:/tmp/in.txt" out.txt
check "... and writes no file" [ ! -e out.txt ]
cp_timed_out "cp out of a file staged outside the workdir" mkdir "$CTR:/tmp/in.txt" staged.txt
check "... and writes no file" [ ! -e staged.txt ]

bz -H zun rm -f "$CTR"
ok $RC "rm -f" "$(bz_diag)"
t_done
