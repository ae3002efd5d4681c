#!/bin/bash
# pool-tsan.sh: the worker pool's unit test built with ThreadSanitizer and run
# (whatever the build's own flags). TSan's reports make it fail.
CC=${CC:-cc}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
if ! echo 'int main(void){return 0;}' | $CC -fsanitize=thread -x c - -o "$W/probe" 2>/dev/null ||
	! "$W/probe"; then
	echo "1..0 # SKIP $CC cannot build or run ThreadSanitizer programs here"
	exit 0
fi
$CC -std=gnu11 -g -O1 -fsanitize=thread -fno-omit-frame-pointer -pthread \
	-I"$TOP_BUILDDIR" -I"$TOP_SRCDIR/src" -I"$TOP_SRCDIR/tests/unit" \
	"$TOP_SRCDIR/tests/unit/test_pool.c" "$TOP_SRCDIR/src/pool.c" "$TOP_SRCDIR/src/error.c" \
	"$TOP_SRCDIR/src/util.c" "$TOP_SRCDIR/src/thread.c" -o "$W/test_pool" 2>"$W/cc.err" ||
	{ echo "not ok 1 - building test_pool with ThreadSanitizer"; sed 's/^/# /' "$W/cc.err"; echo "1..1"; exit 1; }
TSAN_OPTIONS="halt_on_error=1 exitcode=66 $TSAN_OPTIONS" "$W/test_pool" >"$W/out" 2>"$W/err"
rc=$?
grep -c '^ok' "$W/out" | sed 's/^/# passed under TSan: /'
grep '^not ok' "$W/out"
[ $rc = 0 ] && echo "ok 1 - the pool test passes under ThreadSanitizer with no report" ||
	{ echo "not ok 1 - the pool test under ThreadSanitizer (status $rc)"; sed 's/^/# /' "$W/err" | head -60; }
echo "1..1"
[ $rc = 0 ]
