/*
 * rctl(8): FreeBSD's command, flags, messages and exit status (the number
 * of arguments that failed), on lib/rctl. Linux additions: --resources
 * prints how each resource is enforced here (--resources=man for rctl.8),
 * --libxo json for -u and for listings, and a refusal says why after
 * FreeBSD's errno text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "jail/registry.h"
#include "jail/rctl.h"

#define USAGE_INTERVAL_MS 250 /* pcpu and io rates of -u are measured over this long */

static bool hflag, nflag, json;
static int njson;

static void usage(void)
{
	fprintf(stderr, "usage: rctl [ -h ] [-a rule | -l filter | -r filter | -u filter | filter]\n");
	exit(1);
}

/* warn(3): "rctl: what: strerror", and Linux's reason when there is one. */
static void fail(const char *what, const char *arg, const struct jail_err *e)
{
	int code = e->code < 0 ? -e->code : EIO;

	if (e->msg[0])
		fprintf(stderr, "rctl: %s '%s': %s: %s\n", what, arg, strerror(code), e->msg);
	else
		fprintf(stderr, "rctl: %s '%s': %s\n", what, arg, strerror(code));
}

/* --libxo json takes the same spellings as jls. */
static int take_libxo(int *argc, char **argv)
{
	int o = 1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *fmt = NULL;
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
			json = true;
		else if (strcmp(fmt, "text") != 0 && strcmp(fmt, "T") != 0) {
			fprintf(stderr, "rctl: --libxo %s: only text and json are supported\n", fmt);
			return -1;
		}
	}
	argv[o] = NULL;
	*argc = o;
	return 0;
}

/* user:UID -> user:name unless -n (rctl's humanize_ids). */
static void humanize_ids(const char *rule, char *out, size_t len)
{
	char subject[32];
	const char *c1 = strchr(rule, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	snprintf(out, len, "%s", rule);
	if (!c1 || !c2 || (size_t)(c1 - rule) >= sizeof(subject))
		return;
	snprintf(subject, sizeof(subject), "%.*s", (int)(c1 - rule), rule);
	int id = atoi(c1 + 1);
	const char *name = NULL;
	if (!strcasecmp(subject, "user")) {
		struct passwd *pw = getpwuid((uid_t)id);
		name = pw ? pw->pw_name : NULL;
	} else if (!strcasecmp(subject, "group")) {
		struct group *gr = getgrgid((gid_t)id);
		name = gr ? gr->gr_name : NULL;
	}
	if (name)
		snprintf(out, len, "%s:%s%s", subject, name, c2);
}

static void json_begin(const char *outer, const char *inner)
{
	printf("{\"__version\": \"2\", \"%s\": {\"%s\": [", outer, inner);
}

static void json_end(void)
{
	printf("]}}\n");
}

static void print_rules(const struct rctl_rules *l)
{
	char rule[512], a[512], b[512];

	for (int i = 0; i < l->n; i++) {
		const struct rctl_rule *r = &l->v[i];
		rctl_rule_format(r, rule, sizeof(rule));
		if (json) {
			printf("%s{\"rule\":\"%s\",\"subject\":\"%s\",\"subject-id\":\"%s\",\"resource\":\"%"
			       "s\","
			       "\"action\":\"%s\",\"amount\":%lld,\"per\":\"%s\"}",
			       njson++ ? "," : "", rule, rctl_subject_name(r->subject), r->id,
			       rctl_resource_name(r->resource), rctl_action_name(r->action), r->amount,
			       rctl_subject_name(r->per));
			continue;
		}
		if (!nflag)
			humanize_ids(rule, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "%s", rule);
		if (hflag)
			rctl_rule_humanize(a, b, sizeof(b));
		else
			snprintf(b, sizeof(b), "%s", a);
		printf("%s\n", b);
	}
}

static int parse(const char *expanded, struct rctl_rule *r, struct jail_err *e)
{
	int ret = rctl_rule_parse(expanded, r);
	return ret < 0 ? jail_err_set(e, ret, "%s", "") : 0;
}

static int show_rules(struct jail_registry *reg, const char *filter, const char *arg)
{
	struct jail_err e = {0};
	struct rctl_rule f;
	struct rctl_rules l;

	if (parse(filter, &f, &e) < 0 || rctl_list(reg, &f, &l, &e) < 0) {
		fail("failed to show rules for", arg, &e);
		return 1;
	}
	print_rules(&l);
	rctl_rules_free(&l);
	return 0;
}

static int show_limits(struct jail_registry *reg, const char *filter, const char *arg)
{
	struct jail_err e = {0};
	struct rctl_rule f;
	struct rctl_rules l;

	if (parse(filter, &f, &e) < 0 || rctl_limits(reg, &f, &l, &e) < 0) {
		fail("failed to get limits for", arg, &e);
		return 1;
	}
	print_rules(&l);
	rctl_rules_free(&l);
	return 0;
}

static int show_usage(struct jail_registry *reg, const char *filter, const char *arg)
{
	struct jail_err e = {0};
	struct rctl_rule f;
	struct rctl_usage u;

	if (parse(filter, &f, &e) < 0 || rctl_usage(reg, &f, USAGE_INTERVAL_MS, &u, &e) < 0) {
		fail("failed to show resource consumption for", arg, &e);
		return 1;
	}
	if (json)
		printf("%s{\"filter\":\"%s\"", njson++ ? "," : "", filter);
	for (int i = 0; i < RR__COUNT; i++) {
		char buf[8];
		if (!u.present[i])
			continue;
		if (json) {
			printf(",\"%s\":%lld", rctl_resource_name(i), u.v[i]);
		} else if (hflag) {
			rctl_humanize(buf, u.v[i]);
			printf("%s=%s\n", rctl_resource_name(i), buf);
		} else {
			printf("%s=%lld\n", rctl_resource_name(i), u.v[i]);
		}
	}
	if (json)
		printf("}");
	return 0;
}

static int add_rule(struct jail_registry *reg, const char *rule, const char *arg)
{
	struct jail_err e = {0};
	struct rctl_rule r;

	if (parse(rule, &r, &e) < 0 || rctl_add(reg, &r, &e) < 0) {
		fail("failed to add rule", arg, &e);
		return 1;
	}
	return 0;
}

static int remove_rule(struct jail_registry *reg, const char *filter, const char *arg)
{
	struct jail_err e = {0};
	struct rctl_rule f;

	if (parse(filter, &f, &e) < 0 || rctl_remove(reg, &f, &e) < 0) {
		fail("failed to remove rule", arg, &e);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int ch, aflag = 0, lflag = 0, rflag = 0, uflag = 0, errors = 0;
	struct jail_registry reg;
	struct jail_err e = {0};
	char rule[1024];

	if (argc > 1 && !strncmp(argv[1], "--resources", 11)) {
		rctl_table_print(stdout, !strcmp(argv[1], "--resources=man"));
		return 0;
	}
	if (take_libxo(&argc, argv) < 0)
		return 1;
	while ((ch = getopt(argc, argv, "ahlnru")) != -1) {
		switch (ch) {
		case 'a':
			aflag = 1;
			break;
		case 'h':
			hflag = true;
			break;
		case 'l':
			lflag = 1;
			break;
		case 'n':
			nflag = true;
			break;
		case 'r':
			rflag = 1;
			break;
		case 'u':
			uflag = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (aflag + lflag + rflag + uflag > 1) {
		fprintf(stderr, "rctl: at most one of -a, -l, -r, or -u may be specified\n");
		return 1;
	}
	if (argc == 0 && aflag + lflag + rflag + uflag != 0)
		usage();
	if (jail_registry_open(&reg, &e) < 0) {
		fprintf(stderr, "rctl: %s\n", e.msg);
		return 1;
	}
	if (json)
		uflag ? json_begin("usage-information", "usage") : json_begin("rule-information", "rule");
	if (argc == 0) {
		show_rules(&reg, "::", "::");
		if (json)
			json_end();
		jail_registry_close(&reg);
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		/* -n skips resolving names only with -a, so "rctl -n u:root" still finds root's rules. */
		if (rctl_expand_rule(argv[i], !(aflag && nflag), rule, sizeof(rule), &e) < 0) {
			fprintf(stderr, "rctl: %s\n", e.msg);
			errors++;
			continue;
		}
		if (aflag)
			errors += add_rule(&reg, rule, argv[i]);
		else if (lflag)
			errors += show_limits(&reg, rule, argv[i]);
		else if (rflag)
			errors += remove_rule(&reg, rule, argv[i]);
		else if (uflag)
			errors += show_usage(&reg, rule, argv[i]);
		else
			errors += show_rules(&reg, rule, argv[i]);
	}
	if (json)
		json_end();
	jail_registry_close(&reg);
	return errors;
}
