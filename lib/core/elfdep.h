/*
 * ELF reading for jail roots: what a program needs to run (its PT_INTERP
 * loader, DT_NEEDED libraries, DT_RPATH/DT_RUNPATH), ld.so.cache lookup, and
 * the transitive closure of those resolved the way glibc's ld.so does. We
 * parse files ourselves instead of running ldd, because ldd executes the
 * program and jail roots are untrusted. Every file is opened relative to a
 * root directory fd with RESOLVE_IN_ROOT, so the same code serves the host
 * ("mkjail mini", root fd of "/") and a jail root ("mkjail check").
 */
#ifndef JAIL_ELFDEP_H
#define JAIL_ELFDEP_H

#include <stddef.h>
#include <stdint.h>

#include "jail/err.h"

/* Limits on what a (possibly hostile) file may make us hold. */
#define ELF_MAX_FILE	(1024L * 1024 * 1024) /* bytes mapped per object */
#define ELF_MAX_NEEDED	1024		      /* DT_NEEDED entries per object */
#define ELF_MAX_OBJECTS 4096		      /* objects in one closure */
#define ELF_MAX_STR	4096		      /* one dynamic string */

struct elf_info {
	int elfclass;	/* ELFCLASS32 or ELFCLASS64 */
	int machine;	/* EM_* */
	int type;	/* ET_EXEC, ET_DYN, ... */
	int is_dynamic; /* has a PT_DYNAMIC segment */
	char *interp;	/* PT_INTERP, NULL for static programs */
	char *soname;	/* DT_SONAME or NULL */
	char *rpath;	/* DT_RPATH or NULL */
	char *runpath;	/* DT_RUNPATH or NULL */
	char **needed;	/* DT_NEEDED names in order */
	size_t n_needed;
};

/* Parse an ELF image held in memory. Fails with -ENOEXEC and a message on
 * anything that is not a well-formed ELF object; never reads outside buf. */
int elf_parse(const void *buf, size_t len, struct elf_info *info, struct jail_err *e);
/* Parse the file open on fd (mapped read-only, at most ELF_MAX_FILE). */
int elf_parse_fd(int fd, struct elf_info *info, struct jail_err *e);
void elf_info_free(struct elf_info *info);

/* True when the first bytes of buf are the ELF magic. */
int elf_is_elf(const void *buf, size_t len);

/* An ld.so.cache ("glibc-ld.so.cache1.1") loaded into memory. */
struct elf_ldcache;
/* Load the cache at path inside rootfd. A missing cache is not an error:
 * *out is set to NULL and 0 returned, as ld.so carries on without one. */
int elf_ldcache_load(int rootfd, const char *path, struct elf_ldcache **out, struct jail_err *e);
/* Parse a cache image from memory (copied). */
int elf_ldcache_parse(const void *buf, size_t len, struct elf_ldcache **out, struct jail_err *e);
/* Call fn for each path the cache lists for soname, in cache order; fn
 * returns non-zero to stop, which lookup then returns. */
int elf_ldcache_lookup(const struct elf_ldcache *c, const char *soname,
		       int (*fn)(void *arg, const char *path), void *arg);
size_t elf_ldcache_count(const struct elf_ldcache *c);
void elf_ldcache_free(struct elf_ldcache *c);

/* Expand $ORIGIN, ${ORIGIN}, $LIB, $PLATFORM in one search path element.
 * origin is the directory of the object. Returns length or -ENAMETOOLONG. */
int elf_expand_dst(const char *in, const char *origin, int elfclass, int machine, char *out, size_t outsz);

/* The default library directories ld.so searches for this class/machine
 * (Debian multiarch first), NULL-terminated. */
const char *const *elf_default_dirs(int elfclass, int machine);

/* What the closure walk reports for each object. */
enum elf_event {
	ELF_EV_FOUND,	/* path: object found and parsed (program or lib) */
	ELF_EV_MISSING, /* path: library name; by: object that needs it */
	ELF_EV_BAD,	/* path: file; why: not ELF, unreadable, ... */
};
/* Return < 0 to stop the walk with that error. */
typedef int (*elf_closure_fn)(void *arg, enum elf_event ev, const char *path, const char *by,
			      const char *why);

/* Walk the programs (absolute paths inside rootfd) and everything they load:
 * the interpreter, then DT_NEEDED resolved breadth-first by DT_RPATH of the
 * loader chain, DT_RUNPATH, the root's /etc/ld.so.cache and the default
 * directories. A library found in the wrong class or machine is skipped as
 * ld.so skips it. Each object is reported once. Returns the number of
 * ELF_EV_MISSING plus ELF_EV_BAD events, or a negative errno. */
int elf_closure(int rootfd, const char *const *programs, elf_closure_fn fn, void *arg, struct jail_err *e);

#endif
