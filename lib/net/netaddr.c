/*
 * Parser and formatter for jail addresses in FreeBSD's ip4.addr/ip6.addr
 * forms ("IF|addr/len"); see netaddr.h. Every rejection names the offending
 * text so a user can find it in jail.conf.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netaddr.h"

size_t netaddr_len(const struct netaddr *a)
{
	return a->family == AF_INET6 ? 16 : 4;
}

unsigned netaddr_maxprefix(const struct netaddr *a)
{
	return a->family == AF_INET6 ? 128 : 32;
}

bool netaddr_ifname_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= IF_NAMESIZE)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == '%' || *p == '|' || isspace((unsigned char)*p) ||
		    !isprint((unsigned char)*p))
			return false;
	return true;
}

static const char *param_of(int family)
{
	switch (family) {
	case AF_INET:
		return "ip4.addr: ";
	case AF_INET6:
		return "ip6.addr: ";
	default:
		return "";
	}
}

static const char *family_word(int family)
{
	switch (family) {
	case AF_INET:
		return "IPv4 address";
	case AF_INET6:
		return "IPv6 address";
	default:
		return "IP address";
	}
}

/* A decimal prefix length, no sign, no leading junk, at most max. */
static int parse_prefixlen(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (!*s || strlen(s) > 3)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A dotted IPv4 netmask such as 255.255.255.0; must be contiguous. */
static int parse_netmask4(const char *s, unsigned *out)
{
	struct in_addr m;
	uint32_t v;
	unsigned n = 0;

	if (inet_pton(AF_INET, s, &m) != 1)
		return -EINVAL;
	v = ntohl(m.s_addr);
	while (v & 0x80000000u) {
		n++;
		v <<= 1;
	}
	if (v != 0)
		return -EINVAL;
	*out = n;
	return 0;
}

static int check_usable(struct netaddr *a, const char *s, int family, struct jail_err *e)
{
	const char *why = NULL;

	if (a->family == AF_INET) {
		uint32_t v = ntohl(a->u.in.s_addr);

		if (v == 0)
			why = "unspecified address";
		else if (v == 0xffffffffu)
			why = "broadcast address";
		else if ((v >> 28) == 0xe)
			why = "multicast address";
	} else {
		if (IN6_IS_ADDR_UNSPECIFIED(&a->u.in6))
			why = "unspecified address";
		else if (IN6_IS_ADDR_MULTICAST(&a->u.in6))
			why = "multicast address";
		else if (IN6_IS_ADDR_V4MAPPED(&a->u.in6))
			why = "IPv4-mapped address";
	}
	if (!why)
		return 0;
	jail_err_set(e, -EINVAL, "%s%s: %s", param_of(family), s, why);
	return jail_err_exit(e, 78);
}

int netaddr_parse(struct netaddr *a, const char *s, int family, struct jail_err *e)
{
	char buf[NETADDR_INPUT_MAX + 1];
	char *addr = buf, *bar, *slash;
	int r;

	memset(a, 0, sizeof(*a));
	if (!s || !*s) {
		jail_err_set(e, -EINVAL, "%sempty address", param_of(family));
		return jail_err_exit(e, 78);
	}
	if (strlen(s) > NETADDR_INPUT_MAX) {
		jail_err_set(e, -EINVAL, "%saddress too long: %.32s...", param_of(family), s);
		return jail_err_exit(e, 78);
	}
	strcpy(buf, s);

	/* FreeBSD lets "IF|addr/len ifconfig-args" pass arguments to
	 * ifconfig; there is no ifconfig to pass them to here. */
	for (const char *p = buf; *p; p++)
		if (isspace((unsigned char)*p)) {
			jail_err_set(e, -EINVAL, "%s%s: ifconfig arguments are not supported",
				     param_of(family), s);
			return jail_err_exit(e, 78);
		}

	bar = strchr(buf, '|');
	if (bar) {
		*bar = '\0';
		if (!netaddr_ifname_valid(buf)) {
			jail_err_set(e, -EINVAL, "%s%s: bad interface name '%s'", param_of(family), s, buf);
			return jail_err_exit(e, 78);
		}
		strcpy(a->ifname, buf);
		addr = bar + 1;
	}

	slash = strchr(addr, '/');
	if (slash)
		*slash = '\0';
	if (family != AF_INET6 && inet_pton(AF_INET, addr, &a->u.in) == 1)
		a->family = AF_INET;
	else if (family != AF_INET && inet_pton(AF_INET6, addr, &a->u.in6) == 1)
		a->family = AF_INET6;
	else {
		jail_err_set(e, -EINVAL, "%snot an %s: %s", param_of(family), family_word(family), s);
		return jail_err_exit(e, 78);
	}

	a->prefixlen = netaddr_maxprefix(a);
	if (slash) {
		const char *len = slash + 1;

		r = parse_prefixlen(len, netaddr_maxprefix(a), &a->prefixlen);
		if (r < 0 && a->family == AF_INET && strchr(len, '.'))
			r = parse_netmask4(len, &a->prefixlen);
		if (r < 0) {
			jail_err_set(e, -EINVAL, "%s%s: bad prefix length '/%s'", param_of(family), s, len);
			return jail_err_exit(e, 78);
		}
	}
	return check_usable(a, s, family, e);
}

const char *netaddr_str(const struct netaddr *a, bool with_prefix, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->u.bytes, tmp, sizeof(tmp)))
		snprintf(tmp, sizeof(tmp), "?");
	if (with_prefix)
		snprintf(buf, len, "%s/%u", tmp, a->prefixlen);
	else
		snprintf(buf, len, "%s", tmp);
	return buf;
}

int netaddr_from_literal(struct netaddr *a, const char *addr, unsigned prefixlen)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, addr, &a->u.in) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &a->u.in6) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	if (prefixlen > netaddr_maxprefix(a))
		return -EINVAL;
	a->prefixlen = prefixlen;
	return 0;
}
