/*
 * Removing jails. The jail's init holds every namespace: killing it makes the
 * kernel kill every process of the PID namespace, so nothing escapes by
 * forking; the cgroups are then emptied and removed, and the registry entry
 * goes last, under the registry lock and only if it still describes the same
 * jail (same JID and init start time).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "hooks.h"
#include "lifecycle.h"
#include "net/net.h"
#include "net/vnet.h"
#include "priv.h"
#include "rctl/rctl.h"
#include "sys.h"
#include "util.h"

static bool same_jail(const struct jail_state *a, const struct jail_state *b)
{
	return a->jid == b->jid && !strcmp(a->name, b->name) && a->init_start == b->init_start &&
	       a->creator_start == b->creator_start;
}

int jail_net_addrs(const struct jail_params *p, struct netaddr *out, size_t max, struct jail_err *e)
{
	static const struct {
		enum jail_param_id id;
		int family;
	} lists[] = {{JP_IP4_ADDR, AF_INET}, {JP_IP6_ADDR, AF_INET6}};
	size_t n = 0;

	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		const struct jail_param_val *v = jail_params_get(p, lists[l].id);
		for (size_t i = 0; i < v->n; i++) {
			if (n == max)
				return jail_err_set(e, -E2BIG, "%s: too many addresses",
						    jail_param_defs[lists[l].id].name);
			int r = netaddr_parse(&out[n], v->v[i], lists[l].family, e);
			if (r < 0)
				return r;
			n++;
		}
	}
	return (int)n;
}

unsigned long long jail_netns_self(void)
{
	struct stat sb;

	return stat("/proc/self/ns/net", &sb) == 0 ? (unsigned long long)sb.st_ino : 0;
}

/* Undo net_jail_setup from the parameters alone (works after a crash too). */
static void net_teardown(const struct jail_state *st)
{
	static struct netaddr addrs[NET_JAIL_MAX_ADDRS];
	int n;

	if (!st->host_if[0])
		return;
	if (jail_vnet_wanted(&st->params)) {
		jail_vnet_teardown(&st->params, -1, st->host_if);
		return;
	}
	/* The veth and its routes die with the jail's namespace anyway; proxy
	 * entries live on the host's interface and need us. Only from the
	 * namespace the jail was made in: another one has its own vjail names. */
	if (st->host_netns && st->host_netns != jail_netns_self())
		return;
	n = jail_net_addrs(&st->params, addrs, NET_JAIL_MAX_ADDRS, NULL);
	if (n < 0)
		n = 0;
	struct net_jail nj = {.host_netns_fd = -1,
			      .jail_netns_fd = -1,
			      .host_if = st->host_if,
			      .jail_if = "eth0",
			      .interface = jail_params_str(&st->params, JP_INTERFACE),
			      .addrs = addrs,
			      .naddrs = (size_t)n};
	net_jail_teardown(&nj, NULL);
}

int jail_cleanup(struct jail_registry *reg, const struct jail_state *st, struct jail_err *e)
{
	struct jail_state cur;
	struct jail_cgroup cg = st->cg;
	int ret;

	ret = jail_registry_lock(reg, e);
	if (ret < 0)
		return ret;
	ret = jail_registry_load(reg, st->jid, &cur, NULL);
	if (ret == 0 && same_jail(&cur, st)) {
		rctl_jail_release(&(struct rctl_jail){.reg = reg, .jid = cur.jid}); /* rctl: its watcher */
		net_teardown(&cur);
		ret = jail_cgroup_destroy(&cg, e);
		jail_registry_remove(reg, &cur);
	} else {
		/* Cleaned up by someone else already, or the JID is another jail's now. */
		ret = 0;
	}
	jail_state_free(&cur);
	jail_registry_unlock(reg);
	return ret;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Processes of the jail other than its init, from the cgroup. */
static int term_all_but_init(const struct jail_state *st)
{
	char buf[65536];
	int n = 0;

	if (st->cg.n == 0)
		return 0;
	_cleanup_close_ int dfd = open(st->cg.d[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || read_file_at(dfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return 0;
	for (char *p = buf; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid != st->init_pid && kill((pid_t)pid, SIGTERM) == 0)
			n++;
		p = end + (*end == '\n');
	}
	return n;
}

int jail_remove(struct jail_registry *reg, const char *key, bool hooks, char *name, size_t namelen,
		struct jail_err *e)
{
	struct jail_state st;
	int ret, pidfd = -1;

	ret = jail_registry_find(reg, key, &st, e);
	if (ret < 0)
		return ret;
	snprintf(name, namelen, "%s", st.name);
	enum jail_status status = jail_state_status(&st);
	if (status == JAIL_CREATING) {
		jail_state_free(&st);
		return jail_err_set(e, -EBUSY, "jail \"%s\" is being created", key);
	}
	if (status == JAIL_ALIVE) {
		pidfd = sys_pidfd_open(st.init_pid, 0);
		/* The pid may have been reused between the check and the open. */
		if (pidfd >= 0 && proc_starttime(st.init_pid) != st.init_start) {
			close(pidfd);
			pidfd = -1;
		}
	}
	struct jail_hook_ctx hc = {.reg = reg,
				   .p = &st.params,
				   .jid = st.jid,
				   .name = st.name,
				   .path = jail_params_str(&st.params, JP_PATH)};
	int hs, hret = 0;
	struct jail_err he = {0};
	if (hooks && pidfd >= 0) {
		/* A failing stop command is reported; the jail goes all the same. */
		hret = jail_hooks_run(&hc, JP_EXEC_PRESTOP, &hs, &he);
		if (hret == 0)
			hret = jail_hooks_run(&hc, JP_EXEC_STOP, &hs, &he);
	}
	if (pidfd >= 0 && jail_vnet_wanted(&st.params)) {
		/* vnet.interface goes back to the host before the jail's namespace dies. */
		int jfd = proc_ns_open(st.init_pid, "net");
		if (jfd >= 0) {
			jail_vnet_teardown(&st.params, jfd, NULL);
			close(jfd);
		}
	}
	if (pidfd >= 0) {
		long timeout = jail_params_isset(&st.params, JP_STOP_TIMEOUT)
				       ? jail_params_int(&st.params, JP_STOP_TIMEOUT)
				       : 10;
		if (timeout > 0 && term_all_but_init(&st) > 0) {
			long deadline = now_ms() + timeout * 1000;
			while (now_ms() < deadline && jail_cgroup_nprocs(&st.cg) > 1) {
				struct timespec ts = {0, 10 * 1000000L};
				nanosleep(&ts, NULL);
			}
		}
		/* The PID namespace dies with its init: every process, forks included. */
		sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
		struct pollfd pf = {pidfd, POLLIN, 0};
		while (poll(&pf, 1, 5000) < 0 && errno == EINTR)
			;
		close(pidfd);
	}
	ret = jail_cleanup(reg, &st, e);
	if (hooks && ret == 0 && hret == 0)
		hret = jail_hooks_run(&hc, JP_EXEC_POSTSTOP, &hs, &he);
	if (hooks && ret == 0 && hret == 0)
		hret = jail_hooks_run(&hc, JP_EXEC_RELEASE, &hs, &he);
	if (ret == 0 && hret < 0) {
		*e = he;
		ret = hret;
	}
	jail_state_free(&st);
	return ret;
}

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

int jail_modify(struct jail_registry *reg, const char *key, const struct jail_params *change, char *name,
		size_t namelen, struct jail_err *e)
{
	struct jail_state st;
	struct jail_priv check;
	int ret, pidfd = -1;

	ret = jail_registry_find(reg, key, &st, e);
	if (ret < 0)
		return ret;
	snprintf(name, namelen, "%s", st.name);
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
	if (pidfd < 0 || proc_starttime(st.init_pid) != st.init_start) {
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
		ret = jail_registry_save(reg, &st, e);
		jail_registry_unlock(reg);
	}
	/* persist is init's to know: a signal from outside the jail says which. */
	if (ret == 0 && jail_params_isset(change, JP_PERSIST)) {
		sys_pidfd_send_signal(pidfd, jail_params_bool(change, JP_PERSIST) ? SIGUSR1 : SIGUSR2, NULL,
				      0);
		/* nopersist on a jail with no process ends it: take it away as its last process would. */
		struct pollfd pf = {pidfd, POLLIN, 0};
		if (!jail_params_bool(change, JP_PERSIST) && poll(&pf, 1, 300) > 0)
			ret = jail_cleanup(reg, &st, e);
	}
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
