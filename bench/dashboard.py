"""dashboard.py: the dashboard rows of issue 6, driven in tmux and measured from /proc.

The dashboard runs in a private tmux server (-L berth-bench-PID). Keys go through one
tmux control-mode client, so sending a key costs no process start. Memory and CPU come
from /proc/PID/status and /proc/PID/stat; key-to-repaint latency from the UI thread's own
I/O counters (/proc/PID/task/PID/io): the time from sending the key to the first write by
the UI thread after it has read the key.
"""

import os
import re
import select
import shlex
import signal
import statistics
import subprocess
import sys
import time

from engine import Engine, PrivateDockerd

FULL = dict(settle=60, idle=60, keys=200, stall_keys=100, flood=30, flood_warm=5,
            stop_reps=5, ref_keys=100, appear=60)
SMOKE = dict(settle=5, idle=5, keys=10, stall_keys=10, flood=5, flood_warm=2,
             stop_reps=1, ref_keys=10, appear=30)

# The dashboard's default keys (issue 3): move, open the log pane, filter, back, quit.
KEYS = dict(down="j", up="k", logs="l", filter="/", back="Escape", quit="q")
WIDTH, HEIGHT = 160, 50
HERE = os.path.dirname(os.path.abspath(__file__))


class Tmux:
    """A private tmux server with one session running one program, and a control client."""

    def __init__(self, name, argv, env):
        self.L = name
        self.env = env
        cmd = "exec " + " ".join(shlex.quote(a) for a in argv)
        subprocess.run(["tmux", "-L", name, "-f", "/dev/null", "new-session", "-d", "-s", "s",
                        "-x", str(WIDTH), "-y", str(HEIGHT), cmd], env=env, check=True)
        subprocess.run(["tmux", "-L", name, "set-option", "-t", "s", "remain-on-exit", "on"],
                       env=env, check=True)
        self.ctl = subprocess.Popen(["tmux", "-L", name, "-C", "attach", "-t", "s",
                                     "-f", "no-output,ignore-size"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
                                    env=env)
        self.buf = b""
        self.cmd("display -p ready")
        self.pid = int(self.cmd("display -p -t s '#{pane_pid}'")[0])

    def _line(self, timeout=10):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.ctl.stdout], [], [], left)[0]:
                raise TimeoutError("tmux did not answer")
            data = os.read(self.ctl.stdout.fileno(), 65536)
            if not data:
                raise EOFError("tmux control client ended")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode(errors="replace")

    def send(self, line):
        self.ctl.stdin.write(line.encode() + b"\n")

    def finish(self):
        """Read the answer of the oldest command sent: the lines of its %begin block."""
        out, inside = [], False
        while True:
            line = self._line()
            if not inside:
                inside = line.startswith("%begin ")
                continue
            if line.startswith("%end ") or line.startswith("%error "):
                if line.startswith("%end ") and line.split()[-1] == "0":
                    out, inside = [], False  # the attach command's own block
                    continue
                return out
            out.append(line)

    def cmd(self, line):
        self.send(line)
        return self.finish()

    def keys(self, *keys):
        self.cmd("send-keys -t s " + " ".join(shlex.quote(k) for k in keys))

    def literal(self, text):
        self.cmd("send-keys -t s -l " + shlex.quote(text))

    def screen(self):
        return self.cmd("capture-pane -p -t s")

    def dead(self):
        return self.cmd("display -p -t s '#{pane_dead}'")[:1] == ["1"]

    def wait_screen(self, pred, timeout, step=0.05):
        """Poll the screen until pred(lines) holds; return the time it took, or None."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if pred(self.screen()):
                return time.monotonic() - t0
            if self.dead():
                return None
            time.sleep(step)
        return None

    def close(self):
        try:
            self.ctl.stdin.close()
            self.ctl.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.ctl.kill()
        subprocess.run(["tmux", "-L", self.L, "kill-server"], capture_output=True, env=self.env)


# -- /proc -------------------------------------------------------------------

def thread_io(pid):
    """(rchar, wchar) of the process's main (UI) thread."""
    with open("/proc/%d/task/%d/io" % (pid, pid)) as f:
        d = dict(line.split(": ") for line in f.read().splitlines())
    return int(d["rchar"]), int(d["wchar"])


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mem_kib(pid):
    """(VmRSS, VmHWM) in KiB."""
    with open("/proc/%d/status" % pid) as f:
        d = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
    return int(d["VmRSS"].split()[0]), int(d["VmHWM"].split()[0])


def key_latencies(t, n, gap=(0.03, 0.09)):
    """Send n keys alternating down/up; for each, the time from sending it to the UI
    thread's first write after its read. Returns (latencies in s, keys with no repaint)."""
    import random
    rnd = random.Random(n)
    lats, lost = [], 0
    for i in range(n):
        key = KEYS["down"] if i % 2 == 0 else KEYS["up"]
        time.sleep(rnd.uniform(*gap))
        r0, w0 = thread_io(t.pid)
        t0 = time.perf_counter()
        t.send("send-keys -t s " + key)
        lat = None
        while time.perf_counter() - t0 < 2.0:
            r, w = thread_io(t.pid)
            if r == r0:
                w0 = w  # writes before the key is read are not its repaint
            elif w > w0:
                lat = time.perf_counter() - t0
                break
            time.sleep(0.0002)
        t.finish()
        if lat is None:
            lost += 1
        else:
            lats.append(lat)
        settle_writes(t.pid)
    return lats, lost


def settle_writes(pid, quiet=0.02, limit=1.0):
    """Wait until the UI thread has not written for `quiet` seconds (the repaint is done)."""
    t0 = time.monotonic()
    last = thread_io(pid)[1]
    since = time.monotonic()
    while time.monotonic() - t0 < limit:
        time.sleep(0.002)
        w = thread_io(pid)[1]
        if w != last:
            last, since = w, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def pct(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * q
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def fmt_lat(lats, lost):
    if not lats:
        return "no repaint seen for any of %d keys" % lost
    s = "p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d keys" % (
        pct(lats, 0.5) * 1e3, pct(lats, 0.99) * 1e3, max(lats) * 1e3, len(lats))
    if lost:
        s += " (%d keys showed no repaint within 2 s)" % lost
    return s


def lat_ok(lats, lost, limit=0.050):
    return bool(lats) and not lost and pct(lats, 0.99) <= limit


# -- the rows ----------------------------------------------------------------

class Session:
    """One berth dashboard in tmux."""

    def __init__(self, tag, argv, env, log):
        self.t = Tmux("berth-bench-%d-%s" % (os.getpid(), tag), argv, env)
        self.log = log
        self.pid = self.t.pid
        self.started = time.monotonic()

    def shows(self, text):
        return lambda lines: any(text in l for l in lines)

    def screen_text(self, n=6):
        lines = [l.rstrip() for l in self.t.screen() if l.strip()]
        return " / ".join(lines[-n:])[:300]

    def filter_to(self, name):
        self.t.keys(KEYS["filter"])
        self.t.literal(name)
        self.t.keys("Enter")

    def close(self):
        try:
            if not self.t.dead():
                self.t.keys(KEYS["quit"])
                self.t.wait_screen(lambda _: False, 0)
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and not self.t.dead():
                    time.sleep(0.05)
                if not self.t.dead():
                    os.kill(self.pid, signal.SIGTERM)
        except (OSError, TimeoutError, EOFError):
            pass
        self.t.close()


def names(p, n):
    """The dashboard rows' names and targets."""
    return {
        "rss": ("RSS after %d s with %d containers listed and a full 10,000-line log pane" % (
            p["settle"], n), "≤ 16 MiB"),
        "cpu": ("CPU while idle over %d s with %d containers listed" % (p["idle"], n),
                "≤ 1% of one core"),
        "keys": ("key press to repaint, idle", "p99 ≤ 50 ms"),
        "stall": ("key press to repaint, engine SIGSTOPped", "p99 ≤ 50 ms"),
        "flood": ("log flood for %d s: RSS, keys, lines per second" % p["flood"],
                  "RSS flat after warm-up, keys p99 ≤ 50 ms"),
        "stop": ("`docker stop` (another client) to the status change on screen", "≤ 1 s"),
    }


def not_measured(p, n, why):
    return [(name, tgt, "-", "**not measured**: " + why) for name, tgt in names(p, n).values()]


def run(p, args, env, w, log):
    """All dashboard rows; returns {"summary": [(row, target, figure, verdict)], "section":
    [markdown lines]}."""
    res = {"summary": [], "section": ["## Dashboard", ""]}
    sec = res["section"]
    ref = reference(p, env, log)
    if ref:
        sec += ["Probe calibration: the same key probe against `bench/ref_tui.py` (a 40-line"
                " Python curses list, no engine): %s. This is what tmux and the probe add on"
                " their own." % ref, ""]
    if not args.berth_ok:
        res["summary"] = not_measured(p, w.p["n_total"], args.berth_why)
        sec += ["Not measured: %s." % args.berth_why, ""]
        return res
    try:
        rows = measure_all(p, args, env, w, log, sec)
    except DashboardMissing as e:
        res["summary"] = not_measured(p, w.p["n_total"], str(e))
        sec += ["Not measured: %s." % e, ""]
        return res
    res["summary"] = rows
    return res


class DashboardMissing(Exception):
    pass


def reference(p, env, log):
    """Latency of the probe itself on a trivial curses program."""
    t = Tmux("berth-bench-%d-ref" % os.getpid(), ["/usr/bin/python3",
                                                    os.path.join(HERE, "ref_tui.py")], env)
    try:
        if t.wait_screen(lambda l: any("t-bench-ref" in x for x in l), 10) is None:
            return None
        lats, lost = key_latencies(t, p["ref_keys"])
        log("dashboard: probe calibration: " + fmt_lat(lats, lost))
        return fmt_lat(lats, lost)
    finally:
        t.keys("q")
        t.close()


def open_dashboard(tag, argv, env, w, p, log, expect):
    s = Session(tag, argv, env, log)
    took = s.t.wait_screen(s.shows(expect), p["appear"])
    if took is None:
        why = "the dashboard did not show container %s within %d s (screen: %s)" % (
            expect, p["appear"], s.screen_text() or "empty")
        if s.t.dead():
            why = "the dashboard exited at start (screen: %s)" % (s.screen_text() or "empty")
        s.close()
        raise DashboardMissing(why)
    log("dashboard %s: containers on screen after %.1f s" % (tag, took))
    return s, took


def measure_all(p, args, env, w, log, sec):
    rows = []
    s, took = open_dashboard("main", [args.berth], env, w, p, log, w.pfx)
    try:
        sec += ["berth's dashboard showed the first of the %d containers %.1f s after start." % (
            p_total(w), took), ""]
        # idle CPU with every container listed
        time.sleep(2)
        c0, t0 = cpu_seconds(s.pid), time.monotonic()
        time.sleep(p["idle"])
        cpu = (cpu_seconds(s.pid) - c0) / (time.monotonic() - t0) * 100
        rss_list = mem_kib(s.pid)
        log("dashboard: idle CPU %.2f%%, RSS %d KiB" % (cpu, rss_list[0]))
        rows.append(("CPU while idle over %d s with %d containers listed" % (p["idle"], p_total(w)),
                     "≤ 1% of one core", "%.2f%% of one core" % cpu,
                     "**meets**" if cpu <= 1.0 else "**misses**"))
        # key latency, idle
        lats, lost = key_latencies(s.t, p["keys"])
        log("dashboard: keys idle: " + fmt_lat(lats, lost))
        rows.append(("key press to repaint, idle", "p99 ≤ 50 ms", fmt_lat(lats, lost),
                     "**meets**" if lat_ok(lats, lost) else "**misses**"))
        # RSS with a full log pane
        rows.append(log_pane_rss(s, w, p, log, sec, rss_list))
        # docker stop to screen
        rows.append(stop_to_screen(s, w, p, log, env))
    finally:
        s.close()
    rows.append(flood(args, env, w, p, log, sec))
    rows.append(stall(args, env, w, p, log, sec))
    return rows


def p_total(w):
    return w.p["n_total"]


def log_pane_rss(s, w, p, log, sec, rss_list):
    """Open the log pane of the container that printed seq 1..N (more than the 10,000-line
    ring) and read RSS once the session is `settle` seconds old and the pane is full."""
    name = "RSS after %d s with %d containers listed and a full 10,000-line log pane" % (
        p["settle"], p_total(w))
    last = str(w.p["seq"])
    s.filter_to(w.logs)
    s.t.keys(KEYS["logs"])
    took = s.t.wait_screen(s.shows(last), 30)
    if took is None:
        return (name, "≤ 16 MiB", "-", "**not measured**: the log pane did not show line %s"
                " within 30 s (screen: %s)" % (last, s.screen_text()))
    wait = p["settle"] - (time.monotonic() - s.started)
    time.sleep(max(wait, 5))
    rss, hwm = mem_kib(s.pid)
    age = time.monotonic() - s.started
    log("dashboard: RSS with log pane %d KiB (peak %d) at %.0f s" % (rss, hwm, age))
    sec.append("Memory: %.1f MiB RSS with the list alone; %.1f MiB (peak %.1f MiB) %.0f s after"
               " start with the log pane holding the tail of %s lines." % (
                   rss_list[0] / 1024, rss / 1024, hwm / 1024, age, last))
    sec.append("")
    s.t.keys(KEYS["back"])
    s.t.keys(KEYS["back"])
    return (name, "≤ 16 MiB", "%.1f MiB (peak %.1f MiB)" % (rss / 1024, hwm / 1024),
            "**meets**" if rss <= 16 * 1024 else "**misses**")


def stop_to_screen(s, w, p, log, env):
    """docker stop by another client, then poll the screen until the row says exited."""
    name = "`docker stop` (another client) to the status change on screen"
    eng = Engine()
    s.filter_to(w.stop)
    if s.t.wait_screen(s.shows(w.stop), 10) is None:
        return (name, "≤ 1 s", "-", "**not measured**: the filter did not show %s" % w.stop)
    times = []
    row = lambda lines: next((l for l in lines if w.stop in l), "")  # noqa: E731
    for _ in range(p["stop_reps"]):
        subprocess.run(["docker", "stop", "-t", "0", w.stop], capture_output=True, env=env)
        t1 = time.monotonic()
        took = s.t.wait_screen(lambda l: re.search(r"(?i)exit", row(l)), 10, step=0.01)
        times.append(took if took is not None else float("inf"))
        eng.start(w.stop)
        s.t.wait_screen(lambda l: re.search(r"(?i)\b(up|running)\b", row(l)), 10, step=0.05)
        del t1
    s.t.keys(KEYS["back"])
    if not times or max(times) == float("inf"):
        return (name, "≤ 1 s", "-", "**misses**: the status did not change on screen within 10 s"
                " in %d of %d tries" % (sum(1 for x in times if x == float("inf")), len(times)))
    med = statistics.median(times)
    log("dashboard: docker stop to screen: median %.0f ms, max %.0f ms" % (med * 1e3,
                                                                        max(times) * 1e3))
    return (name, "≤ 1 s", "median %.0f ms, max %.0f ms over %d stops" % (
        med * 1e3, max(times) * 1e3, len(times)), "**meets**" if max(times) <= 1.0 else "**misses**")


def flood(args, env, w, p, log, sec):
    """A container printing seq as fast as it can, its log pane open: RSS over time, key
    latency, and how many lines per second the pane shows against what the engine logged."""
    name = "log flood for %d s: RSS, keys, lines per second" % p["flood"]
    target = "RSS flat after warm-up, keys p99 ≤ 50 ms"
    eng = Engine()
    fname = w.pfx + "flood"
    w._create(fname, ["seq", "1", "999999999"], log_opts={"max-size": "20m", "max-file": "2"})
    s = None
    try:
        eng.start(fname)
        s, _ = open_dashboard("flood", [args.berth], env, w, p, log, w.pfx)
        s.filter_to(fname)
        s.t.keys(KEYS["logs"])
        if s.t.wait_screen(lambda l: pane_last(l) is not None, 20) is None:
            return (name, target, "-", "**not measured**: the log pane showed no lines within"
                    " 20 s (screen: %s)" % s.screen_text())
        t_open = time.monotonic()
        rss = []
        time.sleep(p["flood_warm"])
        a_pane, a_eng, a_t = pane_last(s.t.screen()), engine_last(eng, fname), time.monotonic()
        while time.monotonic() - t_open < p["flood"] / 2:
            rss.append(mem_kib(s.pid)[0])
            time.sleep(1)
        lats, lost = [], 0
        # keys that toggle and toggle back (wrap), so the pane keeps following
        lats, lost = key_latencies_toggle(s.t, max(10, p["keys"] // 4))
        while time.monotonic() - t_open < p["flood"]:
            rss.append(mem_kib(s.pid)[0])
            time.sleep(1)
        b_pane, b_eng, b_t = pane_last(s.t.screen()), engine_last(eng, fname), time.monotonic()
        rss.append(mem_kib(s.pid)[0])
        cpu = cpu_seconds(s.pid)
    finally:
        if s:
            s.close()
        eng.remove(fname)
    dt = b_t - a_t
    pane_rate = (b_pane - a_pane) / dt if a_pane is not None and b_pane is not None else None
    eng_rate = (b_eng - a_eng) / dt if a_eng is not None and b_eng is not None else None
    growth = (rss[-1] - rss[0]) / 1024
    fig = "RSS %.1f→%.1f MiB after warm-up; keys %s; pane %s lines/s, engine logged %s lines/s" % (
        rss[0] / 1024, rss[-1] / 1024, fmt_lat(lats, lost),
        "%.0f" % pane_rate if pane_rate is not None else "?",
        "%.0f" % eng_rate if eng_rate is not None else "?")
    log("dashboard: flood: " + fig)
    sec += ["Log flood: `seq 1 999999999` in a container for %d s with its pane open. RSS each"
            " second after a %d s warm-up (MiB): %s. The pane's last line went from %s to %s and"
            " the engine's from %s to %s in %.1f s; berth used %.1f s of CPU in all." % (
                p["flood"], p["flood_warm"], " ".join("%.1f" % (x / 1024) for x in rss),
                a_pane, b_pane, a_eng, b_eng, dt, cpu), ""]
    flat = growth <= 1.0
    ok = flat and lat_ok(lats, lost)
    why = []
    if not flat:
        why.append("RSS grew %.1f MiB" % growth)
    if not lat_ok(lats, lost):
        why.append("keys")
    return (name, target, fig, "**meets**" if ok else "**misses** (%s)" % ", ".join(why))


def key_latencies_toggle(t, n):
    """Like key_latencies, with a key pressed twice per sample pair (wrap on, wrap off)."""
    saved = KEYS["down"], KEYS["up"]
    KEYS["down"] = KEYS["up"] = "w"
    try:
        return key_latencies(t, n)
    finally:
        KEYS["down"], KEYS["up"] = saved


def pane_last(lines):
    """The largest number standing alone on a screen line (the seq output in the pane)."""
    best = None
    for l in lines:
        v = l.strip(" │|┃")
        if v.isdigit():
            best = max(best or 0, int(v))
    return best


def engine_last(eng, name):
    try:
        raw = eng.request("GET", "/containers/%s/logs?stdout=1&tail=1" % name)
        return int(raw[8:].strip() or 0)
    except Exception:  # noqa: BLE001 (a missing figure is reported as '?')
        return None


def stall(args, env, w, p, log, sec):
    """Keys while the engine is SIGSTOPped: a private dockerd of our own."""
    name = "key press to repaint, engine SIGSTOPped"
    d = PrivateDockerd(w.tmp)
    s = None
    try:
        peng = d.start()
        copy_image(Engine(), peng, "berth-test/busybox:latest", w.tmp)
        for i in range(20):
            peng.create("%sstall%02d" % (w.pfx, i), ["sleep", "1"])
        s, _ = open_dashboard("stall", [args.berth, "-H", "unix://" + d.sock],
                              dict(env, DOCKER_HOST="unix://" + d.sock), w, p, log, w.pfx)
        os.kill(d.proc.pid, signal.SIGSTOP)
        time.sleep(3)
        lats, lost = key_latencies(s.t, p["stall_keys"])
        status = s.screen_text(2)
        os.kill(d.proc.pid, signal.SIGCONT)
        back = s.t.wait_screen(s.shows(w.pfx), 30)
    except (OSError, subprocess.CalledProcessError) as e:
        return (name, "p99 ≤ 50 ms", "-", "**not measured**: %s" % e)
    finally:
        if s:
            s.close()
        d.stop()
    log("dashboard: keys with the engine stopped: " + fmt_lat(lats, lost))
    sec += ["Stall: a private dockerd (own data and exec roots, socket, bridge) with 20"
            " containers, stopped with SIGSTOP 3 s before the keys. The bottom of the screen"
            " during the stall: \"%s\". After SIGCONT the containers were on screen again %s." % (
                status.replace("|", "\\|"),
                "after %.1f s" % back if back is not None else "not within 30 s"), ""]
    return (name, "p99 ≤ 50 ms", fmt_lat(lats, lost),
            "**meets**" if lat_ok(lats, lost) else "**misses**")


def copy_image(src, dst, image, tmp):
    path = os.path.join(tmp, "image.tar")
    with open(path, "wb") as f:
        f.write(src.request("GET", "/images/%s/get" % image))
    conn_body = open(path, "rb")
    try:
        from engine import UnixHTTPConnection, API
        conn = UnixHTTPConnection(dst.sock)
        conn.request("POST", API + "/images/load?quiet=1", body=conn_body,
                     headers={"Content-Type": "application/x-tar",
                              "Content-Length": str(os.path.getsize(path))})
        r = conn.getresponse()
        r.read()
        conn.close()
        if r.status != 200:
            raise OSError("loading the image into the private engine: HTTP %d" % r.status)
    finally:
        conn_body.close()
        os.unlink(path)


if __name__ == "__main__":
    sys.exit("run bench/run.sh")
