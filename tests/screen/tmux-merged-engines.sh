#!/bin/bash
# tmux-merged-engines.sh: merged logs across endpoints (issue 12, item 5): a
# container on the Docker engine and one on the Podman service, both marked,
# their lines in the log pane in the engines' timestamp order, each prefixed
# by its name.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
need_podman

P=t-mxe-$(($$ % 10000))	# short: a name is cut to 16 columns in the pane
W=$(mktemp -d)
at_exit "rm -rf $W"
at_exit "pm rm -f $P-p >/dev/null 2>&1"
# Both start printing once both run and the file go shows in the directory
# they share with the test, a line every 2 s, the Podman one a second later, so
# their lines interleave however slowly they were created (a start time fixed
# in advance can pass before a loaded machine has created them). A second
# apart, not less: Podman's API stamps log lines to the whole second
# (2026-12-07T00:46:43Z), so lines closer than that cannot be ordered.
talk() { echo "while [ ! -e /shared/go ]; do sleep 0.05; done; sleep $1
	for i in 1 2 3 4; do echo $2\$i; sleep 2; done; sleep 100000"; }
ctr "$P-d" -v "$W:/shared:ro" "$IMAGE" sh -c "$(talk 0 d)" &&
	pm run -d --name "$P-p" -v "$W:/shared:ro" "$PODMAN_TEST_IMAGE" sh -c "$(talk 1 p)" >/dev/null
ok $? "a container on Docker and one on Podman"
touch "$W/go"	# both run: docker run -d returns once its container has started

all_logged() { [ "$(dk logs "$P-d" 2>&1 | wc -l)" -eq 4 ] && [ "$(pm logs "$P-p" 2>&1 | wc -l)" -eq 4 ]; }
wait_until 40 all_logged
ok $? "both logged their lines"
# The expected pane: every line, stamped by its engine, in stamp order.
{ dk logs -t "$P-d" | sed "s/^\([^ ]*\) \(.*\)/\1 $P-d | \2/"
  pm logs -t "$P-p" | sed "s/^\([^ ]*\) \(.*\)/\1 $P-p | \2/"; } |
	LC_ALL=C sort -s -k1,1 | cut -d' ' -f2- >"$W/expected"

printf '[endpoint dock]\nhost = unix://%s\n[endpoint pod]\nhost = unix://%s\n' \
	"$DOCKER_SOCK" "$PODMAN_SOCK" >"$W/berth.conf"
tm_start 120 40 "exec $BERTH -c $W/berth.conf -H dock -H pod"
wait_for "connected" 15 >/dev/null
set_filter "$P-"
wait_row "$P-d" running 15 >/dev/null && wait_row "$P-p" running 15 >/dev/null
tm send-keys -t s g Space Space l
merged_lines() { screen | grep -E "^$P-[dp] \| " | sed 's/ *$//'; }
all_shown() { [ "$(merged_lines)" = "$(cat "$W/expected")" ]; }
wait_for "logs merged: 2 containers" 10 && wait_until 20 all_shown
ok $? "marked on two endpoints, the pane follows both, name-prefixed, in the engines' time order" ||
	{ diag "expected:"; sed 's/^/#   /' "$W/expected"; screen | sed 's/^/#   /'; }
[ "$(merged_lines | cut -d' ' -f3 | paste -sd' ')" = "d1 p1 d2 p2 d3 p3 d4 p4" ]
ok $? "the lines interleave across the engines ($(merged_lines | cut -d' ' -f3 | paste -sd' '))"
tm_quit
done_testing
