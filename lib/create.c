/*
 * The create path (DESIGN.md §4): validate, reserve name and JID, make the
 * host-side pieces (cgroups), clone the jail's init into new namespaces,
 * finish from the parent what only it can do (uid/gid maps, cgroup joins),
 * then let the child build its root, lock itself down and start the command.
 * Every host-side step has its undo in struct run; any failure, in parent or
 * child, walks them back so that a failed create leaves nothing behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "init.h"
#include "jail/jail.h"
#include "param.h"
#include "priv.h"
#include "registry.h"
#include "root.h"
#include "sys.h"
#include "user.h"
#include "util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#define CLEAN_PATH "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin"

extern char **environ;

/* Everything the create path made, so that it can be undone. */
struct run {
	struct jail_params *p;
	const struct jail_run_opts *o;
	struct jail_registry reg;
	struct jail_state st;
	bool reserved;
	struct jail_cgroup cg;
	int rootfd;
	int sock[2];
	int pidfd;
	pid_t pid;
	char path[PATH_MAX];
	struct jail_init_spec spec;
	const char *fault;
};

/* Test hook: JAIL_FAULT=STEP makes that step fail, to prove the unwinding. */
static int fault(struct run *r, const char *step, struct jail_err *e)
{
	if (r->fault && !strcmp(r->fault, step))
		return jail_err_set(e, -EIO, "%s: injected failure (JAIL_FAULT)", step);
	return 0;
}

static int check_params(struct jail_params *p, struct jail_err *e)
{
	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_def *d = &jail_param_defs[i];
		if (!p->val[i].set || !(d->flags & JPF_UNIMPL))
			continue;
		/* Setting a not-yet-supported feature to its default is harmless. */
		if (d->dflt && p->val[i].n == 1 && !strcmp(p->val[i].v[0], d->dflt))
			continue;
		if (d->type == JPT_BOOL && !jail_params_bool(p, (enum jail_param_id)i))
			continue;
		return jail_err_set(e, -ENOTSUP, "%s: not supported yet", d->name);
	}
	if (jail_params_get(p, JP_IP4_ADDR)->n > 0 || jail_params_get(p, JP_IP6_ADDR)->n > 0)
		return jail_err_set(
			e, -ENOTSUP,
			"ip4.addr/ip6.addr: jail addresses need the networking support, "
			"which is not implemented yet (use ip4=inherit or leave the address empty)");
	bool in4 = !strcmp(jail_params_str(p, JP_IP4), "inherit");
	bool in6 = !strcmp(jail_params_str(p, JP_IP6), "inherit");
	bool new4 = !strcmp(jail_params_str(p, JP_IP4), "new");
	bool new6 = !strcmp(jail_params_str(p, JP_IP6), "new");
	if ((in4 && new6) || (in6 && new4))
		return jail_err_set(e, -EINVAL,
				    "ip4=%s and ip6=%s: one network stack cannot be both the host's and new",
				    jail_params_str(p, JP_IP4), jail_params_str(p, JP_IP6));
	const char *m = jail_params_str(p, JP_SYSVMSG), *s = jail_params_str(p, JP_SYSVSEM),
		   *h = jail_params_str(p, JP_SYSVSHM);
	if (!jail_params_bool(p, JP_ALLOW_SYSVIPC)) {
		bool inh = !strcmp(m, "inherit") || !strcmp(s, "inherit") || !strcmp(h, "inherit");
		bool nw = !strcmp(m, "new") || !strcmp(s, "new") || !strcmp(h, "new");
		if (inh && nw)
			return jail_err_set(e, -EINVAL,
					    "sysvmsg=%s sysvsem=%s sysvshm=%s: Linux has one IPC namespace "
					    "for all three; "
					    "they cannot mix new and inherit",
					    m, s, h);
	}
	if (!jail_params_get(p, JP_COMMAND)->n)
		return jail_err_set(e, -EINVAL, "no command specified (command=, exec.start or persist)");
	return 0;
}

/* Resolve the command inside the jail root, as execvp would there. */
static int find_command(struct run *r, const char *cmd, const char *pathvar, struct jail_err *e)
{
	struct stat sb;
	char cand[PATH_MAX];

	if (strchr(cmd, '/')) {
		snprintf(cand, sizeof(cand), "%s", cmd);
	} else {
		_cleanup_free_ char *copy = strdup(pathvar);
		char *save = NULL;
		if (!copy)
			return jail_err_set(e, -ENOMEM, "out of memory");
		cand[0] = '\0';
		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			char try[PATH_MAX];
			snprintf(try, sizeof(try), "%s/%s", d, cmd);
			int fd = open_in_root(r->rootfd, try, O_PATH | O_CLOEXEC,
					      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
			if (fd < 0)
				continue;
			bool ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 0111);
			close(fd);
			if (ok) {
				snprintf(cand, sizeof(cand), "%s", try);
				break;
			}
		}
		if (!cand[0])
			return jail_err_set(e, -ENOENT, "command '%s' not found in '%s'", cmd, r->path);
	}
	int fd = open_in_root(r->rootfd, cand, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return jail_err_set(e, -ENOENT, "command '%s' not found in '%s'", cmd, r->path);
	int st = fstat(fd, &sb);
	close(fd);
	if (st < 0 || !S_ISREG(sb.st_mode) || !(sb.st_mode & 0111))
		return jail_err_set(e, -EACCES, "command '%s' in '%s' is not an executable file", cmd,
				    r->path);
	snprintf(r->spec.exec_path, sizeof(r->spec.exec_path), "%s", cand);
	return 0;
}

static int build_env(struct run *r, struct jail_err *e)
{
	struct jail_init_spec *s = &r->spec;
	const char *term = getenv("TERM");

	if (!jail_params_bool(r->p, JP_EXEC_CLEAN)) {
		s->envp = environ;
		return 0;
	}
	/* exec.clean: HOME, SHELL, TERM, USER and the login PATH, as FreeBSD. */
	static char *clean[8];
	static char home[300], shell[300], user[100], logname[100], termv[128], path[sizeof(CLEAN_PATH) + 8];
	int n = 0;
	snprintf(home, sizeof(home), "HOME=%s", s->user.home);
	snprintf(shell, sizeof(shell), "SHELL=%s", s->user.shell);
	snprintf(user, sizeof(user), "USER=%s", s->user.name);
	snprintf(logname, sizeof(logname), "LOGNAME=%s", s->user.name);
	snprintf(path, sizeof(path), "PATH=%s", CLEAN_PATH);
	clean[n++] = home;
	clean[n++] = shell;
	clean[n++] = user;
	clean[n++] = logname;
	clean[n++] = path;
	if (term) {
		snprintf(termv, sizeof(termv), "TERM=%s", term);
		clean[n++] = termv;
	}
	clean[n] = NULL;
	s->envp = clean;
	s->chdir_home = true;
	(void)e;
	return 0;
}

static int prepare(struct run *r, struct jail_err *e)
{
	struct jail_params *p = r->p;
	const char *path = jail_params_str(p, JP_PATH);
	struct stat sb;
	int ret;

	ret = check_params(p, e);
	if (ret < 0)
		return ret;
	if (!path)
		path = "/";
	if (!realpath(path, r->path))
		return jail_err_sys(e, -errno, "path '%s'", path);
	if (stat(r->path, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return jail_err_set(e, -ENOTDIR, "path '%s': Not a directory", path);
	r->rootfd = open(r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->rootfd < 0)
		return jail_err_sys(e, -errno, "path '%s'", path);

	ret = jail_priv_from_params(p, &r->spec.priv, e);
	if (ret < 0)
		return ret;
	ret = jail_priv_compile(&r->spec.priv, r->reg.dir[0] ? r->reg.dir : NULL, &r->spec.filters, e);
	if (ret < 0)
		return ret;
	const char *uname = jail_params_str(p, JP_EXEC_JAIL_USER);
	if (uname) {
		ret = jail_user_lookup(r->rootfd, r->path, uname, &r->spec.user, e);
		if (ret < 0)
			return ret;
	} else {
		jail_user_root(r->rootfd, &r->spec.user);
	}
	ret = build_env(r, e);
	if (ret < 0)
		return ret;
	const struct jail_param_val *cmd = jail_params_get(p, JP_COMMAND);
	const char *pathvar = NULL;
	for (char **v = r->spec.envp; v && *v; v++)
		if (!strncmp(*v, "PATH=", 5))
			pathvar = *v + 5;
	ret = find_command(r, cmd->v[0], pathvar ? pathvar : CLEAN_PATH, e);
	if (ret < 0)
		return ret;
	r->spec.argv = cmd->v;
	/* What jls reports: the resolved path and the hostname the jail starts with. */
	ret = jail_params_set(p, JP_PATH, (const char *const[]){ r->path }, 1, false, e);
	if (ret < 0)
		return ret;
	if (!jail_params_isset(p, JP_HOSTNAME)) {
		char hn[256] = "";
		gethostname(hn, sizeof(hn) - 1);
		ret = jail_params_set(p, JP_HOSTNAME, (const char *const[]){ hn }, 1, false, e);
		if (ret < 0)
			return ret;
	}
	r->spec.hostname = jail_params_str(p, JP_HOSTNAME);
	r->spec.domainname = jail_params_str(p, JP_DOMAINNAME);
	r->spec.new_uts = !strcmp(jail_params_str(p, JP_HOST), "new");
	r->spec.new_net = strcmp(jail_params_str(p, JP_IP4), "inherit") &&
			  strcmp(jail_params_str(p, JP_IP6), "inherit");
	r->spec.new_ipc = !jail_params_bool(p, JP_ALLOW_SYSVIPC) &&
			  strcmp(jail_params_str(p, JP_SYSVMSG), "inherit") &&
			  strcmp(jail_params_str(p, JP_SYSVSEM), "inherit") &&
			  strcmp(jail_params_str(p, JP_SYSVSHM), "inherit");
	r->spec.root.path = r->path;
	r->spec.root.devfs = jail_params_bool(p, JP_MOUNT_DEVFS);
	r->spec.root.procfs = jail_params_bool(p, JP_MOUNT_PROCFS);
	r->spec.root.ipc_new = r->spec.new_ipc;
	r->spec.use_pty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	return 0;
}

static int write_maps(pid_t pid, struct jail_err *e)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return jail_err_sys(e, -errno, "%s", dir);
	/* Identity map: jailed root owns the jail's files, as on FreeBSD. */
	int r = write_file_at(dfd, "uid_map", "0 0 4294967295\n");
	if (r == 0)
		r = write_file_at(dfd, "gid_map", "0 0 4294967295\n");
	if (r < 0)
		return jail_err_sys(e, r, "writing the user namespace maps");
	return 0;
}

static int spawn(struct run *r, struct jail_err *e)
{
	struct clone_args ca = {0};
	_cleanup_close_ int cgfd = jail_cgroup_v2_fd(&r->cg);
	bool into = cgfd >= 0;
	long pid;
	int ret;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->sock) < 0)
		return jail_err_sys(e, -errno, "socketpair");
	ca.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_PIDFD;
	if (r->spec.new_uts)
		ca.flags |= CLONE_NEWUTS;
	if (r->spec.new_ipc)
		ca.flags |= CLONE_NEWIPC;
	if (r->spec.new_net)
		ca.flags |= CLONE_NEWNET;
	ca.pidfd = (unsigned long long)(uintptr_t)&r->pidfd;
	ca.exit_signal = SIGCHLD;
	if (into) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (unsigned long long)cgfd;
	}
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0 && into && (errno == EINVAL || errno == EOPNOTSUPP || errno == E2BIG)) {
		into = false;
		ca.flags &= ~CLONE_INTO_CGROUP;
		ca.cgroup = 0;
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
	}
	if (pid < 0)
		return jail_err_sys(e, -errno, "clone3");
	if (pid == 0) {
		close(r->sock[0]);
		jail_init_child(&r->spec, r->sock[1], r->fault);
		_exit(127); /* not reached */
	}
	r->pid = (pid_t)pid;
	close(r->sock[1]);
	r->sock[1] = -1;
	ret = write_maps(r->pid, e);
	if (ret == 0)
		ret = fault(r, "maps", e);
	if (ret < 0)
		return ret;
	if (write(r->sock[0], "g", 1) != 1)
		return jail_err_sys(e, -errno, "starting the jail");
	/*
	 * Joining v1 hierarchies waits for an RCU grace period in the kernel
	 * (milliseconds): do it while the child builds its root. The child
	 * starts nothing of the jail's until it has read "c".
	 */
	ret = jail_cgroup_attach(&r->cg, r->pid, into, e);
	if (ret == 0)
		ret = fault(r, "attach", e);
	if (ret < 0)
		return ret;
	/* A child that failed already has closed its end; await_child reads why. */
	if (write(r->sock[0], "c", 1) != 1 && errno != EPIPE)
		return jail_err_sys(e, -errno, "starting the jail");
	return 0;
}

/*
 * Read the child's reports. With until_ready, stop at "ready" (which carries
 * the pty master); otherwise read to EOF, which comes when the command has
 * been exec'd, catching a failed exec.
 */
static int await_child(struct run *r, bool until_ready, int *ptmx, struct jail_err *e)
{
	struct jail_init_msg m;

	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = {&m, sizeof(m)};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		ssize_t n = recvmsg(r->sock[0], &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((size_t)n != sizeof(m))
			return jail_err_set(e, -EPROTO, "jail init: bad message");
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && ptmx)
				memcpy(ptmx, CMSG_DATA(c), sizeof(int));
		if (m.type == JAIL_INIT_ERROR) {
			m.err.msg[sizeof(m.err.msg) - 1] = '\0';
			*e = m.err;
			if (e->code >= 0)
				e->code = -EIO;
			return e->code;
		}
		if (m.type == JAIL_INIT_READY && until_ready)
			return 0;
	}
	if (until_ready)
		return jail_err_set(e, -EIO, "the jail's init died while starting");
	return 0;
}

/* Raw terminal, SIGWINCH follows, bytes copied both ways until init ends. */
static int relay(struct run *r, int ptmx, int *status)
{
	struct termios saved, raw;
	bool tty = ptmx >= 0 && tcgetattr(STDIN_FILENO, &saved) == 0;
	sigset_t mask;
	_cleanup_close_ int sfd = -1;
	bool in_open = ptmx >= 0;
	char buf[16384];

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGWINCH);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (tty) {
		struct winsize ws;
		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
			ioctl(ptmx, TIOCSWINSZ, &ws);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	for (;;) {
		struct pollfd pf[4] = {
			{r->pidfd, POLLIN, 0},
			{sfd, POLLIN, 0},
			{ptmx >= 0 ? ptmx : -1, POLLIN, 0},
			{in_open ? STDIN_FILENO : -1, POLLIN, 0},
		};
		if (poll(pf, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH && tty) {
					struct winsize ws;
					if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
						ioctl(ptmx, TIOCSWINSZ, &ws);
				} else if (si.ssi_signo != SIGWINCH) {
					sys_pidfd_send_signal(r->pidfd, (int)si.ssi_signo, NULL, 0);
				}
			}
		}
		if (pf[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(ptmx, buf, sizeof(buf));
			if (n > 0)
				write_all(STDOUT_FILENO, buf, (size_t)n);
			else if (n < 0 && errno != EINTR && errno != EAGAIN) {
				close(ptmx);
				ptmx = -1;
			}
		}
		if (pf[3].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n > 0)
				write_all(ptmx, buf, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				in_open = false;
		}
		if (pf[0].revents & POLLIN)
			break;
	}
	/* Output the command wrote just before it ended. */
	while (ptmx >= 0) {
		struct pollfd pf = {ptmx, POLLIN, 0};
		if (poll(&pf, 1, 50) <= 0)
			break;
		ssize_t n = read(ptmx, buf, sizeof(buf));
		if (n <= 0)
			break;
		write_all(STDOUT_FILENO, buf, (size_t)n);
	}
	if (ptmx >= 0)
		close(ptmx);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);

	siginfo_t si = {0};
	while (waitid(P_PIDFD, (id_t)r->pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	r->pid = 0;
	if (si.si_code == CLD_EXITED)
		*status = si.si_status;
	else
		*status = 128 + si.si_status;
	return 0;
}

static void undo(struct run *r)
{
	if (r->pid > 0) {
		sys_pidfd_send_signal(r->pidfd, SIGKILL, NULL, 0);
		siginfo_t si;
		while (waitid(P_PIDFD, (id_t)r->pidfd, &si, WEXITED) < 0 && errno == EINTR)
			;
		r->pid = 0;
	}
	if (r->cg.n > 0)
		jail_cgroup_destroy(&r->cg, NULL);
	if (r->reserved)
		jail_registry_remove(&r->reg, &r->st);
	r->reserved = false;
	jail_registry_close(&r->reg);
	if (r->rootfd >= 0)
		close(r->rootfd);
	for (int i = 0; i < 2; i++)
		if (r->sock[i] >= 0)
			close(r->sock[i]);
	if (r->pidfd >= 0)
		close(r->pidfd);
	r->rootfd = r->sock[0] = r->sock[1] = r->pidfd = -1;
	jail_seccomp_free(&r->spec.filters);
}

int jail_run(struct jail_params *p, const struct jail_run_opts *o, struct jail_err *e)
{
	struct run r = {.p = p, .o = o, .rootfd = -1, .sock = {-1, -1}, .pidfd = -1};
	int ret, status = 0, ptmx = -1;
	sigset_t mask, old;

	r.reg.dirfd = r.reg.lockfd = -1;
	r.fault = getenv("JAIL_FAULT");
	ret = jail_registry_open(&r.reg, e);
	if (ret == 0)
		ret = prepare(&r, e);
	if (ret < 0)
		goto fail;
	if (jail_params_isset(p, JP_NAME))
		snprintf(r.st.name, sizeof(r.st.name), "%s", jail_params_str(p, JP_NAME));
	r.st.params = *p; /* shallow: the state file is written from it */
	ret = jail_registry_lock(&r.reg, e);
	if (ret < 0)
		goto fail;
	ret = jail_registry_reserve(&r.reg, &r.st,
				    jail_params_isset(p, JP_JID) ? (int)jail_params_int(p, JP_JID) : 0, e);
	jail_registry_unlock(&r.reg);
	if (ret < 0)
		goto fail;
	r.reserved = true;
	if ((ret = fault(&r, "registry", e)) < 0)
		goto fail;

	snprintf(r.st.cg_leaf, sizeof(r.st.cg_leaf), "jail.%s", r.st.name);
	if (jail_params_str(p, JP_CGROUP_PARENT))
		snprintf(r.st.cg_parent, sizeof(r.st.cg_parent), "%s", jail_params_str(p, JP_CGROUP_PARENT));
	ret = jail_cgroup_create(&r.cg, r.st.cg_parent[0] ? r.st.cg_parent : NULL, r.st.cg_leaf, e);
	if (ret < 0)
		goto fail;
	if ((ret = fault(&r, "cgroup", e)) < 0)
		goto fail;

	/* Signals for the jail wait in the queue until relay() reads them. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, &old);
	r.spec.sigmask_restore = old;

	ret = spawn(&r, e);
	if (ret == 0)
		ret = await_child(&r, true, &ptmx, e);
	if (ret == 0) {
		r.st.init_pid = r.pid;
		r.st.init_start = proc_starttime(r.pid);
		ret = jail_registry_save(&r.reg, &r.st, e);
	}
	if (ret == 0) {
		if (o && o->verbose)
			printf("%s: created\n", r.st.name), fflush(stdout);
		if (write(r.sock[0], "r", 1) != 1 && errno != EPIPE)
			ret = jail_err_sys(e, -errno, "starting the command");
	}
	if (ret == 0)
		ret = await_child(&r, false, NULL, e);
	if (ret < 0) {
		if (ptmx >= 0)
			close(ptmx);
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto fail;
	}

	relay(&r, ptmx, &status);
	sigprocmask(SIG_SETMASK, &old, NULL);
	ret = jail_cgroup_destroy(&r.cg, e);
	r.st.params = (struct jail_params){0};
	undo(&r);
	if (ret < 0)
		return ret;
	if (o && o->verbose)
		printf("%s: removed\n", r.st.name), fflush(stdout);
	return status;
fail:
	r.st.params = (struct jail_params){0};
	if (r.st.name[0] && e->msg[0] && r.reserved)
		jail_err_prefix(e, "%s", r.st.name);
	else if (jail_params_isset(p, JP_NAME))
		jail_err_prefix(e, "%s", jail_params_str(p, JP_NAME));
	undo(&r);
	return ret < 0 ? ret : -EIO;
}
