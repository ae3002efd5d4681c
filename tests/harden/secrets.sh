#!/bin/sh
# tests/harden/secrets.sh: passwords, application-credential secrets and tokens
# never reach berth's output, its errors or its process title, even when the
# server echoes them back (fakeos.py); a berth holding one makes no core dump
# and its memory and environment are closed to the user's other processes; a
# config file or clouds.yaml holding a secret that others can read gets a
# warning; TLS verification is on by default, and turning it off is explicit
# and warned about.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP_SRCDIR/tests/lib/tap.sh"
BERTH=${BERTH:-$PWD/ui/berth}
RUN_DEADLINE=30

[ -x "$BERTH" ] || skip_all "no berth binary at $BERTH"
[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 for the scripted Keystone"
command -v openssl >/dev/null || skip_all "no openssl for the test certificates"

W=$TAP_TMP/w
mkdir -p "$W/home" "$W/xdg" "$W/certs"
for v in $(env | sed -n 's/^\(OS_[A-Z_]*\)=.*/\1/p; s/^\(DOCKER_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset BERTH_CONFIG
export HOME=$W/home XDG_CONFIG_HOME=$W/xdg
cd "$W" || bail_out "no work directory"

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done' EXIT

# start_fakeos NAME [--tls CERT KEY]: PORT gets the port of a new fakeos.py.
start_fakeos()
{
	local name=$1
	shift
	/usr/bin/python3 "$TOP_SRCDIR/tests/harden/fakeos.py" "$W/$name.port" "$@" 2>"$W/$name.log" &
	PIDS+=($!)
	for _ in $(seq 100); do [ -s "$W/$name.port" ] && break; sleep 0.1; done
	[ -s "$W/$name.port" ] || bail_out "fakeos.py did not start: $(cat "$W/$name.log")"
	PORT=$(cat "$W/$name.port")
}

TOKEN=gAAAAA-fake-token-9f7e1d2c3b4a
BADPW=wrong-pw-Kq7sV2xL
BADSEC=wrong-sec-Pz3mN8wR
GOODPW=good-secret-Hj5tY1uE
ALL_SECRETS=("$TOKEN" "$BADPW" "$BADSEC" "$GOODPW" good-secret)

# leakfree DESC: neither stdout nor stderr of the last run holds a secret.
leakfree()
{
	local s found=
	for s in "${ALL_SECRETS[@]}"; do
		grep -qF -- "$s" "$OUT" "$ERR" && found="$found $s"
	done
	[ -z "$found" ]
	ok $? "$1: no secret in the output" || { diag "leaked:$found"; tap_show_last; }
}

start_fakeos plain
KS=http://127.0.0.1:$PORT/v3
PWENV=(OS_AUTH_URL=$KS OS_AUTH_TYPE=password OS_USERNAME=u OS_PROJECT_NAME=edge
	OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=CHI@Edge)

# 1. A refused password, echoed back by Keystone in its error message.
run env "${PWENV[@]}" OS_PASSWORD=$BADPW "$BERTH" -H zun ps
is "$RC" 1 "a refused password: exit status 1" || tap_show_last
like "$(err)" '^berth: .*Keystone' "a refused password: the error names Keystone"
leakfree "a refused password echoed by Keystone"

# 2. A refused application-credential secret, echoed back.
run env OS_AUTH_URL=$KS OS_AUTH_TYPE=v3applicationcredential OS_APPLICATION_CREDENTIAL_ID=abc \
	OS_APPLICATION_CREDENTIAL_SECRET=$BADSEC OS_REGION_NAME=CHI@Edge "$BERTH" -H zun ps
is "$RC" 1 "a refused application credential: exit status 1" || tap_show_last
leakfree "a refused application-credential secret echoed by Keystone"

# 3. A good password; Zun fails and echoes the token in its error.
for verb in ps "inspect c1" "logs c1" "rm -f c1" "exec c1 true"; do
	run env "${PWENV[@]}" OS_PASSWORD=$GOODPW "$BERTH" -H zun $verb
	[ "$RC" != 0 ]; ok $? "zun $verb with a failing Zun: fails" || tap_show_last
	leakfree "zun $verb: Zun echoes the token"
done
run env "${PWENV[@]}" OS_PASSWORD=$GOODPW "$BERTH" -H zun endpoints
leakfree "berth endpoints on a Zun site"

# 4. The process title of a berth waiting on Zun, and of its children. (Core
# dumps allowed as far as the hard limit lets, for 4b.)
ulimit -S -c "$(ulimit -H -c)"
env "${PWENV[@]}" OS_PASSWORD=$GOODPW "$BERTH" -H zun logs -f slow >"$W/slow.out" 2>"$W/slow.err" &
SLOW=$!
PIDS+=($SLOW)
for _ in $(seq 100); do grep -q 'containers/slow' "$W/plain.log" && break; sleep 0.1; done
procs="$SLOW $(pgrep -P "$SLOW" | tr '\n' ' ')"
titles=
for p in $procs; do titles="$titles $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
like "$titles" 'logs -f slow' "the process title of a waiting berth is readable"
leak=0
for s in "${ALL_SECRETS[@]}"; do case $titles in *"$s"*) leak=1 ;; esac; done
ok $leak "no secret in /proc/PID/cmdline of berth or its children" || diag "$titles"

# 4b. No core dump of a berth holding a secret: its core size is 0, and it is
# not dumpable, which also keeps the user's other processes out of its memory
# and environment (/proc/PID/environ holds OS_PASSWORD). Run as nobody when we
# are root, since root reads everything; a plain sleep is the control.
core=$(awk '/^Max core file size/ { print $5 }' "/proc/$SLOW/limits")
is "$core" 0 "a berth holding a password: core file size 0 in /proc/PID/limits (started with $(ulimit -c))"
kill "$SLOW" 2>/dev/null
wait "$SLOW" 2>/dev/null
AS=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	chmod 755 "$TAP_TMP" "$W"
	mkdir -p "$W/nobody"
	chmod 777 "$W/nobody"
fi
if [ "$(id -u)" = 0 ] && [ ${#AS[@]} = 0 ]; then
	skip 2 "root reads every process's environment, and there is no setpriv to run as nobody"
elif "${AS[@]}" test -x "$BERTH"; then
	"${AS[@]}" env -i PATH="$PATH" HOME="$W/nobody" XDG_CONFIG_HOME="$W/nobody" "${PWENV[@]}" \
		OS_PASSWORD=$GOODPW "$BERTH" -H zun logs -f slow >"$W/slow2.out" 2>"$W/slow2.err" &
	SLOW=$!
	PIDS+=($SLOW)
	"${AS[@]}" sleep 30 &
	CONTROL=$!
	PIDS+=($CONTROL)
	for _ in $(seq 100); do [ "$(grep -c 'containers/slow' "$W/plain.log")" -ge 2 ] && break; sleep 0.1; done
	# The control read once it is the sleep (setpriv has changed user and exec'd).
	for _ in $(seq 300); do [[ "$(readlink "/proc/$CONTROL/exe")" == */sleep ]] && break; sleep 0.1; done
	"${AS[@]}" cat "/proc/$CONTROL/environ" >/dev/null 2>&1
	ok $? "control: a process of the same user reads a plain process's environment"
	"${AS[@]}" cat "/proc/$SLOW/environ" >"$W/environ" 2>/dev/null
	[ $? != 0 ] && ! grep -qF "$GOODPW" "$W/environ"
	ok $? "a berth holding a password is not dumpable: the same user cannot read its environment" ||
		diag "$(cat "$W/slow2.err")"
	kill "$SLOW" "$CONTROL" 2>/dev/null
	wait "$SLOW" "$CONTROL" 2>/dev/null
else
	skip 2 "berth cannot be run as nobody from $BERTH"
fi

# 5. clouds.yaml and secure.yaml holding a secret, readable by others.
write_clouds()	# FILE MODE SECRET-LINE
{
	printf 'clouds:\n  edge:\n    region_name: CHI@Edge\n    auth_type: password\n    auth:\n      auth_url: %s\n      username: u\n      project_name: edge\n      user_domain_name: Default\n      project_domain_name: Default\n%s' \
		"$KS" "$3" >"$1"
	chmod "$2" "$1"
}
mkdir -p "$W/os"
for mode in 644 640 604; do
	write_clouds "$W/os/clouds.yaml" $mode "      password: $BADPW
"
	run env OS_CLIENT_CONFIG_FILE="$W/os/clouds.yaml" "$BERTH" -H zun:edge ps
	like "$(err)" "warning: .*clouds\.yaml.*(read|readable).*" \
		"clouds.yaml with a password, mode $mode: a warning" || tap_show_last
	leakfree "clouds.yaml mode $mode"
done
write_clouds "$W/os/clouds.yaml" 600 "      password: $BADPW
"
run env OS_CLIENT_CONFIG_FILE="$W/os/clouds.yaml" "$BERTH" -H zun:edge ps
unlike "$(err)" "warning" "clouds.yaml with a password, mode 600: no warning"
write_clouds "$W/os/clouds.yaml" 644 ""
run env OS_CLIENT_CONFIG_FILE="$W/os/clouds.yaml" OS_PASSWORD=$BADPW "$BERTH" -H zun:edge ps
unlike "$(err)" "warning: .*clouds" "clouds.yaml without a secret, mode 644: no warning"
mkdir -p "$W/xdg/openstack"
write_clouds "$W/xdg/openstack/clouds.yaml" 644 ""
printf 'clouds:\n  edge:\n    auth:\n      password: %s\n' "$BADPW" >"$W/xdg/openstack/secure.yaml"
chmod 644 "$W/xdg/openstack/secure.yaml"
run "$BERTH" -H zun:edge ps
like "$(err)" "warning: .*secure\.yaml" "secure.yaml with a password, mode 644: a warning" || tap_show_last
leakfree "secure.yaml mode 644"
rm -rf "$W/xdg/openstack"

# 6. The configuration file holding a secret, readable by others.
printf '[endpoint edge]\nauth_url = %s\nauth_type = password\nusername = u\npassword = %s\nproject_name = edge\nuser_domain_name = Default\nproject_domain_name = Default\n' \
	"$KS" "$BADPW" >"$W/berth.conf"
chmod 640 "$W/berth.conf"
run "$BERTH" -c "$W/berth.conf" -H edge ps
like "$(err)" "warning: .*berth\.conf.*read" "berth.conf with a password, mode 640: a warning" || tap_show_last
leakfree "berth.conf mode 640"
chmod 600 "$W/berth.conf"
run "$BERTH" -c "$W/berth.conf" -H edge ps
unlike "$(err)" "warning" "berth.conf with a password, mode 600: no warning"

# 7. TLS to Keystone: verified by default; insecure only when asked, with a warning.
C=$W/certs
(cd "$C" &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=test-ca &&
	openssl req -new -newkey rsa:2048 -nodes -keyout server-key.pem -subj /CN=127.0.0.1 -out server.csr &&
	printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >srv.ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem \
		-days 2 -extfile srv.ext &&
	openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -subj /CN=client -out client.csr &&
	printf 'extendedKeyUsage=clientAuth\n' >cli.ext &&
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem \
		-days 2 -extfile cli.ext) >"$W/openssl.log" 2>&1 || bail_out "openssl failed: $(tail -3 "$W/openssl.log")"
start_fakeos tls --tls "$C/server.pem" "$C/server-key.pem"
TLSENV=(OS_AUTH_URL=https://127.0.0.1:$PORT/v3 OS_AUTH_TYPE=password OS_USERNAME=u OS_PROJECT_NAME=edge
	OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=CHI@Edge OS_PASSWORD=$GOODPW)
run env "${TLSENV[@]}" "$BERTH" -H zun ps
is "$RC" 1 "https Keystone with an unknown CA: refused by default" || tap_show_last
like "$(err)" '[Cc]ertificate|SSL|TLS|verif' "https Keystone with an unknown CA: the error says why"
leakfree "https Keystone refused"
run env "${TLSENV[@]}" OS_CACERT="$C/ca.pem" "$BERTH" -H zun ps
like "$(err)" 'boom|Zun' "https Keystone with OS_CACERT: verified, and Zun reached" || tap_show_last
unlike "$(err)" 'warning' "https Keystone with OS_CACERT: no warning"
run env "${TLSENV[@]}" OS_INSECURE=true "$BERTH" -H zun ps
like "$(err)" 'boom|Zun' "https Keystone with OS_INSECURE=true: Zun reached" || tap_show_last
like "$(err)" 'warning: .*(verif|insecure)' "https Keystone with OS_INSECURE=true: a warning" || tap_show_last
leakfree "insecure Keystone"

# 8. TLS to a Docker engine (socat in front of the engine's socket).
if command -v socat >/dev/null && [ -S /var/run/docker.sock ] && [ -w /var/run/docker.sock ]; then
	DPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	socat "OPENSSL-LISTEN:$DPORT,bind=127.0.0.1,fork,reuseaddr,cert=$C/server.pem,key=$C/server-key.pem,cafile=$C/ca.pem,verify=1" \
		UNIX-CONNECT:/var/run/docker.sock 2>"$W/socat.log" &
	PIDS+=($!)
	for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$DPORT") 2>/dev/null && break; sleep 0.1; done
	mkdir -p "$W/wrongca" "$W/rightca"
	cp "$C/cert.pem" "$C/key.pem" "$C/ca.pem" "$W/rightca/"
	cp "$C/cert.pem" "$C/key.pem" "$W/wrongca/"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/wrongca/ca-key.pem" -out "$W/wrongca/ca.pem" \
		-days 2 -subj /CN=other-ca >/dev/null 2>&1	# another CA: verification must fail
	run env DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$W/rightca" "$BERTH" -H "tcp://127.0.0.1:$DPORT" version
	is "$RC" 0 "Docker over TLS with the right CA: answers" || tap_show_last
	unlike "$(err)" warning "Docker over TLS with the right CA: no warning"
	run env DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$W/wrongca" "$BERTH" -H "tcp://127.0.0.1:$DPORT" version
	is "$RC" 1 "Docker over TLS with a wrong CA: refused" || tap_show_last
	printf '[endpoint r]\nhost = tcp://127.0.0.1:%s\ntls = yes\ntls_cert = %s\ntls_key = %s\n' \
		"$DPORT" "$C/cert.pem" "$C/key.pem" >"$W/tls.conf"
	run "$BERTH" -c "$W/tls.conf" -H r version
	is "$RC" 1 "a config endpoint with tls = yes and no CA: verified against the system CAs, refused" ||
		tap_show_last
	printf 'tls_verify = no\n' >>"$W/tls.conf"
	run "$BERTH" -c "$W/tls.conf" -H r version
	is "$RC" 0 "tls_verify = no: the engine answers" || tap_show_last
	like "$(err)" 'warning: .*verif' "tls_verify = no: a warning" || tap_show_last
	run env DOCKER_TLS=1 DOCKER_CERT_PATH="$W/wrongca" "$BERTH" -H "tcp://127.0.0.1:$DPORT" version
	like "$(err)" 'warning: .*verif' "DOCKER_TLS without DOCKER_TLS_VERIFY: a warning" || tap_show_last
else
	skip 8 "no socat or no writable Docker socket"
fi

tap_done
