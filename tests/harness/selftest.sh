#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Self-test of the host side of the harness, no VM needed: the console log
# scanner must flag kernel splats (and only kernel lines), and the TAP
# report must turn failures, splats, timeouts and missing statuses into
# 'not ok' lines and a failing summary; the series tooling keeps headings
# with their patches and rejects stale checkpatch exceptions. Run by
# 'make check-harness'.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
S=$here/../../scripts
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
fails=0
expect() { # expect DESCRIPTION EXPECTED_RC CMD...
	local d=$1 want=$2; shift 2
	set +e; "$@" > "$t/out" 2>&1; local rc=$?; set -e
	if [ "$rc" = "$want" ]; then echo "ok - $d"; else
		echo "not ok - $d (status $rc, wanted $want)"; sed 's/^/#   /' "$t/out"; fails=$((fails + 1)); fi
}
has() { grep -qE -- "$1" "$t/out" || { echo "not ok - output lacks /$1/"; sed 's/^/#   /' "$t/out"; fails=$((fails + 1)); }; }

expect "clean console log passes the scan" 0 "$S/scan-log" "$here/clean.log"
for f in "$here"/splat-*.log; do
	expect "scan flags $(basename "$f" .log)" 1 "$S/scan-log" "$f"
done

# KCSAN's scoped scan (scripts/vm, FLAVOUR=kcsan): a data race whose title
# or a stack frame is on the tcx/mprog paths fails, races elsewhere are
# listed as '#' notes and pass; the task name (Comm: tcx_stress) does not
# count, a frame deeper in the stack does, and any other splat next to an
# outside-scope race still fails.
expect "kcsan scope: a data race on the tcx paths fails" 1 "$S/scan-log" --kcsan "$here/splat-kcsan-tcx.log"
has ':36: .*BUG: KCSAN: data-race in __netif_receive_skb_core / bpf_mprog_attach \[in scope: bpf_mprog_attach\]$'
has '^# KCSAN: 1 report\(s\) in scope, 1 outside scope'
has '^# .*:8: outside scope \(1 report\): BUG: KCSAN: data-race in tick_nohz_next_event / tick_nohz_stop_tick$'
expect "kcsan scope: races outside tcx are listed, not failed" 0 "$S/scan-log" --kcsan "$here/splat-kcsan-outside.log"
has '^# KCSAN: 0 report\(s\) in scope, 2 outside scope \(2 distinct\)'
has '^# .*:36: outside scope \(1 report\): BUG: KCSAN: data-race in packet_notifier / packet_sendmsg$'
expect "kcsan scope: a stack frame in scope is enough" 1 "$S/scan-log" --kcsan-scope 'tcx_prog_attach' "$here/splat-kcsan-tcx.log"
has '\[in scope: tcx_prog_attach\]$'
expect "kcsan scope: the task name of a report is not a frame" 0 "$S/scan-log" --kcsan-scope 'tcx_stress' "$here/splat-kcsan-outside.log"
cat "$here/splat-kcsan-outside.log" "$here/splat-warn.log" > "$t/kcsan-warn.log"
expect "kcsan scope: other splats still fail" 1 "$S/scan-log" --kcsan "$t/kcsan-warn.log"
has 'WARNING: CPU'
mkdir -p "$t/vm"
"$S/scan-log" --kcsan "$here/splat-kcsan-outside.log" > "$t/vm/scan-hits" || true
printf 'ok 1 - a\n' > "$t/vm/guest-00-x.out"; echo 0 > "$t/vm/guest-00-x.rc"
expect "kcsan scope: races outside the scope pass the TAP report, listed" 0 "$S/tap-report" "$t/vm" 0
has '^ok 2 - kernel log clean \(.*; 2 distinct KCSAN data race\(s\) outside the scope, listed\)$'
has '^# .*outside scope \(1 report\): BUG: KCSAN: data-race in packet_notifier / packet_sendmsg$'

mk() { rm -rf "$t/vm"; mkdir -p "$t/vm"; }
mk
printf 'TAP version 13\nok 1 - a\nok 2 - b # SKIP no reason\n1..2\n' > "$t/vm/guest-00-x.out"; echo 0 > "$t/vm/guest-00-x.rc"
printf '#1/1 t/s:OK\n#1 t:OK\n' > "$t/vm/test_progs-t.out"; echo 0 > "$t/vm/test_progs-t.rc"
expect "all-pass run reports success" 0 "$S/tap-report" "$t/vm" 0
has '^4 passed, 0 failed, 1 skipped$'

printf 'setup:PASS:load 0 nsec\ntest_s:FAIL:attach unexpected error: -22\n#1/1 t/s:FAIL\n#1 t:FAIL\n' > "$t/vm/test_progs-t.out"; echo 1 > "$t/vm/test_progs-t.rc"
expect "failing test_progs subtest fails the run" 1 "$S/tap-report" "$t/vm" 1
has '^not ok [0-9]+ - test_progs: t/s$'
has '^# test_s:FAIL:attach unexpected error: -22$'

mk; printf 'TAP version 13\nok 1 - a\nwaiting for the peer\n' > "$t/vm/guest-00-x.out"; echo 124 > "$t/vm/guest-00-x.rc"; echo 60 > "$t/vm/guest-00-x.timeout"
printf '#1 t:OK\n' > "$t/vm/test_progs-t.out"; echo 0 > "$t/vm/test_progs-t.rc"
expect "a guest script killed by TEST_TIMEOUT is one failure, the run goes on" 1 "$S/tap-report" "$t/vm" 1
has '^not ok 2 - 00-x: killed after 60s \(TEST_TIMEOUT\), hung\?$'
has '^# waiting for the peer$'
has '^ok 3 - test_progs: t$'
has '^3 passed, 1 failed, 0 skipped$'

# check-full's comparison of two whole test_progs runs
mkdir -p "$t/base" "$t/ours"
printf '#1/1 t/a:OK\n#1/2 t/b:OK\n#1 t:OK\n#2 u:FAIL\n' > "$t/base/test_progs-full.out"
printf '#1/1 t/a:OK\n#1/2 t/b:OK\n#1 t:OK\n#2 u:FAIL\n#3 v:OK\n' > "$t/ours/test_progs-full.out"
expect "compare: ours passes what the base passes" 0 "$S/tap-report" --compare "$t/base" "$t/ours"
has '^3 passed, 0 failed, 0 skipped$'
printf '#1/1 t/a:OK\ntest_b:FAIL:query count 2 != 1\n#1/2 t/b:FAIL\n#1 t:FAIL\n#4 w:FAIL\n' > "$t/ours/test_progs-full.out"
expect "compare: a regression and a new failing test fail" 1 "$S/tap-report" --compare "$t/base" "$t/ours"
has '^not ok 3 - t/b$'
has '^# passes on the base, FAIL on ours$'
has '^# test_b:FAIL:query count 2 != 1$'
has '^not ok 4 - w$'

mk; printf 'ok 1 - a\n' > "$t/vm/guest-00-x.out"; echo 3 > "$t/vm/guest-00-x.rc"
expect "guest script exiting non-zero fails the run" 1 "$S/tap-report" "$t/vm" 1
has 'exited with status 3'

mk; printf 'ok 1 - a\n' > "$t/vm/guest-00-x.out"; echo 0 > "$t/vm/guest-00-x.rc"
"$S/scan-log" "$here/splat-warn.log" > "$t/vm/scan-hits" || true
expect "kernel WARNING in the console fails the run" 1 "$S/tap-report" "$t/vm" 97
has '^not ok [0-9]+ - kernel log: WARNING: CPU'

mk; echo "TIMEOUT: the guest did not finish within 60s and was killed (hung?)" > "$t/vm/failure"
expect "timeout fails the run" 1 "$S/tap-report" "$t/vm" 1
has 'not ok 1 - vm: TIMEOUT'

mk; echo "the guest did not report an exit status (kernel crash, panic or boot failure)" > "$t/vm/failure"
printf 'tcx-init[14.68]: some mounts of guest/fstab.2 failed\ntcx-init[15.13]: cannot mount the output share\n' > "$t/vm/console-tail"
expect "a guest that never reported fails the run with the console excerpt" 1 "$S/tap-report" "$t/vm" 98
has '^not ok 1 - vm: the guest did not report'
has '^# tcx-init\[15.13\]: cannot mount the output share$'

# series headings: a fake series (tests/harness/series/series) gets a
# kernel patch inserted before its Documentation patch and is renumbered:
# every heading must stay in front of the patch it introduced.
sd=$here/series
expect "series headings stay with their patches when a patch is inserted" 0 \
	bash -c '"$1" "$2/series" $(grep -v "^#" "$2/expected") | diff -u "$2/expected" -' _ "$S/series-headings" "$sd"
expect "a heading whose patch is gone moves to the next patch" 0 \
	bash -c '"$1" "$2/series" $(grep -v -e "^#" -e "^0005-libbpf" "$2/series") |
		grep -A1 "^# libbpf:" | grep -qx "0006-libbpf-add-multi-program-attach-detach-and-query-opt.patch"' \
	_ "$S/series-headings" "$sd"

# checkpatch verdict: an unlisted warning fails, a listed one does not, and
# an exception nothing triggers any more (stale) fails.
mk
printf 'WARNING:SPLIT_STRING: quoted string split across lines\n#10: FILE: a.c:3:\n+\t"x"\n\n' > "$t/vm/.checkpatch-a.patch.out"
printf 'CHECK:BIT_MACRO: Prefer using the BIT macro\n#5: FILE: b.h:1:\n\n' > "$t/vm/.checkpatch-b.patch.out"
echo 'a.patch SPLIT_STRING readable command lines' > "$t/exc"
expect "checkpatch warnings listed as exceptions pass" 0 "$S/checkpatch-verdict" "$t/exc" "$t/vm" a.patch b.patch
expect "an unlisted checkpatch warning fails" 1 "$S/checkpatch-verdict" /dev/null "$t/vm" a.patch b.patch
has 'FAIL: checkpatch: a.patch: WARNING:SPLIT_STRING'
echo 'b.patch VOLATILE was needed once' >> "$t/exc"
expect "a stale checkpatch exception (type no longer triggered) fails" 1 "$S/checkpatch-verdict" "$t/exc" "$t/vm" a.patch b.patch
has 'checkpatch-exceptions:2: stale exception: b.patch no longer triggers VOLATILE'
echo 'gone.patch SPLIT_STRING patch dropped' > "$t/exc2"; cat "$t/exc" >> "$t/exc2"
expect "an exception for a patch not in the series fails" 1 "$S/checkpatch-verdict" "$t/exc2" "$t/vm" a.patch b.patch
has 'stale exception: gone.patch is not in the series'

# environment knobs: the README table matches the scripts, and a knob
# missing from it or a row for a knob nobody reads fails.
expect "every environment knob has one README row" 0 "$here/check-knobs"
mkdir -p "$t/top/scripts"
printf '#!/bin/bash\nx=${%s:-1} y=${%s:-2}\n' NEW_KNOB KEPT > "$t/top/scripts/x"
printf '# t\n\n## Overrides\n\n| variable | default | meaning |\n|---|---|---|\n| `KEPT` | 2 | kept |\n| `OLD_KNOB` | 1 | gone |\n\n## Next\n' > "$t/top/README.md"
expect "an undocumented knob and a stale README row fail" 1 "$here/check-knobs" "$t/top"
has '^missing: NEW_KNOB \(read by scripts/x\)'
has '^stale: .* OLD_KNOB'

# list_entries (scripts/lib.sh), the one reader of the list files
printf '# a comment\n\n  0001-a.patch\n0002-b.patch   # trailing comment\n\t# indented comment\ntcx_link extra words\n' > "$t/list"
expect "list_entries drops comments and blank lines, keeps first words" 0 \
	bash -c '. "$1/lib.sh"; diff <(list_entries "$2") <(printf "%s\n" 0001-a.patch 0002-b.patch tcx_link)' _ "$S" "$t/list"

# check-configs tries every combination of configs/flavours and counts the
# failures: on a stand-in kernel tree where the first combination fails to
# configure, the second to build and the fourth loses an option it asks
# for, the others still run and the run fails at the end.
expect "check-configs counts failing combinations and runs the others" 1 \
	env BUILD="$t/cc" TREE="$here/fake-kernel" JOBS=1 "$S/check-configs"
has 'not ok: tcx-only .*configuration failed'
has 'not ok: clsact-module .*build failed'
has 'not ok: no-ingress-qdisc: Kconfig did not give IFB=m \(got n\)$'
has 'ok: no-bpf-no-act '
has 'ERROR: 3 of 6 config combination\(s\) failed: tcx-only clsact-module no-ingress-qdisc$'

# scripts/kernel builds a flavour as configs/flavours describes it, on
# the stand-in tree, and creates a missing CCACHE_DIR for its build lock;
# an unknown flavour fails.
expect "scripts/kernel builds the debug flavour of configs/flavours (lock dir created)" 0 \
	env BUILD="$t/kb" TREE="$here/fake-kernel" KBUILD_OUT="$t/kout" CCACHE_DIR="$t/no/ccache" JOBS=1 "$S/kernel"
has 'configure .*/fake-kernel/tools/testing/selftests/bpf/config .*/configs/base.config .*/configs/guest.config .*/configs/vm.config .*/configs/debug.config'
has 'kernel debug: 6.1.0-fake built'
expect "scripts/kernel refuses a flavour configs/flavours does not have" 1 \
	env BUILD="$t/kb" TREE="$here/fake-kernel" FLAVOUR=nope KBUILD_OUT="$t/kout2" CCACHE_DIR="$t/no/ccache" JOBS=1 "$S/kernel"
has "unknown FLAVOUR 'nope' \(configs/flavours has: debug vm bench kcsan\)"
# The kcsan flavour: debug's fragments with kcsan.config instead of
# debug.config (KCSAN excludes KASAN).
expect "scripts/kernel builds the kcsan flavour of configs/flavours" 0 \
	env BUILD="$t/kb" TREE="$here/fake-kernel" FLAVOUR=kcsan KBUILD_OUT="$t/kout4" CCACHE_DIR="$t/no/ccache" JOBS=1 "$S/kernel"
has 'configure .*/fake-kernel/tools/testing/selftests/bpf/config .*/configs/base.config .*/configs/guest.config .*/configs/vm.config .*/configs/kcsan.config .log'
has 'kernel kcsan: 6.1.0-fake built'
# The bench flavour (scripts/bench) with its fragment replaced by an
# absolute path (BENCH_FRAGMENT through KERNEL_FRAGMENTS): bzImage only.
printf 'CONFIG_BENCH_FAKE=y\n' > "$t/bench-frag.config"
expect "scripts/kernel builds the bench flavour with KERNEL_FRAGMENTS=/abs/path" 0 \
	env BUILD="$t/kb" TREE="$here/fake-kernel" FLAVOUR=bench KERNEL_FRAGMENTS="$t/bench-frag.config" \
	KBUILD_OUT="$t/kout3" CCACHE_DIR="$t/no/ccache" JOBS=1 "$S/kernel"
has 'kernel-bench-config: configure [^ ]*/bench-frag.config .log'
has 'kernel-bench-build: kmake bzImage '
has 'kernel bench: 6.1.0-fake built'

# make vm hands CMD to the guest verbatim, quotes and '$' included (a
# stand-in scripts/vm runs what it is given).
mkdir -p "$t/fakevm"
printf '#!/bin/bash\nwhile [ "$1" != -- ]; do shift; done; shift; exec "$@"\n' > "$t/fakevm/vm"; chmod +x "$t/fakevm/vm"
expect "make vm passes a CMD with quotes and \$ through" 0 \
	make -s -C "$here/../.." vm S="$t/fakevm" CMD="echo \"it's\" 'a  b' '\$PWD'"
has "^it's a  b \\\$PWD$"

# Lint: shellcheck on every shell script (tests/harness/shellcheck.sh); a
# fixture with an unquoted expansion, and a stale pending entry, must fail.
expect "shellcheck: every shell script is clean (or listed as pending)" 0 "$here/shellcheck.sh"
mkdir -p "$t/sc/tests/harness"
cp "$here/../../.shellcheckrc" "$t/sc/"
printf '#!/bin/bash\nrm -rf $1/tmp\n' > "$t/sc/x"
printf '#!/bin/bash\necho "$1"\n' > "$t/sc/y.sh"
expect "shellcheck flags an unquoted expansion" 1 "$here/shellcheck.sh" "$t/sc"
has '^# x:2:8: .*SC2086'
printf '#!/bin/bash\nrm -rf "$1/tmp"\n' > "$t/sc/x"
echo 'y.sh fixed long ago' > "$t/sc/tests/harness/shellcheck-pending"
expect "shellcheck: a clean script still listed as pending fails" 1 "$here/shellcheck.sh" "$t/sc"
has '^not ok [0-9]+ - shellcheck y.sh: clean, remove it'

if [ $fails -ne 0 ]; then echo "harness self-test: $fails failure(s)"; exit 1; fi
echo "harness self-test: OK"
