#!/bin/sh
# tests/integration/monitor-docker.sh: stats, events, top, health, restarts, OOM and
# merged logs against the real Docker engine.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
ENGINE=docker
P=t-mon-docker-
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/monitor-body.bash"
