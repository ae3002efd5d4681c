"""ref_tui.py: the smallest curses list that repaints on j/k, for calibrating the dashboard
latency probe (what tmux and the probe cost on their own, with no engine behind)."""

import curses


def main(scr):
    curses.curs_set(0)
    sel, rows = 0, ["t-bench-ref-%04d   running   berth-test/busybox:latest" % i for i in range(40)]
    while True:
        h, w = scr.getmaxyx()
        for i, r in enumerate(rows[:h - 1]):
            scr.addnstr(i, 0, r.ljust(w - 1), w - 1, curses.A_REVERSE if i == sel else 0)
        scr.refresh()
        k = scr.getch()
        if k == ord("q"):
            return
        if k == ord("j"):
            sel = min(sel + 1, len(rows) - 1)
        elif k == ord("k"):
            sel = max(sel - 1, 0)


curses.wrapper(main)
