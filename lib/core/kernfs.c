/*
 * The jail's kernel filesystems: /dev (devfs ruleset 4), /proc and /sys.
 * They are made by the jail's init while it is still host root in a mount
 * namespace of the host's user namespace (the first stage of init.c), so
 * that when the init moves into the jail's user namespace and takes a copy
 * of that mount namespace, the kernel locks every one of these mounts:
 * jailed root can neither unmount a mask nor lift a read-only flag, and a
 * fresh proc or sysfs would reveal what locked masks hide, which the kernel
 * refuses (mount_too_revealing).
 *
 * /dev is a tmpfs of the jail's own with device nodes made by mknod here:
 * no host inode is shared, so chmod, chown or utimes on the jail's
 * /dev/null never reach the host's, and inotify on them shows only the
 * jail's own activity. The tmpfs is read-only (writing to a device still
 * works), nosuid and noexec. Files in /proc the jail must not read are
 * covered by a device node of the jail's own /dev (or, without /dev, of a
 * private tmpfs), directories by an empty read-only tmpfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "kernfs.h"
#include "root.h"
#include "rootfs.h"
#include "sys.h"

static const struct {
	const char *name;
	unsigned major, minor;
} devices[] = {
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

static const unsigned ro_attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

/*
 * A device node of the jail's own, owned by jailed root (tty: group tty).
 * A child jail's init cannot mknod (that needs the host's CAP_MKNOD): it
 * binds the node of its parent jail's /dev, itself one of the parent's own.
 */
static int make_node(int dir, const char *name, unsigned major, unsigned minor, const struct jail_ids *ids,
		     struct jail_err *e)
{
	gid_t gid = major == 5 ? ids->gid + 5 : ids->gid;
	char src[64];

	if (mknodat(dir, name, S_IFCHR | 0666, makedev(major, minor)) == 0) {
		if (fchmodat(dir, name, 0666, 0) < 0 ||
		    fchownat(dir, name, ids->uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			return jail_err_sys(e, -errno, "/dev/%s", name);
		return 0;
	}
	if (errno != EPERM)
		return jail_err_sys(e, -errno, "/dev/%s", name);
	snprintf(src, sizeof(src), "/dev/%s", name);
	_cleanup_close_ int tree = sys_open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd >= 0)
		close(fd);
	_cleanup_close_ int target = openat(dir, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (tree < 0 || target < 0)
		return jail_err_sys(e, -errno, "/dev/%s", name);
	return jail_mount_attach(tree, target, src, e);
}

static int tmpfs_for(const struct jail_ids *ids, const char *mode, const char *size, unsigned attrs,
		     struct jail_err *e)
{
	char uid[16], gid[16];

	snprintf(uid, sizeof(uid), "%u", ids->uid);
	snprintf(gid, sizeof(gid), "%u", ids->gid);
	return jail_fs_new("tmpfs",
			   (const char *[]){"mode", mode, "size", size, "nr_inodes", "256", "uid", uid, "gid",
					    gid, NULL},
			   attrs, e);
}

/* devpts, /dev/shm and /dev/mqueue under the jail's /dev. */
static int dev_submounts(int dev, const struct jail_ids *ids, bool ipc_new, struct jail_err *e)
{
	char ttygid[16];
	int r;

	snprintf(ttygid, sizeof(ttygid), "%u", ids->gid + 5);
	_cleanup_close_ int pts = openat(dev, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int ptsfs = jail_fs_new("devpts",
						(const char *[]){"newinstance", NULL, "ptmxmode", "0666",
								 "mode", "0620", "gid", ttygid, NULL},
						MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
	if (ptsfs < 0)
		return ptsfs;
	if ((r = jail_mount_attach(ptsfs, pts, "devpts", e)) < 0)
		return r;
	_cleanup_close_ int shm = openat(dev, "shm", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int shmfs =
		tmpfs_for(ids, "1777", "25%", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (shmfs < 0)
		return shmfs;
	if ((r = jail_mount_attach(shmfs, shm, "/dev/shm", e)) < 0)
		return r;
	if (!ipc_new)
		return 0;
	/* The jail's IPC namespace was joined first: this mqueue is its own. */
	_cleanup_close_ int mq = openat(dev, "mqueue", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int mqfs =
		jail_fs_new("mqueue", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (mqfs < 0)
		return mqfs;
	return jail_mount_attach(mqfs, mq, "/dev/mqueue", e);
}

int jail_dev_build(int rootfd, const char *path, const struct jail_ids *ids, bool ipc_new, struct jail_err *e)
{
	/* log: syslog's socket is where FreeBSD jails have it, outside the read-only /dev. */
	static const char *const links[][2] = {
		{"ptmx", "pts/ptmx"},	       {"fd", "/proc/self/fd"},	      {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}, {"log", "/var/run/log"},
	};
	static const char *const dirs[] = {"pts", "shm", "mqueue"};
	_cleanup_close_ int target = jail_mountpoint_open(rootfd, path, "dev", e);
	_cleanup_close_ int dev = -1;
	int r;

	if (target < 0)
		return target;
	/* Not NODEV: these nodes are the point; the device cgroup allows exactly them. */
	dev = tmpfs_for(ids, "0755", "64k", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
	if (dev < 0)
		return dev;
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if ((r = make_node(dev, devices[i].name, devices[i].major, devices[i].minor, ids, e)) < 0)
			return r;
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0 ||
		    fchownat(dev, links[i][0], ids->uid, ids->gid, AT_SYMLINK_NOFOLLOW) < 0)
			return jail_err_sys(e, -errno, "/dev/%s", links[i][0]);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdirat(dev, dirs[i], 0755) < 0 || fchownat(dev, dirs[i], ids->uid, ids->gid, 0) < 0)
			return jail_err_sys(e, -errno, "/dev/%s", dirs[i]);
	/* Read-only from here on: nothing in the jail adds or changes a device file. */
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	if (sys_mount_setattr(dev, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return jail_err_sys(e, -errno, "making /dev read-only");
	if ((r = jail_mount_attach(dev, target, "devfs", e)) < 0)
		return r;
	/* target now names the new /dev (the fd was taken before, so reopen through it). */
	_cleanup_close_ int top = jail_mountpoint_open(rootfd, path, "dev", e);
	if (top < 0)
		return top;
	return dev_submounts(top, ids, ipc_new, e);
}

/* Where masks come from: a private read-only tmpfs with a null node and an empty directory. */
int jail_mask_source(const struct jail_ids *ids, struct jail_err *e)
{
	int fs = tmpfs_for(ids, "0555", "16k", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

	if (fs < 0)
		return fs;
	if (make_node(fs, "null", 1, 3, ids, e) < 0 || mkdirat(fs, "empty", 0555) < 0 ||
	    sys_mount_setattr(fs, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		if (!e->code)
			jail_err_sys(e, -errno, "the masks' tmpfs");
		close(fs);
		return e->code;
	}
	return fs;
}

/* Cover dir/name (if it exists) with mask/what, read-only. */
static int cover(int masks, const char *what, int dir, const char *name, struct jail_err *e)
{
	_cleanup_close_ int target = openat(dir, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int tree = -1;
	/* The null node must stay a device (reads give end of file), the rest need none. */
	struct mount_attr ro = {.attr_set = !strcmp(what, "null") ? ro_attrs & ~MOUNT_ATTR_NODEV : ro_attrs};

	if (target < 0)
		return 0; /* masking what this kernel does not have is not an error */
	tree = sys_open_tree(masks, what, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0 || sys_mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return jail_err_sys(e, -errno, "masking %s", name);
	return jail_mount_attach(tree, target, name, e);
}

static int readonly_subdir(int dir, const char *name, struct jail_err *e)
{
	_cleanup_close_ int target = openat(dir, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int tree = -1;
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

	if (target < 0)
		return 0;
	tree = sys_open_tree(dir, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return jail_err_sys(e, -errno, "%s", name);
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return jail_err_sys(e, -errno, "%s read-only", name);
	return jail_mount_attach(tree, target, name, e);
}

int jail_proc_mask(int proc, int masks, struct jail_err *e)
{
	/* crun/runc/podman's masked paths, and host-wide tables a jail has no business reading. */
	static const char *const files[] = {
		"kcore",	 "keys",	  "key-users",	 "kallsyms",   "timer_list",   "sched_debug",
		"sysrq-trigger", "latency_stats", "timer_stats", "kpagecount", "kpageflags",   "kpagecgroup",
		"kmsg",		 "config.gz",	  "vmallocinfo", "slabinfo",   "pagetypeinfo", "interrupts",
	};
	static const char *const dirs[] = {"acpi", "scsi", "asound", "driver"};
	static const char *const ro_dirs[] = {"sys", "bus", "irq", "fs"};
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if ((r = cover(masks, "null", proc, files[i], e)) < 0)
			return r;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if ((r = cover(masks, "empty", proc, dirs[i], e)) < 0)
			return r;
	for (size_t i = 0; i < ARRAY_SIZE(ro_dirs); i++)
		if ((r = readonly_subdir(proc, ro_dirs[i], e)) < 0)
			return r;
	return 0;
}

int jail_proc_build(int rootfd, const char *path, int masks, struct jail_err *e)
{
	_cleanup_close_ int target = jail_mountpoint_open(rootfd, path, "proc", e);
	_cleanup_close_ int proc = -1;
	int r;

	if (target < 0)
		return target;
	/* Made in the jail's PID namespace, which the host's user namespace owns: the jail cannot remount it. */
	proc = jail_fs_new("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (proc < 0)
		return proc;
	if ((r = jail_mount_attach(proc, target, "procfs", e)) < 0)
		return r;
	_cleanup_close_ int top = jail_mountpoint_open(rootfd, path, "proc", e);
	if (top < 0)
		return top;
	return jail_proc_mask(top, masks, e);
}

int jail_sys_build(int rootfd, int masks, struct jail_err *e)
{
	_cleanup_close_ int target = open_in_root(
		rootfd, "sys", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW, JAIL_RESOLVE_STRICT);
	_cleanup_close_ int sys = -1;
	int r;

	if (target < 0)
		return errno == ENOENT ? 0 : jail_err_sys(e, -errno, "/sys");
	/* The init is in the jail's network namespace already: this sysfs shows its interfaces. */
	struct jail_err ignored = {0};
	sys = jail_fs_new("sysfs", NULL, ro_attrs, &ignored);
	if (sys < 0 && ignored.code == -EPERM) {
		/* A child jail: the kernel refuses a new sysfs beside its parent's masked one; it sees that one. */
		struct mount_attr ro = {.attr_set = ro_attrs};
		sys = sys_open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (sys < 0 || sys_mount_setattr(sys, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
			return jail_err_sys(e, -errno, "/sys");
	} else if (sys < 0) {
		*e = ignored;
		return sys;
	}
	if ((r = jail_mount_attach(sys, target, "sysfs", e)) < 0)
		return r;
	_cleanup_close_ int top = open_in_root(rootfd, "sys", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW,
					       JAIL_RESOLVE_STRICT);
	if (top < 0)
		return jail_err_sys(e, -errno, "/sys");
	return jail_sys_mask(top, masks, e);
}

int jail_sys_mask(int sys, int masks, struct jail_err *e)
{
	static const char *const dirs[] = {"firmware", "devices/virtual/powercap"};
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if ((r = cover(masks, "empty", sys, dirs[i], e)) < 0)
			return r;
	return cover(masks, "null", sys, "kernel/vmcoreinfo", e);
}

/* The directory a hierarchy is shown at in a jail's /sys/fs/cgroup: as the host names them. */
static const char *hier_name(const struct jail_cgroup_dir *d, bool only)
{
	if (d->v2)
		return only ? NULL : "unified";
	return !strncmp(d->controllers, "name=", 5) ? d->controllers + 5 : d->controllers;
}

/* /sys/fs/cgroup: the jail's own cgroups, in which it may make its child jails'. */
static int nest_cgroups(int rootfd, const struct jail_ids *ids, const struct jail_cgroup *cg,
			struct jail_err *e)
{
	_cleanup_close_ int fs = -1,
			    top = open_in_root(rootfd, "sys/fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC,
					       JAIL_RESOLVE_STRICT);
	int r;

	if (top < 0)
		return jail_err_sys(e, -errno, "/sys/fs/cgroup");
	fs = tmpfs_for(ids, "0755", "64k", ro_attrs & ~MOUNT_ATTR_RDONLY, e);
	if (fs < 0)
		return fs;
	for (int i = 0; i < cg->n; i++) {
		const char *name = hier_name(&cg->d[i], cg->n == 1);
		_cleanup_close_ int tree =
			sys_open_tree(AT_FDCWD, cg->d[i].path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		_cleanup_close_ int at = -1;
		if (tree < 0)
			return jail_err_sys(e, -errno, "cgroup %s", cg->d[i].path);
		if (!name) /* the only hierarchy, cgroup v2: at /sys/fs/cgroup itself */
			return jail_mount_attach(tree, top, "cgroup", e);
		if (mkdirat(fs, name, 0755) < 0 ||
		    (at = openat(fs, name, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return jail_err_sys(e, -errno, "/sys/fs/cgroup/%s", name);
		if ((r = jail_mount_attach(tree, at, name, e)) < 0)
			return r;
	}
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	if (sys_mount_setattr(fs, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return jail_err_sys(e, -errno, "/sys/fs/cgroup read-only");
	return jail_mount_attach(fs, top, "/sys/fs/cgroup", e);
}

int jail_nest_build(int rootfd, const char *path, const struct jail_ids *ids, const struct jail_cgroup *cg,
		    struct jail_err *e)
{
	_cleanup_close_ int dir = -1, reg = -1, proc = -1, at = -1;
	int r;

	if ((r = nest_cgroups(rootfd, ids, cg, e)) < 0)
		return r;
	/* /run/jail: the child jails' registry, gone with the jail. */
	if ((r = rootfs_mkdir_p(rootfd, "run/jail", 0755, e)) < 0)
		return r;
	/* Jailed root's, under the tmpfs too: the jail's own registry code trusts nothing else. */
	if (fchownat(rootfd, "run/jail", ids->uid, ids->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return jail_err_sys(e, -errno, "/run/jail");
	if ((dir = jail_mountpoint_open(rootfd, path, "run/jail", e)) < 0)
		return dir;
	reg = tmpfs_for(ids, "0700", "4m", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (reg < 0)
		return reg;
	/*
	 * A proc the kernel sees whole: it lets a child jail mount the proc of
	 * its own PID namespace only while some proc of ours is not partly
	 * hidden (mount_too_revealing). Jailed root, a uid of its private range,
	 * can read here only what any user can, and write no host sysctl.
	 */
	if (mkdirat(reg, ".proc", 0500) < 0 || fchownat(reg, ".proc", ids->uid, ids->gid, 0) < 0 ||
	    (at = openat(reg, ".proc", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return jail_err_sys(e, -errno, "/run/jail/.proc");
	proc = jail_fs_new("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (proc < 0)
		return proc;
	if ((r = jail_mount_attach(proc, at, "/run/jail/.proc", e)) < 0)
		return r;
	return jail_mount_attach(reg, dir, "/run/jail", e);
}
