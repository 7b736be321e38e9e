/*
 * jail(8): argv in, text out. Parses FreeBSD's command line (the -c/-m/-r
 * forms with name=value parameters and the legacy positional form) into a
 * parameter set and hands it to libjail; turns the library's error into the
 * one line FreeBSD prints and the exit status.
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
#include "core/lifecycle.h"
#include "jail/param.h"
#include "core/priv.h"
#include "core/registry.h"

#define EX_USAGE 64

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
			"       jail --privileges[=man]\n");
	exit(EX_USAGE);
}

static int die(const struct jail_err *e)
{
	if (e->msg[0])
		fprintf(stderr, "jail: %s\n", e->msg);
	return e->exit ? e->exit : 1;
}

/* One line per problem the jail root has, before anything is made. */
static void problem(void *arg, const char *line)
{
	const struct jail_params *p = arg;

	if (jail_params_isset(p, JP_NAME))
		fprintf(stderr, "jail: %s: %s\n", jail_params_str(p, JP_NAME), line);
	else
		fprintf(stderr, "jail: %s\n", line);
}

/* jail -r NAME|JID|'*' ...: each jail on its own; one failing does not stop the others. */
static int remove_jails(int argc, char **argv, bool quiet, bool hooks, const char *label)
{
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
		if (all) {
			n = jail_registry_list(&reg, &jids, &e);
			if (n < 0) {
				status = die(&e);
				continue;
			}
		}
		for (int k = 0; k < n; k++) {
			char key[32], name[256];
			const char *which = argv[i];
			if (all) {
				snprintf(key, sizeof(key), "%d", jids[k]);
				which = key;
			}
			jail_err_clear(&e);
			if (jail_remove(&reg, which, hooks, name, sizeof(name), &e) < 0) {
				status = die(&e);
				continue;
			}
			if (!quiet)
				printf("%s: removed\n", label ? label : name);
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

static void problem(void *arg, const char *line);

/* -m, -cm, -rc, -mr, -cmr with name=value parameters. */
static int change_or_restart(struct jail_params *p, bool create, bool modify, bool remove,
			     struct jail_run_opts *o)
{
	struct jail_registry reg;
	struct jail_err e = {0};
	struct jail_state st;
	char name[256];
	const char *key = jail_key(p);
	bool exists;
	int ret;

	if (!key) {
		fprintf(stderr, "jail: -%s%s%s needs name= or jid=\n", remove ? "r" : "", create ? "c" : "",
			modify ? "m" : "");
		return 1;
	}
	if (jail_registry_open(&reg, &e) < 0)
		return die(&e);
	exists = jail_registry_find(&reg, key, &st, &e) == 0;
	if (exists) {
		exists = jail_state_status(&st) == JAIL_ALIVE;
		jail_state_free(&st);
	}
	jail_err_clear(&e);
	if (modify && !exists && !create) {
		jail_registry_close(&reg);
		fprintf(stderr, "jail: \"%s\" not found\n", key);
		return 1;
	}
	if (modify && exists) {
		ret = jail_modify(&reg, key, p, name, sizeof(name), &e);
		if (ret == -EROFS && remove) {
			/* -mr: a create-only parameter changed; restart with everything merged. */
			struct jail_params merged = {0};
			jail_err_clear(&e);
			ret = jail_params_merged(&reg, key, p, &merged, &e);
			if (ret == 0)
				ret = jail_remove(&reg, key, true, name, sizeof(name), &e);
			jail_registry_close(&reg);
			if (ret < 0) {
				jail_params_free(&merged);
				return die(&e);
			}
			if (!o->quiet)
				printf("%s: removed\n", name);
			fflush(stdout);
			o->problem = problem;
			o->problem_arg = &merged;
			ret = jail_run(&merged, o, &e);
			jail_params_free(&merged);
			return ret < 0 ? die(&e) : ret;
		}
		jail_registry_close(&reg);
		if (ret < 0)
			return die(&e);
		if (!o->quiet)
			printf("%s: updated\n", name);
		return 0;
	}
	if (remove && exists) {
		/* -rc: stop it, then create it anew from the given parameters. */
		ret = jail_remove(&reg, key, true, name, sizeof(name), &e);
		if (ret < 0) {
			jail_registry_close(&reg);
			return die(&e);
		}
		if (!o->quiet)
			printf("%s: removed\n", name);
	}
	jail_registry_close(&reg);
	if (!create && !remove)
		return 0;
	fflush(stdout);
	o->problem = problem;
	o->problem_arg = p;
	ret = jail_run(p, o, &e);
	return ret < 0 ? die(&e) : ret;
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

/* Order the selected jails so that each comes after what it depends on (cycles fail). */
static int depend_order(const struct jconf *c, size_t *sel, size_t nsel, size_t **out, size_t *nout,
			struct jail_err *e)
{
	size_t n = c->njails, k = 0;
	unsigned char *mark = calloc(n, 1); /* 0 new, 1 visiting, 2 done */
	size_t *stack = calloc(n + 1, sizeof(*stack)), *iter = calloc(n + 1, sizeof(*iter));
	size_t *res = calloc(n, sizeof(*res));
	int ret = 0;

	if (!mark || !stack || !iter || !res) {
		ret = jail_err_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t s0 = 0; s0 < nsel && ret == 0; s0++) {
		size_t top = 0;
		if (mark[sel[s0]])
			continue;
		stack[top] = sel[s0];
		iter[top] = 0;
		mark[sel[s0]] = 1;
		while (top != (size_t)-1 && ret == 0) {
			const struct jconf_jail *j = &c->jails[stack[top]];
			const struct jconf_param *d = jconf_jail_param(j, "depend");
			if (d && iter[top] < d->nvals) {
				const char *dn = d->vals[iter[top]++];
				const struct jconf_jail *dj = jconf_find(c, dn);
				if (!dj) {
					ret = jail_err_set(e, -ENOENT, "%s: depend: \"%s\" not found",
							   j->name, dn);
					break;
				}
				size_t di = (size_t)(dj - c->jails);
				if (mark[di] == 1) {
					ret = jail_err_set(e, -ELOOP, "%s: dependency loop", j->name);
					break;
				}
				if (mark[di] == 0) {
					mark[di] = 1;
					stack[++top] = di;
					iter[top] = 0;
				}
				continue;
			}
			mark[stack[top]] = 2;
			res[k++] = stack[top];
			top--;
		}
	}
out:
	free(mark);
	free(stack);
	free(iter);
	if (ret < 0) {
		free(res);
		return ret;
	}
	*out = res;
	*nout = k;
	return 0;
}

static int change_or_restart(struct jail_params *p, bool create, bool modify, bool remove,
			     struct jail_run_opts *o);

/*
 * jail [-f conf] -c|-m|-r|-cm|-rc [name ...] and jail [-f conf] -e sep:
 * the jails of jail.conf, in depend order (reverse for -r); one failing
 * does not stop the others.
 */
static int conf_command(const char *file, char **names, int nnames, bool create, bool modify, bool remove,
			struct jail_run_opts *o, const char *esep)
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
	    depend_order(c, sel, nsel, &ord, &nord, &e) < 0) {
		free(sel);
		jconf_free(c);
		return die(&e);
	}
	for (size_t k = 0; k < nord; k++) {
		/* dependencies first when starting, dependents first when stopping */
		const struct jconf_jail *j = &c->jails[ord[remove && !create ? nord - 1 - k : k]];
		struct jail_params p = {0};
		jail_err_clear(&e);
		if (j->err.code) {
			status = die(&j->err);
			continue;
		}
		if (conf_params(j, &p, &e) < 0) {
			jail_err_prefix(&e, "%s", j->name);
			status = die(&e);
			jail_params_free(&p);
			continue;
		}
		int r;
		if (remove && !create && !modify) {
			char *one[] = {j->name};
			r = remove_jails(1, one, o->quiet, true, j->name);
		} else if (modify || remove) {
			r = change_or_restart(&p, create, modify, remove, o);
		} else {
			struct jail_run_opts jo = *o;
			jo.label = j->name;
			jo.problem = problem;
			jo.problem_arg = &p;
			fflush(stdout);
			r = jail_run(&p, &jo, &e);
			r = r < 0 ? die(&e) : r;
		}
		if (r != 0)
			status = r > 0 ? r : 1;
		jail_params_free(&p);
	}
	free(sel);
	free(ord);
	jconf_free(c);
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

int main(int argc, char **argv)
{
	struct jail_params p = {0};
	struct jail_err e = {0};
	struct jail_run_opts o = {0};
	bool create = false, modify = false, remove = false, remove_no_hooks = false;
	const char *conf_file = "/etc/jail.conf", *esep = NULL;
	bool conf_given = false;
	int c, ret;

	jail_proctitle_init(argc, argv);
	if (argc > 1 && !strncmp(argv[1], "--privileges", 12)) {
		jail_priv_print_table(stdout, !strcmp(argv[1], "--privileges=man"));
		return 0;
	}
	while ((c = getopt(argc, argv, "+cdf:hiJ:lmn:p:qrRs:u:U:vCe:")) != -1) {
		switch (c) {
		case 'c':
			create = true;
			break;
		case 'm':
			modify = true;
			break;
		case 'r':
			remove = true;
			break;
		case 'R':
			remove = true;
			remove_no_hooks = true;
			break;
		case 'd':
			break;
		case 'l':
			ret = set(&p, "exec.clean", &e);
			goto checked;
		case 'n':
			ret = jail_params_set(&p, JP_NAME, (const char *[]){optarg}, 1, false, &e);
			goto checked;
		case 's':
			ret = jail_params_set(&p, JP_SECURELEVEL, (const char *[]){optarg}, 1, false, &e);
			goto checked;
		case 'U':
			ret = jail_params_set(&p, JP_EXEC_JAIL_USER, (const char *[]){optarg}, 1, false, &e);
			goto checked;
		case 'u':
			ret = jail_params_set(&p, JP_EXEC_JAIL_USER, (const char *[]){optarg}, 1, false, &e);
			if (ret == 0)
				ret = set(&p, "exec.system_jail_user", &e);
			goto checked;
		case 'h':
			ret = set(&p, "ip_hostname", &e);
			goto checked;
		case 'q':
			o.quiet = true;
			break;
		case 'i':
			o.print_jid = true;
			o.quiet = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'f':
			conf_file = optarg;
			conf_given = true;
			break;
		case 'e':
			esep = optarg;
			break;
		case 'p':
			/* Jails start one after another here: any limit is met. */
			if (atoi(optarg) < 0)
				usage();
			break;
		case 'J':
		case 'C':
			fprintf(stderr, "jail: -%c: not supported yet\n", c);
			return 1;
		default:
			usage();
		}
		continue;
	checked:
		if (ret < 0)
			return die(&e);
	}
	argc -= optind;
	argv += optind;

	bool any_eq = false;
	for (int i = 0; i < argc; i++)
		if (strchr(argv[i], '='))
			any_eq = true;
	if (esep)
		return conf_command(conf_file, argv, argc, false, false, false, &o, esep);
	if ((create || modify) && !any_eq) {
		if (geteuid() != 0) {
			fprintf(stderr, "jail: must be run as root\n");
			return 1;
		}
		return conf_command(conf_file, argv, argc, create, modify, remove, &o, NULL);
	}
	if (remove && !create && !modify && conf_given && argc > 0 && !any_eq) {
		/* -f conf -r NAME: the names the file knows as it names them, the rest from the registry. */
		struct jconf *cf = NULL;
		struct jail_err ce = {0};
		int status = 0;
		if (jconf_parse_file(conf_file, &cf, &ce) < 0)
			return die(&ce);
		bool all_known = true;
		for (int i = 0; i < argc; i++)
			if (!jconf_find(cf, argv[i]))
				all_known = false;
		if (all_known) {
			/* One call: the file's depend order, reversed. */
			status = conf_command(conf_file, argv, argc, false, false, true, &o, NULL);
		} else {
			for (int i = 0; i < argc; i++) {
				char *one[] = {argv[i]};
				int r = jconf_find(cf, argv[i])
						? conf_command(conf_file, one, 1, false, false, true, &o,
							       NULL)
						: remove_jails(1, one, o.quiet, !remove_no_hooks, NULL);
				if (r)
					status = r;
			}
		}
		jconf_free(cf);
		return status;
	}
	if (remove && !create && !modify) {
		if (geteuid() != 0) {
			fprintf(stderr, "jail: must be run as root\n");
			return 1;
		}
		return remove_jails(argc, argv, o.quiet, !remove_no_hooks, NULL);
	}
	if (geteuid() != 0) {
		fprintf(stderr, "jail: must be run as root (creating a jail needs host privileges)\n");
		return 1;
	}
	if (!create && !modify) {
		/* Legacy form: path hostname ip[,ip...] command ... */
		if (argc < 4 || argv[0][0] != '/')
			usage();
		char hn[512];
		snprintf(hn, sizeof(hn), "host.hostname=%s", argv[1]);
		ret = jail_params_set(&p, JP_PATH, (const char *[]){argv[0]}, 1, false, &e);
		if (ret == 0)
			ret = set(&p, hn, &e);
		if (ret == 0 && argv[2][0]) {
			/* Each address goes to ip4.addr or ip6.addr by its form. */
			char *copy = strdup(argv[2]), *save = NULL;
			for (char *a = strtok_r(copy, ",", &save); a && ret == 0;
			     a = strtok_r(NULL, ",", &save)) {
				enum jail_param_id id = strchr(a, ':') ? JP_IP6_ADDR : JP_IP4_ADDR;
				ret = jail_params_set(&p, id, (const char *[]){a}, 1, true, &e);
			}
			free(copy);
		}
		if (ret == 0)
			ret = jail_params_set(&p, JP_COMMAND, (const char *const *)argv + 3, (size_t)argc - 3,
					      false, &e);
		if (ret < 0)
			return die(&e);
	} else {
		for (int i = 0; i < argc; i++) {
			/* command= takes the rest of the command line. */
			if (!strncmp(argv[i], "command=", 8)) {
				const char *first = argv[i] + 8;
				ret = jail_params_set(&p, JP_COMMAND, &first, 1, false, &e);
				if (ret == 0 && i + 1 < argc)
					ret = jail_params_set(&p, JP_COMMAND,
							      (const char *const *)argv + i + 1,
							      (size_t)(argc - i - 1), true, &e);
				if (ret < 0)
					return die(&e);
				break;
			}
			ret = set(&p, argv[i], &e);
			if (ret < 0)
				return die(&e);
		}
	}
	if (modify || remove)
		return change_or_restart(&p, create, modify, remove, &o);
	if (!jail_params_isset(&p, JP_COMMAND) && !jail_params_bool(&p, JP_PERSIST) &&
	    !jail_params_isset(&p, JP_EXEC_START)) {
		fprintf(stderr, "jail: %s: no command specified\n",
			jail_params_isset(&p, JP_NAME) ? jail_params_str(&p, JP_NAME) : "jail");
		return 1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "jail: must be run as root (creating a jail needs host privileges)\n");
		return 1;
	}
	fflush(stdout);
	o.problem = problem;
	o.problem_arg = &p;
	ret = jail_run(&p, &o, &e);
	jail_params_free(&p);
	if (ret < 0)
		return die(&e);
	return ret;
}
