/*
 * The watcher: one small process per jail that has log, devctl or sig*
 * rules, started by rctl_jail_apply (jail -c) and restarted by rctl -a/-r.
 * It sleeps in poll(2) on the kernel's own events, never sampling:
 *   - v1 memory: eventfd thresholds at each rule's amount on
 *     memory.usage_in_bytes / memory.memsw.usage_in_bytes, and
 *     memory.oom_control (cgroup.event_control);
 *   - v2: inotify on memory.events, memory.swap.events and pids.events;
 *   - maxproc/nthr: fork and exit events of the process connector;
 *   - cputime: a timer set to the earliest moment the jail can have used
 *     its amount (no event counts CPU time), set again until it has;
 *   - wallclock: a timer at the jail's start plus the amount;
 *   - the jail's init (a pidfd): when it ends, the watcher ends.
 * It is safe for it to die: the kernel keeps enforcing every deny, throttle
 * and rlimit on its own; only notifications stop until the next rctl -a or
 * jail -c starts a new one. It holds no fd of the jail but a pidfd and no
 * lock, and runs in its creator's cgroup, not the jail's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "jail/registry.h"
#include "core/sys.h"
#include "core/util.h"
#include "rctl_int.h"

#define WATCH_RULES_MAX 64
#define RATE_LIMIT	10 /* log and devctl lines a second, FreeBSD's kern.racct.rctl.*_rate_limit */

struct wrule {
	struct rctl_rule r;
	char text[512];
	bool fired;
};

struct watcher {
	char name[RCTL_ID_MAX];
	int jid;
	pid_t init_pid;
	unsigned long long init_start;
	struct jail_cgroup cg;
	int dirfd;
	struct wrule w[WATCH_RULES_MAX];
	int n;
	struct rctl_limits lim;
	struct rctl_counters last;
	int pidfd, ino, cn, tcpu, twall, efd[WATCH_RULES_MAX + 1];
	int nefd;
	long long start_s; /* the jail's start, CLOCK_BOOTTIME seconds */
	long log_sec, dev_sec;
	int log_n, dev_n;
};

static long long mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec;
}

static bool is_event(const struct rctl_rule *r)
{
	if (r->action == RA_DENY || r->action == RA_THROTTLE)
		return false;
	return !(r->per == RS_PROCESS && r->resource == RR_CPUTIME);
}

static void watch_file(char *buf, size_t len, int jid)
{
	snprintf(buf, len, "rctl.watch.%d", jid);
}

void rctl_watch_stop(struct jail_registry *reg, int jid)
{
	char f[64], buf[64];
	int pid = 0;
	unsigned long long start = 0;

	watch_file(f, sizeof(f), jid);
	if (read_file_at(reg->dirfd, f, buf, sizeof(buf)) < 0)
		return; /* no watcher: the common case, one lookup */
	if (sscanf(buf, "%d %llu", &pid, &start) == 2 && pid > 0) {
		int pidfd = sys_pidfd_open(pid, 0);
		if (pidfd >= 0 && proc_starttime(pid) == start) {
			sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
			struct pollfd pf = {pidfd, POLLIN, 0};
			while (poll(&pf, 1, 2000) < 0 && errno == EINTR)
				;
		}
		if (pidfd >= 0)
			close(pidfd);
	}
	unlinkat(reg->dirfd, f, 0);
}

/* --- what the watcher does when a rule matches ------------------------------ */

static bool rate_ok(long *sec, int *n)
{
	long now = (long)mono_s();
	if (now != *sec) {
		*sec = now;
		*n = 0;
	}
	return (*n)++ < RATE_LIMIT;
}

/*
 * A syslog line, LOG_DAEMON | LOG_WARNING, "rctl[PID]: ...", sent to
 * $JAIL_SYSLOG (tests) or /dev/log: the datagram glibc's syslog(3) sends,
 * without its connection kept open across the watcher's life.
 */
static void __attribute__((format(printf, 1, 2))) log_line(const char *fmt, ...)
{
	const char *path = getenv("JAIL_SYSLOG");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char msg[1024], when[32];
	time_t t = time(NULL);
	struct tm tm;
	va_list ap;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path && *path ? path : "/dev/log");
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%b %e %H:%M:%S", &tm);
	int n = snprintf(msg, sizeof(msg), "<%d>%s rctl[%d]: ", LOG_DAEMON | LOG_WARNING, when,
			 (int)getpid());
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		sendto(fd, msg, strlen(msg), MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
	}
}

/* pid of the jail (its pid namespace is its init's), with its command and uid; false if not. */
static bool jailed(const struct watcher *w, pid_t pid, char *comm, size_t len, int *uid)
{
	char p[64], line[128];
	struct stat a, b;

	if (pid <= 0)
		return false;
	snprintf(p, sizeof(p), "/proc/%d/ns/pid", (int)pid);
	if (stat(p, &a) < 0)
		return false;
	snprintf(p, sizeof(p), "/proc/%d/ns/pid", (int)w->init_pid);
	if (stat(p, &b) < 0 || a.st_ino != b.st_ino)
		return false;
	snprintf(p, sizeof(p), "/proc/%d", (int)pid);
	_cleanup_close_ int dfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || read_file_at(dfd, "comm", comm, len) < 0)
		return false;
	comm[strcspn(comm, "\n")] = '\0';
	*uid = 0;
	_cleanup_fclose_ FILE *f = fopen(strcat(p, "/status"), "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %*d %d", uid) == 1)
			break;
	return true;
}

static void devctl(const struct watcher *w, const struct wrule *x, long long usage, pid_t pid, int uid)
{
	char path[PATH_MAX], when[64], line[1024];
	const char *dir = rctl_logdir();
	time_t t = time(NULL);
	struct tm tm;

	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/rctl.log", dir);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* Names are jail names and rule text: no quotes or backslashes can be in them. */
	int n = snprintf(line, sizeof(line),
			 "{\"time\":\"%s\",\"system\":\"RCTL\",\"subsystem\":\"rule\",\"type\":\"matched\","
			 "\"rule\":\"%s\",\"jail\":\"%s\",\"jid\":%d,\"resource\":\"%s\",\"amount\":%lld,"
			 "\"usage\":%lld",
			 when, x->text, w->name, w->jid, rctl_resource_name(x->r.resource), x->r.amount,
			 usage);
	if (pid > 0)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"pid\":%d,\"ruid\":%d", (int)pid, uid);
	snprintf(line + n, sizeof(line) - (size_t)n, "}\n");
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd >= 0) {
		write_all(fd, line, strlen(line));
		close(fd);
	}
}

/* Every process of the jail proper (its pid namespace) but its init; not jexec's host-side helper. */
static void signal_jail(const struct watcher *w, int sig)
{
	char buf[65536], comm[64];
	int uid;

	if (w->cg.n == 0)
		return;
	_cleanup_close_ int dfd = open(w->cg.d[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || read_file_at(dfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return;
	for (char *p = buf, *end; *p; p = end + (*end == '\n')) {
		pid_t pid = (pid_t)strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid != w->init_pid && jailed(w, pid, comm, sizeof(comm), &uid))
			kill(pid, sig);
	}
}

static void fire(struct watcher *w, const struct wrule *x, long long usage, pid_t offender)
{
	char comm[64] = "";
	int uid = 0;
	bool known = jailed(w, offender, comm, sizeof(comm), &uid);

	if (x->r.action == RA_LOG) {
		if (!rate_ok(&w->log_sec, &w->log_n))
			return;
		if (known)
			log_line("rule \"%s\" matched by pid %d (%s), uid %d, jail %s", x->text,
				 (int)offender, comm, uid, w->name);
		else
			log_line("rule \"%s\" matched by jail %s (usage %lld)", x->text, w->name, usage);
	} else if (x->r.action == RA_DEVCTL) {
		if (rate_ok(&w->dev_sec, &w->dev_n))
			devctl(w, x, usage, known ? offender : 0, uid);
	} else if (rctl_action_is_signal(x->r.action)) {
		int sig = rctl_action_signal(x->r.action);
		if (known)
			kill(offender, sig);
		else
			signal_jail(w, sig);
	}
}

/* --- deciding ------------------------------------------------------------------ */

static long long usage_of(const struct watcher *w, const struct rctl_counters *c, int res)
{
	switch (res) {
	case RR_MEMORYUSE:
		return c->mem;
	case RR_VMEMORYUSE:
		return c->memsw;
	case RR_MAXPROC:
		return c->procs;
	case RR_NTHR:
		return c->tasks;
	case RR_CPUTIME:
		return c->cpu_ns < 0 ? -1 : c->cpu_ns / 1000000000LL;
	case RR_WALLCLOCK:
		return mono_s() - w->start_s;
	default:
		return -1;
	}
}

static long long lmin(long long a, long long b)
{
	if (a < 0)
		return b;
	return b >= 0 && b < a ? b : a;
}

/* The deny limit a resource's usage cannot pass, -1 if none. */
static long long limit_of(const struct watcher *w, int res)
{
	const long long *d = w->lim.deny;
	switch (res) {
	case RR_MEMORYUSE:
		return lmin(d[RR_MEMORYUSE], d[RR_VMEMORYUSE]);
	case RR_VMEMORYUSE:
		return d[RR_VMEMORYUSE];
	case RR_MAXPROC:
	case RR_NTHR:
		return lmin(d[RR_MAXPROC], d[RR_NTHR]);
	default:
		return -1;
	}
}

static bool grew(long long before, long long now)
{
	return now > 0 && now > before;
}

/*
 * A rule matches when usage passes its amount, once until it falls back
 * (FreeBSD's rrl_exceeded); at or above the deny limit, each refusal the
 * kernel counts (OOM kill, pids.max) is a match, as each denied allocation
 * is on FreeBSD.
 */
static void check(struct watcher *w, pid_t offender)
{
	struct rctl_counters c;

	rctl_cg_read(&w->cg, &c);
	bool mem_hit = grew(w->last.oom_kills, c.oom_kills) || grew(w->last.mem_max_hits, c.mem_max_hits);
	bool pid_hit = grew(w->last.pids_max_hits, c.pids_max_hits);
	for (int i = 0; i < w->n; i++) {
		struct wrule *x = &w->w[i];
		int res = x->r.resource;
		long long u = usage_of(w, &c, res), lim = limit_of(w, res);
		bool hit = (res == RR_MEMORYUSE || res == RR_VMEMORYUSE) ? mem_hit
			   : (res == RR_MAXPROC || res == RR_NTHR)	 ? pid_hit
									 : false;
		if (hit && lim >= 0 && x->r.amount >= lim) {
			fire(w, x, u, offender);
			continue;
		}
		if (u > x->r.amount && !x->fired) {
			x->fired = true;
			fire(w, x, u, offender);
		} else if (u >= 0 && u <= x->r.amount) {
			x->fired = false;
		}
	}
	w->last = c;
}

/* cputime: the earliest moment any rule can be reached, at full speed on every CPU the jail may use. */
static void arm_cpu(struct watcher *w)
{
	struct rctl_counters c;
	long long next = -1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (w->tcpu < 0)
		return;
	if (w->lim.deny[RR_PCPU] >= 0)
		cpus = (long)((w->lim.deny[RR_PCPU] + 99) / 100);
	if (cpus < 1)
		cpus = 1;
	rctl_cg_read(&w->cg, &c);
	for (int i = 0; i < w->n; i++) {
		if (w->w[i].r.resource != RR_CPUTIME || w->w[i].fired || c.cpu_ns < 0)
			continue;
		long long left = w->w[i].r.amount * 1000000000LL - c.cpu_ns;
		left = left <= 0 ? 1 : left / cpus;
		if (left < 10000000)
			left = 10000000; /* 10 ms: no busy spinning at the edge */
		next = next < 0 || left < next ? left : next;
	}
	struct itimerspec its = {0};
	if (next > 0)
		its.it_value = (struct timespec){next / 1000000000LL, next % 1000000000LL};
	timerfd_settime(w->tcpu, 0, &its, NULL);
}

static void arm_wall(struct watcher *w)
{
	long long at = -1;

	for (int i = 0; i < w->n; i++)
		if (w->w[i].r.resource == RR_WALLCLOCK && !w->w[i].fired)
			at = at < 0 || w->w[i].r.amount < at ? w->w[i].r.amount : at;
	struct itimerspec its = {0};
	if (at >= 0)
		its.it_value.tv_sec = w->start_s + at + 1; /* "more than amount seconds" */
	if (w->twall >= 0)
		timerfd_settime(w->twall, TFD_TIMER_ABSTIME, &its, NULL);
}

/* --- sources --------------------------------------------------------------------- */

/* v1: an eventfd the kernel signals when file (a usage counter or oom_control) crosses arg. */
static int v1_event(struct watcher *w, const struct jail_cgroup_dir *d, const char *file, long long arg,
		    struct jail_err *e)
{
	char p[PATH_MAX + 64], line[96];
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (efd < 0)
		return jail_err_sys(e, -errno, "eventfd");
	snprintf(p, sizeof(p), "%s/%s", d->path, file);
	_cleanup_close_ int ffd = open(p, O_RDONLY | O_CLOEXEC);
	snprintf(p, sizeof(p), "%s/cgroup.event_control", d->path);
	_cleanup_close_ int cfd = open(p, O_WRONLY | O_CLOEXEC);
	if (arg >= 0)
		snprintf(line, sizeof(line), "%d %d %lld", efd, ffd, arg);
	else
		snprintf(line, sizeof(line), "%d %d", efd, ffd);
	if (ffd < 0 || cfd < 0 || write_all(cfd, line, strlen(line)) < 0) {
		int r = -errno;
		close(efd);
		return jail_err_sys(e, r, "%s: %s events", d->path, file);
	}
	w->efd[w->nefd++] = efd;
	return 0;
}

/* The process connector: a netlink multicast of every fork and exit on the host. */
static int proc_connector(struct jail_err *e)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
	/* nlmsghdr, cn_msg, then the operation: laid out by hand (cn_msg ends in a flexible array). */
	char msg[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))]
		__attribute__((aligned(NLMSG_ALIGNTO))) = {0};
	struct nlmsghdr *nl = (struct nlmsghdr *)msg;
	struct cn_msg *cn = NLMSG_DATA(nl);
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
	int big = 1 << 20;

	if (fd < 0)
		return jail_err_sys(e, -errno, "maxproc events: the process connector");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	nl->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	nl->nlmsg_type = NLMSG_DONE;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || send(fd, msg, nl->nlmsg_len, 0) < 0) {
		int r = -errno;
		close(fd);
		return jail_err_sys(e, r, "maxproc events: the process connector");
	}
	return fd;
}

/* Drain the connector; the last fork's parent is the likely offender. Whether any fork or exit came. */
static bool read_connector(int fd, pid_t *offender)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool any = false;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0 || (n < 0 && errno == ENOBUFS)) {
		if (n < 0) {
			any = true; /* overrun: something happened, look */
			continue;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			struct cn_msg *cn = NLMSG_DATA(h);
			struct proc_event *ev = (struct proc_event *)cn->data;
			if (ev->what == PROC_EVENT_FORK) {
				*offender = ev->event_data.fork.parent_tgid;
				any = true;
			} else if (ev->what == PROC_EVENT_EXIT) {
				any = true;
			}
		}
	}
	return any;
}

static int setup(struct watcher *w, struct jail_err *e)
{
	const struct jail_cgroup_dir *mem = rctl_cg_dir(&w->cg, "memory", "memory");
	const struct jail_cgroup_dir *pids = rctl_cg_dir(&w->cg, "pids", "pids");
	bool want_pids = false, want_cpu = false, want_wall = false, v1_oom = false;
	int r;

	w->ino = w->cn = w->tcpu = w->twall = -1;
	w->pidfd = sys_pidfd_open(w->init_pid, 0);
	if (w->pidfd < 0 || proc_starttime(w->init_pid) != w->init_start)
		return jail_err_set(e, -ESRCH, "jail \"%s\" not found", w->name);
	for (int i = 0; i < w->n; i++) {
		int res = w->w[i].r.resource;
		want_pids |= res == RR_MAXPROC || res == RR_NTHR;
		want_cpu |= res == RR_CPUTIME;
		want_wall |= res == RR_WALLCLOCK;
		if ((res == RR_MEMORYUSE || res == RR_VMEMORYUSE) && !mem)
			return jail_err_set(e, -EOPNOTSUPP,
					    "%s: the host has no memory controller for this jail",
					    rctl_resource_name(res));
		if ((res == RR_MEMORYUSE || res == RR_VMEMORYUSE) && !mem->v2) {
			const char *file =
				res == RR_MEMORYUSE ? "memory.usage_in_bytes" : "memory.memsw.usage_in_bytes";
			if ((r = v1_event(w, mem, file, w->w[i].r.amount + 1, e)) < 0)
				return r;
			v1_oom = true;
		}
	}
	if (v1_oom && (r = v1_event(w, mem, "memory.oom_control", -1, e)) < 0)
		return r;
	/* v2 *.events files tell of changes by inotify (kernfs); v1's pids.events may or may not. */
	w->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->ino < 0)
		return jail_err_sys(e, -errno, "inotify");
	char p[PATH_MAX + 32];
	if (mem && mem->v2) {
		snprintf(p, sizeof(p), "%s/memory.events", mem->path);
		inotify_add_watch(w->ino, p, IN_MODIFY);
		snprintf(p, sizeof(p), "%s/memory.swap.events", mem->path);
		inotify_add_watch(w->ino, p, IN_MODIFY);
	}
	if (want_pids && pids) {
		snprintf(p, sizeof(p), "%s/pids.events", pids->path);
		inotify_add_watch(w->ino, p, IN_MODIFY);
	}
	if (want_pids && (w->cn = proc_connector(e)) < 0)
		return w->cn;
	if (want_cpu && (w->tcpu = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) < 0)
		return jail_err_sys(e, -errno, "timerfd");
	if (want_wall && (w->twall = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK)) < 0)
		return jail_err_sys(e, -errno, "timerfd");
	return 0;
}

static void drain(int fd)
{
	char buf[4096];
	while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
}

static void __attribute__((noreturn)) run(struct watcher *w)
{
	struct pollfd pf[WATCH_RULES_MAX + 8];

	/* Hits before the watcher started are not news; usage already past an amount is. */
	rctl_cg_read(&w->cg, &w->last);
	check(w, 0);
	for (;;) {
		int n = 0;
		arm_cpu(w);
		arm_wall(w);
		pf[n++] = (struct pollfd){w->pidfd, POLLIN, 0};
		pf[n++] = (struct pollfd){w->ino, POLLIN, 0};
		pf[n++] = (struct pollfd){w->cn, POLLIN, 0};
		pf[n++] = (struct pollfd){w->tcpu, POLLIN, 0};
		pf[n++] = (struct pollfd){w->twall, POLLIN, 0};
		for (int i = 0; i < w->nefd; i++)
			pf[n++] = (struct pollfd){w->efd[i], POLLIN, 0};
		if (poll(pf, (nfds_t)n, -1) < 0)
			continue;
		if (pf[0].revents)
			break;
		pid_t offender = 0;
		bool look = false;
		for (int i = 1; i < n; i++) {
			if (!pf[i].revents)
				continue;
			if (pf[i].fd == w->cn)
				look |= read_connector(w->cn, &offender);
			else
				drain(pf[i].fd), look = true;
		}
		if (look)
			check(w, offender);
	}
	/* The jail is gone: take our file away unless a newer watcher wrote it. */
	char f[64], buf[64];
	int pid = 0;
	watch_file(f, sizeof(f), w->jid);
	if (read_file_at(w->dirfd, f, buf, sizeof(buf)) > 0 && sscanf(buf, "%d", &pid) == 1 &&
	    pid == getpid())
		unlinkat(w->dirfd, f, 0);
	_exit(0);
}

/* In the watcher: detach from the caller, set up, say ready (or why not), run. */
static void __attribute__((noreturn)) become_watcher(struct watcher *w, int report)
{
	struct jail_err e = {0};
	sigset_t none;
	char title[16];

	setsid();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* comm is 15 characters: "rctl " and as much of the name as fits. */
	snprintf(title, sizeof(title), "rctl %.10s", w->name);
	prctl(PR_SET_NAME, title);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0), dup2(null, 1), dup2(null, 2);
		if (null > 2)
			close(null);
	}
	/* Nothing of the caller's stays open: only the registry directory and the report pipe. */
	int lo = w->dirfd < report ? w->dirfd : report, hi = w->dirfd < report ? report : w->dirfd;
	sys_close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		sys_close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	sys_close_range((unsigned)hi + 1, ~0U, 0);
	int r = setup(w, &e);
	pid_t self = getpid();
	if (write(report, r < 0 ? (const void *)&e : (const void *)&self, r < 0 ? sizeof(e) : sizeof(self)) <
	    0)
		_exit(1);
	close(report);
	if (r < 0)
		_exit(1);
	run(w);
}

int rctl_watch_start(const struct rctl_jail *j, const struct rctl_rule *v, int n, bool replace,
		     struct jail_err *e)
{
	static struct watcher w; /* large: not on the caller's stack */
	int p[2], st;
	char f[64], buf[64];

	if (replace)
		rctl_watch_stop(j->reg, j->jid);
	memset(&w, 0, sizeof(w));
	for (int i = 0; i < n; i++) {
		if (!is_event(&v[i]))
			continue;
		if (w.n == WATCH_RULES_MAX)
			return jail_err_set(e, -E2BIG, "more than %d log, devctl and sig rules for jail %s",
					    WATCH_RULES_MAX, j->name);
		w.w[w.n].r = v[i];
		rctl_rule_format(&v[i], w.w[w.n].text, sizeof(w.w[w.n].text));
		w.n++;
	}
	if (w.n == 0)
		return 0;
	rctl_limits_compute(v, n, &w.lim);
	snprintf(w.name, sizeof(w.name), "%s", j->name);
	w.jid = j->jid;
	w.init_pid = j->init_pid;
	w.init_start = j->init_start;
	w.cg = *j->cg;
	w.dirfd = j->reg->dirfd;
	long hz = sysconf(_SC_CLK_TCK);
	w.start_s = hz > 0 ? (long long)(j->init_start / (unsigned long long)hz) : mono_s();
	if (pipe2(p, O_CLOEXEC) < 0)
		return jail_err_sys(e, -errno, "pipe");
	/* Twice forked: the watcher is nobody's child to reap, and outlives rctl or jail. */
	pid_t mid = fork();
	if (mid == 0) {
		close(p[0]);
		if (fork() == 0)
			become_watcher(&w, p[1]);
		_exit(0);
	}
	close(p[1]);
	if (mid < 0) {
		close(p[0]);
		return jail_err_sys(e, -errno, "fork");
	}
	while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
		;
	union {
		pid_t pid;
		struct jail_err err;
	} got;
	ssize_t k = read(p[0], &got, sizeof(got));
	close(p[0]);
	if (k == (ssize_t)sizeof(struct jail_err)) {
		*e = got.err;
		return e->code < 0 ? e->code : -EIO;
	}
	if (k != (ssize_t)sizeof(pid_t))
		return jail_err_set(e, -EIO, "the rctl watcher of jail %s died starting", j->name);
	watch_file(f, sizeof(f), j->jid);
	snprintf(buf, sizeof(buf), "%d %llu\n", (int)got.pid, proc_starttime(got.pid));
	int fd = openat(j->reg->dirfd, f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write_all(fd, buf, strlen(buf)) < 0) {
		int r = -errno;
		if (fd >= 0)
			close(fd);
		kill(got.pid, SIGKILL);
		return jail_err_sys(e, r, "%s/%s", j->reg->dir, f);
	}
	close(fd);
	return 0;
}
