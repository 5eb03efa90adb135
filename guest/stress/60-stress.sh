#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress runs this directory's scripts (GUEST_TESTS): the guest test
# of make check, at the length scripts/stress sets.
exec bash "$(dirname "$0")/../tests/60-stress.sh"
