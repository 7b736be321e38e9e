/*
 * Unit tests for jail_preflight(), the call jail(8) makes before it mounts
 * anything: the flags select the checks, each problem reaches the callback
 * as one line, the return value counts them, and e holds the first. The
 * root is a temporary directory with a host binary copied in, so no root
 * privilege is needed.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "jail/preflight.h"
#include "core/rootfs.h"
#include "t.h"

struct lines {
	char v[16][256];
	int n;
};

static void collect(void *arg, const char *problem)
{
	struct lines *l = arg;

	if (l->n < 16)
		snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", problem);
}

static void copy(int rootfd, const char *from, const char *to, mode_t mode)
{
	_cleanup_close_ int in = open(from, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int out = openat(rootfd, to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (in < 0 || out < 0 || rootfs_copy_data(in, out) < 0)
		printf("# copy %s failed\n", from);
}

int main(void)
{
	char dir[] = "/tmp/test_preflight.XXXXXX";
	struct jail_err e = {0};
	struct lines l = {0};
	_cleanup_close_ int rootfd = -1;
	const char *progs[] = {"/bin/true", NULL};
	int r;

	if (!mkdtemp(dir))
		return 1;
	rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	r = jail_preflight(rootfd, NULL, JAIL_PREFLIGHT_ALL, collect, &l, &e);
	T_INT(r, 4, "empty root: four problems");
	T_STR(l.v[0], "/bin/sh: missing (the shell exec.start and jexec use)", "shell line");
	T_STR(e.msg, "/bin/sh: missing (the shell exec.start and jexec use) (and 3 more)",
	      "e holds the first problem and the count");
	T_INT(e.code, -ENOENT, "e->code");

	memset(&l, 0, sizeof(l));
	r = jail_preflight(rootfd, NULL, JAIL_PREFLIGHT_PROC, collect, &l, &e);
	T_INT(r, 1, "flags select the checks");
	T_STR(l.v[0], "/proc: missing (mount point for mount.procfs)", "proc line");

	/* A dynamically linked program with nothing it needs. */
	rootfs_mkdir_p(rootfd, "bin", 0755, NULL);
	copy(rootfd, "/bin/true", "bin/true", 0755);
	memset(&l, 0, sizeof(l));
	r = jail_preflight(rootfd, progs, 0, collect, &l, &e);
	T_INT(r, 2, "interpreter and libc missing");
	T_OK(strstr(l.v[0], "missing (program interpreter of /bin/true)") != NULL, "interpreter line: %s",
	     l.v[0]);
	T_STR(l.v[1], "libc.so.6: missing (needed by /bin/true)", "library line");

	/* Not executable (checked before its libraries). */
	T_INT(fchmodat(rootfd, "bin/true", 0644, 0), 0, "chmod 644");
	memset(&l, 0, sizeof(l));
	r = jail_preflight(rootfd, progs, 0, collect, &l, &e);
	T_INT(r, 1, "mode 644 program");
	T_STR(l.v[0], "/bin/true: not executable", "not executable line");

	T_INT(jail_preflight_path("/nonexistent/root", NULL, 0, NULL, NULL, &e), -ENOENT,
	      "a missing root is an error, not a problem count");
	T_STR(e.msg, "/nonexistent/root: No such file or directory", "its message");

	rootfs_rm_tree(AT_FDCWD, dir, &e);
	T_DONE();
}
