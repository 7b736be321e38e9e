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
#include "hooks.h"
#include "init.h"
#include "net/jailnet.h"
#include "net/net.h"
#include "net/vnet.h"
#include "jail/rctl.h"
#include "relay.h"
#include "remove.h"
#include "step.h"
#include "sys.h"
#include "util.h"

/* A live jail's address that is also ours: "address already in use by jail X". */
static int address_clash(const struct jail_create *c, const struct jail_state *st, struct netaddr *other,
			 struct jail_err *e)
{
	int m = net_jail_addrs(&st->params, other, NET_JAIL_MAX_ADDRS, NULL);

	for (int i = 0; i < c->plan.naddrs; i++)
		for (int j = 0; j < m; j++) {
			const struct netaddr *a = &c->plan.addrs[i];
			char buf[NETADDR_STRLEN];
			if (other[j].family != a->family ||
			    memcmp(other[j].u.bytes, a->u.bytes, a->family == AF_INET ? 4 : 16))
				continue;
			return jail_err_set(e, -EADDRINUSE, "%s: %s: address already in use by jail \"%s\"",
					    a->family == AF_INET ? "ip4.addr" : "ip6.addr",
					    netaddr_str(a, true, buf, sizeof(buf)), st->name);
		}
	return 0;
}

static bool overlap(unsigned long long a, unsigned an, unsigned long long b, unsigned bn)
{
	return a < b + (unsigned long long)bn * JAIL_RANGE_SIZE &&
	       b < a + (unsigned long long)an * JAIL_RANGE_SIZE;
}

/* A live jail of another root in our range: it would share our uids. */
static int range_clash(const struct jail_create *c, const struct jail_state *st, struct jail_err *e)
{
	if (!c->st.user_base || !st->user_base ||
	    !overlap(c->st.user_base, c->st.user_slots, st->user_base, st->user_slots) ||
	    !strcmp(jail_params_str(&st->params, JP_PATH), c->plan.path))
		return 0;
	return jail_err_set(e, -EBUSY,
			    "user.range: host uids %llu-%llu are jail \"%s\"'s (another root); "
			    "give one of them another range (mkjail shift)",
			    st->user_base,
			    st->user_base + (unsigned long long)st->user_slots * JAIL_RANGE_SIZE - 1,
			    st->name);
}

/* The first free run of slots from the one the name hashes to. */
static int pick_range(struct jail_create *c, const struct jail_state *live, int nlive, struct jail_err *e)
{
	uint32_t pool, count, slot = jail_range_slot(c->st.name[0] ? c->st.name : c->plan.path);

	jail_range_pool(&pool, &count);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t s = (slot + i) % count;
		bool taken = s + c->st.user_slots > count;
		c->st.user_base = pool + (unsigned long long)s * JAIL_RANGE_SIZE;
		for (int k = 0; k < nlive && !taken; k++)
			taken = live[k].user_base && overlap(c->st.user_base, c->st.user_slots,
							     live[k].user_base, live[k].user_slots);
		if (!taken)
			return 0;
	}
	/* In a jail the pool is what children.max gave it: FreeBSD's words for that limit. */
	if (jail_range_extent() < 4294967295ULL)
		return jail_err_set(e, -EUSERS, "prison limit exceeded");
	return jail_err_set(e, -EAGAIN, "user.range: no %u free range%s left in the pool", c->st.user_slots,
			    c->st.user_slots > 1 ? "s in a row" : "");
}

/*
 * Under the registry lock, against every live jail: no address of ours is
 * taken, and our user range is ours alone. A private range not fixed by the
 * root's owner is the first free one from the slot the name hashes to.
 */
static int check_live_jails(struct jail_create *c, struct jail_err *e)
{
	const struct jail_range *want = &c->plan.range;
	struct netaddr *other = calloc(NET_JAIL_MAX_ADDRS, sizeof(*other));
	int *jids = NULL, n = jail_registry_list(&c->reg, &jids, e), ret = n < 0 ? n : 0, nlive = 0;
	struct jail_state *live = calloc((size_t)(n > 0 ? n : 1), sizeof(*live));

	/* A container with a user namespace of its own: the engine chose its ids (a pod's containers share them). */
	const struct jail_container *ct = c->plan.ctr;
	bool own_map = ct && jail_container_own_ids(ct);

	if (!other || !live)
		ret = jail_err_set(e, -ENOMEM, "out of memory");
	c->st.user_base = want->mode == JAIL_RANGE_IDENTITY ? 0 : want->base;
	c->st.user_slots = c->plan.range_slots;
	if (own_map)
		c->st.user_base = jail_container_hostid(ct, 0, 0, false);
	for (int k = 0; k < n && ret == 0; k++) {
		struct jail_state *st = &live[nlive];
		if (jail_registry_load(&c->reg, jids[k], st, NULL) < 0)
			continue;
		if (jail_state_status(st) == JAIL_DYING) {
			jail_state_free(st);
			continue;
		}
		if (!c->plan.net_shared)
			ret = address_clash(c, st, other, e);
		if (ret == 0 && want->mode != JAIL_RANGE_PRIVATE)
			ret = range_clash(c, st, e);
		if (ret == 0 && want->mode == JAIL_RANGE_PRIVATE && want->from_owner)
			ret = range_clash(c, st, e);
		nlive++;
	}
	if (ret == 0 && want->mode == JAIL_RANGE_PRIVATE && !want->from_owner && !own_map)
		ret = pick_range(c, live, nlive, e);
	for (int k = 0; k < nlive; k++)
		jail_state_free(&live[k]);
	free(live);
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
	c->st.oci = c->plan.ctr != NULL;
	ret = check_live_jails(c, e);
	c->st.host_netns = net_netns_self();
	if (ret == 0)
		ret = jail_registry_reserve(
			&c->reg, &c->st, jail_params_isset(p, JP_JID) ? (int)jail_params_int(p, JP_JID) : 0,
			p, e);
	jail_registry_unlock(&c->reg);
	/* Recorded with the cgroups, before anything is made with it. */
	if (ret == 0 && ((c->plan.naddrs > 0 && !c->plan.net_shared) || c->plan.vnet))
		jail_host_ifname(c->st.host_if, sizeof(c->st.host_if), c->reg.dir, c->st.jid);
	/* .o: -v reports each exec.* command (issue 11) */
	c->hooks =
		(struct jail_hook_ctx){.reg = &c->reg, .st = &c->st, .p = p, .path = c->plan.path, .o = c->o};
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

	if (parent && !*parent) /* cgroup.parent= is no parent: under the creator's cgroups */
		parent = NULL;
	jail_cgroup_leaf(c->st.cg_leaf, sizeof(c->st.cg_leaf), c->reg.dir, c->st.name);
	/* A container's linux.cgroupsPath, exactly: its last component is the leaf. */
	if (c->plan.ctr && c->plan.ctr->cfg->linux_.cgroups_path.path) {
		const struct oci_cgroups_path *cp = &c->plan.ctr->cfg->linux_.cgroups_path;
		const char *slash = strrchr(cp->path, '/');
		snprintf(c->st.cg_leaf, sizeof(c->st.cg_leaf), "%s", slash ? slash + 1 : cp->path);
		snprintf(c->st.cg_parent, sizeof(c->st.cg_parent), "%s%.*s", cp->relative ? "./" : "/",
			 slash ? (int)(slash - cp->path) : 0, cp->path);
		parent = c->st.cg_parent[0] ? c->st.cg_parent : NULL;
	}
	if (parent && parent != c->st.cg_parent)
		snprintf(c->st.cg_parent, sizeof(c->st.cg_parent), "%s", parent);
	ret = jail_cgroup_paths(&c->st.cg, parent, c->st.cg_leaf, e);
	if (ret == 0)
		ret = jail_registry_save(&c->reg, &c->st, &c->plan.params, e);
	if (ret == 0)
		ret = jail_cgroup_make(&c->st.cg, e);
	if (ret == 0 && c->plan.range_slots > 1)
		ret = jail_cgroup_delegate(&c->st.cg, (uid_t)c->st.user_base, (gid_t)c->st.user_base, e);
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

/* A container's linux.resources, written into its cgroups before anything runs there. */
static int step_resources(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;

	const struct oci_linux *l = c->plan.ctr ? &c->plan.ctr->cfg->linux_ : NULL;

	if (!l || (!l->res.set && !l->n_devices))
		return 0;
	return oci_cgroup_apply(&c->st.cg, &l->res, l->devices, l->n_devices, e);
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

/*
 * The jail's user namespace, and the network, UTS and IPC namespaces it
 * owns, are made first by a short-lived holder: so jailed root has its
 * capabilities over them (its own stack, its hostname), while the init,
 * cloned next, builds the jail's root as host root and only then joins.
 *
 * The holder makes them as the first uid of the jail's range, not as host
 * root: the kernel charges per-user counts made in a user namespace
 * (inotify instances and watches, message queue bytes, processes, pending
 * signals, user namespaces) to its owner in the parent namespace as well,
 * so a jail owned by root could use up root's (issue 10, attacks.bats
 * "quotas"). user.range=identity keeps root as the owner.
 */
static void __attribute__((noreturn)) holder_child(void *arg, int sock)
{
	const struct jail_create *c = arg;
	const struct jail_plan *pl = &c->plan;
	struct jail_err e = {0};
	/* A container joining a user namespace by path: the namespaces it owns are made in that one. */
	bool join = pl->ctr && pl->ctr->nsfd[OCI_NS_USER] >= 0;
	uid_t owner = !join && c->st.user_base ? (uid_t)jail_range_owner((uint32_t)c->st.user_base) : 0;
	int flags = (pl->new_uts ? CLONE_NEWUTS : 0) | (pl->new_ipc ? CLONE_NEWIPC : 0) |
		    (pl->new_net ? CLONE_NEWNET : 0);
	char go, n[16];

	if (owner && (setgroups(0, NULL) < 0 || setresgid(owner, owner, owner) < 0 ||
		      setresuid(owner, owner, owner) < 0)) {
		jail_err_sys(&e, -errno, "becoming the owner of the jail's user namespace");
		jail_msg_fail(sock, &e, 1);
	}
	if (join && (setns(pl->ctr->nsfd[OCI_NS_USER], CLONE_NEWUSER) < 0 || (flags && unshare(flags) < 0))) {
		jail_err_sys(&e, -errno, "linux.namespaces: user: joining %s",
			     pl->ctr->cfg->linux_.ns[OCI_NS_USER].path);
		jail_msg_fail(sock, &e, 1);
	}
	if (!join && unshare(CLONE_NEWUSER | flags) < 0) {
		/* What FreeBSD's jail(8) says when the kernel refuses a child jail (without the jail's name). */
		if (errno == ENOSPC || errno == EUSERS)
			jail_err_set(&e, -EUSERS, "prison limit exceeded");
		else if ((errno == EPERM || errno == ENOSYS) && jail_range_extent() < 4294967295ULL)
			jail_err_set(&e, -EUSERS, "jail_set: Operation not permitted");
		else
			jail_err_sys(&e, -errno, "the jail's user namespace");
		jail_msg_fail(sock, &e, 1);
	}
	/* Made: the creator writes the maps now. */
	jail_msg_send(sock, JAIL_MSG_READY, 0, 0, NULL, -1);
	if (read(sock, &go, 1) != 1)
		_exit(1);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		jail_err_sys(&e, -errno, "becoming root of the jail's user namespace");
		jail_msg_fail(sock, &e, 1);
	}
	/* children.max, kept by the kernel: user namespaces the jail (and its jails) may make. A
	   user namespace joined by path is another's to limit. */
	snprintf(n, sizeof(n), "%ld\n", jail_params_int(&c->plan.params, JP_CHILDREN_MAX));
	int r = join ? 0 : write_file_at(AT_FDCWD, "/proc/sys/user/max_user_namespaces", n);
	/* In a jail /proc/sys is read-only: the parent's limit, which counts ours, holds. */
	if (r == -EROFS && jail_range_extent() < 4294967295ULL)
		r = 0;
	if (r < 0) {
		jail_err_sys(&e, r, "children.max: user.max_user_namespaces");
		jail_msg_fail(sock, &e, 1);
	}
	jail_msg_send(sock, JAIL_MSG_READY, 0, 0, NULL, -1);
	while (read(sock, &go, 1) > 0)
		;
	_exit(0);
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

static int step_userns(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	/* The namespaces are made by the holder itself, as their owner (holder_child). */
	struct jail_spawn_opts so = {.child = holder_child, .arg = c};

	return jail_spawn_start(&so, &c->holder, e);
}

static void undo_userns(void *ctx)
{
	struct jail_create *c = ctx;

	jail_spawn_kill(&c->holder);
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

/* The maps, the holder's limits, and fds of the namespaces for the init to join. */
static int step_maps(void *ctx, struct jail_err *e)
{
	static const char *const ns[] = {"user", "net", "uts", "ipc"};
	static const enum oci_ns ctr_ns[] = {OCI_NS_USER, OCI_NS_NET, OCI_NS_UTS, OCI_NS_IPC};
	struct jail_create *c = ctx;
	const struct jail_container *ct = c->plan.ctr;
	struct jail_range r = c->plan.range;
	char map[64];
	int ret;

	r.base = (uint32_t)c->st.user_base;
	jail_range_map(&r, c->st.user_slots, map, sizeof(map));
	/* The holder says when its namespaces are made. */
	ret = jail_spawn_await(&c->holder, NULL, e);
	if (ret == 0 && ct && ct->nsfd[OCI_NS_USER] >= 0)
		ret = 0; /* joined by path: mapped already */
	else if (ret == 0 && ct)
		ret = write_ctr_maps(c, e);
	else if (ret == 0)
		ret = write_maps(c->holder.pid, map, e);
	if (ret == 0 && write(c->holder.sock, "g", 1) != 1)
		ret = jail_err_sys(e, -errno, "the jail's user namespace");
	if (ret == 0)
		ret = jail_spawn_await(&c->holder, NULL, e);
	for (size_t i = 0; ret == 0 && i < ARRAY_SIZE(ns); i++) {
		/* A container's namespace joined by path is that one. */
		int path = ct ? ct->nsfd[ctr_ns[i]] : -1;
		c->nsfd[i] = path >= 0 ? fcntl(path, F_DUPFD_CLOEXEC, 3) : proc_ns_open(c->holder.pid, ns[i]);
		if (c->nsfd[i] < 0)
			ret = jail_err_sys(e, path >= 0 ? -errno : c->nsfd[i], "the jail's %s namespace",
					   ns[i]);
	}
	/* The namespaces live on through our fds; the holder can go. */
	jail_spawn_kill(&c->holder);
	if (ret == 0 && c->plan.is_thin && c->plan.base_owner != c->st.user_base)
		ret = idmap_userns(c, e);
	return ret;
}

/* The jail's init: host root in the jail's new PID and mount namespaces, in its cgroups. */
static int step_spawn(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;
	sigset_t mask;
	struct jail_spawn_opts so = {
		.clone_flags = CLONE_NEWPID | CLONE_NEWNS,
		.cg = &c->st.cg,
		.passcred = true,
		.child = jail_init_child,
		.arg = &c->init_args,
	};
	const struct jail_container *ct = c->plan.ctr;
	_cleanup_close_ int own_pidns = -1;
	int ret;

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
		.discard = c,
		.discard_len = sizeof(*c),
	};
	if (ct) {
		c->init_args.ids.uid = jail_container_hostid(ct, (uint32_t)c->st.user_base, 0, false);
		c->init_args.ids.gid = jail_container_hostid(ct, (uint32_t)c->st.user_base, 0, true);
	}
	/* linux.namespaces pid with a path: the init is born in that namespace (not its PID 1). */
	ret = 0;
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
 * createContainer (and later startContainer) hooks.
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

/* The init has built the root and locked itself down (or says why not). */
static int step_ready(void *ctx, struct jail_err *e)
{
	struct jail_create *c = ctx;

	return jail_spawn_await(&c->init, &c->ptmx, e);
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

	return rctl_jail_rlimits(&rj, c->init_args.rl, &c->init_args.rlmask, e);
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
	{"rctl.rlimits", step_rlimits, NULL, 0},
	{"oci.resources", step_resources, NULL, 0},
	{"exec.prestart", step_prestart, NULL, 0},
	{"userns", step_userns, undo_userns, 0},
	{"maps", step_maps, NULL, 0},
	{"spawn", step_spawn, undo_spawn, 0},
	{"net", step_net, undo_net, 0},
	{"oci.hooks", step_oci_hooks, NULL, 0},
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
	c->init = c->holder = (struct jail_spawn)JAIL_SPAWN_INIT;
	c->idmap = -1;
	memset(c->nsfd, -1, sizeof(c->nsfd));
	c->walk = (struct jail_walk){"create", jail_create_steps, jail_create_nsteps, o, 0};
	ret = jail_registry_open(&c->reg, e);
	if (ret == 0)
		ret = jail_plan_resolve(p, c->reg.dir, o, ctr, &c->plan, e);
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
