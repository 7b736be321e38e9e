/*
 * rtnetlink through libmnl: links (veth, bridge, macvlan, ipvlan, moves
 * between network namespaces), addresses, routes and proxy neighbour
 * entries, each call on a socket that lives in one network namespace. Also
 * the two non-netlink helpers jail networking needs: making a namespace and
 * writing a /proc/sys/net value inside a namespace. No call shells out to
 * ip(8). Errors name the interface and the address, e.g.
 * "vjail3: add address 192.0.2.27/32: File exists (kernel message)".
 *
 * Namespaces. A netlink socket works on the namespace it was created in,
 * whatever thread later uses it. nl_open_netns() therefore creates the
 * socket in a short-lived thread that setns()es into the target: the
 * calling thread never changes namespace, so no error path can leave the
 * caller stranded in a jail's namespace. nl_netns_run() exposes the same
 * trick for other work (sysctls, test sockets).
 *
 * Design for an ip4.addr/ip6.addr jail (implemented by lib/net.c as
 * net_jail_setup/net_jail_teardown, reasoned in docs/networking.md, proven
 * by tests/unit/test_netjail.c):
 *   - the jail has its own netns; veth vjail<JID> (host) <-> eth0, the peer
 *     created directly in the jail's netns;
 *   - jail end: lo up, each jail address as /32 or /128 (NODAD), default
 *     via 169.254.0.1 onlink (IPv4) and via fe80::1 (IPv6);
 *   - host end: 169.254.0.1/32 scope host (answers the jail's gateway ARP,
 *     never used as the host's source) and fe80::1/64 NODAD; one host route
 *     A/32 or A/128 dev vjail<JID> per jail address, so the host reaches the
 *     jail and the jail reaches the host through its default route;
 *   - with interface=IF or IF|A: a proxy neighbour entry for A on IF, plus
 *     per-interface sysctls (IPv4 IF forwarding; IPv6 IF proxy_ndp,
 *     forwarding, accept_ra 1->2, force_forwarding) and forwarding plus
 *     strict rp_filter on vjail<JID>; nothing global (ip_forward,
 *     all.forwarding) is changed;
 *   - teardown: proxy entries, host routes, delete vjail<JID> (takes the
 *     jail end, its addresses and routes along); the netns goes with the
 *     jail's last process. Idempotent.
 */
#ifndef JAIL_NETLINK_H
#define JAIL_NETLINK_H

#include <stdbool.h>
#include <stddef.h>

#include "jail/err.h"
#include "netaddr.h"

struct nlmsghdr;
struct nl_sock;

/* Big enough for every request built here (MNL_SOCKET_BUFFER_SIZE floor). */
#define NL_MSG_BUFSIZE 8192

/* --- sockets and namespaces ------------------------------------------ */

/* A socket in the caller's network namespace. */
int nl_open(struct nl_sock **out, struct jail_err *e);
/* A socket in the network namespace netns_fd (from /proc/PID/ns/net). */
int nl_open_netns(struct nl_sock **out, int netns_fd, struct jail_err *e);
void nl_close(struct nl_sock *s);

/* Run fn(arg) in a new thread that has joined netns_fd (-1: caller's
 * namespace) and return its result; the caller's thread is untouched.
 * fn's result must be >= 0 or -errno. */
int nl_netns_run(int netns_fd, int (*fn)(void *), void *arg);

/* A new, empty network namespace (only lo, down); returns an O_CLOEXEC fd
 * that keeps it alive. Made in a throw-away thread. */
int nl_netns_new(struct jail_err *e);

/*
 * Write value to /proc/sys/<key> inside netns_fd (-1: caller's). key is a
 * slash path below net/, e.g. "net/ipv4/conf/vjail3/forwarding"; old, when
 * non-NULL, receives the previous value (oldlen bytes, newline stripped)
 * so the caller can restore it.
 */
int nl_sysctl_set(int netns_fd, const char *key, const char *value, char *old, size_t oldlen,
		  struct jail_err *e);
int nl_sysctl_get(int netns_fd, const char *key, char *buf, size_t len, struct jail_err *e);

/* --- links ------------------------------------------------------------ */

struct nl_link {
	int ifindex;
	unsigned flags; /* IFF_UP, ... */
	unsigned mtu;
	int master; /* ifindex of the bridge, 0 if none */
	char name[16];
	char kind[16]; /* "veth", "bridge", "macvlan", "" ... */
};

/* Look a link up by name: 0 and *out filled, -ENODEV if missing. */
int nl_link_get(struct nl_sock *s, const char *ifname, struct nl_link *out, struct jail_err *e);
/* ifindex (> 0) of ifname, or -ENODEV. */
int nl_link_index(struct nl_sock *s, const char *ifname, struct jail_err *e);
/* Call fn for every link; a negative return from fn stops and is returned. */
int nl_link_foreach(struct nl_sock *s, int (*fn)(const struct nl_link *l, void *arg), void *arg,
		    struct jail_err *e);

int nl_link_set_up(struct nl_sock *s, const char *ifname, bool up, struct jail_err *e);
int nl_link_set_name(struct nl_sock *s, const char *ifname, const char *newname, struct jail_err *e);
int nl_link_set_mtu(struct nl_sock *s, const char *ifname, unsigned mtu, struct jail_err *e);
int nl_link_del(struct nl_sock *s, const char *ifname, struct jail_err *e);

/*
 * Move ifname into the namespace netns_fd, renamed to newname there when
 * newname is non-NULL (one atomic request). vnet.interface uses it twice:
 * host socket -> jail netns on create, jail-netns socket -> host netns with
 * the original name on removal. The link keeps its ifindex when it is free
 * in the target namespace.
 */
int nl_link_move(struct nl_sock *s, const char *ifname, int netns_fd, const char *newname,
		 struct jail_err *e);

/* A veth pair; the peer is created directly in peer_netns_fd (-1: same
 * namespace as s), so no name clash with the host is possible there. */
int nl_veth_create(struct nl_sock *s, const char *name, const char *peer, int peer_netns_fd,
		   struct jail_err *e);
int nl_bridge_create(struct nl_sock *s, const char *name, struct jail_err *e);
/* Enslave ifname to bridge master; master NULL releases it. */
int nl_link_set_master(struct nl_sock *s, const char *ifname, const char *master, struct jail_err *e);
/* macvlan in bridge mode / ipvlan in l2 mode on parent (a link in s's
 * namespace), created directly in netns_fd (-1: s's namespace) so a jail
 * can get one named "eth0" without a clash on the host. */
int nl_macvlan_create(struct nl_sock *s, const char *name, const char *parent, int netns_fd,
		      struct jail_err *e);
int nl_ipvlan_create(struct nl_sock *s, const char *name, const char *parent, int netns_fd,
		     struct jail_err *e);

/* --- addresses -------------------------------------------------------- */

enum {
	NL_ADDR_NODAD = 1 << 0,		/* IPv6: usable at once, no DAD wait */
	NL_ADDR_NOPREFIXROUTE = 1 << 1, /* no connected route for the prefix */
	NL_ADDR_SCOPE_LINK = 1 << 2,
	NL_ADDR_SCOPE_HOST = 1 << 3, /* answered, never picked as source */
};

/* a->prefixlen is used as is; a->ifname is ignored (ifname says where). */
int nl_addr_add(struct nl_sock *s, const char *ifname, const struct netaddr *a, unsigned flags,
		struct jail_err *e);
int nl_addr_del(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e);

/* --- routes ----------------------------------------------------------- */

struct nl_route {
	struct netaddr dst; /* family + prefix; prefixlen 0 = default */
	struct netaddr gw;  /* gw.family 0 = no gateway (device route) */
	char dev[16];	    /* output interface, "" = let the kernel pick */
	bool onlink;	    /* gateway is on dev even without a prefix */
	unsigned table;	    /* 0 = main */
};

/* r = host route a/32 or a/128 straight to dev (scope link). */
void nl_route_host(struct nl_route *r, const struct netaddr *a, const char *dev);
/* r = default route for family via gw (NULL: via dev only), onlink when
 * both gw and dev are given. */
void nl_route_default(struct nl_route *r, int family, const struct netaddr *gw, const char *dev);
int nl_route_add(struct nl_sock *s, const struct nl_route *r, struct jail_err *e);
int nl_route_del(struct nl_sock *s, const struct nl_route *r, struct jail_err *e);

/* --- proxy ARP / NDP entries (NTF_PROXY) ------------------------------- */

int nl_neigh_proxy_add(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e);
int nl_neigh_proxy_del(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e);
/* 0 when the proxy entry exists, -ENOENT when not. */
int nl_neigh_proxy_get(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e);

/* --- message builders (no I/O; unit-tested) ---------------------------- *
 * Each builds one request into buf (NL_MSG_BUFSIZE bytes) and returns it;
 * the send functions above are these plus a round trip. seq is left 0.   */

struct nlmsghdr *nl_msg_veth(void *buf, const char *name, const char *peer, int peer_netns_fd);
/* kind "bridge", "macvlan" (bridge mode), "ipvlan" (l2); parent 0 = none;
 * netns_fd -1 = the socket's namespace */
struct nlmsghdr *nl_msg_link_new(void *buf, const char *kind, const char *name, int parent_ifindex,
				 int netns_fd);
struct nlmsghdr *nl_msg_addr(void *buf, bool add, int ifindex, const struct netaddr *a, unsigned flags);
struct nlmsghdr *nl_msg_route(void *buf, bool add, const struct nl_route *r, int oif);
struct nlmsghdr *nl_msg_neigh_proxy(void *buf, int type, int ifindex, const struct netaddr *a);

#endif
