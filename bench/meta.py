#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""meta.py: what a benchmark run measured, as the JSON file bench/analyze.py
puts at the top of its report (scripts/bench writes it after the guests).

meta.py --out META.json --date DATE
        --ours-raw RAW --ours-config .config --ours-tree DIR
        [--base-raw RAW --base-config .config --base-tree TEXT]
        --repo DIR [--fragment FILE]... --count N --repeats N --burst N
        --times START BUILT BASE_DONE OURS_DONE END

RAW: a guest's output (guest/bench.sh), for the kernel release (its RESULT
lines), the command line and the clocksource (its INFO lines); a RAW that
does not exist is a kernel that was not run. .config: a kernel build's
configuration, hashed, and compared with the other one. --base-tree is the
description of the base tree (scripts/bench: the Debian version that was
unpacked); without the --base-* options (make bench-smoke) the report has
no base rows but base_kernel 'not run'. --fragment: the config fragments
the kernels were built from, hashed together. --times: seconds since the
epoch at the start, once the kernels were built, after the base guest and
after ours, and at the end.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess


def sh(*cmd):
    """The first line of CMD's output, '?' when it fails."""
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return '?'
    return out.strip().split('\n', 1)[0] or '?'


def config(path):
    """The CONFIG_ lines of a .config (set or not set) and their hash."""
    if not os.path.exists(path):
        return [], 'none'
    with open(path, errors='replace') as f:
        lines = [l for l in f if l.startswith(('CONFIG_', '# CONFIG_'))]
    return lines, hashlib.sha256(''.join(lines).encode()).hexdigest()[:16]


def kernel(raw):
    """The kernel release a guest's RESULT lines name."""
    if not raw or not os.path.exists(raw):
        return 'not run'
    with open(raw, errors='replace') as f:
        for line in f:
            m = re.search(r'RESULT kernel=(\S+)', line)
            if m:
                return m.group(1)
    return '?'


def info(raw, key):
    """The value of a guest's 'INFO KEY VALUE' line."""
    if not os.path.exists(raw):
        return '?'
    with open(raw, errors='replace') as f:
        for line in f:
            if line.startswith(f'INFO {key} '):
                return line.split(' ', 2)[2].strip()
    return '?'


def host_cpu():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return '?'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--date', required=True)
    ap.add_argument('--ours-raw', required=True)
    ap.add_argument('--ours-config', required=True)
    ap.add_argument('--ours-tree', required=True)
    ap.add_argument('--base-raw')
    ap.add_argument('--base-config')
    ap.add_argument('--base-tree')
    ap.add_argument('--repo', required=True)
    ap.add_argument('--fragment', action='append', default=[])
    ap.add_argument('--count', type=int, required=True)
    ap.add_argument('--repeats', type=int, required=True)
    ap.add_argument('--burst', type=int, required=True)
    ap.add_argument('--times', type=int, nargs=5, required=True,
                    metavar=('START', 'BUILT', 'BASE_DONE', 'OURS_DONE', 'END'))
    a = ap.parse_args()
    base = (a.base_raw, a.base_config, a.base_tree)
    if any(base) and not all(base):
        ap.error('--base-raw, --base-config and --base-tree go together')

    ours_lines, ours_hash = config(a.ours_config)
    start, built, base_done, ours_done, end = a.times
    meta = {'date': a.date, 'base_kernel': kernel(a.base_raw), 'ours_kernel': kernel(a.ours_raw)}
    if a.base_tree:
        meta['base_tree'] = a.base_tree
    meta['ours_tree'] = 'base + series, ' + sh('git', '-C', a.ours_tree, 'log', '-1', '--format=%h %s')
    meta['repo_commit'] = sh('git', '-C', a.repo, 'log', '-1', '--format=%h %s')
    if a.fragment:
        h = hashlib.sha256()
        for frag in a.fragment:
            with open(frag, 'rb') as f:
                h.update(f.read())
        meta['config_fragment_sha256'] = h.hexdigest()[:16]
    if a.base_config:
        base_lines, base_hash = config(a.base_config)
        meta['base_config_sha256'] = base_hash
    meta['ours_config_sha256'] = ours_hash
    if a.base_config:
        diff = sorted(set(ours_lines) ^ set(base_lines))
        meta['config_diff'] = ' '.join(l.strip() for l in diff) or 'none'
    meta.update({
        'qemu': sh('qemu-system-x86_64', '--version'),
        'host_cpu': host_cpu(),
        'packets_per_run': a.count,
        'repeats': a.repeats,
        'skb_reuse': (f'one skb per {a.burst} packets (ingress burst, egress clone_skb)'
                      if a.burst > 1 else 'a new skb for every packet'),
        'guest_cmdline': info(a.ours_raw, 'cmdline'),
        'clocksource': info(a.ours_raw, 'clocksource'),
        'run_time_s': (f'total {end - start} (kernels {built - start}, '
                       f'base guest {base_done - built}, ours guest {ours_done - base_done})'),
    })
    with open(a.out, 'w') as f:
        json.dump(meta, f, indent=1)


if __name__ == '__main__':
    main()
