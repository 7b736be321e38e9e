/*
 * The jail's init. After the parent has written the uid/gid maps it builds
 * the jail's root and identity, drops what the privilege table says to drop,
 * and forks the command. From then on it holds no host file descriptor and
 * no more privilege than the jail itself (it is also non-dumpable, so jailed
 * root cannot ptrace it): it forwards signals to the command, reaps orphans,
 * and when the command ends it ends the jail's remaining processes and exits
 * with the command's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init.h"
#include "jail/jail.h"
#include "sys.h"
#include "util.h"

static char *title_start;
static size_t title_len;

void jail_proctitle_init(int argc, char **argv)
{
	if (argc < 1 || !argv[0])
		return;
	title_start = argv[0];
	title_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) - argv[0]);
}

/* The host's command line (paths, parameters) is not the jail's business. */
static void hide_title(void)
{
	prctl(PR_SET_NAME, "init");
	if (title_start && title_len >= sizeof("init")) {
		memset(title_start, 0, title_len);
		memcpy(title_start, "init", sizeof("init"));
	}
}

static void report(int sock, int type, const struct jail_err *e, int fd)
{
	struct jail_init_msg m = {.type = type};
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

static void __attribute__((noreturn)) fail(int sock, const struct jail_err *e)
{
	report(sock, JAIL_INIT_ERROR, e, -1);
	_exit(1);
}

static int loopback_up(struct jail_err *e)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return jail_err_sys(e, -errno, "loopback");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0) {
			close(fd);
			return 0;
		}
	}
	close(fd);
	return jail_err_sys(e, -errno, "bringing up loopback");
}

static int open_pty(int *master, char *slave, size_t len, struct jail_err *e)
{
	int unlock = 0, n;

	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return jail_err_sys(e, -errno, "/dev/ptmx");
	if (ioctl(*master, TIOCSPTLCK, &unlock) < 0 || ioctl(*master, TIOCGPTN, &n) < 0)
		return jail_err_sys(e, -errno, "pty");
	snprintf(slave, len, "/dev/pts/%d", n);
	return 0;
}

/* The command process: identity, terminal, environment, exec. */
static void __attribute__((noreturn)) run_command(const struct jail_init_spec *s, int sock, const char *slave)
{
	struct jail_err e = {0};
	const struct jail_user *u = &s->user;

	if (setsid() < 0) {
		jail_err_sys(&e, -errno, "setsid");
		fail(sock, &e);
	}
	if (slave) {
		int fd = open(slave, O_RDWR);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) {
			jail_err_sys(&e, -errno, "%s", slave);
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
	if (jail_priv_setcaps(&s->priv, u->uid == 0, &e) < 0)
		fail(sock, &e);
	if (!s->chdir_home || chdir(u->home) < 0) {
		if (chdir("/") < 0) {
			jail_err_sys(&e, -errno, "chdir /");
			fail(sock, &e);
		}
	}
	sigprocmask(SIG_SETMASK, &s->sigmask_restore, NULL);
	/* Nothing of the host's follows the command: every fd above 2 goes. */
	sys_close_range(3, (unsigned)sock - 1, 0);
	sys_close_range((unsigned)sock + 1, ~0U, 0);
	execve(s->exec_path, s->argv, s->envp);
	jail_err_sys(&e, -errno, "exec %s", s->argv[0]);
	fail(sock, &e);
}

static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

/* PID 1: forward signals to the command, reap everyone, end with the command. */
static void __attribute__((noreturn)) init_loop(pid_t cmd, const sigset_t *set)
{
	int code = 0;
	bool cmd_done = false;

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			if (!cmd_done)
				kill(cmd, sig);
			continue;
		}
		for (;;) {
			int st;
			pid_t p = waitpid(-1, &st, WNOHANG);
			if (p == 0)
				break;
			if (p < 0) {
				if (errno == ECHILD && cmd_done)
					_exit(code);
				break;
			}
			if (p == cmd) {
				cmd_done = true;
				code = status_code(st);
				/* The jail ends with its command: take the rest with it. */
				kill(-1, SIGKILL);
			}
		}
	}
}

void jail_init_child(const struct jail_init_spec *s, int sock, const char *fault)
{
	struct jail_err e = {0};
	int master = -1;
	char slave[64];
	char go;
	sigset_t set;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	hide_title();
	/* Nothing of the host's stays open in the jail's init but stdio and the socket. */
	sys_close_range(3, (unsigned)sock - 1, 0);
	sys_close_range((unsigned)sock + 1, ~0U, 0);
	if (read(sock, &go, 1) != 1)
		_exit(1);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		jail_err_sys(&e, -errno, "becoming root of the user namespace");
		fail(sock, &e);
	}
	if (jail_root_setup(&s->root, &e) < 0)
		fail(sock, &e);
	if (fault && !strcmp(fault, "root")) {
		jail_err_set(&e, -EIO, "root: injected failure (JAIL_FAULT)");
		fail(sock, &e);
	}
	if (s->new_uts && s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0) {
		jail_err_sys(&e, -errno, "host.hostname");
		fail(sock, &e);
	}
	if (s->new_uts && s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0) {
		jail_err_sys(&e, -errno, "host.domainname");
		fail(sock, &e);
	}
	if (s->new_net && loopback_up(&e) < 0)
		fail(sock, &e);
	if (s->use_pty && open_pty(&master, slave, sizeof(slave), &e) < 0)
		fail(sock, &e);
	/* The parent says when the cgroups are joined; nothing of the jail's runs before. */
	if (read(sock, &go, 1) != 1 || go != 'c')
		_exit(1);
	/* The cgroup namespace is rooted where the jail's cgroups are, so after joining them. */
	if (unshare(CLONE_NEWCGROUP) < 0) {
		jail_err_sys(&e, -errno, "cgroup namespace");
		fail(sock, &e);
	}
	prctl(PR_SET_DUMPABLE, 0);
	if (jail_priv_lockdown(&s->priv, &s->filters, &e) < 0)
		fail(sock, &e);
	if (fault && !strcmp(fault, "priv")) {
		jail_err_set(&e, -EIO, "priv: injected failure (JAIL_FAULT)");
		fail(sock, &e);
	}

	/* Ready: the parent may report the jail created, then says "r" to run the command. */
	report(sock, JAIL_INIT_READY, NULL, master);
	if (read(sock, &go, 1) != 1 || go != 'r')
		_exit(1);
	sigfillset(&set);
	sigdelset(&set, SIGKILL);
	sigdelset(&set, SIGSTOP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t cmd = fork();
	if (cmd < 0) {
		jail_err_sys(&e, -errno, "fork");
		fail(sock, &e);
	}
	if (cmd == 0) {
		if (master >= 0)
			close(master);
		run_command(s, sock, s->use_pty ? slave : NULL);
	}
	if (master >= 0)
		close(master);
	close(sock);
	/* init needs only to signal the command; keep nothing else. */
	struct jail_priv initpriv = s->priv;
	initpriv.caps &= 1ULL << CAP_KILL;
	jail_priv_setcaps(&initpriv, true, &e);
	/* stdio stays open only in the command. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	} else {
		close(0);
		close(1);
		close(2);
	}
	init_loop(cmd, &set);
}
