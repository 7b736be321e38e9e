/*
 * vnet jails: a network stack of the jail's own that the jail configures
 * itself (it keeps CAP_NET_ADMIN), with host interfaces moved in
 * (vnet.interface, given back on removal, FreeBSD's `ifconfig IF vnet J`)
 * and the Handbook's epair + bridge recipe as parameters: vnet.bridge makes
 * a veth whose host end joins a bridge, vnet.macvlan / vnet.ipvlan make an
 * interface on a host parent; either appears in the jail as eth0 carrying
 * ip4.addr / ip6.addr and a default route via vnet.defaultrouter(6).
 */
#ifndef JAIL_VNET_H
#define JAIL_VNET_H

#include <stdbool.h>

#include "jail/err.h"
#include "jail/param.h"

bool jail_vnet_wanted(const struct jail_params *p);
/* Check the vnet parameters before anything is made. */
int jail_vnet_check(const struct jail_params *p, struct jail_err *e);
/* Build it in the jail's (new) namespace; host_if names the veth's host end. */
int jail_vnet_setup(const struct jail_params *p, int jail_netns_fd, const char *host_if, struct jail_err *e);
/* Give vnet.interface back (while the jail's namespace still exists) and delete the host veth. */
void jail_vnet_teardown(const struct jail_params *p, int jail_netns_fd, const char *host_if);

#endif
