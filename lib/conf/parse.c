/*
 * jail.conf parser: a recursive-descent reading of FreeBSD's jailparse.y
 * (nested jail blocks named parent.child, parameters, "$var" definitions,
 * ".include" with globs) that builds raw blocks in FreeBSD's creation order.
 * Global parameters go to a "*" pseudo-block at their place in the file, so
 * globals above a jail are defaults and globals below it win. It also owns
 * reading files (size-limited) and the public parse entry points.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "conf/conf_int.h"

struct pctx {
	struct rconf *rc;
	unsigned flags;
	int incdepth;
};

struct pfile {
	struct clex lex;
	struct ctoken tok;
	bool have;
	bool is_stdin;
	const char *fname;
};

static int parse_conf(struct pctx *x, struct pfile *f, struct rblock *cur, int depth, struct jail_err *e);

int jconf_err(struct jail_err *e, int code, const char *file, int line, const char *fmt, ...)
{
	char msg[JAIL_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		jail_err_set(e, code, "%s:%d: %s", file, line, msg);
	else
		jail_err_set(e, code, "%s: %s", file, msg);
	return code;
}

void rstr_free(struct rstr *s)
{
	free(s->lit);
	for (size_t i = 0; i < s->nvars; i++)
		free(s->vars[i].name);
	free(s->vars);
}

static void rparam_free(struct rparam *p)
{
	free(p->name);
	for (size_t i = 0; i < p->nvals; i++)
		rstr_free(&p->vals[i]);
	free(p->vals);
}

void rconf_free(struct rconf *rc)
{
	if (!rc)
		return;
	for (size_t i = 0; i < rc->nblocks; i++) {
		struct rblock *b = rc->blocks[i];

		for (size_t k = 0; k < b->nparams; k++)
			rparam_free(&b->params[k]);
		free(b->params);
		free(b->name);
		free(b);
	}
	free(rc->blocks);
	for (size_t i = 0; i < rc->nfiles; i++)
		free(rc->files[i]);
	free(rc->files);
	free(rc);
}

/* Grow *arr (of *cap elements of size sz) to hold at least n elements. */
static int grow(void *arr, size_t *cap, size_t n, size_t sz)
{
	void **a = arr;
	size_t ncap;
	void *p;

	if (n <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < n)
		ncap *= 2;
	p = reallocarray(*a, ncap, sz);
	if (!p)
		return -ENOMEM;
	*a = p;
	*cap = ncap;
	return 0;
}

static const char *rconf_addfile(struct rconf *rc, const char *name, struct jail_err *e)
{
	char *dup;

	if (rc->nfiles >= JCONF_MAX_FILES) {
		jconf_err(e, -E2BIG, name, 0,
			  "too many configuration files "
			  "(limit %u)",
			  JCONF_MAX_FILES);
		return NULL;
	}
	if (grow(&rc->files, &rc->filecap, rc->nfiles + 1, sizeof(char *)) < 0 || !(dup = strdup(name))) {
		jail_err_set(e, -ENOMEM, "out of memory");
		return NULL;
	}
	rc->files[rc->nfiles++] = dup;
	return dup;
}

static struct rblock *rconf_addblock(struct rconf *rc, char *name, const char *file, int line,
				     struct jail_err *e)
{
	struct rblock *b;

	if (rc->nblocks >= JCONF_MAX_BLOCKS) {
		free(name);
		return jconf_err(e, -E2BIG, file, line,
				 "too many jail blocks "
				 "(limit %u)",
				 JCONF_MAX_BLOCKS),
		       NULL;
	}
	if (grow(&rc->blocks, &rc->cap, rc->nblocks + 1, sizeof(*rc->blocks)) < 0 ||
	    !(b = calloc(1, sizeof(*b)))) {
		free(name);
		jail_err_set(e, -ENOMEM, "out of memory");
		return NULL;
	}
	b->name = name;
	b->file = file;
	b->line = line;
	rc->blocks[rc->nblocks++] = b;
	return b;
}

/* Read a whole file, at most JCONF_MAX_FILE_SIZE bytes. */
static int read_all(int fd, const char *name, char **buf, size_t *len, struct jail_err *e)
{
	_cleanup_free_ char *b = NULL;
	size_t n = 0, cap = 0;

	for (;;) {
		ssize_t r;

		if (grow(&b, &cap, n + 65536, 1) < 0)
			return jail_err_set(e, -ENOMEM, "out of memory");
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return jail_err_sys(e, -errno, "%s", name);
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > JCONF_MAX_FILE_SIZE)
			return jconf_err(e, -EFBIG, name, 0, "file too large (limit %u bytes)",
					 JCONF_MAX_FILE_SIZE);
	}
	*buf = TAKE_PTR(b);
	*len = n;
	return 0;
}

static void tok_clear(struct ctoken *t)
{
	free(t->text);
	t->text = NULL;
}

static int peek(struct pfile *f, struct jail_err *e)
{
	int r;

	if (f->have)
		return 0;
	r = clex_next(&f->lex, &f->tok, e);
	if (r < 0)
		return r;
	f->tok.endline = f->lex.line;
	f->have = true;
	return 0;
}

/* Hand the lookahead token over (its text now belongs to the caller). */
static struct ctoken take(struct pfile *f)
{
	struct ctoken t = f->tok;

	f->have = false;
	f->tok.text = NULL;
	return t;
}

static bool is_char(const struct ctoken *t, char c)
{
	return t->type == CT_CHAR && t->ch == c;
}

/* yacc's message: "TOKEN: syntax error", or "unexpected EOF". */
static int syntax_error(struct pfile *f, const struct ctoken *t, struct jail_err *e)
{
	size_t n = t->rawlen;

	if (t->type == CT_EOF)
		return jconf_err(e, -EINVAL, f->fname, f->lex.line, "unexpected EOF");
	if (n > JAIL_ERR_MAX)
		n = JAIL_ERR_MAX;
	return jconf_err(e, -EINVAL, f->fname, t->endline, "%.*s: syntax error", (int)n, f->lex.buf + t->raw);
}

/* string := (STR | VAR) { STR1 | VAR1 } */
static int parse_string(struct pfile *f, struct rstr *s, struct jail_err *e)
{
	size_t cap = 0, vcap = 0;
	bool first = true;
	int r;

	memset(s, 0, sizeof(*s));
	if (!(s->lit = strdup("")))
		return jail_err_set(e, -ENOMEM, "out of memory");
	cap = 1;
	for (;;) {
		struct ctoken t;

		if ((r = peek(f, e)) < 0)
			return r;
		if (first ? (f->tok.type != CT_STR && f->tok.type != CT_VAR)
			  : (f->tok.type != CT_STR1 && f->tok.type != CT_VAR1))
			return first ? syntax_error(f, &f->tok, e) : 0;
		first = false;
		t = take(f);
		if (t.type == CT_STR || t.type == CT_STR1) {
			if (grow(&s->lit, &cap, s->len + t.tlen + 1, 1) < 0) {
				tok_clear(&t);
				return jail_err_set(e, -ENOMEM, "out of memory");
			}
			memcpy(s->lit + s->len, t.text, t.tlen + 1);
			s->len += t.tlen;
			tok_clear(&t);
		} else {
			if (grow(&s->vars, &vcap, s->nvars + 1, sizeof(*s->vars)) < 0) {
				tok_clear(&t);
				return jail_err_set(e, -ENOMEM, "out of memory");
			}
			s->vars[s->nvars].name = t.text;
			s->vars[s->nvars++].pos = s->len;
		}
	}
}

/* value := string { ',' string } */
static int parse_value(struct pfile *f, struct rparam *p, struct jail_err *e)
{
	size_t cap = 0;
	int r;

	for (;;) {
		if (grow(&p->vals, &cap, p->nvals + 1, sizeof(*p->vals)) < 0)
			return jail_err_set(e, -ENOMEM, "out of memory");
		r = parse_string(f, &p->vals[p->nvals], e);
		p->nvals++;
		if (r < 0)
			return r;
		if ((r = peek(f, e)) < 0)
			return r;
		if (!is_char(&f->tok, ','))
			return 0;
		take(f);
	}
}

static int parse_path(struct pctx *x, const char *path, struct rblock *cur, int depth, struct jail_err *e);

/* FreeBSD's include_config(): relative to the including file, a glob may
 * match nothing, a plain name must exist. */
static int do_include(struct pctx *x, struct pfile *f, const struct rparam *p, struct rblock *cur, int depth,
		      struct jail_err *e)
{
	if (x->flags & JCONF_NO_INCLUDE)
		return jconf_err(e, -EPERM, f->fname, p->line, ".include not permitted here");
	for (size_t i = 0; i < p->nvals; i++) {
		const struct rstr *s = &p->vals[i];
		_cleanup_free_ char *full = NULL;
		const char *name = s->lit, *slash;
		glob_t g;
		int r;

		if (s->nvars)
			return jconf_err(e, -EINVAL, f->fname, p->line,
					 "variables not permitted in "
					 "'.include' filename");
		if (x->incdepth + 1 > JCONF_MAX_INCLUDE_DEPTH)
			return jconf_err(e, -ELOOP, f->fname, p->line, "maximum include depth exceeded");
		if (!f->is_stdin && name[0] != '/' && (slash = strrchr(f->fname, '/'))) {
			if (asprintf(&full, "%.*s%s", (int)(slash - f->fname + 1), f->fname, name) < 0) {
				full = NULL;
				return jail_err_set(e, -ENOMEM, "out of memory");
			}
			name = full;
		}
		if (!strpbrk(name, "*?[")) {
			if ((r = parse_path(x, name, cur, depth, e)) < 0)
				return r;
			continue;
		}
		r = glob(name, 0, NULL, &g);
		if (r == GLOB_NOMATCH)
			continue;
		if (r != 0)
			return jconf_err(e, -EINVAL, name, 0, "filename glob failed");
		for (size_t k = 0; k < g.gl_pathc; k++)
			if ((r = parse_path(x, g.gl_pathv[k], cur, depth, e)) < 0)
				break;
		globfree(&g);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_param(struct pctx *x, struct pfile *f, struct rblock *cur, struct rparam *p,
		     struct jail_err *e)
{
	if (!cur) {
		struct rconf *rc = x->rc;
		struct rblock *last = rc->nblocks ? rc->blocks[rc->nblocks - 1] : NULL;
		char *star;

		cur = last;
		if (!last || strcmp(last->name, "*")) {
			if (!(star = strdup("*")))
				return jail_err_set(e, -ENOMEM, "out of memory");
			cur = rconf_addblock(rc, star, f->fname, p->line, e);
			if (!cur)
				return e->code;
		}
	}
	if (grow(&cur->params, &cur->cap, cur->nparams + 1, sizeof(*cur->params)) < 0)
		return jail_err_set(e, -ENOMEM, "out of memory");
	cur->params[cur->nparams++] = *p;
	memset(p, 0, sizeof(*p));
	return 0;
}

/* param := name [ ('=' | '+=') value | value ] ';'  (name already taken) */
static int parse_param(struct pctx *x, struct pfile *f, struct ctoken *name, struct rblock *cur, int depth,
		       struct jail_err *e)
{
	struct rparam p = {
		.name = name->text,
		.flags = name->type == CT_VAR ? RP_VAR : 0,
		.file = f->fname,
		.line = name->line,
	};
	bool nameval = false;
	int r;

	name->text = NULL;

	if ((r = peek(f, e)) < 0)
		goto out;
	if (is_char(&f->tok, '=')) {
		take(f);
		r = parse_value(f, &p, e);
	} else if (f->tok.type == CT_PLEQ) {
		take(f);
		p.flags |= RP_APPEND;
		r = parse_value(f, &p, e);
	} else if (f->tok.type == CT_STR || f->tok.type == CT_VAR) {
		nameval = true;
		r = parse_value(f, &p, e);
	} else if (!is_char(&f->tok, ';')) {
		r = syntax_error(f, &f->tok, e);
	}
	if (r < 0 || (r = peek(f, e)) < 0)
		goto out;
	if (!is_char(&f->tok, ';')) {
		r = syntax_error(f, &f->tok, e);
		goto out;
	}
	take(f);
	if (nameval && p.flags == 0 && !strcmp(p.name, ".include"))
		r = do_include(x, f, &p, cur, depth, e);
	else
		r = add_param(x, f, cur, &p, e);
out:
	rparam_free(&p);
	return r;
}

/*
 * A block name in pieces: jaillex.l returns "a." and "*" of `a.* {` as STR
 * and STR1 (a lone "*" is a token of its own), so the pieces up to '{' make
 * the name, as FreeBSD reads it; quoted pieces never do (a"b" { is an
 * error). Anything but '{' after them is the syntax error at the first
 * piece that the parameter rule would have reported.
 * Returns 0 with t->text extended and '{' next, or < 0.
 */
static bool quoted(const struct pfile *f, const struct ctoken *t)
{
	return t->rawlen > 0 && (f->lex.buf[t->raw] == '"' || f->lex.buf[t->raw] == '\'');
}

static int block_name(struct pfile *f, struct ctoken *t, struct jail_err *e)
{
	struct ctoken first = f->tok;
	size_t len = t->tlen;
	int r = 0;

	first.text = NULL;
	while (r == 0 && f->tok.type == CT_STR1 && !quoted(f, &f->tok)) {
		struct ctoken p = take(f);
		char *n = realloc(t->text, len + p.tlen + 1);
		if (!n) {
			tok_clear(&p);
			return jail_err_set(e, -ENOMEM, "out of memory");
		}
		memcpy(n + len, p.text, p.tlen + 1);
		t->text = n;
		len += p.tlen;
		t->tlen = len;
		tok_clear(&p);
		r = peek(f, e);
	}
	if (r < 0)
		return r;
	return is_char(&f->tok, '{') ? 0 : syntax_error(f, &first, e);
}

/* conf := { STR '{' conf '}' | param ';' | ';' } */
static int parse_conf(struct pctx *x, struct pfile *f, struct rblock *cur, int depth, struct jail_err *e)
{
	for (;;) {
		struct ctoken t;
		int r;

		if ((r = peek(f, e)) < 0)
			return r;
		if (f->tok.type == CT_EOF)
			return 0;
		if (is_char(&f->tok, '}')) {
			if (depth > 0 && cur)
				return 0;
			return syntax_error(f, &f->tok, e);
		}
		if (is_char(&f->tok, ';')) {
			take(f);
			continue;
		}
		if (f->tok.type != CT_STR && f->tok.type != CT_VAR)
			return syntax_error(f, &f->tok, e);
		t = take(f);
		if ((r = peek(f, e)) < 0) {
			tok_clear(&t);
			return r;
		}
		if (t.type == CT_STR && f->tok.type == CT_STR1 && !quoted(f, &t) && !quoted(f, &f->tok) &&
		    (r = block_name(f, &t, e)) < 0) {
			tok_clear(&t);
			return r;
		}
		if (t.type == CT_STR && is_char(&f->tok, '{')) {
			struct rblock *b;
			char *bname;

			take(f);
			if (depth + 1 > JCONF_MAX_NESTING) {
				tok_clear(&t);
				return jconf_err(e, -E2BIG, f->fname, t.line,
						 "jail blocks nested too deeply "
						 "(limit %d)",
						 JCONF_MAX_NESTING);
			}
			if (cur) {
				if (asprintf(&bname, "%s.%s", cur->name, t.text) < 0)
					bname = NULL;
				tok_clear(&t);
			} else
				bname = TAKE_PTR(t.text);
			if (!bname)
				return jail_err_set(e, -ENOMEM, "out of memory");
			b = rconf_addblock(x->rc, bname, f->fname, t.line, e);
			if (!b)
				return e->code;
			if ((r = parse_conf(x, f, b, depth + 1, e)) < 0)
				return r;
			if ((r = peek(f, e)) < 0)
				return r;
			if (!is_char(&f->tok, '}'))
				return syntax_error(f, &f->tok, e);
			take(f);
			continue;
		}
		r = parse_param(x, f, &t, cur, depth, e);
		tok_clear(&t);
		if (r < 0)
			return r;
	}
}

/* Parse one buffer as file FNAME (already registered in rc->files). Blocks
 * nested in an including block stay nested: cur is the open block. */
static int parse_buffer(struct pctx *x, const char *buf, size_t len, const char *fname, bool is_stdin,
			struct rblock *cur, int depth, struct jail_err *e)
{
	struct pfile f = {.is_stdin = is_stdin, .fname = fname};
	const char *nul = memchr(buf, '\0', len);
	int r;

	if (len > JCONF_MAX_FILE_SIZE)
		return jconf_err(e, -EFBIG, fname, 0, "file too large (limit %u bytes)", JCONF_MAX_FILE_SIZE);
	if (nul) {
		int line = 1;

		for (const char *p = buf; p < nul; p++)
			line += *p == '\n';
		return jconf_err(e, -EINVAL, fname, line, "NUL character");
	}
	clex_init(&f.lex, buf, len, fname);
	r = parse_conf(x, &f, cur, depth, e);
	if (r >= 0 && f.tok.type != CT_EOF)
		r = syntax_error(&f, &f.tok, e);
	tok_clear(&f.tok);
	return r;
}

static int parse_path(struct pctx *x, const char *path, struct rblock *cur, int depth, struct jail_err *e)
{
	bool is_stdin = !strcmp(path, "-");
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	const char *fname;
	size_t len = 0;
	int r;

	fname = rconf_addfile(x->rc, is_stdin ? "STDIN" : path, e);
	if (!fname)
		return e->code;
	if (!is_stdin) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			return jail_err_sys(e, -errno, "%s", path);
		}
	}
	r = read_all(is_stdin ? STDIN_FILENO : fd, fname, &buf, &len, e);
	if (r < 0)
		return r;
	x->incdepth++;
	r = parse_buffer(x, buf, len, fname, is_stdin, cur, depth, e);
	x->incdepth--;
	return r;
}

static int finish(struct rconf *rc, int r, struct jconf **out, struct jail_err *e)
{
	struct jconf *c = NULL;

	if (r >= 0 && !(c = calloc(1, sizeof(*c))))
		r = jail_err_set(e, -ENOMEM, "out of memory");
	if (r >= 0)
		r = jconf_eval(rc, c, e);
	rconf_free(rc);
	if (r < 0) {
		jconf_free(c);
		return r;
	}
	*out = c;
	return 0;
}

int jconf_parse_file(const char *path, struct jconf **out, struct jail_err *e)
{
	struct pctx x = {0};

	*out = NULL;
	if (!(x.rc = calloc(1, sizeof(*x.rc))))
		return jail_err_set(e, -ENOMEM, "out of memory");
	x.incdepth = -1;
	return finish(x.rc, parse_path(&x, path, NULL, 0, e), out, e);
}

int jconf_parse_buf_opts(const char *buf, size_t len, const char *fname, unsigned flags, struct jconf **out,
			 struct jail_err *e)
{
	struct pctx x = {.flags = flags};
	const char *name;
	int r;

	*out = NULL;
	if (!(x.rc = calloc(1, sizeof(*x.rc))))
		return jail_err_set(e, -ENOMEM, "out of memory");
	name = rconf_addfile(x.rc, fname ? fname : "(buffer)", e);
	r = name ? parse_buffer(&x, buf, len, name, false, NULL, 0, e) : e->code;
	return finish(x.rc, r, out, e);
}

int jconf_parse_buf(const char *buf, size_t len, const char *fname, struct jconf **out, struct jail_err *e)
{
	return jconf_parse_buf_opts(buf, len, fname, 0, out, e);
}
