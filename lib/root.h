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

struct jail_root_opts {
	const char *path; /* absolute, already resolved by the parent */
	bool devfs, procfs;
	bool ipc_new; /* /dev/mqueue can be mounted */
};

int jail_root_setup(const struct jail_root_opts *o, struct jail_err *e);

#endif
