/*
 * Users of a jail, read from the jail's own /etc/passwd and /etc/group with
 * fd-relative opens beneath the jail root, regular files only. NSS is never used here: it would
 * load the jail's libraries into a host process.
 */
#ifndef JAIL_USER_H
#define JAIL_USER_H

#include <sys/types.h>

#include "jail/err.h"

#define JAIL_USER_MAXGROUPS 64
#define JAIL_USER_FILE_MAX  (16L * 1024 * 1024) /* bytes of /etc/passwd or /etc/group read */

struct jail_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	char home[256];
	char shell[256];
	int ngroups;
	gid_t groups[JAIL_USER_MAXGROUPS];
};

/*
 * Look a user up by name (or numeric uid) in ROOT/etc/passwd and its groups
 * in ROOT/etc/group (root is only the name shown in messages). A file that
 * is not a regular one or is too large fails with one line naming it.
 */
int jail_user_lookup(int rootfd, const char *root, const char *name, struct jail_user *u, struct jail_err *e);
/* A user of the host's passwd and groups (NULL: the caller's uid); "NAME: no such user". */
int jail_user_host(const char *name, struct jail_user *u, struct jail_err *e);
/* The root user of a jail: uid 0 with its passwd entry if there is one
 * (none, or no passwd file, is fine; a hostile file is not). */
int jail_user_root(int rootfd, const char *root, struct jail_user *u, struct jail_err *e);

#endif
