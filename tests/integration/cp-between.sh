#!/bin/sh
# tests/integration/cp-between.sh: berth cp CTR1:PATH CTR2:DIR between a
# container on the real Docker engine and one on the Podman service (both
# ways), between two containers of one engine, and within one container. The
# tree that arrives (types, modes, sizes, link targets, checksums) is the one
# that left; a 64 MiB file passes with the copy's resident memory well under
# its size (streamed, not held). A name found on both endpoints is an error
# naming them; a missing container, a missing source path, a destination that
# is no directory and read-only mode are one line each and exit 1.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
. "$TOP_SRCDIR/tests/lib/engines.sh"
engine_docker_ensure 2>/dev/null && engine_image_ensure_docker 2>/dev/null ||
	skip_all "no Docker engine for the tests here"
engine_podman_ensure 2>/dev/null && engine_image_ensure_podman 2>/dev/null ||
	skip_all "no Podman service for the tests here"
[ -x /usr/bin/time ] || skip_all "no /usr/bin/time to measure the copy's memory"
DK() { docker -H "unix://$DOCKER_SOCK" "$@"; }
PM() { docker -H "unix://$PODMAN_SOCK" "$@"; }
BB=("$BERTH" -H "unix://$DOCKER_SOCK" -H "unix://$PODMAN_SOCK")	# berth on both
P=t-act-cp-$$-

cleanup()
{
	DK rm -f "${P}a" "${P}c" "${P}dup" >/dev/null 2>&1
	PM rm -f "${P}b" "${P}dup" >/dev/null 2>&1
	return 0
}
trap cleanup EXIT

# The tree under $2 in container $1 (with the command $3): type, mode, size,
# link target, and every file's checksum, paths relative to $2.
tree_of()
{
	"$3" exec "$1" sh -c "cd '$2' && find . -exec stat -c '%n %F %a %s %N' {} + | sort &&
		find . -type f -exec md5sum {} + | sort -k2"
}

DK run -d --name "${P}a" "$TEST_IMAGE" sh -c 'mkdir -p /data/sub/deep && head -c 67108864 /dev/urandom >/data/big &&
	echo hi >/data/sub/f && chmod 640 /data/sub/f && ln -s sub/f /data/link && : >/data/sub/deep/empty &&
	touch /data/ready && exec sleep 100000' >/dev/null &&
	PM run -d --name "${P}b" "$PODMAN_TEST_IMAGE" sleep 100000 >/dev/null &&
	DK run -d --name "${P}c" "$TEST_IMAGE" sleep 100000 >/dev/null
ok $? "a container on Docker with a tree, one on Podman, another on Docker"
for i in $(seq 300); do DK exec "${P}a" test -e /data/ready && break; sleep 0.2; done
DK exec "${P}a" rm /data/ready
WANT=$(tree_of "${P}a" /data DK)

run /usr/bin/time -f '%M' -o "$TAP_TMP/rss" "${BB[@]}" cp "${P}a:/data" "${P}b:/tmp"
is "$RC" 0 "Docker to Podman: exit 0" || tap_show_last
is "$(tree_of "${P}b" /tmp/data PM)" "$WANT" "Docker to Podman: the same tree arrives"
RSS=$(tail -n1 "$TAP_TMP/rss")
diag "the copy's maximum resident memory: $RSS KiB for a 65536 KiB file"
[ "$RSS" -lt 40000 ]
ok $? "the 64 MiB file is streamed: resident memory stays under 40 MiB ($RSS KiB)"

run "${BB[@]}" cp "${P}b:/tmp/data/sub" "${P}c:/tmp"
is "$RC" 0 "Podman to Docker: exit 0" || tap_show_last
is "$(tree_of "${P}c" /tmp/sub DK)" "$(tree_of "${P}a" /data/sub DK)" "Podman to Docker: the same tree arrives"

run "${BB[@]}" cp "${P}a:/data/link" "${P}c:/"
is "$RC" 0 "two containers on one engine: exit 0"
is "$(DK exec "${P}c" readlink /link)" "sub/f" "... a symlink arrives as a link"
run "$BERTH" -H "unix://$DOCKER_SOCK" cp "${P}a:/data/sub" "${P}a:/tmp"
is "$RC" 0 "within one container: exit 0" || tap_show_last
is "$(tree_of "${P}a" /tmp/sub DK)" "$(tree_of "${P}a" /data/sub DK)" "within one container: the same tree"

# One line, exit 1, and the words.
fails()
{
	local what=$1 words=$2
	shift 2
	run "$@"
	is "$RC" 1 "$what: exit 1"
	[ "$(wc -l <"$ERR")" -eq 1 ] && grep -qF -- "$words" "$ERR"
	ok $? "$what: one line saying $words" || diag "$(err)"
}
DK run -d --name "${P}dup" "$TEST_IMAGE" sleep 100000 >/dev/null && PM run -d --name "${P}dup" "$PODMAN_TEST_IMAGE" sleep 100000 >/dev/null
fails "a name on both endpoints" "container ${P}dup is on several endpoints (unix://$DOCKER_SOCK, unix://$PODMAN_SOCK)" \
	"${BB[@]}" cp "${P}dup:/etc/hostname" "${P}c:/tmp"
fails "a destination name on both endpoints" "is on several endpoints" "${BB[@]}" cp "${P}a:/data/sub" "${P}dup:/tmp"
fails "no such container" "no such container: ${P}none" "${BB[@]}" cp "${P}none:/x" "${P}c:/tmp"
fails "a missing source path" "/nothing" "${BB[@]}" cp "${P}a:/nothing" "${P}b:/tmp"
fails "a destination that does not exist" "${P}b:/nodir does not exist" "${BB[@]}" cp "${P}a:/data/sub" "${P}b:/nodir"
fails "read-only mode" "read-only: copying files into a container is refused" "${BB[@]}" --read-only cp "${P}a:/data/sub" "${P}b:/tmp/ro"
! PM exec "${P}b" test -e /tmp/ro
ok $? "... and nothing arrived"
cleanup
tap_done
