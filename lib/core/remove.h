/*
 * The stop table's uses inside libjail (jail_remove is in jail/jail.h).
 */
#ifndef JAIL_REMOVE_H
#define JAIL_REMOVE_H

#include "jail/err.h"
#include "jail/registry.h"

/*
 * Remove what the host keeps of a jail whose init has ended: its network,
 * cgroups (killing anything left in them) and registry entry. Only the jail
 * described by st is touched: an entry reused by a new jail is left alone.
 */
int jail_cleanup(struct jail_registry *reg, const struct jail_state *st, struct jail_err *e);

/*
 * The jail lives on after its creator (processes left behind, no persist to
 * keep it otherwise): a small detached watcher removes it when its init
 * ends. Fails if the watcher cannot be started (the jail then stays until
 * jail -r).
 */
int jail_watch(struct jail_registry *reg, const struct jail_state *st, int pidfd, struct jail_err *e);

#endif
