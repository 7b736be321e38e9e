/*
 * Private user ranges (DESIGN §3, "jailed root != host root"). Each jail's
 * user namespace maps its uids and gids 0..65535 onto a range of 65536 host
 * ids of its own, so that jailed root is an unprivileged host uid: every
 * check Linux makes by uid (DAC on host inodes, /proc/sys writes, per-user
 * quotas, SysV IPC, abstract sockets) sees a stranger, not root.
 *
 * A range is chosen, in order: the owner of a root already built or shifted
 * for a range (mkjail does that), so the jail's files keep their owners
 * whatever the jail is called; else a slot in the pool picked by a hash of
 * the jail's name, so a name gets the same range each time it starts. The
 * registry makes sure no two live jails of different roots share one.
 * user.range=identity is FreeBSD's model (jailed root is host root), for
 * trusted jails only; user.range=BASE pins a range.
 */
#ifndef JAIL_URANGE_H
#define JAIL_URANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "jail/err.h"

#define JAIL_RANGE_SIZE 65536u
/*
 * The pool: 16384 ranges from 0x40000000 up to 0x7fffffff (JAIL_USER_POOL=BASE:COUNT overrides).
 * Inside a jail, the pool is the jail's own range after its first 65536 ids.
 */
#define JAIL_RANGE_POOL_BASE  0x40000000u
#define JAIL_RANGE_POOL_COUNT 16384u

enum jail_range_mode {
	JAIL_RANGE_PRIVATE,  /* from the root's owner or the pool */
	JAIL_RANGE_IDENTITY, /* 0..4294967294 onto itself: jailed root is host root */
	JAIL_RANGE_FIXED,    /* user.range=BASE */
};

struct jail_range {
	enum jail_range_mode mode;
	uint32_t base;	 /* host uid/gid of jailed root (0 for identity) */
	bool from_owner; /* base is the owner of the jail's root */
};

/* Parse user.range ("private", "identity" or a multiple of 65536). */
int jail_range_parse(const char *value, struct jail_range *r, struct jail_err *e);
/* The pool as configured: first base and number of ranges. */
void jail_range_pool(uint32_t *base, uint32_t *count);
/* Whether uid is the base of a range of the pool (a root shifted for it is owned by it). */
bool jail_range_is_pool_base(uint32_t uid);
/*
 * Who owns a jail's user namespace (the uid it is made as): the kernel
 * charges per-user counts made in the jail to it, and a process of that
 * uid has every capability over the jail's namespaces. On the host it is
 * a uid of its own, 0x30000000 plus the range's index, outside every range
 * (so no file of any jail can be owned by it) and used by nothing else; in
 * a jail (child jails) the range's first uid.
 */
uint32_t jail_range_owner(uint32_t base);
/* The pool slot a key (a jail's name) starts looking from. */
uint32_t jail_range_slot(const char *key);
/*
 * The uid_map/gid_map text for a range of slots ranges of 65536 (a jail
 * with children.max = N has N + 1: its own, then one per child jail).
 */
void jail_range_map(const struct jail_range *r, uint32_t slots, char *buf, size_t len);
/* How many uids the caller's user namespace has (4294967295 on the host; a jail's range in a jail). */
uint64_t jail_range_extent(void);

#endif
