/*
 * The one parameter table: every jail parameter FreeBSD knows plus the
 * Linux-only ones, with its type, flags and default, and the value store a
 * jail's parameters live in while it is created, listed and changed.
 * Values are kept as strings (as jail.conf and jls see them); typed getters
 * parse them, and jail_params_set validates on the way in so a getter never
 * meets a bad value.
 */
#ifndef JAIL_PARAM_H
#define JAIL_PARAM_H

#include <stdbool.h>
#include <stddef.h>

#include "jail/err.h"

/* The highest JID, FreeBSD's JAIL_MAX (kern_jail.c): higher ones are refused. */
#define JAIL_JID_MAX 999999

enum jp_type {
	JPT_STRING,
	JPT_INT,
	JPT_BOOL,
	JPT_LIST,    /* list of strings; "a,b" on the command line splits */
	JPT_CMDLIST, /* list of command strings; never split on commas */
	JPT_IPMODE,  /* new | inherit | disable */
	JPT_NEWINH,  /* new | inherit */
	JPT_SYSV,    /* new | inherit | disable */
};

enum jp_flags {
	JPF_CREATE_ONLY = 1 << 0, /* cannot be changed by jail -m */
	JPF_PSEUDO = 1 << 1,	  /* jail(8)'s own, not part of the jail */
	JPF_RDONLY = 1 << 2,	  /* reported, never set */
	JPF_UNIMPL = 1 << 3,	  /* known, not implemented yet: refused */
	JPF_NEVER = 1 << 4,	  /* cannot be granted on Linux: refused */
};

/* X(ID, "name", type, flags, "default" or NULL) */
#define JAIL_PARAM_TABLE(X)                                                                           \
	X(JID, "jid", JPT_INT, JPF_CREATE_ONLY, NULL)                                                 \
	X(NAME, "name", JPT_STRING, JPF_CREATE_ONLY, NULL)                                            \
	X(PATH, "path", JPT_STRING, JPF_CREATE_ONLY, NULL)                                            \
	X(PARENT, "parent", JPT_INT, JPF_RDONLY, "0")                                                 \
	X(DYING, "dying", JPT_BOOL, JPF_RDONLY, "false")                                              \
	X(HOST, "host", JPT_NEWINH, JPF_CREATE_ONLY, "new")                                           \
	X(HOSTNAME, "host.hostname", JPT_STRING, 0, NULL)                                             \
	X(DOMAINNAME, "host.domainname", JPT_STRING, 0, NULL)                                         \
	X(HOSTUUID, "host.hostuuid", JPT_STRING, 0, NULL)                                             \
	X(HOSTID, "host.hostid", JPT_INT, 0, "0")                                                     \
	X(IP4, "ip4", JPT_IPMODE, JPF_CREATE_ONLY, "disable")                                         \
	X(IP4_ADDR, "ip4.addr", JPT_LIST, JPF_CREATE_ONLY, NULL)                                      \
	X(IP4_SADDRSEL, "ip4.saddrsel", JPT_BOOL, 0, "true")                                          \
	X(IP6, "ip6", JPT_IPMODE, JPF_CREATE_ONLY, "disable")                                         \
	X(IP6_ADDR, "ip6.addr", JPT_LIST, JPF_CREATE_ONLY, NULL)                                      \
	X(IP6_SADDRSEL, "ip6.saddrsel", JPT_BOOL, 0, "true")                                          \
	X(VNET, "vnet", JPT_NEWINH, JPF_CREATE_ONLY, "inherit")                                       \
	X(VNET_INTERFACE, "vnet.interface", JPT_LIST, JPF_PSEUDO | JPF_CREATE_ONLY, NULL)             \
	X(VNET_BRIDGE, "vnet.bridge", JPT_STRING, JPF_PSEUDO | JPF_CREATE_ONLY, NULL)                 \
	X(VNET_MACVLAN, "vnet.macvlan", JPT_STRING, JPF_PSEUDO | JPF_CREATE_ONLY, NULL)               \
	X(VNET_IPVLAN, "vnet.ipvlan", JPT_STRING, JPF_PSEUDO | JPF_CREATE_ONLY, NULL)                 \
	X(VNET_DEFAULTROUTER, "vnet.defaultrouter", JPT_STRING, JPF_PSEUDO | JPF_CREATE_ONLY, NULL)   \
	X(VNET_DEFAULTROUTER6, "vnet.defaultrouter6", JPT_STRING, JPF_PSEUDO | JPF_CREATE_ONLY, NULL) \
	X(INTERFACE, "interface", JPT_STRING, JPF_PSEUDO | JPF_CREATE_ONLY, NULL)                     \
	X(IP_HOSTNAME, "ip_hostname", JPT_BOOL, JPF_PSEUDO | JPF_CREATE_ONLY, "false")                \
	X(SECURELEVEL, "securelevel", JPT_INT, 0, "-1")                                               \
	X(ENFORCE_STATFS, "enforce_statfs", JPT_INT, 0, "2")                                          \
	X(DEVFS_RULESET, "devfs_ruleset", JPT_INT, 0, "4")                                            \
	X(CHILDREN_MAX, "children.max", JPT_INT, 0, "0")                                              \
	X(CHILDREN_CUR, "children.cur", JPT_INT, JPF_RDONLY, "0")                                     \
	X(CPUSET_ID, "cpuset.id", JPT_INT, JPF_RDONLY, NULL)                                          \
	X(PERSIST, "persist", JPT_BOOL, 0, "false")                                                   \
	X(OSRELEASE, "osrelease", JPT_STRING, JPF_CREATE_ONLY | JPF_UNIMPL, NULL)                     \
	X(OSRELDATE, "osreldate", JPT_INT, JPF_CREATE_ONLY | JPF_UNIMPL, NULL)                        \
	X(SYSVMSG, "sysvmsg", JPT_SYSV, JPF_CREATE_ONLY, "new")                                       \
	X(SYSVSEM, "sysvsem", JPT_SYSV, JPF_CREATE_ONLY, "new")                                       \
	X(SYSVSHM, "sysvshm", JPT_SYSV, JPF_CREATE_ONLY, "new")                                       \
	X(ALLOW_SET_HOSTNAME, "allow.set_hostname", JPT_BOOL, 0, "false")                             \
	X(ALLOW_SYSVIPC, "allow.sysvipc", JPT_BOOL, JPF_CREATE_ONLY, "false")                         \
	X(ALLOW_RAW_SOCKETS, "allow.raw_sockets", JPT_BOOL, 0, "false")                               \
	X(ALLOW_CHFLAGS, "allow.chflags", JPT_BOOL, JPF_NEVER, "false")                               \
	X(ALLOW_MOUNT, "allow.mount", JPT_BOOL, 0, "false")                                           \
	X(ALLOW_MOUNT_DEVFS, "allow.mount.devfs", JPT_BOOL, JPF_NEVER, "false")                       \
	X(ALLOW_MOUNT_FDESCFS, "allow.mount.fdescfs", JPT_BOOL, JPF_NEVER, "false")                   \
	X(ALLOW_MOUNT_NULLFS, "allow.mount.nullfs", JPT_BOOL, 0, "false")                             \
	X(ALLOW_MOUNT_PROCFS, "allow.mount.procfs", JPT_BOOL, JPF_NEVER, "false")                     \
	X(ALLOW_MOUNT_LINPROCFS, "allow.mount.linprocfs", JPT_BOOL, JPF_NEVER, "false")               \
	X(ALLOW_MOUNT_LINSYSFS, "allow.mount.linsysfs", JPT_BOOL, JPF_NEVER, "false")                 \
	X(ALLOW_MOUNT_TMPFS, "allow.mount.tmpfs", JPT_BOOL, 0, "false")                               \
	X(ALLOW_MOUNT_ZFS, "allow.mount.zfs", JPT_BOOL, JPF_NEVER, "false")                           \
	X(ALLOW_MOUNT_FUSEFS, "allow.mount.fusefs", JPT_BOOL, JPF_NEVER, "false")                     \
	X(ALLOW_QUOTAS, "allow.quotas", JPT_BOOL, JPF_NEVER, "false")                                 \
	X(ALLOW_SOCKET_AF, "allow.socket_af", JPT_BOOL, 0, "false")                                   \
	X(ALLOW_MLOCK, "allow.mlock", JPT_BOOL, 0, "false")                                           \
	X(ALLOW_READ_MSGBUF, "allow.read_msgbuf", JPT_BOOL, JPF_NEVER, "false")                       \
	X(ALLOW_RESERVED_PORTS, "allow.reserved_ports", JPT_BOOL, 0, "true")                          \
	X(ALLOW_UNPRIV_TAMPER, "allow.unprivileged_parent_tampering", JPT_BOOL, 0, "false")           \
	X(ALLOW_UNPRIV_DEBUG, "allow.unprivileged_proc_debug", JPT_BOOL, 0, "true")                   \
	X(ALLOW_SUSER, "allow.suser", JPT_BOOL, 0, "true")                                            \
	X(ALLOW_EXTATTR, "allow.extattr", JPT_BOOL, JPF_NEVER, "false")                               \
	X(ALLOW_ADJTIME, "allow.adjtime", JPT_BOOL, JPF_NEVER, "false")                               \
	X(ALLOW_SETTIME, "allow.settime", JPT_BOOL, JPF_NEVER, "false")                               \
	X(ALLOW_ROUTING, "allow.routing", JPT_BOOL, JPF_NEVER, "false")                               \
	X(ALLOW_SETAUDIT, "allow.setaudit", JPT_BOOL, JPF_NEVER, "false")                             \
	X(ALLOW_NFSD, "allow.nfsd", JPT_BOOL, JPF_NEVER, "false")                                     \
	X(ALLOW_VMM, "allow.vmm", JPT_BOOL, JPF_NEVER, "false")                                       \
	X(ALLOW_VMM_PPT, "allow.vmm_ppt", JPT_BOOL, JPF_NEVER, "false")                               \
	X(ALLOW_DYING, "allow.dying", JPT_BOOL, 0, "false")                                           \
	X(META, "meta", JPT_STRING, 0, NULL)                                                          \
	X(ENV, "env", JPT_STRING, 0, NULL)                                                            \
	X(COMMAND, "command", JPT_CMDLIST, JPF_PSEUDO, NULL)                                          \
	X(EXEC_PREPARE, "exec.prepare", JPT_CMDLIST, JPF_PSEUDO, NULL)                                \
	X(EXEC_PRESTART, "exec.prestart", JPT_CMDLIST, JPF_PSEUDO, NULL)                              \
	X(EXEC_CREATED, "exec.created", JPT_CMDLIST, JPF_PSEUDO, NULL)                                \
	X(EXEC_START, "exec.start", JPT_CMDLIST, JPF_PSEUDO, NULL)                                    \
	X(EXEC_POSTSTART, "exec.poststart", JPT_CMDLIST, JPF_PSEUDO, NULL)                            \
	X(EXEC_PRESTOP, "exec.prestop", JPT_CMDLIST, JPF_PSEUDO, NULL)                                \
	X(EXEC_STOP, "exec.stop", JPT_CMDLIST, JPF_PSEUDO, NULL)                                      \
	X(EXEC_POSTSTOP, "exec.poststop", JPT_CMDLIST, JPF_PSEUDO, NULL)                              \
	X(EXEC_RELEASE, "exec.release", JPT_CMDLIST, JPF_PSEUDO, NULL)                                \
	X(EXEC_CLEAN, "exec.clean", JPT_BOOL, JPF_PSEUDO, "false")                                    \
	X(EXEC_JAIL_USER, "exec.jail_user", JPT_STRING, JPF_PSEUDO, NULL)                             \
	X(EXEC_SYSTEM_JAIL_USER, "exec.system_jail_user", JPT_BOOL, JPF_PSEUDO, "false")              \
	X(EXEC_SYSTEM_USER, "exec.system_user", JPT_STRING, JPF_PSEUDO, NULL)                         \
	X(EXEC_TIMEOUT, "exec.timeout", JPT_INT, JPF_PSEUDO, NULL)                                    \
	X(EXEC_CONSOLELOG, "exec.consolelog", JPT_STRING, JPF_PSEUDO, NULL)                           \
	X(EXEC_FIB, "exec.fib", JPT_INT, JPF_PSEUDO | JPF_NEVER, NULL)                                \
	X(STOP_TIMEOUT, "stop.timeout", JPT_INT, JPF_PSEUDO, "10")                                    \
	X(MOUNT, "mount", JPT_CMDLIST, JPF_PSEUDO | JPF_CREATE_ONLY, NULL)                            \
	X(MOUNT_FSTAB, "mount.fstab", JPT_STRING, JPF_PSEUDO | JPF_CREATE_ONLY, NULL)                 \
	X(MOUNT_DEVFS, "mount.devfs", JPT_BOOL, JPF_PSEUDO, "true")                                   \
	X(MOUNT_FDESCFS, "mount.fdescfs", JPT_BOOL, JPF_PSEUDO, "true")                               \
	X(MOUNT_PROCFS, "mount.procfs", JPT_BOOL, JPF_PSEUDO, "true")                                 \
	X(DEPEND, "depend", JPT_LIST, JPF_PSEUDO, NULL)                                               \
	X(CGROUP_PARENT, "cgroup.parent", JPT_STRING, JPF_CREATE_ONLY, NULL)                          \
	X(THIN, "thin", JPT_STRING, JPF_PSEUDO | JPF_CREATE_ONLY, NULL)                               \
	X(USER_RANGE, "user.range", JPT_STRING, JPF_CREATE_ONLY, "private")                           \
	X(RCTL, "rctl", JPT_LIST, JPF_CREATE_ONLY, NULL) /* Linux: rctl rules of this jail */

enum jail_param_id {
#define X(id, name, type, flags, dflt) JP_##id,
	JAIL_PARAM_TABLE(X)
#undef X
		JP__COUNT
};

struct jail_param_def {
	const char *name;
	enum jp_type type;
	unsigned flags;
	const char *dflt;
};

extern const struct jail_param_def jail_param_defs[JP__COUNT];

struct jail_param_val {
	bool set;
	size_t n;
	char **v; /* n strings; a bool or scalar has n == 1 */
};

struct jail_params {
	struct jail_param_val val[JP__COUNT];
};

/* Find a parameter by name; *negated is set for FreeBSD's "noX" booleans. */
int jail_param_lookup(const char *name, bool *negated);

/*
 * Apply "name", "noname", "name=value" or "name+=value" as given on the
 * command line or in jail.conf. Lists split on commas when split is true.
 */
int jail_params_set_arg(struct jail_params *p, const char *arg, bool split, struct jail_err *e);
/* Set (or with append, add to) one parameter from already-split values. */
int jail_params_set(struct jail_params *p, enum jail_param_id id, const char *const *vals, size_t n,
		    bool append, struct jail_err *e);
void jail_params_clear(struct jail_params *p, enum jail_param_id id);
/* A deep copy of src into dst (which is overwritten); on failure dst is empty. */
int jail_params_copy(struct jail_params *dst, const struct jail_params *src, struct jail_err *e);
void jail_params_free(struct jail_params *p);

/* Typed getters; they fall back to the table's default. */
const char *jail_params_str(const struct jail_params *p, enum jail_param_id id);
long jail_params_int(const struct jail_params *p, enum jail_param_id id);
bool jail_params_bool(const struct jail_params *p, enum jail_param_id id);
bool jail_params_isset(const struct jail_params *p, enum jail_param_id id);
const struct jail_param_val *jail_params_get(const struct jail_params *p, enum jail_param_id id);

/* Parse FreeBSD's boolean spellings; -EINVAL if none fits. */
int jail_parse_bool(const char *s, bool *out);
/* Validate a jail name (FreeBSD rules: not empty, no '.'); all digits is checked against the JID
 * when the jail is made (jail_plan_resolve). */
int jail_name_valid(const char *name, struct jail_err *e);

#endif
