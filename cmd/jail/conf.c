/*
 * jail(8)'s jail.conf forms: jail [-f conf] -c|-m|-cm|-rc|-mr [jail ...],
 * jail [-f conf] -r jail|'*' ... and jail [-f conf] -e sep. The jails of a
 * run go in depend order (lib/conf/depend.c), one after another, with
 * FreeBSD's rules (jail.c main loop, state.c dep_check):
 *  - a jail pulled in as a dependency, or selected by a wildcard or by
 *    naming no jail, that already runs (or, stopping, does not run) is
 *    left alone without a word; one named outright is an error;
 *  - starting, a jail whose dependency failed is "skipped"; stopping, a
 *    jail whose dependent could not be stopped is; a jail of a dependency
 *    loop or depending on an undefined jail fails;
 *  - one jail failing does not stop the others; the status is 1 if any did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jail.h"

/* A jail of jail.conf as a parameter set; unknown names fail like the command line's. */
static int conf_params(const struct jconf_jail *j, struct jail_params *p, bool dying, struct jail_err *e)
{
	for (size_t i = 0; i < j->nparams; i++) {
		const struct jconf_param *cp = &j->params[i];
		bool neg;
		int id, r;
		if (cp->nvals == 0) {
			r = jail_params_set_arg(p, cp->name, false, e);
		} else if ((id = jail_param_lookup(cp->name, &neg)) < 0) {
			r = jail_err_set(e, -ENOENT, "unknown parameter: %s", cp->name);
		} else if (neg) {
			r = jail_err_set(e, -EINVAL, "%s: a \"no\" parameter takes no value", cp->name);
		} else {
			r = jail_params_set(p, (enum jail_param_id)id, (const char *const *)cp->vals,
					    cp->nvals, false, e);
		}
		if (r < 0) {
			/* The order of the per-jail errors of jail.conf: FILE:LINE: JAIL: message. */
			jail_err_prefix(e, "%s", j->name);
			return jail_err_prefix(e, "%s:%d", cp->file, cp->line);
		}
	}
	if (dying)
		return jail_params_set_arg(p, "allow.dying", false, e);
	return 0;
}

/* The jail a block means: its jid=, else its name (FreeBSD's running_jid). */
static const char *conf_key(const struct jconf_jail *j)
{
	const struct jconf_param *p = jconf_jail_param(j, "jid");

	if (!p || p->nvals == 0)
		p = jconf_jail_param(j, "name");
	return p && p->nvals ? p->vals[p->nvals - 1] : j->name;
}

/* Names given with a wildcard select quietly; no names is the whole file, quietly too. */
static bool *selected_wild(const struct jconf *c, char **names, int n)
{
	bool *wild = calloc(c->njails + 1, sizeof(bool));

	for (size_t j = 0; wild && j < c->njails; j++) {
		bool exact = false, any = n == 0;
		for (int k = 0; k < n; k++) {
			if (!strcmp(names[k], c->jails[j].name))
				exact = true;
			else if (jconf_is_wild(names[k]) && jconf_wild_match(c->jails[j].name, names[k]))
				any = true;
		}
		wild[j] = any && !exact;
	}
	return wild;
}

struct run {
	struct cli *c;
	struct jconf *cf;
	struct jconf_deps d;
	size_t *order, n;
	bool *pulled, *wild, *failed;
	bool stop;
};

static void run_free(struct run *r)
{
	free(r->order);
	free(r->pulled);
	free(r->wild);
	free(r->failed);
	jconf_deps_free(&r->d);
	jconf_free(r->cf);
}

/* Parse the file and order the selected jails (sel) of a run. */
static int run_plan(struct run *r, const size_t *sel, size_t nsel, struct jail_err *e)
{
	if (jconf_deps_build(r->cf, &r->d, e) < 0 ||
	    jconf_depend_order(&r->d, sel, nsel, r->stop, &r->order, &r->pulled, &r->n, e) < 0)
		return -1;
	r->failed = calloc(r->cf->njails + 1, sizeof(bool));
	return r->failed ? 0 : jail_err_set(e, -ENOMEM, "out of memory");
}

/*
 * Before acting on jail j: its own depend problems, then the jails it waits
 * for (dependencies starting, dependents stopping) that failed. Returns true
 * when j cannot go on (it is then failed).
 */
static bool held_back(struct run *r, size_t k)
{
	size_t j = r->order[k];
	const struct jconf_jail *cj = &r->cf->jails[j];

	if (r->d.loop[j])
		warn_jail(cj->name, "dependency loop");
	else if (r->d.undefined[j])
		warn_jail(cj->name, "depends on undefined jail \"%s\"", r->d.undefined[j]);
	else {
		bool blocked = false;
		for (size_t x = 0; x < r->cf->njails && !blocked; x++)
			blocked = r->failed[x] &&
				  (r->stop ? jconf_depends_on(&r->d, x, j) : jconf_depends_on(&r->d, j, x));
		if (!blocked)
			return false;
		if (!r->pulled[k] && r->c->out.verbose >= 0)
			warn_jail(cj->name, "skipped");
	}
	r->failed[j] = true;
	return true;
}

static struct out jail_out(const struct cli *c, const struct jconf_jail *j, const struct jail_params *p)
{
	struct out o = c->out;

	o.named = true;
	o.label = j->name;
	o.name = jail_params_isset(p, JP_NAME) ? jail_params_str(p, JP_NAME) : j->name;
	return o;
}

/* jail [-f conf] -c|-m|-cm|-rc|-mr|-cmr [jail ...] */
int conf_run(struct cli *c, char **names, int nnames)
{
	struct run r = {.c = c};
	struct jail_err e = {0};
	size_t *sel = NULL, nsel = 0;
	int status = 0;

	if (jconf_parse_file(c->conf_file, &r.cf, &e) < 0)
		return die(&e);
	if (jconf_select(r.cf, names, (size_t)nnames, &sel, &nsel, &e) < 0 ||
	    !(r.wild = selected_wild(r.cf, names, nnames))) {
		status = die(&e);
		goto out;
	}
	/* -m alone changes the named jails only; making a jail makes what it depends on first. */
	if (run_plan(&r, sel, c->create ? nsel : 0, &e) < 0) {
		status = die(&e);
		goto out;
	}
	if (!c->create) {
		for (size_t k = 0; k < nsel; k++) {
			r.order[k] = sel[k];
			r.pulled[k] = false;
		}
		r.n = nsel;
	}
	for (size_t k = 0; k < r.n; k++) {
		size_t j = r.order[k];
		const struct jconf_jail *cj = &r.cf->jails[j];
		struct jail_params p = {0};
		int rc;

		if (held_back(&r, k)) {
			status = 1;
			continue;
		}
		if (cj->err.code) {
			rc = die(&cj->err);
		} else if (conf_params(cj, &p, c->dying, &e) < 0) {
			rc = die(&e);
		} else {
			struct out o = jail_out(c, cj, &p);
			bool quiet = r.pulled[k] || r.wild[j];
			if (r.pulled[k] || (c->create && !c->modify && !c->remove))
				rc = act_start(c, &p, cj, o, quiet);
			else
				rc = act_change(c, &p, cj, o, r.wild[j]);
		}
		jail_params_free(&p);
		if (rc != 0) {
			r.failed[j] = true;
			status = rc > 0 ? rc : 1;
		}
	}
out:
	free(sel);
	run_free(&r);
	return status;
}

/* jail [-f conf] -r jail|'*'|wildcard ...: the file's jails (and what depends on them), then running ones. */
int conf_remove(struct cli *c, char **names, int nnames)
{
	struct run r = {.c = c, .stop = true};
	struct jail_registry reg;
	struct jail_err e = {0};
	size_t *sel = NULL, nsel = 0;
	char **others = calloc((size_t)nnames + 1, sizeof(char *));
	int status = 0, nothers = 0;

	if (!others || jconf_parse_file(c->conf_file, &r.cf, &e) < 0) {
		free(others);
		return die(&e);
	}
	sel = calloc(r.cf->njails + 1, sizeof(size_t));
	r.wild = calloc(r.cf->njails + 1, sizeof(bool));
	if (!sel || !r.wild || jail_registry_open(&reg, &e) < 0) {
		free(sel);
		free(others);
		run_free(&r);
		return die(&e);
	}
	for (int i = 0; i < nnames; i++) {
		bool wild = jconf_is_wild(names[i]), hit = false;
		for (size_t j = 0; j < r.cf->njails; j++) {
			if (wild ? !jconf_wild_match(r.cf->jails[j].name, names[i])
				 : strcmp(r.cf->jails[j].name, names[i]))
				continue;
			hit = true;
			bool known = false;
			for (size_t s = 0; s < nsel; s++)
				known |= sel[s] == j;
			if (!known)
				sel[nsel++] = j;
			r.wild[j] = wild;
		}
		/* A running jail the file does not know, by name or JID. */
		if (!hit && !wild) {
			struct jail_err se = {0};
			if (jail_status_of(names[i], &se) != -ENOENT)
				others[nothers++] =
					names[i]; /* running, or a record act_remove will speak of */
			else {
				warn_jail(NULL, "\"%s\" not found", names[i]);
				status = 1;
			}
		}
	}
	if (run_plan(&r, sel, nsel, &e) < 0) {
		status = die(&e);
		goto out;
	}
	for (size_t k = 0; k < r.n; k++) {
		size_t j = r.order[k];
		const struct jconf_jail *cj = &r.cf->jails[j];
		struct out o = c->out;

		if (held_back(&r, k)) {
			status = 1;
			continue;
		}
		o.named = true;
		o.label = cj->name;
		if (act_remove(&reg, conf_key(cj), !c->no_hooks, o, r.pulled[k] || r.wild[j]) != 0) {
			r.failed[j] = true;
			status = 1;
		}
	}
	for (int i = 0; i < nothers; i++) {
		struct out o = c->out;
		o.label = others[i];
		status |= act_remove(&reg, others[i], !c->no_hooks, o, false);
	}
out:
	jail_registry_close(&reg);
	free(sel);
	free(others);
	run_free(&r);
	return status ? 1 : 0;
}

/* jail [-f conf] -e sep: every jail of the file, after the warnings its variables gave. */
int conf_show(struct cli *c)
{
	struct jconf *cf = NULL;
	struct jail_err e = {0};
	char *text = NULL;
	int r;

	if (jconf_parse_file(c->conf_file, &cf, &e) < 0)
		return die(&e);
	for (size_t i = 0; i < cf->njails; i++)
		if (cf->jails[i].err.code)
			die(&cf->jails[i].err);
	r = jconf_format_e_all(cf, c->esep, &text, &e);
	if (r == 0)
		fputs(text, stdout);
	free(text);
	jconf_free(cf);
	return r < 0 ? die(&e) : 0;
}
