// SPDX-License-Identifier: GPL-2.0
/*
 * tcx_priv: privileges and network namespaces of tcx attach points.
 *
 * 1. Without CAP_NET_ADMIN, in a child that dropped its capabilities with
 *    capset(2) (once all of them, once all but CAP_BPF and CAP_PERFMON so
 *    that bpf() itself is allowed and tcx's own check has to refuse):
 *    opts attach, detach by program, fd-less detach, query and link create
 *    on a device that holds an opts program and a link all fail with EPERM,
 *    and the hook (ids, link ids, revision) is exactly as before.
 * 2. ifindexes resolve per namespace: a namespace holding a device with
 *    the same ifindex as ours sees an empty hook there, cannot detach our
 *    program, attaches to its own device, and answers ENODEV for an
 *    ifindex it does not have; our hook is unchanged by all of it.
 * 3. Deleting that namespace with a pinned and an unpinned link on its
 *    device leaves both links defunct (link info tcx.ifindex 0,
 *    BPF_LINK_UPDATE ENOLINK), releases the opts program attached there,
 *    and once the links are unpinned and closed, the links and their
 *    programs are gone.
 * One TAP line per case; exit status 0 only if every case passed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <time.h>
#include <linux/capability.h>
#include <sys/wait.h>

#include "common.h"

#define DEV "tcxpd0"
#define NS "tcxpns"
#define PIN "/sys/fs/bpf/tcxpriv_link"

/* ret < 0 with errno @e; prints what happened otherwise. */
static bool fails_with(int ret, int e, const char *what)
{
	if (ret < 0 && errno == e)
		return true;
	if (ret >= 0)
		printf("# %s: succeeded (%d), expected %s\n", what, ret, errno_name(e));
	else
		printf("# %s: %s (%d), expected %s\n", what, errno_name(errno), errno, errno_name(e));
	return false;
}

struct snap {
	int ret;
	uint32_t count, ids[8], links[8];
	uint64_t rev;
};

static void snapshot(uint32_t ifindex, uint32_t type, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->ret = tcx_query(ifindex, type, s->ids, s->links, 8, &s->count, &s->rev);
}

static bool snap_eq(const struct snap *a, const struct snap *b, const char *what)
{
	if (!memcmp(a, b, sizeof(*a)))
		return true;
	printf("# %s: before: ret %d count %u rev %llu ids %u,%u links %u,%u; "
	       "after: ret %d count %u rev %llu ids %u,%u links %u,%u\n", what,
	       a->ret, a->count, (unsigned long long)a->rev, a->ids[0], a->ids[1],
	       a->links[0], a->links[1], b->ret, b->count, (unsigned long long)b->rev,
	       b->ids[0], b->ids[1], b->links[0], b->links[1]);
	return false;
}

/* Keep only the capabilities of @keep (a bit mask of CAP_* numbers). */
static int drop_caps(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	return syscall(SYS_capset, &hdr, data);
}

/*
 * In a child without CAP_NET_ADMIN (keeping @keep), every tcx command on
 * @ifindex must fail with EPERM. Returns the number of failed cases.
 */
static int unprivileged(const char *label, uint64_t keep, uint32_t ifindex,
			int attached_fd, int spare_fd)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		uint32_t count;

		n_ok = n_fail = 0;
		if (drop_caps(keep)) {
			tap(false, "priv %s: capset: %s", label, strerror(errno));
			_exit(1);
		}
		tap(fails_with(tcx_opts(BPF_PROG_ATTACH, ifindex, TCX_INGRESS, spare_fd, 0, 0), EPERM,
			       "attach"), "priv %s: opts attach refused with EPERM", label);
		tap(fails_with(tcx_opts(BPF_PROG_DETACH, ifindex, TCX_INGRESS, attached_fd, 0, 0), EPERM,
			       "detach"), "priv %s: detach of an attached program refused with EPERM",
		    label);
		tap(fails_with(tcx_opts(BPF_PROG_DETACH, ifindex, TCX_INGRESS, 0, 0, 0), EPERM,
			       "fd-less detach"), "priv %s: fd-less detach refused with EPERM", label);
		tap(fails_with(tcx_opts(BPF_PROG_DETACH, ifindex, TCX_INGRESS, 0, F_BEFORE, 0), EPERM,
			       "fd-less detach BEFORE"),
		    "priv %s: fd-less detach BPF_F_BEFORE refused with EPERM", label);
		tap(fails_with(tcx_query(ifindex, TCX_INGRESS, NULL, NULL, 0, &count, NULL), EPERM,
			       "query"), "priv %s: query refused with EPERM", label);
		tap(fails_with(link_create(ifindex, TCX_INGRESS, spare_fd), EPERM, "link create"),
		    "priv %s: link create refused with EPERM", label);
		tap(fails_with(link_create(ifindex, TCX_EGRESS, spare_fd), EPERM, "link create egress"),
		    "priv %s: link create (egress) refused with EPERM", label);
		_exit(n_fail);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
		tap(false, "priv %s: the child did not exit normally", label);
		return 0;
	}
	n_fail += WEXITSTATUS(st);
	n_ok += 7 - WEXITSTATUS(st);
	return WEXITSTATUS(st);
}

static bool wait_gone(int cmd, uint32_t id)
{
	union bpf_attr attr;
	int i, fd;

	for (i = 0; i < 100; i++) {
		memset(&attr, 0, sizeof(attr));
		if (cmd == BPF_PROG_GET_FD_BY_ID)
			attr.prog_id = id;
		else
			attr.link_id = id;
		fd = sys_bpf(cmd, &attr);
		if (fd < 0 && errno == ENOENT)
			return true;
		if (fd >= 0)
			close(fd);
		usleep(100000);
	}
	return false;
}

int main(void)
{
	int p1, p2, p3, p4, p5, p6, l1, lpin, lfd, lget, initns, nsfd, ret, i;
	uint32_t idx, p3_id, p4_id, p5_id, lpin_id, lfd_id, count;
	struct bpf_link_info info;
	struct snap before, after, ns;
	bool ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sh("ip link del " DEV " 2>/dev/null; ip netns del " NS " 2>/dev/null; rm -f " PIN);
	if (sh("ip link add " DEV " type dummy && ip link set " DEV " up")) {
		tap(false, "priv: create " DEV);
		return 1;
	}
	idx = if_nametoindex(DEV);
	p1 = prog_load(-1, "tcxp_p1");
	p2 = prog_load(-1, "tcxp_p2");
	p3 = prog_load(0, "tcxp_p3");
	p4 = prog_load(0, "tcxp_p4");
	p5 = prog_load(0, "tcxp_p5");
	p6 = prog_load(0, "tcxp_p6");
	if (p1 < 0 || p2 < 0 || p3 < 0 || p4 < 0 || p5 < 0 || p6 < 0) {
		tap(false, "priv: load programs: %s", strerror(errno));
		return 1;
	}
	ret = tcx_opts(BPF_PROG_ATTACH, idx, TCX_INGRESS, p1, 0, 0);
	l1 = link_create(idx, TCX_INGRESS, p2);
	tap(!ret && l1 >= 0, "priv: root attaches an opts program and a link to " DEV " ingress");
	snapshot(idx, TCX_INGRESS, &before);

	/* 1. no CAP_NET_ADMIN */
	unprivileged("no capabilities", 0, idx, p1, p3);
	unprivileged("CAP_BPF+CAP_PERFMON only", (1ULL << 39) | (1ULL << 38), idx, p1, p3);
	snapshot(idx, TCX_INGRESS, &after);
	tap(!before.ret && before.count == 2 && snap_eq(&before, &after, "unprivileged"),
	    "priv: refused commands changed nothing (ids, link ids, revision)");

	/* 2. another namespace, a device with the same ifindex */
	ok = !sh("ip netns add " NS " && ip -n " NS " link add " DEV " index %u type dummy &&"
		 "ip -n " NS " link set " DEV " up", idx);
	initns = open("/proc/self/ns/net", O_RDONLY);
	nsfd = open("/run/netns/" NS, O_RDONLY);
	if (!ok || initns < 0 || nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
		tap(false, "priv: namespace " NS " with a device of ifindex %u: %s", idx, strerror(errno));
		return 1;
	}
	snapshot(idx, TCX_INGRESS, &ns);
	tap(!ns.ret && ns.count == 0 && ns.rev == 1,
	    "priv netns: same ifindex in another namespace is another, empty hook (count %u rev %llu)",
	    ns.count, (unsigned long long)ns.rev);
	tap(fails_with(tcx_opts(BPF_PROG_DETACH, idx, TCX_INGRESS, p1, 0, 0), ENOENT, "netns detach p1"),
	    "priv netns: our program cannot be detached from there (ENOENT)");
	tap(fails_with(tcx_opts(BPF_PROG_DETACH, idx, TCX_INGRESS, 0, 0, 0), ENOENT,
		       "netns fd-less detach"),
	    "priv netns: fd-less detach there finds nothing (ENOENT)");
	tap(fails_with(tcx_query(idx + 1000, TCX_INGRESS, NULL, NULL, 0, &count, NULL), ENODEV,
		       "netns query of a missing ifindex"),
	    "priv netns: query of an ifindex the namespace does not have: ENODEV");
	ret = tcx_opts(BPF_PROG_ATTACH, idx, TCX_INGRESS, p3, 0, 0);
	snapshot(idx, TCX_INGRESS, &ns);
	p3_id = prog_id_of(p3);
	tap(!ret && ns.count == 1 && ns.ids[0] == p3_id,
	    "priv netns: attach there lands on the namespace's device");
	lpin = link_create(idx, TCX_INGRESS, p4);
	lfd = link_create(idx, TCX_EGRESS, p5);
	ok = lpin >= 0 && lfd >= 0;
	if (ok)
		ok = !obj_pin(lpin, PIN);
	tap(ok, "priv netns: a pinned and an unpinned link on the namespace's device");
	lpin_id = ok && !link_info(lpin, &info) ? info.id : 0;
	lfd_id = ok && !link_info(lfd, &info) ? info.id : 0;
	if (setns(initns, CLONE_NEWNET)) {
		tap(false, "priv: back to the initial namespace: %s", strerror(errno));
		return 1;
	}
	snapshot(idx, TCX_INGRESS, &after);
	tap(snap_eq(&before, &after, "netns"),
	    "priv netns: our hook unchanged by what happened in the other namespace");

	/* 3. delete the namespace under the links (our fd would keep it) */
	close(nsfd);
	if (lpin >= 0)
		close(lpin);	/* the pin holds it */
	p4_id = prog_id_of(p4);
	p5_id = prog_id_of(p5);
	sh("ip netns del " NS);
	ok = false;
	for (i = 0; i < 300 && lfd >= 0; i++) {
		if (!link_info(lfd, &info) && info.tcx.ifindex == 0) {
			ok = true;
			break;
		}
		usleep(100000);
	}
	tap(ok, "priv netns del: unpinned link reads tcx.ifindex 0 (after %d ms)", i * 100);
	lget = obj_get(PIN);
	tap(lget >= 0 && !link_info(lget, &info) && info.tcx.ifindex == 0 && info.id == lpin_id &&
	    info.type == LINK_TYPE_TCX,
	    "priv netns del: pinned link reads tcx.ifindex 0");
	tap(fails_with(link_update(lfd, p6), ENOLINK, "update unpinned defunct link"),
	    "priv netns del: BPF_LINK_UPDATE of the unpinned link: ENOLINK");
	tap(fails_with(link_update(lget, p6), ENOLINK, "update pinned defunct link"),
	    "priv netns del: BPF_LINK_UPDATE of the pinned link: ENOLINK");
	close(p3);
	tap(wait_gone(BPF_PROG_GET_FD_BY_ID, p3_id),
	    "priv netns del: the opts program attached there was released");
	close(lfd);
	close(lget);
	unlink(PIN);
	close(p4);
	close(p5);
	tap(wait_gone(BPF_LINK_GET_FD_BY_ID, lfd_id) && wait_gone(BPF_LINK_GET_FD_BY_ID, lpin_id),
	    "priv netns del: both links gone once closed and unpinned");
	tap(wait_gone(BPF_PROG_GET_FD_BY_ID, p4_id) && wait_gone(BPF_PROG_GET_FD_BY_ID, p5_id),
	    "priv netns del: their programs gone too");

	/* cleanup of the initial namespace's hook */
	close(l1);
	ret = tcx_opts(BPF_PROG_DETACH, idx, TCX_INGRESS, p1, 0, 0);
	snapshot(idx, TCX_INGRESS, &after);
	tap(!ret && !after.ret && after.count == 0, "priv: link closed, program detached, count 0");
	close(p1);
	close(p2);
	close(p6);
	sh("ip link del " DEV);
	return tap_summary("priv");
}
