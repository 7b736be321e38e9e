/*
 * A jail's life after creation: removing it (jail -r), cleaning up after one
 * whose processes have all gone, and changing it (jail -m).
 */
#ifndef JAIL_LIFECYCLE_H
#define JAIL_LIFECYCLE_H

#include <stdbool.h>

#include "jail/err.h"
#include "registry.h"

/*
 * Remove what the host keeps of a jail whose init has ended: its cgroups
 * (killing anything left in them) and its registry entry. Only the jail
 * described by st is touched: an entry reused by a new jail is left alone.
 */
int jail_cleanup(struct jail_registry *reg, const struct jail_state *st, struct jail_err *e);

/*
 * jail -r: SIGTERM every process of the jail, wait stop.timeout seconds
 * (0: no SIGTERM), SIGKILL what is left (through the PID namespace and the
 * cgroup), then clean up. A jail whose init is already gone is cleaned up.
 * name gets the removed jail's name.
 */
int jail_remove(struct jail_registry *reg, const char *key, char *name, size_t namelen, struct jail_err *e);

#endif
