/*
 * Unit tests for the runtime half of lib/oci: seccomp filters compiled from
 * OCI JSON and loaded in a forked child (a denied call returns the errno the
 * config names, a kill action kills), the state directory (write, read,
 * list, a dead init reads as stopped, ids, locking), the console socket (the
 * fd and payload arrive) and the hooks runner (stdin, env, args, timeout,
 * fatal and warning kinds), container ids as jail names and a container's
 * ids on the host. No root needed.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "core/container.h"
#include "core/rootfs.h"
#include "core/util.h"
#include "jail/oci.h"
#include "t.h"

static char tmp[] = "/tmp/test_oci_rt.XXXXXX";

/* Compile json, load it in a child, run probe there; the child exits with
 * the probe's result (errno or 0), or dies by a signal. Returns the wait
 * status, or -1 when compiling failed. */
static int in_filtered_child(const char *json, int (*probe)(void), struct oci_bpf *out_bpf)
{
	struct oci_seccomp s;
	struct oci_bpf b;
	struct jail_err e = {0};
	int status = 0;
	pid_t pid;

	if (oci_seccomp_parse_text(json, strlen(json), &s, &e) < 0 || oci_seccomp_compile(&s, &b, &e) < 0) {
		printf("# %s\n", e.msg);
		oci_seccomp_free(&s);
		return -1;
	}
	oci_seccomp_free(&s);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (oci_seccomp_load(&b, &e) < 0)
			_exit(200);
		_exit(probe());
	}
	waitpid(pid, &status, 0);
	if (out_bpf)
		*out_bpf = b;
	else
		oci_bpf_free(&b);
	return status;
}

static int probe_mkdir(void)
{
	return mkdir("/nonexistent-dir/x", 0700) < 0 ? errno : 0;
}
static int probe_getppid_raw(void)
{
	errno = 0;
	return syscall(SYS_getppid) < 0 ? errno : 0;
}
static int probe_dup(void)
{
	/* dup(1000) is filtered by value; dup(0) is not. */
	int a = (int)syscall(SYS_dup, 1000) < 0 ? errno : 0;
	int b = (int)syscall(SYS_dup, 0) >= 0 ? 0 : 1;
	return a * 2 + b;
}
static int probe_umask_masked(void)
{
	/* umask(0755): MASKED_EQ mask 0700 == 0700 is denied; umask(022) is not. */
	int a = (int)syscall(SYS_umask, 0755) < 0 ? errno : 0;
	int b = (int)syscall(SYS_umask, 022) < 0 ? 1 : 0;
	return a * 2 + b;
}
static int probe_lt(void)
{
	/* setpgid(pid, 5): arg1 LT 10 denied; arg1 GE 10 allowed by the default. */
	int a = (int)syscall(SYS_setpgid, 0, 5) < 0 ? errno : 0;
	return a;
}

static void test_seccomp(void)
{
	int st;

	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
		"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18}]}",
		probe_mkdir, NULL);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == EXDEV,
	     "SCMP_ACT_ERRNO errnoRet 18: mkdir fails with EXDEV (status %d)", st);
	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
		"\"action\":\"SCMP_ACT_ERRNO\"}]}",
		probe_mkdir, NULL);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == EPERM, "SCMP_ACT_ERRNO without errnoRet: EPERM");
	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":"
		"[\"exit_group\",\"exit\",\"prctl\",\"seccomp\",\"write\",\"mmap\",\"munmap\","
		"\"madvise\",\"rt_sigprocmask\",\"rt_sigaction\",\"sigaltstack\",\"futex\",\"close\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"}]}",
		probe_getppid_raw, NULL);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == ENOSYS,
	     "defaultErrnoRet 38: unlisted call fails with ENOSYS");
	st = in_filtered_child("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
			       "\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}",
			       probe_getppid_raw, NULL);
	T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "SCMP_ACT_KILL_PROCESS kills with SIGSYS");
	st = in_filtered_child("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
			       "\"action\":\"SCMP_ACT_KILL\"}]}",
			       probe_getppid_raw, NULL);
	T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "SCMP_ACT_KILL kills the (only) thread");
	st = in_filtered_child("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
			       "\"action\":\"SCMP_ACT_TRAP\"}]}",
			       probe_getppid_raw, NULL);
	T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "SCMP_ACT_TRAP raises SIGSYS");
	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
		"\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_LOG\"}]}",
		probe_getppid_raw, NULL);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "SCMP_ACT_LOG allows (with SECCOMP_FILTER_FLAG_LOG)");
	/* Without a tracer, SECCOMP_RET_TRACE fails the call with ENOSYS. */
	st = in_filtered_child("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
			       "\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":5}]}",
			       probe_getppid_raw, NULL);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == ENOSYS, "SCMP_ACT_TRACE without a tracer: ENOSYS");
	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"dup\"],"
		"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":25,\"args\":[{\"index\":0,\"value\":1000,"
		"\"op\":\"SCMP_CMP_EQ\"}]}]}",
		probe_dup, NULL);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == ENOTTY * 2,
	     "SCMP_CMP_EQ on arg 0: only dup(1000) denied (%d)", WEXITSTATUS(st));
	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"dup\"],"
		"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":25,\"args\":[{\"index\":0,\"value\":999,"
		"\"op\":\"SCMP_CMP_GT\"}]}]}",
		probe_dup, NULL);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == ENOTTY * 2, "SCMP_CMP_GT");
	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"dup\"],"
		"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":25,\"args\":[{\"index\":0,\"value\":1000,"
		"\"op\":\"SCMP_CMP_GE\"},{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_NE\"},{\"index\":0,"
		"\"value\":1001,\"op\":\"SCMP_CMP_LE\"}]}]}",
		probe_dup, NULL);
	/* Same index repeated: rules are ORed (Docker's profiles rely on it),
	 * so NE 0 denies dup(1000) as GE does, and dup(0) stays allowed only by
	 * none: LE 1001 matches 0. */
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == ENOTTY * 2 + 1, "GE/NE/LE on one index become ORed rules");
	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],"
		"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":[{\"index\":0,\"value\":448,"
		"\"valueTwo\":448,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
		probe_umask_masked, NULL);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == EACCES * 2,
	     "SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the datum");
	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"setpgid\"],"
		"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7,\"args\":[{\"index\":1,\"value\":10,"
		"\"op\":\"SCMP_CMP_LT\"}]}]}",
		probe_lt, NULL);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == E2BIG, "SCMP_CMP_LT on arg 1");

	struct oci_bpf b = {0};
	st = in_filtered_child(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
		"\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":[{\"names\":[\"getppid\",\"not_a_call\","
		"\"socketcall\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},{\"names\":[\"read\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"}]}",
		probe_getppid_raw, &b);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == EPERM, "three architectures, one filter");
	T_OK(b.len > 10 && b.unknown_syscalls == 1, "unknown syscall name skipped and counted (%zu)",
	     b.unknown_syscalls);
	oci_bpf_free(&b);

	/* Every name the features list advertises is accepted. */
	for (int i = 0; oci_seccomp_arch_names[i]; i++) {
		char json[256];
		struct oci_seccomp s;
		struct jail_err e = {0};
		struct oci_bpf bb;
		int r;

		snprintf(json, sizeof(json),
			 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"%s\"],"
			 "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
			 oci_seccomp_arch_names[i]);
		r = oci_seccomp_parse_text(json, strlen(json), &s, &e);
		if (r == 0)
			r = oci_seccomp_compile(&s, &bb, &e);
		T_OK(r == 0, "arch %s compiles (%s)", oci_seccomp_arch_names[i], e.msg);
		if (r == 0)
			oci_bpf_free(&bb);
		oci_seccomp_free(&s);
	}
	T_OK(oci_seccomp_flag_supported(SECCOMP_FILTER_FLAG_LOG), "kernel knows SECCOMP_FILTER_FLAG_LOG");
	T_OK(!oci_seccomp_flag_supported(1U << 30), "kernel refuses an unknown flag");
}

static struct {
	char ids[4][16];
	int n;
} seen;

static int list_cb(void *arg, const char *id)
{
	if (seen.n < 4)
		snprintf(seen.ids[seen.n++], 16, "%s", id);
	(*(int *)arg)++;
	return 0;
}

static void test_state(void)
{
	struct jail_err e = {0};
	struct oci_state s = {0}, r = {0};
	char *annos[] = {"a", "1", "b", "2", NULL};
	int rootfd, lock, n = 0;
	pid_t dead;
	char root[512];

	snprintf(root, sizeof(root), "%s/state/sub", tmp);
	rootfd = oci_root_open(root, true, &e);
	T_OK(rootfd >= 0, "--root made with parents (%s)", e.msg);
	T_OK(oci_id_valid("web-1_a.b+c", &e) == 0, "id with -_.+ is valid");
	T_OK(oci_id_valid("../x", &e) < 0 && strstr(e.msg, "invalid container id"), "id with / refused");
	T_OK(oci_id_valid("..", &e) < 0, "id .. refused");
	T_OK(oci_id_valid("", &e) < 0, "empty id refused");
	lock = oci_state_lock(rootfd, "c1", true, &e);
	T_OK(lock >= 0, "create c1 and lock it");
	T_OK(oci_state_lock(rootfd, "c1", true, &e) == -EEXIST && strstr(e.msg, "already exists"),
	     "c1 twice: exists");
	snprintf(s.id, sizeof(s.id), "c1");
	s.status = OCI_CREATED;
	s.pid = getpid();
	s.pid_start = proc_starttime(getpid());
	s.bundle = "/b";
	s.rootfs = "/b/rootfs";
	s.owner = "root";
	s.annotations = annos;
	s.n_annotations = 2;
	s.jid = 7;
	oci_time_now(s.created, sizeof(s.created));
	T_INT(oci_state_write(rootfd, &s, &e), 0, "state written (%s)", e.msg);
	T_INT(oci_state_read(rootfd, "c1", &r, &e), 0, "state read");
	T_OK(r.status == OCI_CREATED && r.pid == getpid() && r.jid == 7 && !strcmp(r.rootfs, "/b/rootfs") &&
		     r.n_annotations == 2 && !strcmp(r.annotations[3], "2"),
	     "state round trip");
	T_OK(strlen(r.created) == 30 && r.created[10] == 'T' && r.created[29] == 'Z',
	     "created is RFC 3339 (%s)", r.created);
	char *j = oci_state_json(&r, false);
	json_t *jj = json_loads(j, 0, NULL);
	T_OK(jj && !strcmp(json_string_value(json_object_get(jj, "status")), "created") &&
		     json_integer_value(json_object_get(jj, "pid")) == getpid() &&
		     !strcmp(json_string_value(json_object_get(jj, "ociVersion")), OCI_VERSION) &&
		     json_object_get(jj, "bundle") && json_object_get(jj, "annotations") &&
		     !json_object_get(jj, "jail"),
	     "state JSON has the spec's keys and not the private ones: %s", j);
	json_decref(jj);
	free(j);
	oci_state_free(&r);

	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	s.pid = dead;
	snprintf(s.id, sizeof(s.id), "c2");
	close(oci_state_lock(rootfd, "c2", true, &e));
	oci_state_write(rootfd, &s, &e);
	oci_state_read(rootfd, "c2", &r, &e);
	T_OK(r.status == OCI_STOPPED, "an init that exited reads as stopped");
	j = oci_state_json(&r, false);
	T_OK(strstr(j, "\"pid\":0"), "stopped state shows pid 0");
	free(j);
	oci_state_free(&r);
	T_OK(oci_state_read(rootfd, "nope", &r, &e) == -ENOENT &&
		     !strcmp(e.msg, "container nope does not exist"),
	     "missing container: '%s'", e.msg);

	mkdirat(rootfd, "junk", 0700); /* no state.json: not listed */
	T_INT(oci_state_list(rootfd, list_cb, &n, &e), 0, "list");
	T_OK(n == 2 && !strcmp(seen.ids[0], "c1") && !strcmp(seen.ids[1], "c2"),
	     "list is sorted and skips junk");
	T_INT(oci_state_remove(rootfd, "c1", &e), 0, "remove");
	T_OK(faccessat(rootfd, "c1", F_OK, 0) < 0, "c1 gone");
	close(lock);
	close(rootfd);
}

static void test_console(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct jail_err e = {0};
	int ls, cs, m, s, got = -1;
	char buf[256] = "";
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {buf, sizeof(buf) - 1};
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b)};
	struct stat a, b;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/console.sock", tmp);
	ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	T_OK(bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(ls, 1) == 0,
	     "console socket listening");
	T_INT(oci_pty_open(-1, &m, &s, &e), 0, "pty pair (%s)", e.msg);
	T_INT(oci_console_send(sa.sun_path, m, "ctr-1", &e), 0, "pty master sent (%s)", e.msg);
	cs = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (recvmsg(cs, &msg, MSG_CMSG_CLOEXEC) > 0 && CMSG_FIRSTHDR(&msg))
		memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	T_STR(buf, "{\"type\":\"terminal\",\"container\":\"ctr-1\"}", "payload as runtime-tools reads it");
	T_OK(got >= 0 && fstat(got, &a) == 0 && fstat(m, &b) == 0 && a.st_rdev == b.st_rdev &&
		     a.st_ino == b.st_ino,
	     "the received fd is the pty master");
	T_OK(write(got, "x\n", 2) == 2 && read(s, buf, sizeof(buf)) > 0 && buf[0] == 'x',
	     "and it reaches the slave");
	T_OK(oci_console_send("/nonexistent/sock", m, "c", &e) < 0 &&
		     strstr(e.msg, "--console-socket /nonexistent/sock"),
	     "a missing socket is an error naming it");
	close(got);
	close(cs);
	close(ls);
	close(m);
	close(s);
}

static char warned[512];
static void on_warn(void *arg, const char *msg)
{
	(void)arg;
	snprintf(warned, sizeof(warned), "%s", msg);
}

static void test_hooks(void)
{
	char out[512], cmd[700], got[512] = "";
	char *args[] = {"sh", "-c", cmd, NULL};
	char *env[] = {"HOOKVAR=42", NULL};
	struct oci_hook h[2] = {{.path = "/bin/sh", .args = args, .env = env}, {.path = "/bin/false"}};
	struct oci_hook_list l = {h, 1};
	struct jail_err e = {0};
	int fd, r;
	ssize_t n;

	snprintf(out, sizeof(out), "%s/hook.out", tmp);
	snprintf(cmd, sizeof(cmd), "{ cat; echo; echo \"$HOOKVAR $0 $#\"; env | wc -l; } > %s", out);
	r = oci_hooks_run(&l, OCI_HOOK_CREATE_RUNTIME, "{\"id\":\"x\"}", NULL, NULL, &e);
	T_INT(r, 0, "hook ran (%s)", e.msg);
	fd = open(out, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, got, sizeof(got) - 1) : -1;
	got[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	/* env: HOOKVAR plus what sh itself adds (PWD, SHLVL, _) */
	T_OK(!strncmp(got, "{\"id\":\"x\"}\n42 sh 0\n", 19), "state on stdin, env and args as given");

	l.n = 2;
	h[0].path = "/bin/true";
	h[0].args = NULL;
	r = oci_hooks_run(&l, OCI_HOOK_PRESTART, "{}", NULL, NULL, &e);
	T_OK(r < 0 && !strcmp(e.msg, "prestart hook /bin/false: exited with status 1"),
	     "fatal kind fails: '%s'", e.msg);
	warned[0] = '\0';
	r = oci_hooks_run(&l, OCI_HOOK_POSTSTOP, "{}", on_warn, NULL, &e);
	T_OK(r == 0 && !strcmp(warned, "poststop hook /bin/false: exited with status 1"),
	     "poststop failure is a warning");

	char *sleep_args[] = {"sleep", "10", NULL};
	struct oci_hook slow = {.path = "/bin/sleep", .args = sleep_args, .timeout = 1};
	struct oci_hook_list sl = {&slow, 1};
	time_t t0 = time(NULL);
	r = oci_hooks_run(&sl, OCI_HOOK_START_CONTAINER, "{}", NULL, NULL, &e);
	T_OK(r == -ETIMEDOUT && strstr(e.msg, "timed out after 1 s") && time(NULL) - t0 < 5,
	     "timeout kills the hook");
	struct oci_hook missing = {.path = "/nonexistent/hook"};
	struct oci_hook_list ml = {&missing, 1};
	r = oci_hooks_run(&ml, OCI_HOOK_CREATE_CONTAINER, "{}", NULL, NULL, &e);
	T_OK(r < 0 && strstr(e.msg, "could not be run"), "a hook that cannot run fails");
	/* A hook that never reads stdin must not kill the runtime with SIGPIPE. */
	char big[200000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	h[0].path = "/bin/true";
	l.n = 1;
	T_INT(oci_hooks_run(&l, OCI_HOOK_POSTSTART, big, NULL, NULL, &e), 0, "unread stdin is fine");
}

/* Container ids as jail names, and a container's ids on the host (core/container.c). */
static void test_names_and_ids(void)
{
	struct oci_config c = {0};
	struct jail_container ct = {.cfg = &c};
	struct oci_idmap m[2] = {{0, 100000, 1000}, {1000, 300000, 64536}};
	struct jail_err e = {0};
	char name[OCI_ID_MAX + 1], map[256];

	for (int i = 0; i < OCI_NS__COUNT; i++)
		ct.nsfd[i] = -1;
	T_INT(oci_jail_name("web.1.a", name, sizeof(name), &e), 0, "an id with dots is a jail name");
	T_STR(name, "web:1:a", "each '.' becomes ':'");
	T_INT(oci_jail_name("12345", name, sizeof(name), &e), -EINVAL, "an all-digit id is refused");
	T_OK(strstr(e.msg, "JID") != NULL, "saying why: %s", e.msg);
	T_INT(oci_jail_name("a/b", name, sizeof(name), &e), -EINVAL, "an id the spec refuses is refused");
	/* No user namespace of its own: the jail's range. */
	T_OK(!jail_container_own_ids(&ct), "no user namespace: the jail's private range");
	T_INT((long long)jail_container_hostid(&ct, 0x40000000, 5, true), 0x40000005, "gid 5 is base + 5");
	jail_container_map(&ct, 0x40000000, false, map, sizeof(map));
	T_STR(map, "0 1073741824 65536\n", "the map is the range");
	/* A user namespace without mappings is still the jail's range. */
	c.linux_.ns[OCI_NS_USER].present = true;
	T_OK(!jail_container_own_ids(&ct), "a user namespace without mappings: the jail's range");
	/* With mappings: those, exactly. */
	c.linux_.uid_map = c.linux_.gid_map = m;
	c.linux_.n_uid_map = c.linux_.n_gid_map = 2;
	T_OK(jail_container_own_ids(&ct), "uidMappings: the container's own ids");
	T_INT((long long)jail_container_hostid(&ct, 0x40000000, 0, false), 100000, "uid 0 by the first line");
	T_INT((long long)jail_container_hostid(&ct, 0x40000000, 1500, false), 300500,
	      "uid 1500 by the second");
	T_INT((long long)jail_container_hostid(&ct, 0x40000000, 70000, false), 65534,
	      "an unmapped id is the overflow id");
	jail_container_map(&ct, 0x40000000, true, map, sizeof(map));
	T_STR(map, "0 100000 1000\n1000 300000 64536\n", "gid_map as given");
}

int main(void)
{
	struct jail_err e = {0};

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_seccomp();
	test_state();
	test_console();
	test_hooks();
	test_names_and_ids();
	rootfs_rm_tree(AT_FDCWD, tmp, &e);
	T_DONE();
}
