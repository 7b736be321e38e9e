/*
 * The holder: a short-lived process that makes a jail's user namespace and
 * the network, UTS and IPC namespaces it owns (so that jailed root has its
 * capabilities over them), waits for its maps, becomes root there, sets the
 * jail's user-namespace limit (children.max) and exits; the namespaces live
 * on through fds the creator opened and the init that joins them.
 *
 * It makes them as the owner the jail's range has (jail_range_owner), not
 * as host root: the kernel charges per-user counts made in a user
 * namespace (inotify instances and watches, message queue bytes,
 * processes, pending signals, user namespaces) to its owner in the parent
 * namespace as well, so a jail owned by root could use up root's (issue
 * 10, attacks.bats "quotas"). user.range=identity keeps root as the owner.
 *
 * It shares the creator's memory (CLONE_VM, on a small stack of its own,
 * raw system calls only) instead of copying it: it runs a few system calls
 * while the creator goes on making the jail.
 */
#ifndef JAIL_HOLDER_H
#define JAIL_HOLDER_H

#include <stdbool.h>
#include <sys/types.h>

#include "jail/err.h"

struct jail_holder {
	pid_t pid;
	int pidfd;
	int sock; /* the creator's end */
	int peer; /* the holder's end, until it is cloned (it keeps its own copy) */
	void *stack;
	char limit[24]; /* what user.max_user_namespaces gets */
	bool ro_ok;	/* a read-only /proc/sys is no error (in a jail: the parent's limit holds) */
	bool made;	/* its namespaces exist (jail_holder_made said so) */
};

#define JAIL_HOLDER_INIT                                                                    \
	{                                                                                   \
		.pid = 0, .pidfd = -1, .sock = -1, .peer = -1, .stack = NULL, .made = false \
	}

/*
 * Clone it: as owner (0: stay host root) it unshares flags (CLONE_NEWUSER
 * and the namespaces it owns), then waits for jail_holder_go. With join (a
 * user namespace's fd, or -1) it joins that one first and flags has no
 * CLONE_NEWUSER (an OCI container's linux.namespaces user with a path).
 * children_max < 0: user.max_user_namespaces is left as it is.
 */
int jail_holder_start(struct jail_holder *h, unsigned long long flags, int join, uid_t owner,
		      long children_max, bool ro_ok, struct jail_err *e);
/* Its namespaces are made (their fds may be opened and the maps written), or why not. */
int jail_holder_made(struct jail_holder *h, struct jail_err *e);
/* The maps are written: go on. */
int jail_holder_go(struct jail_holder *h, struct jail_err *e);
/* Its answer: 0, or -errno with e saying what failed. */
int jail_holder_await(struct jail_holder *h, struct jail_err *e);
/* Reap it (it has exited or is about to) and free what it used; safe to call twice. */
void jail_holder_reap(struct jail_holder *h);
/* SIGKILL it first. */
void jail_holder_kill(struct jail_holder *h);

#endif
