/*
 * Thin jail roots (mkjail thin): DIR/thin.conf names a read-only base, and
 * jail(8) mounts an overlay of that base and DIR/upper on DIR/root inside
 * the jail. This reads the layout; libmkroot writes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "thin.h"

int jail_thin_read(const char *dir, struct jail_thin *t, struct jail_err *e)
{
	_cleanup_close_ int dfd = -1, fd = -1;
	char buf[8192], absdir[PATH_MAX];
	char *line, *save = NULL;
	ssize_t n;

	memset(t, 0, sizeof(*t));
	if (!realpath(dir, absdir))
		return jail_err_sys(e, -errno, "%s", dir);
	dfd = open(absdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return jail_err_sys(e, -errno, "%s", dir);
	fd = openat(dfd, JAIL_THIN_CONF, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return jail_err_sys(e, -errno, "%s/%s", dir, JAIL_THIN_CONF);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return jail_err_sys(e, -errno, "%s/%s", dir, JAIL_THIN_CONF);
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "base=", 5))
			snprintf(t->base, sizeof(t->base), "%s", line + 5);
	}
	if (t->base[0] != '/')
		return jail_err_set(e, -EINVAL, "%s/%s: no absolute base= line", dir, JAIL_THIN_CONF);
	if ((size_t)snprintf(t->upper, sizeof(t->upper), "%s/upper", absdir) >= sizeof(t->upper) ||
	    (size_t)snprintf(t->work, sizeof(t->work), "%s/work", absdir) >= sizeof(t->work) ||
	    (size_t)snprintf(t->root, sizeof(t->root), "%s/root", absdir) >= sizeof(t->root))
		return jail_err_set(e, -ENAMETOOLONG, "%s: path too long", dir);
	return 0;
}
