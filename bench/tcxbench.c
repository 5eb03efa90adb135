// SPDX-License-Identifier: GPL-2.0
/*
 * tcxbench: the benchmark's own tcx loader and control-plane timer.
 *
 * Raw bpf(2) only (no libbpf), built on the host against the series'
 * tools/include/uapi, run in the benchmark guest.
 *
 *   tcxbench run DEV DIR N [--all-next] -- CMD [ARGS...]
 *	Attach N two-instruction SCHED_CLS programs to DEV's tcx DIR
 *	(ingress|egress): N-1 returning TCX_NEXT, then one returning
 *	TCX_PASS (or all TCX_NEXT with --all-next), as links. Run CMD
 *	while they are attached, then exit with its status: closing the
 *	link fds detaches them.
 *
 *   tcxbench ctl DEV DIR FILLS ITERS cpu|wall
 *	Control plane timing, in the task's CPU time or in elapsed time. For each fill level K in the comma-separated
 *	FILLS, attach K programs by link, then time ITERS times each of:
 *	link attach (BPF_LINK_CREATE), link detach (close of the link fd),
 *	opts attach (BPF_PROG_ATTACH), opts detach (BPF_PROG_DETACH) and
 *	query (BPF_PROG_QUERY with room for 64 entries), each on a device
 *	holding K programs. One "ctl" line per (op, K) on stdout.
 *
 *   tcxbench rtnl DEV OTHER none|link|opts ITERS
 *	What tcx changes cost other RTNL users. One task sends RTM_GETLINK
 *	requests for the device OTHER back to back (rtnetlink takes RTNL for
 *	them) and times each with CLOCK_MONOTONIC. With "none" it does
 *	ITERS of them alone (the baseline; no bpf(2) at all, so it also runs
 *	on a kernel without tcx). With "link" or "opts", a second process
 *	meanwhile changes DEV's tcx ingress ITERS times in a loop: link
 *	create + close of the link fd, or BPF_PROG_ATTACH + BPF_PROG_DETACH,
 *	on a hook that holds one other program throughout, and times every
 *	change in elapsed time and in its CPU time. "rtnl" lines on stdout:
 *	p50, p99 and max of the requests' latency, and of the changes.
 *
 *   tcxbench starve DEV link|opts ITERS
 *	A writer among writers. The measured task changes DEV's tcx ingress
 *	ITERS times in a loop (link create + close of the link fd, or
 *	BPF_PROG_ATTACH + BPF_PROG_DETACH) on a hook that holds one other
 *	program throughout: first alone, then while two other processes
 *	attach and detach programs of their own on the same hook as fast
 *	as they can. Every change of the measured task is timed in elapsed
 *	time and in its CPU time, and the times it slept during it are
 *	counted (voluntary context switches of the thread, getrusage()): a
 *	wait for a grace period or for RTNL is one each. "starve" lines on
 *	stdout: p50, p99 and max of each, per phase and op, the sleeps'
 *	histogram, and the changes the two others made meanwhile.
 *
 *   tcxbench query DEV DIR
 *	Print the number of tcx programs on DEV's DIR.
 *
 *   tcxbench failslab DEV DIR FILLS
 *	With failslab set up by the caller (debugfs failslab: probability
 *	100, times -1, task-filter Y, ignore-gfp-wait N), for each K: attach
 *	K programs, then with /proc/self/make-it-fail set, detach by opts,
 *	by BPF_LINK_DETACH and by closing a link fd, check the counts with a
 *	query, and as a positive control check that a link attach fails
 *	with -ENOMEM while the fault injection is on.
 *
 * Clocks: ctl times with CLOCK_THREAD_CPUTIME_ID by default ("cpu": the
 * task's CPU time, syscall included, sleeps excluded) and with
 * CLOCK_MONOTONIC for "wall"; rtnl and starve time each change with both,
 * and the RTM_GETLINK requests with CLOCK_MONOTONIC. Under QEMU -icount
 * shift=0 one nanosecond of guest CPU time is one guest instruction;
 * elapsed time that includes a sleep is not (sleep=off: an idle guest's
 * clock jumps to its next timer).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* BPF_TCX_* and TCX_* are enumerators: a uapi header without tcx fails
 * below with undeclared identifiers. Use the series' tools/include/uapi.
 */

#define MAX_PROGS 64
#define TCX_MAX 63


static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "tcxbench: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ITERS of ctl, rtnl and starve: a positive count. */
static int parse_iters(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > INT_MAX)
		die("ITERS must be a positive number, not '%s'", s);
	return v;
}

/* A SCHED_CLS program "r0 = ret; exit". */
static int prog_load(int ret)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static char log[4096];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	/* Again with the verifier log (a log buffer needs log_level > 0). */
	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	die("BPF_PROG_LOAD: %s %s", strerror(fd < 0 ? errno : 0), log);
}

static int link_create(int ifindex, int type, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.target_ifindex = ifindex;
	attr.link_create.attach_type = type;
	return sys_bpf(BPF_LINK_CREATE, &attr);
}

static int link_detach(int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = link_fd;
	return sys_bpf(BPF_LINK_DETACH, &attr);
}

/* BPF_PROG_ATTACH or BPF_PROG_DETACH of prog_fd, appended / by program. */
static int opts_cmd(int cmd, int ifindex, int type, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_ifindex = ifindex;
	attr.attach_bpf_fd = prog_fd;
	attr.attach_type = type;
	return sys_bpf(cmd, &attr);
}

#define opts_attach(ifindex, type, prog_fd) opts_cmd(BPF_PROG_ATTACH, ifindex, type, prog_fd)
#define opts_detach(ifindex, type, prog_fd) opts_cmd(BPF_PROG_DETACH, ifindex, type, prog_fd)

static __u32 q_ids[MAX_PROGS], q_links[MAX_PROGS];

/* Returns the total count, or -errno. */
static int query(int ifindex, int type, __u64 *revision)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_ifindex = ifindex;
	attr.query.attach_type = type;
	attr.query.prog_ids = (uintptr_t)q_ids;
	attr.query.link_ids = (uintptr_t)q_links;
	attr.query.count = MAX_PROGS;
	if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
		return -errno;
	if (revision)
		*revision = attr.query.revision;
	return attr.query.count;
}

static int parse_dir(const char *s)
{
	if (!strcmp(s, "ingress"))
		return BPF_TCX_INGRESS;
	if (!strcmp(s, "egress"))
		return BPF_TCX_EGRESS;
	die("direction must be ingress or egress, not '%s'", s);
}

static int parse_dev(const char *s)
{
	int ifindex = if_nametoindex(s);

	if (!ifindex)
		die("no device %s", s);
	return ifindex;
}

static int cmd_run(int argc, char **argv)
{
	int ifindex, type, n, i, all_next = 0, status;
	int progs[TCX_MAX];
	pid_t pid;

	if (argc < 4)
		die("usage: run DEV DIR N [--all-next] -- CMD...");
	ifindex = parse_dev(argv[1]);
	type = parse_dir(argv[2]);
	n = atoi(argv[3]);
	if (n < 1 || n > TCX_MAX)
		die("N must be 1..%d", TCX_MAX);
	for (i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "--all-next"))
			all_next = 1;
		else if (!strcmp(argv[i], "--"))
			break;
		else
			die("unknown option %s", argv[i]);
	}
	if (i + 1 >= argc)
		die("run: no command after --");
	argv += i + 1;

	for (i = 0; i < n; i++) {
		int ret = (i == n - 1 && !all_next) ? TCX_PASS : TCX_NEXT;

		progs[i] = prog_load(ret);
		if (link_create(ifindex, type, progs[i]) < 0)
			die("BPF_LINK_CREATE #%d: %s", i, strerror(errno));
	}
	if (query(ifindex, type, NULL) != n)
		die("query after attach: expected %d programs", n);

	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		/* The links stay with the parent. */
		execvp(argv[0], argv);
		fprintf(stderr, "tcxbench: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* CLOCK_THREAD_CPUTIME_ID (ctl ... cpu): what the calling task spends,
 * in the syscall too, without the time it sleeps, e.g. waiting for an RCU
 * grace period. CLOCK_MONOTONIC (ctl ... wall): elapsed time, waits
 * included; under -icount sleep=off an idle guest's clock jumps to its
 * next timer, so wall figures are not instruction counts.
 */
static clockid_t ctl_clock = CLOCK_THREAD_CPUTIME_ID;

static inline __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(ctl_clock, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Programs a run over the comma-separated FILLS needs: the largest fill
 * level, plus one more for the probe (ctl) or the positive control
 * (failslab). Loading only these keeps small runs small.
 */
static int progs_needed(const char *fills)
{
	int max = 0, v;
	const char *p = fills;

	while (*p) {
		v = atoi(p);
		if (v > max)
			max = v;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return max + 1 > MAX_PROGS ? MAX_PROGS : max + 1;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

enum { OP_LINK_ATTACH, OP_LINK_DETACH, OP_OPTS_ATTACH, OP_OPTS_DETACH, OP_QUERY, OP_NR };
static const char *const op_names[OP_NR] = {
	"link_attach", "link_detach", "opts_attach", "opts_detach", "query",
};

static void report(const char *dir, const char *clk, int op, int fill, __u64 *t, int iters,
		   __u64 overhead)
{
	double sum = 0;
	int i;

	for (i = 0; i < iters; i++) {
		t[i] = t[i] > overhead ? t[i] - overhead : 0;
		sum += t[i];
	}
	qsort(t, iters, sizeof(*t), cmp_u64);
	printf("ctl dir=%s clock=%s op=%s fill=%d iters=%d median_ns=%llu mean_ns=%.0f min_ns=%llu p90_ns=%llu\n",
	       dir, clk, op_names[op], fill, iters, (unsigned long long)t[iters / 2], sum / iters,
	       (unsigned long long)t[0], (unsigned long long)t[iters * 9 / 10]);
	fflush(stdout);
}

static int cmd_ctl(int argc, char **argv)
{
	int ifindex, type, iters, i, k, fill, op, nprogs;
	int progs[MAX_PROGS], fill_links[MAX_PROGS];
	__u64 *t[OP_NR], overhead;
	char *fills, *tok, *save;

	if (argc != 6)
		die("usage: ctl DEV DIR FILLS ITERS cpu|wall");
	if (!strcmp(argv[5], "wall"))
		ctl_clock = CLOCK_MONOTONIC;
	else if (strcmp(argv[5], "cpu"))
		die("clock must be cpu or wall, not '%s'", argv[5]);
	ifindex = parse_dev(argv[1]);
	type = parse_dir(argv[2]);
	fills = strdup(argv[3]);
	iters = parse_iters(argv[4]);
	for (op = 0; op < OP_NR; op++)
		t[op] = calloc(iters, sizeof(__u64));
	nprogs = progs_needed(fills);
	for (i = 0; i < nprogs; i++)
		progs[i] = prog_load(TCX_NEXT);

	/* Cost of the timing itself, subtracted from every sample. */
	{
		__u64 *o = calloc(iters, sizeof(__u64));

		for (i = 0; i < iters; i++) {
			__u64 a = now_ns();

			o[i] = now_ns() - a;
		}
		qsort(o, iters, sizeof(*o), cmp_u64);
		overhead = o[iters / 2];
		free(o);
		printf("ctl dir=%s clock=%s op=timer fill=0 iters=%d median_ns=%llu\n", argv[2],
		       argv[5], iters, (unsigned long long)overhead);
	}

	for (tok = strtok_r(fills, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		fill = atoi(tok);
		if (fill < 0 || fill > TCX_MAX - 1)
			die("fill level must be 0..%d", TCX_MAX - 1);
		for (k = 0; k < fill; k++) {
			fill_links[k] = link_create(ifindex, type, progs[k]);
			if (fill_links[k] < 0)
				die("fill link #%d: %s", k, strerror(errno));
		}
		/* Warm up the paths once, then measure. */
		for (i = -1; i < iters; i++) {
			int probe = progs[nprogs - 1], lfd, ret;
			__u64 a, b, c, d, e, f;

			a = now_ns();
			lfd = link_create(ifindex, type, probe);
			b = now_ns();
			if (lfd < 0)
				die("link_attach at %d: %s", fill, strerror(errno));
			close(lfd);
			c = now_ns();
			ret = opts_attach(ifindex, type, probe);
			d = now_ns();
			if (ret < 0)
				die("opts_attach at %d: %s", fill, strerror(errno));
			ret = opts_detach(ifindex, type, probe);
			e = now_ns();
			if (ret < 0)
				die("opts_detach at %d: %s", fill, strerror(errno));
			ret = query(ifindex, type, NULL);
			f = now_ns();
			if (ret != fill)
				die("query at %d: got %d", fill, ret);
			if (i < 0)
				continue;
			t[OP_LINK_ATTACH][i] = b - a;
			t[OP_LINK_DETACH][i] = c - b;
			t[OP_OPTS_ATTACH][i] = d - c;
			t[OP_OPTS_DETACH][i] = e - d;
			t[OP_QUERY][i] = f - e;
		}
		for (op = 0; op < OP_NR; op++)
			report(argv[2], argv[5], op, fill, t[op], iters, overhead);
		for (k = 0; k < fill; k++)
			close(fill_links[k]);
		if (query(ifindex, type, NULL) != 0)
			die("programs left after fill level %d", fill);
	}
	return 0;
}

/* The unrelated RTNL user: RTM_GETLINK of one device over rtnetlink. */
struct getlink {
	int fd;
	__u32 seq;
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req;
	char buf[16384];
};

static void getlink_open(struct getlink *g, int ifindex)
{
	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (g->fd < 0)
		die("netlink socket: %s", strerror(errno));
	memset(&g->req, 0, sizeof(g->req));
	g->req.nh.nlmsg_len = sizeof(g->req);
	g->req.nh.nlmsg_type = RTM_GETLINK;
	g->req.nh.nlmsg_flags = NLM_F_REQUEST;
	g->req.ifi.ifi_family = AF_UNSPEC;
	g->req.ifi.ifi_index = ifindex;
	g->seq = 0;
}

/* One request and its answer (rtnetlink answers before send() returns). */
static void getlink_once(struct getlink *g)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)g->buf;
	ssize_t n;

	g->req.nh.nlmsg_seq = ++g->seq;
	if (send(g->fd, &g->req, sizeof(g->req), 0) != sizeof(g->req))
		die("RTM_GETLINK send: %s", strerror(errno));
	n = recv(g->fd, g->buf, sizeof(g->buf), 0);
	if (n < (ssize_t)sizeof(*nh) || !NLMSG_OK(nh, (__u32)n))
		die("RTM_GETLINK: short answer (%zd)", n);
	if (nh->nlmsg_type == NLMSG_ERROR)
		die("RTM_GETLINK: error %d",
		    ((struct nlmsgerr *)NLMSG_DATA(nh))->error);
	if (nh->nlmsg_type != RTM_NEWLINK || nh->nlmsg_seq != g->seq)
		die("RTM_GETLINK: answer type %u seq %u", nh->nlmsg_type, nh->nlmsg_seq);
}

static __u64 clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Nearest-rank percentile of sorted t[0..n-1]. */
static __u64 pct(const __u64 *t, size_t n, unsigned int p)
{
	size_t i = (n * p + 99) / 100;

	return t[i ? i - 1 : 0];
}

static void rtnl_report(const char *loop, const char *op, __u64 *t, size_t n)
{
	double sum = 0;
	size_t i;

	if (!n)
		die("rtnl %s %s: no samples", loop, op);
	for (i = 0; i < n; i++)
		sum += t[i];
	qsort(t, n, sizeof(*t), cmp_u64);
	printf("rtnl loop=%s op=%s n=%zu p50_ns=%llu p99_ns=%llu max_ns=%llu mean_ns=%.0f min_ns=%llu\n",
	       loop, op, n, (unsigned long long)pct(t, n, 50), (unsigned long long)pct(t, n, 99),
	       (unsigned long long)t[n - 1], sum / n, (unsigned long long)t[0]);
}

/* A change of the loop, in elapsed time and in the changer's CPU time. */
static void rtnl_report_change(const char *loop, const char *op, __u64 *wall, __u64 *cpu,
			       size_t n)
{
	__u64 w50, w99, wmax;

	qsort(wall, n, sizeof(*wall), cmp_u64);
	qsort(cpu, n, sizeof(*cpu), cmp_u64);
	w50 = pct(wall, n, 50), w99 = pct(wall, n, 99), wmax = wall[n - 1];
	printf("rtnl loop=%s op=%s n=%zu wall_p50_ns=%llu wall_p99_ns=%llu wall_max_ns=%llu "
	       "cpu_p50_ns=%llu cpu_p99_ns=%llu cpu_max_ns=%llu\n",
	       loop, op, n, (unsigned long long)w50, (unsigned long long)w99,
	       (unsigned long long)wmax, (unsigned long long)pct(cpu, n, 50),
	       (unsigned long long)pct(cpu, n, 99), (unsigned long long)cpu[n - 1]);
}

/* What the changer shares with the timing task. */
struct rtnl_shared {
	int started, done, failed;
	__u64 samples[];	/* wall[2][iters], then cpu[2][iters] */
};

/* The changer: ITERS changes of DEV's tcx ingress (attach then detach),
 * each timed by CLOCK_MONOTONIC and CLOCK_THREAD_CPUTIME_ID, the cost of
 * reading both clocks subtracted.
 *
 * It sleeps a little after every change (20 us plus the timer slack): the
 * requester woken by its rtnl_unlock() then runs and takes RTNL. Back to
 * back, the changer would take RTNL again for its next change before the
 * woken requester ran (a mutex lets the running task steal it until a
 * waiter asks for a handoff), and one request would wait for two changes.
 */
static void rtnl_pause(void)
{
	struct timespec ts = { .tv_nsec = 20000 };

	nanosleep(&ts, NULL);
}

/* The cost of reading both clocks around a change, subtracted from its
 * elapsed (*ow) and its CPU time (*oc): medians of 64 empty changes.
 */
static void clock_overheads(__u64 *ow, __u64 *oc)
{
	__u64 w[2], c[2], cal[64];
	int i;

	for (i = 0; i < 64; i++) {
		w[0] = clock_ns(CLOCK_MONOTONIC), c[0] = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		c[1] = clock_ns(CLOCK_THREAD_CPUTIME_ID), w[1] = clock_ns(CLOCK_MONOTONIC);
		cal[i] = w[1] - w[0];
	}
	qsort(cal, 64, sizeof(*cal), cmp_u64);
	*ow = cal[32];
	for (i = 0; i < 64; i++) {
		c[0] = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		c[1] = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		cal[i] = c[1] - c[0];
	}
	qsort(cal, 64, sizeof(*cal), cmp_u64);
	*oc = cal[32];
}

static void rtnl_changer(struct rtnl_shared *sh, int ifindex, int opts, int iters, int prog)
{
	__u64 *wall = sh->samples, *cpu = sh->samples + 2 * iters;
	__u64 ow, oc, w[4], c[4];
	int i, ret;

	clock_overheads(&ow, &oc);

	__atomic_store_n(&sh->started, 1, __ATOMIC_RELEASE);
	/* One change pair unrecorded first (warm-up), then ITERS. */
	for (i = -1; i < iters; i++) {
		int lfd = -1;

		w[0] = clock_ns(CLOCK_MONOTONIC), c[0] = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		if (opts)
			ret = opts_attach(ifindex, BPF_TCX_INGRESS, prog);
		else
			ret = lfd = link_create(ifindex, BPF_TCX_INGRESS, prog);
		c[1] = clock_ns(CLOCK_THREAD_CPUTIME_ID), w[1] = clock_ns(CLOCK_MONOTONIC);
		if (ret < 0) {
			fprintf(stderr, "tcxbench: rtnl: attach: %s\n", strerror(errno));
			break;
		}
		rtnl_pause();
		w[2] = clock_ns(CLOCK_MONOTONIC), c[2] = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		if (opts)
			ret = opts_detach(ifindex, BPF_TCX_INGRESS, prog);
		else
			ret = close(lfd);
		c[3] = clock_ns(CLOCK_THREAD_CPUTIME_ID), w[3] = clock_ns(CLOCK_MONOTONIC);
		if (ret < 0) {
			fprintf(stderr, "tcxbench: rtnl: detach: %s\n", strerror(errno));
			break;
		}
		rtnl_pause();
		if (i < 0)
			continue;
		wall[i] = w[1] - w[0] > ow ? w[1] - w[0] - ow : 0;
		wall[iters + i] = w[3] - w[2] > ow ? w[3] - w[2] - ow : 0;
		cpu[i] = c[1] - c[0] > oc ? c[1] - c[0] - oc : 0;
		cpu[iters + i] = c[3] - c[2] > oc ? c[3] - c[2] - oc : 0;
	}
	if (i < iters)
		__atomic_store_n(&sh->failed, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
}

static int cmd_rtnl(int argc, char **argv)
{
	int ifindex = 0, other, loop, iters, status, fill_link = -1, prog = -1;
	size_t n = 0, cap = 1 << 16, shsize;
	struct rtnl_shared *sh = NULL;
	static struct getlink g;
	__u64 *t, a;
	pid_t pid = 0;

	if (argc != 5)
		die("usage: rtnl DEV OTHER none|link|opts ITERS");
	other = parse_dev(argv[2]);
	if (!strcmp(argv[3], "none"))
		loop = 0;
	else if (!strcmp(argv[3], "link"))
		loop = 1;
	else if (!strcmp(argv[3], "opts"))
		loop = 2;
	else
		die("loop must be none, link or opts, not '%s'", argv[3]);
	iters = parse_iters(argv[4]);
	if (!loop && (size_t)iters > cap)
		cap = iters;
	t = malloc(cap * sizeof(*t));
	if (!t)
		die("out of memory");
	getlink_open(&g, other);
	for (int i = 0; i < 16; i++)
		getlink_once(&g);

	if (!loop) {
		for (n = 0; n < (size_t)iters; n++) {
			a = clock_ns(CLOCK_MONOTONIC);
			getlink_once(&g);
			t[n] = clock_ns(CLOCK_MONOTONIC) - a;
		}
		rtnl_report("none", "getlink", t, n);
		return 0;
	}

	ifindex = parse_dev(argv[1]);
	if (ifindex == other)
		die("rtnl: DEV and OTHER must differ");
	/* One program stays on the hook: the loop changes a hook in use,
	 * not the creation of the device's tcx state and the static keys.
	 */
	fill_link = link_create(ifindex, BPF_TCX_INGRESS, prog_load(TCX_NEXT));
	if (fill_link < 0)
		die("rtnl: fill link: %s", strerror(errno));
	prog = prog_load(TCX_NEXT);
	shsize = sizeof(*sh) + 4 * (size_t)iters * sizeof(__u64);
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		rtnl_changer(sh, ifindex, loop == 2, iters, prog);
		_exit(0);
	}
	/* Time requests from when the changer starts until it is done. */
	while (!__atomic_load_n(&sh->started, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE))
		sched_yield();
	while (!__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE)) {
		if (n == cap) {
			cap *= 2;
			t = realloc(t, cap * sizeof(*t));
			if (!t)
				die("out of memory");
		}
		a = clock_ns(CLOCK_MONOTONIC);
		getlink_once(&g);
		t[n++] = clock_ns(CLOCK_MONOTONIC) - a;
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) || sh->failed)
		die("rtnl: the %s loop failed", argv[3]);
	rtnl_report(argv[3], "getlink", t, n);
	rtnl_report_change(argv[3], loop == 2 ? "opts_attach" : "link_attach", sh->samples,
			   sh->samples + 2 * iters, iters);
	rtnl_report_change(argv[3], loop == 2 ? "opts_detach" : "link_detach",
			   sh->samples + iters, sh->samples + 3 * iters, iters);
	close(fill_link);
	if (query(ifindex, BPF_TCX_INGRESS, NULL) != 0)
		die("rtnl: programs left on %s", argv[1]);
	return 0;
}

/* One change of DEV's tcx ingress: an attach (BPF_PROG_ATTACH, or
 * BPF_LINK_CREATE into *lfd) or a detach (BPF_PROG_DETACH, or the close
 * of *lfd). 0, or -1 with errno set.
 */
static int tcx_change(int ifindex, int opts, int attach, int prog, int *lfd)
{
	if (attach) {
		if (opts)
			return opts_attach(ifindex, BPF_TCX_INGRESS, prog);
		*lfd = link_create(ifindex, BPF_TCX_INGRESS, prog);
		return *lfd < 0 ? -1 : 0;
	}
	if (opts)
		return opts_detach(ifindex, BPF_TCX_INGRESS, prog);
	return close(*lfd);
}

/* Times the calling thread slept (voluntary context switches). */
static __u64 sleeps_now(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		die("getrusage: %s", strerror(errno));
	return ru.ru_nvcsw;
}

/* What the measured task shares with the two other writers. */
struct starve_shared {
	int stop, failed;
	__u64 changes[2];
};

/* Another writer: attach and detach its own program on the hook as fast
 * as it can until told to stop (or its parent is gone).
 */
static void starve_other(struct starve_shared *sh, int idx, int ifindex, int opts, int prog)
{
	int lfd = -1;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		if (tcx_change(ifindex, opts, 1, prog, &lfd) ||
		    tcx_change(ifindex, opts, 0, prog, &lfd)) {
			fprintf(stderr, "tcxbench: starve: writer %d: %s\n", idx, strerror(errno));
			__atomic_store_n(&sh->failed, 1, __ATOMIC_RELEASE);
			return;
		}
		__atomic_add_fetch(&sh->changes[idx], 2, __ATOMIC_RELEASE);
	}
}

/* Per change of the measured task, [0] attach and [1] detach. */
struct starve_samples {
	__u64 *wall[2], *cpu[2], *sleeps[2];
};

static void starve_loop(struct starve_samples *sm, int iters, int ifindex, int opts, int prog,
			__u64 ow, __u64 oc)
{
	int i, k, lfd = -1;

	/* One attach + detach unrecorded first (warm-up), then ITERS. */
	for (i = -1; i < iters; i++) {
		for (k = 0; k < 2; k++) {
			__u64 v0, v1, w0, w1, c0, c1;
			int ret;

			v0 = sleeps_now();
			w0 = clock_ns(CLOCK_MONOTONIC), c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
			ret = tcx_change(ifindex, opts, !k, prog, &lfd);
			c1 = clock_ns(CLOCK_THREAD_CPUTIME_ID), w1 = clock_ns(CLOCK_MONOTONIC);
			v1 = sleeps_now();
			if (ret)
				die("starve: %s: %s", k ? "detach" : "attach", strerror(errno));
			if (i < 0)
				continue;
			sm->wall[k][i] = w1 - w0 > ow ? w1 - w0 - ow : 0;
			sm->cpu[k][i] = c1 - c0 > oc ? c1 - c0 - oc : 0;
			sm->sleeps[k][i] = v1 - v0;
		}
	}
}

static void starve_report(const char *loop, const char *phase, int opts,
			  struct starve_samples *sm, int n)
{
	static const char *const ops[2][2] = {
		{ "link_attach", "link_detach" }, { "opts_attach", "opts_detach" },
	};
	char hist[512];
	int k, i, len;

	for (k = 0; k < 2; k++) {
		__u64 *w = sm->wall[k], *c = sm->cpu[k], *v = sm->sleeps[k];

		qsort(w, n, sizeof(*w), cmp_u64);
		qsort(c, n, sizeof(*c), cmp_u64);
		qsort(v, n, sizeof(*v), cmp_u64);
		/* "sleeps:changes" pairs, e.g. 2:37,3:3 */
		hist[0] = 0;
		for (i = 0, len = 0; i < n; ) {
			int j = i;

			while (j < n && v[j] == v[i])
				j++;
			len += snprintf(hist + len, sizeof(hist) - len, "%s%llu:%d", i ? "," : "",
					(unsigned long long)v[i], j - i);
			if (len >= (int)sizeof(hist))
				die("starve: histogram too long");
			i = j;
		}
		printf("starve loop=%s phase=%s op=%s n=%d wall_p50_ns=%llu wall_p99_ns=%llu "
		       "wall_max_ns=%llu cpu_p50_ns=%llu cpu_p99_ns=%llu cpu_max_ns=%llu "
		       "sleeps_p50=%llu sleeps_p99=%llu sleeps_max=%llu sleeps_hist=%s\n",
		       loop, phase, ops[opts][k], n, (unsigned long long)pct(w, n, 50),
		       (unsigned long long)pct(w, n, 99), (unsigned long long)w[n - 1],
		       (unsigned long long)pct(c, n, 50), (unsigned long long)pct(c, n, 99),
		       (unsigned long long)c[n - 1], (unsigned long long)pct(v, n, 50),
		       (unsigned long long)pct(v, n, 99), (unsigned long long)v[n - 1], hist);
	}
}

static int cmd_starve(int argc, char **argv)
{
	struct starve_samples sm;
	struct starve_shared *sh;
	int ifindex, opts, iters, k, fill_link, prog, others[2], status, bad = 0;
	__u64 ow, oc, before[2];
	pid_t pid[2];

	if (argc != 4)
		die("usage: starve DEV link|opts ITERS");
	ifindex = parse_dev(argv[1]);
	if (!strcmp(argv[2], "opts"))
		opts = 1;
	else if (!strcmp(argv[2], "link"))
		opts = 0;
	else
		die("loop must be link or opts, not '%s'", argv[2]);
	iters = parse_iters(argv[3]);
	for (k = 0; k < 2; k++) {
		sm.wall[k] = calloc(iters, sizeof(__u64));
		sm.cpu[k] = calloc(iters, sizeof(__u64));
		sm.sleeps[k] = calloc(iters, sizeof(__u64));
		if (!sm.wall[k] || !sm.cpu[k] || !sm.sleeps[k])
			die("out of memory");
	}
	/* One program stays on the hook, as in the rtnl loops. */
	fill_link = link_create(ifindex, BPF_TCX_INGRESS, prog_load(TCX_NEXT));
	if (fill_link < 0)
		die("starve: fill link: %s", strerror(errno));
	prog = prog_load(TCX_NEXT);
	for (k = 0; k < 2; k++)
		others[k] = prog_load(TCX_NEXT);
	clock_overheads(&ow, &oc);

	starve_loop(&sm, iters, ifindex, opts, prog, ow, oc);
	starve_report(argv[2], "alone", opts, &sm, iters);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	fflush(stdout);
	for (k = 0; k < 2; k++) {
		pid[k] = fork();
		if (pid[k] < 0)
			die("fork: %s", strerror(errno));
		if (!pid[k]) {
			starve_other(sh, k, ifindex, opts, others[k]);
			_exit(0);
		}
	}
	/* Both others under way before the measured changes start. */
	while ((__atomic_load_n(&sh->changes[0], __ATOMIC_ACQUIRE) < 2 ||
		__atomic_load_n(&sh->changes[1], __ATOMIC_ACQUIRE) < 2) &&
	       !__atomic_load_n(&sh->failed, __ATOMIC_ACQUIRE)) {
		struct timespec ts = { .tv_nsec = 1000000 };

		nanosleep(&ts, NULL);
	}
	for (k = 0; k < 2; k++)
		before[k] = __atomic_load_n(&sh->changes[k], __ATOMIC_ACQUIRE);
	if (!__atomic_load_n(&sh->failed, __ATOMIC_ACQUIRE))
		starve_loop(&sm, iters, ifindex, opts, prog, ow, oc);
	for (k = 0; k < 2; k++)
		before[k] = __atomic_load_n(&sh->changes[k], __ATOMIC_ACQUIRE) - before[k];
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (k = 0; k < 2; k++) {
		if (waitpid(pid[k], &status, 0) < 0)
			die("waitpid: %s", strerror(errno));
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	}
	if (bad || sh->failed)
		die("starve: the %s writers failed", argv[2]);
	starve_report(argv[2], "contended", opts, &sm, iters);
	printf("starve loop=%s phase=contended op=others n=%d others_changes=%llu,%llu\n",
	       argv[2], 2 * iters, (unsigned long long)before[0], (unsigned long long)before[1]);
	close(fill_link);
	if (query(ifindex, BPF_TCX_INGRESS, NULL) != 0)
		die("starve: programs left on %s", argv[1]);
	return 0;
}

static int cmd_query(int argc, char **argv)
{
	int n;

	if (argc != 3)
		die("usage: query DEV DIR");
	n = query(parse_dev(argv[1]), parse_dir(argv[2]), NULL);
	if (n < 0)
		die("query %s %s: %s", argv[1], argv[2], strerror(-n));
	printf("%d\n", n);
	return 0;
}

static int mif_fd = -1;

static void make_it_fail(int on)
{
	/* pwrite on an fd opened beforehand: opening it allocates. */
	if (pwrite(mif_fd, on ? "1" : "0", 1, 0) != 1)
		die("make-it-fail: %s", strerror(errno));
}

static int cmd_failslab(int argc, char **argv)
{
	int ifindex, type, i, fill, nprogs, progs[MAX_PROGS], links[MAX_PROGS];
	int bad = 0, ret, err, cnt, r_opts, r_link, r_close;
	char *fills, *tok, *save;

	if (argc != 4)
		die("usage: failslab DEV DIR FILLS");
	ifindex = parse_dev(argv[1]);
	type = parse_dir(argv[2]);
	fills = strdup(argv[3]);
	mif_fd = open("/proc/self/make-it-fail", O_WRONLY);
	if (mif_fd < 0)
		die("/proc/self/make-it-fail: %s (needs CONFIG_FAULT_INJECTION)", strerror(errno));
	nprogs = progs_needed(fills);
	for (i = 0; i < nprogs; i++)
		progs[i] = prog_load(TCX_NEXT);

	for (tok = strtok_r(fills, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		fill = atoi(tok);
		if (fill < 3 || fill > TCX_MAX)
			die("failslab fill level must be 3..%d", TCX_MAX);
		/* fill-1 links, the last program by opts. */
		for (i = 0; i < fill - 1; i++) {
			links[i] = link_create(ifindex, type, progs[i]);
			if (links[i] < 0)
				die("link #%d: %s", i, strerror(errno));
		}
		if (opts_attach(ifindex, type, progs[fill - 1]) < 0)
			die("opts attach: %s", strerror(errno));

		/* Before failslab goes on: the query also faults in the pages
		 * of q_ids/q_links, which the kernel writes to later (a first
		 * touch allocates page tables and anon_vma, which would turn
		 * into -EFAULT under failslab).
		 */
		if (query(ifindex, type, NULL) != fill)
			die("query before failslab: expected %d programs", fill);
		make_it_fail(1);
		/* Positive control: allocating paths must fail now. */
		ret = link_create(ifindex, type, progs[nprogs - 1]);
		err = ret < 0 ? errno : 0;
		r_opts = opts_detach(ifindex, type, progs[fill - 1]) < 0 ? errno : 0;
		r_link = link_detach(links[fill - 2]) < 0 ? errno : 0;
		r_close = close(links[fill - 3]) < 0 ? errno : 0;
		cnt = query(ifindex, type, NULL);
		make_it_fail(0);
		if (ret >= 0)
			close(ret);
		/* Printed only now: writing to a pipe or console may allocate. */
		printf("failslab dir=%s fill=%d control_link_attach=%s opts_detach=%s "
		       "link_detach=%s link_close=%s count_after=%d expected=%d\n",
		       argv[2], fill, err ? strerror(err) : "SUCCEEDED",
		       r_opts ? strerror(r_opts) : "ok", r_link ? strerror(r_link) : "ok",
		       r_close ? strerror(r_close) : "ok", cnt, fill - 3);
		bad += err != ENOMEM || r_opts || r_link || r_close || cnt != fill - 3;
		if (ret >= 0)
			die("failslab not active: link create succeeded under 100%% failslab");
		for (i = 0; i < fill - 3; i++)
			close(links[i]);
		close(links[fill - 2]);
		if (query(ifindex, type, NULL) != 0)
			die("programs left after fill level %d", fill);
	}
	printf("failslab dir=%s result=%s\n", argv[2], bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		die("usage: tcxbench run|ctl|rtnl|starve|query|failslab ...");
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ctl"))
		return cmd_ctl(argc - 1, argv + 1);
	if (!strcmp(argv[1], "failslab"))
		return cmd_failslab(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rtnl"))
		return cmd_rtnl(argc - 1, argv + 1);
	if (!strcmp(argv[1], "starve"))
		return cmd_starve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "query"))
		return cmd_query(argc - 1, argv + 1);
	die("unknown command %s", argv[1]);
}
