/*
 * config.json "process" (config.md "Process", Linux process): what the
 * container's first process (or an `exec --process F`) runs, as whom and
 * with which limits. AppArmor and SELinux labels are refused: jail-oci
 * confines with namespaces, capabilities and seccomp, and a label that is
 * silently not applied would be a lie about the container's confinement.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "oci_int.h"
#include "ojson.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

static int parse_caps(json_t *p, const char *field, struct oci_caps *c, struct jail_err *e)
{
	static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted", "ambient"};
	uint64_t *masks[] = {&c->bounding, &c->effective, &c->inheritable, &c->permitted, &c->ambient};
	char f[OJ_FIELD_MAX], fs[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *o = oj_get(p, "capabilities");
	int r;

	oj_key(f, field, "capabilities");
	if (!o)
		return 0;
	if ((r = oj_want(o, JSON_OBJECT, f, e)) < 0)
		return r;
	c->set = true;
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		json_t *a = oj_get(o, sets[s]), *x;
		size_t i;

		oj_key(fs, f, sets[s]);
		if (!a)
			continue;
		if ((r = oj_want(a, JSON_ARRAY, fs, e)) < 0)
			return r;
		json_array_foreach(a, i, x)
		{
			int cap = json_is_string(x) ? oci_cap_from_name(json_string_value(x)) : -1;

			if (!json_is_string(x))
				return jail_err_set(e, -EINVAL, "%s: must be a string", oj_idx(fi, fs, i));
			/* runc and crun warn and go on; a capability the caller
			 * believes it granted or dropped must not vanish. */
			if (cap < 0)
				return jail_err_set(e, -EINVAL, "%s: unknown capability '%s'",
						    oj_idx(fi, fs, i), json_string_value(x));
			*masks[s] |= 1ULL << cap;
		}
	}
	return 0;
}

static int parse_rlimits(json_t *p, const char *field, struct oci_process *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *a = oj_get(p, "rlimits"), *x;
	size_t i;
	int r;

	oj_key(f, field, "rlimits");
	if (!a)
		return 0;
	if ((r = oj_want(a, JSON_ARRAY, f, e)) < 0)
		return r;
	out->rlimits = calloc(json_array_size(a) + 1, sizeof(*out->rlimits));
	if (!out->rlimits)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		struct oci_rlimit *rl = &out->rlimits[i];
		char *type = NULL;
		struct oci_u64 soft = {0}, hard = {0};

		oj_idx(fi, f, i);
		if ((r = oj_want(x, JSON_OBJECT, fi, e)) < 0 ||
		    (r = oj_str(x, "type", fi, true, &type, e)) < 0)
			return r;
		rl->resource = oci_rlimit_from_name(type);
		if (rl->resource < 0) {
			r = jail_err_set(e, -EINVAL, "%s.type: unknown resource '%s'", fi, type);
			free(type);
			return r;
		}
		free(type);
		if ((r = oj_u64(x, "soft", fi, &soft, e)) < 0 || (r = oj_u64(x, "hard", fi, &hard, e)) < 0)
			return r;
		if (!soft.set || !hard.set)
			return jail_err_set(e, -EINVAL, "%s: soft and hard are required", fi);
		if (soft.v > hard.v)
			return jail_err_set(e, -EINVAL, "%s: soft limit %llu above hard limit %llu", fi,
					    (unsigned long long)soft.v, (unsigned long long)hard.v);
		for (size_t k = 0; k < i; k++)
			if (out->rlimits[k].resource == rl->resource)
				return jail_err_set(e, -EINVAL, "%s.type: given twice", fi);
		rl->soft = soft.v;
		rl->hard = hard.v;
		out->n_rlimits = i + 1;
	}
	return 0;
}

static int parse_user(json_t *p, const char *field, struct oci_process *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *u = oj_get(p, "user"), *a, *x;
	int64_t v;
	size_t i;
	int r;

	oj_key(f, field, "user");
	if (!u)
		return jail_err_set(e, -EINVAL, "%s: missing", f);
	if ((r = oj_want(u, JSON_OBJECT, f, e)) < 0 ||
	    (r = oj_range(u, "uid", f, true, 0, UINT32_MAX - 1, &v, NULL, e)) < 0)
		return r;
	out->uid = (uint32_t)v;
	if ((r = oj_range(u, "gid", f, true, 0, UINT32_MAX - 1, &v, NULL, e)) < 0)
		return r;
	out->gid = (uint32_t)v;
	if ((r = oj_range(u, "umask", f, false, 0, 07777, &v, &out->has_umask, e)) < 0)
		return r;
	if (out->has_umask)
		out->umask = (uint32_t)v;
	a = oj_get(u, "additionalGids");
	if (!a)
		return 0;
	oj_key(fi, f, "additionalGids");
	if ((r = oj_want(a, JSON_ARRAY, fi, e)) < 0)
		return r;
	out->additional_gids = calloc(json_array_size(a) + 1, sizeof(uint32_t));
	if (!out->additional_gids)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) >= UINT32_MAX)
			return jail_err_set(e, -EINVAL, "%s[%zu]: must be a gid", fi, i);
		out->additional_gids[i] = (uint32_t)json_integer_value(x);
	}
	out->n_additional_gids = json_array_size(a);
	return 0;
}

static const struct {
	const char *name;
	int v;
} policies[] = {
	{"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
	{"SCHED_BATCH", SCHED_BATCH}, {"SCHED_IDLE", SCHED_IDLE}, {"SCHED_DEADLINE", SCHED_DEADLINE},
};
static const char *const sched_flags[] = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
					  "SCHED_FLAG_DL_OVERRUN",    "SCHED_FLAG_KEEP_POLICY",
					  "SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN",
					  "SCHED_FLAG_UTIL_CLAMP_MAX"};

static int parse_sched(json_t *p, const char *field, struct oci_sched *s, struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *o = oj_get(p, "scheduler"), *a, *x;
	char *pol = NULL;
	struct oci_u64 u = {0};
	int64_t v;
	size_t i;
	int r;

	oj_key(f, field, "scheduler");
	if (!o)
		return 0;
	if ((r = oj_want(o, JSON_OBJECT, f, e)) < 0 || (r = oj_str(o, "policy", f, true, &pol, e)) < 0)
		return r;
	s->policy = -1;
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		if (!strcmp(pol, policies[i].name))
			s->policy = policies[i].v;
	if (s->policy < 0) {
		r = jail_err_set(e, -EINVAL, "%s.policy: unknown or unsupported policy '%s'", f, pol);
		free(pol);
		return r;
	}
	free(pol);
	s->set = true;
	if ((r = oj_range(o, "nice", f, false, -20, 19, &v, NULL, e)) < 0)
		return r;
	s->nice = r ? (int)v : 0;
	if ((r = oj_range(o, "priority", f, false, 0, 99, &v, NULL, e)) < 0)
		return r;
	s->priority = r ? (int)v : 0;
	if ((r = oj_u64(o, "runtime", f, &u, e)) < 0)
		return r;
	s->runtime = u.v;
	u.v = 0;
	if ((r = oj_u64(o, "deadline", f, &u, e)) < 0)
		return r;
	s->deadline = u.v;
	u.v = 0;
	if ((r = oj_u64(o, "period", f, &u, e)) < 0)
		return r;
	s->period = u.v;
	a = oj_get(o, "flags");
	if (!a)
		return 0;
	oj_key(fi, f, "flags");
	if ((r = oj_want(a, JSON_ARRAY, fi, e)) < 0)
		return r;
	json_array_foreach(a, i, x)
	{
		size_t k;

		for (k = 0; k < sizeof(sched_flags) / sizeof(sched_flags[0]); k++)
			if (json_is_string(x) && !strcmp(json_string_value(x), sched_flags[k]))
				break;
		if (k == sizeof(sched_flags) / sizeof(sched_flags[0]))
			return jail_err_set(e, -EINVAL, "%s[%zu]: unknown scheduler flag", fi, i);
		s->flags |= 1ULL << k;
	}
	return 0;
}

static int parse_io_priority(json_t *p, const char *field, struct oci_process *out, struct jail_err *e)
{
	static const char *const classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"};
	char f[OJ_FIELD_MAX];
	json_t *o = oj_get(p, "ioPriority");
	char *cls = NULL;
	int64_t v = 0;
	int r;

	oj_key(f, field, "ioPriority");
	if (!o)
		return 0;
	if ((r = oj_want(o, JSON_OBJECT, f, e)) < 0 || (r = oj_str(o, "class", f, true, &cls, e)) < 0)
		return r;
	out->io_class = 0;
	for (int i = 0; i < 3; i++)
		if (!strcmp(cls, classes[i]))
			out->io_class = i + 1;
	if (!out->io_class) {
		r = jail_err_set(e, -EINVAL, "%s.class: unknown class '%s'", f, cls);
		free(cls);
		return r;
	}
	free(cls);
	if ((r = oj_range(o, "priority", f, false, 0, 7, &v, NULL, e)) < 0)
		return r;
	out->io_priority = (int)v;
	out->has_io_priority = true;
	return 0;
}

static int parse_misc(json_t *p, const char *f, struct oci_process *out, struct jail_err *e)
{
	char fc[OJ_FIELD_MAX];
	json_t *cs = oj_get(p, "consoleSize"), *aff = oj_get(p, "execCPUAffinity");
	int64_t v;
	int r;

	if (cs) {
		oj_key(fc, f, "consoleSize");
		if ((r = oj_want(cs, JSON_OBJECT, fc, e)) < 0 ||
		    (r = oj_range(cs, "height", fc, true, 0, 65535, &v, NULL, e)) < 0)
			return r;
		out->console_height = (unsigned)v;
		if ((r = oj_range(cs, "width", fc, true, 0, 65535, &v, NULL, e)) < 0)
			return r;
		out->console_width = (unsigned)v;
		out->has_console_size = true;
	}
	if ((r = oj_range(p, "oomScoreAdj", f, false, -1000, 1000, &v, &out->has_oom_score_adj, e)) < 0)
		return r;
	if (out->has_oom_score_adj)
		out->oom_score_adj = (int)v;
	if (aff) {
		oj_key(fc, f, "execCPUAffinity");
		if ((r = oj_want(aff, JSON_OBJECT, fc, e)) < 0 ||
		    (r = oj_str(aff, "initial", fc, false, &out->cpu_affinity_initial, e)) < 0 ||
		    (r = oj_str(aff, "final", fc, false, &out->cpu_affinity_final, e)) < 0)
			return r;
	}
	if ((r = oj_refuse(p, "apparmorProfile", f,
			   "jail-oci applies no AppArmor profile; the jail's namespaces, capability set and "
			   "seccomp "
			   "filter are its confinement",
			   e)) < 0 ||
	    (r = oj_refuse(p, "selinuxLabel", f, "jail-oci applies no SELinux label", e)) < 0 ||
	    (r = oj_refuse(p, "commandLine", f, "Windows only; give args", e)) < 0)
		return r;
	return 0;
}

int oci_process_from_json(json_t *p, const char *f, struct oci_process *out, struct jail_err *e)
{
	char fk[OJ_FIELD_MAX];
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = oj_want(p, JSON_OBJECT, f, e)) < 0 ||
	    (r = oj_bool(p, "terminal", f, &out->terminal, e)) < 0 || (r = parse_user(p, f, out, e)) < 0 ||
	    (r = oj_strv(p, "args", f, &out->args, &out->n_args, e)) < 0 ||
	    (r = oj_strv(p, "env", f, &out->env, &out->n_env, e)) < 0 ||
	    (r = oj_str(p, "cwd", f, true, &out->cwd, e)) < 0 || (r = parse_caps(p, f, &out->caps, e)) < 0 ||
	    (r = parse_rlimits(p, f, out, e)) < 0 ||
	    (r = oj_bool(p, "noNewPrivileges", f, &out->no_new_privileges, e)) < 0 ||
	    (r = parse_sched(p, f, &out->sched, e)) < 0 || (r = parse_io_priority(p, f, out, e)) < 0 ||
	    (r = parse_misc(p, f, out, e)) < 0)
		return r;
	if (!out->n_args)
		return jail_err_set(e, -EINVAL, "%s: at least one entry is required", oj_key(fk, f, "args"));
	if (out->cwd[0] != '/')
		return jail_err_set(e, -EINVAL, "%s: '%s': must be an absolute path", oj_key(fk, f, "cwd"),
				    out->cwd);
	for (size_t i = 0; i < out->n_env; i++)
		if (!strchr(out->env[i], '=') || out->env[i][0] == '=')
			return jail_err_set(e, -EINVAL, "%s.env[%zu]: '%s': not NAME=VALUE", f, i,
					    out->env[i]);
	return 0;
}

int oci_process_parse(const char *json, size_t len, struct oci_process *out, struct jail_err *e)
{
	json_t *j = oj_loads(json, len, e);
	int r;

	memset(out, 0, sizeof(*out));
	if (!j)
		return e ? e->code : -EINVAL;
	r = oci_process_from_json(j, "process", out, e);
	json_decref(j);
	if (r < 0)
		oci_process_free(out);
	return r;
}

void oci_process_free(struct oci_process *p)
{
	if (!p)
		return;
	free(p->additional_gids);
	oj_strv_free(p->args);
	oj_strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->cpu_affinity_initial);
	free(p->cpu_affinity_final);
	memset(p, 0, sizeof(*p));
}
