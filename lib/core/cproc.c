/*
 * A container's process, last steps in the container (see container.h):
 * finding the executable in the container's root, its terminal, and
 * becoming it. The order is runc's and the kernel's: signals reset, limits
 * and umask, noNewPrivileges, the config's seccomp filter while CAP_SYS_ADMIN
 * is still held (or last, with noNewPrivileges), the bounding set dropped,
 * user and groups with the capabilities kept across setresuid, the
 * effective, permitted, inheritable and ambient sets, cwd (checked: a cwd
 * outside the root is CVE-2024-21626), and every fd but stdio and the
 * preserved ones closed at exec. The jail's own filters were loaded before
 * (priv.c): the kernel applies the stricter answer, so a container never
 * gets more than a jail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container.h"
#include "exec.h"
#include "jinit.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static bool executable(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 0111);
}

int jail_container_lookup(const struct jail_container *ct, const struct oci_process *p, char **env,
			  char *path, size_t len, struct jail_err *e)
{
	const char *name = p->n_args ? p->args[0] : NULL, *pathvar = DEFAULT_PATH;

	if (!name || !*name)
		return jail_err_set(e, -EINVAL, "process.args: empty");
	if (strchr(name, '/')) {
		const char *cwd = p->cwd && *p->cwd ? p->cwd : "/";
		if (name[0] == '/')
			snprintf(path, len, "%s", name);
		else
			snprintf(path, len, "%s/%s", cwd, name);
		if (!executable(path))
			return jail_err_set(e, errno ? -errno : -EACCES, "exec: \"%s\": %s", name,
					    errno == ENOENT ? "no such file or directory"
							    : "permission denied");
		return 0;
	}
	for (char **v = env; v && *v; v++)
		if (!strncmp(*v, "PATH=", 5))
			pathvar = *v + 5;
	char *copy = strdup(pathvar), *save = NULL;
	if (!copy)
		return jail_err_set(e, -ENOMEM, "out of memory");
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/%s", *d ? d : ".", name);
		if (executable(path)) {
			free(copy);
			return 0;
		}
	}
	free(copy);
	return jail_err_set(e, -ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

int jail_container_pty(bool bind_console, int *master, char *slave, size_t len, struct jail_err *e)
{
	int r = jail_pty_open(master, slave, len, e);

	if (r < 0 || !bind_console)
		return r;
	/* /dev/console is the process's terminal, as runc and crun make it. */
	int fd = open("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	if (fd < 0 || mount(slave, "/dev/console", NULL, MS_BIND, NULL) < 0) {
		r = jail_err_sys(e, -errno, "/dev/console");
		close(*master);
		*master = -1;
	}
	return r;
}

static int caps_set(const struct oci_caps *c, struct jail_err *e)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2] = {{0}};

	d[0].effective = (uint32_t)c->effective;
	d[1].effective = (uint32_t)(c->effective >> 32);
	d[0].permitted = (uint32_t)c->permitted;
	d[1].permitted = (uint32_t)(c->permitted >> 32);
	d[0].inheritable = (uint32_t)c->inheritable;
	d[1].inheritable = (uint32_t)(c->inheritable >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return jail_err_sys(e, -errno, "process.capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return jail_err_sys(e, -errno, "process.capabilities.ambient");
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		/* The kernel raises only what is permitted and inheritable; the rest is not an error (as crun). */
		if ((c->ambient & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0) < 0 &&
		    errno != EPERM && errno != EINVAL)
			return jail_err_sys(e, -errno, "process.capabilities.ambient: %s", oci_cap_name(cap));
	return 0;
}

static int identity(const struct oci_process *p, struct jail_err *e)
{
	if (p->caps.set) {
		for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
			if (!(p->caps.bounding & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
			    errno != EINVAL)
				return jail_err_sys(e, -errno, "process.capabilities.bounding");
	}
	/* Keep the permitted set across setresuid: the sets below are set from it. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return jail_err_sys(e, -errno, "keepcaps");
	if (setgroups(p->n_additional_gids, p->additional_gids) < 0)
		return jail_err_sys(e, -errno, "process.user.additionalGids");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return jail_err_sys(e, -errno, "process.user.gid: %u", p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return jail_err_sys(e, -errno, "process.user.uid: %u", p->uid);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return p->caps.set ? caps_set(&p->caps, e) : 0;
}

static int scheduling(const struct oci_process *p, struct jail_err *e)
{
	if (p->has_io_priority &&
	    syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (p->io_class << 13) | p->io_priority) < 0)
		return jail_err_sys(e, -errno, "process.ioPriority");
	if (p->sched.set) {
		struct {
			uint32_t size, policy;
			uint64_t flags;
			int32_t nice;
			uint32_t priority;
			uint64_t runtime, deadline, period;
		} a = {sizeof(a),
		       (uint32_t)p->sched.policy,
		       p->sched.flags,
		       p->sched.nice,
		       (uint32_t)p->sched.priority,
		       p->sched.runtime,
		       p->sched.deadline,
		       p->sched.period};
		if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
			return jail_err_sys(e, -errno, "process.scheduler");
	}
	return 0;
}

int jail_container_become(const struct jail_container_exec *x, struct jail_err *e)
{
	const struct oci_process *p = x->p;
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	bool filter = x->filter && x->filter->len;
	sigset_t none;
	char cwd[PATH_MAX];
	int stub = x->stub >= 0 ? x->stub : jail_jinit_fd(e), r;

	if (stub < 0)
		return stub;
	/* Out of the preserved range, where it would follow the process. */
	if (stub < 3 + x->preserve_fds) {
		int hi = fcntl(stub, F_DUPFD_CLOEXEC, 3 + x->preserve_fds);
		if (hi < 0)
			return jail_err_sys(e, -errno, "jinit");
		close(stub);
		stub = hi;
	}
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; x->rlimits && i < p->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return jail_err_sys(e, -errno, "process.rlimits[%zu]", i);
	}
	if (x->tty >= 0) {
		(void)setsid();
		if (ioctl(x->tty, TIOCSCTTY, 0) < 0)
			return jail_err_sys(e, -errno, "process.terminal");
		if (p->has_console_size) {
			struct winsize ws = {.ws_row = (unsigned short)p->console_height,
					     .ws_col = (unsigned short)p->console_width};
			ioctl(x->tty, TIOCSWINSZ, &ws);
		}
		for (int i = 0; i < 3; i++)
			if (dup2(x->tty, i) < 0)
				return jail_err_sys(e, -errno, "process.terminal");
		if (x->tty > 2)
			close(x->tty);
	}
	umask(p->has_umask ? (mode_t)p->umask : 022);
	if (x->personality != ~0UL && personality(x->personality) < 0)
		return jail_err_sys(e, -errno, "linux.personality");
	if ((r = scheduling(p, e)) < 0)
		return r;
	/* The working directory first, as root, before a filter might deny getcwd. */
	if (chdir(p->cwd && *p->cwd ? p->cwd : "/") < 0)
		return jail_err_sys(e, -errno, "process.cwd: %s", p->cwd ? p->cwd : "/");
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/')
		return jail_err_set(e, -EPERM, "process.cwd: outside the container");
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return jail_err_sys(e, -errno, "process.noNewPrivileges");
	/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: before the user changes. */
	if (filter && !p->no_new_privileges && (r = oci_seccomp_load(x->filter, e)) < 0)
		return jail_err_prefix(e, "linux.seccomp");
	if ((r = identity(p, e)) < 0)
		return r;
	if (filter && p->no_new_privileges && (r = oci_seccomp_load(x->filter, e)) < 0)
		return jail_err_prefix(e, "linux.seccomp");
	/* stdio and the preserved fds are the process's; nothing else of ours follows it. */
	for (int fd = 3; fd < 3 + x->preserve_fds; fd++)
		fcntl(fd, F_SETFD, 0);
	syscall(SYS_close_range, 3 + x->preserve_fds, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */);
	return jail_jinit_exec(stub, x->report, x->path, p->args, x->env, e);
}
