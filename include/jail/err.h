/*
 * The error struct every fallible libjail call fills. It is heap-free so a
 * cloned child can fill one and send it to its parent over a socket as is.
 * Convention: a function returns >= 0 on success and -errno on failure; the
 * first layer that fails writes the message, outer layers may prefix context.
 */
#ifndef JAIL_ERR_H
#define JAIL_ERR_H

#include <stdarg.h>

#define JAIL_ERR_MAX 512

struct jail_err {
	int code;		/* -errno, 0 when nothing failed */
	int exit;		/* exit status the front end should use (1, 64, 78) */
	char msg[JAIL_ERR_MAX]; /* one line, no prefix, no newline */
};

/* Fill e with the message and return code (a negative errno). */
int jail_err_set(struct jail_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Like jail_err_set but appends ": strerror(-code)". */
int jail_err_sys(struct jail_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Put "prefix: " in front of the existing message; returns e->code. */
int jail_err_prefix(struct jail_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set the exit status a front end should use for this error. */
int jail_err_exit(struct jail_err *e, int exit_status);
void jail_err_clear(struct jail_err *e);

#endif
