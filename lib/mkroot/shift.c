/*
 * Shifting a jail root into a user range (mkjail shift, and every root
 * mkjail builds): each file owned by an id of the range it was made for
 * (host ids 0..65535 for a plain root) is given the same id of the jail's
 * range, so that jailed root owns its files while being an unprivileged
 * uid on the host. chown clears setuid/setgid bits and file capabilities,
 * so modes are put back and capabilities rewritten for the new range
 * (VFS_CAP_REVISION_3 with the range's root as rootid: only that jail's
 * root honours them). Symlinks are not followed and other filesystems
 * (mount points) are not entered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/urange.h"
#include "jail/mkroot.h"

#define RANGE 65536u

struct shift {
	uint32_t from, to;
	dev_t dev;
	unsigned long files;
};

static uint32_t moved(const struct shift *s, uint32_t id)
{
	return id >= s->from && id - s->from < RANGE ? s->to + (id - s->from) : id;
}

/* Capabilities of a file, rewritten for the new range's root (v3). */
static int rewrite_caps(int dir, const char *name, const char *fdpath, const void *old, ssize_t len,
			const struct shift *s)
{
	struct vfs_ns_cap_data v3;

	if (len < (ssize_t)sizeof(struct vfs_cap_data))
		return 0;
	memset(&v3, 0, sizeof(v3));
	memcpy(&v3, old, (size_t)len < sizeof(v3) ? (size_t)len : sizeof(v3));
	v3.magic_etc = (v3.magic_etc & VFS_CAP_FLAGS_EFFECTIVE) | VFS_CAP_REVISION_3;
	v3.rootid = moved(s, len == sizeof(v3) ? ((const struct vfs_ns_cap_data *)old)->rootid : s->from);
	if (setxattr(fdpath, "security.capability", &v3, sizeof(v3), 0) < 0)
		return -errno;
	return 0;
}

static int shift_one(int dir, const char *name, const struct stat *st, struct shift *s, struct jail_err *e)
{
	uid_t uid = moved(s, st->st_uid);
	gid_t gid = moved(s, st->st_gid);
	char caps[sizeof(struct vfs_ns_cap_data)], fdpath[64];
	ssize_t clen = -1;
	int fd = -1, r = 0;

	if (uid == st->st_uid && gid == st->st_gid)
		return 0;
	if (S_ISREG(st->st_mode)) {
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return jail_err_sys(e, -errno, "%s", name);
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		clen = getxattr(fdpath, "security.capability", caps, sizeof(caps));
	}
	if (fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		r = jail_err_sys(e, -errno, "chown %s", name);
	/* chown clears setuid, setgid and capabilities of regular files: put them back. */
	/* Through the fd opened before the chown: a symlink swapped in meanwhile is never followed. */
	if (r == 0 && S_ISREG(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)) && fd >= 0 &&
	    chmod(fdpath, st->st_mode & 07777) < 0)
		r = jail_err_sys(e, -errno, "chmod %s", name);
	if (r == 0 && clen > 0 && rewrite_caps(dir, name, fdpath, caps, clen, s) < 0)
		r = jail_err_sys(e, -errno, "capabilities of %s", name);
	if (fd >= 0)
		close(fd);
	s->files++;
	return r;
}

static int walk(int dir, struct shift *s, int depth, struct jail_err *e)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd2 = dup(dir);

	if (depth > 256)
		return jail_err_set(e, -ELOOP, "directory tree too deep");
	if (fd2 < 0 || !(d = fdopendir(fd2))) {
		if (fd2 >= 0)
			close(fd2);
		return jail_err_sys(e, -errno, "reading a directory");
	}
	while ((errno = 0, de = readdir(d))) {
		struct stat st;
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return jail_err_sys(e, -errno, "%s", de->d_name);
		if (st.st_dev != s->dev)
			continue; /* a mount point: not ours to change */
		if ((r = shift_one(dir, de->d_name, &st, s, e)) < 0)
			return r;
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub =
				openat(dir, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				return jail_err_sys(e, -errno, "%s", de->d_name);
			if ((r = walk(sub, s, depth + 1, e)) < 0)
				return jail_err_prefix(e, "%s", de->d_name);
		}
	}
	return errno ? jail_err_sys(e, -errno, "readdir") : 0;
}

int mkroot_shift(const char *dir, uint32_t from, uint32_t to, unsigned long *files, struct jail_err *e)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct shift s = {.from = from, .to = to};
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0)
		return jail_err_sys(e, -errno, "%s", dir);
	if (from % RANGE || to % RANGE)
		return jail_err_set(e, -EINVAL, "%s: ranges start at multiples of 65536", dir);
	s.dev = st.st_dev;
	if (from == to)
		return 0;
	/* The root directory last: its owner says which range the tree is in, so a half-done shift is redone. */
	r = walk(fd, &s, 0, e);
	if (r == 0)
		r = shift_one(AT_FDCWD, dir, &st, &s, e);
	if (files)
		*files = s.files;
	return r;
}

int mkroot_range(const char *dir, const char *spec, uint32_t *base, struct jail_err *e)
{
	struct jail_range r;
	uint32_t pool, count;
	char abs[PATH_MAX];
	int ret = jail_range_parse(spec, &r, e);

	if (ret < 0)
		return ret;
	if (r.mode != JAIL_RANGE_PRIVATE) {
		*base = r.base;
		return 0;
	}
	if (!realpath(dir, abs))
		snprintf(abs, sizeof(abs), "%s", dir);
	jail_range_pool(&pool, &count);
	*base = pool + jail_range_slot(abs) * JAIL_RANGE_SIZE;
	return 0;
}

int mkroot_range_of(const char *dir, uint32_t *base, struct jail_err *e)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return jail_err_sys(e, -errno, "%s", dir);
	if (st.st_uid != 0 && !jail_range_is_pool_base(st.st_uid))
		return jail_err_set(e, -EINVAL,
				    "%s: owned by uid %u, neither host root nor a range's first id", dir,
				    (unsigned)st.st_uid);
	*base = st.st_uid;
	return 0;
}
