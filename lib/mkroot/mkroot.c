/*
 * Jail roots: the build transaction (DIR.tmp-XXXXXX renamed into place when
 * complete, removed on failure), copying host files with their symlink
 * chains, and the mini, busybox and thin root kinds. The Debian kind lives
 * in mkroot_debian.c and the /etc/rc texts in mkroot_rc.c.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/elfdep.h"
#include "core/thin.h"
#include "mkroot_int.h"
#include "core/rootfs.h"

#define MKROOT_MAX_DEPTH 128
#define DEFAULT_PATH	 "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

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

static const char *rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int mkroot_mkdir(struct mkroot_build *b, const char *path, mode_t mode, struct jail_err *e)
{
	int r = rootfs_mkdir_p(b->rootfd, rel(path), 0755, e);

	if (r < 0)
		return r;
	if (fchmodat(b->rootfd, rel(path), mode, 0) < 0)
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

	snprintf(dir, sizeof(dir), "%s", rel(path));
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		r = rootfs_mkdir_p(b->rootfd, dir, 0755, e);
		if (r < 0)
			return r;
	}
	fd = openat(b->rootfd, rel(path), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
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
static int copy_file(int in, const struct stat *st, int dstdir, const char *name, const char *show,
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
			r = copy_file(in, &st, dstfd, n, n, stats, e);
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
	const char *r = rel(prefix);

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
		return copy_file(in, st, b->rootfd, r, prefix, b->st, c->e);
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
	if (fstatat(b->hostfd, rel(res), &st, AT_SYMLINK_NOFOLLOW) < 0)
		return jail_err_sys(e, -errno, "%s", path);
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int s = -1, d = -1;
		size_t rl = strlen(res);

		/* Never copy a tree into itself. */
		if (realpath(b->tmp, tmpreal) && !strncmp(tmpreal, res, rl) &&
		    (rl == 1 || tmpreal[rl] == '/' || tmpreal[rl] == '\0'))
			return jail_err_set(e, -EINVAL, "%s: contains the new root", path);
		s = rootfs_open(b->hostfd, res, O_RDONLY | O_DIRECTORY, 0);
		d = openat(b->rootfd, rel(res), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return jail_err_sys(e, s < 0 ? s : -errno, "%s", path);
		r = mkroot_copy_tree(s, d, b->st, 0, e);
		if (r < 0)
			return jail_err_prefix(e, "%s", path);
	}
	return 0;
}

/* ---- /etc files -------------------------------------------------------- */

static int append(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int append(char *buf, size_t sz, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(buf + n, sz - n, fmt, ap);
	va_end(ap);
	return (w < 0 || (size_t)w >= sz - n) ? -ENAMETOOLONG : 0;
}

/* passwd and group: root (and in busybox roots daemon, tty, nobody), then
 * each requested host user and its primary group. */
static int write_users(struct mkroot_build *b, const char *const *users, const char *root_shell, int busybox,
		       struct jail_err *e)
{
	static char pw[65536], gr[65536];
	gid_t gids[MKROOT_MAX_ITEMS + 4];
	size_t ng = 0, i, k;
	int r = 0;

	pw[0] = gr[0] = '\0';
	append(pw, sizeof(pw), "root:x:0:0:root:/root:%s\n", root_shell);
	append(gr, sizeof(gr), "root:x:0:\n");
	gids[ng++] = 0;
	if (busybox) {
		append(pw, sizeof(pw),
		       "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
		       "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
		/* tty: the group devpts gives terminals. */
		append(gr, sizeof(gr), "daemon:x:1:\ntty:x:5:\nnogroup:x:65534:\n");
		gids[ng++] = 1;
		gids[ng++] = 5;
		gids[ng++] = 65534;
	}
	for (i = 0; users && users[i]; i++) {
		struct passwd *p;
		struct group *g;
		const char *shell;
		int dup = 0;

		if (i >= MKROOT_MAX_ITEMS)
			return jail_err_set(e, -E2BIG, "too many users");
		errno = 0;
		p = getpwnam(users[i]);
		if (!p)
			return jail_err_set(e, -ENOENT, "%s: no such user", users[i]);
		if (p->pw_uid == 0 || (busybox && (p->pw_uid == 1 || p->pw_uid == 65534)))
			continue;
		shell = p->pw_shell;
		/* A busybox root has only busybox's shells: keep a login
		 * refused where the host refuses it. */
		if (busybox) {
			const char *base = strrchr(shell, '/');

			base = base ? base + 1 : shell;
			shell = !strcmp(base, "nologin") ? "/usr/sbin/nologin"
				: !strcmp(base, "false") ? "/bin/false"
							 : "/bin/sh";
		}
		r |= append(pw, sizeof(pw), "%s:x:%u:%u:%s:%s:%s\n", p->pw_name, (unsigned)p->pw_uid,
			    (unsigned)p->pw_gid, p->pw_gecos ? p->pw_gecos : "", p->pw_dir, shell);
		for (k = 0; k < ng; k++)
			dup |= gids[k] == p->pw_gid;
		if (dup)
			continue;
		gids[ng++] = p->pw_gid;
		g = getgrgid(p->pw_gid);
		r |= append(gr, sizeof(gr), "%s:x:%u:\n", g ? g->gr_name : p->pw_name, (unsigned)p->pw_gid);
	}
	if (r)
		return jail_err_set(e, -E2BIG, "/etc/passwd too large");
	r = mkroot_write(b, "/etc/passwd", 0644, pw, e);
	if (r >= 0)
		r = mkroot_write(b, "/etc/group", 0644, gr, e);
	return r;
}

/* The host file's contents (following symlinks) as a regular file. */
static int copy_host_content(struct mkroot_build *b, const char *path, const char *fallback,
			     struct jail_err *e)
{
	_cleanup_close_ int in = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	struct stat st;
	int r;

	if (in < 0 || fstat(in, &st) < 0 || !S_ISREG(st.st_mode))
		return fallback ? mkroot_write(b, path, 0644, fallback, e) : 0;
	out = openat(b->rootfd, rel(path), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0)
		return jail_err_sys(e, -errno, "%s", path);
	r = rootfs_copy_data(in, out);
	if (r < 0)
		return jail_err_sys(e, r, "%s", path);
	if (fchmod(out, 0644) < 0)
		return jail_err_sys(e, -errno, "%s", path);
	if (b->st) {
		b->st->files++;
		b->st->bytes += (unsigned long long)st.st_size;
	}
	return 0;
}

static const char hosts_text[] = "127.0.0.1\tlocalhost\n"
				 "::1\t\tlocalhost ip6-localhost ip6-loopback\n";

static const char nsswitch_text[] = "# Written by mkjail: only the files and DNS sources this root holds.\n"
				    "passwd:         files\n"
				    "group:          files\n"
				    "shadow:         files\n"
				    "hosts:          files dns\n"
				    "networks:       files\n"
				    "protocols:      files\n"
				    "services:       files\n";

/* The empty mount points and scratch directories every root gets. */
static int base_dirs(struct mkroot_build *b, struct jail_err *e)
{
	static const struct {
		const char *path;
		mode_t mode;
	} dirs[] = {{"/dev", 0755}, {"/proc", 0555}, {"/sys", 0555},	 {"/tmp", 01777},
		    {"/etc", 0755}, {"/root", 0700}, {"/var/run", 0755}, {"/var/tmp", 01777}};
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		r = mkroot_mkdir(b, dirs[i].path, dirs[i].mode, e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int common_etc(struct mkroot_build *b, struct jail_err *e)
{
	int r;

	r = mkroot_write(b, "/etc/hosts", 0644, hosts_text, e);
	if (r >= 0)
		r = copy_host_content(b, "/etc/resolv.conf", "", e);
	if (r >= 0)
		r = mkroot_write(b, "/etc/fstab", 0644, "# jail mounts come from jail.conf\n", e);
	return r;
}

/* ---- mini -------------------------------------------------------------- */

struct mini_ctx {
	char **paths;
	size_t n, cap;
	char first_problem[JAIL_ERR_MAX];
	char libdir[PATH_MAX]; /* where libc.so.6 was found */
};

static int mini_collect(void *arg, enum elf_event ev, const char *path, const char *by, const char *why)
{
	struct mini_ctx *m = arg;

	if (ev == ELF_EV_FOUND) {
		const char *base = strrchr(path, '/');

		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 64;
			char **v = realloc(m->paths, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			m->paths = v;
			m->cap = cap;
		}
		if (!(m->paths[m->n] = strdup(path)))
			return -ENOMEM;
		m->n++;
		if (base && !strcmp(base + 1, "libc.so.6"))
			snprintf(m->libdir, sizeof(m->libdir), "%.*s", (int)(base - path), path);
		return 0;
	}
	if (m->first_problem[0])
		return 0;
	if (ev == ELF_EV_MISSING && why)
		snprintf(m->first_problem, sizeof(m->first_problem), "%s: %s %s not found", by, why, path);
	else if (ev == ELF_EV_MISSING)
		snprintf(m->first_problem, sizeof(m->first_problem), "%s: library not found (needed by %s)",
			 path, by);
	else
		snprintf(m->first_problem, sizeof(m->first_problem), "%s: %s", path, why);
	return 0;
}

/* A program name without '/' is looked up in the standard PATH. */
static int find_program(const char *name, char *out, size_t sz, struct jail_err *e)
{
	const char *p = DEFAULT_PATH;

	if (strchr(name, '/')) {
		if (name[0] == '/') {
			snprintf(out, sz, "%s", name);
			return 0;
		}
		if (!realpath(name, out))
			return jail_err_sys(e, -errno, "%s", name);
		return 0;
	}
	while (*p) {
		const char *end = strchrnul(p, ':');

		snprintf(out, sz, "%.*s/%s", (int)(end - p), p, name);
		if (access(out, X_OK) == 0)
			return 0;
		p = *end ? end + 1 : end;
	}
	return jail_err_set(e, -ENOENT, "%s: not found in %s", name, DEFAULT_PATH);
}

int mkroot_mini(const char *dir, const char *const *programs, const struct mkroot_opts *o,
		struct mkroot_stats *st, struct jail_err *e)
{
	struct mini_ctx m = {0};
	struct mkroot_build b;
	_cleanup_free_ char(*given)[PATH_MAX] = NULL;
	_cleanup_free_ char(*realbuf)[PATH_MAX] = NULL;
	const char *real[MKROOT_MAX_ITEMS + 1];
	_cleanup_close_ int hostfd = -1;
	size_t np = 0, i;
	int r;

	if (!programs || !programs[0])
		return jail_err_exit(e, 64), jail_err_set(e, -EINVAL, "no program given");
	given = calloc(MKROOT_MAX_ITEMS, PATH_MAX);
	realbuf = calloc(MKROOT_MAX_ITEMS, PATH_MAX);
	if (!given || !realbuf)
		return jail_err_set(e, -ENOMEM, "out of memory");
	for (np = 0; programs[np]; np++) {
		if (np >= MKROOT_MAX_ITEMS)
			return jail_err_set(e, -E2BIG, "too many programs");
		r = find_program(programs[np], given[np], PATH_MAX, e);
		if (r < 0)
			return r;
	}
	hostfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (hostfd < 0)
		return jail_err_sys(e, -errno, "/");
	/* $ORIGIN of a program is its real location, as ld.so sees it. */
	for (i = 0; i < np; i++) {
		r = rootfs_walk(hostfd, given[i], NULL, NULL, realbuf[i], PATH_MAX, e);
		if (r < 0)
			return r;
		real[i] = realbuf[i];
	}
	real[np] = NULL;
	/* Resolve everything first: a missing library or a non-ELF program
	 * fails before anything is created. */
	r = elf_closure(hostfd, real, mini_collect, &m, e);
	if (r > 0)
		r = jail_err_set(e, -ENOENT, "%s", m.first_problem);
	if (r < 0)
		goto out;

	r = mkroot_begin(&b, dir, o && o->force, st, e);
	if (r < 0)
		goto fail;
	r = base_dirs(&b, e);
	for (i = 0; r >= 0 && i < np; i++)
		r = mkroot_copy_host(&b, given[i], e);
	for (i = 0; r >= 0 && i < m.n; i++)
		r = mkroot_copy_host(&b, m.paths[i], e);
	/* NSS modules glibc may dlopen for the sources nsswitch.conf names
	 * (built into libc since 2.34, separate files before). */
	if (r >= 0 && m.libdir[0]) {
		static const char *const nss[] = {"libnss_files.so.2", "libnss_dns.so.2"};
		char p[PATH_MAX];

		for (i = 0; r >= 0 && i < ARRAY_SIZE(nss); i++) {
			if ((size_t)snprintf(p, sizeof(p), "%s/%s", m.libdir, nss[i]) < sizeof(p) &&
			    access(p, R_OK) == 0)
				r = mkroot_copy_host(&b, p, e);
		}
	}
	if (r >= 0)
		r = write_users(&b, o ? o->users : NULL, "/bin/sh", 0, e);
	if (r >= 0)
		r = mkroot_write(&b, "/etc/nsswitch.conf", 0644, nsswitch_text, e);
	if (r >= 0)
		r = common_etc(&b, e);
	if (r >= 0)
		r = copy_host_content(&b, "/etc/localtime", NULL, e);
	/* The host's cache names the same paths the libraries were copied
	 * to, so ld.so in the jail finds those outside the default dirs. */
	if (r >= 0)
		r = copy_host_content(&b, "/etc/ld.so.cache", NULL, e);
	for (i = 0; r >= 0 && o && o->files && o->files[i]; i++) {
		char p[PATH_MAX];

		if (i >= MKROOT_MAX_ITEMS)
			r = jail_err_set(e, -E2BIG, "too many files");
		else if (o->files[i][0] != '/' && !realpath(o->files[i], p))
			r = jail_err_sys(e, -errno, "%s", o->files[i]);
		else
			r = mkroot_copy_host(&b, o->files[i][0] == '/' ? o->files[i] : p, e);
	}
	if (r >= 0)
		r = mkroot_commit(&b, e);
fail:
	mkroot_abort(&b);
out:
	for (i = 0; i < m.n; i++)
		free(m.paths[i]);
	free(m.paths);
	return r < 0 ? r : 0;
}

/* ---- busybox ----------------------------------------------------------- */

#define APPLETS_MAX 1024
#define APPLETS_OUT (64 * 1024)

/* Ask busybox for its applets: "busybox --list-full" prints one relative
 * path per line (usr/bin/wget). Run directly, no shell. */
static int busybox_list(const char *bb, char *out, size_t sz, struct jail_err *e)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = {(char *)bb, (char *)"--list-full", NULL};
	char *envp[] = {NULL};
	int pfd[2], status;
	size_t n = 0;
	pid_t pid;
	ssize_t k;
	int r;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return jail_err_sys(e, -errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	r = posix_spawn(&pid, bb, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (r) {
		close(pfd[0]);
		return jail_err_sys(e, -r, "%s", bb);
	}
	while ((k = read(pfd[0], out + n, sz - 1 - n)) > 0) {
		n += (size_t)k;
		if (n >= sz - 1)
			break;
	}
	close(pfd[0]);
	out[n] = '\0';
	if (waitpid(pid, &status, 0) < 0)
		return jail_err_sys(e, -errno, "%s", bb);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n == 0)
		return jail_err_set(e, -ENOEXEC, "%s --list-full failed", bb);
	return 0;
}

static int applet_ok(const char *p)
{
	if (!*p || *p == '/' || strstr(p, "..") || strlen(p) > 64)
		return 0;
	for (; *p; p++)
		if (*p < '!' || *p > '~')
			return 0;
	return 1;
}

static const char busybox_profile[] = "# /etc/profile for a busybox jail root\n"
				      "PATH=/sbin:/bin:/usr/sbin:/usr/bin\n"
				      "PS1='\\u@\\h:\\w\\$ '\n"
				      "export PATH PS1\n";

int mkroot_busybox(const char *dir, const struct mkroot_opts *o, struct mkroot_stats *st, struct jail_err *e)
{
	static char list[APPLETS_OUT];
	const char *bb = o && o->busybox ? o->busybox : "/bin/busybox";
	struct elf_info info;
	struct mkroot_build b;
	_cleanup_close_ int fd = -1;
	struct stat bst;
	char *line, *save = NULL;
	int r, napplets = 0, have_sh = 0;

	fd = open(bb, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return jail_err_sys(e, -errno, "%s", bb);
	r = elf_parse_fd(fd, &info, e);
	if (r < 0)
		return jail_err_prefix(e, "%s", bb);
	r = info.interp != NULL;
	elf_info_free(&info);
	if (r)
		return jail_err_set(e, -ENOEXEC, "%s: dynamically linked (install busybox-static)", bb);
	if (fstat(fd, &bst) < 0)
		return jail_err_sys(e, -errno, "%s", bb);
	r = busybox_list(bb, list, sizeof(list), e);
	if (r < 0)
		return r;

	r = mkroot_begin(&b, dir, o && o->force, st, e);
	if (r < 0)
		goto out;
	r = base_dirs(&b, e);
	if (r >= 0)
		r = mkroot_mkdir(&b, "/bin", 0755, e);
	if (r >= 0) {
		_cleanup_close_ int bindir = openat(b.rootfd, "bin", O_PATH | O_DIRECTORY | O_CLOEXEC);

		r = copy_file(fd, &bst, bindir, "busybox", bb, st, e);
		if (r >= 0 && fchmodat(bindir, "busybox", 0755, 0) < 0)
			r = jail_err_sys(e, -errno, "/bin/busybox");
	}
	for (line = strtok_r(list, "\n", &save); r >= 0 && line; line = strtok_r(NULL, "\n", &save)) {
		char d[PATH_MAX];
		char *slash;

		if (!applet_ok(line) || !strcmp(line, "bin/busybox") || !strcmp(line, "linuxrc"))
			continue;
		if (++napplets > APPLETS_MAX)
			break;
		snprintf(d, sizeof(d), "%s", line);
		slash = strrchr(d, '/');
		if (slash) {
			*slash = '\0';
			r = rootfs_mkdir_p(b.rootfd, d, 0755, e);
			if (r < 0)
				break;
		}
		/* Hard links: nothing to resolve, and busybox sees its
		 * applet name in argv[0] either way. */
		if (linkat(b.rootfd, "bin/busybox", b.rootfd, line, 0) < 0 && errno != EEXIST) {
			r = jail_err_sys(e, -errno, "/%s", line);
			break;
		}
		if (st)
			st->links++;
		have_sh |= !strcmp(line, "bin/sh");
	}
	if (r >= 0 && !have_sh && linkat(b.rootfd, "bin/busybox", b.rootfd, "bin/sh", 0) < 0)
		r = jail_err_sys(e, -errno, "/bin/sh");
	if (r >= 0)
		r = write_users(&b, o ? o->users : NULL, "/bin/sh", 1, e);
	if (r >= 0)
		r = mkroot_write(&b, "/etc/shadow", 0600,
				 "root:*:19000:0:99999:7:::\n"
				 "daemon:*:19000:0:99999:7:::\n"
				 "nobody:*:19000:0:99999:7:::\n",
				 e);
	if (r >= 0)
		r = common_etc(&b, e);
	if (r >= 0)
		r = mkroot_write(&b, "/etc/profile", 0644, busybox_profile, e);
	if (r >= 0)
		r = mkroot_write(&b, "/etc/hostname", 0644, "jail\n", e);
	if (r >= 0)
		r = mkroot_mkdir(&b, "/var/log", 0755, e);
	if (r >= 0)
		r = mkroot_mkdir(&b, "/home", 0755, e);
	if (r >= 0)
		r = mkroot_mkdir(&b, "/mnt", 0755, e);
	if (r >= 0)
		r = mkroot_mkdir(&b, "/var/spool/cron/crontabs", 0755, e);
	if (r >= 0)
		r = mkroot_write(&b, "/var/www/index.html", 0644, "<html><body>jail</body></html>\n", e);
	if (r >= 0)
		r = mkroot_write_rc(b.rootfd, 1, e);
	for (size_t i = 0; r >= 0 && o && o->files && o->files[i]; i++)
		r = mkroot_copy_host(&b, o->files[i], e);
	if (r >= 0)
		r = mkroot_commit(&b, e);
out:
	mkroot_abort(&b);
	return r < 0 ? r : 0;
}

/* ---- thin -------------------------------------------------------------- */

int mkroot_thin(const char *dir, const struct mkroot_opts *o, struct jail_err *e)
{
	char base[PATH_MAX], conf[PATH_MAX + 512], absdir[PATH_MAX];
	struct mkroot_build b;
	struct stat st;
	int r;

	if (!o || !o->base)
		return jail_err_exit(e, 64), jail_err_set(e, -EINVAL, "thin: --base BASE is required");
	if (!realpath(o->base, base))
		return jail_err_sys(e, -errno, "%s", o->base);
	if (stat(base, &st) < 0 || !S_ISDIR(st.st_mode))
		return jail_err_set(e, -ENOTDIR, "%s: not a directory", o->base);
	/* overlayfs options are comma- and colon-separated. */
	if (strpbrk(base, ",:\\\n"))
		return jail_err_set(e, -EINVAL,
				    "%s: ',', ':' and '\\' cannot be used in an "
				    "overlay lower directory",
				    base);
	if (fstatat(AT_FDCWD, "/", &st, 0) == 0 && !strcmp(base, "/"))
		return jail_err_set(e, -EINVAL, "/: the host root cannot be a base");
	r = mkroot_begin(&b, dir, o->force, NULL, e);
	if (r < 0)
		goto out;
	/* The thin jail's own directory must not lie inside its base. */
	if (realpath(b.tmp, absdir) && !strncmp(absdir, base, strlen(base)) && absdir[strlen(base)] == '/') {
		r = jail_err_set(e, -EINVAL, "%s: inside its base %s", dir, base);
		goto out;
	}
	r = mkroot_mkdir(&b, "/upper", 0755, e);
	if (r >= 0)
		r = mkroot_mkdir(&b, "/work", 0700, e);
	if (r >= 0)
		r = mkroot_mkdir(&b, "/root", 0755, e);
	snprintf(conf, sizeof(conf),
		 "# A thin jail root made by mkjail(8). jail(8) mounts\n"
		 "#   overlay lowerdir=BASE,upperdir=DIR/upper,workdir=DIR/work\n"
		 "# on DIR/root and runs the jail there. BASE is shared by many\n"
		 "# jails and must not change while they use it.\n"
		 "base=%s\n",
		 base);
	if (r >= 0)
		r = mkroot_write(&b, "/" JAIL_THIN_CONF, 0644, conf, e);
	if (r >= 0)
		r = mkroot_commit(&b, e);
out:
	mkroot_abort(&b);
	return r < 0 ? r : 0;
}
