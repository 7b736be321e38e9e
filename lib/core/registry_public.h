/*
 * The registry's public view: what jls(8) shows any user, as FreeBSD lets
 * every user list jails. Beside each root-only state file JID.json the
 * registry keeps public/JID.json (0644, in a 0755 directory under the 0711
 * registry) with the jail's jid, name, liveness, cgroups, user range and the
 * parameters jls lists, less meta and env; jls reads it when it may not
 * read the state (the reader side is declared in include/jail/jls.h).
 */
#ifndef JAIL_REGISTRY_PUBLIC_H
#define JAIL_REGISTRY_PUBLIC_H

#include <stdbool.h>

#include "jail/registry.h"

#define JAIL_REGISTRY_PUBLIC "public"

/*
 * Write the public copy of a jail's state st with its parameters p, or
 * with p NULL remove it, by rename so a reader never sees half a file.
 * Best effort for the registry's writers: the jail does not depend on it.
 * Returns 0 or -errno.
 */
int jail_registry_publish(struct jail_registry *r, const struct jail_state *st, const struct jail_params *p);

/* Whether a parameter goes into the public copy. */
bool jail_registry_param_public(int id);

#endif
