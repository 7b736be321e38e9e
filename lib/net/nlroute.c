/*
 * rtnetlink requests for addresses, routes and proxy neighbour entries (the
 * links and the exchange itself are netlink.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "core/cleanup.h"
#include "netlink.h"
#include "netlink_int.h"

struct nlmsghdr *nl_msg_addr(void *buf, bool add, int ifindex, const struct netaddr *a, unsigned flags)
{
	struct nlmsghdr *nlh =
		nl_put_header(buf, add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint32_t fl = 0;

	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)a->prefixlen;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	if (flags & NL_ADDR_SCOPE_LINK)
		ifa->ifa_scope = RT_SCOPE_LINK;
	if (flags & NL_ADDR_SCOPE_HOST)
		ifa->ifa_scope = RT_SCOPE_HOST;
	if (flags & NL_ADDR_NODAD)
		fl |= IFA_F_NODAD;
	if (flags & NL_ADDR_NOPREFIXROUTE)
		fl |= IFA_F_NOPREFIXROUTE;
	ifa->ifa_flags = (uint8_t)fl;
	mnl_attr_put(nlh, IFA_LOCAL, netaddr_len(a), a->u.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, netaddr_len(a), a->u.bytes);
	if (add && fl)
		mnl_attr_put_u32(nlh, IFA_FLAGS, fl);
	return nlh;
}

static bool family_ok(const struct netaddr *a)
{
	return a && (a->family == AF_INET || a->family == AF_INET6) && a->prefixlen <= netaddr_maxprefix(a);
}

static int addr_op(struct nl_sock *s, bool add, const char *ifname, const struct netaddr *a, unsigned flags,
		   struct jail_err *e)
{
	char buf[NL_MSG_BUFSIZE], as[NETADDR_STRLEN];
	struct talk t = {0};
	int idx, r;

	if (!nl_name_ok(ifname))
		return nl_bad_name(e, ifname);
	if (!family_ok(a))
		return jail_err_set(e, -EAFNOSUPPORT, "%s: bad address", ifname);
	netaddr_str(a, true, as, sizeof(as));
	idx = nl_link_index(s, ifname, e);
	if (idx == -ENODEV)
		return jail_err_set(e, idx, "%s: %s address %s: no such interface", ifname,
				    add ? "add" : "delete", as);
	if (idx < 0)
		return idx;
	r = nl_talk(s, nl_msg_addr(buf, add, idx, a, flags), NULL, NULL, &t);
	if (r < 0)
		return nl_fail(e, r, &t, "%s: %s address %s", ifname, add ? "add" : "delete", as);
	return 0;
}

int nl_addr_add(struct nl_sock *s, const char *ifname, const struct netaddr *a, unsigned flags,
		struct jail_err *e)
{
	return addr_op(s, true, ifname, a, flags, e);
}

int nl_addr_del(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e)
{
	return addr_op(s, false, ifname, a, 0, e);
}

/* --- routes -------------------------------------------------------------- */

void nl_route_host(struct nl_route *r, const struct netaddr *a, const char *dev)
{
	memset(r, 0, sizeof(*r));
	r->dst = *a;
	r->dst.prefixlen = netaddr_maxprefix(a);
	r->dst.ifname[0] = '\0';
	snprintf(r->dev, sizeof(r->dev), "%s", dev ? dev : "");
}

void nl_route_default(struct nl_route *r, int family, const struct netaddr *gw, const char *dev)
{
	memset(r, 0, sizeof(*r));
	r->dst.family = family;
	if (gw) {
		r->gw = *gw;
		r->gw.ifname[0] = '\0';
	}
	snprintf(r->dev, sizeof(r->dev), "%s", dev ? dev : "");
	r->onlink = gw && dev && *dev;
}

/* Clear the host bits: the kernel rejects 192.0.2.27/24 as a route key. */
static void mask_prefix(unsigned char *b, size_t len, unsigned prefixlen)
{
	for (size_t i = 0; i < len; i++) {
		unsigned bit = (unsigned)i * 8;

		if (bit >= prefixlen)
			b[i] = 0;
		else if (bit + 8 > prefixlen)
			b[i] &= (unsigned char)(0xff << (8 - (prefixlen - bit)));
	}
}

struct nlmsghdr *nl_msg_route(void *buf, bool add, const struct nl_route *r, int oif)
{
	struct nlmsghdr *nlh =
		nl_put_header(buf, add ? RTM_NEWROUTE : RTM_DELROUTE, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	unsigned table = r->table ? r->table : RT_TABLE_MAIN;
	bool gw = r->gw.family != 0;

	rtm->rtm_family = (uint8_t)r->dst.family;
	rtm->rtm_dst_len = (uint8_t)r->dst.prefixlen;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_type = RTN_UNICAST;
	/* Delete matches any protocol and scope; add says what it is. */
	rtm->rtm_protocol = add ? RTPROT_STATIC : RTPROT_UNSPEC;
	if (!add)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	else if (!gw && oif > 0)
		rtm->rtm_scope = RT_SCOPE_LINK;
	else
		rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	if (r->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	if (r->dst.prefixlen > 0) {
		unsigned char dst[16];
		size_t len = netaddr_len(&r->dst);

		memcpy(dst, r->dst.u.bytes, len);
		mask_prefix(dst, len, r->dst.prefixlen);
		mnl_attr_put(nlh, RTA_DST, len, dst);
	}
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, netaddr_len(&r->gw), r->gw.u.bytes);
	if (oif > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	if (table >= 256)
		mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh;
}

static int route_op(struct nl_sock *s, bool add, const struct nl_route *r, struct jail_err *e)
{
	char buf[NL_MSG_BUFSIZE], ds[NETADDR_STRLEN], gs[NETADDR_STRLEN];
	char what[160];
	struct talk t = {0};
	int oif = 0, ret;

	if (!r || (r->dst.family != AF_INET && r->dst.family != AF_INET6) ||
	    r->dst.prefixlen > netaddr_maxprefix(&r->dst) || (r->gw.family && r->gw.family != r->dst.family))
		return jail_err_set(e, -EINVAL, "route: bad address family");
	if (r->dst.prefixlen == 0)
		snprintf(ds, sizeof(ds), "default");
	else
		netaddr_str(&r->dst, true, ds, sizeof(ds));
	snprintf(what, sizeof(what), "%s", ds);
	if (r->gw.family)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " via %s",
			 netaddr_str(&r->gw, false, gs, sizeof(gs)));
	if (r->dev[0]) {
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " dev %s", r->dev);
		oif = nl_link_index(s, r->dev, e);
		if (oif < 0)
			return jail_err_prefix(e, "route %s", what);
	}
	ret = nl_talk(s, nl_msg_route(buf, add, r, oif), NULL, NULL, &t);
	if (ret < 0)
		return nl_fail(e, ret, &t, "%s route %s", add ? "add" : "delete", what);
	return 0;
}

int nl_route_add(struct nl_sock *s, const struct nl_route *r, struct jail_err *e)
{
	return route_op(s, true, r, e);
}

int nl_route_del(struct nl_sock *s, const struct nl_route *r, struct jail_err *e)
{
	return route_op(s, false, r, e);
}

/* --- proxy neighbours ---------------------------------------------------- */

struct nlmsghdr *nl_msg_neigh_proxy(void *buf, int type, int ifindex, const struct netaddr *a)
{
	struct nlmsghdr *nlh = nl_put_header(buf, type, type == RTM_NEWNEIGH ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = (uint8_t)a->family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_flags = NTF_PROXY;
	/* A get request must carry state 0, or the kernel rejects it. */
	ndm->ndm_state = type == RTM_GETNEIGH ? 0 : NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, netaddr_len(a), a->u.bytes);
	return nlh;
}

static int neigh_op(struct nl_sock *s, int type, const char *ifname, const struct netaddr *a,
		    struct jail_err *e)
{
	static const char *const what[] = {"add", "delete", "get"};
	char buf[NL_MSG_BUFSIZE], as[NETADDR_STRLEN];
	struct talk t = {0};
	int idx, r, w = type == RTM_NEWNEIGH ? 0 : type == RTM_DELNEIGH ? 1 : 2;

	if (!nl_name_ok(ifname))
		return nl_bad_name(e, ifname);
	if (!family_ok(a))
		return jail_err_set(e, -EAFNOSUPPORT, "%s: bad address", ifname);
	netaddr_str(a, false, as, sizeof(as));
	idx = nl_link_index(s, ifname, e);
	if (idx == -ENODEV)
		return jail_err_set(e, idx,
				    "%s: %s proxy %s entry for %s: no such "
				    "interface",
				    ifname, what[w], a->family == AF_INET ? "ARP" : "NDP", as);
	if (idx < 0)
		return idx;
	r = nl_talk(s, nl_msg_neigh_proxy(buf, type, idx, a), NULL, NULL, &t);
	if (r < 0)
		return nl_fail(e, r, &t, "%s: %s proxy %s entry for %s", ifname, what[w],
			       a->family == AF_INET ? "ARP" : "NDP", as);
	return 0;
}

int nl_neigh_proxy_add(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e)
{
	return neigh_op(s, RTM_NEWNEIGH, ifname, a, e);
}

int nl_neigh_proxy_del(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e)
{
	return neigh_op(s, RTM_DELNEIGH, ifname, a, e);
}

int nl_neigh_proxy_get(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e)
{
	return neigh_op(s, RTM_GETNEIGH, ifname, a, e);
}
