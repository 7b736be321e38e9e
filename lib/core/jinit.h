/*
 * jinit, the jail's tiny PID 1 and exec stub (lib/init/jinit.c), carried in
 * libjail and run only from a sealed memfd: no process in a jail ever has a
 * host binary as its /proc/PID/exe.
 */
#ifndef JAIL_JINIT_H
#define JAIL_JINIT_H

#include <sys/types.h>

#include "jail/err.h"

#define JINIT_PERSIST 1 /* the jail persists */
#define JINIT_REPLY   2 /* a temporary persist the creator ends and asks about */

/* A close-on-exec memfd holding jinit, sealed against any change. */
int jail_jinit_fd(struct jail_err *e);
/* Become the jail's init: exec jinit with the socket to the creator (-1: none) and the command's pid. */
int jail_jinit_init(int memfd, int sock, pid_t cmd, unsigned flags, struct jail_err *e);
/*
 * execve(path, argv, envp) through jinit, so that the program is never
 * started by a process whose exe is a host binary. A failure of the exec
 * itself is reported on sock as an error message; this returns only when
 * jinit could not be started.
 */
int jail_jinit_exec(int memfd, int sock, const char *path, char *const *argv, char *const *envp,
		    struct jail_err *e);

#endif
