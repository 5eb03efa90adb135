# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers of guest/tests/*.sh and the demo (source it): the TAP vocabulary
# of scripts/lib/tap.sh (ok, not_ok, skip, check, check_status, teq,
# tap_done), plus what only the guest needs:
#   bail NAME [WHY]    a failing case that ends the script (tap_done)
#   feq NAME GOT_FILE WANT_FILE
#                      ok when the two files have the same bytes
#   jeq NAME FILE WANT_JSON [FILTER [JQ_ARGS...]]
#                      ok when the jq FILTER (default: .) on the JSON in
#                      FILE (one document) gives WANT_JSON, compared as
#                      JSON by jq
#   trimmed FILE       FILE without the trailing blanks of its lines
#   prog_field FIELD SPEC...  a field of 'bpftool -j prog show SPEC...'
#   link_field FIELD SPEC...  a field of 'bpftool -j link show SPEC...'
#                      (SPEC: id N or pinned PATH)
#   scratch TAG DEV    sets W (a new directory) and PIN (a bpffs path) for
#                      a test; both and the device DEV go when it exits
# Environment from scripts/vm: BPFTOOL, TEST_PROGS, TOOLS_OUT, PROBE_DIR,
# TOP (the repository), TCX_OUT (writable, copied back to the host).
# shellcheck source=../scripts/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/tap.sh"
bail()   { not_ok "$1" "${2:-}"; tap_done; }
feq() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		not_ok "$1" "want (<) vs got (>):"$'\n'"$(diff "$3" "$2" | head -n 20)"
	fi
}
jeq() {
	local name=$1 file=$2 want=$3 filter=${4:-.}
	shift $(($# < 4 ? $# : 4))
	if [ "$(jq "$@" --argjson _want "$want" "($filter) == \$_want" "$file" 2>/dev/null)" = true ]; then
		ok "$name"
	else
		not_ok "$name" "jq '$filter' gives: $(jq -c "$@" "$filter" "$file" 2>&1 | head -c 600)"$'\n'"want: $want"
	fi
}
trimmed() { sed 's/[[:space:]]*$//' "$1"; }
prog_field() { local f=$1; shift; "$BPFTOOL" -j prog show "$@" | jq -r --arg f "$f" '.[$f]'; }
link_field() { local f=$1; shift; "$BPFTOOL" -j link show "$@" | jq -r --arg f "$f" '.[$f]'; }
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
