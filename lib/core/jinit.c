/*
 * Running jinit (lib/init/jinit.c) from a sealed memfd. The program is
 * linked into libjail as bytes (jinit_blob.S); each use copies it into a
 * memfd, seals it (no write, grow, shrink or further seal), and executes
 * that: the file a jail's process can reach through /proc/PID/exe can be
 * neither written nor replaced.
 *
 * The memfd is mode 0711. Made by host root before the jail's user namespace
 * is joined, it is a file jailed root may execute but not read (its owner is
 * not mapped in the jail), so the kernel runs it non-dumpable with its memory
 * accounted to the host's user namespace: jailed root, even with
 * CAP_SYS_PTRACE in its own, can neither ptrace a process running it, nor
 * open its /proc/PID/mem, nor take its fds with pidfd_getfd (the init's and
 * the exec stub's socket to the host's jail or jexec).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jinit.h"
#include "util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

extern const char jail_jinit_blob[], jail_jinit_blob_end[];

int jail_jinit_fd(struct jail_err *e)
{
	size_t len = (size_t)(jail_jinit_blob_end - jail_jinit_blob);
	int fd = memfd_create("jinit", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL) /* before Linux 6.3 there is no MFD_EXEC: executable is the default */
		fd = memfd_create("jinit", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return jail_err_sys(e, -errno, "jinit: memfd");
	if (write_all(fd, jail_jinit_blob, len) < 0 || fchmod(fd, 0711) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		int r = -errno;
		close(fd);
		return jail_err_sys(e, r, "jinit: sealing its memfd");
	}
	return fd;
}

/* The socket must survive the exec into jinit (which closes it on its own exec). */
static int keep_open(int sock)
{
	return sock < 0 || fcntl(sock, F_SETFD, 0) == 0 ? 0 : -errno;
}

int jail_jinit_init(int memfd, int sock, pid_t cmd, unsigned flags, struct jail_err *e)
{
	/* Its orders in the environment: its command line stays "init", as ps in the jail shows it. */
	char spec[64];
	char *argv[] = {"init", NULL};
	char *envp[] = {spec, NULL};

	snprintf(spec, sizeof(spec), "JINIT=%d %d %u", sock, (int)cmd, flags);
	if (keep_open(sock) < 0)
		return jail_err_sys(e, -errno, "jinit: socket");
	execveat(memfd, "", argv, envp, AT_EMPTY_PATH);
	return jail_err_sys(e, -errno, "jinit: exec");
}

int jail_jinit_exec(int memfd, int sock, const char *path, char *const *argv, char *const *envp,
		    struct jail_err *e)
{
	size_t n = 0;
	char s[16], **v;

	while (argv[n])
		n++;
	v = calloc(n + 5, sizeof(*v));
	if (!v)
		return jail_err_set(e, -ENOMEM, "out of memory");
	snprintf(s, sizeof(s), "%d", sock);
	v[0] = argv[0];
	v[1] = "exec";
	v[2] = s;
	v[3] = (char *)path;
	memcpy(v + 4, argv, n * sizeof(*v));
	if (keep_open(sock) < 0) {
		free(v);
		return jail_err_sys(e, -errno, "jinit: socket");
	}
	execveat(memfd, "", v, (char *const *)envp, AT_EMPTY_PATH);
	free(v);
	return jail_err_sys(e, -errno, "exec %s", argv[0]);
}
