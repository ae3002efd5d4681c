#!/bin/bash
# demo.sh (make demo): the dashboard on a private Docker engine with a few
# sample containers. Needs root and dockerd (Debian: apt-get install docker.io
# busybox-static). Everything lives under the build tree (./demo-engine) and is
# removed on exit; an engine already running on the machine is not touched.
# Without a terminal it runs headless and prints the screen once.
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TOP_BUILDDIR=${TOP_BUILDDIR:-$PWD}
BERTH=${BERTH:-$TOP_BUILDDIR/ui/berth}
. "$TOP_SRCDIR/tests/screen/lib.sh"

fail() { echo "demo: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "the private engine needs root (run: sudo make demo)"
command -v dockerd >/dev/null && command -v docker >/dev/null ||
	fail "dockerd was not found; install it (Debian: apt-get install docker.io busybox-static)"
[ -x /bin/busybox ] || docker image inspect "$IMAGE" >/dev/null 2>&1 ||
	fail "no busybox to build the sample image from; install busybox-static"
[ -x "$BERTH" ] || fail "$BERTH is not built; run make first"

echo "demo: starting a private Docker engine under $TOP_BUILDDIR/demo-engine..."
PD_BRIDGE=berthdemo
at_exit "pd_cleanup; echo 'demo: cleaned up' >&2"
trap 'exit 130' INT TERM HUP
trap '' PIPE	# a closed output must not cut the clean-up short
rm -rf "$TOP_BUILDDIR/demo-engine"
pd_start "$TOP_BUILDDIR/demo-engine" || { sed 's/^/dockerd: /' "$PD_DIR/dockerd.log" >&2; fail "the engine did not start"; }
DOCKER_SOCK=$PD_SOCK
pd_load_image
# The web server takes the first free port from 18080 on.
for port in $(seq 18080 18099); do
	dk run -d --name demo-web -p "127.0.0.1:$port:80" "$IMAGE" sh -c \
		'mkdir -p /www && echo "hello from berth demo" >/www/index.html && exec httpd -f -p 80 -h /www' \
		>/dev/null 2>&1 && break
	dk rm -f demo-web >/dev/null 2>&1
done
echo "demo: sample containers: demo-web (http://127.0.0.1:$port/), demo-logger, demo-fail"
dk run -d --name demo-logger --label app=demo "$IMAGE" sh -c \
	'i=0; while true; do i=$((i+1)); echo "tick $i: all good"; [ $((i % 5)) = 0 ] && echo "tick $i: a warning on stderr" >&2; sleep 0.5; done' >/dev/null
dk run -d --name demo-fail "$IMAGE" sh -c 'echo starting; echo "fatal: no configuration found" >&2; exit 3' >/dev/null

if [ -t 0 ] && [ -t 1 ]; then
	"$BERTH" -H "unix://$PD_SOCK"
else
	s=$(mktemp)
	printf ':wait demo-web\n:wait exited (3)\n:save-display %s.screen\n:quit\n' "$s" >"$s"
	BERTH_NO_DISPLAY=1 BERTH_SCRIPT=$s LINES=${LINES:-24} COLUMNS=${COLUMNS:-100} TERM=${TERM:-dumb} \
		"$BERTH" -H "unix://$PD_SOCK"
	status=$?
	cat "$s.screen"
	rm -f "$s" "$s.screen"
	exit $status
fi
