/*
 * libFuzzer target for the ELF reader (lib/core/elfdep.c). mkjail check and
 * the preflight of jail -c read programs and ld.so.cache files out of jail
 * roots as host root, so a jailed root can hand it any bytes. Each input is
 * parsed as an ELF object (elf_parse) and as an ld.so.cache
 * (elf_ldcache_parse, then looked up); the strings found are run through
 * $ORIGIN expansion as the closure walk does. Nothing may read outside the
 * buffer, and a refusal must say why.
 */
#include <elf.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/elfdep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *arg, const char *path)
{
	if (!path)
		abort();
	++*(int *)arg;
	return 0;
}

static void expand(const char *s, const struct elf_info *in)
{
	char out[PATH_MAX];

	if (s)
		(void)elf_expand_dst(s, "/usr/lib/x86_64-linux-gnu", in->elfclass, in->machine, out,
				     sizeof(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info in;
	struct elf_ldcache *c = NULL;
	struct jail_err e = {0};
	int n = 0;

	if (elf_parse(data, size, &in, &e) < 0) {
		if (!e.msg[0])
			abort();
	} else {
		expand(in.rpath, &in);
		expand(in.runpath, &in);
		for (size_t i = 0; i < in.n_needed; i++) {
			if (!in.needed[i])
				abort();
			expand(in.needed[i], &in);
		}
		(void)elf_default_dirs(in.elfclass, in.machine);
		elf_info_free(&in);
	}
	memset(&e, 0, sizeof(e));
	if (elf_ldcache_parse(data, size, &c, &e) < 0) {
		if (!e.msg[0] || c)
			abort();
		return 0;
	}
	if (c) {
		(void)elf_ldcache_count(c);
		elf_ldcache_lookup(c, "libc.so.6", count, &n);
		elf_ldcache_lookup(c, "", count, &n);
		elf_ldcache_free(c);
	}
	return 0;
}
