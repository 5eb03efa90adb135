#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM for 'make check-full': the whole test_progs minus
# tests/test_progs.denylist (TEST_PROGS_DENY, comma-separated, from
# scripts/check-full); output and status go to $TCX_OUT.
deny=${TEST_PROGS_DENY?}
cd "$(dirname "$TEST_PROGS")" || exit 1
./test_progs ${deny:+-d "$deny"} </dev/null 2>&1 | tee "$TCX_OUT/test_progs-full.out"
rc=${PIPESTATUS[0]}
echo "$rc" > "$TCX_OUT/test_progs-full.rc"
exit 0
