/*
 * ELF and ld.so.cache parsing, and the closure of what a program loads,
 * resolved the way glibc's ld.so does it. Inputs are untrusted (they come
 * from jail roots): every offset is checked against the mapped size before
 * use, counts and string lengths are capped, and both ELF classes and byte
 * orders are read field by field instead of casting structs onto the file.
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
	_cleanup_close_ int fd = -1;
	struct stat st;
	void *m;
	int r;

	*out = NULL;
	fd = rootfs_open(rootfd, path, O_RDONLY, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return jail_err_sys(e, fd, "%s", path);
	if (fstat(fd, &st) < 0)
		return jail_err_sys(e, -errno, "%s", path);
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	if (st.st_size > CACHE_MAX)
		return jail_err_set(e, -EFBIG, "%s: too large", path);
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return jail_err_sys(e, -errno, "%s", path);
	r = elf_ldcache_parse(m, (size_t)st.st_size, out, e);
	munmap(m, (size_t)st.st_size);
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

/* ---- search paths ------------------------------------------------------ */

static const char *triplet(int elfclass, int machine)
{
	switch (machine) {
	case EM_X86_64:
		return elfclass == ELFCLASS64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
	case EM_386:
		return "i386-linux-gnu";
	case EM_AARCH64:
		return "aarch64-linux-gnu";
	case EM_ARM:
		return "arm-linux-gnueabihf";
	case EM_RISCV:
		return "riscv64-linux-gnu";
	case EM_PPC64:
		return "powerpc64le-linux-gnu";
	case EM_S390:
		return "s390x-linux-gnu";
	default:
		return NULL;
	}
}

static const char *platform(int machine)
{
	switch (machine) {
	case EM_X86_64:
		return "x86_64";
	case EM_386:
		return "i686";
	case EM_AARCH64:
		return "aarch64";
	default:
		return "";
	}
}

const char *const *elf_default_dirs(int elfclass, int machine)
{
	static char dirs[6][64];
	static const char *v[8];
	const char *t = triplet(elfclass, machine);
	int n = 0;

	if (t) {
		snprintf(dirs[0], sizeof(dirs[0]), "/lib/%s", t);
		snprintf(dirs[1], sizeof(dirs[1]), "/usr/lib/%s", t);
		v[n++] = dirs[0];
		v[n++] = dirs[1];
	}
	if (elfclass == ELFCLASS64) {
		v[n++] = "/lib64";
		v[n++] = "/usr/lib64";
	}
	v[n++] = "/lib";
	v[n++] = "/usr/lib";
	v[n] = NULL;
	return v;
}

int elf_expand_dst(const char *in, const char *origin, int elfclass, int machine, char *out, size_t outsz)
{
	static const struct {
		const char *name;
		int which;
	} tok[] = {{"${ORIGIN}", 0}, {"$ORIGIN", 0},	 {"${LIB}", 1},
		   {"$LIB", 1},	     {"${PLATFORM}", 2}, {"$PLATFORM", 2}};
	size_t n = 0;
	char lib[80];
	const char *t = triplet(elfclass, machine);

	/* Debian's ld.so expands $LIB to its multiarch directory. */
	snprintf(lib, sizeof(lib), "lib%s%s", t ? "/" : "", t ? t : "");
	while (*in) {
		const char *rep = NULL;
		size_t skip = 1, k, rl;

		if (*in == '$') {
			for (k = 0; k < ARRAY_SIZE(tok); k++) {
				size_t tl = strlen(tok[k].name);

				if (!strncmp(in, tok[k].name, tl)) {
					rep = tok[k].which == 0	  ? origin
					      : tok[k].which == 1 ? lib
								  : platform(machine);
					skip = tl;
					break;
				}
			}
		}
		if (!rep) {
			if (n + 1 >= outsz)
				return -ENAMETOOLONG;
			out[n++] = *in++;
			continue;
		}
		rl = strlen(rep);
		if (n + rl >= outsz)
			return -ENAMETOOLONG;
		memcpy(out + n, rep, rl);
		n += rl;
		in += skip;
	}
	out[n] = '\0';
	return (int)n;
}

/* ---- closure ----------------------------------------------------------- */

struct obj {
	char *path; /* as found (search dir + name): $ORIGIN comes from it */
	char *name; /* the name it was asked for by */
	int parent; /* index of the object that loaded it, -1 for programs */
	dev_t dev;
	ino_t ino;
	struct elf_info info;
};

struct walk {
	int rootfd;
	int elfclass, machine; /* of the program being walked */
	struct elf_ldcache *cache;
	struct obj *objs;
	size_t n, cap;
	elf_closure_fn fn;
	void *arg;
	int problems;
	struct jail_err *e;
	/* lookup scratch */
	const char *want;
	int found; /* index of the object found, or -1 */
	int fatal;
};

static void dirname_of(const char *path, char *out, size_t sz)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!slash) {
		snprintf(out, sz, ".");
		return;
	}
	if (n == 0)
		n = 1;
	if (n >= sz)
		n = sz - 1;
	memcpy(out, path, n);
	out[n] = '\0';
}

static int known_name(const struct walk *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		const struct obj *o = &w->objs[i];
		const char *base = strrchr(o->path, '/');

		if ((o->name && !strcmp(o->name, name)) ||
		    (o->info.soname && !strcmp(o->info.soname, name)) || (base && !strcmp(base + 1, name)))
			return (int)i;
	}
	return -1;
}

static int add_obj(struct walk *w, const char *path, const char *name, int parent, const struct stat *st,
		   struct elf_info *info)
{
	struct obj *o;

	if (w->n >= ELF_MAX_OBJECTS)
		return jail_err_set(w->e, -E2BIG, "more than %d objects", ELF_MAX_OBJECTS);
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct obj *v = realloc(w->objs, cap * sizeof(*v));

		if (!v)
			return jail_err_set(w->e, -ENOMEM, "out of memory");
		w->objs = v;
		w->cap = cap;
	}
	o = &w->objs[w->n];
	memset(o, 0, sizeof(*o));
	o->path = strdup(path);
	o->name = name ? strdup(name) : NULL;
	if (!o->path || (name && !o->name)) {
		free(o->path);
		free(o->name);
		return jail_err_set(w->e, -ENOMEM, "out of memory");
	}
	o->parent = parent;
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	o->info = *info;
	memset(info, 0, sizeof(*info));
	return (int)w->n++;
}

/* Try one candidate file for a library: it must exist, be ELF and match the
 * program's class and machine; otherwise ld.so moves on, and so do we. */
static int try_candidate(void *arg, const char *path)
{
	struct walk *w = arg;
	struct jail_err e2 = {0};
	struct elf_info info;
	struct stat st;
	_cleanup_close_ int fd = -1;
	size_t i;
	int r;

	fd = rootfs_open(w->rootfd, path, O_RDONLY, 0);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	for (i = 0; i < w->n; i++) {
		if (w->objs[i].dev == st.st_dev && w->objs[i].ino == st.st_ino) {
			w->found = (int)i;
			return 1;
		}
	}
	if (elf_parse_fd(fd, &info, &e2) < 0)
		return 0;
	if (info.elfclass != w->elfclass || info.machine != w->machine) {
		elf_info_free(&info);
		return 0;
	}
	r = add_obj(w, path, w->want, -1, &st, &info);
	elf_info_free(&info);
	if (r < 0) {
		w->fatal = r;
		return -1;
	}
	w->found = r;
	return 1;
}

/* Try each element of a colon-separated search path. */
static int try_path_list(struct walk *w, const char *list, const char *origin)
{
	char elem[PATH_MAX], dir[PATH_MAX], cand[PATH_MAX];
	const char *p = list;

	while (p && *p) {
		const char *end = strchrnul(p, ':');
		size_t len = (size_t)(end - p);
		int r;

		if (len > 0 && len < sizeof(elem)) {
			memcpy(elem, p, len);
			elem[len] = '\0';
			if (elf_expand_dst(elem, origin, w->elfclass, w->machine, dir, sizeof(dir)) >= 0 &&
			    dir[0] == '/' &&
			    (size_t)snprintf(cand, sizeof(cand), "%s/%s", dir, w->want) < sizeof(cand)) {
				r = try_candidate(w, cand);
				if (r)
					return r;
			}
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

static int search_lib(struct walk *w, int idx, const char *name)
{
	char origin[PATH_MAX], cand[PATH_MAX];
	const char *const *d;
	int r, i;

	w->want = name;
	w->found = -1;
	if (strchr(name, '/'))
		return try_candidate(w, name);
	/* DT_RPATH of the object and its loaders, unless it has DT_RUNPATH. */
	if (!w->objs[idx].info.runpath) {
		for (i = idx; i >= 0; i = w->objs[i].parent) {
			/* An object's DT_RPATH counts only without DT_RUNPATH. */
			if (!w->objs[i].info.rpath || w->objs[i].info.runpath)
				continue;
			dirname_of(w->objs[i].path, origin, sizeof(origin));
			r = try_path_list(w, w->objs[i].info.rpath, origin);
			if (r)
				return r;
		}
	} else {
		dirname_of(w->objs[idx].path, origin, sizeof(origin));
		r = try_path_list(w, w->objs[idx].info.runpath, origin);
		if (r)
			return r;
	}
	r = elf_ldcache_lookup(w->cache, name, try_candidate, w);
	if (r)
		return r;
	for (d = elf_default_dirs(w->elfclass, w->machine); *d; d++) {
		if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", *d, name) >= sizeof(cand))
			continue;
		r = try_candidate(w, cand);
		if (r)
			return r;
	}
	return 0;
}

static int report(struct walk *w, enum elf_event ev, const char *path, const char *by, const char *why)
{
	if (ev != ELF_EV_FOUND)
		w->problems++;
	return w->fn ? w->fn(w->arg, ev, path, by, why) : 0;
}

/* Open, parse and add a program; bad programs are reported, not fatal. */
static int add_program(struct walk *w, const char *path, int *idx)
{
	struct jail_err e2 = {0};
	struct elf_info info;
	struct stat st;
	_cleanup_close_ int fd = -1;
	int r;
	size_t i;

	*idx = -1;
	fd = rootfs_open(w->rootfd, path, O_RDONLY, 0);
	if (fd < 0)
		return report(w, ELF_EV_BAD, path, NULL, strerror(-fd));
	if (fstat(fd, &st) < 0)
		return report(w, ELF_EV_BAD, path, NULL, strerror(errno));
	for (i = 0; i < w->n; i++)
		if (w->objs[i].dev == st.st_dev && w->objs[i].ino == st.st_ino)
			return 0;
	r = elf_parse_fd(fd, &info, &e2);
	if (r < 0)
		return report(w, ELF_EV_BAD, path, NULL, e2.msg);
	r = add_obj(w, path, NULL, -1, &st, &info);
	elf_info_free(&info);
	if (r < 0)
		return r;
	*idx = r;
	return 0;
}

int elf_closure(int rootfd, const char *const *programs, elf_closure_fn fn, void *arg, struct jail_err *e)
{
	struct walk w = {.rootfd = rootfd, .fn = fn, .arg = arg, .e = e};
	size_t i, next = 0;
	int r = 0;

	r = elf_ldcache_load(rootfd, "/etc/ld.so.cache", &w.cache, e);
	if (r < 0)
		return r;
	for (; *programs && r >= 0; programs++) {
		int idx;

		r = add_program(&w, *programs, &idx);
		if (r < 0 || idx < 0)
			continue;
		r = report(&w, ELF_EV_FOUND, *programs, NULL, NULL);
		if (r < 0)
			break;
		w.elfclass = w.objs[idx].info.elfclass;
		w.machine = w.objs[idx].info.machine;
		if (w.objs[idx].info.interp) {
			const char *ip = w.objs[idx].info.interp;
			size_t before = w.n;

			w.want = ip;
			w.found = -1;
			r = try_candidate(&w, ip);
			if (r < 0)
				break;
			if (w.found < 0)
				r = report(&w, ELF_EV_MISSING, ip, *programs, "program interpreter");
			else if (w.n > before)
				r = report(&w, ELF_EV_FOUND, ip, *programs, NULL);
			if (r < 0)
				break;
		}
		/* Breadth first, as ld.so loads: the program's needs, then
		 * theirs. */
		for (next = (size_t)idx; next < w.n && r >= 0; next++) {
			struct obj *o = &w.objs[next];

			for (i = 0; i < o->info.n_needed; i++) {
				const char *name = w.objs[next].info.needed[i];
				size_t before = w.n;

				if (known_name(&w, name) >= 0)
					continue;
				r = search_lib(&w, (int)next, name);
				if (r < 0 || w.fatal) {
					r = w.fatal ? w.fatal : r;
					break;
				}
				if (w.found < 0) {
					r = report(&w, ELF_EV_MISSING, name, w.objs[next].path, NULL);
				} else if (w.n > before) {
					w.objs[w.found].parent = (int)next;
					r = report(&w, ELF_EV_FOUND, w.objs[w.found].path, w.objs[next].path,
						   NULL);
				}
				if (r < 0)
					break;
				o = &w.objs[next]; /* realloc may move it */
			}
		}
	}
	for (i = 0; i < w.n; i++) {
		free(w.objs[i].path);
		free(w.objs[i].name);
		elf_info_free(&w.objs[i].info);
	}
	free(w.objs);
	elf_ldcache_free(w.cache);
	if (r < 0)
		return r;
	return w.problems;
}
