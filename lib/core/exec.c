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
#include "jinit.h"
#include "spawn.h"
#include "sys.h"
#include "util.h"

#define CLEAN_PATH JAIL_CLEAN_PATH

extern char **environ;

/* Set NAME=VALUE in x's own environment (replacing NAME), growing it as needed. */
static int env_put(struct jail_exec *x, const char *kv, struct jail_err *e)
{
	size_t klen = strcspn(kv, "="), n = 0;
	char *copy, **nv;

	if (strlen(kv) > JAIL_EXEC_ENV_VALUE_MAX)
		return jail_err_set(e, -E2BIG, "environment: '%.32s...': too long", kv);
	for (; x->envv && x->envv[n]; n++)
		if (!strncmp(x->envv[n], kv, klen) && x->envv[n][klen] == '=')
			break;
	if (!x->envv || !x->envv[n]) {
		if (n >= JAIL_EXEC_ENV_MAX)
			return jail_err_set(e, -E2BIG, "environment: more than %d variables",
					    JAIL_EXEC_ENV_MAX);
		nv = realloc(x->envv, (n + 2) * sizeof(*nv));
		if (!nv)
			return jail_err_set(e, -ENOMEM, "environment: out of memory");
		x->envv = nv;
		nv[n] = nv[n + 1] = NULL;
	}
	copy = strdup(kv);
	if (!copy)
		return jail_err_set(e, -ENOMEM, "environment: out of memory");
	free(x->envv[n]);
	x->envv[n] = copy;
	x->envp = x->envv;
	return 0;
}

static void env_clear(struct jail_exec *x)
{
	for (size_t i = 0; x->envv && x->envv[i]; i++)
		free(x->envv[i]);
	free(x->envv);
	x->envv = NULL;
	if (x->envp != environ)
		x->envp = NULL;
}

void jail_exec_free(struct jail_exec *x)
{
	env_clear(x);
	x->envp = NULL;
}

int jail_exec_setenv(struct jail_exec *x, const char *kv, struct jail_err *e)
{
	if (!strchr(kv, '=') || kv[0] == '=')
		return jail_err_set(e, -EINVAL, "-e %s: not NAME=VALUE", kv);
	if (x->envp != x->envv || !x->envv) {
		/* Copy the inherited environment so that it can be changed. */
		env_clear(x);
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
	struct jail_user u;

	int r = user ? jail_user_lookup(rootfd, root, user, &u, e) : jail_user_root(rootfd, root, &u, e);

	if (r < 0)
		return r;
	return jail_exec_identity_user(x, &u, clean, e);
}

int jail_exec_identity_user(struct jail_exec *x, const struct jail_user *u, bool clean, struct jail_err *e)
{
	const char *term = getenv("TERM");
	char kv[512];
	int r;

	x->user = *u;
	if (!clean) {
		x->envp = environ;
		return 0;
	}
	/* exec.clean: HOME, SHELL, TERM, USER and the login PATH, as FreeBSD. */
	env_clear(x);
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

unsigned jail_exec_tty_fds(void)
{
	unsigned m = 0;

	for (int i = 0; i < 3; i++)
		if (isatty(i))
			m |= 1u << i;
	return m;
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
	jail_msg_fail(sock, e, 127);
}

void jail_exec_become(const struct jail_exec *x, const struct jail_priv *priv, int sock, int stub)
{
	struct jail_err e = {0};
	const struct jail_user *u = &x->user;

	if (setsid() < 0) {
		jail_err_sys(&e, -errno, "setsid");
		fail(sock, &e);
	}
	if (x->pty_fds) {
		int fd = open(x->slave, O_RDWR);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) {
			jail_err_sys(&e, -errno, "%s", x->slave);
			fail(sock, &e);
		}
		for (int i = 0; i < 3; i++)
			if (x->pty_fds & (1u << i))
				dup2(fd, i);
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
	/* Nothing of the host's follows the command: every fd above 2 goes (the socket and stub are CLOEXEC). */
	int lo = stub >= 0 && stub < sock ? stub : sock, hi = stub > sock ? stub : sock;
	sys_close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		sys_close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	sys_close_range((unsigned)hi + 1, ~0U, 0);
	/* Through jinit from a sealed memfd: the program is never exec'd by a host binary (CVE-2019-5736). */
	if (stub < 0)
		stub = jail_jinit_fd(&e);
	if (stub >= 0)
		jail_jinit_exec(stub, sock, x->exec_path, x->argv, x->envp, &e);
	fail(sock, &e);
}
