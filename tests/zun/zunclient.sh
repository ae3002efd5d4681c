#!/bin/sh
# zunclient.sh: the test site's fidelity check with Debian's python3-zunclient (TAP).
. "$TOP_SRCDIR/tests/zun/site.sh"
/usr/bin/python3 -c 'import zunclient, keystoneauth1' 2>/dev/null ||
	{ echo "1..0 # SKIP python3-zunclient and python3-keystoneauth1 are not installed"; exit 0; }
trap zun_site_stop EXIT
zun_site_tap_start
ZS_APPCRED_ID=$ZS_APPCRED_ID ZS_APPCRED_SECRET=$ZS_APPCRED_SECRET \
	/usr/bin/python3 "$TOP_SRCDIR/tests/zun/zunclient_check.py"
