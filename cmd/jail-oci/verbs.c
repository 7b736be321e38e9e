/*
 * The jail-oci verbs that read: state, features, spec, list. Those that make
 * or change containers are in life.c.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "jail/oci.h"

int one_id(int argc, char **argv, const char *verb, const char **id)
{
	struct jail_err e = {0};

	if (optind != argc - 1)
		return usage_of(verb);
	*id = argv[optind];
	if (oci_id_valid(*id, &e) < 0)
		return fail_err(&e);
	return 0;
}

/* Open --root and read one container's state. */
static int load_state(const char *id, struct oci_state *s)
{
	struct jail_err e = {0};
	int rootfd = oci_root_open(cli.root, false, &e), r;

	if (rootfd < 0) {
		if (rootfd == -ENOENT)
			return fail("container %s does not exist", id);
		return fail_err(&e);
	}
	r = oci_state_read(rootfd, id, s, &e);
	close(rootfd);
	return r < 0 ? fail_err(&e) : 0;
}

int verb_state(int argc, char **argv)
{
	struct oci_state s;
	const char *id;
	char *j;

	optind = 0;
	if (getopt(argc, argv, "+") != -1 || one_id(argc, argv, "state", &id) || load_state(id, &s))
		return 1;
	j = oci_state_json(&s, true);
	oci_state_free(&s);
	if (!j)
		return fail("out of memory");
	puts(j);
	free(j);
	return 0;
}

int verb_features(int argc, char **argv)
{
	char *j;

	optind = 0;
	if (getopt(argc, argv, "+") != -1 || optind != argc)
		return usage_of("features");
	j = oci_features_json();
	if (!j)
		return fail("out of memory");
	puts(j);
	free(j);
	return 0;
}

int verb_spec(int argc, char **argv)
{
	static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0}};
	const char *bundle = ".";
	struct jail_err e = {0};
	int c, dfd, fd;
	char *j;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		if (c != 'b')
			return usage_of("spec");
		bundle = optarg;
	}
	if (optind != argc)
		return usage_of("spec");
	j = oci_spec_json(&e);
	if (!j)
		return fail_err(&e);
	dfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = dfd < 0 ? -1
		     : openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		int r = errno == EEXIST ? fail("%s/config.json exists; remove it first", bundle)
					: fail("%s/config.json: %s", bundle, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		free(j);
		return r;
	}
	c = dprintf(fd, "%s\n", j) < 0 || close(fd) < 0;
	close(dfd);
	free(j);
	return c ? fail("%s/config.json: %s", bundle, strerror(errno)) : 0;
}

struct list_ctx {
	int rootfd;
	bool json, quiet;
	json_t *arr;
};

static int list_one(void *arg, const char *id)
{
	struct list_ctx *l = arg;
	struct oci_state s;
	struct jail_err e = {0};

	if (l->quiet) {
		puts(id);
		return 0;
	}
	if (oci_state_read(l->rootfd, id, &s, &e) < 0)
		return 0; /* vanished meanwhile */
	if (l->json) {
		char *j = oci_state_json(&s, false);
		json_t *o = j ? json_loads(j, 0, NULL) : NULL;

		if (o)
			json_array_append_new(l->arr, o);
		free(j);
	} else {
		printf("%-20s %-8d %-10s %-40s %-32s %s\n", s.id, s.status == OCI_STOPPED ? 0 : (int)s.pid,
		       oci_status_name(s.status), s.bundle, s.created, s.owner);
	}
	oci_state_free(&s);
	return 0;
}

int verb_list(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"quiet", no_argument, NULL, 'q'},
					     {NULL, 0, NULL, 0}};
	struct list_ctx l = {.rootfd = -1};
	struct jail_err e = {0};
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
		if (c == 'q')
			l.quiet = true;
		else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			l.json = !strcmp(optarg, "json");
		else
			return usage_of("list");
	}
	if (optind != argc)
		return usage_of("list");
	l.rootfd = oci_root_open(cli.root, false, &e);
	if (l.rootfd == -ENOENT) {
		/* No container was ever made under this root. */
		if (l.json)
			puts("[]");
		else if (!l.quiet)
			printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
			       "CREATED", "OWNER");
		return 0;
	}
	if (l.rootfd < 0)
		return fail_err(&e);
	if (l.json)
		l.arr = json_array();
	else if (!l.quiet)
		printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
		       "OWNER");
	r = oci_state_list(l.rootfd, list_one, &l, &e);
	close(l.rootfd);
	if (l.json) {
		char *j = json_dumps(l.arr, JSON_COMPACT);

		puts(j ? j : "[]");
		free(j);
		json_decref(l.arr);
	}
	return r < 0 ? fail_err(&e) : 0;
}
