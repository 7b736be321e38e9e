/*
 * Unit tests of the jail.conf module (lib/conf): every grammar corner, every
 * error text with its line, merge order, variables, includes in a temporary
 * directory, `jail -e` formatting (FreeBSD's jail_config_test cases
 * byte-exact), selection, and the size limits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/conf.h"
#include "t.h"

static char result[1 << 16];

/* Parse CONF and describe the outcome as text: the `jail -e '|'` lines,
 * then "JERR: msg" per failed jail; or "ERR: msg" (exit status checked). */
static const char *run_named(const char *conf, size_t len, const char *fname)
{
	struct jail_err e = {0};
	struct jconf *c = NULL;
	char *out = NULL;
	size_t n;

	if (jconf_parse_buf(conf, len, fname, &c, &e) < 0) {
		snprintf(result, sizeof(result), "ERR: %s%s", e.msg, e.exit == 1 ? "" : " (exit != 1)");
		return result;
	}
	if (jconf_format_e_all(c, "|", &out, &e) < 0) {
		jconf_free(c);
		return "format failed";
	}
	snprintf(result, sizeof(result), "%s", out);
	free(out);
	for (size_t i = 0; i < c->njails; i++) {
		if (!c->jails[i].err.code)
			continue;
		n = strlen(result);
		snprintf(result + n, sizeof(result) - n, "JERR: %s%s\n", c->jails[i].err.msg,
			 c->jails[i].err.exit == 1 ? "" : " (exit != 1)");
	}
	jconf_free(c);
	return result;
}

static const char *run(const char *conf)
{
	return run_named(conf, strlen(conf), "jail.conf");
}

static void test_freebsd_config_test(void)
{
	/* usr.sbin/jail/tests/jail_config_test.sh: expansion */
	T_STR(run("$root = \"/srv\";\n$empty = \"\";\na {\n"
		  "\tpath = \"$root/${name}\";\n"
		  "\thost.hostname = \"pre${empty}post\";\n"
		  "\texec.start = \"${empty}\";\n}\na.child {\n"
		  "\tpath = \"$root/${name}\";\n"
		  "\thost.hostname = \"${empty}child${empty}\";\n}\n"),
	      "name=a|path=/srv/a|host.hostname=prepost|exec.start=\"\"\n"
	      "name=a.child|path=/srv/a.child|host.hostname=child\n",
	      "jail_config_test expansion");

	/* large_expansion: an 8192-char variable expanded twice */
	{
		char longs[8193], *conf, *want;

		memset(longs, 'x', 8192);
		longs[8192] = '\0';
		if (asprintf(&conf,
			     "$long = \"%s\";\ngrowth {\n\tpath = "
			     "\"prefix${long}middle${long}suffix\";\n}\n",
			     longs) < 0 ||
		    asprintf(&want, "name=growth|path=prefix%smiddle%ssuffix\n", longs, longs) < 0)
			abort();
		T_STR(run(conf), want, "jail_config_test large_expansion");
		free(conf);
		free(want);
	}
}

static void test_comments_and_lines(void)
{
	T_STR(run("# shell\n// c++\n/* c\n * multi\n */ a { x = 1; /* in */ "
		  "y = 2; # end\n}\n"),
	      "name=a|x=1|y=2\n", "three comment styles");
	T_STR(run("/*\n\n*/\na {\n x = \"abc\n"), "ERR: jail.conf:5: unterminated string",
	      "line counted through a comment");
	T_STR(run("a {\n /* x = 1; "), "ERR: jail.conf:2: unterminated comment", "unterminated comment");
	T_STR(run("a {\n\n x = ${abc "), "ERR: jail.conf:3: unterminated variable", "unterminated variable");
	T_STR(run("a { x = \"${ab\"; }"), "ERR: jail.conf:1: unterminated variable",
	      "unterminated variable in double quotes");
	T_STR(run("a {\n x = 'abc;\n}\n"), "ERR: jail.conf:2: unterminated string",
	      "unterminated single quote");
	T_STR(run("a/**/b { }"), "ERR: jail.conf:1: {: syntax error", "a comment separates tokens");
	T_STR(run("a { x = a/**/; y = 'a'/**/'b'; }"), "ERR: jail.conf:1: 'b': syntax error",
	      "a comment ends a string");
	T_STR(run("a { x = \"l1\nl2\";\n y = $q; }"),
	      "name=a|x=l1\nl2|y=\"\"\n"
	      "JERR: jail.conf:3: a: y: variable \"q\" not found\n",
	      "newline inside a quoted string counts a line");
}

static void test_syntax_errors(void)
{
	T_STR(run("a {\n x = 1 }"), "ERR: jail.conf:2: }: syntax error", "missing semicolon");
	T_STR(run("a {\n x = 1; "), "ERR: jail.conf:2: unexpected EOF", "missing brace");
	T_STR(run("}"), "ERR: jail.conf:1: }: syntax error", "stray brace");
	T_STR(run("a { x = 1 \"l1\nl2\" }"), "ERR: jail.conf:2: \"l1\nl2\": syntax error",
	      "syntax error at the line where the token ends, as yacc's");
	T_STR(run("a { x = ; }"), "ERR: jail.conf:1: ;: syntax error", "missing value");
	T_STR(run("a { x = 1,; }"), "ERR: jail.conf:1: ;: syntax error", "missing list item");
	T_STR(run("a\"b\" { }"), "ERR: jail.conf:1: \"b\": syntax error", "jail name is one token");
	T_STR(run("foo.* { x = 1; } foo.a { } foo { }"), "name=foo.a|x=1\nname=foo\n",
	      "an unquoted wildcard block foo.* { } parses, as in FreeBSD");
	T_STR(run("a { } a.* { x = 1; } a.b { }\n"), "name=a\nname=a.b|x=1\n",
	      "a.* applies to a's children only");
	T_STR(run("foo.* = 1;"), "ERR: jail.conf:1: *: syntax error", "foo.* is no parameter name");
	T_STR(run("foo.\"*\" { }"), "ERR: jail.conf:1: \"*\": syntax error",
	      "a quoted piece does not join a name");
	T_STR(run("$v { }"), "ERR: jail.conf:1: {: syntax error", "a variable cannot name a jail");
	T_STR(run("a { x \f= 1; }"), "ERR: jail.conf:1: \f: syntax error", "form feed is not white space");
	T_STR(run_named("a { x = 1; }\0", 13, "j.conf"), "ERR: j.conf:1: NUL character", "NUL byte rejected");
	T_STR(run("a { x = 1; } \xc3\xa9"), "ERR: jail.conf:1: \xc3: syntax error",
	      "a stray non-ASCII byte is a syntax error (FreeBSD reads EOF)");
	T_STR(run(""), "", "empty file");
	T_STR(run(";;; a { ;; x; ; }"), "name=a|x\n", "empty statements");
}

static void test_strings(void)
{
	T_STR(run("a { x = 'a\\tb\\n'; }"), "name=a|x=\"a\tb\n\"\n", "escapes in single quotes");
	T_STR(run("a { x = \"\\a\\b\\f\\r\\v\"; }"), "name=a|x=\a\b\f\r\v\n", "control escapes");
	T_STR(run("a { x = \"\\101\\60\\x41\\x4a!\\q\"; }"), "name=a|x=A0AJ!q\n",
	      "octal, hex and plain escapes");
	T_STR(run("a { x = \\101\\x42c; }"), "name=a|x=ABc\n", "escapes in bare words");
	T_STR(run("a { x = \"ab\\\ncd\"; y = ab\\\ncd; }"), "name=a|x=abcd|y=abcd\n",
	      "backslash-newline continues");
	T_STR(run("a { x = \"ab\\0cd\"; }"), "name=a|x=ab\n", "\\0 ends a string as in C");
	T_STR(run("a { x = 'it'\"'\"'s'; }"), "name=a|x=\"it's\"\n", "adjacent quoted pieces join");
	T_STR(run("a { x = /usr/local/+*; }"), "name=a|x=/usr/local/+*\n", "special single characters join");
	T_STR(run("a { x = /usr/local/*; }"), "ERR: jail.conf:1: unterminated comment",
	      "but /* starts a comment, as in FreeBSD");
	T_STR(run("a { x = a b; }"), "ERR: jail.conf:1: b: syntax error", "white space splits strings");
	T_STR(run("a { x = \"a b\", c\"d e\"; }"), "name=a|x=\"a b\",\"cd e\"\n", "list of quoted strings");
	T_STR(run("a { v = V; x = \"a$v\"c'd'; y = $v.b; z = 'a''b'; }"), "name=a|v=V|x=aVcd|y=V.b|z=ab\n",
	      "pieces join around variables");
	T_STR(run("a { x = \"\\777\"; y = \"a\\xg\"; }"), "name=a|x=\xff|y=a\n",
	      "octal wraps to a byte; bare \\x is NUL");
	T_STR(run("a { x = \"${}\"; }"), "name=a|x=\"\"\nJERR: jail.conf:1: a: x: variable \"\" not found\n",
	      "empty braced variable");
	T_STR(run("a { x = 1; } \\"), "ERR: jail.conf:1: unexpected EOF", "lone backslash at the end");
	T_STR(run("a { x = \"${a\\}b}\"; }"),
	      "name=a|x=\"\"\nJERR: jail.conf:1: a: x: variable \"a}b\" not found\n",
	      "escapes inside braced variable names");
	T_STR(run("a { x = \"a$v\nb\"; v = 1; }"), "name=a|x=a1\nb|v=1\n",
	      "newline after a variable in double quotes (no reorder: v is final)");
	T_STR(run("a { x = \"\\$y\", '$y', a$, \"$\", \"a$ b\", \"$1\"; }"),
	      "name=a|x=$y,$y,a$,$,\"a$ b\",$1\n", "literal dollars");
}

static void test_quoting_e(void)
{
	T_STR(run("a { e = \"\"; s = \"a b\"; t = \"a\tb\"; q = \"it's\"; "
		  "d = 'say \"hi\"'; b = 'x\\\\y'; both = \"'\\\"\"; }"),
	      "name=a|e=\"\"|s=\"a b\"|t=\"a\tb\"|q=\"it's\"|d='say \"hi\"'"
	      "|b=x\\\\y|both=\"'\\\"\"\n",
	      "quoted_print rules");
	{
		struct jail_err e = {0};
		struct jconf *c;
		char *out = NULL;

		T_INT(jconf_parse_buf("a { persist; jid = 5; x = 1, 2; }", 33, "t", &c, &e), 0,
		      "parse for -e sep");
		T_INT(jconf_format_e(&c->jails[0], ", ", &out, &e), 0, "format_e");
		T_STR(out, "name=a, persist, x=1,2", "-e sep, jid hidden");
		free(out);
		jconf_free(c);
	}
}

static void test_variables(void)
{
	T_STR(run("$p = /srv; a { path = $p/$name; h = \"${p}x\"; }"), "name=a|path=/srv/a|h=/srvx\n",
	      "$var in bare words and quotes");
	T_STR(run("a { host.hostname = h.example; path = \"/j/${host.hostname}\"; }"),
	      "name=a|host.hostname=h.example|path=/j/h.example\n", "${param} with dots");
	T_STR(run("a { path = \"/j/${host.hostname}\"; "
		  "host.hostname = \"$name.example\"; }"),
	      "name=a|host.hostname=a.example|path=/j/a.example\n",
	      "a parameter used before it is expanded moves first (FreeBSD)");
	T_STR(run("a { x = $y; }"), "name=a|x=\"\"\nJERR: jail.conf:1: a: x: variable \"y\" not found\n",
	      "variable not found");
	T_STR(run("a {\n persist;\n x = $persist; }"),
	      "name=a|persist|x=\"\"\n"
	      "JERR: jail.conf:3: a: x: variable \"persist\" not found\n",
	      "a bare boolean has no value to substitute");
	T_STR(run("a {\n x = \"$y$x\";\n y = $x; }"),
	      "name=a|y=\"\"|x=\"\"\n"
	      "JERR: jail.conf:3: a: x: variable loop\n",
	      "variable loop");
	T_STR(run("a { x = $x; }"), "name=a|x=\"\"\nJERR: jail.conf:1: a: x: variable loop\n",
	      "self reference");
	T_STR(run("a { $l = 1, 2; x = $l; y = \"${l}\", z; }"), "name=a|x=1,2|y=1,2,z\n",
	      "list variable as a whole value");
	T_STR(run("a {\n $l = 1, 2;\n x = \"a$l\"; }"),
	      "name=a|x=a\n"
	      "JERR: jail.conf:3: a: x: array cannot be substituted inline\n",
	      "array inline");
	T_STR(run("a { $l = 1, 2; x = \"$l$l\"; }"),
	      "name=a|x=1,2\n"
	      "JERR: jail.conf:1: a: x: array cannot be substituted inline\n",
	      "array followed by a variable: the first fails (FreeBSD)");
	T_STR(run("a { $e = \"\"; $l = 1, 2; x = \"${e}${l}\"; }"), "name=a|x=1,2\n",
	      "array after an empty substitution (FreeBSD)");
	T_STR(run("a {\n $path = x; }"),
	      "name=a\nJERR: jail.conf:2: a: variable \"$path\" cannot have "
	      "the same name as a parameter.\n",
	      "variable named like a known parameter");
	T_STR(run("a { $v = 1;\n v = 2; }"),
	      "name=a\nJERR: jail.conf:2: a: variable \"$v\" cannot have "
	      "the same name as a parameter.\n",
	      "parameter and variable of the same name");
	T_STR(run("$d = /srv; $d = /var; a { p = $d; }"), "name=a|p=/var\n", "variables can be redefined");
	T_STR(run("a { x = \"${a b}\"; }"),
	      "name=a|x=\"\"\nJERR: jail.conf:1: a: x: variable \"a b\" not found\n",
	      "braced variable names are taken as written");
	T_STR(run("a { $v = \"$w\"; $w = \"$v\"; x = 1; }"),
	      "name=a|x=1\nJERR: jail.conf:1: a: v: variable loop\n",
	      "loop among unused variables still fails the jail");
	T_STR(run("a { $v = 'q'; x = $v; }\nb { x = $v; }"),
	      "name=a|x=q\nname=b|x=\"\"\n"
	      "JERR: jail.conf:2: b: x: variable \"v\" not found\n",
	      "variables are per jail; one bad jail does not stop the others");
}

static void test_merge(void)
{
	T_STR(run("x = 1; a { x = 2; } b { } x = 3; c { }"), "name=a|x=3\nname=b|x=3\nname=c|x=3\n",
	      "globals below a jail win");
	T_STR(run("x = 1; a { x = 2; y = 1; } b { } "), "name=a|x=2|y=1\nname=b|x=1\n",
	      "globals above are defaults");
	T_STR(run("* { x = 1; } a { x += 2; } * { y = 3; }"), "name=a|x=1,2|y=3\n",
	      "* blocks in file order, += appends");
	T_STR(run("a { x = 1; x = 2, 3; x += 4; }"), "name=a|x=2,3,4\n", "= replaces, += appends");
	T_STR(run("a { persist; nopersist; allow.mount; allow.nomount = 1; }"),
	      "name=a|nopersist|allow.nomount=1\n", "no-prefixed booleans replace and keep their spelling");
	T_STR(run("a { persist = false; persist; }"), "name=a|persist\n", "bare boolean clears the value");
	T_STR(run("a { b { x = 1; c { y = 2; } z = 3; } }"), "name=a\nname=a.b|x=1|z=3\nname=a.b.c|y=2\n",
	      "nested blocks are named parent.child");
	T_STR(run("a { b { } w = 1; }"), "name=a|w=1\nname=a.b\n",
	      "parameters after a nested block belong to the parent");
	T_STR(run("\"a.*\" { w = 1; } a { } a.b { } a.b.c { } x.b { } "
		  "\"*.b\" { v = 2; }"),
	      "name=a\nname=a.b|w=1|v=2\nname=a.b.c|w=1\nname=x.b|v=2\n", "partial wildcards");
	T_STR(run("a { name = b; }"), "name=a\nJERR: jail.conf:1: a: cannot redefine parameter \"name\".\n",
	      "name cannot be redefined");
	T_STR(run("name = g; a { }"), "name=a\nJERR: jail.conf:1: a: cannot redefine parameter \"name\".\n",
	      "not even by a wildcard");
	T_STR(run("path = \"/j/$name\"; 12 { persist; } 34 { name = web; } "
		  "56 { host.hostname = \"${name}\"; }"),
	      "path=/j/12|persist|name=12\npath=/j/web|name=web\n"
	      "path=/j/56|host.hostname=56|name=56\n",
	      "numeric block: jid set, name backfilled at the end");
	{
		struct jail_err e = {0};
		struct jconf *c;
		const struct jconf_param *p;

		T_INT(jconf_parse_buf("7 { nopersist; }", 16, "t", &c, &e), 0, "parse numeric");
		p = jconf_jail_param(&c->jails[0], "jid");
		T_OK(p && p->nvals == 1 && !strcmp(p->vals[0], "7"), "jid param holds the block name");
		p = jconf_jail_param(&c->jails[0], "persist");
		T_OK(p && !strcmp(p->name, "nopersist") && p->nvals == 0, "lookup finds the no- spelling");
		T_OK(p && p->line == 1 && !strcmp(p->file, "t"), "param location kept");
		T_OK(!jconf_jail_param(&c->jails[0], "path"), "absent param");
		jconf_free(c);
	}
	T_STR(run("1 { $name = x; p = $name; }"),
	      "p=x|name=1\nJERR: jail.conf:1: 1: variable \"$name\" cannot "
	      "have the same name as a parameter.\n",
	      "a $name variable in a numeric block: name still backfilled");
	T_STR(run("basejail { jid = 5; persist; }"), "name=basejail|persist\n",
	      "explicit jid is not printed by -e");
	T_STR(run("a { jid = 5; jid = 6; }"),
	      "name=a\nJERR: jail.conf:1: a: cannot redefine parameter \"jid\".\n",
	      "jid is immutable once set");
	T_STR(run("a { x = 1; } a { x = 2; }"), "name=a|x=1\nname=a|x=2\n",
	      "duplicate blocks stay separate, as FreeBSD");
	T_STR(run("a { path /srv; }"), "name=a|path=/srv\n", "name-value form without =");
	T_STR(run(".include = \"x\"; a { }"), "name=a|.include=x\n",
	      ".include with = is a parameter, as FreeBSD");
}

static void test_select(void)
{
	struct jail_err e = {0};
	struct jconf *c;
	size_t *idx = NULL, n = 0;
	const char *conf = "a { } a.b { } a.b.c { } c { }";
	char *names1[] = {"c", "a"};
	char *names2[] = {"a.*"};
	char *names3[] = {"nope"};
	char *names4[] = {"*"};

	T_INT(jconf_parse_buf(conf, strlen(conf), "t", &c, &e), 0, "parse");
	T_INT(jconf_select(c, NULL, 0, &idx, &n, &e), 0, "select all");
	T_INT(n, 4, "all jails");
	free(idx);
	T_INT(jconf_select(c, names1, 2, &idx, &n, &e), 0, "select two");
	T_OK(n == 2 && idx[0] == 0 && idx[1] == 3, "file order, deduplicated");
	free(idx);
	T_INT(jconf_select(c, names2, 1, &idx, &n, &e), 0, "select a.*");
	T_OK(n == 2 && idx[0] == 1 && idx[1] == 2, "descendants only");
	free(idx);
	T_INT(jconf_select(c, names4, 1, &idx, &n, &e), 0, "select *");
	T_INT(n, 4, "* selects every jail");
	free(idx);
	T_INT(jconf_select(c, names3, 1, &idx, &n, &e), -ENOENT, "unknown");
	T_STR(e.msg, "\"nope\" not found", "not found text");
	T_OK(!idx, "no result on error");
	T_OK(jconf_find(c, "a.b") == &c->jails[1], "find");
	T_INT(jconf_is_wild("a.*"), 1, "a.* is wild");
	T_INT(jconf_is_wild("a*"), 0, "a* is not wild");
	T_INT(jconf_wild_match("x.b", "*.b"), 1, "*.b matches x.b");
	T_INT(jconf_wild_match("x.y.b", "*.b"), 0, "*.b is one component");
	jconf_free(c);

	conf = "a { x = $nope; } b { }";
	T_INT(jconf_parse_buf(conf, strlen(conf), "t", &c, &e), 0, "jail errors do not fail the parse");
	T_INT(jconf_first_error(c, &e), -EINVAL, "first_error reports it");
	T_STR(e.msg, "t:1: a: x: variable \"nope\" not found", "its text");
	T_INT(e.exit, 1, "config error exit status");
	jconf_free(c);
}

static char tmpdir[] = "/tmp/test_conf.XXXXXX";

static void put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "we");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static const char *run_file(const char *name)
{
	static char path[512];
	struct jail_err e = {0};
	struct jconf *c;
	char *out;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if (jconf_parse_file(path, &c, &e) < 0) {
		/* Strip the temp dir so expectations are fixed strings. */
		const char *m = e.msg;
		char *p;

		while ((p = strstr(m, tmpdir)))
			memmove(p, p + strlen(tmpdir), strlen(p + strlen(tmpdir)) + 1);
		snprintf(result, sizeof(result), "ERR: %s%s", m, e.exit == 1 ? "" : " (exit != 1)");
		return result;
	}
	if (jconf_format_e_all(c, "|", &out, &e) < 0)
		abort();
	snprintf(result, sizeof(result), "%s", out);
	free(out);
	jconf_free(c);
	return result;
}

static void cleanup_tmp(void)
{
	static const char *const files[] = {
		"jail.conf", "jail.conf.d/a.conf", "jail.conf.d/b.conf", "inner.inc", "missing.conf",
		"var.conf",  "loop.conf",	   "bad.conf",		 "bad.inc",   "jail.conf.d",
		"",
	};
	char path[512];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		if (remove(path) < 0 && errno != ENOENT)
			T_OK(0, "remove %s", path);
	}
}

static void test_include(void)
{
	char path[512];

	if (!mkdtemp(tmpdir)) {
		T_OK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/jail.conf.d", tmpdir);
	mkdir(path, 0700);
	put("jail.conf", "x = 1;\n.include \"jail.conf.d/*.conf\";\n"
			 ".include \"none.d/*.conf\";\nlast { }\n");
	put("jail.conf.d/b.conf", "b { y = 2; }\n");
	put("jail.conf.d/a.conf", "a { .include \"../inner.inc\"; }\n");
	put("inner.inc", "z = 3; sub { }\n");
	T_STR(run_file("jail.conf"), "name=a|x=1|z=3\nname=a.sub|x=1\nname=b|x=1|y=2\nname=last|x=1\n",
	      "glob includes (sorted, relative, nested in a block; "
	      "empty glob is fine)");

	put("missing.conf", "a { }\n.include \"nothere.conf\";\n");
	T_STR(run_file("missing.conf"), "ERR: /nothere.conf: No such file or directory",
	      "a plain include must exist");
	put("var.conf", "$d = x;\n.include \"$d.conf\";\n");
	T_STR(run_file("var.conf"),
	      "ERR: /var.conf:2: variables not permitted in '.include' "
	      "filename",
	      "no variables in include names");
	put("loop.conf", ".include \"loop.conf\";\n");
	T_STR(run_file("loop.conf"), "ERR: /loop.conf:1: maximum include depth exceeded",
	      "include depth limit");
	put("bad.conf", "a { }\n.include \"bad.inc\";\n");
	put("bad.inc", "\n\nb { x = \"; }\n");
	T_STR(run_file("bad.conf"), "ERR: /bad.inc:3: unterminated string",
	      "errors name the included file and its line");
	T_STR(run_file("absent.conf"), "ERR: /absent.conf: No such file or directory", "missing main file");
	T_STR(run_named(".include \"nothere\";", 19, "/x/t.conf"),
	      "ERR: /x/nothere: No such file or directory", "relative to the directory of a buffer's name");
	cleanup_tmp();
}

static void test_stdin(void)
{
	int p[2], saved = dup(0);
	struct jail_err e = {0};
	struct jconf *c;
	const char *conf = "a {\n x = \"1\n";

	if (pipe(p) < 0 || saved < 0)
		abort();
	if (write(p[1], conf, strlen(conf)) < 0)
		abort();
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	T_INT(jconf_parse_file("-", &c, &e), -EINVAL, "stdin parse fails");
	T_STR(e.msg, "STDIN:2: unterminated string", "stdin is named STDIN");
	dup2(saved, 0);
	close(saved);
}

static void test_limits(void)
{
	size_t big = JCONF_MAX_FILE_SIZE + 1;
	char *buf = malloc(big), *conf;
	struct jail_err e = {0};
	struct jconf *c = NULL;

	if (!buf)
		abort();
	memset(buf, ' ', big);
	T_INT(jconf_parse_buf(buf, big, "big", &c, &e), -EFBIG, "file size");
	T_STR(e.msg, "big: file too large (limit 4194304 bytes)", "file size text");
	T_INT(e.exit, 1, "file size exit status");
	free(buf);

	/* 2^11 doublings of a 1 KiB string pass 1 MiB per value. */
	{
		char *p;
		size_t n = 0, cap = 1 << 16;

		conf = malloc(cap);
		n += (size_t)sprintf(conf, "$v0 = \"%01024d\";\n", 0);
		for (int i = 1; i <= 11; i++)
			n += (size_t)sprintf(conf + n, "$v%d = \"$v%d$v%d\";\n", i, i - 1, i - 1);
		n += (size_t)sprintf(conf + n, "a {\n x = $v11;\n}\n");
		p = conf;
		T_INT(jconf_parse_buf(p, n, "t", &c, &e), -E2BIG, "value size limit");
		T_STR(e.msg,
		      "t:12: v11: value too long after expansion "
		      "(limit 1048576 bytes)",
		      "value size text");
		free(conf);
	}
	/* Many jails copying a large global pass the total budget. */
	{
		size_t n = 0, cap = 1 << 20;

		conf = malloc(cap);
		n += (size_t)sprintf(conf, "g = \"");
		memset(conf + n, 'g', 500000);
		n += 500000;
		n += (size_t)sprintf(conf + n, "\";\n");
		for (int i = 0; i < 200; i++)
			n += (size_t)sprintf(conf + n, "j%d { }\n", i);
		T_INT(jconf_parse_buf(conf, n, "t", &c, &e), -E2BIG, "total expansion budget");
		T_OK(strstr(e.msg, "configuration expands beyond 67108864 bytes") != NULL, "budget text: %s",
		     e.msg);
		free(conf);
	}
	/* Nesting */
	{
		size_t n = 0;

		conf = malloc(1024);
		for (int i = 0; i < 65; i++)
			n += (size_t)sprintf(conf + n, "a{");
		T_INT(jconf_parse_buf(conf, n, "t", &c, &e), -E2BIG, "nesting limit");
		T_STR(e.msg, "t:1: jail blocks nested too deeply (limit 64)", "nesting text");
		free(conf);
	}
	/* Blocks, parameters per jail, evaluation work */
	{
		size_t n = 0, cap = 1 << 20;

		conf = malloc(cap);
		for (int i = 0; i <= 65536; i++)
			n += (size_t)sprintf(conf + n, "a{}");
		T_INT(jconf_parse_buf(conf, n, "t", &c, &e), -E2BIG, "block limit");
		T_STR(e.msg, "t:1: too many jail blocks (limit 65536)", "block limit text");
		n = (size_t)sprintf(conf, "a {\n");
		for (int i = 0; i < 4096; i++)
			n += (size_t)sprintf(conf + n, "p%d;", i);
		n += (size_t)sprintf(conf + n, "}");
		T_INT(jconf_parse_buf(conf, n, "t", &c, &e), -E2BIG, "parameter limit");
		T_STR(e.msg, "t:2: a: too many parameters (limit 4096)", "parameter limit text");
		n = 0;
		for (int i = 0; i < 30000; i++)
			n += (size_t)sprintf(conf + n, "*{}a{}");
		T_INT(jconf_parse_buf(conf, n, "t", &c, &e), -E2BIG, "work limit");
		T_STR(e.msg, "t:1: configuration too complex to evaluate", "work limit text");
		free(conf);
	}
	/* Variable chains: 256 moves deep is fine, 257 is not. */
	for (int lim = 257; lim <= 258; lim++) {
		size_t n = 0;

		conf = malloc(1 << 16);
		n += (size_t)sprintf(conf, "a {\n");
		for (int i = 0; i < lim; i++)
			n += (size_t)sprintf(conf + n, "$v%d = \"$v%d\";\n", i, i + 1);
		n += (size_t)sprintf(conf + n, "$v%d = end;\n x = $v0; }\n", lim);
		if (lim == 257) {
			T_INT(jconf_parse_buf(conf, n, "t", &c, &e), 0, "variable chain of 256");
			T_STR(c->jails[0].params[1].vals[0], "end", "chain expanded");
			jconf_free(c);
		} else {
			T_INT(jconf_parse_buf(conf, n, "t", &c, &e), -E2BIG, "variable chain of 257");
			T_STR(e.msg,
			      "t:258: a: v256: variables nested too deeply "
			      "(limit 256)",
			      "variable depth text");
		}
		free(conf);
	}
	T_INT(jconf_parse_buf_opts(".include \"x\";", 13, "t", JCONF_NO_INCLUDE, &c, &e), -EPERM,
	      "includes can be refused");
}

/* The run's order as "name name ...", with a * after jails pulled in by depend. */
static const char *order_of(const char *conf, const char *const *names, size_t nnames, bool stop)
{
	struct jail_err e = {0};
	struct jconf *c = NULL;
	struct jconf_deps d;
	size_t *sel = NULL, nsel = 0, *ord = NULL, n = 0;
	bool *pulled = NULL;

	result[0] = '\0';
	if (jconf_parse_buf(conf, strlen(conf), "t", &c, &e) < 0 ||
	    jconf_select(c, (char *const *)names, nnames, &sel, &nsel, &e) < 0 ||
	    jconf_deps_build(c, &d, &e) < 0) {
		snprintf(result, sizeof(result), "ERR: %s", e.msg);
		jconf_free(c);
		return result;
	}
	if (jconf_depend_order(&d, sel, nsel, stop, &ord, &pulled, &n, &e) == 0) {
		for (size_t k = 0; k < n; k++) {
			size_t len = strlen(result);
			snprintf(result + len, sizeof(result) - len, "%s%s%s%s", k ? " " : "",
				 c->jails[ord[k]].name, pulled[k] ? "*" : "", d.loop[ord[k]] ? "!" : "");
		}
	}
	for (size_t j = 0; j < c->njails; j++)
		if (d.undefined[j]) {
			size_t len = strlen(result);
			snprintf(result + len, sizeof(result) - len, " (%s: undefined %s)", c->jails[j].name,
				 d.undefined[j]);
		}
	free(sel);
	free(ord);
	free(pulled);
	jconf_deps_free(&d);
	jconf_free(c);
	return result;
}

static void test_depend(void)
{
	const char *web = "web { depend = db, cache; } cache { depend = db; } db { } other { }";
	const char *const w[] = {"web"}, *const db[] = {"db"}, *const c[] = {"c"}, *const all[] = {"*"};

	T_STR(order_of(web, NULL, 0, false), "db cache web other",
	      "whole file: dependencies first, else file order");
	T_STR(order_of(web, NULL, 0, true), "other web cache db",
	      "stopping: dependents first, else reverse order");
	T_STR(order_of(web, w, 1, false), "db* cache* web", "starting one jail pulls in what it depends on");
	T_STR(order_of(web, db, 1, true), "web* cache* db", "stopping db stops what depends on it first");
	T_STR(order_of(web, db, 1, false), "db", "starting db needs nothing else");
	T_STR(order_of("a { depend = b; } b { depend = a; } c { }", NULL, 0, false), "c a! b",
	      "a loop is broken at its first jail; the jail outside it is not held up");
	T_STR(order_of("a { depend = b; } b { depend = a; } c { }", c, 1, false), "c",
	      "a loop elsewhere does not touch the run");
	T_STR(order_of("a { depend = b; } b { depend = a; } x { depend = b; } c { }", all, 1, false),
	      "c a! b x", "a jail behind a loop comes after it");
	T_STR(order_of("a { depend = a; }", NULL, 0, false), "a!", "depending on oneself is a loop");
	T_STR(order_of("a { depend = nope, b; } b { }", NULL, 0, false), "b a (a: undefined nope)",
	      "an undefined dependency is noted");
	T_STR(order_of("a { } b { depend = a; } c { }", NULL, 0, false), "a b c", "boot order");
	T_STR(order_of("a { } b { depend = a; } c { }", NULL, 0, true), "c b a", "shutdown order");
}

int main(void)
{
	test_freebsd_config_test();
	test_comments_and_lines();
	test_syntax_errors();
	test_strings();
	test_quoting_e();
	test_variables();
	test_merge();
	test_select();
	test_depend();
	test_include();
	test_stdin();
	test_limits();
	T_DONE();
}
