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
#include <pthread.h>
#include <limits.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "init.h"
#include "jinit.h"
#include "plan.h"
#include "jail/rctl.h"
#include "spawn.h"
#include "step.h"
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

struct init_ctx {
	const struct jail_init_args *a;
	int sock;
	int jinit;	/* sealed memfd of jinit: the init it becomes, the stub its command execs through */
	int master;	/* pty master for the command, -1 if none */
	char slave[64]; /* and its slave's path */
	char exec_path[PATH_MAX]; /* a container's executable, found in its root */
	char *state;		  /* a container's state JSON for its hooks (from the creator) */
};

/* Close every fd from first on but the ones listed (ascending, then closed as one range per gap). */
static void close_all_but(unsigned first, int *keep, int n)
{
	unsigned next = first;

	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (keep[j] < keep[i]) {
				int t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	for (int i = 0; i < n; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned)keep[i] > next)
			sys_close_range(next, (unsigned)keep[i] - 1, 0);
		if ((unsigned)keep[i] + 1 > next)
			next = (unsigned)keep[i] + 1;
	}
	sys_close_range(next, ~0U, 0);
}

/* The creator's session and terminal are not the jail's: a hangup there must not end it. */
static int step_session(void *arg, struct jail_err *e)
{
	struct init_ctx *c = arg;
	const struct jail_init_args *a = c->a;
	const struct jail_container *ct = a->plan->ctr;
	int keep[8 + OCI_NS__COUNT], n = 0;

	/*
	 * Non-dumpable from the start, while host root: its memory then belongs
	 * to the host's user namespace for good. Later, between joining a user
	 * namespace and step_priv, a process of that namespace could otherwise
	 * stop it and write its memory (a container joining another's PID and
	 * user namespaces by path) wherever fs.suid_dumpable=1 keeps the kernel
	 * from clearing it at setns and setresuid.
	 */
	prctl(PR_SET_DUMPABLE, 0);
	keep[n++] = c->sock;
	keep[n++] = a->userns;
	keep[n++] = a->netns;
	keep[n++] = a->utsns;
	keep[n++] = a->ipcns;
	keep[n++] = a->idmap;
	/* A container's: its namespaces joined by path, the start socket, the bundle, the preserved fds. */
	for (int i = 0; ct && i < OCI_NS__COUNT; i++)
		keep[n++] = ct->nsfd[i];
	if (ct) {
		keep[n++] = ct->start_sock;
		keep[n++] = ct->bundlefd;
	}
	hide_title();
	/* Nothing of the host's stays open in the jail's init but stdio, the socket and the namespaces. */
	close_all_but(3 + (unsigned)(ct ? ct->preserve_fds : 0), keep, n);
	if (setsid() < 0)
		return jail_err_sys(e, -errno, "setsid");
	return 0;
}

/* Into the jail's network, UTS and IPC namespaces, still as host root: sysfs and mqueue are theirs. */
static int step_enter(void *arg, struct jail_err *e)
{
	const struct jail_init_args *a = ((struct init_ctx *)arg)->a;
	static const int types[] = {CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC};
	const int fds[] = {a->netns, a->utsns, a->ipcns};

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (setns(fds[i], types[i]) < 0)
			return jail_err_sys(e, -errno, "joining the jail's namespaces");
		close(fds[i]);
	}
	return 0;
}

/* Stage one: the whole root, as host root, in a mount namespace of the host's user namespace. */
static int step_root(void *arg, struct jail_err *e)
{
	struct init_ctx *c = arg;
	const struct jail_plan *pl = c->a->plan;
	const struct jail_container *ct = pl->ctr;
	/* A container's root is idmapped through the jail's own user namespace. */
	int idmap = ct ? c->a->userns : c->a->idmap;

	/* linux.namespaces mount with a path: the root is built in that namespace. */
	if (ct && ct->nsfd[OCI_NS_MNT] >= 0 && setns(ct->nsfd[OCI_NS_MNT], CLONE_NEWNS) < 0)
		return jail_err_sys(e, -errno, "linux.namespaces: mount: joining %s",
				    ct->cfg->linux_.ns[OCI_NS_MNT].path);
	int r = jail_root_build(&pl->root, &c->a->ids, idmap, ct || pl->range_slots > 1 ? c->a->cg : NULL, e);

	if (c->a->idmap >= 0)
		close(c->a->idmap);
	return r;
}

/*
 * A container's hooks that run before pivot_root: the creator runs prestart
 * and createRuntime on the host while we wait here, and sends the state;
 * then createContainer runs here, in the container's namespaces.
 */
static int step_hooks(void *arg, struct jail_err *e)
{
	struct init_ctx *c = arg;
	const struct jail_container *ct = c->a->plan->ctr;
	char buf[65536];
	ssize_t n;

	if (!ct || (!ct->pre_pivot_hooks && !ct->start_hooks))
		return 0;
	jail_msg_send(c->sock, JAIL_MSG_HOOKS, 0, 0, NULL, -1);
	do
		n = recv(c->sock, buf, sizeof(buf) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return jail_err_set(e, -EIO, "hooks: the creator went away");
	buf[n] = '\0';
	c->state = strdup(buf);
	if (!c->state)
		return jail_err_set(e, -ENOMEM, "out of memory");
	return oci_hooks_run(&ct->cfg->hooks[OCI_HOOK_CREATE_CONTAINER], OCI_HOOK_CREATE_CONTAINER, c->state,
			     NULL, NULL, e);
}

/* A container's sysctls, rlimits and oom_score_adj, as host root (container.h). */
static int step_host(void *arg, struct jail_err *e)
{
	const struct jail_container *ct = ((struct init_ctx *)arg)->a->plan->ctr;

	return ct ? jail_container_host(ct, e) : 0;
}

static int step_pivot(void *arg, struct jail_err *e)
{
	return jail_root_pivot(&((struct init_ctx *)arg)->a->plan->root, e);
}

/*
 * The rest of the jail's cgroups, made by the creator while the root was
 * built: their "tasks" files come over the socket and the init writes
 * itself into each (cheap for a thread moving itself, see cgroup.h). The
 * message also says the maps are written: the user namespace can be joined.
 */
static int step_cgroups(void *arg, struct jail_err *e)
{
	struct init_ctx *c = arg;
	int fds[JAIL_CGROUP_MAX], n;
	char tag = 0;

	n = jail_msg_recv_fds(c->sock, &tag, fds, JAIL_CGROUP_MAX);
	if (n < 0 || tag != 'c') {
		for (int i = 0; i < n; i++)
			close(fds[i]);
		return jail_err_sys(e, n < 0 ? n : -EPROTO, "waiting for the jail's cgroups");
	}
	return jail_cgroup_join_self(fds, n, e);
}

/*
 * A container's root is idmapped through the jail's user namespace, which
 * has no map until the creator writes it: its init awaits "cgroup.late"'s
 * message (its cgroups are all made before it is cloned, so the message
 * carries none) before "root"; a jail's init after "jinit", as before.
 */
static int step_ctr_maps(void *arg, struct jail_err *e)
{
	return ((struct init_ctx *)arg)->a->plan->ctr ? step_cgroups(arg, e) : 0;
}

static int step_jail_cgroups(void *arg, struct jail_err *e)
{
	return ((struct init_ctx *)arg)->a->plan->ctr ? 0 : step_cgroups(arg, e);
}

/* Into the jail's user namespace: from here the init is jailed root, an unprivileged host uid. */
static int step_userns(void *arg, struct jail_err *e)
{
	const struct jail_init_args *a = ((struct init_ctx *)arg)->a;

	if (setns(a->userns, CLONE_NEWUSER) < 0)
		return jail_err_sys(e, -errno, "joining the jail's user namespace");
	close(a->userns);
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return jail_err_sys(e, -errno, "becoming root of the jail's user namespace");
	return 0;
}

/*
 * Stage two: a copy of the mount namespace built above, owned by the jail's
 * user namespace. The kernel locks every mount it copies from the more
 * privileged namespace: masks cannot be lifted, read-only cannot be undone.
 */
static int step_mntns(void *arg, struct jail_err *e)
{
	const struct jail_container *ct = ((struct init_ctx *)arg)->a->plan->ctr;

	/* A mount namespace joined by path is not ours to copy (and jailed root cannot change it). */
	if ((!ct || ct->nsfd[OCI_NS_MNT] < 0) && unshare(CLONE_NEWNS) < 0)
		return jail_err_sys(e, -errno, "the jail's mount namespace");
	if (chdir("/") < 0)
		return jail_err_sys(e, -errno, "chdir /");
	return ct ? jail_container_userns(ct, e) : 0;
}

/*
 * A name the new UTS namespace must take. A child jail whose parent may not
 * set its hostname cannot set one either (the parent's seccomp filter is its
 * too): it keeps the name it was copied with, or fails if another is asked.
 */
static int set_uts_name(const char *want, int (*set)(const char *, size_t), bool domain, struct jail_err *e)
{
	char have[256] = "";

	if (!want || set(want, strlen(want)) == 0)
		return 0;
	if (errno == EPERM &&
	    (domain ? getdomainname(have, sizeof(have) - 1) : gethostname(have, sizeof(have) - 1)) == 0 &&
	    !strcmp(have, want))
		return 0;
	return jail_err_sys(e, -errno, "%s", domain ? "host.domainname" : "host.hostname");
}

static int step_uts(void *arg, struct jail_err *e)
{
	const struct jail_plan *pl = ((struct init_ctx *)arg)->a->plan;
	int r;

	if (!pl->new_uts)
		return 0;
	r = set_uts_name(pl->hostname, sethostname, false, e);
	return r < 0 ? r : set_uts_name(pl->domainname, setdomainname, true, e);
}

static int step_loopback(void *arg, struct jail_err *e)
{
	const struct jail_plan *pl = ((struct init_ctx *)arg)->a->plan;

	return pl->new_net ? loopback_up(e) : 0;
}

static int step_pty(void *arg, struct jail_err *e)
{
	struct init_ctx *c = arg;
	const struct jail_exec *x = &c->a->plan->exec;
	const struct jail_container *ct = c->a->plan->ctr;

	if (ct)
		return ct->cfg->process.terminal
			       ? jail_container_pty(true, &c->master, c->slave, sizeof(c->slave), e)
			       : 0;
	if (!x->argv || !x->pty_fds)
		return 0;
	return jail_pty_open(&c->master, c->slave, sizeof(c->slave), e);
}

/* The cgroup namespace is rooted where the jail's cgroups are, so after joining them. */
static int step_cgroupns(void *arg, struct jail_err *e)
{
	const struct jail_container *ct = ((struct init_ctx *)arg)->a->plan->ctr;

	/* A container has a cgroup namespace when config.json says so (by path: that one). */
	if (ct && ct->nsfd[OCI_NS_CGROUP] >= 0) {
		if (setns(ct->nsfd[OCI_NS_CGROUP], CLONE_NEWCGROUP) < 0)
			return jail_err_sys(e, -errno, "linux.namespaces: cgroup: joining %s",
					    ct->cfg->linux_.ns[OCI_NS_CGROUP].path);
		return 0;
	}
	if (ct && !ct->cfg->linux_.ns[OCI_NS_CGROUP].present)
		return 0;
	if (unshare(CLONE_NEWCGROUP) < 0)
		return jail_err_sys(e, -errno, "cgroup namespace");
	return 0;
}

static int step_priv(void *arg, struct jail_err *e)
{
	const struct jail_plan *pl = ((struct init_ctx *)arg)->a->plan;

	prctl(PR_SET_DUMPABLE, 0);
	return jail_priv_lockdown(&pl->priv, &pl->filters, e);
}

static int step_jinit(void *arg, struct jail_err *e)
{
	struct init_ctx *c = arg;

	c->jinit = jail_jinit_fd(e);
	return c->jinit < 0 ? c->jinit : 0;
}

/* A container's executable, looked up in its finished root. */
static int step_process(void *arg, struct jail_err *e)
{
	struct init_ctx *c = arg;
	const struct jail_container *ct = c->a->plan->ctr;

	if (!ct)
		return 0;
	return jail_container_lookup(ct, &ct->cfg->process, ct->env, c->exec_path, sizeof(c->exec_path), e);
}

/* jinit's memfd is made while the init is still host root: the jail may run it, not read or trace it. */
const struct jail_step jail_init_steps[] = {
	{"session", step_session, NULL, 0},	 {"enter", step_enter, NULL, 0},
	{"oci.maps", step_ctr_maps, NULL, 0},	 {"root", step_root, NULL, 0},
	{"oci.hooks", step_hooks, NULL, 0},	 {"oci.host", step_host, NULL, 0},
	{"pivot", step_pivot, NULL, 0},		 {"jinit", step_jinit, NULL, 0},
	{"cgroups", step_jail_cgroups, NULL, 0}, {"userns", step_userns, NULL, 0},
	{"mntns", step_mntns, NULL, 0},		 {"uts", step_uts, NULL, 0},
	{"loopback", step_loopback, NULL, 0},	 {"pty", step_pty, NULL, 0},
	{"cgroupns", step_cgroupns, NULL, 0},	 {"priv", step_priv, NULL, 0},
	{"oci.process", step_process, NULL, 0},
};
const size_t jail_init_nsteps = ARRAY_SIZE(jail_init_steps);

#define COMMAND_STACK (256 * 1024)

/* The command's side: it locks in its identity and execs through jinit's stub (init's own memfd). */
static int command_child(void *arg)
{
	struct init_ctx *c = arg;
	const struct jail_plan *pl = c->a->plan;
	struct jail_exec x = pl->exec;

	x.sigmask = c->a->sigmask;
	snprintf(x.slave, sizeof(x.slave), "%s", c->slave);
	if (c->master >= 0)
		close(c->master);
	rctl_rlimits_set(c->a->rl, c->a->rlmask); /* rctl: the jail's rlimits (lib/rctl) */
	jail_exec_become(&x, &pl->priv, c->sock, c->jinit);
}

/*
 * The command, started from init as posix_spawn starts programs: a child
 * that shares init's memory until it execs (CLONE_VM|CLONE_VFORK, on a
 * stack of its own), so nothing of init's is copied for a process that
 * replaces itself at once.
 */
static pid_t start_command(struct init_ctx *c, struct jail_err *e)
{
	const struct jail_plan *pl = c->a->plan;
	void *stack;
	pid_t cmd;

	if (!pl->exec.argv)
		return 0;
	stack = mmap(NULL, COMMAND_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1,
		     0);
	if (stack == MAP_FAILED)
		return jail_err_sys(e, -errno, "the command's stack");
	cmd = clone(command_child, (char *)stack + COMMAND_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, c);
	if (cmd < 0)
		jail_err_sys(e, -errno, "starting the command");
	munmap(stack, COMMAND_STACK);
	return cmd;
}

/*
 * stdio stays open only in the command. The jail's /dev/null is opened
 * before the command starts (null_fd), so that the command never sees the
 * init open it (an inotify watch on it counts only its own writes).
 */
static int null_fd(void)
{
	return open("/dev/null", O_RDWR | O_CLOEXEC);
}

static void stdio_to_null(int null)
{
	if (null < 0) {
		close(0);
		close(1);
		close(2);
		return;
	}
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	if (null > 2)
		close(null);
}

/*
 * A container after "r": wait for `start` on the start socket, run the
 * startContainer hooks, become the process. A failure is written to
 * `start`'s connection (and the container stops); at the exec the
 * connection closes, which `start` reads as success.
 */
static void __attribute__((noreturn)) container_start(struct init_ctx *c)
{
	const struct jail_container *ct = c->a->plan->ctr;
	struct jail_err e = {0};
	int conn, tty = -1;
	char go;

	do
		conn = accept4(ct->start_sock, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0 || read(conn, &go, 1) != 1)
		_exit(1);
	close(ct->start_sock);
	if (ct->start_hooks && oci_hooks_run(&ct->cfg->hooks[OCI_HOOK_START_CONTAINER],
					     OCI_HOOK_START_CONTAINER, c->state, NULL, NULL, &e) < 0)
		goto fail;
	if (ct->cfg->process.terminal && (tty = open(c->slave, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		jail_err_sys(&e, -errno, "%s", c->slave);
		goto fail;
	}
	struct jail_container_exec x = {
		.p = &ct->cfg->process,
		.env = ct->env,
		.path = c->exec_path,
		.filter = &ct->filter,
		.preserve_fds = ct->preserve_fds,
		.tty = tty,
		.personality = ct->cfg->linux_.has_personality ? ct->cfg->linux_.personality : ~0UL,
		.report = -1,
		.stub = c->jinit};
	jail_container_become(&x, &e);
fail:
	(void)!write(conn, e.msg, strlen(e.msg) + 1);
	_exit(127);
}

void jail_init_child(void *arg, int sock)
{
	const struct jail_init_args *a = arg;
	struct init_ctx c = {.a = a, .sock = sock, .master = -1, .jinit = -1};
	struct jail_walk w = {"init", jail_init_steps, jail_init_nsteps, NULL, 0};
	struct jail_err e = {0};
	sigset_t set;
	char go;

	if (jail_walk_forward(&w, &c, &e) < 0)
		jail_msg_fail(sock, &e, 1);
	/*
	 * From here the jail exists on its own and outlives its creator; a creator
	 * that dies before saying "r" closes the socket and init ends below.
	 */
	prctl(PR_SET_PDEATHSIG, 0);
	/* Ready: the parent may report the jail created, then says "r" to run the command. */
	jail_msg_send(sock, JAIL_MSG_READY, 0, 0, NULL, c.master);
	if (read(sock, &go, 1) != 1 || go != 'r')
		_exit(1);
	JAIL_TMARK("init", "got r");
	if (a->plan->ctr) {
		close(sock);
		if (c.master >= 0)
			close(c.master);
		c.sock = -1;
		container_start(&c);
	}
	/* Every signal waits for jinit's sigwaitinfo (the mask survives the exec). */
	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int null = null_fd();
	pid_t cmd = start_command(&c, &e);
	JAIL_TMARK("init", "cmd started");
	if (cmd < 0)
		jail_msg_fail(sock, &e, 1);
	if (c.master >= 0)
		close(c.master);
	/* Without a command nothing is reported, unless the creator must ask whether a temporary persist ends the jail. */
	if (cmd == 0 && !a->plan->hooked) {
		close(sock);
		sock = -1;
	}
	stdio_to_null(null);
	JAIL_TMARK("init", "jinit");
	jail_jinit_init(c.jinit, sock, cmd,
			(a->persist ? JINIT_PERSIST : 0) | (a->plan->hooked ? JINIT_REPLY : 0), &e);
	if (sock >= 0)
		jail_msg_fail(sock, &e, 1);
	_exit(1);
}
