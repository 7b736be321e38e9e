/*
 * vnet jails, built on the netlink layer (lib/netlink.c, lib/net.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "jailnet.h"
#include "net.h"
#include "netaddr.h"
#include "netlink.h"
#include "vnet.h"

bool jail_vnet_wanted(const struct jail_params *p)
{
	return !strcmp(jail_params_str(p, JP_VNET), "new");
}

static int uplinks(const struct jail_params *p)
{
	return !!jail_params_str(p, JP_VNET_BRIDGE) + !!jail_params_str(p, JP_VNET_MACVLAN) +
	       !!jail_params_str(p, JP_VNET_IPVLAN);
}

int jail_vnet_check(const struct jail_params *p, struct jail_err *e)
{
	bool addrs = jail_params_get(p, JP_IP4_ADDR)->n || jail_params_get(p, JP_IP6_ADDR)->n;
	bool extras = jail_params_get(p, JP_VNET_INTERFACE)->n || uplinks(p) ||
		      jail_params_str(p, JP_VNET_DEFAULTROUTER) || jail_params_str(p, JP_VNET_DEFAULTROUTER6);

	if (!jail_vnet_wanted(p)) {
		if (extras)
			return jail_err_set(e, -EINVAL, "vnet.interface, vnet.bridge ...: need vnet");
		return 0;
	}
	if (!strcmp(jail_params_str(p, JP_IP4), "inherit") || !strcmp(jail_params_str(p, JP_IP6), "inherit"))
		return jail_err_set(e, -EINVAL,
				    "vnet: a vnet jail cannot share the host's stack (ip4/ip6=inherit)");
	if (jail_params_str(p, JP_INTERFACE))
		return jail_err_set(e, -EINVAL,
				    "interface: not with vnet (use vnet.interface or vnet.bridge)");
	if (uplinks(p) > 1)
		return jail_err_set(e, -EINVAL, "vnet.bridge, vnet.macvlan, vnet.ipvlan: choose one");
	if (addrs && !uplinks(p))
		return jail_err_set(e, -EINVAL,
				    "ip4.addr: a vnet jail configures its own addresses; give vnet.bridge, "
				    "vnet.macvlan or vnet.ipvlan for jail(8) to put them on eth0");
	struct netaddr gw;
	if (jail_params_str(p, JP_VNET_DEFAULTROUTER) &&
	    netaddr_parse(&gw, jail_params_str(p, JP_VNET_DEFAULTROUTER), AF_INET, e) < 0)
		return jail_err_prefix(e, "vnet.defaultrouter");
	if (jail_params_str(p, JP_VNET_DEFAULTROUTER6) &&
	    netaddr_parse(&gw, jail_params_str(p, JP_VNET_DEFAULTROUTER6), AF_INET6, e) < 0)
		return jail_err_prefix(e, "vnet.defaultrouter6");
	return 0;
}

static int configure_eth0(const struct jail_params *p, int jail_netns_fd, struct jail_err *e)
{
	static struct netaddr addrs[NET_JAIL_MAX_ADDRS];
	struct nl_sock *s = NULL;
	int n = net_jail_addrs(p, addrs, NET_JAIL_MAX_ADDRS, e), r;

	if (n < 0)
		return n;
	r = nl_open_netns(&s, jail_netns_fd, e);
	if (r < 0)
		return r;
	r = nl_link_set_up(s, "eth0", true, e);
	for (int i = 0; i < n && r == 0; i++)
		r = nl_addr_add(s, "eth0", &addrs[i], NL_ADDR_NODAD, e);
	const enum jail_param_id gws[] = {JP_VNET_DEFAULTROUTER, JP_VNET_DEFAULTROUTER6};
	for (int f = 0; f < 2 && r == 0; f++) {
		const char *g = jail_params_str(p, gws[f]);
		struct netaddr gw;
		struct nl_route rt;
		if (!g)
			continue;
		r = netaddr_parse(&gw, g, f ? AF_INET6 : AF_INET, e);
		if (r == 0) {
			nl_route_default(&rt, f ? AF_INET6 : AF_INET, &gw, "eth0");
			r = nl_route_add(s, &rt, e);
		}
	}
	nl_close(s);
	return r;
}

int jail_vnet_setup(const struct jail_params *p, int jail_netns_fd, const char *host_if, struct jail_err *e)
{
	const struct jail_param_val *ifs = jail_params_get(p, JP_VNET_INTERFACE);
	size_t moved = 0;
	int r = 0;

	for (; moved < ifs->n && r == 0; moved++)
		r = net_vnet_attach(-1, jail_netns_fd, ifs->v[moved], e);
	if (r < 0) {
		moved--;
		goto undo;
	}
	if (jail_params_str(p, JP_VNET_BRIDGE))
		r = net_veth_bridge(-1, jail_netns_fd, host_if, "eth0", jail_params_str(p, JP_VNET_BRIDGE),
				    e);
	else if (jail_params_str(p, JP_VNET_MACVLAN))
		r = net_vlan_jail(-1, jail_netns_fd, jail_params_str(p, JP_VNET_MACVLAN), "eth0", false, e);
	else if (jail_params_str(p, JP_VNET_IPVLAN))
		r = net_vlan_jail(-1, jail_netns_fd, jail_params_str(p, JP_VNET_IPVLAN), "eth0", true, e);
	if (r == 0 && uplinks(p))
		r = configure_eth0(p, jail_netns_fd, e);
	if (r == 0)
		return 0;
undo:
	for (size_t i = 0; i < moved; i++)
		net_vnet_detach(-1, jail_netns_fd, ifs->v[i], NULL);
	if (jail_params_str(p, JP_VNET_BRIDGE)) {
		struct nl_sock *s = NULL;
		if (nl_open(&s, NULL) == 0) {
			nl_link_del(s, host_if, NULL);
			nl_close(s);
		}
	}
	return r;
}

void jail_vnet_teardown(const struct jail_params *p, int jail_netns_fd, const char *host_if)
{
	const struct jail_param_val *ifs = jail_params_get(p, JP_VNET_INTERFACE);

	for (size_t i = 0; jail_netns_fd >= 0 && i < ifs->n; i++)
		net_vnet_detach(-1, jail_netns_fd, ifs->v[i], NULL);
	if (jail_params_str(p, JP_VNET_BRIDGE) && host_if && host_if[0]) {
		struct nl_sock *s = NULL;
		if (nl_open(&s, NULL) == 0) {
			nl_link_del(s, host_if, NULL);
			nl_close(s);
		}
	}
}
