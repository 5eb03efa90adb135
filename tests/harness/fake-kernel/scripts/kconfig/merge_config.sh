#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Stand-in for the kernel's merge_config.sh (tests/harness/fake-kernel):
# 'merge_config.sh -m -O . .config FRAGMENT' appends FRAGMENT to .config.
for f; do last=$f; done
cat "$last" >> .config
