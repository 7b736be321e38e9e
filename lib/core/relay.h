/*
 * The host side of a program running in a jail (jail -c's command, jexec):
 * terminal, signals and the jail side's reports.
 */
#ifndef JAIL_RELAY_H
#define JAIL_RELAY_H

#include <signal.h>
#include <stdbool.h>

#include "jail/err.h"

struct jail_relay {
	int sock;	  /* messages from the jail side, -1 if none */
	int watch_pidfd;  /* the process whose exit ends the relay */
	int ptmx;	  /* pty master or -1 */
	int signal_pidfd; /* where forwarded signals go until the command's pid is known */
	long timeout_ms;  /* > 0: SIGKILL the watched process after this long */
	bool timed_out;
	/* results */
	bool got_status;
	int status;
	bool lingering;
	struct jail_err err; /* an error reported by the jail side */
	bool failed;
};

/*
 * Host side: copy stdin/stdout through the pty (raw mode, window size),
 * forward SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 to the command,
 * and read the jail side's messages, until a STATUS message arrives or the
 * watched process ends. The caller has blocked those signals.
 */
void jail_relay_run(struct jail_relay *rl);
/* The signals jail_relay_run forwards (the caller blocks them first). */
void jail_relay_sigset(sigset_t *set);

#endif
