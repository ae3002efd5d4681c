#!/bin/sh
# tests/remote/contexts.sh: a Docker context store written by the real
# `docker context create` (in a temporary DOCKER_CONFIG), read by berth: -H NAME,
# DOCKER_CONTEXT, currentContext (set by `docker context use`), the TLS material
# the docker client copied under contexts/tls/, and `berth endpoints` listing them.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=ctx
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
trap remote_cleanup EXIT
command -v socat >/dev/null && command -v openssl >/dev/null || skip_all "needs socat and openssl"
engine_docker_ensure && engine_image_ensure_docker || skip_all "no Docker engine"
docker context --help >/dev/null 2>&1 || skip_all "the docker client has no contexts"

C=$TAP_TMP/certs
make_certs "$C" || bail_out "openssl could not make the certificates"
PORT=$(free_port)
start_tls_proxy "$PORT" "$C/server.pem" "$C/server-key.pem" "$C/ca.pem" || bail_out "socat did not listen"
export DOCKER_CONFIG=$TAP_TMP/docker
docker context create "${P}tls" --docker "host=tcp://127.0.0.1:$PORT,ca=$C/ca.pem,cert=$C/cert.pem,key=$C/key.pem" >/dev/null 2>&1
ok $? "docker context create with TLS material"
docker context create "${P}local" --docker "host=unix://$DOCKER_SOCK" >/dev/null 2>&1
docker context create "${P}far" --docker "host=ssh://nobody@127.0.0.1:$(free_port)" >/dev/null 2>&1
h=$(printf '%s' "${P}tls" | sha256sum | cut -d' ' -f1)
[ -s "$DOCKER_CONFIG/contexts/tls/$h/docker/cert.pem" ]
ok $? "... the docker client copied the certificates under contexts/tls/"
# The originals go away: berth must read the store's copies.
mv "$C" "$C.moved"

core_verbs "-H context (TLS)" v -H "${P}tls"
run "$BERTH" -H "${P}tls" version
like "$RC $(out; err)" "^0 .*Docker .* at ${P}tls" "-H CONTEXT: version, named by the context" || tap_show_last
run env DOCKER_CONTEXT="${P}tls" "$BERTH" version
like "$RC $(out; err)" "^0 .* at ${P}tls" "DOCKER_CONTEXT picks the context" || tap_show_last
docker context use "${P}local" >/dev/null 2>&1
run "$BERTH" version
like "$RC $(out; err)" "^0 .* at ${P}local" "currentContext set by docker context use" || tap_show_last
run env DOCKER_HOST="tcp://127.0.0.1:$PORT" "$BERTH" version
is "$RC" 1 "DOCKER_HOST wins over the current context (plain HTTP to the TLS port fails)"
run "$BERTH" -H nosuch-context ps
like "$RC $(err)" "^1 berth: .*nosuch-context" "an unknown context name: one sentence naming it" || tap_show_last

run "$BERTH" endpoints
for c in tls local far; do
	grep -qE "^${P}$c " "$OUT"
	ok $? "berth endpoints lists the context ${P}$c" || tap_show_last
done
grep -qE "^${P}tls +docker +127\.0\.0\.1:$PORT +yes: Docker" "$OUT"
ok $? "... the TLS context answers"
grep -qE "^${P}far .* no: cannot reach" "$OUT"
ok $? "... the unreachable one says why"
mv "$C.moved" "$C"
tap_done
