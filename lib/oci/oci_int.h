/*
 * Internals shared by the lib/oci files: the section parsers config.c calls
 * and their free functions.
 */
#ifndef JAIL_OCI_INT_H
#define JAIL_OCI_INT_H

#include <jansson.h>

#include "jail/oci.h"

int oci_process_from_json(json_t *p, const char *field, struct oci_process *out, struct jail_err *e);
int oci_linux_parse(json_t *l, const struct oci_parse_opts *o, struct oci_linux *out, struct jail_err *e);
void oci_linux_free(struct oci_linux *l);
int oci_hooks_parse(json_t *hooks, struct oci_hook_list *lists, struct jail_err *e);
void oci_hook_lists_free(struct oci_hook_list *lists);
int oci_config_check(const struct oci_config *c, struct jail_err *e);
int oci_seccomp_parse(json_t *s, const struct oci_parse_opts *o, struct oci_seccomp *out, struct jail_err *e);
int oci_resources_parse(json_t *r, const char *field, struct oci_resources *out, struct jail_err *e);

#endif
