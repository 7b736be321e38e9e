/*
 * The jail's side of the create path: the cloned child walks the init step
 * table (session, identity, root, hostname, loopback, pty, cgroup
 * namespace, privileges), reports READY, and becomes the jail's init (PID
 * 1): it starts the command (if any), reports its end, reaps every orphan,
 * and lives as long as the jail does.
 */
#ifndef JAIL_INIT_H
#define JAIL_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>

#include "jail/registry.h"
#include "root.h"

struct jail_plan;

struct jail_init_args {
	const struct jail_plan *plan;
	sigset_t sigmask;		 /* the creator's signal mask: the command gets it back */
	bool persist;			 /* the init's persist at start (exec.* jails: a temporary one) */
	struct jail_ids ids;		 /* jailed root's host uid and gid */
	int userns, netns, utsns, ipcns; /* the jail's namespaces, to join */
	int idmap;			 /* thin: the base's idmap user namespace, or -1 */
	struct rlimit rl[RLIM_NLIMITS];	 /* rctl: rlimit ceilings the command takes (bit i of rlmask) */
	unsigned rlmask;
	const struct jail_cgroup *cg; /* the jail's cgroups (shown to it when it may have child jails) */
	/* memory of the creator the init never touches again (the create path's state) */
	void *discard;
	size_t discard_len;
};

/* Runs in the cloned child (a jail_spawn_fn); never returns. */
void jail_init_child(void *arg, int sock) __attribute__((noreturn));

#endif
