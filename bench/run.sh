#!/bin/sh
# bench/run.sh: berth against its peers on the local Docker engine (issue 6).
#
#   bench/run.sh           the full benchmark (~25 min); writes doc/performance.md
#   bench/run.sh --smoke   a one-minute run of every workload on small sizes, so the
#                          harness cannot rot; writes bench-smoke.md in the current directory
#   --only ROWS            only these rows (comma-separated: ps, inspect, logs, exec, cp_in,
#                          cp_out, tree_in, tree_out, version, dashboard), full sizes; writes
#                          bench-only.md in the current directory
#   --out FILE             write the report there instead
#
# One part of the dashboard rows alone, printed (e.g. the fleet curves of issue 15, ~10 min):
#   python3 bench/dashboard.py --berth ui/berth --parts fleet [--out FILE]
#
# BERTH_BENCH_TAG, if set, goes into the names of the containers the run creates.
# The berth binary is $BERTH, else ui/berth under the current (build) directory, else
# ui/berth in the source tree. Needs root (it reads /proc of the dashboard and starts a
# private dockerd for the stall row), curl, tmux, python3-docker; /usr/bin/time (package
# time), hyperfine and valgrind are used when present.
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
smoke=
only=
out=
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=--smoke ;;
	--only) only=$2; shift ;;
	--only=*) only=${1#--only=} ;;
	--out) out=$2; shift ;;
	--out=*) out=${1#--out=} ;;
	*) echo "usage: $0 [--smoke] [--only ROWS] [--out FILE]" >&2; exit 2 ;;
	esac
	shift
done

if [ -z "${BERTH:-}" ]; then
	for b in ./ui/berth "$srcdir/ui/berth"; do
		if [ -x "$b" ]; then BERTH=$(cd "$(dirname "$b")" && pwd)/berth; break; fi
	done
fi
if [ -z "$out" ]; then
	if [ -n "$smoke" ]; then out=$PWD/bench-smoke.md
	elif [ -n "$only" ]; then out=$PWD/bench-only.md
	else out=$srcdir/doc/performance.md; fi
fi

missing=
for t in curl tmux dockerd ip; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
[ -x /usr/bin/python3 ] || missing="$missing /usr/bin/python3"
command -v docker >/dev/null 2>&1 || missing="$missing docker"
/usr/bin/python3 -c 'import docker' 2>/dev/null || missing="$missing python3-docker"
if [ -n "$missing" ]; then
	echo "bench: missing:$missing (apt-get install hyperfine time python3-docker tmux curl)" >&2
	exit 1
fi

exec /usr/bin/python3 "$srcdir/bench/bench.py" --berth "${BERTH:-}" --out "$out" \
	--srcdir "$srcdir" --only "$only" $smoke
