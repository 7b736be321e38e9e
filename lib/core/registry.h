/*
 * The registry's internals shared inside libjail; the API is jail/registry.h.
 */
#ifndef JAIL_CORE_REGISTRY_H
#define JAIL_CORE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "jail/registry.h"

/*
 * Names of host objects derived from a jail and its registry: the default
 * registry's are plain ("jail.www", "vjail3"); another registry (tests, a
 * second instance) tags them with a hash of its directory so that two
 * registries never collide (IFNAMSIZ is 16).
 */
void jail_cgroup_leaf(char *out, size_t len, const char *regdir, const char *name);
void jail_host_ifname(char *out, size_t len, const char *regdir, int jid);

/*
 * Whether pid is the PID 1 of a PID namespace below ours, as every jail's
 * init is. A state's start time can be copied from any process's
 * /proc/PID/stat; this keeps a record that names a host process (init,
 * sshd) from having it signalled, or kill(-1) sent in the host's namespace.
 */
bool jail_state_init_is_jail(pid_t pid);
/*
 * Under the lock: the name link of a jail(8) killed between taking the name
 * and writing the state (its JID has no state file) is removed, with the
 * JID's temporary files. Whether there was one.
 */
bool jail_registry_sweep(struct jail_registry *r, const char *name);

#endif
