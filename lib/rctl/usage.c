/*
 * rctl -u: what a jail (or one process) uses, resource by resource, in
 * FreeBSD's order. The counters a limit is written against are the ones
 * read back (memory.usage_in_bytes for memoryuse, pids for nthr, ...), so
 * usage and limits agree; the rest comes from the jail's processes in
 * /proc, its IPC namespace (/proc/sysvipc, read from inside it) and its
 * devpts. Rates (pcpu, io) are the difference of two readings.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "jail/registry.h"
#include "core/sys.h"
#include "core/util.h"
#include "rctl_int.h"

const char *rctl_logdir(void)
{
	const char *d = getenv("JAIL_LOGDIR");
	return d && *d ? d : "/var/log/jail";
}

static long long now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Seconds a process has run, from its start time (clock ticks since boot). */
static long long age_s(pid_t pid)
{
	unsigned long long st = proc_starttime(pid);
	long hz = sysconf(_SC_CLK_TCK);

	if (st == 0 || hz <= 0)
		return 0;
	long long up = now_ns(CLOCK_BOOTTIME) / 1000000000LL;
	long long born = (long long)(st / (unsigned long long)hz);
	return up > born ? up - born : 0;
}

/* Sums over processes from /proc/PID/status and fd/. */
struct psum {
	long long data, stack, rss, locked, vsize, threads, fds;
	long long rbytes, wbytes, rops, wops; /* /proc/PID/io */
	long long cpu_ticks;
};

static void add_process(pid_t pid, struct psum *s)
{
	char p[64], line[256];
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	if ((f = fopen(p, "re"))) {
		while (fgets(line, sizeof(line), f)) {
			long long v;
			if (sscanf(line, "VmData: %lld", &v) == 1)
				s->data += v * 1024;
			else if (sscanf(line, "VmStk: %lld", &v) == 1)
				s->stack += v * 1024;
			else if (sscanf(line, "VmRSS: %lld", &v) == 1)
				s->rss += v * 1024;
			else if (sscanf(line, "VmLck: %lld", &v) == 1)
				s->locked += v * 1024;
			else if (sscanf(line, "VmSize: %lld", &v) == 1)
				s->vsize += v * 1024;
			else if (sscanf(line, "Threads: %lld", &v) == 1)
				s->threads += v;
		}
		fclose(f);
	}
	snprintf(p, sizeof(p), "/proc/%d/io", (int)pid);
	if ((f = fopen(p, "re"))) {
		while (fgets(line, sizeof(line), f)) {
			long long v;
			if (sscanf(line, "read_bytes: %lld", &v) == 1)
				s->rbytes += v;
			else if (sscanf(line, "write_bytes: %lld", &v) == 1)
				s->wbytes += v;
			else if (sscanf(line, "syscr: %lld", &v) == 1)
				s->rops += v;
			else if (sscanf(line, "syscw: %lld", &v) == 1)
				s->wops += v;
		}
		fclose(f);
	}
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	if ((f = fopen(p, "re"))) {
		char buf[1024];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		char *c = strrchr(buf, ')');
		unsigned long long ut, st;
		if (c &&
		    sscanf(c + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
			s->cpu_ticks += (long long)(ut + st);
		fclose(f);
	}
	snprintf(p, sizeof(p), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(p);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)))
			s->fds += de->d_name[0] != '.';
		closedir(d);
	}
}

static int jail_pids(const struct jail_state *st, pid_t **out)
{
	char f[PATH_MAX + 32], line[64];
	int n = 0, cap = 0;

	*out = NULL;
	if (st->cg.n == 0)
		return 0;
	snprintf(f, sizeof(f), "%s/cgroup.procs", st->cg.d[0].path);
	_cleanup_fclose_ FILE *fp = fopen(f, "re");
	while (fp && fgets(line, sizeof(line), fp)) {
		if (n == cap) {
			pid_t *nv = realloc(*out, (size_t)(cap = cap ? cap * 2 : 64) * sizeof(pid_t));
			if (!nv)
				break;
			*out = nv;
		}
		(*out)[n++] = (pid_t)atoi(line);
	}
	return n;
}

/* SysV IPC as the jail's IPC namespace sees it, read by a helper that joins it. */
struct ipc_sums {
	long long msgs, msgbytes, queues, sems, shms, shmbytes;
};

static void sum_sysvipc(const char *file, int cols, long long *count, long long *sum1, int c1,
			long long *sum2, int c2)
{
	char line[512];
	_cleanup_fclose_ FILE *f = fopen(file, "re");

	if (!f || !fgets(line, sizeof(line), f)) /* the header */
		return;
	while (fgets(line, sizeof(line), f)) {
		long long v[16] = {0};
		int k = 0;
		for (char *save = NULL, *t = strtok_r(line, " \t\n", &save); t && k < cols;
		     t = strtok_r(NULL, " \t\n", &save))
			v[k++] = strtoll(t, NULL, 10);
		(*count)++;
		if (sum1)
			*sum1 += v[c1];
		if (sum2)
			*sum2 += v[c2];
	}
}

static void read_ipc(pid_t init_pid, struct ipc_sums *s)
{
	int p[2], st;

	memset(s, 0, sizeof(*s));
	_cleanup_close_ int pidfd = sys_pidfd_open(init_pid, 0);
	if (pidfd < 0 || pipe2(p, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		struct ipc_sums r = {0};
		close(p[0]);
		if (setns(pidfd, CLONE_NEWIPC) == 0) {
			/* msg: key msqid perms cbytes qnum; sem: ... nsems; shm: key shmid perms size */
			sum_sysvipc("/proc/sysvipc/msg", 6, &r.queues, &r.msgbytes, 3, &r.msgs, 4);
			long long nsets = 0;
			sum_sysvipc("/proc/sysvipc/sem", 4, &nsets, &r.sems, 3, NULL, 0);
			sum_sysvipc("/proc/sysvipc/shm", 4, &r.shms, &r.shmbytes, 3, NULL, 0);
		}
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], s, sizeof(*s)) != sizeof(*s))
		memset(s, 0, sizeof(*s));
	close(p[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/* Pseudoterminals in use: the entries of the jail's devpts but ptmx. */
static long long count_pts(pid_t init_pid)
{
	char p[64];
	long long n = 0;

	snprintf(p, sizeof(p), "/proc/%d/root/dev/pts", (int)init_pid);
	DIR *d = opendir(p);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += de->d_name[0] >= '0' && de->d_name[0] <= '9';
	closedir(d);
	return n;
}

struct sample {
	struct rctl_counters c;
	struct psum ps;
	long long t;
};

static void take(const struct jail_state *st, struct sample *s)
{
	pid_t *pids;
	int n = jail_pids(st, &pids);

	memset(s, 0, sizeof(*s));
	rctl_cg_read(&st->cg, &s->c);
	for (int i = 0; i < n; i++)
		add_process(pids[i], &s->ps);
	free(pids);
	s->t = now_ns(CLOCK_MONOTONIC);
}

static long long rate(long long a, long long b, long long dt_ns)
{
	if (a < 0 || b < 0 || b < a || dt_ns <= 0)
		return 0;
	return (b - a) * 1000000000LL / dt_ns;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void jail_usage(const struct jail_state *st, int interval_ms, struct rctl_usage *u)
{
	struct sample a, b;
	struct ipc_sums ipc;

	take(st, &a);
	sleep_ms(interval_ms);
	take(st, &b);
	const struct rctl_counters *c = &b.c;
	long long dt = b.t - a.t;
	long hz = sysconf(_SC_CLK_TCK);
	long long cpu_a = a.c.cpu_ns >= 0 ? a.c.cpu_ns : a.ps.cpu_ticks * (1000000000LL / hz);
	long long cpu_b = c->cpu_ns >= 0 ? c->cpu_ns : b.ps.cpu_ticks * (1000000000LL / hz);

	read_ipc(st->init_pid, &ipc);
	u->v[RR_CPUTIME] = cpu_b / 1000000000LL;
	u->v[RR_DATASIZE] = b.ps.data;
	u->v[RR_STACKSIZE] = b.ps.stack;
	u->v[RR_COREDUMPSIZE] = 0;
	u->v[RR_MEMORYUSE] = c->mem >= 0 ? c->mem : b.ps.rss;
	u->v[RR_MEMORYLOCKED] = b.ps.locked;
	u->v[RR_MAXPROC] = c->procs >= 0 ? c->procs : 0;
	u->v[RR_OPENFILES] = b.ps.fds;
	u->v[RR_VMEMORYUSE] = c->memsw >= 0 ? c->memsw : u->v[RR_MEMORYUSE];
	u->v[RR_PSEUDOTERMINALS] = count_pts(st->init_pid);
	u->v[RR_SWAPUSE] = c->swap >= 0 ? c->swap : 0;
	u->v[RR_NTHR] = c->tasks >= 0 ? c->tasks : b.ps.threads;
	u->v[RR_MSGQQUEUED] = ipc.msgs;
	u->v[RR_MSGQSIZE] = ipc.msgbytes;
	u->v[RR_NMSGQ] = ipc.queues;
	u->v[RR_NSEM] = ipc.sems;
	u->v[RR_NSEMOP] = 0;
	u->v[RR_NSHM] = ipc.shms;
	u->v[RR_SHMSIZE] = ipc.shmbytes;
	u->v[RR_WALLCLOCK] = age_s(st->init_pid);
	u->v[RR_PCPU] = rate(cpu_a, cpu_b, dt) * 100 / 1000000000LL;
	/* io: the cgroup's counters where the host keeps them, else the live processes'. */
	bool cg_io = a.c.rbytes >= 0 && c->rbytes >= 0;
	u->v[RR_READBPS] = cg_io ? rate(a.c.rbytes, c->rbytes, dt) : rate(a.ps.rbytes, b.ps.rbytes, dt);
	u->v[RR_WRITEBPS] = cg_io ? rate(a.c.wbytes, c->wbytes, dt) : rate(a.ps.wbytes, b.ps.wbytes, dt);
	u->v[RR_READIOPS] = cg_io ? rate(a.c.rios, c->rios, dt) : rate(a.ps.rops, b.ps.rops, dt);
	u->v[RR_WRITEIOPS] = cg_io ? rate(a.c.wios, c->wios, dt) : rate(a.ps.wops, b.ps.wops, dt);
	for (int i = 0; i < RR__COUNT; i++)
		u->present[i] = true;
}

static int process_usage(pid_t pid, int interval_ms, struct rctl_usage *u, struct jail_err *e)
{
	struct psum a = {0}, b = {0};
	char p[64];
	long hz = sysconf(_SC_CLK_TCK);

	snprintf(p, sizeof(p), "/proc/%d", (int)pid);
	if (pid <= 0 || access(p, F_OK) < 0)
		return jail_err_set(e, -ESRCH, "%s", "");
	long long t0 = now_ns(CLOCK_MONOTONIC);
	add_process(pid, &a);
	sleep_ms(interval_ms);
	add_process(pid, &b);
	long long dt = now_ns(CLOCK_MONOTONIC) - t0;
	/* A process's racct leaves out the sloppy resources (kern_rctl.c). */
	for (int i = 0; i < RR__COUNT; i++)
		u->present[i] = !(rctl_resources[i].fbsd & RF_SLOPPY);
	u->v[RR_CPUTIME] = b.cpu_ticks / hz;
	u->v[RR_DATASIZE] = b.data;
	u->v[RR_STACKSIZE] = b.stack;
	u->v[RR_MEMORYUSE] = b.rss;
	u->v[RR_MEMORYLOCKED] = b.locked;
	u->v[RR_MAXPROC] = 1;
	u->v[RR_OPENFILES] = b.fds;
	u->v[RR_VMEMORYUSE] = b.vsize;
	u->v[RR_NTHR] = b.threads;
	u->v[RR_WALLCLOCK] = age_s(pid);
	u->v[RR_PCPU] = dt > 0 ? (b.cpu_ticks - a.cpu_ticks) * (1000000000LL / hz) * 100 / dt : 0;
	u->v[RR_READBPS] = rate(a.rbytes, b.rbytes, dt);
	u->v[RR_WRITEBPS] = rate(a.wbytes, b.wbytes, dt);
	u->v[RR_READIOPS] = rate(a.rops, b.rops, dt);
	u->v[RR_WRITEIOPS] = rate(a.wops, b.wops, dt);
	return 0;
}

/* Bytes received and sent by every interface but lo of the jail's own network namespace. */
static void net_bytes(pid_t init_pid, long long *rx, long long *tx)
{
	char p[64], line[512];
	struct stat a, b;

	*rx = *tx = -1;
	snprintf(p, sizeof(p), "/proc/%d/ns/net", (int)init_pid);
	if (stat(p, &a) < 0 || (stat("/proc/self/ns/net", &b) == 0 && a.st_ino == b.st_ino))
		return;
	/* /proc/PID/net shows the network namespace of PID. */
	snprintf(p, sizeof(p), "/proc/%d/net/dev", (int)init_pid);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	if (!f)
		return;
	*rx = *tx = 0;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		unsigned long long r, t;
		if (!colon)
			continue;
		*colon = '\0';
		const char *name = line + strspn(line, " ");
		if (!strcmp(name, "lo") ||
		    sscanf(colon + 1, "%llu %*u %*u %*u %*u %*u %*u %*u %llu", &r, &t) != 2)
			continue;
		*rx += (long long)r, *tx += (long long)t;
	}
}

void rctl_sample_jail(const struct jail_state *st, struct rctl_sample *s)
{
	struct sample x;
	long hz = sysconf(_SC_CLK_TCK);

	take(st, &x);
	s->t_ns = x.t;
	s->cpu_ns = x.c.cpu_ns >= 0 ? x.c.cpu_ns : x.ps.cpu_ticks * (1000000000LL / hz);
	s->mem = x.c.mem >= 0 ? x.c.mem : x.ps.rss;
	s->mem_limit = x.c.mem_limit;
	s->procs = x.c.procs >= 0 ? x.c.procs : 0;
	s->tasks = x.c.tasks >= 0 ? x.c.tasks : x.ps.threads;
	s->rbytes = x.c.rbytes >= 0 ? x.c.rbytes : x.ps.rbytes;
	s->wbytes = x.c.wbytes >= 0 ? x.c.wbytes : x.ps.wbytes;
	s->mem_hits = (x.c.oom_kills > 0 ? x.c.oom_kills : 0);
	if (x.c.mem_max_hits > s->mem_hits)
		s->mem_hits = x.c.mem_max_hits;
	s->pid_hits = x.c.pids_max_hits > 0 ? x.c.pids_max_hits : 0;
	s->cpu_hits = x.c.cpu_throttled > 0 ? x.c.cpu_throttled : 0;
	net_bytes(st->init_pid, &s->rx, &s->tx);
}

int rctl_usage(struct jail_registry *reg, const struct rctl_rule *filter, int interval_ms,
	       struct rctl_usage *u, struct jail_err *e)
{
	struct jail_state st;
	struct jail_err ignore = {0};

	memset(u, 0, sizeof(*u));
	if (filter->subject < 0 || !filter->id[0])
		return jail_err_set(e, -EINVAL, "%s", "");
	if (filter->subject == RS_PROCESS)
		return process_usage((pid_t)atoi(filter->id), interval_ms, u, e);
	if (filter->subject != RS_JAIL) {
		struct rctl_rule r = *filter;
		r.resource = RR_MAXPROC, r.action = RA_DENY, r.amount = 0, r.per = r.subject;
		return rctl_rule_check(&r, e);
	}
	for (int i = 0; i < RR__COUNT; i++)
		u->present[i] = true;
	if (jail_registry_find(reg, filter->id, &st, &ignore) < 0)
		return 0; /* FreeBSD shows a jail it does not know with all zeros */
	if (jail_state_status(&st) == JAIL_ALIVE)
		jail_usage(&st, interval_ms, u);
	jail_state_free(&st);
	return 0;
}
