/*
 * The jail's side of the create path: the cloned child builds the root,
 * locks itself down and becomes the jail's init (PID 1), which starts the
 * command, forwards signals to it and reaps every orphan.
 */
#ifndef JAIL_INIT_H
#define JAIL_INIT_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>

#include "jail/err.h"
#include "priv.h"
#include "root.h"
#include "user.h"

enum { JAIL_INIT_READY = 1, JAIL_INIT_ERROR = 2 };

/* One message from child to parent over the SOCK_SEQPACKET pair. */
struct jail_init_msg {
	int type;
	struct jail_err err;
};

struct jail_init_spec {
	struct jail_root_opts root;
	struct jail_priv priv;
	struct jail_seccomp filters;
	struct jail_user user;
	const char *hostname, *domainname;
	bool new_uts, new_net, new_ipc;
	bool use_pty;
	bool chdir_home;
	char exec_path[PATH_MAX];
	char **argv;
	char **envp;
	sigset_t sigmask_restore;
};

/* Runs in the cloned child; never returns. */
void jail_init_child(const struct jail_init_spec *s, int sock, const char *fault) __attribute__((noreturn));

#endif
