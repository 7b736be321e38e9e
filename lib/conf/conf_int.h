/*
 * Internal interfaces of the jail.conf module: the token stream of the lexer,
 * the raw (unevaluated) blocks the parser builds, and the evaluator that turns
 * them into struct jconf. Nothing here is exported outside lib/conf.
 */
#ifndef JAIL_CONF_INT_H
#define JAIL_CONF_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "jail/conf.h"

/* Tokens, as FreeBSD's jaillex.l returns them. STR/VAR start a string,
 * STR1/VAR1 continue it (no whitespace in between). */
enum ctok {
	CT_EOF = 0,
	CT_STR,
	CT_STR1,
	CT_VAR,
	CT_VAR1,
	CT_PLEQ,
	CT_CHAR, /* one of , ; = { } or any other stray character */
};

struct clex {
	const char *buf;
	size_t len;
	size_t pos;
	int line;
	const char *fname;
	bool instr;    /* previous token was part of a string */
	bool dq;       /* inside a double-quoted string after a variable */
	size_t dq_end; /* offset of its closing quote */
};

struct ctoken {
	enum ctok type;
	char ch;    /* CT_CHAR */
	char *text; /* CT_STR..CT_VAR1: unescaped text or variable name */
	size_t tlen;
	size_t raw; /* offset of the token's source text */
	size_t rawlen;
	int line;
	int endline; /* line after the token, which yacc's messages use */
};

void clex_init(struct clex *l, const char *buf, size_t len, const char *fname);
/* Next token into t (t->text malloc'd for strings); < 0 on error. */
int clex_next(struct clex *l, struct ctoken *t, struct jail_err *e);

/* A value string: literal text with variable references at offsets. */
struct rvar {
	char *name;
	size_t pos;
};
struct rstr {
	char *lit;
	size_t len;
	struct rvar *vars;
	size_t nvars;
};

#define RP_VAR	  0x1u /* "$name = ..." */
#define RP_APPEND 0x2u /* "+=" */

struct rparam {
	char *name;
	unsigned flags;
	struct rstr *vals;
	size_t nvals;
	const char *file;
	int line;
};

struct rblock {
	char *name;
	struct rparam *params;
	size_t nparams, cap;
	const char *file;
	int line;
};

struct rconf {
	struct rblock **blocks; /* in creation order (FreeBSD's seq) */
	size_t nblocks, cap;
	char **files;
	size_t nfiles, filecap;
};

void rconf_free(struct rconf *rc);
void rstr_free(struct rstr *s);
/* Evaluate rc into c (c->files taken from rc). */
int jconf_eval(struct rconf *rc, struct jconf *c, struct jail_err *e);
/* FreeBSD's equalopts(): same parameter with or without a "no". */
bool jconf_equalopts(const char *a, const char *b);
/* Set e to "FILE:LINE: fmt..." (exit status 1, as FreeBSD's jail(8)). */
int jconf_err(struct jail_err *e, int code, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
