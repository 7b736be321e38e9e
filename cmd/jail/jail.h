/*
 * jail(8)'s own pieces shared by its files: what is said and when (out.c,
 * FreeBSD's jail_note/jail_warnx rules), the ordered parameter list that
 * -J writes (jfile.c), single-jail actions (main.c) and the jail.conf runs
 * (conf.c).
 */
#ifndef JAIL_CMD_JAIL_H
#define JAIL_CMD_JAIL_H

#include <stdbool.h>
#include <stdio.h>

#include "jail/conf.h"
#include "jail/jail.h"

/*
 * What the user asked to see, about which jail: the report callback's view.
 * FreeBSD's rules (jail.c, command.c): "created" and "updated" are said for
 * a jail of jail.conf (named) unless -q, for any jail with -v; "removed" by
 * jail -r when a configuration file is in use or more than one jail (or a
 * wildcard) was named (note_remove), by -v always.
 */
struct out {
	int verbose;	   /* -1 (-q, -i), 0, 1 (-v) */
	bool print_jid;	   /* -i */
	bool named;	   /* a jail of jail.conf: FreeBSD's j->name */
	bool note_remove;  /* jail -r: say "removed" */
	bool removing;	   /* the removal is a jail -r (not a command's end, not a restart) */
	const char *label; /* the jail.conf block or the jail -r argument: prefix of notes */
	const char *name;  /* the name parameter: prefix of problem lines */
	int jid;	   /* the jail last made, from its created report */
};

/* The report callback of struct jail_run_opts for an out. */
void report(void *arg, enum jail_report what, int jid, const char *name, const char *text);
/* Print e as one "jail: ..." line; returns 1, jail(8)'s status for every failure. */
int die(const struct jail_err *e);
/* One "jail: [prefix: ]text" line. */
void warn_jail(const char *prefix, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The parameters of one jail in the order they were given, as FreeBSD's
 * cfjail keeps them (add_param: the same parameter again adds its values,
 * a bare one clears them), for the -J file. A struct jconf_jail so that
 * jconf_format_e prints it.
 */
int plist_add(struct jconf_jail *pl, const char *name, const char *const *vals, size_t nvals);
void plist_free(struct jconf_jail *pl);

/* -J: the jid file, opened once; one line per jail made. */
int jfile_open(const char *path);
void jfile_close(void);
/* "jid=N name=value ..." (jail.c print_jail) */
void jfile_jail(int jid, const struct jconf_jail *pl);
/* The legacy form's "JID\tpath\thostname\tip,...\tcommand ..." */
void jfile_legacy(int jid, const struct jail_params *p);

/* What the whole command line asked for. */
struct cli {
	bool create, modify, remove, no_hooks, dying;
	const char *conf_file, *esep;
	struct out out;
	struct jconf_jail plist; /* -J: option parameters, then argv's */
};

/* Single-jail actions (main.c); key is a name or JID. */
int act_start(struct cli *c, const struct jail_params *p, const struct jconf_jail *pl, struct out o,
	      bool quiet_exists);
int act_remove(struct jail_registry *reg, const char *key, bool hooks, struct out o, bool quiet_missing);
int act_change(struct cli *c, const struct jail_params *p, const struct jconf_jail *pl, struct out o,
	       bool wild);
/* The status of the jail with key (JAIL_ALIVE, JAIL_CREATING, JAIL_DYING); -ENOENT when there is
 * none, another -errno with e filled when its record cannot be read or believed. */
int jail_status_of(const char *key, struct jail_err *e);

/* jail.conf forms (conf.c). */
int conf_run(struct cli *c, char **names, int nnames);
int conf_show(struct cli *c);
int conf_remove(struct cli *c, char **names, int nnames);

#endif
