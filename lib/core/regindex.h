/*
 * The registry's index of user ranges and addresses held by live jails
 * (regindex.c): what a new jail checks against, under the registry lock,
 * without reading every record.
 */
#ifndef JAIL_REGINDEX_H
#define JAIL_REGINDEX_H

#include <stdint.h>

#include "jail/registry.h"
#include "net/jailnet.h"
#include "net/net.h"
#include "net/netaddr.h"
#include "urange.h"

/* None of a is held by a live jail: else "ADDR: address already in use by jail X". */
int jail_index_check_addrs(struct jail_registry *r, const struct netaddr *a, int n, struct jail_err *e);
/* No live jail of another root holds a block of the range base (slots ranges of 65536). */
int jail_index_check_range(struct jail_registry *r, unsigned long long base, unsigned slots, const char *path,
			   struct jail_err *e);
/* The first run of slots free blocks of the pool from slot first: *base. */
int jail_index_pick_range(struct jail_registry *r, uint32_t first, unsigned slots, unsigned long long *base,
			  struct jail_err *e);
/* Record st's range and p's addresses as the jail st->jid's (after the checks, under the lock). */
int jail_index_claim(struct jail_registry *r, const struct jail_state *st, const struct jail_params *p,
		     struct jail_err *e);
/* Take them away again when its record goes (under the lock). */
void jail_index_release(struct jail_registry *r, const struct jail_state *st, const struct jail_params *p);

#endif
