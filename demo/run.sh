#!/bin/bash
# What 'make run' runs inside the VM: as root, cwd = the repository, with
#   BPFTOOL    the freshly built bpftool
#   TEST_PROGS the freshly built test_progs
#   TOOLS_OUT  the tools output directory (libbpf, bpftool, selftests, probes)
#   TCX_OUT    a writable directory that ends up on the host
# At this stage it prints the tcx-relevant facts of the booted kernel.
set -u
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
if [ -x "$TOOLS_OUT/probe/tcx_link_probe" ]; then
	"$TOOLS_OUT/probe/tcx_link_probe" && echo "  tcx: supported" || echo "  tcx: not supported"
fi
echo
echo "== bpftool feature probe | grep -i tcx"
"$BPFTOOL" feature probe 2>/dev/null | grep -i tcx || echo "  (bpftool reports nothing about tcx)"
