/*
 * The layout of a thin jail root, as mkjail(8) makes it: DIR/upper,
 * DIR/work, DIR/root (the mount point) and DIR/thin.conf naming the base.
 */
#ifndef JAIL_THIN_H
#define JAIL_THIN_H

#include "jail/err.h"

#define JAIL_THIN_CONF "thin.conf"

struct jail_thin {
	char base[4096];  /* lowerdir, absolute */
	char upper[4096]; /* DIR/upper */
	char work[4096];  /* DIR/work */
	char root[4096];  /* DIR/root: where the merged tree is mounted */
};

/* Read DIR/thin.conf; -ENOENT when DIR is not a thin root. */
int jail_thin_read(const char *dir, struct jail_thin *t, struct jail_err *e);

#endif
