/*
 * The registry of jails under /run/jail (JAIL_STATEDIR overrides it): one
 * JSON state file per jail named by its JID, a name link per jail so that a
 * name is reserved atomically, and a lock file that serialises JID choice.
 * A state is the record of one jail: who made it, its init, the cgroups,
 * interfaces and parameters it has, so that anyone can list or remove it.
 */
#ifndef JAIL_REGISTRY_H
#define JAIL_REGISTRY_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "jail/err.h"
#include "jail/param.h"

#define JAIL_CGROUP_MAX 16

struct jail_cgroup_dir {
	char path[PATH_MAX]; /* absolute directory of the jail's cgroup */
	char controllers[128];
	bool v2;
};

struct jail_cgroup {
	int n;
	struct jail_cgroup_dir d[JAIL_CGROUP_MAX];
};

struct jail_state {
	int jid;
	char name[256];
	pid_t init_pid; /* host pid of the jail's PID 1, 0 while creating */
	unsigned long long init_start;
	pid_t creator_pid;
	unsigned long long creator_start;
	char cg_leaf[300];
	char cg_parent[PATH_MAX];
	struct jail_cgroup cg;	       /* the directories made, so that anyone can remove them */
	unsigned long long host_netns; /* inode of the creator's network namespace */
	char host_if[16];	       /* host end of the jail's veth, "" if none */
	unsigned long long user_base;  /* host uid/gid of jailed root: its range's first id (0: identity) */
	unsigned user_slots;	       /* ranges of 65536 it holds: 1 + children.max */
	bool oci;      /* an OCI container (jail-oci): its cgroup leaf is cgroupsPath's, not jail.NAME */
	bool no_setid; /* its files are host root's on disk: no setuid/setgid/capable file (priv.h) */
	struct jail_params params; /* as loaded; the create path writes its plan's instead */
};

struct jail_registry {
	int dirfd;
	int lockfd;
	int procfd; /* a child registry: its jail's /proc, where its init pids mean something; else -1 */
	char dir[PATH_MAX];
	/* The state file we wrote last (JID, inode, change time): still ours if it has not changed since. */
	int saved_jid;
	unsigned long long saved_ino;
	long long saved_ctime_ns;
};

int jail_registry_open(struct jail_registry *r, struct jail_err *e);
void jail_registry_close(struct jail_registry *r);
int jail_registry_lock(struct jail_registry *r, struct jail_err *e);
void jail_registry_unlock(struct jail_registry *r);
/*
 * Under the lock: take name (NULL = the JID) and a JID (0 = lowest free);
 * then named(st, arg) (if not NULL) fills in what depends on the name, and
 * the state is written.
 */
int jail_registry_reserve(struct jail_registry *r, struct jail_state *st, int want_jid,
			  const struct jail_params *p,
			  int (*named)(struct jail_state *st, void *arg, struct jail_err *e), void *arg,
			  struct jail_err *e);
/* Rewrite the state file of st->jid atomically, with p as the jail's parameters. */
int jail_registry_save(struct jail_registry *r, const struct jail_state *st, const struct jail_params *p,
		       struct jail_err *e);
/* Whether the state file of jid is, unchanged, the one this handle wrote last. */
bool jail_registry_unchanged(const struct jail_registry *r, int jid);
/* Remove the state file and name link of a jail. */
int jail_registry_remove(struct jail_registry *r, const struct jail_state *st);

/* Read one jail's state; -ENOENT if there is no such JID. Free with jail_state_free. */
int jail_registry_load(struct jail_registry *r, int jid, struct jail_state *st, struct jail_err *e);
/* Find a jail by name, or by JID when key is all digits (never by name then, as FreeBSD):
 * "jail \"x\" not found" or "jail 5 not found" when there is none. */
int jail_registry_find(struct jail_registry *r, const char *key, struct jail_state *st, struct jail_err *e);
/* All JIDs in the registry, ascending. Returns the count; *jids is malloc'd. */
int jail_registry_list(struct jail_registry *r, int **jids, struct jail_err *e);
void jail_state_free(struct jail_state *st);

enum jail_status {
	JAIL_ALIVE,    /* its init runs */
	JAIL_CREATING, /* being made: no init yet, its creator runs */
	JAIL_DYING,    /* init and creator gone: to be cleaned by jail -r */
};
enum jail_status jail_state_status(const struct jail_state *st);
/* The same for a state read from r (a child registry's pids are its parent jail's). */
enum jail_status jail_state_status_in(const struct jail_registry *r, const struct jail_state *st);

/*
 * The registry of the child jails of a live jail that may have them
 * (children.max > 0): its /run/jail, opened beneath its root. Read-only use:
 * the files are the jail's, untrusted; they are only listed and shown.
 */
int jail_registry_open_children(const struct jail_state *parent, struct jail_registry *child,
				struct jail_err *e);

#endif
