/*
 * rtnetlink requests through libmnl (see netlink.h). Requests are built by
 * the nl_msg_* functions without I/O, so their encoding is unit-tested;
 * talk() sends one, collects replies until the kernel's ack, and turns a
 * netlink error (with the kernel's extended-ack text when it sends one)
 * into a jail_err message naming the interface and address involved.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "core/cleanup.h"
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

/* --- sockets ----------------------------------------------------------- */

static int sock_open(struct nl_sock **out)
{
	struct nl_sock *s = calloc(1, sizeof(*s));
	int one = 1, r;

	if (!s)
		return -ENOMEM;
	s->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!s->mnl) {
		r = -errno;
		free(s);
		return r;
	}
	/* Best effort: older kernels lack them and errors just get terser. */
	mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(s->mnl);
		free(s);
		return r;
	}
	s->portid = mnl_socket_get_portid(s->mnl);
	s->seq = (unsigned)time(NULL);
	*out = s;
	return 0;
}

int nl_open(struct nl_sock **out, struct jail_err *e)
{
	int r = sock_open(out);

	if (r < 0)
		return jail_err_sys(e, r, "netlink socket");
	return 0;
}

struct open_arg {
	struct nl_sock *s;
};

static int open_thread(void *p)
{
	struct open_arg *a = p;

	return sock_open(&a->s);
}

static int sock_open_netns(struct nl_sock **out, int netns_fd)
{
	struct open_arg a = {NULL};
	int r = nl_netns_run(netns_fd, open_thread, &a);

	if (r < 0)
		return r;
	*out = a.s;
	return 0;
}

int nl_open_netns(struct nl_sock **out, int netns_fd, struct jail_err *e)
{
	int r;

	if (netns_fd < 0)
		return nl_open(out, e);
	r = sock_open_netns(out, netns_fd);
	if (r < 0)
		return jail_err_sys(e, r, "netlink socket in network namespace");
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (!s)
		return;
	mnl_socket_close(s->mnl);
	free(s);
}

/* --- the exchange -------------------------------------------------------- */

static int talk_data(const struct nlmsghdr *nlh, void *p)
{
	struct talk *t = p;
	int r;

	if (!t->cb)
		return MNL_CB_OK;
	errno = 0;
	r = t->cb(nlh, t->data);
	if (r == MNL_CB_ERROR)
		t->err = errno ? -errno : -EIO;
	return r;
}

static int talk_error(const struct nlmsghdr *nlh, void *p)
{
	struct talk *t = p;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		t->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	t->err = err->error < 0 ? err->error : -EPROTO;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return MNL_CB_ERROR;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return MNL_CB_ERROR;
	mnl_attr_for_each(attr, nlh, off)
	{
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(t->ext, sizeof(t->ext), "%s", mnl_attr_get_str(attr));
	}
	return MNL_CB_ERROR;
}

/* End of a dump; its payload carries the dump's error, if any. */
static int talk_done(const struct nlmsghdr *nlh, void *p)
{
	struct talk *t = p;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err = *(const int *)mnl_nlmsg_get_payload(nlh);

		if (err < 0) {
			t->err = err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int talk_overrun(const struct nlmsghdr *nlh, void *p)
{
	struct talk *t = p;

	t->err = -ENOSPC;
	return MNL_CB_ERROR;
}

/* Send nlh and process replies until the ack (or NLMSG_DONE of a dump). */
static int talk(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, struct talk *t)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = talk_error,
		[NLMSG_DONE] = talk_done,
		[NLMSG_OVERRUN] = talk_overrun,
	};
	unsigned seq = ++s->seq;

	t->cb = cb;
	t->data = data;
	t->err = 0;
	t->ext[0] = '\0';
	nlh->nlmsg_seq = seq;
	/* NLM_F_DUMP shares bits with NLM_F_EXCL; it only means a dump on
	 * RTM_GET* requests, which end with NLMSG_DONE instead of an ack. */
	if ((nlh->nlmsg_type & 3) != 2 || (nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, s->rbuf, sizeof(s->rbuf));
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		errno = 0;
		r = mnl_cb_run2(s->rbuf, (size_t)n, seq, s->portid, talk_data, t, ctl, ARRAY_SIZE(ctl));
		/* A reply left over from an earlier, abandoned exchange: one
		 * datagram never mixes sequence numbers, so drop it whole. */
		if (r == MNL_CB_ERROR && errno == ESRCH && !t->err)
			continue;
		if (r == MNL_CB_ERROR)
			return t->err ? t->err : (errno ? -errno : -EIO);
		if (r == MNL_CB_STOP)
			return 0;
	}
}

static int fail(struct jail_err *e, int code, const struct talk *t, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct jail_err *e, int code, const struct talk *t, const char *fmt, ...)
{
	char what[JAIL_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (t && t->ext[0])
		return jail_err_set(e, code, "%s: %s (%s)", what, strerror(-code), t->ext);
	return jail_err_set(e, code, "%s: %s", what, strerror(-code));
}

static struct nlmsghdr *put_header(void *buf, int type, int flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, NL_MSG_BUFSIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	return nlh;
}

/* --- links --------------------------------------------------------------- */

static int parse_link(const struct nlmsghdr *nlh, struct nl_link *l)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr, *in;

	memset(l, 0, sizeof(*l));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return -EBADMSG;
	l->ifindex = ifm->ifi_index;
	l->flags = ifm->ifi_flags;
	mnl_attr_for_each(attr, nlh, sizeof(*ifm))
	{
		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
				snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(attr));
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				l->mtu = mnl_attr_get_u32(attr);
			break;
		case IFLA_MASTER:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				l->master = (int)mnl_attr_get_u32(attr);
			break;
		case IFLA_LINKINFO:
			mnl_attr_for_each_nested(in, attr)
			{
				if (mnl_attr_get_type(in) == IFLA_INFO_KIND &&
				    mnl_attr_validate(in, MNL_TYPE_NUL_STRING) >= 0)
					snprintf(l->kind, sizeof(l->kind), "%s", mnl_attr_get_str(in));
			}
			break;
		}
	}
	return 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (parse_link(nlh, data) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static bool name_ok(const char *ifname)
{
	return ifname && netaddr_ifname_valid(ifname);
}

static int bad_name(struct jail_err *e, const char *ifname)
{
	return jail_err_set(e, -EINVAL, "'%s': invalid interface name", ifname ? ifname : "(null)");
}

int nl_link_get(struct nl_sock *s, const char *ifname, struct nl_link *out, struct jail_err *e)
{
	char buf[NL_MSG_BUFSIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct talk t;
	int r;

	if (!name_ok(ifname))
		return bad_name(e, ifname);
	nlh = put_header(buf, RTM_GETLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(out, 0, sizeof(*out));
	r = talk(s, nlh, link_cb, out, &t);
	if (r == -ENODEV)
		return jail_err_set(e, r, "%s: no such interface", ifname);
	if (r < 0)
		return fail(e, r, &t, "%s: get link", ifname);
	if (out->ifindex <= 0)
		return jail_err_set(e, -ENODEV, "%s: no such interface", ifname);
	return 0;
}

int nl_link_index(struct nl_sock *s, const char *ifname, struct jail_err *e)
{
	struct nl_link l;
	int r = nl_link_get(s, ifname, &l, e);

	return r < 0 ? r : l.ifindex;
}

struct foreach {
	int (*fn)(const struct nl_link *l, void *arg);
	void *arg;
	int ret;
};

static int foreach_cb(const struct nlmsghdr *nlh, void *data)
{
	struct foreach *f = data;
	struct nl_link l;

	if (nlh->nlmsg_type != RTM_NEWLINK || f->ret < 0)
		return MNL_CB_OK;
	if (parse_link(nlh, &l) == 0)
		f->ret = f->fn(&l, f->arg);
	return MNL_CB_OK; /* drain the dump even after fn said stop */
}

int nl_link_foreach(struct nl_sock *s, int (*fn)(const struct nl_link *l, void *arg), void *arg,
		    struct jail_err *e)
{
	char buf[NL_MSG_BUFSIZE];
	struct foreach f = {fn, arg, 0};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct talk t;
	int r;

	nlh = put_header(buf, RTM_GETLINK, NLM_F_DUMP);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = talk(s, nlh, foreach_cb, &f, &t);
	if (r < 0)
		return fail(e, r, &t, "list links");
	return f.ret;
}

/* What a RTM_NEWLINK on an existing link changes. */
struct link_change {
	unsigned flags, change; /* ifi_flags / ifi_change */
	const char *newname;
	unsigned mtu;
	int master;   /* -1: leave; 0: release; > 0: ifindex */
	int netns_fd; /* -1: stay */
};

static int link_modify(struct nl_sock *s, const char *ifname, const struct link_change *c, struct talk *t)
{
	char buf[NL_MSG_BUFSIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int idx = nl_link_index(s, ifname, NULL);

	if (idx < 0)
		return idx;
	nlh = put_header(buf, RTM_NEWLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = idx;
	ifm->ifi_flags = c->flags;
	ifm->ifi_change = c->change;
	if (c->newname)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, c->newname);
	if (c->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, c->mtu);
	if (c->master >= 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)c->master);
	if (c->netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)c->netns_fd);
	return talk(s, nlh, NULL, NULL, t);
}

#define LINK_CHANGE_NONE              \
	{                             \
		0, 0, NULL, 0, -1, -1 \
	}

static int link_fail(struct jail_err *e, int r, const struct talk *t, const char *ifname, const char *what)
{
	if (r == -ENODEV)
		return jail_err_set(e, r, "%s: no such interface", ifname);
	return fail(e, r, t, "%s: %s", ifname, what);
}

int nl_link_set_up(struct nl_sock *s, const char *ifname, bool up, struct jail_err *e)
{
	struct link_change c = LINK_CHANGE_NONE;
	struct talk t = {0};
	int r;

	if (!name_ok(ifname))
		return bad_name(e, ifname);
	c.flags = up ? IFF_UP : 0;
	c.change = IFF_UP;
	r = link_modify(s, ifname, &c, &t);
	return r < 0 ? link_fail(e, r, &t, ifname, up ? "set up" : "set down") : 0;
}

int nl_link_set_name(struct nl_sock *s, const char *ifname, const char *newname, struct jail_err *e)
{
	struct link_change c = LINK_CHANGE_NONE;
	struct talk t = {0};
	char what[48];
	int r;

	if (!name_ok(ifname))
		return bad_name(e, ifname);
	if (!name_ok(newname))
		return bad_name(e, newname);
	c.newname = newname;
	r = link_modify(s, ifname, &c, &t);
	snprintf(what, sizeof(what), "rename to %s", newname);
	return r < 0 ? link_fail(e, r, &t, ifname, what) : 0;
}

int nl_link_set_mtu(struct nl_sock *s, const char *ifname, unsigned mtu, struct jail_err *e)
{
	struct link_change c = LINK_CHANGE_NONE;
	struct talk t = {0};
	char what[32];
	int r;

	if (!name_ok(ifname))
		return bad_name(e, ifname);
	if (mtu == 0 || mtu > 65536)
		return jail_err_set(e, -EINVAL, "%s: mtu %u out of range", ifname, mtu);
	c.mtu = mtu;
	r = link_modify(s, ifname, &c, &t);
	snprintf(what, sizeof(what), "set mtu %u", mtu);
	return r < 0 ? link_fail(e, r, &t, ifname, what) : 0;
}

int nl_link_move(struct nl_sock *s, const char *ifname, int netns_fd, const char *newname, struct jail_err *e)
{
	struct link_change c = LINK_CHANGE_NONE;
	struct talk t = {0};
	char what[48];
	int r;

	if (!name_ok(ifname))
		return bad_name(e, ifname);
	if (newname && !name_ok(newname))
		return bad_name(e, newname);
	if (netns_fd < 0)
		return jail_err_set(e, -EBADF, "%s: move: no namespace", ifname);
	/* The kernel moves first and renames afterwards, so a taken name
	 * would leave the link moved under its old name: check first. */
	if (newname) {
		struct nl_sock *t_s;

		r = sock_open_netns(&t_s, netns_fd);
		if (r < 0)
			return jail_err_sys(e, r, "%s: move", ifname);
		r = nl_link_index(t_s, newname, NULL);
		nl_close(t_s);
		if (r > 0)
			return jail_err_set(e, -EEXIST,
					    "%s: move to namespace as %s: %s "
					    "is taken there",
					    ifname, newname, newname);
	}
	c.netns_fd = netns_fd;
	c.newname = newname;
	r = link_modify(s, ifname, &c, &t);
	if (newname)
		snprintf(what, sizeof(what), "move to namespace as %s", newname);
	else
		snprintf(what, sizeof(what), "move to namespace");
	return r < 0 ? link_fail(e, r, &t, ifname, what) : 0;
}

int nl_link_set_master(struct nl_sock *s, const char *ifname, const char *master, struct jail_err *e)
{
	struct link_change c = LINK_CHANGE_NONE;
	struct talk t = {0};
	char what[48];
	int r;

	if (!name_ok(ifname))
		return bad_name(e, ifname);
	c.master = 0;
	if (master) {
		c.master = nl_link_index(s, master, e);
		if (c.master < 0)
			return c.master;
	}
	r = link_modify(s, ifname, &c, &t);
	if (master)
		snprintf(what, sizeof(what), "add to bridge %s", master);
	else
		snprintf(what, sizeof(what), "release from bridge");
	return r < 0 ? link_fail(e, r, &t, ifname, what) : 0;
}

int nl_link_del(struct nl_sock *s, const char *ifname, struct jail_err *e)
{
	char buf[NL_MSG_BUFSIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct talk t = {0};
	int r;

	if (!name_ok(ifname))
		return bad_name(e, ifname);
	r = nl_link_index(s, ifname, e);
	if (r < 0)
		return r;
	nlh = put_header(buf, RTM_DELLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = r;
	r = talk(s, nlh, NULL, NULL, &t);
	return r < 0 ? link_fail(e, r, &t, ifname, "delete") : 0;
}

struct nlmsghdr *nl_msg_veth(void *buf, const char *name, const char *peer, int peer_netns_fd)
{
	struct nlmsghdr *nlh = put_header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct nlattr *info, *data, *pn;

	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pn = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer is described by its own ifinfomsg plus attributes. */
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	mnl_attr_nest_end(nlh, pn);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

int nl_veth_create(struct nl_sock *s, const char *name, const char *peer, int peer_netns_fd,
		   struct jail_err *e)
{
	char buf[NL_MSG_BUFSIZE];
	struct talk t = {0};
	int r;

	if (!name_ok(name))
		return bad_name(e, name);
	if (!name_ok(peer))
		return bad_name(e, peer);
	r = talk(s, nl_msg_veth(buf, name, peer, peer_netns_fd), NULL, NULL, &t);
	return r < 0 ? fail(e, r, &t, "%s: create veth with peer %s", name, peer) : 0;
}

struct nlmsghdr *nl_msg_link_new(void *buf, const char *kind, const char *name, int parent_ifindex,
				 int netns_fd)
{
	struct nlmsghdr *nlh = put_header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct nlattr *info, *data;

	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (parent_ifindex > 0)
		mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent_ifindex);
	if (netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	if (strcmp(kind, "macvlan") == 0) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE);
		mnl_attr_nest_end(nlh, data);
	} else if (strcmp(kind, "ipvlan") == 0) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u16(nlh, IFLA_IPVLAN_MODE, IPVLAN_MODE_L2);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

static int link_new(struct nl_sock *s, const char *kind, const char *name, const char *parent, int netns_fd,
		    struct jail_err *e)
{
	char buf[NL_MSG_BUFSIZE];
	struct talk t = {0};
	int pidx = 0, r;

	if (!name_ok(name))
		return bad_name(e, name);
	if (parent) {
		if (!name_ok(parent))
			return bad_name(e, parent);
		pidx = nl_link_index(s, parent, e);
		if (pidx < 0)
			return pidx;
	}
	r = talk(s, nl_msg_link_new(buf, kind, name, pidx, netns_fd), NULL, NULL, &t);
	if (r < 0 && parent)
		return fail(e, r, &t, "%s: create %s on %s", name, kind, parent);
	if (r < 0)
		return fail(e, r, &t, "%s: create %s", name, kind);
	return 0;
}

int nl_bridge_create(struct nl_sock *s, const char *name, struct jail_err *e)
{
	return link_new(s, "bridge", name, NULL, -1, e);
}

int nl_macvlan_create(struct nl_sock *s, const char *name, const char *parent, int netns_fd,
		      struct jail_err *e)
{
	return link_new(s, "macvlan", name, parent, netns_fd, e);
}

int nl_ipvlan_create(struct nl_sock *s, const char *name, const char *parent, int netns_fd,
		     struct jail_err *e)
{
	return link_new(s, "ipvlan", name, parent, netns_fd, e);
}

/* --- addresses ----------------------------------------------------------- */

struct nlmsghdr *nl_msg_addr(void *buf, bool add, int ifindex, const struct netaddr *a, unsigned flags)
{
	struct nlmsghdr *nlh =
		put_header(buf, add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint32_t fl = 0;

	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)a->prefixlen;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	if (flags & NL_ADDR_SCOPE_LINK)
		ifa->ifa_scope = RT_SCOPE_LINK;
	if (flags & NL_ADDR_SCOPE_HOST)
		ifa->ifa_scope = RT_SCOPE_HOST;
	if (flags & NL_ADDR_NODAD)
		fl |= IFA_F_NODAD;
	if (flags & NL_ADDR_NOPREFIXROUTE)
		fl |= IFA_F_NOPREFIXROUTE;
	ifa->ifa_flags = (uint8_t)fl;
	mnl_attr_put(nlh, IFA_LOCAL, netaddr_len(a), a->u.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, netaddr_len(a), a->u.bytes);
	if (add && fl)
		mnl_attr_put_u32(nlh, IFA_FLAGS, fl);
	return nlh;
}

static bool family_ok(const struct netaddr *a)
{
	return a && (a->family == AF_INET || a->family == AF_INET6) && a->prefixlen <= netaddr_maxprefix(a);
}

static int addr_op(struct nl_sock *s, bool add, const char *ifname, const struct netaddr *a, unsigned flags,
		   struct jail_err *e)
{
	char buf[NL_MSG_BUFSIZE], as[NETADDR_STRLEN];
	struct talk t = {0};
	int idx, r;

	if (!name_ok(ifname))
		return bad_name(e, ifname);
	if (!family_ok(a))
		return jail_err_set(e, -EAFNOSUPPORT, "%s: bad address", ifname);
	netaddr_str(a, true, as, sizeof(as));
	idx = nl_link_index(s, ifname, e);
	if (idx == -ENODEV)
		return jail_err_set(e, idx, "%s: %s address %s: no such interface", ifname,
				    add ? "add" : "delete", as);
	if (idx < 0)
		return idx;
	r = talk(s, nl_msg_addr(buf, add, idx, a, flags), NULL, NULL, &t);
	if (r < 0)
		return fail(e, r, &t, "%s: %s address %s", ifname, add ? "add" : "delete", as);
	return 0;
}

int nl_addr_add(struct nl_sock *s, const char *ifname, const struct netaddr *a, unsigned flags,
		struct jail_err *e)
{
	return addr_op(s, true, ifname, a, flags, e);
}

int nl_addr_del(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e)
{
	return addr_op(s, false, ifname, a, 0, e);
}

/* --- routes -------------------------------------------------------------- */

void nl_route_host(struct nl_route *r, const struct netaddr *a, const char *dev)
{
	memset(r, 0, sizeof(*r));
	r->dst = *a;
	r->dst.prefixlen = netaddr_maxprefix(a);
	r->dst.ifname[0] = '\0';
	snprintf(r->dev, sizeof(r->dev), "%s", dev ? dev : "");
}

void nl_route_default(struct nl_route *r, int family, const struct netaddr *gw, const char *dev)
{
	memset(r, 0, sizeof(*r));
	r->dst.family = family;
	if (gw) {
		r->gw = *gw;
		r->gw.ifname[0] = '\0';
	}
	snprintf(r->dev, sizeof(r->dev), "%s", dev ? dev : "");
	r->onlink = gw && dev && *dev;
}

/* Clear the host bits: the kernel rejects 192.0.2.27/24 as a route key. */
static void mask_prefix(unsigned char *b, size_t len, unsigned prefixlen)
{
	for (size_t i = 0; i < len; i++) {
		unsigned bit = (unsigned)i * 8;

		if (bit >= prefixlen)
			b[i] = 0;
		else if (bit + 8 > prefixlen)
			b[i] &= (unsigned char)(0xff << (8 - (prefixlen - bit)));
	}
}

struct nlmsghdr *nl_msg_route(void *buf, bool add, const struct nl_route *r, int oif)
{
	struct nlmsghdr *nlh =
		put_header(buf, add ? RTM_NEWROUTE : RTM_DELROUTE, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	unsigned table = r->table ? r->table : RT_TABLE_MAIN;
	bool gw = r->gw.family != 0;

	rtm->rtm_family = (uint8_t)r->dst.family;
	rtm->rtm_dst_len = (uint8_t)r->dst.prefixlen;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_type = RTN_UNICAST;
	/* Delete matches any protocol and scope; add says what it is. */
	rtm->rtm_protocol = add ? RTPROT_STATIC : RTPROT_UNSPEC;
	if (!add)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	else if (!gw && oif > 0)
		rtm->rtm_scope = RT_SCOPE_LINK;
	else
		rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	if (r->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	if (r->dst.prefixlen > 0) {
		unsigned char dst[16];
		size_t len = netaddr_len(&r->dst);

		memcpy(dst, r->dst.u.bytes, len);
		mask_prefix(dst, len, r->dst.prefixlen);
		mnl_attr_put(nlh, RTA_DST, len, dst);
	}
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, netaddr_len(&r->gw), r->gw.u.bytes);
	if (oif > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	if (table >= 256)
		mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh;
}

static int route_op(struct nl_sock *s, bool add, const struct nl_route *r, struct jail_err *e)
{
	char buf[NL_MSG_BUFSIZE], ds[NETADDR_STRLEN], gs[NETADDR_STRLEN];
	char what[160];
	struct talk t = {0};
	int oif = 0, ret;

	if (!r || (r->dst.family != AF_INET && r->dst.family != AF_INET6) ||
	    r->dst.prefixlen > netaddr_maxprefix(&r->dst) || (r->gw.family && r->gw.family != r->dst.family))
		return jail_err_set(e, -EINVAL, "route: bad address family");
	if (r->dst.prefixlen == 0)
		snprintf(ds, sizeof(ds), "default");
	else
		netaddr_str(&r->dst, true, ds, sizeof(ds));
	snprintf(what, sizeof(what), "%s", ds);
	if (r->gw.family)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " via %s",
			 netaddr_str(&r->gw, false, gs, sizeof(gs)));
	if (r->dev[0]) {
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " dev %s", r->dev);
		oif = nl_link_index(s, r->dev, e);
		if (oif < 0)
			return jail_err_prefix(e, "route %s", what);
	}
	ret = talk(s, nl_msg_route(buf, add, r, oif), NULL, NULL, &t);
	if (ret < 0)
		return fail(e, ret, &t, "%s route %s", add ? "add" : "delete", what);
	return 0;
}

int nl_route_add(struct nl_sock *s, const struct nl_route *r, struct jail_err *e)
{
	return route_op(s, true, r, e);
}

int nl_route_del(struct nl_sock *s, const struct nl_route *r, struct jail_err *e)
{
	return route_op(s, false, r, e);
}

/* --- proxy neighbours ---------------------------------------------------- */

struct nlmsghdr *nl_msg_neigh_proxy(void *buf, int type, int ifindex, const struct netaddr *a)
{
	struct nlmsghdr *nlh = put_header(buf, type, type == RTM_NEWNEIGH ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = (uint8_t)a->family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_flags = NTF_PROXY;
	/* A get request must carry state 0, or the kernel rejects it. */
	ndm->ndm_state = type == RTM_GETNEIGH ? 0 : NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, netaddr_len(a), a->u.bytes);
	return nlh;
}

static int neigh_op(struct nl_sock *s, int type, const char *ifname, const struct netaddr *a,
		    struct jail_err *e)
{
	static const char *const what[] = {"add", "delete", "get"};
	char buf[NL_MSG_BUFSIZE], as[NETADDR_STRLEN];
	struct talk t = {0};
	int idx, r, w = type == RTM_NEWNEIGH ? 0 : type == RTM_DELNEIGH ? 1 : 2;

	if (!name_ok(ifname))
		return bad_name(e, ifname);
	if (!family_ok(a))
		return jail_err_set(e, -EAFNOSUPPORT, "%s: bad address", ifname);
	netaddr_str(a, false, as, sizeof(as));
	idx = nl_link_index(s, ifname, e);
	if (idx == -ENODEV)
		return jail_err_set(e, idx,
				    "%s: %s proxy %s entry for %s: no such "
				    "interface",
				    ifname, what[w], a->family == AF_INET ? "ARP" : "NDP", as);
	if (idx < 0)
		return idx;
	r = talk(s, nl_msg_neigh_proxy(buf, type, idx, a), NULL, NULL, &t);
	if (r < 0)
		return fail(e, r, &t, "%s: %s proxy %s entry for %s", ifname, what[w],
			    a->family == AF_INET ? "ARP" : "NDP", as);
	return 0;
}

int nl_neigh_proxy_add(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e)
{
	return neigh_op(s, RTM_NEWNEIGH, ifname, a, e);
}

int nl_neigh_proxy_del(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e)
{
	return neigh_op(s, RTM_DELNEIGH, ifname, a, e);
}

int nl_neigh_proxy_get(struct nl_sock *s, const char *ifname, const struct netaddr *a, struct jail_err *e)
{
	return neigh_op(s, RTM_GETNEIGH, ifname, a, e);
}
