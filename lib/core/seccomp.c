/*
 * Seccomp programs from the privilege table's rule lists (priv.c decides,
 * this file compiles): libseccomp builds and exports them as classic BPF,
 * a cache keeps compiled programs per exact input, and a jail's processes
 * load them last, after the bounding set is dropped.
 *
 * The cache key is a hash of everything the compiler is given: both rule
 * lists (syscall numbers, actions, argument comparisons), the filters'
 * default actions and attributes, the libseccomp version and the
 * architecture. A change to the table changes the rules and so the key;
 * nothing a rule depends on escapes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "priv.h"

#define CACHE_FORMAT 3

_Static_assert(SCMP_CMP_EQ == 4 && SCMP_CMP_GE == 5 && SCMP_CMP_MASKED_EQ == 7, "JAIL_CMP_* in priv.h");

int jail_rules_add(struct jail_rules *r, int nr, uint32_t action, unsigned ncmp,
		   const struct jail_rule_cmp *cmp)
{
	struct jail_rule *nv;

	if (ncmp > JAIL_RULE_CMPS)
		return -E2BIG;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		nv = realloc(r->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		r->v = nv;
		r->cap = cap;
	}
	nv = &r->v[r->n++];
	memset(nv, 0, sizeof(*nv));
	nv->nr = nr;
	nv->action = action;
	nv->nargs = ncmp;
	for (unsigned i = 0; i < ncmp; i++)
		nv->cmp[i] = cmp[i];
	return 0;
}

void jail_rules_free(struct jail_rules *r)
{
	free(r->v);
	*r = (struct jail_rules){0};
}

static struct scmp_arg_cmp arg_cmp(const struct jail_rule_cmp *c)
{
	/* MASKED_EQ takes (mask, datum); the others (datum, unused). */
	if (c->op == SCMP_CMP_MASKED_EQ)
		return (struct scmp_arg_cmp){c->arg, SCMP_CMP_MASKED_EQ, c->mask, c->datum};
	return (struct scmp_arg_cmp){c->arg, (enum scmp_compare)c->op, c->datum, 0};
}

static int add_rules(scmp_filter_ctx ctx, const struct jail_rules *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct jail_rule *x = &r->v[i];
		struct scmp_arg_cmp a[JAIL_RULE_CMPS];
		for (unsigned k = 0; k < JAIL_RULE_CMPS; k++)
			a[k] = arg_cmp(&x->cmp[k]);
		int ret = seccomp_rule_add_array(ctx, x->action, x->nr, x->nargs, a);
		if (ret < 0 && ret != -EEXIST)
			return ret;
	}
	return 0;
}

static int prepare_ctx(scmp_filter_ctx ctx)
{
	/* Any other ABI (i386 via int 0x80, x32) is killed outright. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	return r;
}

/* Export a libseccomp filter as classic BPF into memory. */
static int export(scmp_filter_ctx ctx, void **insns, unsigned short *len)
{
	_cleanup_close_ int fd = memfd_create("jail-seccomp", MFD_CLOEXEC);
	struct stat sb;
	int r;

	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return r;
	if (fstat(fd, &sb) < 0)
		return -errno;
	if (sb.st_size <= 0 || sb.st_size % (off_t)sizeof(struct sock_filter) ||
	    sb.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return -E2BIG;
	*insns = malloc((size_t)sb.st_size);
	if (!*insns)
		return -ENOMEM;
	if (pread(fd, *insns, (size_t)sb.st_size, 0) != sb.st_size)
		return -EIO;
	*len = (unsigned short)(sb.st_size / (off_t)sizeof(struct sock_filter));
	return 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ULL;
	return h;
}

/* FNV-1a over everything the programs depend on: the table, the switches, libseccomp. */
static uint64_t hash_rules(uint64_t h, const struct jail_rules *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct jail_rule *x = &r->v[i];
		uint64_t words[3 + 4 * JAIL_RULE_CMPS] = {(uint64_t)x->nr, x->action, x->nargs};
		for (int k = 0; k < JAIL_RULE_CMPS; k++) {
			words[3 + 4 * k] = x->cmp[k].arg;
			words[4 + 4 * k] = (uint64_t)x->cmp[k].op;
			words[5 + 4 * k] = x->cmp[k].mask;
			words[6 + 4 * k] = x->cmp[k].datum;
		}
		h = fnv(h, words, sizeof(words));
	}
	return fnv(h, "|", 1);
}

static uint64_t cache_key(const struct jail_rules *allow, const struct jail_rules *args)
{
	const struct scmp_version *v = seccomp_version();
	uint64_t h = 1469598103934665603ULL;
	uint64_t fixed[] = {CACHE_FORMAT,     v ? v->major : 0,	     v ? v->minor : 0,
			    v ? v->micro : 0, seccomp_arch_native(), SCMP_ACT_ERRNO(ENOSYS),
			    SCMP_ACT_ALLOW,   SCMP_ACT_KILL_PROCESS};

	h = fnv(h, fixed, sizeof(fixed));
	h = hash_rules(h, allow);
	return hash_rules(h, args);
}

struct cache_hdr {
	uint32_t magic;
	uint16_t allow_len, args_len;
};
#define CACHE_MAGIC 0x4a53434dU /* "JSCM" */

static int cache_read(const char *file, struct jail_seccomp *out)
{
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct cache_hdr h;
	struct stat sb;
	size_t a, b;

	if (fd < 0)
		return -errno;
	/* Only a file root wrote and nobody else can change is trusted. */
	if (fstat(fd, &sb) < 0 || sb.st_uid != 0 || (sb.st_mode & 022) || !S_ISREG(sb.st_mode))
		return -EPERM;
	if (read(fd, &h, sizeof(h)) != sizeof(h) || h.magic != CACHE_MAGIC)
		return -EINVAL;
	a = (size_t)h.allow_len * sizeof(struct sock_filter);
	b = (size_t)h.args_len * sizeof(struct sock_filter);
	if (!h.allow_len || !h.args_len || (off_t)(sizeof(h) + a + b) != sb.st_size)
		return -EINVAL;
	out->allow = malloc(a);
	out->args = malloc(b);
	if (!out->allow || !out->args)
		return -ENOMEM;
	if (read(fd, out->allow, a) != (ssize_t)a || read(fd, out->args, b) != (ssize_t)b)
		return -EIO;
	out->allow_len = h.allow_len;
	out->args_len = h.args_len;
	return 0;
}

static void cache_write(const char *dir, const char *file, const struct jail_seccomp *s)
{
	struct cache_hdr h = {CACHE_MAGIC, s->allow_len, s->args_len};
	char tmp[PATH_MAX + 96];
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	snprintf(tmp, sizeof(tmp), "%s.%d", file, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	bool ok = write(fd, &h, sizeof(h)) == sizeof(h) &&
		  write(fd, s->allow, s->allow_len * sizeof(struct sock_filter)) ==
			  (ssize_t)(s->allow_len * sizeof(struct sock_filter)) &&
		  write(fd, s->args, s->args_len * sizeof(struct sock_filter)) ==
			  (ssize_t)(s->args_len * sizeof(struct sock_filter));
	if (close(fd) < 0)
		ok = false;
	if (!ok || rename(tmp, file) < 0)
		unlink(tmp);
}

void jail_seccomp_free(struct jail_seccomp *s)
{
	free(s->allow);
	free(s->args);
	s->allow = s->args = NULL;
	s->allow_len = s->args_len = 0;
}

/* Build one program: default action def, then the rules. */
static int compile_one(const struct jail_rules *r, uint32_t def, void **insns, unsigned short *len)
{
	scmp_filter_ctx ctx = seccomp_init(def);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = prepare_ctx(ctx);
	if (ret == 0)
		ret = add_rules(ctx, r);
	if (ret == 0)
		ret = export(ctx, insns, len);
	seccomp_release(ctx);
	return ret;
}

int jail_priv_compile(const struct jail_priv *priv, const char *cachedir, struct jail_seccomp *out,
		      struct jail_err *e)
{
	struct jail_rules allow = {0}, args = {0};
	char dir[PATH_MAX], file[PATH_MAX + 64];
	int r;

	memset(out, 0, sizeof(*out));
	r = jail_priv_rules(priv, &allow, &args);
	if (r < 0) {
		jail_err_sys(e, r, "seccomp: building the rules");
		goto out;
	}
	if (cachedir) {
		snprintf(dir, sizeof(dir), "%s/cache", cachedir);
		snprintf(file, sizeof(file), "%s/seccomp-%016llx.bpf", dir,
			 (unsigned long long)cache_key(&allow, &args));
		if (cache_read(file, out) == 0)
			goto out;
		jail_seccomp_free(out);
	}
	/* Unknown syscalls: ENOSYS, so that libc falls back; argument rules: allow unless denied. */
	r = compile_one(&allow, SCMP_ACT_ERRNO(ENOSYS), &out->allow, &out->allow_len);
	if (r == 0)
		r = compile_one(&args, SCMP_ACT_ALLOW, &out->args, &out->args_len);
	if (r < 0) {
		jail_seccomp_free(out);
		jail_err_sys(e, r, "seccomp: compiling the filters");
		goto out;
	}
	if (cachedir)
		cache_write(dir, file, out);
out:
	jail_rules_free(&allow);
	jail_rules_free(&args);
	return r;
}

static int load_prog(void *insns, unsigned short len, struct jail_err *e, const char *what)
{
	struct sock_fprog prog = {.len = len, .filter = insns};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return jail_err_sys(e, -errno, "seccomp: loading the %s filter", what);
	return 0;
}

int jail_priv_lockdown(const struct jail_priv *priv, const struct jail_seccomp *f, struct jail_err *e)
{
	int r;

	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (priv->caps & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return jail_err_sys(e, -errno, "dropping capability %d", cap);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return jail_err_sys(e, -errno, "clearing ambient capabilities");
	r = load_prog(f->args, f->args_len, e, "argument");
	if (r == 0)
		r = load_prog(f->allow, f->allow_len, e, "allowlist");
	return r;
}
