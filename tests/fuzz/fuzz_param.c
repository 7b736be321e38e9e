/*
 * libFuzzer target for the parameter store (lib/core/param.c): every
 * "name=value" a user, jail.conf or jail -m can hand in. Each input line is
 * one argument to jail_params_set_arg (split or not, by the first byte); a
 * line starting with '@' instead sets the parameter with the id in its next
 * byte from the rest of the line split on '|', with jail_params_set. A
 * refusal must carry a message; at the end the typed getters are read for
 * every parameter: validation on the way in must have made them safe.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jail/param.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_all(const struct jail_params *p)
{
	for (int i = 0; i < JP__COUNT; i++) {
		const struct jail_param_val *v = jail_params_get(p, (enum jail_param_id)i);

		if (v->n > 0 && !v->v)
			abort();
		for (size_t k = 0; k < v->n; k++)
			if (!v->v[k])
				abort();
		(void)jail_params_str(p, (enum jail_param_id)i);
		if (jail_param_defs[i].type == JPT_INT)
			(void)jail_params_int(p, (enum jail_param_id)i);
		if (jail_param_defs[i].type == JPT_BOOL)
			(void)jail_params_bool(p, (enum jail_param_id)i);
	}
}

static void set_split(struct jail_params *p, char *line, struct jail_err *e)
{
	const char *vals[64];
	size_t n = 0;
	int id = (unsigned char)line[1] % JP__COUNT;
	bool append = line[2] == '+';
	char *save = NULL;

	for (char *t = strtok_r(line + 3, "|", &save); t && n < 64; t = strtok_r(NULL, "|", &save))
		vals[n++] = t;
	if (jail_params_set(p, (enum jail_param_id)id, vals, n, append, e) < 0 && !e->msg[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jail_params p = {0};
	char *buf = malloc(size + 1), *save = NULL;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	bool split = size > 0 && (data[0] & 1);
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct jail_err e = {0};

		if (line[0] == '@' && line[1] && line[2]) {
			set_split(&p, line, &e);
		} else if (jail_params_set_arg(&p, line, split, &e) < 0) {
			if (!e.msg[0] || e.code >= 0)
				abort();
		}
	}
	check_all(&p);
	jail_params_free(&p);
	free(buf);
	return 0;
}
