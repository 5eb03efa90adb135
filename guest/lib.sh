# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers of guest/tests/*.sh and the demo (source it): the TAP vocabulary
# of scripts/lib/tap.sh (ok, not_ok, skip, check, check_status, teq,
# tap_done), plus what only the guest needs:
#   bail NAME [WHY]    a failing case that ends the script (tap_done)
#   scratch TAG DEV    sets W (a new directory) and PIN (a bpffs path) for
#                      a test; both and the device DEV go when it exits
# Environment from scripts/vm: BPFTOOL, TEST_PROGS, TOOLS_OUT, PROBE_DIR,
# TOP (the repository), TCX_OUT (writable, copied back to the host).
# shellcheck source=../scripts/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/tap.sh"
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
