/*
 * The network of an ip4.addr/ip6.addr jail (FreeBSD's IP alias model) on
 * Linux: the jail's own network namespace holds exactly its addresses on
 * one veth end plus loopback; the host routes each address to the other
 * end and, for addresses tied to an interface (`interface=IF` or `IF|addr`),
 * answers ARP/NDP for them on IF. docs/networking.md explains every piece.
 * net_jail_setup() is one step of the create path; net_jail_teardown() is
 * its undo and also cleans up after a half-done setup or a crashed jail(8).
 */
#ifndef JAIL_NET_H
#define JAIL_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "jail/err.h"
#include "netaddr.h"

/* FreeBSD allows 255 addresses per family. */
#define NET_JAIL_MAX_ADDRS 510

/* The gateway the jail's default routes point at; it lives on the host
 * end of every jail's veth (one link each, so reusing it is fine). */
#define NET_JAIL_GW4 "169.254.0.1"
#define NET_JAIL_GW6 "fe80::1"

struct net_jail {
	int host_netns_fd;	     /* the host's namespace; -1 = caller's */
	int jail_netns_fd;	     /* the jail's (new, empty) namespace */
	const char *host_if;	     /* host end of the veth, e.g. "vjail3" */
	const char *jail_if;	     /* its peer in the jail, e.g. "eth0" */
	const char *interface;	     /* `interface` param, NULL if none */
	const struct netaddr *addrs; /* ip4.addr then ip6.addr, in order */
	size_t naddrs;
};

/*
 * Build the jail's network (see docs/networking.md). On failure everything
 * already made is taken away again (net_jail_teardown) and e names the
 * interface and address that failed, e.g.
 * "eth9: add proxy ARP entry for 192.0.2.27: no such interface".
 */
int net_jail_setup(const struct net_jail *j, struct jail_err *e);

/*
 * Remove what net_jail_setup made: proxy entries, host routes, the veth
 * (its jail end, addresses and jail routes go with it). Missing pieces are
 * not errors, so it is safe to call twice or after a partial setup. The
 * per-interface sysctls set on `interface` stay (see docs/networking.md).
 */
int net_jail_teardown(const struct net_jail *j, struct jail_err *e);

/*
 * The same when the jail's network namespace is going (its init has
 * ended): the proxy entries and host routes go now, so that the addresses
 * are free at once; the veth is not deleted here, which costs a few RCU
 * grace periods (20 ms): it goes with the jail's namespace, which the
 * kernel tears down after the last of its users, in the background.
 */
int net_jail_release(const struct net_jail *j, struct jail_err *e);
/*
 * The host end's name, made free: an interface so named that is still
 * there (a jail's going with its namespace) leaves name with "-1".."-9"
 * appended, the first that is free.
 */
int net_ifname_free(char *name, size_t len, struct jail_err *e);

/* --- vnet jails (own stack) -------------------------------------------- */

/*
 * vnet.interface: move host interface ifname into the jail under the same
 * name (FreeBSD's `ifconfig IF vnet JID`). A physical interface also comes
 * back by itself when the jail's namespace dies; a virtual one is destroyed.
 */
int net_vnet_attach(int host_netns_fd, int jail_netns_fd, const char *ifname, struct jail_err *e);
/* Give ifname back to the host under the same name (`ifconfig IF -vnet`).
 * Like FreeBSD it goes by name, so a jail that renamed it must rename back. */
int net_vnet_detach(int host_netns_fd, int jail_netns_fd, const char *ifname, struct jail_err *e);

/* A veth whose host end host_if is enslaved to bridge and whose peer
 * jail_if is born in the jail; both ends and the jail's lo are up. */
int net_veth_bridge(int host_netns_fd, int jail_netns_fd, const char *host_if, const char *jail_if,
		    const char *bridge, struct jail_err *e);
/* A macvlan (bridge mode) or ipvlan (l2) on the host's parent, born in the
 * jail as jail_if and set up there with the jail's lo. */
int net_vlan_jail(int host_netns_fd, int jail_netns_fd, const char *parent, const char *jail_if, bool ipvlan,
		  struct jail_err *e);

#endif
