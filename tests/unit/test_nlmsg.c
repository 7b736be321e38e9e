/*
 * Unit tests of the rtnetlink request encoding in lib/netlink.c, without
 * root and without a socket: each nl_msg_* builder's output is parsed back
 * with libmnl and its header fields and attributes are checked, including
 * the nested veth peer, route prefix masking and the proxy flag.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>

#include "net/netlink.h"
#include "t.h"

static char buf[NL_MSG_BUFSIZE];

static const struct nlattr *attr_of(const struct nlmsghdr *nlh, size_t hdr, unsigned type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, hdr)
	{
		if (mnl_attr_get_type(a) == type)
			return a;
	}
	return NULL;
}

static const struct nlattr *nested_of(const struct nlattr *nest, unsigned type)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
	{
		if (mnl_attr_get_type(a) == type)
			return a;
	}
	return NULL;
}

static struct netaddr lit(const char *s, unsigned plen)
{
	struct netaddr a;

	netaddr_from_literal(&a, s, plen);
	return a;
}

static void test_veth(void)
{
	struct nlmsghdr *nlh = nl_msg_veth(buf, "vjail3", "eth0", 7);
	const struct nlattr *a, *info, *data, *peer, *pa;
	const struct ifinfomsg *pifm;
	bool name = false, fd = false;

	T_INT(nlh->nlmsg_type, RTM_NEWLINK, "veth: RTM_NEWLINK");
	T_INT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, "veth: create, exclusive");
	a = attr_of(nlh, sizeof(struct ifinfomsg), IFLA_IFNAME);
	T_STR(a ? mnl_attr_get_str(a) : NULL, "vjail3", "veth: name");
	info = attr_of(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	T_OK(info != NULL, "veth: IFLA_LINKINFO");
	if (!info)
		return;
	a = nested_of(info, IFLA_INFO_KIND);
	T_STR(a ? mnl_attr_get_str(a) : NULL, "veth", "veth: kind");
	data = nested_of(info, IFLA_INFO_DATA);
	peer = data ? nested_of(data, VETH_INFO_PEER) : NULL;
	T_OK(peer != NULL, "veth: VETH_INFO_PEER nested in INFO_DATA");
	if (!peer)
		return;
	/* The peer payload is an ifinfomsg followed by attributes. */
	pifm = mnl_attr_get_payload(peer);
	T_INT(pifm->ifi_index, 0, "veth: peer ifinfomsg zeroed");
	for (pa = (const struct nlattr *)((const char *)pifm + MNL_ALIGN(sizeof(*pifm)));
	     mnl_attr_ok(pa, (int)((const char *)peer + peer->nla_len - (const char *)pa));
	     pa = mnl_attr_next(pa)) {
		if (mnl_attr_get_type(pa) == IFLA_IFNAME)
			name = strcmp(mnl_attr_get_str(pa), "eth0") == 0;
		if (mnl_attr_get_type(pa) == IFLA_NET_NS_FD)
			fd = mnl_attr_get_u32(pa) == 7;
	}
	T_OK(name, "veth: peer named eth0");
	T_OK(fd, "veth: peer created in netns fd 7");

	nlh = nl_msg_veth(buf, "a", "b", -1);
	info = attr_of(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	peer = nested_of(nested_of(info, IFLA_INFO_DATA), VETH_INFO_PEER);
	fd = false;
	for (pa = (const struct nlattr *)((const char *)mnl_attr_get_payload(peer) +
					  MNL_ALIGN(sizeof(*pifm)));
	     mnl_attr_ok(pa, (int)((const char *)peer + peer->nla_len - (const char *)pa));
	     pa = mnl_attr_next(pa))
		if (mnl_attr_get_type(pa) == IFLA_NET_NS_FD)
			fd = true;
	T_OK(!fd, "veth: no IFLA_NET_NS_FD for a same-namespace peer");
}

static void test_link_new(void)
{
	struct nlmsghdr *nlh = nl_msg_link_new(buf, "macvlan", "mv0", 4, 6);
	const struct nlattr *a, *info, *data;

	a = attr_of(nlh, sizeof(struct ifinfomsg), IFLA_LINK);
	T_INT(a ? mnl_attr_get_u32(a) : 0, 4, "macvlan: parent ifindex");
	a = attr_of(nlh, sizeof(struct ifinfomsg), IFLA_NET_NS_FD);
	T_INT(a ? mnl_attr_get_u32(a) : 0, 6, "macvlan: made in netns fd 6");
	info = attr_of(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	data = info ? nested_of(info, IFLA_INFO_DATA) : NULL;
	a = data ? nested_of(data, IFLA_MACVLAN_MODE) : NULL;
	T_INT(a ? mnl_attr_get_u32(a) : 0, MACVLAN_MODE_BRIDGE, "macvlan: bridge mode");

	nlh = nl_msg_link_new(buf, "ipvlan", "iv0", 4, -1);
	info = attr_of(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	data = info ? nested_of(info, IFLA_INFO_DATA) : NULL;
	a = data ? nested_of(data, IFLA_IPVLAN_MODE) : NULL;
	T_OK(a && mnl_attr_get_payload_len(a) == 2, "ipvlan: mode is a u16");
	T_INT(a ? mnl_attr_get_u16(a) : 99, IPVLAN_MODE_L2, "ipvlan: l2");

	nlh = nl_msg_link_new(buf, "bridge", "br0", 0, -1);
	T_OK(attr_of(nlh, sizeof(struct ifinfomsg), IFLA_LINK) == NULL, "bridge: no parent");
	T_OK(attr_of(nlh, sizeof(struct ifinfomsg), IFLA_NET_NS_FD) == NULL, "bridge: no netns attribute");
	info = attr_of(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	a = info ? nested_of(info, IFLA_INFO_KIND) : NULL;
	T_STR(a ? mnl_attr_get_str(a) : NULL, "bridge", "bridge: kind");
	T_OK(info && !nested_of(info, IFLA_INFO_DATA), "bridge: no data");
}

static void test_addr(void)
{
	struct netaddr a4 = lit("192.0.2.27", 24), a6 = lit("2001:db8::1", 64);
	struct nlmsghdr *nlh = nl_msg_addr(buf, true, 5, &a4, 0);
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	T_INT(nlh->nlmsg_type, RTM_NEWADDR, "addr: RTM_NEWADDR");
	T_INT(ifa->ifa_family, AF_INET, "addr: AF_INET");
	T_INT(ifa->ifa_prefixlen, 24, "addr: prefix 24");
	T_INT(ifa->ifa_index, 5, "addr: ifindex");
	T_INT(ifa->ifa_scope, RT_SCOPE_UNIVERSE, "addr: global scope");
	a = attr_of(nlh, sizeof(*ifa), IFA_LOCAL);
	T_OK(a && mnl_attr_get_payload_len(a) == 4 && memcmp(mnl_attr_get_payload(a), a4.u.bytes, 4) == 0,
	     "addr: IFA_LOCAL 192.0.2.27");
	T_OK(attr_of(nlh, sizeof(*ifa), IFA_FLAGS) == NULL, "addr: no IFA_FLAGS without flags");

	nlh = nl_msg_addr(buf, true, 5, &a6, NL_ADDR_NODAD);
	ifa = mnl_nlmsg_get_payload(nlh);
	a = attr_of(nlh, sizeof(*ifa), IFA_FLAGS);
	T_INT(a ? mnl_attr_get_u32(a) : 0, IFA_F_NODAD, "addr6: IFA_F_NODAD");
	a = attr_of(nlh, sizeof(*ifa), IFA_ADDRESS);
	T_OK(a && mnl_attr_get_payload_len(a) == 16, "addr6: 16-byte address");

	nlh = nl_msg_addr(buf, true, 5, &a4, NL_ADDR_SCOPE_HOST);
	ifa = mnl_nlmsg_get_payload(nlh);
	T_INT(ifa->ifa_scope, RT_SCOPE_HOST, "addr: host scope");
	nlh = nl_msg_addr(buf, false, 5, &a4, 0);
	T_INT(nlh->nlmsg_type, RTM_DELADDR, "addr: RTM_DELADDR");
	T_INT(nlh->nlmsg_flags, NLM_F_REQUEST, "addr del: no create flags");
}

static void test_route(void)
{
	struct netaddr a = lit("192.0.2.27", 24), gw = lit("169.254.0.1", 32);
	const unsigned char want[4] = {192, 0, 2, 0};
	struct nl_route r;
	struct nlmsghdr *nlh;
	const struct rtmsg *rtm;
	const struct nlattr *at;

	memset(&r, 0, sizeof(r));
	r.dst = a;
	nlh = nl_msg_route(buf, true, &r, 3);
	rtm = mnl_nlmsg_get_payload(nlh);
	at = attr_of(nlh, sizeof(*rtm), RTA_DST);
	T_OK(at && memcmp(mnl_attr_get_payload(at), want, 4) == 0,
	     "route: host bits of 192.0.2.27/24 cleared");
	T_INT(rtm->rtm_scope, RT_SCOPE_LINK, "route: device route is link");
	T_INT(rtm->rtm_table, RT_TABLE_MAIN, "route: main table");
	at = attr_of(nlh, sizeof(*rtm), RTA_OIF);
	T_INT(at ? mnl_attr_get_u32(at) : 0, 3, "route: RTA_OIF");

	nl_route_host(&r, &a, "vjail3");
	T_INT(r.dst.prefixlen, 32, "host route: /32");
	T_STR(r.dev, "vjail3", "host route: device");
	nlh = nl_msg_route(buf, true, &r, 3);
	rtm = mnl_nlmsg_get_payload(nlh);
	T_INT(rtm->rtm_dst_len, 32, "host route: dst_len 32");
	at = attr_of(nlh, sizeof(*rtm), RTA_DST);
	T_OK(at && memcmp(mnl_attr_get_payload(at), a.u.bytes, 4) == 0, "host route: full address kept");

	nl_route_default(&r, AF_INET, &gw, "eth0");
	nlh = nl_msg_route(buf, true, &r, 2);
	rtm = mnl_nlmsg_get_payload(nlh);
	T_INT(rtm->rtm_dst_len, 0, "default: dst_len 0");
	T_OK(attr_of(nlh, sizeof(*rtm), RTA_DST) == NULL, "default: no dst");
	T_OK(rtm->rtm_flags & RTNH_F_ONLINK, "default: onlink");
	T_INT(rtm->rtm_scope, RT_SCOPE_UNIVERSE, "default: universe scope");
	at = attr_of(nlh, sizeof(*rtm), RTA_GATEWAY);
	T_OK(at && memcmp(mnl_attr_get_payload(at), gw.u.bytes, 4) == 0, "default: gateway 169.254.0.1");

	r.table = 1000;
	nlh = nl_msg_route(buf, false, &r, 2);
	rtm = mnl_nlmsg_get_payload(nlh);
	T_INT(nlh->nlmsg_type, RTM_DELROUTE, "del: RTM_DELROUTE");
	T_INT(rtm->rtm_scope, RT_SCOPE_NOWHERE, "del: any scope");
	T_INT(rtm->rtm_protocol, RTPROT_UNSPEC, "del: any protocol");
	T_INT(rtm->rtm_table, RT_TABLE_UNSPEC, "table >= 256: header unspec");
	at = attr_of(nlh, sizeof(*rtm), RTA_TABLE);
	T_INT(at ? mnl_attr_get_u32(at) : 0, 1000, "table >= 256: RTA_TABLE");
}

static void test_neigh(void)
{
	struct netaddr a = lit("2001:db8::27", 128);
	struct nlmsghdr *nlh = nl_msg_neigh_proxy(buf, RTM_NEWNEIGH, 9, &a);
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *at;

	T_INT(ndm->ndm_flags, NTF_PROXY, "neigh: NTF_PROXY");
	T_INT(ndm->ndm_family, AF_INET6, "neigh: AF_INET6");
	T_INT(ndm->ndm_ifindex, 9, "neigh: ifindex");
	T_INT(ndm->ndm_state, NUD_PERMANENT, "neigh: permanent");
	at = attr_of(nlh, sizeof(*ndm), NDA_DST);
	T_OK(at && mnl_attr_get_payload_len(at) == 16 && memcmp(mnl_attr_get_payload(at), a.u.bytes, 16) == 0,
	     "neigh: NDA_DST");
	nlh = nl_msg_neigh_proxy(buf, RTM_GETNEIGH, 9, &a);
	ndm = mnl_nlmsg_get_payload(nlh);
	T_INT(ndm->ndm_state, 0, "neigh get: state 0 (kernel requires)");
	T_INT(nlh->nlmsg_flags, NLM_F_REQUEST, "neigh get: plain request");
}

int main(void)
{
	test_veth();
	test_link_new();
	test_addr();
	test_route();
	test_neigh();
	T_DONE();
}
