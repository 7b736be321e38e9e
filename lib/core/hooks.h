/*
 * The exec.* parameters: commands jail(8) runs around a jail's life, on the
 * host (exec.prepare, prestart, created, poststart, prestop, poststop,
 * release) or inside the jail (exec.start, exec.stop, and command), with
 * FreeBSD's rules for how a string is run and which environment it gets.
 */
#ifndef JAIL_HOOKS_H
#define JAIL_HOOKS_H

#include <stdbool.h>

#include "jail/err.h"
#include "jail/jail.h"
#include "jail/param.h"
#include "registry.h"

struct jail_hook_ctx {
	struct jail_registry *reg;
	const struct jail_state *st; /* the jail's record: JID, name, init (for commands in the jail) */
	const struct jail_params *p; /* its parameters (the create path's plan, or st's own) */
	const char *path;
	const struct jail_run_opts *o; /* -v: each command is reported as a step ("run command: ...") */
};

/* Whether the jail has any exec.* command that runs inside it or around it. */
bool jail_hooks_any(const struct jail_params *p);

/*
 * Run each command of list id, in order; the first that fails (non-zero
 * exit: "CMD: failed", or exec.timeout reached: "CMD: timed out", CMD the
 * words run, as FreeBSD's command.c says it) stops the list. Host steps run
 * on the host with JID, JNAME and JPATH in the environment, as
 * exec.system_user when set; jail steps (exec.start, exec.stop, command)
 * run in the jail as jexec would, as exec.jail_user (looked up in the
 * host's passwd with exec.system_jail_user), with output appended to
 * exec.consolelog when set. exec.clean gives either kind only HOME, SHELL,
 * TERM, USER, LOGNAME and PATH, and the user's home as working directory.
 * Returns 0, or -errno with e filled; *status gets a failed command's status.
 */
int jail_hooks_run(const struct jail_hook_ctx *c, enum jail_param_id id, int *status, struct jail_err *e);

/*
 * FreeBSD's rule: a string holding any of !"$&'()*;<>?[\]`{|}~ runs as
 * /bin/sh -c STRING, otherwise it is split on white space. argv points into
 * buf; at most max-1 words.
 */
int jail_hook_argv(const char *cmd, char *buf, size_t buflen, char **argv, int max);

#endif
