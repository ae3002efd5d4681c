#!/bin/sh
# tests/hostile/roundtrip-docker.sh: berth's copies against the real Docker
# engine, checked with the docker CLI. A tree with modes, symlinks, hard links,
# names with spaces, an empty directory and old mtimes goes in with berth and
# comes back with docker cp, and the reverse; both must be identical to the
# original. A 256 MiB file is copied both ways through libberth (cpdrive) with
# its peak memory and progress checked, and mount is compared to docker export.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TOP_BUILDDIR=${TOP_BUILDDIR:-$PWD}
. "$TOP_SRCDIR/tests/lib/tap.sh"
. "$TOP_SRCDIR/tests/lib/engines.sh"
BERTH=${BERTH:-$TOP_BUILDDIR/ui/berth}
CPDRIVE=$TOP_BUILDDIR/tests/hostile/cpdrive
RUN_DEADLINE=120
MAX_RSS_KIB=16384
[ -n "${BERTH_SANITIZER:-}" ] && MAX_RSS_KIB=65536	# ASan's own runtime and shadow memory

[ -x "$BERTH" ] || skip_all "no berth binary at $BERTH"
[ -x "$CPDRIVE" ] || skip_all "no cpdrive at $CPDRIVE"
command -v docker >/dev/null || skip_all "no docker CLI"
engine_docker_ensure && engine_image_ensure_docker || skip_all "no Docker engine"

H=unix://$DOCKER_SOCK
D() { docker -H "$H" "$@"; }
CTR=t-files-rt-$$
W=$TAP_TMP/w
mkdir -p "$W"
D run -d --name "$CTR" "$TEST_IMAGE" sleep 100000 >/dev/null || bail_out "cannot start a container"
trap 'D rm -f "$CTR" >/dev/null 2>&1' EXIT

# Type, mode, size, mtime (seconds), link target and checksum of everything under $1.
listing()
{
	(cd "$1" && find . -printf '%p %y %m %s %TY-%Tm-%Td_%TH:%TM:%.2TS %l\n' | LC_ALL=C sort &&
		find . -type f -exec md5sum {} + | LC_ALL=C sort -k2)
}

T=$W/tree
mkdir -p "$T/dir with space/empty dir" "$T/sub/deeper"
printf 'alpha\n' >"$T/a"
printf '#!/bin/sh\necho hi\n' >"$T/sub/run me.sh"
head -c 100000 /dev/urandom >"$T/sub/deeper/blob.bin"
printf 'spaced\n' >"$T/dir with space/name with spaces.txt"
ln -s a "$T/link to a"
ln -s sub/deeper "$T/dirlink"
ln -s "../dir with space/name with spaces.txt" "$T/sub/up and back"
ln "$T/a" "$T/sub/hard"
chmod 640 "$T/a"; chmod 751 "$T/sub/run me.sh"; chmod 600 "$T/sub/deeper/blob.bin"
chmod 700 "$T/dir with space/empty dir"; chmod 750 "$T/sub"
find "$T" -depth -exec touch -h -d '2021-02-03 04:05:06' {} +
listing "$T" >"$W/tree.list"

run "$BERTH" -H "$H" cp "$T" "$CTR:/tmp/by-berth"
is "$RC" 0 "berth cp in: a tree to a new path" || tap_show_last
D cp "$CTR:/tmp/by-berth" "$W/back-docker"
listing "$W/back-docker" >"$W/back-docker.list"
cmp -s "$W/tree.list" "$W/back-docker.list"
ok $? "berth in, docker cp out: identical (modes, symlinks, spaces, empty dir, mtimes)" ||
	diag "$(diff "$W/tree.list" "$W/back-docker.list")"
is "$(D exec "$CTR" stat -c %h /tmp/by-berth/a)" 2 "berth in: a hard link stays a hard link"

D cp "$T" "$CTR:/tmp/by-docker"
run "$BERTH" -H "$H" cp "$CTR:/tmp/by-docker" "$W/back-berth"
is "$RC" 0 "berth cp out: a tree docker cp put in" || tap_show_last
listing "$W/back-berth" >"$W/back-berth.list"
cmp -s "$W/tree.list" "$W/back-berth.list"
ok $? "docker cp in, berth out: identical" || diag "$(diff "$W/tree.list" "$W/back-berth.list")"

run "$BERTH" -H "$H" cp "$T/." "$CTR:/tmp/by-berth/"
is "$RC" 0 "berth cp in: SRC/. into an existing directory" || tap_show_last
is "$(D exec "$CTR" cat "/tmp/by-berth/dir with space/name with spaces.txt")" spaced \
	"SRC/.: the contents merged into the directory"

# Safety against the real engine: symlinks made in the container. An absolute one
# names the container's filesystem and is kept as data (as docker cp does); a
# relative one climbing out of the copied tree is refused.
D exec "$CTR" sh -c 'mkdir -p /tmp/esc && ln -s /etc /tmp/esc/etc-link && echo x >/tmp/esc/f'
run "$BERTH" -H "$H" cp "$CTR:/tmp/esc" "$W/esc"
is "$RC" 0 "berth cp out: an absolute symlink is copied" || tap_show_last
is "$(readlink "$W/esc/etc-link")" /etc "as a symlink, not followed"
D exec "$CTR" sh -c 'mkdir -p /tmp/esc2 && ln -s ../../../../../../.. /tmp/esc2/up && echo x >/tmp/esc2/f'
run "$BERTH" -H "$H" cp "$CTR:/tmp/esc2" "$W/esc2"
is "$RC" 1 "berth cp out: a relative symlink out of the destination is refused"
like "$(err)" '^berth: refusing the archive entry "esc2/up"' "and named" || tap_show_last
[ ! -e "$W/esc2" ] && ! ls -A "$W" | grep -q '^\.berth-'
ok $? "and nothing is left behind"

# 256 MiB both ways through the library: bounded memory, progress to the end.
head -c $((256 << 20)) /dev/urandom >"$W/big.bin"
# big_copy DESC ARGS...: cpdrive ARGS copies 256 MiB, its progress reaching the
# total without going back, its peak RSS under the bound; MS is how long it took.
big_copy()
{
	local desc=$1 rss
	shift
	run "$CPDRIVE" "$H" "$@"
	is "$RC" 0 "$desc: copied" || tap_show_last
	like "$(out)" "progress: [0-9]+ calls, $((256 << 20)) of $((256 << 20)) bytes, monotonic" \
		"$desc: progress reaches the total and never goes back"
	rss=$(sed -n 's/^peak rss: \([0-9]*\) KiB/\1/p' "$OUT")
	[ -n "$rss" ] && [ "$rss" -le "$MAX_RSS_KIB" ]; ok $? "$desc: peak RSS ${rss} KiB <= $MAX_RSS_KIB KiB"
}
big_copy "256 MiB in" to "$W/big.bin" "$CTR" /tmp/big.bin
T_IN=$MS
big_copy "256 MiB out" from "$CTR" /tmp/big.bin "$W/big.back"
T_OUT=$MS
cmp -s "$W/big.bin" "$W/big.back"; ok $? "256 MiB out: the same bytes"
run curl -sf --unix-socket "$DOCKER_SOCK" -o "$W/big.curl" "http://d/v1.41/containers/$CTR/archive?path=/tmp/big.bin"
# Printed only: how fast berth copies beside curl is bench/run.sh's cp_out row.
diag "256 MiB: berth in ${T_IN} ms, berth out ${T_OUT} ms, curl GET to a file ${MS} ms"
rm -f "$W/big.bin" "$W/big.back" "$W/big.curl"
D exec "$CTR" rm -f /tmp/big.bin

# mount: the same files as docker export, symlinks kept.
run "$BERTH" -H "$H" mount "$CTR" "$W/root"
is "$RC" 0 "mount: unpacked" || tap_show_last
D export "$CTR" | tar -t | sed 's,/$,,; s,^\./,,' | grep -v '^dev/' | LC_ALL=C sort >"$W/export.list"
(cd "$W/root" && find . -mindepth 1 | sed 's,^\./,,' | grep -v '^dev/' | LC_ALL=C sort) >"$W/mount.list"
cmp -s "$W/export.list" "$W/mount.list"; ok $? "mount: the same entries as docker export" ||
	diag "$(diff "$W/export.list" "$W/mount.list" | head -20)"
is "$(readlink "$W/root/bin/sh")" busybox "mount: symlinks kept as symlinks"
cmp -s "$W/root/tmp/by-berth/a" "$T/a"; ok $? "mount: files written in the container are there"

tap_done
