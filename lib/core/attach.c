/*
 * jexec. The jail's init is opened as a pidfd (checked against its start
 * time, so a reused pid is never joined). The program is prepared on the
 * host from the jail's own files. Then we join the jail's PID namespace
 * for our children only (setns of CLONE_NEWPID moves nothing but where the
 * next child is born; we go back right after), and the program is cloned
 * straight into the jail's cgroups and PID namespace (the spawn helper):
 * made non-dumpable, it joins the jail's other namespaces at once through
 * the pidfd, locks itself down exactly as the jail's init did and execs
 * with no host fd open and a working directory inside the jail. When it
 * has ended, the init is told to look whether the jail still has processes
 * (a jail without persist ends with its last one).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "cleanup.h"
#include "exec.h"
#include "jinit.h"
#include "priv.h"
#include "jail/rctl.h"
#include "registry.h"
#include "relay.h"
#include "spawn.h"
#include "sys.h"
#include "util.h"

struct helper_args {
	int pidfd; /* the jail's init */
	struct jail_exec *x;
	const struct jail_priv *priv;
	const struct jail_seccomp *filters;
	struct rlimit rl[RLIM_NLIMITS]; /* rctl: the jail's rlimit ceilings (bit i of rlmask) */
	unsigned rlmask;
};

/* The program's side, born in the jail's PID namespace and cgroups. */
static void __attribute__((noreturn)) in_jail(void *arg, int sock)
{
	const struct helper_args *a = arg;
	struct jail_err e = {0};
	int flags =
		CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
	int master = -1;

	prctl(PR_SET_DUMPABLE, 0);
	/* Keep only the socket and the pidfd. */
	int lo = sock < a->pidfd ? sock : a->pidfd, hi = sock < a->pidfd ? a->pidfd : sock;
	sys_close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		sys_close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	sys_close_range((unsigned)hi + 1, ~0U, 0);
	/* The exec stub, made while we are host root: jailed root may run it, not read or trace it. */
	int stub = jail_jinit_fd(&e);
	if (stub < 0)
		jail_msg_fail(sock, &e, 127);
	/* The rest of the jail's namespaces, owned by the jail's; ones we share (ip4=inherit, host=inherit) are no-ops. */
	if (setns(a->pidfd, flags) < 0) {
		jail_err_sys(&e, -errno, "joining the jail's namespaces");
		jail_msg_fail(sock, &e, 127);
	}
	close(a->pidfd);
	if (a->x->pty_fds && jail_pty_open(&master, a->x->slave, sizeof(a->x->slave), &e) < 0)
		jail_msg_fail(sock, &e, 127);
	if (jail_priv_lockdown(a->priv, a->filters, &e) < 0)
		jail_msg_fail(sock, &e, 127);
	jail_msg_send(sock, JAIL_MSG_READY, 0, 0, NULL, master);
	if (master >= 0)
		close(master);
	rctl_rlimits_set(a->rl, a->rlmask); /* rctl (lib/rctl) */
	jail_exec_become(a->x, a->priv, sock, stub);
}

/*
 * Where we cannot come back to our own PID namespace (jexec in a jail: the
 * host's user namespace owns it), a helper joins the jail's for its child
 * and forks the program into it, then waits for it.
 */
static void __attribute__((noreturn)) helper(void *arg, int sock)
{
	const struct helper_args *a = arg;
	struct jail_err e = {0};
	int st;

	prctl(PR_SET_DUMPABLE, 0);
	if (setns(a->pidfd, CLONE_NEWPID) < 0) {
		jail_err_sys(&e, -errno, "joining the jail's namespaces");
		jail_msg_fail(sock, &e, 127);
	}
	pid_t pid = fork();
	if (pid < 0) {
		jail_err_sys(&e, -errno, "fork");
		jail_msg_fail(sock, &e, 127);
	}
	if (pid == 0)
		in_jail(arg, sock);
	close(sock);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			_exit(127);
	_exit(jail_status_decode(st));
}

/*
 * Clone the program into the jail's PID namespace: ours for our next child
 * only, as host root (the host's user namespace owns it), then ours again.
 */
static int spawn_in_jail(struct jail_spawn_opts *so, int pidfd, struct jail_spawn *sp, struct jail_err *e)
{
	_cleanup_close_ int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	int ret;

	if (own < 0)
		return jail_err_sys(e, -errno, "our PID namespace");
	/* Joining our own is a no-op where we may come back to it. */
	if (setns(own, CLONE_NEWPID) < 0) {
		so->child = helper;
		return jail_spawn_start(so, sp, e);
	}
	if (setns(pidfd, CLONE_NEWPID) < 0)
		return jail_err_sys(e, -errno, "joining the jail's namespaces");
	ret = jail_spawn_start(so, sp, e);
	/*
	 * Nothing else of ours may be born in the jail (jail -c runs exec.*
	 * host commands after this): our own namespace can always be joined
	 * again, and if the kernel ever refused, going on would be worse.
	 */
	if (setns(own, CLONE_NEWPID) < 0)
		abort();
	return ret;
}

/* The program, its user and environment, resolved in the jail's own files. */
static int prepare(struct jail_exec *x, int rootfd, const char *where, const struct jail_attach_opts *o,
		   char **shell_argv, struct jail_err *e)
{
	int ret;

	if (o->host_user) {
		/* A user of the host's passwd, its uid and groups used as they are in the jail (FreeBSD -u). */
		struct jail_user u;
		ret = jail_user_host(o->host_user, &u, e);
		if (ret == 0)
			ret = jail_exec_identity_user(x, &u, o->clean, e);
	} else {
		ret = jail_exec_identity(x, rootfd, where, o->jail_user, o->clean, e);
	}
	for (int i = 0; ret == 0 && i < o->nenv; i++)
		ret = jail_exec_setenv(x, o->env[i], e);
	if (ret < 0)
		return ret;
	if (o->dir)
		snprintf(x->dir, sizeof(x->dir), "%s", o->dir);
	x->argv = o->argv;
	if (!x->argv || !x->argv[0]) {
		shell_argv[0] = x->user.shell[0] ? x->user.shell : "/bin/sh";
		x->argv = shell_argv;
	}
	x->pty_fds = jail_exec_tty_fds();
	return jail_exec_find(x, rootfd, where, x->argv[0], e);
}

/* Relay until the program ends; its status, or -errno with e filled. */
static int relay(struct jail_spawn *sp, const struct jail_attach_opts *o, const char *what,
		 struct jail_err *e)
{
	int ptmx = -1, ret = jail_spawn_await(sp, &ptmx, e);
	struct jail_relay rl = {.sock = sp->sock,
				.watch_pidfd = sp->pidfd,
				.ptmx = ptmx,
				.signal_pidfd = -1,
				.timeout_ms = o->timeout_ms};

	sp->sock = -1;
	if (ret == 0)
		jail_relay_run(&rl);
	else if (ptmx >= 0)
		close(ptmx);
	if (rl.sock >= 0)
		close(rl.sock);
	int status = jail_spawn_wait(sp);
	if (ret < 0)
		return ret;
	if (rl.timed_out)
		return jail_err_set(e, -ETIMEDOUT, "%s: timed out", what);
	if (rl.failed) {
		*e = rl.err;
		return e->code < 0 ? e->code : -EIO;
	}
	return status;
}

int jail_attach(struct jail_registry *reg, const struct jail_state *st, const struct jail_params *p,
		const struct jail_attach_opts *o, struct jail_err *e)
{
	struct jail_priv priv;
	struct jail_seccomp filters = {0};
	struct jail_exec *x = calloc(1, sizeof(*x));
	_cleanup_close_ int pidfd = -1, rootfd = -1;
	char rootpath[64], *shell_argv[2] = {NULL, NULL};
	struct jail_spawn sp = JAIL_SPAWN_INIT;
	sigset_t mask, old;
	int ret;

	if (!x)
		return jail_err_set(e, -ENOMEM, "out of memory");
	pidfd = sys_pidfd_open(st->init_pid, 0);
	snprintf(rootpath, sizeof(rootpath), "/proc/%d/root", (int)st->init_pid);
	rootfd = open(rootpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* Checked after the opens: the pid was the jail's init when we took it. */
	/* A forged record cannot name a host process: the init is PID 1 of a namespace below ours. */
	if (pidfd < 0 || rootfd < 0 || proc_starttime(st->init_pid) != st->init_start ||
	    !jail_state_init_is_jail(st->init_pid)) {
		ret = jail_err_set(e, -ESRCH, "jail \"%s\" not found", st->name);
		goto out;
	}
	const char *where = jail_params_str(p, JP_PATH);
	ret = jail_priv_from_params(p, &priv, e);
	priv.no_setid = st->no_setid;
	if (ret == 0)
		ret = jail_priv_compile(&priv, reg->dir, &filters, e);
	if (ret == 0)
		ret = prepare(x, rootfd, where ? where : "/", o, shell_argv, e);
	if (ret < 0)
		goto out;
	jail_relay_sigset(&mask);
	sigprocmask(SIG_BLOCK, &mask, &old);
	x->sigmask = old;
	struct helper_args ha = {.pidfd = pidfd, .x = x, .priv = &priv, .filters = &filters};
	struct rctl_jail rj = {.name = st->name, .jid = st->jid, .reg = reg, .cg = &st->cg, .p = p};
	if ((ret = rctl_jail_rlimits(&rj, ha.rl, &ha.rlmask, e)) < 0) { /* rctl: for the program */
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto out;
	}
	struct jail_spawn_opts so = {.cg = &st->cg, .passcred = true, .child = in_jail, .arg = &ha};
	ret = spawn_in_jail(&so, pidfd, &sp, e);
	if (ret == 0)
		ret = relay(&sp, o, x->argv[0], e);
	jail_spawn_release(&sp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* The program has gone: the init looks whether the jail still has processes. */
	sys_pidfd_send_signal(pidfd, SIGCHLD, NULL, 0);
out:
	jail_seccomp_free(&filters);
	jail_exec_free(x);
	free(x);
	return ret;
}

int jail_attach_run(struct jail_registry *reg, const char *key, const struct jail_attach_opts *o,
		    struct jail_err *e)
{
	struct jail_state st;
	int ret = jail_registry_find(reg, key, &st, e);

	if (ret < 0)
		return ret;
	if (jail_state_status(&st) != JAIL_ALIVE)
		ret = jail_err_set(e, -ESRCH, "jail \"%s\" not found", key);
	else
		ret = jail_attach(reg, &st, &st.params, o, e);
	jail_state_free(&st);
	return ret;
}
