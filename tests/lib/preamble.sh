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
