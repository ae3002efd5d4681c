# tests/lib/engine-clients.bash: one real engine for a suite of the berth
# program, and two commands on it (bash; source after preamble.sh).
#   engine_clients    with ENGINE set to docker or podman: start the engine if
#                     needed (lib/engines.sh) or skip the whole script, then set
#                     SOCK and IMAGE and put on PATH the commands B (berth -H
#                     the engine) and D (the docker client on it). They are
#                     commands, not functions, so that `run` can put a deadline
#                     on them.

engine_ready()
{
	. "$TOP_SRCDIR/tests/lib/engines.sh"
	if [ "$ENGINE" = docker ]; then
		engine_docker_ensure && engine_image_ensure_docker && SOCK=$DOCKER_SOCK && IMAGE=$TEST_IMAGE
	else
		engine_podman_ensure && engine_image_ensure_podman && SOCK=$PODMAN_SOCK && IMAGE=$PODMAN_TEST_IMAGE
	fi
}

engine_clients()
{
	if ! engine_ready 2>"$TAP_TMP/engine.err"; then
		diag "$(cat "$TAP_TMP/engine.err")"
		[ -n "${CI:-}" ] && bail_out "no $ENGINE engine for the integration tests"
		skip_all "no $ENGINE engine here (run as root with $ENGINE installed)"
	fi
	diag "engine: $ENGINE at $SOCK, image $IMAGE, berth $BERTH"
	mkdir -p "$TAP_TMP/bin"
	printf '#!/bin/sh\nexec "%s" -H "unix://%s" "$@"\n' "$BERTH" "$SOCK" >"$TAP_TMP/bin/B"
	printf '#!/bin/sh\nexec docker -H "unix://%s" "$@"\n' "$SOCK" >"$TAP_TMP/bin/D"
	chmod +x "$TAP_TMP/bin/B" "$TAP_TMP/bin/D"
	PATH=$TAP_TMP/bin:$PATH
}
