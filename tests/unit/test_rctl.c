/*
 * Unit tests of lib/rctl: the rule grammar (expand, parse, format, match,
 * humanize, as FreeBSD's rctl and kernel do them), the resource table and
 * the refusals it drives, the limits rules come to, and the cgroup v1 and
 * v2 backends against fake cgroup trees (plain files, read back: no
 * kernel cgroup is touched), including the v2 watcher's inotify path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jail/registry.h"
#include "core/util.h"
#include "jail/rctl.h"
#include "rctl/rctl_int.h"
#include "t.h"

static char tmp[256];

static const char *expand(const char *s)
{
	static char out[1024];
	struct jail_err e = {0};

	if (rctl_expand_rule(s, true, out, sizeof(out), &e) < 0)
		snprintf(out, sizeof(out), "ERR %s", e.msg);
	return out;
}

static const char *human(long long n)
{
	static char b[8];
	rctl_humanize(b, n);
	return b;
}

static const char *fmt(const char *s)
{
	static char out[512];
	struct rctl_rule r;

	if (rctl_rule_parse(s, &r) < 0)
		return "PARSE ERROR";
	if (r.per < 0)
		r.per = r.subject;
	rctl_rule_format(&r, out, sizeof(out));
	return out;
}

static int check(const char *s, struct jail_err *e)
{
	struct rctl_rule r;
	jail_err_clear(e);
	if (rctl_rule_parse(s, &r) < 0)
		return -999;
	if (r.per < 0)
		r.per = r.subject;
	return rctl_rule_check(&r, e);
}

static void grammar(void)
{
	uint64_t n;

	T_INT(rctl_expand_number("10", &n), 0, "expand_number 10");
	T_INT(n, 10, "10 is 10");
	rctl_expand_number("4k", &n);
	T_INT(n, 4096, "4k is 4096");
	rctl_expand_number("1G", &n);
	T_INT(n, 1073741824LL, "1G is 2^30");
	rctl_expand_number("2t", &n);
	T_INT(n, 2LL << 40, "2t is 2^41");
	rctl_expand_number("0x10", &n);
	T_INT(n, 16, "0x10 is 16 (strtoumax base 0, as libutil)");
	T_INT(rctl_expand_number("1Q", &n), -EINVAL, "unknown unit refused");
	T_INT(rctl_expand_number("", &n), -EINVAL, "empty refused");
	T_INT(rctl_expand_number("abc", &n), -EINVAL, "no digits refused");
	T_INT(rctl_expand_number("16E", &n), -ERANGE, "16E overflows");

	T_STR(human(0), "0", "humanize 0");
	T_STR(human(1000), "1000", "humanize 1000");
	T_STR(human(9999), "9999", "humanize 9999 still fits");
	T_STR(human(10000), "9.8K", "humanize 10000 = 9.8K");
	T_STR(human(104857600), "100M", "humanize 100M");
	T_STR(human(1073741824LL), "1024M", "humanize 1G = 1024M (5 columns, as FreeBSD prints)");
	T_STR(human(10737418240LL), "10G", "humanize 10G");
	T_STR(human(12345678), "12M", "humanize rounds 11.8M to 12M");
	T_STR(human(1048576), "1024K", "humanize 1M = 1024K");

	T_STR(expand("j:www:memoryuse:deny=1g"), "jail:www:memoryuse:deny=1073741824", "j: and 1g expand");
	T_STR(expand("u:root:maxproc:deny=3"), "user:0:maxproc:deny=3", "user names become uids");
	T_STR(expand("jail:www:pcpu:deny=50/process"), "jail:www:pcpu:deny=50/process", "per kept");
	T_STR(expand("::maxproc"), "::maxproc", "a filter without amount passes");
	T_STR(expand(":"), "::", "':' is every rule");
	T_STR(expand("jail"), "ERR malformed rule 'jail': missing subject", "missing subject");
	T_STR(expand("jail:www:memoryuse:deny=abc"),
	      "ERR malformed rule 'jail:www:memoryuse:deny=abc': invalid numeric value 'abc'", "bad number");
	T_STR(expand("u:nosuchuser_xyz:maxproc:deny=1"),
	      "ERR malformed rule 'u:nosuchuser_xyz:maxproc:deny=1': unknown user 'nosuchuser_xyz'",
	      "unknown user");

	struct rctl_rule r, f;
	T_INT(rctl_rule_parse("jail:www:memoryuse:deny=100", &r), 0, "parse a rule");
	T_INT(r.subject, RS_JAIL, "subject jail");
	T_STR(r.id, "www", "id www");
	T_INT(r.resource, RR_MEMORYUSE, "resource memoryuse");
	T_INT(r.action, RA_DENY, "action deny");
	T_INT(r.amount, 100, "amount 100");
	T_INT(r.per, -1, "per undefined until added");
	T_INT(rctl_rule_parse("JAIL:www:MemoryUse:DENY=1", &r), 0, "names are case-insensitive");
	T_INT(rctl_rule_parse("jail:www:nosuch:deny=1", &r), -EINVAL, "unknown resource");
	T_INT(rctl_rule_parse("jail:www:maxproc:frob=1", &r), -EINVAL, "unknown action");
	T_INT(rctl_rule_parse("group:1:maxproc:deny=1", &r), -EINVAL, "no group subject in the kernel");
	T_INT(rctl_rule_parse(":www", &r), -EINVAL, "an id needs a subject");
	T_INT(rctl_rule_parse("process:abc", &r), -EINVAL, "a process id is a number");
	T_INT(rctl_rule_parse("jail:www:maxproc:deny=-1", &r), -ERANGE, "negative amount");
	T_INT(rctl_rule_parse("jail:www:pcpu:deny=99999999999999", &r), -ERANGE,
	      "in-millions overflow (pcpu)");
	char longname[300] = "jail:";
	memset(longname + 5, 'a', 256);
	longname[261] = '\0';
	T_INT(rctl_rule_parse(longname, &r), -ENAMETOOLONG, "a jail name of 256 or more");
	T_INT(rctl_rule_parse(":", &f), 0, "':' parses");
	T_OK(f.subject < 0 && f.resource < 0 && f.action == RA_UNDEF && f.amount == RCTL_AMOUNT_UNDEF,
	     "':' leaves everything undefined");

	T_STR(fmt("jail:www:memoryuse:deny=1073741824"), "jail:www:memoryuse:deny=1073741824", "format");
	T_STR(fmt("jail:www:openfiles:deny=10/process"), "jail:www:openfiles:deny=10/process",
	      "per shown when it differs");
	T_STR(fmt("jail:www:openfiles:deny=10/jail"), "jail:www:openfiles:deny=10", "per=subject left out");
	T_STR(fmt("jail:www:wallclock:sigterm=5"), "jail:www:wallclock:sigterm=5", "signal action");

	rctl_rule_parse("jail:www:memoryuse:deny=100", &r);
	r.per = RS_JAIL;
	const char *yes[] = {":",
			     "jail:",
			     "jail:www",
			     "::memoryuse",
			     "jail:www:memoryuse:deny",
			     "jail:www:memoryuse:deny=100",
			     ":::=/jail"};
	const char *no[] = {
		"process:",    "jail:db", "::maxproc", "jail:www:memoryuse:log", "jail:www:memoryuse:deny=5",
		":::=/process"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		rctl_rule_parse(yes[i], &f);
		T_OK(rctl_rule_matches(&r, &f), "filter '%s' matches", yes[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++) {
		rctl_rule_parse(no[i], &f);
		T_OK(!rctl_rule_matches(&r, &f), "filter '%s' does not match", no[i]);
	}

	char h[512];
	rctl_rule_humanize("jail:www:memoryuse:deny=1073741824", h, sizeof(h));
	T_STR(h, "jail:www:memoryuse:deny=1024M", "-h on a rule");
	rctl_rule_humanize("jail:www:openfiles:deny=100000/process", h, sizeof(h));
	T_STR(h, "jail:www:openfiles:deny=98K/process", "-h keeps per");
	T_INT(rctl_action_signal(14), SIGTERM, "sigterm is SIGTERM");
	T_STR(rctl_action_name(RA_THROTTLE), "throttle", "throttle named");
}

static void table(void)
{
	struct jail_err e = {0};

	for (int i = 0; i < RR__COUNT; i++) {
		const struct rctl_resource_def *d = &rctl_resources[i];
		T_OK(d->name && !strcmp(d->name, rctl_resource_name(i)) && d->descr && d->v1 && d->v2 &&
			     d->events && d->note && *d->v1 && *d->v2 && *d->events && *d->note,
		     "table row %d (%s) complete and in FreeBSD's order", i, rctl_resource_name(i));
	}
	/* FreeBSD's own refusals: EOPNOTSUPP with no words of ours. */
	T_INT(check("jail:www:cputime:deny=5", &e), -EOPNOTSUPP, "cputime:deny refused (FreeBSD)");
	T_STR(e.msg, "", "... with FreeBSD's bare errno");
	T_INT(check("jail:www:wallclock:deny=5", &e), -EOPNOTSUPP, "wallclock:deny refused (FreeBSD)");
	T_INT(check("jail:www:readbps:deny=5", &e), -EOPNOTSUPP, "readbps:deny refused (FreeBSD)");
	T_INT(check("jail:www:memoryuse:throttle=5", &e), -EOPNOTSUPP, "throttle only for io (FreeBSD)");
	T_INT(check("jail:www:pcpu:throttle=5", &e), -EOPNOTSUPP, "pcpu:throttle refused (FreeBSD)");
	T_INT(check("jail:www:nshm:deny=5/process", &e), -EOPNOTSUPP,
	      "/process on a sloppy resource (FreeBSD)");
	/* Linux's, each with a reason. */
	T_INT(check("user:0:maxproc:deny=5", &e), -EOPNOTSUPP, "user rules refused");
	T_OK(strstr(e.msg, "per cgroup") != NULL, "... saying why: %s", e.msg);
	T_INT(check("loginclass:daemon:maxproc:deny=5", &e), -EOPNOTSUPP, "loginclass rules refused");
	T_INT(check("process:1:maxproc:deny=5", &e), -EOPNOTSUPP, "process rules refused");
	T_INT(check("jail:www:maxproc:deny=5/user", &e), -EOPNOTSUPP, "per user refused");
	T_INT(check("jail:www:msgqqueued:deny=5", &e), -EOPNOTSUPP, "msgqqueued refused");
	T_OK(strstr(e.msg, "msgmnb") != NULL, "... saying why: %s", e.msg);
	T_INT(check("jail:www:openfiles:log=5", &e), -EOPNOTSUPP, "openfiles:log refused");
	T_INT(check("jail:www:pcpu:log=5", &e), -EOPNOTSUPP, "pcpu:log refused (no event)");
	T_INT(check("jail:www:memoryuse:deny=5/process", &e), -EOPNOTSUPP, "memoryuse/process refused");
	T_INT(check("jail:www:maxproc:sigthr=5", &e), -EOPNOTSUPP, "sigthr: no such Linux signal");
	T_INT(check("jail:www:cputime:sigterm=5/process", &e), -EOPNOTSUPP,
	      "cputime/process only sigxcpu/sigkill");
	T_INT(check("jail:www:cputime:sigxcpu=5/process", &e), 0, "cputime:sigxcpu/process: RLIMIT_CPU");
	T_INT(check("jail:www:cputime:sigkill=5", &e), 0, "cputime:sigkill per jail: the watcher");
	T_INT(check("jail:www:memoryuse:deny=5", &e), 0, "memoryuse:deny");
	T_INT(check("jail:www:memoryuse:log=5", &e), 0, "memoryuse:log");
	T_INT(check("jail:www:pcpu:deny=50", &e), 0, "pcpu:deny");
	T_INT(check("jail:www:writebps:throttle=1m", &e), 0 - 999,
	      "amount suffixes are the command's (parse refuses 1m)");
	T_INT(check("jail:www:writebps:throttle=1048576", &e), 0, "writebps:throttle");
	T_INT(check("jail:www:vmemoryuse:deny=5/process", &e), 0, "vmemoryuse/process: RLIMIT_AS");
	T_INT(check("jail:www:wallclock:sigterm=5", &e), 0, "wallclock:sigterm");
	T_INT(check("jail:www:pseudoterminals:deny=5", &e), 0, "pseudoterminals:deny");

	char *text = NULL, *man = NULL;
	size_t tl = 0, ml = 0;
	FILE *f = open_memstream(&text, &tl);
	rctl_table_print(f, false);
	fclose(f);
	f = open_memstream(&man, &ml);
	rctl_table_print(f, true);
	fclose(f);
	bool all = true;
	for (int i = 0; i < RR__COUNT; i++) {
		char want[64];
		snprintf(want, sizeof(want), "\n.It Sy %s\n", rctl_resource_name(i));
		all &= strstr(man, want) != NULL && strstr(text, rctl_resource_name(i)) != NULL;
	}
	T_OK(all, "--resources and --resources=man name every resource");
	T_OK(!strncmp(man, ".Bl -tag", 8) && strstr(man, ".El\n") != NULL, "the man table is an mdoc list");
	free(text);
	free(man);
}

static void add(struct rctl_rules *l, const char *s)
{
	struct rctl_rule r;
	rctl_rule_parse(s, &r);
	if (r.per < 0)
		r.per = r.subject;
	rctl_rules_push(l, &r);
}

static void limits(void)
{
	struct rctl_rules l = {0};
	struct rctl_limits lim;
	struct rlimit rl[RLIM_NLIMITS];
	unsigned mask;

	add(&l, "jail:w:memoryuse:deny=200");
	add(&l, "jail:w:memoryuse:deny=100");
	add(&l, "jail:w:openfiles:deny=64");
	add(&l, "jail:w:openfiles:deny=32/process");
	add(&l, "jail:w:vmemoryuse:deny=1000");
	add(&l, "jail:w:datasize:deny=4096/process");
	add(&l, "jail:w:cputime:sigxcpu=10/process");
	add(&l, "jail:w:cputime:sigkill=20/process");
	add(&l, "jail:w:writebps:throttle=5000");
	add(&l, "jail:w:nshm:deny=3");
	rctl_limits_compute(l.v, l.n, &lim);
	T_INT(lim.deny[RR_MEMORYUSE], 100, "the lowest deny wins");
	T_INT(lim.throttle[RR_WRITEBPS], 5000, "throttle kept apart");
	T_OK(lim.ipc && !lim.pts && !lim.events, "ipc wanted, no devpts, no watcher");
	rctl_rlimits_of(&lim, rl, &mask);
	T_INT(rl[RLIMIT_NOFILE].rlim_max, 32, "openfiles: lowest of per jail and /process");
	T_OK(mask & (1U << RLIMIT_DATA), "datasize/process sets RLIMIT_DATA");
	T_OK(!(mask & (1U << RLIMIT_AS)), "vmemoryuse per jail is memory+swap, not RLIMIT_AS");
	T_INT(rl[RLIMIT_CPU].rlim_cur, 10, "sigxcpu is RLIMIT_CPU's soft limit");
	T_INT(rl[RLIMIT_CPU].rlim_max, 20, "sigkill is RLIMIT_CPU's hard limit");
	add(&l, "jail:w:memoryuse:log=50");
	rctl_limits_compute(l.v, l.n, &lim);
	T_OK(lim.events, "a log rule wants the watcher");
	rctl_rules_free(&l);
}

/* --- fake cgroup trees ------------------------------------------------------------- */

static void put(const char *dir, const char *file, const char *s)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

static const char *get(const char *dir, const char *file)
{
	static char buf[512];
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	FILE *f = fopen(p, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static void fake_v2(void)
{
	char parent[300], dir[400];
	struct jail_cgroup cg = {.n = 1};
	struct rctl_limits lim;
	struct rctl_rules l = {0};
	struct rctl_dev dev = {7, 0};
	struct jail_err e = {0};

	snprintf(parent, sizeof(parent), "%s/v2", tmp);
	snprintf(dir, sizeof(dir), "%s/jail.www", parent);
	mkdir(parent, 0755);
	mkdir(dir, 0755);
	put(parent, "cgroup.controllers", "cpu io memory pids\n");
	put(parent, "cgroup.subtree_control", "");
	put(dir, "cgroup.controllers", "cpu io memory pids\n");
	const char *files[] = {"memory.max", "memory.swap.max", "pids.max", "cpu.max", "io.max"};
	for (size_t i = 0; i < 5; i++)
		put(dir, files[i], "");
	snprintf(cg.d[0].path, sizeof(cg.d[0].path), "%s", dir);
	cg.d[0].v2 = true;
	add(&l, "jail:www:memoryuse:deny=67108864");
	add(&l, "jail:www:vmemoryuse:deny=104857600");
	add(&l, "jail:www:maxproc:deny=10");
	add(&l, "jail:www:nthr:deny=20");
	add(&l, "jail:www:pcpu:deny=50");
	add(&l, "jail:www:writebps:throttle=1048576");
	rctl_limits_compute(l.v, l.n, &lim);
	T_INT(rctl_cg_write(&cg, &lim, &dev, 1, &e), 0,
	      "v2 backend (fake cgroup2 tree, files read back): writes: %s", e.msg);
	T_STR(get(dir, "memory.max"), "67108864", "v2 fake tree: memoryuse -> memory.max");
	T_STR(get(dir, "memory.swap.max"), "37748736",
	      "v2 fake tree: vmemoryuse -> memory.swap.max = vmem - mem");
	T_STR(get(dir, "pids.max"), "10", "v2 fake tree: maxproc/nthr -> pids.max (lower wins)");
	T_STR(get(dir, "cpu.max"), "50000 100000", "v2 fake tree: pcpu=50 -> cpu.max 50000 100000");
	T_STR(get(dir, "io.max"), "7:0 rbps=max wbps=1048576 riops=max wiops=max",
	      "v2 fake tree: writebps -> io.max wbps");
	rctl_rules_free(&l);

	/* No rules: every limit taken off (fresh files: a plain file keeps a longer old text). */
	for (size_t i = 0; i < 4; i++)
		put(dir, files[i], "");
	rctl_limits_compute(NULL, 0, &lim);
	T_INT(rctl_cg_write(&cg, &lim, NULL, 0, &e), 0, "v2 fake tree: taking limits off");
	T_STR(get(dir, "memory.max"), "max", "v2 fake tree: memory.max back to max");
	T_STR(get(dir, "pids.max"), "max", "v2 fake tree: pids.max back to max");
	T_STR(get(dir, "cpu.max"), "max 100000", "v2 fake tree: cpu.max back to max");

	/* Counters. */
	put(dir, "memory.current", "1234\n");
	put(dir, "memory.swap.current", "10\n");
	put(dir, "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n");
	put(dir, "pids.current", "5\n");
	put(dir, "pids.events", "max 7\n");
	put(dir, "cpu.stat", "usage_usec 5000000\nuser_usec 1\nnr_periods 4\nnr_throttled 9\n");
	put(dir, "io.stat",
	    "7:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n8:0 rbytes=1 wbytes=1 rios=1 wios=1\n");
	put(dir, "cgroup.procs", "11\n12\n");
	struct rctl_counters c;
	rctl_cg_read(&cg, &c);
	T_OK(c.mem == 1234 && c.swap == 10 && c.memsw == 1244,
	     "v2 fake tree: memory.current, swap.current read back");
	T_OK(c.oom_kills == 2 && c.mem_max_hits == 3, "v2 fake tree: memory.events oom_kill and max");
	T_OK(c.tasks == 5 && c.pids_max_hits == 7 && c.procs == 2,
	     "v2 fake tree: pids.current, pids.events, cgroup.procs");
	T_OK(c.cpu_ns == 5000000000LL && c.cpu_throttled == 9,
	     "v2 fake tree: cpu.stat usage_usec, nr_throttled");
	T_OK(c.rbytes == 101 && c.wbytes == 201 && c.rios == 2 && c.wios == 3,
	     "v2 fake tree: io.stat summed over devices");

	/* A controller the directory lacks: enabled in the parent, and said so when it does not appear. */
	put(dir, "cgroup.controllers", "cpu io memory\n");
	rctl_limits_compute(NULL, 0, &lim);
	lim.deny[RR_MAXPROC] = 5;
	T_INT(rctl_cg_write(&cg, &lim, NULL, 0, &e), -ENOENT,
	      "v2 fake tree: pids missing in the jail's directory");
	T_STR(get(parent, "cgroup.subtree_control"), "+pids",
	      "v2 fake tree: +pids written to the parent's subtree_control");
	T_OK(strstr(e.msg, "cannot enable the pids controller") != NULL, "... and the error says so: %s",
	     e.msg);
}

static void fake_v1(void)
{
	char mem[300], pids[300];
	struct jail_cgroup cg = {.n = 2};
	struct rctl_limits lim;
	struct jail_err e = {0};

	snprintf(mem, sizeof(mem), "%s/v1mem", tmp);
	snprintf(pids, sizeof(pids), "%s/v1pids", tmp);
	mkdir(mem, 0755);
	mkdir(pids, 0755);
	put(mem, "memory.limit_in_bytes", "");
	put(mem, "memory.memsw.limit_in_bytes", "");
	put(pids, "pids.max", "");
	snprintf(cg.d[0].path, sizeof(cg.d[0].path), "%s", mem);
	snprintf(cg.d[0].controllers, sizeof(cg.d[0].controllers), "memory");
	snprintf(cg.d[1].path, sizeof(cg.d[1].path), "%s", pids);
	snprintf(cg.d[1].controllers, sizeof(cg.d[1].controllers), "pids");
	rctl_limits_compute(NULL, 0, &lim);
	lim.deny[RR_MEMORYUSE] = 1000000;
	lim.deny[RR_SWAPUSE] = 500000;
	lim.deny[RR_NTHR] = 40;
	T_INT(rctl_cg_write(&cg, &lim, NULL, 0, &e), 0, "v1 backend (fake tree, files read back): writes: %s",
	      e.msg);
	T_STR(get(mem, "memory.limit_in_bytes"), "1000000", "v1 fake tree: memory.limit_in_bytes");
	T_STR(get(mem, "memory.memsw.limit_in_bytes"), "1500000",
	      "v1 fake tree: memsw = memoryuse + swapuse");
	T_STR(get(pids, "pids.max"), "40", "v1 fake tree: nthr -> pids.max");
	lim.deny[RR_MEMORYUSE] = -1;
	T_INT(rctl_cg_write(&cg, &lim, NULL, 0, &e), -EINVAL, "v1: swapuse without memoryuse refused");
	T_OK(strstr(e.msg, "memory and swap together") != NULL, "... saying why: %s", e.msg);
}

/* The v2 watcher on a fake tree: inotify on memory.events fires a devctl rule. */
static void fake_v2_watcher(void)
{
	char dir[400], reg_dir[300], logdir[300], log[400];
	struct jail_cgroup cg = {.n = 1};
	struct jail_registry reg;
	struct rctl_rules l = {0};
	struct jail_err e = {0};

	snprintf(dir, sizeof(dir), "%s/v2/jail.www", tmp);
	snprintf(reg_dir, sizeof(reg_dir), "%s/reg", tmp);
	snprintf(logdir, sizeof(logdir), "%s/log", tmp);
	mkdir(reg_dir, 0700);
	setenv("JAIL_LOGDIR", logdir, 1);
	put(dir, "cgroup.controllers", "cpu io memory pids\n");
	put(dir, "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n");
	put(dir, "memory.current", "500\n"); /* below the amount: only the event can fire the rule */
	snprintf(cg.d[0].path, sizeof(cg.d[0].path), "%s", dir);
	cg.d[0].v2 = true;
	reg.dirfd = open(reg_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	reg.lockfd = -1;
	snprintf(reg.dir, sizeof(reg.dir), "%s", reg_dir);
	pid_t init = fork();
	if (init == 0) {
		pause();
		_exit(0);
	}
	struct timespec ts = {0, 20000000};
	nanosleep(&ts, NULL);
	struct rctl_jail j = {
		.name = "www", .jid = 7, .reg = &reg, .cg = &cg, .init_pid = init, .init_start = 0};

	j.init_start = proc_starttime(init);
	add(&l, "jail:www:memoryuse:deny=1000");
	add(&l, "jail:www:memoryuse:devctl=1000");
	T_INT(rctl_watch_start(&j, l.v, l.n, true, &e), 0, "v2 watcher on a fake cgroup2 tree starts: %s",
	      e.msg);
	T_OK(access(strcat(strcpy(log, reg_dir), "/rctl.watch.7"), F_OK) == 0, "its pid is in the registry");
	nanosleep(&ts, NULL);
	T_OK(access(strcat(strcpy(log, logdir), "/rctl.log"), F_OK) < 0, "nothing fired before the event");
	put(dir, "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 2\n");
	snprintf(log, sizeof(log), "%s/rctl.log", logdir);
	bool seen = false;
	for (int i = 0; i < 100 && !seen; i++) {
		seen = strstr(get(logdir, "rctl.log"), "\"rule\":\"jail:www:memoryuse:devctl=1000\"") != NULL;
		nanosleep(&ts, NULL);
	}
	T_OK(seen, "v2 fake tree: a memory.events change (inotify) fires the devctl rule at the deny amount");
	rctl_watch_stop(&reg, 7);
	T_OK(access(strcat(strcpy(log, reg_dir), "/rctl.watch.7"), F_OK) < 0, "stopping it removes its file");
	kill(init, SIGKILL);
	waitpid(init, NULL, 0);
	close(reg.dirfd);
	rctl_rules_free(&l);
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/test_rctl.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	grammar();
	table();
	limits();
	fake_v2();
	fake_v1();
	fake_v2_watcher();
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	T_DONE();
}
