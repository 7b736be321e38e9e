/*
 * jail(8): argv in, text out. Parses FreeBSD's command line (the -c/-m/-r
 * forms with name=value parameters, the jail.conf forms in conf.c and the
 * legacy positional form) into parameter sets and hands them to libjail;
 * what is printed follows FreeBSD's jail.c (out.c), errors are one line
 * and exit status 1, as FreeBSD's (a jail's command gives its own status).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail.h"

static void usage(void)
{
	fprintf(stderr, "usage: jail [-dhilqv] [-J jid_file] [-u username] [-U username]\n"
			"            -[cmr] param=value ... [command=command ...]\n"
			"       jail [-dqv] [-f conf_file] -[cmr] [jail]\n"
			"       jail [-qv] [-f conf_file] -[rR] ['*' | jail ...]\n"
			"       jail [-dhilqv] [-J jid_file] [-u username] [-U username]\n"
			"            [-n jailname] [-s securelevel]\n"
			"            path hostname ip[,...] command ...\n"
			"       jail [-f conf_file] -e separator\n"
			"       jail --privileges[=man]\n"
			"       jail --steps\n");
	exit(1);
}

int jail_status_of(const char *key, struct jail_err *e)
{
	struct jail_registry reg;
	struct jail_state st;
	int s = jail_registry_open(&reg, e);

	if (s < 0)
		return s;
	s = jail_registry_find(&reg, key, &st, e);
	if (s == 0) {
		s = (int)jail_state_status(&st);
		jail_state_free(&st);
	}
	jail_registry_close(&reg);
	return s;
}

/*
 * The jail a parameter set means: its jid, else its name (FreeBSD's
 * running_jid). A number not in normal form (leading zero) names no jail: a
 * lookup would take it for a JID.
 */
static const char *jail_key(const struct jail_params *p)
{
	const char *name = jail_params_isset(p, JP_NAME) ? jail_params_str(p, JP_NAME) : NULL;

	if (jail_params_isset(p, JP_JID))
		return jail_params_str(p, JP_JID);
	if (name && name[0] == '0' && strspn(name, "0123456789") == strlen(name))
		return NULL;
	return name;
}

/* jail_quoted_warnx: the block name, else the jid, else the name. */
static const char *quoted_key(const struct out *o, const struct jail_params *p)
{
	return o->label ? o->label : jail_key(p);
}

/* Take away a dying jail of this name or JID: FreeBSD replaces a dying jail with a new one. */
static int replace_dying(const char *key)
{
	struct jail_registry reg;
	struct jail_err e = {0};
	int r = jail_registry_open(&reg, &e);

	if (r == 0)
		r = jail_remove(&reg, key, 0, NULL, &e);
	jail_registry_close(&reg);
	return r < 0 ? die(&e) : 0;
}

int act_start(struct cli *c, const struct jail_params *p, const struct jconf_jail *pl, struct out o,
	      bool quiet_exists)
{
	struct jail_run_opts ro = {report, &o};
	struct jail_err e = {0};
	const char *key = jail_key(p);
	int st = key ? jail_status_of(key, &e) : -ENOENT, ret;

	if (st < 0 && st != -ENOENT)
		return die(&e); /* a record that cannot be believed: not made over */
	if (st == JAIL_DYING && replace_dying(key) != 0)
		return 1;
	if (st == JAIL_ALIVE || st == JAIL_CREATING) {
		/* A dependency, or a jail of a wildcard or of the whole file, that runs is left alone. */
		if (quiet_exists)
			return 0;
		warn_jail(NULL, "\"%s\" already exists", quoted_key(&o, p));
		return 1;
	}
	o.jid = 0;
	fflush(stdout);
	ret = jail_run(p, &ro, &e);
	if (ret == -EEXIST && strstr(e.msg, "already exists")) {
		/* lost a race for the name or JID */
		warn_jail(NULL, "\"%s\" already exists", quoted_key(&o, p));
		return 1;
	}
	if (ret < 0)
		return die(&e);
	if (ret == 0 && o.jid > 0)
		pl ? jfile_jail(o.jid, pl) : jfile_legacy(o.jid, p);
	return ret;
}

int act_remove(struct jail_registry *reg, const char *key, bool hooks, struct out o, bool quiet_missing)
{
	struct jail_run_opts ro = {report, &o};
	struct jail_err e = {0};
	int st = jail_status_of(key, &e);

	if (st < 0 && st != -ENOENT)
		return die(&e);
	if (st < 0) {
		/* still "not found", but what a jail(8) killed while taking the name left goes */
		(void)jail_remove(reg, key, 0, NULL, &e);
		if (quiet_missing)
			return 0;
		if (o.verbose >= 0)
			warn_jail(NULL, "\"%s\" not found", o.label ? o.label : key);
		return 1;
	}
	o.removing = true;
	if (jail_remove(reg, key, hooks ? JAIL_REMOVE_HOOKS : 0, &ro, &e) < 0)
		return die(&e);
	return 0;
}

/* -mr: a create-only parameter changed; restart with everything merged. */
static int restart_merged(struct cli *c, struct jail_registry *reg, const char *key,
			  const struct jail_params *p, const struct jconf_jail *pl, struct out o)
{
	struct jail_run_opts ro = {report, &o};
	struct jail_params merged = {0};
	struct jail_err e = {0};
	int ret = jail_params_merged(reg, key, p, &merged, &e);

	if (ret == 0)
		ret = jail_remove(reg, key, JAIL_REMOVE_HOOKS, &ro, &e);
	jail_registry_close(reg);
	ret = ret < 0 ? die(&e) : act_start(c, &merged, pl, o, false);
	jail_params_free(&merged);
	return ret;
}

/* -m, -cm, -rc, -mr, -cmr: modify, or restart, or create, by what runs. */
int act_change(struct cli *c, const struct jail_params *p, const struct jconf_jail *pl, struct out o,
	       bool wild)
{
	struct jail_run_opts ro = {report, &o};
	struct jail_registry reg;
	struct jail_err e = {0};
	const char *key = jail_key(p);
	int st = key ? jail_status_of(key, &e) : -ENOENT, ret;
	bool exists = st == JAIL_ALIVE;

	if (st < 0 && st != -ENOENT)
		return die(&e);

	/* -rc restarts a running jail only, but one of a wildcard or the whole file starts (FreeBSD). */
	bool restart = c->remove && !c->modify;
	if (!exists && (!c->create || (restart && !wild))) {
		if (key)
			warn_jail(NULL, "\"%s\" not found", quoted_key(&o, p));
		else
			warn_jail(NULL, "no jail specified");
		return 1;
	}
	if (!exists)
		return act_start(c, p, pl, o, false);
	if (jail_registry_open(&reg, &e) < 0)
		return die(&e);
	if (c->modify) {
		ret = jail_modify(&reg, key, p, &ro, &e);
		if (ret == -EROFS && c->remove)
			return restart_merged(c, &reg, key, p, pl, o);
		jail_registry_close(&reg);
		return ret < 0 ? die(&e) : 0;
	}
	/* -rc: stop it (a restart says "removed" only with -v), then make it anew. */
	ret = jail_remove(&reg, key, JAIL_REMOVE_HOOKS, &ro, &e);
	jail_registry_close(&reg);
	if (ret < 0)
		return die(&e);
	return act_start(c, p, pl, o, false);
}

/* jail -r (or -R) without a configuration file: NAME, JID, '*' or a wildcard. */
static int remove_running(struct cli *c, char **names, int n)
{
	struct jail_registry reg;
	struct jail_err e = {0};
	int status = 0;

	if (jail_registry_open(&reg, &e) < 0)
		return die(&e);
	for (int i = 0; i < n; i++) {
		struct out o = c->out;
		if (!jconf_is_wild(names[i])) {
			o.label = names[i];
			status |= act_remove(&reg, names[i], !c->no_hooks, o, false);
			continue;
		}
		/* '*' and 'a.*' match the running jails, as FreeBSD's jail -R does. */
		int *jids = NULL, nj = jail_registry_list(&reg, &jids, &e);
		if (nj < 0) {
			status |= die(&e);
			continue;
		}
		for (int k = 0; k < nj; k++) {
			struct jail_state st;
			if (jail_registry_load(&reg, jids[k], &st, NULL) < 0)
				continue;
			char name[sizeof(st.name)], key[16];
			snprintf(name, sizeof(name), "%s", st.name);
			snprintf(key, sizeof(key), "%d", jids[k]);
			jail_state_free(&st);
			if (!jconf_wild_match(name, names[i]))
				continue;
			o.label = name;
			status |= act_remove(&reg, key, !c->no_hooks, o, true);
		}
		free(jids);
	}
	jail_registry_close(&reg);
	return status ? 1 : 0;
}

/* FreeBSD's add_param from the command line: p gets it (lists add up), and so does -J's list. */
static int set(struct cli *c, struct jail_params *p, const char *arg, struct jail_err *e)
{
	const char *eq = strchr(arg, '=');
	char name[128];
	int r;

	snprintf(name, sizeof(name), "%.*s",
		 eq ? (int)(eq - arg) - (eq > arg && eq[-1] == '+') : (int)strlen(arg), arg);
	if (eq && eq > arg && eq[-1] != '+') {
		bool neg;
		int id = jail_param_lookup(name, &neg);
		if (id >= 0 && !neg && jail_params_isset(p, (enum jail_param_id)id) &&
		    (jail_param_defs[id].type == JPT_LIST || jail_param_defs[id].type == JPT_CMDLIST)) {
			char *plus = NULL;
			if (asprintf(&plus, "%s+=%s", name, eq + 1) < 0)
				return jail_err_set(e, -ENOMEM, "out of memory");
			r = jail_params_set_arg(p, plus, true, e);
			free(plus);
			goto listed;
		}
	}
	r = jail_params_set_arg(p, arg, true, e);
listed:
	if (r < 0)
		return r;
	if (!eq)
		return plist_add(&c->plist, name, NULL, 0) < 0 ? jail_err_set(e, -ENOMEM, "out of memory")
							       : 0;
	/* ip4.addr=a,b are two values, as FreeBSD splits them; other values are one. */
	bool split = !strcmp(name, "ip4.addr") || !strcmp(name, "ip6.addr");
	char *copy = strdup(eq + 1), *save = NULL;
	if (!copy)
		return jail_err_set(e, -ENOMEM, "out of memory");
	r = 0;
	if (!split || !copy[0]) {
		const char *v = copy;
		r = plist_add(&c->plist, name, &v, 1);
	} else {
		for (char *a = strtok_r(copy, ",", &save); a && r == 0; a = strtok_r(NULL, ",", &save))
			r = plist_add(&c->plist, name, (const char *const *)&a, 1);
	}
	free(copy);
	return r < 0 ? jail_err_set(e, -ENOMEM, "out of memory") : 0;
}

static int set_one(struct cli *c, struct jail_params *p, enum jail_param_id id, const char *v,
		   struct jail_err *e)
{
	char *arg = NULL;
	int r;

	if (asprintf(&arg, "%s=%s", jail_param_defs[id].name, v) < 0)
		return jail_err_set(e, -ENOMEM, "out of memory");
	r = set(c, p, arg, e);
	free(arg);
	return r;
}

/* Legacy form: path hostname ip[,ip...] command ... */
static int legacy_params(struct cli *c, struct jail_params *p, int argc, char **argv, struct jail_err *e)
{
	int ret;

	if (argc < 4 || argv[0][0] != '/')
		usage();
	ret = set_one(c, p, JP_PATH, argv[0], e);
	if (ret == 0)
		ret = set_one(c, p, JP_HOSTNAME, argv[1], e);
	if (ret == 0 && argv[2][0]) {
		/* Each address goes to ip4.addr or ip6.addr by its form. */
		char *copy = strdup(argv[2]), *save = NULL;
		if (!copy)
			return jail_err_set(e, -ENOMEM, "out of memory");
		for (char *a = strtok_r(copy, ",", &save); a && ret == 0; a = strtok_r(NULL, ",", &save))
			ret = set_one(c, p, strchr(a, ':') ? JP_IP6_ADDR : JP_IP4_ADDR, a, e);
		free(copy);
	}
	if (ret == 0)
		ret = jail_params_set(p, JP_COMMAND, (const char *const *)argv + 3, (size_t)argc - 3, false,
				      e);
	return ret;
}

/* name=value ... [command=cmd args...]: command= takes the rest of the command line. */
static int param_args(struct cli *c, struct jail_params *p, int argc, char **argv, struct jail_err *e)
{
	for (int i = 0; i < argc; i++) {
		int ret;
		if (!strncmp(argv[i], "command=", 8)) {
			const char *first = argv[i] + 8;
			ret = jail_params_set(p, JP_COMMAND, &first, 1, false, e);
			if (ret == 0 && i + 1 < argc)
				ret = jail_params_set(p, JP_COMMAND, (const char *const *)argv + i + 1,
						      (size_t)(argc - i - 1), true, e);
			/* -J lists the command's words as command's values. */
			if (ret == 0 && (plist_add(&c->plist, "command", &first, 1) < 0 ||
					 plist_add(&c->plist, "command", (const char *const *)argv + i + 1,
						   (size_t)(argc - i - 1)) < 0))
				ret = jail_err_set(e, -ENOMEM, "out of memory");
			return ret;
		}
		ret = set(c, p, argv[i], e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int need_root(const char *why)
{
	fprintf(stderr, "jail: must be run as root%s\n", why);
	return 1;
}

/* The options; parameters the flags stand for go into p. Returns optind, or -1 after an error. */
static int options(int argc, char **argv, struct cli *c, struct jail_params *p, bool *docf)
{
	struct jail_err e = {0};
	const char *jfile = NULL;
	int opt, ret = 0;

	while ((opt = getopt(argc, argv, "+cde:f:hiJ:lmn:p:qrRs:u:U:vC")) != -1) {
		switch (opt) {
		case 'c':
			c->create = true;
			break;
		case 'm':
			c->modify = true;
			break;
		case 'r':
			c->remove = true;
			break;
		case 'R':
			c->remove = c->no_hooks = true;
			break;
		case 'd':
			c->dying = true;
			break;
		case 'l':
			ret = set(c, p, "exec.clean", &e), *docf = false;
			break;
		case 'n':
			ret = set_one(c, p, JP_NAME, optarg, &e), *docf = false;
			break;
		case 's':
			ret = set_one(c, p, JP_SECURELEVEL, optarg, &e), *docf = false;
			break;
		case 'u':
		case 'U':
			/* -u: a user of the host's passwd; -U: of the jail's (FreeBSD's exec.system_jail_user). */
			ret = set_one(c, p, JP_EXEC_JAIL_USER, optarg, &e);
			if (ret == 0)
				ret = set(c, p,
					  opt == 'u' ? "exec.system_jail_user"
						     : "exec.system_jail_user=false",
					  &e);
			*docf = false;
			break;
		case 'h':
			ret = set(c, p, "ip_hostname", &e), *docf = false;
			break;
		case 'q':
			c->out.verbose = -1;
			break;
		case 'i':
			c->out.print_jid = true, c->out.verbose = -1;
			break;
		case 'v':
			c->out.verbose = 1;
			break;
		case 'f':
			c->conf_file = optarg;
			break;
		case 'e':
			c->esep = optarg;
			break;
		case 'J':
			jfile = optarg;
			break;
		case 'p':
			/* Jails start one after another here: any limit is met. */
			if (atoi(optarg) < 0)
				usage();
			break;
		case 'C':
			fprintf(stderr, "jail: -%c: not supported yet\n", opt);
			return -1;
		default:
			usage();
		}
		if (ret < 0) {
			die(&e);
			return -1;
		}
	}
	if (jfile && jfile_open(jfile) < 0)
		return -1;
	return optind;
}

/* The name=value forms and the legacy form: one jail from the command line. */
static int command_line(struct cli *c, struct jail_params *p, int argc, char **argv, bool legacy)
{
	struct jail_err e = {0};
	struct out o = c->out;
	int ret;

	if (geteuid() != 0)
		return need_root(" (creating a jail needs host privileges)");
	ret = legacy ? legacy_params(c, p, argc, argv, &e) : param_args(c, p, argc, argv, &e);
	/* -d: FreeBSD's allow.dying, after the jail's own parameters. */
	if (ret == 0 && c->dying)
		ret = set(c, p, "allow.dying", &e);
	if (ret < 0)
		return die(&e);
	o.name = jail_params_isset(p, JP_NAME) ? jail_params_str(p, JP_NAME) : NULL;
	if (c->modify || c->remove)
		return act_change(c, p, &c->plist, o, false);
	return act_start(c, p, legacy ? NULL : &c->plist, o, false);
}

static int dispatch(struct cli *c, struct jail_params *p, int argc, char **argv, bool docf)
{
	bool op = c->create || c->modify || c->remove;
	struct stat sb;

	if (c->esep)
		return conf_show(c);
	if (!op)
		return command_line(c, p, argc, argv, true);
	if (c->remove && !c->create && !c->modify) {
		/* -r / -R: named jails, from the configuration file when there is one (not with -R). */
		if (!docf || argc == 0)
			usage();
		for (int i = 0; i < argc && !c->no_hooks; i++)
			if (strchr(argv[i], '='))
				usage();
		if (geteuid() != 0)
			return need_root("");
		docf = !c->no_hooks && (!strcmp(c->conf_file, "-") || stat(c->conf_file, &sb) == 0);
		c->out.note_remove = docf || argc > 1 || jconf_is_wild(argv[0]);
		return docf ? conf_remove(c, argv, argc) : remove_running(c, argv, argc);
	}
	/* FreeBSD takes one jail name here; more names, none with '=', are more jails of the file. */
	bool any_eq = false;
	for (int i = 0; i < argc; i++)
		any_eq |= strchr(argv[i], '=') != NULL;
	if (any_eq) {
		if (c->no_hooks)
			usage();
		return command_line(c, p, argc, argv, false);
	}
	if (c->no_hooks || !docf)
		usage();
	if (geteuid() != 0)
		return need_root("");
	return conf_run(c, argv, argc);
}

int main(int argc, char **argv)
{
	struct jail_params p = {0};
	struct cli c = {.conf_file = "/etc/jail.conf"};
	bool docf = true;
	int first, ret;

	jail_proctitle_init(argc, argv);
	if (argc > 1 && !strncmp(argv[1], "--privileges", 12)) {
		jail_privileges_print(stdout, !strcmp(argv[1], "--privileges=man"));
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--steps")) {
		jail_steps_print(stdout);
		return 0;
	}
	first = options(argc, argv, &c, &p, &docf);
	ret = first < 0 ? 1 : dispatch(&c, &p, argc - first, argv + first, docf);
	jfile_close();
	plist_free(&c.plist);
	jail_params_free(&p);
	return ret;
}
