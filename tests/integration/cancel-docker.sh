#!/bin/sh
# tests/integration/cancel-docker.sh: every call that can block gives up when its
# berth_cancel is set (integration/cancel.c), against the real Docker engine: with
# the flag set beforehand nothing happens to the container, and a stop waiting out
# a 60 s grace period or an interactive session ends when it is set meanwhile.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
. "$TOP_SRCDIR/tests/lib/engines.sh"
engine_docker_ensure || skip_all "no Docker engine"
engine_image_ensure_docker || skip_all "the test image cannot be loaded"
CANCEL=$TOP_BUILDDIR/tests/integration/cancel
H=unix://$DOCKER_SOCK
C=t-core-cancel-$$
trap '"$BERTH" -H "$H" rm -f "$C" >/dev/null 2>&1' EXIT

# sleep as PID 1 has no handler for SIGTERM: a stop waits out its grace period.
run "$BERTH" -H "$H" run --name "$C" "$TEST_IMAGE" sleep 600
ok $RC "a container to work on" || tap_show_last

run "$CANCEL" "$H" "$C"
ok $RC "with the flag set, every blocking call returns cancelled" || tap_show_last
is "$(grep -c ": cancelled$" "$OUT")" 10 "... all ten of them"
is "$(docker -H "$H" inspect -f '{{.State.Status}} {{.RestartCount}}' "$C" 2>&1)" "running 0" \
	"... and the container was neither stopped, restarted nor removed"

RUN_DEADLINE=50 run "$CANCEL" --inflight "$H" "$C"
ok $RC "a stop in its grace period and an interactive session end when cancelled" || tap_show_last
tap_done
