/*
 * cgroups for jails on v1, v2 and hybrid hosts. Hierarchies are found in
 * /proc/self/mountinfo, the creator's place in each in /proc/PID/cgroup, so
 * nothing about the host's layout is assumed. A hierarchy we cannot write
 * (read-only, delegated elsewhere) is skipped, not an error, unless there is
 * none at all.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "util.h"

#define CGROUP_MAX_DEPTH 32    /* levels of cgroups below a jail's own that jail -r walks */
#define PROCS_BUF	 65536 /* bytes of one cgroup.procs read */

struct hier {
	char mnt[PATH_MAX];
	char root[PATH_MAX];
	char opts[256]; /* v1 controllers, e.g. "memory" or "name=systemd" */
	bool v2;
};

/* mountinfo escapes spaces and friends as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)(((unsigned)(s[1] - '0') << 6) | ((unsigned)(s[2] - '0') << 3) |
				      (unsigned)(s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static int find_hiers(struct hier *h, int max)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int n = 0;

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		char root[PATH_MAX], mnt[PATH_MAX], fstype[64], src[256], sopts[1024];
		char *sep = strstr(line, " - ");
		/* Most mounts are not cgroups: skip them before parsing anything. */
		if (!sep || strncmp(sep + 3, "cgroup", 6) != 0)
			continue;
		if (sscanf(line, "%*d %*d %*s %4095s %4095s", root, mnt) != 2)
			continue;
		if (sscanf(sep + 3, "%63s %255s %1023s", fstype, src, sopts) != 3)
			continue;
		bool v2 = strcmp(fstype, "cgroup2") == 0;
		if (!v2 && strcmp(fstype, "cgroup") != 0)
			continue;
		unescape(root);
		unescape(mnt);
		struct hier *x = &h[n];
		memset(x, 0, sizeof(*x));
		snprintf(x->mnt, sizeof(x->mnt), "%s", mnt);
		snprintf(x->root, sizeof(x->root), "%s", root);
		x->v2 = v2;
		if (!v2) {
			/* super options: rw,memory  or rw,name=systemd  or rw,cpu,cpuacct */
			char *save = NULL, *o = x->opts;
			for (char *t = strtok_r(sopts, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				if (!strcmp(t, "rw") || !strcmp(t, "ro") ||
				    !strncmp(t, "release_agent", 13) || !strcmp(t, "clone_children") ||
				    !strcmp(t, "noprefix") || !strcmp(t, "xattr") ||
				    !strcmp(t, "nsdelegate") || !strcmp(t, "cpuset_v2_mode"))
					continue;
				o += snprintf(o, sizeof(x->opts) - (size_t)(o - x->opts), "%s%s",
					      o == x->opts ? "" : ",", t);
			}
		}
		/* Same hierarchy mounted twice: keep the first. */
		bool dup = false;
		for (int i = 0; i < n; i++)
			if (h[i].v2 == x->v2 && !strcmp(h[i].opts, x->opts))
				dup = true;
		if (!dup)
			n++;
	}
	return n;
}

/* The creator's cgroup path in hierarchy h, from the text of /proc/self/cgroup. */
static int own_path(const char *self, const struct hier *h, char *out, size_t len)
{
	char line[4096];

	for (const char *l = self; *l; l += strcspn(l, "\n"), l += *l == '\n') {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(l, "\n"), l);
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = '\0';
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		bool match = h->v2 ? (!strcmp(line, "0") && *ctrls == '\0') : !strcmp(ctrls, h->opts);
		if (!match)
			continue;
		/* Strip the mount's root so the path is relative to the mount point. */
		size_t rl = strlen(h->root);
		if (strcmp(h->root, "/") != 0 && !strncmp(path, h->root, rl))
			path += rl;
		snprintf(out, len, "%s", path);
		return 0;
	}
	return -ENOENT;
}

static void cpuset_inherit(const char *dir);

/* mkdir -p; on a v1 cpuset hierarchy each new level copies cpus and mems. */
static int mkdir_p(const char *path, bool cpuset)
{
	char tmp[PATH_MAX];

	/* The parent is there nearly always: one mkdir. */
	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno != ENOENT)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == 0) {
			if (cpuset)
				cpuset_inherit(tmp);
		} else if (errno != EEXIST) {
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0)
		return -errno;
	return 0;
}

/* v1 cpuset starts empty: a process cannot join until cpus and mems are set. */
static void cpuset_inherit(const char *dir)
{
	char parent[PATH_MAX], buf[1024];

	snprintf(parent, sizeof(parent), "%s/..", dir);
	_cleanup_close_ int pfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0 || dfd < 0)
		return;
	if (read_file_at(pfd, "cpuset.cpus", buf, sizeof(buf)) > 0)
		write_file_at(dfd, "cpuset.cpus", buf);
	if (read_file_at(pfd, "cpuset.mems", buf, sizeof(buf)) > 0)
		write_file_at(dfd, "cpuset.mems", buf);
}

/* v1 devices: the devfs ruleset 4 of the cgroup world. */
static void devices_restrict(const char *dir)
{
	static const char *const allow[] = {
		"c 1:3 rwm",   /* null */
		"c 1:5 rwm",   /* zero */
		"c 1:7 rwm",   /* full */
		"c 1:8 rwm",   /* random */
		"c 1:9 rwm",   /* urandom */
		"c 5:0 rwm",   /* tty */
		"c 5:2 rwm",   /* ptmx */
		"c 136:* rwm", /* pts */
	};
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;

	if (dfd < 0)
		return;
	write_file_at(dfd, "devices.deny", "a");
	/* One rule per write(), all through one open file. */
	fd = openat(dfd, "devices.allow", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	for (size_t i = 0; fd >= 0 && i < ARRAY_SIZE(allow); i++)
		if (write(fd, allow[i], strlen(allow[i])) < 0)
			break;
}

static void depth_limit(const char *dir);

int jail_cgroup_paths(struct jail_cgroup *cg, const char *parent, const char *leaf, struct jail_err *e)
{
	struct hier h[JAIL_CGROUP_MAX];
	int nh = find_hiers(h, JAIL_CGROUP_MAX);
	char self[4096] = "";
	/* "./PATH" (an OCI relative cgroupsPath) is below the creator's own cgroup. */
	bool rel = parent && !strncmp(parent, "./", 2);

	cg->n = 0;
	if (nh < 0)
		return jail_err_sys(e, nh, "cgroup: reading /proc/self/mountinfo");
	if ((!parent || rel) && read_file_at(AT_FDCWD, "/proc/self/cgroup", self, sizeof(self)) < 0)
		return jail_err_sys(e, -errno, "cgroup: reading /proc/self/cgroup");
	for (int i = 0; i < nh; i++) {
		char base[PATH_MAX];
		struct jail_cgroup_dir *d = &cg->d[cg->n];

		if (parent && !rel)
			snprintf(base, sizeof(base), "%s", parent);
		else if (own_path(self, &h[i], base, sizeof(base)) < 0)
			continue;
		if (rel && snprintf(base + strlen(base), sizeof(base) - strlen(base), "%s%s",
				    strcmp(base, "/") ? "/" : "", parent + 2) < 0)
			continue;
		int len = snprintf(d->path, sizeof(d->path), "%s%s%s/%s", h[i].mnt, base[0] == '/' ? "" : "/",
				   strcmp(base, "/") ? base : "", leaf ? leaf : "");
		if (len < 0 || (size_t)len >= sizeof(d->path))
			continue;
		snprintf(d->controllers, sizeof(d->controllers), "%s", h[i].v2 ? "" : h[i].opts);
		d->v2 = h[i].v2;
		cg->n++;
	}
	if (cg->n == 0)
		return jail_err_set(e, -ENOENT, "cgroup: no cgroup hierarchy found");
	return 0;
}

int jail_cgroup_set_leaf(struct jail_cgroup *cg, const char *leaf, struct jail_err *e)
{
	int kept = 0;

	for (int i = 0; i < cg->n; i++) {
		struct jail_cgroup_dir *d = &cg->d[i];
		size_t n = strlen(d->path);

		if (n + strlen(leaf) >= sizeof(d->path))
			continue;
		memcpy(d->path + n, leaf, strlen(leaf) + 1);
		if (kept != i)
			cg->d[kept] = *d;
		kept++;
	}
	cg->n = kept;
	if (cg->n == 0)
		return jail_err_set(e, -ENOENT, "cgroup: no cgroup hierarchy found");
	return 0;
}

/* v2: the kernel keeps a delegated jail within the depth jail -r walks (v1 has no such limit). */
static void depth_limit(const char *dir)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char v[16];

	if (dfd < 0)
		return;
	snprintf(v, sizeof(v), "%d", CGROUP_MAX_DEPTH - 1);
	write_file_at(dfd, "cgroup.max.depth", v);
}

bool jail_cgroup_dir_valid(const char *path, const char *leaf)
{
	char parent[PATH_MAX];
	const char *last;
	struct statfs sf;
	size_t n = strlen(path);

	if (!*leaf || strchr(leaf, '/') || !strcmp(leaf, ".") || !strcmp(leaf, ".."))
		return false;
	if (path[0] != '/' || n >= sizeof(parent) || path[n - 1] == '/' || strstr(path, "//"))
		return false;
	for (const char *c = path; *c;) {
		size_t len;

		c += strspn(c, "/");
		len = strcspn(c, "/");
		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += len;
	}
	last = strrchr(path, '/');
	if (strcmp(last + 1, leaf) != 0 || last == path)
		return false;
	memcpy(parent, path, (size_t)(last - path));
	parent[last - path] = '\0';
	/*
	 * Every jail of a registry has its cgroups under the same few parents:
	 * a parent found on a cgroup filesystem is remembered for the rest of
	 * the process (jls over 1000 jails asks 10000 times about 10 of them).
	 */
	static char seen[JAIL_CGROUP_MAX][PATH_MAX];
	static int nseen;
	for (int i = 0; i < nseen; i++)
		if (!strcmp(seen[i], parent))
			return true;
	char asked[PATH_MAX];
	memcpy(asked, parent, (size_t)(last - path) + 1);
	/* A parent gone already (cgroup.parent removed): its nearest ancestor tells the filesystem. */
	while (statfs(parent, &sf) < 0) {
		char *slash = strrchr(parent, '/');

		if (errno != ENOENT || !slash || slash == parent)
			return false;
		*slash = '\0';
	}
	if (sf.f_type != CGROUP_SUPER_MAGIC && sf.f_type != CGROUP2_SUPER_MAGIC)
		return false;
	if (!strcmp(asked, parent) && nseen < JAIL_CGROUP_MAX)
		memcpy(seen[nseen++], asked, sizeof(asked));
	return true;
}

/* A leftover of a crashed jail is reused only when empty. */
static int reuse_empty(const char *path, struct jail_err *e)
{
	char procs[64];
	_cleanup_close_ int dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0 || read_file_at(dfd, "cgroup.procs", procs, sizeof(procs)) != 0)
		return jail_err_set(e, -EEXIST, "cgroup: %s: exists and is in use", path);
	return 0;
}

bool jail_cgroup_is_early(const struct jail_cgroup_dir *d)
{
	return d->v2 || !strcmp(d->controllers, "memory");
}

static bool in_class(const struct jail_cgroup_dir *d, enum jail_cgroup_class which)
{
	return which == JAIL_CG_ALL || (which == JAIL_CG_EARLY) == jail_cgroup_is_early(d);
}

/* Make one directory as a jail's: 0, 1 if the hierarchy is not ours to write, or -errno. */
static int make_dir(const struct jail_cgroup_dir *d, struct jail_err *e)
{
	int r = mkdir_p(d->path, strstr(d->controllers, "cpuset") != NULL);

	if (r == -EEXIST)
		r = reuse_empty(d->path, e);
	else if (r < 0)
		return 1; /* not ours to write (read-only, not delegated): skip it */
	if (r < 0)
		return r;
	if (strstr(d->controllers, "cpuset"))
		cpuset_inherit(d->path);
	if (strstr(d->controllers, "devices"))
		devices_restrict(d->path);
	if (d->v2)
		depth_limit(d->path);
	return 0;
}

int jail_cgroup_make(struct jail_cgroup *cg, enum jail_cgroup_class which, struct jail_err *e)
{
	int kept = 0, made = 0;

	for (int i = 0; i < cg->n; i++) {
		struct jail_cgroup_dir *d = &cg->d[i];
		int r = in_class(d, which) ? make_dir(d, e) : 0;

		if (r < 0) {
			/* Keep what is ours to take away: the dirs made, and the other class's. */
			for (int k = i + 1; k < cg->n; k++)
				if (!in_class(&cg->d[k], which))
					cg->d[kept++] = cg->d[k];
			cg->n = kept;
			return r;
		}
		if (r > 0)
			continue;
		made += in_class(d, which);
		if (kept != i)
			cg->d[kept] = *d;
		kept++;
	}
	cg->n = kept;
	if (kept == 0 || (which == JAIL_CG_ALL && made == 0))
		return jail_err_set(e, -ENOENT, "cgroup: no writable cgroup hierarchy found");
	return 0;
}

int jail_cgroup_v2_fd(const struct jail_cgroup *cg, enum jail_cgroup_class which)
{
	for (int i = 0; i < cg->n; i++)
		if (cg->d[i].v2 && in_class(&cg->d[i], which)) {
			int fd = open(cg->d[i].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
			return fd < 0 ? -errno : fd;
		}
	return -ENOENT;
}

/*
 * The jail may make cgroups below its own (allow.mount, delegation): its
 * processes can be anywhere in that subtree. Walks stay below the jail's
 * directory -- fd-relative, O_NOFOLLOW, on the same filesystem -- and stop
 * at CGROUP_MAX_DEPTH levels.
 */

/* Open the subdirectory name of dfd (or the path name with dfd AT_FDCWD) to walk it. */
static int open_dir(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Append the pids in dfd's cgroup.procs and in every cgroup below it; returns the new count. */
static int read_pids_tree(int dfd, pid_t *pids, int n, int max, int depth, char *buf, size_t bufsz)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	struct stat top;
	int fd;

	if (read_file_at(dfd, "cgroup.procs", buf, bufsz) < 0)
		return n;
	for (char *p = buf; *p && n < max;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		pids[n++] = (pid_t)v;
		p = end;
		while (*p == '\n')
			p++;
	}
	if (depth >= CGROUP_MAX_DEPTH || fstat(dfd, &top) < 0 || (fd = dup(dfd)) < 0)
		return n;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return n;
	}
	while (n < max && (de = readdir(d))) {
		struct stat st;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		_cleanup_close_ int sub = open_dir(dfd, de->d_name);
		if (sub >= 0 && fstat(sub, &st) == 0 && st.st_dev == top.st_dev)
			n = read_pids_tree(sub, pids, n, max, depth + 1, buf, bufsz);
	}
	return n;
}

static int read_pids(const char *dir, pid_t *pids, int max)
{
	_cleanup_close_ int dfd = open_dir(AT_FDCWD, dir);
	_cleanup_free_ char *buf = NULL;

	if (dfd < 0)
		return dfd;
	/* One buffer for every level: the walk's stack stays small. */
	if (!(buf = malloc(PROCS_BUF)))
		return -ENOMEM;
	return read_pids_tree(dfd, pids, 0, max, 0, buf, PROCS_BUF);
}

int jail_cgroup_nprocs(const struct jail_cgroup *cg)
{
	pid_t pids[4096];

	if (cg->n == 0)
		return 0;
	return read_pids(cg->d[0].path, pids, (int)ARRAY_SIZE(pids));
}

static void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
	nanosleep(&ts, NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int jail_cgroup_kill(const struct jail_cgroup *cg, struct jail_err *e)
{
	const char *freezer = NULL;
	pid_t pids[4096];

	/* v2 5.14+: one write kills the whole subtree, fork races included. */
	for (int i = 0; i < cg->n; i++) {
		if (!cg->d[i].v2)
			continue;
		_cleanup_close_ int dfd = open(cg->d[i].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0 && write_file_at(dfd, "cgroup.kill", "1") == 0)
			goto wait;
	}
	/* v1: freeze so nothing forks while we kill, then thaw to let them die. */
	for (int i = 0; i < cg->n; i++)
		if (!strcmp(cg->d[i].controllers, "freezer"))
			freezer = cg->d[i].path;
	for (int round = 0; round < 100 && cg->n > 0; round++) {
		_cleanup_close_ int ffd = freezer ? open(freezer, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
		if (ffd >= 0)
			write_file_at(ffd, "freezer.state", "FROZEN");
		int n = read_pids(cg->d[0].path, pids, (int)ARRAY_SIZE(pids));
		for (int k = 0; k < n; k++)
			kill(pids[k], SIGKILL);
		if (ffd >= 0)
			write_file_at(ffd, "freezer.state", "THAWED");
		if (n <= 0)
			break;
		sleep_ms(2);
	}
wait:
	for (int t = 0; t < 2500; t++) {
		int n = jail_cgroup_nprocs(cg);
		if (n <= 0)
			return 0;
		sleep_ms(2);
	}
	return jail_err_set(e, -EBUSY, "cgroup: processes survived SIGKILL in %s", cg->d[0].path);
}

/* rmdir, waiting for a killed process to leave: usually it is gone within a few hundred microseconds. */
static int rmdir_wait(int dfd, const char *name)
{
	int r = -EBUSY;

	for (long us = 50, spent = 0; spent < 2000000 && r == -EBUSY;
	     spent += us, us = us < 4000 ? us * 2 : us) {
		r = unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
		if (r == -EBUSY)
			sleep_us(us);
	}
	return r;
}

/* Remove every cgroup below dfd, deepest first; the first failure is kept in e. */
static int rmdir_children(int dfd, const char *path, dev_t dev, int depth, struct jail_err *e)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd, ret = 0;

	if (depth >= CGROUP_MAX_DEPTH)
		return jail_err_set(e, -ELOOP, "cgroup: %s: more than %d levels of cgroups below it", path,
				    CGROUP_MAX_DEPTH - 1);
	if ((fd = dup(dfd)) < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return jail_err_sys(e, -errno, "cgroup: %s", path);
	}
	while ((de = readdir(d))) {
		struct stat st;
		int r;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		_cleanup_close_ int sub = open_dir(dfd, de->d_name);
		if (sub < 0 || fstat(sub, &st) < 0 || st.st_dev != dev)
			continue; /* gone meanwhile, or not of this hierarchy: not ours to remove */
		r = rmdir_children(sub, path, dev, depth + 1, e);
		if (r == 0 && (r = rmdir_wait(dfd, de->d_name)) < 0 && r != -ENOENT)
			r = jail_err_sys(e, r, "cgroup: removing %s/.../%s", path, de->d_name);
		if (r < 0 && r != -ENOENT && ret == 0)
			ret = r;
	}
	return ret;
}

/* Remove path and every cgroup the jail made below it. */
static int rmdir_tree(const char *path, struct jail_err *e)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	_cleanup_close_ int dfd = -1, pfd = -1;
	struct stat st;
	int r;

	/* Most jails make no cgroup of their own, and their processes are gone: one rmdir. */
	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;
	dfd = open_dir(AT_FDCWD, path);
	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0 || fstat(dfd, &st) < 0)
		return jail_err_sys(e, dfd < 0 ? dfd : -errno, "cgroup: %s", path);
	r = rmdir_children(dfd, path, st.st_dev, 0, e);
	if (r < 0)
		return r;
	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(parent))
		return jail_err_set(e, -EINVAL, "cgroup: %s: not a cgroup directory", path);
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	pfd = open_dir(AT_FDCWD, parent);
	if (pfd < 0)
		return pfd == -ENOENT ? 0 : jail_err_sys(e, pfd, "cgroup: %s", parent);
	r = rmdir_wait(pfd, slash + 1);
	if (r < 0 && r != -ENOENT)
		return jail_err_sys(e, r, "cgroup: removing %s", path);
	return 0;
}

int jail_cgroup_destroy(struct jail_cgroup *cg, struct jail_err *e)
{
	int ret = 0, left = 0;

	/* Usually every process is gone already: one rmdir each, nothing read. */
	for (int i = 0; i < cg->n; i++)
		if (rmdir(cg->d[i].path) < 0 && errno != ENOENT && left++ != i)
			cg->d[left - 1] = cg->d[i];
	cg->n = left;
	if (cg->n > 0 && jail_cgroup_nprocs(cg) > 0)
		ret = jail_cgroup_kill(cg, e);
	for (int i = cg->n - 1; i >= 0; i--) {
		int r = rmdir_tree(cg->d[i].path, ret == 0 ? e : NULL);

		if (r < 0 && ret == 0)
			ret = r;
	}
	cg->n = 0;
	return ret;
}

int jail_cgroup_open_self_join(const struct jail_cgroup *cg, enum jail_cgroup_class which, bool v2, int *fds,
			       int max, struct jail_err *e)
{
	int n = 0;

	for (int i = 0; i < cg->n && n < max; i++) {
		if ((cg->d[i].v2 && !v2) || !in_class(&cg->d[i], which))
			continue;
		char f[PATH_MAX + 16];
		snprintf(f, sizeof(f), "%s/%s", cg->d[i].path, cg->d[i].v2 ? "cgroup.procs" : "tasks");
		int fd = open(f, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			int r = -errno;
			while (n > 0)
				close(fds[--n]);
			return jail_err_sys(e, r, "cgroup: %s", f);
		}
		fds[n++] = fd;
	}
	return n;
}

int jail_cgroup_join_self(int *fds, int n, struct jail_err *e)
{
	int ret = 0;

	for (int i = 0; i < n; i++) {
		if (ret == 0 && write(fds[i], "0", 1) != 1)
			ret = jail_err_sys(e, -errno, "cgroup: joining the jail's cgroups");
		close(fds[i]);
		fds[i] = -1;
	}
	return ret;
}

int jail_cgroup_delegate(const struct jail_cgroup *cg, uid_t uid, gid_t gid, struct jail_err *e)
{
	/* What a child jail needs to make and join cgroups below ours; never our own limits. */
	static const char *const files[] = {"cgroup.procs", "tasks", "cgroup.subtree_control",
					    "cgroup.threads"};

	for (int i = 0; i < cg->n; i++) {
		_cleanup_close_ int dfd =
			open(cg->d[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (dfd < 0 || fchown(dfd, uid, gid) < 0)
			return jail_err_sys(e, -errno, "cgroup: delegating %s", cg->d[i].path);
		for (size_t k = 0; k < ARRAY_SIZE(files); k++)
			if (fchownat(dfd, files[k], uid, gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
				return jail_err_sys(e, -errno, "cgroup: delegating %s/%s", cg->d[i].path,
						    files[k]);
	}
	return 0;
}
