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
import fleet  # the fleet part; it uses this module's helpers (at call time only)

FULL = dict(settle=60, idle=60, keys=200, stall_keys=100, flood=30, flood_warm=5,
            flood_floor=10, stop_reps=5, ref_keys=100, appear=60,
            many_eps=50, many_ctrs=100, many_settle=30, many_idle=30,
            tenk_ctrs=10000, tenk_settle=30,
            stats_fill=600, stats_rounds=3, stats_span=30,
            fleet_sizes=(10, 50, 200, 500), fleet_ctrs=20, fleet_settle=30, fleet_idle=30,
            fleet_appear=120)
SMOKE = dict(settle=3, idle=3, keys=10, stall_keys=10, flood=4, flood_warm=1,
             flood_floor=2, stop_reps=1, ref_keys=10, appear=30,
             many_eps=5, many_ctrs=20, many_settle=3, many_idle=3,
             tenk_ctrs=500, tenk_settle=3,
             stats_fill=3, stats_rounds=1, stats_span=3,
             fleet_sizes=(5, 10), fleet_ctrs=20, fleet_settle=3, fleet_idle=3, fleet_appear=60)

# The dashboard's default keys (issue 3): move, open the log pane, filter, back, quit.
KEYS = dict(down="j", up="k", logs="l", filter="/", back="Escape", quit="q", pause="p",
            stats="u")
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


def cpu_seconds(pid, ui_thread=False):
    """CPU time of the process, or of its main (UI) thread alone."""
    with open("/proc/%d/task/%d/stat" % (pid, pid) if ui_thread else "/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mem_kib(pid):
    """(VmRSS, VmHWM) in KiB."""
    with open("/proc/%d/status" % pid) as f:
        d = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
    return int(d["VmRSS"].split()[0]), int(d["VmHWM"].split()[0])


def mem_breakdown(pid):
    """What a process's RSS is made of, in KiB, from /proc/PID/smaps_rollup and smaps:
    rss, shared_clean (library pages it shares with every process mapping them),
    private (its own pages, anonymous or dirty), and its three biggest mappings."""
    with open("/proc/%d/smaps_rollup" % pid) as f:
        d = {l.split(":")[0]: int(l.split()[1]) for l in f if l.endswith("kB\n")}
    per = {}
    name = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            head = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                name = os.path.basename(head[5]) if len(head) > 5 else "[anon]"
            elif head[0] == "Rss:":
                per[name] = per.get(name, 0) + int(head[1])
    top = sorted(per.items(), key=lambda kv: -kv[1])[:3]
    return dict(rss=d["Rss"], shared_clean=d["Shared_Clean"],
                private=d["Private_Dirty"] + d["Private_Clean"], top=top)


def fmt_breakdown(b):
    return "%.1f MiB RSS = %.1f MiB of shared library pages + %.1f MiB of its own (largest: %s)" % (
        b["rss"] / 1024, b["shared_clean"] / 1024, b["private"] / 1024,
        ", ".join("%s %.1f MiB" % (n, k / 1024) for n, k in b["top"]))


def key_latency(t, key):
    """The time from sending key to the UI thread's first write after its read, or None
    when none came within 2 s; then waits until that repaint is done."""
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
    settle_writes(t.pid)
    return lat


def key_latencies(t, n, gap=(0.03, 0.09), keys=(KEYS["down"], KEYS["up"])):
    """Send n keys, cycling through keys (down and up by default), each measured by
    key_latency. Returns (latencies in s, keys with no repaint)."""
    import random
    rnd = random.Random(n)
    lats, lost = [], 0
    for i in range(n):
        time.sleep(rnd.uniform(*gap))
        lat = key_latency(t, keys[i % len(keys)])
        if lat is None:
            lost += 1
        else:
            lats.append(lat)
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
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and not self.t.dead():
                    time.sleep(0.05)
                if not self.t.dead():
                    os.kill(self.pid, signal.SIGTERM)
        except (OSError, TimeoutError, EOFError):
            pass
        self.t.close()


def names(p, n, p_running):
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
        "many_rss": ("%d endpoints × %d containers (%d stand-ins + the engine): RSS after %d s"
                     % (p["many_eps"], p["many_ctrs"], p["many_eps"] - 1, p["many_settle"]),
                     "measured (issue 7)"),
        "many_cpu": ("%d endpoints: CPU while idle over %d s" % (p["many_eps"], p["many_idle"]),
                     "measured (issue 7)"),
        "many_keys": ("%d endpoints: key press to repaint" % p["many_eps"], "p99 ≤ 50 ms"),
        "many_status": ("%d endpoints: a stand-in's status change to the screen" % p["many_eps"],
                        "≤ 2 s"),
        "tenk_rss": ("one stand-in with %s containers: RSS after %d s" % (
            format(p["tenk_ctrs"], ","), p["tenk_settle"]), "≤ 48 MiB (issue 15)"),
        "tenk_keys": ("%s containers: key press to repaint (moves, page down, help and back)"
                      % format(p["tenk_ctrs"], ","), "p99 ≤ 50 ms (issue 15)"),
        "tenk_sort": ("%s containers: sort by the next column or reversed, key to repaint"
                      % format(p["tenk_ctrs"], ","), "p99 ≤ 50 ms (issue 15)"),
        "tenk_filter": ("%s containers: filter as you type, each key to repaint"
                        % format(p["tenk_ctrs"], ","), "p99 ≤ 50 ms (issue 15)"),
        "stats_rss": ("stats on, %d containers (%d running): RSS once the stats history"
                      " holds %s" % (n, p_running, fmt_span(p["stats_fill"])), "≤ 24 MiB (issue 12)"),
        "stats_cpu": ("stats on, %d containers: CPU while idle" % n,
                      "≤ 1.5% of one core (issue 12)"),
        "stats_view": ("stats on: the stats view of one container open, redrawn at %s, against"
                       " the list alone" % fmt_hz(STATS_REFRESH), "≤ 0.5% more CPU (issue 12)"),
        "merged": ("merged logs of %d containers logging %d lines/s each: keys p99, RSS" % (
            MERGED_N, MERGED_RATE), "keys p99 ≤ 50 ms, memory bounded (issue 12)"),
        **fleet.names(p),
    }


def not_measured(p, w, why):
    return [(name, tgt, "-", "**not measured**: " + why)
            for name, tgt in names(p, w.p["n_total"], w.p["n_running"]).values()]


def run(p, args, env, w, log):
    """All dashboard rows; returns {"summary": [(row, target, figure, verdict)], "section":
    [markdown lines]}."""
    res = {"summary": [], "section": ["## Dashboard", ""], "harness_error": False}
    sec = res["section"]
    ref = reference(p, env, log)
    if ref:
        sec += ["Probe calibration: the same key probe against `bench/ref_tui.py` (a 40-line"
                " Python curses list, no engine): %s. This is what tmux and the probe add on"
                " their own." % ref, ""]
    if not args.berth_ok:
        res["summary"] = not_measured(p, w, args.berth_why)
        sec += ["Not measured: %s." % args.berth_why, ""]
        return res
    try:
        rows = measure_all(p, args, env, w, log, sec)
    except DashboardMissing as e:
        log("dashboard: not measured: %s" % e)
        res["summary"] = not_measured(p, w, str(e))
        sec += ["Not measured: %s." % e, ""]
        return res
    except Exception as e:  # noqa: BLE001 (the CLI rows are still worth writing)
        import traceback
        traceback.print_exc()
        why = "the benchmark harness failed here: %s: %s" % (type(e).__name__, e)
        res["summary"] = not_measured(p, w, why)
        res["harness_error"] = True
        sec += ["Not measured: %s." % why, ""]
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
    nm = names(p, p_total(w), w.p["n_running"])
    parts = getattr(args, "dash_parts", None) or PARTS
    if "main" in parts:
        rows += main_rows(p, args, env, w, log, sec, nm)
    if "flood" in parts:
        rows.append(flood(args, env, w, p, log, sec, nm["flood"]))
    if "stall" in parts:
        rows.append(stall(args, env, w, p, log, sec, nm["stall"]))
    if "many" in parts:
        rows += many_endpoints(args, env, w, p, log, sec, nm)
    if "tenk" in parts:
        rows += tenk_rows(args, env, w, p, log, sec, nm)
    if "merged" in parts:
        rows.append(merged_logs(args, env, w, p, log, sec, nm["merged"]))
    if "stats" in parts:
        rows += stats_rows(args, env, w, p, log, sec, nm)
    if "fleet" in parts:
        rows += fleet.rows(args, env, w, p, log, sec, nm)
    return rows


PARTS = ("main", "flood", "stall", "many", "tenk", "merged", "stats", "fleet")


def main_rows(p, args, env, w, log, sec, nm):
    """Memory with a full log pane, idle CPU, idle keys, docker stop to the screen."""
    rows = []
    s, took = open_dashboard("main", [args.berth], env, w, p, log, w.pfx)
    try:
        sec += ["berth's dashboard showed the first of the %d containers %.1f s after start." % (
            p_total(w), took), ""]
        rows.append(log_pane_rss(s, w, p, log, sec, nm["rss"]))
        s.t.keys(KEYS["back"])  # close the log pane
        time.sleep(2)
        evf = os.path.join(w.tmp, "events.json")
        ev = subprocess.Popen(["curl", "-s", "--unix-socket", "/var/run/docker.sock",
                               "--max-time", str(p["idle"]), "-o", evf,
                               "http://d/v1.41/events?filters=%7B%22type%22%3A%5B%22container"
                               "%22%5D%7D"])
        c0, t0 = cpu_seconds(s.pid), time.monotonic()
        time.sleep(p["idle"])
        cpu = (cpu_seconds(s.pid) - c0) / (time.monotonic() - t0) * 100
        ev.wait()
        nev = 0
        if os.path.exists(evf):  # curl creates it with the first event
            with open(evf, "rb") as f:
                nev = sum(1 for _ in f)
        log("dashboard: idle CPU %.2f%% (%d container events from other clients)" % (cpu, nev))
        sec += ["Idle: %.2f%% of one core over %d s; meanwhile other clients of the shared engine"
                " caused %d container events (a status event changes one row; a new container"
                " makes the dashboard list that engine again)." % (cpu, p["idle"], nev), ""]
        rows.append(nm["cpu"] + ("%.2f%% of one core (%d engine events meanwhile)" % (cpu, nev),
                                 "**meets**" if cpu <= 1.0 else "**misses**"))
        lats, lost = key_latencies(s.t, p["keys"])
        log("dashboard: keys idle: " + fmt_lat(lats, lost))
        rows.append(nm["keys"] + (fmt_lat(lats, lost),
                                  "**meets**" if lat_ok(lats, lost) else "**misses**"))
        rows.append(stop_to_screen(s, w, p, log, env, nm["stop"]))
    finally:
        s.close()
    return rows


def p_total(w):
    return w.p["n_total"]


def log_pane_rss(s, w, p, log, sec, nm):
    """Open the log pane on the container that printed seq 1..N (more lines than the
    10,000-line ring), clear the filter so that every container is listed again, and read
    RSS once the dashboard is `settle` seconds old."""
    last = str(w.p["seq"])
    s.filter_to(w.logs)
    s.t.keys(KEYS["logs"])
    if s.t.wait_screen(s.shows(last), 60) is None:
        return nm + ("-", "**not measured**: the log pane did not show line %s within 60 s"
                     " (screen: %s)" % (last, s.screen_text()))
    filled = time.monotonic() - s.started
    s.t.keys(KEYS["back"])  # clear the filter; the pane keeps following the same container
    time.sleep(max(p["settle"] - (time.monotonic() - s.started), 2))
    rss, hwm = mem_kib(s.pid)
    parts = mem_breakdown(s.pid)
    screen = s.t.screen()
    age = time.monotonic() - s.started
    pane_ok = any(last == l.strip() for l in screen)
    listed = any(w.pfx + "f0000" in l for l in screen) or any(w.pfx in l for l in screen)
    log("dashboard: RSS %d KiB (peak %d) at %.0f s, pane full at %.1f s" % (rss, hwm, age, filled))
    sec += ["Memory: %.1f MiB RSS (peak %.1f MiB) %.0f s after start, with the log pane holding"
            " the tail of the %s-line log (shown by %.1f s) and the filter cleared so every"
            " container is listed%s: %s." % (
                rss / 1024, hwm / 1024, age, last, filled,
                "" if pane_ok and listed else " (but the screen no longer showed both)",
                fmt_breakdown(parts)), ""]
    return nm + ("%.1f MiB (peak %.1f MiB)" % (rss / 1024, hwm / 1024),
                 "**meets**" if rss <= 16 * 1024 else "**misses**")


def stop_to_screen(s, w, p, log, env, nm):
    """`docker stop` from another client, then poll the screen until the row says exited."""
    eng = Engine()
    s.filter_to(w.stop)
    if s.t.wait_screen(s.shows(w.stop), 10) is None:
        return nm + ("-", "**not measured**: the filter did not show %s" % w.stop)

    def row(lines):
        return next((l for l in lines if l.split()[:1] == [w.stop]), "")
    times = []
    for _ in range(p["stop_reps"]):
        subprocess.run(["docker", "stop", "-t", "0", w.stop], capture_output=True, env=env)
        took = s.t.wait_screen(lambda l: re.search(r"(?i)exited", row(l)), 10, step=0.005)
        times.append(took)
        eng.start(w.stop)
        s.t.wait_screen(lambda l: re.search(r"(?i)running", row(l)), 10, step=0.05)
    s.t.keys(KEYS["back"])
    if None in times:
        return nm + ("-", "**misses**: the status did not change on screen within 10 s in %d"
                     " of %d stops" % (times.count(None), len(times)))
    med = statistics.median(times)
    log("dashboard: docker stop to screen: median %.0f ms, max %.0f ms" % (
        med * 1e3, max(times) * 1e3))
    return nm + ("median %.0f ms, max %.0f ms over %d stops (from `docker stop` returning)" % (
        med * 1e3, max(times) * 1e3, len(times)), "**meets**" if max(times) <= 1.0 else "**misses**")


def screen_toggle_latencies(t, n, key, states):
    """Press key n times; each press should bring up the next of the texts in states.
    Returns (latencies from sending the key to tmux showing the text, keys never shown)."""
    lats, lost = [], 0
    for i in range(n):
        want = states[(i + 1) % len(states)]
        time.sleep(0.05)
        t0 = time.perf_counter()
        t.keys(key)
        lat = None
        while time.perf_counter() - t0 < 2.0:
            if any(want in l for l in t.screen()):
                lat = time.perf_counter() - t0
                break
        if lat is None:
            lost += 1
        else:
            lats.append(lat)
    return lats, lost


def flood(args, env, w, p, log, sec, nm):
    """A container printing seq as fast as it can, its log pane open and every container
    listed. First half: once a second, RSS and the last line on screen against the last
    line the engine has logged. Second half: key latency. Then, for scale, how fast the
    engine delivers the same log to curl."""
    eng = Engine()
    fname = w.pfx + "flood"
    # one big log file: a rotation would let the engine's follower skip lines
    w.create(fname, ["seq", "1", "999999999"], log_opts={"max-size": "2g", "max-file": "1"})
    s = None
    try:
        eng.start(fname)
        s, _ = open_dashboard("flood", [args.berth], env, w, p, log, w.pfx)
        s.filter_to(fname)
        s.t.keys(KEYS["logs"])
        if s.t.wait_screen(lambda l: pane_last(l) is not None, 20) is None:
            return nm + ("-", "**not measured**: the log pane showed no lines within 20 s"
                         " (screen: %s)" % s.screen_text())
        s.t.keys(KEYS["back"])  # every container listed again, the pane still following
        t_open = time.monotonic()
        time.sleep(p["flood_warm"])
        series = []  # (t, pane's last line, engine's last line, RSS KiB)
        nxt = time.monotonic()
        while len(series) < 3 or time.monotonic() - t_open < p["flood"] / 2:
            series.append((time.monotonic(), pane_last(s.t.screen()), engine_last(eng, fname),
                           mem_kib(s.pid)[0]))
            nxt += 1
            time.sleep(max(0, nxt - time.monotonic()))
        # pause and resume following: the pane's title says which, so the screen shows
        # when each key took effect; an even count leaves the pane following
        lats, lost = screen_toggle_latencies(s.t, 2 * max(5, p["keys"] // 8), KEYS["pause"],
                                             ("following", "paused"))
        rss = [x[3] for x in series]
        while time.monotonic() - t_open < p["flood"]:
            rss.append(mem_kib(s.pid)[0])
            time.sleep(1)
        cpu = cpu_seconds(s.pid)
        s.close()
        s = None
        floor = follow_floor(fname, p["flood_floor"])
    finally:
        if s:
            s.close()
        eng.remove(fname)
    pts = [x for x in series if x[1] is not None and x[2] is not None]
    if len(pts) < 2:
        return nm + ("-", "**not measured**: the pane or the engine gave no line numbers")
    dt = pts[-1][0] - pts[0][0]
    pane_rate = (pts[-1][1] - pts[0][1]) / dt
    eng_rate = (pts[-1][2] - pts[0][2]) / dt
    lag = [e - q for _, q, e, _ in pts]
    # frame header, RFC 3339 timestamp with nanoseconds and a space, digits, newline
    line_bytes = 8 + 31 + len(str(pts[-1][2])) + 1
    floor_rate = floor / line_bytes
    growth = (max(rss) - rss[0]) / 1024
    fig = ("RSS %.1f MiB after warm-up, at most %.1f MiB; keys %s; the pane advanced %.0f"
           " lines/s, the engine delivers ≈%.0f lines/s to one follower (the container wrote"
           " %.0f lines/s)" % (rss[0] / 1024, max(rss) / 1024, fmt_lat(lats, lost), pane_rate,
                               floor_rate, eng_rate))
    log("dashboard: flood: " + fig)
    sec += ["Log flood: `seq 1 999999999` in a container for %d s with its pane open and every"
            " container listed. RSS each second after a %d s warm-up (MiB): %s. Over %.0f s the"
            " pane's last line went from %d to %d and the container's from %d to %d; the pane"
            " was %s lines behind the container at the end (%s lines at the start). berth used"
            " %.1f s of CPU in all. curl following the same log right after, for %d s, with"
            " timestamps as the pane asks for them, received %.2f MB/s, about %.0f lines/s: what"
            " the engine delivers to one follower, so the pane keeps up when it advances near"
            " that rate. Key latency here is measured on"
            " screen: from sending `p` (pause or resume following) to tmux showing the pane's"
            " new state." % (
                p["flood"], p["flood_warm"], " ".join("%.1f" % (x / 1024) for x in rss), dt,
                pts[0][1], pts[-1][1], pts[0][2], pts[-1][2], lag[-1], lag[0], cpu,
                p["flood_floor"], floor / 1e6, floor_rate), ""]
    why = []
    if growth > 1.0:
        why.append("RSS grew %.1f MiB" % growth)
    if not lat_ok(lats, lost):
        why.append("keys")
    return nm + (fig, "**meets**" if not why else "**misses** (%s)" % ", ".join(why))


MERGED_N, MERGED_RATE = 10, 5000


def merged_logs(args, env, w, p, log, sec, nm):
    """MERGED_N containers each printing MERGED_RATE lines a second (500 every 0.1 s, a
    little under the rate as each round also takes its own time), all marked, the log
    pane following them merged and every container listed. RSS each second after a
    warm-up, then key latency on screen (p: pause or resume following)."""
    eng = Engine()
    tag = "mb%d-merged" % (os.getpid() % 10000)  # a name the pane shows whole (16 columns)
    names_ = ["%s%02d" % (tag, i) for i in range(MERGED_N)]
    chunk = MERGED_RATE // 10
    cmd = ["sh", "-c", "i=0; while :; do seq $i $((i + %d)); i=$((i + %d)); sleep 0.1; done"
           % (chunk - 1, chunk)]
    s = None
    try:
        for n in names_:
            eng.create(n, cmd, log_opts={"max-size": "2g", "max-file": "1"})
        for n in names_:
            eng.start(n)
        s, _ = open_dashboard("merged", [args.berth], env, w, p, log, tag)
        s.filter_to(tag)
        if s.t.wait_screen(lambda l: sum(tag in x for x in l) >= MERGED_N + 1, 20) is None:
            return nm + ("-", "**not measured**: the filter did not list the %d containers"
                         " (screen: %s)" % (MERGED_N, s.screen_text()))
        s.t.keys("g", *(["Space"] * MERGED_N))
        s.t.keys(KEYS["logs"])
        title = "logs merged: %d containers" % MERGED_N
        if s.t.wait_screen(s.shows(title), 20) is None:
            return nm + ("-", "**not measured**: the pane did not say `%s` within 20 s"
                         " (screen: %s)" % (title, s.screen_text()))
        s.t.keys(KEYS["back"])  # every container listed again, the marks and pane kept
        t_open = time.monotonic()
        time.sleep(p["flood_warm"])
        rss = []
        while len(rss) < 3 or time.monotonic() - t_open < p["flood"] / 2:
            rss.append(mem_kib(s.pid)[0])
            time.sleep(1)
        lats, lost = screen_toggle_latencies(s.t, 2 * max(5, p["keys"] // 8), KEYS["pause"],
                                             ("following", "paused"))
        while time.monotonic() - t_open < p["flood"]:
            rss.append(mem_kib(s.pid)[0])
            time.sleep(1)
        still = any(title in l for l in s.t.screen())
        cpu = cpu_seconds(s.pid)
        written = [engine_last(eng, n) for n in names_]
        elapsed = time.monotonic() - s.started
    finally:
        if s:
            s.close()
        for n in names_:
            eng.remove(n)
    growth = (max(rss) - rss[0]) / 1024
    rate = sum(x or 0 for x in written) / elapsed
    fig = ("keys %s; RSS %.1f MiB after warm-up, at most %.1f MiB; the %d containers wrote"
           " ≈%.0f lines/s in all" % (fmt_lat(lats, lost), rss[0] / 1024, max(rss) / 1024,
                                       MERGED_N, rate))
    log("dashboard: merged logs: " + fig)
    sec += ["Merged logs: %d containers each printing `seq` in rounds of %d lines every 0.1 s"
            " (≈%.0f lines/s together over the run), all marked, the log pane following them"
            " merged for %d s with every container listed%s. RSS each second after a %d s"
            " warm-up (MiB): %s. berth used %.1f s of CPU in all. Key latency is measured on"
            " screen: from sending `p` (pause or resume following) to tmux showing the pane's"
            " new state." % (
                MERGED_N, chunk, rate, p["flood"],
                "" if still else " (but the title no longer said so at the end)",
                p["flood_warm"], " ".join("%.1f" % (x / 1024) for x in rss), cpu), ""]
    why = []
    if growth > 1.0:
        why.append("RSS grew %.1f MiB" % growth)
    if not lat_ok(lats, lost):
        why.append("keys")
    return nm + (fig, "**meets**" if not why else "**misses** (%s)" % ", ".join(why))


STATS_REFRESH = 1.0  # s: the stats view draws at every refresh, so at 1 Hz
HISTORY_SECONDS = 600  # what a stats history keeps (ui/stats-history.h)


def fmt_span(seconds):
    return "%d min" % (seconds // 60) if seconds >= 60 and seconds % 60 == 0 else "%d s" % seconds


def fmt_hz(refresh):
    return "%g Hz" % (1 / refresh)


def cpu_percent_over(pid, seconds):
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - c0) / (time.monotonic() - t0) * 100


def stats_rows(args, env, w, p, log, sec, nm):
    """Issue 12: the dashboard with stats on over the 1000 containers, filtered to them
    (sorted by name, the rows on screen are running ones: the dashboard samples the
    running rows on screen). Its refresh is STATS_REFRESH, from a berth.conf of the run's
    own. The stats history keeps ten minutes at any refresh (one point per refresh), so it
    takes ten minutes to fill whatever the refresh. RSS once it has been filling for
    stats_fill s; then CPU over alternating spans, the list alone and the stats view of
    the first row (a running container) open, stats_rounds of each."""
    keys = ("stats_rss", "stats_cpu", "stats_view")
    conf = os.path.join(w.tmp, "berth-stats.conf")
    with open(conf, "w") as f:
        f.write("[general]\nrefresh = %g\n" % STATS_REFRESH)
    # the title first: containers of others may fill the first screen before the filter
    s, _ = open_dashboard("stats", [args.berth], dict(env, BERTH_CONFIG=conf), w, p, log,
                          "berth · ")
    try:
        s.filter_to(w.pfx)

        def running_rows(lines):
            return sum(1 for l in lines if l.split()[:1] and l.split()[0].startswith(w.pfx)
                       and re.search(r"(?i)\brunning\b|\bup\b", l))
        if s.t.wait_screen(lambda l: running_rows(l) > 0, 20) is None:
            return [nm[k] + ("-", "**not measured**: no running row of ours on screen"
                             " (screen: %s)" % s.screen_text()) for k in keys]
        filling = time.monotonic()
        time.sleep(p["stats_fill"])
        sampled = running_rows(s.t.screen())
        rss, hwm = mem_kib(s.pid)
        parts = mem_breakdown(s.pid)
        alone, viewed = [], []
        view_ok = True
        for _ in range(p["stats_rounds"]):
            alone.append(cpu_percent_over(s.pid, p["stats_span"]))
            s.t.keys(KEYS["stats"])
            view_ok &= s.t.wait_screen(s.shows("stats %s" % w.pfx), 10) is not None
            viewed.append(cpu_percent_over(s.pid, p["stats_span"]))
            view_ok &= any("scale 0 to" in l for l in s.t.screen())
            s.t.keys(KEYS["back"])
            s.t.wait_screen(lambda l: running_rows(l) > 0, 10)
    finally:
        s.close()
    idle = statistics.mean(alone)
    extra = [v - a for a, v in zip(alone, viewed)]
    log("dashboard: stats on: RSS %d KiB (peak %d) after %.0f s of history over %d running"
        " rows; CPU alone %s, with the stats view %s" % (
            rss, hwm, time.monotonic() - filling, sampled, alone, viewed))
    sec += ["Stats on (issue 12): the dashboard over the %d containers with its refresh set to"
            " %g s by a berth.conf of the run's own (`[general]` `refresh = %g`), filtered to"
            " them; sorted by name, the running ones come first, and the %d running rows on screen"
            " are each sampled once a refresh into their stats history. The history keeps %s of points at any"
            " refresh (%d per container at this one), so it fills in %s whatever the refresh:"
            " the memory figure is taken after %s of sampling: %s. Then CPU over alternating"
            " spans of %d s, the list alone and the stats view (`u`) of the first row open,"
            " which draws at every refresh, %s: %d rounds, the list alone %s%% of one core,"
            " with the view %s%%%s." % (
                p_total(w), STATS_REFRESH, STATS_REFRESH, sampled, fmt_span(HISTORY_SECONDS),
                HISTORY_SECONDS / STATS_REFRESH + 1, fmt_span(HISTORY_SECONDS), fmt_span(p["stats_fill"]),
                fmt_breakdown(parts), p["stats_span"], fmt_hz(STATS_REFRESH),
                p["stats_rounds"], ", ".join("%.2f" % x for x in alone),
                ", ".join("%.2f" % x for x in viewed),
                "" if view_ok else " (but the view did not show its graphs every time)"), ""]
    return [nm["stats_rss"] + ("%.1f MiB (peak %.1f MiB), %d containers sampled" % (
                rss / 1024, hwm / 1024, sampled),
                "**meets**" if rss <= 24 * 1024 else "**misses**"),
            nm["stats_cpu"] + ("%.2f%% of one core (mean of %d spans of %d s)" % (
                idle, len(alone), p["stats_span"]),
                "**meets**" if idle <= 1.5 else "**misses**"),
            nm["stats_view"] + ("%+.2f%% of one core (paired, mean of %d rounds; %s)" % (
                statistics.mean(extra), len(extra), ", ".join("%+.2f" % x for x in extra)),
                "**meets**" if view_ok and statistics.mean(extra) <= 0.5 else "**misses**")]


def follow_floor(name, seconds):
    """Bytes per second curl receives following the container's log."""
    r = subprocess.run(["curl", "-s", "--unix-socket", "/var/run/docker.sock", "--max-time",
                        str(seconds), "-o", "/dev/null", "-w", "%{size_download}",
                        "http://d/v1.41/containers/%s/logs?stdout=1&follow=1&tail=0&timestamps=1"
                        % name],
                       capture_output=True, text=True)
    try:
        return float(r.stdout) / seconds
    except ValueError:
        return 0.0


def pane_last(lines):
    """The largest number standing alone on a screen line (the seq output in the pane)."""
    nums = [int(l.strip()) for l in lines if l.strip().isdigit()]
    return max(nums) if nums else None


def engine_last(eng, name):
    """The last line the engine has logged for the flood container."""
    try:
        raw = eng.request("GET", "/containers/%s/logs?stdout=1&tail=1" % name)
        return int(raw[8:].strip() or 0)
    except (OSError, ValueError):
        return None


def stall(args, env, w, p, log, sec, nm):
    """Keys while the engine is SIGSTOPped: a private dockerd of our own, never the
    shared one."""
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
        status = next((l.strip() for l in s.t.screen() if "docker.sock: " in l), "")
        os.kill(d.proc.pid, signal.SIGCONT)
        back = s.t.wait_screen(s.shows(": connected"), 30)
    except (OSError, subprocess.CalledProcessError) as e:
        return nm + ("-", "**not measured**: %s" % e)
    finally:
        if s:
            s.close()
        d.stop()
    log("dashboard: keys with the engine stopped: " + fmt_lat(lats, lost))
    sec += ["Stall: a private dockerd (its own data and exec roots, pidfile, socket and bridge)"
            " with 20 containers, stopped with SIGSTOP 3 s before the keys. The status line"
            " during the stall: \"%s\". After SIGCONT it said \"connected\" again %s." % (
                status.replace("|", "\\|"),
                "after %.1f s" % back if back is not None else "not within 30 s"), ""]
    return nm + (fmt_lat(lats, lost), "**meets**" if lat_ok(lats, lost) else "**misses**")


def title_count(lines):
    """The container count of the title line ("… 4900 containers …"), or 0."""
    m = re.search(r"(\d+) containers", lines[0] if lines else "")
    return int(m.group(1)) if m else 0


def open_counted(tag, argv, env, w, p, log, want):
    """A dashboard whose title counts want containers: (session, seconds from its start
    to that), or (None, why) once closed when the count did not come."""
    s, _ = open_dashboard(tag, argv, env, w, p, log, "standin-")
    if s.t.wait_screen(lambda l: title_count(l) >= want, p["appear"]) is None:
        why = "the title did not count %d containers within %d s (screen: %s)" % (
            want, p["appear"], s.screen_text())
        s.close()
        return None, why
    return s, time.monotonic() - s.started


def many_endpoints(args, env, w, p, log, sec, nm):
    """Issue 7: one dashboard over many endpoints: the engine plus STAND-INS
    (tests/remote/standin.py: unix sockets answering like Docker with made-up
    containers, not engines). RSS, idle CPU, key latency, and the time from a
    stand-in's status change (its events stream says "die" or "start") to the row."""
    keys = ("many_rss", "many_cpu", "many_keys", "many_status")
    if not os.path.exists(standin_path(args)):
        return [nm[k] + ("-", "**not measured**: %s is missing" % standin_path(args))
                for k in keys]
    n_si, n_c = p["many_eps"] - 1, p["many_ctrs"]
    proc, sd = standin_start(args, w, n_si, n_c)
    s = None
    try:
        argv = [args.berth, "-H", "unix:///var/run/docker.sock"]
        for i in range(n_si):
            argv += ["-H", "unix://%s/s%02d.sock" % (sd, i)]
        want = n_si * n_c
        s, all_at = open_counted("many", argv, env, w, p, log, want)
        if s is None:
            return [nm[k] + ("-", "**not measured**: " + all_at) for k in keys]
        time.sleep(max(p["many_settle"] - (time.monotonic() - s.started), 2))
        rss, hwm = mem_kib(s.pid)
        parts = mem_breakdown(s.pid)
        c0, t0 = cpu_seconds(s.pid), time.monotonic()
        time.sleep(p["many_idle"])
        cpu = (cpu_seconds(s.pid) - c0) / (time.monotonic() - t0) * 100
        lats, lost = key_latencies(s.t, p["keys"])
        target = "standin-05-042" if n_si > 5 else "standin-%02d-%03d" % (n_si - 1, n_c - 1)
        times = status_change_times(s, sd, target, p["stop_reps"])
    finally:
        if s:
            s.close()
        standin_stop(proc)
    log("dashboard: %d endpoints: RSS %d KiB, idle CPU %.2f%%, keys %s, status %s" % (
        p["many_eps"], rss, cpu, fmt_lat(lats, lost), times))
    sec += ["Many endpoints (issue 7): one dashboard over the Docker engine and %d STAND-INS"
            " (`tests/remote/standin.py`, unix sockets answering like Docker 20.10 with %d"
            " made-up containers each; not engines), %d rows in all besides the engine's. All"
            " rows were counted in the title %.1f s after start. Memory %.0f s after start: %s."
            " Idle CPU over %d s: %.2f%% of one core. A status change is written into the"
            " stand-in's control FIFO, which sends the event on its events stream; the time is"
            " from that write to tmux showing the row's new status." % (
                n_si, n_c, want, all_at, p["many_settle"], fmt_breakdown(parts), p["many_idle"],
                cpu), ""]
    return [nm["many_rss"] + ("%.1f MiB (peak %.1f MiB)" % (rss / 1024, hwm / 1024),
                              "measured"),
            nm["many_cpu"] + ("%.2f%% of one core" % cpu, "measured"),
            nm["many_keys"] + (fmt_lat(lats, lost),
                               "**meets**" if lat_ok(lats, lost) else "**misses**"),
            nm["many_status"] + status_verdict(times, target, 2.0)]


def status_change_times(s, sd, target, reps):
    """Filter the dashboard to the stand-in row target (standin-SS-CCC) and switch it
    between exited and running reps times (at least 2) through the stand-ins' control
    FIFO, which sends the event on that stand-in's events streams. The time from each
    write to tmux showing the row's new status (None: not within 10 s); [] if the row
    did not show."""
    si, ci = (int(x) for x in target.split("-")[1:])

    def row(lines):
        return next((l for l in lines if l.split()[:1] == [target]), "")
    s.filter_to(target)
    times = []
    if s.t.wait_screen(lambda l: re.search(r"(?i)running", row(l)), 10) is not None:
        for i in range(max(reps, 2)):
            st = "exited" if i % 2 == 0 else "running"
            t1 = time.monotonic()
            with open(os.path.join(sd, "control.fifo"), "w") as f:
                f.write("%d %d %s\n" % (si, ci, st))
            wrote = time.monotonic() - t1
            took = s.t.wait_screen(lambda l: st in row(l).lower(), 10, step=0.005)
            times.append(None if took is None else took + wrote)
    s.t.keys(KEYS["back"])
    return times


def status_verdict(times, target, limit):
    """(figure, verdict) of status_change_times against limit seconds."""
    if not times:
        return "-", "**not measured**: the row %s did not show" % target
    if None in times:
        return "-", "**misses**: %d of %d changes not on screen within 10 s" % (
            times.count(None), len(times))
    return ("median %.0f ms, max %.0f ms over %d changes" % (
        statistics.median(times) * 1e3, max(times) * 1e3, len(times)),
        "**meets**" if max(times) <= limit else "**misses**")


TENK_FILTER = "app-07"  # an image of the varied stand-in: one row in 40


def standin_path(args):
    return os.path.join(args.srcdir, "tests", "remote", "standin.py")


def standin_start(args, w, count, ctrs, *extra):
    """tests/remote/standin.py in a directory of the run's own, in a process group of its
    own (end it with standin_stop): (process, directory). Waits until they listen (at
    most 60 s: 500 of them on a loaded machine)."""
    sd = os.path.join(w.tmp, "standins-%d-%d" % (count, ctrs))
    os.makedirs(sd, exist_ok=True)
    proc = subprocess.Popen(["/usr/bin/python3", standin_path(args), sd, str(count), str(ctrs),
                             "0"] + list(extra), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while not os.path.exists(os.path.join(sd, "ready")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return proc, sd


def standin_stop(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait()


def filter_latencies(t, rounds):
    """Each round opens the filter, types TENK_FILTER and erases it a key at a time (the
    table is refiltered at every key), then closes it; the typing and erasing keys are
    measured."""
    lats, lost = [], 0
    for _ in range(rounds):
        t.keys(KEYS["filter"])
        settle_writes(t.pid)
        for key in list(TENK_FILTER) + ["BSpace"] * len(TENK_FILTER):
            lat = key_latency(t, shlex.quote(key))
            lats += [lat] if lat is not None else []
            lost += lat is None
        t.keys(KEYS["back"])
        settle_writes(t.pid)
    return lats, lost


def tenk_measure(s, p, want, log):
    """RSS after the settle time, then keys, sorts and filtering: {name: figures}."""
    time.sleep(max(p["tenk_settle"] - (time.monotonic() - s.started), 2))
    out = dict(mem=mem_kib(s.pid), parts=mem_breakdown(s.pid))
    moves = ("j", "NPage", "k", "?", "q", "PPage")  # whole cycles: the help closed again
    phases = dict(
        keys=lambda: key_latencies(s.t, -(-p["keys"] // len(moves)) * len(moves), keys=moves),
        sort=lambda: key_latencies(s.t, p["keys"] // 2, keys=("o", "O")),
        filter=lambda: filter_latencies(s.t, max(1, p["keys"] // (4 * len(TENK_FILTER)))))
    for k, phase in phases.items():
        c0 = cpu_seconds(s.pid, ui_thread=True)
        lats, lost = phase()
        per_key = (cpu_seconds(s.pid, ui_thread=True) - c0) / max(len(lats) + lost, 1)
        out[k] = (lats, lost, per_key)
        log("dashboard: %d containers: %s %s" % (want, k, fmt_tenk(out[k])))
    return out


def fmt_tenk(m):
    """Latencies, and the UI thread's CPU time a key (which the machine's load leaves
    alone, unlike the latencies)."""
    return "%s; the UI thread's CPU %.1f ms a key" % (fmt_lat(m[0], m[1]), m[2] * 1e3)


def tenk_rows(args, env, w, p, log, sec, nm):
    """Issue 15: one dashboard over one STAND-IN (tests/remote/standin.py, varied) with
    tenk_ctrs made-up containers: RSS, and the key press to repaint of moves, sorting
    and filtering over all the rows."""
    keys, want = ("tenk_rss", "tenk_keys", "tenk_sort", "tenk_filter"), p["tenk_ctrs"]
    proc, sd = standin_start(args, w, 1, want, "varied")
    s = None
    try:
        s, all_at = open_counted("tenk", [args.berth, "-H", "unix://%s/s00.sock" % sd], env,
                                 w, p, log, want)
        if s is None:
            return [nm[k] + ("-", "**not measured**: " + all_at) for k in keys]
        m = tenk_measure(s, p, want, log)
    finally:
        if s:
            s.close()
        standin_stop(proc)
    rss, hwm = m["mem"]
    sec += ["%s containers (issue 15): one dashboard over one STAND-IN (`tests/remote/"
            "standin.py ... varied`: a unix socket answering like Docker 20.10 with these made-up"
            " containers of 40 images, running, exited and created, listed in a shuffled"
            " order; not an engine). All rows were counted in the title %.1f s after start."
            " Memory %d s after start: %s. Keys cycle through j, page down, k, ? (help), q"
            " (back), page up; sorting alternates o (the next column) and O (reversed);"
            " filtering types `%s` into the filter and erases it, each key refiltering all"
            " rows." % (format(want, ","), all_at, p["tenk_settle"], fmt_breakdown(m["parts"]),
                        TENK_FILTER), ""]
    out = [nm["tenk_rss"] + ("%.1f MiB (peak %.1f MiB)" % (rss / 1024, hwm / 1024),
                             "**meets**" if rss <= 48 * 1024 else "**misses**")]
    for k in ("keys", "sort", "filter"):
        out.append(nm["tenk_" + k] + (fmt_tenk(m[k]),
                                      "**meets**" if lat_ok(*m[k][:2]) else "**misses**"))
    return out


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


def main():
    """The dashboard rows alone, on their own containers (no CLI rows, no 256 MiB files):
    python3 bench/dashboard.py --berth PATH [--smoke] [--parts main,flood,stall,many,tenk,merged,stats,fleet]
    prints the rows and the section as Markdown (or writes them to --out)."""
    import argparse
    import bench

    class DashWorkload(bench.Workload):
        def _files(self):
            pass
    ap = argparse.ArgumentParser()
    ap.add_argument("--berth", required=True)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--parts", default=",".join(PARTS))
    ap.add_argument("--srcdir", default=os.path.dirname(HERE))
    ap.add_argument("--out")
    args = ap.parse_args()
    args.dash_parts = args.parts.split(",")
    args.berth_ok, args.berth_why = bench.probe_berth(args.berth)
    p = bench.SMOKE if args.smoke else bench.FULL
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda n, _f: sys.exit(128 + n))
    w = DashWorkload(p, Engine())
    env = dict(os.environ, DOCKER_HOST="unix:///var/run/docker.sock")
    try:
        if set(args.dash_parts) & {"main", "flood", "stats"}:
            w.setup()
        res = run(p["dash"], args, env, w, bench.log)
    finally:
        w.teardown()
    out = ["| workload | target | berth | verdict |", "|---|---|---|---|"]
    out += ["| dashboard: %s | %s | %s | %s |" % (n, t, f, v.replace("|", "\\|"))
            for n, t, f, v in res["summary"]]
    text = "\n".join(out + [""] + res["section"]) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    sys.stdout.write(text)
    return 1 if res["harness_error"] else 0


if __name__ == "__main__":
    sys.exit(main())
