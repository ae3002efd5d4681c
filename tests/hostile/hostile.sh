#!/bin/sh
# tests/hostile/hostile.sh: `berth cp` and `berth mount` against an engine that
# serves hostile archives (engine.py). Nothing may be written outside the
# destination, a refused copy leaves no partial destination and no temporary
# directory, and the message is one line naming the entry.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP_SRCDIR/tests/lib/tap.sh"
BERTH=${BERTH:-$PWD/ui/berth}
RUN_DEADLINE=20

[ -x "$BERTH" ] || skip_all "no berth binary at $BERTH"
[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3 for the scripted engine"

W=$TAP_TMP/w
SOCK=$TAP_TMP/engine.sock
CANARY=$W/canary
mkdir -p "$W" "$CANARY"
/usr/bin/python3 "$TOP_SRCDIR/tests/hostile/engine.py" "$SOCK" "$CANARY" >"$W/engine.port" 2>"$W/engine.log" &
ENGINE_PID=$!
trap 'kill "$ENGINE_PID" 2>/dev/null' EXIT
for i in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || bail_out "the scripted engine did not start: $(cat "$W/engine.log")"

H="unix://$SOCK"
PASSWD_SUM=$(md5sum </etc/passwd)
PASSWD_LINKS=$(stat -c %h /etc/passwd)

# Everything a refused copy must leave as it was.
untouched()
{
	local dest=$1 desc=$2
	[ -z "$(ls -A "$CANARY")" ]; ok $? "$desc: nothing written into the canary outside" ||
		diag "$(ls -la "$CANARY")"
	[ -z "$(ls -A "$dest")" ]; ok $? "$desc: no partial destination, no temporary directory" ||
		diag "$(cd "$dest" && find . | head)"
	[ ! -e "$W/escaped" ] && [ ! -e "$TAP_TMP/escaped" ] && [ ! -e /tmp/escaped ]
	ok $? "$desc: nothing beside the destination"
	is "$(md5sum </etc/passwd) $(stat -c %h /etc/passwd)" "$PASSWD_SUM $PASSWD_LINKS" \
		"$desc: /etc/passwd untouched"
}

# refused NAME ERE DESC: berth cp NAME:/x DEST/out fails with one line matching ERE.
refused()
{
	local name=$1 re=$2 desc=$3 dest=$W/dest-$1
	mkdir -p "$dest"
	run "$BERTH" -H "$H" cp "$name:/x" "$dest/out"
	is "$RC" 1 "$desc: exit status 1"
	is "$(wc -l <"$ERR")" 1 "$desc: one line of error" || tap_show_last
	like "$(err)" "^berth: .*$re" "$desc: the message says why"
	untouched "$dest" "$desc"
}

# The control: a good archive is copied.
mkdir -p "$W/dest-good"
run "$BERTH" -H "$H" cp good:/x "$W/dest-good/out"
is "$RC" 0 "a good archive: copied" || tap_show_last
[ -f "$W/dest-good/out/a file" ] && [ "$(readlink "$W/dest-good/out/link")" = "a file" ] &&
	[ -d "$W/dest-good/out/empty dir" ]
ok $? "a good archive: the tree is there, renamed to the destination"
run "$BERTH" -H "$H" cp good:/x "$W/dest-good"
is "$RC" 0 "a good archive into an existing directory" || tap_show_last
[ -f "$W/dest-good/x/a file" ]; ok $? "lands under the source's name"

refused dotdot '"x/\.\./\.\./escaped".*\.\.' "an entry with .."
refused absolute 'absolute' "an entry with an absolute path"
refused symlink '"x/l/pwned".*through the symlink' "an absolute symlink, then a write through it"
refused relsymlink '"x/up".*outside' "a relative symlink climbing out"
refused chain '"out/b".*resolves outside' "a symlink escaping through another symlink"
refused hardlink '"x/pw".*hard link' "a hard link to /etc/passwd"
refused beside '"not-x".*outside the requested path' "an entry beside the requested path"
refused huge 'damaged|[Tt]runcated' "a 10 GiB header with a short body"
refused paxbomb 'damaged|unreadable' "a pax header claiming 8 GiB"
refused garbage 'damaged|unreadable|[Uu]nrecognized' "an HTML page instead of a tar"

# Device nodes and FIFOs are left out, and that is no error.
mkdir -p "$W/dest-device"
run "$BERTH" -H "$H" cp device:/x "$W/dest-device/out"
is "$RC" 0 "device nodes: the copy succeeds" || tap_show_last
[ -f "$W/dest-device/out/a file" ] && [ ! -e "$W/dest-device/out/null" ] && [ ! -e "$W/dest-device/out/fifo" ]
ok $? "device nodes: left out, the rest copied"

# ctrl_c_ends DESC CMD...: CMD, interrupted a second after it set its SIGINT
# handler, ends within 5 s with a failure status.
ctrl_c_ends()
{
	local desc=$1 pid t0 ms
	shift
	"$@" >"$W/ctrl-c.out" 2>"$W/ctrl-c.err" &
	pid=$!
	sigint_caught "$pid"
	sleep 1
	kill -INT "$pid"
	t0=$(date +%s%N)
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	ms=$((($(date +%s%N) - t0) / 1000000))
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		ok 1 "$desc: Ctrl-C ends it (still running after ${ms} ms)"
	else
		ok 0 "$desc: Ctrl-C ends it (in ${ms} ms)"
	fi
	wait "$pid"
	[ $? -ne 0 ]; ok $? "$desc: a failure exit status"
}

# A stalled engine: Ctrl-C ends the copy at once and leaves nothing.
mkdir -p "$W/dest-stall"
ctrl_c_ends "a stalled copy" "$BERTH" -H "$H" cp stall:/x "$W/dest-stall/out"
untouched "$W/dest-stall" "a stalled copy, cancelled"

# A stalled engine that never reads what berth sends: Ctrl-C still ends it.
head -c $((8 << 20)) /dev/zero >"$W/eight-mib"
ctrl_c_ends "a copy into a stalled engine" "$BERTH" -H "$H" cp "$W/eight-mib" stall:/x

# mount: absolute symlinks are data, devices are left out, nothing is followed.
run "$BERTH" -H "$H" mount good "$W/rootfs"
is "$RC" 0 "mount: a root filesystem into a new directory" || tap_show_last
is "$(readlink "$W/rootfs/bin/sh")" /bin/busybox "mount: an absolute symlink kept as it is"
[ ! -e "$W/rootfs/dev/console" ] && [ -d "$W/rootfs/dev" ]; ok $? "mount: the device node left out"
is "$(stat -c %a "$W/rootfs/tmp")" 1777 "mount: /tmp keeps its sticky mode"
mkdir -p "$W/mnt-symlink" "$W/mnt-hardlink"
run "$BERTH" -H "$H" mount symlink "$W/mnt-symlink"
is "$RC" 1 "mount: a write through an absolute symlink is refused"
like "$(err)" 'through the symlink' "mount: said so" || tap_show_last
untouched "$W/mnt-symlink" "mount through a symlink"
run "$BERTH" -H "$H" mount hardlink "$W/mnt-hardlink"
is "$RC" 1 "mount: a hard link to /etc/passwd is refused"
untouched "$W/mnt-hardlink" "mount with a hard link out"
run "$BERTH" -H "$H" mount nosuch "$W/mnt-x"
is "$RC" 1 "mount: a missing container fails"
[ ! -e "$W/mnt-x" ]; ok $? "mount: and makes no directory"

# Network access to a container without an address of its own (rootless Podman):
# the port published on 127.0.0.1.
run "$BERTH" -H "$H" port-open rootless 80
is "$RC" 0 "port-open: no address, the published port on 127.0.0.1" || tap_show_last
run "$BERTH" -H "$H" port-open multi 443
is "$RC" 1 "port-open: no address and not published is an error" || tap_show_last
like "$(err)" '^berth: .*multi.*443.*not published' "port-open: said so"
run "$BERTH" -H "$H" http rootless /hello
is "$RC" 0 "http: through the published port" || tap_show_last
like "$(out)" '"method": "GET", "path": "/hello"' "http: GET /hello reached the service"
run "$BERTH" -H "$H" http -X PUT -d 'a=1' rootless /put
like "$(out)" '"method": "PUT", "path": "/put".*"body": "a=1"' "http: method and body sent" || tap_show_last
run "$BERTH" -H "$H" http -X POST -d '{"k": 1}' --json rootless /j
is "$RC" 0 "http --json: accepted" || tap_show_last
like "$(out)" 'application/json' "http --json: sent as application/json"
run "$BERTH" -H "$H" http rootless /missing
is "$RC" 1 "http: a 404 is exit status 1"
is "$(out)" "not here" "http: the 404's body is still printed"
printf 'GET /c HTTP/1.0\r\n\r\n' >"$W/request"
run sh -c "'$BERTH' -H '$H' connect rootless <'$W/request'"
like "$(out)" '^HTTP/1.[01] 200.*"path": "/c"' "connect: the only exposed port, through the published port" || tap_show_last
run "$BERTH" -H "$H" connect multi
is "$RC" 1 "connect: several exposed ports and no -p is an error"
like "$(err)" 'several ports' "connect: said so" || tap_show_last

tap_done
