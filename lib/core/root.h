/*
 * The jail's filesystem view: a private mount namespace holding the jail's
 * path as its root, a devfs-ruleset-4 /dev, the jail's own /proc with the
 * dangerous files masked, a read-only /sys, and the host's root detached.
 * Runs in the cloned child, inside the jail's user and mount namespaces.
 */
#ifndef JAIL_ROOT_H
#define JAIL_ROOT_H

#include <stdbool.h>

#include "jail/err.h"

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
};

int jail_root_setup(const struct jail_root_opts *o, struct jail_err *e);

#endif
