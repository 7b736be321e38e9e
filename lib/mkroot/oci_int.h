/*
 * Internals of mkjail's OCI image kind: the layer applier (layer.c) that
 * oci.c calls for each verified layer.
 */
#ifndef JAIL_MKROOT_OCI_INT_H
#define JAIL_MKROOT_OCI_INT_H

#include <errno.h>

#include "core/sys.h"
#include "jail/mkroot.h"

/* openat2 returning the fd or -errno. */
static inline int oci_openat2(int dfd, const char *path, int flags, unsigned long long resolve)
{
	int fd = open_in_root(dfd, path, flags, resolve);

	return fd < 0 ? -errno : fd;
}

struct layer_ctx {
	int rootfd;	   /* the root being built */
	const char *label; /* "layer 2 (sha256:0123456789ab)" for messages */
	struct mkroot_stats *st;
};

/* Apply the tar stream (any compression) in layerfd to the root. */
int mkroot_layer_apply(const struct layer_ctx *c, int layerfd, struct jail_err *e);

#endif
