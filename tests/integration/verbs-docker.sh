#!/bin/sh
# tests/integration/verbs-docker.sh: every verb against the real Docker engine.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
ENGINE=docker
P=t-itest-docker-
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/verbs-body.bash"
