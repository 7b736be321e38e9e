/*
 * Unit tests for lib/oci's config.json reader: the configs `crun spec` and
 * `runc spec` write, a config using every field, the configs the
 * runtime-tools validation suite generates (tests/unit/oci/rt/, when
 * present), and one broken config per rule, each failing with the JSON
 * field named. Runs from the repository top (make check does).
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <unistd.h>

#include "jail/oci.h"
#include "t.h"

#define FIX "tests/unit/oci"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static int parse_file(const char *path, const struct oci_parse_opts *o, struct oci_config *c,
		      struct jail_err *e)
{
	size_t len = 0;
	char *s = slurp(path, &len);
	int r;

	if (!s)
		return jail_err_sys(e, -errno, "%s", path);
	r = oci_config_parse(s, len, o, c, e);
	free(s);
	return r;
}

/* Parse text, expect failure and a message starting with want. */
static void refuses(const char *json, const char *want, const char *what)
{
	struct oci_config c;
	struct jail_err e = {0};
	struct oci_parse_opts o = {0};
	int r = oci_config_parse(json, strlen(json), &o, &c, &e);

	T_OK(r < 0 && !strncmp(e.msg, want, strlen(want)), "refused: %s", what);
	if (r >= 0 || strncmp(e.msg, want, strlen(want)))
		printf("#   got r=%d '%s', want '%s...'\n", r, e.msg, want);
}

#define BASE   "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}"
#define PROC   "\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],\"cwd\":\"/\""
#define LINUX0 "\"linux\":{"

static void test_specs(void)
{
	static const char *const files[] = {"crun-spec.json", "crun-spec-rootless.json", "runc-spec.json",
					    "runc-spec-rootless.json"};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[256];
		struct oci_config c;
		struct jail_err e = {0};
		int r;

		snprintf(path, sizeof(path), FIX "/%s", files[i]);
		r = parse_file(path, NULL, &c, &e);
		T_INT(r, 0, "%s parses (%s)", files[i], e.msg);
		if (r < 0)
			continue;
		T_STR(c.root_path, "rootfs", "%s: root.path", files[i]);
		T_OK(c.root_readonly, "%s: root.readonly", files[i]);
		T_OK(c.has_process && c.process.n_args == 1 && !strcmp(c.process.args[0], "sh"), "%s: args",
		     files[i]);
		T_OK(c.process.no_new_privileges, "%s: noNewPrivileges", files[i]);
		T_OK(c.process.caps.bounding & (1ULL << 5), "%s: CAP_KILL bounding", files[i]);
		T_OK(c.linux_.ns[OCI_NS_PID].present && c.linux_.ns[OCI_NS_MNT].present, "%s: pid+mount ns",
		     files[i]);
		T_OK(c.linux_.n_masked_paths > 5 && c.linux_.n_readonly_paths >= 5, "%s: masked/readonly",
		     files[i]);
		T_OK(c.n_mounts >= 5, "%s: %zu mounts", files[i], c.n_mounts);
		oci_config_free(&c);
	}
}

static struct oci_mount *mount_at(struct oci_config *c, const char *dst)
{
	for (size_t i = 0; i < c->n_mounts; i++)
		if (!strcmp(c->mounts[i].destination, dst))
			return &c->mounts[i];
	return NULL;
}

static void test_full_process(struct oci_config *c)
{
	struct oci_process *p = &c->process;

	T_OK(p->terminal && p->has_console_size && p->console_height == 25 && p->console_width == 80,
	     "terminal");
	T_OK(p->uid == 1000 && p->gid == 1000 && p->has_umask && p->umask == 022, "user uid/gid/umask");
	T_OK(p->n_additional_gids == 3 && p->additional_gids[2] == 4294967294u, "additionalGids");
	T_OK(p->n_args == 3 && !p->args[3] && !strcmp(p->args[2], "echo hi"), "args NULL-terminated");
	T_OK(p->n_env == 3 && !strcmp(p->env[2], "EMPTY="), "env");
	T_STR(p->cwd, "/home/user", "cwd");
	T_OK(p->caps.set && p->caps.bounding == ((1ULL << 0) | (1ULL << 5) | (1ULL << 40)), "bounding set");
	T_OK(p->caps.effective == 1ULL << 5 && p->caps.inheritable == 0 && p->caps.ambient == 1ULL << 5,
	     "other sets");
	T_OK(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE && p->rlimits[0].soft == 1024 &&
		     p->rlimits[0].hard == 4096,
	     "rlimit NOFILE");
	T_OK(p->rlimits[1].resource == RLIMIT_CORE && p->rlimits[1].hard == UINT64_MAX,
	     "rlimit 2^64-1 survives jansson");
	T_OK(p->no_new_privileges && p->has_oom_score_adj && p->oom_score_adj == -500, "nnp, oomScoreAdj");
	T_OK(p->sched.set && p->sched.policy == SCHED_BATCH && p->sched.nice == 5 && p->sched.flags == 1,
	     "scheduler");
	T_OK(p->has_io_priority && p->io_class == 2 && p->io_priority == 4, "ioPriority");
	T_STR(p->cpu_affinity_final, "0-1", "execCPUAffinity");
}

static void test_full_mounts(struct oci_config *c)
{
	struct oci_mount *m;

	m = mount_at(c, "/dev");
	T_OK(m && m->flags == (MS_NOSUID | MS_STRICTATIME) && m->data &&
		     !strcmp(m->data, "mode=755,size=65536k"),
	     "/dev: flags and data");
	m = mount_at(c, "/data");
	T_OK(m && m->bind && (m->flags & (MS_BIND | MS_REC)) == (MS_BIND | MS_REC), "/data: rbind");
	T_OK(m && m->rattr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID) &&
		     m->propagation == (MS_SLAVE | MS_REC),
	     "/data: rro rnosuid rslave");
	T_OK(m && m->idmap && m->n_uid_map == 1 && m->uid_map[0].host_id == 100000, "/data: idmap ranges");
	T_OK(m && !m->data, "/data: no fs data");
	m = mount_at(c, "/tmp");
	T_OK(m && m->tmpcopyup && (m->clear & MS_RDONLY) && (m->flags & MS_NODEV) &&
		     m->propagation == MS_PRIVATE,
	     "/tmp: tmpcopyup, rw clears ro, private");
	T_OK(m && m->rattr_set == MOUNT_ATTR_NOATIME && m->rattr_clr == MOUNT_ATTR__ATIME, "/tmp: rnoatime");
	m = mount_at(c, "run");
	T_OK(m && (m->flags & MS_REMOUNT) && !(m->flags & MS_RDONLY) && (m->clear & MS_RDONLY) &&
		     !(m->flags & MS_NOEXEC) && (m->clear & MS_NOEXEC),
	     "relative destination; later options win");
}

static void test_full_linux(struct oci_config *c)
{
	struct oci_linux *l = &c->linux_;
	struct oci_resources *r = &l->res;

	T_OK(l->ns[OCI_NS_NET].present && l->ns[OCI_NS_NET].path &&
		     !strcmp(l->ns[OCI_NS_NET].path, "/var/run/netns/pod1"),
	     "network namespace join by path");
	T_OK(l->ns[OCI_NS_TIME].present && !l->ns[OCI_NS_TIME].path, "new time namespace");
	T_OK(l->time_offsets[0].set && l->time_offsets[0].secs == 3600 && l->time_offsets[0].nanosecs == 5 &&
		     l->time_offsets[1].secs == -60,
	     "timeOffsets");
	T_OK(l->n_uid_map == 1 && l->uid_map[0].host_id == 200000 && l->gid_map[0].size == 65536, "id maps");
	T_OK(l->n_sysctl == 2, "sysctl");
	T_OK(l->n_devices == 2 && l->devices[0].type == 'c' && l->devices[0].major == 10 &&
		     l->devices[0].mode == 0666 && l->devices[1].type == 'p',
	     "devices");
	T_OK(r->set && r->n_devices == 2 && !r->devices[0].allow && r->devices[0].type == 'a' &&
		     r->devices[0].major == -1 && !strcmp(r->devices[1].access, "rw"),
	     "device rules");
	T_OK(r->memory.limit.v == 536870912 && r->memory.swap.v == -1 && r->memory.kernel.set &&
		     r->memory.swappiness.set && r->memory.swappiness.v == 0 &&
		     r->memory.has_check_before_update,
	     "memory");
	T_OK(r->cpu.shares.v == 1024 && r->cpu.quota.v == 50000 && r->cpu.burst.v == 1000 &&
		     !strcmp(r->cpu.cpus, "0-1") && r->cpu.idle.set,
	     "cpu");
	T_OK(r->pids_limit.set && r->pids_limit.v == 64, "pids");
	T_OK(r->blkio.weight.v == 500 && r->blkio.n_weight_device == 1 &&
		     r->blkio.weight_device[0].weight.v == 600 && r->blkio.n_write_iops == 1 &&
		     r->blkio.write_iops[0].rate == 200,
	     "blockIO");
	T_OK(r->n_hugepages == 1 && !strcmp(r->hugepages[0].page_size, "2MB"), "hugepageLimits");
	T_OK(r->network.class_id.v == 1048577 && r->network.n_priorities == 1, "network");
	T_OK(r->n_unified == 2, "unified");
	T_OK(l->cgroups_path.systemd && !strcmp(l->cgroups_path.path, "machine.slice/libpod-abc123.scope"),
	     "cgroupsPath systemd form (got %s)", l->cgroups_path.path);
	T_OK(l->rootfs_propagation == (MS_SLAVE | MS_REC), "rootfsPropagation");
	T_OK(l->n_masked_paths == 2 && l->n_readonly_paths == 2 && !l->masked_paths[2], "masked/readonly");
	T_OK(l->has_personality && l->personality == PER_LINUX32, "personality");
	T_OK(l->seccomp.set && l->seccomp.default_action == OCI_SCMP_ERRNO && l->seccomp.default_errno == 38,
	     "seccomp default");
	T_OK(l->seccomp.n_archs == 3 && l->seccomp.n_rules == 6 &&
		     l->seccomp.rules[2].args[0].op == OCI_SCMP_CMP_MASKED_EQ,
	     "seccomp rules");
	T_OK(l->seccomp.flags == (2 | 4), "seccomp flags LOG|SPEC_ALLOW");
}

static void test_full(void)
{
	struct oci_config c;
	struct jail_err e = {0};
	struct oci_parse_opts o = {.systemd_cgroup = true};
	int r = parse_file(FIX "/full.json", &o, &c, &e);

	T_INT(r, 0, "full.json parses (%s)", e.msg);
	if (r < 0)
		return;
	T_STR(c.oci_version, "1.2.0", "ociVersion");
	T_OK(c.hostname && !strcmp(c.domainname, "example.org"), "hostname, domainname");
	T_OK(c.n_annotations == 2, "annotations");
	T_OK(c.hooks[OCI_HOOK_POSTSTART].n == 2 && c.hooks[OCI_HOOK_CREATE_RUNTIME].v[0].timeout == 5 &&
		     !strcmp(c.hooks[OCI_HOOK_CREATE_RUNTIME].v[0].args[2], "cat") &&
		     !strcmp(c.hooks[OCI_HOOK_CREATE_RUNTIME].v[0].env[0], "A=1"),
	     "all six hook kinds");
	for (int k = 0; k < OCI_HOOK__COUNT; k++)
		T_OK(c.hooks[k].n >= 1, "hooks.%s", oci_hook_kind_name(k));
	test_full_process(&c);
	test_full_mounts(&c);
	test_full_linux(&c);
	oci_config_free(&c);
}

/* The configs the runtime-tools suite generates, captured by
 * tests/unit/oci/capture.sh: each must parse, or fail with a field named. */
static void test_runtime_tools(void)
{
	DIR *d = opendir(FIX "/rt");
	struct dirent *de;
	int n = 0, ok = 0;

	if (!d) {
		printf("ok %d - # SKIP no captured runtime-tools configs in " FIX "/rt\n", ++t_n);
		return;
	}
	while ((de = readdir(d))) {
		char path[512];
		struct oci_config c;
		struct jail_err e = {0};

		if (!strstr(de->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), FIX "/rt/%s", de->d_name);
		n++;
		/* The suite's *_fail tests and misc_props expect a refusal;
		 * apparmor is refused by design, an SELinux mount label where SELinux runs. */
		static const char *const refused[] = {"process_capabilities_fail-", "process_rlimits_fail-",
						      "misc_props-2", "linux_process_apparmor_profile-"};
		bool want_refusal = false;

		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
			want_refusal |= !strncmp(de->d_name, refused[i], strlen(refused[i]));
		if (!strncmp(de->d_name, "linux_mount_label-", 18))
			want_refusal = access("/sys/fs/selinux/enforce", F_OK) == 0;
		if (parse_file(path, NULL, &c, &e) == 0) {
			ok++;
			oci_config_free(&c);
			T_OK(!want_refusal, "%s parses", de->d_name);
		} else {
			T_OK(want_refusal && strchr(e.msg, ':'), "%s refused naming the field: %s",
			     de->d_name, e.msg);
		}
	}
	closedir(d);
	T_OK(n > 0 && ok > 0, "runtime-tools configs: %d of %d parse", ok, n);
}

static void test_refusals(void)
{
	refuses("{\"ociVersion\":\"2.0.0\",\"root\":{\"path\":\"r\"}}", "ociVersion: '2.0.0'",
		"ociVersion 2");
	refuses("{\"root\":{\"path\":\"r\"}}", "ociVersion: missing", "no ociVersion");
	refuses("{\"ociVersion\":\"1.0.0\"}", "root: missing", "no root");
	refuses("[1]", "not a JSON object", "array");
	refuses("{\"ociVersion\":\"1.0.0\",", "line 1", "syntax error names a line");
	refuses(BASE "," PROC ",\"apparmorProfile\":\"docker-default\"}}",
		"process.apparmorProfile: not supported: ", "apparmorProfile");
	refuses(BASE "," PROC ",\"selinuxLabel\":\"system_u:system_r:svirt_lxc_net_t:s0\"}}",
		"process.selinuxLabel: not supported", "selinuxLabel");
	refuses(BASE "," PROC ",\"capabilities\":{\"bounding\":[\"CAP_FOO\"]}}}",
		"process.capabilities.bounding[0]: unknown capability 'CAP_FOO'", "unknown capability");
	refuses(BASE "," PROC ",\"rlimits\":[{\"type\":\"RLIMIT_TEST\",\"soft\":1,\"hard\":1}]}}",
		"process.rlimits[0].type: unknown resource", "unknown rlimit");
	refuses(BASE "," PROC ",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":1}]}}",
		"process.rlimits[0]: soft limit", "soft above hard");
	refuses(BASE "," PROC ",\"oomScoreAdj\":1001}}", "process.oomScoreAdj: 1001 out of range",
		"oomScoreAdj range");
	refuses(BASE ",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[],\"cwd\":\"/\"}}",
		"process.args", "empty args");
	refuses(BASE ",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"cwd\":\"tmp\"}}",
		"process.cwd: 'tmp': must be an absolute path", "relative cwd");
	refuses(BASE "," PROC ",\"env\":[\"NOEQUALS\"]}}", "process.env[0]: 'NOEQUALS'", "env without =");
	refuses(BASE ",\"process\":{\"user\":{\"uid\":\"0\",\"gid\":0},\"args\":[\"a\"],\"cwd\":\"/\"}}",
		"process.user.uid: must be an integer", "uid type");
	refuses(BASE ",\"hostname\":\"h\"}", "hostname: needs a uts namespace", "hostname without uts");
	refuses(BASE ",\"hooks\":{\"prestart\":[{\"path\":\"rel\"}]}}",
		"hooks.prestart[0].path: 'rel': must be absolute", "relative hook path");
	refuses(BASE ",\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":0}]}}",
		"hooks.poststop[0].timeout: 0", "hook timeout 0");
	refuses(BASE ",\"mounts\":[{\"type\":\"tmpfs\"}]}", "mounts[0].destination: missing",
		"mount without destination");
	refuses(BASE ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/"
		     "y\",\"options\":[\"idmap=uids=0-1-2\"]}]}",
		"mounts[0].options[0]: not supported", "crun idmap= form");
	refuses(BASE ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"idmap\"]}]}",
		"mounts[0]: idmapped mounts need a bind mount", "idmap on tmpfs");
	refuses(BASE "," LINUX0 "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
		"linux.namespaces[1]: namespace 'pid' given twice", "duplicate namespace");
	refuses(BASE "," LINUX0 "\"namespaces\":[{\"type\":\"foo\"}]}}",
		"linux.namespaces[0].type: unknown namespace 'foo'", "unknown namespace");
	refuses(BASE "," LINUX0 "\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,"
		     "\"hostID\":1,\"size\":1}]}}",
		"linux.gidMappings: missing while linux.uidMappings is given", "uid map without gid map");
	refuses(BASE "," LINUX0 "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],"
		     "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
		"linux.uidMappings: needs a user namespace", "maps without userns");
	refuses(BASE "," LINUX0 "\"intelRdt\":{\"closID\":\"x\"}}}",
		"linux.intelRdt: not supported: ", "intelRdt");
	refuses(BASE "," LINUX0 "\"netDevices\":{\"eth0\":{}}}}", "linux.netDevices: not supported",
		"netDevices");
	if (access("/sys/fs/selinux/enforce", F_OK) == 0)
		refuses(BASE "," LINUX0 "\"mountLabel\":\"x\"}}", "linux.mountLabel: not supported",
			"mountLabel");
	refuses(BASE "," LINUX0 "\"timeOffsets\":{\"monotonic\":{\"secs\":1}}}}",
		"linux.timeOffsets: needs a new time", "timeOffsets without time ns");
	refuses(BASE "," LINUX0 "\"rootfsPropagation\":\"sideways\"}}", "linux.rootfsPropagation: 'sideways'",
		"rootfsPropagation");
	refuses(BASE "," LINUX0 "\"maskedPaths\":[\"proc/kcore\"]}}", "linux.maskedPaths[0]: 'proc/kcore'",
		"relative masked path");
	refuses(BASE "," LINUX0 "\"cgroupsPath\":\"/a/../../b\"}}", "linux.cgroupsPath: '/a/../../b'",
		"cgroupsPath ..");
	refuses(BASE "," LINUX0 "\"devices\":[{\"path\":\"/dev/x\",\"type\":\"q\"}]}}",
		"linux.devices[0].type", "device type");
	refuses(BASE "," LINUX0 "\"resources\":{\"memory\":{\"swappiness\":101}}}}",
		"linux.resources.memory.swappiness: 101 above 100", "swappiness");
	refuses(BASE "," LINUX0 "\"resources\":{\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3}}}}}",
		"linux.resources.rdma: not supported", "rdma");
	refuses(BASE "," LINUX0 "\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}}}",
		"linux.resources.devices[0].access", "device access letters");
	refuses(BASE "," LINUX0 "\"resources\":{\"unified\":{\"../x\":\"1\"}}}}",
		"linux.resources.unified: '../x'", "unified key");
	refuses(BASE "," LINUX0 "\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"X\"]}}}",
		"linux.personality.flags: not supported", "personality flags");
	refuses(BASE "," LINUX0 "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}}}",
		"linux.seccomp.defaultAction: not supported", "SCMP_ACT_NOTIFY");
	refuses(BASE "," LINUX0
		     "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/x.sock\"}}}",
		"linux.seccomp.listenerPath: not supported", "listenerPath");
	refuses(BASE "," LINUX0 "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}}}",
		"linux.seccomp.defaultErrnoRet: only for", "defaultErrnoRet with ALLOW");
	refuses(BASE
		"," LINUX0
		"\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_Z80\"]}}}",
		"linux.seccomp.architectures[0]: unknown architecture", "arch");
	refuses(BASE "," LINUX0 "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_"
		     "FILTER_FLAG_WAIT_KILLABLE_RECV\"]}}}",
		"linux.seccomp.flags[0]: not supported", "WAIT_KILLABLE_RECV without listener");
	refuses(BASE "," LINUX0 "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":["
		     "\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":1,"
		     "\"op\":\"SCMP_CMP_EQ\"}]}]}}}",
		"linux.seccomp.syscalls[0].args[0].index: 6 out of range", "arg index");
	refuses(BASE "," LINUX0 "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":["
		     "\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,"
		     "\"op\":\"SCMP_CMP_XX\"}]}]}}}",
		"linux.seccomp.syscalls[0].args[0].op: unknown operator", "operator");
	refuses(BASE ",\"windows\":{\"layerFolders\":[\"c:\"]}}", "windows: not supported",
		"windows section");
	refuses(BASE ",\"dup\":1,\"dup\":2}", "line 1", "duplicate keys");
}

static void test_cgroups_path(void)
{
	static const struct {
		const char *in;
		bool systemd;
		const char *out;
	} cases[] = {
		{"/machine/c1", false, "machine/c1"},
		{"rel/c1", false, "rel/c1"},
		{"system.slice:docker:abc", true, "system.slice/docker-abc.scope"},
		{":crio:abc", true, "system.slice/crio-abc.scope"},
		{"kubepods-besteffort-pod1.slice:cri-containerd:c1", true,
		 "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
		 "cri-containerd-c1.scope"},
		{"-.slice::c1", true, "c1.scope"},
		{"user.slice:p:sub.slice", true, "user.slice/sub.slice"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oci_cgroups_path p;
		struct jail_err e = {0};
		int r = oci_cgroups_path_parse(cases[i].in, cases[i].systemd, &p, &e);

		T_OK(r == 0 && p.path && !strcmp(p.path, cases[i].out),
		     "cgroupsPath '%s' -> '%s' (got %s %s)", cases[i].in, cases[i].out, p.path ? p.path : "-",
		     e.msg);
		T_OK(p.relative == (cases[i].in[0] != '/' && !cases[i].systemd),
		     "cgroupsPath '%s' relative flag", cases[i].in);
		free(p.raw);
		free(p.path);
	}
	static const char *const bad[] = {"nocolons", "a.slice:b", "bad:p:n", "a--b.slice:p:n",
					  "a.slice:p:x/y"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct oci_cgroups_path p;
		struct jail_err e = {0};
		int r = oci_cgroups_path_parse(bad[i], true, &p, &e);

		T_OK(r < 0 && strstr(e.msg, "linux.cgroupsPath"), "systemd cgroupsPath '%s' refused", bad[i]);
		free(p.raw);
		free(p.path);
	}
}

static void test_process_and_resources(void)
{
	static const char proc[] =
		"{\"terminal\":false,\"user\":{\"uid\":5,\"gid\":6},\"args\":[\"/bin/sh\"],"
		"\"cwd\":\"/tmp\",\"env\":[\"A=b\"],\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}}";
	static const char res[] =
		"{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":-1},\"cpu\":{\"cpus\":\"1\"}}";
	struct oci_process p;
	struct oci_resources r;
	struct jail_err e = {0};

	T_INT(oci_process_parse(proc, strlen(proc), &p, &e), 0, "exec --process object parses (%s)", e.msg);
	T_OK(p.uid == 5 && p.gid == 6 && p.caps.bounding == 1ULL << 21 && !strcmp(p.cwd, "/tmp"),
	     "process fields");
	oci_process_free(&p);
	T_INT(oci_resources_parse_text(res, strlen(res), &r, &e), 0, "update --resources object parses (%s)",
	      e.msg);
	T_OK(r.memory.limit.v == 1048576 && r.pids_limit.v == -1 && !strcmp(r.cpu.cpus, "1"),
	     "resources fields");
	oci_resources_free(&r);
	T_OK(oci_resources_parse_text("{\"pids\":{}}", 11, &r, &e) < 0 &&
		     strstr(e.msg, "resources.pids.limit: missing"),
	     "pids.limit required");
}

static void test_tables(void)
{
	T_INT(oci_cap_from_name("CAP_CHOWN"), 0, "CAP_CHOWN = 0");
	T_INT(oci_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40, "CAP_CHECKPOINT_RESTORE = 40");
	T_INT(oci_cap_from_name("cap_chown"), -1, "names are case-sensitive, as the spec");
	T_STR(oci_cap_name(21), "CAP_SYS_ADMIN", "cap 21");
	T_INT(oci_rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME, "RLIMIT_RTTIME");
	T_STR(oci_ns_name(OCI_NS_NET), "network", "network namespace name");
	T_OK(oci_hook_kind_fatal(OCI_HOOK_CREATE_RUNTIME) && !oci_hook_kind_fatal(OCI_HOOK_POSTSTOP),
	     "hook fatality");
}

static void test_defaults(void)
{
	struct jail_err e = {0};
	struct oci_config c;
	char *spec = oci_spec_json(&e), *feat = oci_features_json();
	int r = spec ? oci_config_parse(spec, strlen(spec), NULL, &c, &e) : -1;

	T_INT(r, 0, "the spec template parses with this reader (%s)", e.msg);
	if (r == 0) {
		T_OK(!(c.process.caps.bounding & (1ULL << 21)) && !(c.process.caps.bounding & (1ULL << 27)) &&
			     (c.process.caps.bounding & 1),
		     "spec: the jail's capability set (no SYS_ADMIN, no MKNOD, CHOWN kept)");
		T_OK(c.linux_.ns[OCI_NS_USER].present && !c.linux_.n_uid_map,
		     "spec: user namespace, map left to the jail");
		T_OK(c.linux_.res.n_devices == 1 && !c.linux_.res.devices[0].allow, "spec: devices denied");
		oci_config_free(&c);
	}
	T_OK(feat && strstr(feat, "\"ociVersionMax\": \"" OCI_VERSION "\"") &&
		     !strstr(feat, "SCMP_ACT_NOTIFY"),
	     "features: version and no NOTIFY");
	free(spec);
	free(feat);

	static const struct {
		const char *in;
		int want;
	} sigs[] = {{"15", 15},	   {"TERM", 15},	  {"SIGTERM", 15}, {"sigkill", 9},
		    {"HUP", 1},	   {"RTMIN", 34},	  {"RTMIN+2", 36}, {"SIGRTMAX-1", 63},
		    {"WINCH", 28}, {"0", -EINVAL},	  {"65", -EINVAL}, {"FOO", -EINVAL},
		    {"", -EINVAL}, {"RTMIN+40", -EINVAL}, {"SIG", -EINVAL}};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		T_INT(oci_signal_parse(sigs[i].in), sigs[i].want, "signal '%s'", sigs[i].in);
}

int main(void)
{
	test_specs();
	test_full();
	test_runtime_tools();
	test_refusals();
	test_cgroups_path();
	test_process_and_resources();
	test_tables();
	test_defaults();
	T_DONE();
}
