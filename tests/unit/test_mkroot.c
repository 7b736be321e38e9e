/*
 * Unit tests for the parts of mkjail that need no root: the apt sources
 * parser that picks the default Debian mirror (one-line and deb822 formats),
 * rootfs_walk's in-root symlink resolution, and the thin.conf reader.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "jail/mkroot.h"
#include "core/rootfs.h"
#include "core/thin.h"
#include "t.h"

static char tmp[64];

static void put(const char *rel, const char *text)
{
	char p[256], d[256];
	char *slash;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	snprintf(d, sizeof(d), "%s", p);
	slash = strrchr(d, '/');
	*slash = '\0';
	{
		_cleanup_close_ int top = open("/", O_PATH | O_CLOEXEC);

		rootfs_mkdir_p(top, d, 0755, NULL);
	}
	f = fopen(p, "we");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void reset(void)
{
	struct jail_err e = {0};

	rootfs_rm_tree(AT_FDCWD, tmp, &e);
	mkdir(tmp, 0755);
}

static void test_mirror(void)
{
	char m[256], s[64], etc[128];
	struct jail_err e = {0};
	int r;

	snprintf(etc, sizeof(etc), "%s/etc", tmp);

	reset();
	put("etc/apt/sources.list",
	    "# comment\n"
	    "deb-src http://src.example/debian bookworm main\n"
	    "deb http://security.example/debian-security bookworm-security main\n"
	    "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main contrib\n");
	r = mkroot_host_mirror(etc, m, sizeof(m), s, sizeof(s), &e);
	T_INT(r, 1, "sources.list: found");
	T_STR(m, "http://mirror.example/debian",
	      "one-line: options skipped, "
	      "-security skipped, slash trimmed");
	T_STR(s, "bookworm", "one-line suite");

	reset();
	put("etc/apt/sources.list.d/debian.sources", "Types: deb-src\n"
						     "URIs: http://src.example/debian\n"
						     "Suites: trixie\n"
						     "\n"
						     "Types: deb\n"
						     "URIs: http://off.example/debian\n"
						     "Suites: trixie\n"
						     "Enabled: no\n"
						     "\n"
						     "Types: deb\n"
						     "# a comment inside\n"
						     "URIs: http://snap.example/debian\n"
						     "  http://second.example/debian\n"
						     "Suites: trixie-updates trixie\n"
						     "Components: main\n");
	put("etc/apt/sources.list.d/zz.list", "deb http://later.example/d sid main\n");
	put("etc/apt/sources.list.d/google.list.disabled", "deb http://x/ y main\n");
	r = mkroot_host_mirror(etc, m, sizeof(m), s, sizeof(s), &e);
	T_INT(r, 1, "deb822: found");
	T_STR(m, "http://snap.example/debian", "deb822: deb-src and Enabled: no skipped");
	T_STR(s, "trixie", "deb822: the plain suite, not -updates");

	reset();
	put("etc/os-release", "NAME=\"Debian\"\nVERSION_CODENAME=bookworm\n");
	r = mkroot_host_mirror(etc, m, sizeof(m), s, sizeof(s), &e);
	T_INT(r, 0, "no sources: not found");
	T_STR(m, "http://deb.debian.org/debian", "fallback mirror");
	T_STR(s, "bookworm", "suite from os-release");
}

static void test_walk(void)
{
	_cleanup_close_ int rootfd = -1;
	struct jail_err e = {0};
	char out[256];
	int r;

	reset();
	put("usr/lib/real.so", "x");
	rootfd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (symlinkat("usr/lib", rootfd, "lib") < 0 ||
	    symlinkat("/lib/real.so", rootfd, "usr/lib/alias.so") < 0 ||
	    symlinkat("../../../../../../usr/lib/real.so", rootfd, "up") < 0 ||
	    symlinkat("loop2", rootfd, "loop1") < 0 || symlinkat("loop1", rootfd, "loop2") < 0)
		printf("# symlink failed\n");
	r = rootfs_walk(rootfd, "/lib/alias.so", NULL, NULL, out, sizeof(out), &e);
	T_INT(r, 0, "walk through a dir link and a file link");
	T_STR(out, "/usr/lib/real.so", "resolved inside the root");
	r = rootfs_walk(rootfd, "/up", NULL, NULL, out, sizeof(out), &e);
	T_INT(r, 0, "'..' past the root stays in the root");
	T_STR(out, "/usr/lib/real.so", "clamped at the root");
	r = rootfs_walk(rootfd, "/loop1", NULL, NULL, out, sizeof(out), &e);
	T_INT(r, -ELOOP, "symlink loop detected");
	r = rootfs_walk(rootfd, "/usr/lib/real.so/x", NULL, NULL, out, sizeof(out), &e);
	T_INT(r, -ENOTDIR, "file used as a directory");
	r = rootfs_walk(rootfd, "/nope/x", NULL, NULL, out, sizeof(out), &e);
	T_INT(r, -ENOENT, "missing component");
}

static void test_thin(void)
{
	struct jail_thin t;
	struct jail_err e = {0};
	char dir[128];

	reset();
	snprintf(dir, sizeof(dir), "%s/t", tmp);
	put("t/thin.conf", "# comment\nbase=/srv/base\n");
	T_INT(jail_thin_read(dir, &t, &e), 0, "thin.conf read");
	T_STR(t.base, "/srv/base", "base");
	T_OK(strstr(t.upper, "/t/upper") != NULL, "upper under DIR");
	put("t/thin.conf", "base=relative\n");
	T_INT(jail_thin_read(dir, &t, &e), -EINVAL, "relative base refused");
	snprintf(dir, sizeof(dir), "%s/none", tmp);
	mkdir(dir, 0755);
	T_INT(jail_thin_read(dir, &t, &e), -ENOENT, "not a thin root");
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/test_mkroot.%d", (int)getpid());
	test_mirror();
	test_walk();
	test_thin();
	{
		struct jail_err e = {0};

		rootfs_rm_tree(AT_FDCWD, tmp, &e);
	}
	T_OK(access(tmp, F_OK) < 0, "temp dir removed");
	T_DONE();
}
