/*
 * Thin wrappers for the syscalls glibc 2.36 declares in headers that clash
 * with the kernel's (<sys/mount.h> vs <linux/mount.h>) or not at all.
 */
#ifndef JAIL_SYS_H
#define JAIL_SYS_H

#include <linux/mount.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef MS_RDONLY
#define MS_RDONLY  1
#define MS_NOSUID  2
#define MS_NODEV   4
#define MS_NOEXEC  8
#define MS_REMOUNT 32
#define MS_BIND	   4096
#define MS_REC	   16384
#define MS_PRIVATE (1 << 18)
#define MS_SLAVE   (1 << 19)
#endif
#ifndef MNT_DETACH
#define MNT_DETACH 2
#endif

static inline int sys_mount(const char *src, const char *dst, const char *type, unsigned long flags,
			    const void *data)
{
	return (int)syscall(SYS_mount, src, dst, type, flags, data);
}
static inline int sys_umount2(const char *target, int flags)
{
	return (int)syscall(SYS_umount2, target, flags);
}
static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}
static inline int sys_fsopen(const char *fs, unsigned int flags)
{
	return (int)syscall(SYS_fsopen, fs, flags);
}
static inline int sys_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}
static inline int sys_fsmount(int fd, unsigned int flags, unsigned int attrs)
{
	return (int)syscall(SYS_fsmount, fd, flags, attrs);
}
static inline int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
				 unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}
static inline int sys_open_tree(int dfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}
static inline int sys_mount_setattr(int dfd, const char *path, unsigned int flags, struct mount_attr *attr,
				    size_t size)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, size);
}
static inline int sys_openat2(int dfd, const char *path, struct open_how *how, size_t size)
{
	return (int)syscall(SYS_openat2, dfd, path, how, size);
}
static inline int sys_pidfd_send_signal(int pidfd, int sig, void *info, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
}
static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}
static inline int sys_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

/*
 * A system call that never touches errno, for a child sharing our memory
 * (CLONE_VM) but not our thread: glibc's errno there would be the parent's.
 * Returns the kernel's answer (-errno on failure).
 */
static inline long sys_raw(long n, long a, long b, long c, long d)
{
#if defined(__x86_64__)
	long r;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
#else
#error "sys_raw: no system call stub for this architecture"
#endif
}

/* Open a path inside a jail root: never leaves it, never follows /proc magic links. */
static inline int open_in_root(int rootfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {.flags = (unsigned long long)flags, .mode = 0, .resolve = resolve};
	return sys_openat2(rootfd, path, &how, sizeof(how));
}

#endif
