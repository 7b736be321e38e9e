/*
 * Step tables, FreeBSD jail(8)'s startcommands[]/stopcommands[] idea: a
 * jail is made by walking a table of {name, run, undo} forward with one
 * cursor; when a step fails, the same cursor walks back over the steps that
 * ran, undoing each. Removal walks its own table. Adding a feature to the
 * create path is one row and two functions.
 *
 * JAIL_FAULT=STEP (tests) makes the named step fail right after it ran, so
 * a test can prove that every step is undone and nothing is left behind.
 */
#ifndef JAIL_STEP_H
#define JAIL_STEP_H

#include <stddef.h>

#include "jail/err.h"
#include "jail/jail.h"

enum jail_step_flags {
	JAIL_STEP_CONTINUE = 1 << 0, /* removal: a failure is reported, the walk goes on */
};

struct jail_step {
	const char *name;
	int (*run)(void *ctx, struct jail_err *e);
	void (*undo)(void *ctx); /* NULL: nothing to undo */
	unsigned flags;
};

struct jail_walk {
	const char *table; /* "create", "init", "remove": for -v reports */
	const struct jail_step *steps;
	size_t n;
	const struct jail_run_opts *o;
	size_t done; /* steps that ran: walking back undoes these */
};

/*
 * Run the steps in order. A failing step stops the walk (unless it is
 * JAIL_STEP_CONTINUE: then the first such failure is returned at the end)
 * and the error is prefixed with nothing: the step's message stands alone.
 */
int jail_walk_forward(struct jail_walk *w, void *ctx, struct jail_err *e);
/* Undo, in reverse, every step that ran; afterwards done is 0. */
void jail_walk_back(struct jail_walk *w, void *ctx);
/* The fault test hook: -EIO with "STEP: injected failure (JAIL_FAULT)" if JAIL_FAULT names step. */
int jail_step_fault(const char *step, struct jail_err *e);

/*
 * Phase timestamps, to find where the time goes: built only with
 * -DJAIL_TIMING, each prints "T WALL PID TABLE WHAT CPU" on stderr (wall
 * clock and the process's CPU time, µs); bench/README.md reads them.
 */
#ifdef JAIL_TIMING
void jail_tmark(const char *table, const char *what);
#define JAIL_TMARK(table, what) jail_tmark(table, what)
#else
#define JAIL_TMARK(table, what) ((void)0)
#endif

extern const struct jail_step jail_create_steps[];
extern const size_t jail_create_nsteps;
extern const struct jail_step jail_init_steps[];
extern const size_t jail_init_nsteps;
extern const struct jail_step jail_remove_steps[];
extern const size_t jail_remove_nsteps;

#endif
