/*
 * The jail-oci verbs that make and change containers: create, run, start,
 * kill, delete, exec, ps, pause, resume, update. Each reads its options
 * as runc and crun do (what podman's conmon, containerd's shim and the
 * runtime-tools suite pass), calls lib/oci, and prints one line per error.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "jail/oci.h"

static void on_warn(void *arg, const char *msg)
{
	(void)arg;
	log_line("warning", "%s", msg);
}

static struct oci_runtime runtime(void)
{
	return (struct oci_runtime){.root = cli.root, .systemd_cgroup = cli.systemd_cgroup, .warn = on_warn};
}

static int parse_uint(const char *what, const char *s, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || *end || !*s || *out < 0 || *out > max)
		return fail("%s %s: not a number from 0 to %ld", what, s, max);
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

/* run: the container's process is our child; its status is ours, and the container goes with it. */
static int wait_and_delete(const struct oci_runtime *rt, const char *id, int pidfd)
{
	struct jail_err e = {0};
	siginfo_t si = {0};
	int status;

	while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
		if (errno != EINTR)
			return fail("run: waiting for %s: %s", id, strerror(errno));
	close(pidfd);
	status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	if (oci_delete(rt, id, true, &e) < 0)
		return fail_err(&e);
	return status;
}

static int create_or_run(int argc, char **argv, bool is_run)
{
	struct oci_create_opts o = {.bundle = "."};
	struct oci_runtime rt = runtime();
	struct jail_err e = {0};
	const char *verb = is_run ? "run" : "create", *id;
	bool detach = false;
	long fds = 0;
	int c, pidfd = -1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+b:", create_opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o.bundle = optarg;
			break;
		case 'p':
			o.pid_file = optarg;
			break;
		case 'c':
			o.console = optarg;
			break;
		case 'P':
			if (parse_uint("--preserve-fds", optarg, 1 << 20, &fds))
				return 1;
			o.preserve_fds = (int)fds;
			break;
		case 'd':
			if (!is_run)
				return usage_of(verb);
			detach = true;
			break;
		case 'N':
		case 'K':
		case 'S':
			break;
		default:
			return usage_of(verb);
		}
	}
	if (one_id(argc, argv, verb, &id))
		return 1;
	if (oci_create(&rt, id, &o, is_run && !detach ? &pidfd : NULL, &e) < 0)
		return fail_err(&e);
	if (!is_run)
		return 0;
	if (oci_start(&rt, id, &e) < 0) {
		struct jail_err d = {0};
		oci_delete(&rt, id, true, &d);
		return fail_err(&e);
	}
	return detach ? 0 : wait_and_delete(&rt, id, pidfd);
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
	struct oci_runtime rt = runtime();
	struct jail_err e = {0};
	const char *id;

	optind = 0;
	if (getopt(argc, argv, "+") != -1 || one_id(argc, argv, "start", &id))
		return 1;
	return oci_start(&rt, id, &e) < 0 ? fail_err(&e) : 0;
}

int verb_kill(int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
	struct oci_runtime rt = runtime();
	struct jail_err e = {0};
	bool all = false;
	int c, sig = 15;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (c != 'a')
			return usage_of("kill");
		all = true;
	}
	if (optind != argc - 1 && optind != argc - 2)
		return usage_of("kill");
	if (optind == argc - 2 && (sig = oci_signal_parse(argv[argc - 1])) < 0)
		return fail("kill: unknown signal '%s'", argv[argc - 1]);
	if (oci_id_valid(argv[optind], &e) < 0 || oci_kill(&rt, argv[optind], sig, all, &e) < 0)
		return fail_err(&e);
	return 0;
}

int verb_delete(int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	struct oci_runtime rt = runtime();
	struct jail_err e = {0};
	bool force = false;
	const char *id;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return usage_of("delete");
		force = true;
	}
	if (one_id(argc, argv, "delete", &id))
		return 1;
	r = oci_delete(&rt, id, force, &e);
	/* As runc: a container that is not there is fine when forced (cleanup after a failed create). */
	if (r == -ENOENT && force)
		return 0;
	return r < 0 ? fail_err(&e) : 0;
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

static int read_all(const char *what, const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;

	*len = 0;
	if (!f)
		return fail("%s %s: %s", what, path, strerror(errno));
	*buf = malloc(1 << 20);
	if (*buf)
		*len = fread(*buf, 1, (1 << 20) - 1, f);
	if (f != stdin)
		fclose(f);
	return *buf ? 0 : fail("out of memory");
}

static int parse_user(const char *s, struct oci_exec_opts *o)
{
	char *end;
	unsigned long u = strtoul(s, &end, 10), g = 0;

	if (end == s || (*end && (*end != ':' || !end[1])) || u > UINT32_MAX - 1)
		return fail("--user %s: UID or UID:GID (numbers)", s);
	if (*end == ':') {
		const char *gs = end + 1;
		g = strtoul(gs, &end, 10);
		if (*end || g > UINT32_MAX - 1)
			return fail("--user %s: UID or UID:GID (numbers)", s);
	}
	o->has_user = true;
	o->uid = (uint32_t)u;
	o->gid = (uint32_t)g;
	return 0;
}

int verb_exec(int argc, char **argv)
{
	struct oci_exec_opts o = {0};
	struct oci_runtime rt = runtime();
	struct oci_process p;
	struct jail_err e = {0};
	const char *process = NULL, *id;
	char **env = calloc((size_t)argc + 1, sizeof(char *));
	size_t nenv = 0;
	long fds;
	int c, r;

	if (!env)
		return fail("out of memory");
	optind = 0;
	while ((c = getopt_long(argc, argv, "+p:tdu:e:w:", exec_opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			process = optarg;
			break;
		case 't':
			o.tty = true;
			break;
		case 'd':
			o.detach = true;
			break;
		case 'P':
			o.pid_file = optarg;
			break;
		case 'c':
			o.console = optarg;
			break;
		case 'u':
			if (parse_user(optarg, &o))
				goto bad;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				fail("--env %s: not NAME=VALUE", optarg);
				goto bad;
			}
			env[nenv++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/') {
				fail("--cwd %s: must be an absolute path", optarg);
				goto bad;
			}
			o.cwd = optarg;
			break;
		case 'C':
			if (oci_cap_from_name(optarg) < 0) {
				fail("--cap %s: unknown capability", optarg);
				goto bad;
			}
			o.caps |= 1ULL << oci_cap_from_name(optarg);
			break;
		case 'F':
			if (parse_uint("--preserve-fds", optarg, 1 << 20, &fds))
				goto bad;
			o.preserve_fds = (int)fds;
			break;
		case 'n':
			o.no_new_privs = true;
			break;
		default:
			free(env);
			return usage_of("exec");
		}
	}
	if (optind >= argc || (!process && optind == argc - 1)) {
		free(env);
		return usage_of("exec");
	}
	id = argv[optind];
	o.env = env;
	o.args = argv + optind + 1;
	if (process) {
		char *buf;
		size_t len;
		if (read_all("--process", process, &buf, &len))
			goto bad;
		r = oci_process_parse(buf, len, &p, &e);
		free(buf);
		if (r < 0) {
			fail("--process %s: %s", process, e.msg);
			goto bad;
		}
		o.p = &p;
	}
	if (o.tty && !o.console && !process) {
		fail("--tty needs --console-socket");
		goto bad;
	}
	r = oci_exec(&rt, id, &o, &e);
	if (process)
		oci_process_free(&p);
	free(env);
	return r < 0 ? fail_err(&e) : r;
bad:
	free(env);
	return 1;
}

int verb_ps(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	struct oci_runtime rt = runtime();
	struct jail_err e = {0};
	bool json = false;
	pid_t *pids = NULL;
	int c, n;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c != 'f' || (strcmp(optarg, "json") && strcmp(optarg, "table")))
			return usage_of("ps");
		json = !strcmp(optarg, "json");
	}
	/* runc passes anything after ID to ps(1); only ID is accepted here. */
	if (optind != argc - 1)
		return usage_of("ps");
	n = oci_ps(&rt, argv[optind], &pids, &e);
	if (n < 0)
		return fail_err(&e);
	if (json) {
		putchar('[');
		for (int i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		puts("]");
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (int i = 0; i < n; i++) {
			char f[64], comm[64] = "";
			snprintf(f, sizeof(f), "/proc/%d/comm", (int)pids[i]);
			FILE *cf = fopen(f, "re");
			if (cf && fgets(comm, sizeof(comm), cf))
				comm[strcspn(comm, "\n")] = '\0';
			if (cf)
				fclose(cf);
			printf("%-8d %s\n", (int)pids[i], comm);
		}
	}
	free(pids);
	return 0;
}

static int pause_resume(int argc, char **argv, const char *verb, bool pause)
{
	struct oci_runtime rt = runtime();
	struct jail_err e = {0};
	const char *id;

	optind = 0;
	if (getopt(argc, argv, "+") != -1 || one_id(argc, argv, verb, &id))
		return 1;
	return oci_pause(&rt, id, pause, &e) < 0 ? fail_err(&e) : 0;
}

int verb_pause(int argc, char **argv)
{
	return pause_resume(argc, argv, "pause", true);
}

int verb_resume(int argc, char **argv)
{
	return pause_resume(argc, argv, "resume", false);
}

int verb_update(int argc, char **argv)
{
	static const struct option opts[] = {{"resources", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	struct oci_runtime rt = runtime();
	const char *res = NULL;
	struct jail_err e = {0};
	struct oci_resources r;
	char *buf;
	size_t len;
	int c, bad;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+r:", opts, NULL)) != -1) {
		if (c != 'r')
			return usage_of("update");
		res = optarg;
	}
	if (!res || optind != argc - 1)
		return usage_of("update");
	if (read_all("--resources", res, &buf, &len))
		return 1;
	bad = oci_resources_parse_text(buf, len, &r, &e);
	free(buf);
	if (bad < 0)
		return fail("--resources %s: %s", res, e.msg);
	bad = oci_update(&rt, argv[optind], &r, &e);
	oci_resources_free(&r);
	return bad < 0 ? fail_err(&e) : 0;
}
