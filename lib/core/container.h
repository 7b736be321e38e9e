/*
 * An OCI container as a jail (jail-oci, lib/oci): what the create path needs
 * beyond a jail's parameters. lib/oci turns a bundle's config.json into a
 * struct jail_params (name, path, namespaces as host/ip4/sysv modes, allow.*
 * from the capabilities) and this extension; the plan points at it
 * (plan->ctr) and the rows of the create and init tables that concern
 * containers consult it. A jail made by jail(8) has plan->ctr == NULL and
 * none of this runs.
 *
 * The container's process is the jail's PID 1 (as with crun and runc): the
 * init walks its table, reports READY, and after "r" waits for `start` on a
 * socket the create path bound in the container's state directory; then it
 * runs the startContainer hooks and becomes the process (exec through
 * jinit's stub from a sealed memfd). Its exit status is the container's.
 */
#ifndef JAIL_CONTAINER_H
#define JAIL_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "jail/oci.h"
#include "jail/registry.h"
#include "root.h"

struct jail_container {
	const struct oci_config *cfg; /* config.json, parsed and checked */
	const char *id;		      /* the OCI container id */
	const char *bundle;	      /* absolute bundle path, as the state shows it */
	int bundlefd;		      /* O_PATH of the bundle: relative mount sources */
	int statedir;		      /* --root/ID, O_PATH */
	const char *pid_file;	      /* --pid-file, NULL: none */
	const char *console;	      /* --console-socket, NULL: none */
	char **env;		      /* the process's environment (config's, LISTEN_FDS added) */
	int preserve_fds;	      /* fds 3 .. 2+preserve_fds reach the process */
	int start_sock;		      /* listening socket `start` connects to (the init keeps it) */
	bool idmap; /* no user namespace in config: rootfs and binds shown through the jail's map */
	int nsfd[OCI_NS__COUNT]; /* linux.namespaces[].path, opened; -1: none */
	struct oci_bpf filter;	 /* linux.seccomp compiled, len 0: none */
	bool pre_pivot_hooks;	 /* prestart, createRuntime or createContainer hooks to run */
	bool start_hooks;	 /* startContainer hooks */
	const char *created;	 /* RFC 3339 creation time, for the state */
	char *owner;
	/* Called once the init is recorded, before it may go on: jail-oci writes state.json and --pid-file. */
	int (*record)(void *arg, pid_t pid, unsigned long long start, int jid, const struct jail_cgroup *cg,
		      struct jail_err *e);
	void *record_arg;
};

/* linux.resources into the container's cgroups, v1 and v2, with linux.devices allowed (lib/oci/cgroup.c). */
int oci_cgroup_apply(const struct jail_cgroup *cg, const struct oci_resources *r,
		     const struct oci_device *devs, size_t ndevs, struct jail_err *e);

/*
 * Whether the container's ids are its own (a user namespace in config.json
 * with uidMappings, or joined by path); else it runs in the jail's private
 * range, with its image shown through an idmapped mount.
 */
bool jail_container_own_ids(const struct jail_container *ct);
/* Whether config.json's annotations give key the value. */
bool jail_container_annotation(const struct jail_container *ct, const char *key, const char *value);
/* The host id of a container uid (gid with gid true): the config's map, else base + id. */
uint32_t jail_container_hostid(const struct jail_container *ct, uint32_t base, uint32_t id, bool gid);
/* The uid_map (gid_map with gid) text: the config's mappings, or the range at base. */
void jail_container_map(const struct jail_container *ct, uint32_t base, bool gid, char *buf, size_t len);

/*
 * Stage one of a container's root, instead of a jail's mount lines and
 * kernel filesystems: the config's mounts in order, /dev's default nodes and
 * linux.devices, maskedPaths, readonlyPaths, the working directory,
 * root.readonly. rootfd is the root mount (not yet pivoted to); userns the
 * jail's user namespace (binds are idmapped through it when ct->idmap); cg
 * the container's cgroups (for "cgroup" mounts).
 */
int jail_container_mounts(const struct jail_container *ct, int rootfd, const char *path,
			  const struct jail_ids *ids, int userns, const struct jail_cgroup *cg,
			  struct jail_err *e);

/*
 * The container's root tree (tree: a detached clone of path) shown through
 * the user namespace userns: the clone idmapped, or, where the filesystem
 * cannot be (overlayfs: engines' image storage), a new overlay of the same
 * layers, each layer idmapped, made as ids (the container's root). Returns tree or the new tree's fd.
 */
int jail_container_idmap_root(int tree, const char *path, int userns, const struct jail_ids *ids,
			      struct jail_err *e);

/*
 * Host-side settings the init makes as host root before it joins the jail's
 * user namespace: linux.sysctl (namespaced keys only, in the jail's
 * namespaces), process.rlimits, process.oomScoreAdj.
 */
int jail_container_host(const struct jail_container *ct, struct jail_err *e);

/* In the jail's user namespace: the time namespace with its offsets, rootfs propagation. */
int jail_container_userns(const struct jail_container *ct, struct jail_err *e);

/* Find the process's executable as execvp would, in the container's root; path gets it. */
int jail_container_lookup(const struct jail_container *ct, const struct oci_process *p, char **env,
			  char *path, size_t len, struct jail_err *e);

/* A pty of the container's devpts for process.terminal; with bind, also /dev/console. */
int jail_container_pty(bool bind_console, int *master, char *slave, size_t len, struct jail_err *e);

/*
 * Become the process p (the init after `start`, or jail-oci exec's child):
 * signals reset, rlimits (exec only: the init set them as host root),
 * umask, noNewPrivileges, the config's seccomp filter, user and groups,
 * the five capability sets, cwd, every fd but stdio and the preserved ones
 * closed, exec through jinit's stub. Returns only on failure.
 */
struct jail_container_exec {
	const struct oci_process *p;
	char **env;
	const char *path;	      /* the executable, resolved */
	const struct oci_bpf *filter; /* NULL or len 0: none */
	int preserve_fds;
	int tty;		   /* the pty slave for stdio and controlling terminal, -1: none */
	bool rlimits;		   /* set process.rlimits here */
	unsigned long personality; /* linux.personality, ~0UL: none */
	int report;		   /* jinit's report socket for a failed exec (-1: none) */
	int stub;		   /* jinit's sealed memfd, made as host root (-1: make one here) */
};
int jail_container_become(const struct jail_container_exec *x, struct jail_err *e);

/*
 * Host root working as uid/gid on files (fsuid, fsgid) with every capability
 * it holds still effective: how files are made through an idmapped mount,
 * where host root itself has no id. (0, 0) goes back.
 */
int jail_container_fsids(uid_t uid, gid_t gid);

/* A user namespace with these maps (an fd), for an idmapped mount. */
int jail_idmap_userns(const char *uid_map, const char *gid_map, struct jail_err *e);

struct jail_priv;
/* Open the jail gates the container's capabilities ask for; refuse what no jail holds. */
int jail_container_priv(const struct jail_container *ct, struct jail_priv *priv, struct jail_err *e);

/* The container's state JSON for hooks (status as given, pid the init's). malloc'd. */
char *jail_container_state(const struct jail_container *ct, const char *status, pid_t pid);

#endif
