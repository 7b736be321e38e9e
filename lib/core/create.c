/*
 * The create path (DESIGN.md §4) as one step table. The parameters are
 * resolved into a plan first (plan.c); then each row makes one piece of the
 * jail on the host or hands one thing to the jail's init, and has the undo
 * that takes it away again. A failure anywhere, in a step or reported by the
 * init, walks back over exactly the steps that ran. jail_run() is that walk
 * followed by the jail's life with its command (run.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "create.h"
#include "hooks.h"
#include "init.h"
#include "net/jailnet.h"
#include "net/net.h"
#include "net/vnet.h"
#include "relay.h"
#include "remove.h"
#include "step.h"
#include "sys.h"
#include "util.h"

/* Under the registry lock: no other live jail has any of our addresses. */
static int check_addresses_free(struct jail_create *c, struct jail_err *e)
{
	struct netaddr *other = calloc(NET_JAIL_MAX_ADDRS, sizeof(*other));
	int *jids = NULL, n = jail_registry_list(&c->reg, &jids, e), ret = n < 0 ? n : 0;

	if (!other)
		ret = jail_err_set(e, -ENOMEM, "out of memory");
	for (int k = 0; k < n && ret == 0; k++) {
		struct jail_state st;
		if (jail_registry_load(&c->reg, jids[k], &st, NULL) < 0)
			continue;
		int m = jail_state_status(&st) == JAIL_DYING
				? 0
				: net_jail_addrs(&st.params, other, NET_JAIL_MAX_ADDRS, NULL);
		for (int i = 0; i < c->plan.naddrs && ret == 0; i++)
			for (int j = 0; j < m; j++) {
				const struct netaddr *a = &c->plan.addrs[i];
				char buf[NETADDR_STRLEN];
				if (other[j].family != a->family ||
				    memcmp(other[j].u.bytes, a->u.bytes, a->family == AF_INET ? 4 : 16))
					continue;
				ret = jail_err_set(e, -EADDRINUSE,
						   "%s: %s: address already in use by jail \"%s\"",
						   a->family == AF_INET ? "ip4.addr" : "ip6.addr",
						   netaddr_str(a, true, buf, sizeof(buf)), st.name);
				break;
			}
		jail_state_free(&st);
	}
	free(jids);
	free(other);
	return ret;
}

/* The name and JID, taken atomically; the host end of the jail's veth named after the JID. */
static int step_registry(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_params *p = &c->plan.params;
	int ret = jail_registry_lock(&c->reg, e);

	if (ret < 0)
		return ret;
	if (jail_params_isset(p, JP_NAME))
		snprintf(c->st.name, sizeof(c->st.name), "%s", jail_params_str(p, JP_NAME));
	if (c->plan.naddrs > 0)
		ret = check_addresses_free(c, e);
	c->st.host_netns = net_netns_self();
	if (ret == 0)
		ret = jail_registry_reserve(&c->reg, &c->st,
					    jail_params_isset(p, JP_JID) ? (int)jail_params_int(p, JP_JID) : 0, p, e);
	jail_registry_unlock(&c->reg);
	/* Recorded with the cgroups, before anything is made with it. */
	if (ret == 0 && (c->plan.naddrs > 0 || c->plan.vnet))
		jail_host_ifname(c->st.host_if, sizeof(c->st.host_if), c->reg.dir, c->st.jid);
	c->hooks = (struct jail_hook_ctx){.reg = &c->reg, .st = &c->st, .p = p, .path = c->plan.path};
	return ret;
}

static void undo_registry(void *ctx)
{
	struct jail_create *c = ctx;

	jail_registry_remove(&c->reg, &c->st);
}

/* The cgroups are recorded before they are made, so that a killed jail -c leaves a record to clean. */
static int step_cgroup(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const char *parent = jail_params_str(&c->plan.params, JP_CGROUP_PARENT);
	int ret;

	jail_cgroup_leaf(c->st.cg_leaf, sizeof(c->st.cg_leaf), c->reg.dir, c->st.name);
	if (parent)
		snprintf(c->st.cg_parent, sizeof(c->st.cg_parent), "%s", parent);
	ret = jail_cgroup_paths(&c->st.cg, parent, c->st.cg_leaf, e);
	if (ret == 0)
		ret = jail_registry_save(&c->reg, &c->st, &c->plan.params, e);
	if (ret == 0)
		ret = jail_cgroup_make(&c->st.cg, e);
	if (ret == 0)
		ret = jail_registry_save(&c->reg, &c->st, &c->plan.params, e);
	if (ret < 0)
		jail_cgroup_destroy(&c->st.cg, NULL);
	return ret;
}

static void undo_cgroup(void *ctx)
{
	struct jail_create *c = ctx;

	jail_cgroup_destroy(&c->st.cg, NULL);
}

static int run_hooks(struct jail_create *c, enum jail_param_id id, int *status, struct jail_err *e)
{
	int ignored;

	if (!c->plan.hooked)
		return 0;
	return jail_hooks_run(&c->hooks, id, status ? status : &ignored, e);
}

static int step_prepare(void *ctx, struct jail_err *e)
{
	return run_hooks(ctx, JP_EXEC_PREPARE, NULL, e);
}

static int step_prestart(void *ctx, struct jail_err *e)
{
	return run_hooks(ctx, JP_EXEC_PRESTART, NULL, e);
}

/* The jail's init, cloned into its namespaces and cgroups, waiting for its uid/gid maps. */
static int step_spawn(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_plan *pl = &c->plan;
	sigset_t mask;
	struct jail_spawn_opts so = {
		.clone_flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | (pl->new_uts ? CLONE_NEWUTS : 0) |
			       (pl->new_ipc ? CLONE_NEWIPC : 0) | (pl->new_net ? CLONE_NEWNET : 0),
		.cg = &c->st.cg,
		.passcred = true,
		.child = jail_init_child,
		.arg = &c->init_args,
	};
	int ret;

	/* Signals for the jail wait in the queue until the relay reads them. */
	jail_relay_sigset(&mask);
	sigprocmask(SIG_BLOCK, &mask, &c->init_args.sigmask);
	c->masked = true;
	c->init_args.plan = pl;
	c->init_args.persist = pl->persist || pl->hooked;
	c->init_args.discard = c;
	c->init_args.discard_len = sizeof(*c);
	ret = jail_spawn_start(&so, &c->init, e);
	if (ret < 0) {
		sigprocmask(SIG_SETMASK, &c->init_args.sigmask, NULL);
		c->masked = false;
	}
	return ret;
}

static void undo_spawn(void *ctx)
{
	struct jail_create *c = ctx;

	jail_spawn_kill(&c->init);
	if (c->masked)
		sigprocmask(SIG_SETMASK, &c->init_args.sigmask, NULL);
	c->masked = false;
}

/*
 * Identity map for now: jailed root owns the jail's files, as on FreeBSD.
 * Then "g": the init builds the jail's root while the network is made.
 */
static int step_maps(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%d", (int)c->init.pid);
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return jail_err_sys(e, -errno, "%s", dir);
	int r = write_file_at(dfd, "uid_map", "0 0 4294967295\n");
	if (r == 0)
		r = write_file_at(dfd, "gid_map", "0 0 4294967295\n");
	if (r < 0)
		return jail_err_sys(e, r, "writing the user namespace maps");
	/* A child that failed already has closed its end; the "ready" step reads why. */
	if (write(c->init.sock, "g", 1) != 1 && errno != EPIPE)
		return jail_err_sys(e, -errno, "starting the jail");
	return 0;
}

/* The jail's network: a veth carrying its addresses, or a vnet stack. */
static int step_net(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_plan *pl = &c->plan;
	int ret;

	if (!pl->vnet && pl->naddrs == 0)
		return 0;
	_cleanup_close_ int jfd = proc_ns_open(c->init.pid, "net");
	if (jfd < 0)
		return jail_err_sys(e, jfd, "the jail's network namespace");
	if (pl->vnet) {
		ret = jail_vnet_setup(&pl->params, jfd, c->st.host_if, e);
		c->vnet_up = ret == 0;
		return ret;
	}
	c->net = (struct net_jail){.host_netns_fd = -1,
				   .jail_netns_fd = jfd,
				   .host_if = c->st.host_if,
				   .jail_if = "eth0",
				   .interface = jail_params_str(&pl->params, JP_INTERFACE),
				   .addrs = pl->addrs,
				   .naddrs = (size_t)pl->naddrs};
	ret = net_jail_setup(&c->net, e);
	c->net.jail_netns_fd = -1;
	c->net_up = ret == 0;
	return ret;
}

static void undo_net(void *ctx)
{
	struct jail_create *c = ctx;

	if (c->vnet_up) {
		/* Interfaces moved in go back while the jail's namespace is still there. */
		int jfd = proc_ns_open(c->init.pid, "net");
		jail_vnet_teardown(&c->plan.params, jfd, c->st.host_if);
		if (jfd >= 0)
			close(jfd);
	}
	if (c->net_up)
		net_jail_teardown(&c->net, NULL);
	c->vnet_up = c->net_up = false;
}

/* The init has built the root and locked itself down (or says why not). */
static int step_ready(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;

	return jail_spawn_await(&c->init, &c->ptmx, e);
}

static void undo_ready(void *ctx)
{
	struct jail_create *c = ctx;

	if (c->ptmx >= 0)
		close(c->ptmx);
	c->ptmx = -1;
}

/* The registry knows the jail's init (with its start time, against pid reuse). */
static int step_record(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;

	c->st.init_pid = c->init.pid;
	c->st.init_start = proc_starttime(c->init.pid);
	return jail_registry_save(&c->reg, &c->st, &c->plan.params, e);
}

/* "r": the init starts its command (or, with exec.* commands, just lives). The jail exists. */
static int step_start(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_run_opts *o = c->o;

	if (write(c->init.sock, "r", 1) != 1)
		return jail_err_sys(e, -errno, "starting the jail");
	if (o && o->report)
		o->report(o->arg, JAIL_REPORT_CREATED, c->st.jid, c->st.name, NULL);
	if (c->plan.hooked) {
		/* The commands run through jexec's path: the relay's signals are not ours to hold. */
		sigprocmask(SIG_SETMASK, &c->init_args.sigmask, NULL);
		c->masked = false;
	}
	return 0;
}

static int step_created(void *ctx, struct jail_err *e)
{
	return run_hooks(ctx, JP_EXEC_CREATED, NULL, e);
}

static int step_exec_start(void *ctx, struct jail_err *e)
{
	return run_hooks(ctx, JP_EXEC_START, NULL, e);
}

/* With exec.* commands, command= runs after exec.start, through jexec's path. */
static int step_command(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;

	if (!jail_params_get(&c->plan.params, JP_COMMAND)->n)
		return 0;
	return run_hooks(c, JP_COMMAND, &c->cmd_status, e);
}

static int step_poststart(void *ctx, struct jail_err *e)
{
	return run_hooks(ctx, JP_EXEC_POSTSTART, NULL, e);
}

const struct jail_step jail_create_steps[] = {
	{"registry", step_registry, undo_registry, 0},
	{"exec.prepare", step_prepare, NULL, 0},
	{"cgroup", step_cgroup, undo_cgroup, 0},
	{"exec.prestart", step_prestart, NULL, 0},
	{"spawn", step_spawn, undo_spawn, 0},
	{"maps", step_maps, NULL, 0},
	{"net", step_net, undo_net, 0},
	{"ready", step_ready, undo_ready, 0},
	{"record", step_record, NULL, 0},
	{"start", step_start, NULL, 0},
	{"exec.created", step_created, NULL, 0},
	{"exec.start", step_exec_start, NULL, 0},
	{"command", step_command, NULL, 0},
	{"exec.poststart", step_poststart, NULL, 0},
};
const size_t jail_create_nsteps = ARRAY_SIZE(jail_create_steps);

int jail_create(struct jail_create *c, const struct jail_params *p, const struct jail_run_opts *o,
		struct jail_err *e)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->o = o;
	c->ptmx = -1;
	c->init = (struct jail_spawn)JAIL_SPAWN_INIT;
	c->walk = (struct jail_walk){"create", jail_create_steps, jail_create_nsteps, o, 0};
	ret = jail_registry_open(&c->reg, e);
	if (ret == 0)
		ret = jail_plan_resolve(p, c->reg.dir, o, &c->plan, e);
	if (ret < 0) {
		jail_registry_close(&c->reg);
		if (jail_params_isset(p, JP_NAME) && e->msg[0])
			jail_err_prefix(e, "%s", jail_params_str(p, JP_NAME));
		return ret;
	}
	ret = jail_walk_forward(&c->walk, c, e);
	if (ret < 0) {
		const char *name = c->st.name[0] ? c->st.name : jail_params_str(p, JP_NAME);
		if (name && e->msg[0])
			jail_err_prefix(e, "%s", name);
		jail_walk_back(&c->walk, c);
		jail_create_release(c);
	}
	return ret;
}

void jail_create_release(struct jail_create *c)
{
	if (c->ptmx >= 0)
		close(c->ptmx);
	c->ptmx = -1;
	if (c->masked)
		sigprocmask(SIG_SETMASK, &c->init_args.sigmask, NULL);
	c->masked = false;
	jail_spawn_release(&c->init);
	jail_registry_close(&c->reg);
	jail_plan_free(&c->plan);
}
