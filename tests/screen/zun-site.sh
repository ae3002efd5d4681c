# zun-site.sh (sourced after lib.sh by the zun-*.sh screen tests): the CHI@Edge
# test site (tests/zun/site.sh: a real Keystone and zunsim), stopped at exit, and
# an environment that reaches it with an application credential and nothing else
# (a private HOME, no other OS_* variable, no config file).
. "$TOP_SRCDIR/tests/zun/site.sh"
at_exit zun_site_stop
zun_site_start
rc=$?
[ $rc = 77 ] && skip_all "keystone, uwsgi or the Docker engine is missing"
[ $rc = 0 ] || { echo "Bail out! the Zun test site did not start"; exit 1; }
mkdir -p "$ZS_DIR/home"
export HOME=$ZS_DIR/home
unset XDG_CONFIG_HOME XDG_STATE_HOME OS_CLOUD OS_CLIENT_CONFIG_FILE BERTH_CONFIG DOCKER_HOST
for v in $(env | sed -n 's/^\(OS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export OS_AUTH_TYPE=v3applicationcredential OS_AUTH_URL=$ZS_KEYSTONE OS_IDENTITY_API_VERSION=3 \
	OS_REGION_NAME=CHI@Edge OS_INTERFACE=public OS_APPLICATION_CREDENTIAL_ID=$ZS_APPCRED_ID \
	OS_APPLICATION_CREDENTIAL_SECRET=$ZS_APPCRED_SECRET

# zun_screen_dir NAME: W, the test's own directory in the site's; times in UTC.
zun_screen_dir() {
	export TZ=UTC LANG=C.UTF-8
	W=$ZS_DIR/$1
	mkdir -p "$W"
}

# zun_dash NAME COLS ROWS [VAR=VALUE...] [-- ARG...]: the dashboard on the site in
# tmux (a server of its own per run), with the caller's environment, VAR=VALUE and
# berth's ARGs; its stderr goes to $W/NAME.err.
zun_dash() {
	local name=$1 cols=$2 rows=$3; shift 3
	{
		echo "#!/bin/bash"
		export -p
		while [ $# -gt 0 ] && [ "$1" != -- ]; do printf 'export %q\n' "$1"; shift; done
		[ "$1" = -- ] && shift
		printf 'exec %q -H zun' "$BERTH"
		[ $# = 0 ] || printf ' %q' "$@"
		printf ' 2>%q\n' "$W/$name.err"
	} >"$W/$name.sh"
	TMUX_L=berth-zun-$$-$name
	tm_start "$cols" "$rows" "bash $W/$name.sh"
}
