/*
 * Kernel tests of lib/netlink.c and lib/netns.c, run as root by make check.
 * The program first unshares its own network namespace (the "host" H of
 * the test) and makes a second one (the "jail" J), so nothing it does is
 * seen by the machine's real network; it checks at the end that the real
 * namespace's link list is unchanged. Every call is exercised against the
 * kernel: veth into another namespace, addresses, routes proven by UDP
 * exchanges, proxy neighbour entries read back, link moves with rename,
 * bridge, macvlan, ipvlan, sysctls, and deletion of everything.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "net/netlink.h"
#include "nettest.h"
#include "t.h"

extern char **environ;

static struct nl_sock *hs, *js; /* sockets in H and J */
static int hfd = -1, jfd = -1;	/* namespace fds of H and J */

/* ---- links of the real namespace, to prove the test never touched it --- */

static int append_link(const struct nl_link *l, void *arg)
{
	char *buf = arg;
	size_t n = strlen(buf);

	snprintf(buf + n, 4096 - n, "%d:%s:%x,", l->ifindex, l->name, l->flags & IFF_UP);
	return 0;
}

static int list_links(int netns_fd, char *buf)
{
	struct jail_err e = {0};
	struct nl_sock *s;
	int r;

	buf[0] = '\0';
	r = nl_open_netns(&s, netns_fd, &e);
	if (r < 0)
		return r;
	r = nl_link_foreach(s, append_link, buf, &e);
	nl_close(s);
	return r;
}

static bool link_exists(struct nl_sock *s, const char *name)
{
	struct nl_link l;

	return nl_link_get(s, name, &l, NULL) == 0;
}

static int count_link(const struct nl_link *l, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int run_modprobe(const char *mod)
{
	char *argv[] = {"modprobe", "-q", (char *)mod, NULL};
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- the sections ------------------------------------------------------- */

static void test_links(void)
{
	struct jail_err e = {0};
	struct nl_link l;
	int r;

	T_OK(nl_link_index(hs, "lo", &e) > 0, "lo has an ifindex");
	r = nl_link_index(hs, "nope0", &e);
	T_INT(r, -ENODEV, "missing link is -ENODEV");
	T_STR(e.msg, "nope0: no such interface", "missing link message");
	T_INT(nl_link_index(hs, "bad/name", &e), -EINVAL, "bad name rejected");

	T_INT(nl_link_set_up(hs, "lo", true, &e), 0, "set lo up in H");
	T_INT(nl_link_set_up(js, "lo", true, &e), 0, "set lo up in J");

	r = nl_veth_create(hs, "vt0", "eth0", jfd, &e);
	T_INT(r, 0, "veth vt0 with peer eth0 made in J: %s", e.msg);
	T_INT(nl_link_get(hs, "vt0", &l, &e), 0, "vt0 exists in H");
	T_STR(l.kind, "veth", "vt0 is a veth");
	T_OK(!link_exists(hs, "eth0"), "peer eth0 is not in H");
	T_OK(link_exists(js, "eth0"), "peer eth0 is in J");
	T_OK(!link_exists(js, "vt0"), "vt0 is not in J");

	r = nl_veth_create(hs, "vt0", "eth0", jfd, &e);
	T_INT(r, -EEXIST, "second veth vt0 fails");
	T_OK(strncmp(e.msg, "vt0: create veth with peer eth0: File exists", 44) == 0,
	     "duplicate veth message: %s", e.msg);

	T_INT(nl_link_set_mtu(hs, "vt0", 1280, &e), 0, "set mtu 1280");
	nl_link_get(hs, "vt0", &l, &e);
	T_INT(l.mtu, 1280, "mtu reads back 1280");
	T_INT(nl_link_set_mtu(hs, "vt0", 70000, &e), -EINVAL, "mtu 70000");
	T_STR(e.msg, "vt0: mtu 70000 out of range", "mtu range message");

	T_INT(nl_link_set_name(hs, "vt0", "vt9", &e), 0, "rename vt0 to vt9");
	T_OK(link_exists(hs, "vt9") && !link_exists(hs, "vt0"), "only vt9 exists after rename");
	T_INT(nl_link_set_name(hs, "vt9", "vt0", &e), 0, "rename back");

	T_INT(nl_link_set_up(hs, "vt0", true, &e), 0, "vt0 up");
	T_INT(nl_link_set_up(js, "eth0", true, &e), 0, "eth0 up in J");
	nl_link_get(js, "eth0", &l, &e);
	T_OK(l.flags & IFF_UP, "eth0 reads back up");
	T_INT(nl_link_set_up(js, "eth0", false, &e), 0, "eth0 down");
	nl_link_get(js, "eth0", &l, &e);
	T_OK(!(l.flags & IFF_UP), "eth0 reads back down");
	nl_link_set_up(js, "eth0", true, &e);
}

static void test_addresses_and_routes(void)
{
	struct netaddr h4 = A("192.0.2.1", 24), j4 = A("192.0.2.2", 24);
	struct netaddr h6 = A("2001:db8::1", 64), j6 = A("2001:db8::2", 64);
	struct netaddr jail4 = A("198.51.100.7", 32), hlo4 = A("203.0.113.1", 32);
	struct netaddr jail6 = A("2001:db8:7::7", 128);
	struct netaddr hlo6 = A("2001:db8:1::1", 128);
	struct jail_err e = {0};
	struct nl_route r;
	int ret;

	T_INT(nl_addr_add(hs, "vt0", &h4, 0, &e), 0, "add 192.0.2.1/24 on vt0");
	T_INT(nl_addr_add(js, "eth0", &j4, 0, &e), 0, "add 192.0.2.2/24 in J");
	T_INT(nl_addr_add(hs, "vt0", &h6, NL_ADDR_NODAD, &e), 0, "add 2001:db8::1/64 nodad on vt0: %s",
	      e.msg);
	T_INT(nl_addr_add(js, "eth0", &j6, NL_ADDR_NODAD, &e), 0, "add 2001:db8::2/64 nodad in J");
	ret = nl_addr_add(hs, "vt0", &h4, 0, &e);
	T_INT(ret, -EEXIST, "duplicate address is -EEXIST");
	T_STR(e.msg,
	      "vt0: add address 192.0.2.1/24: File exists (ipv4: Address "
	      "already assigned)",
	      "duplicate address message carries the kernel's text");
	ret = nl_addr_add(hs, "nope0", &h4, 0, &e);
	T_STR(e.msg, "nope0: add address 192.0.2.1/24: no such interface", "address on missing link");

	T_INT(udp_exchange(-1, &h4, jfd, &j4, 5001), 0, "UDP H 192.0.2.1 <-> J 192.0.2.2 over the veth");
	T_INT(udp_exchange(jfd, &j6, -1, &h6, 5002), 0, "UDP J 2001:db8::2 <-> H 2001:db8::1 over the veth");

	/* A jail-style address: /32 in J, host route in H, default in J. */
	T_INT(nl_addr_add(js, "eth0", &jail4, 0, &e), 0, "jail addr /32");
	T_INT(nl_addr_add(hs, "lo", &hlo4, 0, &e), 0, "H address on lo");
	T_INT(udp_exchange(-1, &hlo4, jfd, &jail4, 5003), -ENETUNREACH,
	      "no host route yet: H cannot reach 198.51.100.7");
	nl_route_host(&r, &jail4, "vt0");
	T_INT(nl_route_add(hs, &r, &e), 0, "host route 198.51.100.7/32 dev vt0");
	ret = nl_route_add(hs, &r, &e);
	T_INT(ret, -EEXIST, "duplicate route -EEXIST");
	T_STR(e.msg, "add route 198.51.100.7/32 dev vt0: File exists", "duplicate route message");
	T_INT(udp_exchange(-1, &hlo4, jfd, &jail4, 5004), -ENETUNREACH,
	      "ping arrives, but J has no route back to 203.0.113.1 yet");
	nl_route_default(&r, AF_INET, &h4, NULL);
	T_INT(nl_route_add(js, &r, &e), 0, "J default via 192.0.2.1: %s", e.msg);
	T_INT(udp_exchange(-1, &hlo4, jfd, &jail4, 5005), 0,
	      "UDP H 203.0.113.1 <-> J 198.51.100.7 via host+default route");
	T_INT(nl_route_del(js, &r, &e), 0, "delete J default route");
	ret = nl_route_del(js, &r, &e);
	T_INT(ret, -ESRCH, "deleting it again -ESRCH");
	T_STR(e.msg, "delete route default via 192.0.2.1: No such process", "missing route message");
	nl_route_default(&r, AF_INET, NULL, "eth0");
	T_OK(!r.onlink, "device-only default route is not onlink");
	T_INT(nl_route_add(js, &r, &e), 0, "J default dev eth0: %s", e.msg);
	T_INT(udp_exchange(-1, &hlo4, jfd, &jail4, 5008), 0,
	      "UDP H 203.0.113.1 <-> J 198.51.100.7 via device default");
	T_INT(nl_route_del(js, &r, &e), 0, "delete J device default route");
	nl_route_host(&r, &jail4, "vt0");
	T_INT(nl_route_del(hs, &r, &e), 0, "delete host route");
	T_INT(udp_exchange(-1, &hlo4, jfd, &jail4, 5006), -ENETUNREACH,
	      "after delete H cannot reach 198.51.100.7");

	/* The same with IPv6. H's source is on lo, not on vt0, so the
	 * kernel solicits from vt0's link-local address, and sends nothing
	 * while that one is still in DAD; a NODAD link-local avoids the
	 * ~1 s stall (the jail plumbing does the same with fe80::1). */
	{
		struct netaddr ll = A("fe80::1", 64);

		T_INT(nl_addr_add(hs, "vt0", &ll, NL_ADDR_NODAD, &e), 0, "fe80::1/64 nodad on vt0");
	}
	T_INT(nl_addr_add(js, "eth0", &jail6, NL_ADDR_NODAD, &e), 0, "jail addr /128");
	T_INT(nl_addr_add(hs, "lo", &hlo6, NL_ADDR_NODAD, &e), 0, "H v6 address on lo");
	nl_route_host(&r, &jail6, "vt0");
	T_INT(nl_route_add(hs, &r, &e), 0, "host route 2001:db8:7::7/128: %s", e.msg);
	nl_route_default(&r, AF_INET6, &h6, "eth0");
	T_OK(r.onlink, "gateway + dev default route is onlink");
	T_INT(nl_route_add(js, &r, &e), 0, "J v6 default via 2001:db8::1: %s", e.msg);
	T_INT(udp_exchange(-1, &hlo6, jfd, &jail6, 5007), 0, "UDP H 2001:db8:1::1 <-> J 2001:db8:7::7");
	T_INT(nl_route_del(js, &r, &e), 0, "delete J v6 default");
	nl_route_host(&r, &jail6, "vt0");
	T_INT(nl_route_del(hs, &r, &e), 0, "delete v6 host route");

	/* Kernel's extended ack text is kept. */
	{
		struct netaddr gw = A("203.0.113.99", 32);

		nl_route_default(&r, AF_INET, &gw, "vt0");
		r.onlink = false;
		ret = nl_route_add(hs, &r, &e);
		T_OK(ret < 0, "default via unreachable gateway fails");
		T_OK(strstr(e.msg, "add route default via 203.0.113.99 dev "
				   "vt0: ") == e.msg,
		     "route error names route: %s", e.msg);
	}

	T_INT(nl_addr_del(js, "eth0", &jail4, &e), 0, "delete jail /32");
	ret = nl_addr_del(js, "eth0", &jail4, &e);
	T_OK(ret == -EADDRNOTAVAIL, "deleting it again fails: %s", e.msg);
	T_OK(strstr(e.msg, "eth0: delete address 198.51.100.7/32: Cannot "
			   "assign requested address") == e.msg,
	     "missing address message: %s", e.msg);
	T_INT(nl_addr_del(js, "eth0", &jail6, &e), 0, "delete jail /128");
}

static void test_proxy(void)
{
	struct netaddr p4 = A("192.0.2.99", 32), p6 = A("2001:db8::99", 128);
	struct jail_err e = {0};
	int ret;

	T_INT(nl_neigh_proxy_get(hs, "vt0", &p4, &e), -ENOENT, "no proxy ARP entry yet");
	T_INT(nl_neigh_proxy_add(hs, "vt0", &p4, &e), 0, "add proxy ARP 192.0.2.99 on vt0: %s", e.msg);
	T_INT(nl_neigh_proxy_get(hs, "vt0", &p4, &e), 0, "proxy ARP entry reads back: %s", e.msg);
	T_INT(nl_neigh_proxy_add(hs, "vt0", &p6, &e), 0, "add proxy NDP 2001:db8::99 on vt0");
	T_INT(nl_neigh_proxy_get(hs, "vt0", &p6, &e), 0, "proxy NDP entry reads back");
	T_INT(nl_neigh_proxy_get(js, "eth0", &p4, &e), -ENOENT, "J has no such entry");
	T_INT(nl_neigh_proxy_del(hs, "vt0", &p4, &e), 0, "delete proxy ARP");
	T_INT(nl_neigh_proxy_get(hs, "vt0", &p4, &e), -ENOENT, "proxy ARP entry gone");
	ret = nl_neigh_proxy_del(hs, "vt0", &p4, &e);
	T_INT(ret, -ENOENT, "deleting it again -ENOENT");
	T_STR(e.msg,
	      "vt0: delete proxy ARP entry for 192.0.2.99: No such file or "
	      "directory",
	      "missing proxy entry message");
	T_INT(nl_neigh_proxy_del(hs, "vt0", &p6, &e), 0, "delete proxy NDP");
	T_INT(nl_neigh_proxy_get(hs, "vt0", &p6, &e), -ENOENT, "proxy NDP entry gone");
}

static void test_move_bridge_vlans(void)
{
	struct jail_err e = {0};
	struct nl_link l, br;
	int ret;

	/* vnet.interface: move in under its name, give back renamed. */
	T_INT(nl_veth_create(hs, "vm0", "vm1", -1, &e), 0, "veth vm0/vm1 in H");
	T_INT(nl_link_move(hs, "vm1", jfd, NULL, &e), 0, "move vm1 into J");
	T_OK(link_exists(js, "vm1") && !link_exists(hs, "vm1"), "vm1 now only in J");
	T_INT(nl_link_move(js, "vm1", hfd, "vmback", &e), 0, "move vm1 back to H as vmback: %s", e.msg);
	T_OK(link_exists(hs, "vmback") && !link_exists(js, "vm1"), "vmback in H, nothing left in J");
	/* Back to the original name while that name is taken in H. */
	T_INT(nl_link_move(hs, "vmback", jfd, "vm0x", &e), 0, "move in renamed");
	ret = nl_link_move(js, "vm0x", hfd, "vm0", &e);
	T_INT(ret, -EEXIST, "return under a taken name fails");
	T_OK(strstr(e.msg, "vm0x: move to namespace as vm0: vm0 is taken "
			   "there") == e.msg,
	     "taken-name message: %s", e.msg);
	T_OK(link_exists(js, "vm0x"), "failed move leaves it in J");
	T_INT(nl_link_move(js, "vm0x", hfd, "vm1", &e), 0, "give back as vm1");

	/* bridge and enslaving */
	T_INT(nl_bridge_create(hs, "br0", &e), 0, "bridge br0");
	nl_link_get(hs, "br0", &br, &e);
	T_STR(br.kind, "bridge", "br0 is a bridge");
	T_INT(nl_link_set_master(hs, "vm0", "br0", &e), 0, "vm0 into br0");
	nl_link_get(hs, "vm0", &l, &e);
	T_INT(l.master, br.ifindex, "vm0 master is br0");
	T_INT(nl_link_set_master(hs, "vm0", NULL, &e), 0, "vm0 released");
	nl_link_get(hs, "vm0", &l, &e);
	T_INT(l.master, 0, "vm0 has no master");
	ret = nl_link_set_master(hs, "vm0", "nobr", &e);
	T_STR(e.msg, "nobr: no such interface", "missing bridge message");

	/* macvlan, ipvlan on a parent */
	ret = nl_macvlan_create(hs, "mv0", "vt0", -1, &e);
	if (ret == -EOPNOTSUPP && run_modprobe("macvlan") != 0) {
		printf("ok %d # SKIP macvlan not available in this kernel\n", ++t_n);
	} else {
		if (ret == -EOPNOTSUPP)
			ret = nl_macvlan_create(hs, "mv0", "vt0", -1, &e);
		T_INT(ret, 0, "macvlan mv0 on vt0: %s", e.msg);
		nl_link_get(hs, "mv0", &l, &e);
		T_STR(l.kind, "macvlan", "mv0 is a macvlan");
		ret = nl_macvlan_create(hs, "lo", "vt0", jfd, &e);
		T_INT(ret, -EEXIST, "macvlan named lo in J clashes");
		ret = nl_macvlan_create(hs, "mvj", "vt0", jfd, &e);
		T_INT(ret, 0, "macvlan mvj on H's vt0 made inside J: %s", e.msg);
		T_OK(link_exists(js, "mvj") && !link_exists(hs, "mvj"), "mvj is in J only");
		T_INT(nl_link_del(js, "mvj", &e), 0, "delete mvj in J");
	}
	ret = nl_macvlan_create(hs, "mv1", "nope0", -1, &e);
	T_STR(e.msg, "nope0: no such interface", "macvlan missing parent");

	ret = nl_ipvlan_create(hs, "iv0", "vt0", -1, &e);
	if (ret == -EOPNOTSUPP && run_modprobe("ipvlan") != 0) {
		printf("ok %d # SKIP ipvlan not in this kernel (modprobe "
		       "ipvlan failed): %s\n",
		       ++t_n, e.msg);
	} else {
		if (ret == -EOPNOTSUPP)
			ret = nl_ipvlan_create(hs, "iv0", "vt0", -1, &e);
		T_INT(ret, 0, "ipvlan iv0 on vt0: %s", e.msg);
		nl_link_get(hs, "iv0", &l, &e);
		T_STR(l.kind, "ipvlan", "iv0 is an ipvlan");
	}
}

static void test_sysctl(void)
{
	struct jail_err e = {0};
	char old[16], now[16];

	T_INT(nl_sysctl_set(jfd, "net/ipv4/conf/lo/forwarding", "1", old, sizeof(old), &e), 0,
	      "set forwarding on lo in J: %s", e.msg);
	T_STR(old, "0", "old value returned");
	T_INT(nl_sysctl_get(jfd, "net/ipv4/conf/lo/forwarding", now, sizeof(now), &e), 0, "read back in J");
	T_STR(now, "1", "J's value is 1");
	nl_sysctl_get(-1, "net/ipv4/conf/lo/forwarding", now, sizeof(now), &e);
	T_STR(now, "0", "H's value untouched");
	T_INT(nl_sysctl_set(jfd, "net/ipv4/conf/eth0/proxy_arp", "1", NULL, 0, &e), 0,
	      "per-interface sysctl of J's eth0");
	T_INT(nl_sysctl_get(-1, "net/ipv4/conf/eth0/proxy_arp", now, sizeof(now), &e), -ENOENT,
	      "H has no eth0 sysctl");
	T_INT(nl_sysctl_set(jfd, "net/../kernel/hostname", "x", NULL, 0, &e), -EINVAL, "'..' rejected");
	T_STR(e.msg, "/proc/sys/net/../kernel/hostname: invalid sysctl", "bad key message");
	T_INT(nl_sysctl_set(jfd, "kernel/hostname", "x", NULL, 0, &e), -EINVAL, "non-net key rejected");
}

static void test_teardown(void)
{
	struct jail_err e = {0};
	int n = 0, ret;

	if (link_exists(hs, "iv0"))
		T_INT(nl_link_del(hs, "iv0", &e), 0, "delete iv0");
	if (link_exists(hs, "mv0"))
		T_INT(nl_link_del(hs, "mv0", &e), 0, "delete mv0");
	T_INT(nl_link_del(hs, "br0", &e), 0, "delete br0");
	T_INT(nl_link_del(hs, "vm0", &e), 0, "delete vm0");
	T_OK(!link_exists(hs, "vm1"), "its peer vm1 went with it");
	T_INT(nl_link_del(hs, "vt0", &e), 0, "delete vt0");
	T_OK(!link_exists(js, "eth0"), "peer eth0 in J went with it");
	ret = nl_link_del(hs, "vt0", &e);
	T_INT(ret, -ENODEV, "deleting vt0 again -ENODEV");
	T_STR(e.msg, "vt0: no such interface", "delete missing message");
	nl_link_foreach(js, count_link, &n, &e);
	T_INT(n, 1, "J holds only lo");
	n = 0;
	nl_link_foreach(hs, count_link, &n, &e);
	T_INT(n, 1, "H holds only lo");
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
	struct jail_err e = {0};
	int real = -1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_alarm);
	alarm(60);
	if (geteuid() != 0) {
		printf("ok %d # SKIP needs root (network namespaces)\n", ++t_n);
		T_DONE();
	}
	real = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	T_OK(real >= 0, "open the real network namespace (read only use)");
	T_INT(list_links(real, before), 0, "list the real namespace's links");
	if (unshare(CLONE_NEWNET) < 0) {
		T_OK(0, "unshare(CLONE_NEWNET): %s", strerror(errno));
		T_DONE();
	}
	hfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	jfd = nl_netns_new(&e);
	T_OK(hfd >= 0 && jfd >= 0, "namespaces H and J: %s", e.msg);
	T_INT(nl_open(&hs, &e), 0, "netlink socket in H");
	T_INT(nl_open_netns(&js, jfd, &e), 0, "netlink socket in J");
	if (!hs || !js)
		T_DONE();

	test_links();
	test_addresses_and_routes();
	test_proxy();
	test_move_bridge_vlans();
	test_sysctl();
	test_teardown();

	nl_close(hs);
	nl_close(js);
	close(jfd);
	close(hfd);
	T_INT(list_links(real, after), 0, "list the real links again");
	T_STR(after, before, "real namespace's links unchanged");
	close(real);
	T_DONE();
}
