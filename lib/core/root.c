/*
 * Builds the jail's filesystem view in the child, before pivot_root. Every
 * mount point inside the jail root is opened with openat2 beneath the root and
 * refusing symlinks, and every mount is attached to that fd with the new mount
 * API, so a jail root that a previous jailed root tampered with (a /dev that
 * is a symlink to the host's /etc, say) cannot redirect a mount onto the host.
 * Sources of binds (/dev/null and friends) are the host's, opened before the
 * old root is detached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "kernfs.h"
#include "mountsrc.h"
#include "root.h"
#include "sys.h"

#define RESOLVE_STRICT JAIL_RESOLVE_STRICT

int jail_mountpoint_open(int rootfd, const char *root, const char *name, struct jail_err *e)
{
	int fd = open_in_root(rootfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY, RESOLVE_STRICT);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		return jail_err_set(e, -ENOENT, "path '%s': /%s: No such file or directory", root, name);
	if (errno == ELOOP || errno == EXDEV)
		return jail_err_set(e, -ELOOP, "path '%s': /%s is a symbolic link; refusing to mount on it",
				    root, name);
	return jail_err_sys(e, -errno, "path '%s': /%s", root, name);
}

int jail_fs_new(const char *fs, const char *const *opts, unsigned attrs, struct jail_err *e)
{
	_cleanup_close_ int fsfd = sys_fsopen(fs, FSOPEN_CLOEXEC);
	int mfd;

	if (fsfd < 0)
		return jail_err_sys(e, -errno, "fsopen %s", fs);
	for (; opts && *opts; opts += 2) {
		int r = opts[1] ? sys_fsconfig(fsfd, FSCONFIG_SET_STRING, opts[0], opts[1], 0)
				: sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, opts[0], NULL, 0);
		if (r < 0)
			return jail_err_sys(e, -errno, "%s: option %s", fs, opts[0]);
	}
	if (sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return jail_err_sys(e, -errno, "mounting %s", fs);
	mfd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, attrs);
	if (mfd < 0)
		return jail_err_sys(e, -errno, "mounting %s", fs);
	return mfd;
}

int jail_mount_attach(int mfd, int target, const char *what, struct jail_err *e)
{
	if (sys_move_mount(mfd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return jail_err_sys(e, -errno, "mounting %s", what);
	return 0;
}

int jail_mount_parse(const char *line, const char *root, const char *what, int lineno, struct jail_mount *m,
		     struct jail_err *e)
{
	char spec[256], file[4096], type[32], opts[512];
	size_t rl = strlen(root);
	int n;

	memset(m, 0, sizeof(*m));
	opts[0] = '\0';
	n = sscanf(line, "%255s %4095s %31s %511s", spec, file, type, opts);
	if (n < 3)
		return jail_err_set(e, -EINVAL, "%s: line %d: want \"SOURCE MOUNTPOINT TYPE OPTIONS\"", what,
				    lineno);
	/* Mount points are host paths under the jail's path, as FreeBSD writes them. */
	if (file[0] != '/' || (strcmp(root, "/") && (strncmp(file, root, rl) != 0 || file[rl] != '/')))
		return jail_err_set(e, -EINVAL, "%s: line %d: '%s' is not within path '%s'", what, lineno,
				    file, root);
	const char *rel = strcmp(root, "/") ? file + rl : file;
	while (*rel == '/')
		rel++;
	if (!*rel || strlen(rel) >= sizeof(m->dst) || strstr(file, "/../") || strstr(file, "/./"))
		return jail_err_set(e, -EINVAL, "%s: line %d: '%s': not a usable mount point", what, lineno,
				    file);
	/* Length checked above; a copy, not snprintf, so -O1 builds see no truncation (-Wformat-truncation). */
	memcpy(m->dst, rel, strlen(rel) + 1);
	if (!strcmp(type, "nullfs") || !strcmp(type, "bind") || !strcmp(type, "none")) {
		if (spec[0] != '/')
			return jail_err_set(e, -EINVAL, "%s: line %d: '%s': not an absolute path", what,
					    lineno, spec);
		snprintf(m->type, sizeof(m->type), "bind");
	} else if (!strcmp(type, "tmpfs")) {
		snprintf(m->type, sizeof(m->type), "tmpfs");
	} else if (!strcmp(type, "proc") || !strcmp(type, "procfs") || !strcmp(type, "linprocfs")) {
		snprintf(m->type, sizeof(m->type), "proc");
		m->attrs |= MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	} else {
		return jail_err_set(
			e, -ENOTSUP,
			"%s: line %d: file system type '%s' is not supported (nullfs, tmpfs, proc)", what,
			lineno, type);
	}
	snprintf(m->src, sizeof(m->src), "%s", spec);
	char *save = NULL;
	size_t used = 0; /* bytes of m->data filled, without its NUL */
	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (!strcmp(o, "ro"))
			m->attrs |= MOUNT_ATTR_RDONLY;
		else if (!strcmp(o, "rw") || !strcmp(o, "defaults") || !strcmp(o, "late") ||
			 !strcmp(o, "bind") || !strcmp(o, "rbind"))
			;
		else if (!strcmp(o, "nosuid"))
			m->attrs |= MOUNT_ATTR_NOSUID;
		else if (!strcmp(o, "nodev"))
			m->attrs |= MOUNT_ATTR_NODEV;
		else if (!strcmp(o, "noexec"))
			m->attrs |= MOUNT_ATTR_NOEXEC;
		else if (!strcmp(m->type, "tmpfs") && (!strncmp(o, "size=", 5) || !strncmp(o, "mode=", 5) ||
						       !strncmp(o, "nr_inodes=", 10) ||
						       !strncmp(o, "uid=", 4) || !strncmp(o, "gid=", 4))) {
			/* Appended whole or refused: a cut option string would mount something else. */
			size_t len = strlen(o) + (used > 0);
			if (len >= sizeof(m->data) - used)
				return jail_err_set(e, -E2BIG, "%s: line %d: options too long", what, lineno);
			snprintf(m->data + used, sizeof(m->data) - used, "%s%s", used > 0 ? "," : "", o);
			used += len;
		} else
			return jail_err_set(e, -EINVAL, "%s: line %d: unknown option '%s'", what, lineno, o);
	}
	return 0;
}

/*
 * A tmpfs of a mount line. uid= and gid= are the jail's numbers, so they
 * become host ids of its range; without them the tmpfs is jailed root's.
 */
static int tmpfs_mount(const struct jail_mount *m, const struct jail_ids *ids, struct jail_err *e)
{
	const char *opts[24];
	char data[sizeof(m->data)], uid[16], gid[16];
	char *save = NULL;
	int k = 0;

	snprintf(uid, sizeof(uid), "%u", ids->uid);
	snprintf(gid, sizeof(gid), "%u", ids->gid);
	snprintf(data, sizeof(data), "%s", m->data);
	for (char *t = strtok_r(data, ",", &save); t && k < 16; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (!strcmp(t, "uid") || !strcmp(t, "gid")) {
			char *b = t[0] == 'u' ? uid : gid;
			snprintf(b, 16, "%lu",
				 strtoul(eq + 1, NULL, 10) + (t[0] == 'u' ? ids->uid : ids->gid));
			continue;
		}
		opts[k++] = t;
		opts[k++] = eq + 1;
	}
	opts[k++] = "uid";
	opts[k++] = uid;
	opts[k++] = "gid";
	opts[k++] = gid;
	opts[k] = NULL;
	return jail_fs_new("tmpfs", opts, m->attrs, e);
}

/* mount and mount.fstab, beneath the jail root, never through a symlink. */
static int setup_mounts(int rootfd, const struct jail_root_opts *o, const struct jail_ids *ids, int masks,
			struct jail_err *e)
{
	for (int i = 0; i < o->nmounts; i++) {
		const struct jail_mount *m = &o->mounts[i];
		_cleanup_close_ int target =
			open_in_root(rootfd, m->dst, O_PATH | O_CLOEXEC | O_NOFOLLOW, RESOLVE_STRICT);
		_cleanup_close_ int mnt = -1;

		struct stat sb;
		if (target >= 0 && fstat(target, &sb) == 0 && S_ISLNK(sb.st_mode)) {
			close(target);
			target = -1;
			errno = ELOOP;
		}
		if (target < 0) {
			if (errno == ELOOP || errno == EXDEV)
				return jail_err_set(
					e, -ELOOP,
					"mount: %s/%s: a symbolic link on the way; refusing to mount on it",
					o->path, m->dst);
			return jail_err_sys(e, -errno, "mount: %s/%s", o->path, m->dst);
		}
		if (!strcmp(m->type, "bind")) {
			struct mount_attr a = {.attr_set = m->attrs};
			/* The source may lie in another jail's root: no symlink on the way (issue 10). */
			_cleanup_close_ int src = jail_mount_source_open(m->src, e);
			if (src < 0)
				return src;
			mnt = sys_open_tree(
				src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
			if (mnt < 0)
				return jail_err_sys(e, -errno, "mount: %s", m->src);
			if (m->attrs &&
			    sys_mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
				return jail_err_sys(e, -errno, "mount: %s", m->src);
		} else if (!strcmp(m->type, "proc")) {
			mnt = jail_fs_new("proc", NULL, m->attrs, e);
			if (mnt < 0)
				return mnt;
		} else {
			mnt = tmpfs_mount(m, ids, e);
			if (mnt < 0)
				return mnt;
		}
		int r = jail_mount_attach(mnt, target, m->dst, e);
		if (r < 0)
			return r;
		/* Every proc a jail gets carries the masks. */
		if (!strcmp(m->type, "proc")) {
			_cleanup_close_ int top = open_in_root(
				rootfd, m->dst, O_PATH | O_CLOEXEC | O_DIRECTORY, RESOLVE_STRICT);
			if (top < 0)
				return jail_err_sys(e, -errno, "mount: %s/%s", o->path, m->dst);
			if ((r = jail_proc_mask(top, masks, e)) < 0)
				return r;
		}
	}
	return 0;
}

/* A thin jail: the shared base, seen through an idmapped mount as the jail's own, under its writable layer. */
static int thin_overlay(const struct jail_root_opts *o, int idmap, struct jail_err *e)
{
	_cleanup_close_ int lower = sys_open_tree(AT_FDCWD, o->lower, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV};

	if (lower < 0)
		return jail_err_sys(e, -errno, "thin: base %s", o->lower);
	if (idmap >= 0) {
		a.attr_set |= MOUNT_ATTR_IDMAP;
		a.userns_fd = (unsigned long long)idmap;
	}
	if (sys_mount_setattr(lower, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return jail_err_sys(e, -errno, "thin: base %s: idmapped mount", o->lower);
	/* Stacked on the mount point itself: overlay keeps a private clone of its lower layer. */
	if (sys_move_mount(lower, "", AT_FDCWD, o->path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return jail_err_sys(e, -errno, "thin: mounting the base on %s", o->path);
	_cleanup_close_ int ov = jail_fs_new("overlay",
					     (const char *[]){"lowerdir", o->path, "upperdir", o->upper,
							      "workdir", o->work, "userxattr", NULL, NULL},
					     0, e);
	if (ov < 0)
		return jail_err_prefix(e, "thin");
	if (sys_move_mount(ov, "", AT_FDCWD, o->path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return jail_err_sys(e, -errno, "thin: mounting the overlay on %s", o->path);
	return 0;
}

int jail_root_build(const struct jail_root_opts *o, const struct jail_ids *ids, int idmap,
		    const struct jail_cgroup *nest, struct jail_err *e)
{
	_cleanup_close_ int rootfd = -1, masks = -1;
	struct mount_attr nodev = {.attr_set = MOUNT_ATTR_NODEV};
	int r;

	if (sys_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return jail_err_sys(e, -errno, "making mounts private");
	if (o->lower && (r = thin_overlay(o, idmap, e)) < 0)
		return r;
	/*
	 * A recursive bind of path over itself, kept by its fd: the fd names the
	 * new mount even when path is "/", which a lookup would resolve to the
	 * old root again.
	 */
	rootfd = sys_open_tree(AT_FDCWD, o->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (rootfd < 0)
		return jail_err_sys(e, -errno, "path '%s': bind", o->path);
	/* A container's image, owned by host ids 0..65535, shown as its own (container.h). */
	if (o->ctr && o->idmap) {
		r = jail_container_idmap_root(rootfd, o->path, idmap, ids, e);
		if (r < 0)
			return r;
		if (r != rootfd) {
			close(rootfd);
			rootfd = r;
		}
	}
	if (sys_move_mount(rootfd, "", AT_FDCWD, o->path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return jail_err_sys(e, -errno, "path '%s': bind", o->path);
	/* Device nodes on the jail's own filesystems never work; /dev below is ours. */
	if (sys_mount_setattr(rootfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &nodev, sizeof(nodev)) < 0)
		return jail_err_sys(e, -errno, "path '%s': nodev", o->path);
	if (o->ctr) {
		r = jail_container_mounts(o->ctr, rootfd, o->path, ids, o->idmap ? idmap : -1, nest, e);
	} else {
		masks = jail_mask_source(ids, e);
		if (masks < 0)
			return masks;
		if ((r = setup_mounts(rootfd, o, ids, masks, e)) < 0)
			return r;
		if (o->devfs && (r = jail_dev_build(rootfd, o->path, ids, o->ipc_new, e)) < 0)
			return r;
		if (o->procfs && (r = jail_proc_build(rootfd, o->path, masks, e)) < 0)
			return r;
		r = jail_sys_build(rootfd, masks, e);
	}
	if (r < 0)
		return r;
	if (nest && !o->ctr && (r = jail_nest_build(rootfd, o->path, ids, nest, e)) < 0)
		return r;
	if (fchdir(rootfd) < 0)
		return jail_err_sys(e, -errno, "chdir %s", o->path);
	return 0;
}

int jail_root_pivot(const struct jail_root_opts *o, struct jail_err *e)
{
	if (sys_pivot_root(".", ".") < 0)
		return jail_err_sys(e, -errno, "pivot_root %s", o->path);
	/* The old root sits on top of the new one: detach it, and the host is gone. */
	if (sys_umount2(".", MNT_DETACH) < 0)
		return jail_err_sys(e, -errno, "detaching the host's root");
	if (chdir("/") < 0)
		return jail_err_sys(e, -errno, "chdir /");
	return 0;
}
