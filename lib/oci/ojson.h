/*
 * Reading config.json with jansson, with every error naming the JSON field
 * it is about ("linux.resources.memory.limit: must be an integer"). A field
 * path is built by the caller as text; null counts as absent, as in the
 * spec's Go bindings. Integers above INT64_MAX (RLIM_INFINITY written as
 * 18446744073709551615, seccomp masks) are beyond jansson's json_int_t, so
 * oj_loads rewrites such literals into tagged strings that oj_u64 accepts.
 */
#ifndef JAIL_OCI_OJSON_H
#define JAIL_OCI_OJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jail/err.h"
#include "jail/oci.h"

#define OJ_FIELD_MAX 256

/* field + "." + key, or field + "[i]", into buf (always terminated). */
const char *oj_key(char *buf, const char *field, const char *key);
const char *oj_idx(char *buf, const char *field, size_t i);

/* Parse text; a syntax error names line and column. */
json_t *oj_loads(const char *text, size_t len, struct jail_err *e);

/* The member key of o, NULL when absent or null. */
json_t *oj_get(json_t *o, const char *key);
int oj_want(json_t *v, json_type t, const char *field, struct jail_err *e);

int oj_str(json_t *o, const char *key, const char *field, bool required, char **out, struct jail_err *e);
int oj_bool(json_t *o, const char *key, const char *field, bool *out, struct jail_err *e);
int oj_i64(json_t *o, const char *key, const char *field, struct oci_i64 *out, struct jail_err *e);
int oj_u64(json_t *o, const char *key, const char *field, struct oci_u64 *out, struct jail_err *e);
/* A number in [min, max] (required: missing is an error). */
int oj_range(json_t *o, const char *key, const char *field, bool required, int64_t min, int64_t max,
	     int64_t *out, bool *has, struct jail_err *e);
/* A value already picked (array element) as u64. */
int oj_val_u64(json_t *v, const char *field, uint64_t *out, struct jail_err *e);
/* Array of strings, NULL-terminated copy. */
int oj_strv(json_t *o, const char *key, const char *field, char ***out, size_t *n, struct jail_err *e);
/* Object of string values into key, value, ... NULL. */
int oj_strmap(json_t *o, const char *key, const char *field, char ***out, size_t *n, struct jail_err *e);
int oj_idmaps(json_t *o, const char *key, const char *field, struct oci_idmap **out, size_t *n,
	      struct jail_err *e);
/* Refuse a field when present and not empty/false/null: "FIELD: not supported: why". */
int oj_refuse(json_t *o, const char *key, const char *field, const char *why, struct jail_err *e);

void oj_strv_free(char **v);

#endif
