/*
 * linux.seccomp (config-linux.md "Seccomp") read and compiled with
 * libseccomp into classic BPF held in memory, so the create path can load
 * it in the container's init after everything else and before exec, with
 * no allocation between fork and exec. Every action, architecture, operator
 * and filter flag of the spec is mapped; user notification (SCMP_ACT_NOTIFY,
 * listenerPath) is refused because no listener is implemented.
 *
 * Like runc and crun, a syscall name libseccomp does not know is skipped
 * (profiles list calls newer than the library; a call the kernel does not
 * have cannot be made) and reported through the parse options' warn hook.
 * Several conditions on one argument index cannot be ANDed by libseccomp;
 * as Docker's profiles expect, they become one rule each (ORed).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci_int.h"
#include "ojson.h"

#define ERRNO_MAX 4095

const char *const oci_seccomp_action_names[] = {
	[OCI_SCMP_KILL] = "SCMP_ACT_KILL",
	[OCI_SCMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[OCI_SCMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
	[OCI_SCMP_TRAP] = "SCMP_ACT_TRAP",
	[OCI_SCMP_ERRNO] = "SCMP_ACT_ERRNO",
	[OCI_SCMP_TRACE] = "SCMP_ACT_TRACE",
	[OCI_SCMP_ALLOW] = "SCMP_ACT_ALLOW",
	[OCI_SCMP_LOG] = "SCMP_ACT_LOG",
	[OCI_SCMP_NOTIFY] = "SCMP_ACT_NOTIFY",
	NULL,
};

const char *const oci_seccomp_op_names[] = {
	[OCI_SCMP_CMP_NE] = "SCMP_CMP_NE",
	[OCI_SCMP_CMP_LT] = "SCMP_CMP_LT",
	[OCI_SCMP_CMP_LE] = "SCMP_CMP_LE",
	[OCI_SCMP_CMP_EQ] = "SCMP_CMP_EQ",
	[OCI_SCMP_CMP_GE] = "SCMP_CMP_GE",
	[OCI_SCMP_CMP_GT] = "SCMP_CMP_GT",
	[OCI_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
	NULL,
};

static const enum scmp_compare ops[] = {
	[OCI_SCMP_CMP_NE] = SCMP_CMP_NE,
	[OCI_SCMP_CMP_LT] = SCMP_CMP_LT,
	[OCI_SCMP_CMP_LE] = SCMP_CMP_LE,
	[OCI_SCMP_CMP_EQ] = SCMP_CMP_EQ,
	[OCI_SCMP_CMP_GE] = SCMP_CMP_GE,
	[OCI_SCMP_CMP_GT] = SCMP_CMP_GT,
	[OCI_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static const struct {
	const char *name;
	uint32_t arch;
} archs[] = {
	{"SCMP_ARCH_X86", SCMP_ARCH_X86},
	{"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
	{"SCMP_ARCH_X32", SCMP_ARCH_X32},
	{"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
	{"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
	{"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
	{"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
	{"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
	{"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
	{"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
	{"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
	{"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
	{"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
	{"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
	{"SCMP_ARCH_S390", SCMP_ARCH_S390},
	{"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
	{"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
	{"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
	{"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
	{"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
#ifdef SCMP_ARCH_M68K
	{"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#endif
#ifdef SCMP_ARCH_SHEB
	{"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
	{"SCMP_ARCH_SH", SCMP_ARCH_SH},
#endif
};

const char *const oci_seccomp_arch_names[] = {
	"SCMP_ARCH_X86",
	"SCMP_ARCH_X86_64",
	"SCMP_ARCH_X32",
	"SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64",
	"SCMP_ARCH_MIPS",
	"SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL",
	"SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32",
	"SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE",
	"SCMP_ARCH_S390",
	"SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC",
	"SCMP_ARCH_PARISC64",
	"SCMP_ARCH_RISCV64",
#ifdef SCMP_ARCH_LOONGARCH64
	"SCMP_ARCH_LOONGARCH64",
#endif
#ifdef SCMP_ARCH_M68K
	"SCMP_ARCH_M68K",
#endif
#ifdef SCMP_ARCH_SHEB
	"SCMP_ARCH_SHEB",
	"SCMP_ARCH_SH",
#endif
	NULL,
};

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The flags the spec names; the last one needs a notify listener. */
const char *const oci_seccomp_flag_names[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					      "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
					      "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
static const unsigned flag_bits[] = {SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG,
				     SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV};

bool oci_seccomp_flag_supported(unsigned f)
{
	/* With a NULL program the kernel checks the flags first: EFAULT means
	 * it knows them, EINVAL that it does not (runc and crun probe so). */
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL) < 0 && errno == EFAULT;
}

static int name_index(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

static int parse_action(json_t *o, const char *key, const char *f, enum oci_seccomp_action *out,
			struct jail_err *e)
{
	char fk[OJ_FIELD_MAX];
	char *s = NULL;
	int r = oj_str(o, key, f, true, &s, e), a;

	if (r < 0)
		return r;
	a = name_index(oci_seccomp_action_names, s);
	oj_key(fk, f, key);
	if (a < 0)
		r = jail_err_set(e, -EINVAL, "%s: unknown action '%s'", fk, s);
	else if (a == OCI_SCMP_NOTIFY)
		r = jail_err_set(e, -EOPNOTSUPP,
				 "%s: not supported: SCMP_ACT_NOTIFY needs a seccomp notify listener", fk);
	free(s);
	*out = (enum oci_seccomp_action)a;
	return r < 0 ? r : 0;
}

/* errnoRet only makes sense for actions that return a value. */
static int parse_errno(json_t *o, const char *key, const char *f, enum oci_seccomp_action act, bool *has,
		       unsigned *out, struct jail_err *e)
{
	char fk[OJ_FIELD_MAX];
	int64_t v;
	int r = oj_range(o, key, f, false, 0, ERRNO_MAX, &v, has, e);

	if (r <= 0)
		return r;
	if (act != OCI_SCMP_ERRNO && act != OCI_SCMP_TRACE)
		return jail_err_set(e, -EINVAL, "%s: only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE",
				    oj_key(fk, f, key));
	*out = (unsigned)v;
	return 0;
}

static int parse_args(json_t *x, const char *f, struct oci_seccomp_rule *rule, struct jail_err *e)
{
	char fa[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *a = oj_get(x, "args"), *y;
	size_t i;
	int r;

	oj_key(fa, f, "args");
	if (!a)
		return 0;
	if ((r = oj_want(a, JSON_ARRAY, fa, e)) < 0)
		return r;
	rule->args = calloc(json_array_size(a) + 1, sizeof(*rule->args));
	if (!rule->args)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, y)
	{
		struct oci_seccomp_arg *g = &rule->args[i];
		struct oci_u64 v = {0}, v2 = {0};
		char *op = NULL;
		int64_t idx;
		int k;

		oj_idx(fi, fa, i);
		if ((r = oj_want(y, JSON_OBJECT, fi, e)) < 0 ||
		    (r = oj_range(y, "index", fi, true, 0, 5, &idx, NULL, e)) < 0 ||
		    (r = oj_u64(y, "value", fi, &v, e)) < 0 || (r = oj_u64(y, "valueTwo", fi, &v2, e)) < 0 ||
		    (r = oj_str(y, "op", fi, true, &op, e)) < 0)
			return r;
		k = name_index(oci_seccomp_op_names, op);
		if (k < 0) {
			r = jail_err_set(e, -EINVAL, "%s.op: unknown operator '%s'", fi, op);
			free(op);
			return r;
		}
		free(op);
		if (!v.set)
			return jail_err_set(e, -EINVAL, "%s.value: missing", fi);
		*g = (struct oci_seccomp_arg){(unsigned)idx, v.v, v2.v, (enum oci_seccomp_op)k};
		rule->n_args = i + 1;
	}
	return 0;
}

static int parse_rules(json_t *s, struct oci_seccomp *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *a = oj_get(s, "syscalls"), *x;
	size_t i;
	int r;

	if (!a)
		return 0;
	if ((r = oj_want(a, JSON_ARRAY, "linux.seccomp.syscalls", e)) < 0)
		return r;
	out->rules = calloc(json_array_size(a) + 1, sizeof(*out->rules));
	if (!out->rules)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		struct oci_seccomp_rule *rule = &out->rules[i];

		out->n_rules = i + 1;
		oj_idx(f, "linux.seccomp.syscalls", i);
		if ((r = oj_want(x, JSON_OBJECT, f, e)) < 0 ||
		    (r = oj_strv(x, "names", f, &rule->names, &rule->n_names, e)) < 0 ||
		    (r = parse_action(x, "action", f, &rule->action, e)) < 0 ||
		    (r = parse_errno(x, "errnoRet", f, rule->action, &rule->has_errno, &rule->errno_ret, e)) <
			    0 ||
		    (r = parse_args(x, f, rule, e)) < 0)
			return r;
		if (!rule->n_names)
			return jail_err_set(e, -EINVAL, "%s.names: at least one name is required", f);
	}
	return 0;
}

static int parse_archs_flags(json_t *s, struct oci_seccomp *out, struct jail_err *e)
{
	char **v = NULL;
	size_t n = 0;
	int r = oj_strv(s, "architectures", "linux.seccomp", &v, &n, e);

	if (r < 0)
		return r;
	out->archs = calloc(n + 1, sizeof(*out->archs));
	if (!out->archs) {
		oj_strv_free(v);
		return jail_err_set(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < sizeof(archs) / sizeof(archs[0]); k++)
			if (!strcmp(v[i], archs[k].name))
				break;
		if (k == sizeof(archs) / sizeof(archs[0])) {
			r = jail_err_set(e, -EINVAL,
					 "linux.seccomp.architectures[%zu]: unknown architecture '%s'", i,
					 v[i]);
			oj_strv_free(v);
			return r;
		}
		out->archs[out->n_archs++] = archs[k].arch;
	}
	oj_strv_free(v);
	v = NULL;
	n = 0;
	if ((r = oj_strv(s, "flags", "linux.seccomp", &v, &n, e)) < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		int k = name_index(oci_seccomp_flag_names, v[i]);

		if (k < 0)
			r = jail_err_set(e, -EINVAL, "linux.seccomp.flags[%zu]: unknown flag '%s'", i, v[i]);
		else if (flag_bits[k] == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
			r = jail_err_set(
				e, -EOPNOTSUPP,
				"linux.seccomp.flags[%zu]: not supported: %s needs a seccomp notify listener",
				i, v[i]);
		else
			out->flags |= flag_bits[k];
	}
	oj_strv_free(v);
	return r < 0 ? r : 0;
}

int oci_seccomp_parse(json_t *s, const struct oci_parse_opts *o, struct oci_seccomp *out, struct jail_err *e)
{
	int r;

	(void)o;
	if ((r = oj_want(s, JSON_OBJECT, "linux.seccomp", e)) < 0 ||
	    (r = parse_action(s, "defaultAction", "linux.seccomp", &out->default_action, e)) < 0 ||
	    (r = parse_errno(s, "defaultErrnoRet", "linux.seccomp", out->default_action,
			     &out->has_default_errno, &out->default_errno, e)) < 0 ||
	    (r = parse_archs_flags(s, out, e)) < 0 ||
	    (r = oj_refuse(s, "listenerPath", "linux.seccomp", "no seccomp notify listener is implemented",
			   e)) < 0 ||
	    (r = oj_refuse(s, "listenerMetadata", "linux.seccomp",
			   "no seccomp notify listener is implemented", e)) < 0 ||
	    (r = parse_rules(s, out, e)) < 0)
		return r;
	out->set = true;
	return 0;
}

void oci_seccomp_free(struct oci_seccomp *s)
{
	free(s->archs);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_rules; i++) {
		oj_strv_free(s->rules[i].names);
		free(s->rules[i].args);
	}
	free(s->rules);
	memset(s, 0, sizeof(*s));
}

static uint32_t scmp_action(enum oci_seccomp_action a, bool has_errno, unsigned err)
{
	unsigned ret = has_errno ? err : EPERM; /* the spec's default errnoRet */

	switch (a) {
	case OCI_SCMP_KILL:
		return SCMP_ACT_KILL;
	case OCI_SCMP_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case OCI_SCMP_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case OCI_SCMP_TRAP:
		return SCMP_ACT_TRAP;
	case OCI_SCMP_ERRNO:
		return SCMP_ACT_ERRNO(ret);
	case OCI_SCMP_TRACE:
		return SCMP_ACT_TRACE(ret);
	case OCI_SCMP_LOG:
		return SCMP_ACT_LOG;
	case OCI_SCMP_ALLOW:
	case OCI_SCMP_NOTIFY: /* refused when parsed */
		break;
	}
	return SCMP_ACT_ALLOW;
}

static int add_rule(scmp_filter_ctx ctx, const struct oci_seccomp_rule *rule, size_t ri, uint32_t act, int nr,
		    const char *name, struct jail_err *e)
{
	struct scmp_arg_cmp c[6];
	unsigned count[6] = {0};
	bool split = false;
	int r = 0;

	for (size_t i = 0; i < rule->n_args && i < 6; i++) {
		const struct oci_seccomp_arg *g = &rule->args[i];

		c[i] = (struct scmp_arg_cmp){g->index, ops[g->op], g->value, g->value_two};
		if (++count[g->index] > 1)
			split = true;
	}
	if (rule->n_args > 6)
		split = true;
	if (!split) {
		r = seccomp_rule_add_array(ctx, act, nr, (unsigned)rule->n_args, rule->n_args ? c : NULL);
	} else {
		for (size_t i = 0; i < rule->n_args && r >= 0; i++) {
			const struct oci_seccomp_arg *g = &rule->args[i];
			struct scmp_arg_cmp one = {g->index, ops[g->op], g->value, g->value_two};

			r = seccomp_rule_add_array(ctx, act, nr, 1, &one);
		}
	}
	if (r < 0)
		return jail_err_sys(e, r, "linux.seccomp.syscalls[%zu]: %s: libseccomp", ri, name);
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct oci_bpf *out, struct jail_err *e)
{
	int fd = memfd_create("oci-seccomp", MFD_CLOEXEC), r;
	struct stat sb;

	if (fd < 0)
		return jail_err_sys(e, -errno, "linux.seccomp: memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r == 0 && fstat(fd, &sb) < 0)
		r = -errno;
	if (r == 0 && (sb.st_size <= 0 || sb.st_size % (off_t)sizeof(struct sock_filter) ||
		       sb.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS))
		r = -E2BIG;
	if (r == 0 && !(out->insns = malloc((size_t)sb.st_size)))
		r = -ENOMEM;
	if (r == 0 && pread(fd, out->insns, (size_t)sb.st_size, 0) != sb.st_size)
		r = -EIO;
	close(fd);
	if (r < 0)
		return jail_err_sys(e, r, "linux.seccomp: exporting the filter");
	out->len = (unsigned short)(sb.st_size / (off_t)sizeof(struct sock_filter));
	return 0;
}

int oci_seccomp_compile(const struct oci_seccomp *s, struct oci_bpf *out, struct jail_err *e)
{
	uint32_t dflt = scmp_action(s->default_action, s->has_default_errno, s->default_errno);
	scmp_filter_ctx ctx;
	int r = 0;

	memset(out, 0, sizeof(*out));
	ctx = seccomp_init(dflt);
	if (!ctx)
		return jail_err_set(e, -EINVAL, "linux.seccomp.defaultAction: libseccomp refused it");
	/* The loader sets no_new_privs itself as process.noNewPrivileges says. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; i < s->n_archs && r >= 0; i++) {
		r = seccomp_arch_add(ctx, s->archs[i]);
		/* A filter holds one byte order; a process of the other order
		 * cannot run on this host, so its rules have nothing to apply to. */
		if (r == -EDOM)
			out->skipped_archs++;
		if (r == -EEXIST || r == -EDOM)
			r = 0;
		if (r < 0)
			jail_err_sys(e, r, "linux.seccomp.architectures[%zu]: libseccomp", i);
	}
	for (size_t i = 0; i < s->n_rules && r >= 0; i++) {
		const struct oci_seccomp_rule *rule = &s->rules[i];
		uint32_t act = scmp_action(rule->action, rule->has_errno, rule->errno_ret);

		/* libseccomp refuses a rule that repeats the default; it is a no-op. */
		if (act == dflt)
			continue;
		for (size_t k = 0; k < rule->n_names && r >= 0; k++) {
			int nr = seccomp_syscall_resolve_name(rule->names[k]);

			if (nr == __NR_SCMP_ERROR) {
				out->unknown_syscalls++;
				continue;
			}
			r = add_rule(ctx, rule, i, act, nr, rule->names[k], e);
		}
	}
	if (r >= 0)
		r = export_bpf(ctx, out, e);
	else if (e && !e->msg[0])
		jail_err_sys(e, r, "linux.seccomp: libseccomp");
	seccomp_release(ctx);
	out->flags = s->flags;
	if (r < 0)
		oci_bpf_free(out);
	return r < 0 ? r : 0;
}

int oci_seccomp_load(const struct oci_bpf *b, struct jail_err *e)
{
	struct sock_fprog prog = {.len = b->len, .filter = b->insns};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, b->flags, &prog) < 0)
		return jail_err_sys(e, -errno, "seccomp: loading the filter");
	return 0;
}

void oci_bpf_free(struct oci_bpf *b)
{
	free(b->insns);
	b->insns = NULL;
	b->len = 0;
}

int oci_seccomp_parse_text(const char *json, size_t len, struct oci_seccomp *out, struct jail_err *e)
{
	json_t *j = oj_loads(json, len, e);
	int r;

	memset(out, 0, sizeof(*out));
	if (!j)
		return e ? e->code : -EINVAL;
	r = oci_seccomp_parse(j, NULL, out, e);
	json_decref(j);
	if (r < 0)
		oci_seccomp_free(out);
	return r;
}
