#!/bin/bash
# cmdline.sh: the dashboard's command line (`:`, issue 13 item 1) against the
# Docker engine, headless (BERTH_SCRIPT) and in tmux: a verb that prints into
# the output view, the CLI's own sentences for an unknown verb or option with
# the line kept, -h, Tab over verbs, options and container names, the selected
# container filled in (kill, exec), a verb that opens its view, refusals of
# what needs the terminal, and the history (Up, its file, its bound).
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine

P=t-cmd-$$
W=$(mktemp -d)
at_exit "rm -rf $W"
ctr $P-a "$IMAGE" sleep 100000
ctr $P-b "$IMAGE" sleep 100000

run() {	# run SCRIPT-FILE: headless, pinned environment, 60 s limit
	env -i PATH="$PATH" HOME="$W" XDG_STATE_HOME="$W/state" TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		TERM=dumb LINES=24 COLUMNS=120 BERTH_NO_DISPLAY=1 BERTH_SCRIPT="$1" \
		timeout 60 "$BERTH" -H "unix://$DOCKER_SOCK" 2>"$W/stderr"
}
last_line() { grep -v '^ *$' "$1" | tail -1; }

echo "copied by the prompt" >"$W/hello.txt"

# A history of 600 lines: the file keeps the last 500 once a line is added.
mkdir -p "$W/state/berth"
seq 1 600 | sed 's/^/old /' >"$W/state/berth/history"

cat >"$W/s1" <<EOS
:wait connected
/<^u>$P<enter>
:wait $P-a
:wait $P-b
:version<enter>
:wait exit status
:save-display $W/version.screen
<esc>
:frobnicate --x<enter>
:wait unknown verb
:save-display $W/unknown.screen
<esc>
:stop --bogus<enter>
:wait unknown option
:save-display $W/bogus.screen
<esc>
:stop -h<enter>
:wait usage: berth stop
:save-display $W/help.screen
<esc>
:ver<tab>
:save-display $W/tab-verb.screen
<esc>
:s<tab>
:save-display $W/tab-choices.screen
<esc>
:inspect $P-<tab>
:save-display $W/tab-name.screen
<esc>
:stop --ti<tab>
:save-display $W/tab-option.screen
<esc>
:exec -it sh<enter>
:wait need the terminal
:save-display $W/exec-it.screen
<esc>
:endpoints<enter>
:wait BACK-OFF
:save-display $W/endpoints.screen
<esc>
G
:logs<enter>
:wait logs $P-b
:save-display $W/logs.screen
<esc>
:stats<enter>
:wait stats $P-b on
:save-display $W/stats.screen
<esc>
:events<enter>
:wait-not stats $P-b on
:save-display $W/events.screen
<esc>
:exec echo hello-from-the-prompt<enter>
:wait exit status
:save-display $W/exec.screen
<esc>
:cp $W/hello.txt :/tmp/<enter>
:wait exit status
:save-display $W/cp.screen
<esc>
:kill<enter>
:wait exit status
<esc>
:wait exited (137)
:save-display $W/killed.screen
:<up>
:save-display $W/up.screen
<esc>
q
EOS
run "$W/s1"
ok $? "a scripted run of command lines ends with status 0"
sed 's/^/# /' "$W/stderr"

grep -q "^engine: Docker" "$W/version.screen" && grep -q -- "-- exit status 0" "$W/version.screen"
ok $? ":version prints into the output view, with the exit status at its end"

[ "$(last_line "$W/unknown.screen")" = ":frobnicate --x   unknown verb frobnicate (:help lists them)" ]
ok $? "an unknown verb: one sentence after the line, which is kept ($(last_line "$W/unknown.screen"))"

cli_says=$("$BERTH" -H "unix://$DOCKER_SOCK" stop --bogus 2>&1 | head -1 | sed 's/^berth: //')
[ "$(last_line "$W/bogus.screen")" = ":stop --bogus   $cli_says" ]
ok $? "an unknown option: the CLI parser's own sentence ($cli_says), the line kept"

grep -q "usage: berth stop" "$W/help.screen" && grep -q -- "--time SECONDS" "$W/help.screen"
ok $? ":stop -h shows berth stop --help, written from the same table"

[ "$(last_line "$W/tab-verb.screen")" = ":version" ]
ok $? "Tab completes a verb"
last_line "$W/tab-choices.screen" | grep -q "show.*status.*start.*stop.*snapshot.*stats"
ok $? "Tab with several verbs shows them ($(last_line "$W/tab-choices.screen"))"
last_line "$W/tab-name.screen" | grep -q "$P-a" && last_line "$W/tab-name.screen" | grep -q "$P-b"
ok $? "Tab completes container names of the table"
[ "$(last_line "$W/tab-option.screen")" = ":stop --time" ]
ok $? "Tab completes a verb's option from its table (--time, --timeout share --time)"

last_line "$W/exec-it.screen" | grep -q "exec -i and -t need the terminal: E opens a shell"
ok $? "exec -it is refused with a sentence saying what to use"

grep -q "ENDPOINT.*KIND.*STATE" "$W/endpoints.screen"
ok $? ":endpoints opens the endpoints view"

grep -q "logs $P-b" "$W/logs.screen" && grep -q "stats $P-b on" "$W/stats.screen"
ok $? ":logs and :stats alone open the log pane and the stats view of the selected container"
sed -n 2p "$W/events.screen" | grep -q "^ *events"
ok $? ":events alone opens the events view ($(sed -n 2p "$W/events.screen"))"

grep -q "hello-from-the-prompt" "$W/exec.screen" && grep -q ":exec $P-b echo hello-from-the-prompt" "$W/exec.screen"
ok $? ":exec CMD runs in the selected container (put in before CMD)"

grep -q ":cp $W/hello.txt $P-b:/tmp/" "$W/cp.screen" && grep -q -- "-- exit status 0" "$W/cp.screen" &&
	[ "$(dk cp $P-b:/tmp/hello.txt - | tar -xO)" = "copied by the prompt" ]
ok $? ":cp FILE :PATH copies into the selected container"

[ "$(dk inspect -f '{{.State.Status}}' $P-b)" = exited ] && [ "$(dk inspect -f '{{.State.Status}}' $P-a)" = running ]
ok $? ":kill with no container kills the selected one ($P-b) only"

[ "$(last_line "$W/up.screen")" = ":kill" ]
ok $? "Up brings back the last line"

H="$W/state/berth/history"
[ "$(wc -l <"$H")" -eq 500 ] && [ "$(tail -1 "$H")" = kill ] && grep -qx "frobnicate --x" "$H" &&
	! grep -qx "old 100" "$H"
ok $? "the history file keeps the last 500 lines ($(wc -l <"$H"))"

# Closing the output view stops the verb: wait blocks until the container
# stops; its child berth is gone once the view is closed. (A script line
# ":wait ..." is the script's own, so ":" comes alone and the verb after it.)
cat >"$W/s2" <<EOS
:wait connected
/<^u>$P-a<enter>
:wait $P-a
:
wait<enter>
:wait :wait $P-a
:save-display $W/waiting.screen
:timeout 30
:wait-file $W/close-it
<esc>
:wait-not :wait $P-a
:save-display $W/closed.screen
:wait-file $W/quit-it
q
EOS
run "$W/s2" &
runner=$!
child_runs() { pgrep -f -- "-H unix://$DOCKER_SOCK wait $P-a\$" >/dev/null; }
wait_until 20 eval '[ -s "$W/waiting.screen" ]' && wait_until 10 child_runs
r=$?
ok $r "while the output view of :wait is open, its berth runs"
[ $r = 0 ] || sed 's/^/# /' "$W/stderr"
touch "$W/close-it"
wait_until 20 eval '[ -s "$W/closed.screen" ]' && wait_until 10 eval '! child_runs'
ok $? "closing the view stops it"
touch "$W/quit-it"
wait $runner

# In a terminal: the prompt, a verb run on the selected container, Esc.
if command -v tmux >/dev/null; then
	dk start $P-b >/dev/null
	tm_start 120 30 "env XDG_STATE_HOME=$W/state $BERTH -H unix://$DOCKER_SOCK"
	wait_for "connected" 15 >/dev/null
	set_filter "$P"
	wait_row "$P-b" running >/dev/null
	tm send-keys -t s G
	tm send-keys -t s :
	tm send-keys -t s -l "stop -t 0"
	wait_for ":stop -t 0" 5
	ok $? "in tmux, : opens the command line and shows what is typed"
	tm send-keys -t s Enter
	wait_for "stop exited with status 0" 15 >/dev/null
	tm send-keys -t s Escape
	wait_row "$P-b" "exited (137)" 15
	ok $? "in tmux, :stop -t 0 stops the selected container, which then shows exited"
	tm send-keys -t s q
else
	diag "no tmux: the terminal part is not run"
fi
done_testing
