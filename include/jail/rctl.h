/*
 * rctl: FreeBSD's resource limits for jails, on Linux cgroups (v1, v2 and
 * hybrid), rlimits, the jail's IPC namespace and its devpts instance.
 *
 * The pieces: the rule grammar of rctl(8) (rule.c), the one resource table
 * saying how each FreeBSD resource is enforced here or why it is refused
 * (table.c), the rule store in the registry directory (store.c), the
 * cgroup backends that write limits and read counters (cgroup.c), what
 * lives inside the jail's namespaces (ns.c), usage (usage.c), the event
 * watcher for log/devctl/sig* rules (watch.c), and the entry points the
 * create, jexec and remove paths call (jail.c).
 */
#ifndef JAIL_RCTL_H
#define JAIL_RCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "jail/err.h"

struct jail_cgroup;
struct jail_params;
struct jail_registry;

/* Subjects, resources and actions in FreeBSD's order (kern_rctl.c). */
enum rctl_subject { RS_UNDEF = -1, RS_PROCESS, RS_USER, RS_LOGINCLASS, RS_JAIL, RS__COUNT };

enum rctl_resource {
	RR_UNDEF = -1,
	RR_CPUTIME,
	RR_DATASIZE,
	RR_STACKSIZE,
	RR_COREDUMPSIZE,
	RR_MEMORYUSE,
	RR_MEMORYLOCKED,
	RR_MAXPROC,
	RR_OPENFILES,
	RR_VMEMORYUSE,
	RR_PSEUDOTERMINALS,
	RR_SWAPUSE,
	RR_NTHR,
	RR_MSGQQUEUED,
	RR_MSGQSIZE,
	RR_NMSGQ,
	RR_NSEM,
	RR_NSEMOP,
	RR_NSHM,
	RR_SHMSIZE,
	RR_WALLCLOCK,
	RR_PCPU,
	RR_READBPS,
	RR_WRITEBPS,
	RR_READIOPS,
	RR_WRITEIOPS,
	RR__COUNT
};

/* Actions: FreeBSD's signal actions first (their index is rctl_actions[]), then these. */
enum rctl_action_kind { RA_UNDEF = -1, RA_DENY = 100, RA_LOG, RA_DEVCTL, RA_THROTTLE };

#define RCTL_AMOUNT_UNDEF (-1LL)
#define RCTL_ID_MAX	  256 /* MAXHOSTNAMELEN, the longest jail name FreeBSD keeps */

/* One rule or filter; a filter leaves fields undefined. */
struct rctl_rule {
	int subject;	      /* enum rctl_subject */
	char id[RCTL_ID_MAX]; /* subject id; "" when undefined */
	int resource;	      /* enum rctl_resource */
	int action;	      /* a signal action index (>= 0, < RA_DENY) or RA_* */
	long long amount;     /* RCTL_AMOUNT_UNDEF when undefined */
	int per;	      /* enum rctl_subject */
	bool from_conf;	      /* from the jail's rctl parameter, not the store */
};

/* --- rule.c: the grammar --------------------------------------------- */

/* FreeBSD's expand_number(3): "10", "0x10", "4k", "1G" (binary units, up to e). */
int rctl_expand_number(const char *s, uint64_t *out);
/* FreeBSD's humanize_number(buf, 6, n, "", HN_AUTOSCALE, HN_DECIMAL | HN_NOSPACE). */
void rctl_humanize(char buf[8], long long n);

/*
 * rctl(8)'s own rewriting of an argument before the kernel sees it: subject
 * abbreviations (u, p, j, l, c, class), user names to uids, amounts with
 * unit suffixes to plain numbers. Fills out (at least 512 bytes) or fails
 * with "malformed rule 'X': ..." as rctl(8) prints it.
 */
int rctl_expand_rule(const char *arg, bool resolve_ids, char *out, size_t len, struct jail_err *e);
/* The same, naming the rule as shown in messages (a jail's rctl parameter shows its short form). */
int rctl_expand_rule_as(const char *arg, const char *shown, bool resolve_ids, char *out, size_t len,
			struct jail_err *e);
/*
 * The kernel's parse (rctl_string_to_rule): names are case-insensitive,
 * missing fields stay undefined. -EINVAL for anything malformed.
 */
int rctl_rule_parse(const char *s, struct rctl_rule *r);
/* All fields but per defined (per defaults to the subject first). */
bool rctl_rule_complete(const struct rctl_rule *r);
/* FreeBSD's rctl_rule_to_sbuf: "jail:www:memoryuse:deny=1073741824[/per]". */
void rctl_rule_format(const struct rctl_rule *r, char *buf, size_t len);
/* rctl_rule_matches(rule, filter). */
bool rctl_rule_matches(const struct rctl_rule *r, const struct rctl_rule *filter);
/* -h: the amount of a formatted rule humanized, as rctl(8) does it. */
void rctl_rule_humanize(const char *rule, char *out, size_t len);

const char *rctl_subject_name(int s);
const char *rctl_resource_name(int r);
const char *rctl_action_name(int a);
int rctl_resource_lookup(const char *name);
/* The Linux signal of a signal action, 0 if Linux has none (sigemt, siginfo, sigthr). */
int rctl_action_signal(int a);
bool rctl_action_is_signal(int a);

/* --- table.c: the one resource table --------------------------------- */

/* What FreeBSD's racct says of a resource (kern_racct.c racct_types[]). */
enum {
	RF_DENIABLE = 1 << 0,
	RF_DECAYING = 1 << 1,
	RF_SLOPPY = 1 << 2,
	RF_RECLAIMABLE = 1 << 3,
};
/* What can be asked of a resource here, per jail and per process. */
enum {
	RX_DENY = 1 << 0,     /* a hard limit */
	RX_THROTTLE = 1 << 1, /* io rates */
	RX_EVENT = 1 << 2,    /* log, devctl, sig* */
	RX_SIGCPU = 1 << 3,   /* only sigxcpu and sigkill (RLIMIT_CPU) */
};

struct rctl_resource_def {
	const char *name;
	const char *descr;  /* rctl.8's words */
	unsigned fbsd;	    /* RF_* */
	unsigned jail;	    /* RX_* with per=jail */
	unsigned process;   /* RX_* with per=process */
	const char *v1;	    /* the mechanism on cgroup v1 (hybrid) hosts */
	const char *v2;	    /* the mechanism on cgroup v2 hosts */
	const char *events; /* what raises log/devctl/sig* rules, or why they are refused */
	const char *note;   /* how it differs from FreeBSD, or why it is refused */
};

extern const struct rctl_resource_def rctl_resources[RR__COUNT];

/*
 * Whether this system can take a complete rule: FreeBSD's own checks first
 * (deny on an undeniable resource, throttle on a non-rate, /process on a
 * sloppy resource: EOPNOTSUPP), then Linux's, each with its reason in e.
 */
int rctl_rule_check(const struct rctl_rule *r, struct jail_err *e);
/* rctl --resources: the table as text, or as mdoc for the man page. */
void rctl_table_print(FILE *f, bool man);

/* --- the rule store and the jails ------------------------------------- */

/* A list of rules. */
struct rctl_rules {
	struct rctl_rule *v;
	int n;
};
void rctl_rules_free(struct rctl_rules *l);

/*
 * Every rule, in FreeBSD's listing order: those of the store (regdir's
 * rctl.rules) and those of running jails' rctl parameter. JIDs in the
 * filter name their jail.
 */
int rctl_list(struct jail_registry *reg, const struct rctl_rule *filter, struct rctl_rules *out,
	      struct jail_err *e);
/*
 * rctl -a: check, store, and apply to the running jail it names (its
 * cgroups, namespaces, processes and watcher). If applying fails the rule
 * is taken out again and nothing changed. A deny rule replaces one that
 * differs only in amount; an identical rule is not added twice.
 */
int rctl_add(struct jail_registry *reg, const struct rctl_rule *r, struct jail_err *e);
/* rctl -r: remove matching rules (-ESRCH if none) and re-apply the jails they named. */
int rctl_remove(struct jail_registry *reg, const struct rctl_rule *filter, struct jail_err *e);

/* Usage values in resource order; -1 where there is nothing to say. */
struct rctl_usage {
	long long v[RR__COUNT];
	bool present[RR__COUNT]; /* printed (a process leaves out the sloppy ones) */
};
/*
 * rctl -u: a jail's (jail:NAME or JID) or a process's usage. Rates (pcpu,
 * io) are measured over interval_ms. A jail that does not run has zeros,
 * as FreeBSD shows an unused racct.
 */
int rctl_usage(struct jail_registry *reg, const struct rctl_rule *filter, int interval_ms,
	       struct rctl_usage *u, struct jail_err *e);
/* rctl -l process:PID: the rules that apply to the process (its jail's). */
int rctl_limits(struct jail_registry *reg, const struct rctl_rule *filter, struct rctl_rules *out,
		struct jail_err *e);

/* A reading of a running jail's counters, for live views (jtop): rates come from two. */
struct rctl_sample {
	long long t_ns;		  /* CLOCK_MONOTONIC */
	long long cpu_ns;	  /* CPU time used */
	long long mem, mem_limit; /* bytes charged; limit, -1 for none */
	long long procs, tasks;	  /* processes, threads */
	long long rbytes, wbytes; /* io done (the cgroup's, else its live processes') */
	long long rx, tx;	  /* bytes through its network namespace, -1 if it shares the host's */
	long long mem_hits;	  /* memory limit reached: OOM kills, memory.max events */
	long long pid_hits;	  /* forks refused by pids.max */
	long long cpu_hits;	  /* periods the CPU quota held it back */
};
struct jail_state;
void rctl_sample_jail(const struct jail_state *st, struct rctl_sample *s);

/* --- entry points for the create, jexec and remove paths (jail.c) ----- */

struct jail_mount;

/* What rctl needs to know of a jail. */
struct rctl_jail {
	const char *name;
	int jid;
	struct jail_registry *reg;     /* the registry (its lock, its directory) */
	const struct jail_cgroup *cg;  /* its cgroup directories */
	const struct jail_params *p;   /* its parameters: the rctl rules among them */
	pid_t init_pid;		       /* the jail's init, host pid */
	unsigned long long init_start; /* its start time, to tell a reused pid */
};

/*
 * After the jail's init reported ready and before its command runs:
 * validate the jail's rctl parameter, write every limit its rules set
 * (cgroups, IPC namespace, devpts, io devices under its root and mounts)
 * and start the event watcher when a rule needs one. On failure nothing it
 * did is left.
 */
int rctl_jail_apply(const struct rctl_jail *j, struct jail_err *e);
/*
 * The rlimits the jail's command and every jexec'd process take before
 * exec: bit i of *mask set means out[i] holds a ceiling for resource i.
 */
int rctl_jail_rlimits(const struct rctl_jail *j, struct rlimit out[RLIM_NLIMITS], unsigned *mask,
		      struct jail_err *e);
/* In the process about to exec: lower its rlimits to the ceilings (never raise). */
void rctl_rlimits_set(const struct rlimit rl[RLIM_NLIMITS], unsigned mask);
/* The jail is going away: stop its watcher. Safe to call more than once. */
void rctl_jail_release(const struct rctl_jail *j);

#endif
