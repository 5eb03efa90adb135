// SPDX-License-Identifier: GPL-2.0
/* The cls_bpf side of the benchmark: tc filters in direct-action mode
 * (tc filter ... bpf da obj tc_ret.o sec ...) that return at once, like the
 * two-instruction programs tcxbench attaches through tcx (r0 = imm; exit:
 * the functions return long so that -1 is a 64-bit move as there).
 * No headers and no maps, so the object only needs clang -target bpf.
 */
#define SEC(name) __attribute__((section(name), used))

/* TC_ACT_OK: accept, the next filters do not run. */
SEC("tc_ok")
long ret_ok(void *skb)
{
	return 0;
}

/* TC_ACT_UNSPEC: continue with the next filter. */
SEC("tc_unspec")
long ret_unspec(void *skb)
{
	return -1;
}

char _license[] SEC("license") = "GPL";
