#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM for 'make check-full': the whole test_progs minus
# tests/test_progs.denylist; output and status go to $TCX_OUT.
cd "$(dirname "$0")/.." || exit 1
deny=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' tests/test_progs.denylist | paste -sd, -)
cd "$(dirname "$TEST_PROGS")" || exit 1
./test_progs ${deny:+-d "$deny"} </dev/null 2>&1 | tee "$TCX_OUT/test_progs-full.out"
rc=${PIPESTATUS[0]}
echo "$rc" > "$TCX_OUT/test_progs-full.rc"
exit 0
