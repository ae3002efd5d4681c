#!/bin/sh
# tests/cli/endpoints.sh: endpoint resolution end to end against the real Docker
# engine: DOCKER_HOST, TLS from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH (through a TLS
# proxy in front of the engine's socket), a Docker context with a TLS store
# (cross-checked with the docker client), the current context, config-file
# endpoints, -c and BERTH_CONFIG, and the endpoints verb. Needs the engine at
# /var/run/docker.sock, openssl and socat; skips without them.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
SOCK=/var/run/docker.sock
curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1 || skip_all "no Docker engine at $SOCK"
command -v openssl >/dev/null && command -v socat >/dev/null || skip_all "openssl or socat is missing"

W=$TAP_TMP/w
mkdir -p "$W/home" "$W/xdg" "$W/certs"
export HOME=$W/home XDG_CONFIG_HOME=$W/xdg DOCKER_CONFIG=$W/docker
PROXY=

cleanup()
{
	[ -n "$PROXY" ] && kill "$PROXY" 2>/dev/null
	return 0
}
trap cleanup EXIT

# ---------------------------------------------------------------- certificates
(
	cd "$W/certs" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=test-ca &&
	openssl req -new -newkey rsa:2048 -nodes -keyout server-key.pem -subj /CN=127.0.0.1 -out server.csr &&
	printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >srv.ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem \
		-days 2 -extfile srv.ext &&
	openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -subj /CN=client -out client.csr &&
	printf 'extendedKeyUsage=clientAuth\n' >cli.ext &&
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem \
		-days 2 -extfile cli.ext
) >"$W/openssl.log" 2>&1 || bail_out "cannot make test certificates: $(tail -n 3 "$W/openssl.log")"

PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
socat "OPENSSL-LISTEN:$PORT,bind=127.0.0.1,fork,reuseaddr,cert=$W/certs/server.pem,key=$W/certs/server-key.pem,cafile=$W/certs/ca.pem,verify=1" \
	"UNIX-CONNECT:$SOCK" >"$W/socat.log" 2>&1 &
PROXY=$!
for i in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
	sleep 0.1
done
ENGINE_VERSION=$(curl -s --unix-socket "$SOCK" http://d/version | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["Version"])')
ENGINE_VERSION=${ENGINE_VERSION%%+*}	# without a distribution's suffix (+dfsg1)
diag "engine $ENGINE_VERSION; TLS proxy on 127.0.0.1:$PORT"

# ---------------------------------------------------------------- DOCKER_HOST
run env DOCKER_HOST="unix://$SOCK" "$BERTH" version
is "$RC" 0 "DOCKER_HOST=unix://: version answers"
grep -qF "$ENGINE_VERSION" "$OUT"; ok $? "DOCKER_HOST=unix://: the engine's version" || tap_show_last

run env DOCKER_HOST="tcp://127.0.0.1:$PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$W/certs" "$BERTH" version
is "$RC" 0 "DOCKER_TLS_VERIFY + DOCKER_CERT_PATH: TLS with client certificates" || tap_show_last
run env DOCKER_HOST="127.0.0.1:$PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$W/certs" "$BERTH" ps -q
is "$RC" 0 "a bare HOST:PORT in DOCKER_HOST is tcp://" || tap_show_last
run env DOCKER_HOST="tcp://127.0.0.1:$PORT" "$BERTH" version
is "$RC" 1 "the TLS port without the TLS variables fails"
[ "$(wc -l <"$ERR")" -eq 1 ] && grep -q "^berth: .*127.0.0.1:$PORT" "$ERR"
ok $? "... in one line naming the address" || tap_show_last

# ---------------------------------------------------------------- Docker contexts
ctx_dir()
{
	printf '%s' "$1" | sha256sum | cut -d' ' -f1
}
H=$(ctx_dir tlsctx)
mkdir -p "$DOCKER_CONFIG/contexts/meta/$H" "$DOCKER_CONFIG/contexts/tls/$H/docker"
cp "$W/certs/ca.pem" "$W/certs/cert.pem" "$W/certs/key.pem" "$DOCKER_CONFIG/contexts/tls/$H/docker/"
printf '{"Name":"tlsctx","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://127.0.0.1:%s","SkipTLSVerify":false}}}' \
	"$PORT" >"$DOCKER_CONFIG/contexts/meta/$H/meta.json"
H=$(ctx_dir sockctx)
mkdir -p "$DOCKER_CONFIG/contexts/meta/$H"
printf '{"Name":"sockctx","Metadata":{},"Endpoints":{"docker":{"Host":"unix://%s"}}}' "$SOCK" \
	>"$DOCKER_CONFIG/contexts/meta/$H/meta.json"

if command -v docker >/dev/null; then
	run docker --context tlsctx version --format '{{.Server.Version}}'
	is "$RC" 0 "the docker client reads the same context store" || tap_show_last
fi
run "$BERTH" -H tlsctx version
is "$RC" 0 "-H CONTEXT: a Docker context with its TLS store" || tap_show_last
grep -q "at tlsctx" "$OUT"; ok $? "... named by the context"
run "$BERTH" -H tlsctx ps -a -q
is "$RC" 0 "ps through the context"
! grep -vqE '^[0-9a-f]{64}$' "$OUT"; ok $? "... lists container ids" || tap_show_last

run env DOCKER_CONTEXT=tlsctx "$BERTH" version
is "$RC" 0 "DOCKER_CONTEXT picks the context" || tap_show_last
grep -q "at tlsctx" "$OUT"; ok $? "... and berth names it"
printf '{"currentContext":"sockctx"}' >"$DOCKER_CONFIG/config.json"
run "$BERTH" version
grep -q "at sockctx" "$OUT"; ok $? "currentContext of \$DOCKER_CONFIG/config.json is the default" || tap_show_last
run env DOCKER_HOST="unix://$SOCK" "$BERTH" version
grep -q "at unix://$SOCK" "$OUT"; ok $? "DOCKER_HOST wins over the current context" || tap_show_last
run env DOCKER_CONTEXT=nosuch "$BERTH" ps
is "$RC" 1 "an unknown DOCKER_CONTEXT fails"
grep -q "^berth: unknown endpoint nosuch" "$ERR"; ok $? "... naming it" || tap_show_last
printf '{"currentContext":"default"}' >"$DOCKER_CONFIG/config.json"
run "$BERTH" version
grep -q "at unix:///var/run/docker.sock" "$OUT"; ok $? "the default context: /var/run/docker.sock" || tap_show_last

# ---------------------------------------------------------------- config-file endpoints
mkdir -p "$XDG_CONFIG_HOME/berth"
cat >"$XDG_CONFIG_HOME/berth/berth.conf" <<EOF
[endpoint here]
host = unix://$SOCK
[endpoint secure]
host = tcp://127.0.0.1:$PORT
tls = yes
tls_ca = $W/certs/ca.pem
tls_cert = $W/certs/cert.pem
tls_key = $W/certs/key.pem
EOF
run "$BERTH" -H here version
grep -q "at here" "$OUT"; ok $? "-H NAME: an endpoint of \$XDG_CONFIG_HOME/berth/berth.conf" || tap_show_last
run "$BERTH" -H secure version
is "$RC" 0 "a config-file endpoint with its own TLS settings" || tap_show_last
printf '[endpoint other]\nhost = unix://%s\n' "$SOCK" >"$W/other.conf"
run "$BERTH" -c "$W/other.conf" -H other version
grep -q "at other" "$OUT"; ok $? "-c FILE" || tap_show_last
run "$BERTH" -c "$W/other.conf" -H here version
is "$RC" 1 "-c FILE replaces the default file"
run env BERTH_CONFIG="$W/other.conf" "$BERTH" -H other version
grep -q "at other" "$OUT"; ok $? "BERTH_CONFIG" || tap_show_last
printf '[general]\nrefresh = soon\n' >"$W/bad.conf"
run "$BERTH" -c "$W/bad.conf" ps
is "$RC" 1 "a bad configuration file fails"
is "$(cat "$ERR")" "berth: $W/bad.conf:2: refresh must be a number of seconds greater than 0" \
	"... with FILE:LINE and what is wrong"

# ---------------------------------------------------------------- endpoints
run "$BERTH" endpoints
is "$RC" 0 "endpoints: exit status 0"
grep -q "^unix:///var/run/docker.sock .*yes: .*$ENGINE_VERSION" "$OUT"; ok $? "endpoints: the default endpoint answers" || tap_show_last
grep -q "^here .*docker .*yes: " "$OUT" && grep -q "^secure .*127.0.0.1:$PORT .*yes: " "$OUT"
ok $? "endpoints: every config-file endpoint, with its kind and address" || tap_show_last
run "$BERTH" -H "unix://$W/none.sock" -H here endpoints
grep -q "none.sock .*no: " "$OUT" && grep -q "^here .*yes: " "$OUT"
ok $? "endpoints -H -H: the ones given, answering or not" || tap_show_last
run "$BERTH" -H ssh:// ps
is "$RC" 1 "ssh:// without a host is refused"
is "$(cat "$ERR")" "berth: bad endpoint ssh://: use ssh://[USER@]HOST[:PORT]" "... in one sentence"

tap_done
