/*
 * The registry's public view: what jls(8) shows any user, as FreeBSD lets
 * every user list jails. Beside each root-only state file JID.json the
 * registry keeps public/JID.json (0644, in a 0755 directory under the 0711
 * registry) with the jail's jid, name, liveness, cgroups, user range and the
 * parameters jls lists, less meta and env; jls reads it when it may not
 * read the state.
 */
#ifndef JAIL_REGISTRY_PUBLIC_H
#define JAIL_REGISTRY_PUBLIC_H

#include <stdbool.h>

#include "registry.h"

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

/*
 * Turn an open registry into its public view for a user who may not read
 * the state files: list, load and find then read public/ (find by name
 * scans it, as there are no name links). Returns 0 or -errno.
 */
int jail_registry_use_public(struct jail_registry *r, struct jail_err *e);

/* Find a jail by name or JID in the public view; "jail \"x\" not found" if none. */
int jail_registry_find_public(struct jail_registry *r, const char *key, struct jail_state *st,
			      struct jail_err *e);

#endif
