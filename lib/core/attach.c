/*
 * jexec. The jail is found in the registry and its init opened as a pidfd
 * (checked against its start time, so a reused pid is never joined). The
 * program is prepared on the host from the jail's own files, then a helper
 * process made non-dumpable joins the jail's cgroups and, through the pidfd,
 * all its namespaces at once, and forks the program into the jail's PID
 * namespace; the program locks itself down exactly as the jail's init did
 * and execs with no host fd open and a working directory inside the jail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "cleanup.h"
#include "exec.h"
#include "priv.h"
#include "rctl/rctl.h"
#include "sys.h"
#include "util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static int status_of(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

/* The program's side, in the jail's PID namespace. */
static void __attribute__((noreturn))
in_jail(struct jail_exec *x, const struct jail_priv *priv, const struct jail_seccomp *f, int sock)
{
	struct jail_err e = {0};
	int master = -1;

	if (x->use_pty && jail_pty_open(&master, x->slave, sizeof(x->slave), &e) < 0)
		goto fail;
	if (jail_priv_lockdown(priv, f, &e) < 0)
		goto fail;
	jail_msg_send(sock, JAIL_MSG_READY, 0, 0, NULL, master);
	if (master >= 0)
		close(master);
	jail_exec_become(x, priv, sock);
fail:
	jail_msg_send(sock, JAIL_MSG_ERROR, 0, 0, &e, -1);
	_exit(127);
}

/* The helper: joins the jail, forks the program into it, waits for it. */
static void __attribute__((noreturn))
helper(int pidfd, int *cgfds, int ncgfds, struct jail_exec *x, const struct jail_priv *priv,
       const struct jail_seccomp *f, int sock)
{
	struct jail_err e = {0};
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    CLONE_NEWCGROUP;
	int st_code;

	prctl(PR_SET_DUMPABLE, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* Into the jail's cgroups first (v1 "tasks": only ourselves, no global lock). */
	if (jail_cgroup_join_self(cgfds, ncgfds, &e) < 0)
		goto fail;
	/* Keep only the socket and the pidfd. */
	int lo = sock < pidfd ? sock : pidfd, hi = sock < pidfd ? pidfd : sock;
	sys_close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		sys_close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	sys_close_range((unsigned)hi + 1, ~0U, 0);
	/* The same namespace as ours (ip4=inherit, host=inherit) is joined as a no-op. */
	if (setns(pidfd, flags) < 0) {
		jail_err_sys(&e, -errno, "joining the jail's namespaces");
		goto fail;
	}
	close(pidfd);
	pid_t pid = fork();
	if (pid < 0) {
		jail_err_sys(&e, -errno, "fork");
		goto fail;
	}
	if (pid == 0)
		in_jail(x, priv, f, sock);
	close(sock);
	while (waitpid(pid, &st_code, 0) < 0)
		if (errno != EINTR)
			_exit(127);
	_exit(status_of(st_code));
fail:
	jail_msg_send(sock, JAIL_MSG_ERROR, 0, 0, &e, -1);
	_exit(127);
}

static int host_user(struct jail_exec *x, const char *name, struct jail_err *e)
{
	struct passwd *pw = getpwnam(name);

	if (!pw)
		return jail_err_set(e, -ENOENT, "user '%s' not found on the host", name);
	memset(&x->user, 0, sizeof(x->user));
	snprintf(x->user.name, sizeof(x->user.name), "%s", pw->pw_name);
	x->user.uid = pw->pw_uid;
	x->user.gid = pw->pw_gid;
	snprintf(x->user.home, sizeof(x->user.home), "%s", pw->pw_dir);
	snprintf(x->user.shell, sizeof(x->user.shell), "%s", pw->pw_shell);
	x->user.ngroups = 1;
	x->user.groups[0] = pw->pw_gid;
	return 0;
}

int jail_attach_run(struct jail_registry *reg, const char *key, const struct jail_attach_opts *o,
		    struct jail_err *e)
{
	struct jail_state st;
	struct jail_priv priv;
	struct jail_seccomp filters = {0};
	struct jail_exec *x = calloc(1, sizeof(*x));
	_cleanup_close_ int pidfd = -1, rootfd = -1, hpidfd = -1, cgfd = -1;
	int sock[2] = {-1, -1}, ptmx = -1, one = 1, ret;
	char rootpath[64], *shell_argv[2] = {NULL, NULL};
	sigset_t mask, old;

	if (!x)
		return jail_err_set(e, -ENOMEM, "out of memory");
	ret = jail_registry_find(reg, key, &st, e);
	if (ret < 0) {
		free(x);
		return ret;
	}
	if (jail_state_status(&st) != JAIL_ALIVE) {
		ret = jail_err_set(e, -ESRCH, "jail \"%s\" not found", key);
		goto out;
	}
	pidfd = sys_pidfd_open(st.init_pid, 0);
	snprintf(rootpath, sizeof(rootpath), "/proc/%d/root", (int)st.init_pid);
	rootfd = open(rootpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* Checked after the opens: the pid was the jail's init when we took it. */
	if (pidfd < 0 || rootfd < 0 || proc_starttime(st.init_pid) != st.init_start) {
		ret = jail_err_set(e, -ESRCH, "jail \"%s\" not found", key);
		goto out;
	}
	ret = jail_priv_from_params(&st.params, &priv, e);
	if (ret == 0)
		ret = jail_priv_compile(&priv, reg->dir, &filters, e);
	if (ret < 0)
		goto out;
	const char *where = jail_params_str(&st.params, JP_PATH);
	if (o->host_user) {
		ret = host_user(x, o->host_user, e);
		if (ret == 0)
			ret = jail_exec_identity(x, rootfd, where ? where : "/", NULL, o->clean, e);
		/* identity() looked up root for the environment; the host user stays. */
		if (ret == 0)
			ret = host_user(x, o->host_user, e);
	} else {
		ret = jail_exec_identity(x, rootfd, where ? where : "/", o->jail_user, o->clean, e);
	}
	for (int i = 0; ret == 0 && i < o->nenv; i++)
		ret = jail_exec_setenv(x, o->env[i], e);
	if (ret < 0)
		goto out;
	if (o->dir)
		snprintf(x->dir, sizeof(x->dir), "%s", o->dir);
	x->argv = o->argv;
	if (!x->argv || !x->argv[0]) {
		shell_argv[0] = x->user.shell[0] ? x->user.shell : "/bin/sh";
		x->argv = shell_argv;
	}
	ret = jail_exec_find(x, rootfd, where ? where : "/", x->argv[0], e);
	if (ret < 0)
		goto out;
	/* rctl (lib/rctl): the jail's rlimits, taken by the program before exec. */
	struct rctl_jail rj = {.name = st.name, .jid = st.jid, .reg = reg, .cg = &st.cg, .p = &st.params};
	if ((ret = rctl_jail_rlimits(&rj, x->rl, &x->rlmask, e)) < 0)
		goto out;
	x->use_pty = !o->no_tty && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0) {
		ret = jail_err_sys(e, -errno, "socketpair");
		goto out;
	}
	setsockopt(sock[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	jail_relay_sigset(&mask);
	sigprocmask(SIG_BLOCK, &mask, &old);
	x->sigmask = old;

	/* Straight into the jail's v2 cgroup where there is one; v1 is joined by the helper. */
	struct clone_args ca = {.flags = CLONE_PIDFD,
				.pidfd = (unsigned long long)(uintptr_t)&hpidfd,
				.exit_signal = SIGCHLD};
	cgfd = jail_cgroup_v2_fd(&st.cg);
	if (cgfd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (unsigned long long)cgfd;
	}
	int cgfds[JAIL_CGROUP_MAX];
	int ncg = jail_cgroup_open_self_join(&st.cg, cgfd < 0, cgfds, JAIL_CGROUP_MAX, e);
	if (ncg < 0) {
		ret = ncg;
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto out;
	}
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0 && cgfd >= 0) {
		ca.flags &= ~CLONE_INTO_CGROUP;
		close(cgfd);
		cgfd = -1;
		for (int i = 0; i < ncg; i++)
			close(cgfds[i]);
		ncg = jail_cgroup_open_self_join(&st.cg, true, cgfds, JAIL_CGROUP_MAX, e);
		pid = ncg < 0 ? -1 : syscall(SYS_clone3, &ca, sizeof(ca));
	}
	if (pid != 0)
		for (int i = 0; i < ncg; i++)
			close(cgfds[i]);
	if (pid < 0) {
		ret = jail_err_sys(e, -errno, "clone3");
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto out;
	}
	if (pid == 0) {
		close(sock[0]);
		helper(pidfd, cgfds, ncg, x, &priv, &filters, sock[1]);
	}
	close(sock[1]);
	sock[1] = -1;

	/* Until "ready" (with the pty master) or an error. */
	struct jail_msg m;
	for (;;) {
		int n = jail_msg_recv(sock[0], &m, &ptmx, NULL);
		if (n <= 0) {
			ret = jail_err_set(e, -EIO, "the jail went away");
			break;
		}
		if (m.type == JAIL_MSG_ERROR) {
			*e = m.err;
			ret = e->code < 0 ? e->code : -EIO;
			break;
		}
		if (m.type == JAIL_MSG_READY) {
			ret = 0;
			break;
		}
	}
	struct jail_relay rl = {.sock = sock[0],
				.watch_pidfd = hpidfd,
				.ptmx = ptmx,
				.signal_pidfd = -1,
				.timeout_ms = o->timeout_ms};
	sock[0] = -1;
	if (ret == 0)
		jail_relay_run(&rl);
	else if (ptmx >= 0)
		close(ptmx);
	if (rl.sock >= 0)
		close(rl.sock);
	siginfo_t si = {0};
	while (waitid(P_PIDFD, (id_t)hpidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret == 0 && rl.timed_out) {
		ret = jail_err_set(e, -ETIMEDOUT, "%s: timed out", x->argv[0]);
	} else if (ret == 0 && rl.failed) {
		*e = rl.err;
		ret = e->code < 0 ? e->code : -EIO;
	}
	if (ret == 0)
		ret = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
out:
	for (int i = 0; i < 2; i++)
		if (sock[i] >= 0)
			close(sock[i]);
	jail_seccomp_free(&filters);
	jail_state_free(&st);
	free(x);
	return ret;
}
