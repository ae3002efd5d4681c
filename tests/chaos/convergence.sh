#!/bin/bash
# tests/chaos/convergence.sh: the dashboard's table converges to what the
# engine says (issue 16). For each seed, a run of random docker CLI operations
# (create, run, start, stop, kill, restart, rm; restart policies on-failure:3
# and always; containers that exit at once; some in bursts, in the background)
# mixed with engine restarts, SIGSTOP/SIGCONT of the engine and cut streams (the
# dashboard reaches the engine through tests/chaos/cutproxy.py, which drops
# every connection on request). After every round of operations, once the
# engine answers, the headless dashboard's rows (its script's :dump-model: id,
# name, status word, exit code when exited) must equal `docker ps -a`, read
# before and after the dump, within CONVERGE_S (a hang bound, not a speed claim).
# Then, on each engine, the time the rows take to become the engine's again
# after a freeze (a container exited meanwhile) and after an engine restart is
# measured and printed (a figure, not an assertion).
#
# Engines: a PRIVATE dockerd (tests/screen/lib.sh pd_start) and a private
# Podman service of its own (own storage and socket), never the shared ones.
#   BERTH_CHAOS_SEEDS=N         N seeds per engine: the fixed ones, then random ones
#   BERTH_CHAOS_SEED=S          replay seed S only
#   BERTH_CHAOS_ENGINE=docker   only that engine (docker or podman)
#   BERTH_CHAOS_OPS=N           operations per seed (default 120)
# Every seed is printed; a failure prints the rows that differ and the whole
# operation log, with the line that replays it.
. "$TOP_SRCDIR/tests/screen/lib.sh"
. "$TOP_SRCDIR/tests/lib/engines.sh"
[ "$(id -u)" = 0 ] || skip_all "a private dockerd and Podman service need root"
need_engine
command -v /usr/bin/python3 >/dev/null || skip_all "no python3 for the proxy"

DOCKER_SEEDS="1 2"
PODMAN_SEEDS="3"
OPS=${BERTH_CHAOS_OPS:-120}
ROUND=40		# operations between two comparisons
NAMES=10		# containers t-chaos-PID-0 .. -9, so that operations meet
CONVERGE_S=60
CLI_HANG_S=60		# a docker CLI call that takes longer hangs: it is killed
P=t-chaos-$$
W=$(mktemp -d /tmp/berth-chaos.XXXXXX)
[ -n "${KEEP:-}" ] || at_exit "rm -rf $W"	# KEEP=1: keep the logs and dumps
LOOP='trap "exit 0" TERM; while :; do sleep 1; done'

# seeds FIXED...: the seeds to run on one engine.
seeds() {
	local n=${BERTH_CHAOS_SEEDS:-0} s i=0
	if [ -n "${BERTH_CHAOS_SEED:-}" ]; then echo "$BERTH_CHAOS_SEED"; return; fi
	for s in "$@"; do echo "$s"; i=$((i + 1)); done
	while [ "$i" -lt "$n" ]; do echo $(( $(od -An -N4 -tu4 /dev/urandom) % 1000000 + 100 )); i=$((i + 1)); done
}
wants() { [ -z "${BERTH_CHAOS_ENGINE:-}" ] || [ "$BERTH_CHAOS_ENGINE" = "$1" ]; }

# ---------------------------------------------------------------- the engine under test
# ENGINE (docker or podman), ENGINE_SOCK; engine_pid, engine_restart, engine_cleanup.
ek() { timeout -s KILL "$CLI_HANG_S" docker -H "unix://$ENGINE_SOCK" "$@"; }

docker_engine() {
	ENGINE=docker
	PD_BRIDGE=bc$$
	pd_start "$W/docker" || { sed 's/^/# /' "$W/docker/dockerd.log" | tail -n 20; return 1; }
	pd_load_image
	ENGINE_SOCK=$PD_SOCK
}

# A Podman service of this test alone: it is stopped, frozen and restarted.
podman_engine() {
	command -v podman >/dev/null || return 1
	ENGINE=podman
	PODMAN_DIR=$W/podman
	PODMAN_SOCK=$PODMAN_DIR/podman.sock
	mkdir -p "$PODMAN_DIR"
	printf '[containers]\ndefault_ulimits = []\n' >"$PODMAN_DIR/containers.conf"
	ENGINE_SOCK=$PODMAN_SOCK
	IMAGE=$PODMAN_TEST_IMAGE
	podman_launch || return 1
	engines_rootfs && tar -C "$ENGINES_WORK/rootfs" --exclude=./.complete -c . |
		engines_podman import -q - "$IMAGE" >/dev/null
}

podman_launch() {
	engines_podman_args
	CONTAINERS_CONF=$PODMAN_DIR/containers.conf setsid podman "${PODMAN_ARGS[@]}" \
		system service --time=0 "unix://$PODMAN_SOCK" </dev/null >>"$PODMAN_DIR/service.log" 2>&1 &
	ENGINE_PID=$!
	wait_until 60 engines_ping "$PODMAN_SOCK"
}

engine_pid() { if [ "$ENGINE" = docker ]; then echo "$PD_PID"; else echo "$ENGINE_PID"; fi; }

engine_restart() {
	if [ "$ENGINE" = docker ]; then pd_stop; pd_launch; return; fi
	kill -TERM "$ENGINE_PID"
	wait_until 30 gone "$ENGINE_PID"
	podman_launch
}

engine_cleanup() {
	if [ "$ENGINE" = docker ]; then pd_cleanup; return; fi
	case $PODMAN_DIR in "$W"/*) ;; *) return ;; esac	# never the build tree's shared Podman
	kill -CONT "$ENGINE_PID" 2>/dev/null
	engines_podman rm -af -t 0 >/dev/null 2>&1
	kill -TERM "$ENGINE_PID" 2>/dev/null
	wait_until 30 gone "$ENGINE_PID"
	umount_under "$PODMAN_DIR"
	rm -rf "$PODMAN_DIR"
}

# umount_under DIR: every mount below DIR (an engine's storage), deepest first.
umount_under() {
	mount | awk -v d="$1/" 'index($3, d) == 1 { print $3 }' | sort -r | xargs -r umount -l 2>/dev/null
}

# ---------------------------------------------------------------- the proxy that cuts streams
proxy_start() {
	PROXY_SOCK=$W/proxy-$ENGINE.sock
	setsid /usr/bin/python3 "$TOP_SRCDIR/tests/chaos/cutproxy.py" "$PROXY_SOCK" "$ENGINE_SOCK" \
		</dev/null >"$W/proxy.log" 2>&1 &
	PROXY_PID=$!
	wait_until 30 test -e "$PROXY_SOCK.ready"
}
proxy_stop() { kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null; }

# ---------------------------------------------------------------- the dashboard, headless
# The script waits for a go-ahead file before each dump: go.N, then model.N.
dash_start() {
	local i
	DUMP_N=0
	DW=$W/dash-$1
	mkdir -p "$DW"
	{
		echo ":timeout 3600"
		for i in $(seq 5000); do echo ":wait-file $DW/go.$i"; echo ":dump-model $DW/model.$i"; done
	} >"$DW/script"
	env -i PATH="$PATH" HOME="$DW" TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb LINES=40 COLUMNS=200 \
		BERTH_NO_DISPLAY=1 BERTH_SCRIPT="$DW/script" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
		UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" TSAN_OPTIONS="${TSAN_OPTIONS:-}" \
		"$BERTH" -H "unix://$PROXY_SOCK" 2>"$DW/stderr" &
	DASH_PID=$!
}
dash_stop() {	# the dashboard's exit status on SIGTERM (0: it was alive and quit)
	kill -TERM "$DASH_PID" 2>/dev/null
	wait "$DASH_PID" 2>/dev/null
}

# dump_model: MODEL, the dashboard's rows as "id name status exit" (exit:
# exited only), sorted; 1 when the dashboard did not dump them (a hang).
dump_model() {
	DUMP_N=$((DUMP_N + 1))
	: >"$DW/go.$DUMP_N"
	MODEL="(no dump: the dashboard did not answer)"
	wait_until 30 test -e "$DW/model.$DUMP_N" || return 1
	MODEL=$(awk -F'\t' '{ print $2, $3, $4, ($4 == "exited" ? $5 : "-") }' "$DW/model.$DUMP_N" |
		LC_ALL=C sort)
}

# engine_rows: `docker ps -a` the same way, in berth's status words.
engine_rows() {
	ek ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.State}} {{.Status}}' | awk '
		BEGIN { w["removing"] = "deleting"; w["configured"] = "created"; w["stopped"] = "exited"
			w["stopping"] = "running" }
		{ st = ($3 in w) ? w[$3] : $3; ex = "-"
		  if (st == "exited") { ex = $5; gsub(/[()]/, "", ex) }
		  print $1, $2, st, ex }' | LC_ALL=C sort
}

# converged: the dashboard's rows equal the engine's, read while the engine stood still.
converged() {
	local before
	before=$(engine_rows) || return 1
	dump_model || return 1
	TRUTH=$(engine_rows) || return 1
	[ "$before" = "$TRUTH" ] && [ "$MODEL" = "$TRUTH" ]
}

# ---------------------------------------------------------------- operations
log_op() { printf '%3d %6.1fs %s\n' "$OP_N" "$(( $(now_ms) - SEED_T0 ))e-3" "$*" >>"$OPLOG"; }

# cli ARGS...: a docker CLI operation, in the background one time in four (a
# burst, as from other clients), never more than four of those at once.
BURST=()
cli() {
	OP_N=$((OP_N + 1))
	if [ $((RANDOM % 4)) = 0 ]; then
		[ "${#BURST[@]}" -lt 4 ] || wait_cli
		ek "$@" >/dev/null 2>&1 &
		BURST+=($!)
		log_op "docker $* &"
	else
		ek "$@" >/dev/null 2>&1
		log_op "docker $* (status $?)"
	fi
}
wait_cli() { [ "${#BURST[@]}" = 0 ] || wait "${BURST[@]}"; BURST=(); }

chaos_op() {
	local n=$P-$((RANDOM % NAMES)) r=$((RANDOM % 100)) code=$((RANDOM % 3 + 1)) pid
	local run=(run -d --network none --stop-timeout 1 --name "$n")
	if [ "$r" -lt 10 ]; then cli create --network none --stop-timeout 1 --name "$n" "$IMAGE" sh -c "$LOOP"
	elif [ "$r" -lt 20 ]; then cli "${run[@]}" "$IMAGE" sh -c "$LOOP"
	elif [ "$r" -lt 25 ]; then cli "${run[@]}" --restart on-failure:3 "$IMAGE" sh -c "exit $code"
	elif [ "$r" -lt 29 ]; then cli "${run[@]}" --restart always "$IMAGE" sh -c "$ALWAYS_CMD $code"
	elif [ "$r" -lt 32 ]; then cli "${run[@]}" --restart always "$IMAGE" sh -c "$LOOP"
	elif [ "$r" -lt 37 ]; then cli "${run[@]}" "$IMAGE" sh -c "exit $code"
	elif [ "$r" -lt 50 ]; then cli start "$n"
	elif [ "$r" -lt 60 ]; then cli stop -t 1 "$n"
	elif [ "$r" -lt 67 ]; then cli kill "$n"
	elif [ "$r" -lt 77 ]; then cli restart -t 1 "$n"
	elif [ "$r" -lt 90 ]; then cli rm -f "$n"
	elif [ "$r" -lt 92 ]; then
		OP_N=$((OP_N + 1)); wait_cli
		engine_restart; log_op "engine restarted (status $?)"
	elif [ "$r" -lt 95 ]; then
		OP_N=$((OP_N + 1)); pid=$(engine_pid)
		kill -STOP "$pid"; sleep "$code"; kill -CONT "$pid"; log_op "engine frozen (SIGSTOP) for $code s"
	else
		OP_N=$((OP_N + 1)); kill -USR1 "$PROXY_PID"; log_op "every stream cut"
	fi
}

# ---------------------------------------------------------------- one seed
run_seed() {
	local seed=$1 round=0 replay
	replay="BERTH_CHAOS_SEED=$seed BERTH_CHAOS_ENGINE=$ENGINE make check TESTS=chaos/convergence.sh"
	diag "$ENGINE seed $seed: $OPS operations, compared every $ROUND (replay: $replay)"
	RANDOM=$seed
	OP_N=0
	SEED_T0=$(now_ms)
	OPLOG=$W/ops-$ENGINE-$seed.log
	: >"$OPLOG"
	dash_start "$ENGINE-$seed"
	while [ "$OP_N" -lt "$OPS" ]; do
		local until=$(( OP_N + ROUND < OPS ? OP_N + ROUND : OPS ))
		while [ "$OP_N" -lt "$until" ]; do chaos_op; done
		wait_cli
		round=$((round + 1))
		engines_ping "$ENGINE_SOCK" || wait_until 60 engines_ping "$ENGINE_SOCK"
		if wait_until "$CONVERGE_S" converged; then
			ok 0 "$ENGINE seed $seed, round $round (after operation $OP_N): the dashboard's $(printf '%s\n' "$TRUTH" | grep -c .) rows equal docker ps -a"
		else
			ok 1 "$ENGINE seed $seed, round $round (after operation $OP_N): the dashboard's rows equal docker ps -a within $CONVERGE_S s"
			diag "replay: $replay"
			diag "rows that differ (- docker ps -a, + the dashboard):"
			diff <(printf '%s\n' "$TRUTH") <(printf '%s\n' "$MODEL") | grep '^[<>]' | sed 's/^</-/; s/^>/+/' | sed 's/^/#   /'
			diag "the operations:"
			sed 's/^/#   /' "$OPLOG"
			sed 's/^/#   dashboard: /' "$DW/stderr" | tail -n 5
		fi
	done
	dash_stop
	local rc=$?
	ok $rc "$ENGINE seed $seed: the dashboard lived through it and quit on SIGTERM (status $rc)" ||
		sed 's/^/#   dashboard: /' "$DW/stderr" | tail -n 20
	ek ps -aq | xargs -r timeout 60 docker -H "unix://$ENGINE_SOCK" rm -f >/dev/null 2>&1
}

# ---------------------------------------------------------------- recovery, measured
# recovered WHAT: once the engine answers again, the rows become the engine's;
# how long that took (from the first answer to a comparison that agrees, so a
# comparison's time too) is added to RECOVERY: a figure, CONVERGE_S a hang bound.
recovered() {
	local t0
	wait_until 60 engines_ping "$ENGINE_SOCK"
	t0=$(now_ms)
	wait_until "$CONVERGE_S" converged
	ok $? "$ENGINE: after $1, the dashboard's rows are the engine's again" || {
		diff <(printf '%s\n' "$TRUTH") <(printf '%s\n' "$MODEL") | grep '^[<>]' | sed 's/^/#   /'; }
	RECOVERY="$RECOVERY $1: $(( $(now_ms) - t0 )) ms;"
}

# measure_recovery: a container that exits while the engine is frozen, then an
# engine restart (running containers stop, an always one comes back).
measure_recovery() {
	RECOVERY=
	dash_start "$ENGINE-recovery"
	ek run -d --network none --name $P-r1 "$IMAGE" sh -c "$LOOP" >/dev/null
	ek run -d --network none --restart always --name $P-r2 "$IMAGE" sh -c "$LOOP" >/dev/null
	wait_until "$CONVERGE_S" converged
	ek run -d --network none --name $P-r3 "$IMAGE" sh -c "sleep 2; exit 7" >/dev/null
	local pid; pid=$(engine_pid)
	kill -STOP "$pid"; sleep 5; kill -CONT "$pid"
	recovered "SIGSTOP for 5 s (a container exited meanwhile)"
	engine_restart
	recovered "an engine restart"
	dash_stop
	diag "measured on $ENGINE, from the engine's first answer to the dashboard's rows equal to docker ps -a:$RECOVERY"
	ek ps -aq | xargs -r timeout 60 docker -H "unix://$ENGINE_SOCK" rm -f >/dev/null 2>&1
}

run_engine() {
	local seed
	proxy_start || { ok 1 "$ENGINE: the proxy started"; return; }
	for seed in $(seeds "$@"); do run_seed "$seed"; done
	measure_recovery
	proxy_stop
}

# Docker restarts an always container that exits at once with a growing delay;
# Podman at once, forever: there it runs a while before it exits.
if wants docker; then
	at_exit pd_cleanup
	if docker_engine; then
		ALWAYS_CMD=exit run_engine $DOCKER_SEEDS
	else
		skip_all "the private dockerd did not start"
	fi
	pd_cleanup
fi
if wants podman; then
	if podman_engine; then
		at_exit engine_cleanup
		ALWAYS_CMD='sleep 5; exit' run_engine $PODMAN_SEEDS
	else
		diag "no private Podman service: the Podman seeds are not run"
	fi
fi
done_testing
