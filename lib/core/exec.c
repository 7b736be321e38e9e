/*
 * Running programs in jails: the host-side preparation (command and user
 * looked up in the jail's own files, beneath its root), the jail-side last
 * steps before exec, and the host-side relay of terminal and signals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "exec.h"
#include "rctl/rctl.h"
#include "sys.h"
#include "util.h"

#define CLEAN_PATH "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin"

extern char **environ;

static int env_put(struct jail_exec *x, const char *kv, struct jail_err *e)
{
	size_t klen = strcspn(kv, "=");
	int n = 0;

	if (strlen(kv) >= sizeof(x->envs[0]))
		return jail_err_set(e, -E2BIG, "environment: '%.32s...': too long", kv);
	for (; x->envv[n]; n++)
		if (!strncmp(x->envv[n], kv, klen) && x->envv[n][klen] == '=')
			break;
	if (n >= JAIL_EXEC_ENV_MAX)
		return jail_err_set(e, -E2BIG, "environment: too many variables");
	snprintf(x->envs[n], sizeof(x->envs[n]), "%s", kv);
	x->envv[n] = x->envs[n];
	x->envp = x->envv;
	return 0;
}

int jail_exec_setenv(struct jail_exec *x, const char *kv, struct jail_err *e)
{
	if (!strchr(kv, '=') || kv[0] == '=')
		return jail_err_set(e, -EINVAL, "-e %s: not NAME=VALUE", kv);
	if (x->envp != x->envv) {
		/* Copy the inherited environment so that it can be changed. */
		memset(x->envv, 0, sizeof(x->envv));
		for (char **v = environ; v && *v; v++) {
			int r = env_put(x, *v, e);
			if (r < 0)
				return r;
		}
	}
	return env_put(x, kv, e);
}

int jail_exec_identity(struct jail_exec *x, int rootfd, const char *root, const char *user, bool clean,
		       struct jail_err *e)
{
	const char *term = getenv("TERM");
	char kv[512];
	int r;

	if (user) {
		r = jail_user_lookup(rootfd, root, user, &x->user, e);
		if (r < 0)
			return r;
	} else {
		jail_user_root(rootfd, &x->user);
	}
	if (!clean) {
		x->envp = environ;
		return 0;
	}
	/* exec.clean: HOME, SHELL, TERM, USER and the login PATH, as FreeBSD. */
	memset(x->envv, 0, sizeof(x->envv));
	const char *const kvs[][2] = {
		{"HOME", x->user.home},	   {"SHELL", x->user.shell}, {"USER", x->user.name},
		{"LOGNAME", x->user.name}, {"PATH", CLEAN_PATH},     {"TERM", term},
	};
	for (size_t i = 0; i < ARRAY_SIZE(kvs); i++) {
		if (!kvs[i][1])
			continue;
		snprintf(kv, sizeof(kv), "%s=%s", kvs[i][0], kvs[i][1]);
		r = env_put(x, kv, e);
		if (r < 0)
			return r;
	}
	x->chdir_home = true;
	return 0;
}

static bool executable_at(int rootfd, const char *path)
{
	struct stat sb;
	int fd = open_in_root(rootfd, path, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	bool ok;

	if (fd < 0)
		return false;
	ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 0111);
	close(fd);
	return ok;
}

int jail_exec_find(struct jail_exec *x, int rootfd, const char *root, const char *cmd, struct jail_err *e)
{
	const char *pathvar = CLEAN_PATH;

	if (strchr(cmd, '/')) {
		if (!executable_at(rootfd, cmd)) {
			int fd = open_in_root(rootfd, cmd, O_PATH | O_CLOEXEC,
					      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
			if (fd >= 0) {
				close(fd);
				return jail_err_set(e, -EACCES,
						    "command '%s' in '%s' is not an executable file", cmd,
						    root);
			}
			return jail_err_set(e, -ENOENT, "command '%s' not found in '%s'", cmd, root);
		}
		snprintf(x->exec_path, sizeof(x->exec_path), "%s", cmd);
		return 0;
	}
	for (char **v = x->envp; v && *v; v++)
		if (!strncmp(*v, "PATH=", 5))
			pathvar = *v + 5;
	_cleanup_free_ char *copy = strdup(pathvar);
	char *save = NULL;
	if (!copy)
		return jail_err_set(e, -ENOMEM, "out of memory");
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char cand[PATH_MAX];
		snprintf(cand, sizeof(cand), "%s/%s", d, cmd);
		if (executable_at(rootfd, cand)) {
			snprintf(x->exec_path, sizeof(x->exec_path), "%s", cand);
			return 0;
		}
	}
	return jail_err_set(e, -ENOENT, "command '%s' not found in '%s'", cmd, root);
}

void jail_msg_send(int sock, int type, int status, int lingering, const struct jail_err *e, int fd)
{
	struct jail_msg m = {.type = type, .status = status, .lingering = lingering};
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {&m, sizeof(m)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (e)
		m.err = *e;
	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

int jail_msg_recv(int sock, struct jail_msg *m, int *fd, pid_t *pid)
{
	char cbuf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {m, sizeof(*m)};
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	ssize_t n;

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	if ((size_t)n != sizeof(*m))
		return -EPROTO;
	m->err.msg[sizeof(m->err.msg) - 1] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS) {
			int got;
			memcpy(&got, CMSG_DATA(c), sizeof(int));
			if (fd && *fd < 0)
				*fd = got;
			else
				close(got);
		} else if (c->cmsg_type == SCM_CREDENTIALS && pid) {
			struct ucred uc;
			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			*pid = uc.pid;
		}
	}
	return 1;
}

int jail_pty_open(int *master, char *slave, size_t len, struct jail_err *e)
{
	int unlock = 0, n;

	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return jail_err_sys(e, -errno, "/dev/ptmx");
	if (ioctl(*master, TIOCSPTLCK, &unlock) < 0 || ioctl(*master, TIOCGPTN, &n) < 0) {
		close(*master);
		*master = -1;
		return jail_err_sys(e, -errno, "pty");
	}
	snprintf(slave, len, "/dev/pts/%d", n);
	return 0;
}

static void __attribute__((noreturn)) fail(int sock, const struct jail_err *e)
{
	jail_msg_send(sock, JAIL_MSG_ERROR, 0, 0, e, -1);
	_exit(127);
}

void jail_exec_become(const struct jail_exec *x, const struct jail_priv *priv, int sock)
{
	struct jail_err e = {0};
	const struct jail_user *u = &x->user;

	if (setsid() < 0) {
		jail_err_sys(&e, -errno, "setsid");
		fail(sock, &e);
	}
	rctl_rlimits_set(x->rl, x->rlmask); /* rctl: the jail's rlimits (lib/rctl) */
	if (x->use_pty) {
		int fd = open(x->slave, O_RDWR);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) {
			jail_err_sys(&e, -errno, "%s", x->slave);
			fail(sock, &e);
		}
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (setgroups((size_t)u->ngroups, u->groups) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
	    setresuid(u->uid, u->uid, u->uid) < 0) {
		jail_err_sys(&e, -errno, "becoming user '%s'", u->name);
		fail(sock, &e);
	}
	if (jail_priv_setcaps(priv, u->uid == 0, &e) < 0)
		fail(sock, &e);
	if (x->dir[0]) {
		if (chdir(x->dir) < 0) {
			jail_err_sys(&e, -errno, "-d %s", x->dir);
			fail(sock, &e);
		}
	} else if (!x->chdir_home || chdir(u->home) < 0) {
		if (chdir("/") < 0) {
			jail_err_sys(&e, -errno, "chdir /");
			fail(sock, &e);
		}
	}
	/* A cwd outside the jail would be an escape (runc CVE-2024-21626): check it. */
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/') {
		jail_err_set(&e, -EPERM, "working directory is outside the jail");
		fail(sock, &e);
	}
	sigprocmask(SIG_SETMASK, &x->sigmask, NULL);
	/* The host side learns our pid from the credentials of this message. */
	jail_msg_send(sock, JAIL_MSG_STARTED, 0, 0, NULL, -1);
	/* Nothing of the host's follows the command: every fd above 2 goes (the socket is CLOEXEC). */
	sys_close_range(3, (unsigned)sock - 1, 0);
	sys_close_range((unsigned)sock + 1, ~0U, 0);
	execve(x->exec_path, x->argv, x->envp);
	jail_err_sys(&e, -errno, "exec %s", x->argv[0]);
	fail(sock, &e);
}

void jail_relay_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGWINCH);
}

static void copy_winsize(int ptmx)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(ptmx, TIOCSWINSZ, &ws);
}

static void handle_msg(struct jail_relay *rl, int *cmdfd)
{
	struct jail_msg m;
	pid_t pid = 0;
	int r = jail_msg_recv(rl->sock, &m, NULL, &pid);

	if (r <= 0) {
		close(rl->sock);
		rl->sock = -1;
		return;
	}
	if (m.type == JAIL_MSG_STARTED && pid > 0 && *cmdfd < 0) {
		*cmdfd = sys_pidfd_open(pid, 0);
	} else if (m.type == JAIL_MSG_ERROR && !rl->failed) {
		rl->failed = true;
		rl->err = m.err;
		if (rl->err.code >= 0)
			rl->err.code = -EIO;
	} else if (m.type == JAIL_MSG_STATUS) {
		rl->got_status = true;
		rl->status = m.status;
		rl->lingering = m.lingering != 0;
	}
}

void jail_relay_run(struct jail_relay *rl)
{
	struct termios saved, raw;
	bool tty = rl->ptmx >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	bool in_open = rl->ptmx >= 0;
	_cleanup_close_ int sfd = -1, cmdfd = -1;
	sigset_t mask;
	char buf[16384];

	jail_relay_sigset(&mask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (tty) {
		copy_winsize(rl->ptmx);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!rl->got_status) {
		int wait_ms = -1;
		if (rl->timeout_ms > 0) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long spent = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
			if (spent >= rl->timeout_ms) {
				/* exec.timeout: the helper and with it the program go. */
				rl->timed_out = true;
				sys_pidfd_send_signal(rl->watch_pidfd, SIGKILL, NULL, 0);
				if (cmdfd >= 0)
					sys_pidfd_send_signal(cmdfd, SIGKILL, NULL, 0);
				break;
			}
			wait_ms = (int)(rl->timeout_ms - spent);
		}
		struct pollfd pf[5] = {
			{rl->watch_pidfd, POLLIN, 0}, {sfd, POLLIN, 0},
			{rl->ptmx, POLLIN, 0},	      {in_open ? STDIN_FILENO : -1, POLLIN, 0},
			{rl->sock, POLLIN, 0},
		};
		if (poll(pf, 5, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[4].revents)
			handle_msg(rl, &cmdfd);
		if (pf[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH) {
					if (tty)
						copy_winsize(rl->ptmx);
				} else {
					int target = cmdfd >= 0 ? cmdfd : rl->signal_pidfd;
					if (target >= 0)
						sys_pidfd_send_signal(target, (int)si.ssi_signo, NULL, 0);
				}
			}
		}
		if (pf[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(rl->ptmx, buf, sizeof(buf));
			if (n > 0)
				write_all(STDOUT_FILENO, buf, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(rl->ptmx);
				rl->ptmx = -1;
			}
		}
		if (pf[3].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n > 0 && rl->ptmx >= 0)
				write_all(rl->ptmx, buf, (size_t)n);
			else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				in_open = false;
		}
		if (pf[0].revents & POLLIN) {
			/* The watched process ended: take a STATUS message that may wait still. */
			while (rl->sock >= 0 && !rl->got_status) {
				struct pollfd sp = {rl->sock, POLLIN, 0};
				if (poll(&sp, 1, 0) <= 0)
					break;
				handle_msg(rl, &cmdfd);
			}
			break;
		}
	}
	/* Output the command wrote just before it ended. */
	while (rl->ptmx >= 0) {
		struct pollfd pf = {rl->ptmx, POLLIN, 0};
		if (poll(&pf, 1, 20) <= 0)
			break;
		ssize_t n = read(rl->ptmx, buf, sizeof(buf));
		if (n <= 0)
			break;
		write_all(STDOUT_FILENO, buf, (size_t)n);
	}
	if (rl->ptmx >= 0) {
		close(rl->ptmx);
		rl->ptmx = -1;
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}
