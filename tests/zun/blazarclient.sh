#!/bin/sh
# blazarclient.sh: the test site's Blazar checked with Debian's python3-blazarclient (TAP).
. "$TOP_SRCDIR/tests/zun/site.sh"
/usr/bin/python3 -c 'import blazarclient, keystoneauth1' 2>/dev/null ||
	{ echo "1..0 # SKIP python3-blazarclient and python3-keystoneauth1 are not installed"; exit 0; }
trap zun_site_stop EXIT
zun_site_tap_start
zun_lease "$(cat /proc/sys/kernel/random/uuid)" pi-demo '-10 min' '+1 hour' ACTIVE \
	"$(zun_device_reservation "$(cat /proc/sys/kernel/random/uuid)" x \
		'["==", "$machine_name", "raspberrypi4-64"]')"
ZS_APPCRED_ID=$ZS_APPCRED_ID ZS_APPCRED_SECRET=$ZS_APPCRED_SECRET \
	/usr/bin/python3 "$TOP_SRCDIR/tests/zun/blazarclient_check.py"
