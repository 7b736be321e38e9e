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
#include <sys/resource.h>
#include <sys/types.h>

#include "jail/err.h"
#include "priv.h"
#include "user.h"

#define JAIL_EXEC_ENV_MAX 32

/* Messages from the jail side to the host side over a SOCK_SEQPACKET pair. */
enum {
	JAIL_MSG_READY = 1,   /* setup done; may carry the pty master */
	JAIL_MSG_ERROR = 2,   /* err says what failed */
	JAIL_MSG_STARTED = 3, /* sent by the command just before exec, with its credentials */
	JAIL_MSG_STATUS = 4,  /* the command ended: status, and whether other processes remain */
};

struct jail_msg {
	int type;
	int status;
	int lingering;
	struct jail_err err;
};

struct jail_exec {
	struct jail_user user;
	char exec_path[PATH_MAX];
	char **argv;
	char **envp;
	bool chdir_home;
	char dir[PATH_MAX]; /* jexec -d; empty: / (or home with exec.clean) */
	bool use_pty;
	char slave[64];
	sigset_t sigmask;
	struct rlimit rl[RLIM_NLIMITS]; /* rctl: rlimit ceilings (bit i of rlmask: rl[i] set) */
	unsigned rlmask;
	/* storage for a clean environment */
	char *envv[JAIL_EXEC_ENV_MAX + 1];
	char envs[JAIL_EXEC_ENV_MAX][512];
};

/* Look the user up (NULL: root) and set the environment (clean or inherited). */
int jail_exec_identity(struct jail_exec *x, int rootfd, const char *root, const char *user, bool clean,
		       struct jail_err *e);
/* Add NAME=VALUE to the environment (jexec -e); overrides what is there. */
int jail_exec_setenv(struct jail_exec *x, const char *kv, struct jail_err *e);
/* Resolve cmd as execvp would inside the jail root, using the PATH of x's environment. */
int jail_exec_find(struct jail_exec *x, int rootfd, const char *root, const char *cmd, struct jail_err *e);

/* In the jail (already in its namespaces and locked down): become the command. */
void jail_exec_become(const struct jail_exec *x, const struct jail_priv *priv, int sock)
	__attribute__((noreturn));

/* Send one message, with an fd (or -1). */
void jail_msg_send(int sock, int type, int status, int lingering, const struct jail_err *e, int fd);
/* Receive one message; *fd gets a passed fd, *pid the sender's pid (SO_PASSCRED). 0 on EOF. */
int jail_msg_recv(int sock, struct jail_msg *m, int *fd, pid_t *pid);

/* Open a pty in the jail's devpts: master fd and the slave's path. */
int jail_pty_open(int *master, char *slave, size_t len, struct jail_err *e);

struct jail_relay {
	int sock;	  /* messages from the jail side, -1 if none */
	int watch_pidfd;  /* the process whose exit ends the relay */
	int ptmx;	  /* pty master or -1 */
	int signal_pidfd; /* where forwarded signals go until the command's pid is known */
	long timeout_ms;  /* > 0: SIGKILL the watched process after this long */
	bool timed_out;
	/* results */
	bool got_status;
	int status;
	bool lingering;
	struct jail_err err; /* an error reported by the jail side */
	bool failed;
};

/*
 * Host side: copy stdin/stdout through the pty (raw mode, window size),
 * forward SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 to the command,
 * and read the jail side's messages, until a STATUS message arrives or the
 * watched process ends. The caller has blocked those signals.
 */
void jail_relay_run(struct jail_relay *rl);
/* The signals jail_relay_run forwards (the caller blocks them first). */
void jail_relay_sigset(sigset_t *set);

#endif
