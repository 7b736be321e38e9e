/*
 * jls(8): lists jails from the registry as FreeBSD's jls does (flags,
 * layouts, messages, exit statuses), plus -p, a Linux-only listing of the
 * processes of jails as seen from the host (FreeBSD's ps -J / pgrep -j).
 * The formatting lives in lib/jls.c; this file parses argv, picks the
 * jails and turns failures into FreeBSD's one-line messages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jail/jls.h"
#include "jail/registry.h"

static void usage(void)
{
	fprintf(stderr, "usage: jls [--libxo json] [-dhNnqsv] [-j jail] [param ...]\n"
			"       jls -c [-d] -j jail\n"
			"       jls -p [--libxo json] [-d] [-j jail | jail]\n");
	exit(1); /* FreeBSD's jls: xo_errx(1, "usage: ...") */
}

/* --libxo json, --libxo=json, --libxo:json: only text and json exist here. */
static int take_libxo(int *argc, char **argv, bool *json)
{
	int i, o = 1;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i], *fmt = NULL;
		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "--libxo")) {
			if (i + 1 >= *argc)
				usage();
			fmt = argv[++i];
		} else if (!strncmp(a, "--libxo=", 8) || !strncmp(a, "--libxo:", 8)) {
			fmt = a + 8;
		} else {
			argv[o++] = argv[i];
			continue;
		}
		if (!strcmp(fmt, "json") || !strcmp(fmt, "J"))
			*json = true;
		else if (!strcmp(fmt, "text") || !strcmp(fmt, "T"))
			*json = false;
		else {
			fprintf(stderr, "jls: --libxo %s: only text and json are supported\n", fmt);
			return -1;
		}
	}
	for (; i < *argc; i++)
		argv[o++] = argv[i];
	argv[o] = NULL;
	*argc = o;
	return 0;
}

static bool public_view; /* reading the registry's public copies (not root) */
static bool no_registry; /* a user finds none to read: no jail was ever made */

/*
 * -j as FreeBSD reads it: a non-zero number is a jid, anything else a name.
 * A jail still being created does not exist yet; a dying one needs -d.
 */
static int lookup(struct jail_registry *reg, const char *key, bool want_dying, struct jail_state *st,
		  bool *dying, struct jail_err *e)
{
	char *end;
	unsigned long jid = strtoul(key, &end, 10);
	bool byjid = jid != 0 && *end == '\0' && jid <= INT_MAX;
	int r = no_registry   ? -ENOENT
		: byjid	      ? jail_registry_load(reg, (int)jid, st, e)
		: public_view ? jail_registry_find_public(reg, key, st, e)
			      : jail_registry_find(reg, key, st, e);

	if (r == -ENOENT)
		goto notfound;
	if (r < 0)
		return r;
	enum jail_status s = jail_state_status(st);
	if (s == JAIL_CREATING) {
		jail_state_free(st);
		goto notfound;
	}
	*dying = s == JAIL_DYING;
	if (*dying && !want_dying) {
		jail_state_free(st);
		if (byjid)
			return jail_err_set(e, -ENOENT, "jail %lu is dying", jid);
		return jail_err_set(e, -ENOENT, "jail \"%s\" is dying", key);
	}
	return 0;
notfound:
	if (byjid)
		return jail_err_set(e, -ENOENT, "jail %lu not found", jid);
	return jail_err_set(e, -ENOENT, "jail \"%s\" not found", key);
}

/*
 * Any user may list jails, as on FreeBSD: one who cannot read the state
 * files reads the public copies, which hold what jls shows. Without a
 * registry at all there are no jails to list.
 */
static int open_registry(struct jail_registry *reg, struct jail_err *e)
{
	int r = jail_registry_open(reg, e);

	if (r == -EACCES && access(reg->dir, F_OK) < 0 && errno == ENOENT)
		goto none;
	if (r < 0)
		return r;
	if (faccessat(reg->dirfd, ".", R_OK, AT_EACCESS) == 0 || errno != EACCES)
		return 0;
	public_view = true;
	r = jail_registry_use_public(reg, e);
	if (r != -ENOENT)
		return r;
	jail_registry_close(reg);
none:
	jail_err_clear(e);
	no_registry = true;
	return 0;
}

static int warn_err(const struct jail_err *e)
{
	fflush(stdout);
	fprintf(stderr, "jls: %s\n", e->msg);
	return 1;
}

static int show_procs(struct jls_out *o, const struct jail_state *st)
{
	struct jail_err e = {0};
	struct jls_proc *procs;
	int n = jls_procs(st, &procs, &e);

	if (n < 0)
		return warn_err(&e);
	for (int i = 0; i < n; i++)
		jls_proc(o, st, &procs[i]);
	jls_procs_free(procs, n);
	return 0;
}

static int show(struct jls_out *o, bool procs, const struct jail_state *st, bool dying)
{
	if (procs)
		return show_procs(o, st);
	jls_jail(o, st, dying);
	return 0;
}

/*
 * The child jails of a jail that may have them, listed after it as
 * "parent.child" (FreeBSD's names), from its own registry inside it.
 * Their JIDs are the parent's numbering.
 */
static int show_children(struct jls_out *o, bool procs, const struct jail_state *parent, bool want_dying)
{
	struct jail_registry child;
	struct jail_err e = {0};
	struct jail_state st;
	int *jids = NULL, n, ret = 0;

	if (jail_registry_open_children(parent, &child, &e) < 0)
		return 0;
	n = jail_registry_list(&child, &jids, &e);
	for (int i = 0; i < n; i++) {
		if (jail_registry_load(&child, jids[i], &st, &e) < 0)
			continue;
		enum jail_status s = jail_state_status_in(&child, &st);
		char name[2 * sizeof(st.name) + 2];
		snprintf(name, sizeof(name), "%s.%s", parent->name, st.name);
		if (strlen(name) >= sizeof(st.name))
			continue; /* FreeBSD's names are at most MAXHOSTNAMELEN long too */
		memcpy(st.name, name, strlen(name) + 1);
		/* Processes of a child jail are shown from the host through its parent's. */
		if ((s == JAIL_ALIVE || (s == JAIL_DYING && want_dying)) && !procs)
			jls_jail(o, &st, s == JAIL_DYING);
		jail_state_free(&st);
	}
	free(jids);
	jail_registry_close(&child);
	return ret;
}

int main(int argc, char **argv)
{
	struct jls_out o = {.f = stdout};
	struct jail_registry reg = {.dirfd = -1, .lockfd = -1};
	struct jail_err e = {0};
	struct jail_state st;
	const char *jname = NULL;
	bool want_dying = false, check = false, procs = false, dying = false;
	unsigned pf = 0;
	int c, ret = 0;

	if (take_libxo(&argc, argv, &o.json) < 0)
		return 1;
	while ((c = getopt(argc, argv, "+adj:chNnpqsv")) != -1) {
		switch (c) {
		case 'a':
		case 'd':
			want_dying = true;
			break;
		case 'j':
			jname = optarg;
			break;
		case 'c':
			check = true;
			break;
		case 'p':
			procs = true;
			break;
		case 'h':
			pf = (pf & ~(JLS_SKIP | JLS_VERBOSE)) | JLS_HEADER;
			break;
		case 'N':
			pf |= JLS_JAIL_NAME;
			break;
		case 'n':
			pf = (pf & ~JLS_VERBOSE) | JLS_NAMEVAL;
			break;
		case 'q':
			pf |= JLS_QUOTED;
			break;
		case 's':
			pf = (pf & ~(JLS_HEADER | JLS_VERBOSE)) | JLS_NAMEVAL | JLS_QUOTED | JLS_SKIP;
			break;
		case 'v':
			pf = (pf & ~(JLS_HEADER | JLS_NAMEVAL | JLS_SKIP)) | JLS_VERBOSE;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	if (check) {
		/* Existence test: no output but usage errors, the answer is the status. */
		if (!jname || argc > 0 || pf || procs || o.json)
			usage();
		if (open_registry(&reg, &e) < 0 || lookup(&reg, jname, want_dying, &st, &dying, &e) < 0)
			return 1;
		jail_state_free(&st);
		jail_registry_close(&reg);
		return 0;
	}
	if (procs) {
		if (pf || argc > 1 || (argc == 1 && jname))
			usage();
		if (argc == 1)
			jname = argv[0];
	} else if (argc == 0) {
		if (pf & (JLS_HEADER | JLS_NAMEVAL))
			jls_params_add(&o, "all", &e);
		else if (!(pf & JLS_VERBOSE))
			pf |= JLS_DEFAULT;
	} else {
		pf &= ~JLS_VERBOSE;
		for (int i = 0; i < argc; i++)
			if (jls_params_add(&o, argv[i], &e) < 0)
				return warn_err(&e);
	}
	o.flags = pf;

	if (open_registry(&reg, &e) < 0)
		return warn_err(&e);
	if (jname) {
		/* FreeBSD prints the header before it finds out the jail is missing. */
		if (!o.json)
			procs ? jls_procs_begin(&o) : jls_begin(&o);
		if (lookup(&reg, jname, want_dying, &st, &dying, &e) < 0) {
			jail_registry_close(&reg);
			return warn_err(&e);
		}
		if (o.json)
			procs ? jls_procs_begin(&o) : jls_begin(&o);
		ret = show(&o, procs, &st, dying);
		jail_state_free(&st);
	} else {
		int *jids = NULL, n = no_registry ? 0 : jail_registry_list(&reg, &jids, &e);
		if (n < 0)
			return warn_err(&e);
		procs ? jls_procs_begin(&o) : jls_begin(&o);
		for (int i = 0; i < n; i++) {
			int r = jail_registry_load(&reg, jids[i], &st, &e);
			if (r == -ENOENT)
				continue; /* removed while we looked */
			if (r < 0) {
				ret = warn_err(&e);
				continue;
			}
			enum jail_status s = jail_state_status(&st);
			if (s == JAIL_ALIVE || (s == JAIL_DYING && want_dying))
				ret |= show(&o, procs, &st, s == JAIL_DYING);
			if (s == JAIL_ALIVE)
				ret |= show_children(&o, procs, &st, want_dying);
			jail_state_free(&st);
		}
		free(jids);
	}
	jls_end(&o);
	jail_registry_close(&reg);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "jls: stdout: %s\n", strerror(errno));
		return 1;
	}
	return ret;
}
