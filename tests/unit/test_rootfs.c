/*
 * Unit tests for reading files of an untrusted jail root (issue 10 item 7):
 * rootfs_open_regular and rootfs_read_file open regular files only, never
 * block or read without end (a FIFO, /dev/zero, /dev/tty, a file of procfs,
 * a leased file, a sparse giant), and say why in one line; and the readers
 * built on them (jail_user_root/lookup, the ELF closure, preflight) fail or
 * move on at once when a jailed root plants such files. An alarm turns a
 * hang into a failure instead of a stuck test run. No root privilege needed.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/rootfs.h"
#include "core/user.h"
#include "jail/preflight.h"
#include "t.h"

static int rootfd = -1;

static void put(const char *path, const char *text)
{
	_cleanup_close_ int fd = openat(rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		printf("# writing %s failed: %s\n", path, strerror(errno));
}

static void refused(int dirfd, const char *path, unsigned flags, int code, const char *msg, const char *what)
{
	struct jail_err e = {0};
	int fd = rootfs_open_regular(dirfd, path, flags, NULL, &e);

	T_INT(fd, code, "%s: refused", what);
	T_STR(e.msg, msg, "%s: the reason", what);
	if (fd >= 0)
		close(fd);
}

static void on_alarm(int sig)
{
	static const char m[] = "not ok - a read blocked or spun for 20 s\n";

	(void)sig;
	if (write(STDOUT_FILENO, m, sizeof(m) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void test_open_regular(void)
{
	struct jail_err e = {0};
	_cleanup_close_ int hostfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t len = 99;
	int fd;

	put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
	fd = rootfs_open_regular(rootfd, "/etc/passwd", 0, &st, &e);
	T_OK(fd >= 0 && S_ISREG(st.st_mode) && st.st_size == 30, "a regular file opens, its stat filled");
	T_OK(fd >= 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY, "read-only");
	T_OK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "close-on-exec");
	if (fd >= 0)
		close(fd);
	T_INT(rootfs_read_file(rootfd, "etc/passwd", 0, 1024, &buf, &len, &e), 0, "read whole");
	T_OK(buf && len == 30 && !strcmp(buf, "root:x:0:0:root:/root:/bin/sh\n"),
	     "its contents, NUL-terminated");
	free(buf);

	T_INT(mkfifoat(rootfd, "etc/fifo", 0600), 0, "a FIFO in the root");
	refused(rootfd, "etc/fifo", 0, -EINVAL, "not a regular file (a FIFO)", "a FIFO (open would block)");
	T_INT(symlinkat("/dev/zero", rootfd, "etc/zero"), 0, "a symlink to /dev/zero");
	T_INT(mkdirat(rootfd, "dev", 0755), 0, "a /dev in the root");
	/* Inside the root /dev/zero is the root's: missing here, never the host's. */
	refused(rootfd, "etc/zero", 0, -ENOENT, "No such file or directory",
		"a symlink to /dev/zero stays in the root");
	refused(hostfd, "dev/zero", 0, -EINVAL, "not a regular file (a character device)",
		"/dev/zero itself (a read that never ends)");
	refused(hostfd, "dev/tty", 0, -EINVAL, "not a regular file (a character device)",
		"/dev/tty (the administrator's terminal)");
	refused(hostfd, "proc/self/status", 0, -EINVAL, "a file of procfs; refusing to read it",
		"a file of procfs");
	refused(rootfd, "etc", 0, -EISDIR, "not a regular file (a directory)", "a directory");
	T_INT(symlinkat("passwd", rootfd, "etc/link"), 0, "a symlink to a regular file");
	fd = rootfs_open_regular(rootfd, "etc/link", 0, NULL, &e);
	T_OK(fd >= 0, "followed inside the root by default");
	if (fd >= 0)
		close(fd);
	refused(rootfd, "etc/link", ROOTFS_NOFOLLOW, -EINVAL, "not a regular file (a symbolic link)",
		"ROOTFS_NOFOLLOW: a symlink as the last component");

	/* A sparse giant is refused from its size, before a byte is read. */
	{
		_cleanup_close_ int big = openat(rootfd, "etc/big", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		T_INT(ftruncate(big, 1L << 30), 0, "a 1 GiB sparse file");
	}
	buf = NULL;
	T_INT(rootfs_read_file(rootfd, "etc/big", 0, 1 << 20, &buf, &len, &e), -EFBIG,
	      "over the cap: -EFBIG");
	T_STR(e.msg, "larger than 1048576 bytes; refusing to read it", "its reason");
	T_OK(buf == NULL && len == 0, "nothing handed out");

	/* A write lease: without O_NONBLOCK the open would wait lease-break-time (45 s). */
	{
		_cleanup_close_ int lfd = openat(rootfd, "etc/passwd", O_RDONLY | O_CLOEXEC);
		if (lfd >= 0 && fcntl(lfd, F_SETLEASE, F_WRLCK) == 0) {
			refused(rootfd, "etc/passwd", 0, -EWOULDBLOCK, strerror(EWOULDBLOCK),
				"a file under a lease");
			fcntl(lfd, F_SETLEASE, F_UNLCK);
		} else {
			printf("ok %d - # SKIP a lease could not be taken: %s\n", ++t_n, strerror(errno));
		}
	}
}

/* jail_user_root and jail_user_lookup: one line naming the file, at once. */
static void test_users(void)
{
	static const char *const cases[][2] = {
		{"fifo", "/srv/j/etc/passwd: not a regular file (a FIFO)"},
		{"big", "/srv/j/etc/passwd: larger than 16777216 bytes; refusing to read it"},
		{"dir", "/srv/j/etc/passwd: not a regular file (a directory)"},
	};
	struct jail_user u;
	struct jail_err e = {0};

	put("etc/passwd", "root:x:0:0:Root:/root:/bin/ash\nuser:x:1000:1000::/home/user:/bin/sh\n");
	put("etc/group", "wheel:x:10:user\nuser:x:1000:\n");
	T_INT(jail_user_lookup(rootfd, "/srv/j", "user", &u, &e), 0, "a user looked up");
	T_OK(u.uid == 1000 && u.ngroups == 2 && u.groups[1] == 10, "uid and groups");
	T_INT(jail_user_root(rootfd, "/srv/j", &u, &e), 0, "root looked up");
	T_STR(u.shell, "/bin/ash", "root's shell from passwd");
	unlinkat(rootfd, "etc/group", 0);
	T_INT(jail_user_root(rootfd, "/srv/j", &u, &e), 0, "no /etc/group: fine");
	unlinkat(rootfd, "etc/passwd", 0);
	T_INT(jail_user_root(rootfd, "/srv/j", &u, &e), 0, "no /etc/passwd: root with defaults");
	T_STR(u.shell, "/bin/sh", "the default shell");
	T_INT(jail_user_lookup(rootfd, "/srv/j", "user", &u, &e), -ENOENT,
	      "no /etc/passwd: a named user fails");
	T_STR(e.msg, "/srv/j/etc/passwd: No such file or directory", "its message");

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!strcmp(cases[i][0], "fifo"))
			mkfifoat(rootfd, "etc/passwd", 0644);
		else if (!strcmp(cases[i][0], "dir"))
			mkdirat(rootfd, "etc/passwd", 0755);
		else
			renameat(rootfd, "etc/big", rootfd, "etc/passwd");
		memset(&e, 0, sizeof(e));
		T_OK(jail_user_root(rootfd, "/srv/j", &u, &e) < 0, "passwd as %s: jail_user_root fails",
		     cases[i][0]);
		T_STR(e.msg, cases[i][1], "passwd as %s: one line", cases[i][0]);
		memset(&e, 0, sizeof(e));
		T_OK(jail_user_lookup(rootfd, "/srv/j", "user", &u, &e) < 0, "passwd as %s: a lookup fails",
		     cases[i][0]);
		T_STR(e.msg, cases[i][1], "passwd as %s: the same line", cases[i][0]);
		if (!strcmp(cases[i][0], "dir"))
			unlinkat(rootfd, "etc/passwd", AT_REMOVEDIR);
		else
			unlinkat(rootfd, "etc/passwd", 0);
	}
	put("etc/passwd", "root:x:0:0:Root:/root:/bin/ash\n");
	mkfifoat(rootfd, "etc/group", 0644);
	memset(&e, 0, sizeof(e));
	T_OK(jail_user_root(rootfd, "/", &u, &e) < 0, "group as a FIFO: fails");
	T_STR(e.msg, "/etc/group: not a regular file (a FIFO)", "one line, for the root /");
	unlinkat(rootfd, "etc/group", 0);
}

static void collect(void *arg, const char *line)
{
	char(*l)[256] = arg;

	for (int i = 0; i < 8; i++)
		if (!l[i][0]) {
			snprintf(l[i], 256, "%s", line);
			return;
		}
}

/* Preflight (mkjail check, jail -c) and the ELF closure over planted FIFOs. */
static void test_preflight(void)
{
	char l[8][256];
	struct jail_err e = {0};
	const char *progs[] = {"/bin/prog", NULL};
	int r;

	mkdirat(rootfd, "bin", 0755);
	mkfifoat(rootfd, "bin/sh", 0755);
	mkfifoat(rootfd, "bin/prog", 0755);
	memset(l, 0, sizeof(l));
	r = jail_preflight(rootfd, progs, JAIL_PREFLIGHT_SHELL, collect, l, &e);
	T_INT(r, 2, "the shell and a program as FIFOs: two problems");
	T_STR(l[0], "/bin/sh: not a regular file (a FIFO)", "the shell's line");
	T_STR(l[1], "/bin/prog: not a regular file (a FIFO)", "the program's line");

	/* A real dynamic program whose loader, libc and ld.so.cache are FIFOs. */
	unlinkat(rootfd, "bin/prog", 0);
	{
		_cleanup_close_ int in = open("/bin/true", O_RDONLY | O_CLOEXEC);
		_cleanup_close_ int out = openat(rootfd, "bin/prog", O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
		T_INT(in >= 0 && out >= 0 ? rootfs_copy_data(in, out) : -1, 0, "a copy of /bin/true");
	}
	rootfs_mkdir_p(rootfd, "lib64", 0755, NULL);
	rootfs_mkdir_p(rootfd, "lib/x86_64-linux-gnu", 0755, NULL);
	mkfifoat(rootfd, "lib64/ld-linux-x86-64.so.2", 0755);
	mkfifoat(rootfd, "lib/ld-linux-aarch64.so.1", 0755);
	mkfifoat(rootfd, "lib/libc.so.6", 0755);
	mkfifoat(rootfd, "lib/x86_64-linux-gnu/libc.so.6", 0755);
	mkfifoat(rootfd, "etc/ld.so.cache", 0644);
	memset(l, 0, sizeof(l));
	r = jail_preflight(rootfd, progs, 0, collect, l, &e);
	T_OK(r >= 1, "FIFOs for the loader and libc: problems, no hang (%d)", r);
	T_OK(strstr(l[0], "not a regular file (a FIFO)") || strstr(l[0], "missing"), "first line: %s", l[0]);
	T_OK(r < 2 || strstr(l[1], "libc.so.6: missing"), "libc is not taken from a FIFO: %s", l[1]);
}

int main(void)
{
	char dir[] = "/tmp/test_rootfs.XXXXXX";
	struct jail_err e = {0};

	signal(SIGALRM, on_alarm);
	signal(SIGIO, SIG_IGN); /* the lease holder is told of the break with SIGIO */
	alarm(20);
	if (!mkdtemp(dir) || chdir(dir) < 0) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	mkdirat(rootfd, "etc", 0755);
	test_open_regular();
	test_users();
	test_preflight();
	if (chdir("/") < 0 || rootfs_rm_tree(AT_FDCWD, dir, &e) < 0)
		printf("# could not remove %s: %s\n", dir, e.msg);
	T_DONE();
}
