/*
 * libFuzzer target for the jail.conf module: parse and evaluate arbitrary
 * bytes (includes refused, so no file is read), then exercise every use of
 * the result. A failed parse must leave a message and a config exit status.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jail/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jail_err e = {0};
	struct jconf *c = NULL;
	size_t *idx = NULL, n = 0;
	char *out = NULL;

	if (jconf_parse_buf_opts((const char *)data, size, "fuzz.conf", JCONF_NO_INCLUDE, &c, &e) < 0) {
		if (!e.msg[0] || (e.exit != 78 && e.code != -ENOMEM))
			abort();
		return 0;
	}
	if (jconf_format_e_all(c, "|", &out, &e) == 0)
		free(out);
	for (size_t i = 0; i < c->njails; i++) {
		const struct jconf_jail *j = &c->jails[i];

		if (!jconf_jail_param(j, "name") && !jconf_jail_param(j, "jid"))
			abort();
		(void)jconf_jail_param(j, "persist");
		if (jconf_find(c, j->name) == NULL)
			abort();
	}
	if (jconf_select(c, NULL, 0, &idx, &n, &e) == 0) {
		if (n != c->njails)
			abort();
		free(idx);
	}
	(void)jconf_first_error(c, &e);
	jconf_free(c);
	return 0;
}
