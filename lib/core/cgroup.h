/*
 * A jail's cgroups: one directory in every cgroup hierarchy the host has
 * mounted and lets us write (cgroup v2, each v1 controller, or both on
 * hybrid hosts), nested under the creator's cgroup unless cgroup.parent
 * names another place.
 */
#ifndef JAIL_CGROUP_H
#define JAIL_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "jail/err.h"
#include "jail/registry.h"

/*
 * Where the jail's cgroup named leaf goes in every hierarchy the host has,
 * under parent (NULL: under the caller's own cgroup). Nothing is made yet:
 * the paths are recorded first, so that whoever cleans up knows them.
 */
int jail_cgroup_paths(struct jail_cgroup *cg, const char *parent, const char *leaf, struct jail_err *e);
/*
 * Whether path can be a jail's cgroup directory named leaf, as a state file
 * records it: absolute, no "." or ".." component, no "//" and no trailing
 * "/", its last component exactly leaf, and its parent directory (or, if
 * that is gone, its nearest ancestor) on a mounted cgroup hierarchy: never
 * a hierarchy's root, nor anything else of the host's. A state that fails
 * this is not believed.
 */
bool jail_cgroup_dir_valid(const char *path, const char *leaf);
/* Make the directories; hierarchies that are not ours to write are dropped from cg. */
int jail_cgroup_make(struct jail_cgroup *cg, struct jail_err *e);
/*
 * Open, for writing, the "tasks" file of each v1 directory (and of the v2
 * one with v2 true, where it has to be cgroup.procs). The process that
 * writes "0" to these moves only itself: for one thread moving itself the
 * kernel skips the global threadgroup lock, whose write side costs an RCU
 * grace period, so joining this way takes microseconds instead of
 * milliseconds. Returns the number of fds.
 */
int jail_cgroup_open_self_join(const struct jail_cgroup *cg, bool v2, int *fds, int max, struct jail_err *e);
/* Write "0" to each fd and close them all. */
int jail_cgroup_join_self(int *fds, int n, struct jail_err *e);
/* An O_PATH fd of the v2 directory for clone3(CLONE_INTO_CGROUP), or -ENOENT. */
int jail_cgroup_v2_fd(const struct jail_cgroup *cg);
/*
 * Let uid:gid (jailed root) make and join cgroups below the jail's own
 * (children.max > 0): the directories and their membership files are
 * given to it, its limit files are not.
 */
int jail_cgroup_delegate(const struct jail_cgroup *cg, uid_t uid, gid_t gid, struct jail_err *e);
/* Count processes in the jail's cgroup (first hierarchy). */
int jail_cgroup_nprocs(const struct jail_cgroup *cg);
/* SIGKILL every process in the cgroup and wait until it is empty. */
int jail_cgroup_kill(const struct jail_cgroup *cg, struct jail_err *e);
/* Kill what is left and remove every directory. */
int jail_cgroup_destroy(struct jail_cgroup *cg, struct jail_err *e);

#endif
