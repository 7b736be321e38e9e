/*
 * Checking a jail root before anything is mounted: does it hold the shell
 * exec.start and jexec use, /etc/passwd, the /dev and /proc mount points,
 * and every program the jail will run together with its interpreter and
 * libraries? One line per problem, saying what is missing and who needs
 * it. The root is untrusted: every path is resolved inside it with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS).
 */
#ifndef JAIL_PREFLIGHT_H
#define JAIL_PREFLIGHT_H

#include "jail/err.h"

#define JAIL_PREFLIGHT_SHELL  0x1u /* /bin/sh runs (exec.start, jexec) */
#define JAIL_PREFLIGHT_PASSWD 0x2u /* /etc/passwd exists */
#define JAIL_PREFLIGHT_DEV    0x4u /* /dev is a directory (mount.devfs) */
#define JAIL_PREFLIGHT_PROC   0x8u /* /proc is a directory (mount.procfs) */
#define JAIL_PREFLIGHT_ALL    0xfu

#define JAIL_PREFLIGHT_MAX_PROGRAMS 256

/* Called once per problem with a line such as
 *   "libpcre2-8.so.0: missing (needed by /usr/sbin/nginx)"
 *   "/bin/sh: missing (the shell exec.start and jexec use)"
 * Paths are inside the root. */
typedef void (*jail_preflight_fn)(void *arg, const char *problem);

/* Check the root open at rootfd (any fd of the directory, O_PATH is fine).
 * programs: absolute paths inside the root or names looked up in the
 * root's /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin;
 * NULL or empty for none. "#!" scripts are followed to their interpreter.
 * Returns 0 when nothing is missing; the number of problems (> 0) when
 * something is, with e holding the first one (code -ENOENT, exit 1); a
 * negative errno (e filled) when the check itself could not run, e.g. the
 * root does not exist. fn may be NULL. */
int jail_preflight(int rootfd, const char *const *programs, unsigned flags, jail_preflight_fn fn, void *arg,
		   struct jail_err *e);

/* The same for a root given by path (opened O_PATH|O_DIRECTORY). */
int jail_preflight_path(const char *root, const char *const *programs, unsigned flags, jail_preflight_fn fn,
			void *arg, struct jail_err *e);

#endif
