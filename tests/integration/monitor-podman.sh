#!/bin/sh
# tests/integration/monitor-podman.sh: stats, events, top, health, restarts, OOM and
# merged logs against the real Podman service (its Docker-compatible API).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
ENGINE=podman
P=t-mon-podman-
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/monitor-body.bash"
