/*
 * libFuzzer target for mount and mount.fstab lines (jail_mount_parse in
 * lib/core/root.c), which the parent parses from jail.conf or the command
 * line before anything is mounted. The first byte picks the jail's path;
 * the rest is one fstab line. The result is parsed into a heap copy of
 * struct jail_mount, so a write past it is caught. What is accepted must be
 * a relative mount point beneath the path, a known type and NUL-terminated
 * fields; what is refused must say so in a "mount: line 1: ..." message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const roots[] = {"/", "/j", "/srv/jail/www"};
	const char *root;
	struct jail_mount *m;
	struct jail_err e = {0};
	char *line;

	if (size < 1)
		return 0;
	root = roots[data[0] % 3];
	line = malloc(size);
	m = malloc(sizeof(*m));
	if (!line || !m)
		abort();
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';
	if (jail_mount_parse(line, root, "mount", 1, m, &e) < 0) {
		if (strncmp(e.msg, "mount: line 1: ", 15) != 0 || e.code >= 0)
			abort();
	} else {
		if (!terminated(m->src, sizeof(m->src)) || !terminated(m->dst, sizeof(m->dst)) ||
		    !terminated(m->type, sizeof(m->type)) || !terminated(m->data, sizeof(m->data)))
			abort();
		if (m->dst[0] == '/' || m->dst[0] == '\0' || strstr(m->dst, "/../") || strstr(m->dst, "/./"))
			abort();
		if (strcmp(m->type, "bind") && strcmp(m->type, "tmpfs") && strcmp(m->type, "proc"))
			abort();
		if (m->data[0] && strcmp(m->type, "tmpfs"))
			abort();
	}
	free(m);
	free(line);
	return 0;
}
