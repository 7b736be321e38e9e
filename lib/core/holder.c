/*
 * The holder (see holder.h). Its side is a function run on its own stack in
 * our memory: it may use nothing of libc that writes memory we read (errno
 * included), so it speaks raw system calls, and everything it needs is
 * prepared in struct jail_holder before it is cloned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "holder.h"
#include "sys.h"

#define HOLDER_STACK (64 * 1024)

/* Its answers: which step failed (0: none) and the kernel's errno; the first says its namespaces are made. */
struct answer {
	int step, err;
};
enum { H_OK, H_OWNER, H_JOIN, H_UNSHARE, H_ROOT, H_LIMIT };

/* What the holder reads: a copy at the bottom of its stack, which we never write while it runs. */
struct args {
	int peer;
	int join;   /* a user namespace to join first, or -1 */
	int parent; /* our creator's pid: the holder goes with it */
	bool ro_ok;
	unsigned owner;
	unsigned long long flags;
	char limit[24];
};

static void say(const struct args *h, int step, long r)
{
	struct answer a = {step, (int)-r};

	sys_raw(SYS_write, h->peer, (long)&a, sizeof(a), 0);
}

static int holder_fn(void *arg)
{
	const struct args *h = arg;
	struct answer a = {H_OK, 0};
	char go;
	long r, fd;

	/* The user namespace we are to join, before its fd goes with the rest. */
	if (h->join >= 0 && (r = sys_raw(SYS_setns, h->join, CLONE_NEWUSER, 0, 0)) < 0) {
		say(h, H_JOIN, r);
		return 1;
	}
	/* Nothing of the creator's but our end: its other end closing is how we learn it went. */
	if (h->peer > 0)
		sys_raw(SYS_close_range, 0, h->peer - 1, 0, 0);
	sys_raw(SYS_close_range, h->peer + 1, ~0U, 0, 0);
	sys_raw(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	/* Host root no more: the namespaces are the owner's (holder.h). Ours only, not the creator's: raw calls. */
	if (h->owner && ((r = sys_raw(SYS_setgroups, 0, 0, 0, 0)) < 0 ||
			 (r = sys_raw(SYS_setresgid, h->owner, h->owner, h->owner, 0)) < 0 ||
			 (r = sys_raw(SYS_setresuid, h->owner, h->owner, h->owner, 0)) < 0)) {
		say(h, H_OWNER, r);
		return 1;
	}
	/* A change of uid clears the parent-death signal: again, and the creator may have gone meanwhile. */
	sys_raw(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	if (sys_raw(SYS_getppid, 0, 0, 0, 0) != h->parent)
		return 1;
	if (h->flags && (r = sys_raw(SYS_unshare, (long)h->flags, 0, 0, 0)) < 0) {
		say(h, H_UNSHARE, r);
		return 1;
	}
	say(h, H_OK, 0);
	if (sys_raw(SYS_read, h->peer, (long)&go, 1, 0) != 1)
		return 1;
	r = sys_raw(SYS_setresgid, 0, 0, 0, 0);
	if (r == 0)
		r = sys_raw(SYS_setresuid, 0, 0, 0, 0);
	sys_raw(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	if (r < 0) {
		a = (struct answer){H_ROOT, (int)-r};
	} else if (h->limit[0]) {
		/* children.max, kept by the kernel: user namespaces the jail (and its jails) may make. */
		fd = sys_raw(SYS_openat, AT_FDCWD, (long)"/proc/sys/user/max_user_namespaces",
			     O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
		r = fd < 0 ? fd : sys_raw(SYS_write, fd, (long)h->limit, (long)strlen(h->limit), 0);
		if (fd >= 0)
			sys_raw(SYS_close, fd, 0, 0, 0);
		/* In a jail /proc/sys is read-only: the parent's limit, which counts ours, holds. */
		if (r < 0 && !(r == -EROFS && h->ro_ok))
			a = (struct answer){H_LIMIT, (int)-r};
	}
	sys_raw(SYS_write, h->peer, (long)&a, sizeof(a), 0);
	return a.step != H_OK;
}

int jail_holder_start(struct jail_holder *h, unsigned long long flags, int join, uid_t owner,
		      long children_max, bool ro_ok, struct jail_err *e)
{
	int sv[2];
	long pid;

	*h = (struct jail_holder)JAIL_HOLDER_INIT;
	if (children_max >= 0)
		snprintf(h->limit, sizeof(h->limit), "%ld\n", children_max);
	h->ro_ok = ro_ok;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return jail_err_sys(e, -errno, "socketpair");
	h->sock = sv[0];
	h->peer = sv[1];
	h->stack = mmap(NULL, HOLDER_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
			-1, 0);
	if (h->stack == MAP_FAILED) {
		h->stack = NULL;
		jail_holder_reap(h);
		return jail_err_sys(e, -errno, "the holder's stack");
	}
	struct args *a = h->stack;
	*a = (struct args){.peer = h->peer,
			   .join = join,
			   .parent = (int)getpid(),
			   .ro_ok = ro_ok,
			   .owner = owner,
			   .flags = flags};
	snprintf(a->limit, sizeof(a->limit), "%s", h->limit);
	/* glibc's clone: the child runs holder_fn on its stack and exits with its value. */
	pid = clone(holder_fn, (char *)h->stack + HOLDER_STACK, CLONE_VM | CLONE_PIDFD | SIGCHLD, a,
		    &h->pidfd);
	if (pid < 0) {
		int r = -errno;
		jail_holder_reap(h);
		return jail_err_sys(e, r, "clone");
	}
	h->pid = (pid_t)pid;
	/* It has its own copy: ours goes, so that nothing cloned after it holds one and its end is seen. */
	close(h->peer);
	h->peer = -1;
	return 0;
}

static int answer(struct jail_holder *h, struct jail_err *e)
{
	struct answer a;
	ssize_t n;

	do
		n = read(h->sock, &a, sizeof(a));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(a))
		return jail_err_set(e, -EIO, "the jail's process died while starting");
	switch (a.step) {
	case H_OWNER:
		return jail_err_sys(e, -a.err, "becoming the owner of the jail's user namespace");
	case H_JOIN:
		return jail_err_sys(e, -a.err, "linux.namespaces: user: joining the namespace");
	case H_UNSHARE:
		/* What FreeBSD's jail(8) says when the kernel refuses a child jail (without the jail's name). */
		if (a.err == ENOSPC || a.err == EUSERS)
			return jail_err_set(e, -EUSERS, "prison limit exceeded");
		if ((a.err == EPERM || a.err == ENOSYS) && h->ro_ok)
			return jail_err_set(e, -EUSERS, "jail_set: Operation not permitted");
		return jail_err_sys(e, -a.err, "the jail's user namespace");
	case H_ROOT:
		return jail_err_sys(e, -a.err, "becoming root of the jail's user namespace");
	case H_LIMIT:
		return jail_err_sys(e, -a.err, "children.max: user.max_user_namespaces");
	}
	return 0;
}

int jail_holder_made(struct jail_holder *h, struct jail_err *e)
{
	int r = answer(h, e);

	h->made = r == 0;
	return r;
}

int jail_holder_go(struct jail_holder *h, struct jail_err *e)
{
	if (write(h->sock, "g", 1) != 1)
		return jail_err_sys(e, -errno, "the jail's user namespace");
	return 0;
}

int jail_holder_await(struct jail_holder *h, struct jail_err *e)
{
	return answer(h, e);
}

void jail_holder_reap(struct jail_holder *h)
{
	siginfo_t si;

	if (h->pidfd >= 0) {
		while (waitid(P_PIDFD, (id_t)h->pidfd, &si, WEXITED) < 0 && errno == EINTR)
			;
		close(h->pidfd);
	}
	/* Its stack is ours again only once it has gone. */
	if (h->stack)
		munmap(h->stack, HOLDER_STACK);
	if (h->sock >= 0)
		close(h->sock);
	if (h->peer >= 0)
		close(h->peer);
	*h = (struct jail_holder)JAIL_HOLDER_INIT;
}

void jail_holder_kill(struct jail_holder *h)
{
	if (h->pidfd >= 0)
		sys_pidfd_send_signal(h->pidfd, SIGKILL, NULL, 0);
	jail_holder_reap(h);
}
