/*
 * passwd and group parsing for jail users. The files belong to the jail and
 * are untrusted: lines are bounded, fields are checked, and the files are
 * opened beneath the jail root without following symlinks out of it.
 * Host users (jexec -u, exec.system_jail_user, exec.system_user) come from
 * the host's own databases through getpwnam(3), as FreeBSD's jail(8) does.
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
#include "sys.h"
#include "user.h"
#include "util.h"

static FILE *open_etc(int rootfd, const char *name)
{
	int fd = open_in_root(rootfd, name, O_RDONLY | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "re");
	if (!f)
		close(fd);
	return f;
}

/* Split a passwd/group line into at most max fields in place. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static int fill_from_passwd(int rootfd, const char *name, bool by_uid, uid_t uid, struct jail_user *u)
{
	_cleanup_fclose_ FILE *f = open_etc(rootfd, "etc/passwd");
	char line[1024], *fld[7];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
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

static void fill_groups(int rootfd, struct jail_user *u)
{
	_cleanup_fclose_ FILE *f = open_etc(rootfd, "etc/group");
	char line[4096], *fld[4];

	u->ngroups = 0;
	u->groups[u->ngroups++] = u->gid;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && u->ngroups < JAIL_USER_MAXGROUPS) {
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
}

int jail_user_lookup(int rootfd, const char *root, const char *name, struct jail_user *u, struct jail_err *e)
{
	int r;

	memset(u, 0, sizeof(*u));
	r = fill_from_passwd(rootfd, name, false, 0, u);
	if (r == -ENOENT && str_is_digits(name))
		r = fill_from_passwd(rootfd, NULL, true, (uid_t)strtoul(name, NULL, 10), u);
	if (r == -ENOENT)
		return jail_err_set(e, -ENOENT, "user '%s' not found in %s/etc/passwd", name,
				    strcmp(root, "/") ? root : "");
	if (r < 0)
		return jail_err_sys(e, r, "%s/etc/passwd", strcmp(root, "/") ? root : "");
	fill_groups(rootfd, u);
	return 0;
}

void jail_user_root(int rootfd, struct jail_user *u)
{
	memset(u, 0, sizeof(*u));
	if (fill_from_passwd(rootfd, NULL, true, 0, u) < 0) {
		snprintf(u->name, sizeof(u->name), "root");
		snprintf(u->home, sizeof(u->home), "/");
		snprintf(u->shell, sizeof(u->shell), "/bin/sh");
	}
	fill_groups(rootfd, u);
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
