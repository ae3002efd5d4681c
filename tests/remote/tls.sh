#!/bin/sh
# tests/remote/tls.sh: tcp:// with mutual TLS against the shared Docker engine,
# through a socat TLS front end on 127.0.0.1 (testing.md), with certificates
# made here by openssl. The core verbs over TLS, and each certificate problem
# in its own sentence: wrong CA, expired server certificate, expired client
# certificate, missing client certificate, verification on by default.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=tls
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
trap remote_cleanup EXIT
command -v socat >/dev/null && command -v openssl >/dev/null || skip_all "needs socat and openssl"
engine_docker_ensure && engine_image_ensure_docker || skip_all "no Docker engine"

C=$TAP_TMP/certs
make_certs "$C" || bail_out "openssl could not make the certificates: $(tail -3 "$C/openssl.log")"
PORT=$(free_port)
OLD_PORT=$(free_port)
start_tls_proxy "$PORT" "$C/server.pem" "$C/server-key.pem" "$C/ca.pem" || bail_out "socat did not listen"
start_tls_proxy "$OLD_PORT" "$C/old.pem" "$C/old-key.pem" "$C/ca.pem" || bail_out "socat did not listen"
# One DOCKER_CERT_PATH folder per case.
certdir()
{
	mkdir -p "$TAP_TMP/$1"
	cp "$C/$2" "$TAP_TMP/$1/ca.pem"
	[ -n "$3" ] && cp "$C/$3" "$TAP_TMP/$1/cert.pem" && cp "$C/key.pem" "$TAP_TMP/$1/key.pem"
	printf '%s' "$TAP_TMP/$1"
}
GOOD=$(certdir good ca.pem cert.pem)
export DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$GOOD

core_verbs "TLS" v -H "tcp://127.0.0.1:$PORT"

run "$BERTH" -H "tcp://127.0.0.1:$PORT" version
is "$RC" 0 "version over TLS" || tap_show_last
like "$(out; err)" "Docker $(D version -f '{{.Server.Version}}' | cut -d+ -f1) .* at tcp://127.0.0.1:$PORT" "... names the engine's version"

# ------------------------------------------------------------ certificate problems
tls_error()
{
	local label=$1 re=$2 port=$3 dir=$4
	run env DOCKER_CERT_PATH="$dir" "$BERTH" -H "tcp://127.0.0.1:$port" ps
	is "$RC" 1 "$label: ps fails" || tap_show_last
	ok $([ "$(wc -l <"$ERR")" -eq 1 ]; echo $?) "$label: ... in one line" || tap_show_last
	like "$(err)" "$re" "$label: ... naming the certificate problem"
	ok $([ "$MS" -lt 10000 ]; echo $?) "$label: ... at once (${MS} ms)"
}
tls_error "wrong CA" "^berth: cannot reach .*127\.0\.0\.1:$PORT: TLS failed: the engine's certificate is not signed by the CA in $TAP_TMP/wrongca/ca.pem \(SSL certificate problem" \
	"$PORT" "$(certdir wrongca other-ca.pem cert.pem)"
tls_error "expired server certificate" "TLS failed: the engine's certificate has expired \(.*expired" \
	"$OLD_PORT" "$GOOD"
tls_error "missing client certificate" "TLS failed: the engine wants a client certificate and none was given; put cert.pem and key.pem in DOCKER_CERT_PATH" \
	"$PORT" "$(certdir nocert ca.pem)"
# TLS 1.3 checks the client's certificate after the client's handshake is done;
# the server's alert ("certificate expired") may or may not arrive before the reset.
tls_error "expired client certificate" "TLS failed: the engine (refused the client certificate $TAP_TMP/oldcli/cert.pem: it has expired|closed the connection right after the TLS handshake: it refused the client certificate $TAP_TMP/oldcli/cert.pem)" \
	"$PORT" "$(certdir oldcli ca.pem oldcert.pem)"

# Verification is on by default: without ca.pem, the system's store does not know our CA.
mkdir -p "$TAP_TMP/noca" && cp "$C/cert.pem" "$C/key.pem" "$TAP_TMP/noca/"
run env DOCKER_CERT_PATH="$TAP_TMP/noca" "$BERTH" -H "tcp://127.0.0.1:$PORT" ps
is "$RC" 1 "no ca.pem: the engine's certificate is checked against the system's store" || tap_show_last
like "$(err)" "the engine's certificate is not signed by the CA in the system's CA store" "... and the sentence says so"
# A config endpoint with tls = yes and no tls_verify: verification on.
cat >"$TAP_TMP/berth.conf" <<CONF
[endpoint tlsbox]
host = tcp://127.0.0.1:$PORT
tls = yes
tls_ca = $C/other-ca.pem
tls_cert = $C/cert.pem
tls_key = $C/key.pem
CONF
run env -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH "$BERTH" -c "$TAP_TMP/berth.conf" -H tlsbox ps
like "$RC $(err)" "^1 .*not signed by the CA in $C/other-ca.pem" "a config endpoint verifies by default" || tap_show_last
run env -u DOCKER_TLS_VERIFY "$BERTH" -H "tcp://127.0.0.1:$PORT" ps
is "$RC" 1 "plain HTTP to the TLS port fails" || tap_show_last

tap_done
