#!/bin/sh
# tests/sanitizers.sh [asan|tsan]...: berth under the sanitizers (issue 5, item 1).
#
#   asan  builds out of tree with --enable-asan (ASan + UBSan) and runs the
#         unit tests and ASAN_TESTS there: by default the scripts that reach
#         each room of the code (the CLI verbs, the dashboard's views, Zun and
#         Blazar, TLS and ssh, hostile bytes) in about a quarter of `make
#         check`'s time; ASAN_TESTS=all runs the whole of `make check`, as
#         before a release. LeakSanitizer is on, so a leak fails the test that
#         leaked, as does any UBSan report (-fno-sanitize-recover).
#   tsan  builds with --enable-tsan and runs the worker pool, the HTTP transport
#         (streams: the events feed's and the log follows' path) and the
#         dashboard tests under it (the merged logs' too).
#
# With no argument, both. SANITIZER_STEP=build only copies and builds (CI does
# it in the background while `make check` runs), SANITIZER_STEP=check only runs
# the tests of builds made before; by default both. SANITIZER_PARALLEL=1 runs
# the kinds at once (CI does: the TSan run is short and mostly waits), each
# one's output shown when it ends. The source is copied (the
# files git knows, and new ones it does not ignore) to tests/work/sanitizers/src,
# so that an in-tree build does not stop configure, and each build lives beside
# it. Every report a sanitizer writes goes to a file of its own as well
# (log_path), because a dashboard under test runs inside tmux where stderr is a
# terminal nobody reads: after each run one TAP test per build fails for every
# report file found. The .trs files of both runs stay under
# tests/work/sanitizers/, where tests/count-results.sh counts them. Exit status:
# 0 when everything passed.
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
JOBS=${JOBS:-2}	# make -j for the builds
CHECK_JOBS=${CHECK_JOBS:-$JOBS}	# and for the tests
KINDS=${*:-asan tsan}
TSAN_TESTS="unit/test_pool unit/test_http unit/test_streams screen/tmux-basic.sh screen/tmux-escape.sh
	screen/tmux-flood.sh screen/tmux-stall.sh screen/tmux-logs.sh screen/tmux-merged.sh screen/headless.sh"
ASAN_SCRIPTS="hostile/hostile.sh hostile/roundtrip-docker.sh hostile/wire.sh
	hostile-container/containers.sh cli/endpoints.sh cli/verbs.sh cli/read-only.sh
	integration/errors.sh integration/verbs-docker.sh integration/monitor-docker.sh
	integration/images-docker.sh integration/cp-between.sh integration/forward.sh
	integration/cancel-docker.sh integration/pull-progress.sh zun/edge.sh zun/leases.sh
	screen/tmux-basic.sh screen/tmux-escape.sh screen/headless.sh screen/tmux-logs.sh
	screen/tmux-logfilter.sh screen/tmux-merged.sh screen/tmux-bulk-exec.sh
	screen/zun-dashboard.sh screen/tmux-read-only.sh screen/tmux-images.sh
	screen/tmux-compose.sh screen/cmdline.sh screen/tmux-ports.sh remote/tls.sh
	remote/ssh.sh remote/contexts.sh remote/groups.sh fuzz/replay.sh"
STEP=${SANITIZER_STEP:-all}

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
	(cd "$dir" && "$WORK/src/configure" -q "$opt" --enable-debug && make -j"$JOBS" &&
		make -j"$JOBS" -C tests check TESTS=) \
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

# asan_tests DIR: the build's unit tests and ASAN_SCRIPTS, or all of its TESTS.
asan_tests()
{
	local t
	for t in $(printf 'print-tests:\n\t@echo $(TESTS)\n' |
		make -s -C "$1/tests" -f Makefile -f - print-tests); do
		case $t in unit/*) printf '%s ' "$t"; continue ;; esac
		case " $(echo $ASAN_SCRIPTS) " in *" $t "*) printf '%s ' "$t" ;; esac
	done
}

run_asan()
{
	local dir=$WORK/asan rc
	[ "$STEP" = check ] || build asan --enable-asan || return 1
	[ "$STEP" = build ] && return 0
	local tests=${ASAN_TESTS:-$(asan_tests "$dir")}
	[ "$tests" = all ] && tests=""
	mkdir -p "$dir/reports"
	say "make check under ASan + UBSan + LeakSanitizer"
	ASAN_OPTIONS=detect_leaks=1:exitcode=86:quarantine_size_mb=16:malloc_context_size=10:log_path=$dir/reports/asan:log_exe_name=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$dir/reports/ubsan \
	LSAN_OPTIONS=exitcode=86 BERTH_SANITIZER=asan BERTH_CHAOS_OPS=${BERTH_CHAOS_OPS:-40} \
		make -C "$dir" -j"$CHECK_JOBS" check ${tests:+TESTS="$(echo $tests)"} >"$dir/check.log" 2>&1
	rc=$?
	[ "$rc" = 0 ] || { say "make check under ASan failed (status $rc)"; show_failures "$dir"; }
	reports asan || rc=1
	return "$rc"
}

run_tsan()
{
	local dir=$WORK/tsan rc
	[ "$STEP" = check ] || build tsan --enable-tsan || return 1
	[ "$STEP" = build ] && return 0
	mkdir -p "$dir/reports"
	say "the pool, the transport and the dashboard under TSan: $(echo $TSAN_TESTS)"
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:exitcode=86:log_path=$dir/reports/tsan \
	BERTH_SANITIZER=tsan \
		make -C "$dir" -j"$CHECK_JOBS" check TESTS="$(echo $TSAN_TESTS)" >"$dir/check.log" 2>&1
	rc=$?
	[ "$rc" = 0 ] || { say "the TSan run failed (status $rc)"; show_failures "$dir"; }
	reports tsan || rc=1
	return "$rc"
}

# run_kind KIND: build and/or test one kind, saying how long it took.
run_kind()
{
	local start=$SECONDS rc
	case $1 in
	asan) run_asan ;;
	tsan) run_tsan ;;
	esac
	rc=$?
	say "$1: $((SECONDS - start)) s"
	return "$rc"
}

for kind in $KINDS; do
	case $kind in asan|tsan) ;; *) say "unknown kind $kind (asan or tsan)"; exit 2 ;; esac
done
[ "$STEP" = check ] || copy_source || { say "cannot copy the source to $WORK/src"; exit 1; }
status=0
if [ "${SANITIZER_PARALLEL:-0}" = 1 ]; then
	declare -A pid
	mkdir -p "$WORK"
	for kind in $KINDS; do
		run_kind "$kind" >"$WORK/$kind.out" 2>&1 &
		pid[$kind]=$!
	done
	for kind in $KINDS; do
		wait "${pid[$kind]}" || status=1
		cat "$WORK/$kind.out"
	done
else
	for kind in $KINDS; do
		run_kind "$kind" || status=1
	done
fi
exit "$status"
