/*
 * jexec: run a program inside a running jail, with exactly the jail's
 * namespaces, cgroups, capabilities, seccomp filters and environment rules.
 */
#ifndef JAIL_ATTACH_H
#define JAIL_ATTACH_H

#include <stdbool.h>

#include "jail/err.h"
#include "registry.h"

struct jail_attach_opts {
	bool clean;		/* -l */
	const char *jail_user;	/* -U: a user of the jail's passwd */
	const char *host_user;	/* -u: a user of the host's passwd */
	const char *dir;	/* -d */
	const char *const *env; /* -e NAME=VALUE ... */
	int nenv;
	char **argv;	 /* NULL: the user's shell */
	long timeout_ms; /* > 0: kill the program after this long (exec.timeout) */
	bool no_tty;	 /* pass stdio as is, no pty (exec.* commands) */
};

/* Returns the program's exit status (128+N on signal N) or -errno with e filled. */
int jail_attach_run(struct jail_registry *reg, const char *key, const struct jail_attach_opts *o,
		    struct jail_err *e);

#endif
