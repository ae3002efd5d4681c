# tests/integration/verbs-body.bash: every verb of cli.md against one real
# engine, cross-checked with the docker client where an independent answer
# exists. Sourced by verbs-docker.sh and verbs-podman.sh, which set:
#   ENGINE  docker or podman
#   SOCK    the engine's unix socket
#   IMAGE   the busybox test image as that engine names it
#   P       the name prefix of every container and image this run creates;
#           a hash of the build tree is added, so that two build trees can
#           run the suite at once on one engine.
# Fixture containers are made with the docker client, so that one broken verb
# (say, run) does not take every other test down with it.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
P=$P$(printf '%s' "$TOP_BUILDDIR" | md5sum | cut -c1-6)-
W=$TAP_TMP/w
mkdir -p "$W"

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port()
{
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Remove every container and image of this run (also leftovers of a crashed one).
cleanup()
{
	local ids
	ids=$(D ps -a --format '{{.ID}} {{.Names}}' 2>/dev/null | awk -v p="$P" 'index($2, p) == 1 { print $1 }')
	[ -n "$ids" ] && D rm -f $ids >/dev/null 2>&1
	D rmi -f "${P}snap:v1" >/dev/null 2>&1
	mountpoint -q "$W/small" 2>/dev/null && umount "$W/small"
	return 0
}

# Wait up to 30 s until container $1 has status $2.
wait_status()
{
	local i
	for i in $(seq 150); do
		[ "$(D inspect -f '{{.State.Status}}' "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.2
	done
	return 1
}

# Wait up to 30 s until the logs of container $1 contain $2.
wait_log()
{
	local i
	for i in $(seq 150); do
		D logs "$1" 2>&1 | grep -q -- "$2" && return 0
		sleep 0.2
	done
	return 1
}

# Type, permissions, size, link target and checksum of everything under $1.
tree_listing()
{
	(cd "$1" && find . \( -type f -printf '%p f %m %s\n' \) -o \( -type l -printf '%p l %l\n' \) \
		-o \( -type d -printf '%p d %m\n' \) | LC_ALL=C sort &&
		find . -type f -exec md5sum {} + | LC_ALL=C sort -k2)
}

# stderr is exactly one line that starts with "berth: ".
one_error_line()
{
	[ "$(wc -l <"$ERR")" -eq 1 ] && head -n1 "$ERR" | grep -q '^berth: '
}

inspect_field() { D inspect -f "$2" "$1" 2>/dev/null; }

ip_of() { inspect_field "$1" '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}'; }

. "$TOP_SRCDIR/tests/lib/engine-clients.bash"
engine_clients
trap cleanup EXIT
cleanup

# ---------------------------------------------------------------- fixtures
HP=$(free_port)
D run -d --name "${P}web" -p "127.0.0.1:$HP:80" --expose 8080 "$IMAGE" sh -c \
	'mkdir -p /www && echo hello >/www/index.html && printf "{\"a\":[1,2],\"b\":\"x\"}" >/www/data.json && exec httpd -f -p 80 -h /www' >/dev/null ||
	bail_out "docker run failed on $ENGINE"
D run -d --name "${P}done" "$IMAGE" sh -c 'exit 3' >/dev/null
D create --name "${P}created" "$IMAGE" sleep 100000 >/dev/null
D run -d --name "${P}sleeper" "$IMAGE" sleep 100000 >/dev/null
wait_status "${P}done" exited || bail_out "fixture ${P}done did not exit"
for i in $(seq 50); do D exec "${P}web" test -s /www/data.json 2>/dev/null && break; sleep 0.2; done
# A CGI program that echoes the request's method and body, for http -X and -d.
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\necho "$REQUEST_METHOD"\nhead -c "${CONTENT_LENGTH:-0}"\n' >"$W/echo.cgi"
chmod 755 "$W/echo.cgi"
D exec "${P}web" mkdir -p /www/cgi-bin && D cp "$W/echo.cgi" "${P}web:/www/cgi-bin/echo"
WEB_ID=$(inspect_field "${P}web" '{{.Id}}')
DONE_ID=$(inspect_field "${P}done" '{{.Id}}')
WEB_IP=$(ip_of "${P}web")
diag "web $WEB_ID at $WEB_IP, published on 127.0.0.1:$HP"

# ---------------------------------------------------------------- ps
run B ps
is "$RC" 0 "ps: exit status 0"
like "$(head -n1 "$OUT")" '^ID +NAME +IMAGE +STATUS +PORTS' "ps: table header has ID NAME IMAGE STATUS PORTS"
grep -q "${P}web" "$OUT"; ok $? "ps: lists the running container"
! grep -q "${P}done" "$OUT"; ok $? "ps: hides the exited container"
grep "${P}web" "$OUT" | grep -q "$HP"; ok $? "ps: the PORTS column shows the published port"
like "$(grep "${P}web" "$OUT")" "^${WEB_ID:0:12} +${P}web +[^ ]*berth-test/busybox[^ ]* +" "ps: the row has the id, the name and the image"

run B ps -a
grep -q "${P}done" "$OUT" && grep -q "${P}created" "$OUT"; ok $? "ps -a: lists exited and created containers"

run B ps -q
is "$RC" 0 "ps -q: exit status 0"
! grep -vqE '^[0-9a-f]{12,64}$' "$OUT"; ok $? "ps -q: only ids, one per line"
grep -q "^${WEB_ID:0:12}" "$OUT"; ok $? "ps -q: has the running container's id"
! grep -q "^${DONE_ID:0:12}" "$OUT"; ok $? "ps -q: not the exited one"
run B ps -a -q
grep -q "^${DONE_ID:0:12}" "$OUT"; ok $? "ps -a -q: has the exited container's id"

run B ps -a --format json
is "$RC" 0 "ps --format json: exit status 0"
jq -e 'type == "array"' "$OUT" >/dev/null; ok $? "ps --format json: a JSON array"
cp "$OUT" "$W/ps.json"
jq -e --arg n "${P}web" '[.[] | select(.name == $n)] | length == 1 and (.[0] | has("id") and has("name")
	and has("image") and has("status") and has("ports") and has("ipv4") and has("ipv6") and has("endpoint"))' \
	"$W/ps.json" >/dev/null
ok $? "ps --format json: the object has id, name, image, status, ports, ipv4, ipv6, endpoint"
got=$(jq -r --arg n "${P}web" '.[] | select(.name == $n) | .id' "$W/ps.json")
[ ${#got} -ge 12 ] && [ "${WEB_ID#"$got"}" != "$WEB_ID" ]; ok $? "ps --format json: id is the container's id (got '$got')"
is "$(jq -r --arg n "${P}web" '.[] | select(.name == $n) | .image' "$W/ps.json")" \
	"$(D ps -a --filter "id=$WEB_ID" --format '{{.Image}}')" "ps --format json: image agrees with docker ps"
like "$(jq -r --arg n "${P}web" '.[] | select(.name == $n) | .status' "$W/ps.json")" '^(running|Up)' \
	"ps --format json: running container's status"
like "$(jq -r --arg n "${P}done" '.[] | select(.name == $n) | .status' "$W/ps.json")" '^(exited|Exited)' \
	"ps --format json: exited container's status"
like "$(jq -c --arg n "${P}web" '.[] | select(.name == $n) | .ports' "$W/ps.json")" "80.*$HP|$HP.*80" \
	"ps --format json: ports has 80 published on $HP"
is "$(jq -r --arg n "${P}web" '.[] | select(.name == $n) | .ipv4 | if type == "array" then .[0] else . end' "$W/ps.json")" \
	"$WEB_IP" "ps --format json: ipv4 agrees with docker inspect"
is "$(jq -r --arg p "$P" '.[] | select(.name | startswith($p)) | .name' "$W/ps.json" | LC_ALL=C sort)" \
	"$(D ps -a --format '{{.Names}}' | grep "^$P" | LC_ALL=C sort)" "ps -a --format json: the same containers as docker ps -a"

# The endpoint from DOCKER_HOST, and the default socket, instead of -H.
run env DOCKER_HOST="unix://$SOCK" "$BERTH" ps -q
grep -q "^${WEB_ID:0:12}" "$OUT"; ok $? "DOCKER_HOST=unix://$SOCK: ps -q reaches this engine" || tap_show_last
if [ "$SOCK" = /var/run/docker.sock ]; then
	run "$BERTH" ps -q
	grep -q "^${WEB_ID:0:12}" "$OUT"; ok $? "no -H, no DOCKER_HOST: the default socket /var/run/docker.sock" || tap_show_last
fi

# ---------------------------------------------------------------- inspect
run B inspect "${P}web" "${P}done"
is "$RC" 0 "inspect: exit status 0"
is "$(jq -r 'length' "$OUT")" 2 "inspect: an array with one document per container"
is "$(jq -r '.[0].Id' "$OUT")" "$WEB_ID" "inspect: first document is the first container"
is "$(jq -r '.[1].Name' "$OUT")" "$(inspect_field "${P}done" '{{.Name}}')" "inspect: second document is the second container"
run B inspect "${P}done"
D inspect "${P}done" >"$W/docker-inspect.json"
is "$(jq -S '.[0]' "$OUT")" "$(jq -S '.[0]' "$W/docker-inspect.json")" "inspect: the engine's full document, as docker inspect shows it"

# ---------------------------------------------------------------- show
run B show "${P}web"
is "$RC" 0 "show: exit status 0"
grep -q "${P}web" "$OUT" && grep -q "${WEB_ID:0:12}" "$OUT"; ok $? "show: name and id"
grep -q "berth-test/busybox" "$OUT"; ok $? "show: image"
grep -qi "running" "$OUT"; ok $? "show: status"
grep -qF "$WEB_IP" "$OUT"; ok $? "show: address"
grep -q "80/tcp" "$OUT" && grep -q "$HP" "$OUT"; ok $? "show: ports"
grep -qi "endpoint" "$OUT"; ok $? "show: endpoint"
grep -q "httpd" "$OUT"; ok $? "show: command"

# ---------------------------------------------------------------- status
run B status "${P}web";     is "$(out)" running "status: running"
run B status "${P}done";    is "$(out)" exited "status: exited"
run B status "${P}created"; is "$(out)" created "status: created"
D pause "${P}sleeper" >/dev/null
run B status "${P}sleeper"; is "$(out)" paused "status: paused"
D unpause "${P}sleeper" >/dev/null

# ---------------------------------------------------------------- start, stop, restart
D create --name "${P}life" "$IMAGE" sleep 100000 >/dev/null
D create --name "${P}life2" "$IMAGE" sleep 100000 >/dev/null
run B start "${P}life"
is "$RC" 0 "start: exit status 0"
is "$(inspect_field "${P}life" '{{.State.Status}}')" running "start: the container runs"
run B start "${P}life"
is "$RC" 0 "start: already running is not an error"
started1=$(inspect_field "${P}life" '{{.State.StartedAt}}')
run B stop -t 1 "${P}life"
is "$RC" 0 "stop -t 1: exit status 0"
is "$(inspect_field "${P}life" '{{.State.Status}}')" exited "stop: the container has exited"
run B stop -t 1 "${P}life"
is "$RC" 0 "stop: already stopped is not an error"
run B restart "${P}life"
is "$RC" 0 "restart: exit status 0"
is "$(inspect_field "${P}life" '{{.State.Status}}')" running "restart: the container runs again"
[ "$(inspect_field "${P}life" '{{.State.StartedAt}}')" != "$started1" ]; ok $? "restart: it was started anew"
run B start "${P}life" "${P}life2"
is "$RC" 0 "start: several containers"
is "$(inspect_field "${P}life2" '{{.State.Status}}')" running "start: the second one runs too"
run B stop -t 1 "${P}life" "${P}life2"
is "$RC" 0 "stop: several containers"
is "$(inspect_field "${P}life" '{{.State.Status}}') $(inspect_field "${P}life2" '{{.State.Status}}')" \
	"exited exited" "stop: both have exited"

# ---------------------------------------------------------------- kill
trapper() # NAME SIGNAL CODE: a container that exits with CODE on SIGNAL
{
	D run -d --name "$1" "$IMAGE" sh -c "trap 'exit $3' $2; echo ready; while :; do sleep 0.1; done" >/dev/null
	wait_log "$1" ready
}
D run -d --name "${P}k1" "$IMAGE" sleep 100000 >/dev/null
run B kill "${P}k1"
is "$RC" 0 "kill: exit status 0"
wait_status "${P}k1" exited
is "$(inspect_field "${P}k1" '{{.State.ExitCode}}')" 137 "kill: SIGKILL by default (exit code 137)"
trapper "${P}k2" TERM 7
run B kill -s TERM "${P}k2"
is "$RC" 0 "kill -s TERM: exit status 0"
wait_status "${P}k2" exited
is "$(inspect_field "${P}k2" '{{.State.ExitCode}}')" 7 "kill -s TERM: the container got SIGTERM"
trapper "${P}k3" USR1 9
run B kill -s 10 "${P}k3"
wait_status "${P}k3" exited
is "$(inspect_field "${P}k3" '{{.State.ExitCode}}')" 9 "kill -s 10: a signal by number (SIGUSR1)"
trapper "${P}k4" USR2 11
run B kill -s SIGUSR2 "${P}k4"
wait_status "${P}k4" exited
is "$(inspect_field "${P}k4" '{{.State.ExitCode}}')" 11 "kill -s SIGUSR2: a name with the SIG prefix"
run B kill "${P}k1"
is "$RC" 1 "kill: a stopped container fails with status 1"
one_error_line; ok $? "kill: a stopped container gives one 'berth: ' line"

# ---------------------------------------------------------------- rm
run B rm "${P}k1"
is "$RC" 0 "rm: a stopped container"
! D inspect "${P}k1" >/dev/null 2>&1; ok $? "rm: it is gone"
D run -d --name "${P}rm1" "$IMAGE" sleep 100000 >/dev/null
run B rm "${P}rm1"
is "$RC" 1 "rm: a running container without -f fails with status 1"
one_error_line; ok $? "rm: without -f, one 'berth: ' line"
D inspect "${P}rm1" >/dev/null 2>&1; ok $? "rm: without -f, the container is still there"
run B rm -f "${P}rm1"
is "$RC" 0 "rm -f: a running container"
! D inspect "${P}rm1" >/dev/null 2>&1; ok $? "rm -f: it is gone"
run B rm "${P}k2" "${P}k3"
is "$RC" 0 "rm: several containers"
! D inspect "${P}k2" >/dev/null 2>&1 && ! D inspect "${P}k3" >/dev/null 2>&1; ok $? "rm: both are gone"

# ---------------------------------------------------------------- wait
D run -d --name "${P}w1" "$IMAGE" sh -c 'sleep 1; exit 42' >/dev/null
run B wait "${P}w1"
is "$RC" 0 "wait: exit status 0"
is "$(out)" 42 "wait: prints the exit code 42"
run B wait "${P}done"
is "$(out)" 3 "wait: an exited container's code at once"
run B wait --timeout 1 "${P}sleeper"
is "$RC" 124 "wait --timeout 1: exit status 124"
[ "$MS" -lt 15000 ]; ok $? "wait --timeout 1: gives up, no hang (${MS} ms)"
one_error_line; ok $? "wait --timeout: one 'berth: ' line"
D create --name "${P}w2" "$IMAGE" sleep 100000 >/dev/null
(sleep 1.5; D start "${P}w2" >/dev/null) &
starter=$!
run B wait --status running --timeout 30 "${P}w2"
wait "$starter"
is "$RC" 0 "wait --status running: exit status 0"
is "$(inspect_field "${P}w2" '{{.State.Status}}')" running "wait --status running: returned once it runs"
[ "$MS" -ge 1000 ]; ok $? "wait --status running: it did wait for the start (${MS} ms)"
run B wait --status exited --timeout 1 "${P}sleeper"
is "$RC" 124 "wait --status exited --timeout 1: exit status 124"

# ---------------------------------------------------------------- logs
D run -d --name "${P}lg" "$IMAGE" sh -c \
	'echo out1; echo err1 >&2; seq 1 3000; printf "tab\there\001\n"; echo err2 >&2; printf no-newline' >/dev/null
wait_status "${P}lg" exited
run B logs "${P}lg"
D logs "${P}lg" >"$W/dlogs.out" 2>"$W/dlogs.err"
is "$RC" 0 "logs: exit status 0"
cmp -s "$OUT" "$W/dlogs.out"; ok $? "logs: stdout equals docker logs byte for byte" || diag "$(cmp "$OUT" "$W/dlogs.out" 2>&1)"
cmp -s "$ERR" "$W/dlogs.err"; ok $? "logs: stderr equals docker logs byte for byte" || diag "$(cmp "$ERR" "$W/dlogs.err" 2>&1)"
is "$(cat "$ERR")" "$(printf 'err1\nerr2')" "logs: the container's stderr on stderr only"
! grep -q err1 "$OUT"; ok $? "logs: no stderr on stdout"
run B logs --tail 2 "${P}lg"
D logs --tail 2 "${P}lg" >"$W/dlogs.out" 2>"$W/dlogs.err"
cmp -s "$OUT" "$W/dlogs.out" && cmp -s "$ERR" "$W/dlogs.err"; ok $? "logs --tail 2: equals docker logs --tail 2"
[ "$(wc -l <"$OUT")" -le 2 ]; ok $? "logs --tail 2: at most two lines"
run B logs -t "${P}lg"
D logs -t "${P}lg" >"$W/dlogs.out" 2>"$W/dlogs.err"
! grep -qvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+' "$OUT" && [ -s "$OUT" ]; ok $? "logs -t: every line starts with a timestamp"
cmp -s "$OUT" "$W/dlogs.out"; ok $? "logs -t: equals docker logs -t"
D run -d -t --name "${P}tty" "$IMAGE" sh -c 'echo tty-out; echo tty-err >&2; printf "\033[1mbold\033[0m\n"' >/dev/null
wait_status "${P}tty" exited
run B logs "${P}tty"
D logs "${P}tty" >"$W/dlogs.out" 2>"$W/dlogs.err"
cmp -s "$OUT" "$W/dlogs.out" && cmp -s "$ERR" "$W/dlogs.err"; ok $? "logs: a TTY container's raw stream equals docker logs" ||
	{ tap_show_last; diag "docker logs: $(od -c "$W/dlogs.out" | head -5)"; }
D run -d --name "${P}since" "$IMAGE" sh -c 'echo early; sleep 3; echo late; sleep 100000' >/dev/null
wait_log "${P}since" early
since=$(($(date +%s) + 1))
wait_log "${P}since" late
run B logs --since "$since" "${P}since"
is "$(out)" late "logs --since: only lines from then on"
D run -d --name "${P}fl" "$IMAGE" sh -c 'for i in 1 2 3; do echo f$i; sleep 1; done' >/dev/null
run B logs -f "${P}fl"
is "$RC" 0 "logs -f: exit status 0 when the container stops"
is "$(out)" "$(printf 'f1\nf2\nf3')" "logs -f: every line, then stops with the container"
[ "$MS" -ge 1500 ]; ok $? "logs -f: followed the container while it ran (${MS} ms)"

env --default-signal=INT B logs -f "${P}since" >"$W/follow.out" 2>&1 &
follower=$!
for i in $(seq 50); do grep -q late "$W/follow.out" && break; sleep 0.2; done
kill -INT "$follower"
for i in $(seq 30); do kill -0 "$follower" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$follower" 2>/dev/null; ok $? "logs -f: Ctrl-C (SIGINT) ends it within 3 s"
kill -KILL "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
is "$(cat "$W/follow.out")" "$(printf 'early\nlate')" "logs -f: what it showed until then"

# ---------------------------------------------------------------- exec
run B exec "${P}web" sh -c 'echo out; echo err >&2; exit 5'
is "$RC" 5 "exec: berth exits with the command's status"
is "$(out)" out "exec: the command's stdout on stdout"
is "$(err)" err "exec: the command's stderr on stderr"
run B exec "${P}web" cat /www/index.html
is "$RC" 0 "exec: exit status 0"
is "$(out)" hello "exec: output"
run B exec "${P}web" seq 1 100000
is "$(md5sum <"$OUT")" "$(seq 1 100000 | md5sum)" "exec: 100000 lines intact"
# Sessions: -t (a terminal, no input), -i (input without a terminal). The end of
# the input closes the command's stdin only: later output and the exit status
# still arrive, as with docker exec.
for o in -t -i; do
	D exec $o "${P}web" sh -c 'sleep 1; echo x; exit 3' </dev/null >"$W/dexec.out" 2>&1; drc=$?
	run B exec $o "${P}web" sh -c 'sleep 1; echo x; exit 3'
	is "$RC:$(tr -d '\r' <"$OUT")" "$drc:$(tr -d '\r' <"$W/dexec.out")" "exec $o </dev/null: output after the input ended, and the status, as docker exec" ||
		tap_show_last
done
printf 'hello\n' >"$W/in.txt"
RUN_DEADLINE=30 run sh -c "B exec -i '${P}web' sh -c 'cat; sleep 1; echo after; echo err >&2; exit 4' <'$W/in.txt'"
is "$RC:$(out):$(err)" "4:hello
after:err" "exec -i: the input reaches the command, its end closes stdin only, stdout and stderr apart"
# Output written as the command ends, after a second of silence: the engine
# records the exit before it has passed on the last bytes, which must still come.
RUN_DEADLINE=30 run sh -c "B exec -i '${P}web' sh -c 'cat >/dev/null; sleep 1; seq 1 3000; echo err >&2; exit 4' <'$W/in.txt'"
is "$RC:$(wc -l <"$OUT"):$(tail -n 1 "$OUT"):$(err)" "4:3000:3000:err" \
	"exec -i: output the command writes as it ends, after a silence, all arrives"
RUN_DEADLINE=30 run B exec -t "${P}web" sh -c 'sleep 1; seq 1 3000; exit 4'
is "$RC:$(tr -d '\r' <"$OUT" | wc -l)" "4:3000" "exec -t: output the command writes as it ends, after a silence, all arrives"
run sh -c "B exec -it '${P}web' sh <'$W/in.txt'"
[ "$RC" = 1 ] && one_error_line && grep -q 'not a terminal' "$ERR"
ok $? "exec -it with input from a file: refused in one line, as docker exec does" || tap_show_last
if command -v tmux >/dev/null; then
	# A terminal session follows the window's size (the exec resize call on SIGWINCH).
	TM="tmux -L berth-exec-$$"
	$TM new-session -d -s s -x 100 -y 30 "B exec -it '${P}web' sh; echo EXIT=\$?; sleep 60"
	tm_wait() { local i; for i in $(seq 150); do $TM capture-pane -p -t s | grep -q -- "$1" && return 0; sleep 0.2; done; return 1; }
	tm_wait '^/ #'; ok $? "exec -it in tmux: the shell's prompt" || diag "$($TM capture-pane -p -t s)"
	$TM send-keys -t s 'stty size' Enter
	tm_wait '^30 100'; ok $? "exec -it in tmux: the terminal has the window's size" || diag "$($TM capture-pane -p -t s)"
	$TM resize-window -t s -x 70 -y 20
	$TM send-keys -t s 'clear; stty size' Enter
	tm_wait '^20 70'; ok $? "exec -it in tmux: a resized window resizes the container's terminal" || diag "$($TM capture-pane -p -t s)"
	$TM send-keys -t s 'exit 7' Enter
	tm_wait '^EXIT=7'; ok $? "exec -it in tmux: berth exits with the shell's status" || diag "$($TM capture-pane -p -t s)"
	$TM kill-server
else
	skip 4 "no tmux for the terminal session tests"
fi
run B exec "${P}done" true
is "$RC" 1 "exec: a stopped container fails with status 1"
one_error_line && grep -qiE 'not running|stopped|exited' "$ERR"; ok $? "exec: a stopped container gives one clear line" || tap_show_last

# ---------------------------------------------------------------- cp
T=$W/tree
mkdir -p "$T/sub/deeper" "$T/empty" "$T/dir with space"
printf 'alpha\n' >"$T/a"
printf '#!/bin/sh\necho hi\n' >"$T/sub/run.sh"
printf 'spaced\n' >"$T/dir with space/name with spaces.txt"
head -c 70000 /dev/urandom >"$T/sub/deeper/blob.bin"
ln -s a "$T/link-to-a"
ln -s sub/deeper "$T/link-to-dir"
ln -s no-such-file "$T/dangling"
chmod 755 "$T"; chmod 640 "$T/a"; chmod 755 "$T/sub/run.sh"; chmod 600 "$T/sub/deeper/blob.bin"
chmod 750 "$T/sub"; chmod 700 "$T/empty"
tree_listing "$T" >"$W/tree.list"
CTR=${P}web

run B cp "$T" "$CTR:/tmp/"
is "$RC" 0 "cp to: a tree into an existing directory"
D cp "$CTR:/tmp/tree" "$W/back1"
tree_listing "$W/back1" >"$W/back1.list"
cmp -s "$W/tree.list" "$W/back1.list"; ok $? "cp to: docker cp reads back the same tree (modes, symlinks, spaces, empty dir)" ||
	diag "$(diff "$W/tree.list" "$W/back1.list")"
run B cp "$CTR:/tmp/tree" "$W/out1"
is "$RC" 0 "cp from: a tree to a new host path" || tap_show_last
tree_listing "$W/out1" >"$W/out1.list"
cmp -s "$W/tree.list" "$W/out1.list"; ok $? "cp from: the same tree comes back" || diag "$(diff "$W/tree.list" "$W/out1.list")"
D exec "$CTR" mkdir -p /tmp/dsrc
D cp "$T" "$CTR:/tmp/dsrc/"
run B cp "$CTR:/tmp/dsrc/tree" "$W/out2"
tree_listing "$W/out2" >"$W/out2.list"
cmp -s "$W/tree.list" "$W/out2.list"; ok $? "cp from: a tree that docker cp put in" || diag "$(diff "$W/tree.list" "$W/out2.list")"

# Destination rules, to the container: the same copy with docker cp (into
# /tmp/rd) and with berth cp (into /tmp/rb) must give the same result.
cp_to_case() # DESC SRC DEST-under-the-rules-dir
{
	local desc=$1 src=$2 dst=$3 drc brc
	D exec "$CTR" sh -c 'rm -rf /tmp/rd /tmp/rb && for d in /tmp/rd /tmp/rb; do mkdir -p $d/dir && echo old >$d/file; done'
	D cp "$src" "$CTR:/tmp/rd/$dst" >/dev/null 2>&1; drc=$?
	run B cp "$src" "$CTR:/tmp/rb/$dst"; brc=$RC
	rm -rf "$W/rd" "$W/rb"
	D cp "$CTR:/tmp/rd" "$W/rd" && D cp "$CTR:/tmp/rb" "$W/rb"
	[ $((drc == 0)) = $((brc == 0)) ] && [ "$(tree_listing "$W/rd")" = "$(tree_listing "$W/rb")" ]
	ok $? "cp to, like docker cp: $desc" || { diag "docker cp: $drc, berth cp: $brc"; tap_show_last; diag "$(diff <(tree_listing "$W/rd") <(tree_listing "$W/rb"))"; }
}
cp_to_case "file into an existing directory" "$T/a" dir
cp_to_case "file to a new name" "$T/a" newname
cp_to_case "file over an existing file" "$T/a" file
cp_to_case "file to a missing directory (trailing /) fails" "$T/a" nodir/
cp_to_case "directory into an existing directory" "$T" dir
cp_to_case "directory to a new name" "$T" newdir
cp_to_case "directory over an existing file fails" "$T" file
cp_to_case "directory contents (SRC/.) into an existing directory" "$T/." dir
cp_to_case "a symlink is copied as a symlink" "$T/link-to-a" dir
cp_to_case "a symlink to a directory, given with a trailing /, copies the directory" "$T/link-to-dir/" dir
cp_to_case "a symlink to a directory, with a trailing /, to a new name" "$T/link-to-dir/" newdir

# Destination rules, to the host.
D exec "$CTR" sh -c 'rm -rf /tmp/src && mkdir -p /tmp/src/d/e && echo f >/tmp/src/d/f && echo g >/tmp/src/g && ln -s g /tmp/src/lg && ln -s d /tmp/src/ld'
cp_from_case() # DESC SRC-in-container DEST-under-the-rules-dir
{
	local desc=$1 src=$2 dst=$3 drc brc d
	rm -rf "$W/hd" "$W/hb"
	for d in "$W/hd" "$W/hb"; do mkdir -p "$d/dir"; echo old >"$d/file"; done
	D cp "$CTR:$src" "$W/hd/$dst" >/dev/null 2>&1; drc=$?
	run B cp "$CTR:$src" "$W/hb/$dst"; brc=$RC
	[ $((drc == 0)) = $((brc == 0)) ] && [ "$(tree_listing "$W/hd")" = "$(tree_listing "$W/hb")" ]
	ok $? "cp from, like docker cp: $desc" || { diag "docker cp: $drc, berth cp: $brc"; tap_show_last; diag "$(diff <(tree_listing "$W/hd") <(tree_listing "$W/hb"))"; }
}
cp_from_case "file into an existing directory" /tmp/src/g dir
cp_from_case "file to a new name" /tmp/src/g newname
cp_from_case "file over an existing file" /tmp/src/g file
cp_from_case "file to a missing directory (trailing /) fails" /tmp/src/g nodir/
cp_from_case "directory into an existing directory" /tmp/src/d dir
cp_from_case "directory to a new name" /tmp/src/d newdir
cp_from_case "directory over an existing file fails" /tmp/src/d file
cp_from_case "directory contents (SRC/.) into an existing directory" /tmp/src/d/. dir
cp_from_case "a symlink is copied as a symlink" /tmp/src/lg dir
cp_from_case "a symlink to a directory, given with a trailing /, copies the directory" /tmp/src/ld/ dir

# Tar streams.
run B cp "$CTR:/tmp/tree" -
is "$RC" 0 "cp CONTAINER:PATH -: exit status 0"
tar -tf "$OUT" 2>/dev/null | sed 's,/$,,' | LC_ALL=C sort >"$W/b.tarlist"
D cp "$CTR:/tmp/tree" - | tar -tf - | sed 's,/$,,' | LC_ALL=C sort >"$W/d.tarlist"
[ -s "$W/b.tarlist" ] && cmp -s "$W/b.tarlist" "$W/d.tarlist"; ok $? "cp CONTAINER:PATH -: the same entries as docker cp's tar" ||
	diag "$(diff "$W/d.tarlist" "$W/b.tarlist")"
mkdir -p "$W/untar" && tar -C "$W/untar" -xf "$OUT" 2>/dev/null
[ "$(tree_listing "$W/untar/tree")" = "$(cat "$W/tree.list")" ]; ok $? "cp CONTAINER:PATH -: the stream holds the tree"
D exec "$CTR" mkdir -p /tmp/stream
tar -C "$T" -cf "$W/in.tar" .
run B cp - "$CTR:/tmp/stream" <"$W/in.tar"
is "$RC" 0 "cp - CONTAINER:DIR: exit status 0"
rm -rf "$W/stream" && D cp "$CTR:/tmp/stream" "$W/stream"
cmp -s "$W/tree.list" <(tree_listing "$W/stream"); ok $? "cp - CONTAINER:DIR: the tar stream was unpacked there" ||
	diag "$(diff "$W/tree.list" <(tree_listing "$W/stream"))"

# Failed copies leave nothing behind.
run B cp "$CTR:/tmp/no-such-path" "$W/nothing"
is "$RC" 1 "cp from a missing path: exit status 1"
one_error_line; ok $? "cp from a missing path: one 'berth: ' line"
[ ! -e "$W/nothing" ]; ok $? "cp from a missing path: no destination created"
run B cp "$W/no-such-source" "$CTR:/tmp/x"
is "$RC" 1 "cp a missing host path: exit status 1"
# A copy the engine refuses keeps the engine's reason (a HEAD answer has no body).
D exec "$CTR" sh -c 'echo x >/tmp/plain'
for case in "$CTR:/tmp/plain/x $W/under" "$CTR:/tmp/plain/. $W/under" "$T/a $CTR:/tmp/plain/sub" "$T $CTR:/tmp/plain/sub/"; do
	D cp $case 2>"$W/dcp.err" >/dev/null; drc=$?
	run B cp $case
	reason=$(sed -n 's/^Error response from daemon: //p' "$W/dcp.err")
	[ $((drc == 0)) = $((RC == 0)) ] && { [ "$RC" = 0 ] || { one_error_line && ! grep -q 'answered HTTP' "$ERR"; }; }
	ok $? "cp ${case//$W\//}: fails as docker cp does, with a reason" || { diag "docker cp: $drc $(cat "$W/dcp.err")"; tap_show_last; }
	if [ "$ENGINE" = docker ] && [[ $reason == lstat* ]]; then
		grep -qF -- "$reason" "$ERR"; ok $? "cp ${case//$W\//}: the engine's own words, as docker cp shows them" || tap_show_last
	fi
	rm -rf "$W/under"
done
D exec "$CTR" sh -c 'mkdir -p /tmp/big && head -c 3000000 /dev/urandom >/tmp/big/f1 && head -c 3000000 /dev/urandom >/tmp/big/f2'
mkdir -p "$W/small"
if mount -t tmpfs -o size=4m tmpfs "$W/small" 2>/dev/null; then
	run B cp "$CTR:/tmp/big" "$W/small/new"
	is "$RC" 1 "cp from, disk full half-way: exit status 1"
	[ ! -e "$W/small/new" ] && [ -z "$(ls -A "$W/small")" ]; ok $? "cp from, disk full half-way: no partial destination left" ||
		diag "$(cd "$W/small" && find . | head)"
	umount "$W/small"
else
	skip 2 "cannot mount a small tmpfs here (needs root)"
fi

# A symlink that points outside the destination is refused, and nothing is left.
D exec "$CTR" sh -c 'mkdir -p /tmp/esc/d && echo x >/tmp/esc/d/x && ln -s /etc/passwd /tmp/esc/d/abs && ln -s ../../../../etc /tmp/esc/d/up'
run B cp "$CTR:/tmp/esc/d" "$W/esc"
is "$RC" 1 "cp from, symlinks pointing outside: refused with status 1"
one_error_line; ok $? "cp from, symlinks pointing outside: one 'berth: ' line" || tap_show_last
[ ! -e "$W/esc" ] && [ ! -L "$W/esc" ]; ok $? "cp from, symlinks pointing outside: no partial destination left"

# ---------------------------------------------------------------- ports, ips, pid
run B ports "${P}web"
is "$RC" 0 "ports: exit status 0"
is "$(LC_ALL=C sort "$OUT")" "$(printf '80/tcp -> 127.0.0.1:%s\n8080/tcp' "$HP")" "ports: published and exposed ports"
run B ips "${P}web"
is "$(out)" "$WEB_IP" "ips: the address docker inspect shows"
run B ips -4 "${P}web"
is "$(out)" "$WEB_IP" "ips -4: the IPv4 address"
run B ips -6 "${P}web"
is "$RC:$(out)" "0:" "ips -6: none (no IPv6 on this network)"
run B pid "${P}web"
is "$(out)" "$(inspect_field "${P}web" '{{.State.Pid}}')" "pid: the root process's pid, as docker inspect shows"
run B pid "${P}done"
is "$(out)" 0 "pid: 0 when not running"

# ---------------------------------------------------------------- port-open
run B port-open "${P}web" 80
is "$RC" 0 "port-open: an open port"
run B port-open --timeout 1 "${P}web" 81
is "$RC" 1 "port-open: a closed port"
[ "$MS" -lt 15000 ]; ok $? "port-open --timeout 1: answers, no hang (${MS} ms)"
run B port-open --timeout 1 "${P}done" 80
is "$RC" 1 "port-open: a stopped container"

# ---------------------------------------------------------------- http
run B http "${P}web" /index.html
is "$RC:$(out)" "0:hello" "http: GET a file"
run B http "${P}web"
is "$RC:$(out)" "0:hello" "http: GET / by default"
run B http -p 80 "${P}web" /index.html
is "$RC:$(out)" "0:hello" "http -p 80: the given port"
run B http --host 127.0.0.1 -p "$HP" "${P}web" /index.html
is "$RC:$(out)" "0:hello" "http --host 127.0.0.1 -p $HP: the published port"
run B http -X POST -d 'a=1&b=2' "${P}web" /cgi-bin/echo
is "$RC:$(out)" "$(printf '0:POST\na=1&b=2')" "http -X POST -d: the method and the body reach the server"
run B http -X PUT "${P}web" /cgi-bin/echo
is "$RC:$(out)" "0:PUT" "http -X PUT: the method"
# Redirects: followed within the container (conu's client, requests, follows
# them too), at most 5, never to another host or port.
printf '#!/bin/sh\nprintf "Status: 302 Found\\r\\nLocation: %s\\r\\n\\r\\nmoved\\n"\n' /cgi-bin/loop >"$W/loop.cgi"
printf '#!/bin/sh\nprintf "Status: 302 Found\\r\\nLocation: %s\\r\\n\\r\\nmoved\\n"\n' http://127.0.2.1:81/x >"$W/away.cgi"
printf '#!/bin/sh\nprintf "Status: 307 Temporary Redirect\\r\\nLocation: %s\\r\\n\\r\\n"\n' /cgi-bin/echo >"$W/keep.cgi"
chmod 755 "$W"/*.cgi
D exec "${P}web" mkdir -p /www/sub && D exec "${P}web" sh -c 'echo inner >/www/sub/index.html' &&
	D cp "$W/loop.cgi" "${P}web:/www/cgi-bin/loop" && D cp "$W/away.cgi" "${P}web:/www/cgi-bin/away" &&
	D cp "$W/keep.cgi" "${P}web:/www/cgi-bin/keep"
run B http "${P}web" /sub
is "$RC:$(out)" "0:inner" "http: a directory without its slash (302) is followed to its index" || tap_show_last
run B http -X POST -d 'k=v' "${P}web" /cgi-bin/keep
is "$RC:$(out)" "$(printf '0:POST\nk=v')" "http: a 307 keeps the method and the body" || tap_show_last
run B http "${P}web" /cgi-bin/loop
[ "$RC" = 1 ] && one_error_line && grep -q 'more than 5' "$ERR" && [ ! -s "$OUT" ]
ok $? "http: a redirect loop stops after 5 with one line, no body" || tap_show_last
run B http "${P}web" /cgi-bin/away
[ "$RC" = 1 ] && one_error_line && grep -q 'outside the container' "$ERR" && [ ! -s "$OUT" ]
ok $? "http: a redirect to another host is not followed, said in one line" || tap_show_last
run B http "${P}web" /missing.html
is "$RC" 1 "http: exit status 1 on 404"
run B http --json "${P}web" /data.json
is "$RC" 0 "http --json: exit status 0"
is "$(jq -cS . "$OUT" 2>/dev/null)" '{"a":[1,2],"b":"x"}' "http --json: the JSON document"
[ "$(wc -l <"$OUT")" -gt 1 ]; ok $? "http --json: pretty-printed"
run B http --json "${P}web" /index.html
is "$RC" 1 "http --json: a body that is not JSON fails"

# ---------------------------------------------------------------- connect
D run -d --name "${P}echo" --expose 7 "$IMAGE" nc -ll -p 7 -e cat >/dev/null
for i in $(seq 50); do B port-open "${P}echo" 7 >/dev/null 2>&1 && break; sleep 0.2; done
run B connect -p 7 "${P}echo" < <(printf 'ping\n')
is "$RC:$(out)" "0:ping" "connect -p 7: an echo over the container's port"
run B connect "${P}echo" < <(printf 'pong\n')
is "$RC:$(out)" "0:pong" "connect: the only exposed port by default"
run B connect "${P}web" < <(printf 'x\n')
is "$RC" 1 "connect: several exposed ports and no -p is an error"

# ---------------------------------------------------------------- mount
mkdir -p "$W/mnt"
run B mount "${P}web" "$W/mnt"
is "$RC" 0 "mount: exit status 0"
[ -x "$W/mnt/bin/busybox" ] && [ -L "$W/mnt/bin/sh" ]; ok $? "mount: the image's files"
is "$(cat "$W/mnt/www/index.html" 2>/dev/null)" hello "mount: files written in the container"

# ---------------------------------------------------------------- run
HP2=$(free_port)
run B run --name "${P}run1" -p "127.0.0.1:$HP2:80" -e A=B=C -e EMPTY= "$IMAGE" httpd -f -p 80 -h /bin
is "$RC" 0 "run: exit status 0"
RUN_ID=$(inspect_field "${P}run1" '{{.Id}}')
[ -n "$RUN_ID" ] && [[ $(out) =~ ^[0-9a-f]{12,64}$ ]] && [ "${RUN_ID#"$(out)"}" != "$RUN_ID" ]; ok $? "run: prints the new container's id"
wait_status "${P}run1" running; ok $? "run: the container runs"
inspect_field "${P}run1" '{{json .Config.Env}}' | jq -e 'index("A=B=C") != null and index("EMPTY=") != null' >/dev/null
ok $? "run -e: the environment"
is "$(inspect_field "${P}run1" '{{json .Config.Cmd}}')" '["httpd","-f","-p","80","-h","/bin"]' "run: the command"
is "$(inspect_field "${P}run1" '{{(index (index .HostConfig.PortBindings "80/tcp") 0).HostIp}}:{{(index (index .HostConfig.PortBindings "80/tcp") 0).HostPort}}')" \
	"127.0.0.1:$HP2" "run -p: the port binding"
run B run --no-start --name "${P}run2" "$IMAGE" sleep 100000
is "$RC" 0 "run --no-start: exit status 0"
is "$(inspect_field "${P}run2" '{{.State.Status}}')" created "run --no-start: created, not started"
run B run --wait --name "${P}run3" "$IMAGE" sleep 100000
is "$RC" 0 "run --wait: exit status 0"
is "$(inspect_field "${P}run3" '{{.State.Status}}')" running "run --wait: running when it returns"
first=$(out)
run B run --idempotent --name "${P}run3" "$IMAGE" sleep 100000
is "$RC:$(out)" "0:$first" "run --idempotent: the same container again"
is "$(D ps -a --format '{{.Names}}' | grep -c "^${P}run3\$")" 1 "run --idempotent: no second container"
run B run --name "${P}run3" "$IMAGE" sleep 100000
is "$RC" 1 "run: a name in use fails with status 1"
one_error_line; ok $? "run: a name in use gives one 'berth: ' line"
run B run --name "${P}nocmd" "$IMAGE"
is "$RC" 1 "run: an image without a command and none given fails with status 1"
one_error_line; ok $? "run: the engine's refusal is one 'berth: ' line" || tap_show_last
run B run --name "${P}run4" "${P}no/such-image:latest" true
is "$RC" 1 "run: a missing image fails with status 1"
! D inspect "${P}run4" >/dev/null 2>&1; ok $? "run: a missing image leaves no container"

# ---------------------------------------------------------------- snapshot
run B snapshot "${P}web" "${P}snap" v1
is "$RC" 0 "snapshot: exit status 0"
snap=$(D image inspect -f '{{.Id}}' "${P}snap:v1" 2>/dev/null)
[ -n "$snap" ] && D images --format '{{.Repository}}:{{.Tag}}' | grep -q "${P}snap:v1\$"
ok $? "snapshot: the image appears in docker images"
got=$(out); got=${got#sha256:}
[ ${#got} -ge 12 ] && [ "${snap#sha256:"$got"}" != "$snap" ]; ok $? "snapshot: prints the image id (got '$(out)', image $snap)"
is "$(D run --rm "${P}snap:v1" cat /www/index.html 2>/dev/null)" hello "snapshot: the image holds the container's files"

# ---------------------------------------------------------------- Zun-only verbs
zun_only() # DESC ARGS...
{
	local desc=$1
	shift
	run B "$@"
	[ "$RC" = 1 ] && one_error_line && grep -qi zun "$ERR"
	ok $? "$desc on $ENGINE: status 1 and one sentence naming Zun" || tap_show_last
}
zun_only "fip list" fip list
zun_only "fip associate" fip associate "${P}web"
zun_only "fip dissociate" fip dissociate "${P}web"
zun_only "leases" leases
zun_only "run --reservation" run --reservation 00000000-0000-0000-0000-000000000000 --name "${P}resv" "$IMAGE" true
! D inspect "${P}resv" >/dev/null 2>&1; ok $? "run --reservation on $ENGINE: no container created"

# ---------------------------------------------------------------- endpoints, version
# The engine's version without a distribution's suffix (20.10.24+dfsg1).
ENGINE_VERSION=$(D version --format '{{.Server.Version}}')
ENGINE_VERSION=${ENGINE_VERSION%%+*}
run env DOCKER_HOST="unix://$SOCK" "$BERTH" endpoints
is "$RC" 0 "endpoints: exit status 0"
grep -qF "$SOCK" "$OUT" && grep -qF "$ENGINE_VERSION" "$OUT"; ok $? "endpoints: the engine, answering with version $ENGINE_VERSION" ||
	tap_show_last
PACKAGE_VERSION=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$TOP_BUILDDIR/config.h")
run B --version
is "$RC" 0 "--version: exit status 0"
grep -qF "$PACKAGE_VERSION" "$OUT"; ok $? "--version: berth $PACKAGE_VERSION"
run B version
is "$RC" 0 "version: exit status 0"
grep -qF "$PACKAGE_VERSION" "$OUT" && grep -qF "$ENGINE_VERSION" "$OUT"; ok $? "version: berth's and the engine's versions" || tap_show_last

# ---------------------------------------------------------------- unknown container
N=${P}no-such-container
for args in "status" "inspect" "show" "start" "stop" "restart" "kill" "rm" "wait" "logs" "exec:true" \
	"ports" "ips" "pid" "port-open:80" "http" "connect" "mount:$W/m2" "snapshot:${P}x" "cp:$N:/etc/hostname:$W/cpx"; do
	verb=${args%%:*}
	IFS=: read -r -a rest <<<"${args#"$verb"}"
	case $verb in
	cp)    run B cp "$N:/etc/hostname" "$W/cpx" ;;
	*)     run B "$verb" "$N" "${rest[@]:1}" ;;
	esac
	is "$RC:$(err)" "1:berth: no such container: $N" "$verb: an unknown container is 'berth: no such container: NAME', status 1"
done

cleanup
trap - EXIT
tap_done
