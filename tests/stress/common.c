// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of the tcx stress, fuzz, privilege and fault tests that are
 * not raw bpf() wrappers (those are inline in common.h): the TAP printer,
 * the shell runner, the test devices, program loading, the scan for
 * programs and links left behind and the final emptying of the hooks.
 * Linked into each test binary (Makefile).
 */
#include <fcntl.h>
#include <sys/wait.h>

#include "common.h"

int n_ok, n_fail;

void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		n_ok++;
	else
		n_fail++;
}

int tap_summary(const char *part)
{
	printf("# %s: %d passed, %d failed\n", part, n_ok, n_fail);
	return n_fail ? 1 : 0;
}

int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

int devs_create(const char *const devs[3])
{
	return sh("ip link del %s 2>/dev/null; ip link del %s 2>/dev/null;"
		  "ip link add %s type dummy && ip link set %s up &&"
		  "ip link add %s type veth peer name %s &&"
		  "ip link set %s up && ip link set %s up",
		  devs[0], devs[1], devs[0], devs[0], devs[1], devs[2], devs[1], devs[2]);
}

void devs_delete(const char *const devs[3])
{
	sh("ip link del %s 2>/dev/null; ip link del %s 2>/dev/null", devs[0], devs[1]);
}

/*
 * Load @n SCHED_CLS programs named "<prefix>p<i>" into @fds (their ids
 * into @ids unless NULL): every @pass_every-th from the first returns
 * TCX_PASS (none with 0), the others TCX_NEXT. Stops at the first that
 * fails to load: -1 with errno set; 0 when all loaded.
 */
int progs_load(int *fds, uint32_t *ids, int n, const char *prefix, int pass_every)
{
	char name[16];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%sp%d", prefix, i);
		fds[i] = prog_load(pass_every && i % pass_every == 0 ? 0 : -1, name);
		if (fds[i] < 0)
			return -1;
		if (ids)
			ids[i] = prog_id_of(fds[i]);
	}
	return 0;
}

/*
 * Walk the kernel's programs (or, with @links, links) in id order from
 * *@id: an fd of the next one that can still be opened, -1 at the end.
 */
static int next_obj_fd(bool links, uint32_t *id)
{
	union bpf_attr attr;
	int fd;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = *id;
		if (sys_bpf(links ? BPF_LINK_GET_NEXT_ID : BPF_PROG_GET_NEXT_ID, &attr))
			return -1;
		*id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		if (links)
			attr.link_id = *id;
		else
			attr.prog_id = *id;
		fd = sys_bpf(links ? BPF_LINK_GET_FD_BY_ID : BPF_PROG_GET_FD_BY_ID, &attr);
		if (fd >= 0)
			return fd;
	}
}

/*
 * Count the loaded programs whose name starts with @prefix into *@progs
 * and, unless @links is NULL, the tcx links (of anyone) into *@links;
 * returns the sum.
 */
int ours_left(const char *prefix, int *progs, int *links)
{
	struct bpf_prog_info pinfo;
	struct bpf_link_info linfo;
	uint32_t id = 0;
	int fd;

	*progs = 0;
	while ((fd = next_obj_fd(false, &id)) >= 0) {
		if (!prog_info(fd, &pinfo) && !strncmp(pinfo.name, prefix, strlen(prefix)))
			(*progs)++;
		close(fd);
	}
	if (!links)
		return *progs;
	*links = 0;
	id = 0;
	while ((fd = next_obj_fd(true, &id)) >= 0) {
		if (!link_info(fd, &linfo) && linfo.type == LINK_TYPE_TCX)
			(*links)++;
		close(fd);
	}
	return *progs + *links;
}

/*
 * ours_left() until nothing is left, @tries times at the most, 100 ms
 * apart (frees and namespace cleanup are asynchronous); the last count.
 */
int ours_left_wait(const char *prefix, int *progs, int *links, int tries)
{
	int i, left = 0;

	for (i = 0; i < tries && (left = ours_left(prefix, progs, links)); i++)
		usleep(100000);
	return left;
}

/*
 * Empty both hooks of @ifindex by fd-less detach (its links must be gone)
 * and check that queries report count 0 then; @label names the device in
 * the messages. With @gone_ok, a device that no longer exists (ENODEV)
 * counts as empty. Returns true when all went as it should.
 */
bool tcx_hooks_emptied(uint32_t ifindex, const char *label, bool gone_ok)
{
	uint32_t t, count;
	uint64_t rev;
	bool ok = true;
	int ret;

	for (t = TCX_INGRESS; t <= TCX_EGRESS; t++) {
		ret = tcx_detach_all(ifindex, t);
		if (ret) {
			printf("# %s type %u: detach: %s\n", label, t, strerror(-ret));
			ok = false;
		}
		ret = tcx_query(ifindex, t, NULL, NULL, 0, &count, &rev);
		if ((ret && !(gone_ok && errno == ENODEV)) || (!ret && count)) {
			printf("# %s type %u: query %d count %u after cleanup\n",
			       label, t, ret, count);
			ok = false;
		}
	}
	return ok;
}
