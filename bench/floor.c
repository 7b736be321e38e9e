/*
 * The floor for `make bench`: exactly the kernel work of a default jail
 * (`jail -c path=R command=/bin/true`), done with raw system calls and no
 * bookkeeping, so that the bench can say how far jail is from what the
 * kernel itself costs. No registry, no plan, no init program, no relay:
 *
 *   cgroups   one directory per writable hierarchy, found as lib/core/cgroup.c
 *             finds them (cpuset cpus/mems copied, the devices allowlist, the
 *             v2 depth limit), joined by the child, removed at the end;
 *   userns    a holder process makes the jail's user namespace and the net,
 *             UTS and IPC namespaces it owns; the parent writes a 65536-id
 *             map (like a jail's private range); the holder, root there,
 *             sets user.max_user_namespaces (children.max = 0) and exits;
 *   child     clone3 NEWPID|NEWNS into the cgroups; joins net/uts/ipc; as
 *             host root builds the root as lib/core/root.c and kernfs.c do:
 *             private propagation, rbind of R, nodev, the masks' tmpfs,
 *             /dev (tmpfs, mknod'ed nodes, links, devpts, shm, mqueue,
 *             read-only), /proc with its masks, sysfs with its masks,
 *             pivot_root, detach; then joins the user namespace, becomes
 *             root there, unshares the mount (locking it) and cgroup
 *             namespaces, brings lo up, drops the bounding set like a
 *             default jail, loads the jail's two seccomp programs (from
 *             the jail's own cache file) and execs /bin/true.
 *
 * The parent waits for it and removes the cgroups. Any failing step makes
 * the floor exit non-zero (the bench counts it as a failed run), so it can
 * never look faster by skipping work.
 *
 * Usage: floor [-t] ROOT SECCOMP_CACHE_FILE
 *   -t  print how long each phase took (µs), parent's and child's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#define MS_REC_PRIVATE (16384 | (1 << 18))

#define BASE	  2000000000U /* host uid/gid of the floor's root: a private range, like a jail's */
#define MAXCG	  16
#define MAXMARK	  32
#define RESOLVE	  (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)
#define RO_ATTRS  (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)
#define NKEEP_CAP 14

struct mark {
	const char *what;
	struct timespec t;
};

/* Shared with the child: its phase marks, for -t. */
static struct marks {
	int n;
	struct mark m[MAXMARK];
} * marks_p, *marks_c;

static const char *root_path;
static struct sock_fprog prog_allow, prog_args;

static void mark(struct marks *k, const char *what)
{
	if (k && k->n < MAXMARK) {
		k->m[k->n].what = what;
		clock_gettime(CLOCK_MONOTONIC, &k->m[k->n++].t);
	}
}

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(1);
}

/* ---- raw system calls glibc does not wrap ---- */

static int fsopen_(const char *fs)
{
	return (int)syscall(SYS_fsopen, fs, FSOPEN_CLOEXEC);
}
static int fsconfig_(int fd, unsigned cmd, const char *k, const char *v)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, k, v, 0);
}
static int fsmount_(int fd, unsigned attrs)
{
	return (int)syscall(SYS_fsmount, fd, FSMOUNT_CLOEXEC, attrs);
}
static int move_(int from, int to)
{
	return (int)syscall(SYS_move_mount, from, "", to, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}
static int tree_(int dfd, const char *p, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, p, flags | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
}
static int setattr_(int fd, unsigned flags, unsigned long long set)
{
	struct mount_attr a = {.attr_set = set};
	return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | flags, &a, sizeof(a));
}
static int beneath(int dfd, const char *p)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY, .resolve = RESOLVE};
	return (int)syscall(SYS_openat2, dfd, p, &how, sizeof(how));
}

/* ---- the child: root, identity, lockdown, exec ---- */

/* A new filesystem from key/value options (value NULL: a flag), as a detached mount. */
static int newfs(const char *fs, const char *const *o, unsigned attrs)
{
	int c = fsopen_(fs), m;

	if (c < 0)
		die(fs);
	for (; o && *o; o += 2)
		if (fsconfig_(c, o[1] ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o[0], o[1]) < 0)
			die(o[0]);
	if (fsconfig_(c, FSCONFIG_CMD_CREATE, NULL, NULL) < 0 || (m = fsmount_(c, attrs)) < 0)
		die(fs);
	close(c);
	return m;
}

static int tmpfs(const char *mode, const char *size, unsigned attrs)
{
	static const char ids[] = "2000000000";
	return newfs("tmpfs",
		     (const char *[]){"mode", mode, "size", size, "nr_inodes", "256", "uid", ids, "gid", ids,
				      NULL},
		     attrs);
}

static void node(int dir, const char *name, unsigned maj, unsigned min)
{
	if (mknodat(dir, name, S_IFCHR | 0666, makedev(maj, min)) < 0 || fchmodat(dir, name, 0666, 0) < 0 ||
	    fchownat(dir, name, BASE, maj == 5 ? BASE + 5 : BASE, AT_SYMLINK_NOFOLLOW) < 0)
		die(name);
}

static void attach(int m, int target, const char *what)
{
	if (move_(m, target) < 0)
		die(what);
	close(m);
	close(target);
}

/* Cover dir/name, if it exists, with masks/what, read-only. */
static void cover(int masks, const char *what, int dir, const char *name)
{
	int t = openat(dir, name, O_PATH | O_CLOEXEC | O_NOFOLLOW), m;

	if (t < 0)
		return;
	m = tree_(masks, what, 0);
	if (m < 0 || setattr_(m, 0, !strcmp(what, "null") ? RO_ATTRS & ~MOUNT_ATTR_NODEV : RO_ATTRS) < 0)
		die(name);
	attach(m, t, name);
}

static void readonly(int dir, const char *name)
{
	int t = openat(dir, name, O_PATH | O_CLOEXEC | O_NOFOLLOW), m;

	if (t < 0)
		return;
	if ((m = tree_(dir, name, AT_RECURSIVE)) < 0 || setattr_(m, AT_RECURSIVE, MOUNT_ATTR_RDONLY) < 0)
		die(name);
	attach(m, t, name);
}

static void build_dev(int rootfd)
{
	static const struct {
		const char *n;
		unsigned maj, min;
	} nodes[] = {{"null", 1, 3},   {"zero", 1, 5},	  {"full", 1, 7},
		     {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
	static const char *const links[][2] = {{"ptmx", "pts/ptmx"},
					       {"fd", "/proc/self/fd"},
					       {"stdin", "/proc/self/fd/0"},
					       {"stdout", "/proc/self/fd/1"},
					       {"stderr", "/proc/self/fd/2"}};
	static const char *const dirs[] = {"pts", "shm", "mqueue"};
	int target = beneath(rootfd, "dev"), dev, top;

	if (target < 0)
		die("/dev");
	dev = tmpfs("0755", "64k", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		node(dev, nodes[i].n, nodes[i].maj, nodes[i].min);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0 ||
		    fchownat(dev, links[i][0], BASE, BASE, AT_SYMLINK_NOFOLLOW) < 0)
			die(links[i][0]);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdirat(dev, dirs[i], 0755) < 0 || fchownat(dev, dirs[i], BASE, BASE, 0) < 0)
			die(dirs[i]);
	if (setattr_(dev, 0, MOUNT_ATTR_RDONLY) < 0)
		die("/dev read-only");
	attach(dev, target, "/dev");
	if ((top = beneath(rootfd, "dev")) < 0)
		die("/dev");
	attach(newfs("devpts",
		     (const char *[]){"newinstance", NULL, "ptmxmode", "0666", "mode", "0620", "gid",
				      "2000000005", NULL},
		     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC),
	       openat(top, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), "devpts");
	attach(tmpfs("1777", "25%", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC),
	       openat(top, "shm", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), "/dev/shm");
	attach(newfs("mqueue", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC),
	       openat(top, "mqueue", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), "/dev/mqueue");
	close(top);
}

static void build_proc(int rootfd, int masks)
{
	static const char *const files[] = {
		"kcore",	 "keys",	  "key-users",	 "kallsyms",   "timer_list",   "sched_debug",
		"sysrq-trigger", "latency_stats", "timer_stats", "kpagecount", "kpageflags",   "kpagecgroup",
		"kmsg",		 "config.gz",	  "vmallocinfo", "slabinfo",   "pagetypeinfo", "interrupts",
	};
	static const char *const dirs[] = {"acpi", "scsi", "asound", "driver"};
	static const char *const ro_dirs[] = {"sys", "bus", "irq", "fs"};
	int target = beneath(rootfd, "proc"), top;

	if (target < 0)
		die("/proc");
	attach(newfs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC), target,
	       "/proc");
	if ((top = beneath(rootfd, "proc")) < 0)
		die("/proc");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		cover(masks, "null", top, files[i]);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cover(masks, "empty", top, dirs[i]);
	for (size_t i = 0; i < sizeof(ro_dirs) / sizeof(ro_dirs[0]); i++)
		readonly(top, ro_dirs[i]);
	close(top);
}

static void build_sys(int rootfd, int masks)
{
	int target = beneath(rootfd, "sys"), top;

	if (target < 0)
		die("/sys");
	attach(newfs("sysfs", NULL, RO_ATTRS), target, "/sys");
	if ((top = beneath(rootfd, "sys")) < 0)
		die("/sys");
	cover(masks, "empty", top, "firmware");
	cover(masks, "empty", top, "devices/virtual/powercap");
	cover(masks, "null", top, "kernel/vmcoreinfo");
	close(top);
}

static void build_root(void)
{
	int rootfd, masks;

	if (syscall(SYS_mount, NULL, "/", NULL, MS_REC_PRIVATE, NULL) < 0)
		die("private propagation");
	if ((rootfd = tree_(AT_FDCWD, root_path, AT_RECURSIVE)) < 0 ||
	    syscall(SYS_move_mount, rootfd, "", AT_FDCWD, root_path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die("rbind of the root");
	if (setattr_(rootfd, AT_RECURSIVE, MOUNT_ATTR_NODEV) < 0)
		die("nodev");
	masks = tmpfs("0555", "16k", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	node(masks, "null", 1, 3);
	if (mkdirat(masks, "empty", 0555) < 0 || setattr_(masks, 0, MOUNT_ATTR_RDONLY) < 0)
		die("the masks' tmpfs");
	build_dev(rootfd);
	build_proc(rootfd, masks);
	build_sys(rootfd, masks);
	close(masks);
	if (fchdir(rootfd) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (syscall(SYS_umount2, ".", 2 /* MNT_DETACH */) < 0 || chdir("/") < 0)
		die("detaching the host's root");
	close(rootfd);
}

static void lockdown(void)
{
	/* What a default jail's root keeps (jail --privileges: KEPT WHEN always). */
	static const int keep[NKEEP_CAP] = {
		CAP_CHOWN,     CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,  CAP_FSETID,
		CAP_KILL,      CAP_SETGID,	 CAP_SETUID,	      CAP_SETPCAP, CAP_NET_BROADCAST,
		CAP_IPC_OWNER, CAP_SYS_CHROOT,	 CAP_AUDIT_WRITE,     CAP_SETFCAP};
	uint64_t kept = 0;

	for (int i = 0; i < NKEEP_CAP; i++)
		kept |= 1ULL << keep[i];
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (!(kept & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			die("bounding set");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		die("ambient capabilities");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog_args) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog_allow) < 0)
		die("seccomp");
}

static void loopback_up(void)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		die("lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		die("lo up");
	close(fd);
}

static void __attribute__((noreturn)) child(const int *tasks, int ntasks, const int *ns)
{
	static const int types[] = {CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC};

	mark(marks_c, "cloned");
	for (int i = 0; i < ntasks; i++)
		if (write(tasks[i], "0", 1) != 1)
			die("joining the v1 cgroups");
	for (int i = 0; i < 3; i++)
		if (setns(ns[i + 1], types[i]) < 0)
			die("joining net/uts/ipc");
	mark(marks_c, "cgroups joined, net/uts/ipc");
	build_root();
	mark(marks_c, "root built");
	if (setns(ns[0], CLONE_NEWUSER) < 0 || setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 ||
	    setresuid(0, 0, 0) < 0)
		die("the user namespace");
	if (unshare(CLONE_NEWNS) < 0 || chdir("/") < 0)
		die("locking the mounts");
	if (unshare(CLONE_NEWCGROUP) < 0)
		die("cgroup namespace");
	loopback_up();
	mark(marks_c, "userns, mntns, cgroupns, lo");
	lockdown();
	mark(marks_c, "caps, seccomp");
	execve("/bin/true", (char *[]){"/bin/true", NULL}, (char *[]){NULL});
	die("exec /bin/true");
}

/* ---- the parent: cgroups, holder, clone, wait ---- */

struct cg {
	char path[512];
	int cpuset, devices, v2;
};

/* Every cgroup hierarchy once, with our place in it, as lib/core/cgroup.c finds them. */
static int find_cgroups(struct cg *cg, const char *leaf)
{
	char mi[16384] = "", self[4096], opts[MAXCG][128];
	int n = 0, fd;
	ssize_t len;

	if ((fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC)) < 0 ||
	    (len = read(fd, self, sizeof(self) - 1)) < 0)
		die("/proc/self/cgroup");
	self[len] = '\0';
	close(fd);
	if ((fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
		die("/proc/self/mountinfo");
	for (size_t off = 0; (len = read(fd, mi + off, sizeof(mi) - 1 - off)) > 0;)
		off += (size_t)len, mi[off] = '\0';
	close(fd);
	for (char *save = NULL, *l = strtok_r(mi, "\n", &save); l && n < MAXCG;
	     l = strtok_r(NULL, "\n", &save)) {
		char root[256], mnt[256], type[16], so[256], o[128] = "", want[160], *sep = strstr(l, " - ");
		if (!sep || sscanf(l, "%*d %*d %*s %255s %255s", root, mnt) != 2 ||
		    sscanf(sep + 3, "%15s %*s %255s", type, so) != 2)
			continue;
		int v2 = !strcmp(type, "cgroup2");
		if (!v2 && strcmp(type, "cgroup"))
			continue;
		for (char *s2 = NULL, *t = strtok_r(so, ",", &s2); !v2 && t; t = strtok_r(NULL, ",", &s2))
			if (strcmp(t, "rw") && strcmp(t, "ro") && strncmp(t, "release_agent", 13) &&
			    strcmp(t, "clone_children") && strcmp(t, "noprefix") && strcmp(t, "xattr") &&
			    strcmp(t, "nsdelegate") && strcmp(t, "cpuset_v2_mode"))
				snprintf(o + strlen(o), sizeof(o) - strlen(o), "%s%s", o[0] ? "," : "", t);
		int dup = 0;
		for (int i = 0; i < n; i++)
			dup |= cg[i].v2 == v2 && !strcmp(opts[i], o);
		if (dup)
			continue;
		/* Our line in /proc/self/cgroup: "0::PATH" for v2, "N:CONTROLLERS:PATH" for v1. */
		snprintf(want, sizeof(want), v2 ? "\n0::" : ":%s:", o);
		char *p = v2 && !strncmp(self, "0::", 3) ? self - 1 : strstr(self, want);
		if (!p)
			continue;
		p += v2 ? 4 : strlen(want);
		size_t pl = strcspn(p, "\n"), rl = strlen(root);
		if (strcmp(root, "/") && !strncmp(p, root, rl))
			p += rl, pl -= rl;
		snprintf(cg[n].path, sizeof(cg[n].path), "%s%.*s/%s", mnt,
			 (int)(pl == 1 && *p == '/' ? 0 : pl), p, leaf);
		cg[n].v2 = v2;
		cg[n].cpuset = strstr(o, "cpuset") != NULL;
		cg[n].devices = strstr(o, "devices") != NULL;
		snprintf(opts[n], sizeof(opts[n]), "%s", o);
		n++;
	}
	return n;
}

static void put(int dfd, const char *file, const char *v)
{
	int fd = openat(dfd, file, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, v, strlen(v)) != (ssize_t)strlen(v))
		die(file);
	close(fd);
}

static void copy(int from, int to, const char *file)
{
	char buf[256];
	int fd = openat(from, file, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (n < 0)
		die(file);
	close(fd);
	buf[n] = '\0';
	put(to, file, buf);
}

/* mkdir in every writable hierarchy and set it up as a jail's; the v1 "tasks" fds, the v2 dir fd. */
static int make_cgroups(struct cg *cg, int n, int *tasks, int *ntasks, int *v2fd)
{
	static const char *const allow[] = {"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
					    "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm"};
	int kept = 0;

	*ntasks = 0;
	*v2fd = -1;
	for (int i = 0; i < n; i++) {
		if (mkdir(cg[i].path, 0755) < 0) {
			if (errno == EEXIST)
				die(cg[i].path);
			continue; /* not writable: a jail skips it too */
		}
		cg[kept] = cg[i];
		int d = open(cg[kept].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (d < 0)
			die(cg[kept].path);
		if (cg[kept].cpuset) {
			int p = openat(d, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
			copy(p, d, "cpuset.cpus");
			copy(p, d, "cpuset.mems");
			close(p);
		}
		if (cg[kept].devices) {
			put(d, "devices.deny", "a");
			for (size_t k = 0; k < sizeof(allow) / sizeof(allow[0]); k++)
				put(d, "devices.allow", allow[k]);
		}
		if (cg[kept].v2) {
			put(d, "cgroup.max.depth", "31");
			*v2fd = d;
		} else {
			if ((tasks[(*ntasks)++] = openat(d, "tasks", O_WRONLY | O_CLOEXEC)) < 0)
				die("tasks");
			close(d);
		}
		kept++;
	}
	if (!kept) {
		errno = ENOENT;
		die("no writable cgroup hierarchy");
	}
	return kept;
}

static void read_filters(const char *file)
{
	struct {
		uint32_t magic;
		uint16_t allow_len, args_len;
	} h;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, &h, sizeof(h)) != sizeof(h) || h.magic != 0x4a53434dU)
		die(file);
	prog_allow = (struct sock_fprog){h.allow_len, malloc(h.allow_len * sizeof(struct sock_filter))};
	prog_args = (struct sock_fprog){h.args_len, malloc(h.args_len * sizeof(struct sock_filter))};
	if (read(fd, prog_allow.filter, h.allow_len * sizeof(struct sock_filter)) !=
		    (ssize_t)(h.allow_len * sizeof(struct sock_filter)) ||
	    read(fd, prog_args.filter, h.args_len * sizeof(struct sock_filter)) !=
		    (ssize_t)(h.args_len * sizeof(struct sock_filter)))
		die(file);
	close(fd);
}

static long clone3_(unsigned long long flags, int *pidfd, int cgfd)
{
	struct clone_args ca = {.flags = flags | CLONE_PIDFD,
				.pidfd = (uint64_t)(uintptr_t)pidfd,
				.exit_signal = SIGCHLD,
				.cgroup = cgfd >= 0 ? (uint64_t)cgfd : 0};

	if (cgfd >= 0)
		ca.flags |= CLONE_INTO_CGROUP;
	return syscall(SYS_clone3, &ca, sizeof(ca));
}

static int reap(int pidfd)
{
	siginfo_t si = {0};

	if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
		die("waitid");
	close(pidfd);
	return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}

/* The holder: root of the new user namespace once mapped; sets children.max; exits. */
static void __attribute__((noreturn)) holder(int go)
{
	char c;
	int fd;

	if (read(go, &c, 1) != 1 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		_exit(1);
	fd = open("/proc/sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC);
	_exit(fd < 0 || write(fd, "0\n", 2) != 2);
}

static void print_marks(struct marks *k, const char *who, const struct timespec *t0)
{
	const struct timespec *prev = t0;

	for (int i = 0; i < k->n; i++) {
		const struct timespec *t = &k->m[i].t;
		fprintf(stderr, "floor %s %-32s %7.0f us (at %7.0f)\n", who, k->m[i].what,
			(double)(t->tv_sec - prev->tv_sec) * 1e6 + (double)(t->tv_nsec - prev->tv_nsec) / 1e3,
			(double)(t->tv_sec - t0->tv_sec) * 1e6 + (double)(t->tv_nsec - t0->tv_nsec) / 1e3);
		prev = t;
	}
}

int main(int argc, char **argv)
{
	struct cg cg[MAXCG];
	char leaf[32], map[64], f[64];
	int tasks[MAXCG], ntasks, v2fd, ncg, go[2], hpidfd, cpidfd, ns[4], timing = 0, status;
	static const char *const nsnames[] = {"user", "net", "uts", "ipc"};
	struct timespec t0;
	long pid;

	if (argc > 1 && !strcmp(argv[1], "-t"))
		timing = 1, argv++, argc--;
	if (argc != 3) {
		fprintf(stderr, "usage: floor [-t] ROOT SECCOMP_CACHE_FILE\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (timing) {
		marks_p = mmap(NULL, 2 * sizeof(struct marks), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (marks_p == MAP_FAILED)
			die("mmap");
		marks_c = marks_p + 1;
	}
	root_path = argv[1];
	read_filters(argv[2]);
	snprintf(leaf, sizeof(leaf), "floor.%d", (int)getpid());
	ncg = make_cgroups(cg, find_cgroups(cg, leaf), tasks, &ntasks, &v2fd);
	mark(marks_p, "cgroups made");

	/* The jail's user namespace and the net/uts/ipc namespaces it owns. */
	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	pid = clone3_(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC, &hpidfd, -1);
	if (pid < 0)
		die("clone3 (holder)");
	if (pid == 0)
		holder(go[0]);
	snprintf(map, sizeof(map), "0 %u 65536\n", BASE);
	for (int i = 0; i < 2; i++) {
		snprintf(f, sizeof(f), "/proc/%ld/%s", pid, i ? "gid_map" : "uid_map");
		int fd = open(f, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
			die(f);
		close(fd);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(f, sizeof(f), "/proc/%ld/ns/%s", pid, nsnames[i]);
		if ((ns[i] = open(f, O_RDONLY | O_CLOEXEC)) < 0)
			die(f);
	}
	if (write(go[1], "g", 1) != 1)
		die("holder");
	if (reap(hpidfd) != 0) {
		errno = EPERM;
		die("holder failed");
	}
	mark(marks_p, "userns + maps (holder)");

	pid = clone3_(CLONE_NEWPID | CLONE_NEWNS, &cpidfd, v2fd);
	if (pid < 0)
		die("clone3");
	if (pid == 0)
		child(tasks, ntasks, ns);
	mark(marks_p, "clone3 init");
	status = reap(cpidfd);
	mark(marks_p, "child ran and was reaped");
	for (int i = 0; i < ntasks; i++)
		close(tasks[i]);
	for (int i = 0; i < 4; i++)
		close(ns[i]);
	if (v2fd >= 0)
		close(v2fd);
	for (int i = ncg - 1; i >= 0; i--)
		if (rmdir(cg[i].path) < 0)
			die(cg[i].path);
	mark(marks_p, "cgroups removed");
	if (timing) {
		print_marks(marks_p, "parent", &t0);
		print_marks(marks_c, "child ", &t0);
	}
	if (status != 0)
		fprintf(stderr, "floor: the child failed (status %d)\n", status);
	return status != 0;
}
