/*
 * config.json "linux" (config-linux.md): namespaces and joins, id maps,
 * time offsets, devices, sysctl, cgroupsPath, propagation, masked and
 * read-only paths, personality. Resources are in resources.c, seccomp in
 * seccomp_parse.c. Intel RDT, network devices, memory policy and SELinux
 * mount labels are refused with the reason.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

#include "oci_int.h"
#include "ojson.h"

#define MS_REC_	       16384UL
#define MS_UNBINDABLE_ (1UL << 17)
#define MS_PRIVATE_    (1UL << 18)
#define MS_SLAVE_      (1UL << 19)
#define MS_SHARED_     (1UL << 20)
#define IDMAP_MAX      340 /* lines a uid_map may hold since Linux 4.15 */

static int parse_namespaces(json_t *l, struct oci_linux *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *a = oj_get(l, "namespaces"), *x;
	size_t i;
	int r;

	if (!a)
		return 0;
	if ((r = oj_want(a, JSON_ARRAY, "linux.namespaces", e)) < 0)
		return r;
	json_array_foreach(a, i, x)
	{
		char *type = NULL, *path = NULL;
		int ns = -1;

		oj_idx(f, "linux.namespaces", i);
		if ((r = oj_want(x, JSON_OBJECT, f, e)) < 0 || (r = oj_str(x, "type", f, true, &type, e)) < 0)
			return r;
		for (int k = 0; k < OCI_NS__COUNT; k++)
			if (!strcmp(type, oci_ns_name(k)))
				ns = k;
		if (ns < 0) {
			r = jail_err_set(e, -EINVAL, "%s.type: unknown namespace '%s'", f, type);
			free(type);
			return r;
		}
		free(type);
		if (out->ns[ns].present)
			return jail_err_set(e, -EINVAL, "%s: namespace '%s' given twice", f, oci_ns_name(ns));
		if ((r = oj_str(x, "path", f, false, &path, e)) < 0)
			return r;
		if (path && !*path) {
			free(path);
			path = NULL;
		}
		if (path && path[0] != '/') {
			r = jail_err_set(e, -EINVAL, "%s.path: '%s': must be absolute", f, path);
			free(path);
			return r;
		}
		out->ns[ns].present = true;
		out->ns[ns].path = path;
	}
	return 0;
}

static int parse_time_offsets(json_t *l, struct oci_linux *out, struct jail_err *e)
{
	static const char *const clocks[] = {"monotonic", "boottime"};
	char f[OJ_FIELD_MAX];
	json_t *o = oj_get(l, "timeOffsets"), *x;
	const char *k;
	int64_t v;
	int r;

	if (!o)
		return 0;
	if ((r = oj_want(o, JSON_OBJECT, "linux.timeOffsets", e)) < 0)
		return r;
	json_object_foreach(o, k, x)
	{
		int c = !strcmp(k, clocks[0]) ? 0 : !strcmp(k, clocks[1]) ? 1 : -1;

		oj_key(f, "linux.timeOffsets", k);
		if (c < 0)
			return jail_err_set(e, -EINVAL, "%s: unknown clock (monotonic or boottime)", f);
		if ((r = oj_want(x, JSON_OBJECT, f, e)) < 0 ||
		    (r = oj_range(x, "secs", f, false, INT64_MIN, INT64_MAX, &v, NULL, e)) < 0)
			return r;
		out->time_offsets[c].secs = r ? v : 0;
		if ((r = oj_range(x, "nanosecs", f, false, 0, 999999999, &v, NULL, e)) < 0)
			return r;
		out->time_offsets[c].nanosecs = r ? (uint32_t)v : 0;
		out->time_offsets[c].set = true;
	}
	return 0;
}

static int parse_devices(json_t *l, struct oci_linux *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *a = oj_get(l, "devices"), *x;
	size_t i;
	int r;

	if (!a)
		return 0;
	if ((r = oj_want(a, JSON_ARRAY, "linux.devices", e)) < 0)
		return r;
	out->devices = calloc(json_array_size(a) + 1, sizeof(*out->devices));
	if (!out->devices)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		struct oci_device *d = &out->devices[i];
		char *type = NULL;
		int64_t v;
		bool need_nums;

		out->n_devices = i + 1;
		oj_idx(f, "linux.devices", i);
		if ((r = oj_want(x, JSON_OBJECT, f, e)) < 0 ||
		    (r = oj_str(x, "path", f, true, &d->path, e)) < 0 ||
		    (r = oj_str(x, "type", f, true, &type, e)) < 0)
			return r;
		d->type = strlen(type) == 1 && strchr("cbup", type[0]) ? type[0] : 0;
		free(type);
		if (!d->type)
			return jail_err_set(e, -EINVAL, "%s.type: must be c, b, u or p", f);
		if (d->path[0] != '/')
			return jail_err_set(e, -EINVAL, "%s.path: '%s': must be absolute", f, d->path);
		need_nums = d->type != 'p';
		if ((r = oj_range(x, "major", f, need_nums, 0, 4095, &d->major, NULL, e)) < 0 ||
		    (r = oj_range(x, "minor", f, need_nums, 0, 1048575, &d->minor, NULL, e)) < 0 ||
		    (r = oj_range(x, "fileMode", f, false, 0, 07777, &v, &d->has_mode, e)) < 0)
			return r;
		d->mode = d->has_mode ? (uint32_t)v : 0;
		if ((r = oj_range(x, "uid", f, false, 0, UINT32_MAX - 1, &v, &d->has_uid, e)) < 0)
			return r;
		d->uid = d->has_uid ? (uint32_t)v : 0;
		if ((r = oj_range(x, "gid", f, false, 0, UINT32_MAX - 1, &v, &d->has_gid, e)) < 0)
			return r;
		d->gid = d->has_gid ? (uint32_t)v : 0;
	}
	return 0;
}

static const struct {
	const char *name;
	unsigned long v;
} props[] = {
	{"private", MS_PRIVATE_},	{"rprivate", MS_PRIVATE_ | MS_REC_},
	{"shared", MS_SHARED_},		{"rshared", MS_SHARED_ | MS_REC_},
	{"slave", MS_SLAVE_},		{"rslave", MS_SLAVE_ | MS_REC_},
	{"unbindable", MS_UNBINDABLE_}, {"runbindable", MS_UNBINDABLE_ | MS_REC_},
};

static int parse_paths(json_t *l, const char *key, char ***out, size_t *n, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	int r = oj_strv(l, key, "linux", out, n, e);

	if (r < 0)
		return r;
	oj_key(f, "linux", key);
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i][0] != '/')
			return jail_err_set(e, -EINVAL, "%s[%zu]: '%s': must be absolute", f, i, (*out)[i]);
	return 0;
}

static int parse_misc(json_t *l, const struct oci_parse_opts *o, struct oci_linux *out, struct jail_err *e)
{
	char *s = NULL;
	json_t *per = oj_get(l, "personality");
	int r;

	if ((r = oj_str(l, "cgroupsPath", "linux", false, &s, e)) < 0)
		return r;
	r = oci_cgroups_path_parse(s, o->systemd_cgroup, &out->cgroups_path, e);
	free(s);
	s = NULL;
	if (r < 0 || (r = oj_str(l, "rootfsPropagation", "linux", false, &s, e)) < 0)
		return r;
	if (s && *s) {
		for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
			if (!strcmp(s, props[i].name))
				out->rootfs_propagation = props[i].v;
		if (!out->rootfs_propagation) {
			r = jail_err_set(e, -EINVAL, "linux.rootfsPropagation: '%s': unknown propagation", s);
			free(s);
			return r;
		}
	}
	free(s);
	s = NULL;
	if (per) {
		if ((r = oj_want(per, JSON_OBJECT, "linux.personality", e)) < 0 ||
		    (r = oj_str(per, "domain", "linux.personality", true, &s, e)) < 0)
			return r;
		out->has_personality = true;
		out->personality = !strcmp(s, "LINUX")	   ? PER_LINUX
				   : !strcmp(s, "LINUX32") ? PER_LINUX32
							   : ~0UL;
		if (out->personality == ~0UL) {
			r = jail_err_set(e, -EINVAL, "linux.personality.domain: '%s': LINUX or LINUX32", s);
			free(s);
			return r;
		}
		free(s);
		/* "Currently no flag values are supported" (config-linux.md). */
		if ((r = oj_refuse(per, "flags", "linux.personality", "the spec defines no flags", e)) < 0)
			return r;
	}
	/* A label means something only where SELinux runs; there it cannot be honoured, elsewhere it is moot. */
	if (oj_get(l, "mountLabel") && access("/sys/fs/selinux/enforce", F_OK) == 0 &&
	    (r = oj_refuse(l, "mountLabel", "linux",
			   "SELinux is enabled and jail-oci applies no SELinux labels", e)) < 0)
		return r;
	if (oj_get(l, "mountLabel") && o->warn)
		o->warn(o->warn_arg, "linux.mountLabel: ignored: SELinux is not enabled on this host");
	if ((r = oj_refuse(l, "intelRdt", "linux", "Intel RDT (resctrl) is not implemented", e)) < 0 ||
	    (r = oj_refuse(l, "netDevices", "linux",
			   "moving host interfaces into the container is not implemented (use a vnet jail)",
			   e)) < 0 ||
	    (r = oj_refuse(l, "memoryPolicy", "linux", "set_mempolicy for the container is not implemented",
			   e)) < 0)
		return r;
	return 0;
}

int oci_linux_parse(json_t *l, const struct oci_parse_opts *o, struct oci_linux *out, struct jail_err *e)
{
	int r;

	if ((r = oj_want(l, JSON_OBJECT, "linux", e)) < 0 || (r = parse_namespaces(l, out, e)) < 0 ||
	    (r = oj_idmaps(l, "uidMappings", "linux", &out->uid_map, &out->n_uid_map, e)) < 0 ||
	    (r = oj_idmaps(l, "gidMappings", "linux", &out->gid_map, &out->n_gid_map, e)) < 0 ||
	    (r = parse_time_offsets(l, out, e)) < 0 || (r = parse_devices(l, out, e)) < 0 ||
	    (r = oj_strmap(l, "sysctl", "linux", &out->sysctl, &out->n_sysctl, e)) < 0 ||
	    (r = parse_paths(l, "maskedPaths", &out->masked_paths, &out->n_masked_paths, e)) < 0 ||
	    (r = parse_paths(l, "readonlyPaths", &out->readonly_paths, &out->n_readonly_paths, e)) < 0 ||
	    (r = parse_misc(l, o, out, e)) < 0)
		return r;
	if (out->n_uid_map > IDMAP_MAX || out->n_gid_map > IDMAP_MAX)
		return jail_err_set(e, -E2BIG, "linux.uidMappings: at most %d ranges", IDMAP_MAX);
	if (oj_get(l, "resources") &&
	    (r = oci_resources_parse(oj_get(l, "resources"), "linux.resources", &out->res, e)) < 0)
		return r;
	if (oj_get(l, "seccomp") && (r = oci_seccomp_parse(oj_get(l, "seccomp"), o, &out->seccomp, e)) < 0)
		return r;
	return 0;
}

void oci_linux_free(struct oci_linux *l)
{
	for (int i = 0; i < OCI_NS__COUNT; i++)
		free(l->ns[i].path);
	free(l->uid_map);
	free(l->gid_map);
	oj_strv_free(l->sysctl);
	oci_resources_free(&l->res);
	free(l->cgroups_path.raw);
	free(l->cgroups_path.path);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	oci_seccomp_free(&l->seccomp);
	oj_strv_free(l->masked_paths);
	oj_strv_free(l->readonly_paths);
	memset(l, 0, sizeof(*l));
}
