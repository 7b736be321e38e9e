/*
 * Walking step tables (see step.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "step.h"
#include <time.h>
#include <unistd.h>

#ifdef JAIL_TIMING
void jail_tmark(const char *table, const char *what)
{
	struct timespec ts, cpu;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	dprintf(2, "T %ld.%06ld %d %s %s %ld\n", (long)ts.tv_sec, ts.tv_nsec / 1000, (int)getpid(), table,
		what, (long)(cpu.tv_sec * 1000000 + cpu.tv_nsec / 1000));
}
#endif

int jail_step_fault(const char *step, struct jail_err *e)
{
	const char *f = getenv("JAIL_FAULT");

	if (f && !strcmp(f, step))
		return jail_err_set(e, -EIO, "%s: injected failure (JAIL_FAULT)", step);
	return 0;
}

static void report_step(const struct jail_walk *w, const char *name)
{
	char text[128];

	if (!w->o || !w->o->report)
		return;
	snprintf(text, sizeof(text), "%s: %s", w->table, name);
	w->o->report(w->o->arg, JAIL_REPORT_STEP, 0, NULL, text);
}

int jail_walk_forward(struct jail_walk *w, void *ctx, struct jail_err *e)
{
	int first = 0;

	for (size_t i = 0; i < w->n; i++) {
		const struct jail_step *s = &w->steps[i];
		struct jail_err se = {0};
		int r;

		report_step(w, s->name);
		JAIL_TMARK(w->table, s->name);
		r = s->run(ctx, &se);
		if (r == 0)
			w->done = i + 1; /* it ran: its undo is due even if the fault hook fails it */
		if (r == 0)
			r = jail_step_fault(s->name, &se);
		if (r >= 0)
			continue;
		if (!(s->flags & JAIL_STEP_CONTINUE)) {
			*e = se;
			return r;
		}
		if (!first) {
			*e = se;
			first = r;
		}
	}
	JAIL_TMARK(w->table, "END");
	return first;
}

void jail_walk_back(struct jail_walk *w, void *ctx)
{
	while (w->done > 0) {
		const struct jail_step *s = &w->steps[--w->done];
		if (s->undo)
			s->undo(ctx);
	}
}

static void print_table(FILE *out, const char *table, const struct jail_step *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s %s\n", table, s[i].name);
}

void jail_steps_print(FILE *out)
{
	print_table(out, "create", jail_create_steps, jail_create_nsteps);
	print_table(out, "init", jail_init_steps, jail_init_nsteps);
	print_table(out, "remove", jail_remove_steps, jail_remove_nsteps);
}
