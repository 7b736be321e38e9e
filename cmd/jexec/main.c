/*
 * jexec(8): run a command in a running jail.
 *   jexec [-l] [-d dir] [-e name=value]... [-u user | -U user] jail [command ...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jail/jail.h"

static void usage(void)
{
	fprintf(stderr, "usage: jexec [-l] [-d working-directory] [-e name=value]\n"
			"             [-u username | -U username] jail [command ...]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	struct jail_attach_opts o = {0};
	struct jail_registry reg;
	struct jail_err e = {0};
	const char **env = calloc((size_t)argc + 1, sizeof(*env));
	int c, ret;

	if (!env)
		return 1;
	o.env = env;
	while ((c = getopt(argc, argv, "+ld:e:u:U:")) != -1) {
		switch (c) {
		case 'l':
			o.clean = true;
			break;
		case 'd':
			o.dir = optarg;
			break;
		case 'e':
			env[o.nenv++] = optarg;
			break;
		case 'u':
			o.host_user = optarg;
			break;
		case 'U':
			o.jail_user = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (o.host_user && o.jail_user))
		usage();
	if (geteuid() != 0) {
		fprintf(stderr, "jexec: must be run as root\n");
		free(env);
		return 1;
	}
	o.argv = argc > 1 ? argv + 1 : NULL;
	if (jail_registry_open(&reg, &e) < 0) {
		fprintf(stderr, "jexec: %s\n", e.msg);
		free(env);
		return 1;
	}
	/*
	 * FreeBSD's jexec takes a number as a JID without looking (jail_getid)
	 * and jail_attach() refuses one that does not exist; a name that does
	 * not exist is the kernel's "jail "x" not found".
	 */
	struct jail_state st;
	if (jail_registry_find(&reg, argv[0], &st, &e) < 0) {
		jail_registry_close(&reg);
		free(env);
		if (e.code == -ENOENT && strspn(argv[0], "0123456789") == strlen(argv[0]))
			fprintf(stderr, "jexec: jail_attach(%ld): Invalid argument\n",
				strtol(argv[0], NULL, 10));
		else
			fprintf(stderr, "jexec: %s\n", e.msg);
		return 1;
	}
	jail_state_free(&st);
	ret = jail_attach_run(&reg, argv[0], &o, &e);
	jail_registry_close(&reg);
	free(env);
	if (ret < 0) {
		fprintf(stderr, "jexec: %s\n", e.msg);
		return 1;
	}
	return ret;
}
