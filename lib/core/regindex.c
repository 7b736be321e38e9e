/*
 * The registry's index of what live jails hold exclusively: their user
 * ranges and addresses (see regindex.h). A link per 65536-id block of a
 * range ("u.BLOCK") and per address ("a.4.HEX", "a.6.HEX") names the JID
 * that claimed it, so a new jail asks about its own blocks and addresses
 * only, instead of reading every live jail's record: making the 1000th
 * jail costs what making the first did. A link whose jail is gone (its
 * record missing, or dying) is stale and taken over; only a conflict with
 * a live jail reads a record.
 *
 * Jails on the same root may share a range: the first claims its blocks,
 * the others find them held by a jail of their root. When the claimant
 * goes while others of its root live on, its blocks are handed to one of
 * them (the one case that reads every record).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regindex.h"
#include "util.h"

/* The links are complete (every live jail's claims are there): derived state, beside the seccomp cache. */
#define MARKER "cache/index"

static uint64_t block_of(unsigned long long base)
{
	return base / JAIL_RANGE_SIZE;
}

static void range_key(char *out, size_t len, uint64_t block)
{
	snprintf(out, len, "u.%llu", (unsigned long long)block);
}

static void addr_key(char *out, size_t len, const struct netaddr *a)
{
	size_t n = a->family == AF_INET ? 4 : 16,
	       o = (size_t)snprintf(out, len, "a.%d.", a->family == AF_INET ? 4 : 6);

	for (size_t i = 0; i < n && o + 3 <= len; i++)
		o += (size_t)snprintf(out + o, len - o, "%02x", a->u.bytes[i]);
}

/* The JID a link names, or 0 if there is none. */
static int holder(const struct jail_registry *r, const char *key)
{
	char target[32];
	ssize_t n = readlinkat(r->dirfd, key, target, sizeof(target) - 1);

	if (n <= 0)
		return 0;
	target[n] = '\0';
	return str_is_digits(target) ? atoi(target) : -1;
}

/* Load the holder's record if it is a live jail (creating or alive); else -ENOENT. */
static int live_holder(struct jail_registry *r, int jid, struct jail_state *st)
{
	if (jid <= 0 || jail_registry_load(r, jid, st, NULL) < 0)
		return -ENOENT;
	if (jail_state_status_in(r, st) == JAIL_DYING) {
		jail_state_free(st);
		return -ENOENT;
	}
	return 0;
}

static int claim(struct jail_registry *r, const char *key, int jid, struct jail_err *e)
{
	char target[16];

	snprintf(target, sizeof(target), "%d", jid);
	unlinkat(r->dirfd, key, 0); /* stale (checked by the caller) */
	if (symlinkat(target, r->dirfd, key) < 0)
		return jail_err_sys(e, -errno, "%s/%s", r->dir, key);
	return 0;
}

static bool overlap(unsigned long long a, unsigned an, unsigned long long b, unsigned bn)
{
	return a < b + (unsigned long long)bn * JAIL_RANGE_SIZE &&
	       b < a + (unsigned long long)an * JAIL_RANGE_SIZE;
}

static const char *path_of(const struct jail_state *st)
{
	const char *p = jail_params_str(&st->params, JP_PATH);
	return p ? p : "/";
}

/* Whether the block is held by a live jail; *same: by one of root path. */
static bool block_held(struct jail_registry *r, uint64_t block, const char *path, bool *same)
{
	char key[32];
	struct jail_state st;
	int jid;

	range_key(key, sizeof(key), block);
	jid = holder(r, key);
	*same = false;
	if (jid == 0 || live_holder(r, jid, &st) < 0)
		return false;
	*same = path && !strcmp(path_of(&st), path);
	jail_state_free(&st);
	return true;
}

/* Every live jail's claims, once, for a registry its older jails filled without them. */
static int build(struct jail_registry *r, struct jail_err *e)
{
	int *jids = NULL, n = jail_registry_list(r, &jids, e), fd;

	if (n < 0)
		return n;
	for (int k = 0; k < n; k++) {
		struct jail_state st;
		if (live_holder(r, jids[k], &st) < 0)
			continue;
		jail_index_claim(r, &st, &st.params, NULL);
		jail_state_free(&st);
	}
	free(jids);
	if (mkdirat(r->dirfd, "cache", 0700) < 0 && errno != EEXIST)
		return jail_err_sys(e, -errno, "%s/cache", r->dir);
	fd = openat(r->dirfd, MARKER, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return jail_err_sys(e, -errno, "%s/%s", r->dir, MARKER);
	close(fd);
	return 0;
}

static int ensure(struct jail_registry *r, struct jail_err *e)
{
	return faccessat(r->dirfd, MARKER, F_OK, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : build(r, e);
}

int jail_index_check_addrs(struct jail_registry *r, const struct netaddr *a, int n, struct jail_err *e)
{
	int ret = ensure(r, e);

	for (int i = 0; i < n && ret == 0; i++) {
		char key[48], buf[NETADDR_STRLEN];
		struct jail_state st;
		addr_key(key, sizeof(key), &a[i]);
		if (live_holder(r, holder(r, key), &st) < 0)
			continue;
		ret = jail_err_set(e, -EADDRINUSE, "%s: %s: address already in use by jail \"%s\"",
				   a[i].family == AF_INET ? "ip4.addr" : "ip6.addr",
				   netaddr_str(&a[i], true, buf, sizeof(buf)), st.name);
		jail_state_free(&st);
	}
	return ret;
}

int jail_index_check_range(struct jail_registry *r, unsigned long long base, unsigned slots, const char *path,
			   struct jail_err *e)
{
	int ret = ensure(r, e);

	for (unsigned i = 0; i < slots && ret == 0; i++) {
		char key[32];
		struct jail_state st;
		range_key(key, sizeof(key), block_of(base) + i);
		if (live_holder(r, holder(r, key), &st) < 0)
			continue;
		/* Jails on one root share its range. */
		if (strcmp(path_of(&st), path) != 0 && overlap(base, slots, st.user_base, st.user_slots))
			ret = jail_err_set(
				e, -EBUSY,
				"user.range: host uids %llu-%llu are jail \"%s\"'s (another root); "
				"give one of them another range (mkjail shift)",
				st.user_base,
				st.user_base + (unsigned long long)st.user_slots * JAIL_RANGE_SIZE - 1,
				st.name);
		jail_state_free(&st);
	}
	return ret;
}

int jail_index_pick_range(struct jail_registry *r, uint32_t first, unsigned slots, unsigned long long *base,
			  struct jail_err *e)
{
	uint32_t pool, count;
	int ret = ensure(r, e);

	if (ret < 0)
		return ret;
	jail_range_pool(&pool, &count);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t s = (first + i) % count;
		bool taken = s + slots > count, same;
		*base = pool + (unsigned long long)s * JAIL_RANGE_SIZE;
		for (unsigned k = 0; k < slots && !taken; k++)
			taken = block_held(r, block_of(*base) + k, NULL, &same);
		if (!taken)
			return 0;
	}
	/* In a jail the pool is what children.max gave it: FreeBSD's words for that limit. */
	if (jail_range_extent() < 4294967295ULL)
		return jail_err_set(e, -EUSERS, "prison limit exceeded");
	return jail_err_set(e, -EAGAIN, "user.range: no %u free range%s left in the pool", slots,
			    slots > 1 ? "s in a row" : "");
}

int jail_index_claim(struct jail_registry *r, const struct jail_state *st, const struct jail_params *p,
		     struct jail_err *e)
{
	struct netaddr a[NET_JAIL_MAX_ADDRS];
	int n = net_jail_addrs(p, a, NET_JAIL_MAX_ADDRS, NULL), ret = 0;

	for (unsigned i = 0; st->user_base && i < st->user_slots && ret == 0; i++) {
		char key[32];
		bool same;
		/* Held by a live jail of our root: its claim covers us both. */
		if (block_held(r, block_of(st->user_base) + i, path_of(st), &same))
			continue;
		range_key(key, sizeof(key), block_of(st->user_base) + i);
		ret = claim(r, key, st->jid, e);
	}
	for (int i = 0; i < n && ret == 0; i++) {
		char key[48];
		struct jail_state other;
		addr_key(key, sizeof(key), &a[i]);
		if (live_holder(r, holder(r, key), &other) == 0) {
			jail_state_free(
				&other); /* a child jail on its parent's address: the first keeps it */
			continue;
		}
		ret = claim(r, key, st->jid, e);
	}
	return ret;
}

/* Our blocks go to a live jail of our root that shares them, if there is one. */
static void hand_over(struct jail_registry *r, const struct jail_state *gone, uint64_t block, const char *key)
{
	int *jids = NULL, n = jail_registry_list(r, &jids, NULL);

	for (int k = 0; k < n; k++) {
		struct jail_state st;
		if (jids[k] == gone->jid || live_holder(r, jids[k], &st) < 0)
			continue;
		bool heir = st.user_base && !strcmp(path_of(&st), path_of(gone)) &&
			    overlap(block * JAIL_RANGE_SIZE, 1, st.user_base, st.user_slots);
		if (heir)
			claim(r, key, st.jid, NULL);
		jail_state_free(&st);
		if (heir)
			break;
	}
	free(jids);
}

/*
 * A range picked from the pool by hash is one jail's alone; one that is
 * user.range=BASE or its root's owner (a shifted root, a thin jail's
 * layer) may be shared by jails of that root.
 */
static bool shareable(const struct jail_state *st, const struct jail_params *p)
{
	const char *fixed = jail_params_str(p, JP_USER_RANGE);
	struct stat sb;

	if ((fixed && fixed[0] >= '0' && fixed[0] <= '9') || jail_params_isset(p, JP_THIN))
		return true;
	return stat(path_of(st), &sb) == 0 && sb.st_uid == st->user_base;
}

void jail_index_release(struct jail_registry *r, const struct jail_state *st, const struct jail_params *p)
{
	struct netaddr a[NET_JAIL_MAX_ADDRS];
	int n = net_jail_addrs(p, a, NET_JAIL_MAX_ADDRS, NULL);
	bool shared = st->user_base && shareable(st, p);

	for (unsigned i = 0; st->user_base && i < st->user_slots; i++) {
		char key[32];
		uint64_t block = block_of(st->user_base) + i;
		range_key(key, sizeof(key), block);
		if (holder(r, key) != st->jid)
			continue;
		unlinkat(r->dirfd, key, 0);
		if (shared)
			hand_over(r, st, block, key);
	}
	for (int i = 0; i < n; i++) {
		char key[48];
		addr_key(key, sizeof(key), &a[i]);
		if (holder(r, key) == st->jid)
			unlinkat(r->dirfd, key, 0);
	}
}
