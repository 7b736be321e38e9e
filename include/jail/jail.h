/*
 * libjail's entry points for the front ends (cmd/jail, cmd/jexec, ...):
 * create and run a jail, remove it, change it, run a program in it. The
 * library never prints: what a front end shows (a jail created or removed,
 * a problem of a jail root, the step being run) reaches it through the
 * report callback, and errors through struct jail_err.
 */
#ifndef JAIL_JAIL_H
#define JAIL_JAIL_H

#include <stdbool.h>
#include <stdio.h>

#include "jail/err.h"
#include "jail/param.h"
#include "jail/registry.h"

enum jail_report {
	JAIL_REPORT_PROBLEM, /* text: one problem of a jail root, found before anything is made */
	JAIL_REPORT_CREATED, /* jid and name of a jail just made (before its exec.created) */
	JAIL_REPORT_REMOVED, /* jid and name of a jail just removed */
	JAIL_REPORT_UPDATED, /* jid and name of a jail jail -m changed */
	JAIL_REPORT_STEP,    /* text: "create: cgroup", "remove: term" ... as each step starts */
};

struct jail_run_opts {
	void (*report)(void *arg, enum jail_report what, int jid, const char *name, const char *text);
	void *arg;
};

/*
 * Give libjail the program's argv so that a jail's init can hide the host
 * command line it was cloned with (it shows as "init" inside the jail).
 */
void jail_proctitle_init(int argc, char **argv);

/*
 * Create a jail from p (which is not changed) and, when it has a command,
 * run it and wait: the jail goes when its command ends unless something
 * keeps it (persist, or processes left behind). Returns the command's exit
 * status (128+N if killed by signal N), 0 for a jail without one, or a
 * negative errno with e filled when the jail could not be made — in which
 * case nothing it made is left behind. When problems of the jail's root
 * were reported one by one, e->msg is empty: all was said.
 */
int jail_run(const struct jail_params *p, const struct jail_run_opts *o, struct jail_err *e);

enum jail_remove_flags {
	JAIL_REMOVE_HOOKS = 1 << 0, /* run exec.prestop/stop/poststop/release (jail -r; not -R) */
};

/*
 * jail -r: exec.prestop, exec.stop in the jail, SIGTERM to every process
 * (waiting stop.timeout seconds), the end of the jail's init (which takes
 * every process of its PID namespace with it), then its network, cgroups
 * and registry entry, exec.poststop and exec.release. A jail whose init is
 * already gone is cleaned up. key is a name or a JID.
 */
int jail_remove(struct jail_registry *reg, const char *key, unsigned flags, const struct jail_run_opts *o,
		struct jail_err *e);

/*
 * jail -m: change a running jail's parameters: host.hostname and
 * host.domainname at once, allow.* and the like for processes started
 * afterwards, securelevel only upwards, persist at once. A create-only
 * parameter that differs fails with -EROFS and "PARAM cannot be changed
 * after creation" (jail -mr then restarts it).
 */
int jail_modify(struct jail_registry *reg, const char *key, const struct jail_params *change,
		const struct jail_run_opts *o, struct jail_err *e);

/* The parameters a running jail was made with, merged with change (for -mr, -rc). */
int jail_params_merged(struct jail_registry *reg, const char *key, const struct jail_params *change,
		       struct jail_params *out, struct jail_err *e);

struct jail_attach_opts {
	bool clean;		/* -l */
	const char *jail_user;	/* -U: a user of the jail's passwd */
	const char *host_user;	/* -u: a user of the host's passwd */
	const char *dir;	/* -d */
	const char *const *env; /* -e NAME=VALUE ... */
	int nenv;
	char **argv;	 /* NULL: the user's shell */
	long timeout_ms; /* > 0: kill the program after this long (exec.timeout) */
};

/* jexec: run a program in a running jail. Returns its exit status or -errno with e filled. */
int jail_attach_run(struct jail_registry *reg, const char *key, const struct jail_attach_opts *o,
		    struct jail_err *e);

/* The privilege table (jail --privileges): "man" for the jail.8 page, else text. */
void jail_privileges_print(FILE *out, bool man);
/* The create and remove step tables (jail --steps): one "TABLE STEP" line each. */
void jail_steps_print(FILE *out);

#endif
