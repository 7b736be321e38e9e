/* Small helpers shared by the library: files, fds, process start times. */
#ifndef JAIL_UTIL_H
#define JAIL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Write the whole string to dirfd/name (O_WRONLY, no create). -errno. */
int write_file_at(int dirfd, const char *name, const char *s);
/* Read at most max-1 bytes of dirfd/name into buf, NUL-terminated. Returns length or -errno. */
ssize_t read_file_at(int dirfd, const char *name, char *buf, size_t max);
/* The start time of a process (field 22 of /proc/PID/stat), 0 if gone. */
unsigned long long proc_starttime(pid_t pid);
/* The same, read from the proc directory procfd (a jail's /proc: pids of its namespace). */
unsigned long long proc_starttime_at(int procfd, pid_t pid);
/* Write all of buf, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* Open /proc/PID/ns/NS read-only (a namespace fd for setns or netlink); -errno. */
int proc_ns_open(pid_t pid, const char *ns);
/* Whether a string is all decimal digits (and not empty). */
bool str_is_digits(const char *s);

#endif
