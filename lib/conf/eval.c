/*
 * jail.conf evaluator: FreeBSD's load_config() over the raw blocks. For each
 * real jail it adds the implied "name" (or "jid" for an all-digit block
 * name), merges wildcard blocks and its own block by file position (same
 * parameter with or without "no" replaces, "+=" appends, "name"/"jid" are
 * immutable), then expands variables per jail in FreeBSD's order (a
 * parameter whose value still needs expanding is moved in front of its
 * user, which is visible in `jail -e`). Every produced byte is counted
 * against JCONF_MAX_TOTAL so a small file cannot expand without bound.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "conf/conf_int.h"

#define WP_VAR	     0x1u
#define WP_IMMUTABLE 0x2u
#define WP_BAD	     0x4u

/* A value being expanded: s holds the output so far; raw is non-NULL while
 * variables of the raw string remain (vnext onward). */
struct wstr {
	char *s;
	size_t len, cap;
	const struct rstr *raw;
	size_t vnext, litdone;
};

struct wparam {
	char *name;
	size_t nlen;
	unsigned flags;
	unsigned long gen;
	struct wstr *vals;
	size_t nvals, cap;
	size_t npend; /* values with variables left */
	size_t idx;   /* insertion order, during the merge */
	const char *file;
	int line;
	struct wparam *hnext; /* exact-name chain, during expansion */
	struct wparam *cnext; /* canonical-name chain, during the merge */
};

struct wjail {
	const struct rblock *b;
	struct wparam **ps;
	size_t np, cap;
	bool has_name;
	struct jail_err *err; /* the output jail's error */
	struct wparam **hash;
	size_t hsize;
	struct wparam **chash;
	size_t csize;
};

struct ectx {
	size_t used;
	size_t work;
	struct jail_err *e;
};

/* Bound on cheap evaluation steps, so no input makes evaluation slow. */
#define JCONF_MAX_WORK (1u << 26)

/* Names of jail(8)'s known parameters (config.c intparams): a variable may
 * not be named like one, and "name"/"jid" cannot be redefined. */
static const char *const known_params[] = {
	"allow.dying",
	"command",
	"depend",
	"exec.clean",
	"exec.consolelog",
	"exec.fib",
	"exec.jail_user",
	"exec.poststart",
	"exec.poststop",
	"exec.prepare",
	"exec.prestart",
	"exec.prestop",
	"exec.release",
	"exec.created",
	"exec.start",
	"exec.stop",
	"exec.system_jail_user",
	"exec.system_user",
	"exec.timeout",
	"interface",
	"ip_hostname",
	"mount",
	"mount.devfs",
	"mount.fdescfs",
	"mount.procfs",
	"mount.fstab",
	"stop.timeout",
	"vnet.interface",
	"zfs.dataset",
	"allow.chflags",
	"allow.mount",
	"allow.raw_sockets",
	"allow.set_hostname",
	"allow.socket_af",
	"allow.sysvipc",
	"devfs_ruleset",
	"host.hostname",
	"ip4.addr",
	"ip6.addr",
	"jid",
	"name",
	"path",
	"persist",
	"securelevel",
	"vnet",
};

bool jconf_equalopts(const char *a, const char *b)
{
	const char *p;

	if (!strcmp(a, b))
		return true;
	if (!strncmp(a, "no", 2) && !strcmp(a + 2, b))
		return true;
	if (!strncmp(b, "no", 2) && !strcmp(a, b + 2))
		return true;
	while ((p = strchr(a, '.')) && !strncmp(a, b, (size_t)(p + 1 - a))) {
		b += p + 1 - a;
		a = p + 1;
		if (!strncmp(a, "no", 2) && !strcmp(a + 2, b))
			return true;
		if (!strncmp(b, "no", 2) && !strcmp(a, b + 2))
			return true;
	}
	return false;
}

int jconf_is_wild(const char *name)
{
	for (const char *w = strchr(name, '*'); w; w = strchr(w + 1, '*'))
		if ((w == name || w[-1] == '.') && (w[1] == '\0' || w[1] == '.'))
			return 1;
	return 0;
}

int jconf_wild_match(const char *jname, const char *pattern)
{
	const char *jc = jname, *wc = pattern, *jd, *wd;

	/* A non-final "*" matches one component, a final one the rest. */
	while ((jd = strchr(jc, '.')) && (wd = strchr(wc, '.'))) {
		if (strncmp(jc, wc, (size_t)(jd - jc + 1)) && strncmp(wc, "*.", 2))
			return 0;
		jc = jd + 1;
		wc = wd + 1;
	}
	return !strcmp(jc, wc) || !strcmp(wc, "*");
}

static int work(struct ectx *x, size_t n, const char *file, int line)
{
	if (n > JCONF_MAX_WORK - x->work)
		return jconf_err(x->e, -E2BIG, file, line, "configuration too complex to evaluate");
	x->work += n;
	return 0;
}

static int charge(struct ectx *x, size_t n, const char *file, int line)
{
	if (n > JCONF_MAX_TOTAL - x->used)
		return jconf_err(x->e, -E2BIG, file, line, "configuration expands beyond %u bytes",
				 JCONF_MAX_TOTAL);
	x->used += n;
	return 0;
}

/* Record a per-jail error (FreeBSD's jail_warnx + JF_FAILED); first wins. */
static void jail_fail(struct wjail *w, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void jail_fail(struct wjail *w, const char *file, int line, const char *fmt, ...)
{
	char msg[JAIL_ERR_MAX];
	va_list ap;

	if (w->err->code)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jconf_err(w->err, -EINVAL, file, line, "%s: %s", w->b->name, msg);
}

static void wstr_free(struct wstr *s)
{
	free(s->s);
}

static void wparam_free(struct wparam *p)
{
	if (!p)
		return;
	free(p->name);
	for (size_t i = 0; i < p->nvals; i++)
		wstr_free(&p->vals[i]);
	free(p->vals);
	free(p);
}

static int wstr_append(struct ectx *x, struct wstr *s, const char *src, size_t n, const struct wparam *p)
{
	size_t need = s->len + n + 1, ncap;
	char *b;

	if (s->len + n > JCONF_MAX_VALUE)
		return jconf_err(x->e, -E2BIG, p->file, p->line,
				 "%s: value too long after expansion "
				 "(limit %u bytes)",
				 p->name, JCONF_MAX_VALUE);
	if (charge(x, n, p->file, p->line) < 0)
		return -E2BIG;
	if (need > s->cap) {
		ncap = s->cap ? s->cap : 32;
		while (ncap < need)
			ncap *= 2;
		if (!(b = realloc(s->s, ncap)))
			return jail_err_set(x->e, -ENOMEM, "out of memory");
		s->s = b;
		s->cap = ncap;
	}
	memcpy(s->s + s->len, src, n);
	s->len += n;
	s->s[s->len] = '\0';
	return 0;
}

/* All variables done: add the rest of the literal. */
static int wstr_finish(struct ectx *x, struct wstr *s, struct wparam *p)
{
	const struct rstr *raw = s->raw;

	s->raw = NULL;
	p->npend--;
	return wstr_append(x, s, raw->lit + s->litdone, raw->len - s->litdone, p);
}

/* A copy of a raw string for one jail (each jail expands on its own). */
static int wstr_init(struct ectx *x, struct wstr *s, const struct rstr *raw, struct wparam *p)
{
	memset(s, 0, sizeof(*s));
	if (charge(x, 32, p->file, p->line) < 0)
		return -E2BIG;
	if (raw->nvars) {
		s->raw = raw;
		p->npend++;
		return wstr_append(x, s, "", 0, p);
	}
	return wstr_append(x, s, raw->lit, raw->len, p);
}

static int add_vals(struct ectx *x, struct wparam *p, const struct rstr *vals, size_t n)
{
	if (p->nvals + n > JCONF_MAX_VALUES)
		return jconf_err(x->e, -E2BIG, p->file, p->line, "%s: too many values (limit %u)", p->name,
				 JCONF_MAX_VALUES);
	if (p->nvals + n > p->cap) {
		size_t ncap = p->cap ? p->cap : 4;
		struct wstr *v;

		while (ncap < p->nvals + n)
			ncap *= 2;
		if (!(v = reallocarray(p->vals, ncap, sizeof(*v))))
			return jail_err_set(x->e, -ENOMEM, "out of memory");
		p->vals = v;
		p->cap = ncap;
	}
	for (size_t i = 0; i < n; i++) {
		int r = wstr_init(x, &p->vals[p->nvals], &vals[i], p);

		p->nvals++;
		if (r < 0)
			return r;
	}
	return 0;
}

static bool plain_equal(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d = la > lb ? la - lb : lb - la;

	/* equalopts() can only hold for equal lengths or a "no" apart. */
	if (d != 0 && d != 2)
		return false;
	return jconf_equalopts(a, b);
}

/* Hash of a name with every leading "no" of each component removed:
 * names that equalopts() calls equal hash alike. */
static size_t canon_hash(const char *s)
{
	size_t h = 14695981039346656037ull;
	bool start = true;

	while (*s) {
		if (start)
			while (s[0] == 'n' && s[1] == 'o')
				s += 2;
		if (!*s)
			break;
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
		start = *s++ == '.';
	}
	return h;
}

static int chash_grow(struct ectx *x, struct wjail *w)
{
	size_t n = w->csize ? w->csize : 8;
	struct wparam **t;

	while (n < 2 * (w->np + 1))
		n *= 2;
	if (n == w->csize)
		return 0;
	if (!(t = calloc(n, sizeof(*t))))
		return jail_err_set(x->e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < w->np; i++) {
		size_t h = canon_hash(w->ps[i]->name) & (n - 1);

		w->ps[i]->cnext = t[h];
		t[h] = w->ps[i];
	}
	free(w->chash);
	w->chash = t;
	w->csize = n;
	return 0;
}

/*
 * FreeBSD's add_param(). implied: the jail name's own "name"/"jid".
 * Per-jail errors are recorded in w->err; < 0 only for fatal errors.
 */
static int wadd(struct ectx *x, struct wjail *w, const char *name, unsigned rflags, bool implied,
		const struct rstr *vals, size_t nvals, const char *file, int line)
{
	size_t nlen = strlen(name);
	struct wparam *dp = NULL, *np;
	bool isvar = rflags & RP_VAR;
	size_t h;
	int r;

	if ((r = work(x, 1, file, line)) < 0)
		return r;
	if ((r = chash_grow(x, w)) < 0)
		return r;
	h = canon_hash(name) & (w->csize - 1);
	/* The first in list order, as FreeBSD's TAILQ_FOREACH finds it. An
	 * implied name/jid is only added when that parameter is not yet set,
	 * so FreeBSD does not look it up by name (a "$name" may exist). */
	for (struct wparam *q = implied ? NULL : w->chash[h]; q; q = q->cnext) {
		if ((r = work(x, 1, file, line)) < 0)
			return r;
		if ((!dp || q->idx < dp->idx) && plain_equal(q->name, q->nlen, name, nlen))
			dp = q;
	}
	if (dp) {
		if (isvar != !!(dp->flags & WP_VAR)) {
			jail_fail(w, file, line,
				  "variable \"$%s\" cannot have "
				  "the same name as a parameter.",
				  name);
			return 0;
		}
		if (dp->flags & WP_IMMUTABLE) {
			jail_fail(w, file, line, "cannot redefine parameter \"%s\".", dp->name);
			return 0;
		}
		if (strcmp(dp->name, name)) {
			char *n = strdup(name);

			if (!n)
				return jail_err_set(x->e, -ENOMEM, "out of memory");
			free(dp->name);
			dp->name = n;
			dp->nlen = nlen;
		}
		if (!(rflags & RP_APPEND) || nvals == 0) {
			for (size_t i = 0; i < dp->nvals; i++)
				wstr_free(&dp->vals[i]);
			dp->nvals = 0;
			dp->npend = 0;
		}
		dp->file = file;
		dp->line = line;
		return add_vals(x, dp, vals, nvals);
	}

	if (w->np >= JCONF_MAX_PARAMS)
		return jconf_err(x->e, -E2BIG, file, line, "%s: too many parameters (limit %u)", w->b->name,
				 JCONF_MAX_PARAMS);
	if (w->np == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 16;
		struct wparam **ps = reallocarray(w->ps, ncap, sizeof(*ps));

		if (!ps)
			return jail_err_set(x->e, -ENOMEM, "out of memory");
		w->ps = ps;
		w->cap = ncap;
	}
	if (!(np = calloc(1, sizeof(*np))) || !(np->name = strdup(name))) {
		free(np);
		return jail_err_set(x->e, -ENOMEM, "out of memory");
	}
	np->nlen = nlen;
	np->flags = isvar ? WP_VAR : 0;
	np->file = file;
	np->line = line;
	np->idx = w->np;
	np->cnext = w->chash[h];
	w->chash[h] = np;
	w->ps[w->np++] = np;
	if (charge(x, 64 + nlen, file, line) < 0)
		return -E2BIG;
	if ((r = add_vals(x, np, vals, nvals)) < 0)
		return r;
	if (implied) {
		np->flags |= WP_IMMUTABLE;
		w->has_name |= !strcmp(name, "name");
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(known_params); i++) {
			if (!jconf_equalopts(name, known_params[i]))
				continue;
			if (isvar) {
				jail_fail(w, file, line,
					  "variable \"$%s\" cannot "
					  "have the same name as a parameter.",
					  name);
				return 0;
			}
			if (!strcmp(known_params[i], "name") || !strcmp(known_params[i], "jid"))
				np->flags |= WP_IMMUTABLE;
			w->has_name |= !strcmp(known_params[i], "name");
			break;
		}
	}
	return 0;
}

static int wadd_block(struct ectx *x, struct wjail *w, const struct rblock *b)
{
	for (size_t i = 0; i < b->nparams; i++) {
		const struct rparam *p = &b->params[i];
		int r = wadd(x, w, p->name, p->flags, false, p->vals, p->nvals, p->file, p->line);

		if (r < 0)
			return r;
	}
	return 0;
}

static int wadd_implied(struct ectx *x, struct wjail *w, const char *pname)
{
	struct rstr v = {.lit = w->b->name, .len = strlen(w->b->name)};

	return wadd(x, w, pname, RP_APPEND, true, &v, 1, w->b->file, w->b->line);
}

static size_t hash_name(const char *s)
{
	size_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int hash_build(struct wjail *w, struct ectx *x)
{
	size_t n = 16;

	while (n < w->np * 2)
		n *= 2;
	if (!(w->hash = calloc(n, sizeof(*w->hash))))
		return jail_err_set(x->e, -ENOMEM, "out of memory");
	w->hsize = n;
	/* Backwards, so the first of equal names heads its chain. */
	for (size_t i = w->np; i-- > 0;) {
		size_t h = hash_name(w->ps[i]->name) & (n - 1);

		w->ps[i]->hnext = w->hash[h];
		w->hash[h] = w->ps[i];
	}
	return 0;
}

static struct wparam *hash_find(const struct wjail *w, const char *name)
{
	struct wparam *p = w->hash[hash_name(name) & (w->hsize - 1)];

	while (p && strcmp(p->name, name))
		p = p->hnext;
	return p;
}

/* Values 1.. of a list variable become values of their own after s. (This
 * is what FreeBSD's config.c means to do; there the code then removes a
 * variable from the wrong, empty list and crashes.) */
static int insert_rest(struct ectx *x, struct wparam *p, size_t si, const struct wparam *vp)
{
	size_t extra = vp->nvals - 1;
	struct wstr *v;

	if (p->nvals + extra > JCONF_MAX_VALUES)
		return jconf_err(x->e, -E2BIG, p->file, p->line, "%s: too many values (limit %u)", p->name,
				 JCONF_MAX_VALUES);
	if (!(v = reallocarray(p->vals, p->nvals + extra, sizeof(*v))))
		return jail_err_set(x->e, -ENOMEM, "out of memory");
	p->vals = v;
	p->cap = p->nvals + extra;
	memmove(v + si + 1 + extra, v + si + 1, (p->nvals - si - 1) * sizeof(*v));
	for (size_t k = 0; k < extra; k++) {
		struct wstr *n = &v[si + 1 + k];
		const struct wstr *src = &vp->vals[k + 1];

		memset(n, 0, sizeof(*n));
		p->nvals++;
		if (charge(x, 32, p->file, p->line) < 0 || wstr_append(x, n, src->s, src->len, p) < 0)
			return x->e->code;
	}
	return 0;
}

/* FreeBSD's variable resolution loop in load_config(). */
static int resolve(struct ectx *x, struct wjail *w)
{
	unsigned long pgen = 0;
	int r;

	if ((r = hash_build(w, x)) < 0)
		return r;
	for (size_t pi = 0; pi < w->np; pi++) {
		struct wparam *p = w->ps[pi];
		size_t depth = 0;

		p->gen = ++pgen;
	find_vars:
		for (size_t si = 0; si < p->nvals; si++) {
			while (p->vals[si].raw) {
				struct wstr *s = &p->vals[si];
				const struct rvar *v = &s->raw->vars[s->vnext];
				struct wparam *vp = hash_find(w, v->name);

				if (work(x, 1, p->file, p->line) < 0)
					return x->e->code;

				if (!vp || vp->nvals == 0) {
					jail_fail(w, p->file, p->line, "%s: variable \"%s\" not found",
						  p->name, v->name);
					goto bad_var;
				}
				if (vp->flags & WP_BAD)
					goto bad_var;
				if (vp->gen == pgen) {
					jail_fail(w, p->file, p->line, "%s: variable loop", v->name);
					goto bad_var;
				}
				if (vp->npend) {
					size_t vi = pi + 1;

					if (++depth > JCONF_MAX_VAR_DEPTH)
						return jconf_err(x->e, -E2BIG, p->file, p->line,
								 "%s: %s: variables nested "
								 "too deeply (limit %u)",
								 w->b->name, p->name, JCONF_MAX_VAR_DEPTH);

					while (w->ps[vi] != vp)
						vi++;
					memmove(w->ps + pi + 1, w->ps + pi, (vi - pi) * sizeof(*w->ps));
					w->ps[pi] = vp;
					vp->gen = pgen;
					p = vp;
					goto find_vars;
				}
				if (vp->nvals > 1 &&
				    (s->raw->len > 0 || s->len > 0 || s->vnext + 1 < s->raw->nvars)) {
					jail_fail(w, p->file, p->line,
						  "%s: array cannot be "
						  "substituted inline",
						  p->name);
					goto bad_var;
				}
				if (wstr_append(x, s, s->raw->lit + s->litdone, v->pos - s->litdone, p) < 0 ||
				    wstr_append(x, s, vp->vals[0].s, vp->vals[0].len, p) < 0)
					return x->e->code;
				s->litdone = v->pos;
				if (++s->vnext == s->raw->nvars && wstr_finish(x, s, p) < 0)
					return x->e->code;
				if (vp->nvals > 1) {
					if (insert_rest(x, p, si, vp) < 0)
						return x->e->code;
					si += vp->nvals - 1;
				}
				continue;
			bad_var:
				/* The chain being expanded sits at pi onward. */
				for (size_t k = pi; k < w->np && w->ps[k]->gen == pgen; k++)
					w->ps[k]->flags |= WP_BAD;
				if (++s->vnext == s->raw->nvars && wstr_finish(x, s, p) < 0)
					return x->e->code;
			}
		}
	}
	return 0;
}

/* Hand the finished parameters (not variables) to the output jail. */
static int export_jail(struct ectx *x, struct wjail *w, struct jconf_jail *j)
{
	if (!(j->name = strdup(w->b->name)))
		return jail_err_set(x->e, -ENOMEM, "out of memory");
	j->file = w->b->file;
	j->line = w->b->line;
	j->params = calloc(w->np ? w->np : 1, sizeof(*j->params));
	if (!j->params)
		return jail_err_set(x->e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < w->np; i++) {
		struct wparam *p = w->ps[i];
		struct jconf_param *o;

		if (p->flags & WP_VAR)
			continue;
		o = &j->params[j->nparams++];
		o->name = TAKE_PTR(p->name);
		o->file = p->file;
		o->line = p->line;
		if (p->nvals == 0)
			continue;
		if (!(o->vals = calloc(p->nvals, sizeof(char *))))
			return jail_err_set(x->e, -ENOMEM, "out of memory");
		for (size_t k = 0; k < p->nvals; k++)
			o->vals[k] = TAKE_PTR(p->vals[k].s);
		o->nvals = p->nvals;
	}
	return 0;
}

static void wjail_free(struct wjail *w)
{
	for (size_t i = 0; i < w->np; i++)
		wparam_free(w->ps[i]);
	free(w->ps);
	free(w->hash);
	free(w->chash);
}

static int eval_jail(struct ectx *x, const struct rconf *rc, const size_t *wild, size_t nwild, size_t bi,
		     struct jconf_jail *out)
{
	const struct rblock *b = rc->blocks[bi];
	struct wjail w = {.b = b, .err = &out->err};
	bool did_self = false;
	char *ep;
	int r;

	r = wadd_implied(x, &w, strtol(b->name, &ep, 10) && !*ep ? "jid" : "name");
	for (size_t k = 0; r >= 0 && k < nwild; k++) {
		size_t wi = wild[k];
		const struct rblock *wb = rc->blocks[wi];

		if ((r = work(x, 1, b->file, b->line)) < 0)
			break;
		if (bi < wi && !did_self) {
			r = wadd_block(x, &w, b);
			did_self = true;
		}
		if (r >= 0 && jconf_wild_match(b->name, wb->name))
			r = wadd_block(x, &w, wb);
	}
	if (r >= 0 && !did_self)
		r = wadd_block(x, &w, b);
	if (r >= 0 && !w.has_name)
		r = wadd_implied(x, &w, "name");
	if (r >= 0)
		r = resolve(x, &w);
	if (r >= 0)
		r = export_jail(x, &w, out);
	wjail_free(&w);
	return r;
}

int jconf_eval(struct rconf *rc, struct jconf *c, struct jail_err *e)
{
	struct ectx x = {.e = e};
	_cleanup_free_ size_t *wild = NULL;
	size_t n = 0, nwild = 0;

	c->files = TAKE_PTR(rc->files);
	c->nfiles = rc->nfiles;
	rc->nfiles = 0;
	for (size_t i = 0; i < rc->nblocks; i++)
		n += !jconf_is_wild(rc->blocks[i]->name);
	c->jails = calloc(n ? n : 1, sizeof(*c->jails));
	wild = calloc(rc->nblocks - n + 1, sizeof(*wild));
	if (!c->jails || !wild)
		return jail_err_set(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < rc->nblocks; i++)
		if (jconf_is_wild(rc->blocks[i]->name))
			wild[nwild++] = i;
	for (size_t i = 0; i < rc->nblocks; i++) {
		int r;

		if (jconf_is_wild(rc->blocks[i]->name))
			continue;
		r = eval_jail(&x, rc, wild, nwild, i, &c->jails[c->njails++]);
		if (r < 0)
			return r;
	}
	return 0;
}

void jconf_free(struct jconf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->njails; i++) {
		struct jconf_jail *j = &c->jails[i];

		for (size_t k = 0; k < j->nparams; k++) {
			for (size_t v = 0; v < j->params[k].nvals; v++)
				free(j->params[k].vals[v]);
			free(j->params[k].vals);
			free(j->params[k].name);
		}
		free(j->params);
		free(j->name);
	}
	free(c->jails);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c);
}
