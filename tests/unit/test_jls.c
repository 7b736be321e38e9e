/*
 * Unit tests of jls's formatting: FreeBSD's exact layouts, truncation of
 * long hostnames and paths, the quoting rules of -q/-n/-s, "all", and the
 * libxo-style JSON, on jail states made up here (no jail is started).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jail/jls.h"
#include "t.h"

static char *out_buf;
static size_t out_len;

static struct jls_out *out_open(struct jls_out *o, unsigned flags, bool json)
{
	memset(o, 0, sizeof(*o));
	free(out_buf);
	out_buf = NULL;
	o->f = open_memstream(&out_buf, &out_len);
	o->flags = flags;
	o->json = json;
	return o;
}

static const char *out_close(struct jls_out *o)
{
	fclose(o->f);
	return out_buf;
}

static void mkstate(struct jail_state *st, int jid, const char *name, const char *const *args)
{
	struct jail_err e = {0};

	memset(st, 0, sizeof(*st));
	st->jid = jid;
	snprintf(st->name, sizeof(st->name), "%s", name);
	for (; *args; args++)
		if (jail_params_set_arg(&st->params, *args, true, &e) < 0)
			printf("# setup: %s: %s\n", *args, e.msg);
}

/* Print one jail in the given mode and return the text. */
static const char *one(unsigned flags, bool json, const struct jail_state *st, bool dying,
		       const char *const *params)
{
	struct jls_out o;
	struct jail_err e = {0};

	out_open(&o, flags, json);
	for (; params && *params; params++)
		jls_params_add(&o, *params, &e);
	jls_begin(&o);
	jls_jail(&o, st, dying);
	jls_end(&o);
	return out_close(&o);
}

int main(void)
{
	struct jail_state a, b, c;
	struct jls_out o;
	struct jail_err e = {0};

	mkstate(&a, 3, "www",
		(const char *[]){"path=/srv/www", "host.hostname=www.example.org",
				 "ip4.addr=192.0.2.10,192.0.2.11", "ip6.addr=2001:db8::1", NULL});
	mkstate(&b, 12, "a-rather-long-jail-name",
		(const char *[]){"path=/srv/"
				 "0123456789012345678901234567890123456789012345678901234567890123456789"
				 "0123456789",
				 "host.hostname=h23456789012345678901234567890123456789", NULL});
	mkstate(&c, 7, "q",
		(const char *[]){"path=/", "host.hostname=a b", "meta=it's", "env=say \"hi\"",
				 "host.domainname=", "persist", "allow.mount", "host=inherit", NULL});

	/* The default table, header and rows exactly as FreeBSD prints them. */
	T_STR(one(JLS_DEFAULT, false, &a, false, NULL),
	      "   JID  IP Address      Hostname                      Path\n"
	      "     3  192.0.2.10      www.example.org               /srv/www\n",
	      "default layout: first ip4 address, hostname, path");
	T_STR(one(JLS_DEFAULT, false, &b, false, NULL),
	      "   JID  IP Address      Hostname                      Path\n"
	      "    12                  h2345678901234567890123456789 /srv/"
	      "012345678901234567890123456789012345678901234567890123456789012345678\n",
	      "default layout: hostname cut at 29, path at 74, no address blank");
	T_STR(one(JLS_DEFAULT | JLS_JAIL_NAME, false, &b, false, NULL),
	      " JID             IP Address      Hostname                      Path\n"
	      " a-rather-long-jail-name                 h2345678901234567890123456789 /srv/"
	      "012345678901234567890123456789012345678901234567890123456789012345678\n",
	      "-N: the name in a 15 column field, never cut");

	/* -v: four header lines, then name/state, cpuset id, one line per address. */
	T_STR(one(JLS_VERBOSE, false, &a, false, NULL),
	      "   JID  Hostname                      Path\n"
	      "        Name                          State\n"
	      "        CPUSetID\n"
	      "        IP Address(es)\n"
	      "     3  www.example.org               /srv/www\n"
	      "        www                           ACTIVE\n"
	      "        0\n"
	      "        192.0.2.10\n"
	      "        192.0.2.11\n"
	      "        2001:db8::1\n",
	      "-v layout");
	T_STR(one(JLS_VERBOSE, false, &b, true, NULL) + 127,
	      "    12  h2345678901234567890123456789 /srv/"
	      "012345678901234567890123456789012345678901234567890123456789012345678\n"
	      "        a-rather-long-jail-name       DYING\n"
	      "        0\n",
	      "-v: DYING, truncation, no address lines");

	/* Parameters: space-separated, empty list "-", empty string "". */
	T_STR(one(0, false, &a, false, (const char *[]){"jid", "name", "ip4.addr", "persist", "meta", NULL}),
	      "3 www 192.0.2.10,192.0.2.11 false \"\"\n",
	      "params: list comma-separated, bool word, empty \"\"");
	T_STR(one(0, false, &b, false, (const char *[]){"ip4.addr", "dying", NULL}), "- false\n",
	      "params: an empty list prints -");
	T_STR(one(0, false, &b, true, (const char *[]){"dying", NULL}), "true\n",
	      "params: dying of a dying jail");
	T_STR(one(JLS_QUOTED, false, &b, false, (const char *[]){"ip4.addr", NULL}), "\"\"\n",
	      "-q: empty list \"\"");
	T_STR(one(JLS_NAMEVAL, false, &b, false, (const char *[]){"ip4.addr", "name", NULL}),
	      "ip4.addr= name=a-rather-long-jail-name\n", "-n: empty list prints nothing after =");
	T_STR(one(0, false, &c, false,
		  (const char *[]){"host.hostname", "meta", "env", "host.domainname", NULL}),
	      "a b it's say \"hi\" \"\"\n", "params without -q: no quotes but for the empty string");
	T_STR(one(JLS_QUOTED, false, &c, false,
		  (const char *[]){"host.hostname", "meta", "env", "host.domainname", "path", NULL}),
	      "\"a b\" \"it's\" 'say \"hi\"' \"\" /\n", "-q: blanks and ' in \", \" in ', empty \"\"");
	T_STR(one(JLS_NAMEVAL, false, &c, false,
		  (const char *[]){"persist", "allow.mount", "allow.raw_sockets", NULL}),
	      "persist allow.mount allow.noraw_sockets\n",
	      "-n: booleans as name and noname (last component)");
	T_STR(one(JLS_NAMEVAL | JLS_QUOTED | JLS_SKIP, false, &c, false,
		  (const char *[]){"jid", "dying", "parent", "host", "host.hostname", "cpuset.id", "path",
				   "persist", NULL}),
	      "jid=7 host=inherit path=/ persist\n",
	      "-s: read-only params and host.* under host=inherit left out");
	T_STR(one(JLS_NAMEVAL | JLS_QUOTED | JLS_SKIP, false, &a, false,
		  (const char *[]){"ip4", "ip4.addr", "ip6", "ip6.addr", "host.hostname", NULL}),
	      "ip4=new ip4.addr=192.0.2.10,192.0.2.11 ip6=new ip6.addr=2001:db8::1 "
	      "host.hostname=www.example.org\n",
	      "-s: addresses imply ip4=new and are kept");
	T_STR(one(JLS_NAMEVAL | JLS_QUOTED | JLS_SKIP, false, &b, false,
		  (const char *[]){"ip4", "ip4.addr", NULL}),
	      "ip4=disable\n", "-s: ip4.addr left out when ip4 is not new");
	T_STR(one(JLS_HEADER, false, &a, false, (const char *[]){"jid", "host.hostname", NULL}),
	      "jid host.hostname\n3 www.example.org\n", "-h: a header line of the names");

	/* Parameter names. */
	out_open(&o, 0, false);
	T_INT(jls_params_add(&o, "bogus", &e), -ENOENT, "unknown parameter refused");
	T_STR(e.msg, "unknown parameter: bogus", "unknown parameter message");
	T_INT(jls_params_add(&o, "command", &e), -ENOENT, "jail(8)'s pseudo-parameters are not jls's");
	T_INT(jls_params_add(&o, "jid", &e), 0, "jid");
	T_INT(jls_params_add(&o, "jid", &e), 0, "repeat accepted");
	T_INT(o.nparams, 1, "a repeat is listed once");
	T_INT(jls_params_add(&o, "all", &e), 0, "all");
	T_STR(jail_param_defs[o.params[1]].name, "devfs_ruleset", "all: top-level names first, sorted");
	bool order = true, seen_dot = false;
	for (int i = 1; i < o.nparams; i++) {
		const char *n = jail_param_defs[o.params[i]].name;
		bool dot = strchr(n, '.') != NULL;
		if (seen_dot && !dot)
			order = false;
		seen_dot |= dot;
		if (i > 1 && dot == (strchr(jail_param_defs[o.params[i - 1]].name, '.') != NULL) &&
		    strcmp(jail_param_defs[o.params[i - 1]].name, n) > 0)
			order = false;
		if (jail_param_defs[o.params[i]].flags & (JPF_PSEUDO | JPF_UNIMPL))
			order = false;
	}
	T_OK(order, "all: dotted names after the others, each group sorted, no pseudo/unimplemented");
	out_close(&o);

	T_INT(jls_quote_char("plain"), 0, "no quote needed");
	T_INT(jls_quote_char("a\tb"), '"', "tab quoted with \"");
	T_INT(jls_quote_char("a'b\"c"), '"', "' wins over \"");

	/* JSON, shaped as libxo shapes it. */
	T_STR(one(JLS_DEFAULT, true, &a, false, NULL),
	      "{\"__version\": \"2\", \"jail-information\": {\"jail\": [{\"jid\":3,\"ipv4\":\"192.0.2.10\","
	      "\"hostname\":\"www.example.org\",\"path\":\"/srv/www\"}]}}\n",
	      "json default");
	T_STR(one(JLS_DEFAULT | JLS_JAIL_NAME, true, &b, false, NULL),
	      "{\"__version\": \"2\", \"jail-information\": {\"jail\": "
	      "[{\"name\":\"a-rather-long-jail-name\","
	      "\"ipv4\":\"\",\"hostname\":\"h23456789012345678901234567890123456789\",\"path\":\"/srv/"
	      "01234567890123456789012345678901234567890123456789012345678901234567890123456789\"}]}}\n",
	      "json -N: full values, no truncation");
	T_STR(one(JLS_VERBOSE, true, &a, false, NULL),
	      "{\"__version\": \"2\", \"jail-information\": {\"jail\": "
	      "[{\"jid\":3,\"hostname\":\"www.example.org\","
	      "\"path\":\"/srv/www\",\"name\":\"www\",\"state\":\"ACTIVE\",\"cpusetid\":0, \"ipv4_addrs\": "
	      "[\"192.0.2.10\",\"192.0.2.11\"], \"ipv6_addrs\": [\"2001:db8::1\"]}]}}\n",
	      "json -v");
	T_STR(one(JLS_NAMEVAL, true, &c, false,
		  (const char *[]){"name", "env", "persist", "ip4.addr", "jid", NULL}),
	      "{\"__version\": \"2\", \"jail-information\": {\"jail\": [{\"name\":\"q\",\"env\":\"say "
	      "\\\"hi\\\"\","
	      "\"persist\":true, \"ip4.addr\": [],\"jid\":\"7\"}]}}\n",
	      "json params: strings escaped, -n booleans bare, addresses a list");

	out_open(&o, JLS_DEFAULT, true);
	jls_begin(&o);
	jls_jail(&o, &a, false);
	jls_jail(&o, &c, false);
	jls_end(&o);
	const char *two = out_close(&o);
	T_OK(strstr(two, "\"/srv/www\"}, {\"jid\":7") != NULL, "json: instances joined with \", \"");

	out_open(&o, JLS_DEFAULT, true);
	jls_begin(&o);
	jls_end(&o);
	T_STR(out_close(&o), "{\"__version\": \"2\", \"jail-information\": {\"jail\": []}}\n",
	      "json: no jails");

	/* Addresses: FreeBSD's ip4.addr/ip6.addr hold no interface and no netmask. */
	struct jail_state d;
	mkstate(&d, 5, "addr",
		(const char *[]){"path=/srv/a", "host.hostname=a", "ip4.addr=h0|198.51.100.10/24",
				 "ip4.addr+=198.51.100.11/255.255.255.0", "ip6.addr=h0|2001:DB8:0::10/64",
				 NULL});
	T_STR(one(JLS_DEFAULT, false, &d, false, NULL),
	      "   JID  IP Address      Hostname                      Path\n"
	      "     5  198.51.100.10   a                             /srv/a\n",
	      "default layout: the address alone, not IF| or /mask");
	T_STR(one(JLS_VERBOSE, false, &d, false, NULL),
	      "   JID  Hostname                      Path\n"
	      "        Name                          State\n"
	      "        CPUSetID\n"
	      "        IP Address(es)\n"
	      "     5  a                             /srv/a\n"
	      "        addr                          ACTIVE\n"
	      "        0\n"
	      "        198.51.100.10\n"
	      "        198.51.100.11\n"
	      "        2001:db8::10\n",
	      "-v: bare addresses, IPv6 in inet_ntop's form");
	T_STR(one(JLS_NAMEVAL, false, &d, false, (const char *[]){"ip4.addr", "ip6.addr", NULL}),
	      "ip4.addr=198.51.100.10,198.51.100.11 ip6.addr=2001:db8::10\n", "-n ip4.addr ip6.addr");
	T_STR(one(JLS_NAMEVAL | JLS_QUOTED | JLS_SKIP, false, &d, false,
		  (const char *[]){"name", "ip4.addr", "ip6.addr", NULL}),
	      "name=addr ip4.addr=198.51.100.10,198.51.100.11 ip6.addr=2001:db8::10\n",
	      "-s: addresses as FreeBSD's -s prints them");
	T_STR(one(JLS_VERBOSE, true, &d, false, NULL),
	      "{\"__version\": \"2\", \"jail-information\": {\"jail\": "
	      "[{\"jid\":5,\"hostname\":\"a\",\"path\":\"/srv/a\",\"name\":\"addr\",\"state\":"
	      "\"ACTIVE\",\"cpusetid\":0, \"ipv4_addrs\": [\"198.51.100.10\",\"198.51.100.11\"], "
	      "\"ipv6_addrs\": [\"2001:db8::10\"]}]}}\n",
	      "json -v: bare addresses");
	T_STR(one(JLS_NAMEVAL, true, &d, false, (const char *[]){"ip4.addr", NULL}),
	      "{\"__version\": \"2\", \"jail-information\": {\"jail\": [{\"ip4.addr\": "
	      "[\"198.51.100.10\",\"198.51.100.11\"]}]}}\n",
	      "json -n ip4.addr: bare addresses");
	T_STR(jail_params_get(&d.params, JP_IP4_ADDR)->v[0], "h0|198.51.100.10/24",
	      "the stored value keeps what the admin wrote");
	jail_state_free(&d);

	/* -p lines. */
	struct jls_proc pr = {.pid = 4242, .jpid = 2, .uid = 0, .cmd = (char *)"/bin/sleep 30"};
	out_open(&o, 0, false);
	jls_procs_begin(&o);
	jls_proc(&o, &a, &pr);
	pr.uid = 4000000000u;
	jls_proc(&o, &b, &pr);
	jls_procs_end(&o);
	T_STR(out_close(&o),
	      "   JID NAME                PID    JPID USER     COMMAND\n"
	      "     3 www                4242       2 root     /bin/sleep 30\n"
	      "    12 a-rather-long-jail-name    4242       2 4000000000 /bin/sleep 30\n",
	      "-p: columns, user name or number, long names not cut");
	pr.uid = 0;
	pr.cmd = (char *)"say \"hi\"";
	out_open(&o, 0, true);
	jls_procs_begin(&o);
	jls_proc(&o, &a, &pr);
	jls_proc(&o, &a, &pr);
	jls_procs_end(&o);
	T_STR(out_close(&o),
	      "{\"__version\": \"2\", \"process-information\": {\"process\": [{\"jid\":3,\"name\":\"www\","
	      "\"pid\":4242,\"jpid\":2,\"user\":\"root\",\"command\":\"say \\\"hi\\\"\"}, {\"jid\":3,"
	      "\"name\":\"www\",\"pid\":4242,\"jpid\":2,\"user\":\"root\",\"command\":\"say "
	      "\\\"hi\\\"\"}]}}\n",
	      "-p json");

	/* jls_vis: nothing a jailed process puts in its argv reaches the terminal raw. */
	char vis[128];
	const char hostile[] = "sh x\033]0;owned\007\nline2\tend\\n\x7f";
	T_INT(jls_vis(hostile, sizeof(hostile) - 1, vis, sizeof(vis)), 43, "vis: length");
	T_STR(vis, "sh x\\033]0;owned\\007\\012line2\\011end\\\\n\\177",
	      "vis: ESC, BEL, newline, tab, DEL octal; backslash doubled");
	const char utf[] = "caf\xc3\xa9 \xc2\x9b"
			   "31m \xff\xe2\x82"
			   " \xf0\x9f\x90\xa7";
	jls_vis(utf, sizeof(utf) - 1, vis, sizeof(vis));
	T_STR(vis, "caf\xc3\xa9 \\302\\23331m \\377\\342\\202 \xf0\x9f\x90\xa7",
	      "vis: UTF-8 kept; C1 CSI, stray and cut bytes escaped");
	T_INT(jls_vis("a\033b", 3, vis, 4), 1, "vis: cut before an escape that does not fit");
	T_STR(vis, "a", "vis: output always terminated");

	/* A "jail" whose init shares our pid namespace is no jail: never list the host. */
	struct jls_proc *procs = NULL;
	a.init_pid = getpid();
	T_INT(jls_procs(&a, &procs, &e), 0,
	      "-p: an init in the host's pid namespace has no processes to list");
	jls_procs_free(procs, 0);

	jail_state_free(&a);
	jail_state_free(&b);
	jail_state_free(&c);
	free(out_buf);
	T_DONE();
}
