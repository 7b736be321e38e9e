/*
 * jail(8): argv in, text out. Parses FreeBSD's command line (the -c/-m/-r
 * forms with name=value parameters, the jail.conf forms and the legacy
 * positional form) into parameter sets and hands them to libjail; prints
 * what libjail reports (created, removed, problems of a root, steps with
 * -v) the way FreeBSD's jail(8) does, and turns errors into one line and
 * an exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jail/conf.h"
#include "jail/jail.h"

#define EX_USAGE 64

/* What the user asked to see, and about which jail: the report callback's view. */
struct out {
	int verbose; /* -v: created/removed always; -vv: each step too */
	bool quiet, print_jid;
	bool creating;	   /* jail_run: "removed" only with -v when the command ends */
	bool has_command;  /* FreeBSD stays quiet about a jail made to run a command */
	const char *label; /* the jail.conf block name, when the jail comes from one */
	const char *name;  /* the name parameter, for problem lines */
};

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
	exit(EX_USAGE);
}

static int die(const struct jail_err *e)
{
	if (e->msg[0])
		fprintf(stderr, "jail: %s\n", e->msg);
	return e->exit ? e->exit : 1;
}

static void report(void *arg, enum jail_report what, int jid, const char *name, const char *text)
{
	const struct out *o = arg;
	const char *label = o->label ? o->label : name;

	switch (what) {
	case JAIL_REPORT_PROBLEM:
		if (o->name)
			fprintf(stderr, "jail: %s: %s\n", o->name, text);
		else
			fprintf(stderr, "jail: %s\n", text);
		break;
	case JAIL_REPORT_CREATED:
		if (o->print_jid)
			printf("%d\n", jid);
		else if (o->verbose || (!o->has_command && !o->quiet))
			printf("%s: created\n", label);
		break;
	case JAIL_REPORT_REMOVED:
		if (o->creating ? o->verbose : !o->quiet)
			printf("%s: removed\n", label);
		break;
	case JAIL_REPORT_UPDATED:
		if (!o->quiet)
			printf("%s: updated\n", label);
		break;
	case JAIL_REPORT_STEP:
		if (o->verbose > 1)
			fprintf(stderr, "jail: %s\n", text);
		break;
	}
	fflush(stdout);
}

/* Create (and run) one jail from p. */
static int run(const struct jail_params *p, struct out o)
{
	struct jail_run_opts ro = {report, &o};
	struct jail_err e = {0};
	int ret;

	o.creating = true;
	o.has_command = jail_params_get(p, JP_COMMAND)->n > 0;
	o.name = jail_params_isset(p, JP_NAME) ? jail_params_str(p, JP_NAME) : NULL;
	fflush(stdout);
	ret = jail_run(p, &ro, &e);
	return ret < 0 ? die(&e) : ret;
}

/* jail -r NAME|JID|'*' ...: each jail on its own; one failing does not stop the others. */
static int remove_jails(int argc, char **argv, bool hooks, struct out o)
{
	struct jail_run_opts ro = {report, &o};
	struct jail_registry reg;
	struct jail_err e = {0};
	int status = 0;

	if (argc == 0)
		usage();
	if (jail_registry_open(&reg, &e) < 0)
		return die(&e);
	for (int i = 0; i < argc; i++) {
		int *jids = NULL, n = 1;
		bool all = !strcmp(argv[i], "*");
		if (all && (n = jail_registry_list(&reg, &jids, &e)) < 0) {
			status = die(&e);
			continue;
		}
		for (int k = 0; k < n; k++) {
			char key[32];
			if (all)
				snprintf(key, sizeof(key), "%d", jids[k]);
			jail_err_clear(&e);
			if (jail_remove(&reg, all ? key : argv[i], hooks ? JAIL_REMOVE_HOOKS : 0, &ro, &e) < 0)
				status = die(&e);
		}
		free(jids);
	}
	jail_registry_close(&reg);
	return status;
}

static const char *jail_key(const struct jail_params *p)
{
	if (jail_params_isset(p, JP_NAME))
		return jail_params_str(p, JP_NAME);
	if (jail_params_isset(p, JP_JID))
		return jail_params_str(p, JP_JID);
	return NULL;
}

static bool running(struct jail_registry *reg, const char *key)
{
	struct jail_state st;
	struct jail_err e = {0};
	bool alive = false;

	if (jail_registry_find(reg, key, &st, &e) == 0) {
		alive = jail_state_status(&st) == JAIL_ALIVE;
		jail_state_free(&st);
	}
	return alive;
}

/* -mr: a create-only parameter changed; restart with everything merged. */
static int restart_merged(struct jail_registry *reg, const char *key, const struct jail_params *p, struct out o)
{
	struct jail_run_opts ro = {report, &o};
	struct jail_params merged = {0};
	struct jail_err e = {0};
	int ret = jail_params_merged(reg, key, p, &merged, &e);

	if (ret == 0)
		ret = jail_remove(reg, key, JAIL_REMOVE_HOOKS, &ro, &e);
	jail_registry_close(reg);
	ret = ret < 0 ? die(&e) : run(&merged, o);
	jail_params_free(&merged);
	return ret;
}

/* -m, -cm, -rc, -mr, -cmr with name=value parameters. */
static int change_or_restart(const struct jail_params *p, bool create, bool modify, bool remove, struct out o)
{
	struct jail_run_opts ro = {report, &o};
	struct jail_registry reg;
	struct jail_err e = {0};
	const char *key = jail_key(p);
	int ret;

	if (!key) {
		fprintf(stderr, "jail: -%s%s%s needs name= or jid=\n", remove ? "r" : "", create ? "c" : "",
			modify ? "m" : "");
		return 1;
	}
	if (jail_registry_open(&reg, &e) < 0)
		return die(&e);
	bool exists = running(&reg, key);
	if (modify && !exists && !create) {
		jail_registry_close(&reg);
		fprintf(stderr, "jail: \"%s\" not found\n", key);
		return 1;
	}
	if (modify && exists) {
		ret = jail_modify(&reg, key, p, &ro, &e);
		if (ret == -EROFS && remove)
			return restart_merged(&reg, key, p, o);
		jail_registry_close(&reg);
		return ret < 0 ? die(&e) : 0;
	}
	if (remove && exists && jail_remove(&reg, key, JAIL_REMOVE_HOOKS, &ro, &e) < 0) {
		/* -rc: stop it, then create it anew from the given parameters. */
		jail_registry_close(&reg);
		return die(&e);
	}
	jail_registry_close(&reg);
	if (!create && !remove)
		return 0;
	return run(p, o);
}

/* A jail of jail.conf as a parameter set; unknown names fail like the command line's. */
static int conf_params(const struct jconf_jail *j, struct jail_params *p, struct jail_err *e)
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
			jail_err_exit(e, 78);
			return jail_err_prefix(e, "%s:%d", cp->file, cp->line);
		}
	}
	return 0;
}

/* One jail of jail.conf: made, changed, restarted or removed as the flags say. */
static int conf_one(const struct jconf_jail *j, bool create, bool modify, bool remove, struct out o)
{
	struct jail_params p = {0};
	struct jail_err e = {0};
	int r;

	if (j->err.code)
		return die(&j->err);
	if (conf_params(j, &p, &e) < 0) {
		jail_err_prefix(&e, "%s", j->name);
		jail_params_free(&p);
		return die(&e);
	}
	o.label = j->name;
	if (remove && !create && !modify) {
		char *one[] = {j->name};
		r = remove_jails(1, one, true, o);
	} else if (modify || remove) {
		r = change_or_restart(&p, create, modify, remove, o);
	} else {
		r = run(&p, o);
	}
	jail_params_free(&p);
	return r;
}

/*
 * jail [-f conf] -c|-m|-r|-cm|-rc [name ...] and jail [-f conf] -e sep:
 * the jails of jail.conf, in depend order (reverse for -r); one failing
 * does not stop the others.
 */
static int conf_command(const char *file, char **names, int nnames, bool create, bool modify, bool remove,
			struct out o, const char *esep)
{
	struct jconf *c = NULL;
	struct jail_err e = {0};
	size_t *sel = NULL, nsel = 0, *ord = NULL, nord = 0;
	int status = 0;

	if (jconf_parse_file(file, &c, &e) < 0)
		return die(&e);
	if (esep) {
		char *text = NULL;
		int r = jconf_format_e_all(c, esep, &text, &e);
		if (r == 0)
			fputs(text, stdout);
		free(text);
		jconf_free(c);
		return r < 0 ? die(&e) : 0;
	}
	if (jconf_select(c, names, (size_t)nnames, &sel, &nsel, &e) < 0 ||
	    jconf_depend_order(c, sel, nsel, &ord, &nord, &e) < 0) {
		free(sel);
		jconf_free(c);
		return die(&e);
	}
	for (size_t k = 0; k < nord; k++) {
		/* dependencies first when starting, dependents first when stopping */
		const struct jconf_jail *j = &c->jails[ord[remove && !create ? nord - 1 - k : k]];
		int r = conf_one(j, create, modify, remove, o);
		if (r != 0)
			status = r > 0 ? r : 1;
	}
	free(sel);
	free(ord);
	jconf_free(c);
	return status;
}

/* -f conf -r NAME...: the names the file knows as it names them, the rest from the registry. */
static int conf_remove(const char *file, char **names, int n, bool hooks, struct out o)
{
	struct jconf *cf = NULL;
	struct jail_err e = {0};
	bool all_known = true;
	int status = 0;

	if (jconf_parse_file(file, &cf, &e) < 0)
		return die(&e);
	for (int i = 0; i < n; i++)
		if (!jconf_find(cf, names[i]))
			all_known = false;
	if (all_known) {
		/* One call: the file's depend order, reversed. */
		status = conf_command(file, names, n, false, false, true, o, NULL);
	} else {
		for (int i = 0; i < n; i++) {
			char *one[] = {names[i]};
			int r = jconf_find(cf, names[i]) ? conf_command(file, one, 1, false, false, true, o, NULL)
							 : remove_jails(1, one, hooks, o);
			if (r)
				status = r;
		}
	}
	jconf_free(cf);
	return status;
}

static int set(struct jail_params *p, const char *arg, struct jail_err *e)
{
	/* A list parameter given again on the command line adds to it, as FreeBSD's jail(8). */
	const char *eq = strchr(arg, '=');
	if (eq && eq > arg && eq[-1] != '+') {
		char name[128];
		bool neg;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
		int id = jail_param_lookup(name, &neg);
		if (id >= 0 && !neg && jail_params_isset(p, (enum jail_param_id)id) &&
		    (jail_param_defs[id].type == JPT_LIST || jail_param_defs[id].type == JPT_CMDLIST)) {
			char *plus = NULL;
			if (asprintf(&plus, "%s+=%s", name, eq + 1) < 0)
				return jail_err_set(e, -ENOMEM, "out of memory");
			int r = jail_params_set_arg(p, plus, true, e);
			free(plus);
			return r;
		}
	}
	return jail_params_set_arg(p, arg, true, e);
}

/* Legacy form: path hostname ip[,ip...] command ... */
static int legacy_params(struct jail_params *p, int argc, char **argv, struct jail_err *e)
{
	char *hn = NULL;
	int ret;

	if (argc < 4 || argv[0][0] != '/')
		usage();
	if (asprintf(&hn, "host.hostname=%s", argv[1]) < 0)
		return jail_err_set(e, -ENOMEM, "out of memory");
	ret = jail_params_set(p, JP_PATH, (const char *[]){argv[0]}, 1, false, e);
	if (ret == 0)
		ret = set(p, hn, e);
	free(hn);
	if (ret == 0 && argv[2][0]) {
		/* Each address goes to ip4.addr or ip6.addr by its form. */
		char *copy = strdup(argv[2]), *save = NULL;
		if (!copy)
			return jail_err_set(e, -ENOMEM, "out of memory");
		for (char *a = strtok_r(copy, ",", &save); a && ret == 0; a = strtok_r(NULL, ",", &save)) {
			enum jail_param_id id = strchr(a, ':') ? JP_IP6_ADDR : JP_IP4_ADDR;
			ret = jail_params_set(p, id, (const char *[]){a}, 1, true, e);
		}
		free(copy);
	}
	if (ret == 0)
		ret = jail_params_set(p, JP_COMMAND, (const char *const *)argv + 3, (size_t)argc - 3, false, e);
	return ret;
}

/* name=value ... [command=cmd args...]: command= takes the rest of the command line. */
static int param_args(struct jail_params *p, int argc, char **argv, struct jail_err *e)
{
	for (int i = 0; i < argc; i++) {
		int ret;
		if (!strncmp(argv[i], "command=", 8)) {
			const char *first = argv[i] + 8;
			ret = jail_params_set(p, JP_COMMAND, &first, 1, false, e);
			if (ret == 0 && i + 1 < argc)
				ret = jail_params_set(p, JP_COMMAND, (const char *const *)argv + i + 1,
						      (size_t)(argc - i - 1), true, e);
			return ret;
		}
		ret = set(p, argv[i], e);
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

struct cli {
	bool create, modify, remove, no_hooks, conf_given;
	const char *conf_file, *esep;
	struct out out;
};

/* The options; parameters the flags stand for go into p. Returns optind, or -1 after an error. */
static int options(int argc, char **argv, struct cli *c, struct jail_params *p)
{
	struct jail_err e = {0};
	int opt, ret = 0;

	while ((opt = getopt(argc, argv, "+cdf:hiJ:lmn:p:qrRs:u:U:vCe:")) != -1) {
		switch (opt) {
		case 'c': c->create = true; break;
		case 'm': c->modify = true; break;
		case 'r': c->remove = true; break;
		case 'R': c->remove = c->no_hooks = true; break;
		case 'd': break;
		case 'l': ret = set(p, "exec.clean", &e); break;
		case 'n': ret = jail_params_set(p, JP_NAME, (const char *[]){optarg}, 1, false, &e); break;
		case 's': ret = jail_params_set(p, JP_SECURELEVEL, (const char *[]){optarg}, 1, false, &e); break;
		case 'U': ret = jail_params_set(p, JP_EXEC_JAIL_USER, (const char *[]){optarg}, 1, false, &e); break;
		case 'u':
			ret = jail_params_set(p, JP_EXEC_JAIL_USER, (const char *[]){optarg}, 1, false, &e);
			if (ret == 0)
				ret = set(p, "exec.system_jail_user", &e);
			break;
		case 'h': ret = set(p, "ip_hostname", &e); break;
		case 'q': c->out.quiet = true; break;
		case 'i': c->out.print_jid = c->out.quiet = true; break;
		case 'v': c->out.verbose++; break;
		case 'f': c->conf_file = optarg; c->conf_given = true; break;
		case 'e': c->esep = optarg; break;
		case 'p':
			/* Jails start one after another here: any limit is met. */
			if (atoi(optarg) < 0)
				usage();
			break;
		case 'J':
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
	return optind;
}

/* Everything but the jail.conf and -r forms: one jail from the command line. */
static int command_line(struct cli *c, struct jail_params *p, int argc, char **argv)
{
	struct jail_err e = {0};
	int ret;

	if (geteuid() != 0)
		return need_root(" (creating a jail needs host privileges)");
	ret = !c->create && !c->modify ? legacy_params(p, argc, argv, &e) : param_args(p, argc, argv, &e);
	if (ret < 0)
		return die(&e);
	if (c->modify || c->remove)
		return change_or_restart(p, c->create, c->modify, c->remove, c->out);
	if (!jail_params_isset(p, JP_COMMAND) && !jail_params_bool(p, JP_PERSIST) &&
	    !jail_params_isset(p, JP_EXEC_START)) {
		fprintf(stderr, "jail: %s: no command specified\n",
			jail_params_isset(p, JP_NAME) ? jail_params_str(p, JP_NAME) : "jail");
		return 1;
	}
	return run(p, c->out);
}

static int dispatch(struct cli *c, struct jail_params *p, int argc, char **argv)
{
	bool any_eq = false;

	for (int i = 0; i < argc; i++)
		if (strchr(argv[i], '='))
			any_eq = true;
	if (c->esep)
		return conf_command(c->conf_file, argv, argc, false, false, false, c->out, c->esep);
	if ((c->create || c->modify) && !any_eq) {
		if (geteuid() != 0)
			return need_root("");
		return conf_command(c->conf_file, argv, argc, c->create, c->modify, c->remove, c->out, NULL);
	}
	if (c->remove && !c->create && !c->modify && c->conf_given && argc > 0 && !any_eq)
		return conf_remove(c->conf_file, argv, argc, !c->no_hooks, c->out);
	if (c->remove && !c->create && !c->modify) {
		if (geteuid() != 0)
			return need_root("");
		return remove_jails(argc, argv, !c->no_hooks, c->out);
	}
	return command_line(c, p, argc, argv);
}

int main(int argc, char **argv)
{
	struct jail_params p = {0};
	struct cli c = {.conf_file = "/etc/jail.conf"};
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
	first = options(argc, argv, &c, &p);
	ret = first < 0 ? 1 : dispatch(&c, &p, argc - first, argv + first);
	jail_params_free(&p);
	return ret;
}
