/*
 * probe: a static test helper copied into jail roots by the integration
 * tests. Each verb makes one system call the way an attacker inside a jail
 * would and prints "ok" or the errno name, so tests assert what the jail
 * refuses from inside it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/filter.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int result(long r);

static double now_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* rctl verbs: resource hogs that report what they got. */
static int rctl_verb(const char *v, int argc, char **argv)
{
	double arg = argc > 2 ? atof(argv[2]) : 1;

	if (!strcmp(v, "forkbomb")) {
		/* Every process forks copies of itself until the deadline, retrying refused forks. */
		double end = now_s(CLOCK_MONOTONIC) + arg;
		long refused = 0;
		while (now_s(CLOCK_MONOTONIC) < end) {
			pid_t p = fork();
			if (p < 0) {
				refused++;
				usleep(1000);
			}
		}
		return refused > 0 ? 0 : 1;
	}
	if (!strcmp(v, "alloc")) {
		/* Touch ARG MiB, then say so. */
		size_t n = (size_t)(arg * 1048576);
		char *m = malloc(n);
		for (size_t i = 0; m && i < n; i += 4096)
			m[i] = 1;
		puts(m ? "ok" : "ENOMEM");
		fflush(stdout);
		if (m && argc > 3) /* hold it ARG3 seconds */
			usleep((useconds_t)(atof(argv[3]) * 1e6));
		return m ? 0 : 1;
	}
	if (!strcmp(v, "openfiles")) {
		int n = 0;
		while (n < (int)arg && open("/dev/null", O_RDONLY) >= 0)
			n++;
		printf("%d\n", n);
		return 0;
	}
	if (!strcmp(v, "ptys")) {
		/* Open up to ARG pseudoterminals; print how many the jail's devpts gave. */
		int n = 0;
		while (n < (int)arg && open("/dev/ptmx", O_RDWR | O_NOCTTY) >= 0)
			n++;
		printf("%d\n", n);
		return 0;
	}
	if (!strcmp(v, "burn")) {
		/* Busy until ARG seconds of CPU time are used, however long that takes. */
		while (now_s(CLOCK_PROCESS_CPUTIME_ID) < arg)
			;
		return 0;
	}
	if (!strcmp(v, "spin")) {
		/* Busy for ARG seconds of wall time; print the CPU seconds it got. */
		double t0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
		while (now_s(CLOCK_MONOTONIC) - t0 < arg)
			;
		printf("%.3f %.3f\n", now_s(CLOCK_PROCESS_CPUTIME_ID) - c0, now_s(CLOCK_MONOTONIC) - t0);
		return 0;
	}
	if (!strcmp(v, "writedirect") && argc > 3) {
		/* Write ARG3 MiB to ARG2 with O_DIRECT; print bytes per second. */
		size_t total = (size_t)(atof(argv[3]) * 1048576), bs = 65536, done = 0;
		void *buf = NULL;
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0644);
		if (fd < 0 || posix_memalign(&buf, 4096, bs) != 0)
			return result(-1);
		memset(buf, 'x', bs);
		double t0 = now_s(CLOCK_MONOTONIC);
		while (done < total) {
			ssize_t w = write(fd, buf, bs);
			if (w <= 0)
				return result(-1);
			done += (size_t)w;
		}
		printf("%.0f\n", (double)done / (now_s(CLOCK_MONOTONIC) - t0));
		return 0;
	}
	return -1;
}

static int result(long r)
{
	if (r >= 0) {
		puts("ok");
		return 0;
	}
	const char *n = strerrorname_np(errno);
	puts(n ? n : "?");
	return 1;
}

int main(int argc, char **argv)
{
	const char *v = argc > 1 ? argv[1] : "";
	char c = 'x';

	if (!strcmp(v, "nfnetlink"))
		return result(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 12 /* NETLINK_NETFILTER */));
	if (!strcmp(v, "nested-nfnetlink")) {
		/* A user and network namespace of our own (children.max > 0), then nf_tables there. */
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
			return result(-1);
		return result(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 12));
	}
	if (!strcmp(v, "chattr-i") && argc > 2) {
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC), flags = 0x10 /* FS_IMMUTABLE_FL */;
		if (fd < 0)
			return result(-1);
		return result(ioctl(fd, 0x40086602 /* FS_IOC_SETFLAGS */, &flags));
	}
	if (!strcmp(v, "mount-tmpfs") && argc > 2)
		return result(syscall(SYS_mount, "none", argv[2], "tmpfs", 0, ""));
	if (!strcmp(v, "pidfd") && argc > 2)
		return result(syscall(SYS_pidfd_open, atoi(argv[2]), 0));
	if (!strcmp(v, "ptrace") && argc > 2)
		return result(syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, atoi(argv[2]), 0, 0));
	if (!strcmp(v, "keyctl"))
		return result(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
	if (!strcmp(v, "add_key"))
		return result(syscall(SYS_add_key, "user", "x", "y", 1, -3));
	if (!strcmp(v, "bpf"))
		return result(syscall(SYS_bpf, 0, NULL, 0));
	if (!strcmp(v, "perf_event_open"))
		return result(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	if (!strcmp(v, "userfaultfd"))
		return result(syscall(SYS_userfaultfd, 0));
	if (!strcmp(v, "open_by_handle_at"))
		return result(syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, 0));
	if (!strcmp(v, "iopl"))
		return result(syscall(SYS_iopl, 3));
	if (!strcmp(v, "ioperm"))
		return result(syscall(SYS_ioperm, 0x80, 1, 1));
	if (!strcmp(v, "init_module"))
		return result(syscall(SYS_init_module, NULL, 0, ""));
	if (!strcmp(v, "finit_module"))
		return result(syscall(SYS_finit_module, -1, "", 0));
	if (!strcmp(v, "kexec_load"))
		return result(syscall(SYS_kexec_load, 0, 0, NULL, 0));
	if (!strcmp(v, "swapon"))
		return result(syscall(SYS_swapon, "/nonexistent", 0));
	if (!strcmp(v, "settimeofday")) {
		struct timeval tv;
		gettimeofday(&tv, NULL);
		return result(settimeofday(&tv, NULL));
	}
	if (!strcmp(v, "clock_settime")) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		return result(clock_settime(CLOCK_REALTIME, &ts));
	}
	if (!strcmp(v, "syslog"))
		return result(syscall(SYS_syslog, 3 /* READ_ALL */, (char[64]){0}, 64));
	if (!strcmp(v, "sethostname"))
		return result(sethostname("probe", 5));
	if (!strcmp(v, "mount"))
		return result(syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(v, "unshare"))
		return result(unshare(CLONE_NEWUSER));
	if (!strcmp(v, "unshare-net"))
		return result(unshare(CLONE_NEWNET));
	if (!strcmp(v, "setns"))
		return result(syscall(SYS_setns, -1, 0));
	if (!strcmp(v, "clone3"))
		return result(syscall(SYS_clone3, NULL, 0));
	if (!strcmp(v, "unknown"))
		return result(syscall(1000));
	if (!strcmp(v, "io_uring"))
		return result(syscall(SYS_io_uring_setup, 1, NULL));
	if (!strcmp(v, "tiocsti"))
		return result(ioctl(0, TIOCSTI, &c));
	if (!strcmp(v, "tiocsti-high"))
		return result(syscall(SYS_ioctl, 0, 0x100000000UL | TIOCSTI, &c));
	if (!strcmp(v, "tioclinux"))
		return result(ioctl(0, 0x541C, &c));
	if (!strcmp(v, "packet"))
		return result(socket(AF_PACKET, SOCK_RAW, 0));
	if (!strcmp(v, "raw"))
		return result(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
	if (!strcmp(v, "raw6"))
		return result(socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6));
	if (!strcmp(v, "inet"))
		return result(socket(AF_INET, SOCK_STREAM, 0));
	if (!strcmp(v, "inet6"))
		return result(socket(AF_INET6, SOCK_STREAM, 0));
	if (!strcmp(v, "vsock"))
		return result(socket(40 /* AF_VSOCK */, SOCK_STREAM, 0));
	if (!strcmp(v, "mknod-char"))
		return result(mknod(argc > 2 ? argv[2] : "/tmp/probe-null", S_IFCHR | 0666, makedev(1, 3)));
	if (!strcmp(v, "mknod-block"))
		return result(mknod(argc > 2 ? argv[2] : "/tmp/probe-sda", S_IFBLK | 0666, makedev(8, 0)));
	if (!strcmp(v, "msgget"))
		return result(syscall(SYS_msgget, 0 /* IPC_PRIVATE */, 0600));
	if (!strcmp(v, "shmget"))
		return result(syscall(SYS_shmget, 0, 4096, 0600));
	if (!strcmp(v, "semget"))
		return result(syscall(SYS_semget, 0, 1, 0600));
	if (!strcmp(v, "bind")) {
		/* bind ADDR PORT on IPv4 */
		struct sockaddr_in sa = {.sin_family = AF_INET};
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (argc < 4 || fd < 0)
			return result(-1);
		inet_pton(AF_INET, argv[2], &sa.sin_addr);
		sa.sin_port = htons((unsigned short)atoi(argv[3]));
		return result(bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	}
	if (!strcmp(v, "fds")) {
		/* Print every open fd except the one reading the directory. */
		DIR *d = opendir("/proc/self/fd");
		struct dirent *de;
		if (!d)
			return result(-1);
		while ((de = readdir(d)))
			if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d))
				printf("%s ", de->d_name);
		puts("");
		return 0;
	}
	if (!strcmp(v, "caps")) {
		/* CapEff from /proc/self/status */
		char line[256];
		FILE *f = fopen("/proc/self/status", "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "CapBnd:", 7))
				fputs(line, stdout);
		return 0;
	}
	int r = rctl_verb(v, argc, argv);
	if (r >= 0)
		return r;
	fprintf(stderr, "probe: unknown verb '%s'\n", v);
	return 2;
}
