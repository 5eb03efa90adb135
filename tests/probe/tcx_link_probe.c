// SPDX-License-Identifier: GPL-2.0
/*
 * tcx_link_probe: the feature probe loaders use for tcx. Load a trivial
 * SCHED_CLS program and BPF_LINK_CREATE it with attach type 46
 * (BPF_TCX_INGRESS upstream) on ifindex 0xffffffff. A kernel with tcx
 * answers ENODEV (no such device); a plain 6.1 answers EINVAL (unknown
 * attach type). Prints the errno name and exits 0 on ENODEV, 1 otherwise,
 * 2 when the program cannot even be loaded. Numbers, not names, so it
 * builds against any tools/include/uapi.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#define ATTACH_TYPE_TCX_INGRESS 46

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int main(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int prog_fd, link_fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (unsigned long)"GPL";
	prog_fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (prog_fd < 0) {
		printf("prog_load: %s\n", strerror(errno));
		return 2;
	}

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.target_ifindex = 0xffffffff;
	attr.link_create.attach_type = ATTACH_TYPE_TCX_INGRESS;
	link_fd = sys_bpf(BPF_LINK_CREATE, &attr);
	if (link_fd >= 0) {
		printf("link_create: succeeded (fd %d)\n", link_fd);
		return 1;
	}
	printf("link_create: %s\n", errno == ENODEV ? "ENODEV" :
	       errno == EINVAL ? "EINVAL" : strerror(errno));
	return errno == ENODEV ? 0 : 1;
}
