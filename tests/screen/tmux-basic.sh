#!/bin/bash
# tmux-basic.sh: the dashboard in a real terminal (tmux) against the Docker
# engine: table, live status, logs, exec, kill, filter, sort, resize, help, quit.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-dash-$$
ctr $P-web -p 127.0.0.1::80 "$IMAGE" httpd -f -p 80
ctr $P-log "$IMAGE" sh -c 'while true; do if [ -f /tmp/say ]; then cat /tmp/say; rm -f /tmp/say; fi; sleep 0.05; done'
ctr $P-idle "$IMAGE" sleep 100000
for m in m1 m2; do
	ctr $P-$m "$IMAGE" sh -c 'trap "exit 0" TERM; while true; do sleep 0.1; done'
done

tm_start 120 30 "$BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P"
wait_row "$P-web" running && wait_row "$P-log" running && wait_row "$P-idle" running
ok $? "the table shows the engine's containers with their status"
screen | grep -F "$P-web " | grep -qE -- '->80/tcp'
ok $? "published ports are shown"

t0=$(now_ms)
dk stop -t 0 $P-idle >/dev/null
t1=$(now_ms)
wait_row "$P-idle" "exited (137)"
ok $? "a container stopped with the docker CLI shows exited ($(( $(now_ms) - t1 )) ms after the CLI returned, $(( $(now_ms) - t0 )) ms in all)"

# Filter and sort.
# The rows' names, top to bottom (not the message line's: it may name one).
names() { screen | sed '$d' | grep -oE "$P-(web|log|idle)" | tr '\n' ' '; }
[ "$(names)" = "$P-idle $P-log $P-web " ]
ok $? "rows are sorted by name"
tm send-keys -t s O
wait_for "(reversed)" 5 >/dev/null
[ "$(names)" = "$P-web $P-log $P-idle " ]
ok $? "the sort order reverses: $(names)"
tm send-keys -t s O
set_filter "$P-w"
wait_gone "$P-log" 5 && [ "$(names)" = "$P-web " ]
ok $? "the filter narrows the table as typed: $(names)"

# Logs appear as the container writes them.
set_filter "$P-log"
wait_gone "$P-web" 5 >/dev/null
tm send-keys -t s l
wait_for "logs $P-log" 5 >/dev/null
t0=$(now_ms)
dk exec $P-log sh -c "echo mark-$$-one > /tmp/say"
wait_for "mark-$$-one"
ok $? "a log line shows in the log pane as written ($(( $(now_ms) - t0 )) ms)"
tm send-keys -t s l
wait_line 2 "logs $P-log" 5
ok $? "the log pane goes full screen"
tm send-keys -t s l
wait_gone "logs $P-log" 5 >/dev/null

# Exec: output and exit code in a pane.
tm send-keys -t s e
wait_for "exec in $P-log:" 5 >/dev/null
tm send-keys -t s -l "sh -c 'echo exec-out-$$; exit 3'"
tm send-keys -t s Enter
wait_for "exec-out-$$" 5 && wait_for "exit code 3" 5
ok $? "exec shows the command's output and exit code"
tm send-keys -t s Escape
wait_gone "exec-out-$$" 5 >/dev/null

# Kill asks first, then kills.
set_filter "$P-web"
wait_gone "$P-log" 5 >/dev/null
tm send-keys -t s K
wait_for "Signal to send" 5 >/dev/null
tm send-keys -t s Enter
wait_for "Send SIGKILL to $P-web? [y/N]" 5
r=$?
[ "$(dk inspect -f '{{.State.Running}}' $P-web)" = true ]
ok $(( r + $? )) "kill asks for confirmation and does nothing before it"
tm send-keys -t s y
wait_row "$P-web" "exited (137)" 5 && [ "$(dk inspect -f '{{.State.Running}}' $P-web)" = false ]
ok $? "after y the container is killed and shows exited (137)"
wait_said "sent SIGKILL to $P-web" 10
ok $? "the status line reports the kill"
sleep 2	# a notice would come with the list that shows the end
hides "$P-web on unix://$DOCKER_SOCK died"
ok $? "a container the dashboard killed raises no notice that it died (its action said so)"

# Marks: a bulk stop.
set_filter "$P-m"
wait_row "$P-m1" running >/dev/null && wait_row "$P-m2" running >/dev/null
tm send-keys -t s g Space Space
wait_for "2 marked" 5 >/dev/null
tm send-keys -t s S
wait_row "$P-m1" "exited (0)" 10 && wait_row "$P-m2" "exited (0)" 5 && wait_for "stop: all 2 done" 5
ok $? "Space marks rows and S stops every marked container"

# An interactive shell on the real terminal, then back.
set_filter "$P-log"
wait_gone "$P-m1" 5 >/dev/null
tm send-keys -t s E
wait_for "leave the shell" 10 >/dev/null
wait_for "/ #" 5 >/dev/null
tm send-keys -t s "echo shell-said-$$" Enter
wait_for "shell-said-$$" 5
r=$?
tm send-keys -t s "exit 5" Enter
wait_for "shell in $P-log exited with code 5" 5 && wait_row "$P-log" running 5
ok $(( r + $? )) "E opens a shell in the container and returns to the dashboard"

# Help.
tm send-keys -t s '?'
wait_for "key map" 5 && screen | grep -qE 'K +kill'
ok $? "? shows the live key map"
tm send-keys -t s Escape
wait_gone "key map" 5 >/dev/null

# Resize down to 40x10 and back.
tm resize-window -t s -x 40 -y 10
# Poll: a capture taken while the dashboard is still redrawing shows part of a frame.
deadline=$(( $(now_ms) + 5000 ))
while :; do
	s=$(screen)
	lines=$(printf '%s\n' "$s" | wc -l)
	long=$(printf '%s\n' "$s" | LC_ALL=C.UTF-8 wc -L)
	printf '%s\n' "$s" | sed -n 1p | grep -q berth && printf '%s\n' "$s" | grep -qF "t-dash-" &&
		[ "$lines" -eq 10 ] && [ "$long" -le 40 ]
	r=$?
	[ $r = 0 ] || [ "$(now_ms)" -ge $deadline ] && break
	sleep 0.05
done
ok $r "at 40x10 the title, header and rows fit ($lines lines, widest $long)"
tm resize-window -t s -x 120 -y 30
wait_row "$P-log" running 5
ok $? "back at 120x30 the table is whole again"

BPID=$(pane_pid)
tm send-keys -t s q
deadline=$(( $(now_ms) + 10000 ))
while ! gone "$BPID" && [ "$(now_ms)" -lt $deadline ]; do sleep 0.02; done
st=$(exit_status "$BPID")
[ "$st" = 0 ]
r=$?
[ $r = 0 ] || screen | grep -v '^$' | sed 's/^/# /'
[ $r != 0 ] && diag "exit status '$st'; pid $BPID: $(ps -o stat=,etime= -p $BPID)"
ok $r "q quits with status 0"
done_testing
