/*
 * jinit: the jail's PID 1 and the last step before any program runs in a
 * jail. A tiny static program with no libc, built freestanding and carried
 * inside libjail; it is only ever executed from a sealed memfd (see
 * lib/core/jinit.c), so that no process in a jail has a host binary as its
 * /proc/PID/exe: the CVE-2019-5736 class (a jail's program re-executing
 * /proc/self/exe to reach and overwrite the host's runtime) has nothing
 * to reach.
 *
 *   init, JINIT="SOCK CMDPID FLAGS"   the jail's init (PID 1), see init_loop()
 *   jinit exec SOCK PATH ARGV...   execve(PATH, ARGV) with the caller's
 *                                  environment; a failure is reported on
 *                                  SOCK the way the library reports errors
 *
 * The init reaps everyone, reports the command's end to the creator over
 * SOCK, and exits when the last process of the jail has gone unless the
 * jail persists. A signal from outside the jail (si_pid 0: the sender is
 * not in our PID namespace; si_code SI_USER or SI_KERNEL, which a process
 * inside cannot forge) ends the jail: TERM, INT, HUP end it; USR1/USR2
 * turn persist on/off (jail -m); CHLD says a process jexec started has
 * ended. Signals from inside are ignored.
 */
#include <asm/unistd.h>
#include <linux/capability.h>
#include <linux/prctl.h>
#include <linux/socket.h>
#include <linux/wait.h>
#include <stddef.h>

#include "jail/err.h"

#if defined(__x86_64__)
static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}
#elif defined(__aarch64__)
static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}
#else
#error "jinit: no system call stub for this architecture"
#endif

#define sys_n(n, a, b, c, d) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* The library's message, as spawn.h lays it out. */
struct jmsg {
	int type, status, lingering;
	struct jail_err err;
};
enum { MSG_ERROR = 2, MSG_STATUS = 4 };

struct iov {
	void *base;
	unsigned long len;
};
struct mhdr {
	void *name;
	int namelen;
	struct iov *iov;
	unsigned long iovlen;
	void *control;
	unsigned long controllen;
	int flags;
};

static unsigned long slen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static long num(const char *s)
{
	long v = 0, neg = *s == '-';

	for (s += neg; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	return neg ? -v : v;
}

static void *zero(void *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		((char *)p)[i] = 0;
	return p;
}

static void send_msg(int sock, struct jmsg *m)
{
	struct iov v = {m, sizeof(*m)};
	struct mhdr h = {0, 0, &v, 1, 0, 0, 0};

	sys_n(__NR_sendmsg, sock, &h, 0x4000 /* MSG_NOSIGNAL */, 0);
}

static __attribute__((noreturn)) void die(int code)
{
	for (;;)
		sys_n(__NR_exit_group, code, 0, 0, 0);
}

/* ---- exec ------------------------------------------------------------- */

static const struct {
	int err;
	const char *text;
} errs[] = {
	{1, "Operation not permitted"}, {2, "No such file or directory"},
	{7, "Argument list too long"},	{8, "Exec format error"},
	{12, "Cannot allocate memory"}, {13, "Permission denied"},
	{20, "Not a directory"},	{21, "Is a directory"},
	{26, "Text file busy"},		{40, "Too many levels of symbolic links"},
};

static void append(char *d, unsigned long cap, const char *s)
{
	unsigned long n = slen(d);

	while (*s && n + 1 < cap)
		d[n++] = *s++;
	d[n] = 0;
}

static __attribute__((noreturn)) void do_exec(int sock, char *path, char **argv, char **envp)
{
	struct jmsg m;
	long r;

	/* On success the socket goes with the exec; only a failure is said on it. */
	sys_n(__NR_fcntl, sock, 2 /* F_SETFD */, 1 /* FD_CLOEXEC */, 0);
	r = sys_n(__NR_execve, path, argv, envp, 0);
	zero(&m, sizeof(m));
	m.type = MSG_ERROR;
	m.err.code = (int)r;
	append(m.err.msg, sizeof(m.err.msg), "exec ");
	append(m.err.msg, sizeof(m.err.msg), argv[0] ? argv[0] : path);
	append(m.err.msg, sizeof(m.err.msg), ": ");
	for (unsigned long i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].err == -r)
			append(m.err.msg, sizeof(m.err.msg), errs[i].text);
	if (m.err.msg[slen(m.err.msg) - 1] == ' ')
		append(m.err.msg, sizeof(m.err.msg), "cannot execute");
	send_msg(sock, &m);
	die(127);
}

/* ---- init ------------------------------------------------------------- */

#define FLAG_PERSIST 1 /* the jail persists (jail -m changes it with USR1/USR2) */
#define FLAG_REPLY   2 /* a temporary persist: the creator asks, with USR2, whether we go */

struct sigset64 {
	unsigned long v;
};

/* Whether any process but init is left: children, or processes jexec put in our PID namespace. */
static int others_alive(void)
{
	char si[128];

	if (sys6(__NR_waitid, P_ALL, 0, (long)si, WEXITED | WNOHANG | WNOWAIT, 0, 0) == 0)
		return 1;
	return sys_n(__NR_kill, -1, 0, 0, 0) == 0;
}

static void status_msg(int sock, int code, int lingering)
{
	struct jmsg m;

	zero(&m, sizeof(m));
	m.type = MSG_STATUS;
	m.status = code;
	m.lingering = lingering;
	send_msg(sock, &m);
}

static int decode(int st)
{
	if ((st & 0x7f) == 0)
		return (st >> 8) & 0xff;
	return 128 + (st & 0x7f);
}

/* Only CAP_KILL: init signals, nothing else. */
static void keep_kill_only(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	zero(d, sizeof(d));
	d[0].effective = d[0].permitted = 1u << CAP_KILL;
	sys_n(__NR_capset, &h, d, 0, 0);
}

static __attribute__((noreturn)) void init_loop(int sock, long cmd, long flags)
{
	struct sigset64 set = {~0UL & ~((1UL << (9 - 1)) | (1UL << (19 - 1)))};
	int persist = (flags & FLAG_PERSIST) != 0, code = 0;
	char si[128];

	sys_n(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0);
	sys_n(__NR_prctl, PR_SET_NAME, "init", 0, 0);
	keep_kill_only();
	sys_n(__NR_rt_sigprocmask, 0 /* SIG_BLOCK */, &set, 0, 8);
	for (;;) {
		long sig = sys_n(__NR_rt_sigtimedwait, &set, si, 0, 8);
		/*
		 * si_pid 0: the sender is not in our PID namespace. A sender inside
		 * can put 0 there itself (rt_sigqueueinfo, pidfd_send_signal with
		 * si_code SI_QUEUE); it cannot claim SI_USER or SI_KERNEL, which the
		 * kernel alone fills in (kill, pidfd_send_signal without info).
		 */
		int si_code = *(int *)(si + 8);
		int from_outside = *(int *)(si + 16) == 0 &&
				   (si_code == 0 /* SI_USER */ || si_code == 0x80 /* SI_KERNEL */);
		if (sig < 0)
			continue;
		if (sig != 17 /* SIGCHLD */) {
			if (!from_outside)
				continue;
			if (sig == 10 || sig == 12) { /* USR1, USR2 */
				persist = sig == 10;
				if (sock >= 0 && cmd <= 0) {
					/* The creator ends a temporary persist: tell it whether we go. */
					status_msg(sock, 0, persist || others_alive());
					sys_n(__NR_close, sock, 0, 0, 0);
					sock = -1;
				}
			} else if (sig == 15 || sig == 2 || sig == 1) { /* TERM, INT, HUP */
				sys_n(__NR_kill, -1, 9, 0, 0);
				die(128 + (int)sig);
			} else {
				continue;
			}
		}
		for (;;) {
			int st = 0;
			long p = sys6(__NR_wait4, -1, (long)&st, WNOHANG, 0, 0, 0);
			if (p <= 0)
				break;
			if (p == cmd) {
				cmd = 0;
				code = decode(st);
				/* Reap what died with it, then say whether anything is left. */
				while (sys6(__NR_wait4, -1, (long)&st, WNOHANG, 0, 0, 0) > 0)
					;
				if (sock >= 0) {
					status_msg(sock, code, others_alive());
					sys_n(__NR_close, sock, 0, 0, 0);
					sock = -1;
				}
			}
		}
		if (cmd <= 0 && !persist && !others_alive())
			die(code);
	}
}

/* ---- entry ------------------------------------------------------------ */

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

__attribute__((used, noreturn)) void jinit_main(long *sp);
void jinit_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;

	if (argc >= 4 && streq(argv[1], "exec"))
		do_exec((int)num(argv[2]), argv[3], argv + 4, envp);
	for (char **e = envp; *e; e++) {
		const char *p = *e;
		if (p[0] != 'J' || p[1] != 'I' || p[2] != 'N' || p[3] != 'I' || p[4] != 'T' || p[5] != '=')
			continue;
		long f[3] = {0, 0, 0};
		p += 6;
		for (int i = 0; i < 3; i++) {
			f[i] = num(p);
			while (*p && *p != ' ')
				p++;
			while (*p == ' ')
				p++;
		}
		init_loop((int)f[0], f[1], f[2]);
	}
	die(126);
}

#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n\txor %rbp,%rbp\n\tmov %rsp,%rdi\n\tand $-16,%rsp\n\tcall "
	"jinit_main\n\thlt\n");
#elif defined(__aarch64__)
__asm__(".globl _start\n_start:\n\tmov x29, #0\n\tmov x0, sp\n\tand sp, x0, #-16\n\tbl jinit_main\n");
#endif
