/*
 * The create path (DESIGN.md §4): validate, reserve name and JID, make the
 * host-side pieces (cgroups), clone the jail's init into new namespaces,
 * finish from the parent what only it can do (uid/gid maps, cgroup joins),
 * then let the child build its root, lock itself down and start the command.
 * Every host-side step has its undo in struct run; any failure, in parent or
 * child, walks them back so that a failed create leaves nothing behind.
 * After creation the jail lives on its own: jail -c returns when its command
 * ends (or at once for a persistent jail without one).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "init.h"
#include "jail/jail.h"
#include "hooks.h"
#include "lifecycle.h"
#include "net/net.h"
#include "net/netaddr.h"
#include "thin.h"
#include "jail/param.h"
#include "preflight.h"
#include "priv.h"
#include "rctl/rctl.h"
#include "registry.h"
#include "sys.h"
#include "util.h"
#include "net/vnet.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* Everything the create path made, so that it can be undone. */
struct run {
	struct jail_params *p;
	const struct jail_run_opts *o;
	struct jail_registry reg;
	struct jail_state st;
	bool reserved;
	int rootfd;
	int sock[2];
	int pidfd;
	pid_t pid;
	char path[PATH_MAX];
	struct jail_init_spec spec;
	const char *fault;
	struct netaddr addrs[NET_JAIL_MAX_ADDRS];
	int naddrs;
	struct jail_mount mounts[JAIL_MOUNTS_MAX];
	struct jail_thin thin;
	struct net_jail net;
	bool net_up;
	bool vnet, vnet_up;
};

/* Test hook: JAIL_FAULT=STEP makes that step fail, to prove the unwinding. */
static int fault(struct run *r, const char *step, struct jail_err *e)
{
	if (r->fault && !strcmp(r->fault, step))
		return jail_err_set(e, -EIO, "%s: injected failure (JAIL_FAULT)", step);
	return 0;
}

static int check_params(struct jail_params *p, struct jail_err *e)
{
	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_def *d = &jail_param_defs[i];
		if (!p->val[i].set || !(d->flags & JPF_UNIMPL))
			continue;
		/* Setting a not-yet-supported feature to its default is harmless. */
		if (d->dflt && p->val[i].n == 1 && !strcmp(p->val[i].v[0], d->dflt))
			continue;
		if (d->type == JPT_BOOL && !jail_params_bool(p, (enum jail_param_id)i))
			continue;
		return jail_err_set(e, -ENOTSUP, "%s: not supported yet", d->name);
	}
	for (int f = 0; f < 2; f++) {
		enum jail_param_id mode = f ? JP_IP6 : JP_IP4, list = f ? JP_IP6_ADDR : JP_IP4_ADDR;
		if (jail_params_get(p, list)->n > 0 && jail_params_isset(p, mode) &&
		    strcmp(jail_params_str(p, mode), "new") != 0)
			return jail_err_set(e, -EINVAL, "%s: addresses need %s=new, not %s",
					    jail_param_defs[list].name, jail_param_defs[mode].name,
					    jail_params_str(p, mode));
	}
	bool in4 = !strcmp(jail_params_str(p, JP_IP4), "inherit");
	bool in6 = !strcmp(jail_params_str(p, JP_IP6), "inherit");
	bool new4 = !strcmp(jail_params_str(p, JP_IP4), "new");
	bool new6 = !strcmp(jail_params_str(p, JP_IP6), "new");
	if ((in4 && new6) || (in6 && new4))
		return jail_err_set(e, -EINVAL,
				    "ip4=%s and ip6=%s: one network stack cannot be both the host's and new",
				    jail_params_str(p, JP_IP4), jail_params_str(p, JP_IP6));
	const char *m = jail_params_str(p, JP_SYSVMSG), *s = jail_params_str(p, JP_SYSVSEM),
		   *h = jail_params_str(p, JP_SYSVSHM);
	if (!jail_params_bool(p, JP_ALLOW_SYSVIPC)) {
		bool inh = !strcmp(m, "inherit") || !strcmp(s, "inherit") || !strcmp(h, "inherit");
		bool nw = !strcmp(m, "new") || !strcmp(s, "new") || !strcmp(h, "new");
		if (inh && nw)
			return jail_err_set(e, -EINVAL,
					    "sysvmsg=%s sysvsem=%s sysvshm=%s: Linux has one IPC namespace "
					    "for all three; "
					    "they cannot mix new and inherit",
					    m, s, h);
	}
	int vr = jail_vnet_check(p, e);
	if (vr < 0)
		return vr;
	if (!jail_params_get(p, JP_COMMAND)->n && !jail_params_bool(p, JP_PERSIST) &&
	    !jail_params_get(p, JP_EXEC_START)->n)
		return jail_err_set(e, -EINVAL, "no command specified (command=, exec.start or persist)");
	return 0;
}

/* ip_hostname (-h): every address the host's resolver gives for host.hostname joins ip4.addr/ip6.addr. */
static int resolve_hostname(struct jail_params *p, struct jail_err *e)
{
	const char *hn = jail_params_str(p, JP_HOSTNAME);
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	int r;

	if (!jail_params_bool(p, JP_IP_HOSTNAME))
		return 0;
	if (!hn || !jail_params_isset(p, JP_HOSTNAME))
		return jail_err_set(e, -EINVAL, "ip_hostname: needs host.hostname");
	r = getaddrinfo(hn, NULL, &hints, &res);
	if (r != 0)
		return jail_err_set(e, -ENOENT, "ip_hostname: %s: %s", hn, gai_strerror(r));
	for (struct addrinfo *a = res; a && r == 0; a = a->ai_next) {
		char buf[INET6_ADDRSTRLEN];
		const void *src = a->ai_family == AF_INET
					  ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
					  : (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
		enum jail_param_id id = a->ai_family == AF_INET ? JP_IP4_ADDR : JP_IP6_ADDR;
		if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) ||
		    !inet_ntop(a->ai_family, src, buf, sizeof(buf)))
			continue;
		const struct jail_param_val *have = jail_params_get(p, id);
		bool dup = false;
		for (size_t i = 0; i < have->n; i++)
			if (!strcmp(have->v[i], buf))
				dup = true;
		if (!dup)
			r = jail_params_set(p, id, (const char *const[]){buf}, 1, true, e);
	}
	freeaddrinfo(res);
	return r;
}

/* mount (fstab lines) then mount.fstab (a file of them), as FreeBSD orders them. */
static int parse_mounts(struct run *r, struct jail_err *e)
{
	const struct jail_param_val *lines = jail_params_get(r->p, JP_MOUNT);
	const char *fstab = jail_params_str(r->p, JP_MOUNT_FSTAB);
	int n = 0, ret;

	for (size_t i = 0; i < lines->n; i++) {
		if (n == JAIL_MOUNTS_MAX)
			return jail_err_set(e, -E2BIG, "mount: more than %d mounts", JAIL_MOUNTS_MAX);
		ret = jail_mount_parse(lines->v[i], r->path, "mount", (int)i + 1, &r->mounts[n++], e);
		if (ret < 0)
			return ret;
	}
	if (fstab) {
		_cleanup_fclose_ FILE *f = fopen(fstab, "re");
		char line[1024];
		int lineno = 0;
		if (!f)
			return jail_err_sys(e, -errno, "mount.fstab: %s", fstab);
		while (fgets(line, sizeof(line), f)) {
			char *p = line + strspn(line, " \t");
			lineno++;
			if (*p == '#' || *p == '\n' || *p == '\0')
				continue;
			if (n == JAIL_MOUNTS_MAX)
				return jail_err_set(e, -E2BIG, "mount.fstab: more than %d mounts",
						    JAIL_MOUNTS_MAX);
			ret = jail_mount_parse(p, r->path, "mount.fstab", lineno, &r->mounts[n++], e);
			if (ret < 0)
				return ret;
		}
	}
	r->spec.root.mounts = r->mounts;
	r->spec.root.nmounts = n;
	return 0;
}

static int prepare(struct run *r, struct jail_err *e)
{
	struct jail_params *p = r->p;
	const char *path = jail_params_str(p, JP_PATH);
	const struct jail_param_val *cmd = jail_params_get(p, JP_COMMAND);
	struct stat sb;
	int ret;

	ret = check_params(p, e);
	if (ret < 0)
		return ret;
	if (jail_params_str(p, JP_THIN)) {
		/* thin=DIR (mkjail thin): the jail's root is DIR/root, an overlay mounted in the jail. */
		ret = jail_thin_read(jail_params_str(p, JP_THIN), &r->thin, e);
		if (ret < 0)
			return jail_err_prefix(e, "thin");
		if (path && strcmp(path, r->thin.root) != 0)
			return jail_err_set(e, -EINVAL, "thin: path '%s' is not the thin root '%s'", path,
					    r->thin.root);
		path = r->thin.root;
		r->spec.root.lower = r->thin.base;
		r->spec.root.upper = r->thin.upper;
		r->spec.root.work = r->thin.work;
	}
	if (!path)
		path = "/";
	if (!realpath(path, r->path))
		return jail_err_sys(e, -errno, "path '%s'", path);
	if (stat(r->path, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return jail_err_set(e, -ENOTDIR, "path '%s': Not a directory", path);
	/* Programs and users are looked up in the root; a thin root is empty until its overlay is up: its base. */
	r->rootfd = open(r->spec.root.lower ? r->spec.root.lower : r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->rootfd < 0)
		return jail_err_sys(e, -errno, "path '%s'", path);

	ret = jail_priv_from_params(p, &r->spec.priv, e);
	if (ret < 0)
		return ret;
	ret = jail_priv_compile(&r->spec.priv, r->reg.dir[0] ? r->reg.dir : NULL, &r->spec.filters, e);
	if (ret < 0)
		return ret;
	struct jail_exec *x = &r->spec.exec;
	ret = jail_exec_identity(x, r->rootfd, r->path, jail_params_str(p, JP_EXEC_JAIL_USER),
				 jail_params_bool(p, JP_EXEC_CLEAN), e);
	if (ret < 0)
		return ret;
	if (cmd->n > 0) {
		ret = jail_exec_find(x, r->rootfd, r->path, cmd->v[0], e);
		if (ret < 0)
			return ret;
		x->argv = cmd->v;
		x->use_pty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	}
	/* Say everything the root lacks before anything is mounted (reader's story 7). */
	const char *programs[] = {x->argv ? x->exec_path : NULL, NULL};
	unsigned flags = (jail_params_bool(p, JP_MOUNT_DEVFS) ? JAIL_PREFLIGHT_DEV : 0) |
			 (jail_params_bool(p, JP_MOUNT_PROCFS) ? JAIL_PREFLIGHT_PROC : 0);
	ret = jail_preflight(r->rootfd, programs, flags, r->o ? r->o->problem : NULL,
			     r->o ? r->o->problem_arg : NULL, e);
	if (ret > 0) {
		if (r->o && r->o->problem)
			e->msg[0] = '\0';
		return e->code < 0 ? e->code : -ENOENT;
	}
	if (ret < 0)
		return ret;
	/* What jls reports: the resolved path and the hostname the jail starts with. */
	ret = jail_params_set(p, JP_PATH, (const char *const[]){r->path}, 1, false, e);
	if (ret < 0)
		return ret;
	if (!jail_params_isset(p, JP_HOSTNAME)) {
		char hn[256] = "";
		gethostname(hn, sizeof(hn) - 1);
		ret = jail_params_set(p, JP_HOSTNAME, (const char *const[]){hn}, 1, false, e);
		if (ret < 0)
			return ret;
	}
	ret = resolve_hostname(p, e);
	if (ret < 0)
		return ret;
	r->naddrs = jail_net_addrs(p, r->addrs, NET_JAIL_MAX_ADDRS, e);
	if (r->naddrs < 0)
		return r->naddrs;
	/* ip4.addr implies ip4=new, as on FreeBSD (jls shows it). */
	for (int f = 0; f < 2; f++) {
		enum jail_param_id mode = f ? JP_IP6 : JP_IP4, list = f ? JP_IP6_ADDR : JP_IP4_ADDR;
		if (jail_params_get(p, list)->n > 0 && !jail_params_isset(p, mode) &&
		    (ret = jail_params_set(p, mode, (const char *const[]){"new"}, 1, false, e)) < 0)
			return ret;
	}
	r->spec.persist = jail_params_bool(p, JP_PERSIST);
	r->spec.hostname = jail_params_str(p, JP_HOSTNAME);
	r->spec.domainname = jail_params_str(p, JP_DOMAINNAME);
	r->spec.new_uts = !strcmp(jail_params_str(p, JP_HOST), "new");
	r->vnet = jail_vnet_wanted(p);
	r->spec.new_net = r->naddrs > 0 || r->vnet ||
			  (strcmp(jail_params_str(p, JP_IP4), "inherit") &&
			   strcmp(jail_params_str(p, JP_IP6), "inherit"));
	r->spec.new_ipc = !jail_params_bool(p, JP_ALLOW_SYSVIPC) &&
			  strcmp(jail_params_str(p, JP_SYSVMSG), "inherit") &&
			  strcmp(jail_params_str(p, JP_SYSVSEM), "inherit") &&
			  strcmp(jail_params_str(p, JP_SYSVSHM), "inherit");
	ret = parse_mounts(r, e);
	if (ret < 0)
		return ret;
	r->spec.root.path = r->path;
	r->spec.root.devfs = jail_params_bool(p, JP_MOUNT_DEVFS);
	r->spec.root.procfs = jail_params_bool(p, JP_MOUNT_PROCFS);
	r->spec.root.ipc_new = r->spec.new_ipc;
	return 0;
}

static int write_maps(pid_t pid, struct jail_err *e)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return jail_err_sys(e, -errno, "%s", dir);
	/* Identity map: jailed root owns the jail's files, as on FreeBSD. */
	int r = write_file_at(dfd, "uid_map", "0 0 4294967295\n");
	if (r == 0)
		r = write_file_at(dfd, "gid_map", "0 0 4294967295\n");
	if (r < 0)
		return jail_err_sys(e, r, "writing the user namespace maps");
	return 0;
}

static int spawn(struct run *r, struct jail_err *e)
{
	struct clone_args ca = {0};
	_cleanup_close_ int cgfd = jail_cgroup_v2_fd(&r->st.cg);
	bool into = cgfd >= 0;
	int one = 1, n;
	long pid;
	int ret;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->sock) < 0)
		return jail_err_sys(e, -errno, "socketpair");
	/* The command's first message carries its pid, as the host sees it. */
	setsockopt(r->sock[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	/* v2 by CLONE_INTO_CGROUP; v1 by the child writing itself into "tasks". */
	n = jail_cgroup_open_self_join(&r->st.cg, !into, r->spec.cgfds, JAIL_CGROUP_MAX, e);
	if (n < 0)
		return n;
	r->spec.ncgfds = n;
	ca.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_PIDFD;
	if (r->spec.new_uts)
		ca.flags |= CLONE_NEWUTS;
	if (r->spec.new_ipc)
		ca.flags |= CLONE_NEWIPC;
	if (r->spec.new_net)
		ca.flags |= CLONE_NEWNET;
	ca.pidfd = (unsigned long long)(uintptr_t)&r->pidfd;
	ca.exit_signal = SIGCHLD;
	if (into) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (unsigned long long)cgfd;
	}
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0 && into && (errno == EINVAL || errno == EOPNOTSUPP || errno == E2BIG)) {
		/* No CLONE_INTO_CGROUP here: the child joins v2 itself too. */
		for (int i = 0; i < r->spec.ncgfds; i++)
			close(r->spec.cgfds[i]);
		n = jail_cgroup_open_self_join(&r->st.cg, true, r->spec.cgfds, JAIL_CGROUP_MAX, e);
		if (n < 0) {
			r->spec.ncgfds = 0;
			return n;
		}
		r->spec.ncgfds = n;
		ca.flags &= ~CLONE_INTO_CGROUP;
		ca.cgroup = 0;
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
	}
	if (pid == 0) {
		close(r->sock[0]);
		jail_init_child(&r->spec, r->sock[1], r->fault);
	}
	for (int i = 0; i < r->spec.ncgfds; i++)
		close(r->spec.cgfds[i]);
	r->spec.ncgfds = 0;
	if (pid < 0)
		return jail_err_sys(e, -errno, "clone3");
	r->pid = (pid_t)pid;
	close(r->sock[1]);
	r->sock[1] = -1;
	ret = write_maps(r->pid, e);
	if (ret == 0)
		ret = fault(r, "maps", e);
	if (ret < 0)
		return ret;
	/* A child that failed already has closed its end; await_ready reads why. */
	if (write(r->sock[0], "g", 1) != 1 && errno != EPIPE)
		return jail_err_sys(e, -errno, "starting the jail");
	/* The jail's network, while the child builds its root; its command waits for "r". */
	if (!r->vnet && r->naddrs == 0)
		return 0;
	_cleanup_close_ int jfd = proc_ns_open(r->pid, "net");
	if (jfd < 0)
		return jail_err_sys(e, jfd, "the jail's network namespace");
	if (r->vnet) {
		ret = jail_vnet_setup(r->p, jfd, r->st.host_if, e);
		if (ret < 0)
			return ret;
		r->vnet_up = true;
	} else {
		r->net = (struct net_jail){.host_netns_fd = -1,
					   .jail_netns_fd = jfd,
					   .host_if = r->st.host_if,
					   .jail_if = "eth0",
					   .interface = jail_params_str(r->p, JP_INTERFACE),
					   .addrs = r->addrs,
					   .naddrs = (size_t)r->naddrs};
		ret = net_jail_setup(&r->net, e);
		r->net.jail_netns_fd = -1;
		if (ret < 0)
			return ret;
		r->net_up = true;
		if ((ret = fault(r, "net", e)) < 0)
			return ret;
	}
	return 0;
}

/* Read the child's reports up to "ready" (which carries the pty master). */
static int await_ready(struct run *r, int *ptmx, struct jail_err *e)
{
	struct jail_msg m;

	for (;;) {
		int n = jail_msg_recv(r->sock[0], &m, ptmx, NULL);
		if (n < 0)
			return jail_err_sys(e, n, "jail init");
		if (n == 0)
			return jail_err_set(e, -EIO, "the jail's init died while starting");
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

/* A short tag of a registry directory, for names that must differ between registries. */
static unsigned tag(const char *dir)
{
	unsigned h = 2166136261u;

	for (const char *c = dir; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return h;
}

/* Under the registry lock: no other live jail has any of our addresses. */
static int check_addresses_free(struct run *r, struct jail_err *e)
{
	static struct netaddr other[NET_JAIL_MAX_ADDRS];
	int *jids = NULL, n = jail_registry_list(&r->reg, &jids, e), ret = 0;

	for (int k = 0; k < n && ret == 0; k++) {
		struct jail_state st;
		if (jail_registry_load(&r->reg, jids[k], &st, NULL) < 0)
			continue;
		int m = jail_state_status(&st) == JAIL_DYING
				? 0
				: jail_net_addrs(&st.params, other, NET_JAIL_MAX_ADDRS, NULL);
		for (int i = 0; i < r->naddrs && ret == 0; i++)
			for (int j = 0; j < m; j++) {
				if (other[j].family != r->addrs[i].family ||
				    memcmp(other[j].u.bytes, r->addrs[i].u.bytes,
					   other[j].family == AF_INET ? 4 : 16))
					continue;
				char buf[NETADDR_STRLEN];
				ret = jail_err_set(
					e, -EADDRINUSE, "%s: %s: address already in use by jail \"%s\"",
					r->addrs[i].family == AF_INET ? "ip4.addr" : "ip6.addr",
					netaddr_str(&r->addrs[i], true, buf, sizeof(buf)), st.name);
				break;
			}
		jail_state_free(&st);
	}
	free(jids);
	return ret;
}

/* Drop our handles on a jail that lives on (its registry entry stays). */
static void release(struct run *r)
{
	if (r->rootfd >= 0)
		close(r->rootfd);
	for (int i = 0; i < 2; i++)
		if (r->sock[i] >= 0)
			close(r->sock[i]);
	if (r->pidfd >= 0)
		close(r->pidfd);
	r->rootfd = r->sock[0] = r->sock[1] = r->pidfd = -1;
	jail_registry_close(&r->reg);
	jail_seccomp_free(&r->spec.filters);
}

static void undo(struct run *r)
{
	if (r->vnet_up && r->pid > 0) {
		/* Interfaces moved in go back while the jail's namespace is still there. */
		int jfd = proc_ns_open(r->pid, "net");
		jail_vnet_teardown(r->p, jfd, r->st.host_if);
		if (jfd >= 0)
			close(jfd);
		r->vnet_up = false;
	}
	if (r->pid > 0) {
		sys_pidfd_send_signal(r->pidfd, SIGKILL, NULL, 0);
		siginfo_t si;
		while (waitid(P_PIDFD, (id_t)r->pidfd, &si, WEXITED) < 0 && errno == EINTR)
			;
		r->pid = 0;
	}
	if (r->net_up)
		net_jail_teardown(&r->net, NULL);
	r->net_up = false;
	if (r->reserved) /* rctl: stop the jail's watcher (lib/rctl) */
		rctl_jail_release(&(struct rctl_jail){.reg = &r->reg, .jid = r->st.jid});
	if (r->st.cg.n > 0)
		jail_cgroup_destroy(&r->st.cg, NULL);
	if (r->reserved)
		jail_registry_remove(&r->reg, &r->st);
	r->reserved = false;
	release(r);
}

/*
 * The jail outlives its command (daemons it left, or no persist to keep it
 * otherwise): leave a small watcher on the host that removes the jail's
 * cgroups and registry entry when its last process has gone.
 */
static void watch_in_background(struct run *r)
{
	pid_t w = fork();

	if (w != 0)
		return;
	setsid();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	sys_close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	struct pollfd pf = {r->pidfd, POLLIN, 0};
	while (poll(&pf, 1, -1) < 0 && errno == EINTR)
		;
	jail_cleanup(&r->reg, &r->st, NULL);
	_exit(0);
}

int jail_run(struct jail_params *p, const struct jail_run_opts *o, struct jail_err *e)
{
	struct run r = {.p = p, .o = o, .rootfd = -1, .sock = {-1, -1}, .pidfd = -1};
	int ret, ptmx = -1;
	sigset_t mask, old;

	r.reg.dirfd = r.reg.lockfd = -1;
	r.fault = getenv("JAIL_FAULT");
	r.spec.discard = &r;
	r.spec.discard_len = sizeof(r);
	ret = jail_registry_open(&r.reg, e);
	if (ret == 0)
		ret = prepare(&r, e);
	if (ret < 0)
		goto fail;
	if (jail_params_isset(p, JP_NAME))
		snprintf(r.st.name, sizeof(r.st.name), "%s", jail_params_str(p, JP_NAME));
	r.st.params = *p; /* shallow: the state file is written from it */
	/*
	 * With exec.* commands the init starts with nothing and a temporary
	 * persist (as FreeBSD's jail(8) does); the commands, command= among
	 * them, then run in the jail one after the other through the jexec path.
	 */
	bool hooked = jail_hooks_any(p);
	struct jail_hook_ctx hc = {.reg = &r.reg, .p = p, .path = r.path};
	int hook_status = 0;
	if (hooked) {
		r.spec.exec.argv = NULL;
		r.spec.persist = true;
	}
	ret = jail_registry_lock(&r.reg, e);
	if (ret < 0)
		goto fail;
	if (r.naddrs > 0)
		ret = check_addresses_free(&r, e);
	if (ret == 0)
		ret = jail_registry_reserve(
			&r.reg, &r.st, jail_params_isset(p, JP_JID) ? (int)jail_params_int(p, JP_JID) : 0, e);
	jail_registry_unlock(&r.reg);
	if (ret < 0)
		goto fail;
	r.reserved = true;
	r.st.host_netns = jail_netns_self();
	if (r.naddrs > 0 || r.vnet) {
		/* vjail<JID>; another registry's jails get their own prefix (IFNAMSIZ is 16). */
		if (!strcmp(r.reg.dir, "/run/jail"))
			snprintf(r.st.host_if, sizeof(r.st.host_if), "vjail%d", r.st.jid);
		else
			snprintf(r.st.host_if, sizeof(r.st.host_if), "vt%04x%d", tag(r.reg.dir) & 0xffff,
				 r.st.jid);
	}
	if ((ret = fault(&r, "registry", e)) < 0)
		goto fail;
	hc.jid = r.st.jid;
	hc.name = r.st.name;
	if (hooked && (ret = jail_hooks_run(&hc, JP_EXEC_PREPARE, &hook_status, e)) < 0)
		goto fail;

	/*
	 * Names are unique within a registry; a registry other than the default
	 * (tests, a second instance) tags its cgroups so that two never collide.
	 */
	if (strcmp(r.reg.dir, "/run/jail") != 0) {
		snprintf(r.st.cg_leaf, sizeof(r.st.cg_leaf), "jail.%s.%08x", r.st.name, tag(r.reg.dir));
	} else {
		snprintf(r.st.cg_leaf, sizeof(r.st.cg_leaf), "jail.%s", r.st.name);
	}
	if (jail_params_str(p, JP_CGROUP_PARENT))
		snprintf(r.st.cg_parent, sizeof(r.st.cg_parent), "%s", jail_params_str(p, JP_CGROUP_PARENT));
	ret = jail_cgroup_create(&r.st.cg, r.st.cg_parent[0] ? r.st.cg_parent : NULL, r.st.cg_leaf, e);
	if (ret < 0)
		goto fail;
	if ((ret = fault(&r, "cgroup", e)) < 0)
		goto fail;
	/* rctl (lib/rctl): the rlimits the jail's command takes; apply_rctl below does the rest. */
	struct rctl_jail rj = {.name = r.st.name, .jid = r.st.jid, .reg = &r.reg, .cg = &r.st.cg, .p = p};
	if ((ret = rctl_jail_rlimits(&rj, r.spec.exec.rl, &r.spec.exec.rlmask, e)) < 0)
		goto fail;

	/* Signals for the jail wait in the queue until the relay reads them. */
	jail_relay_sigset(&mask);
	sigprocmask(SIG_BLOCK, &mask, &old);
	r.spec.exec.sigmask = old;

	if (hooked && (ret = jail_hooks_run(&hc, JP_EXEC_PRESTART, &hook_status, e)) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto fail;
	}
	ret = spawn(&r, e);
	if (ret == 0)
		ret = await_ready(&r, &ptmx, e);
	if (ret == 0) {
		r.st.init_pid = r.pid;
		r.st.init_start = proc_starttime(r.pid);
		ret = jail_registry_save(&r.reg, &r.st, e);
	}
	if (ret == 0) { /* rctl (lib/rctl): limits on its cgroups, namespaces, devices; its watcher */
		rj.init_pid = r.pid, rj.init_start = r.st.init_start;
		if ((ret = rctl_jail_apply(&rj, e)) == 0)
			ret = fault(&r, "rctl", e);
	}
	if (ret == 0 && write(r.sock[0], "r", 1) != 1)
		ret = jail_err_sys(e, -errno, "starting the jail");
	if (ret < 0) {
		if (ptmx >= 0)
			close(ptmx);
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto fail;
	}
	bool announce = (o && o->verbose) || (!jail_params_get(p, JP_COMMAND)->n && !(o && o->quiet));
	if (o && o->print_jid)
		printf("%d\n", r.st.jid);
	else if (announce)
		printf("%s: created\n", o && o->label ? o->label : r.st.name);
	fflush(stdout);

	if (hooked) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		ret = jail_hooks_run(&hc, JP_EXEC_CREATED, &hook_status, e);
		if (ret == 0)
			ret = jail_hooks_run(&hc, JP_EXEC_START, &hook_status, e);
		int cmd_status = 0;
		if (ret == 0 && jail_params_get(p, JP_COMMAND)->n)
			ret = jail_hooks_run(&hc, JP_COMMAND, &cmd_status, e);
		if (ret == 0)
			ret = jail_hooks_run(&hc, JP_EXEC_POSTSTART, &hook_status, e);
		if (ret < 0) {
			/* A failed step takes the jail away again. */
			r.st.params = (struct jail_params){0};
			goto fail;
		}
		/* The temporary persist ends: without persist the jail lives while it has processes. */
		if (!jail_params_bool(p, JP_PERSIST)) {
			sys_pidfd_send_signal(r.pidfd, SIGUSR2, NULL, 0);
			struct pollfd pf = {r.pidfd, POLLIN, 0};
			if (poll(&pf, 1, 200) > 0) {
				siginfo_t si;
				waitid(P_PIDFD, (id_t)r.pidfd, &si, WEXITED);
				r.pid = 0;
				jail_cleanup(&r.reg, &r.st, NULL);
				r.st.cg.n = 0;
				r.reserved = false;
				r.st.params = (struct jail_params){0};
				undo(&r);
				return cmd_status;
			}
			watch_in_background(&r);
		}
		r.st.params = (struct jail_params){0};
		release(&r);
		return cmd_status;
	}
	if (!r.spec.exec.argv) {
		/* persist without a command: the jail is made, nothing to wait for. */
		sigprocmask(SIG_SETMASK, &old, NULL);
		r.st.params = (struct jail_params){0};
		release(&r);
		return 0;
	}

	struct jail_relay rl = {
		.sock = r.sock[0], .watch_pidfd = r.pidfd, .ptmx = ptmx, .signal_pidfd = r.pidfd};
	r.sock[0] = -1;
	jail_relay_run(&rl);
	if (rl.sock >= 0)
		close(rl.sock);
	sigprocmask(SIG_SETMASK, &old, NULL);

	int status;
	siginfo_t si = {0};
	if (rl.got_status) {
		status = rl.status;
	} else {
		/* init died before the command ended: killed from outside, or jail -r. */
		while (waitid(P_PIDFD, (id_t)r.pidfd, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
		status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	}
	if (rl.got_status && (rl.lingering || r.spec.persist)) {
		/* The jail goes on without its command. */
		if (!r.spec.persist)
			watch_in_background(&r);
		r.st.params = (struct jail_params){0};
		release(&r);
	} else {
		/* init ends with the command's end: wait for it, then take the jail away. */
		while (waitid(P_PIDFD, (id_t)r.pidfd, &si, WEXITED) < 0 && errno == EINTR)
			;
		r.pid = 0;
		ret = jail_cleanup(&r.reg, &r.st, e);
		r.st.cg.n = 0;
		r.reserved = false;
		r.st.params = (struct jail_params){0};
		undo(&r);
		if (ret < 0)
			return ret;
		if (o && o->verbose)
			printf("%s: removed\n", r.st.name), fflush(stdout);
	}
	if (rl.failed) {
		*e = rl.err;
		if (r.st.name[0])
			jail_err_prefix(e, "%s", r.st.name);
		return e->code;
	}
	return status;
fail:
	r.st.params = (struct jail_params){0};
	if (r.st.name[0] && e->msg[0] && r.reserved)
		jail_err_prefix(e, "%s", r.st.name);
	else if (jail_params_isset(p, JP_NAME) && e->msg[0])
		jail_err_prefix(e, "%s", jail_params_str(p, JP_NAME));
	undo(&r);
	return ret < 0 ? ret : -EIO;
}
