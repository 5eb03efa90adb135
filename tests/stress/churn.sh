#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# churn.sh MODE SECS: what runs beside the tcx_stress threads, for SECS
# seconds, on the devices tcx_stress uses (dummy tcxsd0, veth tcxsv0/tcxsv1):
#   qdisc   add and delete clsact and ingress qdiscs with classic cls_bpf
#           filters (cBPF bytecode) on every device
#   dummy   delete and recreate the dummy device
#   netns   move one veth end into a new network namespace, delete the
#           namespace (which destroys the pair), recreate the pair
# Failures of single commands are expected (a device may be gone) and
# ignored; the number of rounds is printed at the end.
set -uo pipefail
mode=${1:?mode} secs=${2:?secs}
end=$((SECONDS + secs))
rounds=0
# tcx_stress stops us with SIGTERM to our process group when its time is up
ns=tcxsns$$
stopped() {
	[ "$mode" != netns ] || q ip netns del "$ns"
	echo "# churn $mode: $rounds rounds (stopped)"
	exit 0
}
trap stopped TERM
q() { "$@" >/dev/null 2>&1; }
# Only name devices that exist: a lookup of a missing name makes the kernel
# try to load a "netdev-NAME" module (modprobe, seconds on a slow guest).
have() { [ -e "/sys/class/net/$1" ]; }

veth_up() {
	q ip link add tcxsv0 type veth peer name tcxsv1
	q ip link set tcxsv0 up
	q ip link set tcxsv1 up
}

while [ "$SECONDS" -lt "$end" ]; do
	case $mode in
	qdisc)
		for d in tcxsd0 tcxsv0 tcxsv1; do
			have "$d" || continue
			q tc qdisc add dev "$d" clsact
			q tc filter add dev "$d" ingress bpf bytecode '1,6 0 0 0,'
			q tc filter add dev "$d" egress bpf bytecode '1,6 0 0 0,'
			q tc qdisc del dev "$d" clsact
			q tc qdisc add dev "$d" ingress
			q tc filter add dev "$d" parent ffff: bpf bytecode '1,6 0 0 0,'
			q tc qdisc del dev "$d" ingress
		done
		sleep 0.05
		;;
	dummy)
		! have tcxsd0 || q ip link del tcxsd0
		q ip link add tcxsd0 type dummy
		q ip link set tcxsd0 up
		sleep 0.3
		;;
	netns)
		q ip netns add "$ns"
		! have tcxsv1 || q ip link set tcxsv1 netns "$ns"
		q ip -n "$ns" link set tcxsv1 up
		sleep 0.5
		q ip netns del "$ns"
		sleep 0.3
		veth_up
		sleep 0.5
		;;
	*)
		echo "churn.sh: unknown mode $mode" >&2
		exit 2
		;;
	esac
	rounds=$((rounds + 1))
done
echo "# churn $mode: $rounds rounds"
