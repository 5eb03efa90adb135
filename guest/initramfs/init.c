// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the initramfs scripts/boot-deb builds for a packaged kernel
 * whose virtio and 9p drivers are modules (Debian's config has them as
 * modules; the flavours of configs/ build them in). Statically linked,
 * it needs nothing else in the initramfs:
 *
 *   /modules/NN-NAME.ko  the modules to load, NN giving the order
 *                        (modprobe --show-depends order, on the host)
 *   /boot-deb.conf       line 1: the program to run next (guest/init)
 *                        line 2: the kernel's module loader from then
 *                                on, a host script that runs modprobe
 *                                on the package's modules
 *
 * It loads the modules, sets the module loader, mounts the host's root
 * over 9p the way scripts/vm's kernel command line asks the kernel to,
 * makes it the root and executes guest/init, which then runs as PID 1
 * as it does under scripts/vm without an initramfs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROOT_OPTS "trans=virtio,version=9p2000.L,msize=512000,cache=loose"

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("boot-deb-init: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Nothing can go on: leave the reason on the console and power off. */
static void give_up(const char *what)
{
	say("%s: %s; powering off", what, strerror(errno));
	sync();
	syscall(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, NULL);
	for (;;)
		pause();
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void load_modules(void)
{
	struct dirent **ents;
	char path[512];
	int n, i, fd;

	n = scandir("/modules", &ents, NULL, by_name);
	if (n < 0)
		give_up("/modules");
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/modules/%s", ents[i]->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			give_up(path);
		if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
			give_up(path);
		close(fd);
		say("loaded %s", ents[i]->d_name);
	}
}

/* line NR (1-based) of /boot-deb.conf, without its newline, allocated */
static char *conf_line(int nr)
{
	FILE *f = fopen("/boot-deb.conf", "r");
	char buf[4096], *line;
	int i;

	if (!f)
		give_up("/boot-deb.conf");
	for (i = 1; i <= nr; i++) {
		if (!fgets(buf, sizeof(buf), f)) {
			errno = EINVAL;
			give_up("/boot-deb.conf: too few lines");
		}
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	line = strdup(buf);
	if (!line)
		give_up("strdup");
	return line;
}

/* The host's root, read-only, as the new root; retried while the
 * virtio device is still being probed.
 */
static void mount_root(void)
{
	int tries;

	if (mkdir("/newroot", 0755) && errno != EEXIST)
		give_up("mkdir /newroot");
	for (tries = 0;; tries++) {
		if (!mount("root", "/newroot", "9p", MS_RDONLY, ROOT_OPTS))
			break;
		if (tries == 100)
			give_up("mount root (9p)");
		usleep(100 * 1000);
	}
	if (chdir("/newroot"))
		give_up("chdir /newroot");
	if (mount(".", "/", NULL, MS_MOVE, NULL))
		give_up("move the root");
	if (chroot(".") || chdir("/"))
		give_up("chroot");
}

/*
 * The kernel's module loader (kernel.modprobe) becomes HELPER, which runs
 * modprobe on the package's modules: the host's root is read-only and
 * need not have a /lib/modules at all.
 */
static void set_modprobe(const char *helper)
{
	int fd;

	if (mkdir("/proc", 0755) && errno != EEXIST)
		give_up("mkdir /proc");
	if (mount("proc", "/proc", "proc", 0, NULL))
		give_up("mount /proc");
	fd = open("/proc/sys/kernel/modprobe", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, helper, strlen(helper)) != (ssize_t)strlen(helper))
		give_up("/proc/sys/kernel/modprobe");
	close(fd);
	if (umount("/proc"))
		give_up("umount /proc");
	say("module loader: %s", helper);
}

int main(void)
{
	char *init, *helper;
	int fd;

	/* the kernel gives no console when the initramfs has no /dev */
	if (mkdir("/dev", 0755) && errno != EEXIST)
		give_up("mkdir /dev");
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL))
		give_up("devtmpfs");
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}

	init = conf_line(1);
	helper = conf_line(2);
	load_modules();
	set_modprobe(helper);
	/* guest/init mounts its own /dev */
	if (umount2("/dev", MNT_DETACH))
		give_up("umount /dev");
	mount_root();
	say("running %s", init);
	execl(init, init, (char *)NULL);
	give_up(init);
	return 1;
}
