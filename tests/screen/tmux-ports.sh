#!/bin/bash
# tmux-ports.sh: a container's port from its row, in a real terminal against
# the Docker engine: W probes a port (open or closed), makes a GET / and shows
# the URL to give others; y copies the id, name or URL to the clipboard with
# OSC 52 (tmux, with set-clipboard on, keeps it as a paste buffer).
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-dash-ports-$$
ctr $P-web -p 127.0.0.1::80 "$IMAGE" sh -c 'echo hello-from-$HOSTNAME >/tmp/index.html; exec httpd -f -p 80 -h /tmp'
ctr $P-shut -p 127.0.0.1::81 "$IMAGE" sleep 100000
web_port=$(dk port $P-web 80/tcp | head -n 1 | sed 's/.*://')
web_id=$(dk inspect -f '{{.Id}}' $P-web)
web_host=$(dk inspect -f '{{.Config.Hostname}}' $P-web)

# probe PORT: P, the port (may be empty), Enter.
probe() {
	tm send-keys -t s W
	wait_for "probe which port" 5 >/dev/null
	[ -z "$1" ] || tm send-keys -t s -l "$1"
	tm send-keys -t s Enter
}

tm_start 140 30 "$BERTH -H unix://$DOCKER_SOCK"
tm set-option -g set-clipboard on
wait_for "connected" 15 >/dev/null

set_filter "$P-web"
wait_row "$P-web" running 15 >/dev/null
probe ""
wait_for "open (a TCP connection was accepted)" 20
ok $? "W then Enter: the port it exposes is open"
shows "GET /: HTTP 200" && shows "hello-from-$web_host"
ok $? "the GET / answer is shown: status and body" || screen | sed 's/^/#   /'
shows "URL for others: http://127.0.0.1:$web_port/"
ok $? "the URL for others is the published port on the engine's host ($web_port)"
tm send-keys -t s Escape
wait_gone "URL for others" 5

probe 99999
wait_for "99999 is not a port" 5
ok $? "a port out of range is refused in one sentence"

set_filter "$P-shut"
wait_row "$P-shut" running 15 >/dev/null
probe 81
wait_for "closed (no connection)" 20
ok $? "a port nobody listens on is said closed"
hides "GET /"
ok $? "no request is made on a closed port"
tm send-keys -t s Escape
wait_gone "closed (no connection)" 5

# The clipboard: tmux takes OSC 52 into a paste buffer.
set_filter "$P-web"
wait_row "$P-web" running 15 >/dev/null
tm send-keys -t s y
wait_for "copy to the clipboard, of $P-web" 5 >/dev/null
tm send-keys -t s 1
wait_for "copied to the clipboard: $web_id" 5 && [ "$(tm show-buffer 2>/dev/null)" = "$web_id" ]
ok $? "y 1: the full id is on the clipboard" || diag "buffer: $(tm show-buffer 2>&1)"
tm send-keys -t s y
wait_for "copy to the clipboard, of $P-web" 5 >/dev/null
tm send-keys -t s 3
wait_until 5 eval '[ "$(tm show-buffer 2>/dev/null)" = "http://127.0.0.1:$web_port/" ]'
ok $? "y 3: the URL for others is on the clipboard" || diag "buffer: $(tm show-buffer 2>&1)"
curl -s --max-time 10 "$(tm show-buffer)" | grep -q "hello-from-$web_host"
ok $? "and that URL answers with the container's page"

set_filter "$P-shut"
wait_row "$P-shut" running 15 >/dev/null
tm send-keys -t s y
wait_for "copy to the clipboard, of $P-shut" 5 >/dev/null
tm send-keys -t s 2
wait_until 5 eval '[ "$(tm show-buffer 2>/dev/null)" = "$P-shut" ]'
ok $? "y 2: the name is on the clipboard"

done_testing
