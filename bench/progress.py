#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""progress.py: the benchmark guest's output (guest/bench.sh) on stdin, as
scripts/bench shows it while it runs: one timestamped line per scenario
(PROGRESS), the cost of each measured run (RESULT), the control-plane,
rtnl and starve figures (ctl, rtnl, starve lines of tcxbench), and the
failslab, INFO and error lines as they are. Other lines (the guest's
console) are dropped. Each line is flushed as it comes.
"""
import sys
import time


def fields(line):
    """KEY=VALUE words of a line (the first word is its kind)."""
    return dict(w.split('=', 1) for w in line.split()[1:] if '=' in w)


def show(line):
    """What to print for one guest line, or None."""
    kind = line.split(' ', 1)[0]
    r = fields(line)
    if kind == 'PROGRESS':
        return f"[{time.strftime('%H:%M:%S')}] bench: {line[len('PROGRESS '):]}"
    if kind == 'RESULT':
        return f"    run {r['rep']}: {float(r['ns_per_pkt']):.1f} instructions/packet"
    if kind == 'ctl' and r.get('op') != 'timer':
        unit = 'ns elapsed' if r['clock'] == 'wall' else 'instructions of CPU time'
        return f"    {r['dir']} {r['op']} fill {r['fill']}: {r['median_ns']} {unit}"
    if kind == 'rtnl':
        if r['op'] == 'getlink':
            return (f"    RTM_GETLINK, tcx loop {r['loop']}: p50 {r['p50_ns']} p99 {r['p99_ns']} "
                    f"max {r['max_ns']} ns ({r['n']} requests)")
        return (f"    {r['loop']} {r['op']}: {r['wall_p50_ns']} ns elapsed, "
                f"{r['cpu_p50_ns']} instructions of CPU time (p50)")
    if kind == 'starve':
        if r['op'] == 'others':
            return f"    {r['loop']}: the two other writers made {r['others_changes']} changes meanwhile"
        return (f"    {r['phase']} {r['op']}: {r['wall_p50_ns']} ns elapsed p50, {r['wall_max_ns']} max; "
                f"slept {r['sleeps_p50']} times p50, {r['sleeps_max']} max")
    if (kind in ('failslab', 'INFO') or line.startswith(('BENCH-ERROR', 'tcxbench'))
            or 'rror' in line):
        return '    ' + line
    return None


def main():
    # Console garbage must not stop the filter (and with it the run).
    sys.stdin.reconfigure(errors='replace')
    for line in sys.stdin:
        line = line.rstrip('\r\n')
        try:
            out = show(line)
        except (KeyError, ValueError):
            # A line of the right kind but cut short (a console message
            # in the middle of it): shown as it is.
            out = '    ' + line
        if out is not None:
            print(out, flush=True)


if __name__ == '__main__':
    main()
