/*
 * Unit tests for lib/elfdep.c: ELF header and dynamic-section parsing on
 * synthetic images, rejection of malformed and truncated files, ld.so.cache
 * parsing, $ORIGIN expansion, and the closure walk over a fake root built in
 * a temporary directory (RUNPATH, RPATH, the cache, default directories,
 * missing libraries, and a symlink that must not leave the root).
 */
#define _GNU_SOURCE 1
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/elfdep.h"
#include "core/rootfs.h"
#include "t.h"

/* Build a little-endian ELF64 x86-64 image: one PT_LOAD over the whole
 * file at vaddr 0, optional PT_INTERP, a PT_DYNAMIC with the given tags. */
struct spec {
	const char *interp;
	const char *needed[4];
	const char *rpath, *runpath, *soname;
	int machine;
};

static size_t build_elf(const struct spec *s, uint8_t *buf, size_t sz)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	size_t off = sizeof(*eh) + 3 * sizeof(*ph), strtab, dyn, n = 0, i;
	char strs[1024];
	size_t sl = 1;
	Elf64_Dyn d[16];
	int nd = 0;

	memset(buf, 0, sz);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_DYN;
	eh->e_machine = (Elf64_Half)(s->machine ? s->machine : EM_X86_64);
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);

	strs[0] = '\0';
#define ADDSTR(str, tag)                  \
	do {                              \
		d[nd].d_tag = (tag);      \
		d[nd++].d_un.d_val = sl;  \
		strcpy(strs + sl, (str)); \
		sl += strlen(str) + 1;    \
	} while (0)
	for (i = 0; i < 4 && s->needed[i]; i++)
		ADDSTR(s->needed[i], DT_NEEDED);
	if (s->rpath)
		ADDSTR(s->rpath, DT_RPATH);
	if (s->runpath)
		ADDSTR(s->runpath, DT_RUNPATH);
	if (s->soname)
		ADDSTR(s->soname, DT_SONAME);
#undef ADDSTR
	if (s->interp) {
		size_t il = strlen(s->interp) + 1;

		ph[n].p_type = PT_INTERP;
		ph[n].p_offset = off;
		ph[n].p_filesz = il;
		n++;
		memcpy(buf + off, s->interp, il);
		off += il;
	}
	off = (off + 7) & ~(size_t)7;
	strtab = off;
	memcpy(buf + off, strs, sl);
	off += sl;
	off = (off + 7) & ~(size_t)7;
	d[nd].d_tag = DT_STRTAB;
	d[nd++].d_un.d_ptr = strtab;
	d[nd].d_tag = DT_STRSZ;
	d[nd++].d_un.d_val = sl;
	d[nd].d_tag = DT_NULL;
	d[nd++].d_un.d_val = 0;
	dyn = off;
	memcpy(buf + off, d, (size_t)nd * sizeof(d[0]));
	off += (size_t)nd * sizeof(d[0]);
	ph[n].p_type = PT_DYNAMIC;
	ph[n].p_offset = dyn;
	ph[n].p_vaddr = dyn;
	ph[n].p_filesz = (size_t)nd * sizeof(d[0]);
	n++;
	ph[n].p_type = PT_LOAD;
	ph[n].p_offset = 0;
	ph[n].p_vaddr = 0;
	ph[n].p_filesz = off;
	n++;
	eh->e_phnum = (Elf64_Half)n;
	return off;
}

static void write_file(int dirfd, const char *path, const void *buf, size_t len)
{
	char dir[256];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		rootfs_mkdir_p(dirfd, dir + 1, 0755, NULL);
	}
	fd = openat(dirfd, path + 1, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd >= 0) {
		if (write(fd, buf, len) != (ssize_t)len)
			printf("# short write %s\n", path);
		close(fd);
	}
}

static void write_elf(int dirfd, const char *path, const struct spec *s)
{
	uint8_t buf[4096];
	size_t n = build_elf(s, buf, sizeof(buf));

	write_file(dirfd, path, buf, n);
}

/* A new-format ld.so.cache with the given (key, value) pairs. */
static size_t build_cache(uint8_t *buf, size_t sz, const char *const *kv, uint32_t n)
{
	size_t strbase = 48 + (size_t)n * 24, sl = strbase;
	uint32_t i, len;

	memset(buf, 0, sz);
	memcpy(buf, "glibc-ld.so.cache1.1", 20);
	memcpy(buf + 20, &n, 4);
	for (i = 0; i < n; i++) {
		uint8_t *ent = buf + 48 + (size_t)i * 24;
		int32_t flags = 0x0303;
		uint32_t k, v;

		k = (uint32_t)sl;
		strcpy((char *)buf + sl, kv[2 * i]);
		sl += strlen(kv[2 * i]) + 1;
		v = (uint32_t)sl;
		strcpy((char *)buf + sl, kv[2 * i + 1]);
		sl += strlen(kv[2 * i + 1]) + 1;
		memcpy(ent, &flags, 4);
		memcpy(ent + 4, &k, 4);
		memcpy(ent + 8, &v, 4);
	}
	len = (uint32_t)(sl - strbase);
	memcpy(buf + 24, &len, 4);
	return sl;
}

struct seen {
	char found[32][256];
	int nfound;
	char missing[8][512];
	int nmissing;
	char bad[8][512];
	int nbad;
};

static int record(void *arg, enum elf_event ev, const char *path, const char *by, const char *why)
{
	struct seen *s = arg;

	if (ev == ELF_EV_FOUND && s->nfound < 32)
		snprintf(s->found[s->nfound++], 256, "%s", path);
	else if (ev == ELF_EV_MISSING && s->nmissing < 8)
		snprintf(s->missing[s->nmissing++], 512, "%s by %s", path, by ? by : "-");
	else if (ev == ELF_EV_BAD && s->nbad < 8)
		snprintf(s->bad[s->nbad++], 512, "%s: %s", path, why ? why : "-");
	return 0;
}

static int has(const struct seen *s, const char *path)
{
	int i;

	for (i = 0; i < s->nfound; i++)
		if (!strcmp(s->found[i], path))
			return 1;
	return 0;
}

static void test_parse(void)
{
	struct spec s = {.interp = "/lib64/ld-linux-x86-64.so.2",
			 .needed = {"libfoo.so.1", "libc.so.6"},
			 .runpath = "$ORIGIN/../lib",
			 .soname = "prog"};
	uint8_t buf[4096];
	size_t n = build_elf(&s, buf, sizeof(buf)), i;
	struct elf_info info;
	struct jail_err e = {0};
	int r, rejected = 0;

	r = elf_parse(buf, n, &info, &e);
	T_INT(r, 0, "synthetic ELF parses");
	T_STR(info.interp, "/lib64/ld-linux-x86-64.so.2", "PT_INTERP read");
	T_INT(info.n_needed, 2, "two DT_NEEDED");
	T_STR(info.n_needed > 1 ? info.needed[1] : NULL, "libc.so.6", "DT_NEEDED order kept");
	T_STR(info.runpath, "$ORIGIN/../lib", "DT_RUNPATH read");
	T_OK(info.rpath == NULL, "no DT_RPATH");
	T_STR(info.soname, "prog", "DT_SONAME read");
	T_INT(info.elfclass, ELFCLASS64, "class");
	T_INT(info.machine, EM_X86_64, "machine");
	elf_info_free(&info);

	/* Every truncation must be rejected or parsed, never crash, and the
	 * ones cutting into headers must be rejected. */
	for (i = 0; i < n; i++) {
		uint8_t *cut = malloc(i ? i : 1);

		memcpy(cut, buf, i);
		r = elf_parse(cut, i, &info, &e);
		if (r < 0)
			rejected++;
		else
			elf_info_free(&info);
		free(cut);
	}
	T_OK(rejected >= (int)(n - 8), "truncated images rejected (%d of %zu)", rejected, n);
	r = elf_parse(buf, 40, &info, &e);
	T_INT(r, -ENOEXEC, "truncated header -> ENOEXEC");
	T_STR(e.msg, "truncated ELF header", "message names the problem");

	/* Random corruption: parse must not crash (run under ASan in CI). */
	srand(42);
	for (i = 0; i < 20000; i++) {
		uint8_t m[4096];
		int k;

		memcpy(m, buf, n);
		for (k = 0; k < 4; k++)
			m[(size_t)rand() % n] = (uint8_t)rand();
		if (elf_parse(m, n, &info, &e) == 0)
			elf_info_free(&info);
	}
	T_INT(i, 20000, "20000 corrupted images parsed without crashing");

	r = elf_parse("#!/bin/sh\necho hi\n", 18, &info, &e);
	T_INT(r, -ENOEXEC, "a script is not ELF");
	T_STR(e.msg, "not an ELF file", "script message");

	/* A string index outside the string table. */
	{
		Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
		Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff);
		Elf64_Dyn *d = NULL;
		int k;

		for (k = 0; k < eh->e_phnum; k++)
			if (ph[k].p_type == PT_DYNAMIC)
				d = (Elf64_Dyn *)(buf + ph[k].p_offset);
		d[0].d_un.d_val = 100000;
		r = elf_parse(buf, n, &info, &e);
		T_INT(r, -ENOEXEC, "DT_NEEDED index past DT_STRSZ rejected");
	}
	/* Program headers pointing past the end of the file. */
	build_elf(&s, buf, sizeof(buf));
	((Elf64_Ehdr *)buf)->e_phoff = 1u << 30;
	T_INT(elf_parse(buf, n, &info, &e), -ENOEXEC, "e_phoff past the end rejected");
}

static void test_host_binary(void)
{
	struct elf_info info;
	struct jail_err e = {0};
	_cleanup_close_ int fd = open("/bin/ls", O_RDONLY | O_CLOEXEC);
	size_t i;
	int libc = 0;

	T_INT(elf_parse_fd(fd, &info, &e), 0, "host /bin/ls parses");
	T_OK(info.interp && strstr(info.interp, "ld-linux"), "/bin/ls has an ld-linux interpreter (%s)",
	     info.interp ? info.interp : "none");
	for (i = 0; i < info.n_needed; i++)
		libc |= !strcmp(info.needed[i], "libc.so.6");
	T_OK(libc, "/bin/ls needs libc.so.6");
	elf_info_free(&info);
}

static void test_cache(void)
{
	static const char *const kv[] = {"libz.so.1",	     "/lib/x/libz.so.1", "libc.so.6",
					 "/lib/x/libc.so.6", "libz.so.1",	 "/usr/lib/y/libz.so.1"};
	uint8_t buf[2048];
	size_t n = build_cache(buf, sizeof(buf), kv, 3);
	struct elf_ldcache *c = NULL;
	struct jail_err e = {0};
	_cleanup_close_ int rootfd = open("/", O_PATH | O_CLOEXEC);

	T_INT(elf_ldcache_parse(buf, n, &c, &e), 0, "synthetic cache parses");
	T_INT(elf_ldcache_count(c), 3, "three entries");
	elf_ldcache_free(c);
	c = NULL;
	T_INT(elf_ldcache_parse(buf, 60, &c, &e), -ENOEXEC, "truncated cache rejected");
	buf[3] = 'X';
	T_INT(elf_ldcache_parse(buf, n, &c, &e), -ENOEXEC, "bad magic rejected");
	T_INT(elf_ldcache_load(rootfd, "/etc/ld.so.cache", &c, &e), 0, "host ld.so.cache loads");
	T_OK(elf_ldcache_count(c) > 10, "host cache has entries (%zu)", elf_ldcache_count(c));
	elf_ldcache_free(c);
}

static void test_dst(void)
{
	char out[256];

	elf_expand_dst("$ORIGIN/../lib", "/opt/app/bin", ELFCLASS64, EM_X86_64, out, sizeof(out));
	T_STR(out, "/opt/app/bin/../lib", "$ORIGIN expanded");
	elf_expand_dst("${ORIGIN}/x:$LIB", "/o", ELFCLASS64, EM_X86_64, out, sizeof(out));
	T_STR(out, "/o/x:lib/x86_64-linux-gnu", "${ORIGIN} and $LIB expanded");
	T_INT(elf_expand_dst("$ORIGIN", "/a/very/long/origin", ELFCLASS64, EM_X86_64, out, 8), -ENAMETOOLONG,
	      "overflow refused");
}

static void test_closure(void)
{
	char tmpl[] = "/tmp/test_elf.XXXXXX";
	const char *dir = mkdtemp(tmpl);
	_cleanup_close_ int rootfd = -1;
	struct jail_err e = {0};
	struct seen s = {0};
	uint8_t cache[2048];
	static const char *const kv[] = {"libcached.so.1", "/opt/cached/libcached.so.1"};
	const char *progs[] = {"/usr/bin/prog", NULL};
	const char *progs2[] = {"/usr/bin/other", "/etc/motd", NULL};
	size_t n;
	int r;

	rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	write_elf(rootfd, "/usr/bin/prog",
		  &(struct spec){.interp = "/lib64/ld.so",
				 .needed = {"libr.so", "libcached.so.1", "libc.so.6"},
				 .runpath = "$ORIGIN/../myl"});
	write_elf(rootfd, "/usr/lib64/ld.so", &(struct spec){.soname = "ld.so"});
	if (symlinkat("usr/lib64", rootfd, "lib64") < 0)
		printf("# symlink failed\n");
	write_elf(rootfd, "/usr/myl/libr.so", &(struct spec){.needed = {"libdeep.so"}, .rpath = "/deep"});
	/* libr.so has DT_RPATH only; libdeep must come from /deep. */
	write_elf(rootfd, "/deep/libdeep.so", &(struct spec){.needed = {"libc.so.6", "ld.so"}});
	write_elf(rootfd, "/opt/cached/libcached.so.1", &(struct spec){0});
	/* A wrong-machine libc earlier in the search must be skipped. */
	write_elf(rootfd, "/lib/x86_64-linux-gnu/libc.so.6", &(struct spec){.machine = EM_AARCH64});
	write_elf(rootfd, "/usr/lib/libc.so.6", &(struct spec){0});
	n = build_cache(cache, sizeof(cache), kv, 1);
	write_file(rootfd, "/etc/ld.so.cache", cache, n);

	r = elf_closure(rootfd, progs, record, &s, &e);
	T_INT(r, 0, "closure complete: no problems (%s)", e.msg);
	T_OK(has(&s, "/usr/bin/prog"), "program reported");
	T_OK(has(&s, "/lib64/ld.so"), "interpreter reported by its path");
	T_OK(has(&s, "/usr/bin/../myl/libr.so"), "RUNPATH $ORIGIN used");
	T_OK(has(&s, "/deep/libdeep.so"), "RPATH used");
	T_OK(has(&s, "/opt/cached/libcached.so.1"), "ld.so.cache used");
	T_OK(has(&s, "/usr/lib/libc.so.6"), "wrong-machine libc skipped, default dir used");
	T_INT(s.nfound, 6, "each object once (ld.so not loaded twice)");

	/* Missing library, a non-ELF program; and a symlink escaping the
	 * root must resolve inside it. */
	if (symlinkat("/", rootfd, "hostroot") < 0)
		printf("# symlink failed\n");
	write_elf(rootfd, "/usr/bin/other",
		  &(struct spec){.needed = {"libnothere.so.3"},
				 .runpath = "/hostroot/usr/lib/x86_64-linux-gnu:"
					    "/hostroot/lib/x86_64-linux-gnu"});
	write_file(rootfd, "/etc/motd", "hello\n", 6);
	memset(&s, 0, sizeof(s));
	r = elf_closure(rootfd, progs2, record, &s, &e);
	T_INT(r, 2, "two problems");
	T_STR(s.missing[0], "libnothere.so.3 by /usr/bin/other", "missing library and who needs it");
	T_STR(s.bad[0], "/etc/motd: not an ELF file", "non-ELF program");

	memset(&s, 0, sizeof(s));
	{
		const char *p3[] = {"/usr/bin/third", NULL};

		/* libc.so.6 exists on the host; through /hostroot it must
		 * not be found because /hostroot is the jail's own root. */
		write_elf(
			rootfd, "/usr/bin/third",
			&(struct spec){.needed = {"libz.so.1"}, .runpath = "/hostroot/lib/x86_64-linux-gnu"});
		r = elf_closure(rootfd, p3, record, &s, &e);
		T_INT(r, 1, "host library not reachable through a symlink");
	}
	rootfs_rm_tree(AT_FDCWD, dir, &e);
	T_OK(access(dir, F_OK) < 0, "temp root removed");
}

int main(void)
{
	test_parse();
	test_host_binary();
	test_cache();
	test_dst();
	test_closure();
	T_DONE();
}
