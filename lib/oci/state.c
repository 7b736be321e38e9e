/*
 * Container state under --root (default /run/jail-oci): one directory per
 * container id holding state.json and a lock file. state.json carries the
 * spec's state (runtime.md "State": ociVersion, id, status, pid, bundle,
 * annotations) plus runc's created, rootfs and owner, and under "jail" what
 * jail-oci needs to find the container again (the init's start time against
 * pid reuse, the jail id, the cgroup). `state` prints only the public part.
 * The status written is the last transition; reading it checks the init
 * process, so a container whose init has exited reads as "stopped".
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/rootfs.h"
#include "core/util.h"
#include "jail/oci.h"

#define STATE_MAX (1 << 20)

static const char *const status_names[] = {"creating", "created", "running", "stopped", "paused"};

const char *oci_status_name(enum oci_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "unknown";
}

int oci_id_valid(const char *id, struct jail_err *e)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0)
		return jail_err_set(e, -EINVAL, "container id is empty");
	if (n > OCI_ID_MAX)
		return jail_err_set(e, -EINVAL, "container id longer than %d characters", OCI_ID_MAX);
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return jail_err_set(e, -EINVAL, "invalid container id '%s'", id);
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("_.+-", *p)))
			return jail_err_set(e, -EINVAL,
					    "invalid container id '%s': use letters, digits and _.+-", id);
	return 0;
}

int oci_root_open(const char *root, bool create, struct jail_err *e)
{
	int fd;

	if (!root || !*root)
		root = OCI_DEFAULT_ROOT;
	if (create) {
		int top = open(root[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		int r;

		if (top < 0)
			return jail_err_sys(e, -errno, "%s", root);
		r = rootfs_mkdir_p(top, root[0] == '/' ? root + 1 : root, 0700, e);
		close(top);
		if (r < 0)
			return jail_err_prefix(e, "--root %s", root);
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return jail_err_sys(e, -errno, "--root %s", root);
	return fd;
}

int oci_state_lock(int rootfd, const char *id, bool create, struct jail_err *e)
{
	int dfd, fd, r;

	if ((r = oci_id_valid(id, e)) < 0)
		return r;
	if (create && mkdirat(rootfd, id, 0711) < 0) {
		if (errno == EEXIST)
			return jail_err_set(e, -EEXIST, "container %s already exists", id);
		return jail_err_sys(e, -errno, "%s", id);
	}
	dfd = openat(rootfd, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			return jail_err_set(e, -ENOENT, "container %s does not exist", id);
		return jail_err_sys(e, -errno, "%s", id);
	}
	fd = openat(dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	r = fd < 0 ? -errno : 0;
	close(dfd);
	if (r < 0)
		return jail_err_sys(e, r, "%s: lock", id);
	if (flock(fd, LOCK_EX) < 0) {
		r = -errno;
		close(fd);
		return jail_err_sys(e, r, "%s: lock", id);
	}
	return fd;
}

void oci_time_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", s, ts.tv_nsec);
}

static json_t *public_json(const struct oci_state *s)
{
	json_t *j = json_object(), *a;

	json_object_set_new(j, "ociVersion", json_string(OCI_VERSION));
	json_object_set_new(j, "id", json_string(s->id));
	json_object_set_new(j, "status", json_string(oci_status_name(s->status)));
	json_object_set_new(j, "pid", json_integer(s->status == OCI_STOPPED ? 0 : s->pid));
	json_object_set_new(j, "bundle", json_string(s->bundle ? s->bundle : ""));
	json_object_set_new(j, "rootfs", json_string(s->rootfs ? s->rootfs : ""));
	json_object_set_new(j, "created", json_string(s->created));
	json_object_set_new(j, "owner", json_string(s->owner ? s->owner : ""));
	if (s->n_annotations) {
		a = json_object();
		for (size_t i = 0; i < s->n_annotations; i++)
			json_object_set_new(a, s->annotations[2 * i], json_string(s->annotations[2 * i + 1]));
		json_object_set_new(j, "annotations", a);
	}
	return j;
}

char *oci_state_json(const struct oci_state *s, bool pretty)
{
	json_t *j = public_json(s);
	char *out = json_dumps(j, pretty ? JSON_INDENT(2) | JSON_PRESERVE_ORDER
					 : JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(j);
	return out;
}

int oci_state_write(int rootfd, const struct oci_state *s, struct jail_err *e)
{
	json_t *j = public_json(s), *x = json_object();
	char *text;
	int dfd, fd, r = 0;

	json_object_set_new(x, "pidStart", json_integer((json_int_t)s->pid_start));
	json_object_set_new(x, "jid", json_integer(s->jid));
	json_object_set_new(x, "systemdCgroup", json_boolean(s->systemd_cgroup));
	json_object_set_new(x, "hooks", json_integer(s->hooks));
	if (s->cgroup)
		json_object_set_new(x, "cgroup", json_string(s->cgroup));
	json_object_set_new(j, "jail", x);
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!text)
		return jail_err_set(e, -ENOMEM, "out of memory");
	dfd = openat(rootfd, s->id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		free(text);
		return jail_err_sys(e, -errno, "%s", s->id);
	}
	/* Renamed into place whole; no fsync: the state describes processes, which do not survive a crash. */
	fd = openat(dfd, "state.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	if (r == 0 && renameat(dfd, "state.json.tmp", dfd, "state.json") < 0)
		r = -errno;
	close(dfd);
	free(text);
	return r < 0 ? jail_err_sys(e, r, "%s: state.json", s->id) : 0;
}

static char *dup_str(json_t *j, const char *k)
{
	const char *v = json_string_value(json_object_get(j, k));

	return strdup(v ? v : "");
}

/* A created/running/paused container whose init is gone (or whose pid now
 * belongs to another process) has stopped. */
static void refresh(struct oci_state *s)
{
	char path[64], st[512], *p;
	int fd;
	ssize_t n;

	if (s->status == OCI_STOPPED || s->status == OCI_CREATING)
		return;
	if (s->pid <= 0 || proc_starttime(s->pid) != s->pid_start) {
		s->status = OCI_STOPPED;
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)s->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		s->status = OCI_STOPPED;
		return;
	}
	n = read(fd, st, sizeof(st) - 1);
	close(fd);
	st[n > 0 ? n : 0] = '\0';
	p = strrchr(st, ')');
	if (p && (p[2] == 'Z' || p[2] == 'X'))
		s->status = OCI_STOPPED;
}

int oci_state_read(int rootfd, const char *id, struct oci_state *s, struct jail_err *e)
{
	char path[OCI_ID_MAX + 16];
	json_error_t je;
	json_t *j, *a, *x, *v;
	const char *k;
	int fd, r;
	size_t i = 0;

	memset(s, 0, sizeof(*s));
	if ((r = oci_id_valid(id, e)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/state.json", id);
	fd = openat(rootfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return jail_err_set(e, -ENOENT, "container %s does not exist", id);
		return jail_err_sys(e, -errno, "%s", path);
	}
	/* Read whole, then parsed (json_loadfd reads a byte per system call). */
	char buf[STATE_MAX / 16];
	ssize_t got = 0, n;

	memset(&je, 0, sizeof(je));
	while (got < (ssize_t)sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - (size_t)got)) > 0)
		got += n;
	close(fd);
	j = got > 0 && got < (ssize_t)sizeof(buf) ? json_loadb(buf, (size_t)got, 0, &je) : NULL;
	if (!j && got >= (ssize_t)sizeof(buf))
		snprintf(je.text, sizeof(je.text), "too large");
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return jail_err_set(e, -EINVAL, "%s: unreadable state: %s", path, je.text);
	}
	snprintf(s->id, sizeof(s->id), "%s", id);
	k = json_string_value(json_object_get(j, "status"));
	s->status = OCI_STOPPED;
	for (int st = 0; k && st < (int)(sizeof(status_names) / sizeof(status_names[0])); st++)
		if (!strcmp(k, status_names[st]))
			s->status = (enum oci_status)st;
	s->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	s->bundle = dup_str(j, "bundle");
	s->rootfs = dup_str(j, "rootfs");
	s->owner = dup_str(j, "owner");
	snprintf(s->created, sizeof(s->created), "%s",
		 json_string_value(json_object_get(j, "created")) ?: "");
	x = json_object_get(j, "jail");
	s->pid_start = (unsigned long long)json_integer_value(json_object_get(x, "pidStart"));
	s->jid = (int)json_integer_value(json_object_get(x, "jid"));
	s->systemd_cgroup = json_is_true(json_object_get(x, "systemdCgroup"));
	s->hooks = (unsigned)json_integer_value(json_object_get(x, "hooks"));
	if (json_string_value(json_object_get(x, "cgroup")))
		s->cgroup = strdup(json_string_value(json_object_get(x, "cgroup")));
	a = json_object_get(j, "annotations");
	if (json_is_object(a) && json_object_size(a)) {
		s->annotations = calloc(2 * json_object_size(a) + 1, sizeof(char *));
		json_object_foreach(a, k, v)
		{
			if (!s->annotations || !json_is_string(v))
				continue;
			s->annotations[i++] = strdup(k);
			s->annotations[i++] = strdup(json_string_value(v));
		}
		s->n_annotations = i / 2;
	}
	json_decref(j);
	if (!s->bundle || !s->rootfs || !s->owner) {
		oci_state_free(s);
		return jail_err_set(e, -ENOMEM, "out of memory");
	}
	refresh(s);
	return 0;
}

int oci_state_remove(int rootfd, const char *id, struct jail_err *e)
{
	int r = oci_id_valid(id, e);

	if (r < 0)
		return r;
	r = rootfs_rm_tree(rootfd, id, e);
	if (r == -ENOENT)
		return 0;
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int oci_state_list(int rootfd, int (*fn)(void *arg, const char *id), void *arg, struct jail_err *e)
{
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	char **ids = NULL;
	size_t n = 0, cap = 0;

	if (!d) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return jail_err_sys(e, r, "--root");
	}
	while ((de = readdir(d))) {
		struct stat st;
		char p[OCI_ID_MAX + 16];

		if (oci_id_valid(de->d_name, NULL) < 0 || de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/state.json", de->d_name);
		if (fstatat(dirfd(d), p, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			char **nv = realloc(ids, (cap = cap ? 2 * cap : 16) * sizeof(*ids));
			if (!nv) {
				r = -ENOMEM;
				break;
			}
			ids = nv;
		}
		if (!(ids[n] = strdup(de->d_name))) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (r == 0 && n > 1)
		qsort(ids, n, sizeof(*ids), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (r == 0)
			r = fn(arg, ids[i]);
		free(ids[i]);
	}
	free(ids);
	return r == -ENOMEM ? jail_err_set(e, r, "out of memory") : r;
}

void oci_state_free(struct oci_state *s)
{
	free(s->bundle);
	free(s->rootfs);
	free(s->owner);
	free(s->cgroup);
	if (s->annotations)
		for (size_t i = 0; s->annotations[i]; i++)
			free(s->annotations[i]);
	free(s->annotations);
	s->bundle = s->rootfs = s->owner = s->cgroup = NULL;
	s->annotations = NULL;
	s->n_annotations = 0;
}

/* The host's /etc/passwd read directly: NSS would load its modules into every create for one name. */
char *oci_owner_name(void)
{
	FILE *f = fopen("/etc/passwd", "re");
	char line[1024];
	uid_t me = geteuid();

	while (f && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 && strtoul(c2 + 1, NULL, 10) == me && c2[1] != ':') {
			fclose(f);
			*c1 = '\0';
			return strdup(line);
		}
	}
	if (f)
		fclose(f);
	return strdup(me == 0 ? "root" : "");
}
