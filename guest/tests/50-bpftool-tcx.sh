#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bpftool speaks tcx as Documentation/bpf/tcx.rst describes it: feature
# probe, net attach/detach, net show in plain and JSON output, link show,
# and the error messages, on a veth pair with known programs. Output is
# compared with exact expected values; JSON is parsed (jq), not grepped.
#
# Programs: the selftests' test_tcx_libbpf.bpf.o next to $TEST_PROGS
# (tcx_in1, tcx_in2 in SEC("tcx/ingress"), tcx_eg1 in SEC("tcx/egress")).
# Link-owned programs: examples/tcx-order, built by make tools into
# $TOOLS_OUT/examples/tcx-order (its tcx_order binary pins its two links
# with -p). A bpftool, object or example without tcx is a failure.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
set -u

B=${BPFTOOL:?}
DEV=tcxbt0 PEER=tcxbt1
scratch bpftool "$DEV"

# run CMD...: stdout in $W/out, stderr in $W/err, status in $rc
run() { "$@" >"$W/out" 2>"$W/err"; rc=$?; }

# expect_fail NAME EXPECTED_STDERR CMD...: CMD fails and says exactly that
expect_fail() {
	local name=$1 msg=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 0 ]; then
		not_ok "$name" "succeeded: $* (stdout: $(head -c 200 "$W/out"))"
	elif [ "$(cat "$W/err")" != "$msg" ]; then
		not_ok "$name" "stderr '$(cat "$W/err")', expected '$msg'"
	else
		ok "$name"
	fi
}

# tc_json NAME EXPECTED_JSON: the tc entries of bpftool -j net show dev $DEV
tc_json() {
	run "$B" -j net show dev "$DEV"
	jeq "$1" "$W/out" "$2" '.[0].tc'
}

# entry KIND NAME PROG_ID LINK_ID: one tc entry of net show -j for $DEV;
# link_id and link_flags only for a link-owned program (LINK_ID not 0),
# the attach flags always empty (the kernel reports none for tcx)
entry() {
	printf '{"devname": "%s", "ifindex": %s, "kind": "%s", "name": "%s", "prog_id": %s, "prog_flags": []' \
		"$DEV" "$IDX" "$1" "$2" "$3"
	[ "$4" = 0 ] || printf ', "link_id": %s, "link_flags": []' "$4"
	printf '}'
}
# entries E...: a JSON list of entries
entries() { local IFS=,; echo "[$*]"; }

prog_id() { prog_field id pinned "$1"; }

# What every case below needs: jq, a bpftool that knows tcx, the
# selftests' object and the example (make tools builds them from the tree).
command -v jq >/dev/null || bail "jq" "missing (scripts/deps installs it)"
"$B" net help 2>"$W/err"
if grep -q 'tcx_ingress | tcx_egress' "$W/err" && grep -q 'overwrite | prepend' "$W/err"; then
	ok "net help: tcx attach types and prepend"
else
	bail "net help: tcx attach types and prepend" \
		"$B has no tcx: $(grep -m1 -o 'ATTACH_TYPE := .*' "$W/err" || head -n 3 "$W/err")"
fi
OBJ=${TCX_BPF_OBJ:-$(dirname "${TEST_PROGS:?}")/test_tcx_libbpf.bpf.o}
[ -f "$OBJ" ] || bail "BPF object $OBJ" "missing: build the selftests (make tools)"
EX=${TOOLS_OUT:?}/examples/tcx-order/tcx_order
[ -x "$EX" ] || bail "examples/tcx-order" "missing: $EX (make tools)"

# --- feature probe ---------------------------------------------------------
run "$B" -j feature probe kernel
jeq "feature probe --json: misc.have_tcx is true" "$W/out" 'true' '.misc.have_tcx'
run "$B" feature probe kernel
if grep -qx 'tcx attachment of tc programs is available' "$W/out"; then
	ok "feature probe: 'tcx attachment of tc programs is available'"
else
	not_ok "feature probe: 'tcx attachment of tc programs is available'" "$(grep -i tcx "$W/out")"
fi
run "$B" feature probe kernel macros
if grep -qx '#define HAVE_TCX' "$W/out"; then ok "feature probe macros: #define HAVE_TCX"
else not_ok "feature probe macros: #define HAVE_TCX" "$(grep -i tcx "$W/out")"; fi

# --- setup -----------------------------------------------------------------
ip link add "$DEV" type veth peer name "$PEER" || bail "ip link add $DEV"
ip link set "$DEV" up && ip link set "$PEER" up
IDX=$(python3 -c 'import socket, sys; print(socket.if_nametoindex(sys.argv[1]))' "$DEV")
mkdir -p "$PIN" "$PIN/links" "$PIN/links2"

run "$B" prog loadall "$OBJ" "$PIN/progs"
[ "$rc" -eq 0 ] || bail "bpftool prog loadall $(basename "$OBJ")" "$(cat "$W/err")"
ok "bpftool prog loadall $(basename "$OBJ")"
run "$B" -j prog show pinned "$PIN/progs/tcx_in1"
jeq "prog from SEC(\"tcx/ingress\") is sched_cls" "$W/out" '"sched_cls"' '.type'
ID1=$(prog_id "$PIN/progs/tcx_in1")
ID2=$(prog_id "$PIN/progs/tcx_in2")
IDE=$(prog_id "$PIN/progs/tcx_eg1")

tc_json "net show --json dev $DEV: no tc entries at first" '[]'

# --- net attach ------------------------------------------------------------
run "$B" net attach tcx_ingress pinned "$PIN/progs/tcx_in1" dev "$DEV"
if [ "$rc" -eq 0 ] && [ ! -s "$W/out" ] && [ ! -s "$W/err" ]; then
	ok "net attach tcx_ingress tcx_in1: silent success"
else
	not_ok "net attach tcx_ingress tcx_in1: silent success" "rc $rc: $(cat "$W/out" "$W/err")"
fi
run "$B" -j net attach tcx_ingress pinned "$PIN/progs/tcx_in2" dev "$DEV" prepend
jeq "net attach --json tcx_ingress tcx_in2 prepend: null" "$W/out" 'null'
run "$B" net attach tcx_egress pinned "$PIN/progs/tcx_eg1" dev "$DEV"
check "net attach tcx_egress tcx_eg1" test "$rc" -eq 0

# --- net show --------------------------------------------------------------
run "$B" net show dev "$DEV"
teq "net show dev $DEV: tcx lines in run order" "$(trimmed "$W/out")" "$(cat <<EOF
xdp:

tc:
$DEV($IDX) tcx/ingress tcx_in2 prog_id $ID2
$DEV($IDX) tcx/ingress tcx_in1 prog_id $ID1
$DEV($IDX) tcx/egress tcx_eg1 prog_id $IDE

flow_dissector:
EOF
)"

ALL3=$(entries "$(entry tcx/ingress tcx_in2 "$ID2" 0)" \
	"$(entry tcx/ingress tcx_in1 "$ID1" 0)" "$(entry tcx/egress tcx_eg1 "$IDE" 0)")
run "$B" -j net show dev "$DEV"
jeq "net show --json dev $DEV: whole document" "$W/out" \
	"[{\"xdp\": [], \"tc\": $ALL3, \"flow_dissector\": []}]"
run "$B" -j -p net show
jeq "net show --json --pretty (all devices): $DEV entries" "$W/out" "$ALL3" \
	'[.[0].tc[] | select(.devname == $dev)]' --arg dev "$DEV"

# a tcx program on some device must not show up as a cgroup program
run "$B" cgroup tree
if [ "$rc" -eq 0 ] && ! grep -q tcx "$W/out"; then ok "cgroup tree: unaffected by tcx programs"
else not_ok "cgroup tree: unaffected by tcx programs" "rc $rc: $(cat "$W/out" "$W/err" | head -n 5)"; fi

# --- errors of net attach/detach -------------------------------------------
expect_fail "net attach: same program twice" \
	"Error: interface tcx_ingress attach failed: File exists (the program is already attached there)" \
	"$B" net attach tcx_ingress pinned "$PIN/progs/tcx_in1" dev "$DEV"
expect_fail "net attach tcx: overwrite is xdp-only" \
	"Error: expected 'prepend', got: 'overwrite'?" \
	"$B" net attach tcx_ingress pinned "$PIN/progs/tcx_in1" dev "$DEV" overwrite
expect_fail "net attach xdp: prepend is tcx-only" \
	"Error: expected 'overwrite', got: 'prepend'?" \
	"$B" net attach xdp pinned "$PIN/progs/tcx_in1" dev "$DEV" prepend
expect_fail "net attach: unknown device" \
	"Error: invalid devname nosuchdev0" \
	"$B" net attach tcx_ingress pinned "$PIN/progs/tcx_in1" dev nosuchdev0
expect_fail "net detach: nothing attached" \
	"Error: interface tcx_ingress detach failed: No such file or directory (no program attached there)" \
	"$B" net detach tcx_ingress dev "$PEER"
run "$B" -j net detach tcx_egress dev "$PEER"
jeq "net detach --json: nothing attached, JSON error" "$W/out" \
	'"interface tcx_egress detach failed: No such file or directory (no program attached there)"' \
	'.error'
tc_json "net show --json: unchanged by failed commands" "$ALL3"

# --- links (examples/tcx-order pins two) -------------------------------------
run "$EX" -d "$DEV" -p "$PIN/links"
if [ "$rc" -eq 0 ] && grep -q '^order OK: tcx_first runs right before tcx_second$' "$W/out"; then
	ok "examples/tcx-order: attach with BPF_F_BEFORE, query, order OK"
else
	bail "examples/tcx-order: attach with BPF_F_BEFORE, query, order OK" \
		"rc $rc: $(cat "$W/out" "$W/err" | tr '\n' '|')"
fi
LF=$(link_field id pinned "$PIN/links/tcx_first")
PF=$(link_field prog_id pinned "$PIN/links/tcx_first")
LS=$(link_field id pinned "$PIN/links/tcx_second")
PS=$(link_field prog_id pinned "$PIN/links/tcx_second")

tc_json "net show --json: link ids of link-owned programs" "$(entries \
	"$(entry tcx/ingress tcx_in2 "$ID2" 0)" "$(entry tcx/ingress tcx_in1 "$ID1" 0)" \
	"$(entry tcx/ingress tcx_first "$PF" "$LF")" "$(entry tcx/ingress tcx_second "$PS" "$LS")" \
	"$(entry tcx/egress tcx_eg1 "$IDE" 0)")"
run "$B" net show dev "$DEV"
teq "net show dev $DEV: link_id on link-owned programs only" "$(trimmed "$W/out")" "$(cat <<EOF
xdp:

tc:
$DEV($IDX) tcx/ingress tcx_in2 prog_id $ID2
$DEV($IDX) tcx/ingress tcx_in1 prog_id $ID1
$DEV($IDX) tcx/ingress tcx_first prog_id $PF link_id $LF
$DEV($IDX) tcx/ingress tcx_second prog_id $PS link_id $LS
$DEV($IDX) tcx/egress tcx_eg1 prog_id $IDE

flow_dissector:
EOF
)"

run "$B" link show id "$LF"
teq "link show id $LF: tcx link" "$(trimmed "$W/out")" "$(cat <<EOF
$LF: tcx  prog $PF
	ifindex $DEV($IDX)  attach_type tcx_ingress
EOF
)"
run "$B" -j link show id "$LF"
jeq "link show --json id $LF" "$W/out" \
	"{\"id\": $LF, \"type\": \"tcx\", \"prog_id\": $PF, \"devname\": \"$DEV\", \"ifindex\": $IDX, \"attach_type\": \"tcx_ingress\"}" \
	'{id, type, prog_id, devname, ifindex, attach_type}'
run "$B" -j link show
jeq "link show --json: both tcx links listed" "$W/out" \
	"[[$LF, \"tcx\", \"tcx_ingress\"], [$LS, \"tcx\", \"tcx_ingress\"]]" \
	'[.[] | select(.id == $lf or .id == $ls) | [.id, .type, .attach_type]] | sort_by(.[0] != $lf)' \
	--argjson lf "$LF" --argjson ls "$LS"

# --- detach: link-owned programs are not bpftool net's to remove -------------
expect_fail "net detach: last program owned by a link, error names it" \
	"Error: interface tcx_ingress detach failed: the last program on $DEV (prog_id $PS) is owned by BPF link $LS, detach the link instead (bpftool link detach id $LS)" \
	"$B" net detach tcx_ingress dev "$DEV"
run "$B" link detach id "$LS"
check "link detach id $LS" test "$rc" -eq 0
run "$B" link show id "$LS"
teq "link show: detached tcx link" "$(trimmed "$W/out")" "$(cat <<EOF
$LS: tcx  prog $PS
	ifindex (detached)  attach_type tcx_ingress
EOF
)"
expect_fail "net detach: next link-owned program named too" \
	"Error: interface tcx_ingress detach failed: the last program on $DEV (prog_id $PF) is owned by BPF link $LF, detach the link instead (bpftool link detach id $LF)" \
	"$B" net detach tcx_ingress dev "$DEV"
run "$B" link detach pinned "$PIN/links/tcx_first"
check "link detach pinned tcx_first" test "$rc" -eq 0
tc_json "net show --json: links detached" "$ALL3"

run "$B" net detach tcx_ingress dev "$DEV"
check "net detach tcx_ingress: removes the last one" test "$rc" -eq 0
tc_json "net show --json: tcx_in1 gone" "$(entries \
	"$(entry tcx/ingress tcx_in2 "$ID2" 0)" "$(entry tcx/egress tcx_eg1 "$IDE" 0)")"
run "$B" -j net detach tcx_ingress dev "$DEV"
jeq "net detach --json tcx_ingress: null" "$W/out" 'null'
run "$B" net detach tcx_egress dev "$DEV"
check "net detach tcx_egress" test "$rc" -eq 0
tc_json "net show --json: all detached" '[]'
expect_fail "net detach: hook empty again" \
	"Error: interface tcx_ingress detach failed: No such file or directory (no program attached there)" \
	"$B" net detach tcx_ingress dev "$DEV"

# --- the device goes away under links -----------------------------------------
run "$EX" -d "$DEV" -r -p "$PIN/links2"
check "examples/tcx-order -r: reverse order OK" grep -q '^order OK: tcx_second runs right before tcx_first$' "$W/out"
L2=$(link_field id pinned "$PIN/links2/tcx_first")
run "$B" net attach tcx_ingress pinned "$PIN/progs/tcx_in1" dev "$DEV"
ip link del "$DEV"
run "$B" link show id "$L2"
if [ "$rc" -eq 0 ] && sed -n 2p "$W/out" | grep -q '^[[:space:]]ifindex (detached)  attach_type tcx_ingress[[:space:]]*$'; then
	ok "link show: link of a removed device shows ifindex (detached)"
else
	not_ok "link show: link of a removed device shows ifindex (detached)" "$(cat "$W/out" "$W/err" | tr '\n' '|')"
fi
run "$B" -j link show id "$L2"
jeq "link show --json: removed device reads ifindex 0" "$W/out" \
	'{"devname": "(detached)", "ifindex": 0}' '{devname, ifindex}'
run "$B" -j net show
jeq "net show --json: no entries of the removed device" "$W/out" '[]' \
	'[.[0].tc[] | select(.devname == $dev)]' --arg dev "$DEV"

# --- docs --------------------------------------------------------------------
# (make tools builds the man pages; the completion is in the tree)
man=$TOOLS_OUT/bpftool/doc
check "bpftool-net(8) documents tcx_ingress and prepend" \
	grep -q 'tcx_ingress.*tcx_egress' "$man/bpftool-net.8"
check "bpftool-link(8) documents tcx links" grep -q 'attach_type tcx_ingress' "$man/bpftool-link.8"
comp=${TREE:?}/tools/bpf/bpftool/bash-completion/bpftool
check "bash completion: tcx attach types" grep -q 'tcx_ingress' "$comp"
check "bash completion: prepend" grep -q "_bpftool_once_attr 'prepend'" "$comp"

tap_done
