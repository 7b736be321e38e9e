/*
 * Internals shared by the mkroot_*.c files: the build-in-a-temporary-
 * directory-then-rename transaction, and copying host files and trees into
 * the root being built.
 */
#ifndef JAIL_MKROOT_INT_H
#define JAIL_MKROOT_INT_H

#include <limits.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "jail/mkroot.h"

struct mkroot_build {
	char dir[PATH_MAX];	 /* the final DIR as given */
	char tmp[PATH_MAX];	 /* DIR.tmp-XXXXXX */
	int parentfd;		 /* DIR's parent directory */
	char name[NAME_MAX + 1]; /* DIR's last component */
	char tmpname[NAME_MAX + 1];
	int rootfd; /* the tmp root being filled */
	int hostfd; /* "/" of the host, source of copies */
	int exists; /* DIR existed (and was empty or --force) */
	struct mkroot_stats *st;
};

int mkroot_begin(struct mkroot_build *b, const char *dir, int force, struct mkroot_stats *st,
		 struct jail_err *e);
int mkroot_commit(struct mkroot_build *b, struct jail_err *e);
/* Remove the temporary root and close fds; safe after commit too. */
void mkroot_abort(struct mkroot_build *b);

/* Write text to path inside the new root (replacing it), with mode. */
int mkroot_write(struct mkroot_build *b, const char *path, mode_t mode, const char *text, struct jail_err *e);
/* Directory (and parents) inside the new root, mode applied to the last. */
int mkroot_mkdir(struct mkroot_build *b, const char *path, mode_t mode, struct jail_err *e);
/* Copy a host path into the same path of the new root, replicating every
 * symlink on the way; a directory is copied whole. */
int mkroot_copy_host(struct mkroot_build *b, const char *path, struct jail_err *e);
/* Copy the tree under srcfd into dstfd (owners, modes, times, symlinks,
 * device nodes, security.capability). */
int mkroot_copy_tree(int srcfd, int dstfd, struct mkroot_stats *st, int depth, struct jail_err *e);
/* Copy a regular file as name in dstdir; an existing one is left alone (a
 * library reached twice). show names it in messages. */
int mkroot_copy_file(int in, const struct stat *st, int dstdir, const char *name, const char *show,
		     struct mkroot_stats *stats, struct jail_err *e);
/* An absolute path inside the root as the relative path the *at calls take. */
const char *mkroot_rel(const char *path);

#endif
