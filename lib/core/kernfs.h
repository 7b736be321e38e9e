/*
 * The jail's /dev, /proc and /sys, made from the host's user namespace so
 * that the kernel locks them in the jail's (see kernfs.c).
 */
#ifndef JAIL_KERNFS_H
#define JAIL_KERNFS_H

#include <stdbool.h>

#include "jail/err.h"
#include "jail/registry.h"
#include "root.h"

/* /dev: the jail's own device nodes (ruleset 4), devpts, shm, and mqueue when ipc_new. */
int jail_dev_build(int rootfd, const char *path, const struct jail_ids *ids, bool ipc_new,
		   struct jail_err *e);
/* A mount fd of a private read-only tmpfs holding "null" (a device node) and "empty" (a directory). */
int jail_mask_source(const struct jail_ids *ids, struct jail_err *e);
/* A fresh /proc of the jail's PID namespace, masked. */
int jail_proc_build(int rootfd, const char *path, int masks, struct jail_err *e);
/* Masks and read-only parts on the proc mounted at the directory fd proc (any proc the jail gets). */
int jail_proc_mask(int proc, int masks, struct jail_err *e);
/* A read-only sysfs of the jail's network namespace, masked. */
int jail_sys_build(int rootfd, int masks, struct jail_err *e);
/* The masks of a sysfs mounted at the directory fd sys (any sysfs the jail gets). */
int jail_sys_mask(int sys, int masks, struct jail_err *e);

/*
 * For a jail that may have child jails (children.max > 0): its cgroups at
 * /sys/fs/cgroup (delegated to it), a tmpfs /run/jail for the child jails'
 * registry, and a whole proc in it the kernel needs to see before it lets
 * a child jail mount one.
 */
int jail_nest_build(int rootfd, const char *path, const struct jail_ids *ids, const struct jail_cgroup *cg,
		    struct jail_err *e);

#endif
