/*
 * fakeld: the payload of the CVE-2019-5736 reproduction in attacks.bats. A
 * hostile jail root installs it as its dynamic loader (and points a
 * '#!/proc/self/exe' script at the re-executed binary): whenever a dynamic
 * host binary is executed inside the jail, the kernel runs this in its place
 * with /proc/self/exe naming that host binary. It records what it reached
 * in /tmp/fakeld.log and whether that file could be opened for writing, at
 * once or (held by O_PATH, as the runc exploit did) a little later from a
 * child: it never writes to it.
 *
 * Freestanding (no libc, built -nostdlib -static): as an ELF interpreter it
 * is started with the auxiliary vector of the program it stands in for,
 * which a libc's start-up code would misread.
 */
#include <asm/unistd.h>
#include <linux/fcntl.h>

#if defined(__x86_64__)
static long sys(long n, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}
__asm__(".globl _start\n_start:\n\txor %rbp,%rbp\n\tand $-16,%rsp\n\tcall fakeld_main\n\thlt\n");
#elif defined(__aarch64__)
static long sys(long n, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}
__asm__(".globl _start\n_start:\n\tmov x29, #0\n\tbl fakeld_main\n");
#else
#error "fakeld: no system call stub for this architecture"
#endif

static unsigned long len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void log_line(const char *a, const char *b)
{
	long fd = sys(__NR_openat, AT_FDCWD, (long)"/tmp/fakeld.log", O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (fd < 0)
		return;
	sys(__NR_write, fd, (long)a, (long)len(a), 0);
	sys(__NR_write, fd, (long)b, (long)len(b), 0);
	sys(__NR_write, fd, (long)"\n", 1, 0);
	sys(__NR_close, fd, 0, 0, 0);
}

static void try_write(const char *when, const char *path)
{
	long fd = sys(__NR_openat, AT_FDCWD, (long)path, O_WRONLY | O_CLOEXEC, 0);

	log_line(when, fd >= 0 ? " WRITABLE" : fd == -26 ? " ETXTBSY" : " refused");
	if (fd >= 0)
		sys(__NR_close, fd, 0, 0, 0);
}

__attribute__((used, noreturn)) void fakeld_main(void);
void fakeld_main(void)
{
	char exe[512], p[32] = "/proc/self/fd/", d[8];
	long n = sys(__NR_readlinkat, AT_FDCWD, (long)"/proc/self/exe", (long)exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	log_line("ran exe=", exe);
	try_write("now", "/proc/self/exe");
	long path = sys(__NR_openat, AT_FDCWD, (long)"/proc/self/exe", O_PATH | O_CLOEXEC, 0);
	if (path >= 0 && sys(__NR_clone, 17 /* SIGCHLD: a fork */, 0, 0, 0) == 0) {
		/* the child: wait for the text to be free, then try again through the held fd */
		int k = 0, v = (int)path;
		do
			d[k++] = (char)('0' + v % 10);
		while ((v /= 10) && k < 7);
		for (int i = 0; i < k; i++)
			p[14 + i] = d[k - 1 - i];
		p[14 + k] = 0;
		struct {
			long s, ns;
		} t = {0, 300000000};
		sys(__NR_nanosleep, (long)&t, 0, 0, 0);
		try_write("later", p);
	}
	for (;;)
		sys(__NR_exit_group, 0, 0, 0, 0);
}
