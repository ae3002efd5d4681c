#!/bin/bash
# tests/distcheck.sh: one TAP test: `make distcheck` (the tarball builds in a
# fresh directory with read-only sources, passes the unit tests, installs,
# uninstalls and cleans), run in a copy of the tree (the files git knows and new
# ones it does not ignore) so that `make dist` never races a `make check`
# running in the tree itself. CI runs it beside make check; the engine tests
# are not run again inside the tarball, only $(UNIT_TESTS).
cd "$(dirname "$0")/.." || exit 1
COPY=${DISTCHECK_COPY:-/tmp/berth-distcheck}
LOG=$COPY.log
echo 1..1
rm -rf "$COPY" && mkdir -p "$COPY"
git ls-files -z -c -o --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -C "$COPY" -xf -
if (cd "$COPY" && ./autogen.sh && ./configure -q && make distcheck TESTS='$(UNIT_TESTS)') >"$LOG" 2>&1; then
	echo "ok 1 - make distcheck"
else
	tail -n 40 "$LOG" | sed 's/^/# /'
	echo "not ok 1 - make distcheck"
fi
