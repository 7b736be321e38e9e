/*
 * Unit tests for jail_mount_source_open(): a bind source is opened only
 * when no component of it is a symlink (the two-jail attack of issue 10:
 * jail A's /export turned into a symlink to /), a magic link, "." or "..";
 * each refusal is one line naming the source. Plain files and directories
 * open as O_PATH fds of the very inode named.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mountsrc.h"
#include "t.h"

static char dir[PATH_MAX];

static const char *at(const char *rel)
{
	static char buf[4][PATH_MAX + 64];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, PATH_MAX + 64, "%s/%s", dir, rel);
	return b;
}

/* The source opens, and names the same inode as a plain stat of it. */
static void opens(const char *rel, const char *what)
{
	struct jail_err e = {0};
	struct stat a, b;
	int fd = jail_mount_source_open(at(rel), &e);

	T_OK(fd >= 0 && fstat(fd, &a) == 0 && lstat(at(rel), &b) == 0 && a.st_ino == b.st_ino &&
		     a.st_dev == b.st_dev,
	     "%s opens", what);
	T_OK(fd < 0 || (fcntl(fd, F_GETFL) & O_PATH), "%s: an O_PATH fd", what);
	T_OK(fd < 0 || (fcntl(fd, F_GETFD) & FD_CLOEXEC), "%s: close-on-exec", what);
	if (fd >= 0)
		close(fd);
}

static void refused(const char *src, int code, const char *msg, const char *what)
{
	struct jail_err e = {0};
	int fd = jail_mount_source_open(src, &e);

	T_INT(fd, code, "%s is refused", what);
	T_STR(e.msg, msg, "%s: one line naming the source", what);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	char tmpl[] = "/tmp/test_mountsrc.XXXXXX", msg[PATH_MAX + 128];

	if (!mkdtemp(tmpl) || !realpath(tmpl, dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	if (mkdir(at("a"), 0755) < 0 || mkdir(at("a/export"), 0755) < 0 || mkdir(at("a/real"), 0755) < 0 ||
	    close(open(at("a/real/file"), O_CREAT | O_WRONLY, 0644)) < 0 || symlink("/", at("a/evil")) < 0 ||
	    symlink("real", at("a/rel")) < 0 || symlink(at("a"), at("alink")) < 0) {
		printf("Bail out! setup: %s\n", strerror(errno));
		return 1;
	}

	opens("a/export", "a directory");
	opens("a/real/file", "a regular file");

	/* The attack: a jail turned its /export into a symlink to /. */
	snprintf(msg, sizeof(msg), "mount: %s: a symbolic link on the way; give the real path", at("a/evil"));
	refused(at("a/evil"), -ELOOP, msg, "a symlink to / as the source");
	snprintf(msg, sizeof(msg), "mount: %s: a symbolic link on the way; give the real path",
		 at("a/evil/etc"));
	refused(at("a/evil/etc"), -ELOOP, msg, "a path through a symlink to /");
	snprintf(msg, sizeof(msg), "mount: %s: a symbolic link on the way; give the real path", at("a/rel"));
	refused(at("a/rel"), -ELOOP, msg, "a relative symlink inside the same tree");
	snprintf(msg, sizeof(msg), "mount: %s: a symbolic link on the way; give the real path",
		 at("alink/export"));
	refused(at("alink/export"), -ELOOP, msg, "a symlink in a parent directory");
	refused("/proc/self/root/etc", -ELOOP,
		"mount: /proc/self/root/etc: a symbolic link on the way; give the real path",
		"a /proc magic link");

	snprintf(msg, sizeof(msg), "mount: %s: '.' or '..' in the path; give the real path",
		 at("a/export/../../.."));
	refused(at("a/export/../../.."), -EINVAL, msg, "a path with '..'");
	snprintf(msg, sizeof(msg), "mount: %s: '.' or '..' in the path; give the real path",
		 at("a/./export"));
	refused(at("a/./export"), -EINVAL, msg, "a path with '.'");
	mkdir(at("a/..export"), 0755);
	opens("a/..export", "a name that merely starts with dots");
	refused("relative/path", -EINVAL, "mount: relative/path: not an absolute path", "a relative path");
	snprintf(msg, sizeof(msg), "mount: %s: No such file or directory", at("a/missing"));
	refused(at("a/missing"), -ENOENT, msg, "a missing source");

	/* After the refusals the tree is as it was: nothing was followed or made. */
	T_OK(access(at("a/export/etc"), F_OK) < 0, "nothing appeared under the real directory");
	snprintf(msg, sizeof(msg), "rm -rf '%s'", dir);
	if (system(msg) != 0)
		printf("# could not remove %s\n", dir);
	T_DONE();
}
