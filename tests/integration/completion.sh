#!/bin/sh
# tests/integration/completion.sh: the shell completions of `berth completion`
# (issue 13, item 8). bash's is driven as bash does it (COMP_WORDS, COMP_CWORD,
# COMP_LINE, COMP_POINT, then the completion function, then COMPREPLY), loaded
# by bash-completion's own loader from a completions directory: a verb, an
# option, an option's value, a container and an image of the real Docker
# engine, an endpoint of the configuration file, cp's CONTAINER:. fish's is
# asked with complete -C; zsh's is checked to parse (zsh -n). Needs the engine
# at /var/run/docker.sock.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib/preamble.sh"
need_docker_image
LOADER=/usr/share/bash-completion/bash_completion
[ -r "$LOADER" ] || skip_all "bash-completion is not installed"

C=t-complete-$$
cleanup() { docker rm -f "$C" >/dev/null 2>&1; return 0; }
trap cleanup EXIT
docker create --name "$C" "$IMAGE" true >/dev/null
ok $? "a container (created, not running)"

# berth as a command of PATH, as a user types it.
mkdir -p "$TAP_TMP/bin" "$TAP_TMP/data/bash-completion/completions"
ln -s "$BERTH" "$TAP_TMP/bin/berth"
export PATH=$TAP_TMP/bin:$PATH
mkdir -p "$XDG_CONFIG_HOME/berth"
cat >"$XDG_CONFIG_HOME/berth/berth.conf" <<EOF
[endpoint complete-local]
host = unix://$SOCK

[group complete-all]
endpoints = complete-local
EOF

for shell in bash zsh fish; do
	run "$BERTH" completion $shell
	is "$RC" 0 "berth completion $shell" || tap_show_last
	cp "$OUT" "$TAP_TMP/berth.$shell"
done
run "$BERTH" completion tcsh
is "$RC" 2 "a shell it does not know: usage" || tap_show_last
like "$(err)" "no completion for tcsh" "... said in one sentence"

# bash-completion's loader finds the script by the command's name.
cp "$TAP_TMP/berth.bash" "$TAP_TMP/data/bash-completion/completions/berth"
export BASH_COMPLETION_USER_DIR=$TAP_TMP/data/bash-completion
. "$LOADER"
__load_completion berth
like "$(complete -p berth)" "-F _berth berth" "bash-completion loads the script for berth"

# offers TEXT WORD DESCRIPTION: WORD is a line of TEXT.
offers()
{
	local text=$1 word=$2
	shift 2
	printf '%s\n' "$text" | grep -qxF -- "$word"
	ok $? "$*" && return 0
	diag "expected a line: $word"
	diag "             got: $(printf '%s' "$text" | tr '\n' ' ' | head -c 1500)"
	return 1
}

# reply LINE: what Tab offers at the end of LINE, one a line, sorted.
reply()
{
	local line=$1
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_berth berth "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

offers "$(reply 'berth ')" "ps" "a verb: ps"
offers "$(reply 'berth ')" "completion" "a verb: completion"
is "$(reply 'berth sn')" "snapshot" "a verb completed from its start"
is "$(reply 'berth ps --a')" "--all" "an option of ps"
is "$(reply 'berth run --no')" "--no-start" "an option of run"
offers "$(reply 'berth --re')" "--read-only" "a global option"
offers "$(reply "berth -H unix://$SOCK kill t-complete")" "$C" \
	"kill: a container of the engine (-H given on the line)"
offers "$(reply "berth start t-complete")" "$C" "start: a container of the default engine"
offers "$(reply "berth stop -t 5 t-complete")" "$C" "a container after an option and its value"
is "$(reply "berth stop -t ")" "" "an option's value: nothing offered"
is "$(reply "berth exec $C ")" "" "exec: its command is not completed"
offers "$(reply 'berth run berth-test/busy')" "$IMAGE" "run: an image of the engine"
offers "$(reply "berth rmi $IMAGE berth-test/busy")" "$IMAGE" "rmi: images, each operand"
COMP_WORDBREAKS=${COMP_WORDBREAKS:-:}
is "$(reply 'berth run berth-test/busybox:la')" "latest" \
	"an image after a ':': only what follows it (bash broke the word there)"
offers "$(reply "berth cp t-complete")" "$C:" "cp: CONTAINER:"
touch "$TAP_TMP/complete-local-file"
like "$(reply "berth cp $TAP_TMP/complete-l")" "complete-local-file" "cp: a local path"
offers "$(reply "berth -H complete-")" "complete-local" "-H: an endpoint of the configuration file"
offers "$(reply "berth -H @complete-")" "@complete-all" "-H: a group"
like "$(reply "berth -c $TAP_TMP/complete-l")" "complete-local-file" "-c: a file"
offers "$(reply 'berth help po')" "port-open" "help: a verb"
is "$(reply 'berth nosuchverb ')" "" "an unknown verb: nothing"

run "$BERTH" completion containers
offers "$(out)" "$C" "berth completion containers: the names, one a line"
run "$BERTH" completion images
offers "$(out)" "$IMAGE" "berth completion images: REPOSITORY:TAG"
run "$BERTH" -H unix:///nonexistent/complete.sock completion containers
is "$RC" 1 "an endpoint that cannot be reached: exit 1" || tap_show_last

if command -v zsh >/dev/null; then
	zsh -n "$TAP_TMP/berth.zsh"
	ok $? "zsh parses its script"
else
	skip "zsh is not installed"
fi
if command -v fish >/dev/null; then
	fish -n "$TAP_TMP/berth.fish"
	ok $? "fish parses its script"
	fish_reply() { fish --no-config -c "source $TAP_TMP/berth.fish; complete -C '$1'" | cut -f1 | sort; }
	offers "$(fish_reply 'berth ')" "ps" "fish: a verb"
	offers "$(fish_reply 'berth ps --a')" "--all" "fish: an option"
	offers "$(fish_reply "berth kill t-complete")" "$C" "fish: a container of the engine"
	offers "$(fish_reply 'berth run berth-test/busy')" "$IMAGE" "fish: an image"
	offers "$(fish_reply "berth -H complete-")" "complete-local" "fish: an endpoint"
else
	skip "fish is not installed"
fi

tap_done
