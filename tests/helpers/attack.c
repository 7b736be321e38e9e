/*
 * attack: a static helper for tests/integration/attacks.bats. Each verb is
 * one move a hostile jailed root (or, for a few, the host side of a test)
 * makes, done with raw system calls so that nothing in a libc or a shell
 * hides what the kernel answered. Verbs print "ok" or the errno name, or
 * the one value they measure; none of them writes anything it managed to
 * open for writing (an attempt that succeeds is reported, not carried out).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <mqueue.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

/* A pid whose low 32 bits are 1: the kernel truncates pid arguments to pid_t. */
#define PID1_HIGH 0x100000001LL

static int result(long r)
{
	if (r >= 0) {
		puts("ok");
		return 0;
	}
	const char *n = strerrorname_np(errno);
	puts(n ? n : "?");
	return 1;
}

static long long pid_arg(const char *s)
{
	return strtoll(s, NULL, 0);
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ruid euid suid, then the permitted and effective capability sets. */
static int ids(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{0}};
	uid_t r, e, s;

	getresuid(&r, &e, &s);
	syscall(SYS_capget, &h, d);
	printf("uid=%u euid=%u suid=%u prm=%08x%08x eff=%08x%08x\n", r, e, s, d[1].permitted, d[0].permitted,
	       d[1].effective, d[0].effective);
	return 0;
}

/* A v2 file capability: every capability permitted, effective bit set. */
static int setcap(const char *path)
{
	struct vfs_cap_data c = {.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE};

	c.data[0].permitted = 0xffffffff;
	c.data[1].permitted = 0x000001ff;
	return result(setxattr(path, "security.capability", &c, XATTR_CAPS_SZ_2, 0));
}

/* Open for writing and close again without writing. */
static int openw(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd >= 0)
		close(fd);
	return result(fd);
}

/* Write back exactly what a (sysctl) file holds: harmless if it works, and the answer is what counts. */
static int writesame(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return result(-1);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return result(-1);
	long w = write(fd, buf, (size_t)n);
	close(fd);
	return result(w);
}

static int remount_rw(const char *path)
{
	return result(mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL));
}

static int setattr_rw(const char *path)
{
	struct mount_attr a = {.attr_clr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC};

	return result(syscall(SYS_mount_setattr, AT_FDCWD, path, 0, &a, sizeof(a)));
}

/* fsopen + create + fsmount, attached nowhere: whether the kernel would give this type. */
static int fsnew(const char *type)
{
	int fs = (int)syscall(SYS_fsopen, type, 0);

	if (fs < 0)
		return result(-1);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return result(-1);
	int m = (int)syscall(SYS_fsmount, fs, 0, 0);
	if (m >= 0)
		close(m);
	close(fs);
	return result(m);
}

/* Events seen on PATH within MS milliseconds. */
static int inotify_count(const char *path, int ms)
{
	char buf[4096];
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK), n = 0;
	long end = now_ms() + ms;

	if (fd < 0 || inotify_add_watch(fd, path, IN_ALL_EVENTS) < 0)
		return result(-1);
	for (long left; (left = end - now_ms()) > 0;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		ssize_t r = read(fd, buf, sizeof(buf));
		for (char *e = buf; r > 0 && e < buf + r;
		     e += sizeof(struct inotify_event) + ((struct inotify_event *)e)->len)
			n++;
	}
	printf("%d\n", n);
	return 0;
}

/* How many inotify instances this uid may have, holding them for MS. */
static int inotify_fill(int ms)
{
	int n = 0;

	while (n < 100000 && inotify_init1(IN_CLOEXEC) >= 0)
		n++;
	printf("%d\n", n);
	fflush(stdout);
	usleep((useconds_t)ms * 1000);
	return 0;
}

/* Host side: hold N inotify instances for MS. */
static int inotify_hold(int n, int ms)
{
	int k = 0;

	while (k < n && inotify_init1(IN_CLOEXEC) >= 0)
		k++;
	printf("%d\n", k);
	fflush(stdout);
	usleep((useconds_t)ms * 1000);
	return 0;
}

/* The host uid owning a user namespace (ioctl NS_GET_OWNER_UID). */
static int nsowner(const char *path)
{
	unsigned uid = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, 0xb704 /* NS_GET_OWNER_UID */, &uid) < 0)
		return result(-1);
	printf("%u\n", uid);
	return 0;
}

/* Every extended attribute under a tree (not following symlinks), as "path name hex-value" lines. */
static int xattr_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	char names[4096], val[1024];
	ssize_t n = llistxattr(path, names, sizeof(names));

	(void)sb, (void)type, (void)ftw;
	for (char *k = names; n > 0 && k < names + n; k += strlen(k) + 1) {
		ssize_t v = lgetxattr(path, k, val, sizeof(val));
		printf("%s %s ", path, k);
		for (ssize_t i = 0; i < v; i++)
			printf("%02x", (unsigned char)val[i]);
		putchar('\n');
	}
	return 0;
}

/* Bytes of POSIX message queues this uid may have (RLIMIT_MSGQUEUE), unlinked at once, held for MS. */
static int mq_fill(int ms)
{
	struct mq_attr a = {.mq_maxmsg = 10, .mq_msgsize = 1024};
	long total = 0;

	for (int k = 0; k < 100000; k++) {
		char name[32];
		snprintf(name, sizeof(name), "/attack.%d.%d", getpid(), k);
		mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &a);
		if (q < 0)
			break;
		mq_unlink(name);
		total += a.mq_maxmsg * a.mq_msgsize;
	}
	printf("%ld\n", total);
	fflush(stdout);
	usleep((useconds_t)ms * 1000);
	return 0;
}

/* The jail's init (PID 1), reached in each way the kernel offers. */
static int pid1(const char *how, long long pid)
{
	if (!strcmp(how, "mem")) {
		int fd = open("/proc/1/mem", O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		return result(fd);
	}
	if (!strcmp(how, "ptrace")) {
		long r = syscall(SYS_ptrace, 0x4206 /* PTRACE_SEIZE */, pid, 0, 0);
		if (r == 0)
			syscall(SYS_ptrace, 17 /* PTRACE_DETACH */, pid, 0, 0);
		return result(r);
	}
	if (!strcmp(how, "pidfd"))
		return result(syscall(SYS_pidfd_open, pid, 0));
	if (!strcmp(how, "getfd")) {
		long pfd = syscall(SYS_pidfd_open, pid, 0);
		if (pfd < 0)
			return result(pfd);
		for (int fd = 0; fd < 16; fd++) {
			long g = syscall(SYS_pidfd_getfd, pfd, fd, 0);
			if (g >= 0)
				return result(g);
			if (errno != EBADF)
				return result(g);
		}
		errno = EBADF;
		return result(-1);
	}
	if (!strcmp(how, "vmread")) {
		char b[8];
		struct iovec l = {b, sizeof(b)}, r = {(void *)0x400000, sizeof(b)};
		long n = syscall(SYS_process_vm_readv, pid, &l, 1, &r, 1, 0);
		if (n < 0 && errno == EFAULT)
			n = 0; /* reached the process: only the address was wrong */
		return result(n);
	}
	if (!strcmp(how, "prlimit")) {
		/* only read: the kernel asks the same of a reader as of a writer */
		struct rlimit old;
		return result(syscall(SYS_prlimit64, pid, RLIMIT_CPU, NULL, &old));
	}
	if (!strcmp(how, "kcmp"))
		return result(syscall(SYS_kcmp, pid, (long long)getpid(), 0 /* KCMP_FILE */, 0, 0));
	fprintf(stderr, "attack: pid1: unknown way '%s'\n", how);
	return 2;
}

/* A signal to PID 1 that claims to come from outside the PID namespace (si_pid 0). */
static int sigspoof(int sig)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = 0;
	si.si_uid = 0;
	return result(syscall(SYS_rt_sigqueueinfo, 1, sig, &si));
}

/* Every distinct /proc/PID/exe this process could read within MS, one a line, to OUT. */
static int exescan(int ms, const char *out)
{
	char seen[64][256];
	int nseen = 0;
	long end = now_ms() + ms;
	FILE *f = fopen(out, "w");

	if (!f)
		return result(-1);
	while (now_ms() < end) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		while (d && (de = readdir(d))) {
			char p[64], t[256];
			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			snprintf(p, sizeof(p), "/proc/%d/exe", atoi(de->d_name));
			ssize_t n = readlink(p, t, sizeof(t) - 1);
			if (n <= 0)
				continue;
			t[n] = '\0';
			int k = 0;
			while (k < nseen && strcmp(seen[k], t))
				k++;
			if (k == nseen && nseen < 64) {
				snprintf(seen[nseen++], sizeof(seen[0]), "%s", t);
				fprintf(f, "%s\n", t);
				fflush(f);
			}
			/* a host binary reached: can it be held? (never written) */
			int fd = open(p, O_PATH | O_CLOEXEC);
			if (fd >= 0)
				close(fd);
		}
		if (d)
			closedir(d);
	}
	fclose(f);
	return 0;
}

/* The wire format of lib/core/spawn.h's struct jail_msg. */
struct forged_msg {
	int type, status, lingering;
	int code, exit;
	char msg[512]; /* JAIL_ERR_MAX */
};

/*
 * The stub jexec runs a program through (jinit exec SOCK PATH ...) holds the
 * socket to the host's jexec until its execve. For MS: catch every new
 * process of the jail, step it with SIGSTOP/SIGCONT and try to take that
 * socket (pidfd_getfd); with it, send the host an error line carrying a
 * terminal escape sequence. Prints how many sockets were taken.
 */
static int stubgrab(int ms)
{
	int grabbed = 0, self = getpid();
	long end = now_ms() + ms;
	int last = self;

	while (now_ms() < end) {
		for (int pid = last + 1; pid < last + 64 && pid < 4194304; pid++) {
			if (kill(pid, SIGSTOP) < 0)
				continue;
			last = pid;
			int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
			for (int step = 0; pfd >= 0 && step < 20000; step++) {
				int got = -1;
				/* fd 0 is always there: EPERM means "not yet", anything else that we may */
				int probe = (int)syscall(SYS_pidfd_getfd, pfd, 0, 0);
				if (probe >= 0)
					close(probe);
				for (int fd = 3; (probe >= 0 || errno != EPERM) && fd < 256 && got < 0;
				     fd++) {
					int g = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
					struct stat sb;
					if (g >= 0 && fstat(g, &sb) == 0 && S_ISSOCK(sb.st_mode))
						got = g;
					else if (g >= 0)
						close(g);
				}
				if (got >= 0) {
					struct forged_msg m = {.type = 2 /* ERROR */, .code = -5, .exit = 1};
					snprintf(m.msg, sizeof(m.msg), "forged\033]0;PWNED\007");
					if (send(got, &m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m))
						grabbed++;
					if (getenv("ATTACK_DEBUG")) {
						char c[256] = {0}, p[64];
						snprintf(p, sizeof(p), "/proc/%d/cmdline", pid);
						int cf = open(p, O_RDONLY);
						ssize_t cn = cf >= 0 ? read(cf, c, sizeof(c) - 1) : 0;
						for (ssize_t i = 0; i < cn; i++)
							if (!c[i])
								c[i] = ' ';
						fprintf(stderr, "pid %d step %d: %s errno=%d\n", pid, step, c,
							errno);
					}
					close(got);
					break;
				}
				kill(pid, SIGCONT);
				if (syscall(SYS_pidfd_send_signal, pfd, SIGSTOP, NULL, 0) < 0)
					break;
			}
			kill(pid, SIGCONT);
			if (pfd >= 0)
				close(pfd);
		}
	}
	printf("%d\n", grabbed);
	return 0;
}

/* Abstract unix sockets: the listener prints the peer's uid as SO_PEERCRED gives it. */
static int abstract(const char *role, const char *name, int ms)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));

	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "%s", name);
	if (s < 0)
		return result(-1);
	if (!strcmp(role, "connect"))
		return result(connect(s, (struct sockaddr *)&a, len));
	if (bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 1) < 0)
		return result(-1);
	struct pollfd p = {s, POLLIN, 0};
	if (poll(&p, 1, ms) <= 0) {
		puts("timeout");
		return 1;
	}
	int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	struct ucred uc;
	socklen_t ul = sizeof(uc);
	if (c < 0 || getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &ul) < 0)
		return result(-1);
	printf("%u\n", uc.uid);
	return 0;
}

/* Read a SysV shared memory segment, or change or remove it. */
static int shm(const char *how, int id)
{
	if (!strcmp(how, "read"))
		return result((long)shmat(id, NULL, SHM_RDONLY) == -1 ? -1 : 0);
	if (!strcmp(how, "rmid"))
		return result(shmctl(id, IPC_RMID, NULL));
	if (!strcmp(how, "set")) {
		struct shmid_ds ds;
		if (shmctl(id, IPC_STAT, &ds) < 0)
			return result(-1);
		ds.shm_perm.mode = 0666;
		return result(shmctl(id, IPC_SET, &ds));
	}
	fprintf(stderr, "attack: shm: unknown way '%s'\n", how);
	return 2;
}

/* Host side: a 0600 segment of host root's, with a secret in it; prints its id. */
static int shm_make(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	char *p = id < 0 ? (char *)-1 : shmat(id, NULL, 0);

	if (p == (char *)-1)
		return result(-1);
	strcpy(p, "host-secret");
	shmdt(p);
	printf("%d\n", id);
	return 0;
}

/* The classic chroot escape: prints whether a directory outside the jail's root became visible. */
static int chroot_escape(const char *marker)
{
	struct stat before, after;

	stat("/", &before);
	mkdir("/tmp/.attack-chroot", 0700);
	if (chroot("/tmp/.attack-chroot") < 0)
		return result(-1);
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0)
		return result(-1);
	stat("/", &after);
	rmdir("/tmp/.attack-chroot");
	printf("%s %s\n",
	       before.st_ino == after.st_ino && before.st_dev == after.st_dev ? "same-root" : "escaped",
	       access(marker, F_OK) == 0 ? "host-visible" : "host-hidden");
	return 0;
}

/* Nested namespaces: make a user+net namespace and ask nf_tables for a table. */
static int nested_nft(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return result(-1);
	/* NFNL_SUBSYS_NFTABLES batch: BEGIN, NEWTABLE, END. */
	struct {
		struct {
			uint32_t len;
			uint16_t type, flags;
			uint32_t seq, pid;
		} h;
		uint8_t family, version;
		uint16_t res_id;
	} __attribute__((packed)) begin = {{20, 0x10 /* NFNL_MSG_BATCH_BEGIN */, 1, 1, 0}, 0, 0, htobe16(10)},
				  end = {{20, 0x11, 1, 3, 0}, 0, 0, htobe16(10)};
	struct {
		struct {
			uint32_t len;
			uint16_t type, flags;
			uint32_t seq, pid;
		} h;
		uint8_t family, version;
		uint16_t res_id;
		uint16_t alen, atype;
		char name[8];
	} __attribute__((packed))
	table = {{32, (10 << 8) | 0 /* NFT_MSG_NEWTABLE */, 1 | 4 | 0x400 /* REQUEST|ACK|CREATE */, 2, 0},
		 2 /* NFPROTO_IPV4 */,
		 0,
		 0,
		 12,
		 1 /* NFTA_TABLE_NAME */,
		 "attack"};
	char buf[128 + 1024];
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 12 /* NETLINK_NETFILTER */);
	if (s < 0)
		return result(-1);
	memcpy(buf, &begin, sizeof(begin));
	memcpy(buf + sizeof(begin), &table, sizeof(table));
	memcpy(buf + sizeof(begin) + sizeof(table), &end, sizeof(end));
	if (send(s, buf, sizeof(begin) + sizeof(table) + sizeof(end), 0) < 0)
		return result(-1);
	ssize_t n = recv(s, buf, sizeof(buf), 0);
	if (n < 36)
		return result(-1);
	int err;
	memcpy(&err, buf + 16, sizeof(err)); /* NLMSG_ERROR: the error right after the header */
	if (err) {
		errno = -err;
		return result(-1);
	}
	return result(0);
}

int main(int argc, char **argv)
{
	const char *v = argc > 1 ? argv[1] : "";
	const char *a = argc > 2 ? argv[2] : "";
	const char *b = argc > 3 ? argv[3] : "";

	if (!strcmp(v, "ids"))
		return ids();
	if (!strcmp(v, "setcap"))
		return setcap(a);
	if (!strcmp(v, "openw"))
		return openw(a);
	/* A new file made setuid and setgid at birth: by open(O_CREAT), by mknod. */
	if (!strcmp(v, "creat-setid"))
		return result(open(a, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 06755));
	/* Not creating: the mode argument is whatever a libc left there (a 2018 busybox: junk), no refusal. */
	if (!strcmp(v, "open-junkmode"))
		return result(open(a, O_RDONLY | O_CLOEXEC, 06755));
	if (!strcmp(v, "mknod-setid"))
		return result(mknod(a, S_IFREG | 06755, 0));
	if (!strcmp(v, "writesame"))
		return writesame(a);
	if (!strcmp(v, "umount"))
		return result(umount2(a, 0));
	if (!strcmp(v, "umount-detach"))
		return result(umount2(a, MNT_DETACH));
	if (!strcmp(v, "remount-rw"))
		return remount_rw(a);
	if (!strcmp(v, "setattr-rw"))
		return setattr_rw(a);
	if (!strcmp(v, "mount"))
		return result(mount("none", b, a, 0, NULL));
	if (!strcmp(v, "fsnew"))
		return fsnew(a);
	if (!strcmp(v, "inotify"))
		return inotify_count(a, atoi(b));
	if (!strcmp(v, "inotify-fill"))
		return inotify_fill(atoi(a));
	if (!strcmp(v, "inotify-hold"))
		return inotify_hold(atoi(a), atoi(b));
	if (!strcmp(v, "xattrs"))
		return nftw(a, xattr_one, 16, FTW_PHYS) == 0 ? 0 : 1;
	if (!strcmp(v, "nsowner"))
		return nsowner(a);
	if (!strcmp(v, "mq-fill"))
		return mq_fill(atoi(a));
	if (!strcmp(v, "pid1"))
		return pid1(a, argc > 3 ? pid_arg(b) : 1);
	if (!strcmp(v, "pid1-high"))
		return pid1(a, PID1_HIGH);
	if (!strcmp(v, "sigspoof"))
		return sigspoof(atoi(a));
	if (!strcmp(v, "exescan"))
		return exescan(atoi(a), b);
	if (!strcmp(v, "stubgrab"))
		return stubgrab(atoi(a));
	if (!strcmp(v, "abstract"))
		return abstract(a, b, argc > 4 ? atoi(argv[4]) : 5000);
	if (!strcmp(v, "shm"))
		return shm(a, atoi(b));
	if (!strcmp(v, "shm-make"))
		return shm_make();
	if (!strcmp(v, "chroot-escape"))
		return chroot_escape(a);
	if (!strcmp(v, "nested-nft"))
		return nested_nft();
	if (!strcmp(v, "unshare-user"))
		return result(unshare(CLONE_NEWUSER));
	fprintf(stderr, "attack: unknown verb '%s'\n", v);
	return 2;
}
