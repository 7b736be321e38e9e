/*
 * A jail plan: the caller's parameters resolved, once, into everything the
 * create path needs — the root (its path and an fd), addresses, privileges
 * and compiled seccomp programs, the command, mounts, namespaces. Parameters
 * stay as the caller gave them; the plan keeps its own copy with what
 * resolution decided filled in (the real path, the hostname the jail starts
 * with, ip4=new implied by ip4.addr, ip_hostname's addresses), and that copy
 * is what the registry records and jls shows. Every create step reads the
 * plan; none writes to it after jail_plan_resolve.
 */
#ifndef JAIL_PLAN_H
#define JAIL_PLAN_H

#include <limits.h>
#include <stdbool.h>

#include "exec.h"
#include "jail/jail.h"
#include "jail/param.h"
#include "net/netaddr.h"
#include "priv.h"
#include "root.h"
#include "thin.h"

struct jail_container;
#include "urange.h"

struct jail_plan {
	struct jail_params params; /* resolved copy: what the registry records */
	char path[PATH_MAX];	   /* the root, absolute, symlinks resolved */
	int rootfd;		   /* where programs and users are looked up (a thin root's base) */
	bool is_thin;
	struct jail_thin thin;
	struct netaddr *addrs; /* ip4.addr then ip6.addr */
	int naddrs;
	bool vnet;
	bool net_shared; /* a child jail on its parent's addresses: no stack of its own */
	bool new_uts, new_net, new_ipc;
	bool persist; /* the persist parameter */
	bool hooked;  /* exec.* commands: the init starts empty, commands run through jexec's path */
	const char *hostname, *domainname;
	struct jail_priv priv;
	struct jail_seccomp filters;
	struct jail_exec exec; /* the command, when it runs under the init; argv NULL: none */
	struct jail_mount *mounts;
	struct jail_root_opts root; /* what the jail's init mounts */
	struct jail_range range;    /* user.range: the registry settles a private one's base */
	unsigned range_slots;	    /* ranges of 65536: 1 + children.max (the child jails' come from ours) */
	uid_t base_owner;	    /* thin: the owner of the shared base (its files' range) */
	const struct jail_container *ctr; /* an OCI container (jail-oci, container.h); NULL for jail(8) */
};

/*
 * Check p and resolve it. cachedir holds compiled seccomp programs (NULL:
 * none). Problems of the root are reported one by one through o->report
 * before anything is made; then the call fails with an empty e->msg. ctr
 * (NULL for jail(8)) makes the plan a container's: its command and mounts
 * come from config.json, so they are not looked for in the parameters.
 */
int jail_plan_resolve(const struct jail_params *p, const char *cachedir, const struct jail_run_opts *o,
		      const struct jail_container *ctr, struct jail_plan *plan, struct jail_err *e);
void jail_plan_free(struct jail_plan *plan);

#endif
