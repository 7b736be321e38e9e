/*
 * The console socket of `create --console-socket PATH` (runtime.md and the
 * runtime-tools CLI text): when process.terminal is true the runtime makes
 * a pty and hands its master to whoever listens on PATH, one message whose
 * SCM_RIGHTS carries the fd and whose payload is
 * {"type":"terminal","container":ID}. conmon and containerd's shim read
 * only the fd; runtime-tools also reads the payload.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "jail/oci.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

int oci_console_send(const char *path, int ptmfd, const char *id, struct jail_err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = {0};
	struct iovec iov;
	struct cmsghdr *c;
	json_t *j;
	char *payload;
	int fd, r = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return jail_err_set(e, -ENAMETOOLONG, "--console-socket %s: path too long for a socket",
				    path);
	strcpy(sa.sun_path, path);
	j = json_pack("{s:s, s:s}", "type", "terminal", "container", id);
	payload = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!payload)
		return jail_err_set(e, -ENOMEM, "out of memory");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		goto out;
	}
	memset(&ctl, 0, sizeof(ctl));
	iov.iov_base = payload;
	iov.iov_len = strlen(payload);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &ptmfd, sizeof(int));
	while (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR) {
			r = -errno;
			break;
		}
out:
	if (fd >= 0)
		close(fd);
	free(payload);
	return r < 0 ? jail_err_sys(e, r, "--console-socket %s", path) : 0;
}

int oci_pty_open(int devptsfd, int *master, int *slave, struct jail_err *e)
{
	int m, s;

	m = devptsfd >= 0 ? openat(devptsfd, "ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
			  : open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return jail_err_sys(e, -errno, "ptmx");
	if (unlockpt(m) < 0) {
		int r = -errno;
		close(m);
		return jail_err_sys(e, r, "unlockpt");
	}
	/* The peer by fd, not by a /dev/pts/N path someone could swap. */
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		int r = -errno;
		close(m);
		return jail_err_sys(e, r, "TIOCGPTPEER");
	}
	*master = m;
	*slave = s;
	return 0;
}
