/*
 * What the jail's life cycle calls: apply its rules when it is created
 * (cgroup limits, IPC and devpts limits, io throttling, the watcher), the
 * rlimits its command and every jexec'd process take, and release at
 * removal; and rctl_jail_sync, which brings a running jail to a new rule
 * set when rctl -a or -r changes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "jail/registry.h"
#include "rctl_int.h"

static long long lmin(long long a, long long b)
{
	if (a < 0)
		return b;
	return b >= 0 && b < a ? b : a;
}

static bool is_ipc(int r)
{
	return r == RR_MSGQSIZE || r == RR_NMSGQ || r == RR_NSEM || r == RR_NSEMOP || r == RR_NSHM ||
	       r == RR_SHMSIZE;
}

void rctl_limits_compute(const struct rctl_rule *v, int n, struct rctl_limits *l)
{
	memset(l, 0, sizeof(*l));
	for (int i = 0; i < RR__COUNT; i++)
		l->deny[i] = l->pdeny[i] = l->throttle[i] = -1;
	l->cpu_soft = l->cpu_hard = -1;
	for (int i = 0; i < n; i++) {
		const struct rctl_rule *r = &v[i];
		if (r->action == RA_DENY) {
			long long *slot =
				r->per == RS_PROCESS ? &l->pdeny[r->resource] : &l->deny[r->resource];
			*slot = lmin(*slot, r->amount);
			l->ipc |= is_ipc(r->resource);
			l->pts |= r->resource == RR_PSEUDOTERMINALS;
		} else if (r->action == RA_THROTTLE) {
			l->throttle[r->resource] = lmin(l->throttle[r->resource], r->amount);
		} else if (r->per == RS_PROCESS && r->resource == RR_CPUTIME) {
			if (rctl_action_signal(r->action) == SIGKILL)
				l->cpu_hard = lmin(l->cpu_hard, r->amount);
			else
				l->cpu_soft = lmin(l->cpu_soft, r->amount);
		} else {
			l->events = true;
		}
	}
}

static bool any_throttle(const struct rctl_limits *l)
{
	for (int i = 0; i < RR__COUNT; i++)
		if (l->throttle[i] >= 0)
			return true;
	return false;
}

/*
 * Bring a running jail to rules v (coming from old, which may be NULL at
 * create): cgroups, namespaces, running processes' rlimits, watcher.
 */
static int sync_jail(const struct rctl_jail *j, const struct rctl_rules *old, const struct rctl_rules *v,
		     struct jail_err *e)
{
	struct rctl_limits l, o;
	struct rctl_dev devs[RCTL_DEVICES_MAX];
	int ndevs = 0, r;

	rctl_limits_compute(v->v, v->n, &l);
	rctl_limits_compute(old ? old->v : NULL, old ? old->n : 0, &o);
	l.fresh = !old; /* at create: nothing to take off */
	if (any_throttle(&l) || any_throttle(&o)) {
		ndevs = rctl_devices(j->init_pid, devs, RCTL_DEVICES_MAX, e);
		if (ndevs < 0)
			return ndevs;
	}
	if ((r = rctl_cg_write(j->cg, &l, devs, ndevs, e)) < 0)
		return r;
	if ((l.ipc || l.pts || o.ipc || o.pts) && (r = rctl_ns_write(j->init_pid, &l, e)) < 0)
		return r;
	if (old) {
		struct rlimit rl[RLIM_NLIMITS];
		unsigned mask;
		rctl_rlimits_of(&l, rl, &mask);
		rctl_rlimits_running(j->cg, j->init_pid, rl, mask);
	}
	return rctl_watch_start(j, v->v, v->n, old != NULL, e);
}

int rctl_jail_apply(const struct rctl_jail *j, struct jail_err *e)
{
	struct rctl_rules v;
	/* Under the registry lock: an rctl -a meanwhile is either in the store read here or applied after. */
	int r = jail_registry_lock(j->reg, e);

	if (r < 0)
		return r;
	r = rctl_jail_rules(j->reg->dir, j->name, j->p, &v, e);
	if (r == 0) {
		/* No rule: nothing to write, nothing to start; a jail without limits pays nothing. */
		if (v.n > 0 && (r = sync_jail(j, NULL, &v, e)) < 0)
			rctl_watch_stop(j->reg, j->jid);
		rctl_rules_free(&v);
	}
	jail_registry_unlock(j->reg);
	return r;
}

int rctl_jail_rlimits(const struct rctl_jail *j, struct rlimit out[RLIM_NLIMITS], unsigned *mask,
		      struct jail_err *e)
{
	struct rctl_rules v;
	struct rctl_limits l;
	int r = rctl_jail_rules(j->reg->dir, j->name, j->p, &v, e);

	*mask = 0;
	if (r < 0)
		return r;
	rctl_limits_compute(v.v, v.n, &l);
	rctl_rlimits_of(&l, out, mask);
	rctl_rules_free(&v);
	return 0;
}

void rctl_jail_release(const struct rctl_jail *j)
{
	rctl_watch_stop(j->reg, j->jid);
}

static void pick(const struct rctl_rules *store, const char *name, const struct jail_params *p,
		 struct rctl_rules *out)
{
	struct jail_err ignore = {0};

	out->v = NULL;
	out->n = 0;
	for (int i = 0; store && i < store->n; i++)
		if (store->v[i].subject == RS_JAIL && !strcmp(store->v[i].id, name))
			rctl_rules_push(out, &store->v[i]);
	if (p)
		rctl_param_rules(name, p, out, &ignore);
}

int rctl_jail_sync(struct jail_registry *reg, const char *name, const struct rctl_rules *old_store,
		   const struct rctl_rules *new_store, struct jail_err *e)
{
	struct jail_state st;
	struct jail_err ignore = {0};
	int r = jail_registry_find(reg, name, &st, &ignore);

	if (r < 0)
		return 0; /* not running: the rule waits in the store for it */
	if (jail_state_status(&st) != JAIL_ALIVE) {
		jail_state_free(&st);
		return 0;
	}
	struct rctl_jail j = {.name = st.name,
			      .jid = st.jid,
			      .reg = reg,
			      .cg = &st.cg,
			      .p = &st.params,
			      .init_pid = st.init_pid,
			      .init_start = st.init_start};
	struct rctl_rules o, n;
	pick(old_store, st.name, &st.params, &o);
	pick(new_store, st.name, &st.params, &n);
	r = sync_jail(&j, &o, &n, e);
	if (r < 0) {
		/* Back to what it was; the caller puts the old store back. */
		struct jail_err again = {0};
		sync_jail(&j, &n, &o, &again);
	}
	rctl_rules_free(&o);
	rctl_rules_free(&n);
	jail_state_free(&st);
	return r;
}
