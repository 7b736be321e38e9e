/*
 * The one resource table: for every resource FreeBSD's rctl knows, how it
 * is enforced on cgroup v1 and on cgroup v2, what raises its log, devctl
 * and sig* rules, and, where Linux cannot do what FreeBSD does, the reason.
 * rctl --resources prints it, man/rctl.8 includes it (rctl
 * --resources=man), and rctl_rule_check refuses from it, so the three
 * never disagree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "jail/rctl.h"

#define RLIM_NOTE \
	"per jail as well the ceiling is each process's: Linux counts this per process, not per cgroup"
#define NO_RLIMIT_EVENT "refused: the kernel reports nothing when a process reaches an rlimit"
#define IPC_NOTE                                                                                       \
	"a sysctl of the jail's own IPC namespace, set from the host; refused for a jail sharing the " \
	"host's IPC"
#define NO_IPC_EVENT "refused: the kernel reports nothing when an IPC limit is reached"
#define IO_NOTE                                                                                        \
	"on every block device under the jail's root and its mounts (a partition is throttled on its " \
	"disk); "                                                                                      \
	"on v1 only I/O the jail submits itself is throttled (direct, synchronous, fsync), v1 has no " \
	"writeback accounting"
#define NO_RATE_EVENT \
	"refused: no kernel event reports a rate (FreeBSD samples it once a second; this does not poll)"

const struct rctl_resource_def rctl_resources[RR__COUNT] = {
	[RR_CPUTIME] =
		{"cputime", "CPU time, in seconds", 0, RX_EVENT, RX_SIGCPU, "usage from cpuacct.usage",
		 "usage from cpu.stat usage_usec",
		 "a timer set to the earliest moment the jail can have used the amount (no kernel event "
		 "counts CPU time), set again until it has",
		 "/process: RLIMIT_CPU, sigxcpu sets its soft and sigkill its hard limit; deny refused as on "
		 "FreeBSD"},
	[RR_DATASIZE] = {"datasize", "data size, in bytes", RF_DENIABLE | RF_RECLAIMABLE, RX_DENY, RX_DENY,
			 "RLIMIT_DATA of each process", "RLIMIT_DATA of each process", NO_RLIMIT_EVENT,
			 RLIM_NOTE},
	[RR_STACKSIZE] = {"stacksize", "stack size, in bytes", RF_DENIABLE | RF_RECLAIMABLE, RX_DENY, RX_DENY,
			  "RLIMIT_STACK of each process", "RLIMIT_STACK of each process", NO_RLIMIT_EVENT,
			  RLIM_NOTE},
	[RR_COREDUMPSIZE] = {"coredumpsize", "core dump size, in bytes", RF_DENIABLE, RX_DENY, RX_DENY,
			     "RLIMIT_CORE of each process", "RLIMIT_CORE of each process", NO_RLIMIT_EVENT,
			     RLIM_NOTE},
	[RR_MEMORYUSE] =
		{"memoryuse", "resident set size, in bytes", RF_RECLAIMABLE, RX_DENY | RX_EVENT, 0,
		 "memory.limit_in_bytes: the OOM killer acts inside the jail only",
		 "memory.max: the OOM killer acts inside the jail only",
		 "v1: a memory.usage_in_bytes threshold (cgroup.event_control) and memory.oom_control; "
		 "v2: memory.events (max, oom_kill), which fire at the deny amount only",
		 "counts what the kernel charges the jail (anonymous memory and page cache); /process "
		 "refused: Linux ignores RLIMIT_RSS"},
	[RR_MEMORYLOCKED] = {"memorylocked", "locked memory, in bytes", RF_DENIABLE | RF_RECLAIMABLE, RX_DENY,
			     RX_DENY, "RLIMIT_MEMLOCK of each process", "RLIMIT_MEMLOCK of each process",
			     NO_RLIMIT_EVENT, RLIM_NOTE},
	[RR_MAXPROC] = {"maxproc", "number of processes", RF_DENIABLE | RF_RECLAIMABLE, RX_DENY | RX_EVENT, 0,
			"pids.max of the pids controller", "pids.max",
			"fork and exit events of the kernel's process connector (netlink), and pids.events "
			"on v2",
			"the pids controller counts threads too: maxproc and nthr share pids.max, the lower "
			"amount wins; usage counts processes; /process refused"},
	[RR_OPENFILES] = {"openfiles", "file descriptor table size", RF_DENIABLE | RF_RECLAIMABLE, RX_DENY,
			  RX_DENY, "RLIMIT_NOFILE of each process", "RLIMIT_NOFILE of each process",
			  NO_RLIMIT_EVENT, RLIM_NOTE "; usage is the jail's total of open descriptors"},
	[RR_VMEMORYUSE] = {"vmemoryuse", "address space limit, in bytes", RF_DENIABLE | RF_RECLAIMABLE,
			   RX_DENY | RX_EVENT, RX_DENY,
			   "memory.memsw.limit_in_bytes (memory + swap; needs swap accounting)",
			   "memory.max and memory.swap.max (memory.max = the lower of memoryuse and "
			   "vmemoryuse, swap the rest)",
			   "v1: a memory.memsw.usage_in_bytes threshold; v2: memory.events and "
			   "memory.swap.events at the limit",
			   "per jail: memory plus swap, the part of the address space that is backed; "
			   "/process: RLIMIT_AS, FreeBSD's meaning"},
	[RR_PSEUDOTERMINALS] = {"pseudoterminals", "number of PTYs", RF_DENIABLE | RF_SLOPPY | RF_RECLAIMABLE,
				RX_DENY, 0, "max= of the jail's devpts instance",
				"max= of the jail's devpts instance",
				"refused: devpts reports nothing when it is full",
				"refused for a jail without its own /dev (mount.nodevfs)"},
	[RR_SWAPUSE] =
		{"swapuse", "swap space that may be reserved or used, in bytes",
		 RF_DENIABLE | RF_SLOPPY | RF_RECLAIMABLE, RX_DENY, 0,
		 "memory.memsw.limit_in_bytes = memoryuse + swapuse (needs a memoryuse deny rule)",
		 "memory.swap.max",
		 "refused: the kernel reports swap only at its limit; use a vmemoryuse rule for events",
		 "v1 limits memory and swap together, so swapuse needs memoryuse beside it"},
	[RR_NTHR] = {"nthr", "number of threads", RF_DENIABLE | RF_RECLAIMABLE, RX_DENY | RX_EVENT, 0,
		     "pids.max of the pids controller", "pids.max",
		     "fork and exit events of the kernel's process connector, and pids.events on v2",
		     "exact: the pids controller counts threads; shares pids.max with maxproc; /process "
		     "refused"},
	[RR_MSGQQUEUED] = {"msgqqueued", "number of queued SysV messages",
			   RF_DENIABLE | RF_SLOPPY | RF_RECLAIMABLE, 0, 0, "(usage only)", "(usage only)",
			   NO_IPC_EVENT,
			   "deny refused: Linux limits the bytes in a queue (msgmnb, see msgqsize), not the "
			   "number of messages; usage from /proc/sysvipc/msg"},
	[RR_MSGQSIZE] = {"msgqsize", "SysV message queue size, in bytes",
			 RF_DENIABLE | RF_SLOPPY | RF_RECLAIMABLE, RX_DENY, 0, "kernel.msgmnb",
			 "kernel.msgmnb", NO_IPC_EVENT,
			 IPC_NOTE "; the bytes of each queue, not the jail's total"},
	[RR_NMSGQ] = {"nmsgq", "number of SysV message queues", RF_DENIABLE | RF_SLOPPY | RF_RECLAIMABLE,
		      RX_DENY, 0, "kernel.msgmni", "kernel.msgmni", NO_IPC_EVENT, IPC_NOTE},
	[RR_NSEM] = {"nsem", "number of SysV semaphores", RF_DENIABLE | RF_SLOPPY | RF_RECLAIMABLE, RX_DENY,
		     0, "kernel.sem SEMMNS", "kernel.sem SEMMNS", NO_IPC_EVENT, IPC_NOTE},
	[RR_NSEMOP] = {"nsemop", "number of SysV semaphores modified in a single semop(2) call",
		       RF_DENIABLE | RF_RECLAIMABLE, RX_DENY, RX_DENY, "kernel.sem SEMOPM",
		       "kernel.sem SEMOPM", NO_IPC_EVENT, IPC_NOTE "; per call, so /process means the same"},
	[RR_NSHM] = {"nshm", "number of SysV shared memory segments",
		     RF_DENIABLE | RF_SLOPPY | RF_RECLAIMABLE, RX_DENY, 0, "kernel.shmmni", "kernel.shmmni",
		     NO_IPC_EVENT, IPC_NOTE},
	[RR_SHMSIZE] = {"shmsize", "SysV shared memory size, in bytes",
			RF_DENIABLE | RF_SLOPPY | RF_RECLAIMABLE, RX_DENY, 0,
			"kernel.shmall (in pages) and kernel.shmmax",
			"kernel.shmall (in pages) and kernel.shmmax", NO_IPC_EVENT, IPC_NOTE},
	[RR_WALLCLOCK] = {"wallclock", "wallclock time, in seconds", 0, RX_EVENT, 0,
			  "the jail's age, from its init's start time",
			  "the jail's age, from its init's start time",
			  "a timer at the jail's start plus the amount",
			  "FreeBSD adds up its processes' wall-clock times; here it is how long the jail has "
			  "run; deny refused as on FreeBSD; /process refused"},
	[RR_PCPU] = {"pcpu", "%CPU, in percents of a single CPU core", RF_DECAYING | RF_DENIABLE, RX_DENY, 0,
		     "cpu.cfs_quota_us of cpu.cfs_period_us (100 ms)", "cpu.max (quota and 100 ms period)",
		     NO_RATE_EVENT,
		     "deny holds the jail to amount% of one CPU (200 = two CPUs); throttle refused as on "
		     "FreeBSD; /process refused"},
	[RR_READBPS] = {"readbps", "filesystem reads, in bytes per second", RF_DECAYING, RX_THROTTLE, 0,
			"blkio.throttle.read_bps_device", "io.max rbps", NO_RATE_EVENT, IO_NOTE},
	[RR_WRITEBPS] = {"writebps", "filesystem writes, in bytes per second", RF_DECAYING, RX_THROTTLE, 0,
			 "blkio.throttle.write_bps_device", "io.max wbps", NO_RATE_EVENT, IO_NOTE},
	[RR_READIOPS] = {"readiops", "filesystem reads, in operations per second", RF_DECAYING, RX_THROTTLE,
			 0, "blkio.throttle.read_iops_device", "io.max riops", NO_RATE_EVENT, IO_NOTE},
	[RR_WRITEIOPS] = {"writeiops", "filesystem writes, in operations per second", RF_DECAYING,
			  RX_THROTTLE, 0, "blkio.throttle.write_iops_device", "io.max wiops", NO_RATE_EVENT,
			  IO_NOTE},
};

static const char *const subject_refusal[RS__COUNT] = {
	[RS_PROCESS] = "process rules: rctl here limits jails; prlimit(1) sets a process's rlimits",
	[RS_USER] = ("user rules: Linux accounts resources per cgroup, not per user (systemd's user "
		     "slices or pam_limits do that)"),
	[RS_LOGINCLASS] = "loginclass rules: Linux has no login classes (login.conf); use pam_limits",
};

int rctl_rule_check(const struct rctl_rule *r, struct jail_err *e)
{
	const struct rctl_resource_def *d = &rctl_resources[r->resource];
	const char *name = d->name;

	/* FreeBSD's own refusals (rctl_rule_add), with its bare errno. */
	if (r->action == RA_DENY && !(d->fbsd & RF_DENIABLE) && r->resource != RR_MEMORYUSE &&
	    r->resource != RR_PCPU)
		return jail_err_set(e, -EOPNOTSUPP, "%s", "");
	if (r->action == RA_THROTTLE && (!(d->fbsd & RF_DECAYING) || r->resource == RR_PCPU))
		return jail_err_set(e, -EOPNOTSUPP, "%s", "");
	if (r->per == RS_PROCESS && (d->fbsd & RF_SLOPPY))
		return jail_err_set(e, -EOPNOTSUPP, "%s", "");

	/* Linux's. */
	if (r->subject != RS_JAIL)
		return jail_err_set(e, -EOPNOTSUPP, "%s", subject_refusal[r->subject]);
	if (r->per == RS_USER || r->per == RS_LOGINCLASS)
		return jail_err_set(e, -EOPNOTSUPP,
				    "/%s: Linux accounts a jail's resources per cgroup, not per %s",
				    rctl_subject_name(r->per), rctl_subject_name(r->per));
	unsigned can = r->per == RS_PROCESS ? d->process : d->jail;
	const char *how = r->per == RS_PROCESS ? "/process" : "per jail";
	if (r->action == RA_DENY && !(can & RX_DENY))
		return jail_err_set(e, -EOPNOTSUPP, "%s:deny %s: %s", name, how, d->note);
	if (r->action == RA_THROTTLE && !(can & RX_THROTTLE))
		return jail_err_set(e, -EOPNOTSUPP, "%s:throttle %s: %s", name, how, d->note);
	if (rctl_action_is_signal(r->action) && rctl_action_signal(r->action) == 0)
		return jail_err_set(e, -EOPNOTSUPP, "%s: Linux has no such signal",
				    rctl_action_name(r->action));
	if (r->action == RA_LOG || r->action == RA_DEVCTL || rctl_action_is_signal(r->action)) {
		if (can & RX_SIGCPU) {
			int sig = rctl_action_signal(r->action);
			if (sig == SIGXCPU || sig == SIGKILL)
				return 0;
			return jail_err_set(e, -EOPNOTSUPP, "%s %s: only sigxcpu and sigkill (RLIMIT_CPU)",
					    name, how);
		}
		if (!(can & RX_EVENT))
			return jail_err_set(
				e, -EOPNOTSUPP, "%s:%s %s: %s", name, rctl_action_name(r->action), how,
				r->per == RS_PROCESS && (d->jail & RX_EVENT) ? d->note : d->events);
	}
	return 0;
}

static void actions_text(unsigned can, char *buf, size_t len)
{
	buf[0] = '\0';
	if (can & RX_DENY)
		strncat(buf, "deny ", len - strlen(buf) - 1);
	if (can & RX_THROTTLE)
		strncat(buf, "throttle ", len - strlen(buf) - 1);
	if (can & RX_EVENT)
		strncat(buf, "log devctl sig* ", len - strlen(buf) - 1);
	if (can & RX_SIGCPU)
		strncat(buf, "sigxcpu sigkill ", len - strlen(buf) - 1);
	size_t n = strlen(buf);
	if (n)
		buf[n - 1] = '\0';
	else
		snprintf(buf, len, "none");
}

/* mdoc text: a line must not start with a dot or quote. */
static void man_text(FILE *f, const char *s)
{
	fprintf(f, "%s%s\n", (*s == '.' || *s == '\'') ? "\\&" : "", s);
}

void rctl_table_print(FILE *f, bool man)
{
	char aj[64], ap[64];

	if (man)
		fprintf(f, ".Bl -tag -width \"pseudoterminals\"\n");
	for (int i = 0; i < RR__COUNT; i++) {
		const struct rctl_resource_def *d = &rctl_resources[i];
		actions_text(d->jail, aj, sizeof(aj));
		actions_text(d->process, ap, sizeof(ap));
		if (!man) {
			fprintf(f, "%-16s %s\n", d->name, d->descr);
			fprintf(f, "  actions:   %s; /process: %s\n", aj, ap);
			fprintf(f, "  cgroup v1: %s\n  cgroup v2: %s\n", d->v1, d->v2);
			fprintf(f, "  events:    %s\n  note:      %s\n", d->events, d->note);
			continue;
		}
		fprintf(f, ".It Sy %s\n", d->name);
		man_text(f, d->descr);
		fprintf(f, ".Bl -dash -compact\n.It\nactions: %s; with\n.Pa /process :\n%s\n", aj, ap);
		fprintf(f, ".It\ncgroup v1:\n");
		man_text(f, d->v1);
		fprintf(f, ".It\ncgroup v2:\n");
		man_text(f, d->v2);
		fprintf(f, ".It\nevents:\n");
		man_text(f, d->events);
		fprintf(f, ".It\n");
		man_text(f, d->note);
		fprintf(f, ".El\n");
	}
	if (man)
		fprintf(f, ".El\n");
}
