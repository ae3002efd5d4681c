#!/bin/bash
# tests/soak/soak.sh: the dashboard, in tmux, open on 200 containers of the real
# engine that are started, stopped, killed and restarted at random while each
# writes a log line a second, with the log pane following one of them.
#
#   BERTH_SOAK_SECONDS     how long the churn lasts (default 120, CI's form;
#                          600 is the full soak of issue 5)
#   BERTH_SOAK_CONTAINERS  how many containers (default 200)
#
# Every 2 s it samples the dashboard's VmRSS, open descriptors (/proc/PID/fd)
# and threads (/proc/PID/task). It checks that after the warm-up (the first
# quarter, at least 30 s) RSS grows by less than SOAK_RSS_MB (default 16 MiB),
# that once the churn stops the threads come back to what they were after the
# warm-up, and the descriptors too, give or take the three a pool worker opens
# on its first call (libcurl's wakeup pair and a kept-alive connection; the
# pool has 4 workers, and which have been used by then is chance), that every
# container's status on the screen is the
# one `docker ps -a` gives (the periodic re-list is set to an hour, so every
# change had to come through the events stream), and that q quits cleanly.
# Containers are named t-soak-PID-NNN and only they are removed. Run it with
# `make soak`. As root it runs on a private dockerd of its own, so that its
# containers never crowd the screens of the dashboard tests running beside it
# (CI runs it beside the tests under the sanitizers); otherwise on the shared
# engine, beside nothing.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$TOP_SRCDIR/tests/screen/lib.sh"
need_engine
need_tmux
[ "$(id -u)" = 0 ] && pd_engine soak

SOAK=${BERTH_SOAK_SECONDS:-120}
N=${BERTH_SOAK_CONTAINERS:-200}
RSS_MB=${SOAK_RSS_MB:-16}
WARM=$((SOAK / 4 > 30 ? SOAK / 4 : 30))
P=t-soak-$$
W=$(mktemp -d)
at_exit "rm -rf $W"
NAMES=()
for i in $(seq 1 "$N"); do NAMES+=("$(printf '%s-%03d' "$P" "$i")"); done

# Remove our containers, in batches, a few at a time.
soak_cleanup() {
	printf '%s\n' "${NAMES[@]}" | xargs -r -n 25 -P 4 docker -H "unix://$DOCKER_SOCK" rm -f >/dev/null 2>&1
}
at_exit soak_cleanup

LOOP='trap "exit 0" TERM; i=0; while :; do i=$((i+1)); echo "$HOSTNAME line $i"; sleep 1; done'
t0=$(now_ms)
printf '%s\n' "${NAMES[@]}" | xargs -P 8 -I{} docker -H "unix://$DOCKER_SOCK" run -d --name {} \
	--network none --log-opt max-size=1m "$IMAGE" sh -c "$LOOP" >/dev/null 2>"$W/create.err"
made=$(dk ps -a --filter "name=^$P-" --format '{{.Names}}' | wc -l)
[ "$made" = "$N" ]
rc=$?
ok $rc "$N containers created and started ($made, in $(( ($(now_ms) - t0) / 1000 )) s)"
[ $rc = 0 ] || { diag "$(head -n 5 "$W/create.err")"; done_testing; exit 1; }

# The dashboard: status changes only through the events stream.
POOL=4
printf '[general]\nrefresh = 3600\npool_size = %s\n' "$POOL" >"$W/berth.conf"
tm_start 200 50 "exec env HOME=$W $BERTH -c $W/berth.conf -H unix://$DOCKER_SOCK"
PID=$(pane_pid)
wait_for "connected" 15 >/dev/null
set_filter "$P-"
wait_row "${NAMES[0]}" running 15 >/dev/null
tm send-keys -t s l
wait_for "logs ${NAMES[0]}" 5 >/dev/null
ok $? "the dashboard is up on the containers, the log pane following ${NAMES[0]}"

# churn: start, stop, kill or restart a random container but the first (the
# log pane's, whose follow thread and connection would come and go with it),
# until $W/stop.
churn() {
	local n=0 name
	while [ ! -e "$W/stop" ]; do
		name=${NAMES[1 + RANDOM % (N - 1)]}
		case $((RANDOM % 10)) in
		0 | 1 | 2 | 3) dk start "$name" ;;
		4 | 5 | 6) dk stop -t 2 "$name" ;;
		7 | 8) dk kill "$name" ;;
		9) dk restart -t 1 "$name" ;;
		esac >/dev/null 2>&1 && n=$((n + 1))
	done
	echo "$n" >"$W/churn.$1"
}

# sample: seconds since the start, VmRSS (KiB), descriptors, threads.
sample() {
	[ -d "/proc/$PID" ] || return 1
	echo "$(( ($(now_ms) - T0) / 1000 )) $(awk '/^VmRSS/ { print $2 }' "/proc/$PID/status")" \
		"$(ls "/proc/$PID/fd" | wc -l) $(ls "/proc/$PID/task" | wc -l)"
}

T0=$(now_ms)
CHURNS=()
for d in 1 2 3; do churn "$d" & CHURNS+=($!); done
while [ $(( ($(now_ms) - T0) / 1000 )) -lt "$SOAK" ]; do
	sample >>"$W/samples" || break
	sleep 2
done
touch "$W/stop"
wait "${CHURNS[@]}"	# not the private dockerd, a child too
actions=$(cat "$W"/churn.* | awk '{ s += $1 } END { print s + 0 }')
diag "$actions lifecycle actions in $SOAK s; samples (s, RSS KiB, fds, threads) in the log"
awk 'NR % 5 == 1' "$W/samples" | sed 's/^/#   /'

[ -d "/proc/$PID" ] && ! gone "$PID"
rc=$?
ok $rc "the dashboard ran through the churn"
[ $rc = 0 ] || { screen | sed 's/^/#   /'; done_testing; exit 1; }

# RSS after the warm-up: its peak in the last quarter against its peak in the
# first 20 s after the warm-up.
read -r base_rss base_fds base_thr < <(awk -v w="$WARM" '$1 >= w { print $2, $3, $4; exit }' "$W/samples")
early=$(awk -v w="$WARM" '$1 >= w && $1 < w + 20 && $2 > m { m = $2 } END { print m + 0 }' "$W/samples")
late=$(awk -v s="$SOAK" '$1 >= s * 3 / 4 && $2 > m { m = $2 } END { print m + 0 }' "$W/samples")
max_fds=$(awk '$3 > m { m = $3 } END { print m + 0 }' "$W/samples")
max_thr=$(awk '$4 > m { m = $4 } END { print m + 0 }' "$W/samples")
[ -n "$base_rss" ] && [ $((late - early)) -lt $((RSS_MB * 1024)) ]
ok $? "RSS after the warm-up grows by less than $RSS_MB MiB (${early} KiB after the warm-up, ${late} KiB at the end)"

# Once the churn has stopped: descriptors and threads back to the baseline.
deadline=$(( $(now_ms) + 15000 ))
while :; do
	read -r _ _ fds thr < <(sample)
	[ "$fds" -le $((base_fds + 3 * POOL)) ] && [ "$thr" -le "$base_thr" ] && break
	[ "$(now_ms)" -lt "$deadline" ] || break
	sleep 0.5
done
[ "$fds" -le $((base_fds + 3 * POOL)) ]
rc=$?
ok $rc "descriptors back to the baseline: $fds now, $base_fds after the warm-up (+$((3 * POOL)) for the pool's connections), $max_fds at most"
[ $rc = 0 ] || diag "$(ls -l "/proc/$PID/fd" | awk 'NR > 1 { print $NF }' | sort | uniq -c | tr '\n' ' ')"
[ "$thr" -le "$base_thr" ]
ok $? "threads back to the baseline: $thr now, $base_thr after the warm-up, $max_thr at most"

# The screen against the engine: every row, in a pane tall enough for all.
tm send-keys -t s l
wait_for "logs ${NAMES[0]}" 5 >/dev/null
tm send-keys -t s l
wait_gone "logs ${NAMES[0]}" 5 >/dev/null
tm resize-window -t s -x 200 -y $((N + 10))
dk ps -a --filter "name=^$P-" --format '{{.Names}} {{.State}}' | sort >"$W/docker"
deadline=$(( $(now_ms) + 10000 ))
while :; do
	screen | grep -oE "$P-[0-9]+ +[0-9a-f]{12} +[^ ]+ +[a-z]+" | awk '{ print $1, $4 }' | sort >"$W/screen"
	cmp -s "$W/docker" "$W/screen" && break
	[ "$(now_ms)" -lt "$deadline" ] || break
	sleep 0.5
done
cmp -s "$W/docker" "$W/screen"
rc=$?
ok $rc "the status of all $N containers on the screen is docker ps -a's ($(grep -c running "$W/docker") running)"
if [ $rc != 0 ]; then
	diag "docker ps -a < > the screen: $(diff "$W/docker" "$W/screen" | grep '^[<>]' | head -n 20 | tr '\n' ' ')"
	screen | head -n 12 | sed 's/^/#   /'
fi

tm send-keys -t s q
deadline=$(( $(now_ms) + 10000 ))
while ! gone "$PID" && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.1; done
gone "$PID" && [ "$(exit_status "$PID")" = 0 ]
ok $? "q quits with status 0"

done_testing
