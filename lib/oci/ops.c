/*
 * The verbs that act on a container after create: start (the init waits on
 * the start socket, see core/container.h), kill (by pidfd, or every process
 * of its cgroup with --all), delete (the process killed, the jail removed
 * through the jail stop table, the poststop hooks, the state), ps, pause
 * and resume (the freezer) and update (linux.resources again).
 *
 * A container and its jail are one: `jail -r` of the jail stops the
 * container (its state reads "stopped" and delete only cleans up), and
 * delete removes the jail. Only the jail whose init is the container's
 * process (same pid and start time) is ever touched.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/container.h"
#include "core/sys.h"
#include "core/util.h"
#include "jail/jail.h"
#include "jail/oci.h"
#include "runtime_int.h"

int oci_ctr_open(const struct oci_runtime *rt, const char *id, bool lock, bool jail, struct oci_ctr *c,
		 struct jail_err *e)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->rootfd = c->lock = c->statedir = c->pidfd = -1;
	c->reg.dirfd = c->reg.lockfd = -1;
	if ((r = oci_jail_name(id, c->name, sizeof(c->name), e)) < 0)
		return r;
	c->rootfd = oci_root_open(rt->root, false, e);
	if (c->rootfd < 0)
		return c->rootfd == -ENOENT ? jail_err_set(e, -ENOENT, "container %s does not exist", id)
					    : c->rootfd;
	if (lock && (c->lock = oci_state_lock(c->rootfd, id, false, e)) < 0)
		return c->lock;
	if ((r = oci_state_read(c->rootfd, id, &c->st, e)) < 0)
		return r;
	c->statedir = openat(c->rootfd, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->statedir < 0)
		return jail_err_sys(e, -errno, "%s", id);
	if (jail && jail_registry_open(&c->reg, e) < 0)
		return e->code;
	/* The jail of that name is ours only while it is this container's process. */
	if (jail && jail_registry_find(&c->reg, c->name, &c->js, NULL) == 0) {
		c->has_jail = c->js.jid == c->st.jid;
		if (!c->has_jail)
			jail_state_free(&c->js);
	}
	if (c->st.status != OCI_STOPPED) {
		c->pidfd = sys_pidfd_open(c->st.pid, 0);
		if (c->pidfd >= 0 && proc_starttime(c->st.pid) != c->st.pid_start) {
			close(c->pidfd);
			c->pidfd = -1;
			c->st.status = OCI_STOPPED;
		}
	}
	return 0;
}

void oci_ctr_close(struct oci_ctr *c)
{
	if (c->has_jail)
		jail_state_free(&c->js);
	c->has_jail = false;
	jail_registry_close(&c->reg);
	oci_state_free(&c->st);
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->statedir >= 0)
		close(c->statedir);
	if (c->lock >= 0)
		close(c->lock);
	if (c->rootfd >= 0)
		close(c->rootfd);
	c->pidfd = c->statedir = c->lock = c->rootfd = -1;
}

int oci_ctr_config(const struct oci_ctr *c, struct oci_config *cfg, struct jail_err *e)
{
	/* Checked at create; only read again here. */
	int r = oci_config_load(c->statedir, NULL, cfg, e);

	return r < 0 ? jail_err_prefix(e, "%s", c->st.id) : 0;
}

static void warn_to(const struct oci_runtime *rt, const char *msg)
{
	if (rt->warn)
		rt->warn(rt->warn_arg, msg);
}

static void run_hooks(const struct oci_runtime *rt, const struct oci_ctr *c, enum oci_hook_kind kind,
		      enum oci_status status)
{
	struct oci_config cfg;
	struct jail_err e = {0};
	struct oci_state s = c->st;
	char *json;

	if (!(c->st.hooks & (1u << kind)))
		return; /* none of that kind: config.json need not be read again */
	if (oci_ctr_config(c, &cfg, &e) < 0) {
		warn_to(rt, e.msg);
		return;
	}
	s.status = status;
	json = oci_state_json(&s, false);
	if (cfg.hooks[kind].n && json)
		oci_hooks_run(&cfg.hooks[kind], kind, json, rt->warn, rt->warn_arg, &e);
	free(json);
	oci_config_free(&cfg);
}

int oci_start(const struct oci_runtime *rt, const char *id, struct jail_err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct oci_ctr c;
	char reply[sizeof(e->msg)];
	size_t got = 0;
	ssize_t n;
	int r = oci_ctr_open(rt, id, true, false, &c, e), fd = -1;

	if (r == 0 && c.st.status != OCI_CREATED)
		r = jail_err_set(e, -EINVAL, "cannot start container %s: it is %s", id,
				 oci_status_name(c.st.status));
	if (r < 0)
		goto out;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/start.sock", c.statedir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || write(fd, "s", 1) != 1) {
		r = jail_err_sys(e, -errno, "cannot start container %s", id);
		goto out;
	}
	/* The init answers with an error, or closes the connection when it execs the process. */
	while (got < sizeof(reply) - 1 && (n = read(fd, reply + got, sizeof(reply) - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	reply[got] = '\0';
	unlinkat(c.statedir, "start.sock", 0);
	if (got && reply[0]) {
		r = jail_err_set(e, -EIO, "%s", reply);
		goto out;
	}
	c.st.status = OCI_RUNNING;
	if ((r = oci_state_write(c.rootfd, &c.st, e)) < 0)
		goto out;
	run_hooks(rt, &c, OCI_HOOK_POSTSTART, OCI_RUNNING);
out:
	if (fd >= 0)
		close(fd);
	oci_ctr_close(&c);
	return r;
}

int oci_kill(const struct oci_runtime *rt, const char *id, int sig, bool all, struct jail_err *e)
{
	struct oci_ctr c;
	int r = oci_ctr_open(rt, id, false, all || sig == SIGKILL, &c, e);

	if (r == 0 && (c.st.status == OCI_STOPPED || c.pidfd < 0))
		r = jail_err_set(e, -ESRCH, "cannot kill container %s: it is stopped", id);
	if (r < 0)
		goto out;
	if (all && c.has_jail) {
		pid_t *pids = NULL;
		int n = oci_cgroup_pids(&c.js.cg, &pids, e);
		for (int i = 0; i < n; i++)
			kill(pids[i], sig);
		free(pids);
		r = n < 0 ? n : 0;
	} else if (r == 0 && sys_pidfd_send_signal(c.pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
		r = jail_err_sys(e, -errno, "kill %s", id);
	/* A frozen process takes its SIGKILL when thawed. */
	if (r == 0 && sig == SIGKILL && c.has_jail && oci_cgroup_frozen(&c.js.cg))
		oci_cgroup_freeze(&c.js.cg, false, NULL);
out:
	oci_ctr_close(&c);
	return r;
}

int oci_delete(const struct oci_runtime *rt, const char *id, bool force, struct jail_err *e)
{
	struct oci_ctr c;
	int r = oci_ctr_open(rt, id, true, true, &c, e);

	/* Only a stopped one without --force (runtime.md "delete"; runc also takes a created one). */
	if (r == 0 && !force && c.st.status != OCI_STOPPED)
		r = jail_err_set(e, -EBUSY, "cannot delete container %s: it is %s (use --force)", id,
				 oci_status_name(c.st.status));
	if (r < 0)
		goto out;
	if (c.pidfd >= 0) {
		struct pollfd p = {c.pidfd, POLLIN, 0};
		sys_pidfd_send_signal(c.pidfd, SIGKILL, NULL, 0);
		if (c.has_jail && oci_cgroup_frozen(&c.js.cg))
			oci_cgroup_freeze(&c.js.cg, false, NULL);
		while (poll(&p, 1, 10000) < 0 && errno == EINTR)
			;
	}
	if (c.has_jail) {
		struct jail_err je = {0};
		if (jail_remove(&c.reg, c.name, 0, NULL, &je) < 0 && je.code != -ENOENT &&
		    je.code != -ESRCH) {
			*e = je;
			r = je.code;
			goto out;
		}
	}
	run_hooks(rt, &c, OCI_HOOK_POSTSTOP, OCI_STOPPED);
	r = oci_state_remove(c.rootfd, id, e);
out:
	oci_ctr_close(&c);
	return r;
}

int oci_ps(const struct oci_runtime *rt, const char *id, pid_t **pids, struct jail_err *e)
{
	struct oci_ctr c;
	int r = oci_ctr_open(rt, id, false, true, &c, e);

	*pids = NULL;
	if (r == 0 && c.has_jail && c.st.status != OCI_STOPPED)
		r = oci_cgroup_pids(&c.js.cg, pids, e);
	oci_ctr_close(&c);
	return r;
}

int oci_pause(const struct oci_runtime *rt, const char *id, bool pause, struct jail_err *e)
{
	struct oci_ctr c;
	const char *verb = pause ? "pause" : "resume";
	int r = oci_ctr_open(rt, id, true, true, &c, e);

	if (r == 0 && c.st.status != (pause ? OCI_RUNNING : OCI_PAUSED))
		r = jail_err_set(e, -EINVAL, "cannot %s container %s: it is %s", verb, id,
				 oci_status_name(c.st.status));
	if (r == 0 && !c.has_jail)
		r = jail_err_set(e, -ESRCH, "cannot %s container %s: its jail is gone", verb, id);
	if (r == 0)
		r = oci_cgroup_freeze(&c.js.cg, pause, e);
	if (r == 0) {
		c.st.status = pause ? OCI_PAUSED : OCI_RUNNING;
		r = oci_state_write(c.rootfd, &c.st, e);
	}
	oci_ctr_close(&c);
	return r;
}

int oci_update(const struct oci_runtime *rt, const char *id, const struct oci_resources *res,
	       struct jail_err *e)
{
	struct oci_ctr c;
	int r = oci_ctr_open(rt, id, true, true, &c, e);

	if (r == 0 && (c.st.status == OCI_STOPPED || !c.has_jail))
		r = jail_err_set(e, -ESRCH, "cannot update container %s: it is stopped", id);
	if (r == 0) {
		/* linux.devices stay allowed whatever new device rules say. */
		struct oci_config cfg = {0};
		r = oci_ctr_config(&c, &cfg, e);
		if (r == 0)
			r = oci_cgroup_apply(&c.js.cg, res, cfg.linux_.devices, cfg.linux_.n_devices, e);
		oci_config_free(&cfg);
	}
	oci_ctr_close(&c);
	return r;
}
