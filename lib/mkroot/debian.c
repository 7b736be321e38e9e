/*
 * Debian jail roots by debootstrap (variant minbase), the one program mkjail
 * runs. The first root of a suite/mirror/package set is cached whole under
 * the cache directory (and the .debs in CACHE/debs), so the next root of
 * the same kind is a local tree copy taking seconds. The mirror and suite
 * default to what the host's apt uses.
 */
#define _GNU_SOURCE 1
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "mkroot_int.h"
#include "core/rootfs.h"

#define DEFAULT_MIRROR	  "http://deb.debian.org/debian"
#define DEFAULT_CACHE	  "/var/cache/jail/debootstrap"
#define SOURCES_MAX_FILES 64
#define SOURCES_MAX_SIZE  (1024 * 1024)

/* ---- apt sources --------------------------------------------------------- */

/* The main archive suite: not -security, -updates, -backports or flat. */
static int plain_suite(const char *s)
{
	return *s && !strchr(s, '-') && !strchr(s, '/');
}

static int usable_uri(const char *u)
{
	return !strncmp(u, "http://", 7) || !strncmp(u, "https://", 8) || !strncmp(u, "ftp://", 6) ||
	       !strncmp(u, "file:/", 6);
}

static int take(const char *uri, const char *suite, char *mirror, size_t msz, char *osuite, size_t ssz)
{
	size_t n = strlen(uri);

	if (!usable_uri(uri) || !plain_suite(suite) || n >= msz || strlen(suite) >= ssz)
		return 0;
	memcpy(mirror, uri, n + 1);
	while (n > 0 && mirror[n - 1] == '/')
		mirror[--n] = '\0';
	strcpy(osuite, suite);
	return 1;
}

/* One-line format: deb [options] URI SUITE COMPONENT... */
static int parse_list(char *text, char *mirror, size_t msz, char *suite, size_t ssz)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok[4] = {0}, *s2 = NULL, *t;
		int n = 0;

		line[strcspn(line, "#")] = '\0';
		/* Drop an [ options ] block. */
		if ((t = strchr(line, '['))) {
			char *close = strchr(t, ']');

			if (!close)
				continue;
			memset(t, ' ', (size_t)(close - t + 1));
		}
		for (t = strtok_r(line, " \t", &s2); t && n < 4; t = strtok_r(NULL, " \t", &s2))
			tok[n++] = t;
		if (n < 3 || strcmp(tok[0], "deb"))
			continue;
		if (take(tok[1], tok[2], mirror, msz, suite, ssz))
			return 1;
	}
	return 0;
}

/* deb822 format: stanzas of "Field: value" separated by blank lines,
 * continuation lines start with white space. */
static int parse_sources(char *text, char *mirror, size_t msz, char *suite, size_t ssz)
{
	char *p = text;

	while (*p) {
		char types[256] = "", uris[1024] = "", suites[512] = "", enabled[16] = "yes";
		char *field = NULL;

		/* one stanza */
		while (*p && *p != '\n') {
			char *eol = strchrnul(p, '\n'), *dst = NULL;
			size_t dsz = 0;

			if (*eol)
				*eol++ = '\0';
			if (*p == '#') {
				p = eol;
				continue;
			}
			if (*p == ' ' || *p == '\t') {
				/* continuation of field */
			} else {
				char *colon = strchr(p, ':');

				if (!colon) {
					p = eol;
					continue;
				}
				*colon = '\0';
				field = p;
				p = colon + 1;
			}
			if (field && !strcasecmp(field, "Types"))
				dst = types, dsz = sizeof(types);
			else if (field && !strcasecmp(field, "URIs"))
				dst = uris, dsz = sizeof(uris);
			else if (field && !strcasecmp(field, "Suites"))
				dst = suites, dsz = sizeof(suites);
			else if (field && !strcasecmp(field, "Enabled"))
				dst = enabled, dsz = sizeof(enabled);
			if (dst) {
				size_t l = strlen(dst);

				if (dst == enabled)
					l = 0;
				snprintf(dst + l, dsz - l, " %s", p);
			}
			p = eol;
		}
		while (*p == '\n')
			p++;
		{
			char *s1 = NULL, *s2 = NULL, *s3 = NULL, *t, *u, *s;
			int deb = 0;

			for (t = strtok_r(types, " \t", &s1); t; t = strtok_r(NULL, " \t", &s1))
				deb |= !strcmp(t, "deb");
			for (t = enabled; *t == ' '; t++)
				;
			if (!deb || !strncasecmp(t, "no", 2))
				continue;
			for (u = strtok_r(uris, " \t", &s2); u; u = strtok_r(NULL, " \t", &s2)) {
				char sc[512];

				snprintf(sc, sizeof(sc), "%s", suites);
				for (s = strtok_r(sc, " \t", &s3); s; s = strtok_r(NULL, " \t", &s3))
					if (take(u, s, mirror, msz, suite, ssz))
						return 1;
			}
		}
	}
	return 0;
}

static char *slurp_at(int dirfd, const char *name)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > SOURCES_MAX_SIZE)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return NULL;
	n = read(fd, buf, (size_t)st.st_size);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

int mkroot_host_mirror(const char *etc, char *mirror, size_t msz, char *suite, size_t ssz, struct jail_err *e)
{
	_cleanup_close_ int etcfd = -1, dfd = -1;
	_cleanup_closedir_ DIR *d = NULL;
	char *names[SOURCES_MAX_FILES];
	struct dirent *de;
	size_t n = 0, i;
	int found = 0;
	char *text;

	snprintf(mirror, msz, "%s", DEFAULT_MIRROR);
	suite[0] = '\0';
	etcfd = open(etc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (etcfd < 0)
		return jail_err_sys(e, -errno, "%s", etc);
	text = slurp_at(etcfd, "apt/sources.list");
	if (text) {
		found = parse_list(text, mirror, msz, suite, ssz);
		free(text);
	}
	dfd = openat(etcfd, "apt/sources.list.d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!found && dfd >= 0 && (d = fdopendir(dfd))) {
		int dfd2 = TAKE_FD(dfd);

		(void)dfd2; /* now owned by d */
		while ((de = readdir(d)) && n < SOURCES_MAX_FILES) {
			if (ends_with(de->d_name, ".list") || ends_with(de->d_name, ".sources"))
				if ((names[n] = strdup(de->d_name)))
					n++;
		}
		/* apt reads them in alphabetical order */
		qsort(names, n, sizeof(names[0]), cmp_str);
		for (i = 0; i < n; i++) {
			if (!found) {
				text = slurp_at(dirfd(d), names[i]);
				if (text) {
					found = ends_with(names[i], ".list")
							? parse_list(text, mirror, msz, suite, ssz)
							: parse_sources(text, mirror, msz, suite, ssz);
					free(text);
				}
			}
			free(names[i]);
		}
	}
	if (!suite[0]) {
		char *osr = slurp_at(etcfd, "os-release");
		const char *v = osr ? strstr(osr, "VERSION_CODENAME=") : NULL;

		if (v) {
			v += strlen("VERSION_CODENAME=");
			snprintf(suite, ssz, "%.*s", (int)strcspn(v, "\n\""), v[0] == '"' ? v + 1 : v);
		}
		free(osr);
		if (!suite[0])
			snprintf(suite, ssz, "stable");
	}
	return found;
}

/* ---- debootstrap --------------------------------------------------------- */

static int valid_word(const char *s, const char *extra, size_t max)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || strchr(extra, *s)))
			return 0;
	return n > 0 && n <= max;
}

static const char *deb_arch(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		return NULL;
	if (!strcmp(u.machine, "x86_64"))
		return "amd64";
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	if (u.machine[0] == 'i' && !strcmp(u.machine + 2, "86"))
		return "i386";
	if (!strcmp(u.machine, "riscv64"))
		return "riscv64";
	if (!strcmp(u.machine, "ppc64le"))
		return "ppc64el";
	if (!strcmp(u.machine, "s390x"))
		return "s390x";
	return NULL;
}

static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void progress(const struct mkroot_opts *o, const char *line)
{
	if (o && o->progress)
		o->progress(o->progress_arg, line);
}

/* Run debootstrap, feeding each output line to the progress callback and
 * keeping the last error line for the message. */
static int run_debootstrap(const struct mkroot_opts *o, char *const argv[], struct jail_err *e)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	extern char **environ;
	char buf[8192], last[512] = "";
	size_t have = 0;
	int pfd[2], status, r;
	pid_t pid;
	ssize_t k;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return jail_err_sys(e, -errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	r = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(pfd[1]);
	if (r) {
		close(pfd[0]);
		return jail_err_sys(e, -r, "%s", argv[0]);
	}
	while ((k = read(pfd[0], buf + have, sizeof(buf) - 1 - have)) > 0 || (k < 0 && errno == EINTR)) {
		char *start = buf, *nl;

		if (k < 0)
			continue;
		have += (size_t)k;
		buf[have] = '\0';
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			*nl = '\0';
			progress(o, start);
			if (!strncmp(start, "E: ", 3) || !strncmp(start, "W: ", 3))
				snprintf(last, sizeof(last), "%s", start + 3);
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (have == sizeof(buf) - 1)
			have = 0; /* an absurdly long line: drop it */
	}
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return jail_err_sys(e, -errno, "waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return jail_err_set(e, -EIO, "debootstrap failed (%s %d)%s%s", WIFEXITED(status) ? "exit" : "signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), last[0] ? ": " : "",
			    last);
}

/* Copy a finished root into the cache atomically (tmp + rename). */
static int cache_store(int cachefd, const char *key, int srcfd, struct mkroot_stats *st, struct jail_err *e)
{
	char tmp[NAME_MAX + 1];
	_cleanup_close_ int dfd = -1;
	int r;

	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", key, (int)getpid());
	rootfs_rm_tree(cachefd, tmp, e);
	if (mkdirat(cachefd, tmp, 0755) < 0)
		return jail_err_sys(e, -errno, "cache %s", tmp);
	dfd = openat(cachefd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return jail_err_sys(e, -errno, "cache %s", tmp);
	r = mkroot_copy_tree(srcfd, dfd, st, 0, e);
	if (r >= 0 && fchmod(dfd, 0755) < 0)
		r = jail_err_sys(e, -errno, "cache %s", tmp);
	if (r >= 0) {
		rootfs_rm_tree(cachefd, key, e);
		if (renameat(cachefd, tmp, cachefd, key) < 0)
			r = jail_err_sys(e, -errno, "cache %s", key);
	}
	if (r < 0) {
		struct jail_err ign = {0};

		rootfs_rm_tree(cachefd, tmp, &ign);
	}
	return r;
}

int mkroot_debian(const char *dir, const struct mkroot_opts *o, struct mkroot_stats *st, struct jail_err *e)
{
	char mirror[1024], suite[64], key[128], debs[PATH_MAX], line[1200];
	char inc[1024] = "", root[PATH_MAX];
	const char *cache = o && o->cache_dir ? o->cache_dir : DEFAULT_CACHE;
	const char *arch = deb_arch();
	_cleanup_close_ int top = -1, cachefd = -1, hit = -1, dst = -1;
	struct mkroot_build b;
	int r;

	r = mkroot_host_mirror("/etc", mirror, sizeof(mirror), suite, sizeof(suite), e);
	if (r < 0)
		return r;
	if (o && o->mirror)
		snprintf(mirror, sizeof(mirror), "%s", o->mirror);
	if (o && o->suite)
		snprintf(suite, sizeof(suite), "%s", o->suite);
	if (o && o->include)
		snprintf(inc, sizeof(inc), "%s", o->include);
	if (!arch)
		return jail_err_set(e, -ENOTSUP, "unknown machine architecture");
	if (!valid_word(suite, "-.", 32))
		return jail_err_exit(e, 64), jail_err_set(e, -EINVAL, "%s: not a suite name", suite);
	if (inc[0] && !valid_word(inc, ",.+-", 900))
		return jail_err_exit(e, 64), jail_err_set(e, -EINVAL, "%s: not a package list", inc);
	if (!usable_uri(mirror) || strpbrk(mirror, " \t\n"))
		return jail_err_exit(e, 64), jail_err_set(e, -EINVAL, "%s: not a mirror URL", mirror);
	snprintf(key, sizeof(key), "%s-%s-%016llx", suite, arch,
		 (unsigned long long)fnv1a(inc, fnv1a(mirror, 0xcbf29ce484222325ULL)));

	top = open(cache[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	r = rootfs_mkdir_p(top, cache, 0755, e);
	if (r < 0)
		return jail_err_prefix(e, "cache");
	cachefd = open(cache, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cachefd < 0)
		return jail_err_sys(e, -errno, "%s", cache);
	if (mkdirat(cachefd, "debs", 0755) < 0 && errno != EEXIST)
		return jail_err_sys(e, -errno, "%s/debs", cache);
	snprintf(debs, sizeof(debs), "%s/debs", cache);

	r = mkroot_begin(&b, dir, o && o->force, st, e);
	if (r < 0)
		goto out;
	dst = openat(b.parentfd, b.tmpname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0) {
		r = jail_err_sys(e, -errno, "%s", b.tmp);
		goto out;
	}
	hit = openat(cachefd, key, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (hit >= 0) {
		snprintf(line, sizeof(line), "I: copying cached %s root (%s)", suite, key);
		progress(o, line);
		r = mkroot_copy_tree(hit, dst, st, 0, e);
		if (st)
			st->cached = 1;
	} else {
		char incopt[1100], cacheopt[PATH_MAX + 16];
		char *argv[12];
		int n = 0;

		if (!realpath(b.tmp, root)) {
			r = jail_err_sys(e, -errno, "%s", b.tmp);
			goto out;
		}
		snprintf(cacheopt, sizeof(cacheopt), "--cache-dir=%s", debs);
		argv[n++] = (char *)(o && o->debootstrap ? o->debootstrap : "debootstrap");
		argv[n++] = (char *)"--variant=minbase";
		argv[n++] = cacheopt;
		if (inc[0]) {
			snprintf(incopt, sizeof(incopt), "--include=%s", inc);
			argv[n++] = incopt;
		}
		argv[n++] = suite;
		argv[n++] = root;
		argv[n++] = mirror;
		argv[n] = NULL;
		snprintf(line, sizeof(line), "I: debootstrap %s from %s", suite, mirror);
		progress(o, line);
		r = run_debootstrap(o, argv, e);
		if (r >= 0) {
			progress(o, "I: storing the root in the cache");
			r = cache_store(cachefd, key, dst, st, e);
		}
	}
	/* The FreeBSD rc convention over Debian's init scripts; the jail
	 * gets the host's resolver configuration. */
	if (r >= 0)
		r = mkroot_write_rc(b.rootfd, 0, e);
	if (r >= 0) {
		_cleanup_close_ int in = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
		_cleanup_close_ int out = -1;

		if (in >= 0) {
			unlinkat(b.rootfd, "etc/resolv.conf", 0);
			out = openat(b.rootfd, "etc/resolv.conf",
				     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (out < 0 || rootfs_copy_data(in, out) < 0)
				r = jail_err_sys(e, -errno, "/etc/resolv.conf");
		}
	}
	if (r >= 0)
		r = mkroot_commit(&b, e);
out:
	mkroot_abort(&b);
	return r < 0 ? r : 0;
}
