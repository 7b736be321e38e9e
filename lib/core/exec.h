/*
 * Running a program inside a jail, shared by jail -c (through the jail's
 * init) and jexec: resolving the command and the user in the jail's own
 * files, the environment rules of exec.clean, the last steps in the jail
 * (session, terminal, identity, capabilities, fds, exec), and the host-side
 * loop that relays a terminal and signals until the program ends.
 */
#ifndef JAIL_EXEC_H
#define JAIL_EXEC_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "jail/err.h"
#include "priv.h"
#include "user.h"

/* PATH of a clean environment (exec.clean, jexec -l), for commands in the jail and on the host */
#define JAIL_CLEAN_PATH "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin"

#define JAIL_EXEC_ENV_MAX	65536	     /* variables */
#define JAIL_EXEC_ENV_VALUE_MAX (128 * 1024) /* bytes of one NAME=VALUE, as the kernel */

struct jail_exec {
	struct jail_user user;
	char exec_path[PATH_MAX];
	char **argv;
	char **envp;
	bool chdir_home;
	char dir[PATH_MAX]; /* jexec -d; empty: / (or home with exec.clean) */
	unsigned pty_fds;   /* which of stdin/out/err (bits 0-2) are the jail's pty: the host's terminals */
	char slave[64];
	sigset_t sigmask;
	char **envv; /* an environment of our own (exec.clean, -e): malloc'd, NULL-ended */
};

/*
 * Which of our stdin, stdout and stderr are terminals (bits 0, 1, 2). A
 * program in a jail never gets the host's terminal: each of these becomes
 * the slave of a pty of the jail's own, relayed by the host side; the other
 * fds (pipes, files) are passed as they are.
 */
unsigned jail_exec_tty_fds(void);
/* Look the user up (NULL: root) and set the environment (clean or inherited). */
int jail_exec_identity(struct jail_exec *x, int rootfd, const char *root, const char *user, bool clean,
		       struct jail_err *e);
/* The same with a user already looked up (a host user: exec.system_jail_user, jexec -u). */
int jail_exec_identity_user(struct jail_exec *x, const struct jail_user *u, bool clean, struct jail_err *e);
/* Free what x allocated (its own environment). */
void jail_exec_free(struct jail_exec *x);
/* Add NAME=VALUE to the environment (jexec -e); overrides what is there. */
int jail_exec_setenv(struct jail_exec *x, const char *kv, struct jail_err *e);
/* Resolve cmd as execvp would inside the jail root, using the PATH of x's environment. */
int jail_exec_find(struct jail_exec *x, int rootfd, const char *root, const char *cmd, struct jail_err *e);

/*
 * In the jail (already in its namespaces and locked down): become the command,
 * through the jinit stub in memfd stub (jail_jinit_fd made as host root before
 * the jail's user namespace was joined, so that the stub cannot be ptraced or
 * have its socket taken by jailed root), or a new one when stub is -1.
 */
void jail_exec_become(const struct jail_exec *x, const struct jail_priv *priv, int sock, int stub)
	__attribute__((noreturn));

/* Open a pty in the jail's devpts: master fd and the slave's path. */
int jail_pty_open(int *master, char *slave, size_t len, struct jail_err *e);

#endif
