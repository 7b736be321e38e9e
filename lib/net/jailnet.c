/*
 * The jail parameters that concern the network, read into the forms the
 * rest of lib/net works with: ip4.addr and ip6.addr parsed, the addresses
 * ip_hostname (-h) adds from the host's resolver, and the identity of the
 * network namespace a jail was made from (and how to find it again).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <netdb.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailnet.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

int net_jail_addrs(const struct jail_params *p, struct netaddr *out, size_t max, struct jail_err *e)
{
	static const struct {
		enum jail_param_id id;
		int family;
	} lists[] = {{JP_IP4_ADDR, AF_INET}, {JP_IP6_ADDR, AF_INET6}};
	size_t n = 0;

	for (size_t l = 0; l < ARRAY_LEN(lists); l++) {
		const struct jail_param_val *v = jail_params_get(p, lists[l].id);
		for (size_t i = 0; i < v->n; i++) {
			if (n == max)
				return jail_err_set(e, -E2BIG, "%s: too many addresses",
						    jail_param_defs[lists[l].id].name);
			int r = netaddr_parse(&out[n], v->v[i], lists[l].family, e);
			if (r < 0)
				return r;
			n++;
		}
	}
	return (int)n;
}

unsigned long long net_netns_self(void)
{
	struct stat sb;

	return stat("/proc/self/ns/net", &sb) == 0 ? (unsigned long long)sb.st_ino : 0;
}

/* path opened if it is a network namespace of inode ino. */
static int open_if_ino(int dirfd, const char *path, unsigned long long ino)
{
	struct stat sb;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC); /* /proc/PID/ns/net is a magic link */

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) == 0 && (unsigned long long)sb.st_ino == ino &&
	    ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNET)
		return fd;
	close(fd);
	return -1;
}

/* The first entry of dir (a pin directory, or /proc) whose sub/ns/net is the namespace. */
static int scan(const char *dir, const char *sub, unsigned long long ino)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[300];
	int fd = -1;

	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (sub && !(de->d_name[0] >= '1' && de->d_name[0] <= '9')))
			continue;
		snprintf(path, sizeof(path), "%s%s", de->d_name, sub ? sub : "");
		fd = open_if_ino(dirfd(d), path, ino);
	}
	closedir(d);
	return fd;
}

int net_netns_open_ino(unsigned long long ino)
{
	int fd;

	if (!ino)
		return -ENOENT;
	fd = open_if_ino(AT_FDCWD, "/proc/self/ns/net", ino);
	/* ip netns pins, then any process still in it (the creator's shell, a service manager...) */
	if (fd < 0)
		fd = scan("/run/netns", NULL, ino);
	if (fd < 0)
		fd = scan("/proc", "/ns/net", ino);
	return fd >= 0 ? fd : -ENOENT;
}

static bool listed(const struct jail_param_val *have, const char *addr)
{
	for (size_t i = 0; i < have->n; i++)
		if (!strcmp(have->v[i], addr))
			return true;
	return false;
}

int net_hostname_addrs(struct jail_params *p, struct jail_err *e)
{
	const char *hn = jail_params_str(p, JP_HOSTNAME);
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	int r;

	if (!jail_params_bool(p, JP_IP_HOSTNAME))
		return 0;
	if (!hn || !jail_params_isset(p, JP_HOSTNAME))
		return jail_err_set(e, -EINVAL, "ip_hostname: needs host.hostname");
	r = getaddrinfo(hn, NULL, &hints, &res);
	if (r != 0)
		return jail_err_set(e, -ENOENT, "ip_hostname: %s: %s", hn, gai_strerror(r));
	for (struct addrinfo *a = res; a && r == 0; a = a->ai_next) {
		char buf[INET6_ADDRSTRLEN];
		const void *src = a->ai_family == AF_INET
					  ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
					  : (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
		enum jail_param_id id = a->ai_family == AF_INET ? JP_IP4_ADDR : JP_IP6_ADDR;
		if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) ||
		    !inet_ntop(a->ai_family, src, buf, sizeof(buf)))
			continue;
		if (!listed(jail_params_get(p, id), buf))
			r = jail_params_set(p, id, (const char *const[]){buf}, 1, true, e);
	}
	freeaddrinfo(res);
	return r;
}
