"""fleet.py: the fleet curves of issue 15, the "fleet" part of bench/dashboard.py.

For each size N in fleet_sizes: N STAND-INS (tests/remote/standin.py: unix sockets
answering like Docker, fleet_ctrs idle made-up containers each; not engines), named in a
berth.conf of the run's own as group @fleet, and one dashboard in tmux over -H @fleet,
started under `ulimit -Sn 1024` (the hard limit as given). Measured: the time from start
until the title counts every row; 30 s after start the threads (/proc/PID/status), open
descriptors (/proc/PID/fd) and RSS; CPU over 30 s of idle (/proc/PID/stat); key latency;
a stand-in's status change to the screen. How the cost grows with N is the result. It
reports what it sees and asserts nothing.
"""

import os
import re
import time

import dashboard as dash

POOL_SIZE = 4      # the run's berth.conf sets it (berth's default too)
SOFT_LIMIT = 1024  # the common default soft limit on open files


def names(p):
    """The summary rows: every target of issue 15 at the largest size."""
    n, c = p["fleet_sizes"][-1], p["fleet_ctrs"]
    return {
        "fleet_full": ("%d endpoints × %d containers (stand-ins, ulimit -Sn %d): the full"
                       " table from start" % (n, c, SOFT_LIMIT), "≤ 5 s (issue 15)"),
        "fleet_rss": ("%d endpoints: RSS after %d s" % (n, p["fleet_settle"]),
                      "≤ 48 MiB (issue 15)"),
        "fleet_threads": ("%d endpoints: threads" % n,
                          "≤ pool size + 4 = %d (issue 15)" % (POOL_SIZE + 4)),
        "fleet_fds": ("%d endpoints: open descriptors" % n,
                      "≤ 3 per endpoint + 32 = %d (issue 15)" % (3 * n + 32)),
        "fleet_cpu": ("%d endpoints: CPU while idle over %d s" % (n, p["fleet_idle"]),
                      "≤ 1% of one core (issue 15)"),
        "fleet_status": ("%d endpoints: a stand-in's status change to the screen" % n,
                         "≤ 1 s (issue 15)"),
        "fleet_keys": ("%d endpoints: key press to repaint" % n, "p99 ≤ 50 ms (issue 15)"),
    }


def write_conf(path, sd, n):
    with open(path, "w") as f:
        f.write("[general]\npool_size = %d\n" % POOL_SIZE)
        for i in range(n):
            f.write("[endpoint s%03d]\nhost = unix://%s/s%02d.sock\n" % (i, sd, i))
        f.write("[group fleet]\nmatch = s*\n")


def threads_and_fds(pid):
    with open("/proc/%d/status" % pid) as f:
        threads = int(next(l for l in f if l.startswith("Threads:")).split()[1])
    return threads, len(os.listdir("/proc/%d/fd" % pid))


def status_line(lines):
    """The dashboard's endpoints summary ("500 endpoints: 500 up"), or "-"."""
    return next((l.strip() for l in lines if re.match(r"\s*\d+ endpoints:", l)), "-")


def measure(args, env, w, p, log, n):
    """One dashboard over n stand-ins: what was measured, and why the rest was not."""
    proc, sd = dash.standin_start(args, w, n, p["fleet_ctrs"])
    conf = os.path.join(sd, "berth.conf")
    write_conf(conf, sd, n)
    argv = ["sh", "-c", 'ulimit -Sn %d && exec "$0" "$@"' % SOFT_LIMIT, args.berth,
            "-c", conf, "-H", "@fleet"]
    m = dict(n=n, why=None)
    s = None
    try:
        s = dash.Session("fleet%d" % n, argv, env, log)
        want = n * p["fleet_ctrs"]
        if s.t.wait_screen(lambda l: dash.title_count(l) >= want, p["fleet_appear"]) is not None:
            m["full"] = time.monotonic() - s.started
        if s.t.dead():
            m["why"] = "the dashboard exited (screen: %s)" % s.screen_text()
            return m
        time.sleep(max(p["fleet_settle"] - (time.monotonic() - s.started), 0))
        m["threads"], m["fds"] = threads_and_fds(s.pid)
        m["rss"] = dash.mem_kib(s.pid)[0]
        c0, t0 = dash.cpu_seconds(s.pid), time.monotonic()
        time.sleep(p["fleet_idle"])
        m["cpu"] = (dash.cpu_seconds(s.pid) - c0) / (time.monotonic() - t0) * 100
        m["line"] = status_line(s.t.screen())
        m["keys"] = dash.key_latencies(s.t, p["keys"])
        m["target"] = "standin-%02d-%03d" % (n - 1, p["fleet_ctrs"] // 2)
        m["status"] = dash.status_change_times(s, sd, m["target"], p["stop_reps"])
    except (OSError, TimeoutError, EOFError) as e:  # a loaded machine: report, go on
        m["why"] = "%s: %s" % (type(e).__name__, e)
    finally:
        if s:
            s.close()
        dash.standin_stop(proc)
    log("fleet: %s" % fmt_size(m, p))
    return m


def fmt_size(m, p):
    """One line of the curve table."""
    def fig(key, fmt, scale=1):
        return fmt % (m[key] / scale) if key in m else "-"
    lats, lost = m.get("keys", ([], 0))
    keys = "%.1f / %.1f ms" % (dash.pct(lats, 0.5) * 1e3, dash.pct(lats, 0.99) * 1e3) \
        if lats else "-"
    if lost:
        keys += " (%d lost)" % lost
    status = dash.status_verdict(m.get("status", []), m.get("target"), 1.0)[0]
    return "| %d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        m["n"], fig("full", "%.1f s") if "full" in m else "> %d s" % p["fleet_appear"],
        fig("threads", "%d"), fig("fds", "%d"), fig("rss", "%.1f MiB", 1024),
        fig("cpu", "%.2f%%"), status, keys, m.get("line", "-").replace("|", "\\|"))


def verdict(row, figure, ok):
    return row + (figure, "**meets**" if ok else "**misses**")


def summary(m, nm, p):
    """The summary rows of the largest size against the issue's targets."""
    if m["why"] and "rss" not in m:
        return [nm[k] + ("-", "**not measured**: " + m["why"]) for k in names(p)]
    lats, lost = m.get("keys", ([], 0))
    n = m["n"]
    full = m.get("full")
    return [
        verdict(nm["fleet_full"], "%.1f s" % full if full else
                "not within %d s" % p["fleet_appear"], full is not None and full <= 5),
        verdict(nm["fleet_rss"], "%.1f MiB" % (m["rss"] / 1024), m["rss"] <= 48 * 1024),
        verdict(nm["fleet_threads"], "%d" % m["threads"], m["threads"] <= POOL_SIZE + 4),
        verdict(nm["fleet_fds"], "%d" % m["fds"], m["fds"] <= 3 * n + 32),
        verdict(nm["fleet_cpu"], "%.2f%% of one core" % m["cpu"], m["cpu"] <= 1.0)
        if "cpu" in m else nm["fleet_cpu"] + ("-", "**not measured**: " + m["why"]),
        nm["fleet_status"] + dash.status_verdict(m.get("status", []), m.get("target"), 1.0),
        verdict(nm["fleet_keys"], dash.fmt_lat(lats, lost), dash.lat_ok(lats, lost)),
    ]


def rows(args, env, w, p, log, sec, nm):
    if not os.path.exists(dash.standin_path(args)):
        return [nm[k] + ("-", "**not measured**: %s is missing" % dash.standin_path(args))
                for k in names(p)]
    ms = [measure(args, env, w, p, log, n) for n in p["fleet_sizes"]]
    sec += ["Fleet (issue 15): for each size, N STAND-INS (`tests/remote/standin.py`, unix"
            " sockets answering like Docker 20.10, %d idle made-up containers each; not"
            " engines) in one process, and one dashboard over them (`-H @fleet`, a group of"
            " the run's own berth.conf, pool_size %d) started under `ulimit -Sn %d`."
            " Threads, descriptors and RSS %d s after start; idle CPU over the next %d s;"
            " the status change is median / max from a write into the stand-ins' control"
            " FIFO to the row's new status on screen; keys p50 / p99 of %d key presses." % (
                p["fleet_ctrs"], POOL_SIZE, SOFT_LIMIT, p["fleet_settle"], p["fleet_idle"],
                p["keys"]), "",
            "| endpoints | full table | threads | descriptors | RSS | idle CPU"
            " | status change | keys p50 / p99 | status line after idle |",
            "|---|---|---|---|---|---|---|---|---|"]
    sec += [fmt_size(m, p) for m in ms] + [""]
    sec += ["Size %d: not all measured: %s." % (m["n"], m["why"]) for m in ms if m["why"]]
    return summary(ms[-1], nm, p)
