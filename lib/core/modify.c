/*
 * jail -m: changing a running jail. Parameters are merged into its record
 * and checked against the privilege table before anything changes; the
 * hostname changes at once in the jail's UTS namespace, persist through a
 * signal to the jail's init, the rest applies to processes started later.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/jail.h"
#include "cgroup.h"
#include "priv.h"
#include "registry.h"
#include "remove.h"
#include "sys.h"
#include "util.h"

static bool same_values(const struct jail_param_val *a, const struct jail_param_val *b, enum jail_param_id id)
{
	const char *da = jail_param_defs[id].dflt;
	size_t na = a->set ? a->n : (da ? 1 : 0), nb = b->set ? b->n : (da ? 1 : 0);

	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		const char *x = a->set ? a->v[i] : da, *y = b->set ? b->v[i] : da;
		bool bx, by;
		if (jail_param_defs[id].type == JPT_BOOL && jail_parse_bool(x, &bx) == 0 &&
		    jail_parse_bool(y, &by) == 0) {
			if (bx != by)
				return false;
		} else if (strcmp(x, y) != 0) {
			return false;
		}
	}
	return true;
}

/* sethostname/setdomainname in the jail's UTS namespace, from a short-lived child. */
static int set_uts(int pidfd, const char *host, const char *domain, struct jail_err *e)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return jail_err_sys(e, -errno, "fork");
	if (pid == 0) {
		if (setns(pidfd, CLONE_NEWUTS) < 0)
			_exit(2);
		if (host && sethostname(host, strlen(host)) < 0)
			_exit(3);
		if (domain && setdomainname(domain, strlen(domain)) < 0)
			_exit(3);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return jail_err_sys(e, -errno, "waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return jail_err_set(e, -EPERM, "host.hostname: cannot change the jail's hostname");
	return 0;
}

/* The init ends by itself now: wait for it, then clean up (or leave it to a watcher). */
static int await_end(struct jail_registry *reg, const struct jail_state *st, int pidfd, struct jail_err *e)
{
	struct pollfd pf = {pidfd, POLLIN, 0};
	int r;

	while ((r = poll(&pf, 1, 5000)) < 0 && errno == EINTR)
		;
	return r > 0 ? jail_cleanup(reg, st, e) : jail_watch(reg, st, pidfd, e);
}

int jail_modify(struct jail_registry *reg, const char *key, const struct jail_params *change,
		const struct jail_run_opts *o, struct jail_err *e)
{
	struct jail_state st;
	struct jail_priv check;
	int ret, pidfd = -1;

	ret = jail_registry_find(reg, key, &st, e);
	if (ret < 0)
		return ret;
	if (jail_state_status(&st) != JAIL_ALIVE) {
		ret = jail_err_set(e, -ENOENT, "jail \"%s\" not found", key);
		goto out;
	}
	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_val *nv = &change->val[i];
		if (!nv->set || i == JP_NAME || i == JP_JID)
			continue;
		if ((jail_param_defs[i].flags & JPF_CREATE_ONLY) &&
		    !same_values(nv, &st.params.val[i], (enum jail_param_id)i)) {
			ret = jail_err_set(e, -EROFS, "%s cannot be changed after creation",
					   jail_param_defs[i].name);
			goto out;
		}
		if ((jail_param_defs[i].flags & JPF_UNIMPL) && nv->n) {
			ret = jail_err_set(e, -ENOTSUP, "%s: not supported yet", jail_param_defs[i].name);
			goto out;
		}
	}
	if (jail_params_isset(change, JP_SECURELEVEL) &&
	    jail_params_int(change, JP_SECURELEVEL) < jail_params_int(&st.params, JP_SECURELEVEL)) {
		ret = jail_err_set(e, -EPERM, "securelevel: cannot be lowered (%ld to %ld)",
				   jail_params_int(&st.params, JP_SECURELEVEL),
				   jail_params_int(change, JP_SECURELEVEL));
		goto out;
	}
	/* Merge, then refuse what the privilege table refuses before anything changes. */
	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_val *nv = &change->val[i];
		if (!nv->set || i == JP_NAME || i == JP_JID)
			continue;
		ret = jail_params_set(&st.params, (enum jail_param_id)i, (const char *const *)nv->v, nv->n,
				      false, e);
		if (ret < 0)
			goto out;
	}
	ret = jail_priv_from_params(&st.params, &check, e);
	if (ret < 0)
		goto out;
	pidfd = sys_pidfd_open(st.init_pid, 0);
	if (pidfd < 0 || proc_starttime(st.init_pid) != st.init_start ||
	    !jail_state_init_is_jail(st.init_pid)) {
		ret = jail_err_set(e, -ENOENT, "jail \"%s\" not found", key);
		goto out;
	}
	if (jail_params_isset(change, JP_HOSTNAME) || jail_params_isset(change, JP_DOMAINNAME)) {
		if (!strcmp(jail_params_str(&st.params, JP_HOST), "inherit")) {
			ret = jail_err_set(
				e, -EPERM,
				"host.hostname: the jail shares the host's hostname (host=inherit)");
			goto out;
		}
		ret = set_uts(
			pidfd,
			jail_params_isset(change, JP_HOSTNAME) ? jail_params_str(change, JP_HOSTNAME) : NULL,
			jail_params_isset(change, JP_DOMAINNAME) ? jail_params_str(change, JP_DOMAINNAME)
								 : NULL,
			e);
		if (ret < 0)
			goto out;
	}
	ret = jail_registry_lock(reg, e);
	if (ret == 0) {
		ret = jail_registry_save(reg, &st, &st.params, e);
		jail_registry_unlock(reg);
	}
	/* persist is init's to know: a signal from outside the jail says which. */
	if (ret == 0 && jail_params_isset(change, JP_PERSIST)) {
		sys_pidfd_send_signal(pidfd, jail_params_bool(change, JP_PERSIST) ? SIGUSR1 : SIGUSR2, NULL,
				      0);
		/*
		 * nopersist: the jail now lives as long as its processes. With none
		 * left its init ends at once and we take the jail away as its last
		 * process would; otherwise a watcher does when the last one goes.
		 */
		if (!jail_params_bool(change, JP_PERSIST))
			ret = jail_cgroup_nprocs(&st.cg) <= 1 ? await_end(reg, &st, pidfd, e)
							      : jail_watch(reg, &st, pidfd, e);
	}
	if (ret == 0 && o && o->report)
		o->report(o->arg, JAIL_REPORT_UPDATED, st.jid, st.name, NULL);
out:
	if (pidfd >= 0)
		close(pidfd);
	jail_state_free(&st);
	return ret;
}

int jail_params_merged(struct jail_registry *reg, const char *key, const struct jail_params *change,
		       struct jail_params *out, struct jail_err *e)
{
	struct jail_state st;
	int ret = jail_registry_find(reg, key, &st, e);

	if (ret < 0)
		return ret;
	*out = st.params;
	st.params = (struct jail_params){0};
	for (int i = 0; i < JP__COUNT && ret == 0; i++) {
		const struct jail_param_val *nv = &change->val[i];
		if (nv->set)
			ret = jail_params_set(out, (enum jail_param_id)i, (const char *const *)nv->v, nv->n,
					      false, e);
	}
	/* The JID goes back to the pool: the new jail takes the lowest free one unless asked. */
	if (!jail_params_isset(change, JP_JID))
		jail_params_clear(out, JP_JID);
	jail_state_free(&st);
	return ret;
}
