#!/bin/bash
# tmux-monitor.sh: health and trouble in the dashboard, in a real terminal
# against the Docker engine: a container whose health check fails turns
# unhealthy in the FLAGS column, one restarted by its policy shows its restart
# count there (a symbol, R3, in a narrow terminal), one killed past its memory
# limit shows oom, notices in the message line when a running
# container dies or a check turns unhealthy, the filter's health:, state:
# and oom words, the CPU HIST sparkline (ASCII under LANG=C), and the
# processes in details, and the events view.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-dash-mon-$$
ctr $P-sick --health-cmd 'false' --health-interval 1s "$IMAGE" sleep 100000
ctr $P-calm "$IMAGE" sleep 100000
ctr $P-gone "$IMAGE" sh -c 'exit 3'
ctr $P-burn "$IMAGE" sh -c 'while :; do :; done'
ctr $P-flaky --restart on-failure:3 "$IMAGE" sh -c 'sleep 0.3; exit 1'
ctr $P-hog -m 8m --memory-swap 8m "$IMAGE" sh -c 'head -c 64m /dev/zero | tail >/dev/null'

# The rows, not the message line: a notice there (the last one stays until
# another replaces it) may name any container.
rows() { screen | sed '$d'; }
row_gone() { ! rows | grep -qF -- "$1"; }
wait_row_gone() { wait_until "$2" row_gone "$1" || timed_out "the row of $1 to go"; }

tm_start 160 30 "$BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P"
wait_row "$P-calm" running && wait_row "$P-gone" "exited (3)" && wait_row "$P-burn" running
ok $? "the table shows the three containers"
wait_row "$P-sick" unhealthy 60 && shows FLAGS
ok $? "a failing health check turns the row unhealthy in the FLAGS column"
! screen | grep -F "$P-calm " | grep -q 'healthy\|starting'
ok $? "a container without a health check shows no health"
wait_row "$P-flaky" "restarts 3" 60
ok $? "a container its policy restarted three times shows restarts 3 in FLAGS"
wait_row "$P-hog" "exited (137)" 30 && wait_row "$P-hog" oom 30
ok $? "a container killed past its memory limit shows oom in FLAGS"
set_filter "$P oom"
only_hog() { rows | grep -qF "$P-hog " && ! rows | grep -qF "$P-flaky" && ! rows | grep -qF "$P-calm"; }
wait_until 10 only_hog && ! rows | grep -qF "$P-gone"
ok $? "the filter word oom keeps the OOM-killed containers only"
set_filter "$P"
wait_for "$P-calm" 10 >/dev/null

# Notices: trouble that starts while the dashboard watches, in the message line.
dk stop -t 0 $P-calm >/dev/null
wait_for "$P-calm on unix://$DOCKER_SOCK died (exit 137" 20
ok $? "a running container stopped by the docker CLI raises a notice with its exit code"
ctr $P-sick2 --health-cmd 'false' --health-interval 1s "$IMAGE" sleep 100000
wait_for "$P-sick2 on unix://$DOCKER_SOCK turned unhealthy" 60
ok $? "a health check that turns unhealthy raises a notice"
screen | grep -q "filter \"$P\"\|^ *NAME" && ! screen | grep -q "logs $P-sick2"
ok $? "the notice leaves the focus and the panes as they were"

# The events view: the docker stop above, newest first, filterable.
tm send-keys -t s v
wait_for "events" 5 && wait_until 20 shows "$P-calm  die  exit 137" && shows "$P-calm  kill  signal"
ok $? "v opens the events view: the stopped container's kill and die, with signal and exit code" ||
	screen | sed 's/^/#   /'
set_filter "$P-calm die"
wait_until 10 shows "$P-calm  die  exit 137" && ! rows | grep -q "  kill  "
ok $? "the events view's filter keeps the matching events only"
tm send-keys -t s Escape
# Other tests' events may have pushed $P-calm's off the screen by now: any
# event but the filtered one proves the filter gone.
filter_cleared() {
	! shows 'events · filter' &&
		screen | grep -vF -- "$P-calm  die" | grep -qE '  (kill|die|start|stop|create|destroy|restart)  '
}
wait_until 10 filter_cleared
ok $? "Esc clears the events view's filter" || screen | sed 's/^/#   /'

tm send-keys -t s Escape
wait_for "NAME" 5 >/dev/null
dk start $P-calm >/dev/null
wait_row "$P-calm" running 30 >/dev/null

set_filter "$P health:unhealthy"
wait_row_gone "$P-calm" 10 && shows "$P-sick " && row_gone "$P-gone"
ok $? "health:unhealthy keeps the unhealthy containers only"
set_filter "$P state:exited"
wait_for "$P-gone" 10 && wait_row_gone "$P-sick" 10 && wait_row_gone "$P-calm" 10
ok $? "state:exited keeps the exited container only"
set_filter "health:none $P-c"
wait_for "$P-calm" 10 && row_gone "$P-sick"
ok $? "health:none with text: the unchecked container whose name matches"

# Details: the container's processes, asked again while the view is open.
set_filter "$P-calm"
wait_row "$P-calm" running 10 >/dev/null
tm send-keys -t s Enter
wait_for "details $P-calm" 10 && wait_until 20 shows "sleep 100000" && shows "Processes" && shows "PID"
ok $? "details show the container's processes (docker top's columns)" || screen | sed 's/^/#   /'
dk exec -d $P-calm sleep 4242
wait_until 30 shows "sleep 4242"
ok $? "details ask for the processes again while open: a new one shows"
# The summary follows the lists while the view is open.
dk kill $P-calm >/dev/null
wait_until 30 shows_re "Status +exited \(137\)" && wait_until 30 shows "none: it is not running"
ok $? "details follow the container while open: killed, its status and processes say so" ||
	screen | sed 's/^/#   /'
dk start $P-calm >/dev/null
wait_until 30 shows_re "Status +running" && wait_until 30 shows "sleep 100000"
ok $? "... started again: running, its processes asked for again" || screen | sed 's/^/#   /'
tm send-keys -t s Escape
wait_gone "details $P-calm" 5 >/dev/null

# The stats view: graphs of the burning container's samples, with scales.
set_filter "$P-burn"
wait_gone "$P-calm" 10 >/dev/null
sparkline() { rows | grep -F "$P-burn " | grep -q '[▁▂▃▄▅▆▇█]'; }
shows "CPU HIST" && wait_until 30 sparkline
ok $? "the table's CPU HIST column draws the busy container's last samples" || screen | sed 's/^/#   /'
graphed() { screen | grep -qE '^CPU +[0-9.]+% +scale 0 to [0-9.]+%' && screen | grep -q '[▁▂▃▄▅▆▇█]'; }
tm send-keys -t s u
wait_for "stats $P-burn on unix://$DOCKER_SOCK" 10 && wait_until 30 graphed
ok $? "u opens the stats view: the CPU graph of the busy container, with its scale" || screen | sed 's/^/#   /'
screen | grep -qE '^memory +[0-9.]+ [KM]iB' && screen | grep -qE '^net rx' && screen | grep -qE '^block write' &&
	screen | grep -qE '^PIDs +1 '
ok $? "the stats view has memory, network, block I/O and PIDs with units"
tm send-keys -t s Escape
wait_gone "stats $P-burn" 5
ok $? "Esc closes the stats view"
tm send-keys -t s q
wait_until 10 gone "$(pane_pid)" >/dev/null

# A narrow terminal: the flags as symbols (R3 for three restarts).
tm kill-session -t s
tm_start 72 30 "$BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-flaky"
flag_symbols() { rows | grep -F 'exited (1)' | grep -qE ' R3 *$'; }
wait_until 20 flag_symbols && ! shows "restarts 3"
ok $? "a narrow terminal shows the restart count as a symbol (R3)"
tm send-keys -t s q
wait_until 10 gone "$(pane_pid)" >/dev/null

# Under a non-UTF-8 locale the graphs are plain ASCII.
tm kill-session -t s
tm_start 160 30 "env LANG=C LC_ALL=C $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-burn"
wait_row "$P-burn" running 10 >/dev/null
ascii_sparkline() { rows | grep -F "$P-burn " | grep -q '#'; }
wait_until 90 ascii_sparkline && ! shows '█'
ok $? "under LANG=C the CPU HIST column is drawn with ASCII characters" || screen | sed 's/^/#   /'

tm send-keys -t s u
ascii_graphed() { screen | grep -qE '^PIDs +1 ' && screen | grep -qE '^ *#+ *$' && ! screen | grep -q '█'; }
wait_for "stats $P-burn" 10 >/dev/null && wait_until 90 ascii_graphed
ok $? "under LANG=C the graphs are drawn with ASCII characters" || screen | sed 's/^/#   /'

tm send-keys -t s q
done_testing
