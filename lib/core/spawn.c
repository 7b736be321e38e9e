/*
 * Starting processes for jails (see spawn.h): clone3 with a pidfd, into the
 * jail's cgroups, and the child's first words over a socket pair.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "sys.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

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

int jail_msg_send_fds(int sock, char tag, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * JAIL_CGROUP_MAX)];
	struct iovec iov = {&tag, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (n < 0 || n > JAIL_CGROUP_MAX)
		return -(errno = EINVAL);
	if (n > 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int jail_msg_recv_fds(int sock, char *tag, int *fds, int max)
{
	char cbuf[CMSG_SPACE(sizeof(int) * JAIL_CGROUP_MAX)];
	struct iovec iov = {tag, 1};
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	ssize_t r;
	int n = 0;

	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r < 0 ? -errno : -EPIPE;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (n < max)
				fds[n++] = fd;
			else
				close(fd);
		}
	}
	return n;
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

void jail_msg_fail(int sock, const struct jail_err *e, int status)
{
	jail_msg_send(sock, JAIL_MSG_ERROR, 0, 0, e, -1);
	_exit(status);
}

int jail_status_decode(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : 1;
}

int jail_status_from_siginfo(const siginfo_t *si)
{
	return si->si_code == CLD_EXITED ? si->si_status : 128 + si->si_status;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Where the child runs first: into its cgroups, then the caller's function. */
static void __attribute__((noreturn))
trampoline(const struct jail_spawn_opts *o, int sock, int *cgfds, int ncg)
{
	struct jail_err e = {0};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (jail_cgroup_join_self(cgfds, ncg, &e) < 0)
		jail_msg_fail(sock, &e, 127);
	o->child(o->arg, sock);
}

static long clone_into(const struct jail_spawn_opts *o, int *pidfd, int cgfd)
{
	struct clone_args ca = {.flags = o->clone_flags | CLONE_PIDFD,
				.pidfd = (unsigned long long)(uintptr_t)pidfd,
				.exit_signal = SIGCHLD};

	if (cgfd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (unsigned long long)cgfd;
	}
	return syscall(SYS_clone3, &ca, sizeof(ca));
}

int jail_spawn_start(const struct jail_spawn_opts *o, struct jail_spawn *sp, struct jail_err *e)
{
	int sock[2], one = 1, cgfds[JAIL_CGROUP_MAX], ncg = 0, cgfd = -1;
	long pid;

	*sp = (struct jail_spawn)JAIL_SPAWN_INIT;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
		return jail_err_sys(e, -errno, "socketpair");
	if (o->passcred)
		setsockopt(sock[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	if (o->cg) {
		/* v2 by CLONE_INTO_CGROUP; v1 by the child writing itself into "tasks". */
		cgfd = jail_cgroup_v2_fd(o->cg, o->cg_class);
		ncg = jail_cgroup_open_self_join(o->cg, o->cg_class, cgfd < 0, cgfds, JAIL_CGROUP_MAX, e);
		if (ncg < 0)
			goto fail;
	}
	pid = clone_into(o, &sp->pidfd, cgfd);
	if (pid < 0 && cgfd >= 0 && (errno == EINVAL || errno == EOPNOTSUPP || errno == E2BIG)) {
		/* No CLONE_INTO_CGROUP here: the child joins v2 itself too. */
		close_all(cgfds, ncg);
		close(cgfd);
		cgfd = -1;
		ncg = jail_cgroup_open_self_join(o->cg, o->cg_class, true, cgfds, JAIL_CGROUP_MAX, e);
		if (ncg < 0)
			goto fail;
		pid = clone_into(o, &sp->pidfd, -1);
	}
	if (pid == 0) {
		close(sock[0]);
		trampoline(o, sock[1], cgfds, ncg);
	}
	if (pid < 0) {
		jail_err_sys(e, -errno, "clone3");
		goto fail;
	}
	close_all(cgfds, ncg);
	if (cgfd >= 0)
		close(cgfd);
	close(sock[1]);
	sp->pid = (pid_t)pid;
	sp->sock = sock[0];
	return 0;
fail:
	close_all(cgfds, ncg > 0 ? ncg : 0);
	if (cgfd >= 0)
		close(cgfd);
	close(sock[0]);
	close(sock[1]);
	return e->code < 0 ? e->code : -EIO;
}

int jail_spawn_await(struct jail_spawn *sp, int *fd, struct jail_err *e)
{
	struct jail_msg m;

	for (;;) {
		int n = jail_msg_recv(sp->sock, &m, fd, NULL);
		/* A child that failed before reading what we wrote resets the socket; its report is still queued. */
		if (n == -ECONNRESET)
			continue;
		if (n < 0)
			return jail_err_sys(e, n, "reading the jail's reports");
		if (n == 0)
			return jail_err_set(e, -EIO, "the jail's process died while starting");
		if (m.type == JAIL_MSG_ERROR) {
			*e = m.err;
			if (e->code >= 0)
				e->code = -EIO;
			return e->code;
		}
		if (m.type == JAIL_MSG_READY)
			return 0;
	}
}

int jail_spawn_wait(struct jail_spawn *sp)
{
	siginfo_t si = {0};

	if (sp->pidfd < 0)
		return -ECHILD;
	while (waitid(P_PIDFD, (id_t)sp->pidfd, &si, WEXITED) < 0)
		if (errno != EINTR)
			return -errno;
	sp->pid = 0;
	return jail_status_from_siginfo(&si);
}

void jail_spawn_release(struct jail_spawn *sp)
{
	if (sp->sock >= 0)
		close(sp->sock);
	if (sp->pidfd >= 0)
		close(sp->pidfd);
	*sp = (struct jail_spawn)JAIL_SPAWN_INIT;
}

void jail_spawn_kill(struct jail_spawn *sp)
{
	if (sp->pid > 0 && sp->pidfd >= 0) {
		sys_pidfd_send_signal(sp->pidfd, SIGKILL, NULL, 0);
		jail_spawn_wait(sp);
	}
	jail_spawn_release(sp);
}
