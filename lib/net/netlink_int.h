/*
 * What netlink.c and nlroute.c share: the socket, one request/response
 * exchange, and the error text built from the kernel's extended ack.
 */
#ifndef JAIL_NETLINK_INT_H
#define JAIL_NETLINK_INT_H

#include <stdbool.h>

#include <libmnl/libmnl.h>

#include "jail/err.h"
#include "netlink.h"

#define RECV_BUFSIZE 32768

struct nl_sock {
	struct mnl_socket *mnl;
	unsigned portid;
	unsigned seq;
	char rbuf[RECV_BUFSIZE];
};

/* One request/response exchange: the caller's parser plus what the
 * kernel's error message said. */
struct talk {
	mnl_cb_t cb;
	void *data;
	int err;
	char ext[160];
};

/* Send nlh and process replies until the ack (or NLMSG_DONE of a dump). */
int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, struct talk *t);
/* e = "WHAT: strerror (kernel's text)"; returns code. */
int nl_fail(struct jail_err *e, int code, const struct talk *t, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A zeroed NL_MSG_BUFSIZE buffer with a request header of type and flags. */
struct nlmsghdr *nl_put_header(void *buf, int type, int flags);
bool nl_name_ok(const char *ifname);
int nl_bad_name(struct jail_err *e, const char *ifname);

#endif
