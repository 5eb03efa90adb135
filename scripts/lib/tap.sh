# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # tap_out is for the scripts sourcing this file
# The one TAP vocabulary of the repository, sourced by the guest tests
# (through guest/lib.sh), the demo and the host-side checks. Sourcing it
# prints the TAP header; every case is one kselftest-style line; tap_done
# prints the plan and the summary 'N passed, N failed, N skipped' and
# exits non-zero if a case failed.
#   ok NAME                    a passing case
#   not_ok NAME [WHY]          a failing case (WHY: '#' diagnostic lines)
#   skip NAME REASON           a case that does not apply here (never a
#                              broken or missing tcx piece: that fails)
#   check NAME CMD...          ok when CMD exits 0, else not_ok with its output
#   check_status NAME RC CMD...
#                              ok when CMD exits with status RC
#   teq NAME GOT WANT          ok when the strings GOT and WANT are equal
#                              (a diff of the two when they have several lines)
#   tap_done                   plan, summary, exit status
# The counters are _tap_*; tap_out holds the output of the last
# check/check_status command.
_tap_n=0 _tap_pass=0 _tap_fail=0 _tap_skip=0
echo "TAP version 13"
ok() { _tap_n=$((_tap_n + 1)); _tap_pass=$((_tap_pass + 1)); echo "ok $_tap_n - $1"; }
not_ok() {
	_tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1)); echo "not ok $_tap_n - $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/# /'
}
skip() { _tap_n=$((_tap_n + 1)); _tap_skip=$((_tap_skip + 1)); echo "ok $_tap_n - $1 # SKIP ${2:-}"; }
check() {
	local name=$1 out; shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$* failed: $(printf '%s\n' "$out" | tail -n 3)"; fi
	tap_out=$out
}
check_status() {
	local name=$1 want=$2 out rc; shift 2
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" = "$want" ]; then ok "$name"; else not_ok "$name" "status $rc, wanted $want: $*"$'\n'"$(printf '%s\n' "$out" | tail -n 20)"; fi
	tap_out=$out
}
teq() {
	if [ "$2" = "$3" ]; then ok "$1"
	elif [[ $2$3 == *$'\n'* ]]; then
		not_ok "$1" "want (<) vs got (>):"$'\n'"$(diff <(printf '%s\n' "$3") <(printf '%s\n' "$2"))"
	else not_ok "$1" "got '$2', want '$3'"; fi
}
tap_done() {
	echo "1..$_tap_n"
	echo "$_tap_pass passed, $_tap_fail failed, $_tap_skip skipped"
	[ "$_tap_fail" -eq 0 ]
	exit
}
