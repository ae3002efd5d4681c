"""measure.py: run commands alternately, time them, read their peak memory, summarize.

Wall time is taken around fork+exec+wait4 with no shell or wrapper in between (pipelines
run under sh -c). Peak RSS comes from /usr/bin/time -v ("Maximum resident set size"),
from one extra wrapped run of each command after the timed rounds.
"""

import os
import re
import statistics
import subprocess
import tempfile
import time


# Peak RSS needs /usr/bin/time: a child's own ru_maxrss from wait4(2) here would include
# this (large) Python process, because the kernel carries the peak over exec from the
# memory the child was forked with.
HAVE_TIME = os.access("/usr/bin/time", os.X_OK)


class Cmd:
    """One command of a workload: a peer's way of doing the same thing.

    peer is 'floor', 'docker', 'dockerpy', 'dockerpy-inproc', 'lazydocker' or 'berth'.
    Exactly one of argv (a list), shell (a string for sh -c) or server (a DockerPyServer) is given.
    prepare() runs untimed before every run; check(stdout) runs once on the warm-up's
    output and returns None or a sentence saying what is wrong with the result."""

    def __init__(self, peer, label, argv=None, shell=None, server=None, prepare=None,
                 check=None, show=None):
        self.peer = peer
        self.label = label
        self.argv = argv if argv is not None else (["sh", "-c", shell] if shell else None)
        self.server = server
        self.prepare = prepare
        self.check = check
        self.show = show or (shell if shell else " ".join(argv) if argv else label)
        self.times = []          # ns per round (None where a run failed)
        self.rss_kib = None      # /usr/bin/time -v, or the server's own peak
        self.error = None        # why the command could not be measured

    def ok(self):
        return self.error is None


def _errtext(path):
    try:
        with open(path, errors="replace") as f:
            lines = [l.strip() for l in f if l.strip()]
    except OSError:
        return ""
    return lines[-1][:300] if lines else ""


def run_once(cmd, env, wrap_time=False, stdout=None):
    """Run cmd once; return (ns, status, rss_kib, stderr_last_line)."""
    if cmd.prepare:
        cmd.prepare()
    if cmd.server is not None:
        try:
            ns, rss = cmd.server.run()
        except RuntimeError as e:
            return None, 1, None, str(e)
        return ns, 0, rss, ""
    errf = tempfile.NamedTemporaryFile(prefix="bench-err-", delete=False)
    timef = errf.name + ".time"
    argv = cmd.argv
    wrap_time = wrap_time and HAVE_TIME
    if wrap_time:
        argv = ["/usr/bin/time", "-v", "-o", timef] + argv
    out = stdout if stdout is not None else subprocess.DEVNULL
    try:
        t0 = time.perf_counter_ns()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=errf, env=env)
        _, status, _ = os.wait4(p.pid, 0)
        t1 = time.perf_counter_ns()
        p.returncode = os.waitstatus_to_exitcode(status)
        errf.close()
        rss = None
        if wrap_time:
            with open(timef) as f:
                m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
            rss = int(m.group(1)) if m else None
        return t1 - t0, p.returncode, rss, _errtext(errf.name)
    finally:
        for path in (errf.name, timef):
            try:
                os.unlink(path)
            except OSError:
                pass


def run_workload(cmds, rounds, env, log):
    """Warm up and check every command, then time them in rounds, rotating the order
    each round so that no command always follows the same one; finally one wrapped run
    each for peak memory. rounds is (at least, at most, time budget in seconds): rounds
    go on past the minimum only while the budget lasts."""
    least, most, budget = rounds
    t_start = time.monotonic()
    for c in cmds:
        if not c.ok():
            continue
        with tempfile.TemporaryFile() as out:
            _, status, _, err = run_once(c, env, stdout=out)
            out.seek(0)
            output = out.read()
        if status != 0:
            c.error = "exit status %d: %s" % (status, err or "(no message)")
            log("  %s: fails: %s" % (c.label, c.error))
            continue
        if c.check:
            problem = c.check(output)
            if problem:
                c.error = problem
                log("  %s: wrong result: %s" % (c.label, problem))
    live = [c for c in cmds if c.ok()]
    for r in range(most):
        if r >= least and time.monotonic() - t_start > budget:
            break
        k = r % len(live) if live else 0
        for c in live[k:] + live[:k]:
            ns, status, rss, err = run_once(c, env)
            c.times.append(ns if status == 0 else None)
            if c.server is not None:
                c.rss_kib = rss
    for c in live:
        if c.server is None:
            _, status, rss, _ = run_once(c, env, wrap_time=True)
            c.rss_kib = rss if status == 0 else None
        good = [t for t in c.times if t is not None]
        log("  %-42s median %s over %d runs, peak %s" % (
            c.label, fmt_ns(statistics.median(good)) if good else "-", len(good),
            fmt_kib(c.rss_kib)))


def paired(cmd, ref):
    """Per-round ratios cmd/ref over the rounds where both ran."""
    return [a / b for a, b in zip(cmd.times, ref.times) if a is not None and b]


def summary(xs):
    """(median, min, max) or None."""
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return statistics.median(xs), min(xs), max(xs)


def fmt_ns(ns):
    if ns is None:
        return "-"
    if ns >= 1e9:
        return "%.2f s" % (ns / 1e9)
    if ns >= 1e8:
        return "%.0f ms" % (ns / 1e6)
    if ns >= 1e7:
        return "%.1f ms" % (ns / 1e6)
    return "%.2f ms" % (ns / 1e6)


def fmt_kib(kib):
    if kib is None:
        return "-"
    return "%.1f MiB" % (kib / 1024)


def fmt_ratio(x):
    return "%.2fx" % x if x < 10 else "%.1fx" % x


def fmt_range_ns(s):
    if s is None:
        return "-"
    return "%s (%s–%s)" % (fmt_ns(s[0]), fmt_ns(s[1]), fmt_ns(s[2]))


def fmt_range_ratio(s):
    if s is None:
        return "-"
    return "%s (%s–%s)" % (fmt_ratio(s[0]), fmt_ratio(s[1]), fmt_ratio(s[2]))


class DockerPyServer:
    """A long-lived docker-py process that runs one operation per request, so that the
    operation can be timed inside one process while still alternating with the others."""

    def __init__(self, python, script, op_args, env):
        self.proc = subprocess.Popen([python, script, "--serve"] + op_args,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, text=True)

    def run(self):
        try:
            self.proc.stdin.write("go\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise RuntimeError("docker-py worker died: " + self.proc.stderr.read()[-300:])
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("docker-py worker died: " + self.proc.stderr.read()[-300:])
        ns, rss = line.split()
        return int(ns), int(rss)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
