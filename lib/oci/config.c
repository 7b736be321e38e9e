/*
 * config.json, top level: ociVersion, root, mounts, hostname, domainname,
 * hooks, annotations, and the platform sections (process is in process.c,
 * linux in linux.c). The spec makes a runtime ignore properties it does not
 * know, so only known ones are looked at; a known one jail-oci cannot honour
 * fails with its field named.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci_int.h"
#include "ojson.h"

#define CONFIG_MAX (16 << 20) /* a config.json larger than 16 MiB is not one */

static int parse_root(json_t *j, struct oci_config *c, struct jail_err *e)
{
	json_t *root = oj_get(j, "root");
	int r;

	/* Optional only on platforms with no root of their own; Linux has one. */
	if (!root)
		return jail_err_set(e, -EINVAL, "root: missing");
	if ((r = oj_want(root, JSON_OBJECT, "root", e)) < 0 ||
	    (r = oj_str(root, "path", "root", true, &c->root_path, e)) < 0 ||
	    (r = oj_bool(root, "readonly", "root", &c->root_readonly, e)) < 0)
		return r;
	if (!*c->root_path)
		return jail_err_set(e, -EINVAL, "root.path: empty");
	return 0;
}

static int parse_mount(json_t *x, const char *f, struct oci_mount *m, struct jail_err *e)
{
	int r;

	if ((r = oj_want(x, JSON_OBJECT, f, e)) < 0 ||
	    (r = oj_str(x, "destination", f, true, &m->destination, e)) < 0 ||
	    (r = oj_str(x, "type", f, false, &m->type, e)) < 0 ||
	    (r = oj_str(x, "source", f, false, &m->source, e)) < 0 ||
	    (r = oj_strv(x, "options", f, &m->options, &m->n_options, e)) < 0 ||
	    (r = oj_idmaps(x, "uidMappings", f, &m->uid_map, &m->n_uid_map, e)) < 0 ||
	    (r = oj_idmaps(x, "gidMappings", f, &m->gid_map, &m->n_gid_map, e)) < 0)
		return r;
	if (!*m->destination)
		return jail_err_set(e, -EINVAL, "%s.destination: empty", f);
	if (m->type && !*m->type) {
		free(m->type);
		m->type = NULL;
	}
	return oci_mount_options(m, f, e);
}

static int parse_mounts(json_t *j, struct oci_config *c, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *a = oj_get(j, "mounts"), *x;
	size_t i;
	int r;

	if (!a)
		return 0;
	if ((r = oj_want(a, JSON_ARRAY, "mounts", e)) < 0)
		return r;
	c->mounts = calloc(json_array_size(a) + 1, sizeof(*c->mounts));
	if (!c->mounts)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		c->n_mounts = i + 1;
		if ((r = parse_mount(x, oj_idx(f, "mounts", i), &c->mounts[i], e)) < 0)
			return r;
	}
	return 0;
}

static int parse_hook(json_t *x, const char *f, struct oci_hook *h, struct jail_err *e)
{
	int64_t t = 0;
	int r;

	if ((r = oj_want(x, JSON_OBJECT, f, e)) < 0 || (r = oj_str(x, "path", f, true, &h->path, e)) < 0 ||
	    (r = oj_strv(x, "args", f, &h->args, NULL, e)) < 0 ||
	    (r = oj_strv(x, "env", f, &h->env, NULL, e)) < 0 ||
	    (r = oj_range(x, "timeout", f, false, 1, 86400 * 365, &t, NULL, e)) < 0)
		return r;
	if (h->path[0] != '/')
		return jail_err_set(e, -EINVAL, "%s.path: '%s': must be absolute", f, h->path);
	h->timeout = (int)t;
	return 0;
}

int oci_hooks_parse(json_t *hooks, struct oci_hook_list *lists, struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	int r;

	if (!hooks)
		return 0;
	if ((r = oj_want(hooks, JSON_OBJECT, "hooks", e)) < 0)
		return r;
	for (int k = 0; k < OCI_HOOK__COUNT; k++) {
		json_t *a = oj_get(hooks, oci_hook_kind_name(k)), *x;
		struct oci_hook_list *l = &lists[k];
		size_t i;

		oj_key(f, "hooks", oci_hook_kind_name(k));
		if (!a)
			continue;
		if ((r = oj_want(a, JSON_ARRAY, f, e)) < 0)
			return r;
		l->v = calloc(json_array_size(a) + 1, sizeof(*l->v));
		if (!l->v)
			return jail_err_set(e, -ENOMEM, "out of memory");
		json_array_foreach(a, i, x)
		{
			l->n = i + 1;
			if ((r = parse_hook(x, oj_idx(fi, f, i), &l->v[i], e)) < 0)
				return r;
		}
	}
	return 0;
}

static int parse_version(json_t *j, struct oci_config *c, struct jail_err *e)
{
	int r = oj_str(j, "ociVersion", "", true, &c->oci_version, e);

	if (r < 0)
		return r;
	/* The spec keeps compatibility within a major version (config.md). */
	if (strncmp(c->oci_version, "1.", 2))
		return jail_err_set(e, -EINVAL, "ociVersion: '%s': only 1.x configurations are supported",
				    c->oci_version);
	return 0;
}

int oci_config_parse(const char *json, size_t len, const struct oci_parse_opts *o, struct oci_config *c,
		     struct jail_err *e)
{
	static const struct oci_parse_opts none;
	json_t *j;
	int r;

	memset(c, 0, sizeof(*c));
	if (!o)
		o = &none;
	j = oj_loads(json, len, e);
	if (!j)
		return e ? e->code : -EINVAL;
	if (!json_is_object(j)) {
		json_decref(j);
		return jail_err_set(e, -EINVAL, "not a JSON object");
	}
	if ((r = parse_version(j, c, e)) < 0 || (r = parse_root(j, c, e)) < 0 ||
	    (r = parse_mounts(j, c, e)) < 0 || (r = oj_str(j, "hostname", "", false, &c->hostname, e)) < 0 ||
	    (r = oj_str(j, "domainname", "", false, &c->domainname, e)) < 0 ||
	    (r = oci_hooks_parse(oj_get(j, "hooks"), c->hooks, e)) < 0 ||
	    (r = oj_strmap(j, "annotations", "", &c->annotations, &c->n_annotations, e)) < 0)
		goto out;
	if (oj_get(j, "process")) {
		c->has_process = true;
		if ((r = oci_process_from_json(oj_get(j, "process"), "process", &c->process, e)) < 0)
			goto out;
	}
	if (oj_get(j, "linux")) {
		c->has_linux = true;
		if ((r = oci_linux_parse(oj_get(j, "linux"), o, &c->linux_, e)) < 0)
			goto out;
	}
	static const char *const others[] = {"windows", "solaris", "vm", "zos", "freebsd"};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if ((r = oj_refuse(j, others[i], "", "jail-oci runs Linux containers", e)) < 0)
			goto out;
	r = oci_config_check(c, e);
out:
	json_decref(j);
	if (r < 0)
		oci_config_free(c);
	return r;
}

/* Rules that span sections (runtime.md, config-linux.md). */
int oci_config_check(const struct oci_config *c, struct jail_err *e)
{
	const struct oci_linux *l = &c->linux_;

	/* A join by path is fine: pods set the sandbox's name in each container. */
	if (c->hostname && *c->hostname && !l->ns[OCI_NS_UTS].present)
		return jail_err_set(e, -EINVAL, "hostname: needs a uts namespace in linux.namespaces");
	if (c->domainname && *c->domainname && !l->ns[OCI_NS_UTS].present)
		return jail_err_set(e, -EINVAL, "domainname: needs a uts namespace in linux.namespaces");
	if ((l->n_uid_map || l->n_gid_map) && !l->ns[OCI_NS_USER].present)
		return jail_err_set(e, -EINVAL,
				    "linux.uidMappings: needs a user namespace in linux.namespaces");
	/* A new user namespace without maps gets the jail's own private range
	 * when the plan is built (as crun maps the caller); one map alone is
	 * a mistake. */
	if ((l->n_uid_map == 0) != (l->n_gid_map == 0))
		return jail_err_set(e, -EINVAL, "linux.%s: missing while linux.%s is given",
				    l->n_uid_map ? "gidMappings" : "uidMappings",
				    l->n_uid_map ? "uidMappings" : "gidMappings");
	if ((l->time_offsets[0].set || l->time_offsets[1].set) &&
	    !(l->ns[OCI_NS_TIME].present && !l->ns[OCI_NS_TIME].path))
		return jail_err_set(e, -EINVAL,
				    "linux.timeOffsets: needs a new time namespace in linux.namespaces");
	return 0;
}

int oci_config_load(int bundlefd, const struct oci_parse_opts *o, struct oci_config *out, struct jail_err *e)
{
	int fd = openat(bundlefd, "config.json", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return jail_err_sys(e, -errno, "config.json");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX) {
		r = errno && !S_ISREG(st.st_mode) ? -errno : -EFBIG;
		close(fd);
		return jail_err_set(e, r, "config.json: not a regular file of at most 16 MiB");
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return jail_err_set(e, -ENOMEM, "out of memory");
	}
	while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	r = oci_config_parse(buf, got, o, out, e);
	free(buf);
	if (r < 0)
		jail_err_prefix(e, "config.json");
	return r;
}

static void free_mount(struct oci_mount *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	oj_strv_free(m->options);
	free(m->data);
	free(m->uid_map);
	free(m->gid_map);
}

void oci_hook_lists_free(struct oci_hook_list *lists)
{
	for (int k = 0; k < OCI_HOOK__COUNT; k++) {
		for (size_t i = 0; i < lists[k].n; i++) {
			free(lists[k].v[i].path);
			oj_strv_free(lists[k].v[i].args);
			oj_strv_free(lists[k].v[i].env);
		}
		free(lists[k].v);
		lists[k].v = NULL;
		lists[k].n = 0;
	}
}

void oci_config_free(struct oci_config *c)
{
	if (!c)
		return;
	free(c->oci_version);
	free(c->root_path);
	for (size_t i = 0; i < c->n_mounts; i++)
		free_mount(&c->mounts[i]);
	free(c->mounts);
	oci_process_free(&c->process);
	free(c->hostname);
	free(c->domainname);
	oci_hook_lists_free(c->hooks);
	oj_strv_free(c->annotations);
	oci_linux_free(&c->linux_);
	memset(c, 0, sizeof(*c));
}
