/*
 * jtop(8): a live view of every jail, one line each, as top -J, rctl -u
 * and ps -J give it on FreeBSD (and systemd-cgtop or docker stats on
 * Linux): processes, CPU, memory against its limit, disk and network
 * rates, and the limits it hit since it started. jtop -j NAME lists the
 * jail's processes with their host and jail pids. The terminal is redrawn
 * in place, one write per frame, so nothing flickers; -b prints frames for
 * scripts, --json one JSON object a frame.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysinfo.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "jail/jls.h"
#include "jail/registry.h"
#include "jail/rctl.h"

#define MAX_JAILS 4096
#define MAX_PROCS 8192

enum key { K_CPU, K_MEM, K_PROCS, K_NAME, K_JID, K_READ, K_WRITE, K_RX, K_TX, K_HITS };
static const char *const key_names[] = {"cpu",	"mem",	 "procs", "name", "jid",
					"read", "write", "rx",	  "tx",	  "hits"};
static const char key_chars[] = "cmpnjrwioh";

struct row {
	int jid;
	char name[256];
	unsigned long long start;
	struct rctl_sample now, prev;
	bool have_prev;
	double cpu, rd, wr, rx, tx; /* per second; rx/tx < 0: shares the host's network */
};

struct prow {
	pid_t pid, jpid; /* jpid 0: not in the jail's pid namespace (jexec's host-side helper) */
	uid_t uid;
	char cmd[256], state;
	long long ticks, prev_ticks, rss, threads;
	bool have_prev;
	double cpu;
};

static struct opts {
	bool batch, json;
	long count; /* frames, 0 = until q */
	double delay;
	enum key key;
	const char *jail;
} o = {.delay = 2.0, .key = K_CPU};

static struct row rows[MAX_JAILS];
static int nrows;
static struct prow procs[MAX_PROCS];
static int nprocs;
static struct termios saved_tio;
static bool tty_raw;
static volatile sig_atomic_t resized, stop;

static void usage(void)
{
	fprintf(stderr,
		"usage: jtop [-b] [-n count] [-d seconds] [-s cpu|mem|procs|name|jid|read|write|rx|tx|hits]\n"
		"            [-j jail] [--json]\n");
	exit(1);
}

static void human(char *out, size_t len, double v)
{
	char b[8];
	if (v < 0) {
		snprintf(out, len, "-");
		return;
	}
	rctl_humanize(b, (long long)(v + 0.5));
	snprintf(out, len, "%s", b);
}

/* --- jails ----------------------------------------------------------------------- */

static struct row *find_row(int jid, unsigned long long start)
{
	for (int i = 0; i < nrows; i++)
		if (rows[i].jid == jid && rows[i].start == start)
			return &rows[i];
	return NULL;
}

static double per_s(long long a, long long b, long long dt)
{
	if (a < 0 || b < 0 || b < a || dt <= 0)
		return 0;
	return (double)(b - a) * 1e9 / (double)dt;
}

/* Read every running jail; keep the previous reading of those seen before. */
static void sample_jails(struct jail_registry *reg)
{
	static struct row next[MAX_JAILS];
	int *jids = NULL, n = jail_registry_list(reg, &jids, NULL), k = 0;

	for (int i = 0; i < n && k < MAX_JAILS; i++) {
		struct jail_state st;
		if (jail_registry_load(reg, jids[i], &st, NULL) < 0)
			continue;
		if (jail_state_status(&st) == JAIL_ALIVE) {
			struct row *r = &next[k++], *old = find_row(st.jid, st.init_start);
			memset(r, 0, sizeof(*r));
			r->jid = st.jid;
			r->start = st.init_start;
			snprintf(r->name, sizeof(r->name), "%s", st.name);
			rctl_sample_jail(&st, &r->now);
			if (old) {
				r->prev = old->now;
				r->have_prev = true;
				long long dt = r->now.t_ns - r->prev.t_ns;
				r->cpu = per_s(r->prev.cpu_ns, r->now.cpu_ns, dt) / 1e7; /* % of one CPU */
				r->rd = per_s(r->prev.rbytes, r->now.rbytes, dt);
				r->wr = per_s(r->prev.wbytes, r->now.wbytes, dt);
				r->rx = r->now.rx < 0 ? -1 : per_s(r->prev.rx, r->now.rx, dt);
				r->tx = r->now.tx < 0 ? -1 : per_s(r->prev.tx, r->now.tx, dt);
			} else {
				r->rx = r->tx = r->now.rx < 0 ? -1 : 0;
			}
		}
		jail_state_free(&st);
	}
	free(jids);
	memcpy(rows, next, (size_t)k * sizeof(*rows));
	nrows = k;
}

static double row_key(const struct row *r)
{
	switch (o.key) {
	case K_CPU:
		return r->cpu;
	case K_MEM:
		return (double)r->now.mem;
	case K_PROCS:
		return (double)r->now.procs;
	case K_READ:
		return r->rd;
	case K_WRITE:
		return r->wr;
	case K_RX:
		return r->rx;
	case K_TX:
		return r->tx;
	case K_HITS:
		return (double)(r->now.mem_hits + r->now.pid_hits + r->now.cpu_hits);
	default:
		return 0;
	}
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (o.key == K_NAME)
		return strcmp(x->name, y->name);
	if (o.key == K_JID)
		return x->jid - y->jid;
	double kx = row_key(x), ky = row_key(y);
	if (kx != ky)
		return kx < ky ? 1 : -1; /* largest first */
	return x->jid - y->jid;
}

static void hits(const struct rctl_sample *s, char *out, size_t len)
{
	int n = 0;
	out[0] = '\0';
	if (s->mem_hits)
		n += snprintf(out + n, len - (size_t)n, "m%lld ", s->mem_hits);
	if (s->pid_hits && (size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, "p%lld ", s->pid_hits);
	if (s->cpu_hits && (size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, "c%lld ", s->cpu_hits);
	if (n == 0)
		snprintf(out, len, "-");
	else if ((size_t)n <= len)
		out[n - 1] = '\0';
}

/* --- processes of one jail (-j) ------------------------------------------------------ */

static void proc_stat(struct prow *p)
{
	char path[64], buf[1024];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)p->pid);
	if (!(f = fopen(path, "re")))
		return;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *c = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0;
	long long thr = 0, rss = 0;
	if (c && sscanf(c + 2,
			"%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %lld %*d %*u "
			"%*u %lld",
			&p->state, &ut, &st, &thr, &rss) == 5) {
		p->ticks = (long long)(ut + st);
		p->threads = thr;
		p->rss = rss * sysconf(_SC_PAGESIZE);
	}
}

/* Whether pid is in the pid namespace of the jail's init. */
static bool in_jail_ns(pid_t pid, pid_t init_pid)
{
	char a[64], b[64], la[64] = "", lb[64] = "";

	snprintf(a, sizeof(a), "/proc/%d/ns/pid", (int)pid);
	snprintf(b, sizeof(b), "/proc/%d/ns/pid", (int)init_pid);
	return readlink(a, la, sizeof(la) - 1) > 0 && readlink(b, lb, sizeof(lb) - 1) > 0 && !strcmp(la, lb);
}

static void sample_procs(const struct jail_state *st)
{
	static struct prow next[MAX_PROCS];
	struct jls_proc *v = NULL;
	int n = jls_procs(st, &v, NULL), k = 0;
	long hz = sysconf(_SC_CLK_TCK);

	for (int i = 0; i < n && k < MAX_PROCS; i++) {
		struct prow *p = &next[k++];
		memset(p, 0, sizeof(*p));
		p->pid = v[i].pid;
		p->jpid = in_jail_ns(v[i].pid, st->init_pid) ? v[i].jpid : 0;
		p->uid = v[i].uid;
		snprintf(p->cmd, sizeof(p->cmd), "%s", v[i].cmd ? v[i].cmd : "");
		proc_stat(p);
		for (int j = 0; j < nprocs; j++)
			if (procs[j].pid == p->pid) {
				p->prev_ticks = procs[j].ticks;
				p->have_prev = true;
				p->cpu = (double)(p->ticks - p->prev_ticks) * 100.0 / ((double)hz * o.delay);
			}
	}
	if (n > 0)
		jls_procs_free(v, n);
	memcpy(procs, next, (size_t)k * sizeof(*procs));
	nprocs = k;
}

static int cmp_procs(const void *a, const void *b)
{
	const struct prow *x = a, *y = b;
	double kx = o.key == K_MEM ? (double)x->rss : o.key == K_JID || o.key == K_NAME ? -x->pid : x->cpu;
	double ky = o.key == K_MEM ? (double)y->rss : o.key == K_JID || o.key == K_NAME ? -y->pid : y->cpu;
	if (kx != ky)
		return kx < ky ? 1 : -1;
	return x->pid - y->pid;
}

/* --- output ------------------------------------------------------------------------ */

struct buf {
	char *p;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3))) out(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap * 2 + (size_t)(n > 0 ? n : 0) + 4096;
		char *p = realloc(b->p, cap);
		if (!p)
			return;
		b->p = p;
		b->cap = cap;
	}
}

static int width(void)
{
	struct winsize ws;
	if (!o.batch && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

/* One screen line: cut to the width, cleared to its end on a terminal. */
static void line(struct buf *b, int w, const char *s)
{
	out(b, "%.*s%s\n", w, s, o.batch ? "" : "\033[K");
}

static void header(struct buf *b, int w)
{
	char l[512], when[16];
	time_t t = time(NULL);
	struct tm tm;
	struct sysinfo si;
	double la[3] = {0};

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	if (sysinfo(&si) == 0)
		for (int i = 0; i < 3; i++)
			la[i] = (double)si.loads[i] / 65536.0;
	snprintf(l, sizeof(l), "jtop - %s  %d jail%s  load %.2f %.2f %.2f  every %.1fs  sort %s", when, nrows,
		 nrows == 1 ? "" : "s", la[0], la[1], la[2], o.delay, key_names[o.key]);
	line(b, w, l);
}

static void draw_jails(struct buf *b)
{
	int w = width();
	char l[512], mem[16], lim[16], rd[16], wr[16], rx[16], tx[16], h[32], ml[40];

	header(b, w);
	line(b, w, "");
	line(b, w, "  JID NAME       PROC  CPU%   MEM/LIMIT  READ/s WRITE/s   RX/s   TX/s HITS");
	qsort(rows, (size_t)nrows, sizeof(*rows), cmp_rows);
	for (int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		human(mem, sizeof(mem), (double)r->now.mem);
		human(lim, sizeof(lim), r->now.mem_limit < 0 ? -1 : (double)r->now.mem_limit);
		snprintf(ml, sizeof(ml), "%s/%s", mem, lim);
		human(rd, sizeof(rd), r->rd);
		human(wr, sizeof(wr), r->wr);
		human(rx, sizeof(rx), r->rx);
		human(tx, sizeof(tx), r->tx);
		hits(&r->now, h, sizeof(h));
		snprintf(l, sizeof(l), "%5d %-10.10s %4lld %5.1f %11s %7s %7s %6s %6s %s", r->jid, r->name,
			 r->now.procs, r->cpu, ml, rd, wr, rx, tx, h);
		line(b, w, l);
	}
}

/* Users by the jail's own passwd (its uids are the jail's, not the host's). */
static struct {
	uid_t uid;
	char name[32];
} users[256];
static int nusers;

static void load_users(pid_t init_pid)
{
	char p[64];
	struct passwd *pw;

	nusers = 0;
	snprintf(p, sizeof(p), "/proc/%d/root/etc/passwd", (int)init_pid);
	FILE *f = fopen(p, "re");
	while (f && nusers < (int)(sizeof(users) / sizeof(*users)) && (pw = fgetpwent(f))) {
		users[nusers].uid = pw->pw_uid;
		snprintf(users[nusers].name, sizeof(users[nusers].name), "%s", pw->pw_name);
		nusers++;
	}
	if (f)
		fclose(f);
}

static const char *user_name(uid_t uid, char *buf, size_t len)
{
	for (int i = 0; i < nusers; i++)
		if (users[i].uid == uid)
			return users[i].name;
	snprintf(buf, len, "%u", (unsigned)uid);
	return buf;
}

static void draw_procs(struct buf *b, const struct row *r)
{
	int w = width();
	char l[512], res[16], u[32];

	snprintf(l, sizeof(l), "jtop - jail %s (JID %d): %d process%s, CPU %.1f%%, every %.1fs, sort %s",
		 o.jail, r ? r->jid : 0, nprocs, nprocs == 1 ? "" : "es", r ? r->cpu : 0.0, o.delay,
		 key_names[o.key]);
	line(b, w, l);
	line(b, w, "");
	line(b, w, "    PID   JPID USER      THR S  CPU%   RES COMMAND");
	qsort(procs, (size_t)nprocs, sizeof(*procs), cmp_procs);
	for (int i = 0; i < nprocs; i++) {
		struct prow *p = &procs[i];
		char jp[16] = "-";
		if (p->jpid > 0)
			snprintf(jp, sizeof(jp), "%d", (int)p->jpid);
		human(res, sizeof(res), (double)p->rss);
		snprintf(l, sizeof(l), "%7d %6s %-8.8s %4lld %c %5.1f %5s %s", (int)p->pid, jp,
			 p->jpid > 0 ? user_name(p->uid, u, sizeof(u)) : "(host)", p->threads,
			 p->state ? p->state : '?', p->cpu, res, p->cmd);
		line(b, w, l);
	}
}

static void json_str(struct buf *b, const char *s)
{
	out(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			out(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			out(b, "\\u%04x", (unsigned char)*s);
		else
			out(b, "%c", *s);
	}
	out(b, "\"");
}

static void draw_json(struct buf *b, const struct row *jr)
{
	out(b, "{\"__version\": \"2\", \"jtop\": {\"time\": %lld, ", (long long)time(NULL));
	if (o.jail) {
		out(b, "\"jail\": ");
		json_str(b, o.jail);
		out(b, ", \"jid\": %d, \"process\": [", jr ? jr->jid : 0);
		qsort(procs, (size_t)nprocs, sizeof(*procs), cmp_procs);
		for (int i = 0; i < nprocs; i++) {
			const struct prow *p = &procs[i];
			out(b, "%s{\"pid\": %d, ", i ? ", " : "", (int)p->pid);
			if (p->jpid > 0)
				out(b, "\"jail_pid\": %d, ", (int)p->jpid);
			else
				out(b, "\"jail_pid\": null, ");
			out(b,
			    "\"uid\": %u, \"threads\": %lld, \"state\": \"%c\", \"cpu_percent\": %.1f, "
			    "\"rss\": %lld, "
			    "\"command\": ",
			    (unsigned)p->uid, p->threads, p->state ? p->state : '?', p->cpu, p->rss);
			json_str(b, p->cmd);
			out(b, "}");
		}
		out(b, "]}}\n");
		return;
	}
	out(b, "\"jail\": [");
	qsort(rows, (size_t)nrows, sizeof(*rows), cmp_rows);
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		out(b, "%s{\"jid\": %d, \"name\": ", i ? ", " : "", r->jid);
		json_str(b, r->name);
		out(b, ", \"processes\": %lld, \"threads\": %lld, \"cpu_percent\": %.1f, \"memory\": %lld, ",
		    r->now.procs, r->now.tasks, r->cpu, r->now.mem);
		if (r->now.mem_limit < 0)
			out(b, "\"memory_limit\": null, ");
		else
			out(b, "\"memory_limit\": %lld, ", r->now.mem_limit);
		out(b, "\"read_bps\": %.0f, \"write_bps\": %.0f, ", r->rd, r->wr);
		if (r->rx < 0)
			out(b, "\"rx_bps\": null, \"tx_bps\": null, ");
		else
			out(b, "\"rx_bps\": %.0f, \"tx_bps\": %.0f, ", r->rx, r->tx);
		out(b, "\"hits\": {\"memory\": %lld, \"pids\": %lld, \"cpu\": %lld}}", r->now.mem_hits,
		    r->now.pid_hits, r->now.cpu_hits);
	}
	out(b, "]}}\n");
}

/* --- the terminal ---------------------------------------------------------------------- */

static void restore_tty(void)
{
	if (!tty_raw)
		return;
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	/* cursor back, alternate screen left */
	if (write(STDOUT_FILENO, "\033[?25h\033[?1049l", 14) < 0)
		return;
	tty_raw = false;
}

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		resized = 1;
	else
		stop = 1;
}

static void raw_tty(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return;
	t = saved_tio;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	tty_raw = true;
	atexit(restore_tty);
	if (write(STDOUT_FILENO, "\033[?1049h\033[?25l", 14) < 0)
		return;
}

/* A key: sort order, interval, quit. Returns false to quit. */
static bool key(char c)
{
	const char *k = strchr(key_chars, c);
	if (c == 'q' || c == 'Q' || c == 3)
		return false;
	if (k && c)
		o.key = (enum key)(k - key_chars);
	else if (c == '+')
		o.delay = o.delay < 60 ? o.delay * 2 : o.delay;
	else if (c == '-')
		o.delay = o.delay > 0.25 ? o.delay / 2 : o.delay;
	return true;
}

static void frame(struct jail_registry *reg)
{
	struct buf b = {0};
	struct row *jr = NULL;

	sample_jails(reg);
	if (o.jail) {
		struct jail_state st;
		if (jail_registry_find(reg, o.jail, &st, NULL) == 0) {
			if (jail_state_status(&st) == JAIL_ALIVE) {
				sample_procs(&st);
				load_users(st.init_pid);
			}
			for (int i = 0; i < nrows; i++)
				if (rows[i].jid == st.jid)
					jr = &rows[i];
			jail_state_free(&st);
		} else {
			nprocs = 0;
		}
	}
	if (o.json)
		draw_json(&b, jr);
	else {
		if (!o.batch)
			out(&b, "\033[H");
		o.jail ? draw_procs(&b, jr) : draw_jails(&b);
		out(&b, o.batch ? "\n" : "\033[J");
	}
	if (b.p) {
		/* One write: the frame replaces the last in place, nothing flickers. */
		if (write(STDOUT_FILENO, b.p, b.len) < 0)
			stop = 1;
		free(b.p);
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'H'}, {0}};
	struct jail_registry reg;
	struct jail_err e = {0};
	int c;

	while ((c = getopt_long(argc, argv, "bn:d:s:j:", lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			o.batch = true;
			break;
		case 'n':
			o.count = atol(optarg);
			break;
		case 'd':
			o.delay = atof(optarg);
			if (o.delay < 0.1) {
				fprintf(stderr, "jtop: -d %s: at least 0.1 seconds\n", optarg);
				return 1;
			}
			break;
		case 's': {
			int k = -1;
			for (size_t i = 0; i < sizeof(key_names) / sizeof(*key_names); i++)
				if (!strcmp(optarg, key_names[i]))
					k = (int)i;
			if (k < 0) {
				fprintf(stderr, "jtop: -s %s: not a sort key\n", optarg);
				usage();
			}
			o.key = (enum key)k;
			break;
		}
		case 'j':
			o.jail = optarg;
			break;
		case 'J':
			o.json = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (o.json || !isatty(STDOUT_FILENO))
		o.batch = true;
	if (jail_registry_open(&reg, &e) < 0) {
		fprintf(stderr, "jtop: %s\n", e.msg);
		return 1;
	}
	if (o.jail) {
		struct jail_state st;
		if (jail_registry_find(&reg, o.jail, &st, &e) < 0) {
			fprintf(stderr, "jtop: %s\n", e.msg);
			return 1;
		}
		jail_state_free(&st);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGWINCH, on_signal);
	signal(SIGPIPE, SIG_IGN);
	bool interactive = !o.batch && isatty(STDIN_FILENO);
	if (interactive)
		raw_tty();
	/* Rates need two readings: the first frame comes after a short one. */
	sample_jails(&reg);
	if (o.jail) {
		struct jail_state st;
		if (jail_registry_find(&reg, o.jail, &st, NULL) == 0) {
			sample_procs(&st);
			jail_state_free(&st);
		}
	}
	double first = o.delay < 0.5 ? o.delay : 0.5, saved = o.delay;
	struct timespec ts = {(time_t)first, (long)((first - (double)(time_t)first) * 1e9)};
	nanosleep(&ts, NULL);
	o.delay = first;
	for (long n = 0; !stop && (o.count == 0 || n < o.count); n++) {
		frame(&reg);
		o.delay = saved;
		if (o.count && n + 1 >= o.count)
			break;
		struct pollfd pf = {interactive ? STDIN_FILENO : -1, POLLIN, 0};
		long long deadline_ms = (long long)(o.delay * 1000);
		while (!stop && !resized) {
			int r = poll(&pf, 1, (int)deadline_ms);
			if (r == 0)
				break;
			if (r > 0 && (pf.revents & POLLIN)) {
				char ch = 0;
				if (read(STDIN_FILENO, &ch, 1) == 1 && !key(ch))
					stop = 1;
				break; /* redraw at once after a key */
			}
		}
		resized = 0;
	}
	restore_tty();
	jail_registry_close(&reg);
	return 0;
}
