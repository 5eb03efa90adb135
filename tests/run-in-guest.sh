#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (scripts/vm-test boots it): every executable
# tests/guest/*.sh in name order, then test_progs once per selector of
# tests/test_progs.list. Raw outputs and exit statuses go to $TCX_OUT for
# the host to turn into TAP (scripts/tap-report). Exit 1 if anything failed.
cd "$(dirname "$0")/.." || exit 1
: "${TCX_OUT:?}" "${TEST_PROGS:?}"
fail=0

# EXTRA_GUEST_TESTS=dir adds the scripts of another directory (e.g. a
# scratch test that must fail, to prove the harness notices).
# GUEST_TESTS=dir and TEST_PROGS_LIST=file replace tests/guest and
# tests/test_progs.list (quick harness checks).
for t in "${GUEST_TESTS:-tests/guest}"/*.sh ${EXTRA_GUEST_TESTS:+"$EXTRA_GUEST_TESTS"/*.sh}; do
	[ -x "$t" ] || continue
	n=$(basename "$t" .sh)
	echo "### guest script $n"
	bash "$t" </dev/null 2>&1 | tee "$TCX_OUT/guest-$n.out"
	rc=${PIPESTATUS[0]}
	echo "$rc" > "$TCX_OUT/guest-$n.rc"
	[ "$rc" -eq 0 ] || fail=1
done

grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "${TEST_PROGS_LIST:-tests/test_progs.list}" | while read -r sel _; do
	echo "### test_progs -t $sel"
	# test_progs finds bpf_testmod.ko and its BPF objects in its directory.
	(cd "$(dirname "$TEST_PROGS")" && ./test_progs -t "$sel" </dev/null) 2>&1 |
		tee "$TCX_OUT/test_progs-$sel.out"
	echo "${PIPESTATUS[0]}" > "$TCX_OUT/test_progs-$sel.rc"
done
grep -qvx 0 "$TCX_OUT"/test_progs-*.rc 2>/dev/null && fail=1
exit $fail
