/* Unit tests of the parameter table: lookup, FreeBSD boolean spellings, validation, lists. */
#include <errno.h>
#include <string.h>

#include "jail/param.h"
#include "t.h"

static int set(struct jail_params *p, const char *arg, struct jail_err *e)
{
	jail_err_clear(e);
	return jail_params_set_arg(p, arg, true, e);
}

int main(void)
{
	struct jail_params p = {0};
	struct jail_err e = {0};
	bool neg, b;

	T_INT(jail_param_lookup("persist", &neg), JP_PERSIST, "persist found");
	T_OK(!neg, "persist not negated");
	T_INT(jail_param_lookup("nopersist", &neg), JP_PERSIST, "nopersist is persist");
	T_OK(neg, "nopersist negated");
	T_INT(jail_param_lookup("allow.nomount", &neg), JP_ALLOW_MOUNT, "allow.nomount");
	T_OK(neg, "allow.nomount negated");
	T_INT(jail_param_lookup("mount.nodevfs", &neg), JP_MOUNT_DEVFS, "mount.nodevfs");
	T_INT(jail_param_lookup("noname", &neg), -ENOENT, "no prefix only on booleans");
	T_INT(jail_param_lookup("bogus", &neg), -ENOENT, "unknown name");

	T_INT(jail_parse_bool("TRUE", &b), 0, "TRUE parses");
	T_OK(b, "TRUE is true");
	T_INT(jail_parse_bool("0", &b), 0, "0 parses");
	T_OK(!b, "0 is false");
	T_INT(jail_parse_bool("42", &b), 0, "a number parses");
	T_OK(b, "42 is true");
	T_INT(jail_parse_bool("maybe", &b), -EINVAL, "maybe is no boolean");

	T_OK(!jail_params_bool(&p, JP_PERSIST), "persist defaults false");
	T_OK(jail_params_bool(&p, JP_MOUNT_DEVFS), "mount.devfs defaults true here");
	T_OK(!jail_params_bool(&p, JP_ALLOW_SET_HOSTNAME), "allow.set_hostname defaults false here");
	T_STR(jail_params_str(&p, JP_SYSVSHM), "new", "sysvshm defaults new");
	T_INT(jail_params_int(&p, JP_STOP_TIMEOUT), 10, "stop.timeout defaults 10");

	T_INT(set(&p, "persist", &e), 0, "bare boolean");
	T_OK(jail_params_bool(&p, JP_PERSIST), "bare persist is true");
	T_INT(set(&p, "nopersist", &e), 0, "no boolean");
	T_OK(!jail_params_bool(&p, JP_PERSIST), "nopersist is false");
	T_INT(set(&p, "persist=maybe", &e), -EINVAL, "bad boolean refused");
	T_STR(e.msg, "persist: unknown boolean value \"maybe\"", "bad boolean message");
	T_INT(set(&p, "nopersist=1", &e), -EINVAL, "no-boolean with a value refused");
	T_INT(set(&p, "host.hostname", &e), -EINVAL, "string without value refused");
	T_STR(e.msg, "host.hostname: value required", "value required message");
	T_INT(set(&p, "unknown.param=1", &e), -ENOENT, "unknown parameter refused");
	T_STR(e.msg, "unknown parameter: unknown.param", "unknown parameter message");

	T_INT(set(&p, "ip4.addr=192.0.2.1,192.0.2.2", &e), 0, "list splits on commas");
	T_INT(jail_params_get(&p, JP_IP4_ADDR)->n, 2, "two addresses");
	T_INT(set(&p, "ip4.addr+=192.0.2.3", &e), 0, "+= appends");
	T_INT(jail_params_get(&p, JP_IP4_ADDR)->n, 3, "three addresses");
	T_STR(jail_params_get(&p, JP_IP4_ADDR)->v[2], "192.0.2.3", "appended last");
	T_INT(set(&p, "ip4.addr=192.0.2.9", &e), 0, "= replaces");
	T_INT(jail_params_get(&p, JP_IP4_ADDR)->n, 1, "one address");
	T_INT(set(&p, "exec.start=/bin/sh /etc/rc, x", &e), 0, "command strings do not split");
	T_INT(jail_params_get(&p, JP_EXEC_START)->n, 1, "one command string");

	T_INT(set(&p, "path=relative", &e), -EINVAL, "relative path refused");
	T_INT(set(&p, "securelevel=4", &e), -EINVAL, "securelevel range");
	T_INT(set(&p, "securelevel=2", &e), 0, "securelevel 2");
	T_INT(jail_params_int(&p, JP_SECURELEVEL), 2, "securelevel read back");
	T_INT(set(&p, "children.max=-1", &e), -EINVAL, "negative children.max refused");
	T_INT(set(&p, "ip4=new", &e), 0, "ip4=new");
	T_INT(set(&p, "ip4=maybe", &e), -EINVAL, "ip4=maybe refused");
	T_INT(set(&p, "vnet=disable", &e), -EINVAL, "vnet has no disable");
	T_INT(set(&p, "jid=0", &e), -EINVAL, "jid 0 refused");
	T_INT(set(&p, "parent=3", &e), -EPERM, "read-only parameter refused");
	T_INT(set(&p, "name=a.b", &e), -EINVAL, "dotted name refused (no child jails yet)");
	T_INT(set(&p, "name=www", &e), 0, "plain name");
	T_INT(set(&p, "name=", &e), -EINVAL, "empty name refused");
	T_INT(set(&p, "host.hostname=0123456789012345678901234567890123456789012345678901234567890123456789",
		  &e),
	      -ENAMETOOLONG, "hostname over 64 refused");

	jail_params_free(&p);
	T_DONE();
}
