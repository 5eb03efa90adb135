/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the tcx stress, fuzz, privilege and fault tests: raw
 * bpf() calls, program loading, per-command errno bookkeeping and the errno
 * sets each tcx command is documented to return; common.c (linked into
 * each of them) has the TAP printer, the shell runner, device setup and
 * the scan for objects left behind.
 *
 * Errno sets (what the series documents; anything else is a test failure):
 *   attach (BPF_PROG_ATTACH) and link create: EINVAL (bad flags, relative
 *     object of another kind or type, REPLACE without a relative slot),
 *     EBADF (bad fd), ENOENT (object not found / not in the array, link
 *     create with REPLACE), EEXIST (program already attached there), EBUSY
 *     (slot owned by a link), ERANGE (full, or conflicting positions),
 *     ESTALE (expected_revision mismatch), ENODEV (no such ifindex), EPERM
 *     (no CAP_NET_ADMIN), ENOMEM;
 *   detach: the same minus EEXIST and ENOMEM (detach never allocates);
 *   query: EINVAL, ENOSPC (buffer smaller than the count), ENODEV, EPERM,
 *     EFAULT (bad user buffer);
 *   link update: EPERM (old program mismatch), EEXIST, ENOLINK (defunct
 *     link), EINVAL, EBADF, ENOENT, ENOMEM;
 *   link detach: EINVAL, EBADF, ENOLINK;
 *   object info: EINVAL, EBADF, EFAULT, and EBADFD for an fd that is not
 *     open (how BPF_OBJ_GET_INFO_BY_FD has always answered that).
 * E2BIG and EFAULT are accepted on every command for oversized attrs with
 * non-zero tails and bad user pointers (the fuzzer makes both).
 */
#ifndef TCX_STRESS_COMMON_H
#define TCX_STRESS_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#define TCX_INGRESS 46		/* BPF_TCX_INGRESS */
#define TCX_EGRESS 47		/* BPF_TCX_EGRESS */
#define LINK_TYPE_TCX 11	/* BPF_LINK_TYPE_TCX */
#define F_REPLACE (1U << 2)
#define F_BEFORE (1U << 3)
#define F_AFTER (1U << 4)
#define F_ID (1U << 5)
#define F_LINK (1U << 13)
#define MAX_PROGS 63		/* per attach point */

#define ERRNO_MAX 600

/* Commands we count, in the order the tables print them. */
enum op {
	OP_ATTACH, OP_DETACH, OP_QUERY, OP_LINK_CREATE, OP_LINK_UPDATE,
	OP_LINK_DETACH, OP_LINK_INFO, OP_LINK_CLOSE, OP_PIN, OP_UNPIN,
	OP_GET_PINNED, OP_MAX
};

static const char *const op_names[OP_MAX] = {
	"prog_attach", "prog_detach", "prog_query", "link_create",
	"link_update", "link_detach", "link_info", "link_close",
	"obj_pin", "obj_unpin", "obj_get",
};

/*
 * TCX_STRESS_FORBID=<errno number>: treat that errno as undocumented, to
 * see the checks fail (a self-test of the tests, not for normal runs).
 */
static inline bool errno_forbidden(int e)
{
	static int forbid = -1;

	if (forbid < 0)
		forbid = getenv("TCX_STRESS_FORBID") ? atoi(getenv("TCX_STRESS_FORBID")) : 0;
	return forbid && e == forbid;
}

static inline bool errno_documented(enum op op, int e)
{
	if (errno_forbidden(e))
		return false;
	if (e == E2BIG || e == EFAULT)
		return true;
	switch (op) {
	case OP_ATTACH:
	case OP_LINK_CREATE:
		return e == EINVAL || e == EBADF || e == ENOENT || e == EEXIST ||
		       e == EBUSY || e == ERANGE || e == ESTALE || e == ENODEV ||
		       e == EPERM || e == ENOMEM;
	case OP_DETACH:
		return e == EINVAL || e == EBADF || e == ENOENT || e == EBUSY ||
		       e == ERANGE || e == ESTALE || e == ENODEV || e == EPERM;
	case OP_QUERY:
		return e == EINVAL || e == ENOSPC || e == ENODEV || e == EPERM;
	case OP_LINK_UPDATE:
		return e == EPERM || e == EEXIST || e == ENOLINK || e == EINVAL ||
		       e == EBADF || e == ENOENT || e == ENOMEM;
	case OP_LINK_DETACH:
		return e == EINVAL || e == EBADF || e == ENOLINK;
	case OP_LINK_INFO:
		return e == EINVAL || e == EBADF || e == EBADFD;
	case OP_LINK_CLOSE:
		return false;
	case OP_PIN:		/* bpffs: name taken, bad fd */
		return e == EEXIST || e == EBADF || e == EINVAL;
	case OP_UNPIN:
	case OP_GET_PINNED:
		return e == ENOENT;
	default:
		return false;
	}
}

/* Per-command counters: calls, successes, and each errno seen. */
struct stats {
	unsigned long calls[OP_MAX];
	unsigned long ok[OP_MAX];
	unsigned long err[OP_MAX][ERRNO_MAX];
	unsigned long undocumented;
};

static inline const char *errno_name(int e)
{
	static const struct { int e; const char *n; } t[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" },
		{ ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" }, { ENOLINK, "ENOLINK" },
		{ ESTALE, "ESTALE" }, { E2BIG, "E2BIG" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ 524, "ENOTSUPP" }, { EBADFD, "EBADFD" }, { EACCES, "EACCES" }, { ENOTDIR, "ENOTDIR" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	return "?";
}

static inline int sys_bpf_sz(int cmd, void *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static inline int sys_bpf(int cmd, union bpf_attr *attr)
{
	return sys_bpf_sz(cmd, attr, sizeof(*attr));
}

/*
 * Record the outcome of one call; returns true when it is acceptable
 * (success or a documented errno). @what describes the call for the
 * message printed on an undocumented errno.
 */
static inline bool account(struct stats *s, enum op op, int ret, int e,
			   const char *what)
{
	s->calls[op]++;
	if (ret >= 0) {
		s->ok[op]++;
		return true;
	}
	if (e > 0 && e < ERRNO_MAX)
		s->err[op][e]++;
	if (errno_documented(op, e))
		return true;
	if (++s->undocumented > 20)	/* the first ones say enough */
		return false;
	printf("# UNDOCUMENTED errno %d (%s) from %s: %s\n", e, errno_name(e),
	       op_names[op], what);
	fflush(stdout);
	return false;
}

static inline void stats_add(struct stats *to, const struct stats *from)
{
	int o, e;

	for (o = 0; o < OP_MAX; o++) {
		to->calls[o] += from->calls[o];
		to->ok[o] += from->ok[o];
		for (e = 0; e < ERRNO_MAX; e++)
			to->err[o][e] += from->err[o][e];
	}
	to->undocumented += from->undocumented;
}

/* "# op calls ok ERRNO=n ..." per command that was called at all. */
static inline void stats_print(const struct stats *s)
{
	int o, e;

	printf("# %-12s %9s %9s  errnos\n", "operation", "calls", "ok");
	for (o = 0; o < OP_MAX; o++) {
		if (!s->calls[o])
			continue;
		printf("# %-12s %9lu %9lu ", op_names[o], s->calls[o], s->ok[o]);
		for (e = 1; e < ERRNO_MAX; e++) {
			if (!s->err[o][e])
				continue;
			if (errno_name(e)[0] == '?')
				printf(" errno%d=%lu", e, s->err[o][e]);
			else
				printf(" %s=%lu", errno_name(e), s->err[o][e]);
		}
		printf("\n");
	}
	fflush(stdout);
}

/*
 * A SCHED_CLS program returning @ret (TCX_NEXT = -1, TCX_PASS = 0),
 * named @name; or, with @type, another program type.
 */
static inline int prog_load_type(unsigned int type, int ret, const char *name)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	snprintf(attr.prog_name, sizeof(attr.prog_name), "%s", name);
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

static inline int prog_load(int ret, const char *name)
{
	return prog_load_type(BPF_PROG_TYPE_SCHED_CLS, ret, name);
}

static inline int map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

/* BPF_OBJ_GET_INFO_BY_FD of @fd into @info (@len bytes, zeroed first). */
static inline int obj_info(int fd, void *info, uint32_t len)
{
	union bpf_attr attr;

	memset(info, 0, len);
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = len;
	attr.info.info = (unsigned long)info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
}

static inline int prog_info(int fd, struct bpf_prog_info *info)
{
	return obj_info(fd, info, sizeof(*info));
}

static inline uint32_t prog_id_of(int fd)
{
	struct bpf_prog_info info;

	return prog_info(fd, &info) ? 0 : info.id;
}

static inline int link_info(int fd, struct bpf_link_info *info)
{
	return obj_info(fd, info, sizeof(*info));
}

/*
 * Query @ifindex/@type into @ids/@links (room for @n); returns the
 * syscall's result, *count and *rev are the kernel's answers.
 */
static inline int tcx_query(uint32_t ifindex, uint32_t type, uint32_t *ids,
			    uint32_t *links, uint32_t n, uint32_t *count,
			    uint64_t *rev)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_ifindex = ifindex;
	attr.query.attach_type = type;
	attr.query.prog_ids = (unsigned long)ids;
	attr.query.link_ids = (unsigned long)links;
	attr.query.count = n;
	ret = sys_bpf(BPF_PROG_QUERY, &attr);
	if (count)
		*count = attr.query.count;
	if (rev)
		*rev = attr.query.revision;
	return ret;
}

/*
 * Detach every opts program of @ifindex/@type (links must be gone):
 * fd-less detach of the last element until the hook is empty.
 */
static inline int tcx_detach_all(uint32_t ifindex, uint32_t type)
{
	union bpf_attr attr;
	int i;

	for (i = 0; i < 200; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.target_ifindex = ifindex;
		attr.attach_type = type;
		if (sys_bpf(BPF_PROG_DETACH, &attr))
			return errno == ENOENT || errno == ENODEV ? 0 : -errno;
	}
	return -ELOOP;
}

/*
 * BPF_PROG_ATTACH / BPF_PROG_DETACH (@cmd) of @prog_fd (0: none) with
 * @flags and the relative object @rel.
 */
static inline int tcx_opts(int cmd, uint32_t ifindex, uint32_t type, int prog_fd,
			   uint32_t flags, int rel)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_ifindex = ifindex;
	attr.attach_type = type;
	attr.attach_bpf_fd = prog_fd;
	attr.attach_flags = flags;
	attr.relative_fd = rel;
	return sys_bpf(cmd, &attr);
}

static inline int link_create(uint32_t ifindex, uint32_t type, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.target_ifindex = ifindex;
	attr.link_create.attach_type = type;
	return sys_bpf(BPF_LINK_CREATE, &attr);
}

static inline int link_update(int link_fd, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = link_fd;
	attr.link_update.new_prog_fd = prog_fd;
	return sys_bpf(BPF_LINK_UPDATE, &attr);
}

static inline int link_detach(int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = link_fd;
	return sys_bpf(BPF_LINK_DETACH, &attr);
}

static inline int obj_pin(int fd, const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.bpf_fd = fd;
	attr.pathname = (unsigned long)path;
	return sys_bpf(BPF_OBJ_PIN, &attr);
}

static inline int obj_get(const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (unsigned long)path;
	return sys_bpf(BPF_OBJ_GET, &attr);
}

/* The xorshift64 generator of the seeded tests: next value of state @s. */
static inline uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Each of REPLACE, BEFORE, AFTER, ID and LINK with a chance of 1 in 3. */
static inline uint32_t tcx_rand_flags(uint64_t *rng)
{
	static const uint32_t bits[] = { F_REPLACE, F_BEFORE, F_AFTER, F_ID, F_LINK };
	uint32_t f = 0;
	unsigned int i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (xorshift64(rng) % 3 == 0)
			f |= bits[i];
	return f;
}

/* common.c: TAP lines, shell commands, devices, programs, leftovers. */

/* Cases passed and failed so far (tap() counts them). */
extern int n_ok, n_fail;

/* One TAP line, "ok - NAME" or "not ok - NAME", NAME from @fmt. */
void tap(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "# @part: N passed, N failed"; the exit status: 0 if none failed. */
int tap_summary(const char *part);

/* Run the shell command @fmt; its exit status, -1 if it did not exit. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The first line of @path into @buf (room for @n); 0 or -1. */
int read_file(const char *path, char *buf, size_t n);

/* Create a dummy device @devs[0] and a veth pair @devs[1]/@devs[2] afresh. */
int devs_create(const char *const devs[3]);
void devs_delete(const char *const devs[3]);

int progs_load(int *fds, uint32_t *ids, int n, const char *prefix, int pass_every);
int ours_left(const char *prefix, int *progs, int *links);
int ours_left_wait(const char *prefix, int *progs, int *links, int tries);
bool tcx_hooks_emptied(uint32_t ifindex, const char *label, bool gone_ok);

#endif
