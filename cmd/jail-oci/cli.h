/*
 * Shared by the jail-oci front end's files: the global options, the error
 * and log output, and the verbs.
 */
#ifndef JAIL_OCI_CLI_H
#define JAIL_OCI_CLI_H

#include <stdbool.h>

#include "jail/err.h"

struct cli {
	const char *root;    /* --root, default /run/jail-oci */
	const char *log;     /* --log FILE */
	bool log_json;	     /* --log-format json */
	bool systemd_cgroup; /* --systemd-cgroup */
	bool debug;	     /* --debug */
	const char *verb;
};

extern struct cli cli;

/* Print "jail-oci: MSG" on stderr and, with --log, a log line; returns 1. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fail_err(const struct jail_err *e);
/* A warning or debug line: stderr with --debug, and the --log file. */
void log_line(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int usage_of(const char *verb);
/* The one ID argument of a verb, checked; 0 or 1 (printed). */
int one_id(int argc, char **argv, const char *verb, const char **id);

int verb_create(int argc, char **argv);
int verb_run(int argc, char **argv);
int verb_start(int argc, char **argv);
int verb_state(int argc, char **argv);
int verb_kill(int argc, char **argv);
int verb_delete(int argc, char **argv);
int verb_exec(int argc, char **argv);
int verb_ps(int argc, char **argv);
int verb_pause(int argc, char **argv);
int verb_resume(int argc, char **argv);
int verb_update(int argc, char **argv);
int verb_features(int argc, char **argv);
int verb_spec(int argc, char **argv);
int verb_list(int argc, char **argv);

#endif
