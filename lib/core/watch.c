/*
 * The watcher of a jail that outlives its creator without persist (its
 * command left daemons behind, or jail -m nopersist): a detached process,
 * in a session of its own and deaf to the terminal's hangup, that waits for
 * the jail's init to end and then cleans up after it as jail -r would.
 * It keeps no file of its creator's open but the init's pidfd and the
 * registry directory, so nothing waits on it for end of file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "remove.h"
#include "sys.h"

static void __attribute__((noreturn)) watch(struct jail_registry reg, const struct jail_state *st, int pidfd)
{
	struct pollfd pf;
	int null;

	signal(SIGHUP, SIG_IGN);
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	/* Only the pidfd and the registry directory stay, as fds 3 and 4. */
	if (dup2(pidfd, 3) < 0 || dup2(reg.dirfd, 4) < 0)
		_exit(1);
	sys_close_range(5, ~0U, 0);
	reg.dirfd = 4;
	reg.lockfd = -1;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	pf = (struct pollfd){3, POLLIN, 0};
	while (poll(&pf, 1, -1) < 0 && errno == EINTR)
		;
	jail_cleanup(&reg, st, NULL);
	_exit(0);
}

int jail_watch(struct jail_registry *reg, const struct jail_state *st, int pidfd, struct jail_err *e)
{
	sigset_t hup, old;
	int status = 0;
	pid_t pid;

	/* Blocked from before the fork: a hangup now must not reach the watcher before it ignores it. */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigprocmask(SIG_BLOCK, &hup, &old);
	pid = fork();
	if (pid == 0) {
		/* Twice, so that the watcher is nobody's child to wait for. */
		pid_t w = fork();
		if (w == 0)
			watch(*reg, st, pidfd);
		_exit(w < 0 ? 1 : 0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return jail_err_sys(e, -errno, "starting the jail's watcher");
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return jail_err_sys(e, -errno, "starting the jail's watcher");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return jail_err_set(e, -EAGAIN, "starting the jail's watcher: fork failed");
	return 0;
}
