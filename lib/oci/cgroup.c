/*
 * linux.resources into a container's cgroups: the jail's cgroup
 * directories (one per hierarchy the host has: v1 controllers, the v2 tree,
 * or both on hybrid hosts), each value written where its controller is
 * mounted, v1 file names or v2 ones with the usual conversions (cpu shares
 * to weight, swap as memory+swap on v1 and swap alone on v2). A value whose
 * controller the host does not have is an error naming the field, never
 * dropped. Also the freezer (pause/resume) and the container's processes
 * (ps, kill --all). Where each controller is, and enabling a v2 controller
 * below the container's parent, is lib/rctl's (rctl_cg_need), so rctl(8)
 * rules and config.json resources find the same directories; the values
 * here are the OCI ones, which rctl's resource table does not have.
 *
 * Device rules: on v1 the devices controller gets the rules in their order,
 * then the defaults the spec requires (null, zero, full, random, urandom,
 * tty, ptmx, pts). On a v2-only host there is no device controller file: the
 * rules hold by construction, since the container's user namespace cannot
 * make device nodes and it has only those jail-oci made (container.h).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/container.h"
#include "rctl/rctl_int.h"
#include "runtime_int.h"
#include "core/util.h"

/* The directory of controller v1 (v1 name) or v2 (v2 name), made available; NULL with e set. */
static const struct jail_cgroup_dir *need(const struct jail_cgroup *cg, const char *v1, const char *v2,
					  const char *field, struct jail_err *e)
{
	return rctl_cg_need(cg, v1, v2, field, e);
}

/* d1: the v1 directory, d2: the v2 one (one of them is set); -errno with e when the host has neither. */
static int dirs(const struct jail_cgroup *cg, const char *v1, const char *v2, const char *field,
		const char **d1, const char **d2, struct jail_err *e)
{
	const struct jail_cgroup_dir *d = need(cg, v1, v2, field, e);

	*d1 = *d2 = NULL;
	if (!d)
		return e->code < 0 ? e->code : -EOPNOTSUPP;
	*(d->v2 ? d2 : d1) = d->path;
	return 0;
}

/* A v1-only controller's directory (devices, net_cls, net_prio, freezer), NULL if none. */
static const char *v1_only(const struct jail_cgroup *cg, const char *ctl)
{
	const struct jail_cgroup_dir *d = rctl_cg_dir(cg, ctl, NULL);

	return d ? d->path : NULL;
}

static const char *v2_any(const struct jail_cgroup *cg)
{
	for (int i = 0; i < cg->n; i++)
		if (cg->d[i].v2)
			return cg->d[i].path;
	return NULL;
}

static int put(const char *dir, const char *file, const char *field, struct jail_err *e, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int put(const char *dir, const char *file, const char *field, struct jail_err *e, const char *fmt, ...)
{
	char v[512];
	va_list ap;
	int fd, r;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return jail_err_sys(e, -errno, "%s: %s", field, dir);
	r = write_file_at(fd, file, v);
	close(fd);
	if (r < 0)
		return jail_err_sys(e, r, "%s: %s/%s", field, dir, file);
	return 0;
}

/* A limit the kernel may take and ignore (v1 kernel memory on 6.x): read back, refused if not kept. */
static int put_checked(const char *dir, const char *file, const char *field, long long v, struct jail_err *e)
{
	char now[64];
	int r = put(dir, file, field, e, "%lld", v), fd;

	if (r < 0 || v < 0)
		return r;
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && read_file_at(fd, file, now, sizeof(now)) > 0 &&
	    strtoll(now, NULL, 10) / 4096 != v / 4096)
		r = jail_err_set(e, -EOPNOTSUPP, "%s: this kernel takes the limit but does not enforce it",
				 field);
	if (fd >= 0)
		close(fd);
	return r;
}

static int missing(const char *field, const char *ctl, struct jail_err *e)
{
	return jail_err_set(e, -EOPNOTSUPP, "%s: the host has no %s controller for the container", field,
			    ctl);
}

#define F "linux.resources."

static void dev_rule(char *buf, size_t len, char type, int64_t ma, int64_t mi, const char *access)
{
	char a[24], b[24];

	if (type == 'a') {
		snprintf(buf, len, "a");
		return;
	}
	snprintf(a, sizeof(a), ma < 0 ? "*" : "%lld", (long long)ma);
	snprintf(b, sizeof(b), mi < 0 ? "*" : "%lld", (long long)mi);
	snprintf(buf, len, "%c %s:%s %s", type, a, b, access);
}

static int devices(const struct jail_cgroup *cg, const struct oci_resources *r, const struct oci_device *devs,
		   size_t ndevs, struct jail_err *e)
{
	static const char *const defaults[] = {"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
					       "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm"};
	const char *d = v1_only(cg, "devices");
	char rule[64];
	int ret;

	if (!d)
		return 0; /* v2: held by construction, see above */
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct oci_dev_rule *x = &r->devices[i];
		dev_rule(rule, sizeof(rule), x->type, x->major, x->minor, x->access);
		if ((ret = put(d, x->allow ? "devices.allow" : "devices.deny", F "devices", e, "%s", rule)) <
		    0)
			return ret;
	}
	for (size_t i = 0; r->n_devices && i < ARRAY_SIZE(defaults); i++)
		if ((ret = put(d, "devices.allow", F "devices", e, "%s", defaults[i])) < 0)
			return ret;
	/* linux.devices are the container's to use, as runc and crun allow them. */
	for (size_t i = 0; i < ndevs; i++) {
		if (devs[i].type == 'p')
			continue;
		dev_rule(rule, sizeof(rule), devs[i].type == 'b' ? 'b' : 'c', devs[i].major, devs[i].minor,
			 "rwm");
		if ((ret = put(d, "devices.allow", "linux.devices", e, "%s", rule)) < 0)
			return ret;
	}
	return 0;
}

static int memory(const struct jail_cgroup *cg, const struct oci_resources *r, struct jail_err *e)
{
	const char *d1, *d2;
	int ret = 0;

	if (!r->memory.limit.set && !r->memory.reservation.set && !r->memory.swap.set &&
	    !r->memory.kernel.set && !r->memory.kernel_tcp.set && !r->memory.swappiness.set &&
	    !r->memory.has_disable_oom_killer && !r->memory.has_use_hierarchy)
		return 0;
	if ((ret = dirs(cg, "memory", "memory", F "memory", &d1, &d2, e)) < 0)
		return ret;
	if (d2) {
		if (r->memory.limit.set)
			ret = r->memory.limit.v < 0 ? put(d2, "memory.max", F "memory.limit", e, "max")
						    : put(d2, "memory.max", F "memory.limit", e, "%lld",
							  (long long)r->memory.limit.v);
		if (ret == 0 && r->memory.reservation.set)
			ret = put(d2, "memory.low", F "memory.reservation", e, "%lld",
				  (long long)r->memory.reservation.v);
		if (ret == 0 && r->memory.swap.set) {
			long long sw = r->memory.swap.v;
			if (sw >= 0 && r->memory.limit.set && r->memory.limit.v >= 0)
				sw -= r->memory.limit.v; /* v1's memory+swap is v2's swap alone */
			ret = sw < 0 ? put(d2, "memory.swap.max", F "memory.swap", e, "max")
				     : put(d2, "memory.swap.max", F "memory.swap", e, "%lld", sw);
		}
		if (ret == 0 && (r->memory.kernel.set || r->memory.kernel_tcp.set ||
				 r->memory.swappiness.set || r->memory.has_disable_oom_killer))
			ret = jail_err_set(e, -EOPNOTSUPP,
					   F "memory: kernel, kernelTCP, swappiness and disableOOMKiller "
					     "have no cgroup v2 file");
		return ret;
	}
	if (r->memory.limit.set)
		ret = put(d1, "memory.limit_in_bytes", F "memory.limit", e, "%lld",
			  (long long)r->memory.limit.v);
	if (ret == 0 && r->memory.reservation.set)
		ret = put(d1, "memory.soft_limit_in_bytes", F "memory.reservation", e, "%lld",
			  (long long)r->memory.reservation.v);
	if (ret == 0 && r->memory.swap.set)
		ret = put(d1, "memory.memsw.limit_in_bytes", F "memory.swap", e, "%lld",
			  (long long)r->memory.swap.v);
	if (ret == 0 && r->memory.kernel.set)
		ret = put_checked(d1, "memory.kmem.limit_in_bytes", F "memory.kernel", r->memory.kernel.v, e);
	if (ret == 0 && r->memory.kernel_tcp.set)
		ret = put_checked(d1, "memory.kmem.tcp.limit_in_bytes", F "memory.kernelTCP",
				  r->memory.kernel_tcp.v, e);
	if (ret == 0 && r->memory.swappiness.set)
		ret = put(d1, "memory.swappiness", F "memory.swappiness", e, "%llu",
			  (unsigned long long)r->memory.swappiness.v);
	if (ret == 0 && r->memory.has_disable_oom_killer)
		ret = put(d1, "memory.oom_control", F "memory.disableOOMKiller", e, "%d",
			  r->memory.disable_oom_killer ? 1 : 0);
	if (ret == 0 && r->memory.has_use_hierarchy)
		ret = put(d1, "memory.use_hierarchy", F "memory.useHierarchy", e, "%d",
			  r->memory.use_hierarchy ? 1 : 0);
	return ret;
}

static int cpu(const struct jail_cgroup *cg, const struct oci_resources *r, struct jail_err *e)
{
	const char *d1, *d2;
	int ret = 0;

	if (r->cpu.shares.set || r->cpu.quota.set || r->cpu.period.set || r->cpu.realtime_runtime.set ||
	    r->cpu.realtime_period.set || r->cpu.burst.set || r->cpu.idle.set) {
		if ((ret = dirs(cg, "cpu", "cpu", F "cpu", &d1, &d2, e)) < 0)
			return ret;
		if (d1) {
			if (r->cpu.shares.set)
				ret = put(d1, "cpu.shares", F "cpu.shares", e, "%llu",
					  (unsigned long long)r->cpu.shares.v);
			if (ret == 0 && r->cpu.period.set)
				ret = put(d1, "cpu.cfs_period_us", F "cpu.period", e, "%llu",
					  (unsigned long long)r->cpu.period.v);
			if (ret == 0 && r->cpu.quota.set)
				ret = put(d1, "cpu.cfs_quota_us", F "cpu.quota", e, "%lld",
					  (long long)r->cpu.quota.v);
			if (ret == 0 && r->cpu.burst.set)
				ret = put(d1, "cpu.cfs_burst_us", F "cpu.burst", e, "%llu",
					  (unsigned long long)r->cpu.burst.v);
			if (ret == 0 && r->cpu.realtime_period.set)
				ret = put(d1, "cpu.rt_period_us", F "cpu.realtimePeriod", e, "%llu",
					  (unsigned long long)r->cpu.realtime_period.v);
			if (ret == 0 && r->cpu.realtime_runtime.set)
				ret = put(d1, "cpu.rt_runtime_us", F "cpu.realtimeRuntime", e, "%lld",
					  (long long)r->cpu.realtime_runtime.v);
			if (ret == 0 && r->cpu.idle.set)
				ret = put(d1, "cpu.idle", F "cpu.idle", e, "%lld", (long long)r->cpu.idle.v);
		} else {
			/* runc's conversion of shares [2, 262144] to weight [1, 10000] */
			unsigned long long w =
				1 + ((r->cpu.shares.v < 2 ? 0 : r->cpu.shares.v - 2) * 9999) / 262142;
			if (r->cpu.shares.set)
				ret = put(d2, "cpu.weight", F "cpu.shares", e, "%llu", w);
			if (ret == 0 && (r->cpu.quota.set || r->cpu.period.set)) {
				unsigned long long period = r->cpu.period.set ? r->cpu.period.v : 100000;
				if (!r->cpu.quota.set || r->cpu.quota.v < 0)
					ret = put(d2, "cpu.max", F "cpu.quota", e, "max %llu", period);
				else
					ret = put(d2, "cpu.max", F "cpu.quota", e, "%lld %llu",
						  (long long)r->cpu.quota.v, period);
			}
			if (ret == 0 && r->cpu.burst.set)
				ret = put(d2, "cpu.max.burst", F "cpu.burst", e, "%llu",
					  (unsigned long long)r->cpu.burst.v);
			if (ret == 0 && r->cpu.idle.set)
				ret = put(d2, "cpu.idle", F "cpu.idle", e, "%lld", (long long)r->cpu.idle.v);
			if (ret == 0 && (r->cpu.realtime_runtime.set || r->cpu.realtime_period.set))
				ret = jail_err_set(e, -EOPNOTSUPP,
						   F "cpu.realtimeRuntime: cgroup v2 has no realtime budget");
		}
	}
	if (ret == 0 && (r->cpu.cpus || r->cpu.mems)) {
		const char *s1, *s2, *s;
		if ((ret = dirs(cg, "cpuset", "cpuset", F "cpu.cpus", &s1, &s2, e)) < 0)
			return ret;
		s = s1 ? s1 : s2;
		if (r->cpu.cpus && *r->cpu.cpus)
			ret = put(s, "cpuset.cpus", F "cpu.cpus", e, "%s", r->cpu.cpus);
		if (ret == 0 && r->cpu.mems && *r->cpu.mems)
			ret = put(s, "cpuset.mems", F "cpu.mems", e, "%s", r->cpu.mems);
	}
	return ret;
}

static int blk_list(const char *d, const char *file, const char *field, const struct oci_blkio_dev *v,
		    size_t n, bool weight, struct jail_err *e)
{
	for (size_t i = 0; i < n; i++) {
		int r = weight ? put(d, file, field, e, "%lld:%lld %llu", (long long)v[i].major,
				     (long long)v[i].minor, (unsigned long long)v[i].weight.v)
			       : put(d, file, field, e, "%lld:%lld %llu", (long long)v[i].major,
				     (long long)v[i].minor, (unsigned long long)v[i].rate);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool has_file(const char *dir, const char *file)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

static int blkio(const struct jail_cgroup *cg, const struct oci_resources *r, struct jail_err *e)
{
	const char *d1, *d2;
	int ret = 0;

	if (!r->blkio.weight.set && !r->blkio.leaf_weight.set && !r->blkio.n_weight_device &&
	    !r->blkio.n_read_bps && !r->blkio.n_write_bps && !r->blkio.n_read_iops && !r->blkio.n_write_iops)
		return 0;
	if ((ret = dirs(cg, "blkio", "io", F "blockIO", &d1, &d2, e)) < 0)
		return ret;
	if (d1) {
		/* Kernels without CFQ have only BFQ's weight file. */
		const char *wf = has_file(d1, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
		const char *wdf =
			has_file(d1, "blkio.weight_device") ? "blkio.weight_device" : "blkio.bfq.weight";
		if (r->blkio.weight.set)
			ret = put(d1, wf, F "blockIO.weight", e, "%llu",
				  (unsigned long long)r->blkio.weight.v);
		if (ret == 0 && r->blkio.leaf_weight.set)
			ret = put(d1, "blkio.leaf_weight", F "blockIO.leafWeight", e, "%llu",
				  (unsigned long long)r->blkio.leaf_weight.v);
		if (ret == 0)
			ret = blk_list(d1, wdf, F "blockIO.weightDevice", r->blkio.weight_device,
				       r->blkio.n_weight_device, true, e);
		if (ret == 0)
			ret = blk_list(d1, "blkio.throttle.read_bps_device",
				       F "blockIO.throttleReadBpsDevice", r->blkio.read_bps,
				       r->blkio.n_read_bps, false, e);
		if (ret == 0)
			ret = blk_list(d1, "blkio.throttle.write_bps_device",
				       F "blockIO.throttleWriteBpsDevice", r->blkio.write_bps,
				       r->blkio.n_write_bps, false, e);
		if (ret == 0)
			ret = blk_list(d1, "blkio.throttle.read_iops_device",
				       F "blockIO.throttleReadIOPSDevice", r->blkio.read_iops,
				       r->blkio.n_read_iops, false, e);
		if (ret == 0)
			ret = blk_list(d1, "blkio.throttle.write_iops_device",
				       F "blockIO.throttleWriteIOPSDevice", r->blkio.write_iops,
				       r->blkio.n_write_iops, false, e);
		return ret;
	}
	if (r->blkio.leaf_weight.set)
		return jail_err_set(e, -EOPNOTSUPP, F "blockIO.leafWeight: cgroup v2 has no leaf weight");
	if (r->blkio.weight.set)
		ret = put(d2, has_file(d2, "io.weight") ? "io.weight" : "io.bfq.weight", F "blockIO.weight",
			  e, "default %llu", (unsigned long long)r->blkio.weight.v);
	for (size_t i = 0; ret == 0 && i < r->blkio.n_weight_device; i++)
		ret = put(d2, "io.weight", F "blockIO.weightDevice", e, "%lld:%lld %llu",
			  (long long)r->blkio.weight_device[i].major,
			  (long long)r->blkio.weight_device[i].minor,
			  (unsigned long long)r->blkio.weight_device[i].weight.v);
	const struct {
		const struct oci_blkio_dev *v;
		size_t n;
		const char *key, *field;
	} lim[] = {
		{r->blkio.read_bps, r->blkio.n_read_bps, "rbps", F "blockIO.throttleReadBpsDevice"},
		{r->blkio.write_bps, r->blkio.n_write_bps, "wbps", F "blockIO.throttleWriteBpsDevice"},
		{r->blkio.read_iops, r->blkio.n_read_iops, "riops", F "blockIO.throttleReadIOPSDevice"},
		{r->blkio.write_iops, r->blkio.n_write_iops, "wiops", F "blockIO.throttleWriteIOPSDevice"}};
	for (size_t k = 0; ret == 0 && k < ARRAY_SIZE(lim); k++)
		for (size_t i = 0; ret == 0 && i < lim[k].n; i++)
			ret = put(d2, "io.max", lim[k].field, e, "%lld:%lld %s=%llu",
				  (long long)lim[k].v[i].major, (long long)lim[k].v[i].minor, lim[k].key,
				  (unsigned long long)lim[k].v[i].rate);
	return ret;
}

static int others(const struct jail_cgroup *cg, const struct oci_resources *r, struct jail_err *e)
{
	int ret = 0;

	if (r->pids_limit.set) {
		const char *d1, *d2, *d;
		if ((ret = dirs(cg, "pids", "pids", F "pids.limit", &d1, &d2, e)) < 0)
			return ret;
		d = d1 ? d1 : d2;
		ret = r->pids_limit.v <= 0
			      ? put(d, "pids.max", F "pids.limit", e, "max")
			      : put(d, "pids.max", F "pids.limit", e, "%lld", (long long)r->pids_limit.v);
	}
	for (size_t i = 0; ret == 0 && i < r->n_hugepages; i++) {
		const char *d1, *d2;
		char file[128];
		if ((ret = dirs(cg, "hugetlb", "hugetlb", F "hugepageLimits", &d1, &d2, e)) < 0)
			return ret;
		snprintf(file, sizeof(file), "hugetlb.%s.%s", r->hugepages[i].page_size,
			 d1 ? "limit_in_bytes" : "max");
		ret = put(d1 ? d1 : d2, file, F "hugepageLimits", e, "%llu",
			  (unsigned long long)r->hugepages[i].limit);
	}
	if (ret == 0 && r->network.class_id.set) {
		const char *d = v1_only(cg, "net_cls");
		if (!d)
			return missing(F "network.classID", "net_cls", e);
		ret = put(d, "net_cls.classid", F "network.classID", e, "%llu",
			  (unsigned long long)r->network.class_id.v);
	}
	for (size_t i = 0; ret == 0 && i < r->network.n_priorities; i++) {
		const char *d = v1_only(cg, "net_prio");
		if (!d)
			return missing(F "network.priorities", "net_prio", e);
		ret = put(d, "net_prio.ifpriomap", F "network.priorities", e, "%s %u",
			  r->network.priorities[i].name, r->network.priorities[i].priority);
	}
	for (size_t i = 0; ret == 0 && i < r->n_unified; i++) {
		const char *k = r->unified[2 * i], *d = v2_any(cg);
		if (!d)
			return jail_err_set(e, -EOPNOTSUPP, F "unified.%s: the host has no cgroup v2 tree",
					    k);
		if (strchr(k, '/') || k[0] == '.')
			return jail_err_set(e, -EINVAL, F "unified.%s: not a file name", k);
		char field[300];
		snprintf(field, sizeof(field), F "unified.%s", k);
		ret = put(d, k, field, e, "%s", r->unified[2 * i + 1]);
	}
	return ret;
}

int oci_cgroup_apply(const struct jail_cgroup *cg, const struct oci_resources *r,
		     const struct oci_device *devs, size_t ndevs, struct jail_err *e)
{
	int ret = devices(cg, r, devs, ndevs, e);

	if (ret == 0)
		ret = memory(cg, r, e);
	if (ret == 0)
		ret = cpu(cg, r, e);
	if (ret == 0)
		ret = blkio(cg, r, e);
	if (ret == 0)
		ret = others(cg, r, e);
	return ret;
}

int oci_cgroup_freeze(const struct jail_cgroup *cg, bool freeze, struct jail_err *e)
{
	const char *d1 = v1_only(cg, "freezer"), *d2 = d1 ? NULL : v2_any(cg);
	const char *file = d1 ? "freezer.state" : "cgroup.freeze";
	const char *want = d1 ? (freeze ? "FROZEN" : "THAWED") : (freeze ? "1" : "0");
	char now[64];
	int r;

	if (!d1 && !d2)
		return missing(freeze ? "pause" : "resume", "freezer", e);
	if ((r = put(d1 ? d1 : d2, file, freeze ? "pause" : "resume", e, "%s", want)) < 0)
		return r;
	/* v1 goes through FREEZING; v2 says so in cgroup.events. */
	for (int i = 0; i < 2000; i++) {
		int fd = open(d1 ? d1 : d2, O_PATH | O_DIRECTORY | O_CLOEXEC);
		ssize_t n =
			fd >= 0 ? read_file_at(fd, d1 ? "freezer.state" : "cgroup.events", now, sizeof(now))
				: -1;
		struct timespec ts = {0, 1000000};
		if (fd >= 0)
			close(fd);
		if (n > 0 && (d1 ? !strncmp(now, want, strlen(want))
				 : strstr(now, freeze ? "frozen 1" : "frozen 0") != NULL))
			return 0;
		nanosleep(&ts, NULL);
	}
	return jail_err_set(e, -ETIMEDOUT, "%s: the cgroup did not become %s", freeze ? "pause" : "resume",
			    want);
}

bool oci_cgroup_frozen(const struct jail_cgroup *cg)
{
	const char *d1 = v1_only(cg, "freezer"), *d2 = d1 ? NULL : v2_any(cg);
	char now[256];
	int fd = (d1 || d2) ? open(d1 ? d1 : d2, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	ssize_t n = fd >= 0 ? read_file_at(fd, d1 ? "freezer.state" : "cgroup.events", now, sizeof(now)) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 && (d1 ? !strncmp(now, "FROZEN", 6) : strstr(now, "frozen 1") != NULL);
}

int oci_cgroup_pids(const struct jail_cgroup *cg, pid_t **out, struct jail_err *e)
{
	const char *d = cg->n ? cg->d[0].path : NULL;
	size_t cap = 64, n = 0;
	pid_t *v;
	char line[32];
	FILE *f;
	char file[4200];

	*out = NULL;
	if (!d)
		return 0;
	/* v1 and v2 alike; a v2-only directory of a hybrid host may be empty: take the first that is not. */
	for (int i = 0; i < cg->n; i++) {
		snprintf(file, sizeof(file), "%s/cgroup.procs", cg->d[i].path);
		f = fopen(file, "re");
		if (!f)
			continue;
		int c = fgetc(f);
		fclose(f);
		if (c != EOF) {
			d = cg->d[i].path;
			break;
		}
	}
	snprintf(file, sizeof(file), "%s/cgroup.procs", d);
	f = fopen(file, "re");
	if (!f)
		return errno == ENOENT ? 0 : jail_err_sys(e, -errno, "%s", file);
	v = malloc(cap * sizeof(*v));
	if (!v) {
		fclose(f);
		return jail_err_set(e, -ENOMEM, "out of memory");
	}
	while (fgets(line, sizeof(line), f)) {
		if (n == cap) {
			pid_t *nv = realloc(v, cap * 2 * sizeof(*v));
			if (!nv) {
				free(v);
				fclose(f);
				return jail_err_set(e, -ENOMEM, "out of memory");
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = (pid_t)atoi(line);
	}
	fclose(f);
	*out = v;
	return (int)n;
}
