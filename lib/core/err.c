/*
 * Error struct helpers: format a one-line message into a fixed buffer. Never
 * allocates, so it is safe in a child between clone and exec.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jail/err.h"

__attribute__((format(printf, 4, 0))) static int vset(struct jail_err *e, int code, int with_errno,
						      const char *fmt, va_list ap)
{
	int n;

	if (!e)
		return code;
	e->code = code;
	if (e->exit == 0)
		e->exit = 1;
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", strerror(code < 0 ? -code : code));
	return code;
}

int jail_err_set(struct jail_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(e, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int jail_err_sys(struct jail_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(e, code, 1, fmt, ap);
	va_end(ap);
	return code;
}

int jail_err_prefix(struct jail_err *e, const char *fmt, ...)
{
	char old[JAIL_ERR_MAX];
	va_list ap;
	int n;

	if (!e)
		return -EINVAL;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	/* What does not fit is cut: a message is one line, not a log. */
	if (n >= 0 && (size_t)n + 2 < sizeof(e->msg)) {
		size_t room = sizeof(e->msg) - (size_t)n - 2;
		e->msg[n] = ':';
		e->msg[n + 1] = ' ';
		strncpy(e->msg + n + 2, old, room);
		e->msg[sizeof(e->msg) - 1] = '\0';
	}
	return e->code;
}

int jail_err_exit(struct jail_err *e, int exit_status)
{
	if (e)
		e->exit = exit_status;
	return e ? e->code : -EINVAL;
}

void jail_err_clear(struct jail_err *e)
{
	if (!e)
		return;
	e->code = 0;
	e->exit = 0;
	e->msg[0] = '\0';
}
