#!/bin/bash
# tmux-escape.sh: a container whose label, log and exec output carry terminal
# escapes (OSC 0 retitle, CSI 2J clear) must change neither the terminal's
# title nor its screen.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-dash-$$
EVIL=$(printf '\033]0;pwned\007\033[2J')

# Control: the raw sequence does retitle a tmux pane, so the checks below mean something.
tm -f /dev/null new-session -d -s ctl -x 80 -y 10 "printf '\\033]0;pwned\\007'; sleep 30"
at_exit "tmux -L $TMUX_L kill-server >/dev/null 2>&1"
deadline=$(( $(now_ms) + 5000 ))
while [ "$(tm display -p -t ctl '#{pane_title}')" != pwned ] && [ "$(now_ms)" -lt $deadline ]; do sleep 0.02; done
[ "$(tm display -p -t ctl '#{pane_title}')" = pwned ]
ok $? "control: printed raw, the sequence retitles a tmux pane"
tm kill-session -t ctl

ctr $P-esc --label "evil=${EVIL}x" --hostname evil "$IMAGE" sh -c \
	'while true; do printf "\033]0;pwned\007\033[2J after-escape\n"; sleep 0.2; done'
tm_start 120 30 "$BERTH -H unix://$DOCKER_SOCK"
tm select-pane -t s -T clean
wait_for "connected" 15 >/dev/null
set_filter "$P-esc"
wait_row "$P-esc" running >/dev/null
tm send-keys -t s l
wait_for "after-escape" 10
ok $? "the log line shows, without its escapes"
tm send-keys -t s Enter
wait_for "evil=x" 5
ok $? "details show the label with its escapes removed"
tm send-keys -t s Escape
tm send-keys -t s e
wait_for "exec in" 5 >/dev/null
tm send-keys -t s -l "printf '\\033]0;pwned\\007\\033[2Jexec-done'"
tm send-keys -t s Enter
wait_for "exec-done" 5
ok $? "exec output shows, without its escapes"
tm send-keys -t s Escape
wait_gone "exec-done" 5 >/dev/null
[ "$(tm display -p -t s '#{pane_title}')" = clean ]
ok $? "the terminal's title is unchanged ($(tm display -p -t s '#{pane_title}'))"
screen | sed -n 1p | grep -q "berth ·" && screen | grep -q "NAME"
ok $? "the screen was not cleared: title bar and table header are there"
screen | grep -q pwned
ok $(( ! $? )) "no escape payload text reaches the screen"
done_testing
