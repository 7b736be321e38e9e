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
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "root.h"
#include "sys.h"

#define RESOLVE_STRICT (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/* Open a mount point dir under the jail root; it must be a real directory. */
static int open_mountpoint(int rootfd, const char *root, const char *name, bool is_dir, struct jail_err *e)
{
	int fd = open_in_root(rootfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW | (is_dir ? O_DIRECTORY : 0),
			      RESOLVE_STRICT);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		return jail_err_set(e, -ENOENT, "path '%s': /%s: No such file or directory", root, name);
	if (errno == ELOOP || errno == EXDEV)
		return jail_err_set(e, -ELOOP, "path '%s': /%s is a symbolic link; refusing to mount on it",
				    root, name);
	return jail_err_sys(e, -errno, "path '%s': /%s", root, name);
}

/* Create, configure and mount a new filesystem of type fs; return its mount fd. */
static int new_fs(const char *fs, const char *const *opts, unsigned attrs, struct jail_err *e)
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

static int attach(int mfd, int target, const char *what, struct jail_err *e)
{
	if (sys_move_mount(mfd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return jail_err_sys(e, -errno, "mounting %s", what);
	return 0;
}

/* Bind the host file src onto dir/name (created as an empty file). */
static int bind_host_file(const char *src, int dirfd, const char *name, bool create, struct jail_err *e)
{
	_cleanup_close_ int tree = -1, target = -1;

	if (create) {
		int fd = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (fd < 0)
			return jail_err_sys(e, -errno, "creating /dev/%s", name);
		close(fd);
	}
	target = openat(dirfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (target < 0)
		return -errno; /* masking a file that does not exist is not an error */
	tree = sys_open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return jail_err_sys(e, -errno, "bind %s", src);
	return attach(tree, target, src, e);
}

static int setup_dev(int rootfd, const struct jail_root_opts *o, struct jail_err *e)
{
	static const char *const devs[] = {"null", "zero", "full", "random", "urandom", "tty"};
	/* log: syslog's socket is where FreeBSD jails have it, outside the read-only /dev. */
	static const char *const links[][2] = {
		{"ptmx", "pts/ptmx"},	       {"fd", "/proc/self/fd"},	      {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}, {"log", "/var/run/log"},
	};
	_cleanup_close_ int target = open_mountpoint(rootfd, o->path, "dev", true, e);
	_cleanup_close_ int dev = -1;
	char src[64];
	int r;

	if (target < 0)
		return target;
	dev = new_fs("tmpfs", (const char *[]){"mode", "0755", "size", "1m", "nr_inodes", "256", NULL},
		     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
	if (dev < 0)
		return dev;
	r = attach(dev, target, "devfs", e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
		snprintf(src, sizeof(src), "/dev/%s", devs[i]);
		r = bind_host_file(src, dev, devs[i], true, e);
		if (r < 0)
			return e->code ? r : jail_err_sys(e, r, "/dev/%s", devs[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0)
			return jail_err_sys(e, -errno, "/dev/%s", links[i][0]);
	if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0 ||
	    mkdirat(dev, "mqueue", 0755) < 0)
		return jail_err_sys(e, -errno, "populating /dev");

	_cleanup_close_ int pts = openat(dev, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int ptsfs = new_fs(
		"devpts",
		(const char *[]){"newinstance", NULL, "ptmxmode", "0666", "mode", "0620", "gid", "5", NULL},
		MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
	if (ptsfs < 0)
		return ptsfs;
	r = attach(ptsfs, pts, "devpts", e);
	if (r < 0)
		return r;

	_cleanup_close_ int shm = openat(dev, "shm", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int shmfs = new_fs("tmpfs", (const char *[]){"mode", "1777", NULL},
					   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (shmfs < 0)
		return shmfs;
	r = attach(shmfs, shm, "/dev/shm", e);
	if (r < 0)
		return r;

	if (o->ipc_new) {
		_cleanup_close_ int mq = openat(dev, "mqueue", O_PATH | O_DIRECTORY | O_CLOEXEC);
		_cleanup_close_ int mqfs =
			new_fs("mqueue", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
		if (mqfs < 0)
			return mqfs;
		r = attach(mqfs, mq, "/dev/mqueue", e);
		if (r < 0)
			return r;
	}
	/* Read-only from here on: nothing in the jail adds device files. */
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	if (sys_mount_setattr(dev, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return jail_err_sys(e, -errno, "making /dev read-only");
	return 0;
}

static int readonly_subdir(int procfd, const char *name, struct jail_err *e)
{
	_cleanup_close_ int target = openat(procfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int tree = -1;
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

	if (target < 0)
		return 0;
	tree = sys_open_tree(procfd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return jail_err_sys(e, -errno, "/proc/%s", name);
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return jail_err_sys(e, -errno, "/proc/%s read-only", name);
	return attach(tree, target, name, e);
}

static int setup_proc(int rootfd, const struct jail_root_opts *o, struct jail_err *e)
{
	static const char *const masked_files[] = {
		"kcore",       "keys",		"key-users",	 "kallsyms",	"timer_list",
		"sched_debug", "sysrq-trigger", "latency_stats", "timer_stats", "kpagecount",
		"kpageflags",  "kpagecgroup",	"kmsg",		 "config.gz",	"vmallocinfo",
	};
	static const char *const masked_dirs[] = {"acpi", "scsi", "asound", "driver"};
	static const char *const ro_dirs[] = {"sys", "bus", "irq", "fs"};
	_cleanup_close_ int target = open_mountpoint(rootfd, o->path, "proc", true, e);
	_cleanup_close_ int proc = -1;
	int r;

	if (target < 0)
		return target;
	proc = new_fs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (proc < 0)
		return proc;
	r = attach(proc, target, "procfs", e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(masked_files); i++) {
		r = bind_host_file("/dev/null", proc, masked_files[i], false, e);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(masked_dirs); i++) {
		_cleanup_close_ int t =
			openat(proc, masked_dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (t < 0)
			continue;
		_cleanup_close_ int empty = new_fs(
			"tmpfs", (const char *[]){"size", "0", "mode", "0555", NULL},
			MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
		if (empty < 0)
			return empty;
		r = attach(empty, t, masked_dirs[i], e);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ro_dirs); i++) {
		r = readonly_subdir(proc, ro_dirs[i], e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int setup_sys(int rootfd, const struct jail_root_opts *o, struct jail_err *e)
{
	_cleanup_close_ int target =
		open_in_root(rootfd, "sys", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW, RESOLVE_STRICT);
	const unsigned attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	struct jail_err ignored = {0};
	_cleanup_close_ int sys = -1;

	if (target < 0)
		return errno == ENOENT ? 0 : open_mountpoint(rootfd, o->path, "sys", true, e);
	/* A fresh sysfs needs a network namespace of our own; else bind the host's. */
	sys = new_fs("sysfs", NULL, attrs, &ignored);
	if (sys < 0) {
		struct mount_attr ro = {.attr_set = attrs};
		sys = sys_open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (sys < 0)
			return jail_err_sys(e, -errno, "bind /sys");
		if (sys_mount_setattr(sys, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
			return jail_err_sys(e, -errno, "/sys read-only");
	}
	return attach(sys, target, "sysfs", e);
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
	snprintf(m->dst, sizeof(m->dst), "%s", rel);
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
	char *save = NULL, *d = m->data;
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
		else if (!strcmp(m->type, "tmpfs") &&
			 (!strncmp(o, "size=", 5) || !strncmp(o, "mode=", 5) ||
			  !strncmp(o, "nr_inodes=", 10) || !strncmp(o, "uid=", 4) || !strncmp(o, "gid=", 4)))
			d += snprintf(d, sizeof(m->data) - (size_t)(d - m->data), "%s%s",
				      d == m->data ? "" : ",", o);
		else
			return jail_err_set(e, -EINVAL, "%s: line %d: unknown option '%s'", what, lineno, o);
	}
	return 0;
}

/* mount and mount.fstab, beneath the jail root, never through a symlink. */
static int setup_mounts(int rootfd, const struct jail_root_opts *o, struct jail_err *e)
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
			mnt = sys_open_tree(AT_FDCWD, m->src,
					    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
			if (mnt < 0)
				return jail_err_sys(e, -errno, "mount: %s", m->src);
			if (m->attrs &&
			    sys_mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
				return jail_err_sys(e, -errno, "mount: %s", m->src);
		} else {
			const char *opts[16] = {NULL};
			char data[256];
			int k = 0;
			snprintf(data, sizeof(data), "%s", m->data);
			for (char *save = NULL, *t = strtok_r(data, ",", &save); t && k < 14;
			     t = strtok_r(NULL, ",", &save)) {
				char *eq = strchr(t, '=');
				if (!eq)
					continue;
				*eq = '\0';
				opts[k++] = t;
				opts[k++] = eq + 1;
			}
			mnt = new_fs(!strcmp(m->type, "proc") ? "proc" : "tmpfs", opts, m->attrs, e);
			if (mnt < 0)
				return mnt;
		}
		int r = attach(mnt, target, m->dst, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int jail_root_setup(const struct jail_root_opts *o, struct jail_err *e)
{
	_cleanup_close_ int rootfd = -1;
	struct mount_attr nodev = {.attr_set = MOUNT_ATTR_NODEV};
	int r;

	if (sys_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return jail_err_sys(e, -errno, "making mounts private");
	if (o->lower) {
		/* A thin jail: its root is the shared base with its own writable layer over it. */
		_cleanup_close_ int ov = new_fs("overlay",
						(const char *[]){"lowerdir", o->lower, "upperdir", o->upper,
								 "workdir", o->work, "userxattr", NULL, NULL},
						0, e);
		if (ov < 0)
			return jail_err_prefix(e, "thin");
		if (sys_move_mount(ov, "", AT_FDCWD, o->path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return jail_err_sys(e, -errno, "thin: mounting the overlay on %s", o->path);
	}
	/*
	 * A recursive bind of path over itself, kept by its fd: the fd names the
	 * new mount even when path is "/", which a lookup would resolve to the
	 * old root again.
	 */
	rootfd = sys_open_tree(AT_FDCWD, o->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (rootfd < 0)
		return jail_err_sys(e, -errno, "path '%s': bind", o->path);
	if (sys_move_mount(rootfd, "", AT_FDCWD, o->path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return jail_err_sys(e, -errno, "path '%s': bind", o->path);
	/* Device nodes on the jail's own filesystems never work; /dev below is ours. */
	if (sys_mount_setattr(rootfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &nodev, sizeof(nodev)) < 0)
		return jail_err_sys(e, -errno, "path '%s': nodev", o->path);
	if ((r = setup_mounts(rootfd, o, e)) < 0)
		return r;
	if (o->devfs && (r = setup_dev(rootfd, o, e)) < 0)
		return r;
	if (o->procfs && (r = setup_proc(rootfd, o, e)) < 0)
		return r;
	if ((r = setup_sys(rootfd, o, e)) < 0)
		return r;
	if (fchdir(rootfd) < 0)
		return jail_err_sys(e, -errno, "chdir %s", o->path);
	if (sys_pivot_root(".", ".") < 0)
		return jail_err_sys(e, -errno, "pivot_root %s", o->path);
	/* The old root sits on top of the new one: detach it, and the host is gone. */
	if (sys_umount2(".", MNT_DETACH) < 0)
		return jail_err_sys(e, -errno, "detaching the host's root");
	if (chdir("/") < 0)
		return jail_err_sys(e, -errno, "chdir /");
	return 0;
}
