/*
 * One way to start a process for a jail: clone3 with the namespaces asked
 * for, into the jail's cgroups (CLONE_INTO_CGROUP on v2, and the child
 * writing itself into each v1 "tasks" file, or into v2's cgroup.procs where
 * the kernel lacks CLONE_INTO_CGROUP), a pidfd from the start, and a
 * SOCK_SEQPACKET pair over which the child reports an error or READY (with
 * an fd, the pty master) before it goes on. The jail's init, jexec's helper
 * and the exec.* host commands all start this way; exit statuses are
 * decoded by one function.
 */
#ifndef JAIL_SPAWN_H
#define JAIL_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "jail/err.h"

/* Messages from the child side to the parent side. */
enum {
	JAIL_MSG_READY = 1,   /* setup done; may carry an fd (the pty master) */
	JAIL_MSG_ERROR = 2,   /* err says what failed */
	JAIL_MSG_STARTED = 3, /* sent by the command just before exec, with its credentials */
	JAIL_MSG_STATUS = 4,  /* the command ended: status, and whether other processes remain */
	JAIL_MSG_HOOKS = 5,   /* a container's root is built: the creator runs its hooks, sends the state */
};

struct jail_msg {
	int type;
	int status;
	int lingering;
	struct jail_err err;
};

/* Send one message, with an fd (or -1). */
void jail_msg_send(int sock, int type, int status, int lingering, const struct jail_err *e, int fd);
/* Receive one message; *fd gets a passed fd, *pid the sender's pid (SO_PASSCRED). 0 on EOF. */
int jail_msg_recv(int sock, struct jail_msg *m, int *fd, pid_t *pid);
/* A one-byte message carrying up to JAIL_CGROUP_MAX fds; 0 or -errno. */
int jail_msg_send_fds(int sock, char tag, const int *fds, int n);
/* Receive one: *tag gets the byte; returns how many fds (at most max, the rest closed) or -errno. */
int jail_msg_recv_fds(int sock, char *tag, int *fds, int max);
/* Child side: report e to the parent and exit with status. */
void jail_msg_fail(int sock, const struct jail_err *e, int status) __attribute__((noreturn));

/*
 * What the child runs, already in its cgroups, with PR_SET_PDEATHSIG SIGKILL
 * and the parent's end of the socket closed; never returns.
 */
typedef void (*jail_spawn_fn)(void *arg, int sock) __attribute__((noreturn));

struct jail_spawn_opts {
	unsigned long long clone_flags;	 /* CLONE_NEW* */
	const struct jail_cgroup *cg;	 /* NULL: stay in the caller's cgroups */
	enum jail_cgroup_class cg_class; /* which of them (JAIL_CG_ALL: every one) */
	bool passcred;			 /* the parent learns senders' pids */
	jail_spawn_fn child;
	void *arg;
};

struct jail_spawn {
	pid_t pid;
	int pidfd;
	int sock; /* the parent's end */
};

#define JAIL_SPAWN_INIT                           \
	{                                         \
		.pid = 0, .pidfd = -1, .sock = -1 \
	}

/* Start the child. On failure nothing is left (no process, no fd). */
int jail_spawn_start(const struct jail_spawn_opts *o, struct jail_spawn *sp, struct jail_err *e);
/* Read the child's reports until READY (*fd gets what it carries) or an error; 0 or -errno. */
int jail_spawn_await(struct jail_spawn *sp, int *fd, struct jail_err *e);
/* Wait for the child to end; returns its exit status decoded (128+N for signal N). */
int jail_spawn_wait(struct jail_spawn *sp);
/* SIGKILL the child, reap it and close everything. */
void jail_spawn_kill(struct jail_spawn *sp);
/* Close the parent's handles without touching the child. */
void jail_spawn_release(struct jail_spawn *sp);

/* A wait status or siginfo as a shell would report it: the code, or 128+N for signal N. */
int jail_status_decode(int wstatus);
int jail_status_from_siginfo(const siginfo_t *si);

#endif
