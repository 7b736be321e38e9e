/*
 * OCI containers on the jail create path (see container.h): the container's
 * ids, the settings its init makes as host root before it joins the jail's
 * user namespace (namespaced sysctls, rlimits, oom_score_adj), those it
 * makes as jailed root (time namespace, rootfs propagation), the state JSON
 * its hooks read, and the privilege check that keeps a container within
 * what a jail may hold.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "priv.h"
#include "sys.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef MS_SHARED
#define MS_SHARED (1UL << 20)
#endif

bool jail_container_own_ids(const struct jail_container *ct)
{
	const struct oci_linux *l = &ct->cfg->linux_;

	return l->ns[OCI_NS_USER].present && (l->n_uid_map > 0 || ct->nsfd[OCI_NS_USER] >= 0);
}

uint32_t jail_container_hostid(const struct jail_container *ct, uint32_t base, uint32_t id, bool gid)
{
	const struct oci_linux *l = &ct->cfg->linux_;
	const struct oci_idmap *m = gid ? l->gid_map : l->uid_map;
	size_t n = gid ? l->n_gid_map : l->n_uid_map;

	if (!jail_container_own_ids(ct) || n == 0)
		return base + id;
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return m[i].host_id + (id - m[i].container_id);
	return 65534; /* unmapped: the overflow id, as the kernel shows it */
}

void jail_container_map(const struct jail_container *ct, uint32_t base, bool gid, char *buf, size_t len)
{
	const struct oci_linux *l = &ct->cfg->linux_;
	const struct oci_idmap *m = gid ? l->gid_map : l->uid_map;
	size_t n = gid ? l->n_gid_map : l->n_uid_map, o = 0;

	buf[0] = '\0';
	if (n == 0) {
		snprintf(buf, len, "0 %u 65536\n", base);
		return;
	}
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%u %u %u\n", m[i].container_id, m[i].host_id,
				      m[i].size);
}

int jail_container_fsids(uid_t uid, gid_t gid)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];

	setfsgid(gid);
	setfsuid(uid);
	/* setfsuid to non-root drops the file capabilities from the effective set: take them back. */
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* An idle child in a new user namespace, held while its maps are written and the namespace opened. */
int jail_idmap_userns(const char *uid_map, const char *gid_map, struct jail_err *e)
{
	int p[2], fd = -1, r = 0;
	char dir[64];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return jail_err_sys(e, -errno, "idmap: pipe");
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		char c;
		close(p[1]);
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return jail_err_sys(e, -errno, "idmap: clone");
	}
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || (r = write_file_at(dfd, "uid_map", uid_map)) < 0 ||
	    (r = write_file_at(dfd, "gid_map", gid_map)) < 0 || (fd = proc_ns_open(pid, "user")) < 0)
		r = jail_err_sys(e, r < 0 ? r : fd < 0 ? fd : -errno, "idmap: the mount's user namespace");
	close(p[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r < 0 ? r : fd;
}

/*
 * linux.sysctl: only keys the kernel keeps per namespace, and only for a
 * namespace of the container's own; a jail never changes the host's.
 */
static int sysctl_allowed(const struct jail_container *ct, const char *k)
{
	static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb",	    "kernel.msgmni",
					  "kernel.sem",	   "kernel.shmall",	    "kernel.shmmax",
					  "kernel.shmmni", "kernel.shm_rmid_forced"};
	const struct oci_namespace *ns = ct->cfg->linux_.ns;

	for (size_t i = 0; i < ARRAY_SIZE(ipc); i++)
		if (!strcmp(k, ipc[i]))
			return ns[OCI_NS_IPC].present ? 0 : -EPERM;
	if (!strncmp(k, "fs.mqueue.", 10))
		return ns[OCI_NS_IPC].present ? 0 : -EPERM;
	if (!strncmp(k, "net.", 4))
		return ns[OCI_NS_NET].present ? 0 : -EPERM;
	if (!strcmp(k, "kernel.hostname") || !strcmp(k, "kernel.domainname"))
		return ns[OCI_NS_UTS].present ? 0 : -EPERM;
	return -ENOTSUP;
}

static int sysctls(const struct jail_container *ct, struct jail_err *e)
{
	const struct oci_linux *l = &ct->cfg->linux_;
	_cleanup_close_ int sys = -1;

	if (l->n_sysctl == 0)
		return 0;
	/* Still the host's /proc: each file acts on the namespaces of the process writing it (ours). */
	sys = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sys < 0)
		return jail_err_sys(e, -errno, "linux.sysctl: /proc/sys");
	for (size_t i = 0; i < l->n_sysctl; i++) {
		const char *k = l->sysctl[2 * i], *v = l->sysctl[2 * i + 1];
		char rel[512];
		int r = sysctl_allowed(ct, k);
		if (r == -ENOTSUP)
			return jail_err_set(
				e, r,
				"linux.sysctl.%s: not a namespaced sysctl: a jail never changes the host's",
				k);
		if (r < 0)
			return jail_err_set(
				e, r, "linux.sysctl.%s: the container shares this namespace with the host",
				k);
		if (strlen(k) >= sizeof(rel) || strstr(k, ".."))
			return jail_err_set(e, -EINVAL, "linux.sysctl.%s: invalid name", k);
		for (size_t j = 0; j <= strlen(k); j++)
			rel[j] = k[j] == '.' ? '/' : k[j];
		struct open_how how = {.flags = O_WRONLY | O_CLOEXEC,
				       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
		_cleanup_close_ int fd = sys_openat2(sys, rel, &how, sizeof(how));
		if (fd < 0 || write_all(fd, v, strlen(v)) < 0)
			return jail_err_sys(e, -errno, "linux.sysctl.%s", k);
	}
	return 0;
}

int jail_container_host(const struct jail_container *ct, struct jail_err *e)
{
	const struct oci_process *p = &ct->cfg->process;
	int r = sysctls(ct, e);

	if (r < 0 || !ct->cfg->has_process)
		return r;
	/* As host root: what only it may raise. */
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return jail_err_sys(e, -errno, "process.rlimits[%zu]", i);
	}
	if (p->has_oom_score_adj) {
		char v[16];
		snprintf(v, sizeof(v), "%d", p->oom_score_adj);
		if ((r = write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", v)) < 0)
			return jail_err_sys(e, r, "process.oomScoreAdj");
	}
	return 0;
}

int jail_container_userns(const struct jail_container *ct, struct jail_err *e)
{
	const struct oci_linux *l = &ct->cfg->linux_;

	if (l->ns[OCI_NS_TIME].present && ct->nsfd[OCI_NS_TIME] >= 0) {
		if (setns(ct->nsfd[OCI_NS_TIME], CLONE_NEWTIME) < 0)
			return jail_err_sys(e, -errno, "linux.namespaces: time: joining %s",
					    l->ns[OCI_NS_TIME].path);
	} else if (l->ns[OCI_NS_TIME].present) {
		char offs[128];
		/* The new time namespace is entered at exec; its offsets are set before anything runs in it. */
		if (unshare(CLONE_NEWTIME) < 0)
			return jail_err_sys(e, -errno, "linux.namespaces: time");
		snprintf(offs, sizeof(offs), "monotonic %lld %u\nboottime %lld %u\n",
			 (long long)l->time_offsets[0].secs, l->time_offsets[0].nanosecs,
			 (long long)l->time_offsets[1].secs, l->time_offsets[1].nanosecs);
		int r = write_file_at(AT_FDCWD, "/proc/self/timens_offsets", offs);
		if (r < 0)
			return jail_err_sys(e, r, "linux.timeOffsets");
	}
	/* A copy of the mount namespace for a less privileged user namespace turns shared into slave and
	   drops unbindable: the root's propagation is set again in the jail's own. */
	if (l->rootfs_propagation && ct->nsfd[OCI_NS_MNT] < 0 &&
	    sys_mount(NULL, "/", NULL, l->rootfs_propagation, NULL) < 0)
		return jail_err_sys(e, -errno, "linux.rootfsPropagation");
	return 0;
}

char *jail_container_state(const struct jail_container *ct, const char *status, pid_t pid)
{
	struct oci_state s = {0};

	snprintf(s.id, sizeof(s.id), "%s", ct->id);
	s.status = OCI_CREATED;
	for (int i = OCI_CREATING; i <= OCI_PAUSED; i++)
		if (!strcmp(oci_status_name((enum oci_status)i), status))
			s.status = (enum oci_status)i;
	s.pid = pid;
	s.bundle = (char *)ct->bundle;
	s.rootfs = (char *)"";
	s.owner = ct->owner;
	snprintf(s.created, sizeof(s.created), "%s", ct->created ? ct->created : "");
	s.annotations = ct->cfg->annotations;
	s.n_annotations = ct->cfg->n_annotations;
	return oci_state_json(&s, false);
}

/*
 * What the container's capabilities ask of the jail's privilege table: a
 * capability a gate controls opens that gate (CAP_NET_RAW raw sockets,
 * CAP_NET_ADMIN a stack of its own), CAP_MKNOD is harmless in a user
 * namespace (device nodes stay the kernel's to refuse); anything else
 * beyond what a jail's root holds is refused by name.
 */
bool jail_container_annotation(const struct jail_container *ct, const char *key, const char *value)
{
	char **a = ct->cfg->annotations;

	for (size_t i = 0; a && i < ct->cfg->n_annotations; i++)
		if (!strcmp(a[2 * i], key))
			return !strcmp(a[2 * i + 1], value);
	return false;
}

int jail_container_priv(const struct jail_container *ct, struct jail_priv *priv, struct jail_err *e)
{
	const struct oci_linux *l = &ct->cfg->linux_;
	const struct oci_caps *k = &ct->cfg->process.caps;
	uint64_t want = k->bounding | k->effective | k->permitted | k->inheritable | k->ambient;

	if ((want & (1ULL << CAP_NET_ADMIN)) && l->ns[OCI_NS_NET].present) {
		priv->vnet = true;
		priv->caps |= 1ULL << CAP_NET_ADMIN;
	}
	if (want & (1ULL << CAP_MKNOD))
		priv->caps |= 1ULL << CAP_MKNOD;
	for (int c = 0; c < 64; c++)
		if ((want & (1ULL << c)) && !(priv->caps & (1ULL << c)))
			return jail_err_set(e, -EPERM,
					    "process.capabilities.bounding: %s: a jail's root never holds it "
					    "(jail(8), PRIVILEGES)",
					    oci_cap_name(c) ? oci_cap_name(c) : "unknown");
	return 0;
}
