/*
 * config.json mount options (config.md "Mounts", runtime-spec 1.2): each
 * option word is a mount(2) flag to set or clear, a propagation type, a
 * recursive mount_setattr(2) attribute (the "r" forms: rro, rnosuid ...),
 * one of the runtime's own words (bind, rbind, idmap, ridmap, tmpcopyup),
 * or else filesystem data passed to mount(2) as is ("mode=755", "size=64k").
 * Also the cgroupsPath forms, which are as much a naming rule as this.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jail/oci.h"

/* <sys/mount.h> clashes with <linux/mount.h>; the MS_* values are ABI. */
#ifndef MS_RDONLY
#define MS_RDONLY      1UL
#define MS_NOSUID      2UL
#define MS_NODEV       4UL
#define MS_NOEXEC      8UL
#define MS_SYNCHRONOUS 16UL
#define MS_REMOUNT     32UL
#define MS_MANDLOCK    64UL
#define MS_DIRSYNC     128UL
#define MS_NOATIME     1024UL
#define MS_NODIRATIME  2048UL
#define MS_BIND	       4096UL
#define MS_REC	       16384UL
#define MS_SILENT      32768UL
#define MS_UNBINDABLE  (1UL << 17)
#define MS_PRIVATE     (1UL << 18)
#define MS_SLAVE       (1UL << 19)
#define MS_SHARED      (1UL << 20)
#define MS_RELATIME    (1UL << 21)
#define MS_I_VERSION   (1UL << 23)
#define MS_STRICTATIME (1UL << 24)
#define MS_LAZYTIME    (1UL << 25)
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256UL
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

enum kind {
	K_SET,
	K_CLEAR,
	K_PROP,
	K_RSET,
	K_RCLR,
	K_RATIME,
	K_NOP,
	K_BIND,
	K_RBIND,
	K_IDMAP,
	K_RIDMAP,
	K_TMPCOPYUP
};

static const struct opt {
	const char *name;
	enum kind kind;
	unsigned long val;
} opts[] = {
	{"defaults", K_NOP, 0},
	{"ro", K_SET, MS_RDONLY},
	{"rw", K_CLEAR, MS_RDONLY},
	{"nosuid", K_SET, MS_NOSUID},
	{"suid", K_CLEAR, MS_NOSUID},
	{"nodev", K_SET, MS_NODEV},
	{"dev", K_CLEAR, MS_NODEV},
	{"noexec", K_SET, MS_NOEXEC},
	{"exec", K_CLEAR, MS_NOEXEC},
	{"sync", K_SET, MS_SYNCHRONOUS},
	{"async", K_CLEAR, MS_SYNCHRONOUS},
	{"dirsync", K_SET, MS_DIRSYNC},
	{"remount", K_SET, MS_REMOUNT},
	{"mand", K_SET, MS_MANDLOCK},
	{"nomand", K_CLEAR, MS_MANDLOCK},
	{"noatime", K_SET, MS_NOATIME},
	{"atime", K_CLEAR, MS_NOATIME},
	{"nodiratime", K_SET, MS_NODIRATIME},
	{"diratime", K_CLEAR, MS_NODIRATIME},
	{"relatime", K_SET, MS_RELATIME},
	{"norelatime", K_CLEAR, MS_RELATIME},
	{"strictatime", K_SET, MS_STRICTATIME},
	{"nostrictatime", K_CLEAR, MS_STRICTATIME},
	{"lazytime", K_SET, MS_LAZYTIME},
	{"nolazytime", K_CLEAR, MS_LAZYTIME},
	{"iversion", K_SET, MS_I_VERSION},
	{"noiversion", K_CLEAR, MS_I_VERSION},
	{"silent", K_SET, MS_SILENT},
	{"loud", K_CLEAR, MS_SILENT},
	{"nosymfollow", K_SET, MS_NOSYMFOLLOW},
	{"symfollow", K_CLEAR, MS_NOSYMFOLLOW},
	{"bind", K_BIND, MS_BIND},
	{"rbind", K_RBIND, MS_BIND | MS_REC},
	{"private", K_PROP, MS_PRIVATE},
	{"rprivate", K_PROP, MS_PRIVATE | MS_REC},
	{"shared", K_PROP, MS_SHARED},
	{"rshared", K_PROP, MS_SHARED | MS_REC},
	{"slave", K_PROP, MS_SLAVE},
	{"rslave", K_PROP, MS_SLAVE | MS_REC},
	{"unbindable", K_PROP, MS_UNBINDABLE},
	{"runbindable", K_PROP, MS_UNBINDABLE | MS_REC},
	{"rro", K_RSET, MOUNT_ATTR_RDONLY},
	{"rrw", K_RCLR, MOUNT_ATTR_RDONLY},
	{"rnosuid", K_RSET, MOUNT_ATTR_NOSUID},
	{"rsuid", K_RCLR, MOUNT_ATTR_NOSUID},
	{"rnodev", K_RSET, MOUNT_ATTR_NODEV},
	{"rdev", K_RCLR, MOUNT_ATTR_NODEV},
	{"rnoexec", K_RSET, MOUNT_ATTR_NOEXEC},
	{"rexec", K_RCLR, MOUNT_ATTR_NOEXEC},
	{"rnodiratime", K_RSET, MOUNT_ATTR_NODIRATIME},
	{"rdiratime", K_RCLR, MOUNT_ATTR_NODIRATIME},
	{"rnosymfollow", K_RSET, MOUNT_ATTR_NOSYMFOLLOW},
	{"rsymfollow", K_RCLR, MOUNT_ATTR_NOSYMFOLLOW},
	/* The atime mode is one field: the kernel wants all of _ATIME cleared
	 * and the new mode set. */
	{"rnoatime", K_RATIME, MOUNT_ATTR_NOATIME},
	{"rstrictatime", K_RATIME, MOUNT_ATTR_STRICTATIME},
	{"rnorelatime", K_RATIME, MOUNT_ATTR_STRICTATIME},
	{"rrelatime", K_RATIME, MOUNT_ATTR_RELATIME},
	{"ratime", K_RATIME, MOUNT_ATTR_RELATIME},
	{"rnostrictatime", K_RATIME, MOUNT_ATTR_RELATIME},
	{"idmap", K_IDMAP, 0},
	{"ridmap", K_RIDMAP, 0},
	{"tmpcopyup", K_TMPCOPYUP, 0},
};

static int add_data(struct oci_mount *m, const char *o)
{
	size_t old = m->data ? strlen(m->data) : 0;
	char *d = realloc(m->data, old + strlen(o) + 2);

	if (!d)
		return -ENOMEM;
	if (old)
		d[old++] = ',';
	strcpy(d + old, o);
	m->data = d;
	return 0;
}

static const struct opt *find(const char *o)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strcmp(opts[i].name, o))
			return &opts[i];
	return NULL;
}

int oci_mount_options(struct oci_mount *m, const char *field, struct jail_err *e)
{
	m->flags = m->clear = m->propagation = 0;
	m->rattr_set = m->rattr_clr = 0;
	m->bind = m->type && !strcmp(m->type, "bind");
	if (m->bind)
		m->flags |= MS_BIND;
	for (size_t i = 0; i < m->n_options; i++) {
		const char *o = m->options[i];
		const struct opt *d = find(o);

		if (!d) {
			if (!strncmp(o, "idmap=", 6) || !strncmp(o, "ridmap=", 7))
				return jail_err_set(e, -EOPNOTSUPP,
						    "%s.options[%zu]: not supported: '%s': give the "
						    "ranges in uidMappings/gidMappings",
						    field, i, o);
			if (!*o)
				return jail_err_set(e, -EINVAL, "%s.options[%zu]: empty option", field, i);
			if (add_data(m, o) < 0)
				return jail_err_set(e, -ENOMEM, "out of memory");
			continue;
		}
		switch (d->kind) {
		case K_SET:
			m->flags |= d->val;
			m->clear &= ~d->val;
			break;
		case K_CLEAR:
			m->flags &= ~d->val;
			m->clear |= d->val;
			break;
		case K_PROP:
			m->propagation = d->val;
			break;
		case K_RSET:
			m->rattr_set |= d->val;
			m->rattr_clr &= ~(uint64_t)d->val;
			break;
		case K_RCLR:
			m->rattr_clr |= d->val;
			m->rattr_set &= ~(uint64_t)d->val;
			break;
		case K_RATIME:
			m->rattr_set = (m->rattr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | d->val;
			m->rattr_clr |= MOUNT_ATTR__ATIME;
			break;
		case K_BIND:
		case K_RBIND:
			m->bind = true;
			m->flags |= d->val;
			break;
		case K_IDMAP:
			m->idmap = true;
			break;
		case K_RIDMAP:
			m->idmap = m->ridmap = true;
			break;
		case K_TMPCOPYUP:
			m->tmpcopyup = true;
			break;
		case K_NOP:
			break;
		}
	}
	if ((m->idmap || m->n_uid_map || m->n_gid_map) && !m->bind)
		return jail_err_set(e, -EINVAL, "%s: idmapped mounts need a bind mount", field);
	if ((m->n_uid_map == 0) != (m->n_gid_map == 0))
		return jail_err_set(e, -EINVAL, "%s: uidMappings and gidMappings go together", field);
	if (m->n_uid_map && !m->idmap)
		m->idmap = true; /* 1.1 form: mappings without the option word */
	if (m->tmpcopyup && (!m->type || strcmp(m->type, "tmpfs")))
		return jail_err_set(e, -EINVAL, "%s: tmpcopyup is for tmpfs mounts", field);
	return 0;
}

/* systemd's unit-name rule for one slice component. */
static bool slice_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 6 || strcmp(s + n - 6, ".slice") || strchr(s, '/'))
		return false;
	for (const char *p = s; *p; p++)
		if (!(*p == '-' || *p == '.' || *p == '_' || *p == '\\' || *p == ':' ||
		      (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	return true;
}

/* "a-b-c.slice" -> "a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "". */
static int expand_slice(const char *slice, char *out, size_t outsz)
{
	size_t n = strlen(slice) - 6, o = 0;
	const char *base = slice;

	out[0] = '\0';
	if (!strcmp(slice, "-.slice"))
		return 0;
	if (n == 0 || slice[0] == '-' || slice[n - 1] == '-' || strstr(slice, "--"))
		return -EINVAL;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && slice[i] != '-')
			continue;
		int w = snprintf(out + o, outsz - o, "%s%.*s.slice", o ? "/" : "", (int)i, base);
		if (w < 0 || (size_t)w >= outsz - o)
			return -ENAMETOOLONG;
		o += (size_t)w;
	}
	return 0;
}

int oci_cgroups_path_parse(const char *s, bool systemd, struct oci_cgroups_path *out, struct jail_err *e)
{
	char buf[4096];

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return 0;
	out->raw = strdup(s);
	if (!out->raw)
		return jail_err_set(e, -ENOMEM, "out of memory");
	if (!systemd) {
		const char *p = s;

		out->relative = *s != '/';
		while (*p == '/')
			p++;
		/* ".." would leave the hierarchy or the runtime's subtree. */
		for (const char *c = p; (c = strstr(c, "..")); c += 2)
			if ((c == p || c[-1] == '/') && (c[2] == '/' || !c[2]))
				return jail_err_set(e, -EINVAL, "linux.cgroupsPath: '%s': '..' not allowed",
						    s);
		out->path = strdup(p);
	} else {
		char slice[256], prefix[256], name[256];
		const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		char exp[3072];

		if (!c1 || !c2 || strchr(c2 + 1, ':') || (size_t)(c1 - s) >= sizeof(slice) ||
		    (size_t)(c2 - c1 - 1) >= sizeof(prefix) || strlen(c2 + 1) >= sizeof(name))
			return jail_err_set(
				e, -EINVAL,
				"linux.cgroupsPath: '%s': expected slice:prefix:name with --systemd-cgroup",
				s);
		snprintf(slice, sizeof(slice), "%.*s", (int)(c1 - s), s);
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
		snprintf(name, sizeof(name), "%s", c2 + 1);
		if (!*slice)
			strcpy(slice, "system.slice"); /* systemd's default for system units */
		if (!*name || strchr(name, '/') || strchr(prefix, '/') || !slice_ok(slice) ||
		    expand_slice(slice, exp, sizeof(exp)) < 0)
			return jail_err_set(e, -EINVAL,
					    "linux.cgroupsPath: '%s': not a valid slice:prefix:name", s);
		/* A name that is itself a slice is used as is; anything else is
		 * the scope PREFIX-NAME.scope (NAME.scope without a prefix). */
		if (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, ".slice"))
			snprintf(buf, sizeof(buf), "%s%s%s", exp, *exp ? "/" : "", name);
		else
			snprintf(buf, sizeof(buf), "%s%s%s%s%s.scope", exp, *exp ? "/" : "", prefix,
				 *prefix ? "-" : "", name);
		out->systemd = true;
		out->path = strdup(buf);
	}
	return out->path ? 0 : jail_err_set(e, -ENOMEM, "out of memory");
}
