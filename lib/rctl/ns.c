/*
 * The limits that live inside a jail rather than in its cgroups: the SysV
 * IPC sysctls of its IPC namespace, the max= of its devpts instance, the
 * rlimits of its processes; and the block devices its files are on, for
 * io throttling. IPC and devpts are written by a short-lived helper that
 * joins the jail's user, IPC and mount namespaces, so they work the same
 * at create and on a running jail, and jailed root (whose /proc/sys is
 * read-only and who cannot remount /dev) cannot undo them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/sys.h"
#include "core/util.h"
#include "rctl_int.h"

#define DEVPTS_MAGIC 0x1cd1
#define PTY_MAX	     1048576 /* NR_UNIX98_PTY_MAX: devpts's own default */

/* A fresh IPC namespace's values (include/uapi/linux/{shm,msg,sem}.h). */
#define SHM_DEFAULT "18446744073692774399" /* ULONG_MAX - (1UL << 24) */
#define SHMMNI	    4096
#define MSGMNI	    32000
#define MSGMNB	    16384
#define SEMMSL	    32000
#define SEMMNS	    1024000000
#define SEMOPM	    500
#define SEMMNI	    32000

static long long lmin(long long a, long long b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static int put_sysctl(int kdir, const char *name, const char *val, const char *what, struct jail_err *e)
{
	_cleanup_close_ int fd = openat(kdir, name, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write_all(fd, val, strlen(val)) < 0)
		return jail_err_sys(e, -errno, "%s: kernel.%s of the jail's IPC namespace", what, name);
	return 0;
}

static int write_ipc(int kdir, const struct rctl_limits *l, struct jail_err *e)
{
	char buf[96];
	long long v;
	int r;

	v = l->deny[RR_NSHM];
	snprintf(buf, sizeof(buf), "%lld", v >= 0 ? v : SHMMNI);
	if ((r = put_sysctl(kdir, "shmmni", buf, "nshm", e)) < 0)
		return r;
	v = l->deny[RR_SHMSIZE];
	if (v >= 0) {
		long pg = sysconf(_SC_PAGESIZE);
		snprintf(buf, sizeof(buf), "%lld", (v + pg - 1) / pg);
	}
	if ((r = put_sysctl(kdir, "shmall", v >= 0 ? buf : SHM_DEFAULT, "shmsize", e)) < 0)
		return r;
	snprintf(buf, sizeof(buf), "%lld", v);
	if ((r = put_sysctl(kdir, "shmmax", v >= 0 ? buf : SHM_DEFAULT, "shmsize", e)) < 0)
		return r;
	v = l->deny[RR_NMSGQ];
	snprintf(buf, sizeof(buf), "%lld", v >= 0 ? v : MSGMNI);
	if ((r = put_sysctl(kdir, "msgmni", buf, "nmsgq", e)) < 0)
		return r;
	v = l->deny[RR_MSGQSIZE];
	snprintf(buf, sizeof(buf), "%lld", v >= 0 ? v : MSGMNB);
	if ((r = put_sysctl(kdir, "msgmnb", buf, "msgqsize", e)) < 0)
		return r;
	long long nsem = l->deny[RR_NSEM], nop = lmin(l->deny[RR_NSEMOP], l->pdeny[RR_NSEMOP]);
	snprintf(buf, sizeof(buf), "%d %lld %lld %d", SEMMSL, nsem >= 0 ? nsem : SEMMNS,
		 nop >= 0 ? nop : SEMOPM, SEMMNI);
	return put_sysctl(kdir, "sem", buf, nsem >= 0 ? "nsem" : "nsemop", e);
}

/*
 * devpts's options as the jail's /dev/pts is mounted ("gid=100005,mode=620,
 * ptmxmode=666"), without max: a reconfigure takes every option anew, so
 * they go back along with the new max. Read from the host's /proc.
 */
static int pts_options(pid_t init_pid, char *out, size_t len, long long *max)
{
	char p[64], line[4096];

	out[0] = '\0';
	*max = PTY_MAX;
	snprintf(p, sizeof(p), "/proc/%d/mountinfo", (int)init_pid);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[256], fstype[32], sopts[1024];
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*d %*d %*s %*s %255s", mnt) != 1 || strcmp(mnt, "/dev/pts") != 0 ||
		    sscanf(sep + 3, "%31s %*s %1023s", fstype, sopts) != 2 || strcmp(fstype, "devpts") != 0)
			continue;
		size_t n = 0;
		for (char *save = NULL, *o = strtok_r(sopts, ",", &save); o; o = strtok_r(NULL, ",", &save))
			if (!strncmp(o, "max=", 4))
				*max = strtoll(o + 4, NULL, 10);
			else if (strchr(o, '=') && n + strlen(o) + 2 < len)
				n += (size_t)snprintf(out + n, len - n, "%s%s", n ? "," : "", o);
		return 0;
	}
	return -ENOENT;
}

/* In the jail's mount namespace, as host root (its devpts belongs to the host's user namespace). */
static int write_pts(const struct rctl_limits *l, const char *opts, struct jail_err *e)
{
	long long max = l->deny[RR_PSEUDOTERMINALS];
	char buf[32], o[512];
	struct statfs sfs;
	_cleanup_close_ int fd = open("/dev/pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int fs = -1;

	if (fd < 0 || fstatfs(fd, &sfs) < 0 || sfs.f_type != DEVPTS_MAGIC) {
		if (max < 0)
			return 0;
		return jail_err_set(e, -EOPNOTSUPP,
				    "pseudoterminals: the jail has no devpts of its own (mount.nodevfs)");
	}
	fs = (int)syscall(SYS_fspick, fd, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
	if (fs < 0)
		return jail_err_sys(e, -errno, "pseudoterminals: the jail's devpts");
	snprintf(o, sizeof(o), "%s", opts);
	for (char *save = NULL, *kv = strtok_r(o, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		*eq = '\0';
		if (sys_fsconfig(fs, FSCONFIG_SET_STRING, kv, eq + 1, 0) < 0)
			return jail_err_sys(e, -errno, "pseudoterminals: devpts option %s", kv);
	}
	snprintf(buf, sizeof(buf), "%lld", max >= 0 ? max : PTY_MAX);
	if (sys_fsconfig(fs, FSCONFIG_SET_STRING, "max", buf, 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
		return jail_err_sys(e, -errno, "pseudoterminals: setting max=%s on the jail's devpts", buf);
	return 0;
}

static bool same_ns(pid_t pid, const char *ns)
{
	char p[64];
	struct stat a, b;

	snprintf(p, sizeof(p), "/proc/%d/ns/%s", (int)pid, ns);
	if (stat(p, &a) < 0)
		return false;
	snprintf(p, sizeof(p), "/proc/self/ns/%s", ns);
	return stat(p, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

struct helper_args {
	int pidfd;
	bool ipc;
	const struct rctl_limits *l;
	const char *pts_opts; /* NULL: devpts left alone */
};

static void __attribute__((noreturn)) helper(const struct helper_args *a, int wfd)
{
	struct jail_err e = {0};
	/* The host's /proc: its sysctl lookups follow the IPC namespace of whoever looks. */
	int kdir = open("/proc/sys/kernel", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (kdir < 0)
		jail_err_sys(&e, -errno, "/proc/sys/kernel");
	else if (setns(a->pidfd, CLONE_NEWNS) < 0)
		jail_err_sys(&e, -errno, "joining the jail's mount namespace");
	else if (a->pts_opts && write_pts(a->l, a->pts_opts, &e) < 0)
		;
	else if (!a->ipc)
		;
	else if (setns(a->pidfd, CLONE_NEWUSER | CLONE_NEWIPC) < 0)
		jail_err_sys(&e, -errno, "joining the jail's IPC namespace");
	/* Root of the jail's user namespace: the IPC sysctls of its namespace are root's there. */
	else if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		jail_err_sys(&e, -errno, "becoming root of the jail's user namespace");
	else
		write_ipc(kdir, a->l, &e);
	if (write(wfd, &e, sizeof(e)) < 0)
		_exit(2);
	_exit(e.code < 0 ? 1 : 0);
}

int rctl_ns_write(pid_t init_pid, const struct rctl_limits *l, struct jail_err *e)
{
	struct helper_args a = {.ipc = !same_ns(init_pid, "ipc"), .l = l};
	char opts[512];
	long long max;
	int p[2], st;

	if (l->ipc && !a.ipc)
		return jail_err_set(
			e, -EOPNOTSUPP,
			"SysV IPC limits: the jail shares the host's IPC namespace (allow.sysvipc or "
			"sysv*=inherit)");
	if (pts_options(init_pid, opts, sizeof(opts), &max) == 0) {
		/* Only when there is something to set or to take off. */
		if (l->pts || max != PTY_MAX)
			a.pts_opts = opts;
	} else if (l->pts)
		return jail_err_set(e, -EOPNOTSUPP,
				    "pseudoterminals: the jail has no devpts of its own (mount.nodevfs)");
	_cleanup_close_ int pidfd = sys_pidfd_open(init_pid, 0);
	if (pidfd < 0)
		return jail_err_sys(e, -errno, "the jail's init (pid %d)", (int)init_pid);
	a.pidfd = pidfd;
	if (pipe2(p, O_CLOEXEC) < 0)
		return jail_err_sys(e, -errno, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return jail_err_sys(e, -errno, "fork");
	}
	if (pid == 0) {
		close(p[0]);
		helper(&a, p[1]);
	}
	close(p[1]);
	struct jail_err got = {0};
	ssize_t n = read(p[0], &got, sizeof(got));
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(got))
		return jail_err_set(e, -EIO, "rctl: the namespace helper died");
	if (got.code < 0) {
		*e = got;
		return got.code;
	}
	return 0;
}

/* --- rlimits ---------------------------------------------------------------- */

static const struct {
	int res, rlim;
} rlim_map[] = {
	{RR_DATASIZE, RLIMIT_DATA},	   {RR_STACKSIZE, RLIMIT_STACK},  {RR_COREDUMPSIZE, RLIMIT_CORE},
	{RR_MEMORYLOCKED, RLIMIT_MEMLOCK}, {RR_OPENFILES, RLIMIT_NOFILE},
};

void rctl_rlimits_of(const struct rctl_limits *l, struct rlimit out[RLIM_NLIMITS], unsigned *mask)
{
	*mask = 0;
	for (int i = 0; i < RLIM_NLIMITS; i++)
		out[i].rlim_cur = out[i].rlim_max = RLIM_INFINITY;
	for (size_t k = 0; k < ARRAY_SIZE(rlim_map); k++) {
		long long v = lmin(l->deny[rlim_map[k].res], l->pdeny[rlim_map[k].res]);
		if (v < 0)
			continue;
		out[rlim_map[k].rlim].rlim_cur = out[rlim_map[k].rlim].rlim_max = (rlim_t)v;
		*mask |= 1U << rlim_map[k].rlim;
	}
	if (l->pdeny[RR_VMEMORYUSE] >= 0) {
		out[RLIMIT_AS].rlim_cur = out[RLIMIT_AS].rlim_max = (rlim_t)l->pdeny[RR_VMEMORYUSE];
		*mask |= 1U << RLIMIT_AS;
	}
	if (l->cpu_soft >= 0 || l->cpu_hard >= 0) {
		/* sigxcpu: the soft limit (SIGXCPU each second past it); sigkill: the hard one. */
		out[RLIMIT_CPU].rlim_max = l->cpu_hard >= 0 ? (rlim_t)l->cpu_hard : RLIM_INFINITY;
		out[RLIMIT_CPU].rlim_cur = (rlim_t)lmin(l->cpu_soft, l->cpu_hard);
		*mask |= 1U << RLIMIT_CPU;
	}
}

static rlim_t rmin(rlim_t a, rlim_t b)
{
	return a < b ? a : b;
}

void rctl_rlimits_set(const struct rlimit rl[RLIM_NLIMITS], unsigned mask)
{
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		struct rlimit cur;
		if (!(mask & (1U << i)) || getrlimit(i, &cur) < 0)
			continue;
		struct rlimit n = {.rlim_max = rmin(cur.rlim_max, rl[i].rlim_max)};
		n.rlim_cur = rmin(rmin(cur.rlim_cur, rl[i].rlim_cur), n.rlim_max);
		setrlimit(i, &n);
	}
}

static rlim_t target(rlim_t base, bool set, rlim_t ceiling)
{
	return set ? rmin(base, ceiling) : base;
}

/* Each process of cgroup.procs text buf but the init, given the init's rlimits capped by the rules. */
static int rlimits_apply(const char *buf, pid_t init_pid, const struct rlimit rl[RLIM_NLIMITS], unsigned mask)
{
	struct rlimit base[RLIM_NLIMITS];
	for (int i = 0; i < RLIM_NLIMITS; i++)
		if (prlimit(init_pid, i, NULL, &base[i]) < 0)
			return -errno;
	for (const char *p = buf, *end; *p; p = end + (*end == '\n')) {
		pid_t pid = (pid_t)strtol(p, (char **)&end, 10);
		if (end == p)
			break;
		if (pid == init_pid)
			continue;
		for (int i = 0; i < RLIM_NLIMITS; i++) {
			static const int managed = (1 << RLIMIT_DATA) | (1 << RLIMIT_STACK) |
						   (1 << RLIMIT_CORE) | (1 << RLIMIT_MEMLOCK) |
						   (1 << RLIMIT_NOFILE) | (1 << RLIMIT_AS) |
						   (1 << RLIMIT_CPU);
			struct rlimit cur;
			if (!(managed & (1 << i)) || prlimit(pid, i, NULL, &cur) < 0)
				continue;
			bool set = mask & (1U << i);
			/* Lowered to the ceiling; raised only where no rule holds it below the init's. */
			struct rlimit n = {.rlim_max = target(base[i].rlim_max, set, rl[i].rlim_max)};
			n.rlim_cur = rmin(target(base[i].rlim_cur, set, rl[i].rlim_cur), n.rlim_max);
			if (cur.rlim_cur < n.rlim_cur && cur.rlim_max >= n.rlim_max)
				n.rlim_cur = cur.rlim_cur; /* the process chose less itself */
			if (n.rlim_cur != cur.rlim_cur || n.rlim_max != cur.rlim_max)
				prlimit(pid, i, &n, NULL);
		}
	}
	return 0;
}

void rctl_rlimits_running(const struct jail_cgroup *cg, pid_t init_pid, const struct rlimit rl[RLIM_NLIMITS],
			  unsigned mask)
{
	char buf[65536];

	if (cg->n == 0 || init_pid <= 0)
		return;
	_cleanup_close_ int dfd = open(cg->d[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || read_file_at(dfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return;
	if (rlimits_apply(buf, init_pid, rl, mask) != -EPERM)
		return;
	/*
	 * Host root without CAP_SYS_RESOURCE (some container hosts) may not set
	 * the rlimits of processes of a user namespace it does not own (the
	 * jail's is owned by its range): a child joins the jail's user
	 * namespace, where it has every capability, and does it from there.
	 */
	_cleanup_close_ int pidfd = sys_pidfd_open(init_pid, 0);
	if (pidfd < 0)
		return;
	pid_t pid = fork();
	if (pid == 0)
		_exit(setns(pidfd, CLONE_NEWUSER) < 0 || rlimits_apply(buf, init_pid, rl, mask) < 0);
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* --- block devices ---------------------------------------------------------- */

/* A partition's throttle lives on its disk: /sys/dev/block/M:m/partition says which. */
static void whole_disk(unsigned *ma, unsigned *mi)
{
	char p[128], dev[32];

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/partition", *ma, *mi);
	if (access(p, F_OK) < 0)
		return;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/..", *ma, *mi);
	_cleanup_close_ int dfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0 && read_file_at(dfd, "dev", dev, sizeof(dev)) > 0)
		sscanf(dev, "%u:%u", ma, mi);
}

static int add_dev(struct rctl_dev *out, int n, int max, unsigned ma, unsigned mi)
{
	char blk[64];

	if (ma == 0)
		return n;
	snprintf(blk, sizeof(blk), "/sys/dev/block/%u:%u", ma, mi);
	if (access(blk, F_OK) < 0)
		return n; /* not a block device (an anonymous one of btrfs, say) */
	whole_disk(&ma, &mi);
	for (int i = 0; i < n; i++)
		if (out[i].major == ma && out[i].minor == mi)
			return n;
	if (n < max)
		out[n++] = (struct rctl_dev){ma, mi};
	return n;
}

/* An overlay (a thin jail's root) is on no device itself: its layers are. */
static int overlay_devs(char *sopts, struct rctl_dev *out, int n, int max)
{
	for (char *save = NULL, *o = strtok_r(sopts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *dirs = !strncmp(o, "lowerdir=", 9) ? o + 9 : !strncmp(o, "upperdir=", 9) ? o + 9 : NULL;
		for (char *s2 = NULL, *d = dirs ? strtok_r(dirs, ":", &s2) : NULL; d;
		     d = strtok_r(NULL, ":", &s2)) {
			struct stat sb;
			if (stat(d, &sb) == 0)
				n = add_dev(out, n, max, major(sb.st_dev), minor(sb.st_dev));
		}
	}
	return n;
}

int rctl_devices(pid_t init_pid, struct rctl_dev *out, int max, struct jail_err *e)
{
	char p[64], line[8192];
	int n = 0;

	snprintf(p, sizeof(p), "/proc/%d/mountinfo", (int)init_pid);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	if (!f)
		return jail_err_sys(e, -errno, "%s", p);
	while (fgets(line, sizeof(line), f)) {
		unsigned ma, mi;
		char fstype[32], sopts[4096];
		const char *sep = strstr(line, " - ");
		if (sscanf(line, "%*d %*d %u:%u", &ma, &mi) != 2)
			continue;
		n = add_dev(out, n, max, ma, mi);
		if (sep && sscanf(sep + 3, "%31s %*s %4095s", fstype, sopts) == 2 &&
		    !strcmp(fstype, "overlay"))
			n = overlay_devs(sopts, out, n, max);
	}
	return n;
}
