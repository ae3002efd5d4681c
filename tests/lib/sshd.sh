# tests/lib/sshd.sh: a private sshd on 127.0.0.1 for the ssh:// tests (sourced).
#
# sshd_start DIR [NAME=VALUE...]: Debian's openssh-server on a free port of
# 127.0.0.1 as root, key authentication only, with its host key, a client key
# (DIR/id_test), the authorized keys, known_hosts and pidfile in DIR; every
# session gets a PATH that finds the docker client, and the NAME=VALUE given
# (DOCKER_HOST=unix://... to reach another engine). Sets SSHD_PORT, SSHD_PID
# and SSHD_SPEC (ssh://root@127.0.0.1:PORT); returns 1 when it did not listen
# within 10 s. sshd_opts KEY KNOWN_HOSTS: options for ssh (BERTH_SSH_OPTS)
# that keep it off root's files (-F none: no ~/.ssh/config).
sshd_start()
{
	local dir=$1 i env
	shift
	env="PATH=$(dirname "$(command -v docker)"):/usr/local/bin:/usr/bin:/bin${*:+ $*}"
	mkdir -p "$dir" /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$dir/hostkey" -C test-host
	ssh-keygen -q -t ed25519 -N '' -f "$dir/id_test" -C test-user
	cp "$dir/id_test.pub" "$dir/authorized_keys"
	chmod 600 "$dir/authorized_keys"
	SSHD_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	setsid /usr/sbin/sshd -D -e -f /dev/null -p "$SSHD_PORT" -o ListenAddress=127.0.0.1 \
		-o HostKey="$dir/hostkey" -o PidFile="$dir/sshd.pid" -o AuthorizedKeysFile="$dir/authorized_keys" \
		-o PermitRootLogin=prohibit-password -o PasswordAuthentication=no \
		-o KbdInteractiveAuthentication=no -o UsePAM=no -o StrictModes=no \
		-o SetEnv="$env" </dev/null >/dev/null 2>"$dir/sshd.log" &
	SSHD_PID=$!
	SSHD_SPEC="ssh://root@127.0.0.1:$SSHD_PORT"
	printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1,2 "$dir/hostkey.pub")" >"$dir/known_hosts"
	for i in $(seq 100); do	# sshd -e says when it listens
		grep -q '^Server listening' "$dir/sshd.log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

sshd_opts()
{
	printf -- '-F none -i %s -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes' "$1" "$2"
}
