/*
 * The cgroup backends: the limits of a jail's rules written to the cgroup
 * files of v1 (one hierarchy per controller, these hybrid machines) or v2
 * (one directory with every controller), and the counters read back. A
 * jail's cgroup directories (struct jail_cgroup) say which hierarchy holds
 * which controller; nothing here assumes a layout. Every limit is written
 * on every call, set or taken off, so applying is idempotent: the cgroup
 * ends up as the rules say, whatever was there before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "rctl_int.h"

/* "cpu,cpuacct" holds "cpu" and "cpuacct"; "cpuset" does not hold "cpu". */
static bool has_token(const char *list, const char *tok, char sepc)
{
	size_t n = strlen(tok);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, sepc);
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, tok, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static bool v2_has(const struct jail_cgroup_dir *d, const char *ctrl)
{
	char buf[512];
	_cleanup_close_ int dfd = open(d->path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0 || read_file_at(dfd, "cgroup.controllers", buf, sizeof(buf)) < 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return has_token(buf, ctrl, ' ');
}

const struct jail_cgroup_dir *rctl_cg_dir(const struct jail_cgroup *cg, const char *v1, const char *v2)
{
	for (int i = 0; i < cg->n; i++)
		if (!cg->d[i].v2 && v1 && has_token(cg->d[i].controllers, v1, ','))
			return &cg->d[i];
	for (int i = 0; i < cg->n; i++)
		if (cg->d[i].v2 && v2 && v2_has(&cg->d[i], v2))
			return &cg->d[i];
	return NULL;
}

/*
 * v2: a controller appears in a directory only when its parent enables it
 * in cgroup.subtree_control, which the kernel refuses (EBUSY) while the
 * parent has processes of its own: say so, and how to avoid it.
 */
static const struct jail_cgroup_dir *need_dir(const struct jail_cgroup *cg, const char *v1, const char *v2,
					      const char *what, struct jail_err *e)
{
	const struct jail_cgroup_dir *d = rctl_cg_dir(cg, v1, v2);
	char parent[PATH_MAX + 4], ctl[64];

	if (d)
		return d;
	for (int i = 0; i < cg->n; i++) {
		if (!cg->d[i].v2)
			continue;
		snprintf(parent, sizeof(parent), "%s/..", cg->d[i].path);
		_cleanup_close_ int pfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
		char have[512];
		if (pfd < 0 || read_file_at(pfd, "cgroup.controllers", have, sizeof(have)) < 0)
			continue;
		have[strcspn(have, "\n")] = '\0';
		if (!has_token(have, v2, ' '))
			continue;
		snprintf(ctl, sizeof(ctl), "+%s", v2);
		int r = write_file_at(pfd, "cgroup.subtree_control", ctl);
		if (r == 0 && v2_has(&cg->d[i], v2))
			return &cg->d[i];
		jail_err_sys(
			e, r ? r : -ENOENT,
			"%s: cannot enable the %s controller below %s (a cgroup v2 parent with processes of "
			"its own cannot; set cgroup.parent to an empty cgroup)",
			what, v2, cg->d[i].path);
		return NULL;
	}
	jail_err_set(e, -EOPNOTSUPP, "%s: the host has no %s controller for this jail's cgroups", what,
		     v1 ? v1 : v2);
	return NULL;
}

const struct jail_cgroup_dir *rctl_cg_need(const struct jail_cgroup *cg, const char *v1, const char *v2,
					   const char *what, struct jail_err *e)
{
	return need_dir(cg, v1, v2, what, e);
}

static int put(const struct jail_cgroup_dir *d, const char *file, const char *val, const char *what,
	       struct jail_err *e)
{
	_cleanup_close_ int dfd = open(d->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r = dfd < 0 ? -errno : write_file_at(dfd, file, val);

	if (r < 0)
		return jail_err_sys(e, r, "%s: writing \"%s\" to %s/%s", what, val, d->path, file);
	return 0;
}

static bool exists(const struct jail_cgroup_dir *d, const char *file)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", d->path, file);
	return access(p, F_OK) == 0;
}

static long long lmin(long long a, long long b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static void num(char *buf, size_t len, long long v, const char *unlimited)
{
	if (v < 0)
		snprintf(buf, len, "%s", unlimited);
	else
		snprintf(buf, len, "%lld", v);
}

static int write_memory(const struct jail_cgroup *cg, const struct rctl_limits *l, struct jail_err *e)
{
	long long m = l->deny[RR_MEMORYUSE], v = l->deny[RR_VMEMORYUSE], s = l->deny[RR_SWAPUSE];
	char buf[32];
	bool any = m >= 0 || v >= 0 || s >= 0;
	const struct jail_cgroup_dir *d =
		any ? need_dir(cg, "memory", "memory", "memoryuse", e) : rctl_cg_dir(cg, "memory", "memory");
	int r;

	if (!d || (!any && l->fresh))
		return any ? e->code : 0;
	long long mem = lmin(m, v);
	if (!d->v2) {
		if (s >= 0 && m < 0)
			return jail_err_set(e, -EINVAL,
					    "swapuse: cgroup v1 limits memory and swap together: it needs a "
					    "memoryuse deny rule too");
		long long memsw = lmin(v, s >= 0 ? m + s : -1);
		bool sw = exists(d, "memory.memsw.limit_in_bytes");
		if (memsw >= 0 && !sw)
			return jail_err_set(
				e, -EOPNOTSUPP,
				"%s: swap accounting is off (no memory.memsw.limit_in_bytes; boot "
				"with swapaccount=1)",
				v >= 0 ? "vmemoryuse" : "swapuse");
		/* memsw may never be below the memory limit: open it first, close it last. */
		if (sw && (r = put(d, "memory.memsw.limit_in_bytes", "-1", "vmemoryuse", e)) < 0)
			return r;
		num(buf, sizeof(buf), mem, "-1");
		if ((r = put(d, "memory.limit_in_bytes", buf, "memoryuse", e)) < 0)
			return r;
		if (memsw >= 0) {
			num(buf, sizeof(buf), memsw, "-1");
			return put(d, "memory.memsw.limit_in_bytes", buf, "vmemoryuse", e);
		}
		return 0;
	}
	num(buf, sizeof(buf), mem, "max");
	if ((r = put(d, "memory.max", buf, "memoryuse", e)) < 0)
		return r;
	long long swap = -1;
	if (s >= 0)
		swap = s;
	if (v >= 0)
		swap = lmin(swap, v - mem);
	if (!exists(d, "memory.swap.max")) {
		if (swap >= 0)
			return jail_err_set(e, -EOPNOTSUPP,
					    "%s: the host has no swap controller (memory.swap.max)",
					    s >= 0 ? "swapuse" : "vmemoryuse");
		return 0;
	}
	num(buf, sizeof(buf), swap, "max");
	return put(d, "memory.swap.max", buf, "swapuse", e);
}

static int write_pids(const struct jail_cgroup *cg, const struct rctl_limits *l, struct jail_err *e)
{
	long long p = lmin(l->deny[RR_MAXPROC], l->deny[RR_NTHR]);
	const char *what = l->deny[RR_MAXPROC] >= 0 ? "maxproc" : "nthr";
	const struct jail_cgroup_dir *d =
		p >= 0 ? need_dir(cg, "pids", "pids", what, e) : rctl_cg_dir(cg, "pids", "pids");
	char buf[32];

	if (!d || (p < 0 && l->fresh))
		return p >= 0 ? e->code : 0;
	num(buf, sizeof(buf), p, "max");
	return put(d, "pids.max", buf, what, e);
}

static int write_cpu(const struct jail_cgroup *cg, const struct rctl_limits *l, struct jail_err *e)
{
	long long pct = l->deny[RR_PCPU];
	const struct jail_cgroup_dir *d =
		pct >= 0 ? need_dir(cg, "cpu", "cpu", "pcpu", e) : rctl_cg_dir(cg, "cpu", "cpu");
	char buf[64];
	int r;

	if (!d || (pct < 0 && l->fresh))
		return pct >= 0 ? e->code : 0;
	/* amount% of one CPU per period; the kernel's smallest quota is 1 ms. */
	long long quota = pct < 0 ? -1 : pct * RCTL_PCPU_PERIOD / 100;
	if (pct >= 0 && quota < 1000)
		quota = 1000;
	if (d->v2) {
		if (quota < 0)
			snprintf(buf, sizeof(buf), "max %d", RCTL_PCPU_PERIOD);
		else
			snprintf(buf, sizeof(buf), "%lld %d", quota, RCTL_PCPU_PERIOD);
		return put(d, "cpu.max", buf, "pcpu", e);
	}
	if (quota >= 0) {
		snprintf(buf, sizeof(buf), "%d", RCTL_PCPU_PERIOD);
		if ((r = put(d, "cpu.cfs_period_us", buf, "pcpu", e)) < 0)
			return r;
	}
	num(buf, sizeof(buf), quota, "-1");
	return put(d, "cpu.cfs_quota_us", buf, "pcpu", e);
}

/* v1: take every device off a throttle file, then put ours on. */
static int write_blkio_file(const struct jail_cgroup_dir *d, const char *file, long long v,
			    const struct rctl_dev *devs, int ndevs, const char *what, struct jail_err *e)
{
	char cur[4096], line[64];
	_cleanup_close_ int dfd = open(d->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (dfd >= 0 && read_file_at(dfd, file, cur, sizeof(cur)) > 0) {
		for (char *save = NULL, *t = strtok_r(cur, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
			unsigned ma, mi;
			if (sscanf(t, "%u:%u", &ma, &mi) != 2)
				continue;
			snprintf(line, sizeof(line), "%u:%u 0", ma, mi);
			write_file_at(dfd, file, line);
		}
	}
	for (int i = 0; v >= 0 && i < ndevs; i++) {
		snprintf(line, sizeof(line), "%u:%u %lld", devs[i].major, devs[i].minor, v);
		if ((r = put(d, file, line, what, e)) < 0)
			return r;
	}
	return 0;
}

static int write_io(const struct jail_cgroup *cg, const struct rctl_limits *l, const struct rctl_dev *devs,
		    int ndevs, struct jail_err *e)
{
	static const struct {
		int res;
		const char *v1file, *v2key;
	} io[] = {
		{RR_READBPS, "blkio.throttle.read_bps_device", "rbps"},
		{RR_WRITEBPS, "blkio.throttle.write_bps_device", "wbps"},
		{RR_READIOPS, "blkio.throttle.read_iops_device", "riops"},
		{RR_WRITEIOPS, "blkio.throttle.write_iops_device", "wiops"},
	};
	bool any = false;
	const char *what = "readbps";
	int r;

	for (size_t k = 0; k < ARRAY_SIZE(io); k++)
		if (l->throttle[io[k].res] >= 0) {
			any = true;
			what = rctl_resource_name(io[k].res);
		}
	const struct jail_cgroup_dir *d =
		any ? need_dir(cg, "blkio", "io", what, e) : rctl_cg_dir(cg, "blkio", "io");
	if (!d || (!any && l->fresh))
		return any ? e->code : 0;
	if (any && ndevs == 0)
		return jail_err_set(e, -ENODEV,
				    "%s: no block device under the jail's root or its mounts (tmpfs, overlay "
				    "or a network file system cannot be throttled)",
				    what);
	if (!d->v2) {
		for (size_t k = 0; k < ARRAY_SIZE(io); k++)
			if ((r = write_blkio_file(d, io[k].v1file, l->throttle[io[k].res], devs, ndevs,
						  rctl_resource_name(io[k].res), e)) < 0)
				return r;
		return 0;
	}
	/* v2: every device io.max lists is opened up, then ours get their limits. */
	char cur[4096], line[160];
	_cleanup_close_ int dfd = open(d->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0 && read_file_at(dfd, "io.max", cur, sizeof(cur)) > 0) {
		for (char *save = NULL, *t = strtok_r(cur, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
			unsigned ma, mi;
			if (sscanf(t, "%u:%u", &ma, &mi) != 2)
				continue;
			snprintf(line, sizeof(line), "%u:%u rbps=max wbps=max riops=max wiops=max", ma, mi);
			write_file_at(dfd, "io.max", line);
		}
	}
	if (!any)
		return 0;
	for (int i = 0; i < ndevs; i++) {
		char v[4][24];
		for (size_t k = 0; k < ARRAY_SIZE(io); k++)
			num(v[k], sizeof(v[k]), l->throttle[io[k].res], "max");
		snprintf(line, sizeof(line), "%u:%u rbps=%s wbps=%s riops=%s wiops=%s", devs[i].major,
			 devs[i].minor, v[0], v[1], v[2], v[3]);
		if ((r = put(d, "io.max", line, what, e)) < 0)
			return r;
	}
	return 0;
}

int rctl_cg_write(const struct jail_cgroup *cg, const struct rctl_limits *l, const struct rctl_dev *devs,
		  int ndevs, struct jail_err *e)
{
	int r;

	if ((r = write_memory(cg, l, e)) < 0 || (r = write_pids(cg, l, e)) < 0 ||
	    (r = write_cpu(cg, l, e)) < 0)
		return r;
	return write_io(cg, l, devs, ndevs, e);
}

/* --- counters --------------------------------------------------------------- */

static long long read_ll(const struct jail_cgroup_dir *d, const char *file)
{
	char buf[64], p[PATH_MAX + 64];
	_cleanup_close_ int fd = -1;

	if (!d)
		return -1;
	snprintf(p, sizeof(p), "%s/%s", d->path, file);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (!strncmp(buf, "max", 3))
		return -1;
	return strtoll(buf, NULL, 10);
}

/* "key value" lines (memory.events, cpu.stat, pids.events, oom_control). */
static long long read_key(const struct jail_cgroup_dir *d, const char *file, const char *key)
{
	char buf[4096];
	size_t kl = strlen(key);

	if (!d)
		return -1;
	_cleanup_close_ int dfd = open(d->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || read_file_at(dfd, file, buf, sizeof(buf)) < 0)
		return -1;
	for (char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoll(p + kl + 1, NULL, 10);
	return -1;
}

static void read_io(const struct jail_cgroup *cg, struct rctl_counters *c)
{
	const struct jail_cgroup_dir *d = rctl_cg_dir(cg, "blkio", "io");
	char buf[16384];

	c->rbytes = c->wbytes = c->rios = c->wios = -1;
	if (!d)
		return;
	_cleanup_close_ int dfd = open(d->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	if (d->v2) {
		if (read_file_at(dfd, "io.stat", buf, sizeof(buf)) < 0)
			return;
		c->rbytes = c->wbytes = c->rios = c->wios = 0;
		for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
			unsigned long long rb = 0, wb = 0, ri = 0, wi = 0;
			char *p;
			if ((p = strstr(t, "rbytes=")))
				rb = strtoull(p + 7, NULL, 10);
			if ((p = strstr(t, "wbytes=")))
				wb = strtoull(p + 7, NULL, 10);
			if ((p = strstr(t, "rios=")))
				ri = strtoull(p + 5, NULL, 10);
			if ((p = strstr(t, "wios=")))
				wi = strtoull(p + 5, NULL, 10);
			c->rbytes += (long long)rb, c->wbytes += (long long)wb;
			c->rios += (long long)ri, c->wios += (long long)wi;
		}
		return;
	}
	/* v1 counts only on devices blk-throttle knows: "Total 0" alone means it counted nothing. */
	static const char *const files[] = {"blkio.throttle.io_service_bytes_recursive",
					    "blkio.throttle.io_serviced_recursive"};
	for (int f = 0; f < 2; f++) {
		long long rd = 0, wr = 0;
		bool lines = false;
		if (read_file_at(dfd, files[f], buf, sizeof(buf)) < 0)
			return;
		for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
			unsigned ma, mi;
			char op[16];
			unsigned long long v;
			if (sscanf(t, "%u:%u %15s %llu", &ma, &mi, op, &v) != 4)
				continue;
			lines = true;
			if (!strcmp(op, "Read"))
				rd += (long long)v;
			else if (!strcmp(op, "Write"))
				wr += (long long)v;
		}
		if (!lines)
			return;
		if (f == 0)
			c->rbytes = rd, c->wbytes = wr;
		else
			c->rios = rd, c->wios = wr;
	}
}

void rctl_cg_read(const struct jail_cgroup *cg, struct rctl_counters *c)
{
	const struct jail_cgroup_dir *mem = rctl_cg_dir(cg, "memory", "memory");
	const struct jail_cgroup_dir *pids = rctl_cg_dir(cg, "pids", "pids");
	const struct jail_cgroup_dir *cpu = rctl_cg_dir(cg, "cpu", "cpu");
	const struct jail_cgroup_dir *acct = rctl_cg_dir(cg, "cpuacct", NULL);
	char buf[65536];

	memset(c, 0xff, sizeof(*c)); /* every counter -1 */
	if (acct) {
		c->cpu_ns = read_ll(acct, "cpuacct.usage");
	} else {
		/* cpu.stat exists in every v2 directory, with or without the cpu controller. */
		for (int i = 0; i < cg->n && c->cpu_ns < 0; i++)
			if (cg->d[i].v2) {
				long long us = read_key(&cg->d[i], "cpu.stat", "usage_usec");
				c->cpu_ns = us < 0 ? -1 : us * 1000;
			}
	}
	if (mem && !mem->v2) {
		c->mem = read_ll(mem, "memory.usage_in_bytes");
		c->memsw = read_ll(mem, "memory.memsw.usage_in_bytes");
		c->swap = c->memsw >= 0 && c->mem >= 0 ? (c->memsw > c->mem ? c->memsw - c->mem : 0) : -1;
		c->mem_limit = read_ll(mem, "memory.limit_in_bytes");
		if (c->mem_limit >= (1LL << 62))
			c->mem_limit = -1;
		c->oom_kills = read_key(mem, "memory.oom_control", "oom_kill");
		c->mem_max_hits = c->oom_kills;
	} else if (mem) {
		c->mem = read_ll(mem, "memory.current");
		c->swap = read_ll(mem, "memory.swap.current");
		c->memsw = c->mem >= 0 ? c->mem + (c->swap > 0 ? c->swap : 0) : -1;
		c->mem_limit = read_ll(mem, "memory.max");
		c->oom_kills = read_key(mem, "memory.events", "oom_kill");
		c->mem_max_hits = read_key(mem, "memory.events", "max");
	}
	c->tasks = read_ll(pids, "pids.current");
	c->pids_max_hits = read_key(pids, "pids.events", "max");
	c->cpu_throttled = read_key(cpu, "cpu.stat", "nr_throttled");
	if (cg->n > 0) {
		_cleanup_close_ int dfd = open(cg->d[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0 && read_file_at(dfd, "cgroup.procs", buf, sizeof(buf)) >= 0) {
			c->procs = 0;
			for (char *p = buf; *p; p++)
				c->procs += *p == '\n';
		}
	}
	read_io(cg, c);
}
