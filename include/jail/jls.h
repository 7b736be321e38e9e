/*
 * What jls(8) prints, formatted exactly as FreeBSD's jls does: the default
 * and -v layouts, parameter lists (-n, -q, -s, -h), libxo-style JSON, and
 * the Linux-only process listing (-p). The functions write into a FILE the
 * caller passes (a terminal, a pipe or an open_memstream buffer) and never
 * decide what goes to stderr or how the program exits.
 */
#ifndef JAIL_JLS_H
#define JAIL_JLS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "jail/err.h"
#include "jail/param.h"
#include "jail/registry.h"

/* The print flags of FreeBSD's jls.c, same meaning. */
enum jls_flags {
	JLS_DEFAULT = 1 << 0,	/* the four-column table */
	JLS_HEADER = 1 << 1,	/* -h: a line of parameter names */
	JLS_NAMEVAL = 1 << 2,	/* -n: name=value */
	JLS_QUOTED = 1 << 3,	/* -q: quote values with blanks or quotes */
	JLS_SKIP = 1 << 4,	/* -s: only what jail -c can take back */
	JLS_VERBOSE = 1 << 5,	/* -v: the multi-line summary */
	JLS_JAIL_NAME = 1 << 6, /* -N: name instead of jid in the table */
};

#define JLS_PARAMS_MAX 256 /* parameters named on one command line */

struct jls_out {
	FILE *f;
	unsigned flags;		    /* JLS_* */
	bool json;		    /* --libxo json */
	int params[JLS_PARAMS_MAX]; /* parameter mode: what to print, in order */
	int nparams;
	int count; /* jails (or processes) emitted so far */
};

/*
 * Add parameters by name as jls takes them on its command line: "all" adds
 * every jail parameter (top-level names first, then sorted), a repeat is
 * ignored, an unknown or jail(8)-only name fails with "unknown parameter: X".
 */
int jls_params_add(struct jls_out *o, const char *name, struct jail_err *e);

/* The header line(s) of the mode, or the opening of the JSON document. */
void jls_begin(struct jls_out *o);
/* One jail, from its registry state; dying selects DYING over ACTIVE. */
void jls_jail(struct jls_out *o, const struct jail_state *st, bool dying);
/* The end of the JSON document (nothing in text mode). */
void jls_end(struct jls_out *o);

#define JLS_VALUES_MAX 1024		     /* strings of one list value shown */
#define JLS_VALUE_BUF  (JLS_VALUES_MAX * 48) /* room for that many addresses */

/*
 * A parameter's value as jls shows it: *n strings in v (at most
 * JLS_VALUES_MAX; a list may have none), defaults filled in, booleans as
 * true/false, ip4.addr/ip6.addr as bare addresses (no "IF|", no netmask:
 * FreeBSD's kernel holds only those). buf holds what is made up on the
 * spot: 64 bytes do for a scalar, an address list needs JLS_VALUE_BUF.
 * v points into st or buf.
 */
void jls_value(const struct jail_state *st, bool dying, enum jail_param_id id, const char **v, size_t *n,
	       char *buf, size_t bufsz);
/* The quote character -q puts around s: '"', '\'' or 0 for none. */
int jls_quote_char(const char *s);

/*
 * Copy len bytes of s into out (outsz bytes, NUL-terminated, cut at a
 * whole character) so that no byte of it can drive a terminal: control
 * characters, DEL, bytes that are not well-formed UTF-8 and C1 controls
 * become octal escapes as vis(3) -o writes them ("\033", "\012"), and a
 * backslash becomes "\\" so the escapes stay unambiguous. Returns the
 * length written. 4 * len + 1 bytes always suffice.
 */
size_t jls_vis(const char *s, size_t len, char *out, size_t outsz);

/*
 * The registry's public view, for a user who may not read the state files
 * (any user may list jails, as on FreeBSD): beside each root-only state
 * file the registry keeps public/JID.json with what jls shows (written by
 * lib/core/registry_public.c). jail_registry_use_public turns an open
 * registry into that view, so list and load read it; find by name scans it
 * (there are no name links), "jail \"x\" not found" if none.
 */
int jail_registry_use_public(struct jail_registry *r, struct jail_err *e);
int jail_registry_find_public(struct jail_registry *r, const char *key, struct jail_state *st,
			      struct jail_err *e);

/* One process of a jail, seen from the host. */
struct jls_proc {
	pid_t pid;  /* host pid */
	pid_t jpid; /* pid inside the jail's pid namespace */
	uid_t uid;  /* effective */
	char *cmd;  /* command line, blanks for NULs, escaped by jls_vis; "[comm]" when it has none */
};

/*
 * Every process of a jail, ascending by host pid: the members of its
 * cgroup (first hierarchy), or when that cannot be found, every process
 * in the pid namespace of its init. Returns the count; free with
 * jls_procs_free.
 */
int jls_procs(const struct jail_state *st, struct jls_proc **procs, struct jail_err *e);
void jls_procs_free(struct jls_proc *procs, int n);
/* jls -p: the header (or JSON opening), one line per process, the end. */
void jls_procs_begin(struct jls_out *o);
void jls_proc(struct jls_out *o, const struct jail_state *st, const struct jls_proc *p);
void jls_procs_end(struct jls_out *o);

#endif
