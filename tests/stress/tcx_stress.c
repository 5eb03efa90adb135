// SPDX-License-Identifier: GPL-2.0
/*
 * tcx_stress: concurrency stress of tcx attach points.
 *
 *   tcx_stress [-t SECS] [-j THREADS] [-s SEED] [-c CHURN_SH] [-p PIN_DIR]
 *
 * THREADS worker threads (default 4) hammer the ingress and egress hooks of
 * a dummy device (tcxsd0) and a veth pair (tcxsv0/tcxsv1) for SECS seconds
 * (default 120) with raw bpf() calls: opts attach and detach with every
 * combination of BPF_F_REPLACE/BEFORE/AFTER/ID/LINK, valid and invalid
 * relative objects and random expected revisions; link create, update,
 * detach, close, pin, unpin and re-open; link info; queries with random
 * buffer sizes. Beside them a traffic thread sends raw Ethernet frames
 * through every device (AF_PACKET, a local experimental ethertype, no IP),
 * and CHURN_SH (churn.sh) processes add and delete clsact/ingress qdiscs
 * with cls_bpf filters, delete and recreate the dummy device, and move a
 * veth end into a namespace that is then deleted.
 *
 * A fourth device (dummy tcxsf0) has no anchor: a flapper thread attaches
 * a program to its egress hook and detaches it again in a loop, so the
 * hook is created and freed each time, while a second traffic thread
 * sends through that device as fast as it can. A hook freed, or an entry
 * reused, before the data path's readers are done with it (a missing
 * grace period) is a use-after-free there, which KASAN reports.
 *
 * Checked while it runs: every errno is one the series documents for the
 * command (common.h); a query reports count <= 63 and returns exactly
 * min(count, buffer) ids, -ENOSPC only for a short buffer; the revision of
 * a hook never goes backwards as seen by one thread (keyed by ifindex,
 * which changes when a device is recreated) while the hook holds something:
 * the main thread keeps an anchor link on both hooks of every device (an
 * empty hook frees its entry and starts again at revision 1, as upstream
 * does, so only anchored hooks are judged); a tcx link's info has the tcx
 * link type and a tcx attach type. At the end, with the churn stopped and
 * every link unpinned and closed: fd-less detach empties every hook, every
 * query reports count 0, and no program or link of ours is left in the
 * kernel. One TAP line per check, then the per-operation and errno tables.
 * Exit status 0 only if every check passed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common.h"

#define NPROGS 12
#define NLINKS 12
#define NREV 32
#define NIDS 64

static const char *const devs[] = { "tcxsd0", "tcxsv0", "tcxsv1" };
#define NDEVS 3

static int prog_fds[NPROGS];
static uint32_t prog_ids[NPROGS];
static int other_prog_fd;	/* a socket filter: wrong type as relative */
static int map_fd;		/* an unrelated object */
static uint32_t link_ids_seen[NIDS];	/* ids of links any thread made */
static volatile int stop;

/*
 * Anchors: the main thread keeps a link of its own on both hooks of every
 * device it sees (workers never get its fd, so they cannot remove it).
 * A hook that holds something keeps its entry and so its revision; an
 * empty hook drops the entry and starts again at revision 1. The revision
 * check applies to hooks that were anchored before the query started.
 */
#define NANCHORS 2048
static int anchor_prog;
static uint32_t anchored[NANCHORS];	/* ifindexes with both anchors */
static int anchor_fds[2 * NANCHORS];
static unsigned int n_anchored, n_anchor_fds;

/*
 * Current ifindex of each device (0: missing), refreshed by the main thread
 * from sysfs. Not if_nametoindex(): for a missing name its ioctl asks the
 * kernel to load a "netdev-NAME" module, which runs modprobe each time
 * (seconds on a slow guest).
 */
static uint32_t cur_idx[3];

static uint32_t sysfs_ifindex(const char *name)
{
	char path[64], buf[16];

	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", name);
	return read_file(path, buf, sizeof(buf)) ? 0 : strtoul(buf, NULL, 10);
}

static void refresh_ifindexes(void)
{
	unsigned int d;

	for (d = 0; d < 3; d++)
		__atomic_store_n(&cur_idx[d], sysfs_ifindex(devs[d]), __ATOMIC_RELAXED);
}

static uint32_t dev_ifindex(unsigned int d)
{
	return __atomic_load_n(&cur_idx[d], __ATOMIC_RELAXED);
}

static bool is_anchored(uint32_t ifindex)
{
	unsigned int i, n = __atomic_load_n(&n_anchored, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		if (anchored[i] == ifindex)
			return true;
	return false;
}

static void anchor_devices(void)
{
	unsigned int d, t;
	uint32_t idx;
	int fd, ok;

	for (d = 0; d < 3; d++) {
		idx = dev_ifindex(d);
		if (!idx || is_anchored(idx) || n_anchored >= NANCHORS)
			continue;
		for (t = 0, ok = 0; t < 2; t++) {
			fd = link_create(idx, TCX_INGRESS + t, anchor_prog);
			if (fd >= 0) {
				anchor_fds[n_anchor_fds++] = fd;
				ok++;
			}
		}
		if (ok == 2) {
			anchored[n_anchored] = idx;
			__atomic_store_n(&n_anchored, n_anchored + 1, __ATOMIC_RELEASE);
		}
	}
}
static const char *pin_dir = "/sys/fs/bpf/tcxstress";

struct rev_seen {
	uint32_t ifindex, type;
	uint64_t rev;
};

struct link_slot {
	int fd;			/* -1: none */
	uint32_t id;
	char pin[128];		/* "": not pinned */
};

struct worker {
	pthread_t th;
	int id;
	uint64_t rng;
	struct stats st;
	struct link_slot links[NLINKS];
	struct rev_seen revs[NREV];
	unsigned long queries, rev_checks;
	unsigned long bad_query, bad_rev, bad_info, bad_errno;
	unsigned int pins;
};

static uint64_t rnd(struct worker *w)
{
	return xorshift64(&w->rng);
}

static unsigned int pick(struct worker *w, unsigned int n)
{
	return rnd(w) % n;
}

static uint32_t pick_ifindex(struct worker *w)
{
	unsigned int r = pick(w, 100);
	unsigned int idx;

	if (r < 3)
		return 0;
	if (r < 5)
		return 0xffffffff;
	/* a device that exists now, if any does (they come and go) */
	for (r = pick(w, NDEVS), idx = 0; !idx && r < 2 * NDEVS; r++)
		idx = dev_ifindex(r % NDEVS);
	return idx ? idx : 0x7ffffff0;
}

static uint32_t pick_type(struct worker *w)
{
	return pick(w, 2) ? TCX_INGRESS : TCX_EGRESS;
}

static uint32_t pick_flags(struct worker *w)
{
	return tcx_rand_flags(&w->rng);
}

static struct link_slot *any_link(struct worker *w)
{
	return &w->links[pick(w, NLINKS)];
}

/* Mostly a slot that holds a link (a random one now and then, or if none). */
static struct link_slot *used_link(struct worker *w)
{
	unsigned int i, start = pick(w, NLINKS);

	if (pick(w, 10) == 0)
		return any_link(w);
	for (i = 0; i < NLINKS; i++)
		if (w->links[(start + i) % NLINKS].fd >= 0)
			return &w->links[(start + i) % NLINKS];
	return &w->links[start];
}

/* A relative object consistent or not with @flags. */
static uint32_t pick_relative(struct worker *w, uint32_t flags)
{
	struct link_slot *l;

	switch (pick(w, 10)) {
	case 0:
		return 0;
	case 1:
		return 9999;		/* a closed fd */
	case 2:
		return other_prog_fd;
	case 3:
		return map_fd;
	case 4:
		return 0x7ffffff0;	/* an id nobody has */
	default:
		break;
	}
	if (flags & F_LINK) {
		if (flags & F_ID)
			return __atomic_load_n(&link_ids_seen[pick(w, NIDS)], __ATOMIC_RELAXED);
		l = any_link(w);
		return l->fd >= 0 ? (uint32_t)l->fd : 0;
	}
	if (flags & F_ID)
		return prog_ids[pick(w, NPROGS)];
	return prog_fds[pick(w, NPROGS)];
}

static uint64_t *rev_slot(struct worker *w, uint32_t ifindex, uint32_t type)
{
	unsigned int i;

	for (i = 0; i < NREV; i++)
		if (w->revs[i].ifindex == ifindex && w->revs[i].type == type)
			return &w->revs[i].rev;
	i = pick(w, NREV);
	w->revs[i].ifindex = ifindex;
	w->revs[i].type = type;
	w->revs[i].rev = 0;
	return &w->revs[i].rev;
}

static uint64_t pick_revision(struct worker *w, uint32_t ifindex, uint32_t type)
{
	switch (pick(w, 10)) {
	case 0:
		return rnd(w) % 1000;
	case 1:
	case 2:
	case 3:
		return *rev_slot(w, ifindex, type);
	default:
		return 0;
	}
}

static void errno_check(struct worker *w, enum op op, int ret, const char *what)
{
	int e = errno;

	if (!account(&w->st, op, ret, e, what))
		w->bad_errno++;
}

static void do_query(struct worker *w)
{
	uint32_t ifindex = pick_ifindex(w), type = pick_type(w);
	uint32_t ids[MAX_PROGS + 8], lids[MAX_PROGS + 8], n, count, i, got;
	bool with_ids = pick(w, 10) != 0;
	uint64_t rev, *last;
	bool anchored_before = is_anchored(ifindex);
	char what[96];
	int ret, e;

	n = pick(w, 4) == 0 ? 0 : pick(w, MAX_PROGS + 8);
	for (i = 0; i < MAX_PROGS + 8; i++)
		ids[i] = lids[i] = 0xdeadbeef;
	ret = tcx_query(ifindex, type, with_ids ? ids : NULL,
			pick(w, 2) ? lids : NULL, n, &count, &rev);
	e = errno;
	snprintf(what, sizeof(what), "query ifindex %u type %u buffer %u%s",
		 ifindex, type, n, with_ids ? "" : " (no ids)");
	errno = e;
	errno_check(w, OP_QUERY, ret, what);
	if (ret && e != ENOSPC)
		return;
	w->queries++;
	got = with_ids && n ? (n < count ? n : count) : 0;
	if (count > MAX_PROGS) {
		printf("# query: count %u > %d (%s)\n", count, MAX_PROGS, what);
		w->bad_query++;
	}
	if (ret && !(with_ids && n && n < count)) {
		printf("# query: ENOSPC with buffer %u for count %u (%s)\n", n, count, what);
		w->bad_query++;
	}
	if (!ret && with_ids && n && n < count) {
		printf("# query: success with buffer %u < count %u (%s)\n", n, count, what);
		w->bad_query++;
	}
	for (i = 0; with_ids && i < n && i < MAX_PROGS + 8; i++) {
		bool set = ids[i] != 0xdeadbeef;

		if ((i < got) != set || (set && !ids[i])) {
			printf("# query: id[%u] = %#x with count %u buffer %u (%s)\n",
			       i, ids[i], count, n, what);
			w->bad_query++;
			break;
		}
	}
	if (rev < 1) {
		printf("# query: revision 0 (%s)\n", what);
		w->bad_rev++;
	}
	if (!anchored_before)
		return;
	last = rev_slot(w, ifindex, type);
	if (rev < *last) {
		printf("# revision went back from %llu to %llu (%s)\n",
		       (unsigned long long)*last, (unsigned long long)rev, what);
		w->bad_rev++;
	}
	w->rev_checks++;
	*last = rev;
}

static void do_attach(struct worker *w, bool detach)
{
	union bpf_attr attr;
	char what[160];
	int ret, e;

	memset(&attr, 0, sizeof(attr));
	attr.target_ifindex = pick_ifindex(w);
	attr.attach_type = pick_type(w);
	attr.attach_flags = pick_flags(w);
	if (pick(w, 50) == 0)
		attr.attach_flags |= 1U << (6 + pick(w, 7));	/* unknown bit */
	if (!detach || pick(w, 3))
		attr.attach_bpf_fd = prog_fds[pick(w, NPROGS)];
	if (attr.attach_flags & F_REPLACE)
		attr.replace_bpf_fd = pick(w, 4) ? prog_fds[pick(w, NPROGS)] : 9999;
	if (pick(w, 2))
		attr.relative_fd = pick_relative(w, attr.attach_flags);
	attr.expected_revision = pick_revision(w, attr.target_ifindex, attr.attach_type);
	ret = sys_bpf(detach ? BPF_PROG_DETACH : BPF_PROG_ATTACH, &attr);
	e = errno;
	snprintf(what, sizeof(what),
		 "ifindex %u type %u flags %#x prog %u replace %u relative %u revision %llu",
		 attr.target_ifindex, attr.attach_type, attr.attach_flags,
		 attr.attach_bpf_fd, attr.replace_bpf_fd, attr.relative_fd,
		 (unsigned long long)attr.expected_revision);
	errno = e;
	errno_check(w, detach ? OP_DETACH : OP_ATTACH, ret, what);
}

static void slot_close(struct worker *w, struct link_slot *l)
{
	if (l->fd < 0)
		return;
	close(l->fd);
	w->st.calls[OP_LINK_CLOSE]++;
	w->st.ok[OP_LINK_CLOSE]++;
	l->fd = -1;
}

static void do_link_create(struct worker *w)
{
	struct link_slot *l = any_link(w);
	union bpf_attr attr;
	char what[160];
	int ret;

	if (l->pin[0]) {	/* the slot's old link goes away with its pin */
		errno_check(w, OP_UNPIN, unlink(l->pin), l->pin);
		l->pin[0] = 0;
	}
	slot_close(w, l);
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fds[pick(w, NPROGS)];
	attr.link_create.target_ifindex = pick_ifindex(w);
	attr.link_create.attach_type = pick_type(w);
	attr.link_create.flags = pick(w, 3) ? 0 : pick_flags(w);
	if (pick(w, 50) == 0)
		attr.link_create.flags |= 1U << (6 + pick(w, 7));
	if (pick(w, 2))
		attr.link_create.tcx.relative_fd = pick_relative(w, attr.link_create.flags);
	attr.link_create.tcx.expected_revision =
		pick_revision(w, attr.link_create.target_ifindex, attr.link_create.attach_type);
	snprintf(what, sizeof(what), "ifindex %u type %u flags %#x relative %u revision %llu",
		 attr.link_create.target_ifindex, attr.link_create.attach_type,
		 attr.link_create.flags, attr.link_create.tcx.relative_fd,
		 (unsigned long long)attr.link_create.tcx.expected_revision);
	ret = sys_bpf(BPF_LINK_CREATE, &attr);
	errno_check(w, OP_LINK_CREATE, ret, what);
	if (ret < 0)
		return;
	l->fd = ret;
	l->id = 0;
	{
		struct bpf_link_info info;

		if (!link_info(ret, &info))
			l->id = info.id;
	}
	__atomic_store_n(&link_ids_seen[pick(w, NIDS)], l->id, __ATOMIC_RELAXED);
}

static void do_link_update(struct worker *w)
{
	struct link_slot *l = used_link(w);
	union bpf_attr attr;
	char what[96];
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = l->fd >= 0 ? l->fd : 9999;
	attr.link_update.new_prog_fd = prog_fds[pick(w, NPROGS)];
	if (pick(w, 3) == 0) {
		attr.link_update.flags = BPF_F_REPLACE;
		attr.link_update.old_prog_fd = prog_fds[pick(w, NPROGS)];
	}
	snprintf(what, sizeof(what), "link fd %u flags %#x", attr.link_update.link_fd,
		 attr.link_update.flags);
	ret = sys_bpf(BPF_LINK_UPDATE, &attr);
	errno_check(w, OP_LINK_UPDATE, ret, what);
}

static void do_link_detach(struct worker *w)
{
	struct link_slot *l = used_link(w);
	int ret;

	ret = link_detach(l->fd >= 0 ? l->fd : 9999);
	errno_check(w, OP_LINK_DETACH, ret, "link detach");
}

static void do_link_info(struct worker *w)
{
	struct link_slot *l = used_link(w);
	struct bpf_link_info info;
	int ret;

	if (l->fd < 0)
		return;
	ret = link_info(l->fd, &info);
	errno_check(w, OP_LINK_INFO, ret, "link info");
	if (ret)
		return;
	if (info.type != LINK_TYPE_TCX ||
	    (info.tcx.attach_type != TCX_INGRESS && info.tcx.attach_type != TCX_EGRESS) ||
	    (l->id && info.id != l->id)) {
		printf("# link info: type %u attach_type %u id %u (expected %u)\n",
		       info.type, info.tcx.attach_type, info.id, l->id);
		w->bad_info++;
	}
}

static void do_pin(struct worker *w)
{
	struct link_slot *l = any_link(w);
	int ret;

	if (l->fd < 0)
		return;
	if (l->pin[0]) {	/* unpin */
		ret = unlink(l->pin);
		errno_check(w, OP_UNPIN, ret, l->pin);
		l->pin[0] = 0;
		return;
	}
	snprintf(l->pin, sizeof(l->pin), "%s/w%d_%u", pin_dir, w->id, w->pins++);
	ret = obj_pin(l->fd, l->pin);
	errno_check(w, OP_PIN, ret, l->pin);
	if (ret)
		l->pin[0] = 0;
}

/* Close a pinned link's fd, then open it again from its pin. */
static void do_reopen(struct worker *w)
{
	struct link_slot *l = any_link(w);
	int ret;

	if (!l->pin[0])
		return;
	slot_close(w, l);
	ret = obj_get(l->pin);
	errno_check(w, OP_GET_PINNED, ret, l->pin);
	if (ret >= 0)
		l->fd = ret;
	else
		l->pin[0] = 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned int r;

	while (!stop) {
		r = pick(w, 100);
		if (r < 22)
			do_attach(w, false);
		else if (r < 40)
			do_attach(w, true);
		else if (r < 58)
			do_query(w);
		else if (r < 70)
			do_link_create(w);
		else if (r < 77)
			do_link_update(w);
		else if (r < 82)
			do_link_detach(w);
		else if (r < 86)
			slot_close(w, any_link(w));
		else if (r < 91)
			do_pin(w);
		else if (r < 94)
			do_reopen(w);
		else
			do_link_info(w);
		/*
		 * Breathe: on a slow guest the calls that take the RTNL and
		 * wait for RCU would otherwise keep the churn's ip/tc out.
		 */
		usleep(2000 + pick(w, 8000));
	}
	return NULL;
}

static unsigned long frames;	/* traffic thread only */

static void *traffic_main(void *arg)
{
	unsigned char frame[64];
	struct sockaddr_ll sll;
	unsigned int i;
	int s;

	(void)arg;
	s = socket(AF_PACKET, SOCK_RAW, 0);
	if (s < 0) {
		printf("# traffic: socket: %s\n", strerror(errno));
		return NULL;
	}
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);				/* broadcast */
	memcpy(frame + 6, "\x02\x00\x00\x00\x00\x01", 6);	/* local MAC */
	frame[12] = 0x88;				/* local experimental */
	frame[13] = 0xb5;
	for (i = 0; !stop; i++) {
		memset(&sll, 0, sizeof(sll));
		sll.sll_family = AF_PACKET;
		sll.sll_ifindex = dev_ifindex(i % NDEVS);
		sll.sll_halen = 6;
		memset(sll.sll_addr, 0xff, 6);
		if (sll.sll_ifindex &&
		    sendto(s, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) > 0)
			frames++;
		if (i % 64 == 63)
			usleep(1000);
	}
	close(s);
	return NULL;
}

#define FLAP_DEV "tcxsf0"
static uint32_t flap_idx;
static unsigned long flap_cycles, flap_bad, flap_frames;	/* their threads only */

/* Attach to the unanchored hook and detach again, until stopped. */
static void *flapper_main(void *arg)
{
	int prog = *(int *)arg;

	while (!stop) {
		if (tcx_opts(BPF_PROG_ATTACH, flap_idx, TCX_EGRESS, prog, 0, 0) ||
		    tcx_opts(BPF_PROG_DETACH, flap_idx, TCX_EGRESS, prog, 0, 0)) {
			if (flap_bad++ < 3)
				printf("# flapper: %s\n", strerror(errno));
			usleep(1000);
			continue;
		}
		flap_cycles++;
	}
	return NULL;
}

/* Frames through the flapping device, back to back. */
static void *flap_traffic_main(void *arg)
{
	unsigned char frame[64];
	struct sockaddr_ll sll;
	int s = socket(AF_PACKET, SOCK_RAW, 0);

	(void)arg;
	if (s < 0)
		return NULL;
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);
	memcpy(frame + 6, "\x02\x00\x00\x00\x00\x02", 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = flap_idx;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	while (!stop)
		if (sendto(s, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) > 0)
			flap_frames++;
	close(s);
	return NULL;
}

static pid_t churn_start(const char *script, const char *mode, int secs)
{
	char s[16];
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	setpgid(0, 0);
	/* bash's "Terminated" notes about children we stop are noise */
	fd = open("/dev/null", O_WRONLY);
	if (fd >= 0)
		dup2(fd, 2);
	snprintf(s, sizeof(s), "%d", secs);
	execlp("bash", "bash", script, mode, s, (char *)NULL);
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *churn = NULL;
	struct worker *ws;
	struct stats total;
	unsigned long queries = 0, revc = 0, bq = 0, br = 0, bi = 0, be = 0;
	int secs = 120, nthreads = 4, opt, i, j, d, left_p, left_l;
	uint64_t seed = (uint64_t)time(NULL);
	pthread_t traffic, flapper, flap_traffic;
	pid_t churns[3];
	time_t t0;
	bool ok;

	while ((opt = getopt(argc, argv, "t:j:s:c:p:")) != -1) {
		switch (opt) {
		case 't': secs = atoi(optarg); break;
		case 'j': nthreads = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'c': churn = optarg; break;
		case 'p': pin_dir = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-t SECS] [-j THREADS] [-s SEED] [-c CHURN_SH] [-p PIN_DIR]\n",
				argv[0]);
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 16 || secs < 1)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# tcx_stress: %d threads, %d s, seed %llu\n", nthreads, secs,
	       (unsigned long long)seed);

	devs_create(devs);
	mkdir(pin_dir, 0700);
	if (progs_load(prog_fds, prog_ids, NPROGS, "tcxs_", 3)) {
		tap(false, "stress: load programs (%s)", strerror(errno));
		return 1;
	}
	other_prog_fd = prog_load_type(BPF_PROG_TYPE_SOCKET_FILTER, 0, "tcxs_sockf");
	anchor_prog = prog_load(-1, "tcxs_anchor");
	map_fd = map_create();
	if (other_prog_fd < 0 || map_fd < 0 || anchor_prog < 0) {
		tap(false, "stress: load socket filter / create map (%s)", strerror(errno));
		return 1;
	}

	ws = calloc(nthreads, sizeof(*ws));
	if (!ws)
		return 1;
	stop = 0;
	refresh_ifindexes();
	for (i = 0; churn && i < 3; i++)
		churns[i] = churn_start(churn, (const char *[]){ "qdisc", "dummy", "netns" }[i], secs);
	pthread_create(&traffic, NULL, traffic_main, NULL);
	sh("ip link del " FLAP_DEV " 2>/dev/null; ip link add " FLAP_DEV " type dummy && ip link set " FLAP_DEV " up");
	flap_idx = if_nametoindex(FLAP_DEV);
	if (flap_idx) {
		pthread_create(&flapper, NULL, flapper_main, &prog_fds[0]);
		pthread_create(&flap_traffic, NULL, flap_traffic_main, NULL);
	}
	for (i = 0; i < nthreads; i++) {
		ws[i].id = i;
		ws[i].rng = seed * 2654435761u + i + 1;
		for (j = 0; j < NLINKS; j++)
			ws[i].links[j].fd = -1;
		pthread_create(&ws[i].th, NULL, worker_main, &ws[i]);
	}
	t0 = time(NULL);
	while (time(NULL) - t0 < secs) {
		refresh_ifindexes();
		anchor_devices();
		usleep(20000);
	}
	/*
	 * Stop: the churn right away (a round can take long on a slow guest;
	 * churn.sh reports its rounds on SIGTERM), then the threads, which
	 * finish the call they are in.
	 */
	stop = 1;
	for (i = 0; churn && i < 3; i++)
		kill(-churns[i], SIGTERM);
	for (i = 0; i < nthreads; i++)
		pthread_join(ws[i].th, NULL);
	pthread_join(traffic, NULL);
	if (flap_idx) {
		pthread_join(flapper, NULL);
		pthread_join(flap_traffic, NULL);
	}
	printf("# threads stopped %ld s after the start\n", (long)(time(NULL) - t0));
	for (i = 0; churn && i < 3; i++) {
		int st;

		waitpid(churns[i], &st, 0);
	}
	printf("# ran %ld s (churn stopped too), %lu frames sent\n", (long)(time(NULL) - t0), frames);
	/* a namespace a stopped churn left behind takes its veth end along */
	sh("for n in $(ip netns list | awk '/^tcxsns/ {print $1}'); do ip netns del $n; done");

	/* Release every link: anchors, then the workers' (unpin, close). */
	for (i = 0; i < (int)n_anchor_fds; i++)
		close(anchor_fds[i]);
	close(anchor_prog);
	memset(&total, 0, sizeof(total));
	for (i = 0; i < nthreads; i++) {
		for (j = 0; j < NLINKS; j++) {
			if (ws[i].links[j].pin[0])
				unlink(ws[i].links[j].pin);
			slot_close(&ws[i], &ws[i].links[j]);
		}
		stats_add(&total, &ws[i].st);
		queries += ws[i].queries;
		revc += ws[i].rev_checks;
		bq += ws[i].bad_query;
		br += ws[i].bad_rev;
		bi += ws[i].bad_info;
		be += ws[i].bad_errno;
	}
	sh("rm -rf '%s'", pin_dir);

	tap(be == 0, "stress: every errno documented for its command (%lu undocumented)", be);
	tap(bq == 0, "stress: %lu queries: count <= 63, ids returned == min(count, buffer), ENOSPC only when short (%lu bad)",
	    queries, bq);
	tap(br == 0, "stress: revision of an anchored hook never went backwards per thread (%lu checks on %u devices, %lu bad)",
	    revc, n_anchored, br);
	tap(bi == 0, "stress: tcx link info type and attach type (%lu bad)", bi);
	tap(flap_idx && flap_cycles && flap_frames && !flap_bad,
	    "stress: unanchored hook created and freed %lu times under %lu frames (%lu failed calls)",
	    flap_cycles, flap_frames, flap_bad);
	tap(total.ok[OP_ATTACH] && total.ok[OP_DETACH] && total.ok[OP_LINK_CREATE] &&
	    total.ok[OP_LINK_UPDATE] && total.ok[OP_LINK_DETACH] && total.ok[OP_PIN],
	    "stress: attach, detach, link create/update/detach and pin each succeeded at least once");

	/* Everything detached: the devices that exist now must end up empty. */
	ok = true;
	for (d = 0; d < NDEVS; d++) {
		uint32_t idx = sysfs_ifindex(devs[d]);

		if (idx && !tcx_hooks_emptied(idx, devs[d], false))
			ok = false;
	}
	tap(ok, "stress: after unpinning and closing every link, fd-less detach empties every hook, counts 0");

	for (i = 0; i < NPROGS; i++)
		close(prog_fds[i]);
	close(other_prog_fd);
	close(map_fd);
	/* namespace cleanup and frees are asynchronous: give them time */
	ours_left_wait("tcxs_", &left_p, &left_l, 300);
	tap(!left_p && !left_l, "stress: no program or tcx link of ours left (%d programs, %d links)",
	    left_p, left_l);
	devs_delete(devs);
	sh("ip link del " FLAP_DEV " 2>/dev/null");

	printf("# operation counts and errnos (%d threads, %d s):\n", nthreads, secs);
	stats_print(&total);
	free(ws);
	return tap_summary("stress");
}
