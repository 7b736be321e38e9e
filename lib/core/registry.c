/*
 * Registry of jails. Names are reserved by creating the link "n.NAME" (a
 * symlink whose target is the JID), which fails atomically when the name is
 * taken; JIDs are chosen under a flock so that two creators never pick the
 * same one. State files are written to a temporary name and renamed, so a
 * reader never sees half a file.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include "cgroup.h"
#include "cleanup.h"
#include "registry.h"
#include "registry_public.h"
#include "util.h"

#define JID_MAX	  999999
#define STATE_MAX (64L * 1024 * 1024) /* bytes of one state file */

/*
 * Who may own the registry and every directory above it: root, or whoever
 * runs us (jls by a user on a directory of their own). Nobody else may be
 * able to write there: a state file is believed -- its init is signalled,
 * its cgroups removed, its exec.poststop run as root. A parent that others
 * can write is fine only with the sticky bit (/tmp): they cannot rename or
 * remove what root made in it.
 */
static int trusted_dir(const char *dir, const char *path, const struct stat *st, bool parent,
		       struct jail_err *e)
{
	char what[PATH_MAX + 16] = "";

	if (parent)
		snprintf(what, sizeof(what), "parent %s: ", path);
	if (!S_ISDIR(st->st_mode))
		return jail_err_set(e, -ENOTDIR, "state directory %s: %snot a directory", dir, what);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return jail_err_set(e, -EPERM, "state directory %s: %sowned by uid %u; refusing", dir, what,
				    (unsigned)st->st_uid);
	if ((st->st_mode & 022) && !(parent && (st->st_mode & S_ISVTX)))
		return jail_err_set(e, -EPERM,
				    "state directory %s: %swritable by group or others (mode %04o); refusing",
				    dir, what, (unsigned)(st->st_mode & 07777));
	return 0;
}

/* Each directory from real (a real path, changed here) up to "/". */
static int check_parents(const char *dir, char *real, struct jail_err *e)
{
	struct stat st;
	int r;

	for (;;) {
		const char *p = real[0] ? real : "/";

		if (lstat(p, &st) < 0)
			return jail_err_sys(e, -errno, "state directory %s: parent %s", dir, p);
		if ((r = trusted_dir(dir, p, &st, true, e)) < 0)
			return r;
		if (!real[0] || !strcmp(real, "/"))
			return 0;
		*strrchr(real, '/') = '\0';
	}
}

/* Symbolic links on the way to dir as it is written: another user's could be pointed elsewhere later. */
static int check_links(const char *dir, struct jail_err *e)
{
	char prefix[PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(prefix))
		return jail_err_set(e, -ENAMETOOLONG, "state directory %s: path too long", dir);
	for (size_t i = 1; i <= n; i++) {
		struct stat st;

		if (i < n && dir[i] != '/')
			continue;
		memcpy(prefix, dir, i);
		prefix[i] = '\0';
		if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode) && st.st_uid != 0 &&
		    st.st_uid != geteuid())
			return jail_err_set(e, -EPERM,
					    "state directory %s: symbolic link %s owned by uid %u; refusing",
					    dir, prefix, (unsigned)st.st_uid);
	}
	return 0;
}

/* The directory open on fd, and each directory above its real path. */
static int check_registry_dir(const char *dir, int fd, struct jail_err *e)
{
	char real[PATH_MAX];
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return jail_err_sys(e, -errno, "state directory %s", dir);
	if ((r = trusted_dir(dir, dir, &st, false, e)) < 0 || (r = check_links(dir, e)) < 0)
		return r;
	if (!realpath(dir, real))
		return jail_err_sys(e, -errno, "state directory %s", dir);
	if (!strcmp(real, "/"))
		return 0;
	*strrchr(real, '/') = '\0';
	return check_parents(dir, real, e);
}

/* A registry made where others could reach it first would not be ours: look before mkdir. */
static int make_registry_dir(const char *dir, struct jail_err *e)
{
	char copy[PATH_MAX], real[PATH_MAX];
	char *slash;
	int r;

	snprintf(copy, sizeof(copy), "%s", dir);
	slash = strrchr(copy, '/');
	if (slash == copy)
		snprintf(copy, sizeof(copy), "/");
	else if (slash)
		*slash = '\0';
	else
		snprintf(copy, sizeof(copy), ".");
	if (!realpath(copy, real))
		return jail_err_sys(e, -errno, "state directory %s", dir);
	r = check_parents(dir, real, e);
	if (r < 0)
		return r;
	/* 0711: any user reaches public/, what jls shows everyone (registry_public.c). */
	if (mkdir(dir, 0711) < 0 && errno != EEXIST)
		return jail_err_sys(e, -errno, "state directory %s", dir);
	return 0;
}

int jail_registry_open(struct jail_registry *r, struct jail_err *e)
{
	const char *dir = getenv("JAIL_STATEDIR");
	int ret;

	r->dirfd = r->lockfd = r->procfd = -1;
	r->saved_jid = 0;
	snprintf(r->dir, sizeof(r->dir), "%s", dir && *dir ? dir : "/run/jail");
	r->dirfd = open(r->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0 && errno == ENOENT) {
		ret = make_registry_dir(r->dir, e);
		if (ret < 0)
			return ret;
		r->dirfd = open(r->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (r->dirfd < 0)
		return jail_err_sys(e, -errno, "state directory %s", r->dir);
	ret = check_registry_dir(r->dir, r->dirfd, e);
	if (ret < 0) {
		close(r->dirfd);
		r->dirfd = -1;
	}
	return ret;
}

void jail_registry_close(struct jail_registry *r)
{
	if (r->lockfd >= 0)
		close(r->lockfd);
	if (r->dirfd >= 0)
		close(r->dirfd);
	if (r->procfd >= 0)
		close(r->procfd);
	r->lockfd = r->dirfd = r->procfd = -1;
}

int jail_registry_lock(struct jail_registry *r, struct jail_err *e)
{
	if (r->lockfd < 0) {
		r->lockfd = openat(r->dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (r->lockfd < 0)
			return jail_err_sys(e, -errno, "%s/.lock", r->dir);
	}
	while (flock(r->lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return jail_err_sys(e, -errno, "locking %s", r->dir);
	return 0;
}

void jail_registry_unlock(struct jail_registry *r)
{
	if (r->lockfd >= 0)
		flock(r->lockfd, LOCK_UN);
}

static bool jid_used(struct jail_registry *r, int jid)
{
	char f[32];

	snprintf(f, sizeof(f), "%d.json", jid);
	return faccessat(r->dirfd, f, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* A jail(8) killed while writing JID's state leaves ".JID.json.PID": gone with the JID. */
static void remove_temps(struct jail_registry *r, int jid)
{
	char prefix[32];
	int fd = openat(r->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(prefix, sizeof(prefix), ".%d.json.", jid);
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			unlinkat(r->dirfd, de->d_name, 0);
	closedir(d);
}

bool jail_registry_sweep(struct jail_registry *r, const char *name)
{
	char link[300], target[32];
	ssize_t n;

	/* Under the lock no reservation is half done: a name whose JID has no state is a killed one's. */
	snprintf(link, sizeof(link), "n.%s", name);
	n = readlinkat(r->dirfd, link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	if (!str_is_digits(target) || jid_used(r, atoi(target)))
		return false;
	unlinkat(r->dirfd, link, 0);
	remove_temps(r, atoi(target));
	return true;
}

int jail_registry_reserve(struct jail_registry *r, struct jail_state *st, int want_jid,
			  const struct jail_params *p,
			  int (*named)(struct jail_state *st, void *arg, struct jail_err *e), void *arg,
			  struct jail_err *e)
{
	char link[300], target[32];
	int jid = want_jid;

	if (jid > 0) {
		if (jid_used(r, jid))
			return jail_err_set(e, -EEXIST, "\"%d\" already exists", jid);
	} else {
		/* The lowest free: one directory read, not one lookup per jail there is. */
		int *jids = NULL, n = jail_registry_list(r, &jids, NULL);
		jid = 1;
		for (int i = 0; i < n && jids[i] <= jid; i++)
			if (jids[i] == jid)
				jid++;
		free(jids);
		if (n < 0)
			for (jid = 1; jid <= JID_MAX && jid_used(r, jid); jid++)
				;
		if (jid > JID_MAX)
			return jail_err_set(e, -EAGAIN, "no free jail id");
	}
	st->jid = jid;
	/* Read before the name is taken: between the link and the first record, as little as can be. */
	st->creator_pid = getpid();
	st->creator_start = proc_starttime(st->creator_pid);
	if (!st->name[0])
		snprintf(st->name, sizeof(st->name), "%d", jid);
	snprintf(link, sizeof(link), "n.%s", st->name);
	snprintf(target, sizeof(target), "%d", jid);
	int made = symlinkat(target, r->dirfd, link) < 0 ? -errno : 0;
	if (made == -EEXIST && jail_registry_sweep(r, st->name))
		made = symlinkat(target, r->dirfd, link) < 0 ? -errno : 0;
	if (made == -EEXIST)
		return jail_err_set(e, -EEXIST, "\"%s\" already exists", st->name);
	if (made < 0)
		return jail_err_sys(e, made, "%s/%s", r->dir, link);
	int ret = named ? named(st, arg, e) : 0;
	if (ret == 0)
		ret = jail_registry_save(r, st, p, e);
	if (ret < 0)
		unlinkat(r->dirfd, link, 0);
	return ret;
}

static json_t *params_json(const struct jail_params *p)
{
	json_t *o = json_object();

	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_val *v = &p->val[i];
		if (!v->set)
			continue;
		json_t *a = json_array();
		for (size_t k = 0; k < v->n; k++)
			json_array_append_new(a, json_string(v->v[k]));
		json_object_set_new(o, jail_param_defs[i].name, a);
	}
	return o;
}

int jail_registry_save(struct jail_registry *r, const struct jail_state *st, const struct jail_params *p,
		       struct jail_err *e)
{
	char tmp[64], final[32];
	json_t *cgs = json_array();
	for (int i = 0; i < st->cg.n; i++)
		json_array_append_new(cgs,
				      json_pack("{s:s, s:s, s:b}", "path", st->cg.d[i].path, "controllers",
						st->cg.d[i].controllers, "v2", st->cg.d[i].v2));
	json_t *o = json_pack(
		"{s:i, s:s, s:I, s:i, s:b, s:b, s:I, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:o, s:o}", "jid",
		st->jid, "name", st->name, "user_base", (json_int_t)st->user_base, "user_slots",
		(int)st->user_slots, "oci", st->oci, "no_setid", st->no_setid, "host_netns",
		(json_int_t)st->host_netns, "host_if", st->host_if, "init_pid", (json_int_t)st->init_pid,
		"init_start", (json_int_t)st->init_start, "creator_pid", (json_int_t)st->creator_pid,
		"creator_start", (json_int_t)st->creator_start, "cgroup_leaf", st->cg_leaf, "cgroup_parent",
		st->cg_parent, "cgroups", cgs, "params", params_json(p));
	_cleanup_free_ char *text = NULL;
	struct stat sb;
	int ret;

	if (!o)
		return jail_err_set(e, -ENOMEM, "state: out of memory");
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return jail_err_set(e, -ENOMEM, "state: out of memory");
	snprintf(tmp, sizeof(tmp), ".%d.json.%d", st->jid, (int)getpid());
	snprintf(final, sizeof(final), "%d.json", st->jid);
	ret = write_file_atomic(r->dirfd, final, tmp, text, 0600, &sb);
	if (ret < 0)
		return jail_err_sys(e, ret, "%s/%s", r->dir, final);
	r->saved_jid = st->jid;
	r->saved_ino = (unsigned long long)sb.st_ino;
	r->saved_ctime_ns = (long long)sb.st_ctim.tv_sec * 1000000000LL + sb.st_ctim.tv_nsec;
	(void)jail_registry_publish(r, st, p); /* jls for every user; best effort */
	return 0;
}

bool jail_registry_unchanged(const struct jail_registry *r, int jid)
{
	char f[32];
	struct stat sb;

	snprintf(f, sizeof(f), "%d.json", jid);
	return r->saved_jid == jid && jid > 0 && fstatat(r->dirfd, f, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	       (unsigned long long)sb.st_ino == r->saved_ino &&
	       (long long)sb.st_ctim.tv_sec * 1000000000LL + sb.st_ctim.tv_nsec == r->saved_ctime_ns;
}

int jail_registry_remove(struct jail_registry *r, const struct jail_state *st)
{
	char link[300], f[32];

	snprintf(link, sizeof(link), "n.%s", st->name);
	snprintf(f, sizeof(f), "%d.json", st->jid);
	unlinkat(r->dirfd, f, 0);
	unlinkat(r->dirfd, link, 0);
	remove_temps(r, st->jid);
	(void)jail_registry_publish(r, st, NULL);
	return 0;
}

static int params_from_json(json_t *o, struct jail_params *p, struct jail_err *e)
{
	const char *key;
	json_t *arr;

	if (!json_is_object(o))
		return 0;
	json_object_foreach(o, key, arr)
	{
		bool neg;
		int id = jail_param_lookup(key, &neg);
		size_t n = json_array_size(arr);
		const char *vals[1024];
		if (id < 0 || neg || n > 1024)
			continue;
		for (size_t i = 0; i < n; i++) {
			vals[i] = json_string_value(json_array_get(arr, i));
			if (!vals[i])
				return jail_err_set(e, -EINVAL, "state: %s: not a string", key);
		}
		if (n == 0) {
			p->val[id].set = true;
			continue;
		}
		int r = jail_params_set(p, (enum jail_param_id)id, vals, n, false, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A state file is believed only if nobody but its writer (root) could have written it. */
static int trusted_file(const struct jail_registry *r, const char *f, const struct stat *st,
			struct jail_err *e)
{
	if (!S_ISREG(st->st_mode))
		return jail_err_set(e, -EPERM, "%s/%s: not a regular file; refusing", r->dir, f);
	/* A child registry is its jail's own, read only to be shown: the jail is not trusted, nor asked to be. */
	if (r->procfd >= 0)
		return 0;
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return jail_err_set(e, -EPERM, "%s/%s: owned by uid %u; refusing", r->dir, f,
				    (unsigned)st->st_uid);
	if (st->st_mode & 022)
		return jail_err_set(e, -EPERM, "%s/%s: writable by group or others (mode %04o); refusing",
				    r->dir, f, (unsigned)(st->st_mode & 07777));
	return 0;
}

/* Whether leaf is a cgroup leaf jail_cgroup_leaf() makes for name: jail.NAME or jail.NAME.TAG. */
static bool leaf_of(const char *leaf, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(leaf, "jail.", 5) != 0 || strncmp(leaf + 5, name, n) != 0)
		return false;
	leaf += 5 + n;
	if (!*leaf)
		return true;
	if (*leaf++ != '.' || strlen(leaf) != 8)
		return false;
	return strspn(leaf, "0123456789abcdef") == 8;
}

int jail_registry_load(struct jail_registry *r, int jid, struct jail_state *st, struct jail_err *e)
{
	char f[32];
	json_error_t je;
	json_int_t ipid = 0, istart = 0, cpid = 0, cstart = 0, hnet = 0, ubase = 0;
	int uslots = 1;
	const char *hif = "";
	const char *name = NULL, *leaf = "", *parent = "";
	json_t *params = NULL, *cgs = NULL, *o;
	int fd, ret;

	/* All but the cgroup table's entries (64 KiB; only the first cg.n are read): jls loads 1000 states. */
	memset(st, 0, offsetof(struct jail_state, cg.d));
	memset(&st->host_netns, 0, sizeof(*st) - offsetof(struct jail_state, host_netns));
	snprintf(f, sizeof(f), "%d.json", jid);
	fd = openat(r->dirfd, f, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : jail_err_sys(e, -errno, "%s/%s", r->dir, f);
	struct stat reg;
	if (fstat(fd, &reg) < 0 || !S_ISREG(reg.st_mode)) {
		close(fd);
		return jail_err_set(e, -EINVAL, "%s/%s: not a regular file", r->dir, f);
	}
	/* Whole file at once: json_loadfd reads a byte per system call, too slow for jls. */
	struct stat sb;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	ret = fstat(fd, &sb) < 0 ? jail_err_sys(e, -errno, "%s/%s", r->dir, f) : trusted_file(r, f, &sb, e);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	if (sb.st_size >= 0 && sb.st_size < STATE_MAX)
		buf = malloc((size_t)sb.st_size + 1);
	while (buf && len < (size_t)sb.st_size) {
		ssize_t k = read(fd, buf + len, (size_t)sb.st_size - len);
		if (k <= 0 && !(k < 0 && errno == EINTR))
			break;
		len += k > 0 ? (size_t)k : 0;
	}
	close(fd);
	if (!buf)
		return jail_err_set(e, -EFBIG, "%s/%s: unreadable or too large", r->dir, f);
	o = json_loadb(buf, len, 0, &je);
	if (!o)
		return jail_err_set(e, -EINVAL, "%s/%s: %s", r->dir, f, je.text);
	int oci = 0, no_setid = 0;
	if (json_unpack_ex(o, &je, 0,
			   "{s:i, s:s, s?I, s?i, s?b, s?b, s?I, s?s, s?I, s?I, s?I, s?I, s?s, s?s, s?o, s?o}",
			   "jid", &st->jid, "name", &name, "user_base", &ubase, "user_slots", &uslots, "oci",
			   &oci, "no_setid", &no_setid, "host_netns", &hnet, "host_if", &hif, "init_pid",
			   &ipid, "init_start", &istart, "creator_pid", &cpid, "creator_start", &cstart,
			   "cgroup_leaf", &leaf, "cgroup_parent", &parent, "cgroups", &cgs, "params",
			   &params) < 0) {
		json_decref(o);
		return jail_err_set(e, -EINVAL, "%s/%s: %s", r->dir, f, je.text);
	}
	snprintf(st->name, sizeof(st->name), "%s", name);
	snprintf(st->cg_leaf, sizeof(st->cg_leaf), "%s", leaf);
	snprintf(st->cg_parent, sizeof(st->cg_parent), "%s", parent);
	/* A container's leaf is its config.json cgroupsPath's last component (jail-oci), any plain name. */
	st->oci = oci;
	st->no_setid = no_setid;
	bool leaf_ok = leaf_of(st->cg_leaf, st->name) || (st->oci && st->cg_leaf[0]);
	for (size_t i = 0; i < json_array_size(cgs) && st->cg.n < JAIL_CGROUP_MAX; i++) {
		const char *cp = NULL, *cc = "";
		int v2 = 0;
		/* Only the jail's own directory below a mounted hierarchy: never the host's root
		 * cgroup or another place (jail -r kills what is inside and removes it). */
		if (json_unpack(json_array_get(cgs, i), "{s:s, s?s, s?b}", "path", &cp, "controllers", &cc,
				"v2", &v2) < 0 ||
		    !leaf_ok || !jail_cgroup_dir_valid(cp, st->cg_leaf))
			continue;
		struct jail_cgroup_dir *d = &st->cg.d[st->cg.n++];
		snprintf(d->path, sizeof(d->path), "%s", cp);
		snprintf(d->controllers, sizeof(d->controllers), "%s", cc);
		d->v2 = v2;
	}
	st->host_netns = (unsigned long long)hnet;
	st->user_base = ubase > 0 ? (unsigned long long)ubase : 0;
	st->user_slots = uslots > 0 ? (unsigned)uslots : 1;
	snprintf(st->host_if, sizeof(st->host_if), "%s", hif);
	st->init_pid = (pid_t)ipid;
	st->init_start = (unsigned long long)istart;
	st->creator_pid = (pid_t)cpid;
	st->creator_start = (unsigned long long)cstart;
	ret = params_from_json(params, &st->params, e);
	json_decref(o);
	if (ret < 0)
		jail_state_free(st);
	return ret;
}

void jail_state_free(struct jail_state *st)
{
	jail_params_free(&st->params);
}

int jail_registry_find(struct jail_registry *r, const char *key, struct jail_state *st, struct jail_err *e)
{
	char link[300], target[32];
	ssize_t n;
	int ret;

	/*
	 * A number is a JID and only a JID, as FreeBSD's jail_getid() reads it
	 * (jls -j, jexec and jail -r agree): a name cannot be all digits
	 * unless it is the jail's own JID.
	 */
	if (str_is_digits(key)) {
		long jid = strlen(key) < 10 ? atol(key) : 0;
		ret = jid > 0 ? jail_registry_load(r, (int)jid, st, e) : -ENOENT;
		if (ret != -ENOENT)
			return ret;
		if (jid > 0)
			return jail_err_set(e, -ENOENT, "jail %ld not found", jid);
		return jail_err_set(e, -ENOENT, "jail %s not found", key);
	}
	snprintf(link, sizeof(link), "n.%s", key);
	n = readlinkat(r->dirfd, link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		ret = jail_registry_load(r, atoi(target), st, e);
		if (ret != -ENOENT)
			return ret;
	}
	return jail_err_set(e, -ENOENT, "jail \"%s\" not found", key);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int jail_registry_list(struct jail_registry *r, int **jids, struct jail_err *e)
{
	int fd = openat(r->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int n = 0, cap = 0;
	int *v = NULL;

	*jids = NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return jail_err_sys(e, -errno, "%s", r->dir);
	}
	while ((de = readdir(d))) {
		char *dot = strchr(de->d_name, '.');
		if (!dot || strcmp(dot, ".json") != 0 || dot == de->d_name)
			continue;
		*dot = '\0';
		if (!str_is_digits(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			int *nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return jail_err_set(e, -ENOMEM, "out of memory");
			}
			v = nv;
		}
		v[n++] = atoi(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_int);
	*jids = v;
	return n;
}

static bool pid_alive(pid_t pid, unsigned long long start)
{
	return pid > 0 && start != 0 && proc_starttime(pid) == start;
}

enum jail_status jail_state_status_in(const struct jail_registry *r, const struct jail_state *st)
{
	if (r->procfd < 0)
		return jail_state_status(st);
	if (st->init_pid > 0 && st->init_start &&
	    proc_starttime_at(r->procfd, st->init_pid) == st->init_start)
		return JAIL_ALIVE;
	return st->init_pid > 0 ? JAIL_DYING : JAIL_CREATING;
}

int jail_registry_open_children(const struct jail_state *parent, struct jail_registry *child,
				struct jail_err *e)
{
	char root[64];
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int rootfd;

	*child = (struct jail_registry){.dirfd = -1, .lockfd = -1, .procfd = -1};
	if (jail_params_int(&parent->params, JP_CHILDREN_MAX) <= 0 || jail_state_status(parent) != JAIL_ALIVE)
		return -ENOENT;
	snprintf(root, sizeof(root), "/proc/%d/root", (int)parent->init_pid);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return jail_err_sys(e, -errno, "%s", root);
	if (proc_starttime(parent->init_pid) != parent->init_start) {
		close(rootfd);
		return -ENOENT;
	}
	child->dirfd = (int)syscall(SYS_openat2, rootfd, "run/jail", &how, sizeof(how));
	child->procfd = (int)syscall(SYS_openat2, rootfd, "proc", &how, sizeof(how));
	close(rootfd);
	if (child->dirfd < 0 || child->procfd < 0) {
		jail_registry_close(child);
		return -ENOENT;
	}
	snprintf(child->dir, sizeof(child->dir), "%s:/run/jail", parent->name);
	return 0;
}

bool jail_state_init_is_jail(pid_t pid)
{
	char path[64], buf[4096], *l, *save = NULL, *last = NULL;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (pid <= 0 || read_file_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0 || !(l = strstr(buf, "\nNSpid:")))
		return false;
	l[strcspn(l + 1, "\n") + 1] = '\0';
	/* "NSpid: <pid here> ... <pid in its own namespace>": at least two, the last 1. */
	for (char *t = strtok_r(l + 7, " \t", &save); t; t = strtok_r(NULL, " \t", &save), n++)
		last = t;
	return n >= 2 && !strcmp(last, "1");
}

enum jail_status jail_state_status(const struct jail_state *st)
{
	if (st->init_pid > 0)
		return pid_alive(st->init_pid, st->init_start) ? JAIL_ALIVE : JAIL_DYING;
	return pid_alive(st->creator_pid, st->creator_start) ? JAIL_CREATING : JAIL_DYING;
}

static bool default_registry(const char *dir)
{
	return !strcmp(dir, "/run/jail");
}

/* FNV-1a of the registry's directory: tests' assert_clean computes the same. */
static unsigned tag(const char *dir)
{
	unsigned h = 2166136261u;

	for (const char *c = dir; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return h;
}

void jail_cgroup_leaf(char *out, size_t len, const char *regdir, const char *name)
{
	if (default_registry(regdir))
		snprintf(out, len, "jail.%s", name);
	else
		snprintf(out, len, "jail.%s.%08x", name, tag(regdir));
}

void jail_host_ifname(char *out, size_t len, const char *regdir, int jid)
{
	if (default_registry(regdir))
		snprintf(out, len, "vjail%d", jid);
	else
		snprintf(out, len, "vt%04x%d", tag(regdir) & 0xffff, jid);
}
