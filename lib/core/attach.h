/*
 * jexec inside libjail: running a program in a running jail with exactly
 * the jail's namespaces, cgroups, capabilities, seccomp filters and
 * environment rules (jail_attach_run in jail/jail.h looks the jail up).
 */
#ifndef JAIL_ATTACH_H
#define JAIL_ATTACH_H

#include "jail/jail.h"

/*
 * Run o's program in the jail st records, whose parameters are p (the
 * create path passes its plan's, st's own are empty there). Returns the
 * program's exit status (128+N on signal N) or -errno with e filled.
 */
int jail_attach(struct jail_registry *reg, const struct jail_state *st, const struct jail_params *p,
		const struct jail_attach_opts *o, struct jail_err *e);

#endif
