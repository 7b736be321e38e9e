/*
 * The jail's side of the create path: the cloned child builds the root,
 * locks itself down and becomes the jail's init (PID 1), which starts the
 * command (if any), reports its end, reaps every orphan, and lives as long
 * as the jail does.
 */
#ifndef JAIL_INIT_H
#define JAIL_INIT_H

#include <stdbool.h>

#include "cgroup.h"
#include "exec.h"
#include "jail/err.h"
#include "priv.h"
#include "root.h"

struct jail_init_spec {
	struct jail_root_opts root;
	struct jail_priv priv;
	struct jail_seccomp filters;
	struct jail_exec exec; /* exec.argv NULL: no command (persist) */
	const char *hostname, *domainname;
	bool new_uts, new_net, new_ipc;
	bool persist;
	int cgfds[JAIL_CGROUP_MAX]; /* "tasks" files the child writes itself into */
	int ncgfds;
	/* memory of the creator the init never touches again (the create path's state) */
	void *discard;
	size_t discard_len;
};

/* Runs in the cloned child; never returns. */
void jail_init_child(struct jail_init_spec *s, int sock, const char *fault) __attribute__((noreturn));

#endif
