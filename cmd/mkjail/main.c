/*
 * mkjail(8): build jail roots (mini, busybox, debian, thin, oci) and check them.
 * A thin front end: argv in, the libjail mkroot/preflight calls, text out,
 * exit status 0, 1 or 64.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jail/err.h"
#include "jail/mkroot.h"
#include "jail/preflight.h"

#define MAX_LIST 256

static const char usage_text[] =
	"usage: mkjail mini [--force] [-r range] [-f file] [-u user] dir program ...\n"
	"       mkjail busybox [--force] [-r range] [-b busybox] [-f file] [-u user] dir\n"
	"       mkjail debian [--force] [-r range] [--suite suite] [--mirror url]\n"
	"                     [--include pkg,...] dir\n"
	"       mkjail thin [--force] [-r range] --base base dir\n"
	"       mkjail oci [--force] [-r range] image[:tag] dir\n"
	"       mkjail shift [-r range] dir\n"
	"       mkjail check [-S] dir [program ...]\n";

static int usage(void)
{
	fputs(usage_text, stderr);
	return 64;
}

static int fail(const char *dir, const struct jail_err *e)
{
	if (dir && strncmp(e->msg, dir, strlen(dir)))
		fprintf(stderr, "mkjail: %s: %s\n", dir, e->msg);
	else
		fprintf(stderr, "mkjail: %s\n", e->msg);
	return e->exit ? e->exit : 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void summary(const char *kind, const char *dir, const struct mkroot_stats *st, double t0)
{
	printf("%s: %s root: %lu files (%.1f MiB), %lu directories, %lu links%s"
	       " in %.2fs\n",
	       dir, kind, st->files, (double)st->bytes / (1024.0 * 1024.0), st->dirs, st->links,
	       st->cached ? ", from cache" : "", now() - t0);
}

/* debootstrap progress: one updating line on a terminal; otherwise only
 * the phase changes ("Retrieving", "Unpacking", ...). */
struct prog {
	int tty;
	char verb[32];
	unsigned count;
	unsigned seen; /* per-package verbs already announced */
};

static const char *const pkg_verbs[] = {"Retrieving", "Validating", "Extracting", "Unpacking", "Configuring"};

static void on_progress(void *arg, const char *line)
{
	struct prog *p = arg;
	char verb[32] = "";
	int per_pkg = 0;
	unsigned bit = 0, i;

	if (!strncmp(line, "E: ", 3) || !strncmp(line, "W: ", 3)) {
		fprintf(stderr, "%s%s\n", p->tty ? "\r\033[K" : "", line);
		return;
	}
	if (strncmp(line, "I: ", 3))
		return;
	sscanf(line + 3, "%31s", verb);
	for (i = 0; i < sizeof(pkg_verbs) / sizeof(pkg_verbs[0]); i++)
		if (!strcmp(verb, pkg_verbs[i]))
			bit = 1u << i;
	/* "Unpacking required packages..." heads a phase; "Unpacking
	 * dash..." is one package of it. */
	per_pkg = bit && !strstr(line, " packages...") && !strstr(line, " system...");
	if (strcmp(verb, p->verb)) {
		snprintf(p->verb, sizeof(p->verb), "%s", verb);
		p->count = 0;
	}
	p->count++;
	if (p->tty) {
		fprintf(stderr, "\r\033[K%.*s", 72, line + 3);
		if (per_pkg)
			fprintf(stderr, " [%u]", p->count);
		fflush(stderr);
	} else if (!per_pkg || !(p->seen & bit)) {
		fprintf(stderr, "mkjail: %s%s\n", line + 3, per_pkg ? " ..." : "");
		if (per_pkg)
			p->seen |= bit;
	}
}

/*
 * Give tree (a root, or a thin root's layer) to the user range spec names
 * ("private": a range of the pool picked for dir), from the one it is in.
 */
static int shift(const char *dir, const char *tree, const char *spec)
{
	struct jail_err e = {0};
	uint32_t from, to;
	unsigned long n = 0;

	if (mkroot_range_of(tree, &from, &e) < 0 || mkroot_range(dir, spec, &to, &e) < 0 ||
	    mkroot_shift(tree, from, to, &n, &e) < 0)
		return fail(dir, &e), -1;
	if (from != to)
		printf("%s: files of uids %u-%u moved to %u-%u (%lu)\n", dir, from, from + 65535, to,
		       to + 65535, n);
	return 0;
}

static const struct option long_opts[] = {
	{"force", no_argument, NULL, 'F'},	   {"file", required_argument, NULL, 'f'},
	{"user", required_argument, NULL, 'u'},	   {"busybox", required_argument, NULL, 'b'},
	{"suite", required_argument, NULL, 's'},   {"mirror", required_argument, NULL, 'm'},
	{"include", required_argument, NULL, 'i'}, {"base", required_argument, NULL, 'B'},
	{"no-shell", no_argument, NULL, 'S'},	   {"user-range", required_argument, NULL, 'r'},
	{"help", no_argument, NULL, 'h'},	   {NULL, 0, NULL, 0},
};

static void print_problem(void *arg, const char *problem)
{
	printf("%s: %s\n", (const char *)arg, problem);
}

int main(int argc, char **argv)
{
	const char *files[MAX_LIST + 1] = {0}, *users[MAX_LIST + 1] = {0};
	struct mkroot_opts o = {0};
	struct mkroot_stats st = {0};
	struct jail_err e = {0};
	size_t nf = 0, nu = 0;
	const char *verb, *dir;
	unsigned flags = JAIL_PREFLIGHT_ALL;
	const char *range = "private";
	double t0 = now();
	int c, r;

	if (argc < 2)
		return usage();
	verb = argv[1];
	if (!strcmp(verb, "-h") || !strcmp(verb, "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	argv++;
	argc--;
	while ((c = getopt_long(argc, argv, "Ff:u:b:SB:r:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			o.force = 1;
			break;
		case 'f':
			if (nf >= MAX_LIST)
				return usage();
			files[nf++] = optarg;
			break;
		case 'u':
			if (nu >= MAX_LIST)
				return usage();
			users[nu++] = optarg;
			break;
		case 'b':
			o.busybox = optarg;
			break;
		case 's':
			o.suite = optarg;
			break;
		case 'm':
			o.mirror = optarg;
			break;
		case 'i':
			o.include = optarg;
			break;
		case 'B':
			o.base = optarg;
			break;
		case 'S':
			flags &= ~JAIL_PREFLIGHT_SHELL;
			break;
		case 'r':
			range = optarg;
			break;
		default:
			return usage();
		}
	}
	o.files = files;
	o.users = users;
	if (optind >= argc)
		return usage();
	dir = argv[optind++];

	if (!strcmp(verb, "mini")) {
		if (optind >= argc)
			return usage();
		r = mkroot_mini(dir, (const char *const *)argv + optind, &o, &st, &e);
		if (r < 0)
			return fail(dir, &e);
		summary("mini", dir, &st, t0);
		r = shift(dir, dir, range);
	} else if (!strcmp(verb, "busybox")) {
		if (optind != argc)
			return usage();
		r = mkroot_busybox(dir, &o, &st, &e);
		if (r < 0)
			return fail(dir, &e);
		summary("busybox", dir, &st, t0);
		r = shift(dir, dir, range);
	} else if (!strcmp(verb, "debian")) {
		struct prog p = {.tty = isatty(2)};

		if (optind != argc)
			return usage();
		o.cache_dir = getenv("MKJAIL_CACHE");
		o.debootstrap = getenv("MKJAIL_DEBOOTSTRAP");
		o.progress = on_progress;
		o.progress_arg = &p;
		r = mkroot_debian(dir, &o, &st, &e);
		if (p.tty)
			fputs("\r\033[K", stderr);
		if (r < 0)
			return fail(dir, &e);
		summary("debian", dir, &st, t0);
		r = shift(dir, dir, range);
	} else if (!strcmp(verb, "oci")) {
		/* mkjail oci IMAGE DIR: the image came first, dir holds DIR. */
		if (optind != argc - 1)
			return usage();
		r = mkroot_oci(argv[optind], dir, &o, &st, &e);
		if (r < 0)
			return fail(argv[optind], &e);
		summary("oci", argv[optind], &st, t0);
		printf("%s: %u layers applied%s\n", argv[optind], st.layers,
		       st.skipped ? ", device nodes skipped (a jail gets its own /dev)" : "");
		r = shift(argv[optind], argv[optind], range);
	} else if (!strcmp(verb, "thin")) {
		if (optind != argc)
			return usage();
		r = mkroot_thin(dir, &o, &e);
		if (r < 0)
			return fail(dir, &e);
		/* The thin jail's files are its layer's: the range goes there, the base stays as it is. */
		char upper[4096];
		snprintf(upper, sizeof(upper), "%s/upper", dir);
		r = shift(dir, upper, range);
	} else if (!strcmp(verb, "shift")) {
		if (optind != argc)
			return usage();
		r = shift(dir, dir, range);
	} else if (!strcmp(verb, "check")) {
		r = jail_preflight_path(dir, (const char *const *)argv + optind, flags, print_problem,
					(void *)dir, &e);
		if (r > 0)
			return 1;
		if (r < 0)
			return fail(dir, &e);
		printf("%s: ok\n", dir);
	} else {
		fprintf(stderr, "mkjail: %s: unknown command\n", verb);
		return usage();
	}
	return r < 0 ? 1 : 0;
}
