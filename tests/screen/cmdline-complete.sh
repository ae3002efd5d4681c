#!/bin/bash
# cmdline-complete.sh: Tab on the dashboard's command line (`:`, issue 13 item
# 1) completes image names of the selected container's endpoint (run, rmi),
# local paths (cp's local side, mount's DIR) and cp's CONTAINER:, in tmux
# against the Docker engine.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux

P=t-complete-$$
W=$(mktemp -d)
at_exit "rm -rf $W"
ctr $P-a "$IMAGE" sleep 100000
IMG=t-complete-img-$$
for tag in v1 v2; do
	dk tag "$IMAGE" "$IMG:$tag" && at_exit "dk rmi $IMG:$tag >/dev/null 2>&1"
done
mkdir "$W/complete-dir"
echo x >"$W/complete-dir/complete-file.txt"

# prompt_shows TEXT: the message line (the screen's last) is TEXT, to its end.
prompt_shows() { [ "$(screen | grep -v '^ *$' | tail -1 | sed 's/ *$//')" = "$1" ]; }

# tab TYPED WANT: open the prompt, type TYPED and Tab (again while the images
# are still being listed, which a Tab after completing leaves as it is) until
# the line is WANT; then Esc.
tab() {
	local typed=$1 want=$2 i
	tm send-keys -t s :
	tm send-keys -t s -l "$typed"
	wait_for ":$typed" 5 >/dev/null
	for i in $(seq 1 "$HANG_S"); do
		tm send-keys -t s Tab
		wait_until 1 prompt_shows "$want" && break
		screen | tail -1 | grep -qF "still being listed" || break
	done
	prompt_shows "$want"
	local r=$?
	[ $r = 0 ] || { diag "the line: $(screen | grep -v '^ *$' | tail -1)"; }
	tm send-keys -t s Escape
	wait_until 5 eval '! screen | tail -1 | grep -q "^:"' >/dev/null
	return $r
}

tm_start 160 30 "env XDG_STATE_HOME=$W/state $BERTH -H unix://$DOCKER_SOCK"
wait_for "connected" 15 >/dev/null
set_filter "$P"
wait_row "$P-a" running >/dev/null

tab "run $IMG" ":run $IMG:v"
ok $? ":run IMAGE-PREFIX Tab: the common part of the endpoint's images that start so"
tab "run $IMG:v" ":run $IMG:v   $IMG:v1 $IMG:v2"
ok $? ":run Tab with nothing in common to add: the images, shown after the line"
tab "run $IMG:v1" ":run $IMG:v1"
ok $? ":run IMAGE Tab: the one image"
tab "rmi $IMG:v1 $IMG:v2 $IMG:v" ":rmi $IMG:v1 $IMG:v2 $IMG:v   $IMG:v1 $IMG:v2"
ok $? ":rmi: images at every operand"
tab "cp $W/complete-d" ":cp $W/complete-dir/"
ok $? ":cp: a local directory, with its / and no blank"
tab "cp $W/complete-dir/complete-" ":cp $W/complete-dir/complete-file.txt"
ok $? ":cp: a local file in it"
# A second Tab goes on in the directory: no blank was put after its /.
tm send-keys -t s :
tm send-keys -t s -l "cp $W/complete-d"
tm send-keys -t s Tab
wait_until 5 prompt_shows ":cp $W/complete-dir/" && tm send-keys -t s Tab &&
	wait_until 5 prompt_shows ":cp $W/complete-dir/complete-file.txt"
ok $? ":cp: Tab, Tab: the directory, then the file in it"
tm send-keys -t s Escape
tab "cp $P-" ":cp $P-a:"
ok $? ":cp: CONTAINER: for the container side"
tab "mount $P-a $W/complete-d" ":mount $P-a $W/complete-dir/"
ok $? ":mount CONTAINER DIR: a local path after the container"
tab "kill $P-" ":kill $P-a"
ok $? "container names as before"
tab "exec $P-a ls $W/complete-d" ":exec $P-a ls $W/complete-d"
ok $? "a command's own words are not completed"

tm_quit
ok $? "the dashboard quits"
done_testing
