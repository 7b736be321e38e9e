/*
 * The parameter table and the value store. Every value that enters a
 * jail_params goes through validate(), so the typed getters below can trust
 * what they read. FreeBSD's spellings are accepted as jail(8) accepts them:
 * bare booleans, "no" on the last name component, "=true/false/NUMBER".
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "jail/param.h"
#include "urange.h"

#define VALUE_MAX 65536 /* one value */
#define LIST_MAX  1024	/* values in one list */

const struct jail_param_def jail_param_defs[JP__COUNT] = {
#define X(id, pname, ptype, pflags, pdflt) [JP_##id] = {pname, ptype, pflags, pdflt},
	JAIL_PARAM_TABLE(X)
#undef X
};

int jail_param_lookup(const char *name, bool *negated)
{
	const char *last, *dot;
	char buf[128];
	size_t pre;

	*negated = false;
	for (int i = 0; i < JP__COUNT; i++)
		if (strcmp(jail_param_defs[i].name, name) == 0)
			return i;
	/* "nopersist", "allow.nomount", "mount.nodevfs" */
	dot = strrchr(name, '.');
	last = dot ? dot + 1 : name;
	if (strncmp(last, "no", 2) != 0 || strlen(name) + 1 > sizeof(buf))
		return -ENOENT;
	pre = (size_t)(last - name);
	memcpy(buf, name, pre);
	strcpy(buf + pre, last + 2);
	for (int i = 0; i < JP__COUNT; i++)
		if (jail_param_defs[i].type == JPT_BOOL && strcmp(jail_param_defs[i].name, buf) == 0) {
			*negated = true;
			return i;
		}
	return -ENOENT;
}

int jail_parse_bool(const char *s, bool *out)
{
	char *end;
	long v;

	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off")) {
		*out = false;
		return 0;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno)
		return -EINVAL;
	*out = v != 0;
	return 0;
}

static int parse_int(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno)
		return -EINVAL;
	return 0;
}

int jail_name_valid(const char *name, struct jail_err *e)
{
	size_t len = strlen(name);

	if (len == 0)
		return jail_err_set(e, -EINVAL, "name: empty name");
	if (len > 255)
		return jail_err_set(e, -ENAMETOOLONG, "name: '%.32s...': name too long", name);
	if (strchr(name, '.'))
		return jail_err_set(e, -EINVAL,
				    "name: '%s': child jails (names with '.') are not supported yet", name);
	if (strcmp(name, "*") == 0 || strchr(name, '/') || strchr(name, '\n'))
		return jail_err_set(e, -EINVAL, "name: '%s': invalid jail name", name);
	for (const char *c = name; *c; c++)
		if (!isprint((unsigned char)*c) || isspace((unsigned char)*c))
			return jail_err_set(e, -EINVAL, "name: invalid character in jail name");
	return 0;
}

static int validate(enum jail_param_id id, const char *v, struct jail_err *e)
{
	const struct jail_param_def *d = &jail_param_defs[id];
	long n;
	bool b;

	if (strlen(v) > VALUE_MAX)
		return jail_err_set(e, -E2BIG, "%s: value too long", d->name);
	switch (d->type) {
	case JPT_BOOL:
		if (jail_parse_bool(v, &b) < 0)
			return jail_err_set(e, -EINVAL, "%s: unknown boolean value \"%s\"", d->name, v);
		break;
	case JPT_INT:
		if (parse_int(v, &n) < 0 || n < INT_MIN || n > INT_MAX)
			return jail_err_set(e, -EINVAL, "%s: invalid integer \"%s\"", d->name, v);
		break;
	case JPT_IPMODE:
	case JPT_SYSV:
		if (strcmp(v, "new") && strcmp(v, "inherit") && strcmp(v, "disable"))
			return jail_err_set(e, -EINVAL, "%s: invalid value \"%s\" (new, inherit or disable)",
					    d->name, v);
		break;
	case JPT_NEWINH:
		if (strcmp(v, "new") && strcmp(v, "inherit"))
			return jail_err_set(e, -EINVAL, "%s: invalid value \"%s\" (new or inherit)", d->name,
					    v);
		break;
	default:
		break;
	}
	switch (id) {
	case JP_JID:
		if (parse_int(v, &n) < 0 || n < 1)
			return jail_err_set(e, -EINVAL, "jid: invalid jid \"%s\"", v);
		/* FreeBSD never hands out more (kern_jail.c JAIL_MAX); names up to it stay JIDs. */
		if (n > JAIL_JID_MAX)
			return jail_err_set(e, -EINVAL, "jid: %ld: above the limit of %d", n, JAIL_JID_MAX);
		break;
	case JP_NAME:
		return jail_name_valid(v, e);
	case JP_PATH:
		if (v[0] != '/')
			return jail_err_set(e, -EINVAL, "path: '%s': not an absolute path", v);
		break;
	case JP_HOSTNAME:
	case JP_DOMAINNAME:
		if (strlen(v) > 64)
			return jail_err_set(e, -ENAMETOOLONG, "%s: \"%s\": longer than 64 characters",
					    d->name, v);
		break;
	case JP_SECURELEVEL:
		parse_int(v, &n);
		if (n < -1 || n > 3)
			return jail_err_set(e, -EINVAL, "securelevel: %ld: must be -1 to 3", n);
		break;
	case JP_ENFORCE_STATFS:
		parse_int(v, &n);
		if (n < 0 || n > 2)
			return jail_err_set(e, -EINVAL, "enforce_statfs: %ld: must be 0, 1 or 2", n);
		/* A mount namespace shows the jail its own mounts only: 1 and 2 alike, 0 cannot be had. */
		if (n == 0)
			return jail_err_set(
				e, -ENOTSUP,
				"enforce_statfs: 0: the host's mounts cannot be shown in a jail on Linux "
				"(1 and 2 both show the jail's own)");
		break;
	case JP_DEVFS_RULESET:
		parse_int(v, &n);
		if (n != 4 && n != 0)
			return jail_err_set(
				e, -EINVAL,
				"devfs_ruleset: %ld: only ruleset 4 (devfsrules_jail) exists here", n);
		break;
	case JP_USER_RANGE: {
		struct jail_range r;
		return jail_range_parse(v, &r, e);
	}
	case JP_CHILDREN_MAX:
	case JP_STOP_TIMEOUT:
		parse_int(v, &n);
		if (n < 0)
			return jail_err_set(e, -EINVAL, "%s: %ld: must not be negative", d->name, n);
		break;
	default:
		break;
	}
	return 0;
}

void jail_params_clear(struct jail_params *p, enum jail_param_id id)
{
	struct jail_param_val *pv = &p->val[id];

	for (size_t i = 0; i < pv->n; i++)
		free(pv->v[i]);
	free(pv->v);
	pv->v = NULL;
	pv->n = 0;
	pv->set = false;
}

void jail_params_free(struct jail_params *p)
{
	for (int i = 0; i < JP__COUNT; i++)
		jail_params_clear(p, (enum jail_param_id)i);
}

int jail_params_set(struct jail_params *p, enum jail_param_id id, const char *const *vals, size_t n,
		    bool append, struct jail_err *e)
{
	const struct jail_param_def *d = &jail_param_defs[id];
	struct jail_param_val *pv = &p->val[id];
	bool list = d->type == JPT_LIST || d->type == JPT_CMDLIST;
	size_t base;
	char **nv;
	int r;

	if (d->flags & JPF_RDONLY)
		return jail_err_set(e, -EPERM, "%s: read-only parameter", d->name);
	if (!list && (n != 1 || append))
		return jail_err_set(e, -EINVAL, "%s: not a list parameter", d->name);
	for (size_t i = 0; i < n; i++) {
		r = validate(id, vals[i], e);
		if (r < 0)
			return r;
	}
	if (!append)
		jail_params_clear(p, id);
	base = pv->n;
	if (base + n > LIST_MAX)
		return jail_err_set(e, -E2BIG, "%s: more than %d values", d->name, LIST_MAX);
	nv = realloc(pv->v, (base + n + 1) * sizeof(*nv));
	if (!nv)
		return jail_err_set(e, -ENOMEM, "%s: out of memory", d->name);
	pv->v = nv;
	for (size_t i = 0; i < n; i++) {
		nv[base + i] = strdup(vals[i]);
		if (!nv[base + i]) {
			pv->n = base + i;
			return jail_err_set(e, -ENOMEM, "%s: out of memory", d->name);
		}
	}
	pv->n = base + n;
	nv[pv->n] = NULL;
	pv->set = true;
	return 0;
}

int jail_params_copy(struct jail_params *dst, const struct jail_params *src, struct jail_err *e)
{
	*dst = (struct jail_params){0};
	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_val *v = &src->val[i];
		int r;
		if (!v->set)
			continue;
		if (v->n == 0) {
			dst->val[i].set = true;
			continue;
		}
		r = jail_params_set(dst, (enum jail_param_id)i, (const char *const *)v->v, v->n, false, e);
		if (r < 0) {
			jail_params_free(dst);
			return r;
		}
	}
	return 0;
}

int jail_params_set_arg(struct jail_params *p, const char *arg, bool split, struct jail_err *e)
{
	_cleanup_free_ char *name = NULL, *copy = NULL;
	const char *eq = strchr(arg, '=');
	const char *value, *vals[LIST_MAX];
	bool append = false, negated;
	size_t n = 0;
	int id;

	name = eq ? strndup(arg, (size_t)(eq - arg)) : strdup(arg);
	if (!name)
		return jail_err_set(e, -ENOMEM, "out of memory");
	if (eq && eq > arg && eq[-1] == '+') {
		append = true;
		name[eq - arg - 1] = '\0';
	}
	id = jail_param_lookup(name, &negated);
	if (id < 0)
		return jail_err_set(e, -ENOENT, "unknown parameter: %s", name);
	const struct jail_param_def *d = &jail_param_defs[id];
	if (!eq) {
		/* FreeBSD's jailsys parameters given bare mean "new" (vnet;). */
		if (d->type == JPT_NEWINH || d->type == JPT_IPMODE)
			return jail_params_set(p, (enum jail_param_id)id, (const char *[]){"new"}, 1, false,
					       e);
		if (d->type != JPT_BOOL)
			return jail_err_set(e, -EINVAL, "%s: value required", d->name);
		return jail_params_set(p, (enum jail_param_id)id,
				       (const char *[]){negated ? "false" : "true"}, 1, false, e);
	}
	if (negated)
		return jail_err_set(e, -EINVAL, "%s: a \"no\" parameter takes no value", name);
	value = eq + 1;
	if (d->type == JPT_LIST && split) {
		copy = strdup(value);
		if (!copy)
			return jail_err_set(e, -ENOMEM, "out of memory");
		char *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (n == LIST_MAX)
				return jail_err_set(e, -E2BIG, "%s: too many values", d->name);
			vals[n++] = t;
		}
		if (n == 0 && !append) {
			jail_params_clear(p, (enum jail_param_id)id);
			p->val[id].set = true;
			return 0;
		}
	} else {
		vals[n++] = value;
	}
	return jail_params_set(p, (enum jail_param_id)id, vals, n, append, e);
}

const struct jail_param_val *jail_params_get(const struct jail_params *p, enum jail_param_id id)
{
	return &p->val[id];
}

bool jail_params_isset(const struct jail_params *p, enum jail_param_id id)
{
	return p->val[id].set;
}

const char *jail_params_str(const struct jail_params *p, enum jail_param_id id)
{
	const struct jail_param_val *pv = &p->val[id];

	if (pv->set && pv->n > 0)
		return pv->v[pv->n - 1];
	return jail_param_defs[id].dflt;
}

long jail_params_int(const struct jail_params *p, enum jail_param_id id)
{
	const char *s = jail_params_str(p, id);
	long v = 0;

	if (s)
		parse_int(s, &v);
	return v;
}

bool jail_params_bool(const struct jail_params *p, enum jail_param_id id)
{
	const char *s = jail_params_str(p, id);
	bool b = false;

	if (s)
		jail_parse_bool(s, &b);
	return b;
}
