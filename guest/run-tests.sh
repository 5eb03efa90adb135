#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (scripts/vm-test boots it): the executable guest
# scripts of GUEST_TESTS (default guest/tests/*.sh) in name order, then test_progs once per selector of
# tests/test_progs.list (TEST_PROGS_SELECTORS, one per line, read by
# scripts/vm-test from TEST_PROGS_LIST). Raw outputs and exit statuses go to $TCX_OUT for
# the host to turn into TAP (scripts/lib/tap-report). Exit 1 if anything failed.
# Each test runs under a timeout of TEST_TIMEOUT seconds (default 2400): a
# hung test is killed, leaves <test>.timeout next to its output, becomes one
# 'not ok' and the run goes on.
cd "$(dirname "$0")/.." || exit 1
: "${TCX_OUT:?}" "${TEST_PROGS:?}"
limit=${TEST_TIMEOUT:-2400}
fail=0

# run NAME CMD...: CMD's output to the console and $TCX_OUT/NAME.out, its
# status to NAME.rc, its duration in seconds to NAME.secs (the figures of
# tests/vm-weights); NAME.timeout if it was killed by the timeout.
run() {
	local name=$1 rc t0=$SECONDS; shift
	timeout -k 10 "$limit" "$@" </dev/null 2>&1 | tee "$TCX_OUT/$name.out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "$limit" > "$TCX_OUT/$name.timeout"
		echo "### $name: killed after the ${limit}s TEST_TIMEOUT"
	fi
	echo "$rc" > "$TCX_OUT/$name.rc"
	echo $((SECONDS - t0)) > "$TCX_OUT/$name.secs"
	[ "$rc" -eq 0 ] || fail=1
}

# GUEST_TESTS: the scripts to run, globs relative to the repository or
# directories (their *.sh), separated by spaces (scripts/vm-test sets it
# from guest/suites); EXTRA_GUEST_TESTS adds more (e.g. a scratch test that
# must fail, to prove the harness notices).
# shellcheck disable=SC2086 # the lists are globs, split and expanded here
scripts=()
for t in ${GUEST_TESTS:-guest/tests/*.sh} ${EXTRA_GUEST_TESTS:-}; do
	if [ -d "$t" ]; then scripts+=("$t"/*.sh); else scripts+=("$t"); fi
done
for t in "${scripts[@]}"; do
	[ -x "$t" ] || continue
	n=$(basename "$t" .sh)
	echo "### guest script $n"
	run "guest-$n" bash "$t"
done

mapfile -t sels <<<"${TEST_PROGS_SELECTORS?}"
for sel in "${sels[@]}"; do
	[ -n "$sel" ] || continue
	echo "### test_progs -t $sel"
	# test_progs finds bpf_testmod.ko and its BPF objects in its directory.
	run "test_progs-$sel" bash -c 'cd "$(dirname "$TEST_PROGS")" && exec ./test_progs -t "$1"' _ "$sel"
done
exit $fail
