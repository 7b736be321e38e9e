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
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "create.h"
#include "holder.h"
#include "hooks.h"
#include "init.h"
#include "net/jailnet.h"
#include "net/net.h"
#include "net/vnet.h"
#include "jail/rctl.h"
#include "regindex.h"
#include "relay.h"
#include "remove.h"
#include "step.h"
#include "sys.h"
#include "util.h"

/*
 * Under the registry lock, against every live jail (the registry's index,
 * regindex.h): no address of ours is taken, and our user range is ours
 * alone (or our root's). A private range not fixed by the root's owner is
 * the first free one from the slot the name hashes to.
 */
static int check_live_jails(struct jail_create *c, struct jail_err *e)
{
	const struct jail_range *want = &c->plan.range;
	/* A container with a user namespace of its own: the engine chose its ids (a pod's containers share them). */
	const struct jail_container *ct = c->plan.ctr;
	bool own_map = ct && jail_container_own_ids(ct);
	int ret = 0;

	c->st.user_base = want->mode == JAIL_RANGE_IDENTITY ? 0 : want->base;
	c->st.user_slots = c->plan.range_slots;
	if (own_map)
		c->st.user_base = jail_container_hostid(ct, 0, 0, false);
	if (!c->plan.net_shared)
		ret = jail_index_check_addrs(&c->reg, c->plan.addrs, c->plan.naddrs, e);
	/* The engine's ids are not a range of ours: neither picked nor checked. */
	if (ret < 0 || own_map)
		return ret;
	if (want->mode == JAIL_RANGE_PRIVATE && !want->from_owner)
		ret = jail_index_pick_range(&c->reg,
					    jail_range_slot(c->st.name[0] ? c->st.name : c->plan.path),
					    c->st.user_slots, &c->st.user_base, e);
	else if (c->st.user_base)
		ret = jail_index_check_range(&c->reg, c->st.user_base, c->st.user_slots, c->plan.path, e);
	return ret;
}

/*
 * Called by the registry once the name is taken, before the first record is
 * written: the cgroups are recorded before they are made, so that a killed
 * jail -c leaves a record to clean. (The hierarchies were found before the
 * name was taken: between the two only strings are joined.)
 */
static int name_cgroups(struct jail_state *st, void *arg, struct jail_err *e)
{
	struct jail_create *c = arg;

	/* A container's leaf is set already (step_registry: its cgroupsPath's last component). */
	if (!st->cg_leaf[0])
		jail_cgroup_leaf(st->cg_leaf, sizeof(st->cg_leaf), c->reg.dir, st->name);
	return jail_cgroup_set_leaf(&st->cg, st->cg_leaf, e);
}

static void undo_registry(void *ctx)
{
	struct jail_create *c = ctx;

	/* Under the lock (taken again if we hold it already: flock does not nest). */
	jail_registry_lock(&c->reg, NULL);
	jail_index_release(&c->reg, &c->st, &c->plan.params);
	jail_registry_remove(&c->reg, &c->st);
	jail_registry_unlock(&c->reg);
}

/* The name and JID, taken atomically; the host end of the jail's veth named after the JID. */
static int step_registry(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_params *p = &c->plan.params;
	int ret;

	if (jail_params_isset(p, JP_NAME))
		snprintf(c->st.name, sizeof(c->st.name), "%s", jail_params_str(p, JP_NAME));
	if (jail_params_isset(p, JP_CGROUP_PARENT))
		snprintf(c->st.cg_parent, sizeof(c->st.cg_parent), "%s",
			 jail_params_str(p, JP_CGROUP_PARENT));
	c->st.oci = c->plan.ctr != NULL;
	c->st.no_setid = c->plan.priv.no_setid; /* jexec and jail-oci exec take it from the record */
	if (c->plan.ctr && c->plan.ctr->cfg->linux_.cgroups_path.path) {
		const struct oci_cgroups_path *cp = &c->plan.ctr->cfg->linux_.cgroups_path;
		const char *slash = strrchr(cp->path, '/');
		/* linux.cgroupsPath, exactly: "./PARENT" is below our own cgroup (cgroup.c); the last component is the leaf */
		snprintf(c->st.cg_parent, sizeof(c->st.cg_parent), "%s%.*s", cp->relative ? "./" : "/",
			 slash ? (int)(slash - cp->path) : 0, cp->path);
		snprintf(c->st.cg_leaf, sizeof(c->st.cg_leaf), "%s", slash ? slash + 1 : cp->path);
	}
	/* The hierarchies, found before the lock is taken; the leaf follows the name. */
	ret = jail_cgroup_paths(&c->st.cg, c->st.cg_parent[0] ? c->st.cg_parent : NULL, NULL, e);
	if (ret == 0)
		ret = jail_registry_lock(&c->reg, e);
	if (ret < 0)
		return ret;
	ret = check_live_jails(c, e);
	c->st.host_netns = net_netns_self();
	if (ret == 0)
		ret = jail_registry_reserve(
			&c->reg, &c->st, jail_params_isset(p, JP_JID) ? (int)jail_params_int(p, JP_JID) : 0,
			p, name_cgroups, c, e);
	if (ret == 0 && (ret = jail_index_claim(&c->reg, &c->st, p, e)) < 0) {
		jail_index_release(&c->reg, &c->st, p);
		jail_registry_remove(&c->reg, &c->st);
	}
	jail_registry_unlock(&c->reg);
	/* Recorded with the cgroups, before anything is made with it. */
	if (ret == 0 && ((c->plan.naddrs > 0 && !c->plan.net_shared) || c->plan.vnet))
		jail_host_ifname(c->st.host_if, sizeof(c->st.host_if), c->reg.dir, c->st.jid);
	/* .o: -v reports each exec.* command (issue 11) */
	c->hooks =
		(struct jail_hook_ctx){.reg = &c->reg, .st = &c->st, .p = p, .path = c->plan.path, .o = c->o};
	return ret;
}

/*
 * The cgroups the init is cloned into: the v2 directory and v1 memory (see
 * cgroup.h). A jail that may have child jails is shown all of its cgroups
 * in its /sys/fs/cgroup while its root is built: it gets them all here.
 */
static bool nested(const struct jail_create *c)
{
	return c->plan.range_slots > 1;
}

/* A container's linux.resources are written into all of its cgroups before its init is cloned. */
static bool all_cgroups(const struct jail_create *c)
{
	return nested(c) || c->plan.ctr;
}

static int step_cgroup(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	int ret = jail_cgroup_make(&c->st.cg, all_cgroups(c) ? JAIL_CG_ALL : JAIL_CG_EARLY, e);

	if (ret == 0 && nested(c))
		ret = jail_cgroup_delegate(&c->st.cg, (uid_t)c->st.user_base, (gid_t)c->st.user_base, e);
	if (ret < 0)
		jail_cgroup_destroy(&c->st.cg, NULL);
	return ret;
}

static void undo_cgroup(void *ctx)
{
	struct jail_create *c = ctx;

	jail_cgroup_destroy(&c->st.cg, NULL);
}

/* A container's linux.resources, written into its cgroups before anything runs there. */
static int step_resources(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct oci_linux *l = c->plan.ctr ? &c->plan.ctr->cfg->linux_ : NULL;

	if (!l || (!l->res.set && !l->n_devices))
		return 0;
	return oci_cgroup_apply(&c->st.cg, &l->res, l->devices, l->n_devices, e);
}

/*
 * The rest of the cgroups, made while the init builds the root; it gets
 * their "tasks" files and joins them itself (cgroup.h says why), then goes
 * on: the maps are written by now too.
 */
static int step_cgroup_late(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	int fds[JAIL_CGROUP_MAX], n = 0, ret = 0;

	if (!all_cgroups(c)) {
		ret = jail_cgroup_make(&c->st.cg, JAIL_CG_LATE, e);
		if (ret == 0)
			n = ret = jail_cgroup_open_self_join(&c->st.cg, JAIL_CG_LATE, false, fds,
							     JAIL_CGROUP_MAX, e);
	}
	if (ret >= 0 && jail_msg_send_fds(c->init.sock, 'c', fds, n) < 0) {
		ret = jail_err_sys(e, -errno, "the jail's cgroups");
		/* The init failed first (it could not read): its own report is what to say. */
		if (ret == -EPIPE || ret == -ECONNRESET)
			ret = jail_spawn_await(&c->init, NULL, e);
		if (ret == 0)
			ret = jail_err_set(e, -EIO, "the jail's process died while starting");
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return ret < 0 ? ret : 0;
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

static int write_maps(pid_t pid, const char *map, struct jail_err *e)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return jail_err_sys(e, -errno, "%s", dir);
	int r = write_file_at(dfd, "uid_map", map);
	if (r == 0)
		r = write_file_at(dfd, "gid_map", map);
	if (r < 0)
		return jail_err_sys(e, r, "writing the user namespace maps");
	return 0;
}

static int idmap_userns(struct jail_create *c, struct jail_err *e);

/*
 * The jail's user namespace, and the network, UTS and IPC namespaces it
 * owns, are made first by the holder (holder.h): so jailed root has its
 * capabilities over them (its own stack, its hostname), while the init,
 * cloned next, builds the jail's root as host root and only then joins.
 * Once the holder says its namespaces are made, their fds are taken, and
 * the init is cloned while the holder waits for its maps. (And the thin
 * jail's idmap, which the init needs for its root.)
 */
static int step_userns(void *ctx, struct jail_err *e)
{
	static const char *const ns[] = {"user", "net", "uts", "ipc"};
	static const enum oci_ns ctr_ns[] = {OCI_NS_USER, OCI_NS_NET, OCI_NS_UTS, OCI_NS_IPC};
	struct jail_create *c = ctx;
	const struct jail_plan *pl = &c->plan;
	const struct jail_container *ct = pl->ctr;
	/* A container joining a user namespace by path: the namespaces it owns are made in that one. */
	int join = ct ? ct->nsfd[OCI_NS_USER] : -1;
	unsigned long long flags = (join < 0 ? CLONE_NEWUSER : 0) | (pl->new_uts ? CLONE_NEWUTS : 0) |
				   (pl->new_ipc ? CLONE_NEWIPC : 0) | (pl->new_net ? CLONE_NEWNET : 0);
	uid_t owner = join < 0 && c->st.user_base ? (uid_t)jail_range_owner((uint32_t)c->st.user_base) : 0;
	/* A user namespace joined by path is another's to limit (-1: children.max is not written). */
	long limit = join < 0 ? jail_params_int(&pl->params, JP_CHILDREN_MAX) : -1;
	int r = jail_holder_start(&c->holder, flags, join, owner, limit, jail_range_extent() < 4294967295ULL,
				  e);

	if (r == 0)
		r = jail_holder_made(&c->holder, e);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(ns); i++) {
		/* A container's namespace joined by path is that one. */
		int path = ct ? ct->nsfd[ctr_ns[i]] : -1;
		c->nsfd[i] = path >= 0 ? fcntl(path, F_DUPFD_CLOEXEC, 3) : proc_ns_open(c->holder.pid, ns[i]);
		if (c->nsfd[i] < 0)
			r = jail_err_sys(e, path >= 0 ? -errno : c->nsfd[i], "the jail's %s namespace",
					 ns[i]);
	}
	if (r == 0 && c->plan.is_thin && c->plan.base_owner != c->st.user_base)
		r = idmap_userns(c, e);
	return r;
}

static void undo_userns(void *ctx)
{
	struct jail_create *c = ctx;

	jail_holder_kill(&c->holder);
	for (size_t i = 0; i < ARRAY_SIZE(c->nsfd); i++)
		if (c->nsfd[i] >= 0)
			close(c->nsfd[i]);
	if (c->idmap >= 0)
		close(c->idmap);
	c->idmap = -1;
	memset(c->nsfd, -1, sizeof(c->nsfd));
}

/* An idle user namespace with map, for an idmapped mount (thin jails' shared base). */
static void __attribute__((noreturn)) idle_child(void *arg, int sock)
{
	char go;

	while (read(sock, &go, 1) > 0)
		;
	_exit(0);
}

static int idmap_userns(struct jail_create *c, struct jail_err *e)
{
	struct jail_spawn_opts so = {.clone_flags = CLONE_NEWUSER, .child = idle_child};
	struct jail_spawn sp;
	char map[64];
	int r;

	/* The base's files, owned by its range, are shown as the jail's. */
	snprintf(map, sizeof(map), "%u %llu %u\n", (unsigned)c->plan.base_owner, c->st.user_base,
		 JAIL_RANGE_SIZE);
	if ((r = jail_spawn_start(&so, &sp, e)) < 0)
		return r;
	r = write_maps(sp.pid, map, e);
	if (r == 0 && (c->idmap = proc_ns_open(sp.pid, "user")) < 0)
		r = jail_err_sys(e, c->idmap, "thin: the idmap's user namespace");
	jail_spawn_kill(&sp);
	return r;
}

/* A container's own uidMappings and gidMappings, or the jail's range. */
static int write_ctr_maps(struct jail_create *c, struct jail_err *e)
{
	char dir[64], map[4096];
	int r;

	snprintf(dir, sizeof(dir), "/proc/%d", (int)c->holder.pid);
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return jail_err_sys(e, -errno, "%s", dir);
	jail_container_map(c->plan.ctr, (uint32_t)c->st.user_base, false, map, sizeof(map));
	if ((r = write_file_at(dfd, "uid_map", map)) < 0)
		return jail_err_sys(e, r, "linux.uidMappings");
	jail_container_map(c->plan.ctr, (uint32_t)c->st.user_base, true, map, sizeof(map));
	if ((r = write_file_at(dfd, "gid_map", map)) < 0)
		return jail_err_sys(e, r, "linux.gidMappings");
	return 0;
}

/* The maps; then the holder, root of the jail's user namespace, sets its limits (awaited at "ready"). */
static int step_maps(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_container *ct = c->plan.ctr;
	struct jail_range r = c->plan.range;
	char map[64];
	int ret;

	r.base = (uint32_t)c->st.user_base;
	jail_range_map(&r, c->st.user_slots, map, sizeof(map));
	if (ct && ct->nsfd[OCI_NS_USER] >= 0)
		ret = 0; /* joined by path: mapped already */
	else if (ct)
		ret = write_ctr_maps(c, e);
	else
		ret = write_maps(c->holder.pid, map, e);
	return ret < 0 ? ret : jail_holder_go(&c->holder, e);
}

/* The jail's init: host root in the jail's new PID and mount namespaces, in its cgroups. */
static int step_spawn(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	sigset_t mask;
	struct jail_spawn_opts so = {
		.clone_flags = CLONE_NEWPID | CLONE_NEWNS,
		.cg = &c->st.cg,
		.cg_class = all_cgroups(c) ? JAIL_CG_ALL : JAIL_CG_EARLY,
		.passcred = true,
		.child = jail_init_child,
		.arg = &c->init_args,
	};
	const struct jail_container *ct = c->plan.ctr;
	_cleanup_close_ int own_pidns = -1;
	int ret = 0;

	/* Signals for the jail wait in the queue until the relay reads them. */
	jail_relay_sigset(&mask);
	sigprocmask(SIG_BLOCK, &mask, &c->init_args.sigmask);
	c->masked = true;
	c->init_args = (struct jail_init_args){
		.plan = &c->plan,
		.sigmask = c->init_args.sigmask,
		.persist = c->plan.persist || c->plan.hooked,
		.ids = {(uid_t)c->st.user_base, (gid_t)c->st.user_base},
		.userns = c->nsfd[0],
		.netns = c->nsfd[1],
		.utsns = c->nsfd[2],
		.ipcns = c->nsfd[3],
		.idmap = c->idmap,
		.cg = &c->st.cg,
	};
	if (ct) {
		c->init_args.ids.uid = jail_container_hostid(ct, (uint32_t)c->st.user_base, 0, false);
		c->init_args.ids.gid = jail_container_hostid(ct, (uint32_t)c->st.user_base, 0, true);
	}
	/* linux.namespaces pid with a path: the init is born in that namespace (not its PID 1). */
	if (ct && ct->nsfd[OCI_NS_PID] >= 0) {
		own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own_pidns < 0 || setns(ct->nsfd[OCI_NS_PID], CLONE_NEWPID) < 0)
			ret = jail_err_sys(e, -errno, "linux.namespaces: pid: joining %s",
					   ct->cfg->linux_.ns[OCI_NS_PID].path);
		so.clone_flags &= ~(unsigned long long)CLONE_NEWPID;
	}
	if (ret == 0)
		ret = jail_spawn_start(&so, &c->init, e);
	if (own_pidns >= 0)
		setns(own_pidns, CLONE_NEWPID);
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

/* The jail's network: a veth carrying its addresses, or a vnet stack. */
static int step_net(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_plan *pl = &c->plan;
	int ret;

	int jfd = c->nsfd[1];

	if ((!pl->vnet && pl->naddrs == 0) || pl->net_shared)
		return 0;
	if (pl->vnet) {
		ret = jail_vnet_setup(&pl->params, jfd, c->st.host_if, e);
		c->vnet_up = ret == 0;
		return ret;
	}
	ret = net_ifname_free(c->st.host_if, sizeof(c->st.host_if), e);
	if (ret < 0)
		return ret;
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

	if (c->vnet_up) /* interfaces moved in go back while the jail's namespace is still there */
		jail_vnet_teardown(&c->plan.params, c->nsfd[1], c->st.host_if);
	if (c->net_up)
		net_jail_teardown(&c->net, NULL);
	c->vnet_up = c->net_up = false;
}

/*
 * A container's prestart and createRuntime hooks, on the host, while its
 * init waits before pivot_root; then the state goes to the init for its
 * createContainer (and later startContainer) hooks. After "cgroup.late":
 * a container's init reads that message (the maps are written) before it
 * builds its root, idmapped through the jail's user namespace.
 */
static int step_oci_hooks(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_container *ct = c->plan.ctr;
	struct jail_msg m;
	int r;

	if (!ct || (!ct->pre_pivot_hooks && !ct->start_hooks))
		return 0;
	do
		r = jail_msg_recv(c->init.sock, &m, NULL, NULL);
	while (r == -ECONNRESET || (r > 0 && m.type != JAIL_MSG_HOOKS && m.type != JAIL_MSG_ERROR));
	if (r <= 0)
		return jail_err_set(e, -EIO, "the jail's process died while starting");
	if (m.type == JAIL_MSG_ERROR) {
		*e = m.err;
		return e->code < 0 ? e->code : -EIO;
	}
	_cleanup_free_ char *state = jail_container_state(ct, "created", c->init.pid);
	if (!state)
		return jail_err_set(e, -ENOMEM, "out of memory");
	r = oci_hooks_run(&ct->cfg->hooks[OCI_HOOK_PRESTART], OCI_HOOK_PRESTART, state, NULL, NULL, e);
	if (r == 0)
		r = oci_hooks_run(&ct->cfg->hooks[OCI_HOOK_CREATE_RUNTIME], OCI_HOOK_CREATE_RUNTIME, state,
				  NULL, NULL, e);
	if (r == 0 && send(c->init.sock, state, strlen(state), MSG_NOSIGNAL) < 0)
		r = jail_err_sys(e, -errno, "hooks: the state");
	return r;
}

/*
 * The holder has set the jail's limits (then it goes: the namespaces live
 * on through our fds and the init), and the init has built the root and
 * locked itself down (or says why not).
 */
static int step_ready(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	int ret = jail_holder_await(&c->holder, e);

	/* It exits on its own now, and is reaped at "start". */
	if (ret == 0)
		ret = jail_spawn_await(&c->init, &c->ptmx, e);
	/*
	 * Nothing of ours must be in place before the command runs (no rctl
	 * rule, no exec.* command): "r" now, while the record is written.
	 */
	if (ret == 0 && c->go_early && write(c->init.sock, "r", 1) != 1)
		ret = jail_err_sys(e, -errno, "starting the jail");
	return ret;
}

/* process.terminal: the pty's master goes to --console-socket. */
static int step_console(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_container *ct = c->plan.ctr;
	int r;

	if (!ct || c->ptmx < 0)
		return 0;
	r = ct->console ? oci_console_send(ct->console, c->ptmx, ct->id, e) : 0;
	close(c->ptmx);
	c->ptmx = -1;
	return r;
}

/* The container's state and --pid-file, written before the init may go on (jail-oci's record). */
static int step_oci_state(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_container *ct = c->plan.ctr;

	if (!ct || !ct->record)
		return 0;
	return ct->record(ct->record_arg, c->init.pid, c->st.init_start, c->st.jid, &c->st.cg, e);
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

/* rctl (lib/rctl): the rlimits the jail's command takes before exec (its init applies them). */
static int step_rlimits(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	struct rctl_jail rj = {
		.name = c->st.name, .jid = c->st.jid, .reg = &c->reg, .cg = &c->st.cg, .p = &c->plan.params};

	int ret = rctl_jail_rlimits(&rj, c->init_args.rl, &c->init_args.rlmask, e);

	/* No limits to write before the command runs: it may start as soon as the init is ready. */
	c->go_early = ret == 0 && !c->plan.hooked && rctl_jail_unlimited(&rj);
	return ret;
}

/* rctl (lib/rctl): the jail's limits on its cgroups, IPC namespace, devpts and disks; its watcher. */
static int step_rctl(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	struct rctl_jail rj = {.name = c->st.name,
			       .jid = c->st.jid,
			       .reg = &c->reg,
			       .cg = &c->st.cg,
			       .p = &c->plan.params,
			       .init_pid = c->st.init_pid,
			       .init_start = c->st.init_start};

	return rctl_jail_apply(&rj, e);
}

static void undo_rctl(void *ctx)
{
	struct jail_create *c = ctx;

	rctl_jail_release(&(struct rctl_jail){.reg = &c->reg, .jid = c->st.jid});
}

/* "r": the init starts its command (or, with exec.* commands, just lives). The jail exists. */
static int step_start(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	const struct jail_run_opts *o = c->o;

	if (!c->go_early && write(c->init.sock, "r", 1) != 1)
		return jail_err_sys(e, -errno, "starting the jail");
	jail_holder_reap(&c->holder);
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
	{"rctl.rlimits", step_rlimits, NULL, 0},
	{"oci.resources", step_resources, NULL, 0},
	{"exec.prestart", step_prestart, NULL, 0},
	{"userns", step_userns, undo_userns, 0},
	{"spawn", step_spawn, undo_spawn, 0},
	{"maps", step_maps, NULL, 0},
	{"cgroup.late", step_cgroup_late, NULL, 0},
	{"oci.hooks", step_oci_hooks, NULL, 0},
	{"net", step_net, undo_net, 0},
	{"ready", step_ready, undo_ready, 0},
	{"oci.console", step_console, NULL, 0},
	{"record", step_record, NULL, 0},
	{"rctl", step_rctl, undo_rctl, 0},
	{"oci.state", step_oci_state, NULL, 0},
	{"start", step_start, NULL, 0},
	{"exec.created", step_created, NULL, 0},
	{"exec.start", step_exec_start, NULL, 0},
	{"command", step_command, NULL, 0},
	{"exec.poststart", step_poststart, NULL, 0},
};
const size_t jail_create_nsteps = ARRAY_SIZE(jail_create_steps);

/* In a jail, a child jail is one more user namespace: none left (children.max 0, or used up) is FreeBSD's refusal. */
static int may_make_child(struct jail_err *e)
{
	char buf[32];

	if (jail_range_extent() >= 4294967295ULL)
		return 0;
	if (read_file_at(AT_FDCWD, "/proc/sys/user/max_user_namespaces", buf, sizeof(buf)) > 0 &&
	    atol(buf) == 0)
		return jail_err_set(e, -EUSERS, "jail_set: Operation not permitted");
	return 0;
}

int jail_create(struct jail_create *c, const struct jail_params *p, const struct jail_run_opts *o,
		struct jail_err *e)
{
	return jail_create_container(c, p, NULL, o, e);
}

int jail_create_container(struct jail_create *c, const struct jail_params *p,
			  const struct jail_container *ctr, const struct jail_run_opts *o, struct jail_err *e)
{
	int ret = may_make_child(e);

	if (ret < 0)
		return ret;
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->ptmx = -1;
	c->init = (struct jail_spawn)JAIL_SPAWN_INIT;
	c->holder = (struct jail_holder)JAIL_HOLDER_INIT;
	c->idmap = -1;
	memset(c->nsfd, -1, sizeof(c->nsfd));
	c->walk = (struct jail_walk){"create", jail_create_steps, jail_create_nsteps, o, 0};
	JAIL_TMARK("create", "begin");
	ret = jail_registry_open(&c->reg, e);
	JAIL_TMARK("create", "regopen");
	if (ret == 0)
		ret = jail_plan_resolve(p, c->reg.dir, o, ctr, &c->plan, e);
	JAIL_TMARK("create", "plan");
	if (ret < 0) {
		jail_registry_close(&c->reg);
		if (jail_params_isset(p, JP_NAME) && e->msg[0])
			jail_err_prefix(e, "%s", jail_params_str(p, JP_NAME));
		return ret;
	}
	ret = jail_walk_forward(&c->walk, c, e);
	if (ret < 0) {
		const char *name = c->st.name[0] ? c->st.name : jail_params_str(p, JP_NAME);
		/* -EUSERS: the kernel's refusal of a child jail, which FreeBSD reports without a name. */
		if (name && e->msg[0] && ret != -EUSERS)
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
	undo_userns(c);
	jail_registry_close(&c->reg);
	jail_plan_free(&c->plan);
}
