/*
 * Parameters to plan (see plan.h): every check that needs no host change is
 * made here, before the create path makes anything, so that a refused jail
 * leaves nothing behind and says everything wrong with its root at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "hooks.h"
#include "net/jailnet.h"
#include "net/net.h"
#include "net/vnet.h"
#include "plan.h"
#include "util.h"
#include "jail/preflight.h"

static bool is(const struct jail_params *p, enum jail_param_id id, const char *v)
{
	return !strcmp(jail_params_str(p, id), v);
}

/* A not-yet-supported feature is refused, unless it is given its default. */
static int check_unimplemented(const struct jail_params *p, struct jail_err *e)
{
	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_def *d = &jail_param_defs[i];
		if (!p->val[i].set || !(d->flags & JPF_UNIMPL))
			continue;
		if (d->dflt && p->val[i].n == 1 && !strcmp(p->val[i].v[0], d->dflt))
			continue;
		if (d->type == JPT_BOOL && !jail_params_bool(p, (enum jail_param_id)i))
			continue;
		return jail_err_set(e, -ENOTSUP, "%s: not supported yet", d->name);
	}
	return 0;
}

static int check_network(const struct jail_params *p, struct jail_err *e)
{
	for (int f = 0; f < 2; f++) {
		enum jail_param_id mode = f ? JP_IP6 : JP_IP4, list = f ? JP_IP6_ADDR : JP_IP4_ADDR;
		if (jail_params_get(p, list)->n > 0 && jail_params_isset(p, mode) && !is(p, mode, "new"))
			return jail_err_set(e, -EINVAL, "%s: addresses need %s=new, not %s",
					    jail_param_defs[list].name, jail_param_defs[mode].name,
					    jail_params_str(p, mode));
	}
	if ((is(p, JP_IP4, "inherit") && is(p, JP_IP6, "new")) ||
	    (is(p, JP_IP6, "inherit") && is(p, JP_IP4, "new")))
		return jail_err_set(e, -EINVAL,
				    "ip4=%s and ip6=%s: one network stack cannot be both the host's and new",
				    jail_params_str(p, JP_IP4), jail_params_str(p, JP_IP6));
	return jail_vnet_check(p, e);
}

static int check_sysv(const struct jail_params *p, struct jail_err *e)
{
	static const enum jail_param_id ids[] = {JP_SYSVMSG, JP_SYSVSEM, JP_SYSVSHM};
	bool inh = false, nw = false;

	if (jail_params_bool(p, JP_ALLOW_SYSVIPC))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		inh |= is(p, ids[i], "inherit");
		nw |= is(p, ids[i], "new");
	}
	if (inh && nw)
		return jail_err_set(e, -EINVAL,
				    "sysvmsg=%s sysvsem=%s sysvshm=%s: Linux has one IPC namespace for all "
				    "three; they cannot mix new and inherit",
				    jail_params_str(p, JP_SYSVMSG), jail_params_str(p, JP_SYSVSEM),
				    jail_params_str(p, JP_SYSVSHM));
	return 0;
}

static int check_params(const struct jail_params *p, struct jail_err *e)
{
	int r = check_unimplemented(p, e);

	if (r == 0)
		r = check_network(p, e);
	if (r == 0)
		r = check_sysv(p, e);
	/* FreeBSD's kernel: nothing would keep the jail (jail(8) persists it while it has commands). */
	if (r == 0 && !jail_params_get(p, JP_COMMAND)->n && !jail_params_bool(p, JP_PERSIST) &&
	    !jail_params_get(p, JP_EXEC_START)->n && !jail_params_get(p, JP_EXEC_POSTSTART)->n)
		r = jail_err_set(e, -EINVAL, "new jail must persist or attach");
	return r;
}

/*
 * FreeBSD's kernel (kern_jail_set): a name that is a number is the JID. Made
 * without jid=, the jail takes that JID; with another jid= or not in normal
 * form (a leading zero), it is refused. Written into the plan's parameters.
 */
static int resolve_numeric_name(struct jail_params *p, struct jail_err *e)
{
	const char *name = jail_params_isset(p, JP_NAME) ? jail_params_str(p, JP_NAME) : NULL;
	char *end;

	if (!name || !str_is_digits(name))
		return 0;
	unsigned long n = strtoul(name, &end, 10);
	if (name[0] == '0' || n > JAIL_JID_MAX ||
	    (jail_params_isset(p, JP_JID) && (unsigned long)jail_params_int(p, JP_JID) != n))
		return jail_err_set(e, -EINVAL, "name cannot be numeric (unless it is the jid)");
	if (jail_params_isset(p, JP_JID))
		return 0;
	return jail_params_set(p, JP_JID, (const char *const[]){name}, 1, false, e);
}

/* path (or thin=DIR's DIR/root): resolved, a directory, opened for lookups. */
static int resolve_root(struct jail_plan *pl, struct jail_err *e)
{
	const char *path = jail_params_str(&pl->params, JP_PATH);
	const char *thin = jail_params_str(&pl->params, JP_THIN);
	struct stat sb;

	if (thin) {
		if (jail_thin_read(thin, &pl->thin, e) < 0)
			return jail_err_prefix(e, "thin");
		if (path && strcmp(path, pl->thin.root) != 0)
			return jail_err_set(e, -EINVAL, "thin: path '%s' is not the thin root '%s'", path,
					    pl->thin.root);
		pl->is_thin = true;
		path = pl->thin.root;
		pl->root.lower = pl->thin.base;
		pl->root.upper = pl->thin.upper;
		pl->root.work = pl->thin.work;
	}
	if (!path)
		path = "/";
	if (!realpath(path, pl->path))
		return jail_err_sys(e, -errno, "path '%s'", path);
	if (stat(pl->path, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return jail_err_set(e, -ENOTDIR, "path '%s': Not a directory", path);
	/* A thin root is empty until its overlay is up: programs and users are in its base. */
	pl->rootfd = open(pl->is_thin ? pl->thin.base : pl->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pl->rootfd < 0)
		return jail_err_sys(e, -errno, "path '%s'", path);
	return jail_params_set(&pl->params, JP_PATH, (const char *const[]){pl->path}, 1, false, e);
}

/* The command the init starts (without exec.* hooks), looked up in the jail's files. */
static int resolve_command(struct jail_plan *pl, struct jail_err *e)
{
	const struct jail_params *p = &pl->params;
	const struct jail_param_val *cmd = jail_params_get(p, JP_COMMAND);
	struct jail_exec *x = &pl->exec;
	int r;

	const char *user = jail_params_str(p, JP_EXEC_JAIL_USER);
	if (user && jail_params_bool(p, JP_EXEC_SYSTEM_JAIL_USER)) {
		/* exec.system_jail_user (-u): the user of the host's passwd, by its uid in the jail. */
		struct jail_user u;
		r = jail_user_host(user, &u, e);
		if (r == 0)
			r = jail_exec_identity_user(x, &u, jail_params_bool(p, JP_EXEC_CLEAN), e);
	} else {
		r = jail_exec_identity(x, pl->rootfd, pl->path, user, jail_params_bool(p, JP_EXEC_CLEAN), e);
	}
	if (r < 0 || cmd->n == 0)
		return r;
	r = jail_exec_find(x, pl->rootfd, pl->path, cmd->v[0], e);
	if (r < 0)
		return r;
	if (!pl->hooked)
		x->argv = cmd->v;
	x->pty_fds = jail_exec_tty_fds();
	return 0;
}

static void report_problem(void *arg, const char *line)
{
	const struct jail_run_opts *o = arg;

	o->report(o->arg, JAIL_REPORT_PROBLEM, 0, NULL, line);
}

/* Say everything the root lacks before anything is mounted (reader's story 7). */
static int preflight(struct jail_plan *pl, const struct jail_run_opts *o, struct jail_err *e)
{
	const struct jail_params *p = &pl->params;
	const char *programs[] = {jail_params_get(p, JP_COMMAND)->n ? pl->exec.exec_path : NULL, NULL};
	unsigned flags = (jail_params_bool(p, JP_MOUNT_DEVFS) ? JAIL_PREFLIGHT_DEV : 0) |
			 (jail_params_bool(p, JP_MOUNT_PROCFS) ? JAIL_PREFLIGHT_PROC : 0);
	bool told = o && o->report;
	int r = jail_preflight(pl->rootfd, programs, flags, told ? report_problem : NULL, (void *)o, e);

	if (r > 0) {
		if (told)
			e->msg[0] = '\0';
		return e->code < 0 ? e->code : -ENOENT;
	}
	return r;
}

/* What jls reports: the hostname the jail starts with, ip4/ip6=new implied by addresses. */
static int resolve_identity(struct jail_plan *pl, struct jail_err *e)
{
	struct jail_params *p = &pl->params;
	int r = 0;

	if (!jail_params_isset(p, JP_HOSTNAME)) {
		char hn[256] = "";
		gethostname(hn, sizeof(hn) - 1);
		r = jail_params_set(p, JP_HOSTNAME, (const char *const[]){hn}, 1, false, e);
	}
	if (r == 0)
		r = net_hostname_addrs(p, e);
	for (int f = 0; f < 2 && r == 0; f++) {
		enum jail_param_id mode = f ? JP_IP6 : JP_IP4, list = f ? JP_IP6_ADDR : JP_IP4_ADDR;
		if (jail_params_get(p, list)->n > 0 && !jail_params_isset(p, mode))
			r = jail_params_set(p, mode, (const char *const[]){"new"}, 1, false, e);
	}
	return r;
}

/* Whether every address is one the caller's own interfaces hold. */
static bool all_local(const struct netaddr *a, int n)
{
	struct ifaddrs *ifs = NULL;
	bool all = getifaddrs(&ifs) == 0;

	for (int i = 0; i < n && all; i++) {
		bool found = false;
		for (struct ifaddrs *f = ifs; f && !found; f = f->ifa_next) {
			if (!f->ifa_addr || f->ifa_addr->sa_family != a[i].family)
				continue;
			const void *b =
				a[i].family == AF_INET
					? (const void *)&((struct sockaddr_in *)f->ifa_addr)->sin_addr
					: (const void *)&((struct sockaddr_in6 *)f->ifa_addr)->sin6_addr;
			found = !memcmp(b, a[i].u.bytes, a[i].family == AF_INET ? 4 : 16);
		}
		all = found;
	}
	if (ifs)
		freeifaddrs(ifs);
	return all;
}

static int resolve_network(struct jail_plan *pl, struct jail_err *e)
{
	const struct jail_params *p = &pl->params;

	pl->addrs = calloc(NET_JAIL_MAX_ADDRS, sizeof(*pl->addrs));
	if (!pl->addrs)
		return jail_err_set(e, -ENOMEM, "out of memory");
	pl->naddrs = net_jail_addrs(p, pl->addrs, NET_JAIL_MAX_ADDRS, e);
	if (pl->naddrs < 0)
		return pl->naddrs;
	pl->vnet = jail_vnet_wanted(p);
	/*
	 * A child jail whose addresses are all its parent's shares the parent's
	 * stack, as FreeBSD's child jails share their parent's addresses (a
	 * non-vnet parent cannot make interfaces for it anyway).
	 */
	pl->net_shared = !pl->vnet && pl->naddrs > 0 && jail_range_extent() < 4294967295ULL &&
			 all_local(pl->addrs, pl->naddrs);
	pl->new_net = !pl->net_shared && (pl->naddrs > 0 || pl->vnet ||
					  (!is(p, JP_IP4, "inherit") && !is(p, JP_IP6, "inherit")));
	pl->new_ipc = !jail_params_bool(p, JP_ALLOW_SYSVIPC) && !is(p, JP_SYSVMSG, "inherit") &&
		      !is(p, JP_SYSVSEM, "inherit") && !is(p, JP_SYSVSHM, "inherit");
	pl->new_uts = is(p, JP_HOST, "new");
	return 0;
}

/* mount (fstab lines) then mount.fstab (a file of them), as FreeBSD orders them. */
static int resolve_mounts(struct jail_plan *pl, struct jail_err *e)
{
	const struct jail_param_val *lines = jail_params_get(&pl->params, JP_MOUNT);
	const char *fstab = jail_params_str(&pl->params, JP_MOUNT_FSTAB);
	int n = 0, r;

	pl->mounts = calloc(JAIL_MOUNTS_MAX, sizeof(*pl->mounts));
	if (!pl->mounts)
		return jail_err_set(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < lines->n; i++) {
		if (n == JAIL_MOUNTS_MAX)
			return jail_err_set(e, -E2BIG, "mount: more than %d mounts", JAIL_MOUNTS_MAX);
		r = jail_mount_parse(lines->v[i], pl->path, "mount", (int)i + 1, &pl->mounts[n++], e);
		if (r < 0)
			return r;
	}
	if (fstab) {
		/* A regular file only: a FIFO put where the fstab is expected must not hang jail(8). */
		int fd = open(fstab, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		struct stat sb;
		if (fd >= 0 && (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))) {
			close(fd);
			return jail_err_set(e, -EINVAL, "mount.fstab: %s: not a regular file", fstab);
		}
		_cleanup_fclose_ FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
		char line[1024];
		int lineno = 0;
		if (fd >= 0 && !f)
			close(fd);
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
			r = jail_mount_parse(p, pl->path, "mount.fstab", lineno, &pl->mounts[n++], e);
			if (r < 0)
				return r;
		}
	}
	pl->root.path = pl->path;
	pl->root.mounts = pl->mounts;
	pl->root.nmounts = n;
	pl->root.devfs = jail_params_bool(&pl->params, JP_MOUNT_DEVFS);
	pl->root.procfs = jail_params_bool(&pl->params, JP_MOUNT_PROCFS);
	pl->root.ipc_new = pl->new_ipc;
	return 0;
}

/*
 * user.range. A root already built or shifted for a range of the pool is
 * owned by that range's first id: the jail takes that range, so its files
 * keep their owners. FreeBSD's identity model is for trusted jails only:
 * what would hand host root to the jail outright is refused with it.
 */
static int resolve_range(struct jail_plan *pl, struct jail_err *e)
{
	const struct jail_params *p = &pl->params;
	struct stat sb;
	int r = jail_range_parse(jail_params_str(p, JP_USER_RANGE), &pl->range, e);
	long children = jail_params_int(p, JP_CHILDREN_MAX);

	if (r < 0)
		return r;
	if (children > 4096)
		return jail_err_set(e, -EINVAL,
				    "children.max: %ld: at most 4096 here (each child jail holds 65536 uids)",
				    children);
	pl->range_slots = 1 + (unsigned)children;
	if (pl->is_thin) {
		if (stat(pl->thin.base, &sb) < 0)
			return jail_err_sys(e, -errno, "thin: base %s", pl->thin.base);
		if (sb.st_uid != 0 && !jail_range_is_pool_base(sb.st_uid))
			return jail_err_set(
				e, -EINVAL,
				"thin: base %s is owned by uid %u, neither host root nor a range's first id",
				pl->thin.base, (unsigned)sb.st_uid);
		pl->base_owner = sb.st_uid;
	}
	if (pl->range.mode == JAIL_RANGE_PRIVATE && stat(pl->is_thin ? pl->thin.upper : pl->path, &sb) == 0 &&
	    jail_range_is_pool_base(sb.st_uid)) {
		pl->range.base = sb.st_uid;
		pl->range.from_owner = true;
	}
	if (pl->range.mode != JAIL_RANGE_IDENTITY)
		return 0;
	if (children > 0)
		return jail_err_set(
			e, -EPERM,
			"children.max: refused with user.range=identity (child jails need a whole proc, "
			"harmless only to an unprivileged jailed root)");
	if (jail_params_bool(p, JP_ALLOW_MOUNT))
		return jail_err_set(
			e, -EPERM,
			"allow.mount: refused with user.range=identity (jailed root is host root)");
	if (jail_params_bool(p, JP_ALLOW_SYSVIPC) || is(p, JP_SYSVMSG, "inherit") ||
	    is(p, JP_SYSVSEM, "inherit") || is(p, JP_SYSVSHM, "inherit"))
		return jail_err_set(
			e, -EPERM,
			"sysvipc inherit: refused with user.range=identity (jailed root is host root)");
	return 0;
}

int jail_plan_resolve(const struct jail_params *p, const char *cachedir, const struct jail_run_opts *o,
		      const struct jail_container *ctr, struct jail_plan *pl, struct jail_err *e)
{
	int r;

	memset(pl, 0, sizeof(*pl));
	pl->rootfd = -1;
	pl->ctr = ctr;
	r = check_params(p, e);
	if (r == 0)
		r = jail_params_copy(&pl->params, p, e);
	if (r == 0)
		r = resolve_numeric_name(&pl->params, e);
	if (r < 0) {
		jail_params_free(&pl->params);
		return r;
	}
	pl->hooked = jail_hooks_any(p);
	pl->persist = jail_params_bool(p, JP_PERSIST);
	r = resolve_root(pl, e);
	if (r == 0)
		r = resolve_range(pl, e);
	/* A container without a user namespace of its own: its image shown through the jail's map, unless
	   the root was shifted for the range already (mkjail oci). */
	pl->root.ctr = ctr;
	pl->root.idmap = ctr && !jail_container_own_ids(ctr) && !pl->range.from_owner;
	if (r == 0)
		r = jail_priv_from_params(&pl->params, &pl->priv, e);
	/* A container's capabilities open the gates they need, within the table (container.c). */
	if (r == 0 && ctr)
		r = jail_container_priv(ctr, &pl->priv, e);
	/*
	 * Its image idmapped onto host uid 0 (root.idmap): a file its root
	 * makes there is host root's on disk, so no setuid, setgid or file
	 * capability may be put on one (DESIGN.md 3, priv.c), unless the annotation
	 * jail.allow.setid=true says the bundle is closed to the host's users.
	 */
	if (r == 0 && pl->root.idmap)
		pl->priv.no_setid = !jail_container_annotation(ctr, "jail.allow.setid", "true");
	if (r == 0)
		r = jail_priv_compile(&pl->priv, cachedir, &pl->filters, e);
	/* A container's process is found in its root once it is built (the init's oci.process step). */
	if (r == 0 && !ctr)
		r = resolve_command(pl, e);
	if (r == 0 && !ctr)
		r = preflight(pl, o, e);
	if (r == 0)
		r = resolve_identity(pl, e);
	if (r == 0)
		r = resolve_network(pl, e);
	if (r == 0)
		r = resolve_mounts(pl, e);
	if (r < 0) {
		jail_plan_free(pl);
		return r;
	}
	pl->hostname = jail_params_str(&pl->params, JP_HOSTNAME);
	pl->domainname = jail_params_str(&pl->params, JP_DOMAINNAME);
	return 0;
}

void jail_plan_free(struct jail_plan *pl)
{
	if (pl->rootfd >= 0)
		close(pl->rootfd);
	pl->rootfd = -1;
	jail_seccomp_free(&pl->filters);
	jail_exec_free(&pl->exec);
	free(pl->addrs);
	free(pl->mounts);
	pl->addrs = NULL;
	pl->mounts = NULL;
	jail_params_free(&pl->params);
}
