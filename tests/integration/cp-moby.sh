#!/bin/sh
# tests/integration/cp-moby.sh: Docker's own `docker cp` tests (moby's
# integration-cli docker_cli_cp_*_test.go), ported case by case to berth cp and
# run against the docker CLI on the same engine as the reference: the same copy
# is made by `docker cp` and by `berth cp` into twin destinations, and the
# result trees (type, mode, owner, size, link target, checksum), the success or
# failure and the kind of error (moby's isCp* checks, on docker's message and on
# berth's own words) must agree.
#
# Twin containers (${P}twin-d for docker cp, ${P}twin-b for berth cp) hold moby's
# test content in / and /root, made afresh before each case; a host directory
# holds it too (makeTestContentInDir). Left out, and said so below: cp -L and
# cp -a (berth cp has neither option), and the case run as an unprivileged user.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
. "$TOP_SRCDIR/tests/lib/engine-clients.bash"
ENGINE=docker
P=t-cpmoby-$(printf '%s' "$TOP_BUILDDIR" | md5sum | cut -c1-6)-
W=$TAP_TMP/w
mkdir -p "$W"
engine_clients

cleanup()
{
	local ids
	ids=$(D ps -a --format '{{.ID}} {{.Names}}' 2>/dev/null | awk -v p="$P" 'index($2, p) == 1 { print $1 }')
	[ -n "$ids" ] && D rm -f $ids >/dev/null 2>&1
	return 0
}
trap cleanup EXIT
cleanup

# moby's defaultFileData, made in the current directory (its creationCommand;
# dir4's files keep moby's names and contents).
CONTENT='for f in 1 2 3 4 5 6 7; do echo file$f >file$f; done &&
mkdir -p dir1 dir2 dir3 dir4 dir5 permdirtest &&
echo file1-1 >dir1/file1-1 && echo file1-2 >dir1/file1-2 &&
echo file2-1 >dir2/file2-1 && echo file2-2 >dir2/file2-2 &&
echo file3-1 >dir3/file3-1 && echo file3-2 >dir3/file3-2 &&
echo file4-1 >dir4/file3-1 && echo file4-2 >dir4/file3-2 &&
ln -fs file1 symlinkToFile1 && ln -fs dir1 symlinkToDir1 &&
ln -fs fileX brokenSymlinkToFileX && ln -fs dirX brokenSymlinkToDirX &&
ln -fs /root symlinkToAbsDir &&
echo perm_test >permdirtest/permtest && chmod 400 permdirtest/permtest && chmod 700 permdirtest &&
chown 65534:65534 permdirtest/permtest && chown 2:2 permdirtest'
NAMES='file1 file2 file3 file4 file5 file6 file7 dir1 dir2 dir3 dir4 dir5 permdirtest symlinkToFile1
symlinkToDir1 brokenSymlinkToFileX brokenSymlinkToDirX symlinkToAbsDir fileX dirX itWorks.txt testDir
notExists some container_path container_dir dir_link testVol te:s:t test'

# The content afresh in / and /root of container $1.
ctr_reset()
{
	D exec "$1" sh -c "cd / && rm -rf $(echo $NAMES) /root && mkdir /root && $CONTENT && cd /root && $CONTENT" >/dev/null
}

# Type, mode, owner, size (files), link target and checksum of what is under
# / and /root of container $1 (the system directories left out), in a few
# processes: a fork per file is slow on a loaded machine.
TREE_SH='for top in / /root; do
	cd $top && find . \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./etc -o -path ./bin \
		-o -path ./tmp \) -prune -o -exec stat -c "%F|%n|%a %u %g|%s|%N" {} + |
	awk -F"|" "\$1 == \"directory\" { print \$2, \"d\", \$3; next }
		\$1 == \"symbolic link\" { print \$2, \"l\", \$5; next } { print \$2, \"f\", \$3, \$4 }" |
	LC_ALL=C sort
	find . \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./etc -o -path ./bin \
		-o -path ./tmp \) -prune -o -type f -exec md5sum {} + | LC_ALL=C sort -k2
done'
ctr_tree()
{
	D exec "$1" sh -c "$TREE_SH"
}

# The same for host directory $1.
host_tree()
{
	(cd "$1" && find . \( -type l -printf '%p l %l\n' \) -o \( -type d -printf '%p d %m %U %G\n' \) \
		-o \( -type f -printf '%p f %m %U %G %s\n' \) | LC_ALL=C sort &&
		find . -type f -exec md5sum {} + | LC_ALL=C sort -k2)
}

# moby's error kinds: what docker's message says (its isCp* checks), and what
# berth's says for the same refusal.
declare -A DOCKER_SAYS=(
	[notexist]='no such file or directory|could not find the file'
	[dirnotexist]='no such directory'
	[notdir]='not a directory'
	[cannotcopydir]='cannot copy directory'
	[readonly]='marked read-only|read-only file system'
	[overwrite]='cannot overwrite non-directory'
)
declare -A BERTH_SAYS=(
	[notexist]='[Nn]o such file|does not exist|there is no|[Cc]ould not find'
	[dirnotexist]='does not exist|[Nn]ot a directory'
	[notdir]='[Nn]ot a directory'
	[cannotcopydir]='cannot copy a directory'
	[readonly]='read-only'
	[overwrite]='cannot overwrite|exists but is not a directory|[Nn]ot a directory'
)

# agree DESC DRC DERR BRC KIND: both succeeded, or both failed and (with KIND)
# docker's message is moby's kind and berth's one line says the same.
agree()
{
	local desc=$1 drc=$2 derr=$3 brc=$4 kind=$5
	if [ -z "$kind" ]; then
		[ "$drc" = 0 ] && [ "$brc" = 0 ]
		ok $? "$desc: both copies succeed" || { diag "docker cp: $drc $derr"; tap_show_last; }
		return
	fi
	[ "$drc" != 0 ] && [[ ${derr,,} =~ ${DOCKER_SAYS[$kind]} ]]
	ok $? "$desc: docker cp fails as moby expects ($kind)" || diag "docker cp: $drc $derr"
	[ "$brc" = 1 ] && [ "$(wc -l <"$ERR")" = 1 ] && grep -Eq "^berth: .*(${BERTH_SAYS[$kind]})" "$ERR"
	ok $? "$desc: berth cp fails too, in one line that says so" || tap_show_last
}

# both FUNCTION: FUNCTION on the two twins at once, its output in $W/out-d and
# $W/out-b; fails if either fails.
both()
{
	"$1" "${P}twin-d" >"$W/out-d" & local dpid=$!
	"$1" "${P}twin-b" >"$W/out-b"
	local brc=$?
	wait $dpid && [ $brc = 0 ]
}

# to_case DESC KIND SRC DST: copy host SRC (under the host content $H) to DST in
# both twins, then compare / and /root of the twins.
to_case()
{
	local desc=$1 kind=$2 src=$3 dst=$4 drc derr
	both ctr_reset
	derr=$(D cp "$src" "${P}twin-d:$dst" 2>&1 >/dev/null); drc=$?
	run B cp "$src" "${P}twin-b:$dst"
	agree "cp to, $desc" "$drc" "$derr" "$RC" "$kind"
	both ctr_tree
	local dt bt
	dt=$(cat "$W/out-d") bt=$(cat "$W/out-b")
	[ -n "$dt" ] && [ "$dt" = "$bt" ]
	ok $? "cp to, $desc: the same trees in the container as docker cp's" || diag "$(diff <(echo "$dt") <(echo "$bt"))"
}

# from_case DESC KIND SRC DST: copy SRC of the docker twin to DST under fresh
# host content, once with each client, and compare the host trees.
from_case()
{
	local desc=$1 kind=$2 src=$3 dst=$4 drc derr d
	rm -rf "$W/hd" "$W/hb"
	for d in "$W/hd" "$W/hb"; do mkdir -p "$d" && (cd "$d" && eval "$CONTENT"); done
	derr=$(D cp "${P}twin-d:$src" "$W/hd/$dst" 2>&1 >/dev/null); drc=$?
	run B cp "${P}twin-d:$src" "$W/hb/$dst"
	agree "cp from, $desc" "$drc" "$derr" "$RC" "$kind"
	[ "$(host_tree "$W/hd")" = "$(host_tree "$W/hb")" ]
	ok $? "cp from, $desc: the same tree on the host as docker cp's" || diag "$(diff <(host_tree "$W/hd") <(host_tree "$W/hb"))"
}

D run -d --name "${P}twin-d" "$IMAGE" sleep 3600 >/dev/null &&
	D run -d --name "${P}twin-b" "$IMAGE" sleep 3600 >/dev/null ||
	bail_out "docker run failed"
ctr_reset "${P}twin-d" || bail_out "cannot make moby's content in a container"
H=$W/host
mkdir -p "$H" && (cd "$H" && eval "$CONTENT") || bail_out "cannot make moby's content on the host"

# ------------------------------------------------ docker_cli_cp_from_container_test.go
# The ten cases of the table (A to J), with and without a trailing separator.
from_case "A: a file to a new name" "" /root/file1 itWorks.txt
from_case "B: a file to a missing directory (DST/)" dirnotexist /file1 testDir/
from_case "C: a file over a file" "" /root/file1 file2
from_case "D: a file into a directory" "" /file1 dir1
from_case "D: a file into a directory (DST/)" "" /file1 dir1/
from_case "E: a directory to a new name" "" dir1 testDir
from_case "E: a directory to a new name (DST/)" "" dir1 testDir/
from_case "F: a directory over a file" cannotcopydir /root/dir1 file1
from_case "G: a directory into a directory" "" /root/dir1 dir2
from_case "G: a directory into a directory (DST/)" "" /root/dir1 dir2/
from_case "H: a directory's contents to a new name" "" dir1/. testDir
from_case "H: a directory's contents to a new name (DST/)" "" dir1/. testDir/
from_case "I: a directory's contents over a file" cannotcopydir /root/dir1/. file1
from_case "J: a directory's contents into a directory" "" /root/dir1/. dir2
from_case "J: a directory's contents into a directory (DST/)" "" /root/dir1/. dir2/
# TestCpFromSymlinkDestination: a host symlink as the destination is followed.
from_case "a file to a symlink to a file" "" /file2 symlinkToFile1
from_case "a file to a symlink to a directory" "" /file2 symlinkToDir1
from_case "a file to a broken symlink" "" /file2 brokenSymlinkToFileX
from_case "a directory to a symlink to a directory" "" /dir2 symlinkToDir1
from_case "a directory to a broken symlink" "" /dir2 brokenSymlinkToDirX

# ------------------------------------------------ docker_cli_cp_to_container_test.go
to_case "a missing source" notexist "$H/missing" file1
to_case "a file given as a directory (SRC/)" notdir "$H/file1/" testDir
to_case "a file into a missing parent" notexist "$H/file1" /notExists/file1
to_case "a directory into a missing parent" notexist "$H/dir1" /notExists/file1
to_case "a file to a file given as a directory (DST/)" dirnotexist "$H/dir1/file1-1" file1/
to_case "a directory to a file given as a directory (DST/)" overwrite "$H/dir1" file1/
# TestCpToSymlinkDestination: a container symlink as the destination is followed.
to_case "a file to a symlink to a file" "" "$H/file2" /root/symlinkToFile1
to_case "a file to a symlink to a directory" "" "$H/file2" /root/symlinkToDir1
to_case "a file to a broken symlink" "" "$H/file2" /root/brokenSymlinkToFileX
to_case "a directory to a symlink to a directory" "" "$H/dir2" /root/symlinkToDir1
to_case "a directory to a broken symlink" "" "$H/dir2" /root/brokenSymlinkToDirX
to_case "A: a file to a new name" "" "$H/file1" /root/itWorks.txt
to_case "B: a file to a missing directory (DST/)" dirnotexist "$H/file1" testDir/
to_case "C: a file over a file" "" "$H/file1" /root/file2
to_case "D: a file into a directory" "" "$H/file1" dir1
to_case "D: a file into a directory (DST/)" "" "$H/file1" dir1/
to_case "E: a directory to a new name" "" "$H/dir1" testDir
to_case "E: a directory to a new name (DST/)" "" "$H/dir1" testDir/
to_case "F: a directory over a file" cannotcopydir "$H/dir1" /root/file1
to_case "G: a directory into a directory" "" "$H/dir1" /root/dir2
to_case "G: a directory into a directory (DST/)" "" "$H/dir1" /dir2/
to_case "H: a directory's contents to a new name" "" "$H/dir1/." testDir
to_case "H: a directory's contents to a new name (DST/)" "" "$H/dir1/." testDir/
to_case "I: a directory's contents over a file" cannotcopydir "$H/dir1/." /root/file1
to_case "J: a directory's contents into a directory" "" "$H/dir1/." /dir2
to_case "J: a directory's contents into a directory (DST/)" "" "$H/dir1/." /dir2/
# TestCpCheckDestOwnership (to_container_unix): what is copied in belongs to the
# container's root, whatever its owner on the host (compared in the trees).
to_case "a file owned by 65534 on the host" "" "$H/permdirtest" /root

# TestCpToErrReadOnlyRootfs and ...ReadOnlyVolume: nothing is written (the
# container works in /root, as moby's does, which makes it in the image without one).
mkdir -p "$W/vol_ro"
for t in d b; do
	D run -d --read-only -w /root --name "${P}ro-$t" -v "$W/vol_ro:/vol_ro:ro" "$IMAGE" sleep 3600 >/dev/null
done
for dst in /root/shouldNotExist /vol_ro/shouldNotExist; do
	derr=$(D cp "$H/file1" "${P}ro-d:$dst" 2>&1 >/dev/null); drc=$?
	run B cp "$H/file1" "${P}ro-b:$dst"
	agree "cp to a read-only ${dst%/*}" "$drc" "$derr" "$RC" readonly
done
[ -z "$(ls -A "$W/vol_ro")" ]; ok $? "cp to a read-only volume: nothing written there"

# ------------------------------------------------ docker_cli_cp_test.go
run B cp foo bar
[ "$RC" = 2 ] && grep -q 'CONTAINER:PATH' "$ERR"
ok $? "TestCpLocalOnly: two local paths are refused (usage)" || tap_show_last

# /some/path/test in a container; paths that try to leave its root stay in it.
D exec "${P}twin-d" sh -c "mkdir -p /some/path && printf 'holla, i am the container' >/some/path/test &&
	ln -sf /some/path/test /container_path && ln -sf /some/path /container_dir && ln -sf /some /dir_link"
for src in ../../../../../../../../../../../../some/path/test some/path/test /some/path/test \
	/container_path /container_dir/test /dir_link /dir_link/; do
	from_case "TestCp* path $src" "" "$src" .
done
D exec "${P}twin-d" sh -c "printf lololol >/te:s:t"
from_case "TestCpNameHasColon" "" /te:s:t .
(cd "$W" && rm -rf dot && mkdir dot && cd dot && B cp "${P}twin-d:/some/path/test" . >/dev/null 2>&1 &&
	[ "$(cat test)" = 'holla, i am the container' ])
ok $? "TestCpToDot: . is the current directory"
B cp "${P}twin-d:/some/path/test" - 2>/dev/null | tar -tvf - >"$W/tv" 2>&1
grep -q ' test$' "$W/tv" && grep -q '^-rw' "$W/tv"
ok $? "TestCpToStdout: - writes a tar of the file" || diag "$(cat "$W/tv")"
for f in /etc/resolv.conf /etc/hosts /etc/hostname; do
	from_case "TestCpSpecialFiles $f" "" "$f" .
done

# TestCpToSymlinkToDirectory: a host link copied as a link, or with a trailing / as
# the directory it points to, under its own name.
mkdir -p "$W/lt/some/path" && printf 'hello, i am the host' >"$W/lt/some/path/test" && ln -sfn "$W/lt/some" "$W/dir_link"
to_case "TestCpToSymlinkToDirectory: the link" "" "$W/dir_link" /root
to_case "TestCpToSymlinkToDirectory: the link with a trailing /" "" "$W/dir_link/" /root

# TestCpVolumePath: a volume, a bind-mounted directory and a bind-mounted file.
mkdir -p "$W/bind" && printf 'bound\n' >"$W/bind/test"
D run -d --name "${P}vol" -v /foo -v "$W/bind/test:/test" -v "$W/bind:/baz" "$IMAGE" sh -c 'touch /foo/bar; exec sleep 3600' >/dev/null
for i in $(seq 50); do D exec "${P}vol" test -e /foo/bar 2>/dev/null && break; sleep 0.2; done
for src in /foo /foo/bar /baz /baz/test /test; do
	rm -rf "$W/vd" "$W/vb" && mkdir -p "$W/vd" "$W/vb"
	D cp "${P}vol:$src" "$W/vd" 2>/dev/null
	run B cp "${P}vol:$src" "$W/vb"
	[ "$RC" = 0 ] && [ "$(host_tree "$W/vd")" = "$(host_tree "$W/vb")" ]
	ok $? "TestCpVolumePath $src: as docker cp" || { tap_show_last; diag "$(diff <(host_tree "$W/vd") <(host_tree "$W/vb"))"; }
done

# TestCopyAndRestart and TestCopyCreatedContainer: copying out of a stopped or
# never started container works, and leaves it startable. (moby copies
# /etc/group, which the test image has not, and /bin/sh, a link in it: here
# /bin/busybox. The image has no default command: the created container is
# given one.)
D run --name "${P}echo" "$IMAGE" echo hello >/dev/null
run B cp "${P}echo:/bin/busybox" "$W/bb-stopped"
[ "$RC" = 0 ] && cmp -s "$W/bb-stopped" /bin/busybox && [ "$(D start -a "${P}echo" 2>&1)" = hello ]
ok $? "TestCopyAndRestart: copied from a stopped container, which starts again" || tap_show_last
D create --name "${P}created" -v /test "$IMAGE" true >/dev/null
run B cp "${P}created:/bin/busybox" "$W/bb-created"
[ "$RC" = 0 ] && cmp -s "$W/bb-created" /bin/busybox
ok $? "TestCopyCreatedContainer: copied from a created container" || tap_show_last

skip 1 "TestCpSymlinkFromConToHostFollowSymlink: berth cp has no -L"
skip 1 "TestCpToContainerWithPermissions: berth cp has no -a"
skip 1 "TestCpUnprivilegedUser: needs a user 'unprivilegeduser' allowed on the engine's socket"

cleanup	# now: tap_done removes the directory that holds D
tap_done
