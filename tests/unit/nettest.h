/*
 * Helpers shared by the network kernel tests: literal addresses and UDP
 * exchanges between sockets created inside given network namespaces, so a
 * test proves reachability with real packets, not just with route lookups.
 */
#ifndef JAIL_NETTEST_H
#define JAIL_NETTEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "net/netlink.h"

static inline struct netaddr A(const char *lit, unsigned plen) {
	struct netaddr a;

	if (netaddr_from_literal(&a, lit, plen) < 0)
		abort();
	return a;
}

/* ---- UDP sockets made inside a namespace ------------------------------- */

struct udp {
	const struct netaddr *a;
	int port;
};

static inline void sockaddr_of(const struct netaddr *a, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		in->sin_addr = a->u.in;
		*len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		in6->sin6_addr = a->u.in6;
		*len = sizeof(*in6);
	}
}

static inline int udp_thread(void *p)
{
	struct udp *u = p;
	struct sockaddr_storage ss;
	struct timeval tv = {3, 0};
	socklen_t len;
	int fd = socket(u->a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sockaddr_of(u->a, u->port, &ss, &len);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* A UDP socket bound to a:port, created inside netns_fd (-1: here). */
static inline int udp_open(int netns_fd, const struct netaddr *a, int port)
{
	struct udp u = {a, port};

	return nl_netns_run(netns_fd, udp_thread, &u);
}

/*
 * Send "ping" from a socket bound to from (in from_ns) to to:port (a socket
 * bound there in to_ns), answer "pong" back to whatever source address
 * arrived. Returns 0 when both directions worked, else -errno of the first
 * step that failed: -EAGAIN when the ping never arrived, -ETIMEDOUT when
 * only the answer was lost.
 */
static inline int udp_exchange_seen(int from_ns, const struct netaddr *from, int to_ns,
				    const struct netaddr *to, int port, struct sockaddr_storage *seen)
{
	_cleanup_close_ int a = udp_open(from_ns, from, 0);
	_cleanup_close_ int b = udp_open(to_ns, to, port);
	struct sockaddr_storage ss, peer;
	socklen_t len, plen = sizeof(peer);
	char buf[16];
	ssize_t n;

	if (a < 0)
		return a;
	if (b < 0)
		return b;
	sockaddr_of(to, port, &ss, &len);
	if (sendto(a, "ping", 4, 0, (struct sockaddr *)&ss, len) < 0)
		return -errno;
	n = recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
	if (n != 4 || memcmp(buf, "ping", 4) != 0)
		return n < 0 ? -errno : -EPROTO;
	if (seen)
		*seen = peer;
	if (sendto(b, "pong", 4, 0, (struct sockaddr *)&peer, plen) < 0)
		return -errno;
	/* -ETIMEDOUT: the ping arrived, the answer did not come back. */
	n = recv(a, buf, sizeof(buf), 0);
	if (n < 0 && errno == EAGAIN)
		return -ETIMEDOUT;
	if (n != 4 || memcmp(buf, "pong", 4) != 0)
		return n < 0 ? -errno : -EPROTO;
	return 0;
}

/* The same without reporting the source address the receiver saw. */
static inline int udp_exchange(int from_ns, const struct netaddr *from, int to_ns, const struct netaddr *to,
			       int port)
{
	return udp_exchange_seen(from_ns, from, to_ns, to, port, NULL);
}

#endif
