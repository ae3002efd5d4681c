#!/bin/sh
# tests/sanitizers.sh [asan|tsan]...: berth under the sanitizers (issue 5, item 1).
#
#   asan  builds out of tree with --enable-asan (ASan + UBSan) and runs
#         `make check` there less the long engine-timing scripts in ASAN_SKIP
#         (their code paths are run by the shorter scripts, and they would make
#         CI's phase longer than the whole of `make check`); ASAN_TESTS="..."
#         runs only those, ASAN_SKIP= runs everything.
#         LeakSanitizer is on, so a leak fails the test that leaked, as does any
#         UBSan report (-fno-sanitize-recover).
#         The chaos test runs 40 operations a seed there when it runs
#         (BERTH_CHAOS_OPS), not 120: the sanitizer build is several times slower.
#   tsan  builds with --enable-tsan and runs the worker pool, the HTTP transport
#         (streams, the events feed's path) and the dashboard tests under it.
#
# With no argument, both. The source is copied (the files git knows, and new
# ones it does not ignore) to tests/work/sanitizers/src, so that an in-tree
# build does not stop configure, and each build lives beside it. Every report a
# sanitizer writes goes to a file of its own as well (log_path), because a
# dashboard under test runs inside tmux where stderr is a terminal nobody reads:
# after each run one TAP test per build fails for every report file found.
# The .trs files of both runs stay under tests/work/sanitizers/, where
# tests/count-results.sh counts them. Exit status: 0 when everything passed.
#
# No suppressions are used. The options below, and why:
#   detect_leaks=1          leaks fail (LeakSanitizer)
#   exitcode=86             a sanitizer's exit status differs from berth's own
#                           (1 is berth's failure status; a test that expects it
#                           must not pass because ASan exited with 1)
#   quarantine_size_mb=16   ASan keeps 256 MiB of freed memory by default: the
#                           dashboard's memory-bound tests would measure ASan
#   malloc_context_size=10  shorter allocation stacks, same reason
#   halt_on_error=1 (TSan)  the first race fails the run
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=${SANITIZER_WORK:-$TOP/tests/work/sanitizers}
JOBS=${JOBS:-2}
KINDS=${*:-asan tsan}
TSAN_TESTS="unit/test_pool unit/test_http screen/tmux-basic.sh screen/tmux-escape.sh
	screen/tmux-flood.sh screen/tmux-stall.sh screen/tmux-logs.sh screen/headless.sh"
ASAN_SKIP=${ASAN_SKIP-"integration/verbs-podman.sh integration/monitor-podman.sh
	screen/tmux-stall.sh screen/tmux-burst.sh zun/verbs.sh chaos/convergence.sh
	failures/engine-failures.sh hostile/stall.sh remote/scale.sh integration/cp-moby.sh
	screen/tmux-freeze.sh screen/tmux-freeze-kinds.sh screen/tmux-freeze-actions.sh
	screen/zun-freeze.sh screen/tmux-restarting.sh remote/fleet-cli.sh remote/descriptors.sh
	screen/tmux-bulk-stall.sh"}

say() { printf '==> sanitizers: %s\n' "$*"; }

# Copy the source tree (without build products) to $WORK/src and run autogen.
copy_source()
{
	rm -rf "$WORK/src"
	mkdir -p "$WORK/src"
	(cd "$TOP" && git ls-files -z -c -o --exclude-standard) |
		(cd "$TOP" && tar --null --ignore-failed-read -T - -cf -) | tar -C "$WORK/src" -xf - || return 1
	(cd "$WORK/src" && ./autogen.sh) >"$WORK/autogen.log" 2>&1 ||
		{ tail -n 20 "$WORK/autogen.log"; return 1; }
}

# build KIND CONFIGURE-OPTION: configure and build $WORK/KIND.
build()
{
	local kind=$1 opt=$2 dir=$WORK/$1
	rm -rf "$dir"
	mkdir -p "$dir"
	say "build with $opt in $dir"
	(cd "$dir" && "$WORK/src/configure" -q "$opt" --enable-debug && make -j"$JOBS") \
		>"$dir/build.log" 2>&1 || { tail -n 30 "$dir/build.log"; return 1; }
}

# reports KIND: write tests/sanitizer-reports.trs in the build: one failing
# result per report file the sanitizer left, with its first lines in the log.
reports()
{
	local kind=$1 dir=$WORK/$1 f n=0
	local trs=$dir/tests/sanitizer-reports.trs log=$dir/tests/sanitizer-reports.log
	: >"$log"
	: >"$trs"
	for f in "$dir"/reports/*; do
		[ -s "$f" ] || continue
		n=$((n + 1))
		printf ':test-result: FAIL\n' >>"$trs"
		{ printf -- '--- %s\n' "$f"; grep -E 'ERROR|WARNING|SUMMARY|runtime error|#[0-9] ' "$f" |
			head -n 25; } >>"$log"
	done
	if [ "$n" = 0 ]; then
		printf ':test-result: PASS\n' >>"$trs"
		say "$kind: no sanitizer report"
	else
		say "$kind: $n sanitizer reports (see $log):"
		head -n 80 "$log"
	fi
	printf ':global-test-result: %s\n:recheck: no\n:copy-in-global-log: no\n' \
		"$([ "$n" = 0 ] && echo PASS || echo FAIL)" >>"$trs"
	[ "$n" = 0 ]
}

# Show the failing tests of a check run, as .ci/run does for the main one.
show_failures()
{
	local trs
	for trs in $(find "$1/tests" -name '*.trs' | LC_ALL=C sort); do
		grep -qE '^:test-result: (FAIL|ERROR|XPASS)' "$trs" || continue
		printf -- '--- %s\n' "${trs%.trs}.log"
		grep -E '^(not ok|Bail out!|# )' "${trs%.trs}.log" | grep -vE '^# (SKIP|engine:)' |
			head -n 40
	done
}

# asan_tests DIR: the build's TESTS less those in ASAN_SKIP.
asan_tests()
{
	local t
	for t in $(printf 'print-tests:\n\t@echo $(TESTS)\n' |
		make -s -C "$1/tests" -f Makefile -f - print-tests); do
		case " $(echo $ASAN_SKIP) " in *" $t "*) ;; *) printf '%s ' "$t" ;; esac
	done
}

run_asan()
{
	local dir=$WORK/asan rc
	build asan --enable-asan || return 1
	local tests=${ASAN_TESTS:-$(asan_tests "$dir")}
	mkdir -p "$dir/reports"
	say "make check under ASan + UBSan + LeakSanitizer"
	ASAN_OPTIONS=detect_leaks=1:exitcode=86:quarantine_size_mb=16:malloc_context_size=10:log_path=$dir/reports/asan:log_exe_name=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$dir/reports/ubsan \
	LSAN_OPTIONS=exitcode=86 BERTH_SANITIZER=asan BERTH_CHAOS_OPS=${BERTH_CHAOS_OPS:-40} \
		make -C "$dir" -j"$JOBS" check TESTS="$(echo $tests)" >"$dir/check.log" 2>&1
	rc=$?
	[ "$rc" = 0 ] || { say "make check under ASan failed (status $rc)"; show_failures "$dir"; }
	reports asan || rc=1
	return "$rc"
}

run_tsan()
{
	local dir=$WORK/tsan rc
	build tsan --enable-tsan || return 1
	mkdir -p "$dir/reports"
	say "the pool, the transport and the dashboard under TSan: $(echo $TSAN_TESTS)"
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:exitcode=86:log_path=$dir/reports/tsan \
	BERTH_SANITIZER=tsan \
		make -C "$dir" -j"$JOBS" check TESTS="$(echo $TSAN_TESTS)" >"$dir/check.log" 2>&1
	rc=$?
	[ "$rc" = 0 ] || { say "the TSan run failed (status $rc)"; show_failures "$dir"; }
	reports tsan || rc=1
	return "$rc"
}

copy_source || { say "cannot copy the source to $WORK/src"; exit 1; }
status=0
for kind in $KINDS; do
	start=$SECONDS
	case $kind in
	asan) run_asan || status=1 ;;
	tsan) run_tsan || status=1 ;;
	*) say "unknown kind $kind (asan or tsan)"; exit 2 ;;
	esac
	say "$kind: $((SECONDS - start)) s"
done
exit "$status"
