/*
 * The build transaction of every root kind: DIR.tmp-XXXXXX filled, then
 * renamed into place when complete and removed on failure; writing files and
 * directories into it, and copying host files (with their symlink chains) and
 * trees (owners, modes, times, device nodes, file capabilities).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "mkroot_int.h"
#include "core/rootfs.h"

#define MKROOT_MAX_DEPTH 128

static int dir_is_empty(int parentfd, const char *name, struct jail_err *e)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd;

	fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return jail_err_sys(e, -errno, "%s", name);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return jail_err_sys(e, -errno, "%s", name);
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return 0;
	return 1;
}

int mkroot_begin(struct mkroot_build *b, const char *dir, int force, struct mkroot_stats *st,
		 struct jail_err *e)
{
	char parent[PATH_MAX];
	char *slash;
	size_t len;
	struct stat s;
	int i, r;

	memset(b, 0, sizeof(*b));
	b->parentfd = b->rootfd = b->hostfd = -1;
	b->st = st;
	if (!dir || !*dir) {
		jail_err_set(e, -EINVAL, "no directory given");
		return jail_err_exit(e, 64), -EINVAL;
	}
	len = strlen(dir);
	if (len >= sizeof(b->dir) - 16)
		return jail_err_set(e, -ENAMETOOLONG, "%s: path too long", dir);
	strcpy(b->dir, dir);
	while (len > 1 && b->dir[len - 1] == '/')
		b->dir[--len] = '\0';
	slash = strrchr(b->dir, '/');
	if (slash) {
		size_t pl = slash == b->dir ? 1 : (size_t)(slash - b->dir);

		memcpy(parent, b->dir, pl);
		parent[pl] = '\0';
		snprintf(b->name, sizeof(b->name), "%.*s", (int)sizeof(b->name) - 1, slash + 1);
	} else {
		strcpy(parent, ".");
		snprintf(b->name, sizeof(b->name), "%.*s", (int)sizeof(b->name) - 1, b->dir);
	}
	if (!b->name[0] || !strcmp(b->name, ".") || !strcmp(b->name, ".."))
		return jail_err_set(e, -EINVAL, "%s: not a usable directory name", dir);
	if (strcmp(parent, ".") && access(parent, F_OK) < 0) {
		_cleanup_close_ int top =
			open(parent[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

		r = rootfs_mkdir_p(top, parent, 0755, e);
		if (r < 0)
			return r;
	}
	b->parentfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (b->parentfd < 0)
		return jail_err_sys(e, -errno, "%s", parent);
	if (fstatat(b->parentfd, b->name, &s, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISDIR(s.st_mode))
			return jail_err_set(e, -ENOTDIR, "%s: exists and is not a directory", b->dir);
		r = dir_is_empty(b->parentfd, b->name, e);
		if (r < 0)
			return r;
		if (r == 0 && !force)
			return jail_err_set(e, -EEXIST, "%s: not empty (use --force)", b->dir);
		b->exists = 1;
	} else if (errno != ENOENT) {
		return jail_err_sys(e, -errno, "%s", b->dir);
	}
	for (i = 0; i < 100; i++) {
		unsigned char rnd[6];
		static const char al[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
		char suf[7];
		int k;

		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return jail_err_sys(e, -errno, "getrandom");
		for (k = 0; k < 6; k++)
			suf[k] = al[rnd[k] % (sizeof(al) - 1)];
		suf[6] = '\0';
		if ((size_t)snprintf(b->tmpname, sizeof(b->tmpname), "%s.tmp-%s", b->name, suf) >=
		    sizeof(b->tmpname))
			return jail_err_set(e, -ENAMETOOLONG, "%s: name too long", dir);
		if (mkdirat(b->parentfd, b->tmpname, 0700) == 0)
			break;
		if (errno != EEXIST) {
			b->tmpname[0] = '\0';
			return jail_err_sys(e, -errno, "%s", b->dir);
		}
	}
	if ((size_t)snprintf(b->tmp, sizeof(b->tmp), "%s/%s", parent, b->tmpname) >= sizeof(b->tmp))
		return jail_err_set(e, -ENAMETOOLONG, "%s: name too long", dir);
	if (fchmodat(b->parentfd, b->tmpname, 0755, 0) < 0)
		return jail_err_sys(e, -errno, "%s", b->tmp);
	b->rootfd = openat(b->parentfd, b->tmpname, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (b->rootfd < 0)
		return jail_err_sys(e, -errno, "%s", b->tmp);
	b->hostfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (b->hostfd < 0)
		return jail_err_sys(e, -errno, "/");
	return 0;
}

int mkroot_commit(struct mkroot_build *b, struct jail_err *e)
{
	if (syncfs(b->rootfd) < 0 && errno != EBADF)
		return jail_err_sys(e, -errno, "%s: sync", b->tmp);
	if (b->exists) {
		if (renameat2(b->parentfd, b->tmpname, b->parentfd, b->name, RENAME_EXCHANGE) < 0)
			return jail_err_sys(e, -errno, "%s: rename", b->dir);
		/* tmpname now holds the old contents: removing them is the
		 * abort path's job, but the new root is in place already. */
		if (rootfs_rm_tree(b->parentfd, b->tmpname, e) < 0)
			return jail_err_prefix(e, "%s: old contents left in %s", b->dir, b->tmp);
	} else if (renameat2(b->parentfd, b->tmpname, b->parentfd, b->name, RENAME_NOREPLACE) < 0) {
		return jail_err_sys(e, -errno, "%s: rename", b->dir);
	}
	b->tmpname[0] = '\0';
	return 0;
}

void mkroot_abort(struct mkroot_build *b)
{
	struct jail_err ign = {0};

	if (b->parentfd >= 0 && b->tmpname[0])
		rootfs_rm_tree(b->parentfd, b->tmpname, &ign);
	b->tmpname[0] = '\0';
	if (b->rootfd >= 0)
		close(b->rootfd);
	if (b->hostfd >= 0)
		close(b->hostfd);
	if (b->parentfd >= 0)
		close(b->parentfd);
	b->rootfd = b->hostfd = b->parentfd = -1;
}

const char *mkroot_rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int mkroot_mkdir(struct mkroot_build *b, const char *path, mode_t mode, struct jail_err *e)
{
	int r = rootfs_mkdir_p(b->rootfd, mkroot_rel(path), 0755, e);

	if (r < 0)
		return r;
	if (fchmodat(b->rootfd, mkroot_rel(path), mode, 0) < 0)
		return jail_err_sys(e, -errno, "%s", path);
	if (b->st)
		b->st->dirs++;
	return 0;
}

static int write_full(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int mkroot_write(struct mkroot_build *b, const char *path, mode_t mode, const char *text, struct jail_err *e)
{
	_cleanup_close_ int fd = -1;
	char dir[PATH_MAX];
	char *slash;
	int r;

	snprintf(dir, sizeof(dir), "%s", mkroot_rel(path));
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		r = rootfs_mkdir_p(b->rootfd, dir, 0755, e);
		if (r < 0)
			return r;
	}
	fd = openat(b->rootfd, mkroot_rel(path), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return jail_err_sys(e, -errno, "%s", path);
	r = write_full(fd, text, strlen(text));
	if (r < 0)
		return jail_err_sys(e, r, "%s", path);
	if (fchmod(fd, mode) < 0)
		return jail_err_sys(e, -errno, "%s", path);
	if (b->st) {
		b->st->files++;
		b->st->bytes += strlen(text);
	}
	return 0;
}

/* Copy file attributes that matter for running programs: owner, mode
 * (after chown, which clears set-id bits), file capabilities, times. */
static int copy_attrs(int in, int out, const struct stat *st)
{
	char cap[256];
	ssize_t n;
	struct timespec ts[2] = {st->st_atim, st->st_mtim};

	if (fchown(out, st->st_uid, st->st_gid) < 0)
		return -errno;
	if (fchmod(out, st->st_mode & 07777) < 0)
		return -errno;
	n = fgetxattr(in, "security.capability", cap, sizeof(cap));
	if (n > 0 && fsetxattr(out, "security.capability", cap, (size_t)n, 0) < 0)
		return -errno;
	if (futimens(out, ts) < 0)
		return -errno;
	return 0;
}

/* Copy a regular file; an existing destination is left alone (the same
 * library reached twice). */
int mkroot_copy_file(int in, const struct stat *st, int dstdir, const char *name, const char *show,
		     struct mkroot_stats *stats, struct jail_err *e)
{
	_cleanup_close_ int out = -1;
	int r;

	out = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		if (errno == EEXIST)
			return 0;
		return jail_err_sys(e, -errno, "%s", show);
	}
	r = rootfs_copy_data(in, out);
	if (r < 0)
		return jail_err_sys(e, r, "%s", show);
	r = copy_attrs(in, out, st);
	if (r < 0)
		return jail_err_sys(e, r, "%s", show);
	if (stats) {
		stats->files++;
		stats->bytes += (unsigned long long)st->st_size;
	}
	return 0;
}

int mkroot_copy_tree(int srcfd, int dstfd, struct mkroot_stats *stats, int depth, struct jail_err *e)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	struct stat top;
	int fd, r;

	if (depth > MKROOT_MAX_DEPTH)
		return jail_err_set(e, -ELOOP, "directory tree too deep");
	if (fstat(srcfd, &top) < 0)
		return jail_err_sys(e, -errno, "stat");
	fd = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return jail_err_sys(e, -errno, "open");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return jail_err_sys(e, -errno, "opendir");
	}
	while ((errno = 0, de = readdir(d))) {
		const char *n = de->d_name;
		struct stat st;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (fstatat(srcfd, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return jail_err_sys(e, -errno, "%s", n);
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int s2 = -1, d2 = -1;
			struct timespec ts[2] = {st.st_atim, st.st_mtim};

			if (mkdirat(dstfd, n, 0700) < 0 && errno != EEXIST)
				return jail_err_sys(e, -errno, "%s", n);
			if (stats)
				stats->dirs++;
			/* Mount points become empty directories. */
			if (st.st_dev == top.st_dev) {
				s2 = openat(srcfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				d2 = openat(dstfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (s2 < 0 || d2 < 0)
					return jail_err_sys(e, -errno, "%s", n);
				r = mkroot_copy_tree(s2, d2, stats, depth + 1, e);
				if (r < 0)
					return jail_err_prefix(e, "%s", n);
			}
			if (fchownat(dstfd, n, st.st_uid, st.st_gid, 0) < 0 ||
			    fchmodat(dstfd, n, st.st_mode & 07777, 0) < 0 || utimensat(dstfd, n, ts, 0) < 0)
				return jail_err_sys(e, -errno, "%s", n);
		} else if (S_ISREG(st.st_mode)) {
			_cleanup_close_ int in = openat(srcfd, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

			if (in < 0)
				return jail_err_sys(e, -errno, "%s", n);
			r = mkroot_copy_file(in, &st, dstfd, n, n, stats, e);
			if (r < 0)
				return r;
		} else if (S_ISLNK(st.st_mode)) {
			char t[PATH_MAX];
			ssize_t tl = readlinkat(srcfd, n, t, sizeof(t) - 1);
			struct timespec ts[2] = {st.st_atim, st.st_mtim};

			if (tl < 0)
				return jail_err_sys(e, -errno, "%s", n);
			t[tl] = '\0';
			if (symlinkat(t, dstfd, n) < 0 && errno != EEXIST)
				return jail_err_sys(e, -errno, "%s", n);
			if (fchownat(dstfd, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
				return jail_err_sys(e, -errno, "%s", n);
			utimensat(dstfd, n, ts, AT_SYMLINK_NOFOLLOW);
			if (stats)
				stats->links++;
		} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
			if (mknodat(dstfd, n, st.st_mode, st.st_rdev) < 0 && errno != EEXIST)
				return jail_err_sys(e, -errno, "%s", n);
			if (fchownat(dstfd, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
				return jail_err_sys(e, -errno, "%s", n);
		}
		/* Sockets belong to running programs; not copied. */
	}
	if (errno)
		return jail_err_sys(e, -errno, "readdir");
	return 0;
}

struct copy_ctx {
	struct mkroot_build *b;
	struct jail_err *e;
};

/* rootfs_walk callback: make each component of a host path in the root. */
static int copy_component(void *arg, const char *prefix, const struct stat *st, const char *target)
{
	struct copy_ctx *c = arg;
	struct mkroot_build *b = c->b;
	const char *r = mkroot_rel(prefix);

	if (target) {
		if (symlinkat(target, b->rootfd, r) < 0) {
			if (errno != EEXIST)
				return jail_err_sys(c->e, -errno, "%s", prefix);
			return 0;
		}
		if (b->st)
			b->st->links++;
		return 0;
	}
	if (S_ISDIR(st->st_mode)) {
		if (mkdirat(b->rootfd, r, 0700) < 0) {
			if (errno != EEXIST)
				return jail_err_sys(c->e, -errno, "%s", prefix);
			return 0;
		}
		if (fchownat(b->rootfd, r, st->st_uid, st->st_gid, 0) < 0 ||
		    fchmodat(b->rootfd, r, st->st_mode & 07777, 0) < 0)
			return jail_err_sys(c->e, -errno, "%s", prefix);
		if (b->st)
			b->st->dirs++;
		return 0;
	}
	if (S_ISREG(st->st_mode)) {
		_cleanup_close_ int in = rootfs_open(b->hostfd, prefix, O_RDONLY | O_NOFOLLOW, 0);

		if (in < 0)
			return jail_err_sys(c->e, in, "%s", prefix);
		return mkroot_copy_file(in, st, b->rootfd, r, prefix, b->st, c->e);
	}
	return jail_err_set(c->e, -EINVAL, "%s: not a regular file, directory or symlink", prefix);
}

int mkroot_copy_host(struct mkroot_build *b, const char *path, struct jail_err *e)
{
	struct copy_ctx c = {b, e};
	char res[PATH_MAX], tmpreal[PATH_MAX];
	struct stat st;
	int r;

	if (path[0] != '/')
		return jail_err_set(e, -EINVAL, "%s: not an absolute path", path);
	r = rootfs_walk(b->hostfd, path, copy_component, &c, res, sizeof(res), e);
	if (r < 0)
		return r;
	if (fstatat(b->hostfd, mkroot_rel(res), &st, AT_SYMLINK_NOFOLLOW) < 0)
		return jail_err_sys(e, -errno, "%s", path);
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int s = -1, d = -1;
		size_t rl = strlen(res);

		/* Never copy a tree into itself. */
		if (realpath(b->tmp, tmpreal) && !strncmp(tmpreal, res, rl) &&
		    (rl == 1 || tmpreal[rl] == '/' || tmpreal[rl] == '\0'))
			return jail_err_set(e, -EINVAL, "%s: contains the new root", path);
		s = rootfs_open(b->hostfd, res, O_RDONLY | O_DIRECTORY, 0);
		d = openat(b->rootfd, mkroot_rel(res), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return jail_err_sys(e, s < 0 ? s : -errno, "%s", path);
		r = mkroot_copy_tree(s, d, b->st, 0, e);
		if (r < 0)
			return jail_err_prefix(e, "%s", path);
	}
	return 0;
}

/* ---- /etc files -------------------------------------------------------- */
