/*
 * The registry's public view (see registry_public.h). FreeBSD's jail_get(2)
 * answers any user, so jls lists jails for everyone; here the state files
 * are root's alone (they hold exec.* commands, environment, mount sources
 * and the undo list), so the registry also writes a copy with only what jls
 * shows. meta and env are left out too: an administrator may keep secrets
 * in them (FreeBSD shows them to any user; here they stay root's).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "jail/jls.h"
#include "registry_public.h"
#include "util.h"

bool jail_registry_param_public(int id)
{
	const struct jail_param_def *d = &jail_param_defs[id];

	return !(d->flags & JPF_PSEUDO) && id != JP_META && id != JP_ENV;
}

static json_t *public_json(const struct jail_state *st, const struct jail_params *p)
{
	json_t *params = json_object(), *cgs = json_array();

	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_val *v = &p->val[i];
		if (!v->set || !jail_registry_param_public(i))
			continue;
		json_t *a = json_array();
		for (size_t k = 0; k < v->n; k++)
			json_array_append_new(a, json_string(v->v[k]));
		json_object_set_new(params, jail_param_defs[i].name, a);
	}
	/* jls -p finds a jail's processes by its cgroups. */
	for (int i = 0; i < st->cg.n; i++)
		json_array_append_new(cgs,
				      json_pack("{s:s, s:s, s:b}", "path", st->cg.d[i].path, "controllers",
						st->cg.d[i].controllers, "v2", st->cg.d[i].v2));
	/* user_base: jls -p shows jailed users as the jail knows them; cgroup_leaf: the
	 * registry believes cgroup paths only as that leaf of the jail's own. */
	return json_pack("{s:i, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "jid", st->jid, "name",
			 st->name, "user_base", (json_int_t)st->user_base, "cgroup_leaf", st->cg_leaf,
			 "init_pid", (json_int_t)st->init_pid, "init_start", (json_int_t)st->init_start,
			 "creator_pid", (json_int_t)st->creator_pid, "creator_start",
			 (json_int_t)st->creator_start, "cgroups", cgs, "params", params);
}

/* public/, made 0755 whatever the umask: it only ever holds the public copies. */
static int public_dir(struct jail_registry *r)
{
	if (mkdirat(r->dirfd, JAIL_REGISTRY_PUBLIC, 0755) == 0) {
		if (fchmodat(r->dirfd, JAIL_REGISTRY_PUBLIC, 0755, 0) < 0)
			return -errno;
	} else if (errno != EEXIST) {
		return -errno;
	}
	int fd = openat(r->dirfd, JAIL_REGISTRY_PUBLIC, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* A writer killed between create and rename leaves .JID.json.PID: the jail's removal takes it. */
static void drop_temporaries(int dfd, int jid)
{
	char prefix[32];
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	int n = snprintf(prefix, sizeof(prefix), ".%d.json.", jid);
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, (size_t)n))
			unlinkat(dfd, de->d_name, 0);
}

int jail_registry_publish(struct jail_registry *r, const struct jail_state *st, const struct jail_params *p)
{
	char tmp[64], final[32];
	_cleanup_close_ int dfd = public_dir(r);
	_cleanup_free_ char *text = NULL;
	int ret = 0;

	if (dfd < 0)
		return dfd;
	snprintf(final, sizeof(final), "%d.json", st->jid);
	if (!p) {
		drop_temporaries(dfd, st->jid);
		return unlinkat(dfd, final, 0) < 0 && errno != ENOENT ? -errno : 0;
	}
	json_t *o = public_json(st, p);
	if (!o)
		return -ENOMEM;
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return -ENOMEM;
	snprintf(tmp, sizeof(tmp), ".%d.json.%d", st->jid, (int)getpid());
	_cleanup_close_ int fd =
		openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	ret = fchmod(fd, 0644) < 0 ? -errno : 0;
	if (ret == 0)
		ret = write_all(fd, text, strlen(text));
	if (ret == 0)
		ret = write_all(fd, "\n", 1);
	if (ret == 0 && renameat(dfd, tmp, dfd, final) < 0)
		ret = -errno;
	if (ret < 0)
		unlinkat(dfd, tmp, 0);
	return ret;
}

int jail_registry_use_public(struct jail_registry *r, struct jail_err *e)
{
	int fd = openat(r->dirfd, JAIL_REGISTRY_PUBLIC, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return jail_err_sys(e, -errno, "%s/%s", r->dir, JAIL_REGISTRY_PUBLIC);
	close(r->dirfd);
	r->dirfd = fd;
	size_t len = strlen(r->dir);
	snprintf(r->dir + len, sizeof(r->dir) - len, "/%s", JAIL_REGISTRY_PUBLIC);
	return 0;
}

int jail_registry_find_public(struct jail_registry *r, const char *key, struct jail_state *st,
			      struct jail_err *e)
{
	int *jids = NULL, n = jail_registry_list(r, &jids, e);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		if (jail_registry_load(r, jids[i], st, e) < 0)
			continue;
		if (!strcmp(st->name, key)) {
			free(jids);
			return 0;
		}
		jail_state_free(st);
	}
	free(jids);
	jail_err_clear(e);
	return jail_registry_find(r, key, st, e);
}
