/*
 * Where rules live. As on FreeBSD, a rule names its jail and outlives it:
 * rules added with rctl -a (and /etc/rctl.conf at boot) are kept in the
 * registry directory, in rctl.rules, one rule per line in rctl's own
 * format, written under the registry lock by rename. A jail's rctl
 * parameter (jail.conf, a Linux extension) adds rules that live and die
 * with that jail: they are read from its registry state, never stored.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "jail/param.h"
#include "rctl_int.h"

#define STORE_MAX (4 * 1024 * 1024)

void rctl_rules_free(struct rctl_rules *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int rctl_rules_push(struct rctl_rules *l, const struct rctl_rule *r)
{
	struct rctl_rule *nv = realloc(l->v, (size_t)(l->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	l->v = nv;
	l->v[l->n++] = *r;
	return 0;
}

int rctl_store_load(int dirfd, struct rctl_rules *out, struct jail_err *e)
{
	_cleanup_close_ int fd = openat(dirfd, RCTL_STORE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_fclose_ FILE *f = NULL;
	char line[1024];
	int lineno = 0;

	out->v = NULL;
	out->n = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : jail_err_sys(e, -errno, "%s", RCTL_STORE);
	f = fdopen(fd, "re");
	if (!f)
		return jail_err_sys(e, -errno, "%s", RCTL_STORE);
	fd = -1;
	while (fgets(line, sizeof(line), f)) {
		struct rctl_rule r;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		int pr = rctl_rule_parse(line, &r);
		if (pr == 0 && r.per < 0)
			r.per = r.subject;
		if (pr < 0 || !rctl_rule_complete(&r)) {
			rctl_rules_free(out);
			return jail_err_set(e, -EINVAL, "%s: line %d: bad rule '%s'", RCTL_STORE, lineno,
					    line);
		}
		if (rctl_rules_push(out, &r) < 0) {
			rctl_rules_free(out);
			return jail_err_set(e, -ENOMEM, "out of memory");
		}
	}
	return 0;
}

int rctl_store_save(int dirfd, const struct rctl_rules *l, struct jail_err *e)
{
	char tmp[64], rule[512];
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return jail_err_set(e, -ENOMEM, "out of memory");
	for (int i = 0; i < l->n; i++) {
		rctl_rule_format(&l->v[i], rule, sizeof(rule));
		fprintf(m, "%s\n", rule);
	}
	if (fclose(m) != 0)
		return jail_err_set(e, -ENOMEM, "out of memory");
	if (l->n == 0) {
		if (unlinkat(dirfd, RCTL_STORE, 0) < 0 && errno != ENOENT)
			return jail_err_sys(e, -errno, "removing %s", RCTL_STORE);
		return 0;
	}
	snprintf(tmp, sizeof(tmp), ".%s.%d", RCTL_STORE, (int)getpid());
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return jail_err_sys(e, -errno, "%s", tmp);
	int r = write_all(fd, text, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, RCTL_STORE) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return jail_err_sys(e, r, "writing %s", RCTL_STORE);
	}
	return 0;
}

/* One value of the rctl parameter: "memoryuse:deny=1G" or "jail:NAME:memoryuse:deny=1G". */
static int param_rule(const char *name, const char *v, struct rctl_rule *r, struct jail_err *e)
{
	char full[1024], exp[1024];
	int colons = 0;

	for (const char *c = v; *c; c++)
		colons += *c == ':';
	if (colons >= 3)
		snprintf(full, sizeof(full), "%s", v);
	else
		snprintf(full, sizeof(full), "jail:%s:%s", name, v);
	int ret = rctl_expand_rule_as(full, v, false, exp, sizeof(exp), e);
	if (ret < 0)
		return jail_err_prefix(e, "rctl");
	ret = rctl_rule_parse(exp, r);
	if (ret == 0 && r->per < 0)
		r->per = r->subject;
	if (ret < 0 || !rctl_rule_complete(r))
		return jail_err_set(e, ret < 0 ? ret : -EINVAL, "rctl: malformed rule '%s'", v);
	if (r->subject != RS_JAIL || strcmp(r->id, name) != 0)
		return jail_err_set(e, -EINVAL,
				    "rctl: '%s': a jail's rctl parameter holds rules for that jail only", v);
	ret = rctl_rule_check(r, e);
	if (ret < 0) {
		char msg[JAIL_ERR_MAX];
		snprintf(msg, sizeof(msg), "%s", e->msg);
		return jail_err_set(e, ret, "rctl: '%s': %s%s%s", v, strerror(-ret), msg[0] ? ": " : "", msg);
	}
	r->from_conf = true;
	return 0;
}

int rctl_param_rules(const char *name, const struct jail_params *p, struct rctl_rules *out,
		     struct jail_err *e)
{
	const struct jail_param_val *v = jail_params_get(p, JP_RCTL);

	for (size_t i = 0; i < v->n; i++) {
		struct rctl_rule r;
		int ret = param_rule(name, v->v[i], &r, e);
		if (ret < 0)
			return ret;
		if (rctl_rules_push(out, &r) < 0)
			return jail_err_set(e, -ENOMEM, "out of memory");
	}
	return 0;
}

int rctl_jail_rules(const char *regdir, const char *name, const struct jail_params *p, struct rctl_rules *out,
		    struct jail_err *e)
{
	struct rctl_rules all;
	_cleanup_close_ int dfd = open(regdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int ret;

	out->v = NULL;
	out->n = 0;
	if (dfd < 0)
		return jail_err_sys(e, -errno, "%s", regdir);
	ret = rctl_store_load(dfd, &all, e);
	if (ret < 0)
		return ret;
	for (int i = 0; i < all.n && ret == 0; i++)
		if (all.v[i].subject == RS_JAIL && !strcmp(all.v[i].id, name))
			ret = rctl_rules_push(out, &all.v[i]) < 0 ? jail_err_set(e, -ENOMEM, "out of memory")
								  : 0;
	rctl_rules_free(&all);
	if (ret == 0 && p)
		ret = rctl_param_rules(name, p, out, e);
	if (ret < 0)
		rctl_rules_free(out);
	return ret;
}
