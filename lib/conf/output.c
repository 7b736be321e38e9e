/*
 * Using an evaluated jail.conf: look up parameters, select jails named on a
 * command line (exact names and FreeBSD wildcards), and print jails the way
 * `jail -e SEP` does (jail.c print_jail/print_param/quoted_print). Nothing
 * here prints: formatted text is returned in a malloc'd string.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "conf/conf_int.h"

const struct jconf_param *jconf_jail_param(const struct jconf_jail *j, const char *name)
{
	for (size_t i = 0; i < j->nparams; i++)
		if (!strcmp(j->params[i].name, name))
			return &j->params[i];
	for (size_t i = 0; i < j->nparams; i++)
		if (jconf_equalopts(j->params[i].name, name))
			return &j->params[i];
	return NULL;
}

int jconf_first_error(const struct jconf *c, struct jail_err *e)
{
	for (size_t i = 0; i < c->njails; i++) {
		if (c->jails[i].err.code) {
			if (e)
				*e = c->jails[i].err;
			return c->jails[i].err.code;
		}
	}
	return 0;
}

const struct jconf_jail *jconf_find(const struct jconf *c, const char *name)
{
	for (size_t i = 0; i < c->njails; i++)
		if (!strcmp(c->jails[i].name, name))
			return &c->jails[i];
	return NULL;
}

int jconf_select(const struct jconf *c, char *const *names, size_t nnames, size_t **idx, size_t *nidx,
		 struct jail_err *e)
{
	_cleanup_free_ bool *sel = calloc(c->njails + 1, sizeof(bool));
	size_t *out, n = 0;

	*idx = NULL;
	*nidx = 0;
	if (!sel)
		return jail_err_set(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < c->njails && nnames == 0; i++)
		sel[i] = true;
	for (size_t k = 0; k < nnames; k++) {
		const struct jconf_jail *j;

		if (jconf_is_wild(names[k])) {
			for (size_t i = 0; i < c->njails; i++)
				if (jconf_wild_match(c->jails[i].name, names[k]))
					sel[i] = true;
			continue;
		}
		if (!(j = jconf_find(c, names[k])))
			return jail_err_set(e, -ENOENT, "\"%s\" not found", names[k]);
		sel[j - c->jails] = true;
	}
	if (!(out = calloc(c->njails + 1, sizeof(*out))))
		return jail_err_set(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < c->njails; i++)
		if (sel[i])
			out[n++] = i;
	*idx = out;
	*nidx = n;
	return 0;
}

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 128;
		char *p;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		if (!(p = realloc(b->s, ncap))) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* quoted_print(): quote empty strings and those with quotes or blanks;
 * backslashes and the quote character get a backslash. */
static void sb_quoted(struct sbuf *b, const char *s)
{
	char qc = !*s					? '"'
		  : strchr(s, '\'')			? '"'
		  : strchr(s, '"')			? '\''
		  : (strchr(s, ' ') || strchr(s, '\t')) ? '"'
							: 0;

	if (qc)
		sb_add(b, &qc, 1);
	for (; *s; s++) {
		if (*s == '\\' || *s == qc)
			sb_add(b, "\\", 1);
		sb_add(b, s, 1);
	}
	if (qc)
		sb_add(b, &qc, 1);
}

static void sb_jail(struct sbuf *b, const struct jconf_jail *j, const char *sep)
{
	bool printsep = false;

	for (size_t i = 0; i < j->nparams; i++) {
		const struct jconf_param *p = &j->params[i];

		if (!strcmp(p->name, "jid"))
			continue;
		if (printsep)
			sb_str(b, sep);
		printsep = true;
		sb_str(b, p->name);
		if (p->nvals == 0)
			continue;
		sb_add(b, "=", 1);
		for (size_t k = 0; k < p->nvals; k++) {
			if (k)
				sb_add(b, ",", 1);
			sb_quoted(b, p->vals[k]);
		}
	}
}

static int sb_done(struct sbuf *b, char **out, struct jail_err *e)
{
	if (!b->oom && !b->s)
		sb_add(b, "", 0);
	if (b->oom) {
		free(b->s);
		return jail_err_set(e, -ENOMEM, "out of memory");
	}
	*out = b->s;
	return 0;
}

int jconf_format_e(const struct jconf_jail *j, const char *sep, char **out, struct jail_err *e)
{
	struct sbuf b = {0};

	*out = NULL;
	sb_jail(&b, j, sep);
	return sb_done(&b, out, e);
}

int jconf_format_e_all(const struct jconf *c, const char *sep, char **out, struct jail_err *e)
{
	struct sbuf b = {0};

	*out = NULL;
	for (size_t i = 0; i < c->njails; i++) {
		sb_jail(&b, &c->jails[i], sep);
		sb_add(&b, "\n", 1);
	}
	return sb_done(&b, out, e);
}

int jconf_quote(const char *s, char **out, struct jail_err *e)
{
	struct sbuf b = {0};

	*out = NULL;
	sb_quoted(&b, s);
	return sb_done(&b, out, e);
}
