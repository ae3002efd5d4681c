#!/bin/sh
# tests/fuzz/replay.sh: every file of tests/fuzz/corpus/TARGET/ (real engine
# replies as seeds, and the findings of past fuzzing) through its fuzz target,
# one TAP line per target; a crash, a sanitizer report or a hang fails it.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TOP_BUILDDIR=${TOP_BUILDDIR:-$PWD/..}
. "$TOP_SRCDIR/tests/lib/tap.sh"
RUN_DEADLINE=120
CORPUS=$TOP_SRCDIR/tests/fuzz/corpus
for dir in "$CORPUS"/*/; do
	t=$(basename "$dir")
	bin=$TOP_BUILDDIR/tests/fuzz/$t
	if [ ! -x "$bin" ]; then
		ok 1 "$t: the target is built"
		continue
	fi
	files=("$dir"*)
	run "$bin" "${files[@]}"
	is "$RC" 0 "$t: ${#files[@]} corpus files replayed without a crash" || tap_show_last
done
tap_done
