#!/bin/sh
# tests/fuzz/run.sh [SECONDS]: build the libFuzzer targets with clang, ASan and
# UBSan out of tree, then fuzz each from its seed corpus (tests/fuzz/corpus/) for
# SECONDS (default $FUZZ_SECONDS, else 55), two at a time, so that the nine
# targets finish within ten minutes on two cores. One TAP line per target; a
# crash, a leak, a sanitizer report or a hang (an input still running after
# 60 s: libFuzzer's clock is the wall's, and CI runs the fuzzers at idle
# priority beside make check, where a 2 s input took 11 s) fails it, and
# its input is kept in $FUZZ_OUT (default /tmp/berth-fuzz-out): copy it into
# tests/fuzz/corpus/TARGET/ so that make check replays it from then on.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
TOP_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP_SRCDIR/tests/lib/tap.sh"
SECONDS_EACH=${1:-${FUZZ_SECONDS:-55}}
BUILD=${FUZZ_BUILD:-/tmp/berth-fuzz-build}
FOUT=${FUZZ_OUT:-/tmp/berth-fuzz-out}
TARGETS=${FUZZ_TARGETS:-"fuzz_model fuzz_demux fuzz_extract fuzz_cprules fuzz_config fuzz_clouds
	fuzz_endpoint fuzz_docker fuzz_zun"}

command -v clang >/dev/null || skip_all "no clang (Debian: apt-get install clang)"
SRC=$TOP_SRCDIR
# configure refuses an out-of-tree build of a tree configured in place (as CI's
# is): build from a copy of the files git knows then.
if [ -f "$TOP_SRCDIR/config.status" ]; then
	SRC=$BUILD-src
	rm -rf "$SRC" && mkdir -p "$SRC" &&
		(cd "$TOP_SRCDIR" && git ls-files -z -c -o --exclude-standard |
			tar --null --ignore-failed-read -T - -cf -) | tar -C "$SRC" -xf - ||
		bail_out "cannot copy the source tree to $SRC"
fi
[ -x "$SRC/configure" ] || (cd "$SRC" && ./autogen.sh) >/dev/null 2>&1 ||
	bail_out "autogen.sh failed"

rm -rf "$BUILD"
mkdir -p "$BUILD" "$FOUT"
LOG=$FOUT/build.log
(cd "$BUILD" &&
	"$SRC/configure" -q CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link" \
		--enable-fuzzing --enable-asan &&
	make -j2 -C src &&
	make -j2 -C tests $(for t in $TARGETS; do printf 'fuzz/%s ' "$t"; done)) >"$LOG" 2>&1
ok $? "the fuzz targets build with clang, libFuzzer, ASan and UBSan" ||
	{ diag "$(tail -n 30 "$LOG")"; tap_done; exit 1; }

# fuzz TARGET: fuzz one target from a copy of its corpus; the status is the fuzzer's.
fuzz()
{
	local t=$1 work=$FOUT/$1
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/artifacts"
	cp "$TOP_SRCDIR/tests/fuzz/corpus/$t/"* "$work/corpus/"
	# detect_leaks stays on: a leak found by LeakSanitizer fails the target.
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		timeout -s KILL $((SECONDS_EACH + 120)) \
		"$BUILD/tests/fuzz/$t" -max_total_time="$SECONDS_EACH" -timeout=60 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
		"$work/corpus" >"$work/log" 2>&1
}

# report TARGET STATUS: the TAP line, with the fuzzer's words on failure.
report()
{
	local t=$1 rc=$2 work=$FOUT/$1 stats
	stats=$(grep -E '^stat::number_of_executed_units' "$work/log" | awk '{print $2}')
	ok "$rc" "$t: ${SECONDS_EACH} s, ${stats:-?} runs, no crash, leak or hang" && return 0
	diag "$(grep -E 'ERROR|SUMMARY|runtime error|Test unit written|^#[0-9]+ .*DONE' "$work/log" | head -n 20)"
	diag "artifacts: $(ls "$work/artifacts" 2>/dev/null | tr '\n' ' ')"
}

set -- $TARGETS
while [ $# -gt 0 ]; do
	a=$1 b=${2:-}
	fuzz "$a" &
	pa=$!
	[ -n "$b" ] && { fuzz "$b" & pb=$!; }
	wait "$pa"
	report "$a" $?
	if [ -n "$b" ]; then
		wait "$pb"
		report "$b" $?
		shift
	fi
	shift
done
tap_done
