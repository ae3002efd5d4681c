#!/bin/bash
# headless.sh: the dashboard without a terminal (BERTH_NO_DISPLAY, a key
# script in BERTH_SCRIPT, screen dumps with :save-display), against the Docker
# engine: table, filter, sort, help (compared with a golden screen), resize to
# 40x10 and to one row (the selection stays in sight), keys remapped from the config file, a bad [keys] line; the table's
# rows dumped with :dump-model after a :wait-file.
# GENERATE=1 rewrites the golden files.
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine

P=t-dash-$$
W=$(mktemp -d)
at_exit "rm -rf $W"
[ -n "$KEEP" ] && CLEANUPS=
ctr $P-a "$IMAGE" sleep 100000
ctr $P-b "$IMAGE" sh -c 'exit 2'
dk wait $P-b >/dev/null

run() {	# run SCRIPT-FILE [berth args]: headless, pinned environment, 60 s limit
	local script=$1; shift
	env -i PATH="$PATH" HOME="$W" TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb LINES=24 COLUMNS=100 \
		BERTH_NO_DISPLAY=1 BERTH_SCRIPT="$script" \
		timeout 60 "$BERTH" -H "unix://$DOCKER_SOCK" "$@" 2>"$W/stderr"
}

cat >"$W/s1" <<EOS
:wait connected
/<^u>$P<enter>
:wait $P-b
:save-display $W/table.screen
:wait-file $W/table.screen
:dump-model $W/table.model
o
:wait sort ID
O
:wait (reversed)
:save-display $W/sorted.screen
?
:wait key map
:save-display $W/help.screen
<esc>
:resize 40 10
:wait NAME
:save-display $W/small.screen
:resize 100 24
/<^u>$P-b<enter>
:wait-not $P-a
:save-display $W/filtered.screen
q
EOS
run "$W/s1"
ok $? "a scripted headless run ends with status 0"
sed 's/^/# /' "$W/stderr"

grep -E "^  $P-a +[0-9a-f]{12} +berth-test/[^ ]* +running +up" "$W/table.screen" >/dev/null &&
	grep -E "^  $P-b +[0-9a-f]{12} +berth-test/[^ ]* +exited \(2\) +[0-9]+[smhd] ago" "$W/table.screen" >/dev/null
ok $? "the table lists the containers with id, image, status and age"
tab=$(printf '\t')
grep -E "^unix://$DOCKER_SOCK$tab[0-9a-f]{64}$tab$P-a${tab}running${tab}0\$" "$W/table.model" >/dev/null &&
	grep -E "^unix://$DOCKER_SOCK$tab[0-9a-f]{64}$tab$P-b${tab}exited${tab}2\$" "$W/table.model" >/dev/null &&
	[ "$(wc -l <"$W/table.model")" -eq 2 ]
ok $? "the dump of the model has the table's rows: endpoint, id, name, status word, exit code"
sed -n 1p "$W/table.screen" | grep -q "filter \"$P\""
ok $? "the title shows the filter"
grep -c "$P-" "$W/filtered.screen" | grep -qx 2 && ! grep -q "$P-a" "$W/filtered.screen"
ok $? "the filter leaves only the matching row"
ids=$(grep -oE "^  $P-[ab] +[0-9a-f]{12}" "$W/sorted.screen" | awk '{ print $2 }')
[ "$ids" = "$(printf '%s\n' "$ids" | sort -r)" ] && [ "$(printf '%s\n' "$ids" | wc -l)" -eq 2 ]
ok $? "sorting by id, reversed, orders the rows"
grep -q "ID^" "$W/sorted.screen"
ok $? "the sorted column is marked in the header"

# The pane only: the title and status lines hold live counts.
sed '1d;$d' "$W/help.screen" | sed '$d' | sed "s/berth [0-9][^:]*: key map/berth VERSION: key map/" >"$W/help.norm"
if [ -n "$GENERATE" ]; then cp "$W/help.norm" "$TOP_SRCDIR/tests/screen/help.screen"; fi
diff -u "$TOP_SRCDIR/tests/screen/help.screen" "$W/help.norm" | sed 's/^/# /'
cmp -s "$TOP_SRCDIR/tests/screen/help.screen" "$W/help.norm"
ok $? "the help screen matches tests/screen/help.screen"

[ "$(wc -l <"$W/small.screen")" -eq 10 ] && [ "$(LC_ALL=C.UTF-8 wc -L <"$W/small.screen")" -le 40 ] &&
	sed -n 1p "$W/small.screen" | grep -q "berth" && sed -n 2p "$W/small.screen" | grep -q NAME &&
	grep -q "t-dash-" "$W/small.screen" && sed -n 9p "$W/small.screen" | grep -q "connected"
ok $? "at 40x10: title, header, rows and status line fit"

# The terminal shrinks to one row of the table: the selected row (the last,
# after G) stays in sight, not the first.
cat >"$W/s3" <<EOS
:wait connected
/<^u>$P<enter>
:wait $P-a
:wait $P-b
G
:save-display $W/sel-big.screen
:resize 100 5
:wait NAME
:save-display $W/sel-small.screen
q
EOS
run "$W/s3"
ok $? "a run that shrinks the screen ends with status 0"
first=$(grep -oE "$P-[ab]" "$W/sel-big.screen" | head -1)
last=$(grep -oE "$P-[ab]" "$W/sel-big.screen" | tail -1)
[ "$first" != "$last" ] && grep -q "$last" "$W/sel-small.screen" && ! grep -q "$first" "$W/sel-small.screen"
r=$?
ok $r "at 100x5 the one row shown is the selected one ($last), not the first ($first)"
[ $r = 0 ] || sed 's/^/# /' "$W/sel-small.screen"

# Keys from the config file.
cat >"$W/berth.conf" <<EOC
[keys]
help = h
quit = x
EOC
cat >"$W/s2" <<EOS
:wait connected
h
:wait key map
:save-display $W/remap.screen
<esc>
x
:timeout 5
:wait never-shown
EOS
run "$W/s2" -c "$W/berth.conf"
ok $? "remapped quit key (x) ends the run"
grep -qE "^ +h +help" "$W/remap.screen"
ok $? "the key map shows the remapped help key"

printf '[keys]\nfly = z\n' >"$W/bad.conf"
run "$W/s2" -c "$W/bad.conf"
[ $? -ne 0 ] && grep -q "fly" "$W/stderr"
ok $? "an unknown action in [keys] is an error naming it: $(cat "$W/stderr")"
done_testing
