#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark guests' output into the results table, CSV and plot.

analyze.py [--base RAW] --ours RAW --meta META.json --out PREFIX [--no-plot]

RAW files hold the guests' stdout (RESULT, ctl, rtnl and failslab lines,
see guest/bench.sh). Writes PREFIX.md, PREFIX.csv (data path),
PREFIX-control.csv (control plane), PREFIX-rtnl.csv (an unrelated RTNL
user while tcx changes, the rtnl scenario), PREFIX-starve.csv (one tcx
writer among two others, the starve scenario) and PREFIX.png (cost vs N),
prints the
headline table, and exits 1 if a run was not repeatable (spread above
--max-spread percent) or a guest did not finish.

Costs are guest instructions per packet: QEMU runs with -icount shift=0,
so one nanosecond of guest time is one instruction, and pktgen's busy time
(its c... usec, without the time it yielded the CPU) divided by the packets
it sent is the per-packet cost.
"""
import argparse
import csv
import json
import re
import statistics
import sys

KV = re.compile(r'(\w+)=(\S+)')

# Targets of the data path (ratios on the same kernel, one run).
T_BARE = 0.01           # ours bare within 1% of base bare
T_TCX1_RATIO = 0.40     # tcx_1 overhead <= 0.40 x cls_bpf_1 overhead
T_TCX_SLOPE = 35.0      # marginal instructions per extra tcx program
T_SLOPE_RATIO = 0.25    # ... and <= 0.25 x the cls_bpf marginal
# Targets of the classic path and the control plane.
T_CLASSIC = 1.005       # clsact_empty and cls_bpf_1, ours/base, no tcx program
T_CTL_SLOPE = 7.0       # attach/detach instructions per program already attached
# Target of the RTNL work: an unrelated RTNL user (RTM_GETLINK) while tcx
# changes run in a loop, p99 of its latency in guest ns (1 ms).
T_RTNL_P99 = 1000000
RTNL_LOOPS = (('link', 'link create + close'), ('opts', 'opts attach + detach'))
# A device with a clsact qdisc and no tcx program while another device has
# tcx programs: the classic path too (target T_CLASSIC against base's
# clsact_empty, base having no tcx).
ELSEWHERE = 'clsact_empty_tcx_elsewhere'


def parse(path):
    runs, ctl, rtnl, starve, fs, info, done = {}, [], [], [], [], [], False
    with open(path, errors='replace') as f:
        for line in f:
            line = line.strip().replace('\r', '')
            if line.startswith('RESULT '):
                d = dict(KV.findall(line))
                key = (d['dir'], d['scen'])
                runs.setdefault(key, {'n': int(d['n']), 'kernel': d['kernel'], 'v': []})
                runs[key]['v'].append(float(d['cusec']) * 1000.0 / float(d['pkts']))
            elif line.startswith('ctl '):
                d = dict(KV.findall(line))
                if d.get('op') != 'timer':
                    ctl.append(d)
            elif line.startswith('rtnl '):
                rtnl.append(dict(KV.findall(line)))
            elif line.startswith('starve '):
                starve.append(dict(KV.findall(line)))
            elif line.startswith('failslab '):
                fs.append(line[len('failslab '):])
            elif line.startswith('INFO '):
                info.append(line[5:])
            elif line == 'BENCH-DONE':
                done = True
    return runs, ctl, rtnl, starve, fs, info, done


def stats(v):
    m = statistics.mean(v)
    return {
        'median': statistics.median(v), 'mean': m, 'min': min(v), 'max': max(v),
        'spread': (max(v) - min(v)) / m * 100.0 if m else 0.0, 'reps': len(v),
    }


def slope(points):
    """Least-squares slope and intercept of [(x, y)]."""
    if len(points) < 2:
        return float('nan'), float('nan')
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return b, my - b * mx


def family(scen):
    for f in ('cls_bpf1p', 'cls_bpf', 'tcx', 'mixed'):
        if scen.startswith(f + '_'):
            return f
    return scen


def fmt(x, nd=1):
    if x is None or x != x:
        return 'n/a'
    return f'{x:,.{nd}f}'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', help='the base guest output (bench-smoke runs ours only)')
    ap.add_argument('--ours', required=True)
    ap.add_argument('--meta', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--max-spread', type=float, default=0.5)
    ap.add_argument('--no-plot', action='store_true')
    ap.add_argument('--smoke', action='store_true',
                    help='a bench-smoke run (debug kernel): targets are not judged')
    a = ap.parse_args()

    meta = json.load(open(a.meta))
    data, ok = {}, True
    for kind, path in (('base', a.base), ('ours', a.ours)):
        if path is None:
            data[kind] = {'runs': {}, 'ctl': [], 'rtnl': [], 'starve': [], 'fs': [],
                          'info': [], 'done': True}
            continue
        runs, ctl, rtnl, starve, fs, info, done = parse(path)
        data[kind] = {'runs': runs, 'ctl': ctl, 'rtnl': rtnl, 'starve': starve, 'fs': fs,
                      'info': info, 'done': done}
        if not done:
            print(f'analyze: the {kind} guest did not finish (no BENCH-DONE in {path})',
                  file=sys.stderr)
            ok = False

    rows = []
    S = {}          # (kind, dir, scen) -> stats
    for kind in ('base', 'ours'):
        for (d, scen), r in data[kind]['runs'].items():
            st = stats(r['v'])
            st.update(n=r['n'], kernel=r['kernel'])
            S[(kind, d, scen)] = st
    dirs = [d for d in ('ingress', 'egress') if any(k[1] == d for k in S)]

    def cost(kind, d, scen):
        st = S.get((kind, d, scen))
        return st['median'] if st else None

    def over(kind, d, scen):
        c, b = cost(kind, d, scen), cost(kind, d, 'bare')
        return None if c is None or b is None else c - b

    order = {'bare': 0, 'clsact_empty': 1, ELSEWHERE: 1.5, 'cls_bpf': 2, 'cls_bpf1p': 3, 'tcx': 4,
             'mixed': 5, 'bare_end': 6}
    keys = sorted(S, key=lambda k: (k[0] != 'base', dirs.index(k[1]),
                                    order.get(family(k[2]), 9), S[k]['n']))
    worst = 0.0
    for k in keys:
        st = S[k]
        worst = max(worst, st['spread'])
        rows.append({
            'kernel': st['kernel'], 'tree': k[0], 'dir': k[1], 'scenario': k[2],
            'n': st['n'], 'reps': st['reps'],
            'instr_per_pkt': round(st['median'], 2), 'min': round(st['min'], 2),
            'max': round(st['max'], 2), 'spread_pct': round(st['spread'], 3),
            'overhead_vs_bare': None if over(*k) is None else round(over(*k), 2),
        })

    with open(a.out + '.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()) if rows else ['kernel'])
        w.writeheader()
        w.writerows(rows)

    # Headline ratios.
    H = {}
    for d in dirs:
        h = H[d] = {}
        bb, ob = cost('base', d, 'bare'), cost('ours', d, 'bare')
        h['bare_ratio'] = ob / bb if bb and ob else None
        t1, c1 = over('ours', d, 'tcx_1'), over('ours', d, 'cls_bpf_1')
        h['tcx1'], h['cls1'] = t1, c1
        h['tcx1_ratio'] = t1 / c1 if t1 is not None and c1 else None
        for fam in ('tcx', 'cls_bpf', 'cls_bpf1p'):
            pts = [(S[k]['n'], S[k]['median']) for k in S
                   if k[0] == 'ours' and k[1] == d and family(k[2]) == fam]
            h[fam + '_slope'] = slope(pts)[0] if len(pts) >= 2 else None
            h[fam + '_pts'] = sorted(pts)
        ts, cs = h['tcx_slope'], h['cls_bpf_slope']
        h['slope_ratio'] = ts / cs if ts is not None and cs else None
        ts1p = h['cls_bpf1p_slope']
        h['slope_ratio_1p'] = ts / ts1p if ts is not None and ts1p else None
        cb, co = cost('base', d, 'cls_bpf_1'), cost('ours', d, 'cls_bpf_1')
        h['cls1_ours_base'] = co / cb if cb and co else None
        ce_b, ce_o = cost('base', d, 'clsact_empty'), cost('ours', d, 'clsact_empty')
        h['clsact_ours_base'] = ce_o / ce_b if ce_b and ce_o else None
        ce_x = cost('ours', d, ELSEWHERE)
        h['elsewhere_ours_base'] = ce_x / ce_b if ce_b and ce_x else None
        h['elsewhere_ours_ours'] = ce_x / ce_o if ce_o and ce_x else None
        for kind in ('base', 'ours'):
            b0, b1 = cost(kind, d, 'bare'), cost(kind, d, 'bare_end')
            h[f'drift_{kind}'] = (b1 - b0) / b0 * 100 if b0 and b1 else None

    def verdict(ok_):
        if a.smoke:
            return 'not judged (smoke run)'
        return 'n/a' if ok_ is None else ('met' if ok_ else '**MISSED**')

    targets = []
    for d in dirs:
        h = H[d]
        r = h['bare_ratio']
        targets.append((f'{d}: ours bare within 1% of base bare',
                        f'{fmt(r, 4)}', verdict(None if r is None else abs(r - 1) <= T_BARE)))
        r = h['tcx1_ratio']
        targets.append((f'{d}: tcx_1 overhead <= 0.40 x cls_bpf_1 overhead',
                        f"{fmt(h['tcx1'])} / {fmt(h['cls1'])} = {fmt(r, 3)}",
                        verdict(None if r is None else r <= T_TCX1_RATIO)))
        s = h['tcx_slope']
        targets.append((f'{d}: marginal tcx program <= 35 instructions', fmt(s),
                        verdict(None if s is None else s <= T_TCX_SLOPE)))
        r = h['slope_ratio']
        targets.append((f'{d}: tcx marginal <= 0.25 x cls_bpf marginal',
                        f"{fmt(h['tcx_slope'])} / {fmt(h['cls_bpf_slope'])} = {fmt(r, 3)}",
                        verdict(None if r is None else r <= T_SLOPE_RATIO)))
        for key, scen in (('clsact_ours_base', 'clsact_empty'),
                          ('cls1_ours_base', 'cls_bpf_1')):
            r = h[key]
            targets.append((f'{d}: ours {scen} / base {scen} <= {T_CLASSIC}',
                            fmt(r, 4),
                            verdict(None if r is None else r <= T_CLASSIC)))
        r = h['elsewhere_ours_base']
        targets.append((f'{d}: ours {ELSEWHERE} / base clsact_empty <= {T_CLASSIC}',
                        fmt(r, 4), verdict(None if r is None else r <= T_CLASSIC)))

    # Control plane.
    ctl = data['ours']['ctl']
    crow = []
    for c in ctl:
        crow.append({'dir': c['dir'], 'clock': c.get('clock', 'wall'), 'op': c['op'],
                     'fill': int(c['fill']),
                     'iters': int(c['iters']), 'median_instr': int(c['median_ns']),
                     'mean_instr': float(c['mean_ns']), 'min_instr': int(c['min_ns']),
                     'p90_instr': int(c['p90_ns'])})
    with open(a.out + '-control.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=['dir', 'clock', 'op', 'fill', 'iters', 'median_instr',
                                          'mean_instr', 'min_instr', 'p90_instr'])
        w.writeheader()
        w.writerows(crow)
    C = {(c['dir'], c['op'], c['fill']): c['median_instr'] for c in crow if c['clock'] == 'cpu'}
    for d in dirs:
        for op in ('link_attach', 'link_detach', 'opts_attach', 'opts_detach'):
            lo, hi = C.get((d, op, 16)), C.get((d, op, 62))
            per = None if lo is None or hi is None else (hi - lo) / 46.0
            targets.append((f'{d}: {op} per program already attached <= {T_CTL_SLOPE:g} '
                            'instructions', fmt(per),
                            verdict(None if per is None else per <= T_CTL_SLOPE)))
    W = {(c['dir'], c['op'], c['fill']): c['median_instr'] for c in crow if c['clock'] == 'wall'}

    # RTNL while tcx changes (the rtnl scenario): RTM_GETLINK latency alone
    # (both kernels) and while a loop of tcx changes runs (ours), and the
    # changes themselves in elapsed and CPU time.
    rrow, G, X = [], {}, {}
    for kind in ('base', 'ours'):
        for r in data[kind]['rtnl']:
            if r.get('op') == 'getlink':
                g = G[(kind, r['loop'])] = {k: int(r[k + '_ns']) for k in ('p50', 'p99', 'max')}
                g['n'] = int(r['n'])
                rrow.append({'tree': kind, 'loop': r['loop'], 'op': 'getlink', 'clock': 'wall',
                             'n': g['n'], 'p50_ns': g['p50'], 'p99_ns': g['p99'],
                             'max_ns': g['max']})
            else:
                x = X[(kind, r['loop'], r['op'])] = {f'{c}_{k}': int(r[f'{c}_{k}_ns'])
                                                     for c in ('wall', 'cpu')
                                                     for k in ('p50', 'p99', 'max')}
                x['n'] = int(r['n'])
                for c in ('wall', 'cpu'):
                    rrow.append({'tree': kind, 'loop': r['loop'], 'op': r['op'], 'clock': c,
                                 'n': x['n'], 'p50_ns': x[c + '_p50'],
                                 'p99_ns': x[c + '_p99'], 'max_ns': x[c + '_max']})
    with open(a.out + '-rtnl.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=['tree', 'loop', 'op', 'clock', 'n', 'p50_ns',
                                          'p99_ns', 'max_ns'])
        w.writeheader()
        w.writerows(rrow)
    alone = G.get(('ours', 'none'))
    # One RTNL hold of a change, bounded from above (one vCPU): the part
    # the changer runs, at most its CPU time for the change, plus the part
    # it is off the CPU, which the always-runnable requester covers with
    # at most the end of the request it had begun and the next request,
    # blocked until the release: at most two requests.
    hold = {}
    for loop, _ in RTNL_LOOPS:
        g = G.get(('ours', loop))
        cpu = [x['cpu_max'] for (k, l, _o), x in X.items() if k == 'ours' and l == loop]
        if g is None or not cpu:
            continue
        hold[loop] = {
            'seen': g['max'] - alone['p50'] if alone else None,
            'bound': max(cpu) + 2 * g['max'],
        }
    for loop, label in RTNL_LOOPS:
        g = G.get(('ours', loop))
        if g is None:
            continue
        targets.append((f'RTNL: RTM_GETLINK p99 while tcx {label} loops <= 1,000,000 ns',
                        f"{fmt(g['p99'], 0)} (alone {fmt(alone['p99'], 0) if alone else 'n/a'})",
                        verdict(g['p99'] <= T_RTNL_P99)))
    # One writer among two others (the starve scenario, ours): the measured
    # task's changes alone and under contention, elapsed, CPU time and the
    # times it slept.
    srow, SV, others = [], {}, {}
    for r in data['ours']['starve']:
        if r.get('op') == 'others':
            others[r['loop']] = [int(v) for v in r['others_changes'].split(',')]
            continue
        x = SV[(r['loop'], r['phase'], r['op'])] = {
            f'{c}_{k}': int(r[f'{c}_{k}' + ('' if c == 'sleeps' else '_ns')])
            for c in ('wall', 'cpu', 'sleeps') for k in ('p50', 'p99', 'max')}
        x['n'], x['hist'] = int(r['n']), r.get('sleeps_hist', '')
    for (loop, phase, op), x in SV.items():
        for c, unit in (('wall', 'ns'), ('cpu', 'ns'), ('sleeps', 'count')):
            srow.append({'loop': loop, 'phase': phase, 'op': op, 'metric': c, 'unit': unit,
                         'n': x['n'], 'p50': x[c + '_p50'], 'p99': x[c + '_p99'],
                         'max': x[c + '_max'], 'hist': x['hist'] if c == 'sleeps' else '',
                         'others_changes': '+'.join(map(str, others.get(loop, [])))
                         if phase == 'contended' else ''})
    with open(a.out + '-starve.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=['loop', 'phase', 'op', 'metric', 'unit', 'n', 'p50',
                                          'p99', 'max', 'hist', 'others_changes'])
        w.writeheader()
        w.writerows(srow)
    # The grace period a change waits for, from the uncontended loop: a
    # detach there waits for two (its attach's, then its own).
    gp = {}
    for loop, _ in RTNL_LOOPS:
        x = SV.get((loop, 'alone', f'{loop}_detach'))
        if x:
            gp[loop] = x['wall_p50'] / 2.0
        if any(k[0] == loop and k[1] == 'contended' for k in SV):
            o = others.get(loop)
            if not o or min(o) <= 0:
                print(f'analyze: starve {loop}: the two other writers made no change while '
                      f'the measured one ran ({o}): no contention measured', file=sys.stderr)
                ok = False

    fills = sorted({c['fill'] for c in crow})
    ops = ['link_attach', 'link_detach', 'opts_attach', 'opts_detach', 'query']

    # Markdown.
    L = []
    L.append(f"# tcx benchmark, {meta.get('date', '?')}")
    L.append('')
    L.append('Per-packet cost of the tc hook on a dummy device, in guest instructions '
             '(QEMU `-icount shift=0,sleep=off`, one vCPU: 1 ns of guest time = 1 '
             'instruction), pktgen with 60-byte packets; ingress `xmit_mode '
             'netif_receive`, egress `xmit_mode queue_xmit`. See bench/README.md for '
             'the method.')
    L.append('')
    L.append('| | |')
    L.append('|---|---|')
    for k in ('base_kernel', 'ours_kernel', 'base_tree', 'ours_tree', 'repo_commit',
              'config_fragment_sha256', 'base_config_sha256', 'ours_config_sha256',
              'config_diff', 'qemu', 'host_cpu', 'packets_per_run', 'repeats',
              'skb_reuse', 'guest_cmdline', 'clocksource', 'run_time_s'):
        if k in meta:
            L.append(f'| {k} | `{meta[k]}` |')
    if a.smoke:
        L.append('')
        L.append('**Smoke run** (`make bench-smoke`, part of `make check`): the debug kernel '
                 '(KASAN, lockdep...), ours only, small counts. It checks that the benchmark '
                 'still runs end to end; its figures are not the benchmark and the targets '
                 'are not judged.')
    L.append('')
    L.append('## Headline')
    L.append('')
    L.append('| target | value | verdict |')
    L.append('|---|---|---|')
    for t in targets:
        L.append(f'| {t[0]} | {t[1]} | {t[2]} |')
    L.append('')
    L.append('| ratio | ' + ' | '.join(dirs) + ' |')
    L.append('|---|' + '---|' * len(dirs))

    def hrow(label, key, nd=3):
        L.append(f'| {label} | ' + ' | '.join(fmt(H[d][key], nd) for d in dirs) + ' |')
    hrow('ours bare / base bare', 'bare_ratio', 4)
    hrow('ours clsact_empty / base clsact_empty', 'clsact_ours_base', 4)
    hrow(f'ours {ELSEWHERE} / base clsact_empty', 'elsewhere_ours_base', 4)
    hrow(f'ours {ELSEWHERE} / ours clsact_empty', 'elsewhere_ours_ours', 4)
    hrow('ours cls_bpf_1 / base cls_bpf_1', 'cls1_ours_base', 4)
    hrow('tcx_1 overhead (instr)', 'tcx1', 1)
    hrow('cls_bpf_1 overhead (instr)', 'cls1', 1)
    hrow('tcx_1 / cls_bpf_1 overhead', 'tcx1_ratio')
    hrow('marginal tcx program (instr)', 'tcx_slope', 1)
    hrow('marginal cls_bpf filter, one prio each (instr)', 'cls_bpf_slope', 1)
    hrow('marginal cls_bpf filter, all in one prio (instr)', 'cls_bpf1p_slope', 1)
    hrow('tcx / cls_bpf marginal (one prio each)', 'slope_ratio')
    hrow('tcx / cls_bpf marginal (all in one prio)', 'slope_ratio_1p')
    hrow('bare drift over the boot, base (%)', 'drift_base', 3)
    hrow('bare drift over the boot, ours (%)', 'drift_ours', 3)
    L.append('')
    L.append(f'Repeatability: every scenario ran {", ".join(sorted({str(S[k]["reps"]) for k in S}))} '
             f'times in one boot after a warm-up run; the largest spread (max-min)/mean '
             f'is {worst:.3f}% (limit {a.max_spread}%).')
    L.append('')
    L.append('## Data path (instructions per packet)')
    for d in dirs:
        L.append('')
        L.append(f'### {d}')
        L.append('')
        L.append('| scenario | N | base | ours | ours overhead vs bare | spread % (ours) |')
        L.append('|---|---|---|---|---|---|')
        scens = sorted({k[2] for k in S if k[1] == d},
                       key=lambda s: (order.get(family(s), 9), S.get(('ours', d, s), S.get(('base', d, s)))['n']))
        for s in scens:
            b, o = S.get(('base', d, s)), S.get(('ours', d, s))
            sp = o['spread'] if o else (b['spread'] if b else None)
            n = (o or b)['n']
            L.append(f"| {s} | {n} | {fmt(b['median']) if b else ''} | {fmt(o['median']) if o else ''} | "
                     f"{fmt(over('ours', d, s)) if o else ''} | {fmt(sp, 3)} |")
    if crow:
        L.append('')
        L.append('## Control plane (instructions per operation, median, from userspace)')
        L.append('')
        L.append('Each op on a device already holding `fill` tcx programs (links), timed '
                 'by the calling task\'s CPU time (`CLOCK_THREAD_CPUTIME_ID`: the syscall '
                 'included, sleeping excluded), the cost of reading the clock subtracted. '
                 'Elapsed times, which include waiting for RCU grace periods, follow in '
                 'the second table. At fill 0 an attach also creates the device\'s tcx '
                 'state and turns the static keys on (code patching), and the detach of '
                 'the last program undoes both; from fill 16 on the cost per program '
                 'attached is what the last column gives.')
        for d in dirs:
            L.append('')
            L.append(f'### {d}')
            L.append('')
            L.append('| op | ' + ' | '.join(f'fill {f}' for f in fills) +
                     ' | per program (16 to 62) |')
            L.append('|---|' + '---|' * (len(fills) + 1))
            for op in ops:
                vals = [C.get((d, op, f)) for f in fills]
                per = None
                if C.get((d, op, 16)) is not None and C.get((d, op, 62)) is not None:
                    per = (C[(d, op, 62)] - C[(d, op, 16)]) / 46.0
                L.append(f'| {op} | ' + ' | '.join(fmt(v, 0) for v in vals) + f' | {fmt(per)} |')
        if W:
            L.append('')
            L.append('Elapsed time per operation (ns, median; under `-icount sleep=off` an idle '
                     'guest skips to its next timer, so this is mostly the RCU grace period '
                     'an attach or detach waits for: a few jiffies at HZ=250):')
            for d in dirs:
                L.append('')
                L.append(f'| {d} | ' + ' | '.join(f'fill {f}' for f in fills) + ' |')
                L.append('|---|' + '---|' * len(fills))
                for op in ops:
                    L.append(f'| {op} | ' + ' | '.join(fmt(W.get((d, op, f)), 0) for f in fills) + ' |')
    if rrow:
        L.append('')
        L.append('## Control plane: an unrelated RTNL user while tcx changes (ns of guest time)')
        L.append('')
        L.append('One task sends RTM_GETLINK requests for another device back to back '
                 '(rtnetlink takes RTNL for each) and times each with `CLOCK_MONOTONIC`, '
                 'alone and while a second task changes the tcx ingress of a dummy device '
                 'in a loop (link create + close, or BPF_PROG_ATTACH + BPF_PROG_DETACH, one '
                 'other program attached throughout). One vCPU: while both wait (RTNL, an '
                 'RCU grace period) the guest is idle and its clock skips to the next timer, '
                 'so waits are guest ns, not instructions. See bench/README.md.')
        L.append('')
        L.append('| tcx loop | kernel | requests | p50 | p99 | max |')
        L.append('|---|---|---|---|---|---|')
        for kind in ('base', 'ours'):
            for loop, label in (('none', 'none (alone)'),) + RTNL_LOOPS:
                g = G.get((kind, loop))
                if g:
                    L.append(f"| {label} | {kind} | {g['n']} | {fmt(g['p50'], 0)} | "
                             f"{fmt(g['p99'], 0)} | {fmt(g['max'], 0)} |")
        if X:
            L.append('')
            L.append('The changes of the loop, elapsed (`CLOCK_MONOTONIC`: the RCU grace '
                     'period each change waits for included) and the changing task\'s CPU '
                     'time (`CLOCK_THREAD_CPUTIME_ID`, instructions), while the requests run:')
            L.append('')
            L.append('| loop | op | changes | elapsed p50 | elapsed p99 | elapsed max | '
                     'CPU p50 | CPU max |')
            L.append('|---|---|---|---|---|---|---|---|')
            for (kind, loop, op), x in X.items():
                L.append(f"| {loop} | {op} | {x['n']} | {fmt(x['wall_p50'], 0)} | "
                         f"{fmt(x['wall_p99'], 0)} | {fmt(x['wall_max'], 0)} | "
                         f"{fmt(x['cpu_p50'], 0)} | {fmt(x['cpu_max'], 0)} |")
        if hold:
            L.append('')
            L.append('RTNL hold per change, from the requests (no lock tracing in the bench '
                     'kernels): the longest wait a request saw (its max minus its p50 alone; '
                     'it can span two consecutive changes, the changer taking RTNL again '
                     'before the woken requester runs), and an upper bound of one hold: '
                     'changer CPU max + 2 x request max (one vCPU; see bench/README.md).')
            L.append('')
            L.append('| loop | longest wait seen | one hold <= |')
            L.append('|---|---|---|')
            for loop, label in RTNL_LOOPS:
                h = hold.get(loop)
                if h:
                    L.append(f"| {label} | {fmt(h['seen'], 0)} | {fmt(h['bound'], 0)} |")
    if SV:
        L.append('')
        L.append('## Control plane: one writer among two others (starve)')
        L.append('')
        L.append('The measured task attaches and detaches a program on the tcx ingress of a '
                 'dummy device (one other program attached throughout), first alone, then '
                 'while two other processes attach and detach programs of their own on the '
                 'same hook as fast as they can. A change that finds the hook busy (the '
                 'inactive entry still visible to readers) waits for its grace period; the '
                 'first 2 times without RTNL, then starting over, the third time with RTNL '
                 'held: at most 3 such waits per change, plus, for a detach, the grace '
                 'period it waits for after RTNL is dropped. Per change of the measured '
                 'task: elapsed guest ns (`CLOCK_MONOTONIC`), its CPU time '
                 '(`CLOCK_THREAD_CPUTIME_ID`, instructions), and how often it slept '
                 '(voluntary context switches: each wait for a grace period or for RTNL is '
                 'one). "GPs" is the elapsed time in grace periods, one grace period being '
                 'half the uncontended detach (it waits for two). See bench/README.md.')
        L.append('')
        L.append('| loop | phase | op | changes | elapsed p50 | p99 | max | max in GPs | '
                 'CPU p50 | CPU max | slept p50 | p99 | max | slept: changes |')
        L.append('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
        for loop, _ in RTNL_LOOPS:
            for phase in ('alone', 'contended'):
                for op in (f'{loop}_attach', f'{loop}_detach'):
                    x = SV.get((loop, phase, op))
                    if not x:
                        continue
                    g = gp.get(loop)
                    L.append(f"| {loop} | {phase} | {op} | {x['n']} | {fmt(x['wall_p50'], 0)} | "
                             f"{fmt(x['wall_p99'], 0)} | {fmt(x['wall_max'], 0)} | "
                             f"{fmt(x['wall_max'] / g if g else None, 2)} | "
                             f"{fmt(x['cpu_p50'], 0)} | {fmt(x['cpu_max'], 0)} | "
                             f"{x['sleeps_p50']} | {x['sleeps_p99']} | {x['sleeps_max']} | "
                             f"{x['hist'].replace(',', ', ')} |")
        if others:
            L.append('')
            L.append('Changes the two other writers made while the measured one ran: ' +
                     '; '.join(f"{loop}: {' + '.join(map(str, o))}" for loop, o in others.items()) +
                     '.')
    fs = data['ours']['fs']
    if fs:
        L.append('')
        L.append('## Detach under failslab 100%')
        L.append('')
        L.append('failslab at probability 100, times -1, ignore-gfp-wait N, for the '
                 'loader task only; while it is on, a link attach must fail with ENOMEM '
                 '(the positive control) and every detach must succeed.')
        L.append('')
        for line in fs:
            L.append(f'    {line}')
    L.append('')
    md = '\n'.join(L)
    with open(a.out + '.md', 'w') as f:
        f.write(md)

    if not a.no_plot and dirs:
        plot(a.out + '.png', H, dirs, S, meta)

    print(md)
    if worst > a.max_spread:
        print(f'analyze: a scenario repeated with a spread of {worst:.3f}% '
              f'(> {a.max_spread}%)', file=sys.stderr)
        ok = False
    for line in fs:
        if 'result=FAIL' in line:
            ok = False
    return 0 if ok else 1


def plot(path, H, dirs, S, meta):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(dirs), figsize=(6.5 * len(dirs), 4.8), squeeze=False)
    for ax, d in zip(axes[0], dirs):
        bare = S.get(('ours', d, 'bare'), {}).get('median')
        for fam, label, style in (('cls_bpf', 'cls_bpf, one prio per filter', 'o-'),
                                  ('cls_bpf1p', 'cls_bpf, all filters in one prio', 's--'),
                                  ('tcx', 'tcx (links)', '^-')):
            pts = H[d].get(fam + '_pts') or []
            if not pts or bare is None:
                continue
            xs, ys = [p[0] for p in pts], [p[1] - bare for p in pts]
            ax.plot(xs, ys, style, label=f'{label}: {H[d][fam + "_slope"]:.1f}/prog'
                    if H[d].get(fam + '_slope') is not None else label)
        ce = S.get(('ours', d, 'clsact_empty'))
        if ce and bare is not None:
            ax.axhline(ce['median'] - bare, color='grey', lw=0.8, ls=':',
                       label='clsact, no filter')
        ax.set_title(f'{d}: cost over bare vs number of programs')
        ax.set_xlabel('programs attached (N-1 pass on, the last accepts)')
        ax.set_ylabel('instructions per packet over bare')
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"tcx vs cls_bpf, {meta.get('ours_kernel', '')} ({meta.get('date', '')})",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == '__main__':
    sys.exit(main())
