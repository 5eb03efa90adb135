#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What 'make run' runs inside the VM: as root, cwd = the repository, with
#   BPFTOOL    the freshly built bpftool
#   TEST_PROGS the freshly built test_progs
#   TOOLS_OUT  the tools output directory (libbpf, bpftool, selftests, probes,
#              examples/tcx-order/ and demo/tcx_demo.bpf.o, see scripts/tools)
#   TCX_OUT    a writable directory that ends up on the host
# It prints the tcx-relevant facts of the booted kernel, then shows tcx at
# work on a veth pair between this network namespace and another one:
#   1. two tcx programs attached through BPF links in a chosen order
#   2. tc qdisc/filter commands and 'bpftool net detach' leave them alone;
#      our tc (iproute2/patches/, first in PATH) lists them before the
#      clsact filters, and as JSON with 'tc -j filter show ... tcx'
#   3. unpinned links go away with their loader, pinned ones with the pin
#   4. a tcx program that drops makes ping fail; detaching it restores ping
#   5. a pinned link outlives its device and then reports ifindex 0
# Each observation is a TAP line (guest/lib.sh, as the guest tests);
# 'make run' runs it through scripts/vm-test, which prints the same TAP
# report and 'N passed, N failed, N skipped' summary as 'make check'. The
# exit status is non-zero if any observation failed.
# shellcheck disable=SC2317 # the helpers below run through eval and the EXIT trap
set -u

B=$BPFTOOL
EX=$TOOLS_OUT/examples/tcx-order/tcx_order
OBJ=$TOOLS_OUT/demo/tcx_demo.bpf.o
NS=tcx-peer DEV=tcx0 PEER=tcx1 IP=10.11.0.1 PEER_IP=10.11.0.2
PIN=/sys/fs/bpf/tcx-demo
W=$(mktemp -d /tmp/tcx-demo.XXXXXX)
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

cleanup() {
	ip netns del "$NS" 2>/dev/null
	ip link del "$DEV" 2>/dev/null
	rm -rf "$PIN" "$W"
}
trap cleanup EXIT

# say CMD...: print CMD (with short names for the long paths), run it and
# print its output indented; its status is CMD's, its output is in $W/out
say() {
	local shown="$*"
	shown=${shown//"$B"/bpftool}
	shown=${shown//"$TOOLS_OUT"/\$TOOLS_OUT}
	echo "\$ $shown"
	"$@" >"$W/out" 2>&1
	local rc=$?
	sed 's/^/    /' "$W/out"
	return $rc
}

# expect WHAT CONDITION: an observation, ok if the shell CONDITION holds
expect() {
	if eval "$2" >/dev/null 2>&1; then ok "$1"; else not_ok "$1"; fi
}

# settle CONDITION: give asynchronous teardown (RCU callbacks, workqueues,
# netns cleanup) up to 30s to make CONDITION true
settle() {
	for _ in $(seq 60); do eval "$1" >/dev/null 2>&1 && return; sleep 0.5; done
}

# the tcx ingress programs of $DEV in run order, as 'bpftool net show' lists them
tcx_ingress() { "$B" net show dev "$DEV" | awk '$2 == "tcx/ingress" { printf "%s%s", s, $3; s = " " } END { print "" }'; }
is() { [ "$1" = "$2" ]; }
# json CMD... -- EXPR: evaluate a Python expression on d, the JSON CMD prints
json() {
	local cmd=()
	while [ "$1" != -- ]; do cmd+=("$1"); shift; done
	"${cmd[@]}" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"
}
# bss PROG... VAR: the value of global VAR of a program (bpftool PROG spec)
bss() {
	local map var=${*: -1}
	map=$(json "$B" -j prog show "${@:1:$#-1}" -- 'd["map_ids"][0]') &&
		"$B" map dump id "$map" | sed -n "s/.*\"$var\": *\([0-9]*\).*/\1/p"
}
# the tcx ingress programs 'tc filter show dev $DEV ingress' listed in $W/out
tc_tcx() { awk '/^tcx\/ingress prog_id / { printf "%s%s", s, $5; s = " " } END { print "" }' "$W/out"; }
# the programs 'tc -j filter show ... tcx' listed in $W/out, NAME:link for
# a program with a link_id
tc_tcx_json() { jq -r 'map(.name + if has("link_id") then ":link" else "" end) | join(" ")' "$W/out"; }
# the tcx ingress programs owned by a link that 'ip -d link show' listed in $W/out
ip_tcx() { awk '$1 == "tcx/ingress" && / link_id [0-9]+/ { printf "%s%s", s, $5; s = " " } END { print "" }' "$W/out"; }
# detached LINK: the link pinned in $PIN/order2 reports ifindex 0
detached() { is "$(json "$B" -j link show pinned "$PIN/order2/$1" -- 'd["ifindex"], d["devname"]')" "(0, '(detached)')"; }

echo "== kernel"
uname -r
echo
echo "== UAPI numbers in the kernel's BTF"
"$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux > /tmp/btf.txt
awk '/^\[/ { e = ($3 == "'\''bpf_attach_type'\''" || $3 == "'\''bpf_link_type'\''") ? $3 : ""; next }
     e != "" && ($1 ~ /STRUCT_OPS|NETFILTER|TCX/) { gsub("'\''", "", e); print "  " e ": " $1 " " $2 }' /tmp/btf.txt |
	tr -d "'"
echo
for n in BPF_TCX_INGRESS BPF_TCX_EGRESS BPF_LINK_TYPE_TCX; do
	if grep -q "'$n'" /tmp/btf.txt; then echo "  $n: present"; else echo "  $n: absent"; fi
done
echo
echo "== tcx link feature probe (BPF_LINK_CREATE on ifindex 0xffffffff)"
"$TOOLS_OUT/probe/tcx_link_probe" || bail "the kernel supports tcx" "the tcx feature probe failed (a kernel without tcx answers EINVAL)"
echo "  tcx: supported"
echo
echo "== bpftool feature probe | grep -i tcx"
"$BPFTOOL" feature probe 2>/dev/null | grep -i tcx || echo "  (bpftool reports nothing about tcx)"

for f in "$EX" "$OBJ"; do
	[ -e "$f" ] || bail "$f" "missing (make tools)"
done

echo
echo "== setup: veth $DEV ($IP, this namespace) <-> $PEER ($PEER_IP, netns $NS)"
if ! { say ip netns add "$NS" &&
	say ip link add "$DEV" type veth peer name "$PEER" netns "$NS" &&
	say ip addr add "$IP/24" dev "$DEV" && say ip link set "$DEV" up &&
	say ip -n "$NS" addr add "$PEER_IP/24" dev "$PEER" && say ip -n "$NS" link set "$PEER" up; }; then
	bail "veth setup" "the rest of the demo depends on it"
fi
say ping -c 2 -i 0.2 -W 2 -q "$PEER_IP"
expect "ping $PEER_IP works" "[ $? = 0 ]"

echo
echo "== 1. two tcx programs on $DEV ingress, order chosen with BPF_F_BEFORE, links pinned"
mkdir -p "$PIN/order" "$PIN/order2"
say "$EX" -d "$DEV" -r -p "$PIN/order" || bail "examples/tcx-order attach" "the rest of the demo depends on it"
say "$B" net show dev "$DEV"
expect "$DEV ingress runs tcx_second, then tcx_first" 'is "$(tcx_ingress)" "tcx_second tcx_first"'
expect "both are owned by a link (link_id shown)" '[ "$(grep -c "tcx/ingress.* link_id " "$W/out")" = 2 ]'
say "$B" link show
expect "bpftool link show: two tcx links on $DEV, tcx_ingress" \
	'[ "$(grep -c "ifindex $DEV([0-9]*)  attach_type tcx_ingress" "$W/out")" = 2 ]'
say ping -c 2 -i 0.2 -W 2 -q "$PEER_IP"
expect "ping still works: both programs return TCX_NEXT" "[ $? = 0 ]"
PF=$(json "$B" -j link show pinned "$PIN/order/tcx_first" -- 'd["prog_id"]')
PS=$(json "$B" -j link show pinned "$PIN/order/tcx_second" -- 'd["prog_id"]')
first=$(bss id "$PF" seen_first) second=$(bss id "$PS" seen_second)
echo "  packets seen: tcx_first $first, tcx_second $second (their global counters)"
expect "both programs ran on them" '[ "$first" -gt 0 ] && [ "$second" -gt 0 ]'

echo
echo "== 2. tc qdisc/filter commands and 'bpftool net detach' leave link-owned tcx programs alone"
say tc qdisc add dev "$DEV" clsact
say tc filter add dev "$DEV" ingress bpf da obj "$OBJ" sec tc
say tc filter show dev "$DEV" ingress
expect "tc filter show: the tcx programs in run order, then the clsact filter" \
	'is "$(tc_tcx)" "tcx_second tcx_first" && grep -q "^tcx/ingress: these programs run in this order before the filters below$" "$W/out" && grep -q "^filter .*tcx_demo.bpf.o:\[tc\]" "$W/out"'
say tc -j filter show dev "$DEV" ingress tcx
expect "tc -j filter show ... tcx: the same programs as JSON, with their link ids" \
	'is "$(tc_tcx_json)" "tcx_second:link tcx_first:link"'
say ip -d link show dev "$DEV"
expect "ip -d link show: tcx/ingress lists tcx_second, then tcx_first, with their link ids" \
	'is "$(ip_tcx)" "tcx_second tcx_first"'
say "$B" net show dev "$DEV"
expect "the tcx programs, then the classic clsact filter" \
	'is "$(tcx_ingress)" "tcx_second tcx_first" && grep -q "clsact/ingress tcx_demo.bpf.o:\[tc\]" "$W/out"'
say ping -c 2 -i 0.2 -W 2 -q "$PEER_IP"
expect "ping works through tcx and clsact" "[ $? = 0 ]"
say tc qdisc del dev "$DEV" clsact
say "$B" net show dev "$DEV"
expect "clsact gone, the tcx programs still there" \
	'is "$(tcx_ingress)" "tcx_second tcx_first" && ! grep -q clsact "$W/out"'
say "$B" net detach tcx_ingress dev "$DEV"
expect "bpftool net detach refused: the program is owned by a BPF link" \
	"[ $? != 0 ]"' && grep -q "is owned by BPF link [0-9]*, detach the link instead" "$W/out"'
say "$B" net show dev "$DEV"
expect "still tcx_second, then tcx_first" 'is "$(tcx_ingress)" "tcx_second tcx_first"'

echo
echo "== 3. a link goes away with its last reference: the pin, or the loader's fd"
say rm "$PIN/order/tcx_first" "$PIN/order/tcx_second"
settle 'is "$(tcx_ingress)" ""'
say "$B" net show dev "$DEV"
expect "pins removed: $DEV ingress is empty" 'is "$(tcx_ingress)" ""'
say "$EX" -d "$DEV"
settle 'is "$(tcx_ingress)" ""'
expect "examples/tcx-order without -p: tcx_first, then tcx_second while it runs" \
	'grep -q "^order OK: tcx_first runs right before tcx_second$" "$W/out"'
say "$B" net show dev "$DEV"
expect "it has exited: $DEV ingress is empty" 'is "$(tcx_ingress)" ""'

echo
echo "== 4. traffic: a tcx program that drops everything (bpftool net attach, no link)"
say "$B" prog loadall "$OBJ" "$PIN/demo" || bail "bpftool prog loadall" "the rest of the demo depends on it"
say "$B" net attach tcx_ingress pinned "$PIN/demo/tcx_drop" dev "$DEV"
say "$B" net show dev "$DEV"
expect "$DEV ingress runs tcx_drop, without a link" 'is "$(tcx_ingress)" "tcx_drop" && ! grep -q link_id "$W/out"'
say ping -c 2 -i 0.2 -W 1 -q "$PEER_IP"
expect "ping fails" "[ $? != 0 ]"
dropped=$(bss pinned "$PIN/demo/tcx_drop" dropped)
echo "  packets dropped: $dropped (tcx_drop's global counter)"
expect "tcx_drop dropped them" '[ "$dropped" -gt 0 ]'
say "$B" net detach tcx_ingress dev "$DEV"
say "$B" net show dev "$DEV"
expect "detached: $DEV ingress is empty" 'is "$(tcx_ingress)" ""'
say ping -c 2 -i 0.2 -W 2 -q "$PEER_IP"
expect "ping works again" "[ $? = 0 ]"

echo
echo "== 5. device removal: pinned links outlive their device"
say "$EX" -d "$DEV" -p "$PIN/order2" || bail "examples/tcx-order attach" "the rest of the demo depends on it"
say "$B" link show pinned "$PIN/order2/tcx_first"
say ip netns del "$NS"
echo "  (deleting $NS destroys $PEER, and with it its veth peer $DEV)"
settle '! ip link show "$DEV"'
expect "$DEV is gone" '! ip link show "$DEV"'
say "$B" link show
say "$B" -j link show pinned "$PIN/order2/tcx_first"
expect "both pinned links report ifindex 0, (detached)" 'detached tcx_first && detached tcx_second'
say rm -r "$PIN"
settle '[ -z "$("$B" link show)" ]'
say "$B" link show
expect "no links left once the pins are gone" '[ ! -s "$W/out" ]'

echo
tap_done
