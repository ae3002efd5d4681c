#!/bin/bash
# tmux-logfilter.sh: the log pane's line filter (&: a text, /regex/, ! inverting
# either; a regex that does not compile said in the message line, the typed
# text kept; Esc clears it) on the lines kept and on lines that come, and its
# time window (T: the last 1 m, 10 m, 1 h, all) asked of the engine again.
# The window's container is a real Docker one whose json-file log gets lines
# stamped 2 h, 30 min and 5 min ago written before its own (docker logs
# --since reads those stamps), so no test waits for time to pass.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-logfilter-$$
ctr $P-talk "$IMAGE" sh -c 'echo "GET /a 200"; echo "get /b 404"; echo "POST /c 500"
	echo "health ok"; sleep 100000'

tm_start 100 30 "exec $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
logs_full "$P-talk"
wait_for "health ok" 10
ok $? "the log pane shows the container's lines"

# log_filter TEXT: type TEXT at the & prompt.
log_filter() {
	tm send-keys -t s '&'
	wait_for "filter lines (text, /regex/, ! inverts):" 5 >/dev/null
	tm send-keys -t s C-u
	tm send-keys -t s -l "$1"
	tm send-keys -t s Enter
}
# only_lines SHOWN... -- HIDDEN...: the pane shows each SHOWN line and no HIDDEN one.
only_lines() {
	local want=1 line
	for line in "$@"; do
		[ "$line" = -- ] && { want=0; continue; }
		if [ $want = 1 ]; then shows "$line" || return 1; else hides "$line" || return 1; fi
	done
}
wait_lines() { wait_until 10 only_lines "$@" || timed_out "the lines: $*"; }

log_filter get
wait_for "· &get" 5 >/dev/null
wait_lines "GET /a 200" "get /b 404" -- "POST /c 500" "health ok"
ok $? "& get keeps the lines holding get, ignoring case; the title names it"
dk exec $P-talk sh -c 'echo "quiet late" >/proc/1/fd/1; echo "GET /late 200" >/proc/1/fd/1'
wait_lines "GET /late 200" -- "quiet late"
ok $? "a line that comes later is filtered too"

log_filter '/ [45][0-9]{2}$/'
wait_lines "get /b 404" "POST /c 500" -- "GET /a 200" "health ok" "GET /late 200"
ok $? "& /RE/ keeps the lines a POSIX extended regex matches"
log_filter '!/ [45][0-9]{2}$/'
wait_lines "GET /a 200" "health ok" "GET /late 200" "quiet late" -- "get /b 404" "POST /c 500"
ok $? "& !/RE/ keeps the others"
log_filter '!get'
wait_lines "POST /c 500" "health ok" "quiet late" -- "GET /a 200" "get /b 404" "GET /late 200"
ok $? "& !text keeps the lines without the text"

log_filter '/a(/'
wait_for "not a regular expression" 5 && screen | tail -n 1 | grep -qF "filter lines (text, /regex/, ! inverts): /a(/"
ok $? "a regex that does not compile: one sentence in the message line, the typed text kept ($(screen | tail -n 1))"
tm send-keys -t s Escape
wait_gone "not a regular expression" 5 >/dev/null
wait_lines "· &!get" "POST /c 500" -- "GET /a 200"
ok $? "Esc at the prompt leaves the filter in force"
tm send-keys -t s Escape
wait_lines "GET /a 200" "get /b 404" "POST /c 500" "GET /late 200" -- "· &"
ok $? "Esc in the pane clears the filter: every line again"
log_filter 'late'
wait_for "· &late" 5 >/dev/null
log_filter ''
wait_lines "GET /a 200" "health ok" -- "· &"
ok $? "an empty filter clears it too"

# The time window. A container that has logged, its log given older lines.
dk rm -f $P-win >/dev/null 2>&1
at_exit "dk rm -f $P-win >/dev/null 2>&1"
dk run --name $P-win "$IMAGE" echo fresh-line >/dev/null
log=$(dk inspect -f '{{.LogPath}}' $P-win)
stamp() { date -u -d "@$(( $(date +%s) - $1 ))" +%Y-%m-%dT%H:%M:%S.000000000Z; }
{
	for age in 7200 1800 300; do
		printf '{"log":"old-%s-line\\n","stream":"stdout","time":"%s"}\n' $age "$(stamp $age)"
	done
	cat "$log"
} >"$log.new" && cat "$log.new" >"$log" && rm -f "$log.new"
[ "$(dk logs $P-win 2>&1 | tr '\n' ' ')" = "old-7200-line old-1800-line old-300-line fresh-line " ]
ok $? "the window's container has lines of 2 h, 30 min and 5 min ago, and its own"

tm send-keys -t s Escape
wait_row "$P-talk" running 5 >/dev/null
set_filter "$P-win"
wait_row "$P-win" exited 10 >/dev/null
tm send-keys -t s l
wait_line 2 "logs $P-win" 5 >/dev/null
wait_lines "old-7200-line" "old-1800-line" "old-300-line" "fresh-line"
ok $? "all: every line the engine keeps"
tm send-keys -t s T
wait_lines "· last 1 m" "fresh-line" -- "old-300-line" "old-1800-line" "old-7200-line"
ok $? "T: the last minute only, the pane cleared and refilled by the engine"
screen | tail -n 1 | grep -qF "log: the engine's lines of the last 1 m"
ok $? "the message line says which window"
tm send-keys -t s T
wait_lines "· last 10 m" "old-300-line" "fresh-line" -- "old-1800-line" "old-7200-line"
ok $? "T again: the last 10 minutes (a line the last window had cleared comes back)"
tm send-keys -t s T
wait_lines "· last 1 h" "old-1800-line" "old-300-line" "fresh-line" -- "old-7200-line"
ok $? "T again: the last hour"
tm send-keys -t s T
wait_lines "old-7200-line" "old-1800-line" "fresh-line" -- "· last"
ok $? "T again: all of it, and the title names no window"
log_filter 'old'
tm send-keys -t s T
wait_lines "· last 1 m" "· &old" -- "fresh-line" "old-300-line"
ok $? "the filter applies to the refilled lines (the last minute has no old line)"

tm_quit
ok $? "q quits"
done_testing
