/*
 * Private user ranges: parsing user.range, the pool, and the map text (see
 * urange.h). Which range a jail gets is settled under the registry lock by
 * the create path's registry step, against the ranges of live jails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "urange.h"

uint64_t jail_range_extent(void)
{
	unsigned long long in, out, n, total = 0;
	FILE *f = fopen("/proc/self/uid_map", "re");

	if (!f)
		return 4294967295ULL;
	while (fscanf(f, "%llu %llu %llu", &in, &out, &n) == 3)
		if (in == 0)
			total = n;
	fclose(f);
	return total ? total : 4294967295ULL;
}

void jail_range_pool(uint32_t *base, uint32_t *count)
{
	const char *env = getenv("JAIL_USER_POOL");
	unsigned long long b, n, extent = jail_range_extent();

	*base = JAIL_RANGE_POOL_BASE;
	*count = JAIL_RANGE_POOL_COUNT;
	if (extent < 4294967295ULL) {
		/* In a jail: the child jails' ranges are the slots of ours after our own first one. */
		*base = JAIL_RANGE_SIZE;
		*count = (uint32_t)(extent / JAIL_RANGE_SIZE) - 1;
		return;
	}
	if (env && sscanf(env, "%llu:%llu", &b, &n) == 2 && b > 0 && b % JAIL_RANGE_SIZE == 0 && n > 0 &&
	    b + n * JAIL_RANGE_SIZE <= 0xffff0000ULL) {
		*base = (uint32_t)b;
		*count = (uint32_t)n;
	}
}

bool jail_range_is_pool_base(uint32_t uid)
{
	uint32_t base, count;

	jail_range_pool(&base, &count);
	return uid >= base && uid % JAIL_RANGE_SIZE == 0 && (uid - base) / JAIL_RANGE_SIZE < count;
}

int jail_range_parse(const char *value, struct jail_range *r, struct jail_err *e)
{
	char *end;
	unsigned long long v;

	*r = (struct jail_range){JAIL_RANGE_PRIVATE, 0, false};
	if (!value || !strcmp(value, "private"))
		return 0;
	if (!strcmp(value, "identity")) {
		r->mode = JAIL_RANGE_IDENTITY;
		return 0;
	}
	errno = 0;
	v = strtoull(value, &end, 0);
	if (errno || *end || end == value || v == 0 || v % JAIL_RANGE_SIZE ||
	    v > 0xffff0000ULL - JAIL_RANGE_SIZE)
		return jail_err_set(e, -EINVAL,
				    "user.range: \"%s\": want private, identity, or a host uid that is a "
				    "multiple of 65536 (not 0)",
				    value);
	r->mode = JAIL_RANGE_FIXED;
	r->base = (uint32_t)v;
	return 0;
}

uint32_t jail_range_slot(const char *key)
{
	uint32_t h = 2166136261u, base, count;

	for (const char *c = key; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	jail_range_pool(&base, &count);
	return h % count;
}

void jail_range_map(const struct jail_range *r, uint32_t slots, char *buf, size_t len)
{
	if (r->mode == JAIL_RANGE_IDENTITY)
		snprintf(buf, len, "0 0 %llu\n", (unsigned long long)jail_range_extent());
	else
		snprintf(buf, len, "0 %u %llu\n", r->base, (unsigned long long)slots * JAIL_RANGE_SIZE);
}

uint32_t jail_range_owner(uint32_t base)
{
	if (jail_range_extent() < 4294967295ULL)
		return base;
	return 0x30000000u + base / JAIL_RANGE_SIZE;
}
