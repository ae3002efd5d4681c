#!/bin/sh
# tests/integration/images-podman.sh: images, pull and rmi on the real Podman
# service (its Docker-compatible API).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
ENGINE=podman
P=t-act-img-podman-
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/images-body.bash"
