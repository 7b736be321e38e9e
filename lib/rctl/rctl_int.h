/*
 * What the pieces of lib/rctl share and nothing outside uses: the limits a
 * set of rules comes to, the cgroup backends, the namespace settings, the
 * counters, the rule store, and the watcher.
 */
#ifndef JAIL_RCTL_INT_H
#define JAIL_RCTL_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/cgroup.h"
#include "jail/rctl.h"

#define RCTL_STORE	 "rctl.rules"
#define RCTL_PCPU_PERIOD 100000 /* us: the CFS period pcpu quotas are taken of */
#define RCTL_DEVICES_MAX 32
#define RCTL_UNLIMITED	 (-1LL)

/* What a jail's rules come to: the lowest amount of each kind, -1 for none. */
struct rctl_limits {
	long long deny[RR__COUNT];     /* per jail */
	long long pdeny[RR__COUNT];    /* /process */
	long long throttle[RR__COUNT]; /* io rates */
	long long cpu_soft, cpu_hard;  /* cputime /process: sigxcpu, sigkill */
	bool events;		       /* a log, devctl or sig* rule: the watcher is wanted */
	bool ipc, pts;		       /* a rule for the IPC namespace or devpts */
	bool fresh;		       /* the cgroup was just made: what no rule sets needs no writing */
};
void rctl_limits_compute(const struct rctl_rule *v, int n, struct rctl_limits *l);

/* A block device (whole disk) the jail's files live on. */
struct rctl_dev {
	unsigned major, minor;
};

/* --- cgroup.c: the v1 and v2 backends ------------------------------------ */

/*
 * Write every cgroup limit of l (or take it off) on the jail's cgroup
 * directories: memory, swap, pids, cpu quota, and io throttling on devs.
 * Each controller is found where the host has it: a v1 hierarchy of its
 * own, or the v2 directory (the controller enabled in the parent's
 * cgroup.subtree_control when it is not yet).
 */
int rctl_cg_write(const struct jail_cgroup *cg, const struct rctl_limits *l, const struct rctl_dev *devs,
		  int ndevs, struct jail_err *e);

/* The cgroup counters of a jail; -1 where the host has no such counter. */
struct rctl_counters {
	long long cpu_ns;		      /* CPU time used */
	long long mem, memsw, swap;	      /* bytes charged: memory, memory+swap, swap */
	long long mem_limit;		      /* bytes, -1 unlimited */
	long long tasks, procs;		      /* threads (pids.current), processes */
	long long rbytes, wbytes, rios, wios; /* io done */
	long long oom_kills, mem_max_hits;    /* memory limit reached */
	long long pids_max_hits;	      /* forks refused by pids.max */
	long long cpu_throttled;	      /* periods the quota held the jail back */
};
void rctl_cg_read(const struct jail_cgroup *cg, struct rctl_counters *c);

/* The directory holding a controller ("memory", "pids", "cpu", "cpuacct", "blkio"/"io"), or NULL. */
const struct jail_cgroup_dir *rctl_cg_dir(const struct jail_cgroup *cg, const char *v1, const char *v2);
/* The same, enabling the v2 controller below the parent when it is not yet; NULL with e saying why (what: the field). */
const struct jail_cgroup_dir *rctl_cg_need(const struct jail_cgroup *cg, const char *v1, const char *v2,
					   const char *what, struct jail_err *e);

/* --- ns.c: inside the jail's namespaces, and rlimits ---------------------- */

/*
 * The IPC sysctls and devpts max a jail's rules set (or their defaults),
 * written in the jail's IPC and mount namespaces by a short-lived helper.
 */
int rctl_ns_write(pid_t init_pid, const struct rctl_limits *l, struct jail_err *e);
/* The rlimit ceilings of l. */
void rctl_rlimits_of(const struct rctl_limits *l, struct rlimit out[RLIM_NLIMITS], unsigned *mask);
/*
 * Bring the running processes of the jail (all but its init) to the
 * ceilings: lowered to them, and where a rule went away, back to what the
 * jail's init (which rctl never limits) has.
 */
void rctl_rlimits_running(const struct jail_cgroup *cg, pid_t init_pid, const struct rlimit rl[RLIM_NLIMITS],
			  unsigned mask);
/* The whole disks under the jail's root and its mounts (its init's mountinfo). */
int rctl_devices(pid_t init_pid, struct rctl_dev *out, int max, struct jail_err *e);

/* --- store.c --------------------------------------------------------------- */

/* The store's rules (regdir/rctl.rules); a missing file is an empty store. */
int rctl_store_load(int dirfd, struct rctl_rules *out, struct jail_err *e);
/* Write it back by rename; an empty store removes the file. */
int rctl_store_save(int dirfd, const struct rctl_rules *l, struct jail_err *e);
int rctl_rules_push(struct rctl_rules *l, const struct rctl_rule *r);
/* The rules of a jail's rctl parameter ("memoryuse:deny=1G" or the full form). */
int rctl_param_rules(const char *name, const struct jail_params *p, struct rctl_rules *out,
		     struct jail_err *e);
/* Every rule, store and parameters, that names the jail. */
int rctl_jail_rules(const char *regdir, const char *name, const struct jail_params *p, struct rctl_rules *out,
		    struct jail_err *e);

struct jail_registry;

/* --- watch.c -------------------------------------------------------------- */

/*
 * Start the jail's watcher for the log, devctl and sig* rules among v (a
 * detached process that ends with the jail's init); with replace, the one
 * that runs goes first (with no such rule, that is all).
 */
int rctl_watch_start(const struct rctl_jail *j, const struct rctl_rule *v, int n, bool replace,
		     struct jail_err *e);
void rctl_watch_stop(struct jail_registry *reg, int jid);

/* --- jail.c ---------------------------------------------------------------- */

struct jail_registry;
/*
 * rctl -a and -r: bring the running jail name (if it runs) from the rules
 * of old_store to those of new_store (its rctl parameter's with both). On
 * failure it is put back to the old rules and the error returned.
 */
int rctl_jail_sync(struct jail_registry *reg, const char *name, const struct rctl_rules *old_store,
		   const struct rctl_rules *new_store, struct jail_err *e);

/* --- usage.c --------------------------------------------------------------- */

/* Log directory for devctl events: $JAIL_LOGDIR or /var/log/jail. */
const char *rctl_logdir(void);

#endif
