#!/bin/sh
# tests/remote/tenk.sh: 10,000 containers on one endpoint (issue 15). One
# scripted STAND-IN (tests/remote/standin.py ... varied: a unix socket answering
# like Docker with 10,000 made-up containers of 40 images, running, exited and
# created, listed in a shuffled order; not an engine). Checked in tmux: the
# title counts them all, sorting by each column of the stand-in's values puts
# the right rows first and last (reversed too), filters narrow to the right
# count, the view scrolls to the end, and keys answer; `berth ps -a` lists them
# all. What is right is worked out here from the stand-in's own list. Every
# wait is a hang bound only: speed is bench/dashboard.py's "tenk" rows.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
REMOTE_TEST=tenk
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/remote/lib.bash"
trap 'tenk_cleanup' EXIT
command -v tmux >/dev/null || skip_all "needs tmux"
command -v curl >/dev/null || skip_all "needs curl"
N=10000
SD=$TAP_TMP/standin
standins_start "$SD" 1 "$N" 0 varied
SOCK=$SD/s00.sock
curl -s --unix-socket "$SOCK" 'http://d/v1.41/containers/json?all=1' >"$TAP_TMP/list.json" ||
	bail_out "the stand-in did not list"

# The answers, from the stand-in's list by the table's rules: a column's
# order, reversed or not, then the name; STATUS in berth's order of states
# (created, running, exited), then the exit code; AGE the youngest first.
/usr/bin/python3 - "$TAP_TMP/list.json" >"$TAP_TMP/want" <<'EOF'
import json, sys
from functools import cmp_to_key
d = json.load(open(sys.argv[1]))
name = lambda c: c["Names"][0][1:].lower()
code = lambda c: int(c["Status"].split("(")[1].split(")")[0]) if "(" in c["Status"] else 0
state = {"created": 1, "running": 2, "exited": 5}
keys = {"NAME": name, "ID": lambda c: c["Id"], "IMAGE": lambda c: c["Image"].lower(),
        "STATUS": lambda c: (state[c["State"]], code(c)), "AGE": lambda c: -c["Created"],
        "PORTS": lambda c: c["Ports"][0]["PrivatePort"],
        "IP": lambda c: c["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]}
cmp = lambda a, b: (a > b) - (a < b)
for col, k in keys.items():
    for rev in (1, -1):
        rows = sorted(d, key=cmp_to_key(lambda x, y: rev * cmp(k(x), k(y)) or cmp(name(x), name(y))))
        print("sort", col, "rev" if rev < 0 else "fwd", name(rows[0]), name(rows[-1]))
print("running", sum(c["State"] == "running" for c in d))
print("exited", sum(c["State"] == "exited" for c in d))
print("app-07", sum("app-07" in c["Image"] for c in d))
EOF
want() { awk -v k="$*" 'index($0, k " ") == 1 { print $NF }' "$TAP_TMP/want"; }
want_sorted() { awk -v c="$1" -v r="$2" '$1 == "sort" && $2 == c && $3 == r { print $4, $5 }' "$TAP_TMP/want"; }

TM="tmux -L berth-remote-tenk-$$ -f /dev/null"
tenk_cleanup() { $TM kill-server >/dev/null 2>&1; remote_cleanup; }
screen() { $TM capture-pane -p -t s; }
HANG_S=${BERTH_TEST_HANG_S:-30}	# the least a wait lasts before it counts as a hang
# The names of the rows on screen, top to bottom.
rows_shown() { screen | grep -oE '^[ *] standin-00-[0-9]{4} ' | cut -c3-17; }
# row_at first|last NAME: the first or last row shown once it is NAME, or what
# it is when the hang bound has passed.
row_at()
{
	local deadline=$(($(now_ms) + HANG_S * 1000)) got
	while :; do
		if [ "$1" = first ]; then got=$(rows_shown | head -1); else got=$(rows_shown | tail -1); fi
		[ "$got" = "$2" ] || [ "$(now_ms)" -ge "$deadline" ] && break
		sleep 0.05
	done
	echo "$got"
}
# sort_to COLUMN: o until the title says the table is sorted by COLUMN.
sort_to()
{
	local i
	for i in $(seq 15); do
		screen | head -1 | grep -qE "· sort $1 " && return 0
		$TM send-keys -t s o
		wait_screen "· sort [A-Z%]+ " >/dev/null
		sleep 0.2
	done
	return 1
}

$TM new-session -d -s s -x 160 -y 40 "$(printf '%q ' "$BERTH" -H "unix://$SOCK"); sleep 600"
wait_screen "berth · $N containers, $(want running) running"
ok $? "the title counts all $N containers and the $(want running) running"

# Each sortable column (o: the next one), its first and last rows; O reverses.
for col in NAME ID IMAGE STATUS AGE PORTS IP; do
	[ "$col" = NAME ] || $TM send-keys -t s o
	for dir in fwd rev; do
		[ "$dir" = rev ] && $TM send-keys -t s O
		suffix=$([ "$dir" = rev ] && echo ' \(reversed\)')
		read -r first last <<<"$(want_sorted "$col" "$dir")"
		wait_screen "· sort $col$suffix " >/dev/null
		$TM send-keys -t s g
		got_first=$(row_at first "$first")
		$TM send-keys -t s G
		got_last=$(row_at last "$last")
		is "$got_first $got_last" "$first $last" "sorted by $col ($dir): the first and the last row"
	done
done
sort_to NAME
ok $? "o comes round to NAME again"

# Filters, counted in the endpoint's group header ("N of 10000 containers").
$TM send-keys -t s z
wait_screen "▸ .* $N containers" >/dev/null
for f in app-07 state:exited; do
	$TM send-keys -t s /
	wait_screen "filter:" >/dev/null
	$TM send-keys -t s -l "$f"
	$TM send-keys -t s Enter
	count=$(want "${f#state:}")
	wait_screen "▸ .* $count of $N containers"
	ok $? "the filter $f narrows to the $count rows the stand-in has"
	$TM send-keys -t s Escape
	wait_screen "▸ .* · $N containers" >/dev/null
done
$TM send-keys -t s z
for i in $(seq $((HANG_S * 20))); do screen | grep -q '▸ ' || break; sleep 0.05; done

# The end of the view: the last row by End; page downs from the top, a page each.
$TM send-keys -t s End
is "$(row_at last "standin-00-$((N - 1))")" "standin-00-$((N - 1))" "End scrolls to the last row"
$TM send-keys -t s g
row_at first standin-00-0000 >/dev/null
page=$(($(rows_shown | wc -l) - 1))	# a page down moves the selection a screen less one row
$TM send-keys -t s NPage NPage NPage
want_sel=$(printf 'standin-00-%04d' $((3 * page)))
is "$(row_at last "$want_sel")" "$want_sel" "three page downs: the selection three pages on, the view following it"

# Keys: the help and back, ten times; each wait a hang bound only.
lat=()
for i in $(seq 10); do
	t=$(now_ms)
	$TM send-keys -t s '?'
	wait_screen "key map" >/dev/null || break
	$TM send-keys -t s q
	wait_screen "· sort NAME " >/dev/null || break
	lat+=($(($(now_ms) - t)))
done
diag "help and back (ms, with tmux's polling): ${lat[*]}"
is "${#lat[@]}" 10 "keys answer: the help shows and goes ten times"
$TM send-keys -t s q

run "$BERTH" -H "unix://$SOCK" ps -a
is "$RC $(sed 1d "$OUT" | awk '{ print $2 }' | sort -u | grep -c '^standin-00-')" "0 $N" \
	"ps -a lists all $N containers, each once" || tap_show_last
run "$BERTH" -H "unix://$SOCK" ps
is "$RC $(sed 1d "$OUT" | wc -l)" "0 $(want running)" "ps lists the $(want running) running ones" ||
	tap_show_last
tap_done
