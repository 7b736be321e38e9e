/*
 * jls(8) output. The layouts are FreeBSD's usr.sbin/jls/jls.c byte for
 * byte, including what libxo makes of its format strings: in text mode the
 * {P:} paddings and {T:} titles, in JSON mode `"__version": "2"`, ", "
 * between containers, lists and instances but "," between leaf fields,
 * numbers bare and strings quoted. Values come from a jail's registry
 * state with the parameter table's defaults filled in, so a parameter the
 * creator never set still reads as the jail actually runs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "jail/jls.h"
#include "net/netaddr.h"
#include "util.h"

#define CMDLINE_MAX 4096  /* bytes of a command line shown by -p */
#define PROCS_MAX   65536 /* processes of one jail listed by -p */

/* jail(8)'s own parameters and Linux-only knobs the kernel of FreeBSD lacks. */
static bool jls_knows(const struct jail_param_def *d)
{
	return !(d->flags & JPF_PSEUDO);
}

/* FreeBSD's sort_param: top-level names first, then by name. */
static int cmp_param(const void *a, const void *b)
{
	const char *x = jail_param_defs[*(const int *)a].name, *y = jail_param_defs[*(const int *)b].name;
	bool dx = strchr(x, '.') != NULL, dy = strchr(y, '.') != NULL;

	if (dx != dy)
		return dx ? 1 : -1;
	return strcmp(x, y);
}

static int add_id(struct jls_out *o, int id, struct jail_err *e)
{
	for (int i = 0; i < o->nparams; i++)
		if (o->params[i] == id)
			return 0;
	if (o->nparams == JLS_PARAMS_MAX)
		return jail_err_set(e, -E2BIG, "too many parameters");
	o->params[o->nparams++] = id;
	return 0;
}

int jls_params_add(struct jls_out *o, const char *name, struct jail_err *e)
{
	if (!strcmp(name, "all")) {
		int all[JP__COUNT] = {0}, n = 0;
		for (int i = 0; i < JP__COUNT; i++)
			if (jls_knows(&jail_param_defs[i]) && !(jail_param_defs[i].flags & JPF_UNIMPL))
				all[n++] = i;
		qsort(all, (size_t)n, sizeof(all[0]), cmp_param);
		for (int i = 0; i < n; i++) {
			int r = add_id(o, all[i], e);
			if (r < 0)
				return r;
		}
		return 0;
	}
	for (int i = 0; i < JP__COUNT; i++)
		if (jls_knows(&jail_param_defs[i]) && !strcmp(jail_param_defs[i].name, name))
			return add_id(o, i, e);
	return jail_err_set(e, -ENOENT, "unknown parameter: %s", name);
}

int jls_quote_char(const char *s)
{
	if (strchr(s, '\''))
		return '"';
	if (strchr(s, '"'))
		return '\'';
	if (strchr(s, ' ') || strchr(s, '\t'))
		return '"';
	return 0;
}

static const char *ip_mode(const struct jail_params *p, enum jail_param_id mode, enum jail_param_id addr)
{
	if (jail_params_isset(p, mode))
		return jail_params_str(p, mode);
	/* FreeBSD: addresses imply ip4=new; a jail without them reports disable. */
	return jail_params_get(p, addr)->n > 0 ? "new" : "disable";
}

/*
 * FreeBSD's ip4.addr and ip6.addr hold addresses only: the "IF|" prefix and
 * the netmask are jail(8)'s, used to add an alias, and the kernel never
 * sees them. So jls shows each stored "h0|198.51.100.10/24" as
 * "198.51.100.10", in inet_ntop's form, packed one after another into buf.
 */
static void addrs_only(const struct jail_param_val *pv, int family, const char **v, size_t *n, char *buf,
		       size_t bufsz)
{
	struct jail_err e = {0};
	size_t used = 0;

	*n = 0;
	for (size_t i = 0; i < pv->n && i < JLS_VALUES_MAX && bufsz - used >= NETADDR_STRLEN; i++) {
		struct netaddr a;
		char *out = buf + used;
		if (netaddr_parse(&a, pv->v[i], family, &e) == 0) {
			netaddr_str(&a, false, out, NETADDR_STRLEN);
		} else {
			/* Validated when set; should a bad one get here, still cut it down. */
			const char *s = strchr(pv->v[i], '|') ? strchr(pv->v[i], '|') + 1 : pv->v[i];
			snprintf(out, NETADDR_STRLEN, "%.*s", (int)strcspn(s, "/ \t"), s);
		}
		v[(*n)++] = out;
		used += strlen(out) + 1;
	}
}

void jls_value(const struct jail_state *st, bool dying, enum jail_param_id id, const char **v, size_t *n,
	       char *buf, size_t bufsz)
{
	const struct jail_params *p = &st->params;
	const struct jail_param_def *d = &jail_param_defs[id];
	const struct jail_param_val *pv = jail_params_get(p, id);

	*n = 1;
	v[0] = buf;
	switch (id) {
	case JP_JID:
		snprintf(buf, bufsz, "%d", st->jid);
		return;
	case JP_NAME:
		v[0] = st->name;
		return;
	case JP_DYING:
		v[0] = dying ? "true" : "false";
		return;
	case JP_PARENT:
	case JP_CHILDREN_CUR:
		v[0] = "0"; /* no child jails on Linux yet */
		return;
	case JP_IP4:
		v[0] = ip_mode(p, JP_IP4, JP_IP4_ADDR);
		return;
	case JP_IP6:
		v[0] = ip_mode(p, JP_IP6, JP_IP6_ADDR);
		return;
	case JP_IP4_ADDR:
		addrs_only(pv, AF_INET, v, n, buf, bufsz);
		return;
	case JP_IP6_ADDR:
		addrs_only(pv, AF_INET6, v, n, buf, bufsz);
		return;
	case JP_OSRELEASE:
		if (!pv->set) {
			struct utsname u;
			snprintf(buf, bufsz, "%s", uname(&u) == 0 ? u.release : "");
			return;
		}
		break;
	default:
		break;
	}
	if (d->type == JPT_LIST || d->type == JPT_CMDLIST) {
		*n = pv->n < JLS_VALUES_MAX ? pv->n : JLS_VALUES_MAX;
		for (size_t i = 0; i < *n; i++)
			v[i] = pv->v[i];
		return;
	}
	if (d->type == JPT_BOOL) {
		v[0] = jail_params_bool(p, id) ? "true" : "false";
		return;
	}
	if (d->type == JPT_INT) {
		/* cpuset.id: Linux has no numbered cpusets; 0 is FreeBSD's root set. */
		snprintf(buf, bufsz, "%ld", jail_params_int(p, id));
		return;
	}
	v[0] = jail_params_str(p, id);
	if (!v[0])
		v[0] = "";
}

/* The value joined as libjail's jailparam_export joins a list: commas. */
static char *joined(const char *const *v, size_t n)
{
	size_t len = 1;
	char *s, *o;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	s = o = malloc(len);
	if (!s)
		return NULL;
	*o = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		o = stpcpy(o, v[i]);
	}
	return s;
}

/* A JSON string; libxo escapes the same characters. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (*c < 0x20)
				fprintf(f, "\\u%04x", *c);
			else
				fputc(*c, f);
		}
	}
	fputc('"', f);
}

/* Fields of one JSON instance: leaf fields join with ",", lists with ", ". */
struct jfields {
	FILE *f;
	bool any;
};

static void jf_key(struct jfields *j, const char *key)
{
	if (j->any)
		fputc(',', j->f);
	j->any = true;
	json_str(j->f, key);
	fputc(':', j->f);
}

static void jf_str(struct jfields *j, const char *key, const char *val)
{
	jf_key(j, key);
	json_str(j->f, val);
}

static void jf_raw(struct jfields *j, const char *key, const char *val)
{
	jf_key(j, key);
	fputs(val, j->f);
}

static void jf_list(struct jfields *j, const char *key, const char *const *v, size_t n)
{
	fputs(j->any ? ", " : "", j->f);
	j->any = true;
	json_str(j->f, key);
	fputs(": [", j->f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', j->f);
		json_str(j->f, v[i]);
	}
	fputc(']', j->f);
}

static void json_open(struct jls_out *o, const char *container, const char *list)
{
	fprintf(o->f, "{\"__version\": \"2\", \"%s\": {\"%s\": [", container, list);
}

void jls_begin(struct jls_out *o)
{
	FILE *f = o->f;

	o->count = 0;
	if (o->json) {
		json_open(o, "jail-information", "jail");
		return;
	}
	if (o->flags & JLS_VERBOSE) {
		fprintf(f, "%3s%s  %s%22s%s\n", "", "JID", "Hostname", "", "Path");
		fprintf(f, "%8s%s%26s%s\n", "", "Name", "", "State");
		fprintf(f, "%8s%s\n", "", "CPUSetID");
		fprintf(f, "%8s%s\n", "", "IP Address(es)");
	} else if (o->flags & JLS_DEFAULT) {
		if (o->flags & JLS_JAIL_NAME)
			fprintf(f, " %-15s %-15s %-29s %s\n", "JID", "IP Address", "Hostname", "Path");
		else
			fprintf(f, "%6s  %s%6s%s%22s%s\n", "JID", "IP Address", "", "Hostname", "", "Path");
	} else if (o->flags & JLS_HEADER) {
		for (int i = 0; i < o->nparams; i++)
			fprintf(f, "%s%s", i ? " " : "", jail_param_defs[o->params[i]].name);
		fputc('\n', f);
	}
}

void jls_end(struct jls_out *o)
{
	if (o->json)
		fputs("]}}\n", o->f);
}

static void verbose(struct jls_out *o, const struct jail_state *st, bool dying)
{
	const char *ip4[JLS_VALUES_MAX], *ip6[JLS_VALUES_MAX], *host, *path, *cpu;
	char b1[64], b2[64], b3[64], b4[JLS_VALUE_BUF], b6[JLS_VALUE_BUF];
	size_t n4, n6, n;

	jls_value(st, dying, JP_HOSTNAME, &host, &n, b1, sizeof(b1));
	jls_value(st, dying, JP_PATH, &path, &n, b2, sizeof(b2));
	jls_value(st, dying, JP_CPUSET_ID, &cpu, &n, b3, sizeof(b3));
	jls_value(st, dying, JP_IP4_ADDR, ip4, &n4, b4, sizeof(b4));
	jls_value(st, dying, JP_IP6_ADDR, ip6, &n6, b6, sizeof(b6));
	if (o->json) {
		struct jfields j = {o->f, false};
		char jid[16];
		snprintf(jid, sizeof(jid), "%d", st->jid);
		jf_raw(&j, "jid", jid);
		jf_str(&j, "hostname", host);
		jf_str(&j, "path", path);
		jf_str(&j, "name", st->name);
		jf_str(&j, "state", dying ? "DYING" : "ACTIVE");
		jf_raw(&j, "cpusetid", cpu);
		jf_list(&j, "ipv4_addrs", ip4, n4);
		jf_list(&j, "ipv6_addrs", ip6, n6);
		return;
	}
	fprintf(o->f, "%6d  %-29.29s %.74s\n", st->jid, host, path);
	fprintf(o->f, "        %-29.29s %.74s\n", st->name, dying ? "DYING" : "ACTIVE");
	fprintf(o->f, "        %s\n", cpu);
	for (size_t i = 0; i < n4; i++)
		fprintf(o->f, "        %s\n", ip4[i]);
	for (size_t i = 0; i < n6; i++)
		fprintf(o->f, "        %s\n", ip6[i]);
}

static void table(struct jls_out *o, const struct jail_state *st, bool dying)
{
	const char *ip4[JLS_VALUES_MAX], *host, *path;
	char b1[JLS_VALUE_BUF], b2[64], b3[64];
	size_t n4, n;

	jls_value(st, dying, JP_IP4_ADDR, ip4, &n4, b1, sizeof(b1));
	jls_value(st, dying, JP_HOSTNAME, &host, &n, b2, sizeof(b2));
	jls_value(st, dying, JP_PATH, &path, &n, b3, sizeof(b3));
	const char *ip = n4 ? ip4[0] : "";
	if (o->json) {
		struct jfields j = {o->f, false};
		char jid[16];
		snprintf(jid, sizeof(jid), "%d", st->jid);
		if (o->flags & JLS_JAIL_NAME)
			jf_str(&j, "name", st->name);
		else
			jf_raw(&j, "jid", jid);
		jf_str(&j, "ipv4", ip);
		jf_str(&j, "hostname", host);
		jf_str(&j, "path", path);
		return;
	}
	if (o->flags & JLS_JAIL_NAME)
		fprintf(o->f, " %-15s ", st->name);
	else
		fprintf(o->f, "%6d  ", st->jid);
	fprintf(o->f, "%-15.15s %-29.29s %.74s\n", ip, host, path);
}

/* -s leaves out what jail -c cannot take back, as FreeBSD's PRINT_SKIP does. */
static bool skipped(const struct jail_state *st, bool dying, int id)
{
	const struct jail_param_def *d = &jail_param_defs[id];
	const char *dot = strchr(d->name, '.');

	if (d->flags & (JPF_RDONLY | JPF_UNIMPL | JPF_PSEUDO))
		return true;
	/* Unset, the jail's cgroups are under its creator's; cgroup.parent="" would mean the root. */
	if (id == JP_CGROUP_PARENT && !jail_params_isset(&st->params, JP_CGROUP_PARENT))
		return true;
	if (!dot)
		return false;
	/* host.hostname when host=inherit, ip4.addr when ip4 is not new, ... */
	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_def *pd = &jail_param_defs[i];
		if (strlen(pd->name) != (size_t)(dot - d->name) ||
		    strncmp(pd->name, d->name, (size_t)(dot - d->name)) != 0)
			continue;
		if (pd->type != JPT_IPMODE && pd->type != JPT_NEWINH && pd->type != JPT_SYSV)
			return false;
		const char *v[1];
		char buf[64];
		size_t n;
		jls_value(st, dying, (enum jail_param_id)i, v, &n, buf, sizeof(buf));
		return n != 1 || strcmp(v[0], "new") != 0;
	}
	return false;
}

/* FreeBSD's noname(): "persist" -> "nopersist", "allow.mount" -> "allow.nomount". */
static void print_noname(FILE *f, const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot)
		fprintf(f, "%.*s.no%s", (int)(dot - name), name, dot + 1);
	else
		fprintf(f, "no%s", name);
}

static void params_line(struct jls_out *o, const struct jail_state *st, bool dying)
{
	struct jfields j = {o->f, false};
	bool spc = false;

	for (int i = 0; i < o->nparams; i++) {
		int id = o->params[i];
		const struct jail_param_def *d = &jail_param_defs[id];
		const char *vbuf[JLS_VALUES_MAX], **v = vbuf;
		char buf[JLS_VALUE_BUF];
		size_t n;

		if ((o->flags & JLS_SKIP) && skipped(st, dying, id))
			continue;
		jls_value(st, dying, (enum jail_param_id)id, v, &n, buf, sizeof(buf));
		if (!o->json) {
			if (spc)
				fputc(' ', o->f);
			spc = true;
		}
		if ((o->flags & JLS_NAMEVAL) && d->type == JPT_BOOL) {
			bool on = !strcmp(v[0], "true");
			if (o->json)
				jf_raw(&j, d->name, on ? "true" : "false");
			else if (on)
				fputs(d->name, o->f);
			else
				print_noname(o->f, d->name);
			continue;
		}
		if ((o->flags & JLS_NAMEVAL) && !o->json)
			fprintf(o->f, "%s=", d->name);
		if (o->json && (id == JP_IP4_ADDR || id == JP_IP6_ADDR)) {
			jf_list(&j, d->name, v, n);
			continue;
		}
		if (n == 0 && !o->json) {
			/* An empty list: FreeBSD's jp_valuelen == 0. */
			if (o->flags & JLS_QUOTED)
				fputs("\"\"", o->f);
			else if (!(o->flags & JLS_NAMEVAL))
				fputc('-', o->f);
			continue;
		}
		_cleanup_free_ char *s = joined(v, n);
		if (!s)
			s = strdup("");
		const char *val = s ? s : "";
		if (o->json) {
			jf_str(&j, d->name, val);
			continue;
		}
		if (!*val) {
			fputs("\"\"", o->f); /* an empty string always shows as "" */
			continue;
		}
		int qc = (o->flags & JLS_QUOTED) ? jls_quote_char(val) : 0;
		if (qc)
			fputc(qc, o->f);
		fputs(val, o->f);
		if (qc)
			fputc(qc, o->f);
	}
	if (!o->json)
		fputc('\n', o->f);
}

void jls_jail(struct jls_out *o, const struct jail_state *st, bool dying)
{
	if (o->json)
		fputs(o->count ? ", {" : "{", o->f);
	if (o->flags & JLS_VERBOSE)
		verbose(o, st, dying);
	else if (o->flags & JLS_DEFAULT)
		table(o, st, dying);
	else
		params_line(o, st, dying);
	if (o->json)
		fputc('}', o->f);
	o->count++;
}

/* Processes. */

static int cmp_proc(const void *a, const void *b)
{
	const struct jls_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* "NSpid:\t1234\t1" -> the pids, outermost first. Returns how many. */
static int nspids(pid_t pid, pid_t *out, int max, uid_t *euid)
{
	char path[64], buf[4096];
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (euid && !strncmp(line, "Uid:", 4)) {
			unsigned r, u;
			if (sscanf(line + 4, "%u %u", &r, &u) == 2)
				*euid = u;
		} else if (!strncmp(line, "NSpid:", 6)) {
			char *p = line + 6, *end;
			while (n < max) {
				long v = strtol(p, &end, 10);
				if (end == p)
					break;
				out[n++] = (pid_t)v;
				p = end;
			}
		}
	}
	return n;
}

/* Length of the well-formed UTF-8 sequence at s (a printable code point, not a C1 control), or 0. */
static size_t utf8_ok(const unsigned char *s, size_t len)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	unsigned long cp;

	if (n == 0 || s[0] > 0xf4 || n > len)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	static const unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
		return 0;
	return n;
}

size_t jls_vis(const char *in, size_t len, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	if (outsz == 0)
		return 0;
	for (size_t i = 0; i < len;) {
		size_t n = s[i] >= 0x80 ? utf8_ok(s + i, len - i) : (s[i] >= 0x20 && s[i] != 0x7f);
		char esc[5];
		if (n > 0 && s[i] != '\\') {
			if (o + n >= outsz)
				break;
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
			continue;
		}
		if (s[i] == '\\')
			snprintf(esc, sizeof(esc), "\\\\");
		else
			snprintf(esc, sizeof(esc), "\\%03o", s[i]);
		if (o + strlen(esc) >= outsz)
			break;
		memcpy(out + o, esc, strlen(esc));
		o += strlen(esc);
		i++;
	}
	out[o] = '\0';
	return o;
}

/*
 * The command line as ps shows it, arguments joined by blanks; made safe
 * for a terminal with jls_vis, since a jailed process writes its own argv.
 */
static char *cmdline(pid_t pid)
{
	char path[64], buf[CMDLINE_MAX], safe[CMDLINE_MAX * 4 + 1];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	len = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (len < 0)
		len = 0;
	buf[len] = '\0';
	for (ssize_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	/* A rewritten process title leaves its old argv space blank. */
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\0'))
		buf[--len] = '\0';
	if (len == 0) {
		char comm[64] = "";
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		read_file_at(AT_FDCWD, path, comm, sizeof(comm));
		comm[strcspn(comm, "\n")] = '\0';
		len = snprintf(buf, sizeof(buf), "[%s]", comm);
	}
	jls_vis(buf, (size_t)len, safe, sizeof(safe));
	return strdup(safe);
}

/* The jail's cgroup set, as the registry recorded it when the jail was made. */
static int find_cgroup(const struct jail_state *st, struct jail_cgroup *cg)
{
	if (st->cg.n == 0)
		return -ENOENT;
	*cg = st->cg;
	return 0;
}

static int cgroup_pids(const struct jail_state *st, pid_t *pids, int max)
{
	struct jail_cgroup cg;
	char buf[65536];

	if (find_cgroup(st, &cg) < 0)
		return -ENOENT;
	_cleanup_close_ int dfd = open(cg.d[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || read_file_at(dfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return -ENOENT;
	int n = 0;
	for (char *p = buf, *end; *p && n < max; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		pids[n++] = (pid_t)v;
	}
	return n;
}

/* Without a cgroup: every process whose pid namespace is the init's. */
static int ns_pids(const struct jail_state *st, pid_t *pids, int max)
{
	char path[64];
	struct stat ns, s;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st->init_pid);
	if (st->init_pid <= 0 || stat(path, &ns) < 0)
		return 0;
	/* An init in our own namespace is no jail's: never list the whole host. */
	if (stat("/proc/self/ns/pid", &s) == 0 && s.st_ino == ns.st_ino && s.st_dev == ns.st_dev)
		return 0;
	DIR *d = opendir("/proc");
	if (!d)
		return errno ? -errno : -EIO;
	while ((de = readdir(d)) && n < max) {
		if (!str_is_digits(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/ns/pid", de->d_name);
		if (stat(path, &s) == 0 && s.st_ino == ns.st_ino && s.st_dev == ns.st_dev)
			pids[n++] = (pid_t)atoi(de->d_name);
	}
	closedir(d);
	return n;
}

int jls_procs(const struct jail_state *st, struct jls_proc **procs, struct jail_err *e)
{
	_cleanup_free_ pid_t *pids = calloc(PROCS_MAX, sizeof(*pids));
	pid_t ns[32];
	int n, level = 0, out = 0;

	*procs = NULL;
	if (!pids)
		return jail_err_set(e, -ENOMEM, "out of memory");
	n = cgroup_pids(st, pids, PROCS_MAX);
	if (n < 0)
		n = ns_pids(st, pids, PROCS_MAX);
	if (n < 0)
		return jail_err_sys(e, n, "/proc");
	/* The jail's pids are the NSpid column at the depth of its init's namespace. */
	if (st->init_pid > 0) {
		int k = nspids(st->init_pid, ns, (int)ARRAY_SIZE(ns), NULL);
		level = k > 0 ? k - 1 : 0;
	}
	struct jls_proc *v = calloc((size_t)n + 1, sizeof(*v));
	if (!v)
		return jail_err_set(e, -ENOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		uid_t uid = 0;
		int k = nspids(pids[i], ns, (int)ARRAY_SIZE(ns), &uid);
		if (k <= 0)
			continue; /* gone meanwhile */
		v[out].pid = pids[i];
		v[out].jpid = ns[level < k ? level : k - 1];
		/* The jail's own uid: a host uid of its range, less the range's first. */
		if (st->user_base && uid >= st->user_base && uid - st->user_base < 65536)
			uid -= (uid_t)st->user_base;
		v[out].uid = uid;
		v[out].cmd = cmdline(pids[i]);
		if (!v[out].cmd) {
			jls_procs_free(v, out);
			return jail_err_set(e, -ENOMEM, "out of memory");
		}
		out++;
	}
	qsort(v, (size_t)out, sizeof(*v), cmp_proc);
	*procs = v;
	return out;
}

void jls_procs_free(struct jls_proc *procs, int n)
{
	for (int i = 0; i < n; i++)
		free(procs[i].cmd);
	free(procs);
}

void jls_procs_begin(struct jls_out *o)
{
	o->count = 0;
	if (o->json)
		json_open(o, "process-information", "process");
	else
		fprintf(o->f, "%6s %-15s %7s %7s %-8s %s\n", "JID", "NAME", "PID", "JPID", "USER", "COMMAND");
}

void jls_proc(struct jls_out *o, const struct jail_state *st, const struct jls_proc *p)
{
	char uidbuf[16];
	struct passwd *pw = getpwuid(p->uid);
	const char *user = pw ? pw->pw_name : uidbuf;

	snprintf(uidbuf, sizeof(uidbuf), "%u", (unsigned)p->uid);
	if (!o->json) {
		fprintf(o->f, "%6d %-15s %7d %7d %-8s %s\n", st->jid, st->name, (int)p->pid, (int)p->jpid,
			user, p->cmd);
		o->count++;
		return;
	}
	struct jfields j = {o->f, false};
	char num[16];
	fputs(o->count ? ", {" : "{", o->f);
	snprintf(num, sizeof(num), "%d", st->jid);
	jf_raw(&j, "jid", num);
	jf_str(&j, "name", st->name);
	snprintf(num, sizeof(num), "%d", (int)p->pid);
	jf_raw(&j, "pid", num);
	snprintf(num, sizeof(num), "%d", (int)p->jpid);
	jf_raw(&j, "jpid", num);
	jf_str(&j, "user", user);
	jf_str(&j, "command", p->cmd);
	fputc('}', o->f);
	o->count++;
}

void jls_procs_end(struct jls_out *o)
{
	jls_end(o);
}
