"""bench.py: berth side by side with its peers on one Docker engine (issue 6).

Run through bench/run.sh (which finds the berth binary). Creates its own containers,
named t-bench-PID-*, times every workload for the floor (curl on the unix socket), the
docker CLI, docker-py and berth, alternating, then the dashboard rows in tmux, writes
the report, and removes exactly the containers it created, even on failure.
"""

import argparse
import datetime
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dashboard  # noqa: E402
import report  # noqa: E402
from engine import Engine, parallel  # noqa: E402
from measure import Cmd, DockerPyServer, run_workload  # noqa: E402

SOCK = "/var/run/docker.sock"
BASE = "http://d/v1.41"
PY = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
OPS = os.path.join(HERE, "dockerpy_ops.py")
LAZY = os.path.join(HERE, "lazydocker_poll.py")

# rounds: (at least, at most, seconds after which no new round starts)
FULL = dict(n_total=1000, n_running=100, seq=1000000, big_mib=256, tree_files=200,
            rounds=dict(ps=(5, 15, 50), inspect=(9, 31, 20), logs=(2, 9, 80),
                        exec=(5, 21, 30), cp_in=(3, 9, 60), cp_out=(3, 9, 60),
                        tree_in=(5, 15, 30), tree_out=(5, 15, 30), version=(9, 31, 20),
                        stats=(3, 9, 60)),
            hyperfine_runs=20, callgrind=True, dash=dashboard.FULL)
SMOKE = dict(n_total=30, n_running=4, seq=20000, big_mib=8, tree_files=200,
             rounds={k: (1, 1, 0) for k in ("ps", "inspect", "logs", "exec", "cp_in", "cp_out",
                                            "tree_in", "tree_out", "version", "stats")},
             hyperfine_runs=0, callgrind=False, dash=dashboard.SMOKE)


# What --only can select.
ROWS = ("ps", "inspect", "logs", "exec", "cp_in", "cp_out", "tree_in", "tree_out", "version",
        "stats", "dashboard")

T0 = time.monotonic()


def log(msg):
    sys.stderr.write("bench: %4.0fs %s\n" % (time.monotonic() - T0, msg))
    sys.stderr.flush()


class Workload:
    """The containers and host files every row works on; created here, removed here."""

    def __init__(self, p, engine):
        self.p = p
        self.eng = engine
        # BERTH_BENCH_TAG goes into every container's name, so a run can be told apart
        self.pfx = "t-bench-%s%d-" % (os.environ.get("BERTH_BENCH_TAG", ""), os.getpid())
        self.ids = []
        self.tmp = tempfile.mkdtemp(prefix="berth-bench-")
        self.run = self.pfx + "run"      # running: exec and inspect target
        self.cp = self.pfx + "cp"        # running: cp target and source
        self.logs = self.pfx + "logs"    # exited after printing seq 1..N
        self.stop = self.pfx + "stop"    # running: the dashboard's docker stop row
        self.big = os.path.join(self.tmp, "big.bin")
        self.tree = os.path.join(self.tmp, "tree")

    def create(self, name, cmd, **kw):
        cid = self.eng.create(name, cmd, **kw)
        self.ids.append(cid)
        return cid

    def setup(self):
        p = self.p
        specials = [self.run, self.cp, self.logs, self.stop]
        nfill = p["n_total"] - len(specials)
        nrun = p["n_running"] - 3
        fill = [self.pfx + "f%04d" % i for i in range(nfill)]
        log("creating %d containers (%d running) named %s*" % (p["n_total"], p["n_running"],
                                                              self.pfx))
        t0 = time.monotonic()
        for n in (self.run, self.cp, self.stop):
            self.create(n, ["sleep", "86400"])
        self.create(self.logs, ["seq", str(p["seq"])])
        self.eng.start(self.logs)
        parallel(lambda n: self.create(n, ["sleep", "86400"]), fill)
        self.running = [self.run, self.cp, self.stop] + fill[:nrun]
        parallel(self.eng.start, self.running)
        self.eng.wait(self.logs)
        log("containers ready in %.0f s" % (time.monotonic() - t0))
        self._files()

    def _files(self):
        """The 256 MiB file and the 200-file tree on the host, their copies in the cp
        container, and one destination directory per peer there."""
        rnd = random.Random(6)
        with open(self.big, "wb") as f:
            for _ in range(self.p["big_mib"]):
                f.write(os.urandom(1 << 20))
        for i in range(self.p["tree_files"]):
            d = os.path.join(self.tree, "d%02d" % (i // 20))
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "f%03d.dat" % i), "wb") as f:
                f.write(rnd.randbytes(rnd.randint(0, 64 << 10)))
        self.big_sum = file_sums(self.big)
        self.tree_sums = tree_sums(self.tree)
        tarpath = os.path.join(self.tmp, "setup.tar")
        with tarfile.open(tarpath, "w") as tar:
            src = tarfile.TarInfo("src")
            src.type, src.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(src)
            tar.add(self.big, "src/big.bin")
            tar.add(self.tree, "src/tree")
            for peer in PEER_DIRS:
                for d in ("in-" + peer, "tin-" + peer):
                    ti = tarfile.TarInfo(d)
                    ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(ti)
        self.eng.put_archive(self.cp, "/tmp", tarpath)
        os.unlink(tarpath)

    def teardown(self):
        """Remove every container this run created (by id, and by our unique prefix in
        case a create answered after an interruption), and the host files."""
        try:
            ids = set(self.ids) | {i for i, _ in self.eng.names_with_prefix(self.pfx)}
            if ids:
                log("removing %d containers named %s*" % (len(ids), self.pfx))
                parallel(self.eng.remove, sorted(ids))
            left = self.eng.names_with_prefix(self.pfx)
            if left:
                log("could not remove: %s" % ", ".join(n for _, n in left))
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


PEER_DIRS = ("floor", "docker", "dockerpy", "dockerpy-inproc", "berth")


def file_sums(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return os.path.getsize(path), h.hexdigest()


def tree_sums(root):
    """{path relative to root's parent: (size, sha256)} for every file under root."""
    out = {}
    parent = os.path.dirname(root)
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, parent)] = file_sums(p)
    return out


def emptier(path):
    """A prepare step: make path an empty directory (untimed, before each run)."""
    def prepare():
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
    return prepare


class Bench:
    def __init__(self, args, p):
        self.args = args
        self.p = p
        self.env = dict(os.environ, DOCKER_HOST="unix://" + SOCK)
        self.eng = Engine(SOCK)
        self.docker = shutil.which("docker")
        self.servers = []
        self.rows = []
        self.curl = ["curl", "-sf", "--unix-socket", SOCK]

    # -- peers ---------------------------------------------------------------

    def server(self, op_args):
        s = DockerPyServer(PY, OPS, op_args, self.env)
        self.servers.append(s)
        return s

    def dockerpy(self, args_for, label_extra="", check_for=None, prepare_for=None):
        """The two docker-py commands: a fresh process, and the operation in one process.
        args_for, check_for and prepare_for map the peer name to that command's part."""
        def get(f, peer):
            return f(peer) if f else None
        fresh, inproc = "dockerpy", "dockerpy-inproc"
        return [Cmd(fresh, "docker-py%s, fresh process" % label_extra,
                    argv=[PY, OPS] + args_for(fresh), check=get(check_for, fresh),
                    prepare=get(prepare_for, fresh),
                    show="python3 dockerpy_ops.py " + " ".join(args_for(fresh))),
                Cmd(inproc, "docker-py%s, in one process" % label_extra,
                    server=self.server(args_for(inproc)), check=get(check_for, inproc),
                    prepare=get(prepare_for, inproc),
                    show="the same call, timed inside one long-lived process")]

    def berth(self, args, check=None, prepare=None):
        if not self.args.berth_ok:
            c = Cmd("berth", "berth", argv=[self.args.berth] + args,
                    show="berth " + " ".join(args))
            c.error = self.args.berth_why
            return c
        return Cmd("berth", "berth", argv=[self.args.berth] + args, check=check,
                   prepare=prepare, show="berth " + " ".join(args))

    def dockercli(self, args, check=None, prepare=None):
        return Cmd("docker", "docker CLI", argv=[self.docker] + args, check=check,
                   prepare=prepare, show="docker " + " ".join(args))

    # -- checks --------------------------------------------------------------

    def check_lines_with(self, needle, want):
        def check(out):
            out = out.decode(errors="replace")
            n = sum(1 for line in out.splitlines() if needle in line)
            if n != want:
                return "lists %d of our %d containers" % (n, want)
        return check

    def check_contains(self, needle):
        def check(out):
            if needle.encode() not in out:
                return "its output does not contain %s" % needle
        return check

    def check_equals(self, want):
        def check(got):
            if got != want:
                return "its output differs from the container's log (%d bytes, want %d)" % (
                    len(got), len(want))
        return check

    def check_in_container(self, path, want):
        def check(_):
            got = {k.split("/", 1)[1] if "/" in k else k: v
                   for k, v in self.eng.archive_members(self.w.cp, path).items()}
            exp = {k.split("/", 1)[1] if "/" in k else k: v for k, v in want.items()}
            if got != exp:
                return "the copy in the container differs from the source (%d files, want %d)" % (
                    len(got), len(exp))
        return check

    def check_on_host(self, dest, want):
        def check(_):
            if "big.bin" in want:
                f = os.path.join(dest, "big.bin")
                got = {"big.bin": file_sums(f)} if os.path.isfile(f) else {}
            else:
                got = tree_sums(os.path.join(dest, os.path.basename(self.w.tree)))
            if got != want:
                return "the copy on the host differs from the source (%d files, want %d)" % (
                    len(got), len(want))
        return check

    # -- rows ----------------------------------------------------------------

    def row(self, key, cmds):
        if self.args.only and key not in self.args.only:
            for c in cmds:
                if c.server is not None:
                    self.servers.remove(c.server)
                    c.server.close()
            return
        log("%s: %d commands" % (key, len(cmds)))
        run_workload(cmds, self.p["rounds"][key], self.env, log)
        for c in cmds:
            if c.server is not None:
                self.servers.remove(c.server)
                c.server.close()
        self.rows.append((key, cmds))

    def run_rows(self):
        w, c = self.w, self.curl
        ours = self.p["n_total"]
        self.row("ps", [
            Cmd("floor", "floor", argv=c + ["-o", "/dev/null", BASE + "/containers/json?all=1"],
                show="curl --unix-socket %s %s/containers/json?all=1" % (SOCK, BASE)),
            self.dockercli(["ps", "-a"], check=self.check_lines_with(w.pfx, ours)),
            *self.dockerpy(lambda _: ["ps-sparse"], " (sparse)"),
            *self.dockerpy(lambda _: ["ps-full"], " (full)"),
            self.berth(["ps", "-a"], check=self.check_lines_with(w.pfx, ours))])

        cid = self.eng.inspect(w.run)["Id"]
        self.row("inspect", [
            Cmd("floor", "floor", argv=c + ["-o", "/dev/null", BASE + "/containers/%s/json" % w.run],
                show="curl --unix-socket %s %s/containers/%s/json" % (SOCK, BASE, w.run)),
            self.dockercli(["inspect", w.run], check=self.check_contains(cid)),
            *self.dockerpy(lambda _: ["inspect", w.run]),
            self.berth(["inspect", w.run], check=self.check_contains(cid))])

        seq = "".join("%d\n" % i for i in range(1, self.p["seq"] + 1)).encode()
        self.row("logs", [
            Cmd("floor", "floor", argv=c + ["-o", "/dev/null",
                                            BASE + "/containers/%s/logs?stdout=1&stderr=1" % w.logs],
                show="curl --unix-socket %s '%s/containers/%s/logs?stdout=1&stderr=1'" % (
                    SOCK, BASE, w.logs)),
            self.dockercli(["logs", w.logs], check=self.check_equals(seq)),
            *self.dockerpy(lambda _: ["logs", w.logs],
                          check_for=lambda k: self.check_equals(seq) if k == "dockerpy" else None),
            self.berth(["logs", w.logs], check=self.check_equals(seq))])

        body1 = '{"Cmd":["true"],"AttachStdout":true,"AttachStderr":true}'
        body2 = '{"Detach":false,"Tty":false}'
        floor_exec = (
            "id=$(curl -sf --unix-socket {s} -X POST -H 'Content-Type: application/json' "
            "-d '{b1}' {u}/containers/{n}/exec | sed 's/.*\"Id\":\"\\([0-9a-f]*\\)\".*/\\1/') && "
            "curl -sf --unix-socket {s} -X POST -H 'Content-Type: application/json' -d '{b2}' "
            "-o /dev/null {u}/exec/$id/start").format(s=SOCK, b1=body1, b2=body2, u=BASE, n=w.run)
        self.row("exec", [
            Cmd("floor", "floor (two requests)", shell=floor_exec),
            self.dockercli(["exec", w.run, "true"]),
            *self.dockerpy(lambda _: ["exec", w.run]),
            self.berth(["exec", w.run, "true"])])

        big = {"big.bin": w.big_sum}
        self.row("cp_in", [
            Cmd("floor", "floor (streamed curl -T)", shell=(
                "tar -cf - -C {d} big.bin | curl -sf --unix-socket {s} -T - -X PUT "
                "'{u}/containers/{n}/archive?path=/tmp/in-floor'").format(
                    d=w.tmp, s=SOCK, u=BASE, n=w.cp),
                check=self.check_in_container("/tmp/in-floor/big.bin", big)),
            self.dockercli(["cp", w.big, w.cp + ":/tmp/in-docker/"],
                           check=self.check_in_container("/tmp/in-docker/big.bin", big)),
            *self.dockerpy(lambda k: ["cp-in", w.cp, w.big, "/tmp/in-" + k],
                           check_for=lambda k: self.check_in_container(
                               "/tmp/in-%s/big.bin" % k, big)),
            self.berth(["cp", w.big, w.cp + ":/tmp/in-berth/"],
                       check=self.check_in_container("/tmp/in-berth/big.bin", big))])

        out = {k: os.path.join(w.tmp, "out-" + k) for k in PEER_DIRS}
        src_big = w.cp + ":/tmp/src/big.bin"
        self.row("cp_out", [
            Cmd("floor", "floor (curl to a file)",
                argv=c + ["-o", os.path.join(out["floor"], "big.tar"),
                          BASE + "/containers/%s/archive?path=/tmp/src/big.bin" % w.cp],
                prepare=emptier(out["floor"]),
                show="curl --unix-socket %s -o big.tar '%s/containers/%s/archive?path=...'" % (
                    SOCK, BASE, w.cp)),
            self.dockercli(["cp", src_big, out["docker"] + "/"], prepare=emptier(out["docker"]),
                           check=self.check_on_host(out["docker"], big)),
            *self.dockerpy(lambda k: ["cp-out", w.cp, "/tmp/src/big.bin", out[k]],
                           check_for=lambda k: self.check_on_host(out[k], big),
                           prepare_for=lambda k: emptier(out[k])),
            self.berth(["cp", src_big, out["berth"] + "/"], prepare=emptier(out["berth"]),
                       check=self.check_on_host(out["berth"], big))])

        tree = w.tree_sums
        self.row("tree_in", [
            Cmd("floor", "floor (tar | curl -T)", shell=(
                "tar -cf - -C {d} tree | curl -sf --unix-socket {s} -T - -X PUT "
                "'{u}/containers/{n}/archive?path=/tmp/tin-floor'").format(
                    d=w.tmp, s=SOCK, u=BASE, n=w.cp),
                check=self.check_in_container("/tmp/tin-floor/tree", tree)),
            self.dockercli(["cp", w.tree, w.cp + ":/tmp/tin-docker/"],
                           check=self.check_in_container("/tmp/tin-docker/tree", tree)),
            *self.dockerpy(lambda k: ["cp-in", w.cp, w.tree, "/tmp/tin-" + k],
                           check_for=lambda k: self.check_in_container(
                               "/tmp/tin-%s/tree" % k, tree)),
            self.berth(["cp", w.tree, w.cp + ":/tmp/tin-berth/"],
                       check=self.check_in_container("/tmp/tin-berth/tree", tree))])

        tout = {k: os.path.join(w.tmp, "tout-" + k) for k in PEER_DIRS}
        src_tree = w.cp + ":/tmp/src/tree"
        self.row("tree_out", [
            Cmd("floor", "floor (curl | tar -x)", shell=(
                "curl -sf --unix-socket {s} '{u}/containers/{n}/archive?path=/tmp/src/tree' "
                "| tar -xf - -C {o}").format(s=SOCK, u=BASE, n=w.cp, o=tout["floor"]),
                prepare=emptier(tout["floor"]), check=self.check_on_host(tout["floor"], tree)),
            self.dockercli(["cp", src_tree, tout["docker"] + "/"], prepare=emptier(tout["docker"]),
                           check=self.check_on_host(tout["docker"], tree)),
            *self.dockerpy(lambda k: ["cp-out", w.cp, "/tmp/src/tree", tout[k]],
                           check_for=lambda k: self.check_on_host(tout[k], tree),
                           prepare_for=lambda k: emptier(tout[k])),
            self.berth(["cp", src_tree, tout["berth"] + "/"], prepare=emptier(tout["berth"]),
                       check=self.check_on_host(tout["berth"], tree))])

        self.row("version", [
            Cmd("floor", "floor", argv=c + ["-o", "/dev/null", BASE + "/version"],
                show="curl --unix-socket %s %s/version" % (SOCK, BASE)),
            self.dockercli(["version"]),
            *self.dockerpy(lambda _: ["version"]),
            self.berth(["version"], check=self.check_contains("1.41"))])

        # Polling as lazydocker-style tools do, without a stream: one one-shot
        # sample per running container, in turn, from one shell.
        poll = " ".join("%s -o /dev/null '%s/containers/%s/stats?stream=false&one-shot=true';"
                        % (" ".join(c), BASE, n) for n in w.running)
        running = len(w.running)
        self.row("stats", [
            Cmd("floor", "floor", argv=["sh", "-c", poll],
                show="curl --unix-socket %s %s/containers/ID/stats?stream=false&one-shot=true, "
                     "once per running container, in turn" % (SOCK, BASE)),
            self.dockercli(["stats", "--no-stream"], check=self.check_lines_with(w.pfx, running)),
            Cmd("lazydocker", "lazydocker-style polling", argv=[PY, LAZY, SOCK],
                check=self.check_lines_with(w.pfx, running),
                show="python3 lazydocker_poll.py: a streaming stats request per running"
                     " container, all at once, each read to its first sample"),
            self.berth(["stats", "--no-stream"], check=self.check_lines_with(w.pfx, running))])

    # -- cross-checks ---------------------------------------------------------

    def hyperfine(self):
        """Median of the public tool on the single-command rows, as a cross-check."""
        runs = self.p["hyperfine_runs"]
        if not runs or not shutil.which("hyperfine"):
            return []
        out = []
        for key, cmds in self.rows:
            if key not in ("ps", "inspect", "version"):
                continue
            sel = [c for c in cmds if c.ok() and c.argv and c.peer in ("floor", "docker", "berth")]
            jf = os.path.join(self.w.tmp, "hf-%s.json" % key)
            r = subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "3",
                                "--runs", str(runs), "--export-json", jf]
                               + [" ".join(c.argv) for c in sel],
                               capture_output=True, text=True, env=self.env)
            if r.returncode != 0:
                log("hyperfine failed on %s: %s" % (key, r.stderr.strip()[-200:]))
                continue
            import json
            with open(jf) as f:
                res = json.load(f)["results"]
            out.append((key, [(c, x["median"], x["mean"], x["stddev"]) for c, x in zip(sel, res)]))
        return out

    def callgrind(self):
        """berth's own instruction counts on the CPU-bound verbs (and curl's, for scale)."""
        if not self.p["callgrind"] or not self.args.berth_ok or not shutil.which("valgrind"):
            return []
        out = []
        for key, cmds in self.rows:
            if key not in ("ps", "inspect", "logs", "version"):
                continue
            for c in cmds:
                if c.peer not in ("floor", "berth") or not c.ok() or not c.argv:
                    continue
                cg = os.path.join(self.w.tmp, "cg-%s-%s.out" % (key, c.peer))
                subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg]
                               + c.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=self.env)
                if not os.path.exists(cg):
                    continue
                ann = subprocess.run(["callgrind_annotate", cg], capture_output=True,
                                     text=True).stdout
                out.append((key, c, ann))
        return out

    def memory_parts(self):
        """What the resident memory of a following `logs` is made of, berth against curl:
        both wait on the running container's log, which prints nothing."""
        out = []
        cmds = [("floor", self.curl + ["-o", "/dev/null",
                                       BASE + "/containers/%s/logs?stdout=1&follow=1" % self.w.run])]
        if self.args.berth_ok:
            cmds.append(("berth", [self.args.berth, "logs", "-f", self.w.run]))
        for peer, argv in cmds:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env=self.env)
            try:
                time.sleep(1.5)
                if p.poll() is None:
                    out.append((peer, argv, dashboard.mem_breakdown(p.pid)))
            finally:
                p.terminate()
                p.wait()
        return out

    # -- the whole run ---------------------------------------------------------

    def main(self):
        if not self.eng.ping():
            log("the Docker engine at %s does not answer" % SOCK)
            return 1
        self.w = Workload(self.p, self.eng)
        started = time.time()
        try:
            self.w.setup()
            self.run_rows()
            for s in self.servers:
                s.close()
            hf = self.hyperfine()
            cg = self.callgrind()
            mem = self.memory_parts()
            if self.args.only and "dashboard" not in self.args.only:
                dash = {"summary": [], "harness_error": False,
                        "section": ["## Dashboard", "", "Not run (--only %s)." % ",".join(
                            sorted(self.args.only)), ""]}
            else:
                dash = dashboard.run(self.p["dash"], self.args, self.env, self.w, log)
            text = report.render(self, hf, cg, mem, dash, time.time() - started)
        finally:
            for s in self.servers:
                s.close()
            self.w.teardown()
        with open(self.args.out, "w") as f:
            f.write(text)
        log("wrote %s in %.0f s" % (self.args.out, time.time() - started))
        return 1 if dash["harness_error"] else 0


def probe_berth(path):
    """Whether the berth binary was built; the reason if not."""
    if not path or not os.access(path, os.X_OK):
        return False, "the berth binary was not built (%s)" % (path or "not found")
    return True, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--berth", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--srcdir", default=os.path.dirname(HERE))
    ap.add_argument("--only", default="",
                    help="comma-separated rows to run: %s" % ",".join(ROWS))
    args = ap.parse_args()
    args.only = set(filter(None, args.only.split(",")))
    if args.only - set(ROWS):
        ap.error("unknown rows: %s (rows: %s)" % (",".join(sorted(args.only - set(ROWS))),
                                                  ",".join(ROWS)))
    p = SMOKE if args.smoke else FULL
    args.smoke_mode = args.smoke
    args.berth_ok, args.berth_why = probe_berth(args.berth)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    args.started_at = datetime.datetime.now(datetime.timezone.utc)
    return Bench(args, p).main()


if __name__ == "__main__":
    sys.exit(main())
