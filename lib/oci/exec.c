/*
 * jail-oci exec: a process in a running container, the way jexec enters a
 * jail. A helper made by the spawn helper starts in the container's
 * cgroups, joins its namespaces through a pidfd of the container's process
 * (no pid can be reused under it) and forks the program into its PID
 * namespace; the program loads the jail's filters and bounding set first
 * (what the jail's init did), then becomes the process exactly as the
 * container's own did (core/cproc.c): the container's seccomp filter, the
 * process's user, capabilities, rlimits, cwd. The program's pid is learnt
 * from the credentials of its first message; with --detach the helper
 * leaves it to the caller's subreaper (conmon, containerd's shim) as soon
 * as it has exec'd.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/container.h"
#include "core/jinit.h"
#include "core/priv.h"
#include "core/spawn.h"
#include "core/sys.h"
#include "core/util.h"
#include "jail/oci.h"
#include "runtime_int.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct helper {
	int pidfd;
	bool detach, time_ns;
	const struct jail_priv *priv;
	const struct jail_seccomp *filters;
	const struct jail_container *ct;
	struct jail_container_exec x;
};

/* The program, in the container's PID namespace: lock down as the jail does, then become the process. */
static void __attribute__((noreturn)) program(struct helper *h, int sock)
{
	struct jail_err e = {0};
	char path[PATH_MAX], slave[64];
	int master = -1;

	if (jail_priv_lockdown(h->priv, h->filters, &e) < 0)
		jail_msg_fail(sock, &e, 127);
	if (jail_container_lookup(h->ct, h->x.p, h->x.env, path, sizeof(path), &e) < 0)
		jail_msg_fail(sock, &e, 127);
	if (h->x.p->terminal) {
		if (jail_container_pty(false, &master, slave, sizeof(slave), &e) < 0)
			jail_msg_fail(sock, &e, 127);
		h->x.tty = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (h->x.tty < 0) {
			jail_err_sys(&e, -errno, "%s", slave);
			jail_msg_fail(sock, &e, 127);
		}
	}
	/* Our pid reaches the caller in this message's credentials. */
	jail_msg_send(sock, JAIL_MSG_READY, 0, 0, NULL, master);
	if (master >= 0)
		close(master);
	h->x.path = path;
	h->x.report = sock;
	jail_container_become(&h->x, &e);
	jail_msg_fail(sock, &e, 127);
}

static void __attribute__((noreturn)) helper(void *arg, int sock)
{
	struct helper *h = arg;
	struct jail_err e = {0};
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    CLONE_NEWCGROUP | (h->time_ns ? CLONE_NEWTIME : 0);
	int st;

	prctl(PR_SET_DUMPABLE, 0);
	/* The exec stub, made while we are host root: the container may run it, not read or trace it. */
	if ((h->x.stub = jail_jinit_fd(&e)) < 0)
		jail_msg_fail(sock, &e, 127);
	/* The PID namespace first, as host root (the host's user namespace owns it), then the rest. */
	if (setns(h->pidfd, CLONE_NEWPID) < 0 || setns(h->pidfd, flags) < 0) {
		jail_err_sys(&e, -errno, "joining the container's namespaces");
		jail_msg_fail(sock, &e, 127);
	}
	close(h->pidfd);
	pid_t pid = fork();
	if (pid < 0) {
		jail_err_sys(&e, -errno, "fork");
		jail_msg_fail(sock, &e, 127);
	}
	if (pid == 0)
		program(h, sock);
	close(sock);
	if (h->detach)
		_exit(0);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			_exit(127);
	_exit(jail_status_decode(st));
}

/* The process: --process as given, else the container's with the command-line changes. */
static int exec_process(const struct oci_exec_opts *o, const struct oci_config *cfg, struct oci_process *p,
			char ***envv, struct jail_err *e)
{
	size_t n = 0, m = 0;

	if (o->p) {
		*p = *o->p;
	} else {
		*p = cfg->process;
		p->args = o->args;
		for (p->n_args = 0; o->args && o->args[p->n_args]; p->n_args++)
			;
		p->terminal = o->tty;
		if (o->cwd)
			p->cwd = (char *)o->cwd;
		if (o->has_user) {
			p->uid = o->uid;
			p->gid = o->gid;
			p->additional_gids = NULL;
			p->n_additional_gids = 0;
		}
		p->caps.bounding |= o->caps;
		p->caps.effective |= o->caps;
		p->caps.permitted |= o->caps;
		p->caps.inheritable |= o->caps;
		p->caps.ambient |= o->caps;
		p->no_new_privileges |= o->no_new_privs;
	}
	for (char **v = o->p ? NULL : o->env; v && *v; v++)
		m++;
	*envv = calloc(p->n_env + m + 1, sizeof(char *));
	if (!*envv)
		return jail_err_set(e, -ENOMEM, "out of memory");
	/* --env replaces a variable of the same name. */
	for (size_t i = 0; i < p->n_env; i++) {
		bool over = false;
		size_t k = strcspn(p->env[i], "=");
		for (size_t j = 0; j < m; j++)
			over |= !strncmp(o->env[j], p->env[i], k) && o->env[j][k] == '=';
		if (!over)
			(*envv)[n++] = p->env[i];
	}
	for (size_t j = 0; j < m; j++)
		(*envv)[n++] = o->env[j];
	if (p->terminal && !o->console)
		return jail_err_set(e, -EINVAL, "process.terminal is true: --console-socket is required");
	if (!p->n_args)
		return jail_err_set(e, -EINVAL, "process.args: empty");
	return 0;
}

/* Read the program's first word: READY with its pid (and pty), or its error. */
static int await_program(struct jail_spawn *sp, pid_t *pid, int *master, struct jail_err *e)
{
	struct jail_msg m;

	for (;;) {
		int n = jail_msg_recv(sp->sock, &m, master, pid);
		if (n == -ECONNRESET)
			continue;
		if (n <= 0)
			return jail_err_set(e, -EIO, "exec: the process died while starting");
		if (m.type == JAIL_MSG_ERROR) {
			*e = m.err;
			return e->code < 0 ? e->code : -EIO;
		}
		if (m.type == JAIL_MSG_READY)
			return 0;
	}
}

/* After READY: EOF when the exec happened (the socket is closed on exec), or the exec's error. */
static int await_exec(struct jail_spawn *sp, struct jail_err *e)
{
	struct jail_msg m;
	int n;

	while ((n = jail_msg_recv(sp->sock, &m, NULL, NULL)) > 0 || n == -ECONNRESET)
		if (n > 0 && m.type == JAIL_MSG_ERROR) {
			*e = m.err;
			return e->code < 0 ? e->code : -EIO;
		}
	return 0;
}

static int run(const struct oci_runtime *rt, struct oci_ctr *c, const struct oci_exec_opts *o,
	       struct oci_config *cfg, struct jail_err *e)
{
	struct jail_container ct = {
		.cfg = cfg, .id = c->st.id, .start_sock = -1, .bundlefd = -1, .statedir = -1};
	struct jail_seccomp filters = {0};
	struct jail_priv priv = {0};
	struct oci_bpf bpf = {0};
	struct oci_process p;
	char **envv = NULL;
	struct jail_spawn sp = JAIL_SPAWN_INIT;
	pid_t pid = 0;
	int master = -1, r;

	for (int i = 0; i < OCI_NS__COUNT; i++)
		ct.nsfd[i] = -1;
	r = exec_process(o, cfg, &p, &envv, e);
	/* The jail's privileges, as the container was made with; the process asks no more than that. */
	if (r == 0)
		r = jail_priv_from_params(&c->js.params, &priv, e);
	if (r == 0)
		r = jail_container_priv(&ct, &priv, e);
	for (int cap = 0; r == 0 && cap < 64; cap++) {
		uint64_t all = p.caps.bounding | p.caps.effective | p.caps.permitted | p.caps.inheritable |
			       p.caps.ambient;
		if ((all & (1ULL << cap)) && !(priv.caps & (1ULL << cap)))
			r = jail_err_set(e, -EPERM,
					 "process.capabilities: %s: not held by the container's jail",
					 oci_cap_name(cap) ? oci_cap_name(cap) : "unknown");
	}
	/* The container's own seccomp rules (no_setid, from its record). */
	priv.no_setid = c->js.no_setid;
	if (r == 0)
		r = jail_priv_compile(&priv, c->reg.dir, &filters, e);
	if (r == 0 && cfg->linux_.seccomp.set && (r = oci_seccomp_compile(&cfg->linux_.seccomp, &bpf, e)) < 0)
		jail_err_prefix(e, "linux.seccomp");
	if (r < 0)
		goto out;
	struct helper h = {
		.pidfd = c->pidfd,
		.detach = o->detach,
		.time_ns = cfg->linux_.ns[OCI_NS_TIME].present,
		.priv = &priv,
		.filters = &filters,
		.ct = &ct,
		.x = {.p = &p,
		      .env = envv,
		      .filter = &bpf,
		      .preserve_fds = o->preserve_fds,
		      .tty = -1,
		      .rlimits = true,
		      .personality = cfg->linux_.has_personality ? cfg->linux_.personality : ~0UL,
		      .report = -1,
		      .stub = -1},
	};
	struct jail_spawn_opts so = {.cg = &c->js.cg, .passcred = true, .child = helper, .arg = &h};
	if ((r = jail_spawn_start(&so, &sp, e)) < 0)
		goto out;
	r = await_program(&sp, &pid, &master, e);
	if (r == 0 && master >= 0)
		r = oci_console_send(o->console, master, c->st.id, e);
	if (r == 0)
		r = await_exec(&sp, e);
	if (r == 0 && o->pid_file)
		r = oci_write_pid_file(o->pid_file, pid, e);
	if (r < 0 && pid > 0)
		kill(pid, SIGKILL);
	{
		int status = jail_spawn_wait(&sp);
		if (r == 0 && !o->detach)
			r = status;
	}
out:
	if (master >= 0)
		close(master);
	jail_spawn_release(&sp);
	jail_seccomp_free(&filters);
	oci_bpf_free(&bpf);
	free(envv);
	(void)rt;
	return r;
}

int oci_exec(const struct oci_runtime *rt, const char *id, const struct oci_exec_opts *o, struct jail_err *e)
{
	struct oci_config cfg = {0};
	struct oci_ctr c;
	int r = oci_ctr_open(rt, id, false, true, &c, e);

	if (r == 0 && (c.st.status == OCI_STOPPED || c.pidfd < 0 || !c.has_jail))
		r = jail_err_set(e, -ESRCH, "cannot exec in container %s: it is stopped", id);
	if (r == 0 && c.st.status == OCI_PAUSED)
		r = jail_err_set(e, -EBUSY, "cannot exec in container %s: it is paused", id);
	if (r == 0)
		r = oci_ctr_config(&c, &cfg, e);
	if (r == 0)
		r = run(rt, &c, o, &cfg, e);
	oci_config_free(&cfg);
	oci_ctr_close(&c);
	return r;
}
