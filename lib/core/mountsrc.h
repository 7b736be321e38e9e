/*
 * Sources of bind mounts (mount, mount.fstab). A source is a host path the
 * administrator wrote, but its directories may lie in a jail root that a
 * jailed root controls: jail A turns /srv/a/export into a symlink to /, and
 * jail B, given "/srv/a/export /srv/b/mnt nullfs", would get the host's /.
 * A source is therefore opened without following any symlink and refused
 * when one lies on the way; the bind is then made from the fd, so nothing
 * can swap the path between the check and the mount.
 */
#ifndef JAIL_MOUNTSRC_H
#define JAIL_MOUNTSRC_H

#include "jail/err.h"

/*
 * Open the bind source src (an absolute host path) as an O_PATH fd, with
 * no symlink, no /proc magic link and no "." or ".." component anywhere
 * in it. Returns the fd or -errno with one line in e:
 *   mount: /srv/a/export: a symbolic link on the way; give the real path
 */
int jail_mount_source_open(const char *src, struct jail_err *e);

#endif
