/*
 * A jail's network parameters in the forms lib/net works with.
 */
#ifndef JAIL_JAILNET_H
#define JAIL_JAILNET_H

#include <stddef.h>

#include "jail/err.h"
#include "jail/param.h"
#include "netaddr.h"

/* ip4.addr then ip6.addr, parsed into out. Returns the count. */
int net_jail_addrs(const struct jail_params *p, struct netaddr *out, size_t max, struct jail_err *e);
/* The inode of the caller's network namespace (0 if unknown). */
unsigned long long net_netns_self(void);
/*
 * Open the network namespace of inode ino again: the caller's, one pinned
 * under /run/netns (ip netns), or one a process is in. -ENOENT when none
 * is found: the namespace is gone, and with it all it held.
 */
int net_netns_open_ino(unsigned long long ino);
/* ip_hostname (-h): add every address the host's resolver gives for host.hostname to p. */
int net_hostname_addrs(struct jail_params *p, struct jail_err *e);

#endif
