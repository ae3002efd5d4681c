#!/bin/sh
# tests/integration/verbs-podman.sh: every verb against a real Podman service
# (its Docker-compatible API), the same suite as verbs-docker.sh.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
ENGINE=podman
P=t-itest-podman-
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/verbs-body.bash"
