#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Stand-in for the kernel's merge_config.sh (tests/harness/fake-kernel):
# 'merge_config.sh -m -O . BASE FRAGMENT...' appends the fragments to BASE.
shift 3
base=$1
shift
cat "$@" >> "$base"
