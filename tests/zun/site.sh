# site.sh: start and stop the CHI@Edge test site (a real Keystone + zunsim) on 127.0.0.1.
#
# Source it, then:  zun_site_start   (sets ZS_* variables, see tests/zunsim/bootstrap.py)
#                   zun_site_stop    (stops exactly the processes it started, by pid)
# ZUN_TOKEN_EXPIRATION (seconds, default 3600) sets Keystone's [token] expiration.
# Needs Debian's keystone package (uwsgi_python3) and the Docker engine; when they are
# missing, zun_site_start returns 77 so the caller can skip.

ZS_TOP=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

zun_free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

zun_wait_url() {	# URL SECONDS: wait until URL answers with any HTTP status
	local i
	for i in $(seq $(( $2 * 10 ))); do
		curl -s -o /dev/null -m 2 "$1" && return 0
		sleep 0.1
	done
	return 1
}

zun_site_start() {
	command -v keystone-manage >/dev/null && command -v uwsgi_python3 >/dev/null || return 77
	curl -sf --unix-socket /var/run/docker.sock http://d/_ping >/dev/null || return 77
	ZS_DIR=$(mktemp -d /tmp/berth-zunsite.XXXXXX)
	local K=$ZS_DIR/keystone kport sport
	mkdir -p "$K/fernet" "$K/cred"
	kport=$(zun_free_port); sport=$(zun_free_port)
	head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$ZS_DIR/adminpw"
	chmod 600 "$ZS_DIR/adminpw"
	cat >"$K/keystone.conf" <<-CONF
	[DEFAULT]
	log_dir = $K
	[database]
	connection = sqlite:///$K/keystone.db
	[token]
	provider = fernet
	expiration = ${ZUN_TOKEN_EXPIRATION:-3600}
	[fernet_tokens]
	key_repository = $K/fernet
	[fernet_receipts]
	key_repository = $K/fernet
	[credential]
	key_repository = $K/cred
	CONF
	local km="keystone-manage --config-file $K/keystone.conf"
	{ $km fernet_setup --keystone-user root --keystone-group root &&
	  $km credential_setup --keystone-user root --keystone-group root; } >>"$K/manage.out" 2>&1 &
	local setup_pid=$!
	$km db_sync >>"$K/manage.out" 2>&1 || { echo "# keystone db_sync failed" >&2; return 1; }
	wait $setup_pid || { echo "# keystone key setup failed" >&2; return 1; }
	$km bootstrap --bootstrap-password "$(cat "$ZS_DIR/adminpw")" \
		--bootstrap-public-url "http://127.0.0.1:$kport/v3" \
		--bootstrap-region-id CHI@Edge >>"$K/manage.out" 2>&1 ||
		{ echo "# keystone bootstrap failed" >&2; return 1; }
	/usr/bin/python3 "$ZS_TOP/tests/zunsim/bootstrap.py" --catalog "$K/keystone.db" \
		"http://127.0.0.1:$sport" || { echo "# catalog set-up failed" >&2; return 1; }
	OS_KEYSTONE_CONFIG_FILES=$K/keystone.conf uwsgi_python3 --http-socket "127.0.0.1:$kport" \
		--wsgi-file /usr/bin/keystone-wsgi-public --processes 1 --threads 1 --master \
		--die-on-term >"$K/uwsgi.log" 2>&1 &
	ZS_KEYSTONE_PID=$!
	echo $ZS_KEYSTONE_PID >"$ZS_DIR/keystone.pid"
	zun_wait_url "http://127.0.0.1:$kport/v3" 30 || { echo "# keystone did not start" >&2; return 1; }
	/usr/bin/python3 "$ZS_TOP/tests/zunsim/zunsim.py" --port "$sport" \
		--keystone "http://127.0.0.1:$kport/v3" --service-password-file "$ZS_DIR/adminpw" \
		--ready-file "$ZS_DIR/zunsim.ready" >"$ZS_DIR/zunsim.log" 2>&1 &
	ZS_SIM_PID=$!
	echo $ZS_SIM_PID >"$ZS_DIR/zunsim.pid"
	/usr/bin/python3 "$ZS_TOP/tests/zunsim/bootstrap.py" "http://127.0.0.1:$kport/v3" \
		"$ZS_DIR/adminpw" "http://127.0.0.1:$sport" "$ZS_DIR/site.env" 2>>"$ZS_DIR/bootstrap.err" ||
		{ echo "# keystone bootstrap.py failed" >&2; cat "$ZS_DIR/bootstrap.err" >&2; return 1; }
	. "$ZS_DIR/site.env"
	zun_wait_url "$ZS_SIM/" 10 || { echo "# zunsim did not start" >&2; return 1; }
	# A lease with a device reservation, a finished one, and one free floating IP.
	ZS_RESERVATION=$(cat /proc/sys/kernel/random/uuid)
	ZS_LEASE=$(cat /proc/sys/kernel/random/uuid)
	local start end old
	start=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%S.000000)
	end=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%S.000000)
	old=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%S.000000)
	curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/lease" -d "{\"id\":\"$ZS_LEASE\",\"name\":\"edge-demo\",
		\"start_date\":\"$start\",\"end_date\":\"$end\",\"status\":\"ACTIVE\",\"degraded\":false,
		\"project_id\":\"$ZS_PROJECT_ID\",\"user_id\":\"$ZS_USER_ID\",\"reservations\":[{\"id\":\"$ZS_RESERVATION\",
		\"lease_id\":\"$ZS_LEASE\",\"status\":\"active\",\"resource_type\":\"device\"}]}"
	curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/lease" -d "{\"id\":\"$(cat /proc/sys/kernel/random/uuid)\",
		\"name\":\"old-lease\",\"start_date\":\"$old\",\"end_date\":\"$start\",\"status\":\"TERMINATED\",
		\"degraded\":false,\"project_id\":\"$ZS_PROJECT_ID\",\"user_id\":\"$ZS_USER_ID\",\"reservations\":[]}"
	ZS_FREE_FIP=$(curl -sf -X POST "$ZS_SIM/_sim/fip" -d "{\"project_id\":\"$ZS_PROJECT_ID\"}" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["floating_ip_address"])')
	export ZS_DIR ZS_KEYSTONE ZS_SIM ZS_RESERVATION ZS_LEASE ZS_FREE_FIP
	return 0
}

zun_site_stop() {	# stop what zun_site_start started, by pid, and remove its directory
	local pid
	for pid in ${ZS_SIM_PID:-} ${ZS_KEYSTONE_PID:-}; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in ${ZS_SIM_PID:-} ${ZS_KEYSTONE_PID:-}; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	ZS_SIM_PID= ZS_KEYSTONE_PID=
	[ -n "${ZS_DIR:-}" ] && [ -z "${ZUN_KEEP_SITE:-}" ] && rm -rf "$ZS_DIR"
	return 0
}

zun_fault() {	# KIND MATCH [COUNT [DELAY [METHOD]]]: inject a fault into the simulator
	curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/fault" \
		-d "{\"kind\":\"$1\",\"match\":\"$2\",\"count\":${3:-1},\"delay\":${4:-3},\"method\":\"${5:-}\"}"
}
