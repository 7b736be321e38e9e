/*
 * rctl's verbs on the rule database: list (rctl [filter]), add (-a),
 * remove (-r) and the rules of a process (-l), with FreeBSD's semantics:
 * a deny rule replaces one differing only in amount, an identical rule is
 * not added twice, rules are listed newest first within a jail and jails
 * newest first, removing nothing is ESRCH. Every change to a running jail
 * is applied at once, under the registry lock, and taken back if it fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "jail/registry.h"
#include "core/util.h"
#include "jail/param.h"
#include "rctl_int.h"

/* "jail:3": a JID names its jail, as jexec and jls take one. */
static void resolve_jid(struct jail_registry *reg, struct rctl_rule *r)
{
	struct jail_state st;
	struct jail_err ignore = {0};

	if (r->subject != RS_JAIL || !r->id[0])
		return;
	if (jail_registry_find(reg, r->id, &st, &ignore) < 0)
		return;
	snprintf(r->id, sizeof(r->id), "%s", st.name);
	jail_state_free(&st);
}

/* The running jails' rctl parameter rules, appended to out. */
static int param_rules(struct jail_registry *reg, struct rctl_rules *out, struct jail_err *e)
{
	int *jids = NULL, n = jail_registry_list(reg, &jids, e);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct jail_state st;
		struct jail_err ignore = {0};
		if (jail_registry_load(reg, jids[i], &st, &ignore) < 0)
			continue;
		if (jail_state_status(&st) != JAIL_DYING)
			rctl_param_rules(st.name, &st.params, out, &ignore);
		jail_state_free(&st);
	}
	free(jids);
	return 0;
}

int rctl_list(struct jail_registry *reg, const struct rctl_rule *filter, struct rctl_rules *out,
	      struct jail_err *e)
{
	struct rctl_rules all;
	struct rctl_rule f = *filter;
	int r;

	out->v = NULL;
	out->n = 0;
	resolve_jid(reg, &f);
	if ((r = rctl_store_load(reg->dirfd, &all, e)) < 0)
		return r;
	if ((r = param_rules(reg, &all, e)) < 0) {
		rctl_rules_free(&all);
		return r;
	}
	for (int i = 0; i < all.n; i++)
		if (rctl_rule_matches(&all.v[i], &f) && rctl_rules_push(out, &all.v[i]) < 0) {
			rctl_rules_free(&all);
			rctl_rules_free(out);
			return jail_err_set(e, -ENOMEM, "out of memory");
		}
	rctl_rules_free(&all);
	return 0;
}

static bool same_rule(const struct rctl_rule *a, const struct rctl_rule *b, bool any_amount)
{
	return a->subject == b->subject && !strcmp(a->id, b->id) && a->resource == b->resource &&
	       a->action == b->action && a->per == b->per && (any_amount || a->amount == b->amount);
}

static int copy_rules(const struct rctl_rules *from, struct rctl_rules *to)
{
	to->v = NULL;
	to->n = 0;
	for (int i = 0; i < from->n; i++)
		if (rctl_rules_push(to, &from->v[i]) < 0) {
			rctl_rules_free(to);
			return -ENOMEM;
		}
	return 0;
}

/* Insert at the head of its jail's rules, a new jail's at the head of all: FreeBSD's order. */
static int insert(struct rctl_rules *l, const struct rctl_rule *r)
{
	int at = 0;

	for (int i = 0; i < l->n; i++)
		if (l->v[i].subject == r->subject && !strcmp(l->v[i].id, r->id)) {
			at = i;
			break;
		}
	if (rctl_rules_push(l, r) < 0)
		return -ENOMEM;
	memmove(&l->v[at + 1], &l->v[at], (size_t)(l->n - 1 - at) * sizeof(*l->v));
	l->v[at] = *r;
	return 0;
}

int rctl_add(struct jail_registry *reg, const struct rctl_rule *rule, struct jail_err *e)
{
	struct rctl_rule r = *rule;
	struct rctl_rules old, now;
	int ret;

	if (r.per < 0)
		r.per = r.subject;
	if (!rctl_rule_complete(&r))
		return jail_err_set(e, -EINVAL, "%s", "");
	if ((ret = rctl_rule_check(&r, e)) < 0)
		return ret;
	resolve_jid(reg, &r);
	if ((ret = jail_registry_lock(reg, e)) < 0)
		return ret;
	ret = rctl_store_load(reg->dirfd, &old, e);
	if (ret == 0 && (ret = copy_rules(&old, &now)) < 0)
		jail_err_set(e, ret, "out of memory");
	if (ret < 0)
		goto out_unlock;
	/* A deny rule replaces the one differing only in amount; any rule replaces its twin. */
	for (int i = 0; i < now.n;)
		if (same_rule(&now.v[i], &r, r.action == RA_DENY))
			memmove(&now.v[i], &now.v[i + 1], (size_t)(--now.n - i) * sizeof(*now.v));
		else
			i++;
	if (insert(&now, &r) < 0)
		ret = jail_err_set(e, -ENOMEM, "out of memory");
	if (ret == 0)
		ret = rctl_store_save(reg->dirfd, &now, e);
	if (ret == 0 && (ret = rctl_jail_sync(reg, r.id, &old, &now, e)) < 0) {
		struct jail_err ignore = {0};
		rctl_store_save(reg->dirfd, &old, &ignore);
	}
	rctl_rules_free(&now);
	rctl_rules_free(&old);
out_unlock:
	jail_registry_unlock(reg);
	return ret;
}

/* Take the rules matching f out of a running jail's rctl parameter; how many. */
static int remove_param_rules(struct jail_registry *reg, const struct rctl_rule *f,
			      char (*names)[RCTL_ID_MAX], int *nnames, int maxnames, struct jail_err *e)
{
	int *jids = NULL, n = jail_registry_list(reg, &jids, e), found = 0;

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct jail_state st;
		struct rctl_rules pr = {0};
		struct jail_err ignore = {0};
		if (jail_registry_load(reg, jids[i], &st, &ignore) < 0)
			continue;
		const struct jail_param_val *pv = jail_params_get(&st.params, JP_RCTL);
		if (jail_state_status(&st) == JAIL_DYING || pv->n == 0 ||
		    rctl_param_rules(st.name, &st.params, &pr, &ignore) < 0 || (size_t)pr.n != pv->n) {
			rctl_rules_free(&pr);
			jail_state_free(&st);
			continue;
		}
		char *keep[256];
		size_t nkeep = 0;
		for (int k = 0; k < pr.n && nkeep < 256; k++)
			if (!rctl_rule_matches(&pr.v[k], f))
				keep[nkeep++] =
					strdup(pv->v[k]); /* setting the parameter frees the old values */
		if ((int)nkeep != pr.n) {
			found += pr.n - (int)nkeep;
			if (nkeep)
				jail_params_set(&st.params, JP_RCTL, (const char *const *)keep, nkeep, false,
						&ignore);
			else
				jail_params_clear(&st.params, JP_RCTL);
			jail_registry_save(reg, &st, &st.params, &ignore);
			if (*nnames < maxnames)
				snprintf(names[(*nnames)++], RCTL_ID_MAX, "%s", st.name);
		}
		for (size_t k = 0; k < nkeep; k++)
			free(keep[k]);
		rctl_rules_free(&pr);
		jail_state_free(&st);
	}
	free(jids);
	return found;
}

int rctl_remove(struct jail_registry *reg, const struct rctl_rule *filter, struct jail_err *e)
{
	struct rctl_rule f = *filter;
	struct rctl_rules old, now;
	static char names[512][RCTL_ID_MAX];
	int nnames = 0, found = 0, ret;

	resolve_jid(reg, &f);
	if ((ret = jail_registry_lock(reg, e)) < 0)
		return ret;
	ret = rctl_store_load(reg->dirfd, &old, e);
	if (ret == 0 && (ret = copy_rules(&old, &now)) < 0)
		jail_err_set(e, ret, "out of memory");
	if (ret < 0)
		goto out_unlock;
	for (int i = 0; i < now.n;) {
		if (!rctl_rule_matches(&now.v[i], &f)) {
			i++;
			continue;
		}
		bool seen = false;
		for (int k = 0; k < nnames; k++)
			seen |= !strcmp(names[k], now.v[i].id);
		if (!seen && nnames < (int)ARRAY_SIZE(names) && now.v[i].subject == RS_JAIL)
			snprintf(names[nnames++], RCTL_ID_MAX, "%s", now.v[i].id);
		memmove(&now.v[i], &now.v[i + 1], (size_t)(--now.n - i) * sizeof(*now.v));
		found++;
	}
	int pfound = remove_param_rules(reg, &f, names, &nnames, (int)ARRAY_SIZE(names), e);
	if (pfound > 0)
		found += pfound;
	if (found == 0)
		ret = jail_err_set(e, -ESRCH, "%s", "");
	else if (now.n != old.n)
		ret = rctl_store_save(reg->dirfd, &now, e);
	/* Each jail that lost rules gets the rest; a failure there is reported, the rules stay gone. */
	for (int k = 0; ret == 0 && k < nnames; k++) {
		struct jail_err je = {0};
		if (rctl_jail_sync(reg, names[k], &old, &now, &je) < 0) {
			*e = je;
			ret = je.code;
		}
	}
	rctl_rules_free(&now);
	rctl_rules_free(&old);
out_unlock:
	jail_registry_unlock(reg);
	return ret;
}

/* Whether pid is in the jail's cgroup (its first directory). */
static bool in_jail(const struct jail_state *st, pid_t pid)
{
	char f[PATH_MAX + 32], line[64];

	if (st->cg.n == 0)
		return false;
	snprintf(f, sizeof(f), "%s/cgroup.procs", st->cg.d[0].path);
	_cleanup_fclose_ FILE *fp = fopen(f, "re");
	while (fp && fgets(line, sizeof(line), fp))
		if (atoi(line) == (int)pid)
			return true;
	return false;
}

/* The running jail pid belongs to (loaded into out); -ENOENT when none. */
static int jail_of_pid(struct jail_registry *reg, pid_t pid, struct jail_state *out, struct jail_err *e)
{
	int *jids = NULL, n = jail_registry_list(reg, &jids, e);

	for (int i = 0; i < n; i++) {
		struct jail_err ignore = {0};
		if (jail_registry_load(reg, jids[i], out, &ignore) < 0)
			continue;
		if (jail_state_status(out) == JAIL_ALIVE && in_jail(out, pid)) {
			free(jids);
			return 0;
		}
		jail_state_free(out);
	}
	free(jids);
	return n < 0 ? n : -ENOENT;
}

int rctl_limits(struct jail_registry *reg, const struct rctl_rule *filter, struct rctl_rules *out,
		struct jail_err *e)
{
	struct jail_state st;
	char proc[64];

	out->v = NULL;
	out->n = 0;
	if (filter->subject < 0)
		return jail_err_set(e, -EINVAL, "%s", "");
	if (filter->subject != RS_PROCESS)
		return jail_err_set(e, -EOPNOTSUPP, "%s", "");
	if (!filter->id[0])
		return jail_err_set(e, -EINVAL, "%s", "");
	pid_t pid = (pid_t)atoi(filter->id);
	snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	if (pid <= 0 || access(proc, F_OK) < 0)
		return jail_err_set(e, -ESRCH, "%s", "");
	int r = jail_of_pid(reg, pid, &st, e);
	if (r == -ENOENT)
		return 0; /* not jailed: no rule applies */
	if (r < 0)
		return r;
	r = rctl_jail_rules(reg->dir, st.name, &st.params, out, e);
	jail_state_free(&st);
	return r;
}
