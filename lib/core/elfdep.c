/*
 * The closure of what a program loads, resolved the way glibc's ld.so does
 * it: DT_NEEDED of every object, searched through DT_RPATH/DT_RUNPATH (with
 * $ORIGIN, $LIB and $PLATFORM), ld.so.cache and the default directories,
 * all beneath the jail root. The parsing is elf.c.
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

	/* Regular files only: a FIFO or device here must not stop the walk. */
	fd = rootfs_open_regular(w->rootfd, path, 0, &st, &e2);
	if (fd < 0)
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
	fd = rootfs_open_regular(w->rootfd, path, 0, &st, &e2);
	if (fd < 0)
		return report(w, ELF_EV_BAD, path, NULL, e2.msg);
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
