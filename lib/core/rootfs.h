/*
 * Path handling inside a jail root. A jail root is untrusted: a symlink
 * /lib -> /host/lib in it must resolve to <root>/host/lib, never to the
 * host's. Everything here resolves relative to a root directory fd with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) or walks a path one
 * component at a time with fd-relative calls; no path is ever built by
 * concatenating the root's name with a path inside it.
 */
#ifndef JAIL_ROOTFS_H
#define JAIL_ROOTFS_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "jail/err.h"

#define ROOTFS_MAX_LINKS 40 /* symlinks followed in one path, as Linux */

/* openat2(rootfd, path, flags | O_CLOEXEC, RESOLVE_IN_ROOT|NO_MAGICLINKS).
 * Returns an fd or -errno. */
int rootfs_open(int rootfd, const char *path, int flags, mode_t mode);

/* rootfs_open_regular flags */
#define ROOTFS_NOFOLLOW 0x1 /* the last component must not be a symlink */

/*
 * Open path inside rootfd for reading if, and only if, it is a regular file
 * of an ordinary filesystem: never a FIFO (open would block), a device
 * (/dev/zero never ends, /dev/tty is the administrator's terminal), a
 * socket, a directory, or a file of procfs, sysfs and the like. The path is
 * opened O_PATH first, which opens nothing, and checked with fstat and
 * fstatfs; the same inode is then reopened read-only through /proc/self/fd
 * with O_NONBLOCK (a lease on the file cannot make us wait) and O_NOCTTY.
 * st, if not NULL, receives its stat. Returns the fd or -errno; e's message
 * does not name the path (the caller puts the name it shows in front):
 * "not a regular file (a FIFO)".
 */
int rootfs_open_regular(int rootfd, const char *path, unsigned flags, struct stat *st, struct jail_err *e);

/*
 * Read all of the regular file path inside rootfd (as rootfs_open_regular)
 * into *buf (malloc'd, NUL-terminated; *len bytes without the NUL). A file
 * larger than max bytes is refused with -EFBIG before anything is read.
 */
int rootfs_read_file(int rootfd, const char *path, unsigned flags, size_t max, char **buf, size_t *len,
		     struct jail_err *e);

/* Called by rootfs_walk for each component of a path, in order. prefix is
 * the symlink-free path inside the root up to this component; st its lstat;
 * target the symlink's contents when S_ISLNK (the walk then goes on through
 * the target). Return < 0 to stop. */
typedef int (*rootfs_walk_fn)(void *arg, const char *prefix, const struct stat *st, const char *target);

/* Resolve path inside rootfd one component at a time, following symlinks
 * inside the root (".." stops at the root). The resolved, symlink-free path
 * is written to out. fn, if not NULL, sees every component. A missing
 * component fails with -ENOENT and its name in e. */
int rootfs_walk(int rootfd, const char *path, rootfs_walk_fn fn, void *arg, char *out, size_t outsz,
		struct jail_err *e);

/* Remove name under dirfd recursively without following symlinks and
 * without crossing into other filesystems. */
int rootfs_rm_tree(int dirfd, const char *name, struct jail_err *e);

/* Copy the contents of in to out: reflink, copy_file_range, then read/write.
 * Returns 0 or -errno (-ENOSPC on a full disk). */
int rootfs_copy_data(int in, int out);

/* mkdir -p of path (relative to dirfd, components created with mode).
 * Existing directories are fine; anything else in the way is -ENOTDIR. */
int rootfs_mkdir_p(int dirfd, const char *path, mode_t mode, struct jail_err *e);

#endif
