/*
 * The OCI runtime's lifecycle over libjail: a container is a jail. create
 * turns config.json into jail parameters (name, path, namespaces as the
 * host/ip4/sysv modes, allow.* from the capabilities, hostname, the command)
 * and the container extension (core/container.h), and walks the jail create
 * table with both; the jail is in the jail registry under the container's
 * name (jls, jexec, jail -r and rctl see it) and the OCI state is kept in
 * --root/ID. start, kill, delete, ps, pause, resume and update act on the
 * jail's init (the container's process, by pidfd) and its cgroups.
 *
 * Names: a jail name cannot hold '.', which FreeBSD keeps for child jails,
 * so the jail of container "a.b" is "a:b" (':' is not a valid id
 * character, so the mapping is one to one); an all-digit id is refused
 * because a numeric jail name is read as a JID.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/container.h"
#include "core/create.h"
#include "core/rootfs.h"
#include "core/sys.h"
#include "core/util.h"
#include "jail/jail.h"
#include "jail/oci.h"
#include "runtime_int.h"

int oci_jail_name(const char *id, char *buf, size_t len, struct jail_err *e)
{
	int r = oci_id_valid(id, e);

	if (r < 0)
		return r;
	if (str_is_digits(id))
		return jail_err_set(e, -EINVAL,
				    "container id '%s': all digits: a jail's name would be read as a JID",
				    id);
	if (strlen(id) >= len)
		return jail_err_set(e, -ENAMETOOLONG, "container id '%s': too long", id);
	for (size_t i = 0; i <= strlen(id); i++)
		buf[i] = id[i] == '.' ? ':' : id[i];
	return 0;
}

static void warn(const struct oci_runtime *rt, const char *msg)
{
	if (rt->warn)
		rt->warn(rt->warn_arg, msg);
}

/* The bundle's path as the state shows it: absolute, as given otherwise. */
static char *abs_bundle(const char *bundle)
{
	char cwd[PATH_MAX], *out;

	if (bundle[0] == '/')
		return strdup(bundle);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (!strcmp(bundle, "."))
		return strdup(cwd);
	if (asprintf(&out, "%s/%s", strcmp(cwd, "/") ? cwd : "",
		     !strncmp(bundle, "./", 2) ? bundle + 2 : bundle) < 0)
		return NULL;
	return out;
}

/* Copy BUNDLE/config.json into the state directory: exec and delete read it, whatever the bundle becomes. */
static int keep_config(int bundlefd, int statedir, struct jail_err *e)
{
	_cleanup_close_ int in = openat(bundlefd, "config.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int out =
		openat(statedir, "config.json", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (in < 0 || out < 0 || rootfs_copy_data(in, out) < 0)
		return jail_err_sys(e, -errno, "config.json: keeping a copy");
	return 0;
}

static int set1(struct jail_params *p, enum jail_param_id id, const char *v, struct jail_err *e)
{
	return jail_params_set(p, id, (const char *const[]){v}, 1, false, e);
}

/* config.json as jail parameters: what jls shows and the privilege table reads. */
static int to_params(const struct oci_config *c, const char *name, const char *rootfs, struct jail_params *p,
		     struct jail_err *e)
{
	const struct oci_namespace *ns = c->linux_.ns;
	const struct oci_caps *k = &c->process.caps;
	uint64_t caps = k->bounding | k->effective | k->permitted | k->inheritable | k->ambient;
	bool net = ns[OCI_NS_NET].present && !ns[OCI_NS_NET].path, ipc = ns[OCI_NS_IPC].present;
	int r = set1(p, JP_NAME, name, e);

	if (!ns[OCI_NS_PID].present)
		return jail_err_set(e, -EOPNOTSUPP,
				    "linux.namespaces: pid: missing: a jail always has a PID namespace (the "
				    "host's cannot be shared)");
	if (!ns[OCI_NS_MNT].present)
		return jail_err_set(e, -EOPNOTSUPP,
				    "linux.namespaces: mount: missing: a jail always has a mount namespace "
				    "(the host's cannot be shared)");
	if (c->hostname && *c->hostname && !ns[OCI_NS_UTS].present)
		return jail_err_set(e, -EINVAL, "hostname: needs a uts namespace of the container's own");
	if (r == 0)
		r = set1(p, JP_PATH, rootfs, e);
	if (r == 0)
		r = set1(p, JP_HOST, ns[OCI_NS_UTS].present && !ns[OCI_NS_UTS].path ? "new" : "inherit", e);
	if (r == 0 && c->hostname && *c->hostname)
		r = set1(p, JP_HOSTNAME, c->hostname, e);
	if (r == 0 && c->domainname && *c->domainname)
		r = set1(p, JP_DOMAINNAME, c->domainname, e);
	if (r == 0)
		r = set1(p, JP_IP4, net ? "new" : "inherit", e);
	if (r == 0)
		r = set1(p, JP_IP6, net ? "new" : "inherit", e);
	for (int i = 0; r == 0 && i < 3; i++)
		r = set1(p, (enum jail_param_id[]){JP_SYSVMSG, JP_SYSVSEM, JP_SYSVSHM}[i],
			 ipc && !ns[OCI_NS_IPC].path ? "new" : "inherit", e);
	if (r == 0)
		r = set1(p, JP_ALLOW_RAW_SOCKETS, caps & (1ULL << 13 /* CAP_NET_RAW */) ? "true" : "false",
			 e);
	if (r == 0)
		r = set1(p, JP_ALLOW_MLOCK, caps & (1ULL << 14 /* CAP_IPC_LOCK */) ? "true" : "false", e);
	if (r == 0)
		r = set1(p, JP_ALLOW_RESERVED_PORTS,
			 caps & (1ULL << 10 /* CAP_NET_BIND_SERVICE */) ? "true" : "false", e);
	/* CAP_SYS_ADMIN is what a jail holds with allow.mount (user-namespace-safe filesystems) and
	   allow.set_hostname; nothing beyond that table. */
	if (caps & (1ULL << 21 /* CAP_SYS_ADMIN */)) {
		static const enum jail_param_id mount[] = {JP_ALLOW_MOUNT, JP_ALLOW_MOUNT_TMPFS,
							   JP_ALLOW_MOUNT_NULLFS};
		for (size_t i = 0; r == 0 && i < sizeof(mount) / sizeof(mount[0]); i++)
			r = set1(p, mount[i], "true", e);
		if (r == 0 && ns[OCI_NS_UTS].present)
			r = set1(p, JP_ALLOW_SET_HOSTNAME, "true", e);
	}
	if (r == 0)
		r = set1(p, JP_MOUNT_DEVFS, "false", e);
	if (r == 0)
		r = set1(p, JP_MOUNT_PROCFS, "false", e);
	if (r == 0 && c->process.n_args)
		r = jail_params_set(p, JP_COMMAND, (const char *const *)c->process.args, c->process.n_args,
				    false, e);
	return r;
}

/* process.env, with LISTEN_FDS passed on (socket activation): LISTEN_PID is the process, PID 1. */
static char **process_env(const struct oci_process *p, int *preserve)
{
	const char *lf = getenv("LISTEN_FDS");
	size_t n = p->n_env;
	char **v = calloc(n + 3, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = p->env[i];
	if (lf && str_is_digits(lf) && atoi(lf) > 0) {
		static char fds[32];
		snprintf(fds, sizeof(fds), "LISTEN_FDS=%d", atoi(lf));
		v[n++] = fds;
		v[n++] = (char *)"LISTEN_PID=1";
		if (*preserve < atoi(lf))
			*preserve = atoi(lf);
	}
	return v;
}

/* The socket `start` connects to, bound in the state directory (by fd: ids can be long). */
static int start_socket(int statedir, struct jail_err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/start.sock", statedir);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		int r = -errno;
		if (fd >= 0)
			close(fd);
		return jail_err_sys(e, r, "the start socket");
	}
	return fd;
}

struct create_ctx {
	const struct oci_runtime *rt;
	const struct oci_create_opts *o;
	struct jail_container ct;
	int rootfd;
	char *rootfs;
};

/* The create row oci.state: state.json says "created", the pid file is written, before the init goes on. */
static int record(void *arg, pid_t pid, unsigned long long start, int jid, const struct jail_cgroup *cg,
		  struct jail_err *e)
{
	struct create_ctx *x = arg;
	struct oci_state s = {0};
	int r;

	snprintf(s.id, sizeof(s.id), "%s", x->ct.id);
	s.status = OCI_CREATED;
	s.pid = pid;
	s.pid_start = start;
	s.bundle = (char *)x->ct.bundle;
	s.rootfs = x->rootfs;
	s.owner = x->ct.owner;
	snprintf(s.created, sizeof(s.created), "%s", x->ct.created);
	s.annotations = x->ct.cfg->annotations;
	s.n_annotations = x->ct.cfg->n_annotations;
	s.jid = jid;
	s.systemd_cgroup = x->rt->systemd_cgroup;
	s.cgroup = cg->n ? (char *)cg->d[0].path : NULL;
	for (int k = 0; k < OCI_HOOK__COUNT; k++)
		s.hooks |= x->ct.cfg->hooks[k].n ? 1u << k : 0;
	if ((r = oci_state_write(x->rootfd, &s, e)) < 0)
		return r;
	return x->o->pid_file ? oci_write_pid_file(x->o->pid_file, pid, e) : 0;
}

int oci_write_pid_file(const char *path, pid_t pid, struct jail_err *e)
{
	char tmp[PATH_MAX + 16], v[16];
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return jail_err_set(e, -ENAMETOOLONG, "--pid-file %s: too long", path);
	snprintf(v, sizeof(v), "%d", (int)pid);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write_all(fd, v, strlen(v)) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		int r = -errno;
		unlink(tmp);
		return jail_err_sys(e, r, "--pid-file %s", path);
	}
	return 0;
}

static int prepare(struct create_ctx *x, const char *id, struct oci_config *cfg, struct jail_params *params,
		   char *name, struct jail_err *e)
{
	const struct oci_create_opts *o = x->o;
	struct jail_container *ct = &x->ct;
	struct oci_parse_opts po = {
		.systemd_cgroup = x->rt->systemd_cgroup, .warn = x->rt->warn, .warn_arg = x->rt->warn_arg};
	char path[PATH_MAX];
	int r;

	ct->bundlefd = open(o->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ct->bundlefd < 0)
		return jail_err_sys(e, -errno, "bundle %s", o->bundle);
	if ((r = oci_config_load(ct->bundlefd, &po, cfg, e)) < 0)
		return jail_err_prefix(e, "%s", o->bundle);
	ct->cfg = cfg;
	if (!cfg->has_process)
		return jail_err_set(e, -EINVAL, "process: missing (create needs the process to run)");
	if (cfg->process.terminal && !o->console)
		return jail_err_set(e, -EINVAL, "process.terminal is true: --console-socket is required");
	if (!cfg->process.terminal && o->console)
		return jail_err_set(e, -EINVAL, "--console-socket given but process.terminal is false");
	if ((r = keep_config(ct->bundlefd, ct->statedir, e)) < 0)
		return r;
	/* root.path: relative to the bundle; resolved once, symlinks and all. */
	if (cfg->root_path[0] == '/')
		snprintf(path, sizeof(path), "%s", cfg->root_path);
	else
		snprintf(path, sizeof(path), "%s/%s", ct->bundle, cfg->root_path);
	x->rootfs = realpath(path, NULL);
	if (!x->rootfs)
		return jail_err_sys(e, -errno, "%s: root.path %s", o->bundle, cfg->root_path);
	if ((r = to_params(cfg, name, x->rootfs, params, e)) < 0)
		return r;
	for (int i = 0; i < OCI_NS__COUNT; i++) {
		const struct oci_namespace *n = &cfg->linux_.ns[i];
		if (!n->present || !n->path)
			continue;
		ct->nsfd[i] = open(n->path, O_RDONLY | O_CLOEXEC);
		if (ct->nsfd[i] < 0)
			return jail_err_sys(e, -errno, "linux.namespaces: %s: %s", oci_ns_name(i), n->path);
	}
	if (cfg->linux_.seccomp.set) {
		if ((r = oci_seccomp_compile(&cfg->linux_.seccomp, &ct->filter, e)) < 0)
			return jail_err_prefix(e, "linux.seccomp");
		if (ct->filter.unknown_syscalls)
			warn(x->rt, "linux.seccomp: syscall names unknown to libseccomp were skipped");
	}
	ct->preserve_fds = o->preserve_fds;
	ct->env = process_env(&cfg->process, &ct->preserve_fds);
	if (!ct->env)
		return jail_err_set(e, -ENOMEM, "out of memory");
	ct->pre_pivot_hooks = cfg->hooks[OCI_HOOK_PRESTART].n || cfg->hooks[OCI_HOOK_CREATE_RUNTIME].n ||
			      cfg->hooks[OCI_HOOK_CREATE_CONTAINER].n;
	ct->start_hooks = cfg->hooks[OCI_HOOK_START_CONTAINER].n > 0;
	ct->pid_file = o->pid_file;
	ct->console = o->console;
	ct->start_sock = start_socket(ct->statedir, e);
	return ct->start_sock < 0 ? ct->start_sock : 0;
}

int oci_create(const struct oci_runtime *rt, const char *id, const struct oci_create_opts *o, int *pidfd,
	       struct jail_err *e)
{
	struct create_ctx x = {.rt = rt, .o = o, .rootfd = -1};
	struct jail_container *ct = &x.ct;
	struct oci_config cfg = {0};
	struct jail_params params = {0};
	struct jail_create *c = NULL;
	char name[OCI_ID_MAX + 1], created[64];
	int lock = -1, r;

	memset(ct, 0, sizeof(*ct));
	ct->bundlefd = ct->statedir = ct->start_sock = -1;
	for (int i = 0; i < OCI_NS__COUNT; i++)
		ct->nsfd[i] = -1;
	if (pidfd)
		*pidfd = -1;
	if ((r = oci_jail_name(id, name, sizeof(name), e)) < 0)
		return r;
	x.rootfd = oci_root_open(rt->root, true, e);
	if (x.rootfd < 0)
		return x.rootfd;
	lock = oci_state_lock(x.rootfd, id, true, e);
	if (lock < 0) {
		close(x.rootfd);
		return lock;
	}
	ct->id = id;
	oci_time_now(created, sizeof(created));
	ct->created = created;
	ct->owner = oci_owner_name();
	ct->bundle = abs_bundle(o->bundle);
	ct->statedir = openat(x.rootfd, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	ct->record = record;
	ct->record_arg = &x;
	c = malloc(sizeof(*c));
	if (!ct->bundle || !ct->owner || !c)
		r = jail_err_set(e, -ENOMEM, "out of memory");
	else if (ct->statedir < 0)
		r = jail_err_sys(e, -errno, "%s", id);
	else
		r = prepare(&x, id, &cfg, &params, name, e);
	if (r == 0) {
		struct jail_run_opts ro = {0};
		r = jail_create_container(c, &params, ct, &ro, e);
		if (r == 0) {
			if (pidfd)
				*pidfd = fcntl(c->init.pidfd, F_DUPFD_CLOEXEC, 3);
			jail_create_release(c);
		}
	}
	if (r < 0)
		oci_state_remove(x.rootfd, id, NULL);
	free(c);
	free(ct->env);
	free(x.rootfs);
	free((char *)ct->bundle);
	free(ct->owner);
	oci_bpf_free(&ct->filter);
	for (int i = 0; i < OCI_NS__COUNT; i++)
		if (ct->nsfd[i] >= 0)
			close(ct->nsfd[i]);
	if (ct->start_sock >= 0)
		close(ct->start_sock);
	if (ct->bundlefd >= 0)
		close(ct->bundlefd);
	if (ct->statedir >= 0)
		close(ct->statedir);
	jail_params_free(&params);
	oci_config_free(&cfg);
	close(lock);
	close(x.rootfd);
	return r;
}
