/*
 * What jail(8) says: the created/updated/removed notes and -v's steps on
 * standard output as FreeBSD's jail_note() prints them ("NAME: text"),
 * problems and errors on standard error as one "jail: ..." line each, and
 * the -J jid file, written as jail.c's print_jail() does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jail.h"

static const char *prefix(const struct out *o, const char *name)
{
	return o->label ? o->label : o->name ? o->name : name;
}

static void note(const struct out *o, const char *name, const char *text)
{
	const char *pre = prefix(o, name);

	if (pre && pre[0])
		printf("%s: %s\n", pre, text);
	else
		printf("%s\n", text);
}

void report(void *arg, enum jail_report what, int jid, const char *name, const char *text)
{
	struct out *o = arg;

	switch (what) {
	case JAIL_REPORT_PROBLEM:
		fflush(stdout);
		warn_jail(o->name ? o->name : o->label, "%s", text);
		break;
	case JAIL_REPORT_CREATED:
		o->jid = jid;
		if (o->print_jid)
			printf("%d\n", jid);
		if (o->verbose > 0 || (o->verbose == 0 && o->named))
			note(o, name, "created");
		break;
	case JAIL_REPORT_REMOVED:
		if (o->verbose > 0 || (o->verbose == 0 && (o->removing ? o->note_remove : false)))
			note(o, name, "removed");
		break;
	case JAIL_REPORT_UPDATED:
		if (o->verbose > 0 || (o->verbose == 0 && o->named))
			note(o, name, "updated");
		break;
	case JAIL_REPORT_STEP:
		/* -v: each step of the create and stop tables, and each command run (FreeBSD's jail_note). */
		if (o->verbose > 0)
			note(o, name, text);
		break;
	}
	fflush(stdout);
}

void warn_jail(const char *pre, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("jail: ", stderr);
	if (pre && pre[0])
		fprintf(stderr, "%s: ", pre);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int die(const struct jail_err *e)
{
	if (e->msg[0])
		warn_jail(NULL, "%s", e->msg);
	return 1;
}

/* --- the ordered parameter list (FreeBSD's add_param from the command line) --- */

static bool same_param(const char *a, const char *b)
{
	bool na, nb;
	int ia = jail_param_lookup(a, &na), ib = jail_param_lookup(b, &nb);

	return !strcmp(a, b) || (ia >= 0 && ia == ib);
}

/* vals NULL: a bare parameter (clears the values); else nvals values to add. */
int plist_add(struct jconf_jail *pl, const char *name, const char *const *vals, size_t nvals)
{
	struct jconf_param *p = NULL;

	for (size_t i = 0; i < pl->nparams && !p; i++)
		if (same_param(pl->params[i].name, name))
			p = &pl->params[i];
	if (!p) {
		struct jconf_param *np = realloc(pl->params, (pl->nparams + 1) * sizeof(*np));
		if (!np)
			return -ENOMEM;
		pl->params = np;
		p = &np[pl->nparams++];
		memset(p, 0, sizeof(*p));
	}
	char *nm = strdup(name);
	if (!nm)
		return -ENOMEM;
	free(p->name);
	p->name = nm;
	if (nvals == 0) {
		if (vals)
			return 0; /* nothing to add */
		for (size_t k = 0; k < p->nvals; k++)
			free(p->vals[k]);
		free(p->vals);
		p->vals = NULL;
		p->nvals = 0;
		return 0;
	}
	char **nv = realloc(p->vals, (p->nvals + nvals) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	p->vals = nv;
	for (size_t k = 0; k < nvals; k++) {
		if (!(p->vals[p->nvals] = strdup(vals[k])))
			return -ENOMEM;
		p->nvals++;
	}
	return 0;
}

void plist_free(struct jconf_jail *pl)
{
	for (size_t i = 0; i < pl->nparams; i++) {
		for (size_t k = 0; k < pl->params[i].nvals; k++)
			free(pl->params[i].vals[k]);
		free(pl->params[i].vals);
		free(pl->params[i].name);
	}
	free(pl->params);
	pl->params = NULL;
	pl->nparams = 0;
}

/* --- -J jid_file --- */

static FILE *jfile;

int jfile_open(const char *path)
{
	jfile = fopen(path, "we");
	if (!jfile) {
		warn_jail(NULL, "open %s: %s", path, strerror(errno));
		return -1;
	}
	setlinebuf(jfile);
	return 0;
}

void jfile_close(void)
{
	if (jfile)
		fclose(jfile);
	jfile = NULL;
}

void jfile_jail(int jid, const struct jconf_jail *pl)
{
	struct jail_err e = {0};
	char *text = NULL;

	if (!jfile)
		return;
	if (jconf_format_e(pl, " ", &text, &e) == 0)
		fprintf(jfile, "jid=%d%s%s\n", jid, text[0] ? " " : "", text);
	free(text);
}

/* Values quoted and joined by sep, as print_param(fp, p, sep, 0). */
static void values(const struct jail_param_val *v, char sep)
{
	struct jail_err e = {0};

	for (size_t i = 0; i < v->n; i++) {
		char *q = NULL;
		if (jconf_quote(v->v[i], &q, &e) == 0)
			fprintf(jfile, "%s%s", i ? (char[]){sep, 0} : "", q);
		free(q);
	}
}

void jfile_legacy(int jid, const struct jail_params *p)
{
	const struct jail_param_val *ip4 = jail_params_get(p, JP_IP4_ADDR),
				    *ip6 = jail_params_get(p, JP_IP6_ADDR);

	if (!jfile)
		return;
	fprintf(jfile, "%d\t", jid);
	values(jail_params_get(p, JP_PATH), ',');
	fputc('\t', jfile);
	values(jail_params_get(p, JP_HOSTNAME), ',');
	fputc('\t', jfile);
	values(ip4, ',');
	if (ip4->n && ip6->n)
		fputc(',', jfile);
	values(ip6, ',');
	fputc('\t', jfile);
	values(jail_params_get(p, JP_COMMAND), ' ');
	fputc('\n', jfile);
}
