# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# TAP helpers for guest/tests/*.sh (source it). Each script prints
# kselftest-style TAP lines and ends with 'tap_done', which prints a
# summary and exits non-zero if any case failed.
#   ok NAME            a passing case
#   not_ok NAME [WHY]  a failing case (WHY goes into a '#' diagnostic line)
#   skip NAME REASON   a skipped case
#   check NAME CMD...  ok/not_ok depending on CMD's exit status
#   bail NAME [WHY]    a failing case that ends the script (tap_done)
#   scratch TAG DEV    sets W (a new directory) and PIN (a bpffs path) for
#                      a test; both and the device DEV go when it exits
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
bail()   { not_ok "$1" "${2:-}"; tap_done; }
scratch() {
	W=$(mktemp -d "/tmp/tcx-$1.XXXXXX")
	PIN=/sys/fs/bpf/tcx-$1-$$
	_scratch_dev=$2
	trap _scratch_cleanup EXIT
}
# shellcheck disable=SC2317 # called by the EXIT trap
_scratch_cleanup() {
	ip link del "$_scratch_dev" 2>/dev/null
	rm -rf "$PIN" "$W"
}
tap_done() {
	echo "1..$_tap_n"
	echo "# $_tap_pass passed, $_tap_fail failed, $_tap_skip skipped"
	[ "$_tap_fail" -eq 0 ]
	exit
}
