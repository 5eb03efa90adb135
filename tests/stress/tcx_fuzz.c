// SPDX-License-Identifier: GPL-2.0
/*
 * tcx_fuzz: seeded, replayable fuzzing of the tcx bpf() commands.
 *
 *   tcx_fuzz [-n CALLS] [-s SEED]
 *
 * Makes CALLS (default 100000) bpf() calls of BPF_PROG_ATTACH,
 * BPF_PROG_DETACH, BPF_PROG_QUERY, BPF_LINK_CREATE, BPF_LINK_UPDATE,
 * BPF_LINK_DETACH and BPF_OBJ_GET_INFO_BY_FD (on tcx links mostly) with
 * attrs built from: attach types 42-49 (now and then any value), random
 * and unknown flag bits, fds of programs (right and wrong type), links,
 * a map, closed and never-opened fds, ids, ifindex 0 / 0xffffffff / our
 * devices / random, random revisions, user pointers valid, NULL and bad;
 * then some attrs get random bytes flipped, and the attr size passed is
 * the struct's, smaller, or larger with a zero or non-zero tail.
 *
 * The same SEED gives the same sequence of calls (printed at start; the
 * kernel's answers can still differ where they depend on ids and fds).
 * Checked: for the tcx attach types (44-47) and the link/info commands,
 * every errno is one the series documents (common.h); at the end, with all
 * links closed, fd-less detach empties every hook of every ifindex up to
 * 256 and our devices, queries report count 0, and none of our programs or
 * tcx links is left. One TAP line per check, then the errno table.
 */
#define _GNU_SOURCE
#include <net/if.h>
#include <stddef.h>
#include <time.h>

#include "common.h"

#define NPROGS 6
#define NLINKS 24
#define BUF 512

static uint64_t rng;

static uint64_t rnd(void)
{
	return xorshift64(&rng);
}

static unsigned int pick(unsigned int n)
{
	return rnd() % n;
}

static const char *const devs[] = { "tcxfd0", "tcxfv0", "tcxfv1" };
#define NDEVS 3
static uint32_t dev_idx[NDEVS];
static int prog_fds[NPROGS], other_prog_fd, map_fd;
static uint32_t prog_ids[NPROGS];
static int link_fds[NLINKS];
static uint32_t link_ids[NLINKS];
static int closed_fds[8];
static uint32_t query_buf[128];

static uint32_t any_fd(void)
{
	switch (pick(8)) {
	case 0: case 1: case 2:
		return prog_fds[pick(NPROGS)];
	case 3: case 4:
		return link_fds[pick(NLINKS)] >= 0 ? (uint32_t)link_fds[pick(NLINKS)] : 0;
	case 5:
		return pick(2) ? (uint32_t)other_prog_fd : (uint32_t)map_fd;
	case 6:
		return closed_fds[pick(8)];
	default:
		return pick(2) ? 0 : (uint32_t)rnd();
	}
}

static uint32_t any_id(void)
{
	switch (pick(4)) {
	case 0:
		return prog_ids[pick(NPROGS)];
	case 1:
		return link_ids[pick(NLINKS)];
	case 2:
		return pick(2) ? 0 : 0x7ffffff0;
	default:
		return pick(1000);
	}
}

static uint32_t any_relative(uint32_t flags)
{
	return flags & F_ID ? any_id() : any_fd();
}

static uint32_t any_ifindex(void)
{
	switch (pick(8)) {
	case 0:
		return 0;
	case 1:
		return 0xffffffff;
	case 2:
		return (uint32_t)rnd();
	default:
		return dev_idx[pick(NDEVS)];
	}
}

static uint32_t any_type(void)
{
	if (pick(20) == 0)
		return (uint32_t)rnd() % 64;
	return 42 + pick(8);
}

static uint32_t any_flags(void)
{
	uint32_t f = tcx_rand_flags(&rng);

	if (pick(10) == 0)
		f |= 1U << pick(32);
	if (pick(50) == 0)
		f = (uint32_t)rnd();
	return f;
}

static uint64_t any_revision(void)
{
	switch (pick(4)) {
	case 0:
		return pick(20);
	case 1:
		return rnd();
	default:
		return 0;
	}
}

static uint64_t any_ptr(void *good)
{
	switch (pick(10)) {
	case 0:
		return 0;
	case 1:
		return 1;		/* bad */
	case 2:
		return 0xffffffffffff0000ULL;	/* kernel-ish, bad */
	default:
		return (unsigned long)good;
	}
}

/* Keep a new link in slot @i (picked before the call: the sequence of
 * random numbers must not depend on the kernel's answers). */
static void keep_link(int fd, int i)
{
	struct bpf_link_info info;

	if (link_fds[i] >= 0) {
		close(link_fds[i]);
		closed_fds[pick(8)] = link_fds[i];
	}
	link_fds[i] = fd;
	link_ids[i] = link_info(fd, &info) ? 0 : info.id;
}

/* The u32 at @off as the kernel reads it from an attr of @size bytes. */
static uint32_t seen_u32(const unsigned char *buf, unsigned int size, unsigned int off)
{
	uint32_t v = 0;

	if (size > off)
		memcpy(&v, buf + off, size - off < 4 ? size - off : 4);
	return v;
}

static bool is_tcx(uint32_t attach_type)
{
	return attach_type >= 44 && attach_type <= 47;
}

int main(int argc, char **argv)
{
	unsigned long calls = 100000, i, unchecked = 0, bad = 0, big = 0, small = 0, flipped = 0;
	uint64_t seed = (uint64_t)time(NULL);
	static struct stats st, other;
	unsigned char buf[BUF], info[BUF];
	int opt, d, ret, e, left, left_p, left_l;
	bool ok;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n': calls = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: %s [-n CALLS] [-s SEED]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# tcx_fuzz: seed %llu, %lu calls (replay: -s %llu -n %lu)\n",
	       (unsigned long long)seed, calls, (unsigned long long)seed, calls);
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;

	devs_create(devs);
	for (d = 0; d < NDEVS; d++)
		dev_idx[d] = if_nametoindex(devs[d]);
	ret = progs_load(prog_fds, prog_ids, NPROGS, "tcxf_", 2);
	other_prog_fd = prog_load_type(BPF_PROG_TYPE_SOCKET_FILTER, 0, "tcxf_sockf");
	map_fd = map_create();
	if (!dev_idx[0] || !dev_idx[1] || ret || other_prog_fd < 0 || map_fd < 0) {
		tap(false, "fuzz: setup (devices, programs, map): %s", strerror(errno));
		return 1;
	}
	for (d = 0; d < NLINKS; d++)
		link_fds[d] = -1;
	for (d = 0; d < 8; d++)	/* fds that were open once and are closed now */
		closed_fds[d] = 900 + d;

	for (i = 0; i < calls; i++) {
		union bpf_attr *a = (union bpf_attr *)buf;
		unsigned int size = sizeof(*a), cmd, k, slot = pick(NLINKS);
		enum op op;
		bool tcx_type = true;

		memset(buf, 0, sizeof(buf));
		switch (pick(7)) {
		case 0:
		case 1:
			cmd = pick(3) ? BPF_PROG_ATTACH : BPF_PROG_DETACH;
			op = cmd == BPF_PROG_ATTACH ? OP_ATTACH : OP_DETACH;
			a->target_ifindex = any_ifindex();
			a->attach_bpf_fd = pick(5) ? (uint32_t)prog_fds[pick(NPROGS)] : any_fd();
			a->attach_type = any_type();
			a->attach_flags = any_flags();
			if (pick(2))
				a->replace_bpf_fd = any_fd();
			if (pick(2))
				a->relative_fd = any_relative(a->attach_flags);
			a->expected_revision = any_revision();
			break;
		case 2:
			cmd = BPF_PROG_QUERY;
			op = OP_QUERY;
			a->query.target_ifindex = any_ifindex();
			a->query.attach_type = any_type();
			if (pick(10) == 0)
				a->query.query_flags = 1U << pick(32);
			if (pick(10) == 0)
				a->query.attach_flags = 1U << pick(32);
			a->query.prog_ids = any_ptr(query_buf);
			a->query.count = pick(4) ? pick(70) : (uint32_t)rnd();
			if (a->query.count > 64 && a->query.prog_ids == (unsigned long)query_buf)
				a->query.count = 64;	/* stay inside query_buf */
			if (pick(2))
				a->query.link_ids = pick(2) ? (unsigned long)(query_buf + 64) : 1;
			if (pick(4) == 0)
				a->query.prog_attach_flags = (unsigned long)(query_buf + 64);
			a->query.revision = rnd();
			break;
		case 3:
			cmd = BPF_LINK_CREATE;
			op = OP_LINK_CREATE;
			a->link_create.prog_fd = pick(5) ? (uint32_t)prog_fds[pick(NPROGS)] : any_fd();
			a->link_create.target_ifindex = any_ifindex();
			a->link_create.attach_type = any_type();
			a->link_create.flags = pick(3) ? 0 : any_flags();
			if (pick(2))
				a->link_create.tcx.relative_fd = any_relative(a->link_create.flags);
			a->link_create.tcx.expected_revision = any_revision();
			break;
		case 4:
			cmd = BPF_LINK_UPDATE;
			op = OP_LINK_UPDATE;
			a->link_update.link_fd = pick(4) ? (uint32_t)link_fds[pick(NLINKS)] : any_fd();
			a->link_update.new_prog_fd = pick(4) ? (uint32_t)prog_fds[pick(NPROGS)] : any_fd();
			a->link_update.flags = pick(3) ? 0 : (pick(2) ? BPF_F_REPLACE : any_flags());
			a->link_update.old_prog_fd = pick(2) ? (uint32_t)prog_fds[pick(NPROGS)] : any_fd();
			break;
		case 5:
			cmd = BPF_LINK_DETACH;
			op = OP_LINK_DETACH;
			a->link_detach.link_fd = pick(4) ? (uint32_t)link_fds[pick(NLINKS)] : any_fd();
			break;
		default:
			cmd = BPF_OBJ_GET_INFO_BY_FD;
			op = OP_LINK_INFO;
			a->info.bpf_fd = pick(4) ? (uint32_t)link_fds[pick(NLINKS)] : any_fd();
			a->info.info_len = pick(3) ? sizeof(struct bpf_link_info) : pick(BUF);
			a->info.info = any_ptr(info);
			/* zeroed: prog info would follow pointers left in it */
			memset(info, 0, sizeof(info));
			break;
		}
		/* Mutations: flipped bytes, short attr, long attr with a tail. */
		if (pick(10) == 0) {
			uint64_t info_ptr = a->info.info;

			for (k = 1 + pick(4); k; k--)
				buf[pick(size)] ^= 1U << pick(8);
			flipped++;
			/* A flipped pointer or length must not scribble on us. */
			if (cmd == BPF_PROG_QUERY)
				a->query.prog_ids = a->query.link_ids = a->query.prog_attach_flags =
					a->query.link_attach_flags = 0;
			if (cmd == BPF_OBJ_GET_INFO_BY_FD) {
				a->info.info = info_ptr;
				if (a->info.info_len > BUF)
					a->info.info_len = BUF;
			}
		}
		switch (pick(10)) {
		case 0:
			size = pick(sizeof(*a));
			small++;
			break;
		case 1:
			size = sizeof(*a) + 1 + pick(BUF - sizeof(*a) - 1);
			if (pick(2))
				buf[sizeof(*a) + pick(size - sizeof(*a))] = 1 + pick(255);
			big++;
			break;
		default:
			break;
		}
		/*
		 * What the kernel will see as the attach type, after flips and
		 * with a short attr (the missing bytes read as zero).
		 */
		if (cmd == BPF_PROG_ATTACH || cmd == BPF_PROG_DETACH)
			tcx_type = is_tcx(seen_u32(buf, size, offsetof(union bpf_attr, attach_type)));
		else if (cmd == BPF_PROG_QUERY)
			tcx_type = is_tcx(seen_u32(buf, size, offsetof(union bpf_attr, query.attach_type)));
		else if (cmd == BPF_LINK_CREATE)
			tcx_type = is_tcx(seen_u32(buf, size,
						   offsetof(union bpf_attr, link_create.attach_type)));
		errno = 0;
		ret = sys_bpf_sz(cmd, buf, size);
		e = errno;
		if (cmd == BPF_LINK_CREATE && ret >= 0)
			keep_link(ret, slot);
		if (!tcx_type) {
			other.calls[op]++;
			if (ret >= 0)
				other.ok[op]++;
			else if (e > 0 && e < ERRNO_MAX)
				other.err[op][e]++;
			unchecked++;
			/* A non-tcx attach type must not attach anything of ours. */
			if (ret >= 0 && cmd == BPF_LINK_CREATE) {
				printf("# call %lu: link create with attach type %u, size %u, prog fd %u, ifindex %u succeeded\n",
				       i, a->link_create.attach_type, size, a->link_create.prog_fd,
				       a->link_create.target_ifindex);
				bad++;
			}
			continue;
		}
		if (!account(&st, op, ret, e, "fuzzed attr")) {
			printf("# call %lu: cmd %u size %u errno %d\n", i, cmd, size, e);
			bad++;
		}
	}

	for (d = 0; d < NLINKS; d++)
		if (link_fds[d] >= 0)
			close(link_fds[d]);
	ok = true;
	for (d = 1; d <= 256 + NDEVS; d++) {
		uint32_t idx = d <= 256 ? (uint32_t)d : dev_idx[d - 257];
		char label[32];

		snprintf(label, sizeof(label), "ifindex %u", idx);
		if (!tcx_hooks_emptied(idx, label, true))
			ok = false;
	}
	for (d = 0; d < NPROGS; d++)
		close(prog_fds[d]);
	close(other_prog_fd);
	close(map_fd);
	left = ours_left_wait("tcxf_", &left_p, &left_l, 100);

	tap(bad == 0, "fuzz: %lu calls (seed %llu): every errno documented for its command (%lu bad)",
	    calls, (unsigned long long)seed, bad);
	tap(ok, "fuzz: after closing every link, fd-less detach empties every hook, counts 0");
	tap(left == 0, "fuzz: no program or tcx link of ours left (%d)", left);
	devs_delete(devs);
	printf("# fuzz: %lu calls, %lu with a flipped byte, %lu short attrs, %lu long attrs, %lu with non-tcx attach types\n",
	       calls, flipped, small, big, unchecked);
	printf("# tcx attach types and link/info commands:\n");
	stats_print(&st);
	printf("# other attach types (recorded, not judged):\n");
	stats_print(&other);
	return tap_summary("fuzz");
}
