/*
 * The OCI runtime side of libjail (lib/oci): a bundle's config.json
 * (runtime-spec 1.x, Linux) read into a complete C form that the jail plan is
 * built from, the seccomp section compiled to classic BPF with libseccomp,
 * the container state directory, the console socket and the OCI hooks.
 *
 * Parsing is strict the way the spec allows: unknown properties are ignored
 * (config.md "Extensibility"), but a known property jail-oci cannot honour
 * is an error naming the JSON field ("process.apparmorProfile: not
 * supported: ..."), never dropped. Everything here is heap-allocated in one
 * struct oci_config; oci_config_free releases all of it.
 */
#ifndef JAIL_OCI_H
#define JAIL_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "jail/err.h"

#define OCI_VERSION	 "1.2.0" /* what this runtime implements and writes */
#define OCI_ID_MAX	 255	 /* longest container id: it names a directory */
#define OCI_DEFAULT_ROOT "/run/jail-oci"

/* An optional number: set tells whether the JSON had it. */
struct oci_i64 {
	bool set;
	int64_t v;
};
struct oci_u64 {
	bool set;
	uint64_t v;
};

struct oci_idmap {
	uint32_t container_id, host_id, size;
};

/* ---- mounts --------------------------------------------------------- */

/*
 * One mounts[] entry with its options sorted into what mount(2),
 * mount_setattr(2) and the propagation calls need. Options that are not
 * flags are filesystem data, joined with ',' into data in their order.
 */
struct oci_mount {
	char *destination; /* as given; relative allowed on Linux (1.2) */
	char *type;	   /* NULL when absent ("bind" is implied by options) */
	char *source;	   /* NULL when absent */
	char **options;	   /* the raw list, for state and messages */
	size_t n_options;
	unsigned long flags;		     /* MS_* to set (ro, nosuid, ..., bind, rec, remount) */
	unsigned long clear;		     /* MS_* the options explicitly clear (rw, suid, dev, exec...) */
	unsigned long propagation;	     /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [| MS_REC], 0: none */
	uint64_t rattr_set, rattr_clr;	     /* MOUNT_ATTR_* applied recursively (rro, rnosuid ...) */
	bool bind;			     /* "bind" or "rbind" (or type "bind") */
	bool idmap, ridmap;		     /* idmapped mount, recursive with ridmap */
	bool tmpcopyup;			     /* tmpfs: copy up what the image had there */
	char *data;			     /* filesystem options, NULL when none */
	struct oci_idmap *uid_map, *gid_map; /* per-mount idmap ranges (1.1) */
	size_t n_uid_map, n_gid_map;
};

/* ---- process -------------------------------------------------------- */

struct oci_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

/* Capability sets as bit masks (bit N = capability N). */
struct oci_caps {
	bool set; /* process.capabilities present */
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_sched {
	bool set;
	int policy; /* SCHED_* */
	int nice, priority;
	uint64_t flags; /* SCHED_FLAG_* */
	uint64_t runtime, deadline, period;
};

struct oci_process {
	bool terminal;
	bool has_console_size;
	unsigned console_height, console_width;
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char **args; /* NULL-terminated, n_args entries */
	size_t n_args;
	char **env; /* NULL-terminated */
	size_t n_env;
	char *cwd;
	struct oci_caps caps;
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	struct oci_sched sched;
	bool has_io_priority;
	int io_class; /* IOPRIO_CLASS_RT/BE/IDLE = 1/2/3 */
	int io_priority;
	char *cpu_affinity_initial, *cpu_affinity_final; /* execCPUAffinity, cpu lists */
};

/* ---- hooks ---------------------------------------------------------- */

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK__COUNT
};

struct oci_hook {
	char *path;
	char **args; /* NULL-terminated; args[0] is argv[0]; NULL: {path} */
	char **env;  /* NULL-terminated; the hook's whole environment */
	int timeout; /* seconds, 0: none */
};

struct oci_hook_list {
	struct oci_hook *v;
	size_t n;
};

/* ---- linux ---------------------------------------------------------- */

enum oci_ns {
	OCI_NS_PID,
	OCI_NS_NET,
	OCI_NS_MNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME,
	OCI_NS__COUNT
};

struct oci_namespace {
	bool present; /* listed: a new namespace, or a join when path is set */
	char *path;   /* join this namespace (a /proc/PID/ns/X or a bind of one) */
};

struct oci_device { /* linux.devices: a node to create in /dev */
	char *path;
	char type; /* 'c', 'b', 'u' (= c), 'p' */
	int64_t major, minor;
	bool has_mode, has_uid, has_gid;
	uint32_t mode, uid, gid;
};

struct oci_dev_rule { /* linux.resources.devices: the device cgroup list */
	bool allow;
	char type;	      /* 'a', 'c', 'b' */
	int64_t major, minor; /* -1: any */
	char access[4];	      /* subset of "rwm" */
};

struct oci_blkio_dev {
	int64_t major, minor;
	struct oci_u64 weight, leaf_weight; /* weightDevice */
	uint64_t rate;			    /* throttle* */
};

struct oci_hugepage {
	char *page_size; /* "2MB", "1GB" */
	uint64_t limit;
};

struct oci_net_prio {
	char *name;
	uint32_t priority;
};

struct oci_resources {
	bool set;
	struct oci_dev_rule *devices;
	size_t n_devices;
	struct {
		struct oci_i64 limit, reservation, swap, kernel, kernel_tcp;
		struct oci_u64 swappiness;
		bool has_disable_oom_killer, disable_oom_killer;
		bool has_use_hierarchy, use_hierarchy;
		bool has_check_before_update, check_before_update;
	} memory;
	struct {
		struct oci_u64 shares, period, realtime_period, burst;
		struct oci_i64 quota, realtime_runtime, idle;
		char *cpus, *mems;
	} cpu;
	struct oci_i64 pids_limit;
	struct {
		struct oci_u64 weight, leaf_weight;
		struct oci_blkio_dev *weight_device, *read_bps, *write_bps, *read_iops, *write_iops;
		size_t n_weight_device, n_read_bps, n_write_bps, n_read_iops, n_write_iops;
	} blkio;
	struct oci_hugepage *hugepages;
	size_t n_hugepages;
	struct {
		struct oci_u64 class_id;
		struct oci_net_prio *priorities;
		size_t n_priorities;
	} network;
	char **unified; /* key, value, key, value ... NULL */
	size_t n_unified;
};

/* cgroupsPath, with the systemd "slice:prefix:name" form expanded. */
struct oci_cgroups_path {
	char *raw;    /* as given, NULL when absent */
	bool systemd; /* parsed as slice:prefix:name */
	bool relative;
	char *path; /* the cgroup directory relative to the hierarchy root (or to
		       the runtime's own cgroup when relative), no leading '/' */
};

enum oci_seccomp_action {
	OCI_SCMP_KILL, /* = KILL_THREAD */
	OCI_SCMP_KILL_PROCESS,
	OCI_SCMP_KILL_THREAD,
	OCI_SCMP_TRAP,
	OCI_SCMP_ERRNO,
	OCI_SCMP_TRACE,
	OCI_SCMP_ALLOW,
	OCI_SCMP_LOG,
	OCI_SCMP_NOTIFY,
};

enum oci_seccomp_op {
	OCI_SCMP_CMP_NE,
	OCI_SCMP_CMP_LT,
	OCI_SCMP_CMP_LE,
	OCI_SCMP_CMP_EQ,
	OCI_SCMP_CMP_GE,
	OCI_SCMP_CMP_GT,
	OCI_SCMP_CMP_MASKED_EQ,
};

struct oci_seccomp_arg {
	unsigned index;
	uint64_t value, value_two; /* MASKED_EQ: value is the mask */
	enum oci_seccomp_op op;
};

struct oci_seccomp_rule {
	char **names; /* NULL-terminated */
	size_t n_names;
	enum oci_seccomp_action action;
	bool has_errno;
	unsigned errno_ret;
	struct oci_seccomp_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	bool set;
	enum oci_seccomp_action default_action;
	bool has_default_errno;
	unsigned default_errno;
	uint32_t *archs; /* SCMP_ARCH_* values */
	size_t n_archs;
	unsigned flags; /* SECCOMP_FILTER_FLAG_* */
	char *listener_path, *listener_metadata;
	struct oci_seccomp_rule *rules;
	size_t n_rules;
};

struct oci_linux {
	struct oci_namespace ns[OCI_NS__COUNT];
	struct oci_idmap *uid_map, *gid_map;
	size_t n_uid_map, n_gid_map;
	char **sysctl; /* key, value, ... NULL */
	size_t n_sysctl;
	struct oci_resources res;
	struct oci_cgroups_path cgroups_path;
	struct oci_device *devices;
	size_t n_devices;
	struct oci_seccomp seccomp;
	unsigned long rootfs_propagation;      /* MS_* | MS_REC as given, 0: default */
	char **masked_paths, **readonly_paths; /* NULL-terminated */
	size_t n_masked_paths, n_readonly_paths;
	struct {
		bool set;
		int64_t secs;
		uint32_t nanosecs;
	} time_offsets[2]; /* [0] monotonic, [1] boottime */
	bool has_personality;
	unsigned long personality; /* PER_LINUX or PER_LINUX32 */
};

struct oci_config {
	char *oci_version;
	char *root_path; /* root.path as given (relative to the bundle) */
	bool root_readonly;
	struct oci_mount *mounts;
	size_t n_mounts;
	bool has_process;
	struct oci_process process;
	char *hostname, *domainname;
	struct oci_hook_list hooks[OCI_HOOK__COUNT];
	char **annotations; /* key, value, ... NULL */
	size_t n_annotations;
	bool has_linux;
	struct oci_linux linux_;
};

struct oci_parse_opts {
	bool systemd_cgroup; /* --systemd-cgroup: cgroupsPath is slice:prefix:name */
	/* Called for what is accepted but worth a log line (unknown syscall
	 * names in linux.seccomp, for instance). May be NULL. */
	void (*warn)(void *arg, const char *msg);
	void *warn_arg;
};

/* Parse a config.json text (len bytes). 0 or -errno with e naming the field. */
int oci_config_parse(const char *json, size_t len, const struct oci_parse_opts *o, struct oci_config *out,
		     struct jail_err *e);
/* Read BUNDLE/config.json (fd-relative to the bundle directory) and parse it. */
int oci_config_load(int bundlefd, const struct oci_parse_opts *o, struct oci_config *out, struct jail_err *e);
/* Parse only a process object (exec --process F). */
int oci_process_parse(const char *json, size_t len, struct oci_process *out, struct jail_err *e);
void oci_process_free(struct oci_process *p);
void oci_config_free(struct oci_config *c);

/* Parse a linux.resources object alone (`update --resources FILE`). */
int oci_resources_parse_text(const char *json, size_t len, struct oci_resources *out, struct jail_err *e);
void oci_resources_free(struct oci_resources *r);
/* Parse one mount option list into m (flags, propagation, data). */
int oci_mount_options(struct oci_mount *m, const char *field, struct jail_err *e);
/* Parse cgroupsPath (systemd form when systemd is set). */
int oci_cgroups_path_parse(const char *s, bool systemd, struct oci_cgroups_path *out, struct jail_err *e);

/* Capability name ("CAP_CHOWN") to number, -1 if unknown; number to name. */
int oci_cap_from_name(const char *name);
const char *oci_cap_name(int cap);
/* RLIMIT_* name to resource number, -1 if unknown. */
int oci_rlimit_from_name(const char *name);
const char *oci_ns_name(enum oci_ns ns);

/* ---- seccomp -------------------------------------------------------- */

/* A compiled filter: classic BPF instructions and the seccomp(2) flags. */
struct oci_bpf {
	void *insns; /* struct sock_filter[] */
	unsigned short len;
	unsigned flags;		 /* SECCOMP_FILTER_FLAG_* to pass to seccomp(2) */
	size_t unknown_syscalls; /* names libseccomp does not know (skipped) */
	size_t skipped_archs;	 /* architectures of the other byte order (skipped) */
};

/* Compile linux.seccomp with libseccomp into BPF. */
int oci_seccomp_compile(const struct oci_seccomp *s, struct oci_bpf *out, struct jail_err *e);
/* Install a compiled filter in the calling thread (needs no_new_privs or
 * CAP_SYS_ADMIN). Safe after fork: no allocation. */
int oci_seccomp_load(const struct oci_bpf *b, struct jail_err *e);
void oci_bpf_free(struct oci_bpf *b);
/* Parse a linux.seccomp object alone (tests, tools). */
int oci_seccomp_parse_text(const char *json, size_t len, struct oci_seccomp *out, struct jail_err *e);
void oci_seccomp_free(struct oci_seccomp *s);
/* Tables for `features`: NULL-terminated name lists. */
extern const char *const oci_seccomp_action_names[];
extern const char *const oci_seccomp_op_names[];
extern const char *const oci_seccomp_arch_names[];
extern const char *const oci_seccomp_flag_names[];
/* Whether the running kernel accepts seccomp flag bit f. */
bool oci_seccomp_flag_supported(unsigned f);

/* ---- state ---------------------------------------------------------- */

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_STOPPED, OCI_PAUSED };

struct oci_state {
	char id[OCI_ID_MAX + 1];
	enum oci_status status;
	pid_t pid;
	unsigned long long pid_start; /* /proc/PID/stat starttime: pid reuse check */
	char *bundle, *rootfs;
	char created[64];   /* RFC 3339, UTC, nanoseconds */
	char *owner;	    /* the creating user's name ("" if unknown) */
	char **annotations; /* key, value, ... NULL */
	size_t n_annotations;
	int jid; /* the jail's id in the jail registry, 0 if none yet */
	bool systemd_cgroup;
	char *cgroup;	/* the resolved cgroup path, for ps/pause/update */
	unsigned hooks; /* bit (1 << kind): config.json has hooks of that kind */
};

const char *oci_status_name(enum oci_status s);
/* Container ids: [A-Za-z0-9_.+-]{1,255}, not "." or "..". */
int oci_id_valid(const char *id, struct jail_err *e);
/* Open (creating with mode 0700) the --root state directory; an O_PATH|O_DIRECTORY fd. */
int oci_root_open(const char *root, bool create, struct jail_err *e);
/* Take the container's lock (flock on ROOT/ID/lock); returns the lock fd.
 * create makes ROOT/ID and fails with -EEXIST if it exists. */
int oci_state_lock(int rootfd, const char *id, bool create, struct jail_err *e);
/* Write ROOT/ID/state.json atomically. */
int oci_state_write(int rootfd, const struct oci_state *s, struct jail_err *e);
/* Read ROOT/ID/state.json and refresh status from the process (a dead or
 * reused pid makes a created/running container "stopped"). -ENOENT when
 * there is no such container ("container ID does not exist"). */
int oci_state_read(int rootfd, const char *id, struct oci_state *s, struct jail_err *e);
/* The state as the spec's JSON (malloc'd, no trailing newline). pretty: indented. */
char *oci_state_json(const struct oci_state *s, bool pretty);
/* Remove ROOT/ID entirely. */
int oci_state_remove(int rootfd, const char *id, struct jail_err *e);
/* Call fn for every container id under root, sorted. */
int oci_state_list(int rootfd, int (*fn)(void *arg, const char *id), void *arg, struct jail_err *e);
void oci_state_free(struct oci_state *s);
/* The effective user's name for "owner" (malloc'd; "" if unknown). */
char *oci_owner_name(void);
/* Fill created with the current time in RFC 3339 with nanoseconds. */
void oci_time_now(char *buf, size_t len);

/* ---- console -------------------------------------------------------- */

/* Connect to the AF_UNIX socket at path and send ptmfd with SCM_RIGHTS and
 * the payload {"type":"terminal","container":ID}. */
int oci_console_send(const char *path, int ptmfd, const char *id, struct jail_err *e);
/* A new pty pair from /dev/ptmx (or a devpts instance's ptmx via ptmxfd >= 0):
 * master and slave fds, both O_CLOEXEC. */
int oci_pty_open(int ptmxfd, int *master, int *slave, struct jail_err *e);

/* ---- hooks ---------------------------------------------------------- */

const char *oci_hook_kind_name(enum oci_hook_kind k);
/* Whether a failed hook of this kind is fatal (prestart, createRuntime,
 * createContainer, startContainer) or only a warning (poststart, poststop). */
bool oci_hook_kind_fatal(enum oci_hook_kind k);
/*
 * Run the hooks of one kind in order, state JSON on each one's stdin, its
 * env as its whole environment, killed after its timeout. For a fatal kind
 * the first failure stops the list and is returned ("createRuntime hook
 * /x: exited with status 1"); otherwise each failure is passed to warn and
 * the rest still run.
 */
int oci_hooks_run(const struct oci_hook_list *l, enum oci_hook_kind kind, const char *state_json,
		  void (*warn)(void *arg, const char *msg), void *warn_arg, struct jail_err *e);

/* ---- the runtime: containers as jails (runtime.c, ops.c, exec.c) ----- */

struct oci_runtime {
	const char *root;    /* --root: the state directory */
	bool systemd_cgroup; /* --systemd-cgroup */
	/* Warnings (a poststart or poststop hook that failed, ...); NULL: dropped. */
	void (*warn)(void *arg, const char *msg);
	void *warn_arg;
};

struct oci_create_opts {
	const char *bundle;   /* the bundle directory */
	const char *pid_file; /* --pid-file, NULL: none */
	const char *console;  /* --console-socket, NULL: none */
	int preserve_fds;     /* --preserve-fds */
};

/* The jail name of a container: the id with each '.' as ':'; an all-digit id is refused. */
int oci_jail_name(const char *id, char *buf, size_t len, struct jail_err *e);
/*
 * Create the container: a jail whose init waits, before the process is
 * run, for oci_start. Returns with state.json and the pid file written and
 * the init left to the caller's subreaper. pidfd, if not NULL, gets a pidfd
 * of the init (run keeps it to wait).
 */
int oci_create(const struct oci_runtime *rt, const char *id, const struct oci_create_opts *o, int *pidfd,
	       struct jail_err *e);
int oci_start(const struct oci_runtime *rt, const char *id, struct jail_err *e);
/* Signal the process (all: every process of the container's cgroup). */
int oci_kill(const struct oci_runtime *rt, const char *id, int sig, bool all, struct jail_err *e);
/* Remove a stopped or created container (force: a running one too, killed). */
int oci_delete(const struct oci_runtime *rt, const char *id, bool force, struct jail_err *e);
/* The container's processes (host pids); returns the count, *pids malloc'd. */
int oci_ps(const struct oci_runtime *rt, const char *id, pid_t **pids, struct jail_err *e);
int oci_pause(const struct oci_runtime *rt, const char *id, bool pause, struct jail_err *e);
int oci_update(const struct oci_runtime *rt, const char *id, const struct oci_resources *r,
	       struct jail_err *e);

struct oci_exec_opts {
	const struct oci_process *p; /* --process; NULL: the container's process with the fields below */
	char **args;		     /* the command (without --process) */
	const char *cwd;	     /* --cwd */
	char **env;		     /* --env NAME=VALUE, added */
	bool has_user;
	uint32_t uid, gid; /* --user */
	uint64_t caps;	   /* --cap, added to every set */
	bool tty;	   /* --tty */
	bool no_new_privs; /* --no-new-privs */
	const char *pid_file, *console;
	bool detach;
	int preserve_fds;
};
/* Run a process in the container; its exit status (0 with detach) or -errno. */
int oci_exec(const struct oci_runtime *rt, const char *id, const struct oci_exec_opts *o, struct jail_err *e);

/* ---- what the runtime says about itself ----------------------------- */

/* The features.md document (malloc'd JSON text). */
char *oci_features_json(void);
/* A config.json template with a jail's defaults (malloc'd JSON text). */
char *oci_spec_json(struct jail_err *e);
/* A signal by number, name or SIG-name (TERM, SIGTERM, 15, RTMIN+2); -EINVAL. */
int oci_signal_parse(const char *s);

#endif
