/*
 * libFuzzer target for the jail.conf module: parse and evaluate arbitrary
 * bytes (includes refused, so no file is read), then exercise every use of
 * the result, depend order included. A failed parse must leave a message and
 * exit status 1 (FreeBSD's jail(8) exits 1 for configuration errors).
 */
#include <errno.h>
#include <stdbool.h>
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
		if (!e.msg[0] || (e.exit != 1 && e.code != -ENOMEM))
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
		struct jconf_deps d;
		if (n != c->njails)
			abort();
		if (jconf_deps_build(c, &d, &e) == 0) {
			/* every jail of the file once, whichever way the run goes */
			for (int stop = 0; stop < 2; stop++) {
				size_t *ord = NULL, no = 0;
				bool *pulled = NULL;
				if (jconf_depend_order(&d, idx, n, stop, &ord, &pulled, &no, &e) == 0) {
					if (no != n)
						abort();
					free(ord);
					free(pulled);
				}
			}
			jconf_deps_free(&d);
		}
		free(idx);
	}
	(void)jconf_first_error(c, &e);
	jconf_free(c);
	return 0;
}
