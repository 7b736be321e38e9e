/*
 * depend (jail.conf(5)): the selected jails in an order where each comes
 * after every jail it depends on, found by a depth-first walk that keeps
 * its own stack (a long chain cannot overflow ours) and fails on a loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>

#include "conf_int.h"

int jconf_depend_order(const struct jconf *c, const size_t *sel, size_t nsel, size_t **out, size_t *nout,
		       struct jail_err *e)
{
	size_t n = c->njails, k = 0;
	unsigned char *mark = calloc(n, 1); /* 0 new, 1 visiting, 2 done */
	size_t *stack = calloc(n + 1, sizeof(*stack)), *iter = calloc(n + 1, sizeof(*iter));
	size_t *res = calloc(n, sizeof(*res));
	int ret = 0;

	if (!mark || !stack || !iter || !res) {
		ret = jail_err_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t s0 = 0; s0 < nsel && ret == 0; s0++) {
		size_t top = 0;
		if (mark[sel[s0]])
			continue;
		stack[top] = sel[s0];
		iter[top] = 0;
		mark[sel[s0]] = 1;
		while (top != (size_t)-1 && ret == 0) {
			const struct jconf_jail *j = &c->jails[stack[top]];
			const struct jconf_param *d = jconf_jail_param(j, "depend");
			if (d && iter[top] < d->nvals) {
				const char *dn = d->vals[iter[top]++];
				const struct jconf_jail *dj = jconf_find(c, dn);
				if (!dj) {
					ret = jail_err_set(e, -ENOENT, "%s: depend: \"%s\" not found",
							   j->name, dn);
					break;
				}
				size_t di = (size_t)(dj - c->jails);
				if (mark[di] == 1) {
					ret = jail_err_set(e, -ELOOP, "%s: dependency loop", j->name);
					break;
				}
				if (mark[di] == 0) {
					mark[di] = 1;
					stack[++top] = di;
					iter[top] = 0;
				}
				continue;
			}
			mark[stack[top]] = 2;
			res[k++] = stack[top];
			top--;
		}
	}
out:
	free(mark);
	free(stack);
	free(iter);
	if (ret < 0) {
		free(res);
		return ret;
	}
	*out = res;
	*nout = k;
	return 0;
}

