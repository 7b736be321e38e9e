/*
 * The create path's state while a jail is made (create.c) and while it
 * runs its command (run.c).
 */
#ifndef JAIL_CREATE_H
#define JAIL_CREATE_H

#include <signal.h>
#include <stdbool.h>

#include "holder.h"
#include "hooks.h"
#include "init.h"
#include "jail/jail.h"
#include "net/net.h"
#include "plan.h"
#include "spawn.h"
#include "step.h"

struct jail_create {
	struct jail_plan plan;
	const struct jail_run_opts *o;
	struct jail_walk walk;
	struct jail_registry reg;
	struct jail_state st;	   /* the registry record; its params stay empty: the plan's are written */
	struct jail_holder holder; /* makes the jail's user namespace and the ones it owns */
	int nsfd[4];		   /* the jail's user, net, uts and ipc namespaces */
	int idmap;		   /* thin: a user namespace showing the base as the jail's, or -1 */
	struct jail_init_args init_args;
	struct jail_spawn init;
	bool masked; /* the relay's signals are blocked (init_args.sigmask is the caller's mask) */
	int ptmx;    /* pty master of the command, -1 if none */
	struct net_jail net;
	bool net_up, vnet_up;
	struct jail_hook_ctx hooks;
	int cmd_status; /* command= run through the hooks' path */
	bool go_early;	/* no rctl rule, no hook: the init is told "r" as soon as it is ready */
};

/* Walk the create table; on failure everything made is taken away and c released. */
int jail_create(struct jail_create *c, const struct jail_params *p, const struct jail_run_opts *o,
		struct jail_err *e);
/* The same for an OCI container (jail-oci): plan->ctr is ctr; see container.h. */
int jail_create_container(struct jail_create *c, const struct jail_params *p,
			  const struct jail_container *ctr, const struct jail_run_opts *o,
			  struct jail_err *e);
/* Drop our handles on a jail that lives on (its registry entry stays). */
void jail_create_release(struct jail_create *c);

#endif
