#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# churn.sh MODE SECS: what runs beside the tcx_stress threads, for SECS
# seconds, on the devices tcx_stress uses (dummy tcxsd0, veth tcxsv0/tcxsv1):
#   qdisc   add and delete clsact and ingress qdiscs with classic cls_bpf
#           filters (cBPF bytecode) on every device
#   dummy   delete and recreate the dummy device
#   netns   move one veth end into a new network namespace, delete the
#           namespace (which destroys the pair), recreate the pair
# Each round is one 'tc -batch' / 'ip -batch' (a process start is expensive
# on a slow guest); failures of single commands are expected (a device may
# be gone) and ignored (-force). The number of rounds is printed at the end,
# also when tcx_stress stops us with SIGTERM.
set -uo pipefail
mode=${1:?mode} secs=${2:?secs}
end=$((SECONDS + secs))
rounds=0
ns=tcxsns$$
batch=$(mktemp /tmp/tcx-churn.XXXXXX)
q() { "$@" >/dev/null 2>&1; }
# Only name devices that exist: a lookup of a missing name makes the kernel
# try to load a "netdev-NAME" module (modprobe, seconds on a slow guest).
have() { [ -e "/sys/class/net/$1" ]; }

stopped() {
	[ "$mode" != netns ] || q ip netns del "$ns"
	rm -f "$batch"
	echo "# churn $mode: $rounds rounds (stopped)"
	exit 0
}
trap stopped TERM

while [ "$SECONDS" -lt "$end" ]; do
	: > "$batch"
	case $mode in
	qdisc)
		for d in tcxsd0 tcxsv0 tcxsv1; do
			have "$d" || continue
			cat >> "$batch" <<-EOB
			qdisc add dev $d clsact
			filter add dev $d ingress bpf bytecode "1,6 0 0 0,"
			filter add dev $d egress bpf bytecode "1,6 0 0 0,"
			qdisc del dev $d clsact
			qdisc add dev $d ingress
			filter add dev $d parent ffff: bpf bytecode "1,6 0 0 0,"
			qdisc del dev $d ingress
			EOB
		done
		if [ -s "$batch" ]; then q tc -force -batch "$batch"; else sleep 0.1; fi
		;;
	dummy)
		! have tcxsd0 || echo "link del tcxsd0" >> "$batch"
		printf 'link add tcxsd0 type dummy\nlink set tcxsd0 up\n' >> "$batch"
		q ip -force -batch "$batch"
		sleep 0.3
		;;
	netns)
		echo "netns add $ns" >> "$batch"
		! have tcxsv1 || echo "link set tcxsv1 netns $ns" >> "$batch"
		q ip -force -batch "$batch"
		sleep 0.5
		printf 'netns del %s\nlink add tcxsv0 type veth peer name tcxsv1\nlink set tcxsv0 up\nlink set tcxsv1 up\n' \
			"$ns" > "$batch"
		q ip -force -batch "$batch"
		sleep 0.5
		;;
	*)
		echo "churn.sh: unknown mode $mode" >&2
		exit 2
		;;
	esac
	rounds=$((rounds + 1))
done
rm -f "$batch"
echo "# churn $mode: $rounds rounds"
