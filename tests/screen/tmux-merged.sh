#!/bin/bash
# tmux-merged.sh: the log pane follows the marked containers at once, their
# lines in the engine's timestamp order, each prefixed by its container's name
# (issue 12, item 5); one restarted is followed again; clearing the marks
# returns the pane to the selected container.
# Details show the last health check's exit code, time and output, and nothing
# for a container without a check (item 2).
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-merged-$(($$ % 10000))	# short: a name is cut to 16 columns in the pane
H=t-hmerged-$(($$ % 10000))	# the health-checked one, which the filter $P- leaves out
W=$(mktemp -d)
at_exit "rm -rf $W"
# They start printing together, once all three run (docker run -d returns
# then) and the file go shows in the directory they share with the test, a
# third of a period apart, so their lines interleave however slowly they were
# created (a start time fixed in advance came before the last one ran on a
# loaded machine).
for n in a b c; do
	d=$(case $n in a) echo 0 ;; b) echo 0.2 ;; c) echo 0.4 ;; esac)
	ctr "$P-$n" -v "$W:/shared:ro" "$IMAGE" sh -c "while [ ! -e /shared/go ]; do sleep 0.05; done
		sleep $d; for i in 1 2 3 4; do echo $n\$i; sleep 0.6; done; sleep 100000"
done
touch "$W/go"
ctr "$H" --health-cmd 'echo merged-probe-says-hi; echo second line; exit 1' \
	--health-interval 1s --health-retries 1 "$IMAGE" sleep 100000

# The expected pane: every line, stamped by the engine, in stamp order.
all_logged() {
	for n in a b c; do [ "$(dk logs "$P-$n" 2>&1 | wc -l)" -eq 4 ] || return 1; done
}
wait_until 30 all_logged; ok $? "the three containers logged their lines"
for n in a b c; do dk logs -t "$P-$n" | sed "s/^\([^ ]*\) \(.*\)/\1 $P-$n | \2/"; done |
	LC_ALL=C sort -s -k1,1 | cut -d' ' -f2- >"$W/expected"

tm_start 120 40 "exec $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P-"
for n in a b c; do wait_row "$P-$n" running >/dev/null; done
tm send-keys -t s g Space Space Space l
merged_lines() { screen | grep -E "^$P-[abc] \| " | sed 's/ *$//'; }
all_shown() { [ "$(merged_lines)" = "$(cat "$W/expected")" ]; }
wait_for "logs merged: 3 containers" 10 && wait_until 20 all_shown
ok $? "marked, the pane follows the three, name-prefixed, in the engine's time order" ||
	{ diag "expected:"; sed 's/^/#   /' "$W/expected"; }
[ "$(merged_lines | cut -d' ' -f3 | sort | uniq | wc -l)" -eq 12 ] &&
	merged_lines | cut -d' ' -f3 | paste -sd' ' | grep -qvE '^a1 a2 a3 a4'
ok $? "the lines interleave across the containers"
tm capture-pane -p -e -t s | grep -E "$P-a \|" | grep -qE $'\033\\[([0-9]*;)*3[0-7]m'"$P-a"
ok $? "a name is coloured"

# A marked container that stops and runs again is followed again: its new
# run's lines come after the others' (the pane shows its a4 twice).
dk restart -t 0 "$P-a" >/dev/null
a4_twice() { [ "$(merged_lines | grep -c "^$P-a | a4\$")" -eq 2 ]; }
wait_until 30 a4_twice
ok $? "a marked container restarted is followed again" || screen | sed 's/^/#   /'

tm send-keys -t s Escape Escape	# the filter, then the marks
selected=
single_follow() {
	selected=$(screen | grep -oE "logs $P-[abc] ·" | grep -oE "$P-[abc]") &&
		screen | grep -qE "^${selected#$P-}4 *$" && ! screen | grep -qE "^$P-[abc] \| "
}
wait_until 20 single_follow
ok $? "marks cleared: the pane follows the selected container alone, without prefixes" ||
	screen | sed 's/^/#   /'
tm send-keys -t s l l	# full screen, then closed
wait_gone "following" 10 >/dev/null

health_logged() { [ -n "$(dk inspect -f '{{range .State.Health.Log}}{{.Output}}{{end}}' "$H")" ]; }
wait_until 30 health_logged >/dev/null
set_filter "$H"
wait_row "$H" unhealthy 20 >/dev/null
tm send-keys -t s Enter
wait_for "details $H" 10 && wait_for "Last health check" 10 &&
	screen | grep -qE "^exit 1 at [0-9-]+ [0-9:]+" && screen | grep -qE "^  merged-probe-says-hi *$" &&
	screen | grep -qE "^  second line *$"
ok $? "details show the last health check: exit code, time and output" || screen | sed 's/^/#   /'
tm send-keys -t s Escape
wait_gone "details $H" 5 >/dev/null

set_filter "$P-a"
wait_row "$P-a" running >/dev/null
tm send-keys -t s Enter
wait_for "details $P-a" 10 && wait_until 20 shows "sleep 100000" && hides "Last health check" &&
	hides "Health "
ok $? "a container without a health check shows none" || screen | sed 's/^/#   /'

tm_quit >/dev/null
done_testing
