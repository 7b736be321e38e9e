/*
 * Applying one OCI/Docker image layer (a tar stream, compressed or not,
 * read with libarchive) to a root being built, as image-spec layer.md
 * says: whiteouts (".wh.NAME" removes NAME, ".wh..wh..opq" empties its
 * directory) apply to the layers below, so a first pass over the layer does
 * them and a second pass writes its files.
 *
 * A layer is untrusted input. Every name is relative with no ".." (an
 * absolute name or ".." is refused), every parent directory is opened
 * beneath the root with no symlink on the way (RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS: a layer may not write through a link, not even one
 * pointing back inside), an existing entry is replaced rather than opened,
 * hard links point at files inside the root, and device nodes are skipped
 * (a jail gets its own /dev). A refused layer fails the whole build and the
 * caller removes the half-built root. Owners are the image's numeric ids;
 * setuid/setgid bits are kept as the image has them (issue 10 decides what
 * a jail root may hold), file capabilities (security.capability) and user.*
 * xattrs too.
 */
#define _GNU_SOURCE 1
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/rootfs.h"
#include "core/sys.h"
#include "oci_int.h"

#define WH	".wh."
#define WH_OPQ	".wh..wh..opq"
#define BENEATH (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/* Clean a layer path into out ("a/b/c", "" for the root). */
static int clean_path(const char *in, char *out, size_t outsz, const struct layer_ctx *c, struct jail_err *e)
{
	size_t o = 0;
	const char *p = in;

	if (in[0] == '/')
		return jail_err_set(e, -EPERM, "%s: %s: absolute path in a layer (refused)", c->label, in);
	while (*p) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);

		if (n == 2 && !strncmp(p, "..", 2))
			return jail_err_set(e, -EPERM, "%s: %s: '..' in a layer path (refused)", c->label,
					    in);
		if (n && !(n == 1 && p[0] == '.')) {
			if (o + n + 2 > outsz)
				return jail_err_set(e, -ENAMETOOLONG, "%s: %s: path too long", c->label, in);
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	out[o] = '\0';
	return 0;
}

/* Split "a/b/c" into the parent "a/b" (or ".") and the name "c". */
static const char *split(char *path, const char **parent)
{
	char *slash = strrchr(path, '/');

	if (!slash) {
		*parent = ".";
		return path;
	}
	*slash = '\0';
	*parent = path;
	return slash + 1;
}

/* The parent directory, made if missing, never through a symlink. */
static int open_parent(const struct layer_ctx *c, const char *parent, const char *shown, bool create,
		       struct jail_err *e)
{
	int fd = oci_openat2(c->rootfd, parent, O_PATH | O_DIRECTORY | O_CLOEXEC, BENEATH);

	if (fd == -ENOENT && create) {
		/* Tar streams usually list directories first, but need not. */
		int r = rootfs_mkdir_p(c->rootfd, parent, 0755, e);
		if (r < 0)
			return jail_err_prefix(e, "%s: %s", c->label, shown);
		fd = oci_openat2(c->rootfd, parent, O_PATH | O_DIRECTORY | O_CLOEXEC, BENEATH);
	}
	if (fd == -ELOOP || fd == -EXDEV)
		return jail_err_set(e, -EPERM,
				    "%s: %s: a parent directory is a symbolic link (refused: a layer may not "
				    "write through links)",
				    c->label, shown);
	if (fd == -ENOTDIR)
		return jail_err_set(e, -ENOTDIR, "%s: %s: a parent is not a directory", c->label, shown);
	if (fd < 0)
		return jail_err_sys(e, fd, "%s: %s", c->label, shown);
	return fd;
}

static int remove_entry(int dirfd, const char *name, struct jail_err *e)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode))
		return rootfs_rm_tree(dirfd, name, e);
	return unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
}

/* Pass 1: one whiteout entry. */
static int whiteout(const struct layer_ctx *c, char *path, struct jail_err *e)
{
	char shown[PATH_MAX];
	const char *parent, *name;
	int dfd, r = 0;

	snprintf(shown, sizeof(shown), "%s", path);
	name = split(path, &parent);
	if (!strcmp(name, WH_OPQ)) {
		dfd = oci_openat2(c->rootfd, parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC, BENEATH);
		if (dfd == -ENOENT)
			return 0;
		if (dfd < 0)
			return open_parent(c, parent, shown, false, e);
		DIR *d = fdopendir(dfd);
		struct dirent *de;

		if (!d) {
			close(dfd);
			return jail_err_sys(e, -errno, "%s: %s", c->label, shown);
		}
		while (r >= 0 && (de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				r = remove_entry(dirfd(d), de->d_name, e);
		closedir(d);
		return r < 0 ? jail_err_sys(e, r, "%s: %s", c->label, shown) : 0;
	}
	name += strlen(WH);
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return jail_err_set(e, -EPERM, "%s: %s: whiteout of '%s' (refused)", c->label, shown, name);
	dfd = open_parent(c, parent, shown, false, e);
	if (dfd == -ENOENT) { /* nothing below to hide */
		jail_err_clear(e);
		return 0;
	}
	if (dfd < 0)
		return dfd;
	r = remove_entry(dfd, name, e);
	close(dfd);
	return r < 0 ? jail_err_sys(e, r, "%s: %s", c->label, shown) : 0;
}

static int set_meta(int dfd, const char *name, struct archive_entry *ent, bool is_link)
{
	struct timespec ts[2] = {{archive_entry_atime(ent), archive_entry_atime_nsec(ent)},
				 {archive_entry_mtime(ent), archive_entry_mtime_nsec(ent)}};
	int flags = is_link ? AT_SYMLINK_NOFOLLOW : 0;

	if (fchownat(dfd, name, (uid_t)archive_entry_uid(ent), (gid_t)archive_entry_gid(ent), flags) < 0)
		return -errno;
	/* chown clears setuid bits, so the mode comes after it. */
	if (!is_link && fchmodat(dfd, name, archive_entry_mode(ent) & 07777, 0) < 0)
		return -errno;
	if (!archive_entry_atime_is_set(ent))
		ts[0] = ts[1];
	if (archive_entry_mtime_is_set(ent) && utimensat(dfd, name, ts, flags) < 0)
		return -errno;
	return 0;
}

static void set_xattrs(int fd, struct archive_entry *ent)
{
	const char *name;
	const void *val;
	size_t len;

	archive_entry_xattr_reset(ent);
	while (archive_entry_xattr_next(ent, &name, &val, &len) == ARCHIVE_OK)
		if (!strcmp(name, "security.capability") || !strncmp(name, "user.", 5))
			(void)fsetxattr(fd, name, val, len, 0);
}

static int write_file(struct archive *a, int dfd, const char *name, struct archive_entry *ent,
		      struct mkroot_stats *st)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), r = 0;
	const void *buf;
	size_t len;
	la_int64_t off, end = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		int x = archive_read_data_block(a, &buf, &len, &off);

		if (x == ARCHIVE_EOF)
			break;
		if (x < ARCHIVE_WARN) {
			r = -EIO;
			break;
		}
		/* pwrite keeps sparse holes as holes. */
		for (size_t done = 0; done < len;) {
			ssize_t w = pwrite(fd, (const char *)buf + done, len - done, off + (off_t)done);
			if (w < 0) {
				r = -errno;
				break;
			}
			done += (size_t)w;
		}
		if (r < 0)
			break;
		end = off + (la_int64_t)len;
		if (st)
			st->bytes += len;
	}
	if (r == 0 && end < archive_entry_size(ent) && ftruncate(fd, archive_entry_size(ent)) < 0)
		r = -errno;
	if (r == 0)
		set_xattrs(fd, ent);
	close(fd);
	return r;
}

static int hard_link(const struct layer_ctx *c, const char *target, int dfd, const char *name,
		     const char *shown, struct jail_err *e)
{
	char clean[PATH_MAX];
	struct stat st;
	int r = clean_path(target, clean, sizeof(clean), c, e), fd;

	if (r < 0)
		return r;
	fd = oci_openat2(c->rootfd, clean, O_PATH | O_NOFOLLOW | O_CLOEXEC, BENEATH);
	if (fd < 0)
		return jail_err_sys(e, fd == -ELOOP || fd == -EXDEV ? -EPERM : fd, "%s: %s: hard link to %s",
				    c->label, shown, target);
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		return jail_err_set(e, -EPERM, "%s: %s: hard link to a directory (refused)", c->label, shown);
	}
	r = linkat(fd, "", dfd, name, AT_EMPTY_PATH) < 0 ? -errno : 0;
	close(fd);
	return r < 0 ? jail_err_sys(e, r, "%s: %s: hard link to %s", c->label, shown, target) : 0;
}

/* Pass 2: one entry that is not a whiteout. */
static int extract(const struct layer_ctx *c, struct archive *a, struct archive_entry *ent, char *path,
		   struct jail_err *e)
{
	char shown[PATH_MAX];
	const char *parent, *name;
	mode_t type = archive_entry_filetype(ent);
	const char *link = archive_entry_hardlink(ent);
	struct stat old;
	int dfd, r = 0;

	snprintf(shown, sizeof(shown), "%s", path);
	if (!*path) /* the root itself */
		return 0;
	if ((type == AE_IFCHR || type == AE_IFBLK || type == AE_IFSOCK) && !link) {
		c->st->skipped++;
		return 0;
	}
	name = split(path, &parent);
	dfd = open_parent(c, parent, shown, true, e);
	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, name, &old, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !(type == AE_IFDIR && S_ISDIR(old.st_mode) && !link)) {
		r = remove_entry(dfd, name, e);
		if (r < 0) {
			close(dfd);
			return jail_err_sys(e, r, "%s: %s: replacing", c->label, shown);
		}
	}
	if (link) {
		r = hard_link(c, link, dfd, name, shown, e);
		c->st->links++;
		close(dfd);
		return r;
	}
	switch (type) {
	case AE_IFDIR:
		if (mkdirat(dfd, name, 0700) < 0 && errno != EEXIST)
			r = -errno;
		c->st->dirs++;
		break;
	case AE_IFREG:
		r = write_file(a, dfd, name, ent, c->st);
		c->st->files++;
		break;
	case AE_IFLNK:
		/* Any target: it is resolved inside the jail root when used. */
		r = symlinkat(archive_entry_symlink(ent) ?: "", dfd, name) < 0 ? -errno : 0;
		c->st->links++;
		break;
	case AE_IFIFO:
		r = mkfifoat(dfd, name, 0600) < 0 ? -errno : 0;
		break;
	default:
		close(dfd);
		return jail_err_set(e, -EINVAL, "%s: %s: unknown entry type %o", c->label, shown,
				    (unsigned)type);
	}
	if (r == 0)
		r = set_meta(dfd, name, ent, type == AE_IFLNK);
	close(dfd);
	return r < 0 ? jail_err_sys(e, r, "%s: %s", c->label, shown) : 0;
}

static struct archive *open_layer(const char *path, int fd)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	(void)path;
	return a;
}

static bool is_whiteout(const char *p)
{
	const char *b = strrchr(p, '/');

	return !strncmp(b ? b + 1 : p, WH, strlen(WH));
}

/* One pass over the layer: whiteouts (pass 1) or everything else (pass 2). */
static int pass(const struct layer_ctx *c, int layerfd, int n, struct jail_err *e)
{
	struct archive *a;
	struct archive_entry *ent;
	char path[PATH_MAX];
	int x, r = 0;

	if (lseek(layerfd, 0, SEEK_SET) < 0)
		return jail_err_sys(e, -errno, "%s", c->label);
	a = open_layer(c->label, layerfd);
	if (!a)
		return jail_err_set(e, -EINVAL, "%s: not a tar archive", c->label);
	while (r == 0 && (x = archive_read_next_header(a, &ent)) != ARCHIVE_EOF) {
		if (x < ARCHIVE_WARN) {
			r = jail_err_set(e, -EINVAL, "%s: %s", c->label, archive_error_string(a));
			break;
		}
		r = clean_path(archive_entry_pathname(ent), path, sizeof(path), c, e);
		if (r < 0)
			break;
		if (is_whiteout(path))
			r = n == 1 ? whiteout(c, path, e) : 0;
		else if (n == 2)
			r = extract(c, a, ent, path, e);
	}
	archive_read_free(a);
	return r;
}

int mkroot_layer_apply(const struct layer_ctx *c, int layerfd, struct jail_err *e)
{
	int r = pass(c, layerfd, 1, e);

	return r < 0 ? r : pass(c, layerfd, 2, e);
}
