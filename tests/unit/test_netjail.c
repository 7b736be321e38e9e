/*
 * Proof of the ip4.addr/ip6.addr jail network design (lib/net.c,
 * docs/networking.md) against the kernel, as root, in three throw-away
 * network namespaces: H plays the host (the test unshares its own), J the
 * jail, L another machine on the host's LAN interface lan0. The jail gets
 * "lan0|192.0.2.27/24", "198.51.100.27" and "lan0|2001:db8::27/64"; UDP
 * exchanges then prove host -> jail, jail -> host, LAN -> jail through proxy
 * ARP and proxy NDP, and that the jail holds exactly its addresses. Teardown
 * must leave no route, proxy entry or interface behind, and a failed setup
 * must roll itself back. The machine's real namespace is never touched.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "net/net.h"
#include "nettest.h"
#include "t.h"

static int hfd = -1, jfd = -1, lfd = -1, j2fd = -1;
static struct nl_sock *hs, *js, *ls;

static int append_link(const struct nl_link *l, void *arg)
{
	char *buf = arg;
	size_t n = strlen(buf);

	snprintf(buf + n, 4096 - n, "%d:%s:%x,", l->ifindex, l->name, l->flags & IFF_UP);
	return 0;
}

static int list_links(int netns_fd, char *buf)
{
	struct nl_sock *s;
	int r;

	buf[0] = '\0';
	r = nl_open_netns(&s, netns_fd, NULL);
	if (r < 0)
		return r;
	r = nl_link_foreach(s, append_link, buf, NULL);
	nl_close(s);
	return r;
}

static int count_link(const struct nl_link *l, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int nlinks(struct nl_sock *s)
{
	int n = 0;

	nl_link_foreach(s, count_link, &n, NULL);
	return n;
}

/* L <-> H: a LAN with the host at .1 and another machine at .2. */
static int make_lan(void)
{
	struct netaddr h4 = A("192.0.2.1", 24), l4 = A("192.0.2.2", 24);
	struct netaddr h6 = A("2001:db8::1", 64), l6 = A("2001:db8::2", 64);
	struct netaddr hlo4 = A("198.51.100.1", 32);
	struct netaddr hlo6 = A("2001:db8:ffff::1", 128);
	struct jail_err e = {0};
	int r = 0;

	r |= nl_veth_create(hs, "lan0", "eth0", lfd, &e);
	r |= nl_link_set_up(hs, "lo", true, &e);
	r |= nl_link_set_up(hs, "lan0", true, &e);
	r |= nl_link_set_up(ls, "lo", true, &e);
	r |= nl_link_set_up(ls, "eth0", true, &e);
	r |= nl_addr_add(hs, "lan0", &h4, 0, &e);
	r |= nl_addr_add(hs, "lan0", &h6, NL_ADDR_NODAD, &e);
	r |= nl_addr_add(ls, "eth0", &l4, 0, &e);
	r |= nl_addr_add(ls, "eth0", &l6, NL_ADDR_NODAD, &e);
	/* The host's own addresses, as a real host has on some interface. */
	r |= nl_addr_add(hs, "lo", &hlo4, 0, &e);
	r |= nl_addr_add(hs, "lo", &hlo6, NL_ADDR_NODAD, &e);
	if (r)
		printf("# lan setup: %s\n", e.msg);
	return r ? -1 : 0;
}

static int parse_all(struct netaddr *a, struct jail_err *e)
{
	int r = 0;

	r |= netaddr_parse(&a[0], "lan0|192.0.2.27/24", AF_INET, e);
	r |= netaddr_parse(&a[1], "198.51.100.27", AF_INET, e);
	r |= netaddr_parse(&a[2], "lan0|2001:db8::27/64", AF_INET6, e);
	return r;
}

/* A second jail next to the first: the shared 169.254.0.1/fe80::1 gateway
 * addresses must not collide, jails reach each other through the host, and
 * removing the first leaves the second working. */
static struct netaddr j2addrs[2];
static struct net_jail j2;

static void second_jail_begin(void)
{
	struct netaddr hlo4 = A("198.51.100.1", 32);
	struct netaddr j1 = A("198.51.100.27", 32);
	struct netaddr j16 = A("2001:db8::27", 128);
	struct jail_err e = {0};

	netaddr_parse(&j2addrs[0], "198.51.100.28", AF_INET, &e);
	netaddr_parse(&j2addrs[1], "2001:db8:2::28", AF_INET6, &e);
	j2 = (struct net_jail){
		.host_netns_fd = -1,
		.jail_netns_fd = j2fd,
		.host_if = "vjail9",
		.jail_if = "eth0",
		.addrs = j2addrs,
		.naddrs = 2,
	};
	T_INT(net_jail_setup(&j2, &e), 0, "second jail set up: %s", e.msg);
	T_INT(udp_exchange(j2fd, &j2addrs[0], jfd, &j1, 6201), 0,
	      "jail 2 198.51.100.28 <-> jail 1 198.51.100.27 via the host");
	T_INT(udp_exchange(j2fd, &j2addrs[1], jfd, &j16, 6202), 0,
	      "jail 2 2001:db8:2::28 <-> jail 1 2001:db8::27 via the host");
	T_INT(udp_exchange(-1, &hlo4, j2fd, &j2addrs[0], 6203), 0, "host <-> jail 2");

	/* A third jail wanting jail 1's address fails, and its rollback
	 * must not take jail 1's proxy entry or route with it. */
	{
		struct netaddr dup;
		struct net_jail j3 = j2;
		int j3fd = nl_netns_new(&e), r;

		netaddr_parse(&dup, "lan0|192.0.2.27", AF_INET, &e);
		j3.jail_netns_fd = j3fd;
		j3.host_if = "vjail10";
		j3.addrs = &dup;
		j3.naddrs = 1;
		r = net_jail_setup(&j3, &e);
		T_INT(r, -EEXIST, "a second jail with 192.0.2.27 fails");
		T_OK(strstr(e.msg, "add route 192.0.2.27/32 dev vjail10: File "
				   "exists") == e.msg,
		     "message: %s", e.msg);
		T_INT(nl_link_index(hs, "vjail10", NULL), -ENODEV, "its veth is gone");
		T_INT(nl_neigh_proxy_get(hs, "lan0", &dup, &e), 0,
		      "jail 1's proxy entry survives the rollback");
		T_INT(udp_exchange(-1, &hlo4, jfd, &dup, 6206), 0, "jail 1's route survives the rollback");
		close(j3fd);
	}
}

static void second_jail_end(void)
{
	struct netaddr gw = A(NET_JAIL_GW4, 32);
	struct netaddr hlo4 = A("198.51.100.1", 32);
	struct netaddr hlo6 = A("2001:db8:ffff::1", 128);
	struct jail_err e = {0};
	int fd;

	fd = udp_open(-1, &gw, 0);
	T_OK(fd >= 0, "after jail 1 is gone, 169.254.0.1 is still local "
		      "for jail 2's gateway ARP");
	if (fd >= 0)
		close(fd);
	T_INT(udp_exchange(j2fd, &j2addrs[0], -1, &hlo4, 6204), 0, "jail 2 -> host still works");
	T_INT(udp_exchange(j2fd, &j2addrs[1], -1, &hlo6, 6205), 0, "jail 2 -> host still works over IPv6");
	T_INT(net_jail_teardown(&j2, &e), 0, "second jail torn down");
	fd = udp_open(-1, &gw, 0);
	T_INT(fd, -EADDRNOTAVAIL, "no jail left: 169.254.0.1 gone from H");
	if (fd >= 0)
		close(fd);
	{
		struct nl_sock *s2 = NULL;

		nl_open_netns(&s2, j2fd, &e);
		T_INT(s2 ? nlinks(s2) : -1, 1, "J2 holds only lo");
		nl_close(s2);
	}
	close(j2fd);
}

/* Single-family jails, published through `interface=lan0` rather than the
 * IF| prefix: the other family gets no gateway and no default route. */
static void single_family(void)
{
	struct netaddr hlo4 = A("198.51.100.1", 32), l4 = A("192.0.2.2", 24);
	struct netaddr hlo6 = A("2001:db8:ffff::1", 128);
	struct netaddr l6 = A("2001:db8::2", 64);
	struct netaddr any4 = A("0.0.0.0", 0), any6 = A("::", 0);
	struct jail_err e = {0};
	struct net_jail k;
	struct netaddr a;
	int kfd = nl_netns_new(&e), fd;

	for (int v6 = 0; v6 <= 1; v6++) {
		jail_err_clear(&e);
		netaddr_parse(&a, v6 ? "2001:db8::30" : "192.0.2.30", AF_UNSPEC, &e);
		k = (struct net_jail){
			.host_netns_fd = -1,
			.jail_netns_fd = kfd,
			.host_if = "vjail11",
			.jail_if = "eth0",
			.interface = "lan0",
			.addrs = &a,
			.naddrs = 1,
		};
		T_INT(net_jail_setup(&k, &e), 0, "IPv%d-only jail: %s", v6 ? 6 : 4, e.msg);
		T_INT(nl_neigh_proxy_get(hs, "lan0", &a, &e), 0, "interface=lan0 publishes %s",
		      v6 ? "2001:db8::30" : "192.0.2.30");
		T_INT(udp_exchange(-1, v6 ? &hlo6 : &hlo4, kfd, &a, 6301 + v6), 0, "host <-> IPv%d-only jail",
		      v6 ? 6 : 4);
		T_INT(udp_exchange(lfd, v6 ? &l6 : &l4, kfd, &a, 6303 + v6), 0, "LAN <-> IPv%d-only jail",
		      v6 ? 6 : 4);
		/* The jail has no route at all in the other family. */
		fd = udp_open(kfd, v6 ? &any4 : &any6, 0);
		if (fd >= 0) {
			struct sockaddr_storage ss;
			socklen_t len;
			struct netaddr dst = v6 ? hlo4 : hlo6;

			sockaddr_of(&dst, 9, &ss, &len);
			T_OK(sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) < 0 && errno == ENETUNREACH,
			     "IPv%d-only jail has no IPv%d route", v6 ? 6 : 4, v6 ? 4 : 6);
			close(fd);
		}
		T_INT(net_jail_teardown(&k, &e), 0, "teardown: %s", e.msg);
		T_INT(nl_neigh_proxy_get(hs, "lan0", &a, &e), -ENOENT, "proxy entry removed");
	}
	close(kfd);
}

/*
 * DESIGN.md gives every jail a user namespace, so the jail's network
 * namespace is owned by it. A forked child makes such a pair and waits on
 * a pipe while the parent takes its netns fd; the plumbing must still work.
 */
static int userns_netns(void)
{
	int p[2], q[2], fd = -1;
	char path[64], c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(q, O_CLOEXEC) < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		close(q[1]);
		c = unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0 ? 'y' : 'n';
		if (write(p[1], &c, 1) != 1 || read(q[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	if (pid > 0 && read(p[0], &c, 1) == 1 && c == 'y') {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(q[1]); /* releases the child */
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return fd;
}

static void userns_jail(void)
{
	struct netaddr hlo4 = A("198.51.100.1", 32);
	struct netaddr hlo6 = A("2001:db8:ffff::1", 128);
	struct netaddr a[2] = {A("198.51.100.40", 32), A("2001:db8:4::40", 128)};
	struct jail_err e = {0};
	struct net_jail k = {
		.host_netns_fd = -1,
		.host_if = "vjail12",
		.jail_if = "eth0",
		.addrs = a,
		.naddrs = 2,
	};
	int ufd = userns_netns();

	T_OK(ufd >= 0, "netns owned by a new user namespace");
	if (ufd < 0)
		return;
	k.jail_netns_fd = ufd;
	T_INT(net_jail_setup(&k, &e), 0, "setup in a userns-owned netns: %s", e.msg);
	T_INT(udp_exchange(-1, &hlo4, ufd, &a[0], 6401), 0, "host <-> userns jail over IPv4");
	T_INT(udp_exchange(ufd, &a[1], -1, &hlo6, 6402), 0, "userns jail <-> host over IPv6");
	T_INT(net_jail_teardown(&k, &e), 0, "teardown: %s", e.msg);
	T_INT(nl_link_index(hs, "vjail12", NULL), -ENODEV, "vjail12 gone");
	close(ufd);
}

/* How long a jail's network takes to build and remove (printed, and the
 * loop proves repeated cycles leave nothing behind). */
static void time_cycles(struct net_jail *j)
{
	struct jail_err e = {0};
	struct timespec t0, t1, t2;
	double up = 0, down = 0;
	int fails = 0, n = 20;

	for (int i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (net_jail_setup(j, &e) < 0)
			fails++;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (net_jail_teardown(j, &e) < 0)
			fails++;
		clock_gettime(CLOCK_MONOTONIC, &t2);
		up += (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		down += (double)(t2.tv_sec - t1.tv_sec) * 1e3 + (double)(t2.tv_nsec - t1.tv_nsec) / 1e6;
	}
	T_INT(fails, 0, "%d setup/teardown cycles: %s", n, e.msg);
	printf("# 3 addresses with proxies: net_jail_setup %.2f ms, "
	       "net_jail_teardown %.2f ms (mean of %d)\n",
	       up / n, down / n, n);
	T_INT(nl_link_index(hs, j->host_if, NULL), -ENODEV, "nothing left after the cycles");
	T_INT(nlinks(js), 1, "J holds only lo after the cycles");
}

/* vnet jails: moving interfaces in and out, bridge and macvlan helpers. */
static void test_vnet(void)
{
	struct netaddr br4 = A("203.0.113.1", 24), j4 = A("203.0.113.2", 24);
	struct netaddr mv4 = A("192.0.2.50", 24), l4 = A("192.0.2.2", 24);
	struct jail_err e = {0};
	struct nl_link l, br;
	int r;

	T_INT(nl_veth_create(hs, "vn0", "vn1", -1, &e), 0, "veth vn0/vn1 in H");
	T_INT(net_vnet_attach(-1, jfd, "vn1", &e), 0, "vnet.interface=vn1");
	T_OK(nl_link_index(js, "vn1", NULL) > 0 && nl_link_index(hs, "vn1", NULL) == -ENODEV,
	     "vn1 moved into J");
	T_INT(net_vnet_detach(-1, jfd, "vn1", &e), 0, "vn1 given back");
	T_OK(nl_link_index(hs, "vn1", NULL) > 0 && nl_link_index(js, "vn1", NULL) == -ENODEV,
	     "vn1 back in H");
	r = net_vnet_attach(-1, jfd, "nope0", &e);
	T_INT(r, -ENODEV, "attaching a missing interface fails");
	T_STR(e.msg, "vnet.interface: nope0: no such interface", "vnet.interface message");
	nl_link_del(hs, "vn0", &e);

	T_INT(nl_bridge_create(hs, "br7", &e), 0, "bridge br7");
	T_INT(nl_link_set_up(hs, "br7", true, &e), 0, "br7 up");
	T_INT(nl_addr_add(hs, "br7", &br4, 0, &e), 0, "br7 203.0.113.1/24");
	r = net_veth_bridge(-1, jfd, "vb7", "eth1", "br7", &e);
	T_INT(r, 0, "veth vb7 in br7, eth1 in J: %s", e.msg);
	nl_link_get(hs, "vb7", &l, &e);
	nl_link_get(hs, "br7", &br, &e);
	T_INT(l.master, br.ifindex, "vb7 enslaved to br7");
	T_INT(nl_addr_add(js, "eth1", &j4, 0, &e), 0, "J eth1 203.0.113.2/24");
	T_INT(udp_exchange(-1, &br4, jfd, &j4, 6101), 0, "UDP host bridge <-> J over the bridged veth");
	r = net_veth_bridge(-1, jfd, "vb8", "eth2", "nobr", &e);
	T_INT(r, -ENODEV, "missing bridge fails");
	T_INT(nl_link_index(hs, "vb8", NULL), -ENODEV, "and leaves no veth behind");

	r = net_vlan_jail(-1, jfd, "lan0", "mv0", false, &e);
	T_INT(r, 0, "macvlan mv0 on lan0 born in J: %s", e.msg);
	nl_link_get(js, "mv0", &l, &e);
	T_STR(l.kind, "macvlan", "J's mv0 is a macvlan");
	T_OK(l.flags & IFF_UP, "J's mv0 is up");
	T_INT(nl_addr_add(js, "mv0", &mv4, 0, &e), 0, "J mv0 192.0.2.50/24");
	T_INT(udp_exchange(jfd, &mv4, lfd, &l4, 6102), 0, "UDP J macvlan 192.0.2.50 <-> LAN 192.0.2.2");

	T_INT(nl_link_del(js, "mv0", &e), 0, "delete mv0");
	T_INT(nl_link_del(hs, "vb7", &e), 0, "delete vb7 (and J's eth1)");
	T_INT(nl_link_del(hs, "br7", &e), 0, "delete br7");
	T_INT(nl_link_del(hs, "vn0", &e), -ENODEV, "vn0 already gone");
	T_INT(nlinks(js), 1, "J holds only lo again");
}

/* A hung kernel exchange must fail the suite, not stall it. */
static void on_alarm(int sig)
{
	static const char msg[] = "not ok - timed out after 60 s\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

int main(void)
{
	static char before[4096], after[4096];
	struct netaddr addrs[3];
	struct netaddr hlo4 = A("198.51.100.1", 32), l4 = A("192.0.2.2", 24);
	struct netaddr hlo6 = A("2001:db8:ffff::1", 128);
	struct netaddr l6 = A("2001:db8::2", 64), h4 = A("192.0.2.1", 24);
	struct jail_err e = {0};
	struct net_jail j;
	struct nl_route rt;
	char val[16];
	int real, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_alarm);
	alarm(60);
	if (geteuid() != 0) {
		printf("ok %d # SKIP needs root (network namespaces)\n", ++t_n);
		T_DONE();
	}
	real = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	T_INT(list_links(real, before), 0, "list the real namespace's links");
	if (unshare(CLONE_NEWNET) < 0) {
		T_OK(0, "unshare(CLONE_NEWNET): %s", strerror(errno));
		T_DONE();
	}
	hfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	jfd = nl_netns_new(&e);
	lfd = nl_netns_new(&e);
	T_OK(hfd >= 0 && jfd >= 0 && lfd >= 0, "namespaces H, J, L");
	nl_open(&hs, &e);
	nl_open_netns(&js, jfd, &e);
	nl_open_netns(&ls, lfd, &e);
	T_OK(hs && js && ls, "netlink sockets in H, J, L");
	if (!hs || !js || !ls)
		T_DONE();
	/* A hardened host: strict reverse-path filter, ARP replies only for
	 * addresses on the receiving interface. The design must cope. */
	T_INT(nl_sysctl_set(-1, "net/ipv4/conf/all/rp_filter", "1", NULL, 0, &e), 0, "H: all.rp_filter=1");
	T_INT(nl_sysctl_set(-1, "net/ipv4/conf/all/arp_ignore", "1", NULL, 0, &e), 0, "H: all.arp_ignore=1");
	T_INT(make_lan(), 0, "LAN between H (lan0) and L");
	T_INT(parse_all(addrs, &e), 0, "parse the jail's addresses");

	j = (struct net_jail){
		.host_netns_fd = -1,
		.jail_netns_fd = jfd,
		.host_if = "vjail7",
		.jail_if = "eth0",
		.interface = NULL,
		.addrs = addrs,
		.naddrs = 3,
	};
	r = net_jail_setup(&j, &e);
	T_INT(r, 0, "net_jail_setup: %s", e.msg);

	/* Exactly the jail's addresses: it can bind them and nothing else. */
	for (int i = 0; i < 3; i++) {
		int fd = udp_open(jfd, &addrs[i], 0);

		T_OK(fd >= 0, "J owns %s", i == 0 ? "192.0.2.27" : i == 1 ? "198.51.100.27" : "2001:db8::27");
		if (fd >= 0)
			close(fd);
	}
	T_INT(udp_open(jfd, &h4, 0), -EADDRNOTAVAIL, "J does not own the host's 192.0.2.1");
	T_INT(nlinks(js), 2, "J has two links: lo and eth0");
	T_OK(nl_link_index(hs, "eth0", NULL) == -ENODEV, "the jail end never appears in H");

	T_INT(udp_exchange(-1, &hlo4, jfd, &addrs[0], 6001), 0, "host 198.51.100.1 <-> jail 192.0.2.27");
	{
		struct netaddr any = A("0.0.0.0", 0);
		struct sockaddr_storage seen;
		char src[INET6_ADDRSTRLEN] = "";

		T_INT(udp_exchange_seen(-1, &any, jfd, &addrs[0], 6009, &seen), 0,
		      "host (unbound) <-> jail 192.0.2.27");
		inet_ntop(AF_INET, &((struct sockaddr_in *)&seen)->sin_addr, src, sizeof(src));
		T_OK(strcmp(src, "198.51.100.1") == 0 || strcmp(src, "192.0.2.1") == 0,
		     "jail sees a real host address (%s), not 169.254.0.1", src);
	}
	T_INT(udp_exchange(-1, &hlo4, jfd, &addrs[1], 6002), 0, "host 198.51.100.1 <-> jail 198.51.100.27");
	T_INT(udp_exchange(jfd, &addrs[1], -1, &hlo4, 6003), 0,
	      "jail 198.51.100.27 -> host 198.51.100.1 and back");
	T_INT(udp_exchange(-1, &hlo6, jfd, &addrs[2], 6004), 0,
	      "host 2001:db8:ffff::1 <-> jail 2001:db8::27");
	T_INT(udp_exchange(jfd, &addrs[2], -1, &hlo6, 6005), 0,
	      "jail 2001:db8::27 -> host 2001:db8:ffff::1 and back");
	T_INT(udp_exchange(lfd, &l4, jfd, &addrs[0], 6006), 0,
	      "LAN 192.0.2.2 <-> jail 192.0.2.27 via proxy ARP on lan0");
	T_INT(udp_exchange(jfd, &addrs[0], lfd, &l4, 6007), 0, "jail 192.0.2.27 -> LAN 192.0.2.2 and back");
	T_INT(udp_exchange(lfd, &l6, jfd, &addrs[2], 6008), 0,
	      "LAN 2001:db8::2 <-> jail 2001:db8::27 via proxy NDP on lan0");
	{
		/* A jailed root adding an address it was not given gets
		 * nowhere: the host drops the spoofed source. */
		struct netaddr spoof = A("192.0.2.99", 32);

		/* Not thanks to the host's global setting: net.c sets
		 * rp_filter on the jail's veth itself. */
		nl_sysctl_set(-1, "net/ipv4/conf/all/rp_filter", "0", NULL, 0, &e);

		T_INT(nl_addr_add(js, "eth0", &spoof, 0, &e), 0, "J adds 192.0.2.99 itself");
		T_INT(udp_exchange(jfd, &spoof, -1, &hlo4, 6010), -EAGAIN,
		      "spoofed source 192.0.2.99 never reaches the host");
		T_INT(udp_exchange(jfd, &spoof, lfd, &l4, 6011), -EAGAIN, "nor the LAN");
		nl_addr_del(js, "eth0", &spoof, &e);
		nl_sysctl_set(-1, "net/ipv4/conf/all/rp_filter", "1", NULL, 0, &e);
	}
	T_INT(nl_neigh_proxy_get(hs, "lan0", &addrs[0], &e), 0, "proxy ARP entry for 192.0.2.27 on lan0");
	T_INT(nl_neigh_proxy_get(hs, "lan0", &addrs[2], &e), 0, "proxy NDP entry for 2001:db8::27 on lan0");
	T_INT(nl_neigh_proxy_get(hs, "lan0", &addrs[1], &e), -ENOENT,
	      "no proxy entry for 198.51.100.27 (no interface given)");
	nl_sysctl_get(-1, "net/ipv6/conf/lan0/accept_ra", val, sizeof(val), &e);
	T_STR(val, "2", "lan0 keeps accepting router advertisements");
	nl_sysctl_get(-1, "net/ipv4/conf/all/forwarding", val, sizeof(val), &e);
	T_STR(val, "0", "global IPv4 forwarding left off");
	nl_sysctl_get(-1, "net/ipv6/conf/all/forwarding", val, sizeof(val), &e);
	T_STR(val, "0", "global IPv6 forwarding left off");

	r = net_jail_setup(&j, &e);
	T_INT(r, -EEXIST, "second setup with the same veth name fails");
	T_OK(strstr(e.msg, "vjail7: create veth with peer eth0: File exists") == e.msg, "message: %s", e.msg);
	T_OK(nl_link_index(hs, "vjail7", NULL) > 0,
	     "the failed second setup did not remove the first jail's veth");

	j2fd = nl_netns_new(&e);
	T_OK(j2fd >= 0, "namespace J2 for a second jail");
	second_jail_begin();

	T_INT(net_jail_teardown(&j, &e), 0, "net_jail_teardown: %s", e.msg);
	second_jail_end();
	T_INT(nl_link_index(hs, "vjail7", NULL), -ENODEV, "vjail7 gone");
	T_INT(nlinks(js), 1, "J holds only lo");
	T_INT(nl_neigh_proxy_get(hs, "lan0", &addrs[0], &e), -ENOENT, "proxy ARP entry gone");
	T_INT(nl_neigh_proxy_get(hs, "lan0", &addrs[2], &e), -ENOENT, "proxy NDP entry gone");
	nl_route_host(&rt, &addrs[1], NULL);
	T_INT(nl_route_del(hs, &rt, &e), -ESRCH, "no route to 198.51.100.27");
	nl_route_host(&rt, &addrs[2], NULL);
	T_INT(nl_route_del(hs, &rt, &e), -ESRCH, "no route to 2001:db8::27");
	T_INT(net_jail_teardown(&j, &e), 0, "second teardown is harmless");

	time_cycles(&j);
	single_family();
	userns_jail();

	/* A setup that fails half-way takes its veth away again. */
	{
		struct netaddr bad[2];

		netaddr_parse(&bad[0], "192.0.2.28", AF_INET, &e);
		netaddr_parse(&bad[1], "nope0|192.0.2.29", AF_INET, &e);
		j.host_if = "vjail8";
		j.addrs = bad;
		j.naddrs = 2;
		r = net_jail_setup(&j, &e);
		T_INT(r, -ENODEV, "setup with a missing interface fails");
		T_STR(e.msg,
		      "nope0: add proxy ARP entry for 192.0.2.29: no such "
		      "interface",
		      "message names interface and address");
		T_INT(nl_link_index(hs, "vjail8", NULL), -ENODEV, "rolled back: vjail8 gone");
		nl_route_host(&rt, &bad[0], NULL);
		T_INT(nl_route_del(hs, &rt, &e), -ESRCH, "rolled back: no route to 192.0.2.28");
		T_INT(nlinks(js), 1, "rolled back: J holds only lo");
	}

	test_vnet();
	nl_link_del(hs, "lan0", &e);
	T_INT(nlinks(hs), 1, "H holds only lo at the end");
	nl_close(hs);
	nl_close(js);
	nl_close(ls);
	close(jfd);
	close(lfd);
	close(hfd);
	T_INT(list_links(real, after), 0, "list the real links again");
	T_STR(after, before, "real namespace's links unchanged");
	close(real);
	T_DONE();
}
