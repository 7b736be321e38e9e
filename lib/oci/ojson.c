/*
 * jansson helpers for config.json: typed getters that name the field in
 * every error, and the loader that keeps integers above INT64_MAX (see
 * ojson.h) instead of failing on them.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ojson.h"

#define U64_TAG "\x01u64:" /* cannot appear in a JSON text unescaped */

/* a + sep + b into buf, cut to OJ_FIELD_MAX: a field path is only a message. */
static const char *join(char *buf, const char *a, const char *sep, const char *b)
{
	size_t n = 0;

	for (const char *parts[] = {a, sep, b}, **p = parts; p < parts + 3; p++)
		for (const char *c = *p; c && *c && n + 1 < OJ_FIELD_MAX; c++)
			buf[n++] = *c;
	buf[n] = '\0';
	return buf;
}

const char *oj_key(char *buf, const char *field, const char *key)
{
	return field && *field ? join(buf, field, ".", key) : join(buf, key, NULL, NULL);
}

const char *oj_idx(char *buf, const char *field, size_t i)
{
	char num[32];

	snprintf(num, sizeof(num), "[%zu]", i);
	return join(buf, field, num, NULL);
}

/* Whether digits s[0..n) exceed INT64_MAX. */
static bool too_big(const char *s, size_t n)
{
	static const char max[] = "9223372036854775807";

	while (n > 1 && *s == '0')
		s++, n--;
	if (n != sizeof(max) - 1)
		return n > sizeof(max) - 1;
	return memcmp(s, max, n) > 0;
}

/* Copy text, turning unsigned integer literals above INT64_MAX into the
 * string "\x01u64:DIGITS" (escaped as \u0001 so it is valid JSON). */
static char *rewrite_big(const char *t, size_t len, bool *changed)
{
	size_t i = 0, o = 0;
	bool instr = false;
	char *out = malloc(len * 2 + 16);

	if (!out)
		return NULL;
	*changed = false;
	while (i < len) {
		char c = t[i];

		if (instr) {
			out[o++] = c;
			if (c == '\\' && i + 1 < len)
				out[o++] = t[++i];
			else if (c == '"')
				instr = false;
			i++;
			continue;
		}
		if (c == '"') {
			instr = true;
			out[o++] = t[i++];
			continue;
		}
		if (c >= '0' && c <= '9' && (i == 0 || !strchr("-.eE+0123456789", t[i - 1]))) {
			size_t j = i;

			while (j < len && t[j] >= '0' && t[j] <= '9')
				j++;
			if ((j >= len || !strchr(".eE", t[j])) && too_big(t + i, j - i) && j - i <= 20) {
				o += (size_t)sprintf(out + o, "\"\\u0001u64:%.*s\"", (int)(j - i), t + i);
				*changed = true;
				i = j;
				continue;
			}
			memcpy(out + o, t + i, j - i);
			o += j - i;
			i = j;
			continue;
		}
		out[o++] = t[i++];
	}
	out[o] = '\0';
	return out;
}

json_t *oj_loads(const char *text, size_t len, struct jail_err *e)
{
	json_error_t je;
	bool changed = false;
	char *copy = rewrite_big(text, len, &changed);
	json_t *j;

	if (!copy) {
		jail_err_set(e, -ENOMEM, "out of memory");
		return NULL;
	}
	j = json_loadb(copy, strlen(copy), JSON_REJECT_DUPLICATES, &je);
	free(copy);
	if (!j)
		jail_err_set(e, -EINVAL, "line %d, column %d: %s", je.line, je.column, je.text);
	return j;
}

json_t *oj_get(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_null(v) ? NULL : v;
}

static const char *type_word(json_type t)
{
	switch (t) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "a value";
	}
}

int oj_want(json_t *v, json_type t, const char *field, struct jail_err *e)
{
	bool ok = t == JSON_TRUE ? json_is_boolean(v) : json_typeof(v) == t;

	if (!ok)
		return jail_err_set(e, -EINVAL, "%s: must be %s", field, type_word(t));
	return 0;
}

int oj_str(json_t *o, const char *key, const char *field, bool required, char **out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *v = oj_get(o, key);

	oj_key(f, field, key);
	if (!v)
		return required ? jail_err_set(e, -EINVAL, "%s: missing", f) : 0;
	if (!json_is_string(v))
		return jail_err_set(e, -EINVAL, "%s: must be a string", f);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return jail_err_set(e, -EINVAL, "%s: contains a NUL byte", f);
	free(*out);
	*out = strdup(json_string_value(v));
	return *out ? 0 : jail_err_set(e, -ENOMEM, "out of memory");
}

int oj_bool(json_t *o, const char *key, const char *field, bool *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *v = oj_get(o, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return jail_err_set(e, -EINVAL, "%s: must be a boolean", oj_key(f, field, key));
	*out = json_is_true(v);
	return 1;
}

int oj_val_u64(json_t *v, const char *field, uint64_t *out, struct jail_err *e)
{
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return jail_err_set(e, -EINVAL, "%s: must not be negative", field);
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && !strncmp(json_string_value(v), U64_TAG, strlen(U64_TAG))) {
		const char *d = json_string_value(v) + strlen(U64_TAG);
		char *end;

		errno = 0;
		*out = strtoull(d, &end, 10);
		if (errno || *end)
			return jail_err_set(e, -ERANGE, "%s: %s: out of range", field, d);
		return 0;
	}
	return jail_err_set(e, -EINVAL, "%s: must be an integer", field);
}

int oj_u64(json_t *o, const char *key, const char *field, struct oci_u64 *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *v = oj_get(o, key);
	int r;

	if (!v)
		return 0;
	r = oj_val_u64(v, oj_key(f, field, key), &out->v, e);
	if (r < 0)
		return r;
	out->set = true;
	return 1;
}

int oj_i64(json_t *o, const char *key, const char *field, struct oci_i64 *out, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *v = oj_get(o, key);

	if (!v)
		return 0;
	if (!json_is_integer(v)) {
		if (json_is_string(v) && !strncmp(json_string_value(v), U64_TAG, strlen(U64_TAG)))
			return jail_err_set(e, -ERANGE, "%s: out of range", oj_key(f, field, key));
		return jail_err_set(e, -EINVAL, "%s: must be an integer", oj_key(f, field, key));
	}
	out->set = true;
	out->v = json_integer_value(v);
	return 1;
}

int oj_range(json_t *o, const char *key, const char *field, bool required, int64_t min, int64_t max,
	     int64_t *out, bool *has, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	struct oci_i64 x = {0};
	int r = oj_i64(o, key, field, &x, e);

	if (r < 0)
		return r;
	if (!x.set)
		return required ? jail_err_set(e, -EINVAL, "%s: missing", oj_key(f, field, key)) : 0;
	if (x.v < min || x.v > max)
		return jail_err_set(e, -ERANGE, "%s: %" PRId64 " out of range [%" PRId64 ", %" PRId64 "]",
				    oj_key(f, field, key), x.v, min, max);
	*out = x.v;
	if (has)
		*has = true;
	return 1;
}

void oj_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

int oj_strv(json_t *o, const char *key, const char *field, char ***out, size_t *n, struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *v = oj_get(o, key), *x;
	size_t i;
	char **a;

	oj_key(f, field, key);
	if (!v)
		return 0;
	if (!json_is_array(v))
		return jail_err_set(e, -EINVAL, "%s: must be an array of strings", f);
	a = calloc(json_array_size(v) + 1, sizeof(*a));
	if (!a)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x) || strlen(json_string_value(x)) != json_string_length(x)) {
			oj_strv_free(a);
			return jail_err_set(e, -EINVAL, "%s: must be a string", oj_idx(fi, f, i));
		}
		a[i] = strdup(json_string_value(x));
		if (!a[i]) {
			oj_strv_free(a);
			return jail_err_set(e, -ENOMEM, "out of memory");
		}
	}
	oj_strv_free(*out);
	*out = a;
	if (n)
		*n = json_array_size(v);
	return 1;
}

int oj_strmap(json_t *o, const char *key, const char *field, char ***out, size_t *n, struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fk[OJ_FIELD_MAX];
	json_t *v = oj_get(o, key), *x;
	const char *k;
	size_t i = 0;
	char **a;

	oj_key(f, field, key);
	if (!v)
		return 0;
	if (!json_is_object(v))
		return jail_err_set(e, -EINVAL, "%s: must be an object of strings", f);
	a = calloc(2 * json_object_size(v) + 1, sizeof(*a));
	if (!a)
		return jail_err_set(e, -ENOMEM, "out of memory");
	json_object_foreach(v, k, x)
	{
		if (!json_is_string(x)) {
			oj_strv_free(a);
			return jail_err_set(e, -EINVAL, "%s: must be a string", oj_key(fk, f, k));
		}
		a[i] = strdup(k);
		a[i + 1] = a[i] ? strdup(json_string_value(x)) : NULL;
		if (!a[i + 1]) {
			oj_strv_free(a);
			return jail_err_set(e, -ENOMEM, "out of memory");
		}
		i += 2;
	}
	*out = a;
	*n = i / 2;
	return 1;
}

int oj_idmaps(json_t *o, const char *key, const char *field, struct oci_idmap **out, size_t *n,
	      struct jail_err *e)
{
	char f[OJ_FIELD_MAX], fi[OJ_FIELD_MAX];
	json_t *v = oj_get(o, key), *x;
	size_t i;
	int64_t c, h, s;
	int r;

	oj_key(f, field, key);
	if (!v)
		return 0;
	if (!json_is_array(v))
		return jail_err_set(e, -EINVAL, "%s: must be an array", f);
	*out = calloc(json_array_size(v) + 1, sizeof(**out));
	if (!*out)
		return jail_err_set(e, -ENOMEM, "out of memory");
	*n = json_array_size(v);
	json_array_foreach(v, i, x)
	{
		oj_idx(fi, f, i);
		if ((r = oj_want(x, JSON_OBJECT, fi, e)) < 0 ||
		    (r = oj_range(x, "containerID", fi, true, 0, UINT32_MAX, &c, NULL, e)) < 0 ||
		    (r = oj_range(x, "hostID", fi, true, 0, UINT32_MAX, &h, NULL, e)) < 0 ||
		    (r = oj_range(x, "size", fi, true, 1, UINT32_MAX, &s, NULL, e)) < 0)
			return r;
		(*out)[i] = (struct oci_idmap){(uint32_t)c, (uint32_t)h, (uint32_t)s};
	}
	return 1;
}

int oj_refuse(json_t *o, const char *key, const char *field, const char *why, struct jail_err *e)
{
	char f[OJ_FIELD_MAX];
	json_t *v = oj_get(o, key);

	if (!v || json_is_false(v) || (json_is_string(v) && !*json_string_value(v)) ||
	    (json_is_array(v) && !json_array_size(v)) || (json_is_object(v) && !json_object_size(v)))
		return 0;
	return jail_err_set(e, -EOPNOTSUPP, "%s: not supported: %s", oj_key(f, field, key), why);
}
