/*
 * Network-namespace helpers that are not netlink: run a function in a
 * thread that joined a namespace, make a fresh namespace, read and write
 * /proc/sys/net values of a namespace. The work happens in a throw-away
 * thread so the caller's own thread never changes namespace (a failed
 * setns back could otherwise leave it inside a jail's network).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "netlink.h"

#define SYSCTL_KEY_MAX	 200
#define SYSCTL_VALUE_MAX 64

struct run {
	int netns_fd;
	int (*fn)(void *);
	void *arg;
	int ret;
};

static void *run_thread(void *p)
{
	struct run *r = p;

	if (setns(r->netns_fd, CLONE_NEWNET) < 0) {
		r->ret = -errno;
		return NULL;
	}
	r->ret = r->fn(r->arg);
	return NULL;
}

int nl_netns_run(int netns_fd, int (*fn)(void *), void *arg)
{
	struct run r = {netns_fd, fn, arg, 0};
	pthread_t t;
	int err;

	if (netns_fd < 0)
		return fn(arg);
	err = pthread_create(&t, NULL, run_thread, &r);
	if (err)
		return -err;
	pthread_join(t, NULL);
	return r.ret;
}

static void *new_thread(void *p)
{
	int *ret = p;

	if (unshare(CLONE_NEWNET) < 0) {
		*ret = -errno;
		return NULL;
	}
	*ret = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*ret < 0)
		*ret = -errno;
	return NULL;
}

int nl_netns_new(struct jail_err *e)
{
	pthread_t t;
	int ret = -EIO, err;

	err = pthread_create(&t, NULL, new_thread, &ret);
	if (err)
		return jail_err_sys(e, -err, "new network namespace");
	pthread_join(t, NULL);
	if (ret < 0)
		return jail_err_sys(e, ret, "new network namespace");
	return ret;
}

/* Keys are slash paths under net/; no component may be "." or "..", so the
 * open stays inside /proc/sys/net. Interface names may contain dots, which
 * is why the dotted sysctl(8) form is not used. */
static bool key_valid(const char *key)
{
	const char *p = key;

	if (strncmp(key, "net/", 4) != 0 || strlen(key) > SYSCTL_KEY_MAX)
		return false;
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (const char *c = p; c < end; c++)
			if ((unsigned char)*c <= ' ' || *c == 0x7f)
				return false;
		p = *end ? end + 1 : end;
	}
	return true;
}

struct sysctl_op {
	const char *key;
	const char *value; /* NULL: read only */
	char *old;
	size_t oldlen;
};

static int read_value(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int sysctl_thread(void *p)
{
	struct sysctl_op *op = p;
	char path[SYSCTL_KEY_MAX + 16];
	_cleanup_close_ int fd = -1;
	size_t n;
	int r;

	snprintf(path, sizeof(path), "/proc/sys/%s", op->key);
	if (op->old) {
		r = read_value(path, op->old, op->oldlen);
		if (r < 0)
			return r;
	}
	if (!op->value)
		return 0;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = strlen(op->value);
	if (write(fd, op->value, n) != (ssize_t)n)
		return errno ? -errno : -EIO;
	return 0;
}

int nl_sysctl_set(int netns_fd, const char *key, const char *value, char *old, size_t oldlen,
		  struct jail_err *e)
{
	struct sysctl_op op = {key, value, old, oldlen};
	int r;

	if (!key_valid(key) || !value || strlen(value) > SYSCTL_VALUE_MAX || (old && oldlen < 2))
		return jail_err_set(e, -EINVAL, "/proc/sys/%s: invalid sysctl", key ? key : "(null)");
	r = nl_netns_run(netns_fd, sysctl_thread, &op);
	if (r < 0)
		return jail_err_sys(e, r, "/proc/sys/%s: cannot set to %s", key, value);
	return 0;
}

int nl_sysctl_get(int netns_fd, const char *key, char *buf, size_t len, struct jail_err *e)
{
	struct sysctl_op op = {key, NULL, buf, len};
	int r;

	if (!key_valid(key) || len < 2)
		return jail_err_set(e, -EINVAL, "/proc/sys/%s: invalid sysctl", key ? key : "(null)");
	r = nl_netns_run(netns_fd, sysctl_thread, &op);
	if (r < 0)
		return jail_err_sys(e, r, "/proc/sys/%s", key);
	return 0;
}
