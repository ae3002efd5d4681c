# site.sh: start and stop the CHI@Edge test site (a real Keystone + zunsim) on 127.0.0.1.
#
# Source it, then:  zun_site_start   (sets ZS_* variables, see tests/zunsim/bootstrap.py)
#                   zun_site_stop    (stops exactly the processes it started, by pid)
# ZUN_TOKEN_EXPIRATION (seconds, default 3600) sets Keystone's [token] expiration.
# Needs Debian's keystone package (uwsgi_python3), the Docker engine and its image
# berth-test/busybox:latest; when one is missing, zun_site_start returns 77 (skip).

ZS_TOP=${TOP_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE:-$0}")/../.." && pwd)}

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

# Keystone's cache is on, in memory (its one process), as sites run it with
# memcached: without it each validation of a token rebuilds it from the
# database, a quarter of a second of CPU, and the tests authenticate hundreds
# of times.
zun_keystone_conf() {	# DIR: the keystone.conf of a Keystone whose files live in DIR
	cat >"$1/keystone.conf" <<-CONF
	[DEFAULT]
	log_dir = $1
	[database]
	connection = sqlite:///$1/keystone.db
	[identity]
	password_hash_rounds = 4
	[token]
	provider = fernet
	expiration = ${ZUN_TOKEN_EXPIRATION:-3600}
	[fernet_tokens]
	key_repository = $1/fernet
	[fernet_receipts]
	key_repository = $1/fernet
	[credential]
	key_repository = $1/cred
	[cache]
	enabled = true
	backend = dogpile.cache.memory
	CONF
}

zun_keystone_run() {	# DIR PORT: start Keystone under uWSGI; ZS_KS_PID gets its pid
	OS_KEYSTONE_CONFIG_FILES=$1/keystone.conf uwsgi_python3 --http-socket "127.0.0.1:$2" \
		--wsgi-file /usr/bin/keystone-wsgi-public --processes 1 --threads 1 --master \
		--die-on-term >"$1/uwsgi.log" 2>&1 &
	ZS_KS_PID=$!
	zun_wait_url "http://127.0.0.1:$2/v3" 60 || { echo "# keystone did not start" >&2; return 1; }
}

zun_stop_pid() {	# PID: TERM, then KILL after 5 s
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# A bootstrapped Keystone (database, keys, admin, users, projects, application
# credentials) is built once per Keystone version, under a lock, and copied for
# each site: db_sync and the rest take a minute on a loaded machine. Cheap bcrypt
# rounds (password_hash_rounds, kept in each stored hash) make every authentication
# cheap: the tests authenticate a few hundred times.
zun_template_build() {	# DIR
	local T=$1 kport
	rm -rf "$T"
	mkdir -p "$T/fernet" "$T/cred"
	head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$T/adminpw"
	chmod 600 "$T/adminpw"
	zun_keystone_conf "$T"
	local km="keystone-manage --config-file $T/keystone.conf"
	{ $km fernet_setup --keystone-user root --keystone-group root &&
	  $km credential_setup --keystone-user root --keystone-group root; } >>"$T/manage.out" 2>&1 &
	local setup_pid=$!
	$km db_sync >>"$T/manage.out" 2>&1 || { echo "# keystone db_sync failed" >&2; return 1; }
	wait $setup_pid || { echo "# keystone key setup failed" >&2; return 1; }
	kport=$(zun_free_port)
	$km bootstrap --bootstrap-password "$(cat "$T/adminpw")" \
		--bootstrap-public-url "http://127.0.0.1:$kport/v3" \
		--bootstrap-region-id CHI@Edge >>"$T/manage.out" 2>&1 ||
		{ echo "# keystone bootstrap failed" >&2; return 1; }
	/usr/bin/python3 "$ZS_TOP/tests/zunsim/bootstrap.py" --prepare "$T/keystone.db" || return 1
	zun_keystone_run "$T" "$kport" || { zun_stop_pid "$ZS_KS_PID"; return 1; }
	/usr/bin/python3 "$ZS_TOP/tests/zunsim/bootstrap.py" "http://127.0.0.1:$kport/v3" \
		"$T/adminpw" "$T/site.env" 2>>"$T/bootstrap.err"
	local rc=$?
	zun_stop_pid "$ZS_KS_PID"
	[ $rc = 0 ] || { echo "# keystone bootstrap.py failed" >&2; cat "$T/bootstrap.err" >&2; return 1; }
	touch "$T/ready"
}

zun_template() {	# prints the directory of a ready template
	local ver T
	ver=$(dpkg-query -W -f='${Version}' keystone 2>/dev/null)
	T=${TMPDIR:-/tmp}/berth-zunsite-template-$(id -u)-${ver:-unknown}-2
	( flock 9; [ -f "$T/ready" ] || zun_template_build "$T" >&2 ) 9>"$T.lock"
	[ -f "$T/ready" ] && echo "$T"
}

zun_iso() {	# WHEN (date -d): Blazar's UTC time without a zone
	date -u -d "$1" +%Y-%m-%dT%H:%M:%S.000000
}

zun_device_reservation() {	# ID LEASE_ID PROPERTIES: a device reservation of one device
	printf '{"id":"%s","lease_id":"%s","status":"active","resource_type":"device","min":1,"max":1,"resource_properties":"%s"}' \
		"$1" "$2" "$(printf '%s' "$3" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

zun_lease() {	# ID NAME START END STATUS RESERVATIONS_JSON: give the project a lease in Blazar
	curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/lease" -d "{\"id\":\"$1\",\"name\":\"$2\",
		\"start_date\":\"$(zun_iso "$3")\",\"end_date\":\"$(zun_iso "$4")\",\"status\":\"$5\",
		\"degraded\":false,\"project_id\":\"$ZS_PROJECT_ID\",\"user_id\":\"$ZS_USER_ID\",
		\"reservations\":[$6]}"
}

zun_site_start() {
	command -v keystone-manage >/dev/null && command -v uwsgi_python3 >/dev/null || return 77
	curl -sf --unix-socket /var/run/docker.sock http://d/_ping >/dev/null || return 77
	curl -sf -o /dev/null --unix-socket /var/run/docker.sock \
		http://d/images/berth-test/busybox:latest/json || return 77
	local T K kport sport
	T=$(zun_template) || { echo "# the Keystone template could not be built" >&2; return 1; }
	ZS_DIR=$(mktemp -d /tmp/berth-zunsite.XXXXXX)
	K=$ZS_DIR/keystone
	cp -a "$T" "$K" && rm -f "$K"/*.log "$K/uwsgi.log" "$K/ready"
	chmod 700 "$K/fernet" "$K/cred"	# else Keystone logs a warning at each use of a key
	cp "$K/adminpw" "$ZS_DIR/adminpw"
	zun_keystone_conf "$K"
	kport=$(zun_free_port); sport=$(zun_free_port)
	/usr/bin/python3 "$ZS_TOP/tests/zunsim/bootstrap.py" --catalog "$K/keystone.db" \
		"http://127.0.0.1:$sport" "http://127.0.0.1:$kport/v3" ||
		{ echo "# catalog set-up failed" >&2; return 1; }
	zun_keystone_run "$K" "$kport" || return 1
	ZS_KEYSTONE_PID=$ZS_KS_PID
	echo $ZS_KEYSTONE_PID >"$ZS_DIR/keystone.pid"
	# CHI@Edge stops waiting for an execute after 5 s; on a busy test machine
	# the shell berth runs for a copy can take longer than that through the
	# real engine, so the site waits 15 s (the tests that outlive it sleep 20).
	ZUNSIM_EXEC_TIMEOUT=${ZUNSIM_EXEC_TIMEOUT:-15} \
		/usr/bin/python3 "$ZS_TOP/tests/zunsim/zunsim.py" --port "$sport" \
		--keystone "http://127.0.0.1:$kport/v3" --service-password-file "$ZS_DIR/adminpw" \
		--ready-file "$ZS_DIR/zunsim.ready" >"$ZS_DIR/zunsim.log" 2>&1 &
	ZS_SIM_PID=$!
	echo $ZS_SIM_PID >"$ZS_DIR/zunsim.pid"
	cp "$K/site.env" "$ZS_DIR/site.env"
	printf "ZS_KEYSTONE='%s'\nZS_SIM='%s'\n" "http://127.0.0.1:$kport/v3" "http://127.0.0.1:$sport" \
		>>"$ZS_DIR/site.env"
	. "$ZS_DIR/site.env"
	zun_wait_url "$ZS_SIM/" 10 || { echo "# zunsim did not start" >&2; return 1; }
	# A lease with a device reservation (any device), a finished one, and one free
	# floating IP.
	ZS_RESERVATION=$(cat /proc/sys/kernel/random/uuid)
	ZS_LEASE=$(cat /proc/sys/kernel/random/uuid)
	zun_lease "$ZS_LEASE" edge-demo '-1 hour' '+2 hours' ACTIVE "$(zun_device_reservation \
		"$ZS_RESERVATION" "$ZS_LEASE" '[]')"
	zun_lease "$(cat /proc/sys/kernel/random/uuid)" old-lease '-1 day' '-1 hour' TERMINATED ""
	ZS_FREE_FIP=$(curl -sf -X POST "$ZS_SIM/_sim/fip" -d "{\"project_id\":\"$ZS_PROJECT_ID\"}" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["floating_ip_address"])')
	export ZS_DIR ZS_KEYSTONE ZS_SIM ZS_RESERVATION ZS_LEASE ZS_FREE_FIP
	return 0
}

zun_site_tap_start() {	# zun_site_start in a TAP script: a skip (exit 0) or a bail-out (exit 1)
	zun_site_start
	case $? in
	0) ;;
	77) echo "1..0 # SKIP keystone, uwsgi or the Docker engine is missing"; exit 0 ;;
	*) echo "Bail out! the test site did not start"; exit 1 ;;
	esac
}

zun_site_stop() {	# stop what zun_site_start started, by pid, and remove its directory
	local pid
	for pid in ${ZS_SIM_PID:-} ${ZS_KEYSTONE_PID:-}; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in ${ZS_SIM_PID:-} ${ZS_KEYSTONE_PID:-}; do
		zun_stop_pid "$pid"
	done
	ZS_SIM_PID= ZS_KEYSTONE_PID=
	[ -n "${ZS_DIR:-}" ] && [ -z "${ZUN_KEEP_SITE:-}" ] && rm -rf "$ZS_DIR"
	return 0
}

# zun_fault KIND MATCH [COUNT [DELAY [METHOD]]]: inject a fault into the simulator
# for the next COUNT requests whose path contains MATCH. KIND: slow (DELAY s),
# hang, 500, 401, revoked (a 401 for each request bearing the token of the
# first one it took, as when Keystone revokes that token), or exec-timeout (an
# execute whose command runs in the container past the site's wait, so that
# the site answers with the output so far and a null exit code).
zun_fault() {
	curl -sf -o /dev/null -X POST "$ZS_SIM/_sim/fault" \
		-d "{\"kind\":\"$1\",\"match\":\"$2\",\"count\":${3:-1},\"delay\":${4:-3},\"method\":\"${5:-}\"}"
}
