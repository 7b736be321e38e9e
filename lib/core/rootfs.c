/*
 * Path handling inside an untrusted jail root: openat2 with RESOLVE_IN_ROOT,
 * a component-by-component walk that reports every symlink (mkjail copies
 * them, preflight follows them), reads of files a jailed root may have made
 * hostile (a FIFO, a link to /dev/zero or /dev/tty, a sparse giant: regular
 * files only, size-capped, nothing that can block), recursive removal that
 * never follows a link or leaves the filesystem, and a data copy that
 * prefers reflinks.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "rootfs.h"

int rootfs_open(int rootfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	return (int)fd;
}

static const char *type_name(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFSOCK:
		return "a socket";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symbolic link";
	default:
		return "not a file";
	}
}

/* Filesystems whose files are the kernel's, not the jail's: reading them may
 * wait, change state, or never end. FUSE is here too: its server is the jail. */
static const char *kernel_fs(unsigned long type)
{
	switch (type) {
	case PROC_SUPER_MAGIC:
		return "procfs";
	case SYSFS_MAGIC:
		return "sysfs";
	case DEBUGFS_MAGIC:
		return "debugfs";
	case TRACEFS_MAGIC:
		return "tracefs";
	case SECURITYFS_MAGIC:
		return "securityfs";
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
		return "cgroupfs";
	case BPF_FS_MAGIC:
		return "bpffs";
	case 0x65735546: /* FUSE_SUPER_MAGIC */
		return "fuse";
	default:
		return NULL;
	}
}

int rootfs_open_regular(int rootfd, const char *path, unsigned flags, struct stat *st, struct jail_err *e)
{
	_cleanup_close_ int opath = -1;
	struct stat sb, sb2;
	struct statfs sf;
	const char *fs;
	char self[64];
	int fd;

	opath = rootfs_open(rootfd, path, O_PATH | ((flags & ROOTFS_NOFOLLOW) ? O_NOFOLLOW : 0), 0);
	if (opath < 0)
		return jail_err_set(e, opath, "%s", strerror(-opath));
	if (fstat(opath, &sb) < 0)
		return jail_err_sys(e, -errno, "stat");
	if (S_ISDIR(sb.st_mode))
		return jail_err_set(e, -EISDIR, "not a regular file (a directory)");
	if (!S_ISREG(sb.st_mode))
		return jail_err_set(e, -EINVAL, "not a regular file (%s)", type_name(sb.st_mode));
	if (fstatfs(opath, &sf) < 0)
		return jail_err_sys(e, -errno, "statfs");
	if ((fs = kernel_fs((unsigned long)sf.f_type)))
		return jail_err_set(e, -EINVAL, "a file of %s; refusing to read it", fs);
	/* The inode checked above, whatever the path names by now. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", opath);
	fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return jail_err_set(e, -errno, "%s", strerror(errno));
	if (fstat(fd, &sb2) < 0 || sb2.st_dev != sb.st_dev || sb2.st_ino != sb.st_ino) {
		close(fd);
		return jail_err_set(e, -EAGAIN, "changed while being opened");
	}
	if (st)
		*st = sb2;
	return fd;
}

int rootfs_read_file(int rootfd, const char *path, unsigned flags, size_t max, char **buf, size_t *len,
		     struct jail_err *e)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *b = NULL;
	struct stat st;
	size_t size, n = 0;

	*buf = NULL;
	*len = 0;
	fd = rootfs_open_regular(rootfd, path, flags, &st, e);
	if (fd < 0)
		return fd;
	if (st.st_size < 0 || (unsigned long long)st.st_size > max)
		return jail_err_set(e, -EFBIG, "larger than %zu bytes; refusing to read it", max);
	size = (size_t)st.st_size;
	b = malloc(size + 1);
	if (!b)
		return jail_err_set(e, -ENOMEM, "out of memory");
	/* At most the size fstat gave: a file that grows meanwhile is read no further. */
	while (n < size) {
		ssize_t k = read(fd, b + n, size - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return jail_err_sys(e, -errno, "read");
		if (k == 0)
			break;
		n += (size_t)k;
	}
	b[n] = '\0';
	*buf = TAKE_PTR(b);
	*len = n;
	return 0;
}

/* Append "/comp" to a symlink-free prefix; ".." pops, "." is skipped. */
static int push_comp(char *buf, size_t sz, const char *comp, size_t len)
{
	size_t n = strlen(buf);

	if (len == 0 || (len == 1 && comp[0] == '.'))
		return 0;
	if (len == 2 && comp[0] == '.' && comp[1] == '.') {
		char *slash = strrchr(buf, '/');

		if (slash)
			*slash = '\0';
		return 0;
	}
	if (n + 1 + len + 1 > sz)
		return -ENAMETOOLONG;
	buf[n] = '/';
	memcpy(buf + n + 1, comp, len);
	buf[n + 1 + len] = '\0';
	return 0;
}

int rootfs_walk(int rootfd, const char *path, rootfs_walk_fn fn, void *arg, char *out, size_t outsz,
		struct jail_err *e)
{
	/* done: symlink-free prefix ("" is the root); todo: what is left. */
	char done[PATH_MAX] = "", todo[PATH_MAX], next[PATH_MAX];
	int links = 0, r;

	if (strlen(path) >= sizeof(todo))
		return jail_err_set(e, -ENAMETOOLONG, "%.64s...: path too long", path);
	strcpy(todo, path);
	for (;;) {
		char *p = todo, *end, target[PATH_MAX];
		struct stat st;
		size_t len;
		ssize_t tl;
		int dot;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		dot = len <= 2 && p[0] == '.' && (len == 1 || p[1] == '.');
		r = push_comp(done, sizeof(done), p, len);
		if (r < 0)
			return jail_err_set(e, r, "%s: path too long", path);
		memmove(todo, end, strlen(end) + 1);
		if (dot)
			continue;

		{
			_cleanup_close_ int fd = rootfs_open(rootfd, done, O_PATH | O_NOFOLLOW, 0);
			if (fd < 0)
				return jail_err_sys(e, fd, "%s", done);
			if (fstat(fd, &st) < 0)
				return jail_err_sys(e, -errno, "%s", done);
			if (!S_ISLNK(st.st_mode)) {
				if (fn && (r = fn(arg, done, &st, NULL)) < 0)
					return r;
				if (todo[0] && !S_ISDIR(st.st_mode))
					return jail_err_set(e, -ENOTDIR, "%s: not a directory", done);
				continue;
			}
			tl = readlinkat(fd, "", target, sizeof(target) - 1);
			if (tl < 0)
				return jail_err_sys(e, -errno, "%s", done);
			target[tl] = '\0';
		}
		if (++links > ROOTFS_MAX_LINKS)
			return jail_err_set(e, -ELOOP, "%s: too many levels of symbolic links", path);
		if (fn && (r = fn(arg, done, &st, target)) < 0)
			return r;
		/* Go on through the target: absolute from the root, relative
		 * from the link's directory. */
		if (target[0] == '/') {
			done[0] = '\0';
		} else {
			char *slash = strrchr(done, '/');

			if (slash)
				*slash = '\0';
		}
		if ((size_t)snprintf(next, sizeof(next), "%s%s", target, todo) >= sizeof(next))
			return jail_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
		strcpy(todo, next);
	}
	if (out) {
		const char *res = done[0] ? done : "/";

		if (strlen(res) >= outsz)
			return jail_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
		strcpy(out, res);
	}
	return 0;
}

static int rm_children(int dfd, dev_t dev, int depth, struct jail_err *e)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd2;

	if (depth > 256)
		return jail_err_set(e, -ELOOP, "directory tree too deep");
	fd2 = dup(dfd);
	if (fd2 < 0)
		return jail_err_sys(e, -errno, "dup");
	d = fdopendir(fd2);
	if (!d) {
		close(fd2);
		return jail_err_sys(e, -errno, "fdopendir");
	}
	while ((errno = 0, de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return jail_err_sys(e, -errno, "%s", de->d_name);
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub = -1;
			int r;

			if (st.st_dev != dev)
				return jail_err_set(e, -EXDEV, "%s: a mount point; not removed", de->d_name);
			sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				return jail_err_sys(e, -errno, "%s", de->d_name);
			r = rm_children(sub, dev, depth + 1, e);
			if (r < 0)
				return jail_err_prefix(e, "%s", de->d_name);
			if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) < 0)
				return jail_err_sys(e, -errno, "%s", de->d_name);
		} else if (unlinkat(dfd, de->d_name, 0) < 0) {
			return jail_err_sys(e, -errno, "%s", de->d_name);
		}
	}
	if (errno)
		return jail_err_sys(e, -errno, "readdir");
	return 0;
}

int rootfs_rm_tree(int dirfd, const char *name, struct jail_err *e)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return jail_err_sys(e, -errno, "%s", name);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0)
			return jail_err_sys(e, -errno, "%s", name);
		return 0;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return jail_err_sys(e, -errno, "%s", name);
	r = rm_children(fd, st.st_dev, 0, e);
	if (r < 0)
		return jail_err_prefix(e, "%s", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		return jail_err_sys(e, -errno, "%s", name);
	return 0;
}

int rootfs_copy_data(int in, int out)
{
	char buf[65536];
	ssize_t n;

	if (ioctl(out, FICLONE, in) == 0)
		return 0;
	for (;;) {
		n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n < 0)
			break;
	}
	if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -errno;
	/* copy_file_range may have copied part before failing: restart from
	 * the current offsets, which it advanced as it went. */
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (n > 0) {
			ssize_t w = write(out, p, (size_t)n);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			p += w;
			n -= w;
		}
	}
	return n < 0 ? -errno : 0;
}

int rootfs_mkdir_p(int dirfd, const char *path, mode_t mode, struct jail_err *e)
{
	_cleanup_close_ int cur = -1;
	const char *p = path;
	char comp[NAME_MAX + 1];

	cur = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return jail_err_sys(e, -errno, "%s", path);
	while (*p) {
		const char *end;
		size_t len;
		int nfd;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len > NAME_MAX)
			return jail_err_set(e, -ENAMETOOLONG, "%s: name too long", path);
		memcpy(comp, p, len);
		comp[len] = '\0';
		p = end;
		if (!strcmp(comp, ".") || !strcmp(comp, ".."))
			return jail_err_set(e, -EINVAL, "%s: '.' or '..' in path", path);
		if (mkdirat(cur, comp, mode) < 0 && errno != EEXIST)
			return jail_err_sys(e, -errno, "%s", path);
		nfd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0)
			return jail_err_sys(e, errno == ELOOP ? -ENOTDIR : -errno, "%s", path);
		close(cur);
		cur = nfd;
	}
	return 0;
}
