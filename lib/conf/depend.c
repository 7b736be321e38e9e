/*
 * depend (jail.conf(5)), the way FreeBSD's jail(8) state.c treats it.
 * jconf_deps_build() looks at the whole file once (dep_setup): each jail's
 * dependencies, a name no jail has, and dependency loops, where one jail of
 * each loop is marked as its breaking point. jconf_depend_order() then puts
 * the jails of one run in order: the selected ones plus, when starting, what
 * they depend on, or, when stopping, what depends on them; dependencies
 * first when starting and dependents first when stopping. Both are Kahn's
 * algorithm over a heap (ready jails go in file order when starting and in
 * reverse file order when stopping, as next_jail() takes them); when nothing
 * is ready only loops remain, and the first jail left in file order goes
 * next, so a loop never holds up the jails outside it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "conf_int.h"

void jconf_deps_free(struct jconf_deps *d)
{
	for (size_t i = 0; d->deps && i < d->njails; i++)
		free(d->deps[i]);
	for (size_t i = 0; d->rdeps && i < d->njails; i++)
		free(d->rdeps[i]);
	free(d->deps);
	free(d->ndeps);
	free(d->rdeps);
	free(d->nrdeps);
	free(d->undefined);
	free(d->loop);
	memset(d, 0, sizeof(*d));
}

/* Jail j's dependencies as indexes; the first undefined name is noted. */
static int collect(const struct jconf *c, size_t j, struct jconf_deps *d)
{
	const struct jconf_param *p = jconf_jail_param(&c->jails[j], "depend");

	if (!p || p->nvals == 0)
		return 0;
	if (!(d->deps[j] = calloc(p->nvals, sizeof(size_t))))
		return -ENOMEM;
	for (size_t v = 0; v < p->nvals; v++) {
		const struct jconf_jail *dj = jconf_find(c, p->vals[v]);
		if (!dj) {
			if (!d->undefined[j])
				d->undefined[j] = p->vals[v];
			continue;
		}
		d->deps[j][d->ndeps[j]++] = (size_t)(dj - c->jails);
	}
	return 0;
}

/* The reverse lists: who depends on each jail (with repeats, as deps has them). */
static int reverse(struct jconf_deps *d)
{
	size_t n = d->njails;

	for (size_t a = 0; a < n; a++)
		for (size_t x = 0; x < d->ndeps[a]; x++)
			d->nrdeps[d->deps[a][x]]++;
	for (size_t b = 0; b < n; b++) {
		if (d->nrdeps[b] && !(d->rdeps[b] = calloc(d->nrdeps[b], sizeof(size_t))))
			return -ENOMEM;
		d->nrdeps[b] = 0;
	}
	for (size_t a = 0; a < n; a++)
		for (size_t x = 0; x < d->ndeps[a]; x++) {
			size_t b = d->deps[a][x];
			d->rdeps[b][d->nrdeps[b]++] = a;
		}
	return 0;
}

/* A binary heap of jail indexes: the smallest first, or the largest with max. */
struct heap {
	size_t *v;
	size_t n;
	bool max;
};

static bool above(const struct heap *h, size_t a, size_t b)
{
	return h->max ? h->v[a] > h->v[b] : h->v[a] < h->v[b];
}

static void swap(struct heap *h, size_t a, size_t b)
{
	size_t t = h->v[a];

	h->v[a] = h->v[b];
	h->v[b] = t;
}

static void push(struct heap *h, size_t j)
{
	size_t i = h->n++;

	h->v[i] = j;
	for (; i > 0 && above(h, i, (i - 1) / 2); i = (i - 1) / 2)
		swap(h, i, (i - 1) / 2);
}

static size_t pop(struct heap *h)
{
	size_t top = h->v[0], i = 0;

	h->v[0] = h->v[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && above(h, l, m))
			m = l;
		if (r < h->n && above(h, r, m))
			m = r;
		if (m == i)
			return top;
		swap(h, i, m);
		i = m;
	}
}

/*
 * Kahn's algorithm over the jails with in[] set: wait[j] counts what j
 * still waits for; emitting j releases each jail of rel[j]. Stuck jails
 * (loops) are taken in file order and flagged in stuck (if not NULL).
 */
struct kahn {
	size_t n;
	const bool *in;
	size_t *wait;
	size_t *const *rel;
	const size_t *nrel;
	bool max;
	bool *stuck;
};

static int kahn_run(const struct kahn *k, size_t *res, size_t *nres)
{
	_cleanup_free_ bool *out = calloc(k->n + 1, sizeof(bool));
	struct heap h = {calloc(k->n + 1, sizeof(size_t)), 0, k->max};
	size_t scan = 0, left = 0;

	if (!out || !h.v) {
		free(h.v);
		return -ENOMEM;
	}
	for (size_t j = 0; j < k->n; j++) {
		left += k->in[j];
		if (k->in[j] && k->wait[j] == 0)
			push(&h, j);
	}
	*nres = 0;
	while (left > 0) {
		size_t j;
		if (h.n > 0) {
			j = pop(&h);
		} else {
			while (!k->in[scan] || out[scan])
				scan++;
			j = scan;
			if (k->stuck)
				k->stuck[j] = true;
		}
		if (out[j])
			continue;
		out[j] = true;
		left--;
		res[(*nres)++] = j;
		for (size_t x = 0; k->rel[j] && x < k->nrel[j]; x++) {
			size_t r = k->rel[j][x];
			if (k->in[r] && !out[r] && k->wait[r] > 0 && --k->wait[r] == 0)
				push(&h, r);
		}
	}
	free(h.v);
	return 0;
}

int jconf_deps_build(const struct jconf *c, struct jconf_deps *d, struct jail_err *e)
{
	size_t n = c->njails, nres;
	_cleanup_free_ size_t *wait = calloc(n + 1, sizeof(size_t));
	_cleanup_free_ size_t *res = calloc(n + 1, sizeof(size_t));
	_cleanup_free_ bool *all = calloc(n + 1, sizeof(bool));
	_cleanup_free_ size_t **rel = calloc(n + 1, sizeof(size_t *));
	_cleanup_free_ size_t *nrel = calloc(n + 1, sizeof(size_t));

	memset(d, 0, sizeof(*d));
	d->njails = n;
	d->deps = calloc(n + 1, sizeof(*d->deps));
	d->ndeps = calloc(n + 1, sizeof(*d->ndeps));
	d->rdeps = calloc(n + 1, sizeof(*d->rdeps));
	d->nrdeps = calloc(n + 1, sizeof(*d->nrdeps));
	d->undefined = calloc(n + 1, sizeof(*d->undefined));
	d->loop = calloc(n + 1, sizeof(*d->loop));
	if (!wait || !res || !all || !rel || !nrel || !d->deps || !d->ndeps || !d->rdeps || !d->nrdeps ||
	    !d->undefined || !d->loop)
		goto oom;
	for (size_t j = 0; j < n; j++)
		if (collect(c, j, d) < 0)
			goto oom;
	if (reverse(d) < 0)
		goto oom;
	/* A jail that depends on an undefined one fails anyway: its edges do not count (dep_setup). */
	for (size_t j = 0; j < n; j++) {
		all[j] = true;
		wait[j] = d->undefined[j] ? 0 : d->ndeps[j];
		rel[j] = d->rdeps[j];
		nrel[j] = d->nrdeps[j];
	}
	struct kahn k = {n, all, wait, rel, nrel, false, d->loop};
	if (kahn_run(&k, res, &nres) < 0)
		goto oom;
	return 0;
oom:
	jconf_deps_free(d);
	return jail_err_set(e, -ENOMEM, "out of memory");
}

bool jconf_depends_on(const struct jconf_deps *d, size_t a, size_t b)
{
	for (size_t x = 0; x < d->ndeps[a]; x++)
		if (d->deps[a][x] == b)
			return true;
	return false;
}

int jconf_depend_order(const struct jconf_deps *d, const size_t *sel, size_t nsel, bool stop, size_t **order,
		       bool **pulled, size_t *nout, struct jail_err *e)
{
	size_t n = d->njails, nres = 0, top = 0;
	/* Starting, a jail waits for its dependencies; stopping, for its dependents. */
	size_t *const *waits = stop ? d->rdeps : d->deps, *const *rel = stop ? d->deps : d->rdeps;
	const size_t *nwaits = stop ? d->nrdeps : d->ndeps, *nrel = stop ? d->ndeps : d->nrdeps;
	_cleanup_free_ bool *in = calloc(n + 1, sizeof(bool));
	_cleanup_free_ size_t *wait = calloc(n + 1, sizeof(size_t));
	_cleanup_free_ size_t *stack = calloc(n + 1, sizeof(size_t));
	size_t *res = calloc(n + 1, sizeof(size_t));
	bool *pul = calloc(n + 1, sizeof(bool));

	if (!in || !wait || !stack || !res || !pul)
		goto oom;
	/* The run: the selection and, to a fixed point, what it waits for. */
	for (size_t s = 0; s < nsel; s++)
		if (!in[sel[s]]) {
			in[sel[s]] = true;
			stack[top++] = sel[s];
		}
	for (size_t s = 0; s < n; s++)
		pul[s] = !in[s];
	while (top > 0) {
		size_t a = stack[--top];
		for (size_t x = 0; waits[a] && x < nwaits[a]; x++)
			if (!in[waits[a][x]]) {
				in[waits[a][x]] = true;
				stack[top++] = waits[a][x];
			}
	}
	for (size_t a = 0; a < n; a++)
		for (size_t x = 0; in[a] && waits[a] && x < nwaits[a]; x++)
			wait[a] += in[waits[a][x]];
	struct kahn k = {n, in, wait, rel, nrel, stop, NULL};
	if (kahn_run(&k, res, &nres) < 0)
		goto oom;
	/* pulled per position of the order, not per jail */
	for (size_t i = 0; i < nres; i++)
		stack[i] = pul[res[i]];
	for (size_t i = 0; i < nres; i++)
		pul[i] = stack[i];
	*order = res;
	*pulled = pul;
	*nout = nres;
	return 0;
oom:
	free(res);
	free(pul);
	return jail_err_set(e, -ENOMEM, "out of memory");
}
