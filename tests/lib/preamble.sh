# tests/lib/preamble.sh: how every shell test of the berth program starts (bash).
# A test sets TOP_SRCDIR and sources this:
#   [ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
#   : "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
#   . "$TOP_SRCDIR/tests/lib/preamble.sh"
# It finds the build tree and the berth binary (bailing out when berth is not
# built), loads tap.sh, and leaves no Docker or berth setting of the caller in
# force: the test starts with an empty configuration directory of its own.

: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${BERTH:=$TOP_BUILDDIR/ui/berth}"
. "$TOP_SRCDIR/tests/lib/tap.sh"

[ -x "$BERTH" ] || bail_out "berth is not built at $BERTH"
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_TLS DOCKER_CERT_PATH BERTH_CONFIG
export XDG_CONFIG_HOME=$TAP_TMP/config
mkdir -p "$XDG_CONFIG_HOME"

# need_docker_image: skip the whole test unless the Docker engine at SOCK
# (default /var/run/docker.sock) answers, the docker client is there and the
# test image IMAGE is loaded.
need_docker_image()
{
	: "${SOCK:=/var/run/docker.sock}" "${IMAGE:=${BERTH_TEST_IMAGE:-berth-test/busybox:latest}}"
	curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1 || skip_all "no Docker engine at $SOCK"
	command -v docker >/dev/null || skip_all "no docker client"
	docker image inspect "$IMAGE" >/dev/null 2>&1 || skip_all "image $IMAGE is not loaded"
}
