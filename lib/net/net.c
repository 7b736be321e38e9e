/*
 * ip4.addr/ip6.addr jail plumbing built from the netlink layer: a veth
 * whose jail end holds the jail's addresses, host routes to them, default
 * routes in the jail through the host end, proxy ARP/NDP entries on the
 * published interface, and the teardown of all of it. The reasoning behind
 * each piece is in docs/networking.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "netlink.h"

struct socks {
	struct nl_sock *h, *j;
};

static void socks_close(struct socks *s)
{
	nl_close(s->h);
	nl_close(s->j);
	s->h = s->j = NULL;
}

/* The interface on which a's address is published, or NULL. */
static const char *proxy_if(const struct net_jail *j, const struct netaddr *a)
{
	if (a->ifname[0])
		return a->ifname;
	if (j->interface && j->interface[0])
		return j->interface;
	return NULL;
}

static bool has_family(const struct net_jail *j, int family)
{
	for (size_t i = 0; i < j->naddrs; i++)
		if (j->addrs[i].family == family)
			return true;
	return false;
}

static int check(const struct net_jail *j, struct jail_err *e)
{
	if (!j->host_if || !netaddr_ifname_valid(j->host_if))
		return jail_err_set(e, -EINVAL, "'%s': invalid interface name",
				    j->host_if ? j->host_if : "(null)");
	if (!j->jail_if || !netaddr_ifname_valid(j->jail_if))
		return jail_err_set(e, -EINVAL, "'%s': invalid interface name",
				    j->jail_if ? j->jail_if : "(null)");
	if (j->interface && j->interface[0] && !netaddr_ifname_valid(j->interface))
		return jail_err_set(e, -EINVAL, "interface: '%s': invalid interface name", j->interface);
	if (j->jail_netns_fd < 0)
		return jail_err_set(e, -EBADF, "%s: no jail network namespace", j->host_if);
	if (j->naddrs > NET_JAIL_MAX_ADDRS || (j->naddrs && !j->addrs))
		return jail_err_set(e, -E2BIG, "too many addresses (%zu)", j->naddrs);
	return 0;
}

/* A sysctl that only exists on newer kernels may be missing. */
static int sysctl_opt(int netns_fd, const char *dir, const char *ifname, const char *name, const char *value,
		      bool optional, struct jail_err *e)
{
	char key[128];
	int r;

	snprintf(key, sizeof(key), "%s/%s/%s", dir, ifname, name);
	r = nl_sysctl_set(netns_fd, key, value, NULL, 0, e);
	if (r == -ENOENT && optional)
		return 0;
	return r;
}

/*
 * The kernel answers a proxied neighbour solicitation only when the
 * interface's IPv6 "forwarding" is on, and that switch also makes it ignore
 * router advertisements on the interface when accept_ra is 1; 2 keeps the
 * host's own autoconfiguration working. force_forwarding (Linux 6.17+) lets
 * packets arriving on the interface be forwarded without the global switch.
 */
static int proxy_ndp_sysctls(int fd, const char *pif, struct jail_err *e)
{
	char key[128], old[16];
	int r;

	r = sysctl_opt(fd, "net/ipv6/conf", pif, "proxy_ndp", "1", false, e);
	if (r < 0)
		return r;
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_ra", pif);
	r = nl_sysctl_get(fd, key, old, sizeof(old), e);
	if (r == 0 && strcmp(old, "1") == 0)
		r = nl_sysctl_set(fd, key, "2", NULL, 0, e);
	if (r < 0)
		return r;
	r = sysctl_opt(fd, "net/ipv6/conf", pif, "forwarding", "1", false, e);
	if (r < 0)
		return r;
	return sysctl_opt(fd, "net/ipv6/conf", pif, "force_forwarding", "1", true, e);
}

/* The host's forwarding/proxy switches, all per interface: see
 * docs/networking.md for why each is needed and why none is global. */
static int host_sysctls(const struct net_jail *j, struct jail_err *e)
{
	bool v4 = has_family(j, AF_INET), v6 = has_family(j, AF_INET6);
	int fd = j->host_netns_fd, r;

	if (v4) {
		r = sysctl_opt(fd, "net/ipv4/conf", j->host_if, "forwarding", "1", false, e);
		/* Strict reverse-path check on the jail's link: a packet
		 * from the jail whose source is not one of its addresses
		 * (a jail root that added an address) is dropped. */
		if (r == 0)
			r = sysctl_opt(fd, "net/ipv4/conf", j->host_if, "rp_filter", "1", false, e);
		if (r < 0)
			return r;
	}
	if (v6) {
		r = sysctl_opt(fd, "net/ipv6/conf", j->host_if, "force_forwarding", "1", true, e);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < j->naddrs; i++) {
		const struct netaddr *a = &j->addrs[i];
		const char *pif = proxy_if(j, a);

		if (!pif)
			continue;
		if (a->family == AF_INET) {
			r = sysctl_opt(fd, "net/ipv4/conf", pif, "forwarding", "1", false, e);
		} else {
			r = proxy_ndp_sysctls(fd, pif, e);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* Inside the jail: lo, the veth end, each address as a host address,
 * default routes through the host end. */
static int jail_side(const struct net_jail *j, struct nl_sock *js, struct jail_err *e)
{
	struct netaddr gw;
	struct nl_route rt;
	int r;

	r = nl_link_set_up(js, "lo", true, e);
	if (r == 0)
		r = nl_link_set_up(js, j->jail_if, true, e);
	for (size_t i = 0; r == 0 && i < j->naddrs; i++) {
		struct netaddr a = j->addrs[i];

		a.prefixlen = netaddr_maxprefix(&a);
		r = nl_addr_add(js, j->jail_if, &a, NL_ADDR_NODAD, e);
	}
	if (r == 0 && has_family(j, AF_INET)) {
		netaddr_from_literal(&gw, NET_JAIL_GW4, 32);
		nl_route_default(&rt, AF_INET, &gw, j->jail_if);
		r = nl_route_add(js, &rt, e);
	}
	if (r == 0 && has_family(j, AF_INET6)) {
		netaddr_from_literal(&gw, NET_JAIL_GW6, 64);
		nl_route_default(&rt, AF_INET6, &gw, j->jail_if);
		rt.onlink = false; /* link-local: on-link by definition */
		r = nl_route_add(js, &rt, e);
	}
	return r;
}

/* On the host: the veth end with the gateway addresses, a host route per
 * jail address, proxy entries on the published interface. */
static int host_side(const struct net_jail *j, struct nl_sock *hs, size_t *nroutes, size_t *nproxies,
		     struct jail_err *e)
{
	struct netaddr gw;
	struct nl_route rt;
	int r;

	r = nl_link_set_up(hs, j->host_if, true, e);
	if (r == 0 && has_family(j, AF_INET)) {
		/* Scope host: answered for the jail's ARP, but never chosen
		 * as the source of the host's own packets to the jail. */
		netaddr_from_literal(&gw, NET_JAIL_GW4, 32);
		r = nl_addr_add(hs, j->host_if, &gw, NL_ADDR_SCOPE_HOST, e);
	}
	if (r == 0 && has_family(j, AF_INET6)) {
		/* NODAD: a tentative link-local would stall neighbour
		 * discovery toward the jail for about a second. */
		netaddr_from_literal(&gw, NET_JAIL_GW6, 64);
		r = nl_addr_add(hs, j->host_if, &gw, NL_ADDR_NODAD, e);
	}
	/* EEXIST here usually means another jail has the same address. */
	for (size_t i = 0; r == 0 && i < j->naddrs; i++) {
		nl_route_host(&rt, &j->addrs[i], j->host_if);
		r = nl_route_add(hs, &rt, e);
		if (r == 0)
			*nroutes = i + 1;
	}
	for (size_t i = 0; r == 0 && i < j->naddrs; i++) {
		const char *pif = proxy_if(j, &j->addrs[i]);

		if (pif)
			r = nl_neigh_proxy_add(hs, pif, &j->addrs[i], e);
		if (r == 0)
			*nproxies = i + 1;
	}
	return r;
}

static bool gone(int r)
{
	return r == -ENOENT || r == -ENODEV || r == -ESRCH || r == -EADDRNOTAVAIL;
}

/* Remove the proxy entries of the first nproxies addresses, the host routes
 * of the first nroutes, then the veth (unless link is false). A rolled-back
 * setup passes what it made, so it never removes an entry another jail owns. */
static int remove_upto(const struct net_jail *j, size_t nroutes, size_t nproxies, bool link,
		       struct jail_err *e)
{
	struct jail_err first = {0}, tmp = {0};
	struct nl_sock *hs = NULL;
	struct nl_route rt;
	int r;

	r = nl_open_netns(&hs, j->host_netns_fd, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nproxies; i++) {
		const char *pif = proxy_if(j, &j->addrs[i]);

		if (!pif)
			continue;
		r = nl_neigh_proxy_del(hs, pif, &j->addrs[i], &tmp);
		if (r < 0 && !gone(r) && !first.code)
			first = tmp;
	}
	for (size_t i = 0; i < nroutes; i++) {
		nl_route_host(&rt, &j->addrs[i], j->host_if);
		r = nl_route_del(hs, &rt, &tmp);
		if (r < 0 && !gone(r) && !first.code)
			first = tmp;
	}
	r = link ? nl_link_del(hs, j->host_if, &tmp) : 0;
	if (r < 0 && !gone(r) && !first.code)
		first = tmp;
	nl_close(hs);
	if (first.code) {
		if (e)
			*e = first;
		return first.code;
	}
	return 0;
}

int net_jail_setup(const struct net_jail *j, struct jail_err *e)
{
	struct socks s = {NULL, NULL};
	size_t nroutes = 0, nproxies = 0;
	int r;

	r = check(j, e);
	if (r < 0)
		return r;
	r = nl_open_netns(&s.h, j->host_netns_fd, e);
	if (r == 0)
		r = nl_open_netns(&s.j, j->jail_netns_fd, e);
	if (r < 0) {
		socks_close(&s);
		return r;
	}
	/* The peer is born inside the jail: no name clash with the host,
	 * and it is never visible in the host's namespace. */
	r = nl_veth_create(s.h, j->host_if, j->jail_if, j->jail_netns_fd, e);
	if (r < 0) {
		socks_close(&s);
		return r;
	}
	r = jail_side(j, s.j, e);
	if (r == 0)
		r = host_side(j, s.h, &nroutes, &nproxies, e);
	if (r == 0)
		r = host_sysctls(j, e);
	socks_close(&s);
	if (r < 0)
		remove_upto(j, nroutes, nproxies, true, NULL);
	return r;
}

int net_jail_release(const struct net_jail *j, struct jail_err *e)
{
	if (!j->host_if || !netaddr_ifname_valid(j->host_if) || j->naddrs > NET_JAIL_MAX_ADDRS ||
	    (j->naddrs && !j->addrs))
		return check(j, e);
	return remove_upto(j, j->naddrs, j->naddrs, false, e);
}

int net_ifname_free(char *name, size_t len, struct jail_err *e)
{
	struct nl_sock *hs = NULL;
	size_t base = strlen(name);
	int r = nl_open(&hs, e);

	/* A jail gone a moment ago may still have its end here, until the kernel has taken its namespace. */
	for (int k = 1; r == 0 && nl_link_index(hs, name, NULL) > 0; k++) {
		if (k > 9 || base + 3 > len || base + 3 > IF_NAMESIZE)
			r = jail_err_set(e, -EEXIST, "%.*s: interface exists", (int)base, name);
		else
			snprintf(name + base, len - base, "-%d", k);
	}
	nl_close(hs);
	return r;
}

int net_jail_teardown(const struct net_jail *j, struct jail_err *e)
{
	if (!j->host_if || !netaddr_ifname_valid(j->host_if) || j->naddrs > NET_JAIL_MAX_ADDRS ||
	    (j->naddrs && !j->addrs))
		return check(j, e);
	return remove_upto(j, j->naddrs, j->naddrs, true, e);
}

/* --- vnet conveniences ----------------------------------------------------- */

/* The caller's namespace as an fd, for moves that need one explicitly. */
static int self_netns(int fd, int *owned)
{
	*owned = -1;
	if (fd >= 0)
		return fd;
	*owned = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	return *owned >= 0 ? *owned : -errno;
}

int net_vnet_attach(int host_netns_fd, int jail_netns_fd, const char *ifname, struct jail_err *e)
{
	struct nl_sock *hs = NULL;
	int r;

	r = nl_open_netns(&hs, host_netns_fd, e);
	if (r < 0)
		return r;
	r = nl_link_move(hs, ifname, jail_netns_fd, NULL, e);
	nl_close(hs);
	if (r < 0)
		return jail_err_prefix(e, "vnet.interface");
	return 0;
}

int net_vnet_detach(int host_netns_fd, int jail_netns_fd, const char *ifname, struct jail_err *e)
{
	struct nl_sock *js = NULL;
	int owned, fd, r;

	fd = self_netns(host_netns_fd, &owned);
	if (fd < 0)
		return jail_err_sys(e, fd, "vnet.interface: %s: host namespace", ifname);
	r = nl_open_netns(&js, jail_netns_fd, e);
	if (r == 0)
		r = nl_link_move(js, ifname, fd, ifname, e);
	nl_close(js);
	if (owned >= 0)
		close(owned);
	if (r < 0)
		return jail_err_prefix(e, "vnet.interface");
	return 0;
}

static int jail_up(int jail_netns_fd, const char *jail_if, struct jail_err *e)
{
	struct nl_sock *js = NULL;
	int r;

	r = nl_open_netns(&js, jail_netns_fd, e);
	if (r == 0)
		r = nl_link_set_up(js, "lo", true, e);
	if (r == 0)
		r = nl_link_set_up(js, jail_if, true, e);
	nl_close(js);
	return r;
}

int net_veth_bridge(int host_netns_fd, int jail_netns_fd, const char *host_if, const char *jail_if,
		    const char *bridge, struct jail_err *e)
{
	struct nl_sock *hs = NULL;
	int r;

	r = nl_open_netns(&hs, host_netns_fd, e);
	if (r < 0)
		return r;
	r = nl_veth_create(hs, host_if, jail_if, jail_netns_fd, e);
	if (r < 0) {
		nl_close(hs);
		return r;
	}
	r = nl_link_set_master(hs, host_if, bridge, e);
	if (r == 0)
		r = nl_link_set_up(hs, host_if, true, e);
	if (r == 0)
		r = jail_up(jail_netns_fd, jail_if, e);
	if (r < 0)
		nl_link_del(hs, host_if, NULL);
	nl_close(hs);
	return r;
}

int net_vlan_jail(int host_netns_fd, int jail_netns_fd, const char *parent, const char *jail_if, bool ipvlan,
		  struct jail_err *e)
{
	struct nl_sock *hs = NULL;
	int r;

	r = nl_open_netns(&hs, host_netns_fd, e);
	if (r < 0)
		return r;
	if (ipvlan)
		r = nl_ipvlan_create(hs, jail_if, parent, jail_netns_fd, e);
	else
		r = nl_macvlan_create(hs, jail_if, parent, jail_netns_fd, e);
	nl_close(hs);
	if (r == 0)
		r = jail_up(jail_netns_fd, jail_if, e);
	if (r < 0 && nl_open_netns(&hs, jail_netns_fd, NULL) == 0) {
		nl_link_del(hs, jail_if, NULL);
		nl_close(hs);
	}
	return r;
}
