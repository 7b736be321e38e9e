/*
 * jail_mount_parse (lib/core/root.c): fstab lines for mount and
 * mount.fstab, parsed in the parent before anything is mounted. Among them
 * the crashes the fuzzer (tests/fuzz/fuzz_mount.c) found, kept here so
 * they stay fixed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "core/root.h"
#include "t.h"

static int parse(const char *line, const char *root, struct jail_mount *m, struct jail_err *e)
{
	memset(e, 0, sizeof(*e));
	return jail_mount_parse(line, root, "mount", 3, m, e);
}

int main(void)
{
	struct jail_mount *m = malloc(sizeof(*m)); /* on the heap: ASan builds see an overrun */
	struct jail_err e;
	char line[1024], big[251];

	T_INT(parse("tmpfs /j/tmp tmpfs rw,size=1m,mode=700 0 0", "/j", m, &e), 0, "a tmpfs line");
	T_STR(m->type, "tmpfs", "its type");
	T_STR(m->dst, "tmp", "its mount point, relative to the jail's path");
	T_STR(m->data, "size=1m,mode=700", "its options, rw dropped");

	T_INT(parse("/srv/data /j/data nullfs ro,nosuid 0 0", "/j", m, &e), 0, "a nullfs line");
	T_STR(m->type, "bind", "nullfs is a bind mount");
	T_OK(m->attrs & MOUNT_ATTR_RDONLY, "ro");
	T_OK(m->attrs & MOUNT_ATTR_NOSUID, "nosuid");
	T_STR(m->data, "", "no data for a bind mount");

	/* The option string fills m->data (255 bytes and the NUL) exactly. */
	memset(big, '1', 250);
	big[250] = '\0';
	snprintf(line, sizeof(line), "tmpfs /j/tmp tmpfs size=%.245s 0 0", big);
	T_INT(parse(line, "/j", m, &e), 0, "options of exactly 250 bytes fit");
	T_INT(strlen(m->data), 250, "all of them kept");
	snprintf(line, sizeof(line), "tmpfs /j/tmp tmpfs size=%.244s,uid=0 0 0", big);
	T_INT(parse(line, "/j", m, &e), 0, "255 bytes fit");
	T_INT(strlen(m->data), 255, "all 255 kept");
	snprintf(line, sizeof(line), "tmpfs /j/tmp tmpfs size=%.245s,uid=0 0 0", big);
	T_INT(parse(line, "/j", m, &e), -E2BIG, "256 bytes do not");

	/* Fuzzer find: d += snprintf() ran past m->data once the options were
	 * cut, and the size left underflowed: a write past struct jail_mount. */
	snprintf(line, sizeof(line), "tmpfs /j/tmp tmpfs size=%s,mode=0755,uid=0,gid=0", big);
	T_INT(parse(line, "/j", m, &e), -E2BIG, "an over-long tmpfs option string is refused");
	T_STR(e.msg, "mount: line 3: options too long", "with a clear message");
	snprintf(line, sizeof(line), "tmpfs /j/tmp tmpfs %s,%s,%s", "size=1m", big, "mode=0755");
	T_INT(parse(line, "/j", m, &e), -EINVAL, "an unknown option among long ones is still unknown");

	T_INT(parse("/x /elsewhere nullfs ro 0 0", "/j", m, &e), -EINVAL, "a mount point outside the path");
	T_STR(e.msg, "mount: line 3: '/elsewhere' is not within path '/j'", "says so");
	T_INT(parse("/x /j/../etc nullfs ro 0 0", "/j", m, &e), -EINVAL, "a mount point with ..");
	T_INT(parse("tmpfs /j/tmp", "/j", m, &e), -EINVAL, "a short line");
	free(m);
	T_DONE();
}
