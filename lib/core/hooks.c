/*
 * exec.* commands, as FreeBSD's command.c runs them. Host commands are
 * forked and exec'd with the caller's environment plus JID, JNAME and JPATH
 * (exec.clean: a clean one in the user's home), as exec.system_user when
 * set; jail commands go through the jexec path, so they get exactly the
 * jail's namespaces, cgroups and privileges, as exec.jail_user (a host user
 * with exec.system_jail_user). Each has exec.timeout seconds when set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "exec.h"
#include "spawn.h"
#include "cleanup.h"
#include "hooks.h"
#include "sys.h"

static const enum jail_param_id hook_ids[] = {
	JP_EXEC_PREPARE, JP_EXEC_PRESTART, JP_EXEC_CREATED,  JP_EXEC_START,   JP_EXEC_POSTSTART,
	JP_EXEC_PRESTOP, JP_EXEC_STOP,	   JP_EXEC_POSTSTOP, JP_EXEC_RELEASE,
};

bool jail_hooks_any(const struct jail_params *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(hook_ids); i++)
		if (jail_params_get(p, hook_ids[i])->n > 0)
			return true;
	return false;
}

int jail_hook_argv(const char *cmd, char *buf, size_t buflen, char **argv, int max)
{
	int n = 0;

	if (strlen(cmd) + 1 > buflen)
		return -E2BIG;
	strcpy(buf, cmd);
	if (strpbrk(cmd, "!\"$&'()*;<>?[\\]`{|}~")) {
		argv[0] = "/bin/sh";
		argv[1] = "-c";
		argv[2] = buf;
		argv[3] = NULL;
		return 3;
	}
	for (char *save = NULL, *w = strtok_r(buf, " \t\n", &save); w && n < max - 1;
	     w = strtok_r(NULL, " \t\n", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return n;
}

static bool in_jail(enum jail_param_id id)
{
	return id == JP_EXEC_START || id == JP_EXEC_STOP || id == JP_COMMAND;
}

static long timeout_ms(const struct jail_params *p)
{
	return jail_params_isset(p, JP_EXEC_TIMEOUT) ? jail_params_int(p, JP_EXEC_TIMEOUT) * 1000 : -1;
}

struct host_cmd {
	const struct jail_hook_ctx *c;
	char **argv;
	bool clean;   /* exec.clean */
	bool as_user; /* exec.system_user */
	struct jail_user u;
};

/*
 * A host command: the caller's environment plus JID, JNAME and JPATH; with
 * exec.clean only PATH, TERM, USER, LOGNAME, HOME and SHELL, in the user's
 * home; as exec.system_user with its groups when that is set.
 */
static void __attribute__((noreturn)) host_child(void *arg, int sock)
{
	const struct host_cmd *h = arg;
	struct jail_err e = {0};
	char jid[16];
	sigset_t none;

	if (h->clean) {
		const char *t = getenv("TERM");
		char *term = t ? strdup(t) : NULL;
		clearenv();
		setenv("PATH", JAIL_CLEAN_PATH, 1);
		if (term)
			setenv("TERM", term, 1);
		free(term);
	}
	if (h->clean || h->as_user) {
		setenv("USER", h->u.name, 1);
		setenv("LOGNAME", h->u.name, 1);
		setenv("HOME", h->u.home, 1);
		setenv("SHELL", h->u.shell, 1);
	}
	if (!h->clean) {
		snprintf(jid, sizeof(jid), "%d", h->c->st->jid);
		setenv("JID", jid, 1);
		setenv("JNAME", h->c->st->name, 1);
		setenv("JPATH", h->c->path ? h->c->path : "/", 1);
	}
	if (h->as_user && (setgroups((size_t)h->u.ngroups, h->u.groups) < 0 || setgid(h->u.gid) < 0 ||
			   setuid(h->u.uid) < 0)) {
		jail_err_sys(&e, -errno, "setusercontext %s", h->u.name);
		jail_msg_fail(sock, &e, 127);
	}
	if (h->clean && chdir(h->u.home) < 0) {
		jail_err_sys(&e, -errno, "chdir %s", h->u.home);
		jail_msg_fail(sock, &e, 127);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(h->argv[0], h->argv);
	jail_err_sys(&e, -errno, "exec %s", h->argv[0]);
	jail_msg_fail(sock, &e, 127);
}

static int run_host(const struct jail_hook_ctx *c, const char *cmd, char **argv, int *status,
		    struct jail_err *e)
{
	const char *user = jail_params_str(c->p, JP_EXEC_SYSTEM_USER);
	struct host_cmd h = {.c = c,
			     .argv = argv,
			     .clean = jail_params_bool(c->p, JP_EXEC_CLEAN),
			     .as_user = user != NULL};
	struct jail_spawn_opts so = {.child = host_child, .arg = &h};
	struct jail_spawn sp;
	struct jail_msg m;
	long t = timeout_ms(c->p);
	int ret = 0;

	/* Looked up here, not in the child: the host's NSS belongs in the host process. */
	if (h.clean || h.as_user)
		ret = jail_user_host(user, &h.u, e);
	if (ret == 0)
		ret = jail_spawn_start(&so, &sp, e);
	if (ret < 0)
		return ret;
	/* The socket closes on exec: end of file means the command runs. */
	if (jail_msg_recv(sp.sock, &m, NULL, NULL) > 0 && m.type == JAIL_MSG_ERROR) {
		*e = m.err;
		ret = e->code < 0 ? e->code : -EIO;
	}
	if (ret == 0 && t >= 0) {
		struct pollfd pf = {sp.pidfd, POLLIN, 0};
		int r;
		while ((r = poll(&pf, 1, (int)t)) < 0 && errno == EINTR)
			;
		if (r == 0) {
			jail_spawn_kill(&sp);
			*status = 128 + SIGKILL;
			return jail_err_set(e, -ETIMEDOUT, "%s: timed out", cmd);
		}
	}
	*status = jail_spawn_wait(&sp);
	jail_spawn_release(&sp);
	return ret;
}

/*
 * exec.consolelog often lies in the jail's root, whose directories the
 * jailed root controls: no symlink on the way (else /var/log -> /etc/cron.d
 * has host root write what the jail prints where it likes), never blocking
 * (a FIFO), and a regular file only (issue 10).
 */
static int open_consolelog(const char *log, struct jail_err *e)
{
	struct open_how how = {.flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
					O_NOCTTY,
			       .mode = 0600,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	struct stat st;
	int fd = sys_openat2(AT_FDCWD, log, &how, sizeof(how));

	if (fd < 0 && errno == ELOOP)
		return jail_err_set(e, -ELOOP,
				    "exec.consolelog: %s: a symbolic link on the way; give the real path",
				    log);
	if (fd < 0)
		return jail_err_sys(e, -errno, "exec.consolelog: %s", log);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return jail_err_set(e, -EINVAL, "exec.consolelog: %s: not a regular file", log);
	}
	return fd;
}

/* In the jail, through the jexec path; output to exec.consolelog if set. */
static int run_jail(const struct jail_hook_ctx *c, const char *cmd, char **argv, int *status,
		    struct jail_err *e)
{
	const char *log = jail_params_str(c->p, JP_EXEC_CONSOLELOG);
	const char *user = jail_params_str(c->p, JP_EXEC_JAIL_USER);
	bool host_user = jail_params_bool(c->p, JP_EXEC_SYSTEM_JAIL_USER);
	struct jail_attach_opts o = {.clean = jail_params_bool(c->p, JP_EXEC_CLEAN),
				     .jail_user = host_user ? NULL : user,
				     .host_user = host_user ? user : NULL,
				     .argv = argv,
				     .timeout_ms = timeout_ms(c->p)};
	int saved[2] = {-1, -1}, ret;

	if (log) {
		int fd = open_consolelog(log, e);
		if (fd < 0)
			return fd;
		fflush(stdout);
		fflush(stderr);
		saved[0] = dup(STDOUT_FILENO);
		saved[1] = dup(STDERR_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	ret = jail_attach(c->reg, c->st, c->p, &o, e);
	if (log) {
		dup2(saved[0], STDOUT_FILENO);
		dup2(saved[1], STDERR_FILENO);
		close(saved[0]);
		close(saved[1]);
	}
	if (ret == -ETIMEDOUT)
		return jail_err_set(e, ret, "%s: timed out", cmd);
	if (ret < 0)
		return ret;
	*status = ret;
	return 0;
}

/* The words as one line, FreeBSD's comline: what -v and the failure messages show. */
static void comline(char *const *argv, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i] && n + 1 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", argv[i]);
}

/* -v: "run command[ in jail][ as USER]: LINE" (command.c's jail_note). */
static void report_command(const struct jail_hook_ctx *c, enum jail_param_id id, const char *line)
{
	bool injail = in_jail(id);
	const char *user = jail_params_str(c->p, injail ? JP_EXEC_JAIL_USER : JP_EXEC_SYSTEM_USER);
	char text[600];

	if (!c->o || !c->o->report)
		return;
	snprintf(text, sizeof(text), "run command%s%s%s: %s", injail ? " in jail" : "", user ? " as " : "",
		 user ? user : "", line);
	c->o->report(c->o->arg, JAIL_REPORT_STEP, c->st->jid, c->st->name, text);
}

int jail_hooks_run(const struct jail_hook_ctx *c, enum jail_param_id id, int *status, struct jail_err *e)
{
	const struct jail_param_val *v = jail_params_get(c->p, id);
	char buf[8192], line[512], *argv[256];
	int ret;

	*status = 0;
	for (size_t i = 0; i < v->n; i++) {
		/* command= is already a word list; exec.* strings follow FreeBSD's rule. */
		char **args;
		if (id == JP_COMMAND) {
			args = v->v;
			i = v->n;
		} else {
			if (!v->v[i][0])
				continue;
			if (jail_hook_argv(v->v[i], buf, sizeof(buf), argv, (int)ARRAY_SIZE(argv)) <= 0)
				return jail_err_set(e, -E2BIG, "%s: command too long",
						    jail_param_defs[id].name);
			args = argv;
		}
		comline(args, line, sizeof(line));
		report_command(c, id, line);
		ret = in_jail(id) ? run_jail(c, line, args, status, e) : run_host(c, line, args, status, e);
		if (ret < 0)
			return ret;
		if (*status != 0 && id != JP_COMMAND)
			return jail_err_set(e, -ECANCELED, "%s: failed", line);
	}
	return 0;
}
