/*
 * The registry's internals shared inside libjail; the API is jail/registry.h.
 */
#ifndef JAIL_CORE_REGISTRY_H
#define JAIL_CORE_REGISTRY_H

#include <stddef.h>

#include "jail/registry.h"

/*
 * Names of host objects derived from a jail and its registry: the default
 * registry's are plain ("jail.www", "vjail3"); another registry (tests, a
 * second instance) tags them with a hash of its directory so that two
 * registries never collide (IFNAMSIZ is 16).
 */
void jail_cgroup_leaf(char *out, size_t len, const char *regdir, const char *name);
void jail_host_ifname(char *out, size_t len, const char *regdir, int jid);

#endif
