/*
 * passwd and group parsing for jail users. The files belong to the jail and
 * are untrusted: they are read beneath the jail root as regular files only
 * and at most JAIL_USER_FILE_MAX bytes (a FIFO, /dev/zero, /dev/tty or a
 * sparse giant in their place fails at once, with one line), lines are
 * bounded and fields are checked. Host users (jexec -u,
 * exec.system_jail_user, exec.system_user) come from the host's own
 * databases through getpwnam(3), as FreeBSD's jail(8) does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "rootfs.h"
#include "user.h"
#include "util.h"

/* What the administrator sees for a file of the jail: ROOT/etc/passwd. */
static const char *shown_root(const char *root)
{
	return root && strcmp(root, "/") ? root : "";
}

/* Read ROOT/etc/NAME; a missing file is -ENOENT with nothing in e. */
static int read_etc(int rootfd, const char *root, const char *name, char **buf, size_t *len,
		    struct jail_err *e)
{
	int r = rootfs_read_file(rootfd, name, 0, JAIL_USER_FILE_MAX, buf, len, e);

	if (r == -ENOENT) {
		jail_err_clear(e);
		return r;
	}
	if (r < 0)
		return jail_err_prefix(e, "%s/%s", shown_root(root), name);
	return 0;
}

/* The next line of buf (at *pos) into line, at most max - 1 bytes; longer lines come back empty. */
static bool next_line(const char *buf, size_t len, size_t *pos, char *line, size_t max)
{
	const char *start = buf + *pos, *nl;
	size_t n;

	if (*pos >= len)
		return false;
	nl = memchr(start, '\n', len - *pos);
	n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n >= max)
		n = 0;
	memcpy(line, start, n);
	line[n] = '\0';
	return true;
}

/* Split a passwd/group line into at most max fields in place. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static int fill_from_passwd(const char *buf, size_t len, const char *name, bool by_uid, uid_t uid,
			    struct jail_user *u)
{
	char line[1024], *fld[7];
	size_t pos = 0;

	while (next_line(buf, len, &pos, line, sizeof(line))) {
		if (split(line, fld, 7) != 7 || !str_is_digits(fld[2]) || !str_is_digits(fld[3]))
			continue;
		if (by_uid ? (uid_t)strtoul(fld[2], NULL, 10) != uid : strcmp(fld[0], name) != 0)
			continue;
		snprintf(u->name, sizeof(u->name), "%s", fld[0]);
		u->uid = (uid_t)strtoul(fld[2], NULL, 10);
		u->gid = (gid_t)strtoul(fld[3], NULL, 10);
		snprintf(u->home, sizeof(u->home), "%s", *fld[5] ? fld[5] : "/");
		snprintf(u->shell, sizeof(u->shell), "%s", *fld[6] ? fld[6] : "/bin/sh");
		return 0;
	}
	return -ENOENT;
}

/* The user's groups from ROOT/etc/group; none besides the primary one if it is missing. */
static int fill_groups(int rootfd, const char *root, struct jail_user *u, struct jail_err *e)
{
	_cleanup_free_ char *buf = NULL;
	char line[4096], *fld[4];
	size_t len, pos = 0;
	int r;

	u->ngroups = 0;
	u->groups[u->ngroups++] = u->gid;
	r = read_etc(rootfd, root, "etc/group", &buf, &len, e);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	while (next_line(buf, len, &pos, line, sizeof(line)) && u->ngroups < JAIL_USER_MAXGROUPS) {
		if (split(line, fld, 4) != 4 || !str_is_digits(fld[2]))
			continue;
		char *save = NULL;
		for (char *m = strtok_r(fld[3], ",", &save); m; m = strtok_r(NULL, ",", &save))
			if (!strcmp(m, u->name)) {
				gid_t g = (gid_t)strtoul(fld[2], NULL, 10);
				if (g != u->gid)
					u->groups[u->ngroups++] = g;
				break;
			}
	}
	return 0;
}

int jail_user_lookup(int rootfd, const char *root, const char *name, struct jail_user *u, struct jail_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	memset(u, 0, sizeof(*u));
	r = read_etc(rootfd, root, "etc/passwd", &buf, &len, e);
	if (r == -ENOENT)
		return jail_err_sys(e, r, "%s/etc/passwd", shown_root(root));
	if (r < 0)
		return r;
	r = fill_from_passwd(buf, len, name, false, 0, u);
	if (r == -ENOENT && str_is_digits(name))
		r = fill_from_passwd(buf, len, NULL, true, (uid_t)strtoul(name, NULL, 10), u);
	if (r == -ENOENT)
		return jail_err_set(e, -ENOENT, "user '%s' not found in %s/etc/passwd", name,
				    shown_root(root));
	return fill_groups(rootfd, root, u, e);
}

int jail_user_root(int rootfd, const char *root, struct jail_user *u, struct jail_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	memset(u, 0, sizeof(*u));
	r = read_etc(rootfd, root, "etc/passwd", &buf, &len, e);
	if (r < 0 && r != -ENOENT)
		return r;
	if (r == -ENOENT || fill_from_passwd(buf, len, NULL, true, 0, u) < 0) {
		snprintf(u->name, sizeof(u->name), "root");
		snprintf(u->home, sizeof(u->home), "/");
		snprintf(u->shell, sizeof(u->shell), "/bin/sh");
	}
	return fill_groups(rootfd, root, u, e);
}

int jail_user_host(const char *name, struct jail_user *u, struct jail_err *e)
{
	struct passwd *pw;
	int n = JAIL_USER_MAXGROUPS;

	memset(u, 0, sizeof(*u));
	errno = 0;
	pw = name ? getpwnam(name) : getpwuid(getuid());
	if (!pw) {
		if (errno)
			return jail_err_sys(e, -errno, "getpwnam %s", name ? name : "");
		if (name)
			return jail_err_set(e, -ENOENT, "%s: no such user", name);
		return jail_err_set(e, -ENOENT, "unknown uid %u", (unsigned)getuid());
	}
	snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	snprintf(u->home, sizeof(u->home), "%s", *pw->pw_dir ? pw->pw_dir : "/");
	snprintf(u->shell, sizeof(u->shell), "%s", *pw->pw_shell ? pw->pw_shell : "/bin/sh");
	/* initgroups(): the host's group database, the primary group first */
	if (getgrouplist(u->name, u->gid, u->groups, &n) < 0)
		n = JAIL_USER_MAXGROUPS;
	u->ngroups = n > 0 ? n : 1;
	u->groups[0] = u->gid;
	return 0;
}
