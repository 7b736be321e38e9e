/*
 * Removing jails: the stop table, FreeBSD's stopcommands[]. While the
 * jail's init lives: exec.prestop, exec.stop in the jail, vnet interfaces
 * back to the host, SIGTERM to everything but init and stop.timeout to go,
 * then the init's end, which the kernel turns into the end of every process
 * of its PID namespace. Then, under the registry lock and only while the
 * record still describes this jail (same JID and start times), its
 * network, cgroups and record go, and exec.poststop and exec.release run.
 * A jail that ended on its own is cleaned up by walking the same table from
 * "lock". A stop command that fails keeps the jail (FreeBSD's rule; jail -R
 * skips the commands); a cgroup that cannot go keeps the record, so that
 * jail -r can try again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "hooks.h"
#include "net/jailnet.h"
#include "net/net.h"
#include "net/vnet.h"
#include "jail/rctl.h"
#include "registry.h"
#include "remove.h"
#include "spawn.h"
#include "step.h"
#include "sys.h"
#include "util.h"

struct removal {
	struct jail_registry *reg;
	struct jail_state st;
	int pidfd; /* the jail's init while it lives, else -1 */
	bool hooks;
	bool ours;   /* under the lock, the record still describes this jail */
	bool locked; /* we hold the registry lock */
	struct jail_hook_ctx hc;
};

static bool same_jail(const struct jail_state *a, const struct jail_state *b)
{
	return a->jid == b->jid && !strcmp(a->name, b->name) && a->init_start == b->init_start &&
	       a->creator_start == b->creator_start;
}

static int hooks(struct removal *r, enum jail_param_id id, struct jail_err *e)
{
	int status;

	if (!r->hooks || r->pidfd < 0)
		return 0;
	return jail_hooks_run(&r->hc, id, &status, e);
}

static int step_prestop(void *ctx, struct jail_err *e)
{
	return hooks(ctx, JP_EXEC_PRESTOP, e);
}

static int step_stop(void *ctx, struct jail_err *e)
{
	return hooks(ctx, JP_EXEC_STOP, e);
}

/* The network namespace the jail was made in: -1 when it is ours, -ENOENT when it is gone. */
static int creator_netns(const struct jail_state *st)
{
	if (!st->host_netns || st->host_netns == net_netns_self())
		return -1;
	return net_netns_open_ino(st->host_netns);
}

/*
 * vnet.interface goes back to the host (the namespace the jail was made in)
 * before the jail's namespace dies; if that one is gone, the kernel gives
 * physical interfaces to the initial namespace when the jail's dies.
 */
static int step_vnet(void *ctx, struct jail_err *e)
{
	struct removal *r = ctx;
	const struct jail_param_val *ifs = jail_params_get(&r->st.params, JP_VNET_INTERFACE);

	if (r->pidfd < 0 || !jail_vnet_wanted(&r->st.params))
		return 0;
	_cleanup_close_ int hostfd = creator_netns(&r->st);
	int jfd = proc_ns_open(r->st.init_pid, "net");
	if (jfd >= 0 && hostfd == -1)
		jail_vnet_teardown(&r->st.params, jfd, NULL);
	for (size_t i = 0; jfd >= 0 && hostfd >= 0 && i < ifs->n; i++)
		net_vnet_detach(hostfd, jfd, ifs->v[i], NULL);
	if (jfd >= 0)
		close(jfd);
	return 0;
}

/*
 * SIGTERM to every process of the jail but its init, sent from inside the
 * jail's PID namespace (kill(-1) there reaches exactly those): no host pid
 * is ever read and signalled, so a reused pid cannot be hit.
 */
static void __attribute__((noreturn)) term_child(void *arg, int sock)
{
	int pidfd = *(int *)arg, st = 0;
	pid_t pid;

	if (setns(pidfd, CLONE_NEWPID) < 0)
		_exit(1);
	pid = fork();
	if (pid == 0) {
		kill(-1, SIGTERM);
		_exit(0);
	}
	if (pid < 0)
		_exit(1);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	_exit(0);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int step_term(void *ctx, struct jail_err *e)
{
	struct removal *r = ctx;
	long timeout = jail_params_int(&r->st.params, JP_STOP_TIMEOUT);
	struct jail_spawn sp;
	struct jail_spawn_opts so = {.child = term_child, .arg = &r->pidfd};

	if (r->pidfd < 0 || timeout <= 0 || jail_cgroup_nprocs(&r->st.cg) <= 1)
		return 0;
	if (jail_spawn_start(&so, &sp, e) < 0)
		return jail_err_prefix(e, "stop");
	jail_spawn_wait(&sp);
	jail_spawn_release(&sp);
	/* stop.timeout seconds for them to go; the init's end takes whatever stays. */
	for (long deadline = now_ms() + timeout * 1000; now_ms() < deadline;) {
		if (jail_cgroup_nprocs(&r->st.cg) <= 1)
			break;
		struct pollfd pf = {r->pidfd, POLLIN, 0};
		if (poll(&pf, 1, 10) > 0)
			break; /* the init itself went */
	}
	return 0;
}

/* The PID namespace dies with its init: every process, forks included. */
static int step_kill(void *ctx, struct jail_err *e)
{
	struct removal *r = ctx;
	struct pollfd pf = {r->pidfd, POLLIN, 0};

	if (r->pidfd < 0)
		return 0;
	sys_pidfd_send_signal(r->pidfd, SIGKILL, NULL, 0);
	while (poll(&pf, 1, 5000) < 0 && errno == EINTR)
		;
	return 0;
}

static int step_lock(void *ctx, struct jail_err *e)
{
	struct removal *r = ctx;
	struct jail_state cur;
	int ret = jail_registry_lock(r->reg, e);

	if (ret < 0)
		return ret;
	r->locked = true;
	/* Cleaned up by someone else already, or the JID is another jail's now: not ours. */
	r->ours = jail_registry_load(r->reg, r->st.jid, &cur, NULL) == 0 && same_jail(&cur, &r->st);
	if (r->ours)
		r->st.cg = cur.cg; /* what the record says was made, as last written */
	jail_state_free(&cur);
	return 0;
}

static void unlock(struct removal *r)
{
	if (r->locked)
		jail_registry_unlock(r->reg);
	r->locked = false;
}

/* rctl (lib/rctl): the jail's watcher goes (it would go with the init anyway; this waits for it). */
static int step_rctl(void *ctx, struct jail_err *e)
{
	struct removal *r = ctx;

	if (r->ours)
		rctl_jail_release(&(struct rctl_jail){.reg = r->reg, .jid = r->st.jid});
	return 0;
}

/*
 * Proxy entries live on the host's interface; veth and routes die with the
 * jail's namespace. The host is the network namespace the jail was made in,
 * which need not be ours (jail -r from a shell in another one): it is found
 * again by its inode; when it is gone, so is everything it held.
 */
static int step_net(void *ctx, struct jail_err *e)
{
	struct removal *r = ctx;
	const struct jail_state *st = &r->st;
	_cleanup_close_ int hostfd = -1;
	struct netaddr *addrs;
	int n;

	if (!r->ours || !st->host_if[0])
		return 0;
	hostfd = creator_netns(st);
	if (hostfd < -1)
		return 0;
	if (jail_vnet_wanted(&st->params)) {
		if (hostfd < 0)
			jail_vnet_teardown(&st->params, -1, st->host_if);
		return 0;
	}
	addrs = calloc(NET_JAIL_MAX_ADDRS, sizeof(*addrs));
	if (!addrs)
		return jail_err_set(e, -ENOMEM, "out of memory");
	n = net_jail_addrs(&st->params, addrs, NET_JAIL_MAX_ADDRS, NULL);
	struct net_jail nj = {.host_netns_fd = hostfd,
			      .jail_netns_fd = -1,
			      .host_if = st->host_if,
			      .jail_if = "eth0",
			      .interface = jail_params_str(&st->params, JP_INTERFACE),
			      .addrs = addrs,
			      .naddrs = n > 0 ? (size_t)n : 0};
	net_jail_teardown(&nj, NULL);
	free(addrs);
	return 0;
}

static int step_cgroup(void *ctx, struct jail_err *e)
{
	struct removal *r = ctx;

	if (!r->ours)
		return 0;
	return jail_cgroup_destroy(&r->st.cg, e);
}

static int step_registry(void *ctx, struct jail_err *e)
{
	struct removal *r = ctx;

	if (r->ours)
		jail_registry_remove(r->reg, &r->st);
	unlock(r);
	return 0;
}

static int step_poststop(void *ctx, struct jail_err *e)
{
	return hooks(ctx, JP_EXEC_POSTSTOP, e);
}

static int step_release(void *ctx, struct jail_err *e)
{
	return hooks(ctx, JP_EXEC_RELEASE, e);
}

const struct jail_step jail_remove_steps[] = {
	{"exec.prestop", step_prestop, NULL, 0},
	{"exec.stop", step_stop, NULL, 0},
	{"vnet", step_vnet, NULL, 0},
	{"term", step_term, NULL, 0},
	{"kill", step_kill, NULL, 0},
	{"lock", step_lock, NULL, 0},
	{"rctl", step_rctl, NULL, JAIL_STEP_CONTINUE},
	{"net", step_net, NULL, JAIL_STEP_CONTINUE},
	{"cgroup", step_cgroup, NULL, 0},
	{"registry", step_registry, NULL, 0},
	{"exec.poststop", step_poststop, NULL, 0},
	{"exec.release", step_release, NULL, 0},
};
const size_t jail_remove_nsteps = ARRAY_SIZE(jail_remove_steps);

/* Walk the stop table from step first; the hooks see the jail's own parameters. */
static int walk(struct removal *r, size_t first, const struct jail_run_opts *o, struct jail_err *e)
{
	struct jail_walk w = {"remove", jail_remove_steps + first, jail_remove_nsteps - first, o, 0};
	int ret;

	r->hc = (struct jail_hook_ctx){.reg = r->reg,
				       .st = &r->st,
				       .p = &r->st.params,
				       .path = jail_params_str(&r->st.params, JP_PATH),
				       .o = o};
	ret = jail_walk_forward(&w, r, e);
	unlock(r);
	return ret;
}

int jail_cleanup(struct jail_registry *reg, const struct jail_state *st, struct jail_err *e)
{
	struct removal r = {.reg = reg, .st = *st, .pidfd = -1};
	size_t lock = 0;

	while (strcmp(jail_remove_steps[lock].name, "lock") != 0)
		lock++;
	/* A shallow copy: st's parameters stay the caller's. */
	int ret = walk(&r, lock, NULL, e);
	return ret;
}

/* The init's pidfd, if it is still the jail's init (not a reused pid). */
static int open_init(const struct jail_state *st)
{
	int pidfd;

	if (jail_state_status(st) != JAIL_ALIVE)
		return -1;
	pidfd = sys_pidfd_open(st->init_pid, 0);
	/* Issue 10: a forged record must not name a host process (SIGKILL, kill(-1) in its namespace). */
	if (pidfd >= 0 &&
	    (proc_starttime(st->init_pid) != st->init_start || !jail_state_init_is_jail(st->init_pid))) {
		close(pidfd);
		pidfd = -1;
	}
	return pidfd;
}

int jail_remove(struct jail_registry *reg, const char *key, unsigned flags, const struct jail_run_opts *o,
		struct jail_err *e)
{
	struct removal r = {.reg = reg, .pidfd = -1, .hooks = flags & JAIL_REMOVE_HOOKS};
	int ret = jail_registry_find(reg, key, &r.st, e);

	if (ret == -ENOENT && jail_registry_lock(reg, NULL) == 0) {
		/* What a jail(8) killed while taking the name left: taken away, and still "not found". */
		jail_registry_sweep(reg, key);
		jail_registry_unlock(reg);
	}
	if (ret < 0)
		return ret;
	if (jail_state_status(&r.st) == JAIL_CREATING) {
		ret = jail_err_set(e, -EBUSY, "jail \"%s\" is being created", key);
		goto out;
	}
	r.pidfd = open_init(&r.st);
	ret = walk(&r, 0, o, e);
	if (ret < 0)
		jail_err_prefix(e, "%s", r.st.name);
	else if (o && o->report)
		o->report(o->arg, JAIL_REPORT_REMOVED, r.st.jid, r.st.name, NULL);
out:
	if (r.pidfd >= 0)
		close(r.pidfd);
	jail_state_free(&r.st);
	return ret;
}
