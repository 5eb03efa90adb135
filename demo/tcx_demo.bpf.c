// SPDX-License-Identifier: GPL-2.0
/* The demo's own BPF programs (guest/demo/run.sh): a tcx program that drops
 * everything and counts it, and a classic cls_bpf filter for 'tc filter
 * add ... bpf da' that lets everything through.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

__u64 dropped;

SEC("tcx/ingress")
int tcx_drop(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&dropped, 1);
	return TCX_DROP;
}

SEC("tc")
int tc_classic(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}
