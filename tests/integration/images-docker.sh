#!/bin/sh
# tests/integration/images-docker.sh: images, pull and rmi on the real Docker engine.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
ENGINE=docker
P=t-act-img-docker-
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/images-body.bash"
