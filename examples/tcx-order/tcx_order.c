// SPDX-License-Identifier: GPL-2.0
/*
 * tcx_order: attach two tcx programs to a device's ingress in a chosen
 * order and check, by querying the device, that they run in that order.
 *
 * Written only against the tcx API of upstream libbpf 1.3 (the names the
 * series' Documentation/bpf/tcx.rst lists): bpf_program__attach_tcx() with
 * struct bpf_tcx_opts and BPF_F_BEFORE, bpf_prog_query_opts() with
 * count/prog_ids/link_ids/revision, and the SEC("tcx/ingress") section
 * name. It builds unchanged against upstream libbpf >= 1.3 and against the
 * in-tree libbpf of our 6.1 series.
 *
 * usage: tcx_order [-d DEV] [-o OBJ] [-r] [-p PINDIR]
 *   -d DEV     device to attach to (default: lo)
 *   -o OBJ     BPF object (default: tcx_order.bpf.o next to this binary)
 *   -r         reverse the chosen order (tcx_first after tcx_second)
 *   -p PINDIR  pin the two links in PINDIR (bpffs) and leave them attached;
 *              without it they go away when the program exits
 *
 * By default tcx_first is meant to run first. The program attaches the
 * one meant to run second, then the other one with BPF_F_BEFORE relative
 * to it, so the order comes from BPF_F_BEFORE and not from attach order.
 * Exit status 0 when the query shows the expected order, 1 otherwise.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_PROGS 64 /* a tcx hook holds at most 63 */

static __u32 prog_id(const struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.id;
}

static __u32 link_id(const struct bpf_link *link)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len))
		return 0;
	return info.id;
}

static int query(int ifindex, __u32 *prog_ids, __u32 *link_ids,
		 __u32 *count, __u64 *revision)
{
	LIBBPF_OPTS(bpf_prog_query_opts, optq,
		.prog_ids = prog_ids,
		.link_ids = link_ids,
		.count = MAX_PROGS,
	);
	int err;

	err = bpf_prog_query_opts(ifindex, BPF_TCX_INGRESS, &optq);
	if (err)
		return err;
	*count = optq.count;
	*revision = optq.revision;
	return 0;
}

static void default_obj_path(char *buf, size_t len)
{
	char exe[PATH_MAX - 32]; /* room for the file name */
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(buf, len, "tcx_order.bpf.o");
		return;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%s/tcx_order.bpf.o", exe);
}

int main(int argc, char **argv)
{
	__u32 prog_ids[MAX_PROGS], link_ids[MAX_PROGS], count, i, pos_first = 0;
	struct bpf_program *first, *second, *run_first, *run_second;
	struct bpf_link *link_first = NULL, *link_second = NULL;
	const char *dev = "lo", *pindir = NULL;
	__u32 id_first, id_second, lid_first, lid_second;
	char obj_path[PATH_MAX] = "", path[PATH_MAX];
	struct bpf_object *obj = NULL;
	int ifindex, opt, err, ret = 1;
	LIBBPF_OPTS(bpf_tcx_opts, opts);
	bool reverse = false;
	__u64 revision;

	while ((opt = getopt(argc, argv, "d:o:rp:")) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 'o':
			snprintf(obj_path, sizeof(obj_path), "%s", optarg);
			break;
		case 'r':
			reverse = true;
			break;
		case 'p':
			pindir = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-d DEV] [-o OBJ] [-r] [-p PINDIR]\n",
				argv[0]);
			return 2;
		}
	}
	if (!obj_path[0])
		default_obj_path(obj_path, sizeof(obj_path));

	ifindex = if_nametoindex(dev);
	if (!ifindex) {
		fprintf(stderr, "no device %s: %s\n", dev, strerror(errno));
		return 1;
	}

	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", obj_path, strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load %s: %s\n", obj_path, strerror(-err));
		goto out;
	}
	first = bpf_object__find_program_by_name(obj, "tcx_first");
	second = bpf_object__find_program_by_name(obj, "tcx_second");
	if (!first || !second) {
		fprintf(stderr, "%s lacks tcx_first or tcx_second\n", obj_path);
		goto out;
	}
	run_first = reverse ? second : first;
	run_second = reverse ? first : second;

	/* Start from the revision the hook is at now: the attach fails with
	 * -ESTALE if someone else changed the hook in between.
	 */
	err = query(ifindex, prog_ids, link_ids, &count, &revision);
	if (err) {
		fprintf(stderr, "query %s: %s\n", dev, strerror(-err));
		goto out;
	}
	printf("%s ingress before: %u program(s), revision %llu\n", dev, count,
	       (unsigned long long)revision);

	opts.expected_revision = revision;
	link_second = bpf_program__attach_tcx(run_second, ifindex, &opts);
	if (!link_second) {
		fprintf(stderr, "attach %s: %s\n", bpf_program__name(run_second),
			strerror(errno));
		goto out;
	}

	/* The other one goes right before it, whatever else is there. */
	LIBBPF_OPTS_RESET(opts,
		.flags = BPF_F_BEFORE,
		.relative_fd = bpf_program__fd(run_second),
	);
	link_first = bpf_program__attach_tcx(run_first, ifindex, &opts);
	if (!link_first) {
		fprintf(stderr, "attach %s: %s\n", bpf_program__name(run_first),
			strerror(errno));
		goto out;
	}

	id_first = prog_id(run_first);
	id_second = prog_id(run_second);
	lid_first = link_id(link_first);
	lid_second = link_id(link_second);

	err = query(ifindex, prog_ids, link_ids, &count, &revision);
	if (err) {
		fprintf(stderr, "query %s: %s\n", dev, strerror(-err));
		goto out;
	}
	printf("%s ingress after: %u program(s), revision %llu\n", dev, count,
	       (unsigned long long)revision);
	for (i = 0; i < count && i < MAX_PROGS; i++) {
		const char *name = "";

		if (prog_ids[i] == id_first) {
			name = bpf_program__name(run_first);
			pos_first = i + 1;
		} else if (prog_ids[i] == id_second) {
			name = bpf_program__name(run_second);
		}
		printf("  %u. prog_id %u link_id %u %s\n", i + 1, prog_ids[i],
		       link_ids[i], name);
	}

	/* pos_first: 1-based position of the one meant to run first */
	if (!pos_first || pos_first >= count || prog_ids[pos_first] != id_second ||
	    link_ids[pos_first - 1] != lid_first || link_ids[pos_first] != lid_second) {
		printf("order WRONG: expected %s right before %s\n",
		       bpf_program__name(run_first), bpf_program__name(run_second));
		goto out;
	}
	printf("order OK: %s runs right before %s\n",
	       bpf_program__name(run_first), bpf_program__name(run_second));

	if (pindir) {
		snprintf(path, sizeof(path), "%s/%s", pindir,
			 bpf_program__name(run_first));
		err = bpf_link__pin(link_first, path);
		if (!err) {
			snprintf(path, sizeof(path), "%s/%s", pindir,
				 bpf_program__name(run_second));
			err = bpf_link__pin(link_second, path);
		}
		if (err) {
			fprintf(stderr, "pin %s: %s\n", path, strerror(-err));
			goto out;
		}
		printf("links pinned in %s: link_id %u (%s), link_id %u (%s)\n",
		       pindir, lid_first, bpf_program__name(run_first),
		       lid_second, bpf_program__name(run_second));
	}
	ret = 0;
out:
	/* unpinned links detach their program when destroyed */
	bpf_link__destroy(link_first);
	bpf_link__destroy(link_second);
	bpf_object__close(obj);
	return ret;
}
