/*
 * The host side of a program running in a jail: copy the terminal through
 * the jail's pty (raw mode, window size), forward signals to the program,
 * and read what the jail side reports, until the program's status arrives
 * or the watched process ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "relay.h"
#include "step.h"
#include "spawn.h"
#include "sys.h"
#include "util.h"

void jail_relay_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGWINCH);
}

static void copy_winsize(int ptmx)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(ptmx, TIOCSWINSZ, &ws);
}

static void handle_msg(struct jail_relay *rl, int *cmdfd)
{
	struct jail_msg m;
	pid_t pid = 0;
	int r = jail_msg_recv(rl->sock, &m, NULL, &pid);

	if (r <= 0) {
		close(rl->sock);
		rl->sock = -1;
		return;
	}
	JAIL_TMARK("relay", m.type == JAIL_MSG_STARTED	? "started"
			    : m.type == JAIL_MSG_STATUS ? "status"
							: "msg");
	if (m.type == JAIL_MSG_STARTED && pid > 0 && *cmdfd < 0) {
		*cmdfd = sys_pidfd_open(pid, 0);
	} else if (m.type == JAIL_MSG_ERROR && !rl->failed) {
		rl->failed = true;
		rl->err = m.err;
		if (rl->err.code >= 0)
			rl->err.code = -EIO;
	} else if (m.type == JAIL_MSG_STATUS) {
		rl->got_status = true;
		rl->status = m.status;
		rl->lingering = m.lingering != 0;
	}
}

void jail_relay_run(struct jail_relay *rl)
{
	JAIL_TMARK("relay", "begin");
	struct termios saved, raw;
	bool tty = rl->ptmx >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	/* Only the host's terminals go through the pty; other fds the program has itself. */
	bool in_open = rl->ptmx >= 0 && isatty(STDIN_FILENO);
	int out = isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO) ? STDOUT_FILENO : STDERR_FILENO;
	_cleanup_close_ int sfd = -1, cmdfd = -1;
	sigset_t mask;
	char buf[16384];

	jail_relay_sigset(&mask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (tty) {
		copy_winsize(rl->ptmx);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!rl->got_status) {
		int wait_ms = -1;
		if (rl->timeout_ms > 0) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long spent = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
			if (spent >= rl->timeout_ms) {
				/* exec.timeout: the helper and with it the program go. */
				rl->timed_out = true;
				sys_pidfd_send_signal(rl->watch_pidfd, SIGKILL, NULL, 0);
				if (cmdfd >= 0)
					sys_pidfd_send_signal(cmdfd, SIGKILL, NULL, 0);
				break;
			}
			wait_ms = (int)(rl->timeout_ms - spent);
		}
		struct pollfd pf[5] = {
			{rl->watch_pidfd, POLLIN, 0}, {sfd, POLLIN, 0},
			{rl->ptmx, POLLIN, 0},	      {in_open ? STDIN_FILENO : -1, POLLIN, 0},
			{rl->sock, POLLIN, 0},
		};
		if (poll(pf, 5, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[4].revents)
			handle_msg(rl, &cmdfd);
		if (pf[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH) {
					if (tty)
						copy_winsize(rl->ptmx);
				} else {
					int target = cmdfd >= 0 ? cmdfd : rl->signal_pidfd;
					if (target >= 0)
						sys_pidfd_send_signal(target, (int)si.ssi_signo, NULL, 0);
				}
			}
		}
		if (pf[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(rl->ptmx, buf, sizeof(buf));
			if (n > 0)
				write_all(out, buf, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(rl->ptmx);
				rl->ptmx = -1;
			}
		}
		if (pf[3].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n > 0 && rl->ptmx >= 0)
				write_all(rl->ptmx, buf, (size_t)n);
			else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				in_open = false;
		}
		if (pf[0].revents & POLLIN) {
			/* The watched process ended: take a STATUS message that may wait still. */
			while (rl->sock >= 0 && !rl->got_status) {
				struct pollfd sp = {rl->sock, POLLIN, 0};
				if (poll(&sp, 1, 0) <= 0)
					break;
				handle_msg(rl, &cmdfd);
			}
			break;
		}
	}
	/* Output the command wrote just before it ended. */
	while (rl->ptmx >= 0) {
		struct pollfd pf = {rl->ptmx, POLLIN, 0};
		if (poll(&pf, 1, 20) <= 0)
			break;
		ssize_t n = read(rl->ptmx, buf, sizeof(buf));
		if (n <= 0)
			break;
		write_all(out, buf, (size_t)n);
	}
	if (rl->ptmx >= 0) {
		close(rl->ptmx);
		rl->ptmx = -1;
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}
