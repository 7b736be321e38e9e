/*
 * libjail's entry points for the front ends (cmd/jail, cmd/jls, ...).
 */
#ifndef JAIL_JAIL_H
#define JAIL_JAIL_H

#include <stdbool.h>

#include "jail/err.h"

struct jail_params;

struct jail_run_opts {
	bool verbose; /* report each step on stdout, as jail -v */
	bool quiet;
	bool print_jid;	   /* -i: print only the new JID */
	const char *label; /* what "LABEL: created" says; NULL: the jail's name (jail.conf: the block's) */
	/*
	 * Called once per problem the jail root has (a missing library and who
	 * needs it, a missing /dev ...), found before anything is mounted. When
	 * it was called, jail_run fails with an empty e->msg: all was said.
	 */
	void (*problem)(void *arg, const char *line);
	void *problem_arg;
};

/*
 * Create a jail from p, run its command inside and wait for it; the jail is
 * removed when the command ends. Returns the command's exit status (128+N if
 * killed by signal N), or a negative errno with e filled when the jail could
 * not be made — in which case nothing it made is left behind.
 */
/*
 * Give libjail the program's argv so that a jail's init can hide the host
 * command line it was cloned with (it shows as "init" inside the jail).
 */
void jail_proctitle_init(int argc, char **argv);

int jail_run(struct jail_params *p, const struct jail_run_opts *o, struct jail_err *e);

#endif
