/*
 * A tiny TAP producer for the C unit tests. Each test program prints
 * "ok N - what" / "not ok N - what" lines (T_OK, T_INT, T_STR), "ok N # SKIP
 * why" for a test that cannot run here (T_SKIP), and the "1..N" plan at the
 * end (T_DONE). Every line is flushed as it is written, so a crash loses none
 * of them; scripts/check.sh then finds no plan and counts the crash as a
 * failure, as it does a count that differs from the plan or an exit status
 * that disagrees with the results. Exit status is non-zero when any failed.
 */
#ifndef JAIL_T_H
#define JAIL_T_H

#include <stdio.h>
#include <string.h>

static int t_n, t_failed;

#define T_OK(cond, ...)                                                                 \
	do {                                                                            \
		int _c = !!(cond);                                                      \
		printf("%sok %d - ", _c ? "" : "not ", ++t_n);                          \
		printf(__VA_ARGS__);                                                    \
		printf("\n");                                                           \
		if (!_c) {                                                              \
			t_failed++;                                                     \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                       \
		fflush(stdout);                                                         \
	} while (0)

/* A test that cannot run here; the reason is printed with the summary. */
#define T_SKIP(...)                             \
	do {                                    \
		printf("ok %d # SKIP ", ++t_n); \
		printf(__VA_ARGS__);            \
		printf("\n");                   \
		fflush(stdout);                 \
	} while (0)

#define T_INT(got, want, ...)                                            \
	do {                                                             \
		long long _g = (long long)(got), _w = (long long)(want); \
		T_OK(_g == _w, __VA_ARGS__);                             \
		if (_g != _w)                                            \
			printf("#   got %lld, want %lld\n", _g, _w);     \
	} while (0)

#define T_STR(got, want, ...)                                                                        \
	do {                                                                                         \
		const char *_g = (got), *_w = (want);                                                \
		int _eq = (_g && _w) ? strcmp(_g, _w) == 0 : _g == _w;                               \
		T_OK(_eq, __VA_ARGS__);                                                              \
		if (!_eq)                                                                            \
			printf("#   got '%s', want '%s'\n", _g ? _g : "(null)", _w ? _w : "(null)"); \
	} while (0)

#define T_DONE()                         \
	do {                             \
		printf("1..%d\n", t_n);  \
		return t_failed ? 1 : 0; \
	} while (0)

#endif
