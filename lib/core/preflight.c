/*
 * Jail root preflight: answers "why would this root not start?" before
 * jail(8) mounts anything, one line per problem (a reader's jail dumped
 * core because a file was missing; here the message names it). Programs
 * are looked up, "#!" scripts followed to their interpreter, and ELF files
 * walked with elf_closure() against the root's own ld.so.cache, all
 * resolved inside the root.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "elfdep.h"
#include "jail/preflight.h"
#include "rootfs.h"
#include "user.h"

#define ROOT_PATH     "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SHEBANG_DEPTH 4

struct pf {
	int rootfd;
	jail_preflight_fn fn;
	void *arg;
	int problems;
	char first[JAIL_ERR_MAX];
	/* ELF programs to walk, in-root paths */
	char (*elf)[PATH_MAX];
	size_t nelf;
};

static void problem(struct pf *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct pf *p, const char *fmt, ...)
{
	char line[JAIL_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!p->problems++)
		snprintf(p->first, sizeof(p->first), "%s", line);
	if (p->fn)
		p->fn(p->arg, line);
}

/* stat of path inside the root, following symlinks inside it. */
static int root_stat(struct pf *p, const char *path, struct stat *st)
{
	_cleanup_close_ int fd = rootfs_open(p->rootfd, path, O_PATH, 0);

	if (fd < 0)
		return fd;
	return fstat(fd, st) < 0 ? -errno : 0;
}

static void need_dir(struct pf *p, const char *path, const char *why)
{
	struct stat st;
	int r = root_stat(p, path, &st);

	if (r == -ENOENT)
		problem(p, "%s: missing (%s)", path, why);
	else if (r < 0)
		problem(p, "%s: %s", path, strerror(-r));
	else if (!S_ISDIR(st.st_mode))
		problem(p, "%s: not a directory (%s)", path, why);
}

/* Find a program: absolute in the root, or by name in the root's PATH. */
static int lookup(struct pf *p, const char *name, char *out, size_t sz)
{
	const char *d = ROOT_PATH;
	struct stat st;

	if (name[0] == '/') {
		snprintf(out, sz, "%s", name);
		return root_stat(p, out, &st);
	}
	if (strchr(name, '/'))
		return -EINVAL;
	while (*d) {
		const char *end = strchrnul(d, ':');

		snprintf(out, sz, "%.*s/%s", (int)(end - d), d, name);
		if (root_stat(p, out, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
		d = *end ? end + 1 : end;
	}
	return -ENOENT;
}

/* Check one program; ELF files are queued for the closure walk. */
static int check_program(struct pf *p, const char *name, const char *by, int depth)
{
	struct jail_err e2 = {0};
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX], head[256];
	struct stat st;
	ssize_t n;
	int r;

	r = lookup(p, name, path, sizeof(path));
	if (r == -EINVAL) {
		problem(p, "%s: not an absolute path", name);
		return 0;
	}
	if (r < 0) {
		if (by)
			problem(p, "%s: missing (interpreter of %s)", name, by);
		else if (name[0] == '/')
			problem(p, "%s: missing", name);
		else
			problem(p, "%s: not found in %s", name, ROOT_PATH);
		return 0;
	}
	/* Regular files only, opened without blocking: a FIFO here must not hang the check. */
	fd = rootfs_open_regular(p->rootfd, path, 0, &st, &e2);
	if (fd < 0) {
		problem(p, "%s: %s", path, e2.msg);
		return 0;
	}
	if (!(st.st_mode & 0111)) {
		problem(p, "%s: not executable", path);
		return 0;
	}
	n = pread(fd, head, sizeof(head) - 1, 0);
	if (n < 0) {
		problem(p, "%s: %s", path, strerror(errno));
		return 0;
	}
	head[n] = '\0';
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		char *s = head + 2, *end;

		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strcspn(s, " \t\n");
		*end = '\0';
		if (!*s) {
			problem(p, "%s: empty #! line", path);
			return 0;
		}
		if (depth >= SHEBANG_DEPTH) {
			problem(p, "%s: too many levels of #! interpreters", path);
			return 0;
		}
		if (s[0] != '/') {
			problem(p, "%s: #! interpreter %s is not absolute", path, s);
			return 0;
		}
		return check_program(p, s, path, depth + 1);
	}
	if (!elf_is_elf(head, (size_t)n)) {
		problem(p, "%s: not an ELF file or #! script", path);
		return 0;
	}
	if (p->nelf >= JAIL_PREFLIGHT_MAX_PROGRAMS + SHEBANG_DEPTH + 1)
		return 0;
	snprintf(p->elf[p->nelf++], PATH_MAX, "%s", path);
	return 0;
}

/* /etc/passwd and /etc/group as jexec and jail(8) read them: a hostile one fails here first. */
static void check_users(struct pf *p)
{
	struct jail_err e2 = {0};
	struct jail_user u;

	if (jail_user_root(p->rootfd, "/", &u, &e2) < 0)
		problem(p, "%s", e2.msg);
}

static int on_elf(void *arg, enum elf_event ev, const char *path, const char *by, const char *why)
{
	struct pf *p = arg;

	if (ev == ELF_EV_MISSING && why)
		problem(p, "%s: missing (%s of %s)", path, why, by);
	else if (ev == ELF_EV_MISSING)
		problem(p, "%s: missing (needed by %s)", path, by);
	else if (ev == ELF_EV_BAD)
		problem(p, "%s: %s", path, why);
	return 0;
}

int jail_preflight(int rootfd, const char *const *programs, unsigned flags, jail_preflight_fn fn, void *arg,
		   struct jail_err *e)
{
	struct pf p = {.rootfd = rootfd, .fn = fn, .arg = arg};
	const char *list[JAIL_PREFLIGHT_MAX_PROGRAMS + SHEBANG_DEPTH + 2];
	struct stat st;
	size_t i;
	int r;

	if (fstat(rootfd, &st) < 0)
		return jail_err_sys(e, -errno, "root");
	if (!S_ISDIR(st.st_mode))
		return jail_err_set(e, -ENOTDIR, "root: not a directory");
	p.elf = calloc(ARRAY_SIZE(list), PATH_MAX);
	if (!p.elf)
		return jail_err_set(e, -ENOMEM, "out of memory");

	if (flags & JAIL_PREFLIGHT_SHELL) {
		if (root_stat(&p, "/bin/sh", &st) == -ENOENT)
			problem(&p, "/bin/sh: missing (the shell exec.start "
				    "and jexec use)");
		else if ((r = check_program(&p, "/bin/sh", NULL, 0)) < 0)
			goto out_sys;
	}
	if (flags & JAIL_PREFLIGHT_PASSWD) {
		r = root_stat(&p, "/etc/passwd", &st);
		if (r == -ENOENT)
			problem(&p, "/etc/passwd: missing (users and "
				    "jexec -U need it)");
		else if (r < 0)
			problem(&p, "/etc/passwd: %s", strerror(-r));
		else if (!S_ISREG(st.st_mode))
			problem(&p, "/etc/passwd: not a regular file");
		else
			check_users(&p);
	}
	if (flags & JAIL_PREFLIGHT_DEV)
		need_dir(&p, "/dev", "mount point for mount.devfs");
	if (flags & JAIL_PREFLIGHT_PROC)
		need_dir(&p, "/proc", "mount point for mount.procfs");
	for (i = 0; programs && programs[i]; i++) {
		if (i >= JAIL_PREFLIGHT_MAX_PROGRAMS) {
			r = jail_err_set(e, -E2BIG, "more than %d programs", JAIL_PREFLIGHT_MAX_PROGRAMS);
			goto out;
		}
		r = check_program(&p, programs[i], NULL, 0);
		if (r < 0)
			goto out_sys;
	}
	for (i = 0; i < p.nelf; i++)
		list[i] = p.elf[i];
	list[p.nelf] = NULL;
	if (p.nelf) {
		r = elf_closure(rootfd, list, on_elf, &p, e);
		if (r < 0)
			goto out;
	}
	r = p.problems;
	if (p.problems == 1)
		jail_err_set(e, -ENOENT, "%s", p.first);
	else if (p.problems > 1)
		jail_err_set(e, -ENOENT, "%s (and %d more)", p.first, p.problems - 1);
	goto out;
out_sys:
	r = jail_err_sys(e, r, "preflight");
out:
	free(p.elf);
	return r;
}

int jail_preflight_path(const char *root, const char *const *programs, unsigned flags, jail_preflight_fn fn,
			void *arg, struct jail_err *e)
{
	_cleanup_close_ int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return jail_err_sys(e, -errno, "%s", root);
	return jail_preflight(fd, programs, flags, fn, arg, e);
}
