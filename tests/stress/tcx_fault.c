// SPDX-License-Identifier: GPL-2.0
/*
 * tcx_fault: allocation failures on the tcx control paths (failslab).
 *
 * Needs CONFIG_FAILSLAB and debugfs (/sys/kernel/debug/failslab); the
 * failures are restricted to this task with /proc/self/fail-nth (the n-th
 * slab allocation of the task fails) and, for the 100% part,
 * /proc/self/make-it-fail with failslab's task-filter. failslab's
 * ignore-gfp-wait is switched off so GFP_KERNEL allocations can fail too;
 * its settings are restored at the end.
 *
 * For each operation, n = 1, 2, ... until an operation completes without
 * reaching its n-th allocation: fail the n-th allocation, then
 *   - a failed call must return ENOMEM (ENOBUFS for the netlink transport
 *     of a qdisc request, ENOENT where 6.1 reports a failed ingress queue
 *     allocation that way, see documented()) and leave both hooks of the
 *     device exactly as before (program ids, link ids, revision);
 *   - a call that succeeded anyway is undone and the loop goes on.
 *   tcx_fault [-d]
 *
 * Operations: opts attach to an empty hook and before a program of a full
 * one, link create on an empty and on a populated hook, link update, and
 * clsact/ingress qdisc creation (rtnetlink) on an empty device and on one
 * with tcx programs; with -d also dummy device register (the new device's hooks are
 * empty and take a program) and unregister of a device with an opts
 * program and a link (a failure changes nothing; once the device is gone
 * the link is defunct). Then, with every slab allocation of the task failing:
 * opts detach, fd-less detach, link detach and link close still succeed.
 * At the end nothing of ours is attached or loaded. One TAP line per case.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "common.h"

#define DEV "tcxqd0"
#define DEV2 "tcxqd1"
#define DEV3 "tcxqd2"
#define FS "/sys/kernel/debug/failslab/"
#define MAX_N 200
#define MAX_DEV_N 1000	/* device register allocates far more */

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return ret;
}

static int nth_fd = -1;

/* Fail the n-th slab allocation of this task from now on (0: none). */
static void fail_nth(unsigned int n)
{
	char s[16];

	snprintf(s, sizeof(s), "%u", n);
	if (pwrite(nth_fd, s, strlen(s), 0) < 0) {
		printf("# fail-nth: %s\n", strerror(errno));
		exit(1);
	}
}

/* Allocations still to go before the armed failure (0: it fired). */
static unsigned int nth_left(void)
{
	char s[16];
	ssize_t r = pread(nth_fd, s, sizeof(s) - 1, 0);

	if (r <= 0)
		return 0;
	s[r] = 0;
	return strtoul(s, NULL, 10);
}

static uint32_t idx, idx2;
static int progs[8];

struct snap {
	int ret[2];
	uint32_t count[2], ids[2][MAX_PROGS], links[2][MAX_PROGS];
	uint64_t rev[2];
};

static void snapshot(uint32_t ifindex, struct snap *s)
{
	int t;

	memset(s, 0, sizeof(*s));
	for (t = 0; t < 2; t++)
		s->ret[t] = tcx_query(ifindex, TCX_INGRESS + t, s->ids[t], s->links[t], MAX_PROGS,
				      &s->count[t], &s->rev[t]);
}

/* Send one rtnetlink request and read its acknowledgement: 0 or -errno. */
static int nl_ack(int nl, const struct nlmsghdr *req)
{
	char ans[1024];
	struct nlmsghdr *h;
	ssize_t r;

	if (send(nl, req, req->nlmsg_len, 0) < 0)
		return -errno;
	r = recv(nl, ans, sizeof(ans), 0);
	if (r < 0)
		return -errno;
	h = (struct nlmsghdr *)ans;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	return -EPROTO;
}

/* Append attribute @type with @len bytes of @data; returns it (for nests). */
static struct rtattr *nl_attr(struct nlmsghdr *n, unsigned short type, const void *data,
			      size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

/* RTM_NEWQDISC / RTM_DELQDISC of clsact or ingress; 0 or -errno. */
static int qdisc(int nl, bool add, uint32_t ifindex, const char *kind)
{
	struct {
		struct nlmsghdr n;
		struct tcmsg t;
		char buf[64];
	} req;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg));
	req.n.nlmsg_type = add ? RTM_NEWQDISC : RTM_DELQDISC;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	req.t.tcm_family = AF_UNSPEC;
	req.t.tcm_ifindex = ifindex;
	req.t.tcm_handle = 0xffff0000;
	req.t.tcm_parent = TC_H_INGRESS;	/* == TC_H_CLSACT */
	nl_attr(&req.n, TCA_KIND, kind, strlen(kind) + 1);
	return nl_ack(nl, &req.n);
}

/* RTM_NEWLINK of a dummy device @name, or RTM_DELLINK of @ifindex. */
static int dev_nl(int nl, bool add, const char *name, uint32_t ifindex)
{
	struct {
		struct nlmsghdr n;
		struct ifinfomsg i;
		char buf[128];
	} req;
	struct rtattr *info;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.n.nlmsg_type = add ? RTM_NEWLINK : RTM_DELLINK;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	req.i.ifi_family = AF_UNSPEC;
	if (add) {
		nl_attr(&req.n, IFLA_IFNAME, name, strlen(name) + 1);
		info = nl_attr(&req.n, IFLA_LINKINFO, NULL, 0);
		nl_attr(&req.n, IFLA_INFO_KIND, "dummy", sizeof("dummy"));
		info->rta_len = (char *)&req + req.n.nlmsg_len - (char *)info;
	} else {
		req.i.ifi_index = ifindex;
	}
	return nl_ack(nl, &req.n);
}

static int nl_open(void)
{
	struct timeval tv = { .tv_sec = 2 };
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (nl >= 0)
		setsockopt(nl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return nl;
}

/*
 * The operation under test: returns 0 or -errno; *undo is called after a
 * success (without faults).
 */
struct fop {
	const char *name;
	uint32_t *ifindex;
	int (*run)(void);
	void (*undo)(void);
	bool netlink;
};

static int lnk = -1, nl = -1;
static const char *qkind = "clsact";

static int op_attach_empty(void)
{
	return tcx_opts(BPF_PROG_ATTACH, idx, TCX_EGRESS, progs[0], 0, 0) ? -errno : 0;
}

static void undo_attach_empty(void)
{
	tcx_opts(BPF_PROG_DETACH, idx, TCX_EGRESS, progs[0], 0, 0);
}

static int op_attach_before(void)
{
	return tcx_opts(BPF_PROG_ATTACH, idx, TCX_INGRESS, progs[5], F_BEFORE, progs[2]) ? -errno : 0;
}

static void undo_attach_before(void)
{
	tcx_opts(BPF_PROG_DETACH, idx, TCX_INGRESS, progs[5], 0, 0);
}

static int op_link_empty(void)
{
	lnk = link_create(idx, TCX_EGRESS, progs[0]);
	return lnk < 0 ? -errno : 0;
}

static int op_link_full(void)
{
	lnk = link_create(idx, TCX_INGRESS, progs[5]);
	return lnk < 0 ? -errno : 0;
}

static void undo_link(void)
{
	close(lnk);
	lnk = -1;
}

static int update_link = -1;

static int op_link_update(void)
{
	return link_update(update_link, progs[6]) ? -errno : 0;
}

static void undo_link_update(void)
{
	link_update(update_link, progs[4]);
}

static uint32_t qidx;

static int op_qdisc(void)
{
	return qdisc(nl, true, qidx, qkind);
}

/* Whatever the answer, remove the qdisc if it got created. */
static int qdisc_cleanup(uint32_t ifindex)
{
	return qdisc(nl, false, ifindex, qkind);
}

/*
 * ENOMEM; for a qdisc request also ENOBUFS (the netlink transport) and
 * ENOENT: creating the first ingress/clsact qdisc of a device allocates
 * its ingress queue, and 6.1's tc_modify_qdisc() answers the failure of
 * that allocation with ENOENT ("Cannot find ingress queue"). Whether an
 * allocation failure lands there depends on the kernel's configuration
 * (the kcsan flavour's does); the hooks must be unchanged either way.
 */
static bool documented(int e, bool netlink)
{
	return e == ENOMEM || (netlink && (e == ENOBUFS || e == ENOENT));
}

/*
 * Device register is the core's path, not tcx's: besides ENOMEM and
 * ENOBUFS, 6.1.192 answers one of its allocation failures (the 21st of a
 * dummy RTM_NEWLINK) with EINVAL. The test is that it fails cleanly.
 */
static bool documented_dev(int e)
{
	return documented(e, true) || e == EINVAL;
}

static void run_op(const struct fop *op)
{
	struct snap before, after;
	unsigned int n, left = 0, failed = 0, succeeded = 0, bad = 0;
	int ret, e;

	for (n = 1; n <= MAX_N; n++) {
		snapshot(*op->ifindex, &before);
		fail_nth(n);
		ret = op->run();
		left = nth_left();
		fail_nth(0);
		e = -ret;
		if (op->netlink) {
			/* the answer may be lost (ENOBUFS): look at what exists */
			int del = qdisc_cleanup(*op->ifindex);

			if (!ret && del) {
				printf("# %s, allocation %u: success reported, but no qdisc (%d)\n",
				       op->name, n, del);
				bad++;
			}
			if (ret && !del)
				ret = 0;	/* created; only the answer failed */
		}
		if (ret) {
			failed++;
			if (!documented(e, op->netlink)) {
				printf("# %s, allocation %u failed: %s (%d)\n", op->name, n,
				       errno_name(e), e);
				bad++;
			}
		} else {
			succeeded++;
			if (op->undo)
				op->undo();
		}
		snapshot(*op->ifindex, &after);
		if (ret && memcmp(&before, &after, sizeof(before))) {
			printf("# %s, allocation %u failed (%s) but the hooks changed: count %u/%u -> %u/%u, rev %llu/%llu -> %llu/%llu\n",
			       op->name, n, errno_name(e), before.count[0], before.count[1],
			       after.count[0], after.count[1], (unsigned long long)before.rev[0],
			       (unsigned long long)before.rev[1], (unsigned long long)after.rev[0],
			       (unsigned long long)after.rev[1]);
			bad++;
		}
		if (left)	/* the op never reached its n-th allocation */
			break;
	}
	tap(!bad && left && (failed || n == 1), "fault: %s: %u allocations failed in turn, %u calls failed cleanly, %u recovered (%u bad)",
	    op->name, n - 1, failed, succeeded, bad);
}

/* Report a device case like run_op() does. */
static void dev_case_tap(const char *name, unsigned int n, unsigned int left, unsigned int failed,
			 unsigned int succeeded, unsigned int bad)
{
	tap(!bad && left && failed, "fault: %s: %u allocations failed in turn, %u calls failed cleanly, %u recovered (%u bad)",
	    name, n - 1, failed, succeeded, bad);
}

/*
 * Device register: RTM_NEWLINK of a dummy device with its n-th allocation
 * failing. A failed call leaves no device; a device that got registered
 * takes a tcx program, and deleting it releases the program again.
 */
static void run_dev_register(void)
{
	static const char name[] = "dummy device register, then a tcx program on it";
	unsigned int n, left = 0, failed = 0, succeeded = 0, bad = 0;
	struct snap s;
	uint32_t i3;
	int ret;

	for (n = 1; n <= MAX_DEV_N; n++) {
		fail_nth(n);
		ret = dev_nl(nl, true, DEV3, 0);
		left = nth_left();
		fail_nth(0);
		i3 = if_nametoindex(DEV3);
		if (ret && i3)
			ret = 0;	/* registered; only the answer failed */
		if (!ret && !i3) {
			printf("# %s, allocation %u: success reported, but no device\n", name, n);
			bad++;
		}
		if (ret) {
			failed++;
			if (!documented_dev(-ret)) {
				printf("# %s, allocation %u failed: %s (%d)\n", name, n,
				       errno_name(-ret), -ret);
				bad++;
			}
		} else if (i3) {
			succeeded++;
			snapshot(i3, &s);
			if (tcx_opts(BPF_PROG_ATTACH, i3, TCX_INGRESS, progs[7], 0, 0) ||
			    s.ret[0] || s.count[0] || s.rev[0] != 1) {
				printf("# %s, allocation %u: the new device's hook is not empty or refuses a program (count %u, rev %llu): %s\n",
				       name, n, s.count[0], (unsigned long long)s.rev[0], strerror(errno));
				bad++;
			}
			if (dev_nl(nl, false, NULL, i3)) {
				printf("# %s, allocation %u: cannot delete the device\n", name, n);
				bad++;
			}
		}
		if (left)
			break;
	}
	dev_case_tap(name, n, left, failed, succeeded, bad);
}

/*
 * Device unregister with tcx programs on it (an opts program at ingress,
 * a link at egress): RTM_DELLINK with its n-th allocation failing. A
 * failed call leaves the device and both hooks exactly as they were;
 * once the device is gone, the link is defunct (tcx.ifindex 0).
 */
static void run_dev_unregister(void)
{
	static const char name[] = "unregister of a device with an opts program and a link";
	unsigned int n, left = 0, failed = 0, succeeded = 0, bad = 0;
	struct bpf_link_info info;
	struct snap before, after;
	uint32_t i3;
	int ret, l;

	for (n = 1; n <= MAX_DEV_N; n++) {
		i3 = dev_nl(nl, true, DEV3, 0) ? 0 : if_nametoindex(DEV3);
		l = i3 ? link_create(i3, TCX_EGRESS, progs[6]) : -1;
		if (!i3 || l < 0 || tcx_opts(BPF_PROG_ATTACH, i3, TCX_INGRESS, progs[7], 0, 0)) {
			printf("# %s: setup of round %u failed: %s\n", name, n, strerror(errno));
			bad++;
			if (l >= 0)
				close(l);
			if (i3)
				dev_nl(nl, false, NULL, i3);
			break;
		}
		snapshot(i3, &before);
		fail_nth(n);
		ret = dev_nl(nl, false, NULL, i3);
		left = nth_left();
		fail_nth(0);
		if (ret && !if_nametoindex(DEV3))
			ret = 0;	/* deleted; only the answer failed */
		if (ret) {
			failed++;
			if (!documented(-ret, true)) {
				printf("# %s, allocation %u failed: %s (%d)\n", name, n,
				       errno_name(-ret), -ret);
				bad++;
			}
			snapshot(i3, &after);
			if (memcmp(&before, &after, sizeof(before))) {
				printf("# %s, allocation %u failed but the hooks changed: count %u/%u -> %u/%u\n",
				       name, n, before.count[0], before.count[1], after.count[0],
				       after.count[1]);
				bad++;
			}
			if (dev_nl(nl, false, NULL, i3)) {
				printf("# %s, allocation %u: cannot delete the device afterwards\n", name, n);
				bad++;
			}
		} else {
			succeeded++;
		}
		memset(&info, 0, sizeof(info));
		if (link_info(l, &info) || info.type != LINK_TYPE_TCX || info.tcx.ifindex) {
			printf("# %s, allocation %u: the link is not defunct (ifindex %u)\n", name, n,
			       info.tcx.ifindex);
			bad++;
		}
		close(l);
		if (left)
			break;
	}
	dev_case_tap(name, n, left, failed, succeeded, bad);
}

int main(int argc, char **argv)
{
	bool devices = argc > 1 && !strcmp(argv[1], "-d");
	static const char *const knobs[] = { "ignore-gfp-wait", "probability", "times",
					     "task-filter", "verbose", "interval" };
	char saved[6][32], path[128];
	struct snap s;
	int i, l1, l2, left, left_p, mif, ret;
	bool ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), FS "%s", knobs[i]);
		if (read_file(path, saved[i], sizeof(saved[i]))) {
			printf("ok - fault: failslab # SKIP no %s (CONFIG_FAILSLAB, debugfs)\n", path);
			return 0;
		}
	}
	nth_fd = open("/proc/self/fail-nth", O_RDWR);
	mif = open("/proc/self/make-it-fail", O_WRONLY);
	if (nth_fd < 0 || mif < 0) {
		printf("ok - fault: failslab # SKIP no /proc/self/fail-nth (CONFIG_FAULT_INJECTION)\n");
		return 0;
	}
	if (write_file(FS "ignore-gfp-wait", "N") || write_file(FS "verbose", "0") ||
	    write_file(FS "probability", "0") || write_file(FS "interval", "1")) {
		tap(false, "fault: configure failslab: %s", strerror(errno));
		return 1;
	}
	sh("ip link del " DEV " 2>/dev/null; ip link del " DEV2 " 2>/dev/null;"
	       "ip link add " DEV " type dummy && ip link set " DEV " up &&"
	       "ip link add " DEV2 " type dummy && ip link set " DEV2 " up");
	idx = if_nametoindex(DEV);
	idx2 = if_nametoindex(DEV2);
	ret = progs_load(progs, NULL, 8, "tcxq_", 0);
	nl = nl_open();
	if (!idx || !idx2 || ret || nl < 0) {
		tap(false, "fault: setup (devices, programs, netlink): %s", strerror(errno));
		return 1;
	}
	/* ingress: progs 1, 2 by opts, 3 and 4 through links */
	ok = !tcx_opts(BPF_PROG_ATTACH, idx, TCX_INGRESS, progs[1], 0, 0) &&
	     !tcx_opts(BPF_PROG_ATTACH, idx, TCX_INGRESS, progs[2], 0, 0);
	l1 = link_create(idx, TCX_INGRESS, progs[3]);
	l2 = link_create(idx, TCX_INGRESS, progs[4]);
	update_link = l2;
	tap(ok && l1 >= 0 && l2 >= 0, "fault: setup: 2 opts programs and 2 links on " DEV " ingress");

	{
		const struct fop ops[] = {
			{ "opts attach to an empty hook", &idx, op_attach_empty, undo_attach_empty, false },
			{ "opts attach BEFORE a program of a populated hook", &idx, op_attach_before,
			  undo_attach_before, false },
			{ "link create on an empty hook", &idx, op_link_empty, undo_link, false },
			{ "link create on a populated hook", &idx, op_link_full, undo_link, false },
			{ "link update", &idx, op_link_update, undo_link_update, false },
		};

		for (i = 0; i < (int)(sizeof(ops) / sizeof(ops[0])); i++)
			run_op(&ops[i]);
	}
	{
		struct fop q = { NULL, &idx, op_qdisc, NULL, true };

		q.name = "clsact qdisc create on a device with tcx programs";
		qkind = "clsact";
		qidx = idx;
		run_op(&q);
		q.name = "ingress qdisc create on a device without tcx programs";
		q.ifindex = &idx2;
		qkind = "ingress";
		qidx = idx2;
		run_op(&q);
	}
	/* about 360 rounds of a device's life: make stress only (-d) */
	if (devices) {
		sh("ip link del " DEV3 " 2>/dev/null");
		run_dev_register();
		run_dev_unregister();
	}

	/* Every allocation of this task fails: teardown still works. */
	write_file(FS "task-filter", "Y");
	write_file(FS "times", "-1");
	write_file(FS "probability", "100");
	/* an open() would allocate: use the fd opened beforehand */
	if (pwrite(mif, "1", 1, 0) != 1)
		tap(false, "fault: make-it-fail: %s", strerror(errno));
	{
		int r1, r2, r3, r4;

		r1 = tcx_opts(BPF_PROG_DETACH, idx, TCX_INGRESS, progs[1], 0, 0);
		r2 = tcx_opts(BPF_PROG_DETACH, idx, TCX_INGRESS, 0, F_BEFORE, 0);	/* 2 is first now */
		r3 = link_detach(l1);
		r4 = close(l2);
		if (pwrite(mif, "0", 1, 0) != 1)
			printf("# make-it-fail: %s\n", strerror(errno));
		write_file(FS "probability", "0");
		snapshot(idx, &s);
		tap(!r1 && !r2 && !r3 && !r4 && !s.ret[0] && s.count[0] == 0,
		    "fault: at 100%% failslab: opts detach %d, fd-less detach %d, link detach %d, link close %d, count %u",
		    r1, r2, r3, r4, s.count[0]);
	}
	close(l1);
	for (i = 0; i < 8; i++)
		close(progs[i]);
	left = ours_left_wait("tcxq_", &left_p, NULL, 100);
	snapshot(idx, &s);
	tap(!left && !s.count[0] && !s.count[1], "fault: nothing of ours left attached or loaded (%d)", left);
	sh("ip link del " DEV "; ip link del " DEV2);
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), FS "%s", knobs[i]);
		write_file(path, saved[i]);
	}
	return tap_summary("fault");
}
