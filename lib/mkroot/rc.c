/*
 * The FreeBSD rc convention inside Linux jail roots: /etc/rc starts what
 * /etc/rc.conf enables (httpd_enable="YES"), /etc/rc.shutdown stops it in
 * reverse order, so jail.conf's exec.start = "/bin/sh /etc/rc" and
 * exec.stop = "/bin/sh /etc/rc.shutdown" work as they do on FreeBSD. A
 * service is /etc/rc.d/NAME (busybox roots get httpd, syslogd, crond) or
 * else the Debian /etc/init.d/NAME script. The scripts are POSIX sh, so
 * busybox ash and Debian's dash both run them.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "jail/mkroot.h"
#include "core/rootfs.h"

static const char rc_subr[] =
	"# /etc/rc.subr - functions for /etc/rc, /etc/rc.shutdown and\n"
	"# /etc/rc.d/*, after FreeBSD's rc.subr(8). Written by mkjail(8).\n"
	"\n"
	"load_rc_config() {\n"
	"\t[ -r /etc/rc.conf ] && . /etc/rc.conf\n"
	"\t[ -r /etc/rc.conf.local ] && . /etc/rc.conf.local\n"
	"\treturn 0\n"
	"}\n"
	"\n"
	"# checkyesno VAR: true when $VAR is YES, TRUE, ON or 1, any case.\n"
	"checkyesno() {\n"
	"\teval \"_value=\\${$1}\"\n"
	"\tcase $_value in\n"
	"\t[Yy][Ee][Ss]|[Tt][Rr][Uu][Ee]|[Oo][Nn]|1) return 0 ;;\n"
	"\t*) return 1 ;;\n"
	"\tesac\n"
	"}\n"
	"\n"
	"# rc_enabled: the services enabled in rc.conf, in file order.\n"
	"rc_enabled() {\n"
	"\t_seen=' '\n"
	"\tfor _n in $(sed -n 's/^[[:space:]]*\\([A-Za-z0-9_]*\\)_enable=.*/\\1/p' \\\n"
	"\t    /etc/rc.conf /etc/rc.conf.local 2>/dev/null); do\n"
	"\t\tcase $_seen in *\" $_n \"*) continue ;; esac\n"
	"\t\t_seen=\"$_seen$_n \"\n"
	"\t\tcheckyesno \"${_n}_enable\" && echo \"$_n\"\n"
	"\tdone\n"
	"\treturn 0\n"
	"}\n"
	"\n"
	"# rc_run NAME ACTION: /etc/rc.d/NAME, else /etc/init.d/NAME.\n"
	"rc_run() {\n"
	"\t_alt=$(echo \"$1\" | tr _ -)\n"
	"\tif [ -x \"/etc/rc.d/$1\" ]; then\n"
	"\t\t\"/etc/rc.d/$1\" \"$2\"\n"
	"\telif [ -x \"/etc/init.d/$1\" ]; then\n"
	"\t\t\"/etc/init.d/$1\" \"$2\"\n"
	"\telif [ -x \"/etc/init.d/$_alt\" ]; then\n"
	"\t\t\"/etc/init.d/$_alt\" \"$2\"\n"
	"\telse\n"
	"\t\techo \"rc: $1_enable is set but there is no /etc/rc.d/$1\" \\\n"
	"\t\t    \"or /etc/init.d/$1\" >&2\n"
	"\t\treturn 1\n"
	"\tfi\n"
	"}\n"
	"\n"
	"_rc_alive() {\n"
	"\t_pid=$(cat \"$pidfile\" 2>/dev/null)\n"
	"\t[ -n \"$_pid\" ] && kill -0 \"$_pid\" 2>/dev/null\n"
	"}\n"
	"\n"
	"# run_rc_command ACTION for an rc.d script that set name, command and\n"
	"# command_args (foreground mode: the pid we record is the daemon's).\n"
	"# onestart/onestop act even when NAME_enable is not set.\n"
	"run_rc_command() {\n"
	"\t_act=$1\n"
	"\t_force=\n"
	"\t: \"${rcvar:=${name}_enable}\"\n"
	"\tpidfile=${pidfile:-/var/run/$name.pid}\n"
	"\tcase $_act in\n"
	"\tone*) _force=1; _act=${_act#one} ;;\n"
	"\tesac\n"
	"\tcase $_act in\n"
	"\tstart|stop|restart|status) ;;\n"
	"\t*) echo \"usage: $0 [one]start|[one]stop|[one]restart|status\" >&2\n"
	"\t   return 64 ;;\n"
	"\tesac\n"
	"\tif [ -z \"$_force\" ] && [ \"$_act\" != status ] && ! checkyesno \"$rcvar\"; then\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tcase $_act in\n"
	"\tstart)\n"
	"\t\tif _rc_alive; then\n"
	"\t\t\techo \"$name already running? (pid=$_pid).\"\n"
	"\t\t\treturn 0\n"
	"\t\tfi\n"
	"\t\tmkdir -p /var/run /var/log\n"
	"\t\techo \"Starting $name.\"\n"
	"\t\tif [ -c /dev/null ]; then\n"
	"\t\t\t$command $command_args </dev/null >>\"/var/log/$name.log\" 2>&1 &\n"
	"\t\telse\n"
	"\t\t\t$command $command_args <&- >>\"/var/log/$name.log\" 2>&1 &\n"
	"\t\tfi\n"
	"\t\techo $! >\"$pidfile\"\n"
	"\t\t;;\n"
	"\tstop)\n"
	"\t\tif ! _rc_alive; then\n"
	"\t\t\techo \"$name not running? (check $pidfile).\"\n"
	"\t\t\trm -f \"$pidfile\"\n"
	"\t\t\treturn 1\n"
	"\t\tfi\n"
	"\t\techo \"Stopping $name.\"\n"
	"\t\tkill -TERM \"$_pid\"\n"
	"\t\t_i=0\n"
	"\t\twhile kill -0 \"$_pid\" 2>/dev/null && [ $_i -lt 100 ]; do\n"
	"\t\t\tsleep 0.1\n"
	"\t\t\t_i=$((_i + 1))\n"
	"\t\tdone\n"
	"\t\tkill -0 \"$_pid\" 2>/dev/null && kill -KILL \"$_pid\"\n"
	"\t\trm -f \"$pidfile\"\n"
	"\t\t;;\n"
	"\trestart)\n"
	"\t\trun_rc_command stop\n"
	"\t\trun_rc_command start\n"
	"\t\t;;\n"
	"\tstatus)\n"
	"\t\tif _rc_alive; then\n"
	"\t\t\techo \"$name is running as pid $_pid.\"\n"
	"\t\telse\n"
	"\t\t\techo \"$name is not running.\"\n"
	"\t\t\treturn 1\n"
	"\t\tfi\n"
	"\t\t;;\n"
	"\tesac\n"
	"}\n";

static const char rc_start[] = "#!/bin/sh\n"
			       "#\n"
			       "# /etc/rc - start the services enabled in /etc/rc.conf, as FreeBSD's\n"
			       "# rc(8) does in a jail (exec.start = \"/bin/sh /etc/rc\"). For each\n"
			       "# NAME_enable=\"YES\", in file order: /etc/rc.d/NAME start, or else\n"
			       "# /etc/init.d/NAME start. Written by mkjail(8).\n"
			       "PATH=/sbin:/bin:/usr/sbin:/usr/bin\n"
			       "export PATH\n"
			       ". /etc/rc.subr\n"
			       "load_rc_config\n"
			       "for _svc in $(rc_enabled); do\n"
			       "\trc_run \"$_svc\" start\n"
			       "done\n"
			       "exit 0\n";

static const char rc_shutdown[] =
	"#!/bin/sh\n"
	"#\n"
	"# /etc/rc.shutdown - stop the services /etc/rc started, in reverse\n"
	"# order (exec.stop = \"/bin/sh /etc/rc.shutdown\"). Written by mkjail(8).\n"
	"PATH=/sbin:/bin:/usr/sbin:/usr/bin\n"
	"export PATH\n"
	". /etc/rc.subr\n"
	"load_rc_config\n"
	"_list=\n"
	"for _svc in $(rc_enabled); do\n"
	"\t_list=\"$_svc $_list\"\n"
	"done\n"
	"for _svc in $_list; do\n"
	"\trc_run \"$_svc\" stop\n"
	"done\n"
	"exit 0\n";

static const char rc_conf_busybox[] =
	"# /etc/rc.conf - what /etc/rc starts in this jail (FreeBSD rc.conf(5)).\n"
	"# NAME_enable=\"YES\" starts /etc/rc.d/NAME; NAME_flags adds options.\n"
	"#httpd_enable=\"YES\"\n"
	"#httpd_port=\"80\"\n"
	"#httpd_root=\"/var/www\"\n"
	"#syslogd_enable=\"YES\"\n"
	"#crond_enable=\"YES\"\n";

static const char rc_conf_debian[] =
	"# /etc/rc.conf - what /etc/rc starts in this jail (FreeBSD rc.conf(5)).\n"
	"# NAME_enable=\"YES\" runs /etc/rc.d/NAME start, or else the Debian\n"
	"# script /etc/init.d/NAME start (ssh_enable=\"YES\" starts sshd).\n"
	"#ssh_enable=\"YES\"\n";

#define RC_SCRIPT(svc, cmd, args)                      \
	"#!/bin/sh\n"                                  \
	"#\n"                                          \
	"# PROVIDE: " svc "\n"                         \
	". /etc/rc.subr\n"                             \
	"name=" svc "\n"                               \
	"rcvar=" svc "_enable\n"                       \
	"load_rc_config\n"                             \
	"command=" cmd "\n"                            \
	"command_args=\"" args " ${" svc "_flags}\"\n" \
	"run_rc_command \"$1\"\n"

static const struct {
	const char *name, *text;
} rc_d[] = {
	{"httpd",
	 RC_SCRIPT("httpd", "/usr/sbin/httpd", "-f -p ${httpd_port:-80} -h ${httpd_root:-/var/www}")},
	{"syslogd", RC_SCRIPT("syslogd", "/sbin/syslogd", "-n")},
	{"crond", RC_SCRIPT("crond", "/usr/sbin/crond", "-f")},
};

static int put(int rootfd, const char *path, mode_t mode, const char *text, int keep, struct jail_err *e)
{
	_cleanup_close_ int fd = -1;
	size_t n = strlen(text);
	const char *p = text;

	fd = rootfs_open(rootfd, path, O_WRONLY | O_CREAT | O_NOFOLLOW | (keep ? O_EXCL : O_TRUNC), 0600);
	if (fd == -EEXIST && keep)
		return 0;
	if (fd < 0)
		return jail_err_sys(e, fd, "%s", path);
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return jail_err_sys(e, -errno, "%s", path);
		}
		p += w;
		n -= (size_t)w;
	}
	if (fchmod(fd, mode) < 0)
		return jail_err_sys(e, -errno, "%s", path);
	return 0;
}

int mkroot_write_rc(int rootfd, int busybox, struct jail_err *e)
{
	size_t i;
	int r;

	r = rootfs_mkdir_p(rootfd, "etc/rc.d", 0755, e);
	if (r < 0)
		return r;
	r = put(rootfd, "/etc/rc.subr", 0644, rc_subr, 0, e);
	if (r >= 0)
		r = put(rootfd, "/etc/rc", 0755, rc_start, 0, e);
	if (r >= 0)
		r = put(rootfd, "/etc/rc.shutdown", 0755, rc_shutdown, 0, e);
	if (r >= 0)
		r = put(rootfd, "/etc/rc.conf", 0644, busybox ? rc_conf_busybox : rc_conf_debian, 1, e);
	for (i = 0; r >= 0 && busybox && i < ARRAY_SIZE(rc_d); i++) {
		char p[64];

		snprintf(p, sizeof(p), "/etc/rc.d/%s", rc_d[i].name);
		r = put(rootfd, p, 0755, rc_d[i].text, 0, e);
	}
	return r;
}
