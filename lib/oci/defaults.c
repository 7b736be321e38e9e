/*
 * What jail-oci says about itself: the `features` document (runtime-spec
 * features.md and features-linux.md, listing what the config reader
 * accepts and nothing it refuses), the `spec` template (a config.json with
 * a jail's defaults: the capability set of the privilege table in
 * core/priv.c, a user namespace whose map the jail's private uid range
 * fills in, FreeBSD's devfs/procfs hiding), and signal names for `kill`.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/priv.h"
#include "jail/oci.h"
#include "jail/param.h"

static json_t *strs(const char *const *v)
{
	json_t *a = json_array();

	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static const char *const hook_kinds[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL};
static const char *const ns_list[] = {"cgroup", "ipc",	"mount", "network", "pid",
				      "time",	"user", "uts",	 NULL};
/* Every option word mountopt.c knows (filesystem data passes through too). */
static const char *const mount_words[] = {
	"async",	 "atime",	 "bind",
	"defaults",	 "dev",		 "diratime",
	"dirsync",	 "exec",	 "idmap",
	"iversion",	 "lazytime",	 "loud",
	"mand",		 "noatime",	 "nodev",
	"nodiratime",	 "noexec",	 "noiversion",
	"nolazytime",	 "nomand",	 "norelatime",
	"nostrictatime", "nosuid",	 "nosymfollow",
	"private",	 "ratime",	 "rbind",
	"rdev",		 "rdiratime",	 "relatime",
	"remount",	 "rexec",	 "ridmap",
	"rnoatime",	 "rnodev",	 "rnodiratime",
	"rnoexec",	 "rnorelatime",	 "rnostrictatime",
	"rnosuid",	 "rnosymfollow", "ro",
	"rprivate",	 "rrelatime",	 "rro",
	"rrw",		 "rshared",	 "rslave",
	"rstrictatime",	 "rsuid",	 "rsymfollow",
	"runbindable",	 "rw",		 "shared",
	"silent",	 "slave",	 "strictatime",
	"suid",		 "symfollow",	 "sync",
	"tmpcopyup",	 "unbindable",	 NULL,
};

char *oci_features_json(void)
{
	json_t *j = json_object(), *l = json_object(), *sc = json_object(), *caps = json_array();
	json_t *acts = json_array(), *sup = json_array();
	char *out;

	json_object_set_new(j, "ociVersionMin", json_string("1.0.0"));
	json_object_set_new(j, "ociVersionMax", json_string(OCI_VERSION));
	json_object_set_new(j, "hooks", strs(hook_kinds));
	json_object_set_new(j, "mountOptions", strs(mount_words));
	json_object_set_new(l, "namespaces", strs(ns_list));
	for (int c = 0; oci_cap_name(c); c++)
		json_array_append_new(caps, json_string(oci_cap_name(c)));
	json_object_set_new(l, "capabilities", caps);
	json_object_set_new(l, "cgroup",
			    json_pack("{s:b, s:b, s:b, s:b, s:b}", "v1", 1, "v2", 1, "systemd", 0,
				      "systemdUser", 0, "rdma", 0));
	json_object_set_new(sc, "enabled", json_true());
	for (int i = 0; oci_seccomp_action_names[i]; i++)
		if (i != OCI_SCMP_NOTIFY)
			json_array_append_new(acts, json_string(oci_seccomp_action_names[i]));
	json_object_set_new(sc, "actions", acts);
	json_object_set_new(sc, "operators", strs(oci_seccomp_op_names));
	json_object_set_new(sc, "archs", strs(oci_seccomp_arch_names));
	json_object_set_new(sc, "knownFlags", strs(oci_seccomp_flag_names));
	/* WAIT_KILLABLE_RECV needs a notify listener, which is refused. */
	for (int i = 0; i < 3; i++)
		if (oci_seccomp_flag_supported(1U << i))
			json_array_append_new(sup, json_string(oci_seccomp_flag_names[i]));
	json_object_set_new(sc, "supportedFlags", sup);
	json_object_set_new(l, "seccomp", sc);
	json_object_set_new(l, "apparmor", json_pack("{s:b}", "enabled", 0));
	json_object_set_new(l, "selinux", json_pack("{s:b}", "enabled", 0));
	json_object_set_new(l, "intelRdt", json_pack("{s:b}", "enabled", 0));
	json_object_set_new(l, "mountExtensions", json_pack("{s:{s:b}}", "idmap", "enabled", 1));
	json_object_set_new(j, "linux", l);
	json_object_set_new(j, "annotations", json_pack("{s:s}", "io.github.jail.oci.runtime", "jail-oci"));
	out = json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return out;
}

static json_t *mount(const char *dst, const char *type, const char *src, const char *opts)
{
	json_t *m = json_pack("{s:s, s:s, s:s}", "destination", dst, "type", type, "source", src),
	       *o = json_array();
	char *copy = strdup(opts), *save = NULL;

	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		json_array_append_new(o, json_string(w));
	free(copy);
	json_object_set_new(m, "options", o);
	return m;
}

char *oci_spec_json(struct jail_err *e)
{
	static const char *const masked[] = {"/proc/acpi",
					     "/proc/asound",
					     "/proc/kcore",
					     "/proc/keys",
					     "/proc/latency_stats",
					     "/proc/timer_list",
					     "/proc/timer_stats",
					     "/proc/sched_debug",
					     "/proc/scsi",
					     "/sys/firmware",
					     "/sys/devices/virtual/powercap",
					     NULL};
	static const char *const ro[] = {"/proc/bus",		"/proc/fs", "/proc/irq", "/proc/sys",
					 "/proc/sysrq-trigger", NULL};
	struct jail_params p = {0};
	struct jail_priv priv;
	json_t *j, *caps = json_array(), *mounts = json_array(), *ns = json_array();
	char *out;
	int r = jail_priv_from_params(&p, &priv, e);

	if (r < 0) {
		json_decref(caps);
		json_decref(mounts);
		json_decref(ns);
		return NULL;
	}
	for (int c = 0; oci_cap_name(c); c++)
		if (priv.caps & (1ULL << c))
			json_array_append_new(caps, json_string(oci_cap_name(c)));
	json_array_append_new(mounts, mount("/proc", "proc", "proc", "nosuid,noexec,nodev"));
	json_array_append_new(mounts,
			      mount("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"));
	json_array_append_new(mounts, mount("/dev/pts", "devpts", "devpts",
					    "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"));
	json_array_append_new(mounts,
			      mount("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k"));
	json_array_append_new(mounts, mount("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"));
	json_array_append_new(mounts, mount("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
	for (const char *const *n = ns_list; *n; n++)
		if (strcmp(*n, "time"))
			json_array_append_new(ns, json_pack("{s:s}", "type", *n));
	j = json_pack("{s:s, s:{s:s, s:b}, s:{s:b, s:{s:i, s:i}, s:[s], s:[s, s], s:s, s:{s:o, s:O, s:[], "
		      "s:O, s:[]},"
		      " s:b}, s:s, s:o, s:{s:o, s:{s:[{s:b, s:s}]}, s:o, s:o}}",
		      "ociVersion", OCI_VERSION, "root", "path", "rootfs", "readonly", 0, "process",
		      "terminal", 0, "user", "uid", 0, "gid", 0, "args", "sh", "env",
		      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
		      "cwd", "/", "capabilities", "bounding", caps, "effective", caps, "inheritable",
		      "permitted", caps, "ambient", "noNewPrivileges", 0, "hostname", "jail", "mounts",
		      mounts, "linux", "namespaces", ns, "resources", "devices", "allow", 0, "access", "rwm",
		      "maskedPaths", strs(masked), "readonlyPaths", strs(ro));
	if (!j)
		return jail_err_set(e, -ENOMEM, "out of memory"), NULL;
	out = json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return out;
}

int oci_signal_parse(const char *s)
{
	char *end;
	long n;

	if (!s || !*s)
		return -EINVAL;
	n = strtol(s, &end, 10);
	if (!*end)
		return n > 0 && n < NSIG ? (int)n : -EINVAL;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		int base = !strncasecmp(s, "RTMIN", 5) ? SIGRTMIN : SIGRTMAX;

		if (!s[5])
			return base;
		n = strtol(s + 5, &end, 10);
		if (*end || (s[5] != '+' && s[5] != '-') || base + n < SIGRTMIN || base + n > SIGRTMAX)
			return -EINVAL;
		return (int)(base + n);
	}
	for (int i = 1; i < SIGRTMIN; i++) {
		const char *a = sigabbrev_np(i);

		if (a && !strcasecmp(a, s))
			return i;
	}
	return -EINVAL;
}
