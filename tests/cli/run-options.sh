#!/bin/sh
# tests/cli/run-options.sh: berth run's labels and restart policy reach the
# real Docker engine, and what run can judge before it asks an engine (a
# malformed port, label, restart policy or name) is a usage error, status 2,
# in one sentence, with nothing created. The dashboard's run form and command
# line call the same check (tmux-runform.sh). Needs /var/run/docker.sock.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
SOCK=/var/run/docker.sock
IMAGE=${BERTH_TEST_IMAGE:-berth-test/busybox:latest}
curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1 || skip_all "no Docker engine at $SOCK"
command -v docker >/dev/null || skip_all "no docker client"
docker image inspect "$IMAGE" >/dev/null 2>&1 || skip_all "image $IMAGE is not loaded"

C=t-runform-cli-$$
cleanup() { docker rm -f "$C" "$C-bad" >/dev/null 2>&1; return 0; }
trap cleanup EXIT

run "$BERTH" -H "unix://$SOCK" run --name "$C" -l app=shop -l tier=web --restart on-failure:3 \
	--wait "$IMAGE" sleep 100000
is "$RC" 0 "run with -l and --restart" || tap_show_last
is "$(docker inspect -f '{{.Config.Labels.app}} {{.Config.Labels.tier}}' "$C")" "shop web" \
	"the engine has both labels"
is "$(docker inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$C")" \
	"on-failure 3" "and the restart policy with its count"

# refused SENTENCE-RE ARGS...: exit 2, the sentence, nothing created.
refused()
{
	local re=$1; shift
	run "$BERTH" -H "unix://$SOCK" run --name "$C-bad" "$@" "$IMAGE" true
	is "$RC" 2 "run $*: a usage error" || tap_show_last
	like "$(err | head -1)" "$re" "run $*: one sentence"
	! docker inspect "$C-bad" >/dev/null 2>&1
	ok $? "run $*: nothing created"
}
refused '^berth: run: bad port 8o80:80: use \[\[HOSTIP:\]HOSTPORT:\]PORT\[/PROTO\]$' -p 8o80:80
refused '^berth: run: bad port 80/icmp' -p 80/icmp
refused "^berth: run: -l takes KEY=VALUE, not 'shop'$" -l shop
refused '^berth: run: bad restart policy sometimes: use no, always, unless-stopped or on-failure\[:N\]$' \
	--restart sometimes
refused '^berth: run: bad restart policy always:3' --restart always:3
run "$BERTH" -H "unix://$SOCK" run --name 'bad name' "$IMAGE" true
is "$RC" 2 "an invalid name: a usage error"
like "$(err | head -1)" "^berth: run: invalid name 'bad name': use letters, digits" "one sentence"
tap_done
