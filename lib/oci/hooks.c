/*
 * OCI hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle"):
 * each hook runs with the container's state JSON on stdin, its own env as
 * the whole environment and args as argv, and is killed when its timeout
 * passes. A failing prestart, createRuntime, createContainer or
 * startContainer hook fails the operation; a failing poststart or poststop
 * hook is a warning and the rest still run. Where a hook runs (runtime or
 * container namespace) is the caller's business: this runs it where the
 * caller is.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/sys.h"
#include "core/util.h"
#include "jail/oci.h"

/* Write the state to the hook's stdin without dying of SIGPIPE when the
 * hook does not read it. */
static void feed(int fd, const char *s)
{
	sigset_t pipe_set, old;
	struct timespec zero = {0, 0};

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	(void)write_all(fd, s, strlen(s));
	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Wait for pid, at most timeout seconds (0: forever). 0 or -ETIMEDOUT. */
static int wait_hook(pid_t pid, int timeout, int *status)
{
	int pfd = sys_pidfd_open(pid, 0), r = 0;

	if (pfd >= 0 && timeout > 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		struct timespec t0, t1;
		long left = timeout * 1000L;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (;;) {
			int n = poll(&p, 1, (int)left);

			if (n > 0)
				break;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			left = timeout * 1000L -
			       ((t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L);
			if ((n == 0 || (n < 0 && errno != EINTR)) || left <= 0) {
				if (n == 0 || left <= 0) {
					sys_pidfd_send_signal(pfd, SIGKILL, NULL, 0);
					r = -ETIMEDOUT;
				}
				break;
			}
		}
	}
	if (pfd >= 0)
		close(pfd);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return r;
}

static int run_one(const struct oci_hook *h, const char *kind, const char *state, struct jail_err *e)
{
	static char *const no_env[] = {NULL};
	char *argv0[] = {h->path, NULL};
	int p[2], status = 0, r;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return jail_err_sys(e, -errno, "%s hook %s: pipe", kind, h->path);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		return jail_err_sys(e, r, "%s hook %s: fork", kind, h->path);
	}
	if (pid == 0) {
		if (dup2(p[0], 0) < 0)
			_exit(127);
		/* Nothing of the runtime but stdio reaches the hook. */
		sys_close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		signal(SIGPIPE, SIG_DFL);
		execve(h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : no_env);
		_exit(127);
	}
	close(p[0]);
	/* The state fits the pipe, so a hook that never reads cannot block
	 * the runtime past its timeout; more than 1 MiB is cut. */
	if (state && strlen(state) + 1 > 65536)
		fcntl(p[1], F_SETPIPE_SZ, strlen(state) + 1 < (1 << 20) ? (int)strlen(state) + 1 : 1 << 20);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	feed(p[1], state ? state : "{}");
	close(p[1]);
	r = wait_hook(pid, h->timeout, &status);
	if (r == -ETIMEDOUT)
		return jail_err_set(e, r, "%s hook %s: timed out after %d s", kind, h->path, h->timeout);
	if (r < 0)
		return jail_err_sys(e, r, "%s hook %s: wait", kind, h->path);
	if (WIFSIGNALED(status))
		return jail_err_set(e, -ECHILD, "%s hook %s: killed by signal %d", kind, h->path,
				    WTERMSIG(status));
	if (WEXITSTATUS(status) == 127)
		return jail_err_set(e, -ENOEXEC, "%s hook %s: could not be run (exit status 127)", kind,
				    h->path);
	if (WEXITSTATUS(status))
		return jail_err_set(e, -ECHILD, "%s hook %s: exited with status %d", kind, h->path,
				    WEXITSTATUS(status));
	return 0;
}

int oci_hooks_run(const struct oci_hook_list *l, enum oci_hook_kind kind, const char *state_json,
		  void (*warn)(void *arg, const char *msg), void *warn_arg, struct jail_err *e)
{
	const char *name = oci_hook_kind_name(kind);

	for (size_t i = 0; l && i < l->n; i++) {
		struct jail_err we = {0};
		int r = run_one(&l->v[i], name, state_json, oci_hook_kind_fatal(kind) ? e : &we);

		if (r < 0 && oci_hook_kind_fatal(kind))
			return r;
		if (r < 0 && warn)
			warn(warn_arg, we.msg);
	}
	return 0;
}
