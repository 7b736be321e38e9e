/*
 * Unit tests of the ip4.addr/ip6.addr parser (lib/netaddr.c): every form
 * FreeBSD's jail(8) accepts, default prefix lengths, and the exact message
 * for each kind of garbage. Pure, no root.
 */
#include <errno.h>
#include <sys/socket.h>

#include "net/netaddr.h"
#include "t.h"

static void ok_case(const char *in, int family, int want_family, const char *want_str, const char *want_if)
{
	struct jail_err e = {0};
	struct netaddr a;
	char buf[NETADDR_STRLEN];
	int r = netaddr_parse(&a, in, family, &e);

	T_INT(r, 0, "parse '%s'", in);
	if (r < 0) {
		printf("#   %s\n", e.msg);
		return;
	}
	T_INT(a.family, want_family, "'%s' family", in);
	T_STR(netaddr_str(&a, true, buf, sizeof(buf)), want_str, "'%s' as text", in);
	T_STR(a.ifname, want_if, "'%s' interface", in);
}

static void bad_case(const char *in, int family, const char *want_msg)
{
	struct jail_err e = {0};
	struct netaddr a;
	int r = netaddr_parse(&a, in, family, &e);

	T_INT(r, -EINVAL, "reject '%s'", in);
	T_STR(e.msg, want_msg, "message for '%s'", in);
	T_INT(e.exit, 78, "'%s' is a config error (exit 78)", in);
}

int main(void)
{
	ok_case("192.0.2.27", AF_INET, AF_INET, "192.0.2.27/32", "");
	ok_case("192.0.2.27/24", AF_INET, AF_INET, "192.0.2.27/24", "");
	ok_case("eth0|192.0.2.27/24", AF_INET, AF_INET, "192.0.2.27/24", "eth0");
	ok_case("em0|192.0.2.27", AF_INET, AF_INET, "192.0.2.27/32", "em0");
	ok_case("192.0.2.27/255.255.255.0", AF_INET, AF_INET, "192.0.2.27/24", "");
	ok_case("192.0.2.27/0", AF_INET, AF_INET, "192.0.2.27/0", "");
	ok_case("2001:db8::1/64", AF_INET6, AF_INET6, "2001:db8::1/64", "");
	ok_case("eth0|2001:db8::1", AF_INET6, AF_INET6, "2001:db8::1/128", "eth0");
	ok_case("2001:DB8:0:0::1", AF_INET6, AF_INET6, "2001:db8::1/128", "");
	ok_case("br-lan.10|2001:db8::27/128", AF_INET6, AF_INET6, "2001:db8::27/128", "br-lan.10");
	ok_case("198.51.100.9", AF_UNSPEC, AF_INET, "198.51.100.9/32", "");
	ok_case("2001:db8::9/48", AF_UNSPEC, AF_INET6, "2001:db8::9/48", "");
	/* FreeBSD's classic lo1 trick is allowed by the parser. */
	ok_case("lo1|127.0.1.1", AF_INET, AF_INET, "127.0.1.1/32", "lo1");

	bad_case("", AF_INET, "ip4.addr: empty address");
	bad_case("192.0.2.300", AF_INET, "ip4.addr: not an IPv4 address: 192.0.2.300");
	bad_case("2001:db8::1", AF_INET, "ip4.addr: not an IPv4 address: 2001:db8::1");
	bad_case("192.0.2.1", AF_INET6, "ip6.addr: not an IPv6 address: 192.0.2.1");
	bad_case("www.example.org", AF_UNSPEC, "not an IP address: www.example.org");
	bad_case("192.0.2.27/33", AF_INET, "ip4.addr: 192.0.2.27/33: bad prefix length '/33'");
	bad_case("192.0.2.27/", AF_INET, "ip4.addr: 192.0.2.27/: bad prefix length '/'");
	bad_case("192.0.2.27/-1", AF_INET, "ip4.addr: 192.0.2.27/-1: bad prefix length '/-1'");
	bad_case("192.0.2.27/24x", AF_INET, "ip4.addr: 192.0.2.27/24x: bad prefix length '/24x'");
	bad_case("192.0.2.27/255.0.255.0", AF_INET,
		 "ip4.addr: 192.0.2.27/255.0.255.0: bad prefix length "
		 "'/255.0.255.0'");
	bad_case("2001:db8::1/129", AF_INET6, "ip6.addr: 2001:db8::1/129: bad prefix length '/129'");
	bad_case("2001:db8::1/0128", AF_INET6, "ip6.addr: 2001:db8::1/0128: bad prefix length '/0128'");
	bad_case("|192.0.2.27", AF_INET, "ip4.addr: |192.0.2.27: bad interface name ''");
	bad_case("averyveryverylongname|192.0.2.27", AF_INET,
		 "ip4.addr: averyveryverylongname|192.0.2.27: bad interface "
		 "name 'averyveryverylongname'");
	bad_case("eth0|eth1|192.0.2.27", AF_INET, "ip4.addr: not an IPv4 address: eth0|eth1|192.0.2.27");
	bad_case("../x|192.0.2.27", AF_INET, "ip4.addr: ../x|192.0.2.27: bad interface name '../x'");
	bad_case("em0|192.0.2.27/24 mtu 9000", AF_INET,
		 "ip4.addr: em0|192.0.2.27/24 mtu 9000: ifconfig arguments "
		 "are not supported");
	bad_case("fe80::1%eth0", AF_INET6, "ip6.addr: not an IPv6 address: fe80::1%eth0");
	bad_case("0.0.0.0", AF_INET, "ip4.addr: 0.0.0.0: unspecified address");
	bad_case("255.255.255.255", AF_INET, "ip4.addr: 255.255.255.255: broadcast address");
	bad_case("224.0.0.1", AF_INET, "ip4.addr: 224.0.0.1: multicast address");
	bad_case("::", AF_INET6, "ip6.addr: ::: unspecified address");
	bad_case("ff02::1", AF_INET6, "ip6.addr: ff02::1: multicast address");
	bad_case("::ffff:192.0.2.1", AF_INET6, "ip6.addr: ::ffff:192.0.2.1: IPv4-mapped address");

	{
		char big[300];
		struct jail_err e = {0};
		struct netaddr a;

		memset(big, '1', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		T_INT(netaddr_parse(&a, big, AF_INET, &e), -EINVAL, "overlong input rejected");
		T_OK(strstr(e.msg, "address too long") != NULL, "overlong message says so: %s", e.msg);
	}
	{
		struct netaddr a;
		char buf[NETADDR_STRLEN];

		T_INT(netaddr_from_literal(&a, "169.254.0.1", 32), 0, "literal v4");
		T_STR(netaddr_str(&a, false, buf, sizeof(buf)), "169.254.0.1", "literal v4 without prefix");
		T_INT(netaddr_from_literal(&a, "fe80::1", 64), 0, "literal v6");
		T_INT(netaddr_len(&a), 16, "v6 length 16");
		T_INT(netaddr_from_literal(&a, "fe80::1", 129), -EINVAL, "literal with too long prefix");
	}
	T_OK(netaddr_ifname_valid("eth0"), "eth0 is a valid name");
	T_OK(!netaddr_ifname_valid("0123456789abcdef"), "16-char name is invalid");
	T_OK(netaddr_ifname_valid("0123456789abcde"), "15-char name is valid");
	T_OK(!netaddr_ifname_valid("a b"), "space is invalid");
	T_DONE();
}
