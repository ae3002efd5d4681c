"""report.py: turn the measurements into doc/performance.md (Markdown)."""

import os
import platform
import re
import shutil
import subprocess

from measure import HAVE_TIME, fmt_kib, fmt_ns, fmt_range_ns, fmt_range_ratio, fmt_ratio, paired, summary

# key: (title, reference peer for the target, ratio limit, RSS limit in MiB, target text,
#       what the issue measured on this kind of machine)
ROWS = {
    "ps": ("`ps -a`, {n_total} containers ({n_running} running)", "floor", 1.15, None,
           "≤ 1.15x floor", "docker CLI 1.87x, docker-py 5.7x (sparse) / 19x (full)"),
    "inspect": ("`inspect` one container", "floor", 1.2, None, "≤ 1.2x floor",
                "docker CLI 1.77x, docker-py 36x"),
    "logs": ("`logs` of `seq {seq}` ({logs_mb:.1f} MB stream)", "floor", 1.05, 12,
             "≤ 1.05x floor, peak RSS ≤ 12 MiB", "docker CLI 1.22x, docker-py 0.97x but 192 MiB peak"),
    "exec": ("`exec CONTAINER true`", "docker", 1.0, None, "≤ docker CLI",
             "docker CLI ≈ 1.0x of a two-request curl floor"),
    "cp_in": ("`cp` a {big_mib} MiB file in", "floor", 1.0, 16, "≤ 1.0x floor, peak RSS ≤ 16 MiB",
              "docker CLI 0.96x of a streamed `curl -T`"),
    "cp_out": ("`cp` a {big_mib} MiB file out, extracted", "docker", 1.0, 16,
               "≤ docker CLI, peak RSS ≤ 16 MiB", "docker CLI 0.93x of curl-to-file"),
    "tree_in": ("`cp` a {tree_files}-file directory tree in", "docker", 1.0, None, "≤ docker CLI",
                "(measure)"),
    "tree_out": ("`cp` a {tree_files}-file directory tree out", "docker", 1.0, None,
                 "≤ docker CLI", "(measure)"),
    "version": ("start-up: `berth version` against the engine", "floor", 1.2, None, "≤ 1.2x floor",
                "docker CLI 1.5x of curl /version"),
    "stats": ("`stats --no-stream`, {n_running} running containers", "docker", 1.0, None,
              "≤ docker CLI (time and peak RSS)", "(measure)"),
}


def sh(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def title(key, p):
    logs_mb = (sum(len(str(i)) + 1 for i in range(1, p["seq"] + 1)) + 8 * p["seq"]) / 1e6
    return ROWS[key][0].format(logs_mb=logs_mb, **p)


def by_peer(cmds, peer):
    for c in cmds:
        if c.peer == peer:
            return c
    return None


def verdict(key, cmds):
    """(berth's figure as text, verdict as text) for one CLI row."""
    _, ref_peer, limit, rss_limit, _, _ = ROWS[key]
    b = by_peer(cmds, "berth")
    ref = by_peer(cmds, ref_peer)
    if b is None or not b.ok():
        return "-", "**not measured**: %s" % (b.error if b else "no berth command")
    if ref is None or not ref.ok():
        return "-", "**not measured**: the reference (%s) failed: %s" % (ref_peer, ref.error)
    r = summary(paired(b, ref))
    if r is None:
        return "-", "**not measured**: no paired runs"
    fig = "%s of %s" % (fmt_range_ratio(r), "floor" if ref_peer == "floor" else "docker CLI")
    misses = []
    if r[0] > limit:
        misses.append("time")
    if rss_limit is not None:
        fig += ", peak %s" % fmt_kib(b.rss_kib)
        if b.rss_kib is None or b.rss_kib > rss_limit * 1024:
            misses.append("memory")
    return fig, ("**meets**" if not misses else "**misses** (%s)" % " and ".join(misses))


def shown(c):
    """The command as the table shows it: code, except for the in-process description."""
    if c.server is not None:
        return c.show
    return "`%s`" % c.show.replace("|", "\\|")


def row_section(key, cmds, p):
    floor = by_peer(cmds, "floor")
    out = ["### %s" % title(key, p), "",
           "Target: %s. The issue measured: %s." % (ROWS[key][4], ROWS[key][5]), "",
           "| peer | command | time, median (min–max) | vs floor, paired (min–max) | peak RSS |",
           "|---|---|---|---|---|"]
    for c in cmds:
        if not c.ok():
            out.append("| %s | %s | could not be measured: %s | | |" % (
                c.label, shown(c), c.error.replace("|", "\\|")))
            continue
        t = summary(c.times)
        ratio = summary(paired(c, floor)) if floor and floor.ok() else None
        rss = fmt_kib(c.rss_kib)
        if c.server is not None:
            rss += " (process peak)"
        out.append("| %s | %s | %s | %s | %s |" % (
            c.label, shown(c), fmt_range_ns(t),
            "1.00x" if c is floor else fmt_range_ratio(ratio), rss))
    b, d = by_peer(cmds, "berth"), by_peer(cmds, "docker")
    out.append("")
    if b and b.ok() and d and d.ok():
        out.append("berth against the docker CLI, paired: %s." % fmt_range_ratio(summary(paired(b, d))))
        out.append("")
    fig, v = verdict(key, cmds)
    out.append("berth: %s → %s" % (fig, v))
    out.append("")
    return out


def environment(bench):
    args = bench.args
    docker = bench.docker or "docker"
    dv = sh([docker, "version", "--format", "{{.Client.Version}}"])
    sv = sh([docker, "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})"])
    pyv = sh(["/usr/bin/python3", "-c", "import docker; print(docker.__version__)"])
    curlv = sh(["curl", "--version"]).split()[:2]
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1) if m else ""
    except OSError:
        pass
    commit = sh(["git", "-C", args.srcdir, "rev-parse", "--short", "HEAD"]) or "unknown"
    dirty = sh(["git", "-C", args.srcdir, "status", "--porcelain", "--", "src", "ui"])
    hf = sh(["hyperfine", "--version"]) if shutil.which("hyperfine") else "not installed"
    return [
        "- Machine: %s, %d CPUs, Linux %s, %s MiB RAM; shared with other work, so figures are"
        " noisy: read the ratios and ranges, not single times. Load average when the run"
        " ended: %.1f, %.1f, %.1f (1, 5, 15 minutes)." % (
            (cpu or platform.machine(), os.cpu_count(), platform.release(), mem_mib())
            + os.getloadavg()),
        "- Engine: Docker %s on `/var/run/docker.sock`." % (sv or "unknown"),
        "- floor: %s, one request per command unless said otherwise." % (
            " ".join(curlv) or "curl"),
        "- docker CLI: `%s`, the first `docker` on PATH, client %s (it negotiates API 1.41"
        " down with a `/_ping` first)." % (docker, dv or "unknown"),
        "- docker-py: Debian's python3-docker %s under `/usr/bin/python3` (%s); \"fresh process\""
        " is a script doing the one call, \"in one process\" times the call inside a process"
        " that already imported docker and made its client." % (
            pyv or "unknown", sh(["/usr/bin/python3", "--version"])),
        "- berth: `%s`, source commit %s%s." % (
            args.berth, commit, " with uncommitted changes in src/ or ui/" if dirty else ""),
        "- hyperfine: %s; valgrind: %s." % (hf, sh(["valgrind", "--version"]) or "not installed"),
    ]


def mem_mib():
    try:
        with open("/proc/meminfo") as f:
            return int(f.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return "?"


def hyperfine_section(hf):
    if not hf:
        return []
    out = ["## Cross-check with hyperfine", "",
           "The same single commands timed by `hyperfine -N --warmup 3` (each command in a block,"
           " not alternated), median and mean ± σ:", "",
           "| workload | peer | median | mean ± σ | vs floor (medians) |", "|---|---|---|---|---|"]
    for key, res in hf:
        floor = next((m for c, m, _, _ in res if c.peer == "floor"), None)
        for c, med, mean, sd in res:
            out.append("| %s | %s | %s | %s ± %s | %s |" % (
                key, c.label, fmt_ns(med * 1e9), fmt_ns(mean * 1e9), fmt_ns(sd * 1e9),
                fmt_ratio(med / floor) if floor else "-"))
    return out + [""]


def callgrind_section(cg):
    if not cg:
        return []
    out = ["## Instructions executed (callgrind)", "",
           "Client-side instruction counts, which do not depend on the machine's load"
           " (`valgrind --tool=callgrind`; the engine's own work is not counted):", "",
           "| workload | peer | instructions | top functions (self) |", "|---|---|---|---|"]
    for key, c, ann in cg:
        total = re.search(r"^\s*([\d,]+)\s.*PROGRAM TOTALS", ann, re.M)
        funcs = []
        m = re.search(r"file:function\s*\n-+\n(.*?)(\n\n|\Z)", ann, re.S)
        if m:
            for line in m.group(1).splitlines()[:4]:
                mm = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)", line)
                if mm:
                    name = mm.group(3).split(":")[-1].split(" [")[0]
                    funcs.append("%s %s%%" % (name, mm.group(2)))
        out.append("| %s | %s | %s | %s |" % (key, c.label, total.group(1) if total else "?",
                                              "; ".join(funcs).replace("|", "\\|") or "-"))
    return out + [""]


def memory_section(mem):
    if not mem:
        return []
    from dashboard import fmt_breakdown
    out = ["## What the resident memory is made of", "",
           "Peak RSS counts every page of the shared libraries a process touches. A `logs -f`"
           " waiting on a silent container, read from /proc/PID/smaps:", ""]
    for peer, argv, parts in mem:
        out.append("- %s (`%s`): %s." % (peer, " ".join(argv[:1] + argv[-3:]) if peer == "floor"
                                         else " ".join(argv), fmt_breakdown(parts)))
    return out + [""]


def render(bench, hf, cg, mem, dash, elapsed):
    p, args = bench.p, bench.args
    out = ["# berth performance", "",
           "Generated by `make bench` (`bench/run.sh%s`) on %s in %.0f minutes. Do not edit by"
           " hand: rerun it. The workloads and targets are those of issue 6." % (
               " --smoke" if args.smoke_mode else "",
               args.started_at.strftime("%Y-%m-%d %H:%M UTC"), elapsed / 60), ""]
    if args.smoke_mode:
        out += ["**Smoke run**: small workloads and one round, to keep the harness working;"
                " these figures say nothing about the targets.", ""]
    out += ["## Summary", "", "| workload | target | berth | verdict |", "|---|---|---|---|"]
    for key, cmds in bench.rows:
        fig, v = verdict(key, cmds)
        out.append("| %s | %s | %s | %s |" % (title(key, p), ROWS[key][4], fig,
                                            v.replace("|", "\\|")))
    for name, target, fig, v in dash["summary"]:
        out.append("| dashboard: %s | %s | %s | %s |" % (name, target, fig, v.replace("|", "\\|")))
    out += ["", "## Method", "",
            "- Every workload runs the floor, the docker CLI, docker-py and berth against the same"
            " engine in the same run. After one untimed warm-up run of each command (which also"
            " checks its result: the right containers listed, the log byte for byte, copies"
            " identical to their source), the commands run in rounds, the order rotating each"
            " round. A ratio is computed per round against the floor (or the docker CLI) of the"
            " same round; the tables give the median and the min–max of those paired ratios.",
            "- Time is wall time around fork, exec and wait4 of the command, output to"
            " /dev/null, no shell in between (pipelines run under `sh -c`).",
            "- Peak RSS is \"Maximum resident set size\" from `/usr/bin/time -v`, from one extra"
            " run of each command%s. For docker-py in one process it is that process's own"
            " peak (VmHWM in /proc) after the workload's runs." % (
                "" if HAVE_TIME else " (not measured in this run: the time package is missing)"),
            "- The %d containers are named `t-bench-PID-*` (`t-bench-TAGPID-*` with"
            " BERTH_BENCH_TAG=TAG): %d running `sleep`, the others created and not started,"
            " one exited after `seq`; they are removed at the end." % (
                p["n_total"], p["n_running"]),
            "- The dashboard rows run berth in tmux and read /proc; the many-endpoints rows"
            " (issue 7) point one dashboard at the engine and at %d STAND-INS, scripted unix"
            " sockets (`tests/remote/standin.py`) that answer like Docker with %d made-up"
            " containers each and send a container event when told to: they measure the"
            " dashboard at %d rows, not an engine." % (
                p["dash"]["many_eps"] - 1, p["dash"]["many_ctrs"],
                (p["dash"]["many_eps"] - 1) * p["dash"]["many_ctrs"]),
            "- The 10,000-container rows (issue 15) point one dashboard at one stand-in"
            " started with `varied`: %d made-up containers of 40 images, running, exited and"
            " created, listed in a shuffled order." % p["dash"]["tenk_ctrs"],
            "- Other work shares this engine and machine; containers of others may be present"
            " (the floor lists them too, so the ratios stay fair).", "",
            "## Machine and peers", ""]
    out += environment(bench) + ["", "## Command-line workloads", ""]
    for key, cmds in bench.rows:
        out += row_section(key, cmds, p)
    out += hyperfine_section(hf)
    out += callgrind_section(cg)
    out += memory_section(mem)
    out += dash["section"]
    findings = os.path.join(os.path.dirname(os.path.abspath(__file__)), "findings.md")
    if os.path.exists(findings):
        with open(findings) as f:
            out += ["", f.read().rstrip()]
    return "\n".join(out) + "\n"
