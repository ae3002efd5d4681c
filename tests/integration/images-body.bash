# tests/integration/images-body.bash: berth images, pull and rmi against one
# real engine, cross-checked with the docker client. Sourced by
# images-docker.sh and images-podman.sh, which set ENGINE and P (the prefix of
# every image and container this run makes). There is no registry here: a
# pull fails, and its message must be the engine's own.
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
. "$TOP_SRCDIR/tests/lib/engine-clients.bash"
engine_clients
P=$P$(printf '%s' "$TOP_BUILDDIR" | md5sum | cut -c1-6)-

cleanup()
{
	D rm -f "${P}user" "${P}base" >/dev/null 2>&1
	D rmi "${P}copy:v1" "${P}copy:v2" >/dev/null 2>&1
	return 0
}
trap cleanup EXIT
cleanup

# stderr is exactly one line that starts with "berth: ".
one_error_line()
{
	[ "$(wc -l <"$ERR")" -eq 1 ] && head -n1 "$ERR" | grep -q '^berth: '
}

# An image of this run's own (other tests' containers use the test image),
# tagged twice, and one container made from it. berth snapshot commits: the
# docker client's commit fails on Podman (docker-api.md §8).
D create --name "${P}base" "$IMAGE" true >/dev/null && B snapshot "${P}base" "${P}copy" v1 >/dev/null &&
	D tag "${P}copy:v1" "${P}copy:v2" && D create --name "${P}user" "${P}copy:v1" true >/dev/null
ok $? "an image of our own tagged twice, and a container made from it"
ID=$(D image inspect -f '{{.Id}}' "${P}copy:v1")
USERS=1
diag "image $ID, used by $USERS containers"

# ---------------------------------------------------------------- images
run B images
is "$RC" 0 "images: exit 0" || tap_show_last
like "$(head -n1 "$OUT")" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE +CONTAINERS$' "images: the header"
ROW=$(grep "^[^ ]*${P}copy  *v1 " "$OUT")
like "$ROW" " ${ID:7:12} " "images: the tagged copy's row has its short id"
like "$ROW" " $USERS\$" "images: it counts the containers made from the image ($USERS, as the engine says)"
like "$ROW" " (seconds?|minutes?|hours?|days?|weeks?|months?|years?) ago " "images: when it was created"
grep -q "^[^ ]*${P}copy  *v2 " "$OUT"; ok $? "images: one row per tag"
grep -q "berth-test/busybox  *latest " "$OUT"; ok $? "images: the test image"

run B images --format json
is "$RC" 0 "images --format json: exit 0"
ENTRY=$(/usr/bin/python3 -c '
import json, sys
for i in json.load(open(sys.argv[1])):
    if i["repository"].endswith(sys.argv[2] + "copy") and i["tag"] == "v1":
        print(i["id"], i["containers"], i["size"] > 0, i["created"] > 0)
' "$OUT" "$P")
is "$ENTRY" "$ID $USERS True True" "images --format json: id, containers, size and created of the copy"
SIZE=$(D image inspect -f '{{.Size}}' "${P}copy:v1")
/usr/bin/python3 -c '
import json, sys
s = [i["size"] for i in json.load(open(sys.argv[1])) if i["id"] == sys.argv[2]][0]
sys.exit(0 if s == int(sys.argv[3]) else 1)' "$OUT" "$ID" "$SIZE"
ok $? "images --format json: the size is the engine's ($SIZE bytes)"

run B images -q
[ "$(grep -cx "${ID:7:12}" "$OUT")" -eq 1 ]
ok $? "images -q: the short id, once for its several tags"
run B images --format yaml
is "$RC" 2 "images --format yaml: a usage error"

# ---------------------------------------------------------------- rmi
run B rmi "${P}copy:v2"
is "$RC" 0 "rmi: exit 0" || tap_show_last
is "$(out)" "${P}copy:v2" "rmi: prints what it removed"
D image inspect "${P}copy:v2" >/dev/null 2>&1
ok $((!$?)) "rmi: the engine no longer has the tag"
D image inspect "${P}copy:v1" >/dev/null 2>&1
ok $? "rmi: the image's other tag stays"
run B rmi "${P}nothing:v9"
is "$RC" 1 "rmi of an image that does not exist: exit 1"
one_error_line; ok $? "rmi of an image that does not exist: one line ($(err))"
run B rmi 'no such!'
is "$RC" 1 "rmi of a name that is no image name: exit 1"
like "$(err)" "is not an image name" "... saying so"
run B --read-only rmi "${P}copy:v1"
like "$(err)" "^berth: read-only: removing images is refused" "rmi in read-only mode is refused"
D image inspect "${P}copy:v1" >/dev/null 2>&1
ok $? "... and the image stays"

# ---------------------------------------------------------------- pull
WANT=$(D pull "${P}absent:1" 2>&1 | tail -n1 | sed 's/^Error response from daemon: //')
run B pull "${P}absent:1"
is "$RC" 1 "pull with no registry: exit 1"
one_error_line; ok $? "pull with no registry: one line"
case "$(err)" in
"berth: cannot pull ${P}absent:1: "*"$WANT"*) ok 0 "pull ends with the engine's message: $(err)" ;;
*) ok 1 "pull ends with the engine's message"; diag "engine: $WANT"; diag "berth: $(err)" ;;
esac
is "$(wc -c <"$OUT")" 0 "pull on a pipe prints nothing when it fails"
run B pull 'Not An Image!'
is "$RC" 1 "pull of a name that is no image name: exit 1"
like "$(err)" "is not an image name" "... saying so"
run B --read-only pull "${P}absent:1"
like "$(err)" "^berth: read-only: pulling images is refused" "pull in read-only mode is refused"

# ---------------------------------------------------------------- Zun
run env OS_AUTH_URL=http://127.0.0.1:9/v3 OS_USERNAME=u OS_PASSWORD=p OS_PROJECT_NAME=p \
	"$BERTH" -H zun images
is "$RC" 1 "images on a Zun endpoint: exit 1"
is "$(err)" "berth: listing images is not supported by Zun; zun is a Zun site" "... in one sentence"
cleanup	# now: tap_done removes the directory that holds D
tap_done
