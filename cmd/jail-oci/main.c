/*
 * jail-oci(8): the OCI runtime command line (the runtime-tools CLI text plus
 * what runc and crun callers rely on) over libjail. This file reads the
 * global options, picks the verb and owns the output rules: one line per
 * error on stderr, and with --log a log line too, as JSON
 * {"level":"error","msg":"...","time":"..."} with --log-format json
 * (containerd's shim reads the last line of that file; podman's conmon
 * passes --log-format=json for runtimes it knows). Exit status 0 or 1.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jail/oci.h"

#define JAIL_OCI_VERSION "0.1.0"

struct cli cli = {.root = OCI_DEFAULT_ROOT};

static void write_log(const char *level, const char *msg)
{
	char now[64];
	int fd;

	if (!cli.log)
		return;
	fd = open(cli.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return;
	oci_time_now(now, sizeof(now));
	if (cli.log_json) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", now);
		char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

		if (s)
			dprintf(fd, "%s\n", s);
		free(s);
		json_decref(j);
	} else {
		dprintf(fd, "time=\"%s\" level=%s msg=\"%s\"\n", now, level, msg);
	}
	close(fd);
}

int fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "jail-oci: %s\n", msg);
	write_log("error", msg);
	return 1;
}

int fail_err(const struct jail_err *e)
{
	return fail("%s", e->msg[0] ? e->msg : "failed");
}

void log_line(const char *level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cli.debug || !strcmp(level, "warning"))
		fprintf(stderr, "jail-oci: %s: %s\n", level, msg);
	write_log(level, msg);
}

static const struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} verbs[] = {
	{"create", verb_create,
	 "create [--bundle DIR] [--pid-file FILE] [--console-socket PATH] [--preserve-fds N] [--no-pivot] "
	 "[--no-new-keyring] ID"},
	{"run", verb_run,
	 "run [--bundle DIR] [--pid-file FILE] [--console-socket PATH] [--preserve-fds N] [--detach] "
	 "[--no-pivot] [--no-new-keyring] ID"},
	{"start", verb_start, "start ID"},
	{"state", verb_state, "state ID"},
	{"kill", verb_kill, "kill [--all] ID [SIGNAL]"},
	{"delete", verb_delete, "delete [--force] ID"},
	{"exec", verb_exec,
	 "exec [--process FILE] [--tty] [--detach] [--pid-file FILE] [--console-socket PATH] [--cwd DIR] "
	 "[--env K=V]... [--user UID[:GID]] [--cap CAP]... [--preserve-fds N] ID [COMMAND [ARG...]]"},
	{"ps", verb_ps, "ps [--format table|json] ID"},
	{"pause", verb_pause, "pause ID"},
	{"resume", verb_resume, "resume ID"},
	{"update", verb_update, "update --resources FILE|- ID"},
	{"features", verb_features, "features"},
	{"spec", verb_spec, "spec [--bundle DIR]"},
	{"list", verb_list, "list [--format table|json] [--quiet]"},
};

static void usage_all(FILE *f)
{
	fputs("usage: jail-oci [--root DIR] [--jail-statedir DIR] [--log FILE] [--log-format text|json]\n"
	      "                [--systemd-cgroup] [--debug]\n"
	      "                COMMAND [OPTIONS] ...\n",
	      f);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "       jail-oci %s\n", verbs[i].usage);
}

int usage_of(const char *verb)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, verb)) {
			fprintf(stderr, "usage: jail-oci %s\n", verbs[i].usage);
			return 1;
		}
	usage_all(stderr);
	return 1;
}

static const struct option global_opts[] = {
	{"root", required_argument, NULL, 'r'},
	{"log", required_argument, NULL, 'l'},
	{"log-format", required_argument, NULL, 'f'},
	{"systemd-cgroup", no_argument, NULL, 's'},
	{"debug", no_argument, NULL, 'd'},
	{"rootless", required_argument, NULL, 'R'},
	{"jail-statedir", required_argument, NULL, 'J'},
	{"version", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "+hv", global_opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			cli.root = optarg;
			break;
		case 'l':
			cli.log = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return fail("--log-format %s: text or json", optarg);
			cli.log_json = !strcmp(optarg, "json");
			break;
		case 's':
			cli.systemd_cgroup = true;
			break;
		case 'd':
			cli.debug = true;
			break;
		case 'J':
			/* The jail registry (jls, jexec, jail -r see the containers there): for engines that
			   do not pass the environment on (podman --runtime-flag jail-statedir=DIR). */
			if (setenv("JAIL_STATEDIR", optarg, 1) < 0)
				return fail("--jail-statedir %s: %s", optarg, strerror(errno));
			break;
		case 'R':
			/* podman passes --rootless=false for a root runtime. */
			if (strcmp(optarg, "false") && strcmp(optarg, "auto"))
				return fail("--rootless %s: rootless containers are not supported", optarg);
			break;
		case 'v':
			printf("jail-oci version %s\nspec: %s\n", JAIL_OCI_VERSION, OCI_VERSION);
			return 0;
		case 'h':
			usage_all(stdout);
			return 0;
		default:
			usage_all(stderr);
			return 1;
		}
	}
	if (optind >= argc) {
		usage_all(stderr);
		return 1;
	}
	cli.verb = argv[optind];
	if (!strcmp(cli.verb, "version")) {
		printf("jail-oci version %s\nspec: %s\n", JAIL_OCI_VERSION, OCI_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, cli.verb)) {
			optind++;
			/* Each verb parses the rest with getopt from index 1. */
			argv[optind - 1] = argv[0];
			return verbs[i].fn(argc - optind + 1, argv + optind - 1);
		}
	return fail("unknown command '%s'", cli.verb);
}
