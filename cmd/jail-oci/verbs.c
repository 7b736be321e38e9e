/*
 * The jail-oci verbs. state, list, features and spec work in full. The verbs
 * that need the create path (create, run, start, kill, delete, exec, ps,
 * pause, resume, update) parse their options, check the container and the
 * bundle's config.json completely (so every refusal is already the real
 * one), then stop with "not implemented yet": the create path's step table
 * wires them next.
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

#define NOT_YET(what) fail("%s: not implemented yet (the create path comes in phase 2)", what)

static int one_id(int argc, char **argv, const char *verb, const char **id)
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

static void on_warn(void *arg, const char *msg)
{
	(void)arg;
	log_line("warning", "%s", msg);
}

/* Everything create checks before it would touch the system. */
static int check_bundle(const char *bundle, const char *id, const char *console, bool is_run)
{
	struct oci_parse_opts o = {.systemd_cgroup = cli.systemd_cgroup, .warn = on_warn};
	struct oci_config c;
	struct jail_err e = {0};
	struct oci_state s;
	struct stat st;
	int bfd, rootfd, r;

	if (oci_id_valid(id, &e) < 0)
		return fail_err(&e);
	bfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return fail("bundle %s: %s", bundle, strerror(errno));
	r = oci_config_load(bfd, &o, &c, &e);
	if (r < 0) {
		close(bfd);
		return fail("%s: %s", bundle, e.msg);
	}
	if (c.root_path[0] == '/' ? stat(c.root_path, &st) : fstatat(bfd, c.root_path, &st, 0))
		r = fail("%s: root.path %s: %s", bundle, c.root_path, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		r = fail("%s: root.path %s: not a directory", bundle, c.root_path);
	else if (!c.has_process)
		r = fail("%s: config.json: process: missing (create needs the process to run)", bundle);
	else if (c.process.terminal && !console && !is_run)
		r = fail("process.terminal is true: --console-socket is required");
	else if (!c.process.terminal && console)
		r = fail("--console-socket given but process.terminal is false");
	close(bfd);
	if (r == 0 && c.linux_.seccomp.set) {
		struct oci_bpf b;

		if (oci_seccomp_compile(&c.linux_.seccomp, &b, &e) < 0)
			r = fail("%s: config.json: %s", bundle, e.msg);
		else if (b.unknown_syscalls)
			log_line("warning",
				 "linux.seccomp: %zu syscall names unknown to libseccomp were skipped",
				 b.unknown_syscalls);
		oci_bpf_free(&b);
	}
	oci_config_free(&c);
	if (r)
		return r;
	rootfd = oci_root_open(cli.root, false, &e);
	if (rootfd >= 0 && oci_state_read(rootfd, id, &s, &e) == 0) {
		oci_state_free(&s);
		close(rootfd);
		return fail("container %s already exists", id);
	}
	if (rootfd >= 0)
		close(rootfd);
	return 0;
}

static const struct option create_opts[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"pid-file", required_argument, NULL, 'p'},
	{"console-socket", required_argument, NULL, 'c'},
	{"preserve-fds", required_argument, NULL, 'P'},
	{"no-pivot", no_argument, NULL, 'N'},
	{"no-new-keyring", no_argument, NULL, 'K'},
	{"detach", no_argument, NULL, 'd'},
	{"no-subreaper", no_argument, NULL, 'S'},
	{NULL, 0, NULL, 0},
};

static int parse_uint(const char *what, const char *s, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || *end || !*s || *out < 0 || *out > max)
		return fail("%s %s: not a number from 0 to %ld", what, s, max);
	return 0;
}

static int create_or_run(int argc, char **argv, bool is_run)
{
	const char *bundle = ".", *console = NULL, *verb = is_run ? "run" : "create";
	long fds = 0;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+b:", create_opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case 'c':
			console = optarg;
			break;
		case 'P':
			if (parse_uint("--preserve-fds", optarg, 1 << 20, &fds))
				return 1;
			break;
		case 'd':
			if (!is_run)
				return usage_of(verb);
			break;
		case 'p':
		case 'N':
		case 'K':
		case 'S':
			break;
		default:
			return usage_of(verb);
		}
	}
	if (optind != argc - 1)
		return usage_of(verb);
	if (check_bundle(bundle, argv[optind], console, is_run))
		return 1;
	return NOT_YET(verb);
}

int verb_create(int argc, char **argv)
{
	return create_or_run(argc, argv, false);
}

int verb_run(int argc, char **argv)
{
	return create_or_run(argc, argv, true);
}

int verb_start(int argc, char **argv)
{
	struct oci_state s;
	const char *id;

	optind = 0;
	if (getopt(argc, argv, "+") != -1 || one_id(argc, argv, "start", &id) || load_state(id, &s))
		return 1;
	if (s.status != OCI_CREATED) {
		int r = fail("cannot start container %s: it is %s, not created", id,
			     oci_status_name(s.status));
		oci_state_free(&s);
		return r;
	}
	oci_state_free(&s);
	return NOT_YET("start");
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

int verb_kill(int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
	struct oci_state s;
	int c, sig = 15;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+a", opts, NULL)) != -1)
		if (c != 'a')
			return usage_of("kill");
	if (optind != argc - 1 && optind != argc - 2)
		return usage_of("kill");
	if (optind == argc - 2 && (sig = oci_signal_parse(argv[argc - 1])) < 0)
		return fail("kill: unknown signal '%s'", argv[argc - 1]);
	if (load_state(argv[optind], &s))
		return 1;
	if (s.status != OCI_CREATED && s.status != OCI_RUNNING && s.status != OCI_PAUSED) {
		int r = fail("cannot kill container %s: it is %s", s.id, oci_status_name(s.status));
		oci_state_free(&s);
		return r;
	}
	oci_state_free(&s);
	log_line("debug", "kill: signal %d", sig);
	return NOT_YET("kill");
}

int verb_delete(int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	struct jail_err e = {0};
	struct oci_state s;
	bool force = false;
	const char *id;
	int c, rootfd, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return usage_of("delete");
		force = true;
	}
	if (one_id(argc, argv, "delete", &id))
		return 1;
	rootfd = oci_root_open(cli.root, false, &e);
	r = rootfd >= 0 ? oci_state_read(rootfd, id, &s, &e) : rootfd;
	if (rootfd >= 0)
		close(rootfd);
	else if (rootfd == -ENOENT)
		jail_err_set(&e, -ENOENT, "container %s does not exist", id);
	/* As runc: deleting a container that is not there is fine when forced
	 * (an engine cleaning up after a failed create). */
	if (r == -ENOENT && force)
		return 0;
	if (r < 0)
		return fail_err(&e);
	if (!force && s.status != OCI_STOPPED && s.status != OCI_CREATED) {
		r = fail("cannot delete container %s: it is %s (use --force)", id, oci_status_name(s.status));
		oci_state_free(&s);
		return r;
	}
	oci_state_free(&s);
	return NOT_YET("delete");
}

static const struct option exec_opts[] = {
	{"process", required_argument, NULL, 'p'},
	{"tty", no_argument, NULL, 't'},
	{"detach", no_argument, NULL, 'd'},
	{"pid-file", required_argument, NULL, 'P'},
	{"console-socket", required_argument, NULL, 'c'},
	{"cwd", required_argument, NULL, 'w'},
	{"env", required_argument, NULL, 'e'},
	{"user", required_argument, NULL, 'u'},
	{"cap", required_argument, NULL, 'C'},
	{"preserve-fds", required_argument, NULL, 'F'},
	{"no-new-privs", no_argument, NULL, 'n'},
	{NULL, 0, NULL, 0},
};

/* exec's own checks: the process file or command, each option's value. */
static int exec_check(const char *process, bool tty, const char *console, const char *user)
{
	struct jail_err e = {0};
	struct oci_process p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r = 0;

	if (user) {
		char *end;
		unsigned long u = strtoul(user, &end, 10);

		if (end == user || (*end && (*end != ':' || !end[1])) || u > UINT_MAX - 1)
			return fail("--user %s: UID or UID:GID (numbers)", user);
		if (*end == ':' && (strtoul(end + 1, &end, 10), *end))
			return fail("--user %s: UID or UID:GID (numbers)", user);
	}
	if (!process)
		return tty && !console ? fail("--tty needs --console-socket") : 0;
	f = strcmp(process, "-") ? fopen(process, "re") : stdin;
	if (!f)
		return fail("--process %s: %s", process, strerror(errno));
	buf = malloc(1 << 20);
	if (buf)
		len = fread(buf, 1, (1 << 20) - 1, f);
	if (f != stdin)
		fclose(f);
	if (!buf)
		return fail("out of memory");
	if (oci_process_parse(buf, len, &p, &e) < 0)
		r = fail("--process %s: %s", process, e.msg);
	else if (p.terminal && !console)
		r = fail("--process %s: process.terminal is true: --console-socket is required", process);
	if (r == 0)
		oci_process_free(&p);
	free(buf);
	return r;
}

int verb_exec(int argc, char **argv)
{
	const char *process = NULL, *console = NULL, *user = NULL;
	struct oci_state s;
	bool tty = false;
	long fds;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+p:tdu:e:w:", exec_opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			process = optarg;
			break;
		case 't':
			tty = true;
			break;
		case 'c':
			console = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return fail("--env %s: not NAME=VALUE", optarg);
			break;
		case 'w':
			if (optarg[0] != '/')
				return fail("--cwd %s: must be an absolute path", optarg);
			break;
		case 'C':
			if (oci_cap_from_name(optarg) < 0)
				return fail("--cap %s: unknown capability", optarg);
			break;
		case 'F':
			if (parse_uint("--preserve-fds", optarg, 1 << 20, &fds))
				return 1;
			break;
		case 'd':
		case 'P':
		case 'n':
			break;
		default:
			return usage_of("exec");
		}
	}
	if (optind >= argc || (!process && optind == argc - 1))
		return usage_of("exec");
	if (exec_check(process, tty, console, user) || load_state(argv[optind], &s))
		return 1;
	if (s.status != OCI_RUNNING && s.status != OCI_CREATED) {
		int r = fail("cannot exec in container %s: it is %s", s.id, oci_status_name(s.status));
		oci_state_free(&s);
		return r;
	}
	oci_state_free(&s);
	return NOT_YET("exec");
}

int verb_ps(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	struct oci_state s;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1)
		if (c != 'f' || (strcmp(optarg, "json") && strcmp(optarg, "table")))
			return usage_of("ps");
	/* runc passes anything after ID to ps(1); only ID is accepted here. */
	if (optind != argc - 1)
		return usage_of("ps");
	if (load_state(argv[optind], &s))
		return 1;
	oci_state_free(&s);
	return NOT_YET("ps");
}

static int pause_resume(int argc, char **argv, const char *verb, enum oci_status want)
{
	struct oci_state s;
	const char *id;

	optind = 0;
	if (getopt(argc, argv, "+") != -1 || one_id(argc, argv, verb, &id) || load_state(id, &s))
		return 1;
	if (s.status != want) {
		int r = fail("cannot %s container %s: it is %s", verb, id, oci_status_name(s.status));
		oci_state_free(&s);
		return r;
	}
	oci_state_free(&s);
	return NOT_YET(verb);
}

int verb_pause(int argc, char **argv)
{
	return pause_resume(argc, argv, "pause", OCI_RUNNING);
}

int verb_resume(int argc, char **argv)
{
	return pause_resume(argc, argv, "resume", OCI_PAUSED);
}

int verb_update(int argc, char **argv)
{
	static const struct option opts[] = {{"resources", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	const char *res = NULL;
	struct jail_err e = {0};
	struct oci_resources r;
	struct oci_state s;
	char *buf;
	size_t len = 0;
	FILE *f;
	int c, bad;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+r:", opts, NULL)) != -1) {
		if (c != 'r')
			return usage_of("update");
		res = optarg;
	}
	if (!res || optind != argc - 1)
		return usage_of("update");
	f = strcmp(res, "-") ? fopen(res, "re") : stdin;
	if (!f)
		return fail("--resources %s: %s", res, strerror(errno));
	buf = malloc(1 << 20);
	if (buf)
		len = fread(buf, 1, (1 << 20) - 1, f);
	if (f != stdin)
		fclose(f);
	if (!buf)
		return fail("out of memory");
	bad = oci_resources_parse_text(buf, len, &r, &e);
	free(buf);
	if (bad < 0)
		return fail("--resources %s: %s", res, e.msg);
	oci_resources_free(&r);
	if (load_state(argv[optind], &s))
		return 1;
	oci_state_free(&s);
	return NOT_YET("update");
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
