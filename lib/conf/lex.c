/*
 * jail.conf lexer: a hand-written, reentrant equivalent of FreeBSD's
 * jaillex.l. It returns string pieces (STR/STR1, VAR/VAR1) so that adjacent
 * quoted, unquoted and variable pieces join into one string, handles the
 * three comment styles, C escapes, and splits double-quoted strings at "$"
 * the way the flex scanner's DQ start condition does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"

void clex_init(struct clex *l, const char *buf, size_t len, const char *fname)
{
	memset(l, 0, sizeof(*l));
	l->buf = buf;
	l->len = len;
	l->line = 1;
	l->fname = fname;
}

/* Characters of an unquoted token (jaillex.l's atomic string class). */
static bool is_atom(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("_!%&()-.:<>?@[]^`|~", c) != NULL;
}

static bool is_varstart(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void advance(struct clex *l, size_t to)
{
	for (; l->pos < to; l->pos++)
		if (l->buf[l->pos] == '\n')
			l->line++;
}

/*
 * Copy buf[from, to) resolving backslash escapes like FreeBSD's text2lval().
 * With tovar, stop at the first unescaped '$' and store its offset in *stop
 * (SIZE_MAX when none). A "\0" escape ends the string, as strlen() does there.
 */
static char *unescape(const char *buf, size_t from, size_t to, bool tovar, size_t *stop)
{
	char *out = malloc(to - from + 1);
	size_t s = from, d = 0;

	if (stop)
		*stop = SIZE_MAX;
	if (!out)
		return NULL;
	while (s < to) {
		char c = buf[s];
		unsigned v;
		int h;

		if (c != '\\') {
			if (tovar && c == '$') {
				*stop = s;
				break;
			}
			out[d++] = c;
			s++;
			continue;
		}
		if (++s >= to) {
			out[d++] = '\0';
			break;
		}
		c = buf[s++];
		if (is_octal(c)) {
			v = (unsigned)(c - '0');
			for (int i = 0; i < 2 && s < to && is_octal(buf[s]); i++)
				v = v * 8 + (unsigned)(buf[s++] - '0');
			out[d++] = (char)(v & 0xff);
			continue;
		}
		switch (c) {
		case 'a':
			out[d++] = '\a';
			break;
		case 'b':
			out[d++] = '\b';
			break;
		case 'f':
			out[d++] = '\f';
			break;
		case 'n':
			out[d++] = '\n';
			break;
		case 'r':
			out[d++] = '\r';
			break;
		case 't':
			out[d++] = '\t';
			break;
		case 'v':
			out[d++] = '\v';
			break;
		case '\n':
			break;
		case 'x':
			v = 0;
			for (int i = 0; i < 2 && s < to && (h = hexval(buf[s])) >= 0; i++, s++)
				v = v * 16 + (unsigned)h;
			out[d++] = (char)v;
			break;
		default:
			out[d++] = c;
			break;
		}
	}
	out[d] = '\0';
	return out;
}

/* Fill a string piece; type depends on whether a string is in progress. */
static int piece(struct clex *l, struct ctoken *t, bool var, char *text, size_t raw, struct jail_err *e)
{
	if (!text)
		return jail_err_set(e, -ENOMEM, "out of memory");
	if (l->instr)
		t->type = var ? CT_VAR1 : CT_STR1;
	else
		t->type = var ? CT_VAR : CT_STR;
	l->instr = true;
	t->text = text;
	t->tlen = strlen(text);
	t->raw = raw;
	t->rawlen = l->pos - raw;
	return 0;
}

/* Find the end of a quoted string starting at buf[start] == q. */
static size_t find_quote(const struct clex *l, size_t start, char q)
{
	size_t k = start + 1;

	while (k < l->len) {
		if (l->buf[k] == q)
			return k;
		if (l->buf[k] == '\\') {
			if (k + 1 >= l->len)
				break;
			k += 2;
		} else
			k++;
	}
	return SIZE_MAX;
}

/* "$name", "${name}" or a lone "$" at l->pos. */
static int lex_var(struct clex *l, struct ctoken *t, struct jail_err *e)
{
	size_t start = l->pos, k;
	char c = start + 1 < l->len ? l->buf[start + 1] : '\0';

	if (is_varstart((unsigned char)c)) {
		for (k = start + 2; k < l->len && (is_varstart((unsigned char)l->buf[k]) ||
						   (l->buf[k] >= '0' && l->buf[k] <= '9'));
		     k++)
			;
		advance(l, k);
		return piece(l, t, true, strndup(l->buf + start + 1, k - start - 1), start, e);
	}
	if (c == '{') {
		for (k = start + 2; k < l->len; k++) {
			c = l->buf[k];
			if (c == '}')
				break;
			if (c == '\n' || c == '{' || (l->dq && c == '"'))
				return jconf_err(e, -EINVAL, l->fname, l->line, "unterminated variable");
			if (c == '\\' && ++k >= l->len)
				break;
		}
		if (k >= l->len)
			return jconf_err(e, -EINVAL, l->fname, l->line, "unterminated variable");
		advance(l, k + 1);
		return piece(l, t, true, unescape(l->buf, start + 2, k, false, NULL), start, e);
	}
	advance(l, start + 1);
	return piece(l, t, false, strdup("$"), start, e);
}

/* A backslash escape outside quotes, or a lone trailing backslash. */
static int lex_escape(struct clex *l, struct ctoken *t, struct jail_err *e)
{
	size_t start = l->pos, k = start + 1;

	if (k < l->len) {
		char c = l->buf[k++];

		if (is_octal(c)) {
			for (int i = 0; i < 2 && k < l->len && is_octal(l->buf[k]); i++)
				k++;
		} else if (c == 'x') {
			for (int i = 0; i < 2 && k < l->len && hexval(l->buf[k]) >= 0; i++)
				k++;
		}
	}
	advance(l, k);
	return piece(l, t, false, unescape(l->buf, start, k, false, NULL), start, e);
}

/* Double-quoted text from l->pos up to the closing quote at end, stopping at
 * a '$' (then the lexer stays in DQ mode to read the variable). */
static int lex_dqtext(struct clex *l, struct ctoken *t, size_t from, size_t end, struct jail_err *e)
{
	size_t start = l->pos, stop;
	char *text = unescape(l->buf, from, end, true, &stop);

	if (stop != SIZE_MAX) {
		advance(l, stop);
		l->dq = true;
		l->dq_end = end;
	} else {
		advance(l, end + 1);
		l->dq = false;
	}
	return piece(l, t, false, text, start, e);
}

int clex_next(struct clex *l, struct ctoken *t, struct jail_err *e)
{
	memset(t, 0, sizeof(*t));
	for (;;) {
		size_t start = l->pos, end;
		char c, n;

		t->line = l->line;
		t->raw = start;
		if (l->dq) {
			end = l->dq_end;
			/* In DQ mode buf[pos] is '$', '\\', '"' or text. */
			c = l->buf[start];
			if (c == '"') {
				advance(l, start + 1);
				l->dq = false;
				continue;
			}
			if (c == '$')
				return lex_var(l, t, e);
			if (c == '\\')
				return lex_escape(l, t, e);
			return lex_dqtext(l, t, start, end, e);
		}
		if (start >= l->len) {
			t->type = CT_EOF;
			return 0;
		}
		c = l->buf[start];
		n = start + 1 < l->len ? l->buf[start + 1] : '\0';
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			advance(l, start + 1);
			l->instr = false;
		} else if (c == '#' || (c == '/' && n == '/')) {
			const char *nl = memchr(l->buf + start, '\n', l->len - start);

			advance(l, nl ? (size_t)(nl - l->buf) : l->len);
			l->instr = false;
		} else if (c == '/' && n == '*') {
			const char *p = l->buf + start + 2;
			const char *endc = memmem(p, l->len - start - 2, "*/", 2);

			if (!endc)
				return jconf_err(e, -EINVAL, l->fname, l->line, "unterminated comment");
			advance(l, (size_t)(endc - l->buf) + 2);
			l->instr = false;
		} else if (c == '+' && n == '=') {
			advance(l, start + 2);
			l->instr = false;
			t->type = CT_PLEQ;
			t->rawlen = 2;
			return 0;
		} else if (c == ',' || c == ';' || c == '=' || c == '{' || c == '}') {
			advance(l, start + 1);
			l->instr = false;
			t->type = CT_CHAR;
			t->ch = c;
			t->rawlen = 1;
			return 0;
		} else if (is_atom((unsigned char)c)) {
			end = start;
			while (end < l->len && is_atom((unsigned char)l->buf[end]))
				end++;
			advance(l, end);
			return piece(l, t, false, strndup(l->buf + start, end - start), start, e);
		} else if (c == '\\') {
			return lex_escape(l, t, e);
		} else if (c == '$') {
			return lex_var(l, t, e);
		} else if (c == '*' || c == '+' || c == '/') {
			advance(l, start + 1);
			return piece(l, t, false, strndup(&c, 1), start, e);
		} else if (c == '\'') {
			end = find_quote(l, start, '\'');
			if (end == SIZE_MAX)
				return jconf_err(e, -EINVAL, l->fname, l->line, "unterminated string");
			advance(l, end + 1);
			return piece(l, t, false, unescape(l->buf, start + 1, end, false, NULL), start, e);
		} else if (c == '"') {
			end = find_quote(l, start, '"');
			if (end == SIZE_MAX)
				return jconf_err(e, -EINVAL, l->fname, l->line, "unterminated string");
			return lex_dqtext(l, t, start + 1, end, e);
		} else {
			/* Anything else is a token of its own: a syntax error. */
			advance(l, start + 1);
			t->type = CT_CHAR;
			t->ch = c;
			t->rawlen = 1;
			return 0;
		}
	}
}
