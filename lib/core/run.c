/*
 * jail_run: make the jail (the create table), then live its first life with
 * it. A jail with a command relays the terminal and signals until the
 * command ends; then the jail goes with it, or lives on (persist, or
 * processes the command left) — watched, without persist, so that it is
 * cleaned up when its last process ends. A jail made with exec.* commands
 * ran them as steps already; its temporary persist ends here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create.h"
#include "relay.h"
#include "remove.h"
#include "sys.h"

/* The jail ended with its command: wait for its init, then take it away. */
static int end_jail(struct jail_create *c, struct jail_err *e)
{
	const struct jail_run_opts *o = c->o;
	int ret;

	jail_spawn_wait(&c->init);
	ret = jail_cleanup(&c->reg, &c->st, e);
	if (ret < 0)
		return jail_err_prefix(e, "%s", c->st.name);
	if (o && o->report)
		o->report(o->arg, JAIL_REPORT_REMOVED, c->st.jid, c->st.name, NULL);
	return 0;
}

static int lives_on(struct jail_create *c, bool watched, struct jail_err *e)
{
	int ret = watched ? jail_watch(&c->reg, &c->st, c->init.pidfd, e) : 0;

	return ret < 0 ? jail_err_prefix(e, "%s", c->st.name) : 0;
}

/* exec.* jails: end the temporary persist; the init says whether anything keeps the jail. */
static int settle_hooked(struct jail_create *c, struct jail_err *e)
{
	struct jail_msg m = {0};

	if (c->plan.persist)
		return c->cmd_status;
	sys_pidfd_send_signal(c->init.pidfd, SIGUSR2, NULL, 0);
	if (jail_msg_recv(c->init.sock, &m, NULL, NULL) <= 0 || m.type != JAIL_MSG_STATUS || !m.lingering) {
		int ret = end_jail(c, e);
		return ret < 0 ? ret : c->cmd_status;
	}
	int ret = lives_on(c, true, e);
	return ret < 0 ? ret : c->cmd_status;
}

/* The command under the init: relay until it ends, then settle the jail's fate. */
static int run_command(struct jail_create *c, struct jail_err *e)
{
	struct jail_relay rl = {.sock = c->init.sock,
				.watch_pidfd = c->init.pidfd,
				.ptmx = c->ptmx,
				.signal_pidfd = c->init.pidfd};
	int status, ret;

	c->init.sock = c->ptmx = -1;
	jail_relay_run(&rl);
	if (rl.sock >= 0)
		close(rl.sock);
	sigprocmask(SIG_SETMASK, &c->init_args.sigmask, NULL);
	c->masked = false;
	if (rl.got_status) {
		status = rl.status;
	} else {
		/* init died before the command ended: killed from outside, or jail -r. */
		siginfo_t si = {0};
		while (waitid(P_PIDFD, (id_t)c->init.pidfd, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
		status = jail_status_from_siginfo(&si);
	}
	if (rl.got_status && (rl.lingering || c->plan.persist))
		ret = lives_on(c, !c->plan.persist, e);
	else
		ret = end_jail(c, e);
	if (ret == 0 && rl.failed) {
		*e = rl.err;
		ret = jail_err_prefix(e, "%s", c->st.name);
	}
	return ret < 0 ? ret : status;
}

int jail_run(const struct jail_params *p, const struct jail_run_opts *o, struct jail_err *e)
{
	struct jail_create *c = malloc(sizeof(*c));
	int ret;

	if (!c)
		return jail_err_set(e, -ENOMEM, "out of memory");
	ret = jail_create(c, p, o, e);
	if (ret == 0) {
		if (c->plan.hooked)
			ret = settle_hooked(c, e);
		else if (c->plan.exec.argv)
			ret = run_command(c, e);
		jail_create_release(c);
	}
	free(c);
	return ret;
}
