# tests/lib/tap.sh: TAP output for berth's shell tests (bash), read by automake's
# tap-driver. Source it, make assertions, end with tap_done. The plan is printed
# at the end, so a script need not count its tests in advance.
#
#   run CMD...            run CMD with a deadline; sets RC, OUT, ERR (files) and MS
#   ok COND DESC          passes when COND (a shell status) is 0
#   check DESC CMD...     passes when CMD succeeds
#   is GOT WANT DESC      passes when the two strings are equal
#   like GOT ERE DESC     passes when GOT matches the extended regex ERE
#   unlike GOT ERE DESC   passes when GOT does not match ERE
#   skip N REASON         records N skipped tests
#   skip_all REASON       the whole script is skipped (exit 0 with a SKIP plan)
#   bail_out REASON       stop the script; the driver reports an ERROR
#   diag TEXT...          a comment line in the log

TAP_N=0
TAP_FAILED=0
TAP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-tap.XXXXXX")
exec </dev/null
OUT=$TAP_TMP/out
ERR=$TAP_TMP/err
RC=0
MS=0
# Seconds one command may take before it is killed (and counted as a hang).
RUN_DEADLINE=${RUN_DEADLINE:-60}

diag()
{
	local line
	printf '%s\n' "$*" | while IFS= read -r line; do printf '# %s\n' "$line"; done
}

# Print the last command's exit status, stdout and stderr, for a failed test.
tap_show_last()
{
	diag "exit status: $RC (after ${MS} ms)"
	if [ -s "$OUT" ]; then diag "stdout:"; diag "$(head -c 2000 "$OUT")"; fi
	if [ -s "$ERR" ]; then diag "stderr:"; diag "$(head -c 2000 "$ERR")"; fi
}

ok()
{
	local status=$1
	shift
	TAP_N=$((TAP_N + 1))
	if [ "$status" -eq 0 ]; then
		printf 'ok %d - %s\n' "$TAP_N" "$*"
		return 0
	fi
	TAP_FAILED=$((TAP_FAILED + 1))
	printf 'not ok %d - %s\n' "$TAP_N" "$*"
	return 1
}

check()
{
	local desc=$1
	shift
	"$@" >/dev/null 2>&1
	ok $? "$desc"
}

is()
{
	local got=$1 want=$2
	shift 2
	[ "$got" = "$want" ]
	ok $? "$*" && return 0
	diag "expected: $(printf '%s' "$want" | head -c 1500)"
	diag "     got: $(printf '%s' "$got" | head -c 1500)"
	return 1
}

like()
{
	local got=$1 re=$2
	shift 2
	[[ $got =~ $re ]]
	ok $? "$*" && return 0
	diag "expected to match: $re"
	diag "             got: $(printf '%s' "$got" | head -c 1500)"
	return 1
}

unlike()
{
	local got=$1 re=$2
	shift 2
	! [[ $got =~ $re ]]
	ok $? "$*" && return 0
	diag "expected not to match: $re"
	diag "                 got: $(printf '%s' "$got" | head -c 1500)"
	return 1
}

skip()
{
	local n=$1 i
	shift
	for i in $(seq "$n"); do
		TAP_N=$((TAP_N + 1))
		printf 'ok %d # SKIP %s\n' "$TAP_N" "$*"
	done
}

skip_all()
{
	printf '1..0 # SKIP %s\n' "$*"
	rm -rf "$TAP_TMP"
	exit 0
}

bail_out()
{
	printf 'Bail out! %s\n' "$*"
	exit 99
}

# Run a command, killing it after RUN_DEADLINE seconds (RC is then 137). Its
# stdout and stderr go to the files $OUT and $ERR; MS is how long it took.
run()
{
	local t0=${EPOCHREALTIME//[!0-9]/} t1	# bash's clock: no process per reading
	timeout -s KILL "$RUN_DEADLINE" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	t1=${EPOCHREALTIME//[!0-9]/}
	MS=$(((t1 - t0) / 1000))
	return 0
}

# sigint_caught PID: wait (30 s at most) until PID catches SIGINT. A command a
# script starts with & ignores SIGINT until it sets a handler of its own, and
# on a loaded machine (a sanitizer build) that can take berth over a second:
# a Ctrl-C sent before would be lost, not a test of berth.
sigint_caught()
{
	local mask i
	for i in $(seq 300); do
		mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
		[ -n "$mask" ] && (( 0x$mask & 2 )) && return 0
		sleep 0.1
	done
	return 1
}

# The last command's stdout and stderr.
out() { cat "$OUT"; }
err() { cat "$ERR"; }

tap_done()
{
	printf '1..%d\n' "$TAP_N"
	rm -rf "$TAP_TMP"
	[ "$TAP_FAILED" -eq 0 ]
}
