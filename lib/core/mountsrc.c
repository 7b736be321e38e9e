/*
 * Opening bind-mount sources without following symlinks: one openat2 with
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, so the kernel refuses every
 * symlink on the path in the same walk that opens it (no check-then-use
 * window), and "." and ".." are refused before it, since a jailed root that
 * renames directories under its root moves where a ".." lands.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>

#include "mountsrc.h"
#include "sys.h"

/* Whether path has a "." or ".." component. */
static bool has_dots(const char *path)
{
	for (const char *p = path; *p;) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		p += len;
	}
	return false;
}

int jail_mount_source_open(const char *src, struct jail_err *e)
{
	int fd;

	if (src[0] != '/')
		return jail_err_set(e, -EINVAL, "mount: %s: not an absolute path", src);
	if (has_dots(src))
		return jail_err_set(e, -EINVAL, "mount: %s: '.' or '..' in the path; give the real path",
				    src);
	fd = open_in_root(AT_FDCWD, src, O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd >= 0)
		return fd;
	if (errno == ELOOP)
		return jail_err_set(e, -ELOOP, "mount: %s: a symbolic link on the way; give the real path",
				    src);
	return jail_err_sys(e, -errno, "mount: %s", src);
}
