# lib.sh: TAP helpers for the Zun tests (bash).
# The counts live in a file, so that tests in subshells count too.
BERTH_ENV=()
T_FILE=$(mktemp /tmp/berth-zuntap.XXXXXX)
echo "0 0" >"$T_FILE"

ok() {	# STATUS NAME [DIAG]: one TAP line; STATUS 0 is a pass
	local n f
	read -r n f <"$T_FILE"
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		f=$((f + 1))
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
	echo "$n $f" >"$T_FILE"
	return 0
}

check() {	# NAME CMD...: pass when CMD succeeds
	local name=$1
	shift
	"$@"
	ok $? "$name" "$(bz_diag)"
}

bz() {	# run berth; OUT, ERR and RC get its stdout, stderr and status
	local o e
	o=$(mktemp) e=$(mktemp)
	env "${BERTH_ENV[@]}" "$BERTH" "$@" >"$o" 2>"$e" </dev/null
	RC=$?
	OUT=$(cat "$o") ERR=$(cat "$e")
	{ echo "\$ berth $*"; cat "$o" "$e"; } >>"$ZS_DIR/outputs.log"
	rm -f "$o" "$e"
}

bze() {	# ENV... -- ARGS: bz with the environment changed as env(1) does it (-u NAME, NAME=VALUE)
	local envargs=()
	while [ "$1" != -- ]; do envargs+=("$1"); shift; done
	shift
	BERTH_ENV=("${envargs[@]}")
	bz "$@"
	BERTH_ENV=()
}

bz_diag() {
	printf 'rc=%s\nstdout: %s\nstderr: %s' "$RC" "$OUT" "$ERR"
}

has() {	# TEXT NEEDLE: TEXT contains NEEDLE
	case $1 in *"$2"*) return 0 ;; esac
	return 1
}

sim_requests() {	# the simulator's request log, one "METHOD PATH TOKEN VERSION" a line
	curl -sf "$ZS_SIM/_sim/requests" | /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print(r["method"], r["path"], r["token"], (r["version"] or "-").replace(" ", "_"))' 2>/dev/null
}

sim_reset() {
	curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/reset"
}

zun_client_env() {	# a fresh HOME and state directory, and the site's app credential in OS_*
	mkdir -p "$ZS_DIR/home" "$ZS_DIR/state"
	export HOME=$ZS_DIR/home XDG_STATE_HOME=$ZS_DIR/state
	unset XDG_CONFIG_HOME OS_CLOUD OS_CLIENT_CONFIG_FILE BERTH_CONFIG DOCKER_HOST
	local v
	for v in $(env | sed -n 's/^\(OS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
	export OS_AUTH_TYPE=v3applicationcredential OS_AUTH_URL=$ZS_KEYSTONE OS_IDENTITY_API_VERSION=3 \
		OS_REGION_NAME=CHI@Edge OS_INTERFACE=public OS_APPLICATION_CREDENTIAL_ID=$ZS_APPCRED_ID \
		OS_APPLICATION_CREDENTIAL_SECRET=$ZS_APPCRED_SECRET
}

t_done() {
	local n f
	read -r n f <"$T_FILE"
	rm -f "$T_FILE"
	echo "1..$n"
	[ "$f" = 0 ]
}
