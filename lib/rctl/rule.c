/*
 * The rctl(8) grammar, as FreeBSD splits it: "subject:subject-id:resource:
 * action=amount/per", where a filter may leave any field but per empty.
 * Two layers, as on FreeBSD: what the rctl command rewrites before the
 * kernel sees a rule (abbreviations, user names, unit suffixes: expand),
 * and what the kernel accepts (parse). Output is the kernel's format, and
 * -h humanizes amounts exactly as libutil's humanize_number does, so the
 * text is byte for byte FreeBSD's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cleanup.h"
#include "jail/rctl.h"

static const char *const subject_names[RS__COUNT] = {"process", "user", "loginclass", "jail"};

static const char *const resource_names[RR__COUNT] = {
	"cputime",   "datasize",   "stacksize",	      "coredumpsize", "memoryuse", "memorylocked", "maxproc",
	"openfiles", "vmemoryuse", "pseudoterminals", "swapuse",      "nthr",	   "msgqqueued",   "msgqsize",
	"nmsgq",     "nsem",	   "nsemop",	      "nshm",	      "shmsize",   "wallclock",	   "pcpu",
	"readbps",   "writebps",   "readiops",	      "writeiops",
};

/* FreeBSD's signal actions in its order; 0 where Linux has no such signal. */
static const struct {
	const char *name;
	int sig;
} signal_actions[] = {
	{"sighup", SIGHUP},	  {"sigint", SIGINT},	{"sigquit", SIGQUIT},	{"sigill", SIGILL},
	{"sigtrap", SIGTRAP},	  {"sigabrt", SIGABRT}, {"sigemt", 0},		{"sigfpe", SIGFPE},
	{"sigkill", SIGKILL},	  {"sigbus", SIGBUS},	{"sigsegv", SIGSEGV},	{"sigsys", SIGSYS},
	{"sigpipe", SIGPIPE},	  {"sigalrm", SIGALRM}, {"sigterm", SIGTERM},	{"sigurg", SIGURG},
	{"sigstop", SIGSTOP},	  {"sigtstp", SIGTSTP}, {"sigchld", SIGCHLD},	{"sigttin", SIGTTIN},
	{"sigttou", SIGTTOU},	  {"sigio", SIGIO},	{"sigxcpu", SIGXCPU},	{"sigxfsz", SIGXFSZ},
	{"sigvtalrm", SIGVTALRM}, {"sigprof", SIGPROF}, {"sigwinch", SIGWINCH}, {"siginfo", 0},
	{"sigusr1", SIGUSR1},	  {"sigusr2", SIGUSR2}, {"sigthr", 0},
};
#define NSIGACT ((int)ARRAY_SIZE(signal_actions))

static const char *const other_actions[] = {"deny", "log", "devctl", "throttle"};

const char *rctl_subject_name(int s)
{
	return s >= 0 && s < RS__COUNT ? subject_names[s] : "";
}

const char *rctl_resource_name(int r)
{
	return r >= 0 && r < RR__COUNT ? resource_names[r] : "";
}

const char *rctl_action_name(int a)
{
	if (a >= 0 && a < NSIGACT)
		return signal_actions[a].name;
	if (a >= RA_DENY && a <= RA_THROTTLE)
		return other_actions[a - RA_DENY];
	return "";
}

bool rctl_action_is_signal(int a)
{
	return a >= 0 && a < NSIGACT;
}

int rctl_action_signal(int a)
{
	return rctl_action_is_signal(a) ? signal_actions[a].sig : 0;
}

static int lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcasecmp(names[i], s))
			return i;
	return -1;
}

int rctl_resource_lookup(const char *name)
{
	return lookup(resource_names, RR__COUNT, name);
}

static int action_lookup(const char *s)
{
	for (int i = 0; i < NSIGACT; i++)
		if (!strcasecmp(signal_actions[i].name, s))
			return i;
	int k = lookup(other_actions, (int)ARRAY_SIZE(other_actions), s);
	return k < 0 ? -1 : RA_DENY + k;
}

int rctl_expand_number(const char *s, uint64_t *out)
{
	char *end;
	unsigned shift = 0;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	uintmax_t v = strtoumax(s, &end, 0);
	if (errno != 0)
		return -errno;
	if (end == s)
		return -EINVAL;
	switch (tolower((unsigned char)*end)) {
	case 'e':
		shift = 60;
		break;
	case 'p':
		shift = 50;
		break;
	case 't':
		shift = 40;
		break;
	case 'g':
		shift = 30;
		break;
	case 'm':
		shift = 20;
		break;
	case 'k':
		shift = 10;
		break;
	case 'b':
	case '\0':
		*out = (uint64_t)v;
		return 0;
	default:
		return -EINVAL;
	}
	/* Like libutil, anything after the unit letter is ignored. */
	if (((uint64_t)v << shift) >> shift != v)
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

void rctl_humanize(char buf[8], long long n)
{
	/* humanize_number(buf, 6, n, "", HN_AUTOSCALE, HN_DECIMAL | HN_NOSPACE), divisor 1024. */
	static const char *const prefix[] = {"", "K", "M", "G", "T", "P", "E"};
	const long long divisor = 1024, deccut = 973;
	long long q = n < 0 ? -n : n, rem = 0, max = 1;
	int sign = n < 0 ? -1 : 1, i;
	int room = 6 - (n < 0 ? 3 : 2); /* digits besides the one baselen counts */

	for (int k = room; k > 0; k--)
		max *= 10;
	for (i = 0; (q >= max || (q == max - 1 && (rem >= deccut || rem >= divisor / 2))) && i < 6; i++) {
		rem = q % divisor;
		q /= divisor;
	}
	char tmp[48];
	if (((q == 9 && rem < deccut) || q < 9) && i > 0) {
		long long s1 = q + ((rem * 10 + divisor / 2) / divisor / 10);
		long long s2 = ((rem * 10 + divisor / 2) / divisor) % 10;
		snprintf(tmp, sizeof(tmp), "%lld.%lld%s", sign * s1, s2, prefix[i]);
	} else {
		snprintf(tmp, sizeof(tmp), "%lld%s", sign * (q + (rem + divisor / 2) / divisor), prefix[i]);
	}
	/* A 6-byte buffer, as rctl(8) gives humanize_number: at most 5 characters. */
	size_t l = strlen(tmp) < 5 ? strlen(tmp) : 5;
	memcpy(buf, tmp, l);
	buf[l] = '\0';
}

/* strsep as FreeBSD's rctl splits: NULL once the string ran out. */
static char *sep(char **s, const char *delim)
{
	return strsep(s, delim);
}

static int resolve_user(const char *rule, const char *s, char *out, size_t len, struct jail_err *e)
{
	struct passwd *pw = getpwnam(s);

	if (pw) {
		snprintf(out, len, "%d", (int)pw->pw_uid);
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return jail_err_set(e, -EINVAL, "malformed rule '%s': unknown user '%s'", rule, s);
	char *end;
	double id = strtod(s, &end);
	if (*end != '\0')
		return jail_err_set(e, -EINVAL, "malformed rule '%s': trailing characters after numerical id",
				    rule);
	snprintf(out, len, "%d", (int)id);
	return 0;
}

static int expand_amount(const char *resolved, const char *rule, char *out, size_t len, struct jail_err *e)
{
	_cleanup_free_ char *copy = strdup(resolved);
	char *c = copy;
	uint64_t num;

	if (!copy)
		return jail_err_set(e, -ENOMEM, "out of memory");
	const char *subject = sep(&c, ":"), *id = sep(&c, ":"), *resource = sep(&c, ":");
	const char *action = sep(&c, "=/"), *amount = sep(&c, "/"), *per = c;
	if (!amount || !*amount) {
		snprintf(out, len, "%s", resolved);
		return 0;
	}
	if (rctl_expand_number(amount, &num) < 0)
		return jail_err_set(e, -EINVAL, "malformed rule '%s': invalid numeric value '%s'", rule,
				    amount);
	if (per)
		snprintf(out, len, "%s:%s:%s:%s=%" PRIu64 "/%s", subject, id, resource, action, num, per);
	else
		snprintf(out, len, "%s:%s:%s:%s=%" PRIu64, subject, id, resource, action, num);
	return 0;
}

int rctl_expand_rule(const char *arg, bool resolve_ids, char *out, size_t len, struct jail_err *e)
{
	return rctl_expand_rule_as(arg, arg, resolve_ids, out, len, e);
}

int rctl_expand_rule_as(const char *arg, const char *shown, bool resolve_ids, char *out, size_t len,
			struct jail_err *e)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *c = copy, resolved[1024], uid[32];

	if (!copy)
		return jail_err_set(e, -ENOMEM, "out of memory");
	const char *subject = sep(&c, ":"), *id = sep(&c, ":");
	if (!id)
		return jail_err_set(e, -EINVAL, "malformed rule '%s': missing subject", shown);
	const char *rest = c ? c : "";
	if (!strcasecmp(subject, "u"))
		subject = "user";
	else if (!strcasecmp(subject, "g"))
		subject = "group";
	else if (!strcasecmp(subject, "p"))
		subject = "process";
	else if (!strcasecmp(subject, "l") || !strcasecmp(subject, "c") || !strcasecmp(subject, "class"))
		subject = "loginclass";
	else if (!strcasecmp(subject, "j"))
		subject = "jail";
	if (resolve_ids && !strcasecmp(subject, "user") && *id) {
		int r = resolve_user(shown, id, uid, sizeof(uid), e);
		if (r < 0)
			return r;
		id = uid;
	}
	snprintf(resolved, sizeof(resolved), "%s:%s:%s", subject, id, rest);
	return expand_amount(resolved, shown, out, len, e);
}

/* The kernel's str2int64: decimal, whole string, not negative. */
static int str2int64(const char *s, long long *v)
{
	char *end;

	errno = 0;
	unsigned long long u = strtoull(s, &end, 10);
	if (*end != '\0' || end == s)
		return -EINVAL;
	if (errno == ERANGE || (long long)u < 0)
		return -ERANGE;
	*v = (long long)u;
	return 0;
}

static bool in_millions(int r)
{
	return r == RR_CPUTIME || r == RR_WALLCLOCK || r == RR_PCPU;
}

int rctl_rule_parse(const char *s, struct rctl_rule *r)
{
	_cleanup_free_ char *copy = strdup(s);
	char *c = copy;

	memset(r, 0, sizeof(*r));
	r->subject = r->resource = r->per = -1;
	r->action = RA_UNDEF;
	r->amount = RCTL_AMOUNT_UNDEF;
	if (!copy)
		return -ENOMEM;
	const char *subject = sep(&c, ":"), *id = sep(&c, ":"), *resource = sep(&c, ":");
	const char *action = sep(&c, "=/"), *amount = sep(&c, "/"), *per = c;

	if (subject && *subject && (r->subject = lookup(subject_names, RS__COUNT, subject)) < 0)
		return -EINVAL;
	if (id && *id) {
		if (r->subject < 0)
			return -EINVAL;
		if (r->subject == RS_PROCESS || r->subject == RS_USER) {
			long long v;
			if (str2int64(id, &v) < 0)
				return -EINVAL;
		}
		if (strlen(id) >= RCTL_ID_MAX || (r->subject == RS_LOGINCLASS && strlen(id) >= 33))
			return -ENAMETOOLONG;
		snprintf(r->id, sizeof(r->id), "%s", id);
	}
	if (resource && *resource && (r->resource = rctl_resource_lookup(resource)) < 0)
		return -EINVAL;
	if (action && *action && (r->action = action_lookup(action)) < 0)
		return -EINVAL;
	if (amount && *amount) {
		int ret = str2int64(amount, &r->amount);
		if (ret < 0)
			return ret;
		if (in_millions(r->resource) && r->amount > INT64_MAX / 1000000)
			return -ERANGE;
	}
	if (per && *per && (r->per = lookup(subject_names, RS__COUNT, per)) < 0)
		return -EINVAL;
	return 0;
}

bool rctl_rule_complete(const struct rctl_rule *r)
{
	return r->subject >= 0 && r->id[0] && r->resource >= 0 && r->action != RA_UNDEF &&
	       r->amount != RCTL_AMOUNT_UNDEF && r->per >= 0;
}

void rctl_rule_format(const struct rctl_rule *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s:%s:%s:%s=%lld", rctl_subject_name(r->subject), r->id,
			 rctl_resource_name(r->resource), rctl_action_name(r->action), r->amount);

	if (r->per != r->subject && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "/%s", rctl_subject_name(r->per));
}

bool rctl_rule_matches(const struct rctl_rule *r, const struct rctl_rule *f)
{
	if (f->subject >= 0) {
		if (r->subject != f->subject)
			return false;
		if (f->id[0] && strcmp(r->id, f->id) != 0)
			return false;
	}
	if (f->resource >= 0 && r->resource != f->resource)
		return false;
	if (f->action != RA_UNDEF && r->action != f->action)
		return false;
	if (f->amount != RCTL_AMOUNT_UNDEF && r->amount != f->amount)
		return false;
	if (f->per >= 0 && r->per != f->per)
		return false;
	return true;
}

void rctl_rule_humanize(const char *rule, char *out, size_t len)
{
	_cleanup_free_ char *copy = strdup(rule);
	char *c = copy, buf[8];
	long long num;

	snprintf(out, len, "%s", rule);
	if (!copy)
		return;
	const char *subject = sep(&c, ":"), *id = sep(&c, ":"), *resource = sep(&c, ":");
	const char *action = sep(&c, "=/"), *amount = sep(&c, "/"), *per = c;
	if (!amount || !*amount || str2int64(amount, &num) < 0)
		return;
	rctl_humanize(buf, num);
	if (per)
		snprintf(out, len, "%s:%s:%s:%s=%s/%s", subject, id, resource, action, buf, per);
	else
		snprintf(out, len, "%s:%s:%s:%s=%s", subject, id, resource, action, buf);
}
