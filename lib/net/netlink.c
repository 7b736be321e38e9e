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
#include "netlink_int.h"

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
int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, struct talk *t)
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

int nl_fail(struct jail_err *e, int code, const struct talk *t, const char *fmt, ...)
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

struct nlmsghdr *nl_put_header(void *buf, int type, int flags)
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

bool nl_name_ok(const char *ifname)
{
	return ifname && netaddr_ifname_valid(ifname);
}

int nl_bad_name(struct jail_err *e, const char *ifname)
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

	if (!nl_name_ok(ifname))
		return nl_bad_name(e, ifname);
	nlh = nl_put_header(buf, RTM_GETLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(out, 0, sizeof(*out));
	r = nl_talk(s, nlh, link_cb, out, &t);
	if (r == -ENODEV)
		return jail_err_set(e, r, "%s: no such interface", ifname);
	if (r < 0)
		return nl_fail(e, r, &t, "%s: get link", ifname);
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

	nlh = nl_put_header(buf, RTM_GETLINK, NLM_F_DUMP);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nl_talk(s, nlh, foreach_cb, &f, &t);
	if (r < 0)
		return nl_fail(e, r, &t, "list links");
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
	nlh = nl_put_header(buf, RTM_NEWLINK, 0);
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
	return nl_talk(s, nlh, NULL, NULL, t);
}

#define LINK_CHANGE_NONE              \
	{                             \
		0, 0, NULL, 0, -1, -1 \
	}

static int link_fail(struct jail_err *e, int r, const struct talk *t, const char *ifname, const char *what)
{
	if (r == -ENODEV)
		return jail_err_set(e, r, "%s: no such interface", ifname);
	return nl_fail(e, r, t, "%s: %s", ifname, what);
}

int nl_link_set_up(struct nl_sock *s, const char *ifname, bool up, struct jail_err *e)
{
	struct link_change c = LINK_CHANGE_NONE;
	struct talk t = {0};
	int r;

	if (!nl_name_ok(ifname))
		return nl_bad_name(e, ifname);
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

	if (!nl_name_ok(ifname))
		return nl_bad_name(e, ifname);
	if (!nl_name_ok(newname))
		return nl_bad_name(e, newname);
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

	if (!nl_name_ok(ifname))
		return nl_bad_name(e, ifname);
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

	if (!nl_name_ok(ifname))
		return nl_bad_name(e, ifname);
	if (newname && !nl_name_ok(newname))
		return nl_bad_name(e, newname);
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

	if (!nl_name_ok(ifname))
		return nl_bad_name(e, ifname);
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

	if (!nl_name_ok(ifname))
		return nl_bad_name(e, ifname);
	r = nl_link_index(s, ifname, e);
	if (r < 0)
		return r;
	nlh = nl_put_header(buf, RTM_DELLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = r;
	r = nl_talk(s, nlh, NULL, NULL, &t);
	return r < 0 ? link_fail(e, r, &t, ifname, "delete") : 0;
}

struct nlmsghdr *nl_msg_veth(void *buf, const char *name, const char *peer, int peer_netns_fd)
{
	struct nlmsghdr *nlh = nl_put_header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
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

	if (!nl_name_ok(name))
		return nl_bad_name(e, name);
	if (!nl_name_ok(peer))
		return nl_bad_name(e, peer);
	r = nl_talk(s, nl_msg_veth(buf, name, peer, peer_netns_fd), NULL, NULL, &t);
	return r < 0 ? nl_fail(e, r, &t, "%s: create veth with peer %s", name, peer) : 0;
}

struct nlmsghdr *nl_msg_link_new(void *buf, const char *kind, const char *name, int parent_ifindex,
				 int netns_fd)
{
	struct nlmsghdr *nlh = nl_put_header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
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

	if (!nl_name_ok(name))
		return nl_bad_name(e, name);
	if (parent) {
		if (!nl_name_ok(parent))
			return nl_bad_name(e, parent);
		pidx = nl_link_index(s, parent, e);
		if (pidx < 0)
			return pidx;
	}
	r = nl_talk(s, nl_msg_link_new(buf, kind, name, pidx, netns_fd), NULL, NULL, &t);
	if (r < 0 && parent)
		return nl_fail(e, r, &t, "%s: create %s on %s", name, kind, parent);
	if (r < 0)
		return nl_fail(e, r, &t, "%s: create %s", name, kind);
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
