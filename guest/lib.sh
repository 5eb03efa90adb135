# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# TAP helpers for guest/tests/*.sh (source it). Each script prints
# kselftest-style TAP lines and ends with 'tap_done', which prints a
# summary and exits non-zero if any case failed.
#   ok NAME            a passing case
#   not_ok NAME [WHY]  a failing case (WHY goes into a '#' diagnostic line)
#   skip NAME REASON   a skipped case
#   check NAME CMD...  ok/not_ok depending on CMD's exit status
# Environment from scripts/vm: BPFTOOL, TEST_PROGS, TOOLS_OUT, PROBE_DIR,
# TOP (the repository), TCX_OUT (writable, copied back to the host).
_tap_n=0 _tap_pass=0 _tap_fail=0 _tap_skip=0
echo "TAP version 13"
ok()     { _tap_n=$((_tap_n + 1)); _tap_pass=$((_tap_pass + 1)); echo "ok $_tap_n - $1"; }
not_ok() {
	_tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1)); echo "not ok $_tap_n - $1"
	[ -z "${2:-}" ] || echo "# $2"
}
skip()   { _tap_n=$((_tap_n + 1)); _tap_skip=$((_tap_skip + 1)); echo "ok $_tap_n - $1 # SKIP ${2:-}"; }
check()  {
	local name=$1; shift
	local out
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$* failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"; fi
}
tap_done() {
	echo "1..$_tap_n"
	echo "# $_tap_pass passed, $_tap_fail failed, $_tap_skip skipped"
	[ "$_tap_fail" -eq 0 ]
	exit
}
