/*
 * What a jail's root may do: capabilities kept and seccomp rules, decided by
 * one table in priv.c from the jail's allow.* and related parameters.
 */
#ifndef JAIL_PRIV_H
#define JAIL_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "jail/err.h"
#include "jail/param.h"

/* The switches of the table, computed once from the parameters. */
struct jail_priv {
	bool set_hostname, raw_sockets, mount, chflags, mlock, reserved_ports, socket_af, suser, children,
		proc_debug, vnet;
	bool sysvmsg_off, sysvsem_off, sysvshm_off;
	bool inet4_off, inet6_off;  /* family denied (ip4/ip6=disable on a shared stack) */
	bool firewall;		    /* vnet below securelevel 3: nf_tables and iptables are its own */
	bool mount_bind, mount_new; /* allow.mount.nullfs: binds; allow.mount.tmpfs: new file systems */
	int securelevel;
	/*
	 * What jailed root makes is host root's on disk (an OCI container's
	 * image idmapped onto host uid 0): no setuid or setgid mode, no file
	 * capability (no extended attribute at all: priv.c says why).
	 */
	bool no_setid;
	uint64_t caps; /* capability set the jail's root keeps */
};

/* The two compiled seccomp programs (classic BPF), made before clone. */
struct jail_seccomp {
	void *allow; /* struct sock_filter[] */
	unsigned short allow_len;
	void *args;
	unsigned short args_len;
};

/* One seccomp rule: a syscall, the action, and up to two argument comparisons. */
struct jail_rule_cmp {
	unsigned arg;
	int op; /* enum scmp_compare */
	uint64_t mask, datum;
};
#define JAIL_RULE_CMPS 3
struct jail_rule {
	int nr;
	uint32_t action;
	unsigned nargs; /* comparisons, all of which must hold */
	struct jail_rule_cmp cmp[JAIL_RULE_CMPS];
};
struct jail_rules {
	struct jail_rule *v;
	size_t n, cap;
};

/* Append a rule: the action when every comparison holds (none: always). */
int jail_rules_add(struct jail_rules *r, int nr, uint32_t action, unsigned ncmp,
		   const struct jail_rule_cmp *cmp);
/* Comparisons: argument arg equal to datum; arg & mask equal to datum; arg >= datum. */
#define JAIL_CMP_EQ(a, d) ((struct jail_rule_cmp){(a), 4 /* SCMP_CMP_EQ */, 0, (uint64_t)(d)})
#define JAIL_CMP_MASKED(a, m, d) \
	((struct jail_rule_cmp){(a), 7 /* SCMP_CMP_MASKED_EQ */, (uint64_t)(m), (uint64_t)(d)})
#define JAIL_CMP_GE(a, d) ((struct jail_rule_cmp){(a), 5 /* SCMP_CMP_GE */, 0, (uint64_t)(d)})
void jail_rules_free(struct jail_rules *r);

/* Compute the decisions; refuses allow.* that Linux cannot grant safely. */
int jail_priv_from_params(const struct jail_params *p, struct jail_priv *out, struct jail_err *e);
/* The two seccomp rule lists the table gives for priv: the allowlist and the argument rules. */
int jail_priv_rules(const struct jail_priv *p, struct jail_rules *allow, struct jail_rules *args);
/*
 * Build the seccomp programs for priv with libseccomp, or read them from the
 * cache under cachedir (NULL: no cache) where an earlier jail left them.
 */
int jail_priv_compile(const struct jail_priv *priv, const char *cachedir, struct jail_seccomp *out,
		      struct jail_err *e);
void jail_seccomp_free(struct jail_seccomp *s);
/* In the jail: drop the bounding set to priv->caps and load the programs. */
int jail_priv_lockdown(const struct jail_priv *priv, const struct jail_seccomp *f, struct jail_err *e);
/* Set the permitted/effective sets for a root process (empty for others). */
int jail_priv_setcaps(const struct jail_priv *priv, bool root, struct jail_err *e);

#endif
