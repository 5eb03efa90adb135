#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Smoke test: the booted kernel is ours and carries the series.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

lv=$(sed -n 's/^CONFIG_LOCALVERSION="\(.*\)"$/\1/p' "$TOP/configs/vm.config")
rel=$(uname -r)
if [ -n "$lv" ] && [[ $rel == *"$lv" ]]; then
	ok "uname -r ($rel) ends with $lv"
else
	not_ok "uname -r ($rel) ends with '$lv'"
fi

btf=/tmp/vmlinux-btf.txt
if ! "$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux > "$btf" 2>/tmp/btf.err; then
	not_ok "bpftool btf dump of /sys/kernel/btf/vmlinux" "$(tail -n 2 /tmp/btf.err)"
	tap_done
fi
ok "bpftool btf dump of /sys/kernel/btf/vmlinux"

# enum_val ENUM NAME: the value of NAME in enum ENUM, from the raw dump.
enum_val() {
	awk -v e="'$1'" -v n="'$2'" '
		/^\[/ { in_e = ($2 == "ENUM" || $2 == "ENUM64") && $3 == e; next }
		in_e && $1 == n { sub("val=", "", $2); print $2; exit }' "$btf"
}
expect_enum() {
	local v
	v=$(enum_val "$1" "$2")
	if [ "$v" = "$3" ]; then ok "BTF: $1 $2 = $3"
	elif [ -n "$v" ]; then not_ok "BTF: $1 $2 = $3" "found $v"
	else not_ok "BTF: $1 $2 = $3" "$2 is missing from the kernel's BTF"; fi
}
expect_enum bpf_attach_type BPF_STRUCT_OPS 44
expect_enum bpf_attach_type BPF_NETFILTER 45
expect_enum bpf_link_type BPF_LINK_TYPE_NETFILTER 10

# The tcx numbers of the series (upstream's), and the kernel answering
# the tcx feature probe: a kernel without them is a broken series.
expect_enum bpf_attach_type BPF_TCX_INGRESS 46
expect_enum bpf_attach_type BPF_TCX_EGRESS 47
expect_enum bpf_link_type BPF_LINK_TYPE_TCX 11
probe=${PROBE_DIR:?}/tcx_link_probe
if [ ! -x "$probe" ]; then
	not_ok "BPF_LINK_CREATE tcx_ingress on ifindex 0xffffffff: ENODEV" "no $probe (make tools builds it)"
elif out=$("$probe" 2>&1); then
	ok "BPF_LINK_CREATE tcx_ingress on ifindex 0xffffffff: ENODEV"
else
	not_ok "BPF_LINK_CREATE tcx_ingress on ifindex 0xffffffff: ENODEV" "got: $out (a kernel without tcx answers EINVAL)"
fi
tap_done
