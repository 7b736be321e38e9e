/*
 * linux.resources (config-linux.md "Control groups"): device rules, memory,
 * cpu, pids, blockIO, hugepage limits, network classes and the unified
 * (cgroup v2 file) map, kept as given. Which of them the host's hierarchies
 * can apply (v1, v2 or hybrid) is the cgroup backend's question when the
 * plan is built; here only the values are checked. `update --resources -`
 * reads the same object.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oci_int.h"
#include "ojson.h"

static int parse_dev_rules(json_t *res, const char *field, struct oci_resources *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *a = oj_get(res, "devices"), *x;
	size_t i;
	int r;

	oj_key(f, field, "devices");
	if (!a)
		return 0;
	if ((r = oj_want(a, JSON_ARRAY, f, e)) < 0)
		return r;
	out->devices = calloc(json_array_size(a) + 1, sizeof(*out->devices));
	if (!out->devices)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		struct oci_dev_rule *d = &out->devices[i];
		char *s = NULL;
		bool allow = false;

		oj_idx(fi, f, i);
		if ((r = oj_want(x, JSON_OBJECT, fi, e)) < 0 || (r = oj_bool(x, "allow", fi, &allow, e)) < 0)
			return r;
		if (r == 0)
			return jail_err_set(e, -EINVAL, "%s.allow: missing", fi);
		d->allow = allow;
		d->type = 'a';
		d->major = d->minor = -1;
		if ((r = oj_str(x, "type", fi, false, &s, e)) < 0)
			return r;
		if (s && *s) {
			d->type = strlen(s) == 1 && strchr("acb", s[0]) ? s[0] : 0;
			free(s);
			if (!d->type)
				return jail_err_set(e, -EINVAL, "%s.type: must be a, c or b", fi);
		} else {
			free(s);
		}
		s = NULL;
		if ((r = oj_range(x, "major", fi, false, -1, 4095, &d->major, NULL, e)) < 0 ||
		    (r = oj_range(x, "minor", fi, false, -1, 1048575, &d->minor, NULL, e)) < 0 ||
		    (r = oj_str(x, "access", fi, false, &s, e)) < 0)
			return r;
		if (!s || !*s) {
			strcpy(d->access, "rwm");
		} else {
			for (const char *p = s; *p; p++)
				if (!strchr("rwm", *p) || strchr(d->access, *p) || strlen(d->access) >= 3) {
					r = jail_err_set(e, -EINVAL, "%s.access: '%s': letters of rwm", fi,
							 s);
					free(s);
					return r;
				} else {
					d->access[strlen(d->access)] = *p;
				}
		}
		free(s);
		out->n_devices = i + 1;
	}
	return 0;
}

static int parse_memory(json_t *res, const char *field, struct oci_resources *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *m = oj_get(res, "memory");
	int r;

	oj_key(f, field, "memory");
	if (!m)
		return 0;
	if ((r = oj_want(m, JSON_OBJECT, f, e)) < 0 ||
	    (r = oj_i64(m, "limit", f, &out->memory.limit, e)) < 0 ||
	    (r = oj_i64(m, "reservation", f, &out->memory.reservation, e)) < 0 ||
	    (r = oj_i64(m, "swap", f, &out->memory.swap, e)) < 0 ||
	    (r = oj_i64(m, "kernel", f, &out->memory.kernel, e)) < 0 ||
	    (r = oj_i64(m, "kernelTCP", f, &out->memory.kernel_tcp, e)) < 0 ||
	    (r = oj_u64(m, "swappiness", f, &out->memory.swappiness, e)) < 0)
		return r;
	if (out->memory.swappiness.set && out->memory.swappiness.v > 100)
		return jail_err_set(e, -ERANGE, "%s.swappiness: %llu above 100", f,
				    (unsigned long long)out->memory.swappiness.v);
	if ((r = oj_bool(m, "disableOOMKiller", f, &out->memory.disable_oom_killer, e)) < 0)
		return r;
	out->memory.has_disable_oom_killer = r;
	if ((r = oj_bool(m, "useHierarchy", f, &out->memory.use_hierarchy, e)) < 0)
		return r;
	out->memory.has_use_hierarchy = r;
	if ((r = oj_bool(m, "checkBeforeUpdate", f, &out->memory.check_before_update, e)) < 0)
		return r;
	out->memory.has_check_before_update = r;
	if (out->memory.limit.set && out->memory.limit.v < -1)
		return jail_err_set(e, -ERANGE, "%s.limit: must be -1 (unlimited) or a byte count", f);
	return 0;
}

static int parse_cpu(json_t *res, const char *field, struct oci_resources *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *c = oj_get(res, "cpu");
	int r;

	oj_key(f, field, "cpu");
	if (!c)
		return 0;
	if ((r = oj_want(c, JSON_OBJECT, f, e)) < 0 ||
	    (r = oj_u64(c, "shares", f, &out->cpu.shares, e)) < 0 ||
	    (r = oj_i64(c, "quota", f, &out->cpu.quota, e)) < 0 ||
	    (r = oj_u64(c, "burst", f, &out->cpu.burst, e)) < 0 ||
	    (r = oj_u64(c, "period", f, &out->cpu.period, e)) < 0 ||
	    (r = oj_i64(c, "realtimeRuntime", f, &out->cpu.realtime_runtime, e)) < 0 ||
	    (r = oj_u64(c, "realtimePeriod", f, &out->cpu.realtime_period, e)) < 0 ||
	    (r = oj_str(c, "cpus", f, false, &out->cpu.cpus, e)) < 0 ||
	    (r = oj_str(c, "mems", f, false, &out->cpu.mems, e)) < 0 ||
	    (r = oj_i64(c, "idle", f, &out->cpu.idle, e)) < 0)
		return r;
	if (out->cpu.idle.set && out->cpu.idle.v != 0 && out->cpu.idle.v != 1)
		return jail_err_set(e, -EINVAL, "%s.idle: 0 or 1", f);
	return 0;
}

static int parse_throttle(json_t *b, const char *key, const char *f, bool weight, struct oci_blkio_dev **out,
			  size_t *n, struct jail_err *e)
{
	char fa[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *a = oj_get(b, key), *x;
	size_t i;
	int r;

	oj_key(fa, f, key);
	if (!a)
		return 0;
	if ((r = oj_want(a, JSON_ARRAY, fa, e)) < 0)
		return r;
	*out = calloc(json_array_size(a) + 1, sizeof(**out));
	if (!*out)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		struct oci_blkio_dev *d = &(*out)[i];
		struct oci_u64 rate = {0};

		oj_idx(fi, fa, i);
		if ((r = oj_want(x, JSON_OBJECT, fi, e)) < 0 ||
		    (r = oj_range(x, "major", fi, true, 0, 4095, &d->major, NULL, e)) < 0 ||
		    (r = oj_range(x, "minor", fi, true, 0, 1048575, &d->minor, NULL, e)) < 0)
			return r;
		if (weight) {
			if ((r = oj_u64(x, "weight", fi, &d->weight, e)) < 0 ||
			    (r = oj_u64(x, "leafWeight", fi, &d->leaf_weight, e)) < 0)
				return r;
		} else {
			if ((r = oj_u64(x, "rate", fi, &rate, e)) < 0)
				return r;
			if (!rate.set)
				return jail_err_set(e, -EINVAL, "%s.rate: missing", fi);
			d->rate = rate.v;
		}
		*n = i + 1;
	}
	return 0;
}

static int parse_blkio(json_t *res, const char *field, struct oci_resources *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *b = oj_get(res, "blockIO");
	int r;

	oj_key(f, field, "blockIO");
	if (!b)
		return 0;
	if ((r = oj_want(b, JSON_OBJECT, f, e)) < 0 ||
	    (r = oj_u64(b, "weight", f, &out->blkio.weight, e)) < 0 ||
	    (r = oj_u64(b, "leafWeight", f, &out->blkio.leaf_weight, e)) < 0 ||
	    (r = parse_throttle(b, "weightDevice", f, true, &out->blkio.weight_device,
				&out->blkio.n_weight_device, e)) < 0 ||
	    (r = parse_throttle(b, "throttleReadBpsDevice", f, false, &out->blkio.read_bps,
				&out->blkio.n_read_bps, e)) < 0 ||
	    (r = parse_throttle(b, "throttleWriteBpsDevice", f, false, &out->blkio.write_bps,
				&out->blkio.n_write_bps, e)) < 0 ||
	    (r = parse_throttle(b, "throttleReadIOPSDevice", f, false, &out->blkio.read_iops,
				&out->blkio.n_read_iops, e)) < 0 ||
	    (r = parse_throttle(b, "throttleWriteIOPSDevice", f, false, &out->blkio.write_iops,
				&out->blkio.n_write_iops, e)) < 0)
		return r;
	if (out->blkio.weight.set && (out->blkio.weight.v < 10 || out->blkio.weight.v > 1000))
		return jail_err_set(e, -ERANGE, "%s.weight: 10 to 1000", f);
	return 0;
}

static int parse_hugepages(json_t *res, const char *field, struct oci_resources *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *a = oj_get(res, "hugepageLimits"), *x;
	size_t i;
	int r;

	oj_key(f, field, "hugepageLimits");
	if (!a)
		return 0;
	if ((r = oj_want(a, JSON_ARRAY, f, e)) < 0)
		return r;
	out->hugepages = calloc(json_array_size(a) + 1, sizeof(*out->hugepages));
	if (!out->hugepages)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		struct oci_u64 lim = {0};

		out->n_hugepages = i + 1;
		oj_idx(fi, f, i);
		if ((r = oj_want(x, JSON_OBJECT, fi, e)) < 0 ||
		    (r = oj_str(x, "pageSize", fi, true, &out->hugepages[i].page_size, e)) < 0 ||
		    (r = oj_u64(x, "limit", fi, &lim, e)) < 0)
			return r;
		if (!lim.set)
			return jail_err_set(e, -EINVAL, "%s.limit: missing", fi);
		out->hugepages[i].limit = lim.v;
	}
	return 0;
}

static int parse_network(json_t *res, const char *field, struct oci_resources *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fa[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *n = oj_get(res, "network"), *a, *x;
	size_t i;
	int64_t v;
	int r;

	oj_key(f, field, "network");
	if (!n)
		return 0;
	if ((r = oj_want(n, JSON_OBJECT, f, e)) < 0 ||
	    (r = oj_u64(n, "classID", f, &out->network.class_id, e)) < 0)
		return r;
	a = oj_get(n, "priorities");
	if (!a)
		return 0;
	oj_key(fa, f, "priorities");
	if ((r = oj_want(a, JSON_ARRAY, fa, e)) < 0)
		return r;
	out->network.priorities = calloc(json_array_size(a) + 1, sizeof(*out->network.priorities));
	if (!out->network.priorities)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		out->network.n_priorities = i + 1;
		oj_idx(fi, fa, i);
		if ((r = oj_want(x, JSON_OBJECT, fi, e)) < 0 ||
		    (r = oj_str(x, "name", fi, true, &out->network.priorities[i].name, e)) < 0 ||
		    (r = oj_range(x, "priority", fi, true, 0, UINT32_MAX, &v, NULL, e)) < 0)
			return r;
		out->network.priorities[i].priority = (uint32_t)v;
	}
	return 0;
}

int oci_resources_parse(json_t *res, const char *f, struct oci_resources *out, struct jail_err *e)
{
	char fk[OJ_FIELD_MAX];
	int64_t v;
	json_t *p;
	int r;

	if ((r = oj_want(res, JSON_OBJECT, f, e)) < 0)
		return r;
	out->set = true;
	p = oj_get(res, "pids");
	if (p) {
		oj_key(fk, f, "pids");
		if ((r = oj_want(p, JSON_OBJECT, fk, e)) < 0 ||
		    (r = oj_range(p, "limit", fk, true, -1, INT64_MAX, &v, &out->pids_limit.set, e)) < 0)
			return r;
		out->pids_limit.v = v;
	}
	if ((r = parse_dev_rules(res, f, out, e)) < 0 || (r = parse_memory(res, f, out, e)) < 0 ||
	    (r = parse_cpu(res, f, out, e)) < 0 || (r = parse_blkio(res, f, out, e)) < 0 ||
	    (r = parse_hugepages(res, f, out, e)) < 0 || (r = parse_network(res, f, out, e)) < 0 ||
	    (r = oj_strmap(res, "unified", f, &out->unified, &out->n_unified, e)) < 0 ||
	    (r = oj_refuse(res, "rdma", f, "the rdma controller is not implemented", e)) < 0)
		return r;
	/* unified keys are file names in the container's cgroup directory. */
	for (size_t i = 0; i < out->n_unified; i++) {
		const char *k = out->unified[2 * i];

		if (!*k || strchr(k, '/') || !strcmp(k, ".") || !strcmp(k, "..") || !strchr(k, '.'))
			return jail_err_set(e, -EINVAL, "%s.unified: '%s': not a cgroup file name", f, k);
	}
	return 0;
}

void oci_resources_free(struct oci_resources *r)
{
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_device);
	free(r->blkio.read_bps);
	free(r->blkio.write_bps);
	free(r->blkio.read_iops);
	free(r->blkio.write_iops);
	for (size_t i = 0; i < r->n_hugepages; i++)
		free(r->hugepages[i].page_size);
	free(r->hugepages);
	for (size_t i = 0; i < r->network.n_priorities; i++)
		free(r->network.priorities[i].name);
	free(r->network.priorities);
	oj_strv_free(r->unified);
	memset(r, 0, sizeof(*r));
}

int oci_resources_parse_text(const char *json, size_t len, struct oci_resources *out, struct jail_err *e)
{
	json_t *j = oj_loads(json, len, e);
	int r;

	memset(out, 0, sizeof(*out));
	if (!j)
		return e ? e->code : -EINVAL;
	r = oci_resources_parse(j, "resources", out, e);
	json_decref(j);
	if (r < 0)
		oci_resources_free(out);
	return r;
}
