/*
 * A jail's life after creation: removing it (jail -r), cleaning up after one
 * whose processes have all gone, and changing it (jail -m).
 */
#ifndef JAIL_LIFECYCLE_H
#define JAIL_LIFECYCLE_H

#include <stdbool.h>

#include "jail/err.h"
#include "net/netaddr.h"
#include "registry.h"

/*
 * Remove what the host keeps of a jail whose init has ended: its cgroups
 * (killing anything left in them) and its registry entry. Only the jail
 * described by st is touched: an entry reused by a new jail is left alone.
 */
int jail_cleanup(struct jail_registry *reg, const struct jail_state *st, struct jail_err *e);

/* The jail's ip4.addr then ip6.addr, parsed. Returns the count. */
int jail_net_addrs(const struct jail_params *p, struct netaddr *out, size_t max, struct jail_err *e);
/* The inode of the caller's network namespace. */
unsigned long long jail_netns_self(void);

/*
 * jail -r: SIGTERM every process of the jail, wait stop.timeout seconds
 * (0: no SIGTERM), SIGKILL what is left (through the PID namespace and the
 * cgroup), then clean up. A jail whose init is already gone is cleaned up.
 * With hooks: exec.prestop (host) and exec.stop (in the jail) first,
 * exec.poststop and exec.release (host) after, from the jail's parameters.
 * name gets the removed jail's name.
 */
int jail_remove(struct jail_registry *reg, const char *key, bool hooks, char *name, size_t namelen,
		struct jail_err *e);

/*
 * jail -m: change a running jail's parameters: host.hostname and
 * host.domainname take effect at once, allow.* and the like for processes
 * started afterwards (jexec), securelevel only upwards, persist at once.
 * A create-only parameter that differs fails with -EROFS and
 * "PARAM cannot be changed after creation" (jail -mr restarts then).
 */
int jail_modify(struct jail_registry *reg, const char *key, const struct jail_params *change, char *name,
		size_t namelen, struct jail_err *e);

/* The parameters a running jail was made with, merged with change (for -mr, -rc). */
int jail_params_merged(struct jail_registry *reg, const char *key, const struct jail_params *change,
		       struct jail_params *out, struct jail_err *e);

#endif
