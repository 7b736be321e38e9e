/*
 * A container's filesystem, stage one (see root.c and kernfs.c for a
 * jail's): made by the init as host root in a mount namespace of the host's
 * user namespace, before pivot_root, so that the kernel locks all of it when
 * the init moves into the jail's user namespace. config.json's mounts go up
 * in their order, each destination resolved inside the root
 * (openat2 RESOLVE_IN_ROOT, symlinks never leading out) and created when
 * missing, each mount made by fd with the new mount API. Then /dev gets the
 * spec's default nodes and linux.devices (mknod here, owned by the
 * container's ids), maskedPaths are covered and readonlyPaths made
 * read-only, and the working directory is made.
 *
 * Without a user namespace in config.json the container still runs in the
 * jail's private range: its root and bind mounts are shown through an
 * idmapped mount of the jail's map, so the image's files (owned by host ids
 * 0..65535) are the container's own while its processes hold only range
 * credentials. A bind mount is nodev unless its source is a device the
 * container is given (linux.devices or a default node): the container
 * cannot make device nodes (its user namespace), nor reach one by a bind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "kernfs.h"
#include "sys.h"

#ifndef MS_NOATIME
#define MS_NOATIME     1024UL
#define MS_NODIRATIME  2048UL
#define MS_RELATIME    (1UL << 21)
#define MS_STRICTATIME (1UL << 24)
#define MS_UNBINDABLE  (1UL << 17)
#define MS_SHARED      (1UL << 20)
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256UL
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

struct mctx {
	const struct jail_container *ct;
	int rootfd;
	const char *path;
	const struct jail_ids *ids;
	int userns;
	const struct jail_cgroup *cg;
	int masks;
	bool dev_mounted;
};

static int in_root(int rootfd, const char *path, int flags)
{
	while (*path == '/')
		path++;
	return open_in_root(rootfd, *path ? path : ".", flags | O_CLOEXEC, IN_ROOT);
}

/*
 * Make a file: as host root, or, through an idmapped mount (where host root
 * has no id: EOVERFLOW), as the container's root, whose files these are.
 */
static int make_as(const struct mctx *m, int parent, const char *name, bool dir, mode_t mode, dev_t dev)
{
	for (int round = 0; round < 2; round++) {
		int r;
		if (round == 1)
			jail_container_fsids(jail_container_hostid(m->ct, m->ids->uid, 0, false),
					     jail_container_hostid(m->ct, m->ids->uid, 0, true));
		if (dev || (mode & S_IFMT))
			r = mknodat(parent, name, mode, dev);
		else if (dir)
			r = mkdirat(parent, name, mode);
		else
			r = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		int err = errno;
		if (round == 1)
			jail_container_fsids(0, 0);
		if (r >= 0 && !dir && !dev && !(mode & S_IFMT))
			close(r);
		if (r >= 0 || err != EOVERFLOW) {
			errno = err;
			return r < 0 ? -1 : 0;
		}
	}
	return -1;
}

/*
 * Open path inside the root, making what is missing: directories on the
 * way, and the last one a directory (dir) or an empty file. Every step is
 * resolved from the root, so a symlink on the way stays inside it.
 */
static int mkpath(const struct mctx *m, const char *path, bool dir, struct jail_err *e)
{
	int rootfd = m->rootfd;
	char buf[PATH_MAX];
	int fd = in_root(rootfd, path, O_PATH);

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : jail_err_sys(e, -errno, "%s", path);
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return jail_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
	for (char *p = buf; *p;) {
		while (*p == '/')
			p++;
		char *end = strchrnul(p, '/');
		bool last = !*end || !end[strspn(end, "/")];
		char save = *end;
		*end = '\0';
		fd = in_root(rootfd, buf, O_PATH);
		if (fd < 0 && errno == ENOENT) {
			char *slash = strrchr(buf, '/');
			const char *name = slash ? slash + 1 : buf;
			_cleanup_close_ int parent = -1;
			if (slash && slash != buf) {
				*slash = '\0';
				parent = in_root(rootfd, buf, O_PATH | O_DIRECTORY);
				*slash = '/';
			} else {
				parent = in_root(rootfd, "/", O_PATH | O_DIRECTORY);
			}
			if (parent < 0)
				return jail_err_sys(e, -errno, "%s", path);
			if (make_as(m, parent, name, !last || dir, last && !dir ? 0644 : 0755, 0) < 0 &&
			    errno != EEXIST)
				return jail_err_sys(e, -errno, "%s", path);
			fd = in_root(rootfd, buf, O_PATH);
		}
		if (fd < 0)
			return jail_err_sys(e, -errno, "%s", path);
		*end = save;
		p = end;
		if (last)
			return fd;
		close(fd);
	}
	return in_root(rootfd, "/", O_PATH);
}

static unsigned attrs_of(unsigned long ms)
{
	unsigned a = 0;

	a |= ms & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0;
	a |= ms & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0;
	a |= ms & MS_NODEV ? MOUNT_ATTR_NODEV : 0;
	a |= ms & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0;
	a |= ms & MS_NODIRATIME ? MOUNT_ATTR_NODIRATIME : 0;
	a |= ms & MS_NOSYMFOLLOW ? MOUNT_ATTR_NOSYMFOLLOW : 0;
	if (ms & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	else if (ms & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	return a;
}

/* A mount's propagation (shared, slave, private, unbindable; r: the whole tree). */
static int propagate(int fd, unsigned long prop, const char *what, struct jail_err *e)
{
	struct mount_attr a = {.propagation = prop & ~(unsigned long)MS_REC};

	if (!prop)
		return 0;
	if (sys_mount_setattr(fd, "", AT_EMPTY_PATH | (prop & MS_REC ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
		return jail_err_sys(e, -errno, "%s: propagation", what);
	return 0;
}

/* Filesystem data for fsconfig, with the container's uid=/gid= made host ids. */
static int configure(struct mctx *m, int fsfd, const struct oci_mount *om, bool owned, const char *field,
		     struct jail_err *e)
{
	const struct jail_container *ct = m->ct;
	char data[4096], uid[16] = "", gid[16] = "", *save = NULL;

	if (om->data && snprintf(data, sizeof(data), "%s", om->data) >= (int)sizeof(data))
		return jail_err_set(e, -E2BIG, "%s.options: too long", field);
	if (!om->data)
		data[0] = '\0';
	for (char *t = strtok_r(data, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		int r;
		if (eq)
			*eq++ = '\0';
		if (eq && (!strcmp(t, "uid") || !strcmp(t, "gid"))) {
			char *b = t[0] == 'u' ? uid : gid;
			snprintf(b, 16, "%u",
				 jail_container_hostid(ct, m->ids->uid, (uint32_t)strtoul(eq, NULL, 10),
						       t[0] == 'g'));
			continue;
		}
		r = eq ? sys_fsconfig(fsfd, FSCONFIG_SET_STRING, t, eq, 0)
		       : sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, t, NULL, 0);
		if (r < 0)
			return jail_err_sys(e, -errno, "%s.options: %s", field, t);
	}
	/* A filesystem made here belongs to the container's root unless it says otherwise. */
	if (owned && !uid[0])
		snprintf(uid, sizeof(uid), "%u", jail_container_hostid(ct, m->ids->uid, 0, false));
	if (owned && !gid[0])
		snprintf(gid, sizeof(gid), "%u", jail_container_hostid(ct, m->ids->uid, 0, true));
	if (uid[0] && sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "uid", uid, 0) < 0)
		return jail_err_sys(e, -errno, "%s.options: uid", field);
	if (gid[0] && sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "gid", gid, 0) < 0)
		return jail_err_sys(e, -errno, "%s.options: gid", field);
	return 0;
}

/* tmpfs, proc, sysfs, devpts, mqueue and any other filesystem: fsopen, fsconfig, fsmount. */
static int fs_mount(struct mctx *m, const struct oci_mount *om, const char *field, struct jail_err *e)
{
	const char *type = om->type;
	bool owned = !strcmp(type, "tmpfs");
	_cleanup_close_ int target = -1, fsfd = -1, mnt = -1, top = -1;
	int r;

	if (om->tmpcopyup)
		return jail_err_set(e, -EOPNOTSUPP, "%s.options: tmpcopyup: not supported", field);
	target = mkpath(m, om->destination, true, e);
	if (target < 0)
		return jail_err_prefix(e, "%s.destination", field);
	fsfd = sys_fsopen(type, FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return jail_err_sys(e, -errno, "%s.type: %s", field, type);
	/* The source is what mountinfo shows for proc, tmpfs and the like; a device for the rest. */
	if (om->source && sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "source", om->source, 0) < 0)
		return jail_err_sys(e, -errno, "%s.source: %s", field, om->source);
	if ((r = configure(m, fsfd, om, owned, field, e)) < 0)
		return r;
	if (sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return jail_err_sys(e, -errno, "%s: mounting %s on %s", field, type, om->destination);
	mnt = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, attrs_of(om->flags));
	if (mnt < 0)
		return jail_err_sys(e, -errno, "%s: mounting %s on %s", field, type, om->destination);
	if (om->rattr_set || om->rattr_clr) {
		struct mount_attr a = {.attr_set = om->rattr_set, .attr_clr = om->rattr_clr};
		if (sys_mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
			return jail_err_sys(e, -errno, "%s.options", field);
	}
	if ((r = jail_mount_attach(mnt, target, om->destination, e)) < 0)
		return r;
	top = in_root(m->rootfd, om->destination, O_PATH | O_DIRECTORY);
	if (top < 0)
		return jail_err_sys(e, -errno, "%s: %s", field, om->destination);
	if ((r = propagate(top, om->propagation, field, e)) < 0)
		return r;
	if (!strcmp(om->destination + strspn(om->destination, "/"), "dev"))
		m->dev_mounted = true;
	/* Every proc and sysfs a jail gets carries the jail's masks, whatever else config.json masks. */
	if (!strcmp(type, "proc"))
		return jail_proc_mask(top, m->masks, e);
	if (!strcmp(type, "sysfs"))
		return jail_sys_mask(top, m->masks, e);
	return 0;
}

/* Whether a device (st_rdev of a char or block node) is one the container is given. */
static bool device_given(const struct jail_container *ct, const struct stat *sb)
{
	static const unsigned defaults[][2] = {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 2}};
	unsigned ma = major(sb->st_rdev), mi = minor(sb->st_rdev);

	if (S_ISCHR(sb->st_mode))
		for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
			if (defaults[i][0] == ma && defaults[i][1] == mi)
				return true;
	for (size_t i = 0; i < ct->cfg->linux_.n_devices; i++) {
		const struct oci_device *d = &ct->cfg->linux_.devices[i];
		bool blk = d->type == 'b';
		if ((S_ISBLK(sb->st_mode) == blk) && d->major == ma && d->minor == mi)
			return true;
	}
	return false;
}

/* A user namespace for a mount's own uidMappings/gidMappings (an idle child holds it while we open it). */
static int mount_userns(const struct oci_mount *om, struct jail_err *e);

static int bind_mount(struct mctx *m, const struct oci_mount *om, const char *field, struct jail_err *e)
{
	const struct jail_container *ct = m->ct;
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
	_cleanup_close_ int src = -1, target = -1, tree = -1, top = -1, uns = -1;
	bool rec = (om->flags & MS_REC) != 0;
	struct stat sb;
	int r;

	if (!om->source)
		return jail_err_set(e, -EINVAL, "%s.source: missing for a bind mount", field);
	/* A relative source is the bundle's. */
	src = sys_openat2(om->source[0] == '/' ? AT_FDCWD : ct->bundlefd, om->source, &how, sizeof(how));
	if (src < 0 || fstat(src, &sb) < 0)
		return jail_err_sys(e, -errno, "%s.source: %s", field, om->source);
	target = mkpath(m, om->destination, S_ISDIR(sb.st_mode), e);
	if (target < 0)
		return jail_err_prefix(e, "%s.destination", field);
	tree = sys_open_tree(src, "",
			     AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
	if (tree < 0)
		return jail_err_sys(e, -errno, "%s.source: %s", field, om->source);
	struct mount_attr top_attrs = {.attr_set = attrs_of(om->flags), .attr_clr = attrs_of(om->clear)};
	if ((!S_ISCHR(sb.st_mode) && !S_ISBLK(sb.st_mode)) || !device_given(ct, &sb)) {
		top_attrs.attr_set |= MOUNT_ATTR_NODEV;
		top_attrs.attr_clr &= ~(uint64_t)MOUNT_ATTR_NODEV;
	}
	if (om->clear & MS_NOATIME || om->clear & MS_STRICTATIME)
		top_attrs.attr_clr |= MOUNT_ATTR__ATIME;
	if ((top_attrs.attr_set & MOUNT_ATTR__ATIME) && !(top_attrs.attr_clr & MOUNT_ATTR__ATIME))
		top_attrs.attr_clr |= MOUNT_ATTR__ATIME;
	/* The ids: the mount's own maps, else the jail's when the container has no user namespace of its own. */
	if (om->n_uid_map) {
		uns = mount_userns(om, e);
		if (uns < 0)
			return jail_err_prefix(e, "%s", field);
	}
	if (uns >= 0 || (ct->idmap && m->userns >= 0)) {
		struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP,
				       .userns_fd = (uint64_t)(uns >= 0 ? uns : m->userns)};
		bool all = rec && (uns < 0 || om->ridmap);
		if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | (all ? AT_RECURSIVE : 0), &a, sizeof(a)) <
			    0 &&
		    (uns >= 0 || (errno != EINVAL && errno != EPERM && errno != EOPNOTSUPP)))
			return jail_err_sys(e, -errno, "%s: idmapped mount of %s", field, om->source);
		/* A filesystem without idmapped mounts is shown with its own ids. */
	}
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, &top_attrs, sizeof(top_attrs)) < 0)
		return jail_err_sys(e, -errno, "%s.options", field);
	if (om->rattr_set || om->rattr_clr) {
		struct mount_attr a = {.attr_set = om->rattr_set, .attr_clr = om->rattr_clr};
		if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
			return jail_err_sys(e, -errno, "%s.options", field);
	}
	if ((r = jail_mount_attach(tree, target, om->destination, e)) < 0)
		return r;
	top = in_root(m->rootfd, om->destination, O_PATH);
	if (top < 0)
		return jail_err_sys(e, -errno, "%s: %s", field, om->destination);
	return propagate(top, om->propagation, field, e);
}

/*
 * "cgroup": the container's own cgroups, not the host's tree. On v1 and
 * hybrid hosts a tmpfs holds a bind of the container's directory of each
 * hierarchy (as runc does); on a v2 host its one directory is bound.
 */
static int cgroup_mount(struct mctx *m, const struct oci_mount *om, const char *field, struct jail_err *e)
{
	bool ro = (om->flags & MS_RDONLY) != 0;
	unsigned ro_attr = ro ? MOUNT_ATTR_RDONLY : 0;
	_cleanup_close_ int target = mkpath(m, om->destination, true, e);
	int r;

	if (target < 0)
		return jail_err_prefix(e, "%s.destination", field);
	if (!m->cg || m->cg->n == 0)
		return jail_err_set(e, -ENOENT, "%s: the container has no cgroup", field);
	if (m->cg->n == 1 && m->cg->d[0].v2) {
		_cleanup_close_ int t =
			sys_open_tree(AT_FDCWD, m->cg->d[0].path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		struct mount_attr a = {.attr_set = ro_attr | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
						   MOUNT_ATTR_NOEXEC};
		if (t < 0 || sys_mount_setattr(t, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
			return jail_err_sys(e, -errno, "%s: %s", field, m->cg->d[0].path);
		return jail_mount_attach(t, target, om->destination, e);
	}
	char uid[16], gid[16];
	snprintf(uid, sizeof(uid), "%u", jail_container_hostid(m->ct, m->ids->uid, 0, false));
	snprintf(gid, sizeof(gid), "%u", jail_container_hostid(m->ct, m->ids->uid, 0, true));
	_cleanup_close_ int fs = jail_fs_new(
		"tmpfs", (const char *[]){"mode", "0755", "size", "64k", "uid", uid, "gid", gid, NULL},
		MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (fs < 0)
		return fs;
	if ((r = jail_mount_attach(fs, target, om->destination, e)) < 0)
		return r;
	_cleanup_close_ int dir = in_root(m->rootfd, om->destination, O_RDONLY | O_DIRECTORY);
	if (dir < 0)
		return jail_err_sys(e, -errno, "%s: %s", field, om->destination);
	for (int i = 0; i < m->cg->n; i++) {
		const struct jail_cgroup_dir *d = &m->cg->d[i];
		char name[128];
		snprintf(name, sizeof(name), "%s", d->v2 ? "unified" : d->controllers);
		if (!strncmp(name, "name=", 5))
			memmove(name, name + 5, strlen(name + 5) + 1);
		if (!name[0] || strchr(name, '/') || mkdirat(dir, name, 0755) < 0)
			continue;
		_cleanup_close_ int sub = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int t = sys_open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		struct mount_attr a = {.attr_set = ro_attr | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
						   MOUNT_ATTR_NOEXEC};
		if (sub < 0 || t < 0 || sys_mount_setattr(t, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0 ||
		    jail_mount_attach(t, sub, d->path, e) < 0)
			return jail_err_sys(e, e->code ? e->code : -errno, "%s: %s", field, d->path);
		/* cpu,cpuacct is also reached as cpu and cpuacct. */
		if (strchr(name, ',')) {
			char copy[128], *save = NULL;
			snprintf(copy, sizeof(copy), "%s", name);
			for (char *t2 = strtok_r(copy, ",", &save); t2; t2 = strtok_r(NULL, ",", &save))
				if (symlinkat(name, dir, t2) < 0 && errno != EEXIST)
					return jail_err_sys(e, -errno, "%s: %s", field, t2);
		}
	}
	if (ro) {
		_cleanup_close_ int top = in_root(m->rootfd, om->destination, O_PATH | O_DIRECTORY);
		struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
		if (top < 0 || sys_mount_setattr(top, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
			return jail_err_sys(e, -errno, "%s: read-only", field);
	}
	return 0;
}

static int mount_userns(const struct oci_mount *om, struct jail_err *e)
{
	char uid[2048], gid[2048];
	size_t u = 0, g = 0;

	for (size_t i = 0; i < om->n_uid_map && u < sizeof(uid); i++)
		u += (size_t)snprintf(uid + u, sizeof(uid) - u, "%u %u %u\n", om->uid_map[i].container_id,
				      om->uid_map[i].host_id, om->uid_map[i].size);
	for (size_t i = 0; i < om->n_gid_map && g < sizeof(gid); i++)
		g += (size_t)snprintf(gid + g, sizeof(gid) - g, "%u %u %u\n", om->gid_map[i].container_id,
				      om->gid_map[i].host_id, om->gid_map[i].size);
	if (u >= sizeof(uid) || g >= sizeof(gid))
		return jail_err_set(e, -E2BIG, "uidMappings: too many");
	return jail_idmap_userns(uid, gid, e);
}

/* The spec's default devices and links in the container's /dev (a tmpfs from config.json). */
static int dev_defaults(struct mctx *m, struct jail_err *e)
{
	static const struct {
		const char *name;
		unsigned major, minor;
	} nodes[] = {{"null", 1, 3},   {"zero", 1, 5},	  {"full", 1, 7},
		     {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
	static const char *const links[][2] = {
		{"fd", "/proc/self/fd"},
		{"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"},
		{"stderr", "/proc/self/fd/2"},
	};
	uid_t uid = jail_container_hostid(m->ct, m->ids->uid, 0, false);
	gid_t gid = jail_container_hostid(m->ct, m->ids->uid, 0, true);
	_cleanup_close_ int dev = in_root(m->rootfd, "/dev", O_PATH | O_DIRECTORY);
	struct stat sb;

	if (dev < 0)
		return jail_err_sys(e, -errno, "/dev");
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		if (fstatat(dev, nodes[i].name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (mknodat(dev, nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) <
			    0 ||
		    fchmodat(dev, nodes[i].name, 0666, 0) < 0 ||
		    fchownat(dev, nodes[i].name, uid,
			     nodes[i].major == 5 ? jail_container_hostid(m->ct, m->ids->uid, 5, true) : gid,
			     AT_SYMLINK_NOFOLLOW) < 0)
			return jail_err_sys(e, -errno, "/dev/%s", nodes[i].name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (fstatat(dev, links[i][0], &sb, AT_SYMLINK_NOFOLLOW) < 0 &&
		    (symlinkat(links[i][1], dev, links[i][0]) < 0 ||
		     fchownat(dev, links[i][0], uid, gid, AT_SYMLINK_NOFOLLOW) < 0))
			return jail_err_sys(e, -errno, "/dev/%s", links[i][0]);
	/* /dev/ptmx: the container's devpts instance's, when it has one. */
	if (fstatat(dev, "ptmx", &sb, AT_SYMLINK_NOFOLLOW) < 0 && fstatat(dev, "pts/ptmx", &sb, 0) == 0 &&
	    (symlinkat("pts/ptmx", dev, "ptmx") < 0 ||
	     fchownat(dev, "ptmx", uid, gid, AT_SYMLINK_NOFOLLOW) < 0))
		return jail_err_sys(e, -errno, "/dev/ptmx");
	return 0;
}

/* linux.devices: nodes made here (the container's user namespace cannot), owned by its ids. */
static int devices(struct mctx *m, struct jail_err *e)
{
	const struct oci_linux *l = &m->ct->cfg->linux_;

	for (size_t i = 0; i < l->n_devices; i++) {
		const struct oci_device *d = &l->devices[i];
		char dir[PATH_MAX], *slash;
		mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
		mode_t mode = d->has_mode ? d->mode & 07777 : 0666;

		snprintf(dir, sizeof(dir), "%s", d->path);
		slash = strrchr(dir, '/');
		if (!slash || !slash[1])
			return jail_err_set(e, -EINVAL, "linux.devices[%zu].path: '%s': not a file path", i,
					    d->path);
		*slash = '\0';
		_cleanup_close_ int parent = mkpath(m, dir[0] ? dir : "/", true, e);
		if (parent < 0)
			return jail_err_prefix(e, "linux.devices[%zu].path", i);
		_cleanup_close_ int pdir = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		const char *name = slash + 1;
		if (pdir < 0)
			return jail_err_sys(e, -errno, "linux.devices[%zu].path: %s", i, d->path);
		unlinkat(pdir, name, 0);
		if (make_as(m, pdir, name, false, type | mode,
			    type == S_IFIFO ? 0 : makedev(d->major, d->minor)) < 0 ||
		    fchmodat(pdir, name, mode, 0) < 0 ||
		    fchownat(pdir, name,
			     jail_container_hostid(m->ct, m->ids->uid, d->has_uid ? d->uid : 0, false),
			     jail_container_hostid(m->ct, m->ids->uid, d->has_gid ? d->gid : 0, true),
			     AT_SYMLINK_NOFOLLOW) < 0)
			return jail_err_sys(e, -errno, "linux.devices[%zu]: %s", i, d->path);
	}
	return 0;
}

/* maskedPaths: files under the null node, directories under an empty read-only tmpfs. */
static int masked(struct mctx *m, struct jail_err *e)
{
	const struct oci_linux *l = &m->ct->cfg->linux_;

	for (size_t i = 0; i < l->n_masked_paths; i++) {
		_cleanup_close_ int target = in_root(m->rootfd, l->masked_paths[i], O_PATH);
		_cleanup_close_ int tree = -1;
		struct stat sb;
		if (target < 0 && errno == ENOENT)
			continue;
		if (target < 0 || fstat(target, &sb) < 0)
			return jail_err_sys(e, -errno, "linux.maskedPaths[%zu]: %s", i, l->masked_paths[i]);
		bool dir = S_ISDIR(sb.st_mode);
		struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
						    MOUNT_ATTR_NOEXEC | (dir ? MOUNT_ATTR_NODEV : 0)};
		tree = sys_open_tree(m->masks, dir ? "empty" : "null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (tree < 0 || sys_mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0 ||
		    sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
			    0)
			return jail_err_sys(e, -errno, "linux.maskedPaths[%zu]: %s", i, l->masked_paths[i]);
	}
	return 0;
}

static int readonly(struct mctx *m, struct jail_err *e)
{
	const struct oci_linux *l = &m->ct->cfg->linux_;

	for (size_t i = 0; i < l->n_readonly_paths; i++) {
		_cleanup_close_ int target = in_root(m->rootfd, l->readonly_paths[i], O_PATH);
		_cleanup_close_ int tree = -1;
		struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
		if (target < 0 && errno == ENOENT)
			continue;
		if (target < 0)
			return jail_err_sys(e, -errno, "linux.readonlyPaths[%zu]: %s", i,
					    l->readonly_paths[i]);
		tree = sys_open_tree(target, "",
				     AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (tree < 0 ||
		    sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0 ||
		    sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
			    0)
			return jail_err_sys(e, -errno, "linux.readonlyPaths[%zu]: %s", i,
					    l->readonly_paths[i]);
	}
	return 0;
}

int jail_container_mounts(const struct jail_container *ct, int rootfd, const char *path,
			  const struct jail_ids *ids, int userns, const struct jail_cgroup *cg,
			  struct jail_err *e)
{
	const struct oci_config *c = ct->cfg;
	struct mctx m = {.ct = ct,
			 .rootfd = rootfd,
			 .path = path,
			 .ids = ids,
			 .userns = userns,
			 .cg = cg,
			 .masks = -1};
	int r = 0;

	m.masks = jail_mask_source(ids, e);
	if (m.masks < 0)
		return m.masks;
	for (size_t i = 0; i < c->n_mounts && r == 0; i++) {
		const struct oci_mount *om = &c->mounts[i];
		char field[32];
		snprintf(field, sizeof(field), "mounts[%zu]", i);
		if (om->bind)
			r = bind_mount(&m, om, field, e);
		else if (!om->type)
			r = jail_err_set(e, -EINVAL, "%s.type: missing", field);
		else if (!strcmp(om->type, "cgroup") || !strcmp(om->type, "cgroup2"))
			r = cgroup_mount(&m, om, field, e);
		else
			r = fs_mount(&m, om, field, e);
	}
	/* No /dev from config.json: the jail's own (read-only, ruleset 4). */
	if (r == 0 && !m.dev_mounted)
		r = jail_dev_build(rootfd, path, ids, ct->cfg->linux_.ns[OCI_NS_IPC].present, e);
	else if (r == 0)
		r = dev_defaults(&m, e);
	if (r == 0)
		r = devices(&m, e);
	if (r == 0)
		r = masked(&m, e);
	if (r == 0)
		r = readonly(&m, e);
	if (r == 0 && c->has_process && c->process.cwd && strcmp(c->process.cwd, "/")) {
		int fd = mkpath(&m, c->process.cwd, true, e);
		r = fd < 0 ? jail_err_prefix(e, "process.cwd") : 0;
		if (fd >= 0)
			close(fd);
	}
	if (r == 0 && c->root_readonly) {
		struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
		if (sys_mount_setattr(rootfd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
			r = jail_err_sys(e, -errno, "root.readonly");
	}
	/* pivot_root refuses a shared root: shared is set after it (jail_container_userns). */
	if (r == 0 && c->linux_.rootfs_propagation && !(c->linux_.rootfs_propagation & MS_SHARED))
		r = propagate(rootfd, c->linux_.rootfs_propagation, "linux.rootfsPropagation", e);
	close(m.masks);
	return r;
}
