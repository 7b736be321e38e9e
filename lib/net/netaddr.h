/*
 * Jail addresses as FreeBSD's jail(8) writes them in ip4.addr / ip6.addr:
 * `192.0.2.27`, `192.0.2.27/24`, `192.0.2.27/255.255.255.0`,
 * `eth0|192.0.2.27/24`, `2001:db8::1/64`, `eth0|2001:db8::1`. The optional
 * `IF|` prefix names the host interface on which the jail's address is
 * published (FreeBSD adds an alias there; we add a proxy ARP/NDP entry).
 * Without a prefix length an address is a host address (/32, /128), as
 * FreeBSD's alias default. Pure code, no system calls, so it is unit-tested
 * without root.
 */
#ifndef JAIL_NETADDR_H
#define JAIL_NETADDR_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "jail/err.h"

/* Longest accepted input ("IF|" + longest IPv6 text + "/128" fits easily). */
#define NETADDR_INPUT_MAX 128
/* Buffer size for netaddr_str(): address, '/', prefix length, NUL. */
#define NETADDR_STRLEN (INET6_ADDRSTRLEN + 5)

struct netaddr {
	int family;	    /* AF_INET or AF_INET6 */
	unsigned prefixlen; /* 0..32 or 0..128 */
	union {
		struct in_addr in;
		struct in6_addr in6;
		unsigned char bytes[16];
	} u;
	char ifname[IF_NAMESIZE]; /* "" unless written "IF|addr" */
};

/*
 * Parse s into a. family is AF_INET (ip4.addr), AF_INET6 (ip6.addr) or
 * AF_UNSPEC (either). Rejects unspecified, multicast and (IPv4) broadcast
 * addresses, IPv6 scope ids, trailing ifconfig arguments and bad interface
 * names. Messages look like FreeBSD's: "ip4.addr: not an IPv4 address: x".
 */
int netaddr_parse(struct netaddr *a, const char *s, int family, struct jail_err *e);

/* Address bytes: 4 or 16. */
size_t netaddr_len(const struct netaddr *a);

/* Full-length prefix: 32 or 128. */
unsigned netaddr_maxprefix(const struct netaddr *a);

/*
 * Format a as "192.0.2.27/24" (with_prefix) or "192.0.2.27" into buf of
 * at least NETADDR_STRLEN bytes; returns buf (never NULL).
 */
const char *netaddr_str(const struct netaddr *a, bool with_prefix, char *buf, size_t len);

/* True when name is usable as a Linux interface name. */
bool netaddr_ifname_valid(const char *name);

/* Fill a with a literal (no IF|, no checks beyond inet_pton); for callers
 * that build well-known addresses like 169.254.0.1. Returns 0 or -EINVAL. */
int netaddr_from_literal(struct netaddr *a, const char *addr, unsigned prefixlen);

#endif
