/*
 * Unit tests for the registry's trust rules (issue 10 item 8): which state
 * directories and files are believed, which cgroup paths a state may name,
 * and which processes count as a jail's init. Parts need root (chown, a PID
 * namespace); without it they are reported as skips.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/cleanup.h"
#include "core/registry.h"
#include "core/rootfs.h"
#include "t.h"

static char dir[] = "/tmp/test_registry.XXXXXX";

static void skip(const char *why)
{
	printf("ok %d - # SKIP %s\n", ++t_n, why);
}

static void put_state(int jid, const char *body)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/state/%d.json", dir, jid);
	f = fopen(path, "we");
	if (!f || fputs(body, f) < 0 || fclose(f) != 0)
		printf("# writing %s failed\n", path);
	chmod(path, 0600);
}

static void test_cgroup_paths(void)
{
	static const struct {
		const char *path, *leaf;
		bool ok;
		const char *why;
	} cases[] = {
		{"/sys/fs/cgroup/pids/jail.www", "jail.www", true,
		 "the jail's own directory below a hierarchy"},
		{"/sys/fs/cgroup/pids/a/b/jail.www", "jail.www", true,
		 "nested under a parent cgroup gone since"},
		{"/sys/fs/cgroup/nohier/jail.www", "jail.www", false,
		 "under a missing directory off the hierarchies"},
		{"/sys/fs/cgroup/memory", "jail.www", false, "a hierarchy's root cgroup"},
		{"/sys/fs/cgroup/memory", "memory", false, "a hierarchy's root, even named as the leaf"},
		{"/sys/fs/cgroup/pids/../../etc", "etc", false, "'..' out of the hierarchy"},
		{"/sys/fs/cgroup/pids/./jail.www", "jail.www", false, "a '.' component"},
		{"/sys/fs/cgroup/pids//jail.www", "jail.www", false, "a double slash"},
		{"/sys/fs/cgroup/pids/jail.www/", "jail.www", false, "a trailing slash"},
		{"/sys/fs/cgroup/pids/jail.other", "jail.www", false, "another leaf"},
		{"/tmp/jail.www", "jail.www", false, "not on a cgroup filesystem"},
		{"sys/fs/cgroup/pids/jail.www", "jail.www", false, "a relative path"},
		{"/sys/fs/cgroup/pids/jail.www", "", false, "an empty leaf"},
		{"/sys/fs/cgroup/pids/..", "..", false, "'..' as the leaf"},
	};
	struct stat st;

	if (stat("/sys/fs/cgroup/pids", &st) < 0) {
		skip("no /sys/fs/cgroup/pids hierarchy on this host");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		T_INT(jail_cgroup_dir_valid(cases[i].path, cases[i].leaf), cases[i].ok, "cgroup path: %s: %s",
		      cases[i].why, cases[i].ok ? "believed" : "refused");
}

static void test_load(void)
{
	struct jail_registry r;
	struct jail_state st;
	struct jail_err e = {0};
	char sd[PATH_MAX];

	snprintf(sd, sizeof(sd), "%s/state", dir);
	setenv("JAIL_STATEDIR", sd, 1);
	T_INT(jail_registry_open(&r, &e), 0, "a fresh state directory is made and opened");
	T_OK(stat(sd, &(struct stat){0}) == 0, "it exists");
	put_state(5, "{\"jid\":5,\"name\":\"www\",\"cgroup_leaf\":\"jail.www.0badc0de\",\"cgroups\":["
		     "{\"path\":\"/sys/fs/cgroup/pids/jail.www.0badc0de\",\"controllers\":\"pids\"},"
		     "{\"path\":\"/sys/fs/cgroup/pids\",\"controllers\":\"pids\"},"
		     "{\"path\":\"/sys/fs/cgroup/pids/../../../etc\",\"controllers\":\"pids\"},"
		     "{\"path\":\"/sys/fs/cgroup/memory/jail.www.0badc0de\",\"controllers\":\"memory\"}]}");
	T_INT(jail_registry_load(&r, 5, &st, &e), 0, "a state with bad cgroup paths loads");
	T_INT(st.cg.n, 2, "only the two paths of the jail's own leaf are kept");
	T_STR(st.cg.d[1].path, "/sys/fs/cgroup/memory/jail.www.0badc0de", "in order");
	jail_state_free(&st);
	put_state(6, "{\"jid\":6,\"name\":\"www\",\"cgroup_leaf\":\"jail.other\",\"cgroups\":["
		     "{\"path\":\"/sys/fs/cgroup/pids/jail.other\",\"controllers\":\"pids\"}]}");
	T_INT(jail_registry_load(&r, 6, &st, &e), 0, "a state whose leaf is not its name's");
	T_INT(st.cg.n, 0, "has no cgroups believed");
	jail_state_free(&st);

	char f[2 * PATH_MAX + 128];
	snprintf(f, sizeof(f), "%s/5.json", sd);
	chmod(f, 0620);
	T_INT(jail_registry_load(&r, 5, &st, &e), -EPERM, "a group-writable state file is refused");
	T_OK(strstr(e.msg, "5.json: writable by group or others (mode 0620); refusing") != NULL, "%s", e.msg);
	chmod(f, 0600);
	if (geteuid() == 0) {
		T_INT(chown(f, 65534, 65534), 0, "chown to nobody");
		T_INT(jail_registry_load(&r, 5, &st, &e), -EPERM, "a state file of another user is refused");
		T_OK(strstr(e.msg, "5.json: owned by uid 65534; refusing") != NULL, "%s", e.msg);
	} else {
		skip("not root: a state file of another user");
	}
	jail_registry_close(&r);

	chmod(sd, 0770);
	T_INT(jail_registry_open(&r, &e), -EPERM, "a group-writable state directory is refused");
	snprintf(f, sizeof(f), "state directory %s: writable by group or others (mode 0770); refusing", sd);
	T_STR(e.msg, f, "its message");
	T_INT(r.dirfd, -1, "and not kept open");
	chmod(sd, 0700);
	if (geteuid() == 0) {
		T_INT(chown(dir, 65534, 65534), 0, "the parent given to nobody");
		T_INT(jail_registry_open(&r, &e), -EPERM, "a parent of another user is refused");
		snprintf(f, sizeof(f), "state directory %s: parent %s: owned by uid 65534; refusing", sd,
			 dir);
		T_STR(e.msg, f, "its message");
		T_INT(chown(dir, 0, 0), 0, "and back to root");
	} else {
		skip("not root: a parent of another user");
	}
	unsetenv("JAIL_STATEDIR");
}

static void test_init(void)
{
	int sync[2];
	pid_t pid;

	T_OK(!jail_state_init_is_jail(1), "the host's init is no jail's init");
	T_OK(!jail_state_init_is_jail(getpid()), "nor is a host process");
	T_OK(!jail_state_init_is_jail(0) && !jail_state_init_is_jail(-1), "nor pid 0 or -1");
	if (geteuid() != 0 || unshare(CLONE_NEWPID) < 0) {
		skip("no new PID namespace (not root)");
		return;
	}
	if (pipe(sync) < 0)
		return;
	pid = fork(); /* PID 1 of the new namespace, like a jail's init */
	if (pid == 0) {
		char c;

		close(sync[1]);
		if (read(sync[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(sync[0]);
	T_OK(pid > 0 && jail_state_init_is_jail(pid), "PID 1 of a namespace below ours is");
	close(sync[1]);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	struct jail_err e = {0};

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_cgroup_paths();
	test_load();
	test_init();
	rootfs_rm_tree(AT_FDCWD, dir, &e);
	T_DONE();
}
