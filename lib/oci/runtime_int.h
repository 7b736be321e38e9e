/*
 * What the runtime files of lib/oci (runtime.c, ops.c, exec.c) share: the
 * container's state, its saved config.json and its jail, loaded together.
 */
#ifndef JAIL_OCI_RUNTIME_INT_H
#define JAIL_OCI_RUNTIME_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "jail/oci.h"
#include "jail/registry.h"

/* Write pid to path atomically (a temporary file renamed over it). */
int oci_write_pid_file(const char *path, pid_t pid, struct jail_err *e);

/* One container, as the verbs find it. */
struct oci_ctr {
	int rootfd; /* --root */
	int lock;   /* ROOT/ID/lock held, -1 if not taken */
	int statedir;
	struct oci_state st;
	char name[OCI_ID_MAX + 1]; /* the jail's */
	bool has_jail;		   /* the jail registry still has it */
	struct jail_registry reg;
	struct jail_state js;
	int pidfd; /* the container's process while it lives, else -1 */
};

/* Open --root, take the lock (lock true), read the state, open the process; find the jail with jail true. */
int oci_ctr_open(const struct oci_runtime *rt, const char *id, bool lock, bool jail, struct oci_ctr *c,
		 struct jail_err *e);
void oci_ctr_close(struct oci_ctr *c);
/* The saved config.json of the container (--root/ID/config.json). */
int oci_ctr_config(const struct oci_ctr *c, struct oci_config *cfg, struct jail_err *e);

/* Freezer (pause/resume) and the cgroup's processes (ps, kill --all), lib/oci/cgroup.c. */
int oci_cgroup_freeze(const struct jail_cgroup *cg, bool freeze, struct jail_err *e);
bool oci_cgroup_frozen(const struct jail_cgroup *cg);
int oci_cgroup_pids(const struct jail_cgroup *cg, pid_t **out, struct jail_err *e);

#endif
