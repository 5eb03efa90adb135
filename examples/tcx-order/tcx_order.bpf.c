// SPDX-License-Identifier: GPL-2.0
/* Two tcx programs for tcx_order.c. Both let every packet go on to the
 * next program (TCX_NEXT) and count what they saw, so attaching them
 * changes nothing but the counters.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

__u64 seen_first, seen_second;

SEC("tcx/ingress")
int tcx_first(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&seen_first, 1);
	return TCX_NEXT;
}

SEC("tcx/ingress")
int tcx_second(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&seen_second, 1);
	return TCX_NEXT;
}
