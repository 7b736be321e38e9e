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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "lifecycle.h"
#include "sys.h"
#include "util.h"

static bool same_jail(const struct jail_state *a, const struct jail_state *b)
{
	return a->jid == b->jid && !strcmp(a->name, b->name) && a->init_start == b->init_start &&
	       a->creator_start == b->creator_start;
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

int jail_remove(struct jail_registry *reg, const char *key, char *name, size_t namelen, struct jail_err *e)
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
	if (pidfd >= 0) {
		long timeout = jail_params_isset(&st.params, JP_STOP_TIMEOUT)
				       ? jail_params_int(&st.params, JP_STOP_TIMEOUT)
				       : 10;
		if (timeout > 0 && term_all_but_init(&st) > 0) {
			long deadline = now_ms() + timeout * 1000;
			while (now_ms() < deadline && jail_cgroup_nprocs(&st.cg) > 1) {
				struct timespec ts = { 0, 10 * 1000000L };
				nanosleep(&ts, NULL);
			}
		}
		/* The PID namespace dies with its init: every process, forks included. */
		sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
		struct pollfd pf = { pidfd, POLLIN, 0 };
		while (poll(&pf, 1, 5000) < 0 && errno == EINTR)
			;
		close(pidfd);
	}
	ret = jail_cleanup(reg, &st, e);
	jail_state_free(&st);
	return ret;
}
