"""dockerpy_ops.py: the docker-py peer (Debian's python3-docker; run it with /usr/bin/python3).

  dockerpy_ops.py OP ARG...          one operation in a fresh process, as a script would
  dockerpy_ops.py --serve OP ARG...  import and connect once, then run OP once per line read
                                     on stdin and answer "elapsed_ns peak_rss_kib" per run
                                     (peak RSS is the process's VmHWM)

OP is one of: ps-sparse, ps-full, inspect C, logs C, exec C, cp-in C SRC DIR,
cp-out C PATH DIR, version. Each is the idiomatic docker-py call for the verb.
"""

import io
import os
import sys
import tarfile
import time

import docker


class IterReader(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (for streaming tar extraction)."""

    def __init__(self, chunks):
        self.chunks = iter(chunks)
        self.rest = b""

    def readable(self):
        return True

    def readinto(self, b):
        while not self.rest:
            try:
                self.rest = next(self.chunks)
            except StopIteration:
                return 0
        n = min(len(b), len(self.rest))
        b[:n] = self.rest[:n]
        self.rest = self.rest[n:]
        return n


def op_ps_sparse(client):
    return len(client.containers.list(all=True, sparse=True))


def op_ps_full(client):
    # ignore_removed: other clients may delete containers while docker-py inspects each
    return len(client.containers.list(all=True, ignore_removed=True))


def op_inspect(client, ref):
    return client.containers.get(ref).attrs["Id"]


def op_logs(client, ref, out=None):
    data = client.containers.get(ref).logs()
    if out is not None:
        out.write(data)
    return len(data)


def op_exec(client, ref):
    code, _ = client.containers.get(ref).exec_run(["true"])
    if code != 0:
        raise SystemExit("exec true exited %s" % code)
    return code


def op_cp_in(client, ref, src, dest):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(src, arcname=os.path.basename(src.rstrip("/")))
    if not client.containers.get(ref).put_archive(dest, buf.getvalue()):
        raise SystemExit("put_archive failed")


def op_cp_out(client, ref, path, dest):
    chunks, _ = client.containers.get(ref).get_archive(path)
    with tarfile.open(fileobj=io.BufferedReader(IterReader(chunks), 1 << 20), mode="r|") as tar:
        tar.extractall(dest)


def op_version(client):
    return client.version()["ApiVersion"]


def peak_rss_kib():
    """VmHWM: the peak of this process's own memory since its exec (ru_maxrss would
    include the memory of the process that started it)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


OPS = {"ps-sparse": op_ps_sparse, "ps-full": op_ps_full, "inspect": op_inspect,
       "logs": op_logs, "exec": op_exec, "cp-in": op_cp_in, "cp-out": op_cp_out,
       "version": op_version}


def main(argv):
    serve = argv[:1] == ["--serve"]
    if serve:
        argv = argv[1:]
    op, args = OPS[argv[0]], argv[1:]
    client = docker.from_env()
    if not serve:
        if op is op_logs:
            op(client, *args, out=sys.stdout.buffer)
        else:
            op(client, *args)
        return 0
    for _ in sys.stdin:
        t0 = time.perf_counter_ns()
        op(client, *args)
        t1 = time.perf_counter_ns()
        rss = peak_rss_kib()
        sys.stdout.write("%d %d\n" % (t1 - t0, rss))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
