/*
 * jail.conf(5): parse a configuration file (with its .include files) and
 * evaluate it the way FreeBSD's jail(8) does: wildcard and global parameters
 * merged in file order, variables expanded per jail. The result is, for each
 * non-wildcard jail in file order, its final ordered list of parameters, each
 * a name and a list of strings. Values are kept as written: interpreting
 * booleans, integers and addresses is the parameter layer's business.
 *
 * Representation of booleans: a bare `persist;` is a parameter "persist"
 * with nvals == 0; `nopersist;` is "nopersist" with nvals == 0;
 * `persist = false;` is "persist" with vals = {"false"}. As in FreeBSD,
 * "x" and "nox" (also "a.nob" and "a.b") name the same parameter: the later
 * statement replaces the earlier one and its spelling wins. A boolean is true
 * when (the last dotted component does not start with "no") XOR (nvals == 0,
 * or the last value is "true" case-insensitively, or a non-zero integer).
 *
 * Errors: syntax, file and limit errors make the parse functions fail with
 * e->exit = 1 (FreeBSD's jail(8) exits 1 for them, as for every failure)
 * and e->msg "FILE:LINE: message" ("STDIN" for "-"), the
 * message worded as FreeBSD's ("unterminated string", "}: syntax error",
 * "unexpected EOF", "maximum include depth exceeded", ...). Errors FreeBSD
 * reports per jail do not fail the parse: they are stored in that jail's err
 * (err.code != 0, exit 1) so the other jails can carry on, as jail(8) does;
 * the text is FreeBSD's jail_warnx() line after a location, e.g.
 *   jail.conf:3: www: path: variable "root" not found
 *   jail.conf:3: www: x: variable loop
 *   jail.conf:3: www: x: array cannot be substituted inline
 *   jail.conf:3: www: cannot redefine parameter "name".
 *   jail.conf:3: www: variable "$path" cannot have the same name as a parameter.
 * Only the first error of a jail is kept. jconf_first_error() turns them
 * into a whole-file error for callers that want to stop.
 */
#ifndef JAIL_CONF_H
#define JAIL_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "jail/err.h"

/* Limits on user-controlled sizes; going beyond one is a config error. */
#define JCONF_MAX_FILE_SIZE	(4u << 20)  /* bytes of one file */
#define JCONF_MAX_FILES		1024	    /* files read, main + includes */
#define JCONF_MAX_INCLUDE_DEPTH 32	    /* as FreeBSD */
#define JCONF_MAX_NESTING	64	    /* nested jail blocks */
#define JCONF_MAX_BLOCKS	65536	    /* jail and wildcard blocks */
#define JCONF_MAX_VALUE		(1u << 20)  /* bytes of one value after expansion */
#define JCONF_MAX_VALUES	65536	    /* values of one parameter */
#define JCONF_MAX_VAR_DEPTH	256	    /* chain of variables using variables */
#define JCONF_MAX_PARAMS	4096	    /* parameters + variables of one jail */
#define JCONF_MAX_TOTAL		(64u << 20) /* bytes produced by merge+expansion */

/* Flags for jconf_parse_buf_opts(). */
#define JCONF_NO_INCLUDE 0x1u /* .include is an error (fuzzing) */

struct jconf_param {
	char *name;  /* as written last: "persist", "allow.nomount" */
	char **vals; /* expanded values, NULL when nvals == 0 */
	size_t nvals;
	const char *file; /* where it was last set (owned by jconf) */
	int line;
};

struct jconf_jail {
	char *name;		    /* block name, "parent.child" when nested */
	struct jconf_param *params; /* FreeBSD's order: "name" first (for an
				     * all-digit block "jid" first and an
				     * implied "name" last) */
	size_t nparams;
	const char *file; /* where the block starts */
	int line;
	struct jail_err err; /* err.code != 0: this jail's config is bad */
};

struct jconf {
	struct jconf_jail *jails; /* non-wildcard jails in file order */
	size_t njails;
	char **files; /* every file read; params point here */
	size_t nfiles;
};

/* Parse and evaluate PATH ("-" = standard input, reported as "STDIN"). */
int jconf_parse_file(const char *path, struct jconf **out, struct jail_err *e);
/* Same from memory; FNAME names it in messages and anchors relative
 * .include paths (its directory). */
int jconf_parse_buf(const char *buf, size_t len, const char *fname, struct jconf **out, struct jail_err *e);
int jconf_parse_buf_opts(const char *buf, size_t len, const char *fname, unsigned flags, struct jconf **out,
			 struct jail_err *e);
void jconf_free(struct jconf *c);

/* The parameter NAME of a jail: exact name first, else the one that is the
 * same parameter with or without a "no" ("persist" finds "nopersist"). */
const struct jconf_param *jconf_jail_param(const struct jconf_jail *j, const char *name);
/* Copy the first per-jail error into e; returns its code, 0 if none. */
int jconf_first_error(const struct jconf *c, struct jail_err *e);

/* FreeBSD name matching: a name is a wildcard when a whole dotted component
 * is "*"; "*" matches every jail, "a.*" every descendant of a. */
int jconf_is_wild(const char *name);
int jconf_wild_match(const char *jname, const char *pattern);
/* The jail whose block name is NAME, or NULL. */
const struct jconf_jail *jconf_find(const struct jconf *c, const char *name);
/* Select jails for a command line: each of NAMES is a block name or a
 * wildcard; no names selects every jail. *idx receives malloc'd indexes
 * into c->jails in file order without duplicates. An exact name that is not
 * configured fails with `"x" not found` (exit 1). */
int jconf_select(const struct jconf *c, char *const *names, size_t nnames, size_t **idx, size_t *nidx,
		 struct jail_err *e);

/*
 * depend over the whole file, as FreeBSD's dep_setup() sees it: for each
 * jail (index into c->jails) the jails it depends on and those depending on
 * it, the first name its depend lists that no jail has (undefined: that jail
 * fails, "depends on undefined jail"), and loop: the jail where a dependency
 * loop was broken (it fails, "dependency loop"; the jails behind it are
 * skipped, the others are not held up).
 */
struct jconf_deps {
	size_t njails;
	size_t **deps, *ndeps;	 /* a depends on deps[a][0..ndeps[a]) */
	size_t **rdeps, *nrdeps; /* b is depended on by rdeps[b][...] */
	const char **undefined;	 /* points into c */
	bool *loop;
};
int jconf_deps_build(const struct jconf *c, struct jconf_deps *d, struct jail_err *e);
void jconf_deps_free(struct jconf_deps *d);
/* Whether jail a lists jail b in its depend. */
bool jconf_depends_on(const struct jconf_deps *d, size_t a, size_t b);
/*
 * The jails of one run, in order: the selection (indexes from jconf_select)
 * plus, when starting, what it depends on, or, when stopping (stop), what
 * depends on it, transitively; dependencies first when starting, dependents
 * first when stopping (as FreeBSD's jail -r db stops what needs db first).
 * *pulled[k] says order[k] was brought in by depend, not selected. Both
 * arrays are malloc'd.
 */
int jconf_depend_order(const struct jconf_deps *d, const size_t *sel, size_t nsel, bool stop, size_t **order,
		       bool **pulled, size_t *n, struct jail_err *e);

/* Format one jail like `jail -e SEP`: "name=a|path=/srv/a|persist", without
 * a newline; the "jid" parameter is not shown, lists are joined by ",",
 * values quoted as FreeBSD's quoted_print does. *out is malloc'd. */
int jconf_format_e(const struct jconf_jail *j, const char *sep, char **out, struct jail_err *e);
/* One value quoted as FreeBSD's quoted_print does ("" for empty). *out is malloc'd. */
int jconf_quote(const char *s, char **out, struct jail_err *e);
/* Every jail, one line each, each ending in "\n". */
int jconf_format_e_all(const struct jconf *c, const char *sep, char **out, struct jail_err *e);

#endif
