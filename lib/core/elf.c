/*
 * ELF and ld.so.cache parsing. Inputs are untrusted (they come from jail
 * roots and are read by host root): every offset is checked against the
 * mapped size before use, counts and string lengths are capped, and both
 * ELF classes and byte orders are read field by field instead of casting
 * structs onto the file. The closure of what a program loads is elfdep.c.
 */
#define _GNU_SOURCE 1
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "elfdep.h"
#include "rootfs.h"

/* A bounds-checked reader over the mapped image. */
struct rd {
	const uint8_t *b;
	size_t len;
	int msb; /* big-endian file */
	int is64;
};

static int in_bounds(const struct rd *r, uint64_t off, uint64_t n)
{
	return off <= r->len && n <= r->len - off;
}

static uint64_t get(const struct rd *r, uint64_t off, int size)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < size; i++) {
		int k = r->msb ? i : size - 1 - i;

		v = (v << 8) | r->b[off + (uint64_t)k];
	}
	return v;
}

/* Word-sized field: 4 bytes in ELF32, 8 in ELF64. */
static uint64_t get_word(const struct rd *r, uint64_t off)
{
	return get(r, off, r->is64 ? 8 : 4);
}

int elf_is_elf(const void *buf, size_t len)
{
	return len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0;
}

void elf_info_free(struct elf_info *info)
{
	size_t i;

	if (!info)
		return;
	free(info->interp);
	free(info->soname);
	free(info->rpath);
	free(info->runpath);
	for (i = 0; i < info->n_needed; i++)
		free(info->needed[i]);
	free(info->needed);
	memset(info, 0, sizeof(*info));
}

#define MAX_LOADS 64

struct load {
	uint64_t vaddr, off, filesz;
};

/* Map a virtual address to a file offset through the PT_LOAD segments. */
static int vaddr_to_off(const struct load *l, int n, uint64_t a, uint64_t *off)
{
	int i;

	for (i = 0; i < n; i++) {
		if (a >= l[i].vaddr && a - l[i].vaddr < l[i].filesz) {
			*off = l[i].off + (a - l[i].vaddr);
			return 0;
		}
	}
	return -1;
}

/* A NUL-terminated string of at most max bytes starting at off. */
static char *dup_str(const struct rd *r, uint64_t off, uint64_t max)
{
	const uint8_t *s, *nul;
	uint64_t room;

	if (off >= r->len)
		return NULL;
	room = r->len - off;
	if (room > max)
		room = max;
	if (room > ELF_MAX_STR)
		room = ELF_MAX_STR;
	s = r->b + off;
	nul = memchr(s, '\0', room);
	if (!nul)
		return NULL;
	return strndup((const char *)s, (size_t)(nul - s));
}

/* Reject the file: free what was parsed so far and say why. */
static int bad_info(struct elf_info *info, struct jail_err *e, const char *why)
{
	elf_info_free(info);
	return jail_err_set(e, -ENOEXEC, "%s", why);
}

static int bad(struct jail_err *e, const char *why)
{
	return jail_err_set(e, -ENOEXEC, "%s", why);
}

int elf_parse(const void *buf, size_t len, struct elf_info *info, struct jail_err *e)
{
	struct rd r = {.b = buf, .len = len};
	struct load loads[MAX_LOADS];
	uint64_t phoff, dyn_off = 0, dyn_sz = 0, strtab = 0, strsz = 0;
	uint64_t stroff = 0, i, phentsize, phnum, dynent;
	uint64_t need_idx[ELF_MAX_NEEDED];
	uint64_t rpath_idx = 0, runpath_idx = 0, soname_idx = 0;
	int nloads = 0, has_dyn = 0, has_strtab = 0, has_rpath = 0, has_runpath = 0, has_soname = 0;
	size_t nneed = 0;

	memset(info, 0, sizeof(*info));
	if (!elf_is_elf(buf, len))
		return bad_info(info, e, "not an ELF file");
	if (len < EI_NIDENT)
		return bad_info(info, e, "truncated ELF header");
	if (r.b[EI_CLASS] != ELFCLASS32 && r.b[EI_CLASS] != ELFCLASS64)
		return bad_info(info, e, "unknown ELF class");
	if (r.b[EI_DATA] != ELFDATA2LSB && r.b[EI_DATA] != ELFDATA2MSB)
		return bad_info(info, e, "unknown ELF byte order");
	if (r.b[EI_VERSION] != EV_CURRENT)
		return bad_info(info, e, "unknown ELF version");
	r.is64 = r.b[EI_CLASS] == ELFCLASS64;
	r.msb = r.b[EI_DATA] == ELFDATA2MSB;
	if (!in_bounds(&r, 0, r.is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return bad_info(info, e, "truncated ELF header");

	info->elfclass = r.b[EI_CLASS];
	info->type = (int)get(&r, 16, 2);
	info->machine = (int)get(&r, 18, 2);
	phoff = get_word(&r, r.is64 ? 32 : 28);
	phentsize = get(&r, r.is64 ? 54 : 42, 2);
	phnum = get(&r, r.is64 ? 56 : 44, 2);
	if (phnum == PN_XNUM)
		return bad_info(info, e, "too many program headers");
	if (phnum && phentsize != (r.is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return bad_info(info, e, "bad program header size");
	if (phnum && (phoff > len || !in_bounds(&r, phoff, phnum * phentsize)))
		return bad_info(info, e, "program headers outside the file");

	for (i = 0; i < phnum; i++) {
		uint64_t ph = phoff + i * phentsize;
		uint32_t type = (uint32_t)get(&r, ph, 4);
		uint64_t off, vaddr, filesz;

		if (r.is64) {
			off = get(&r, ph + 8, 8);
			vaddr = get(&r, ph + 16, 8);
			filesz = get(&r, ph + 32, 8);
		} else {
			off = get(&r, ph + 4, 4);
			vaddr = get(&r, ph + 8, 4);
			filesz = get(&r, ph + 16, 4);
		}
		if (type == PT_INTERP) {
			if (info->interp)
				return bad_info(info, e, "two PT_INTERP segments");
			if (!in_bounds(&r, off, filesz) || filesz == 0 || filesz > PATH_MAX)
				return bad_info(info, e, "bad PT_INTERP segment");
			info->interp = dup_str(&r, off, filesz);
			if (!info->interp || !info->interp[0]) {
				return bad_info(info, e, "bad PT_INTERP string");
			}
		} else if (type == PT_DYNAMIC) {
			if (!in_bounds(&r, off, filesz)) {
				return bad_info(info, e, "PT_DYNAMIC outside the file");
			}
			has_dyn = 1;
			dyn_off = off;
			dyn_sz = filesz;
		} else if (type == PT_LOAD && nloads < MAX_LOADS) {
			loads[nloads++] = (struct load){vaddr, off, filesz};
		}
	}
	info->is_dynamic = has_dyn;
	if (!has_dyn)
		return 0;

	dynent = r.is64 ? 16 : 8;
	for (i = 0; i + dynent <= dyn_sz; i += dynent) {
		uint64_t tag = get_word(&r, dyn_off + i);
		uint64_t val = get_word(&r, dyn_off + i + dynent / 2);

		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_NEEDED:
			if (nneed >= ELF_MAX_NEEDED) {
				return bad_info(info, e, "too many DT_NEEDED entries");
			}
			need_idx[nneed++] = val;
			break;
		case DT_STRTAB:
			strtab = val;
			has_strtab = 1;
			break;
		case DT_STRSZ:
			strsz = val;
			break;
		case DT_RPATH:
			rpath_idx = val;
			has_rpath = 1;
			break;
		case DT_RUNPATH:
			runpath_idx = val;
			has_runpath = 1;
			break;
		case DT_SONAME:
			soname_idx = val;
			has_soname = 1;
			break;
		default:
			break;
		}
	}
	if (!nneed && !has_rpath && !has_runpath && !has_soname)
		return 0;
	if (!has_strtab || vaddr_to_off(loads, nloads, strtab, &stroff) < 0 || stroff >= len) {
		return bad_info(info, e, "DT_STRTAB outside the file");
	}
	if (strsz == 0 || strsz > len - stroff)
		strsz = len - stroff;

#define STR(idx, dst)                                                                        \
	do {                                                                                 \
		if ((idx) >= strsz || !((dst) = dup_str(&r, stroff + (idx), strsz - (idx)))) \
			return bad_info(info, e, "bad dynamic string");                      \
	} while (0)

	if (has_soname)
		STR(soname_idx, info->soname);
	if (has_rpath)
		STR(rpath_idx, info->rpath);
	if (has_runpath)
		STR(runpath_idx, info->runpath);
	if (nneed) {
		info->needed = calloc(nneed, sizeof(char *));
		if (!info->needed) {
			elf_info_free(info);
			return jail_err_set(e, -ENOMEM, "out of memory");
		}
		for (i = 0; i < nneed; i++) {
			STR(need_idx[i], info->needed[i]);
			info->n_needed++;
		}
	}
#undef STR
	return 0;
}

int elf_parse_fd(int fd, struct elf_info *info, struct jail_err *e)
{
	struct stat st;
	void *m;
	int r;

	memset(info, 0, sizeof(*info));
	if (fstat(fd, &st) < 0)
		return jail_err_sys(e, -errno, "stat");
	if (!S_ISREG(st.st_mode))
		return jail_err_set(e, -ENOEXEC, "not a regular file");
	if (st.st_size < EI_NIDENT)
		return bad(e, "not an ELF file");
	if (st.st_size > ELF_MAX_FILE)
		return jail_err_set(e, -EFBIG, "file too large");
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return jail_err_sys(e, -errno, "mmap");
	r = elf_parse(m, (size_t)st.st_size, info, e);
	munmap(m, (size_t)st.st_size);
	return r;
}

/* ---- ld.so.cache ------------------------------------------------------ */

#define CACHE_MAGIC_OLD "ld.so-1.7.0"
#define CACHE_MAGIC_NEW "glibc-ld.so.cache"
#define CACHE_VERSION	"1.1"
#define CACHE_HDR_NEW	48 /* magic 17, version 3, nlibs, len_strings, ... */
#define CACHE_ENTRY_NEW 24 /* flags, key, value, osversion, hwcap */
#define CACHE_ENTRY_OLD 12
#define CACHE_MAX	(64L * 1024 * 1024)
#define FLAG_TYPE_MASK	0x00ff
#define FLAG_ELF_LIBC6	0x0003

struct elf_ldcache {
	uint8_t *buf;
	size_t len;
	size_t base; /* offset of the new-format header; strings relative */
	uint32_t nlibs;
};

int elf_ldcache_parse(const void *buf, size_t len, struct elf_ldcache **out, struct jail_err *e)
{
	_cleanup_free_ struct elf_ldcache *c = NULL;
	size_t base = 0;
	uint32_t nlibs;

	*out = NULL;
	if (len > CACHE_MAX)
		return jail_err_set(e, -EFBIG, "ld.so.cache too large");
	if (len >= sizeof(CACHE_MAGIC_OLD) - 1 + 5 &&
	    !memcmp(buf, CACHE_MAGIC_OLD, sizeof(CACHE_MAGIC_OLD) - 1)) {
		/* Old format first: skip its entries to the new header,
		 * which starts 8-byte aligned after them. */
		uint32_t nold;

		memcpy(&nold, (const uint8_t *)buf + 12, 4);
		if (nold > (len - 16) / CACHE_ENTRY_OLD)
			return jail_err_set(e, -ENOEXEC, "ld.so.cache: truncated");
		base = (16 + (size_t)nold * CACHE_ENTRY_OLD + 7) & ~(size_t)7;
	}
	if (base > len || len - base < CACHE_HDR_NEW ||
	    memcmp((const uint8_t *)buf + base, CACHE_MAGIC_NEW, sizeof(CACHE_MAGIC_NEW) - 1) ||
	    memcmp((const uint8_t *)buf + base + 17, CACHE_VERSION, 3))
		return jail_err_set(e, -ENOEXEC, "ld.so.cache: unknown format");
	memcpy(&nlibs, (const uint8_t *)buf + base + 20, 4);
	if (nlibs > (len - base - CACHE_HDR_NEW) / CACHE_ENTRY_NEW)
		return jail_err_set(e, -ENOEXEC, "ld.so.cache: truncated");
	c = calloc(1, sizeof(*c));
	if (!c || !(c->buf = malloc(len ? len : 1)))
		return jail_err_set(e, -ENOMEM, "out of memory");
	memcpy(c->buf, buf, len);
	c->len = len;
	c->base = base;
	c->nlibs = nlibs;
	*out = TAKE_PTR(c);
	return 0;
}

int elf_ldcache_load(int rootfd, const char *path, struct elf_ldcache **out, struct jail_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	*out = NULL;
	/* Read, not mapped: a jail truncating its cache meanwhile cannot raise SIGBUS here. */
	r = rootfs_read_file(rootfd, path, 0, CACHE_MAX, &buf, &len, e);
	if (r == -ENOENT || r == -EINVAL || r == -EISDIR) {
		jail_err_clear(e); /* absent, or not a file ld.so could use: no cache */
		return 0;
	}
	if (r < 0)
		return jail_err_prefix(e, "%s", path);
	if (len == 0)
		return 0;
	r = elf_ldcache_parse(buf, len, out, e);
	if (r < 0)
		jail_err_prefix(e, "%s", path);
	return r;
}

static const char *cache_str(const struct elf_ldcache *c, uint32_t off)
{
	size_t o = c->base + off;

	if (o >= c->len || !memchr(c->buf + o, '\0', c->len - o))
		return NULL;
	return (const char *)c->buf + o;
}

int elf_ldcache_lookup(const struct elf_ldcache *c, const char *soname,
		       int (*fn)(void *arg, const char *path), void *arg)
{
	uint32_t i;

	if (!c)
		return 0;
	for (i = 0; i < c->nlibs; i++) {
		const uint8_t *ent = c->buf + c->base + CACHE_HDR_NEW + (size_t)i * CACHE_ENTRY_NEW;
		int32_t flags;
		uint32_t key, value;
		const char *k, *v;
		int r;

		memcpy(&flags, ent, 4);
		memcpy(&key, ent + 4, 4);
		memcpy(&value, ent + 8, 4);
		if ((flags & FLAG_TYPE_MASK) != FLAG_ELF_LIBC6)
			continue;
		k = cache_str(c, key);
		v = cache_str(c, value);
		if (!k || !v || strcmp(k, soname))
			continue;
		r = fn(arg, v);
		if (r)
			return r;
	}
	return 0;
}

size_t elf_ldcache_count(const struct elf_ldcache *c)
{
	return c ? c->nlibs : 0;
}

void elf_ldcache_free(struct elf_ldcache *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c);
}
