/*
 * The jail's filesystem view: a private mount namespace holding the jail's
 * path as its root, a devfs-ruleset-4 /dev, the jail's own /proc with the
 * dangerous files masked, a read-only /sys, and the host's root detached.
 * Runs in the cloned child, inside the jail's user and mount namespaces.
 */
#ifndef JAIL_ROOT_H
#define JAIL_ROOT_H

#include <stdbool.h>

#include <linux/openat2.h>
#include <sys/types.h>

#include "jail/err.h"
#include "jail/registry.h"

struct jail_container;

/* One line of mount or mount.fstab, checked by the parent. */
struct jail_mount {
	char src[256];
	char dst[256];	/* relative to the jail root */
	char type[16];	/* "bind", "tmpfs" or "proc" */
	char data[256]; /* tmpfs options: size=, mode=, nr_inodes=, uid=, gid= */
	unsigned attrs; /* MOUNT_ATTR_* */
};

#define JAIL_MOUNTS_MAX 64

/*
 * Parse fstab lines (mount, mount.fstab): "SRC DST TYPE OPTIONS [0 0]".
 * DST must be a path under root; TYPE nullfs (a bind mount), tmpfs or
 * proc/procfs; OPTIONS ro/rw, nosuid, nodev, noexec, and for tmpfs its
 * size/mode/nr_inodes/uid/gid. what names the source in messages.
 */
int jail_mount_parse(const char *line, const char *root, const char *what, int lineno, struct jail_mount *m,
		     struct jail_err *e);

struct jail_root_opts {
	const char *path; /* absolute, already resolved by the parent */
	bool devfs, procfs;
	bool ipc_new; /* /dev/mqueue can be mounted */
	const struct jail_mount *mounts;
	int nmounts;
	/* thin jail (mkjail thin): an overlay of lower (read-only base) and upper is mounted on path */
	const char *lower, *upper, *work;
	/* an OCI container (jail-oci): config.json's mounts instead of the above; idmap: the root and
	   binds are shown through the jail's user namespace (the image's ids are the container's) */
	const struct jail_container *ctr;
	bool idmap;
};

/* Jailed root's host ids: files the host makes for the jail are theirs. */
struct jail_ids {
	uid_t uid;
	gid_t gid;
};

/*
 * The jail's root, built by its init while still host root in a private
 * mount namespace of the host's user namespace, in the jail's PID and
 * network namespaces: the root, its mounts, /dev, /proc, /sys. The working
 * directory is left at the new root for jail_root_pivot. idmap (or -1) is a
 * user namespace whose map shows a thin jail's base (a container's root) as
 * the jail's own; nest (or NULL) the jail's cgroups, for a jail that may have
 * child jails, or for a container (its "cgroup" mounts).
 */
struct jail_cgroup;
int jail_root_build(const struct jail_root_opts *o, const struct jail_ids *ids, int idmap,
		    const struct jail_cgroup *nest, struct jail_err *e);
/* pivot_root into the root jail_root_build left as the working directory; the host's root detached. */
int jail_root_pivot(const struct jail_root_opts *o, struct jail_err *e);

/* Shared with kernfs.c. */
#define JAIL_RESOLVE_STRICT (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)
/* Open the mount point dir name (a real directory, no symlink on the way) beneath rootfd. */
int jail_mountpoint_open(int rootfd, const char *root, const char *name, struct jail_err *e);
/* Create, configure and mount a new filesystem of type fs (opts: key, value or NULL, ...); its mount fd. */
int jail_fs_new(const char *fs, const char *const *opts, unsigned attrs, struct jail_err *e);
/* Attach a detached mount onto the directory fd target. */
int jail_mount_attach(int mfd, int target, const char *what, struct jail_err *e);

#endif
