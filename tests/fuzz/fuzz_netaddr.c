/*
 * libFuzzer target for jail addresses (lib/net/netaddr.c): ip4.addr and
 * ip6.addr values as jail.conf and the command line give them. The first
 * byte picks the family (ip4.addr, ip6.addr or either); the rest is the
 * address. An accepted address must format and parse back to itself, and a
 * refused one must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/netaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = {AF_INET, AF_INET6, AF_UNSPEC};
	struct netaddr a, b;
	struct jail_err e = {0};
	char s[NETADDR_INPUT_MAX + 64], out[NETADDR_STRLEN];
	int family;

	if (size < 1 || size >= sizeof(s))
		return 0;
	family = families[data[0] % 3];
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (netaddr_parse(&a, s, family, &e) < 0) {
		if (!e.msg[0] || e.code >= 0)
			abort();
		return 0;
	}
	if ((a.family != AF_INET && a.family != AF_INET6) || a.prefixlen > netaddr_maxprefix(&a))
		abort();
	if (family != AF_UNSPEC && a.family != family)
		abort();
	if (strnlen(a.ifname, sizeof(a.ifname)) == sizeof(a.ifname))
		abort();
	netaddr_str(&a, true, out, sizeof(out));
	if (netaddr_parse(&b, out, a.family, &e) < 0)
		abort();
	if (b.family != a.family || b.prefixlen != a.prefixlen || memcmp(&a.u, &b.u, netaddr_len(&a)) != 0)
		abort();
	netaddr_str(&a, false, out, sizeof(out));
	return 0;
}
