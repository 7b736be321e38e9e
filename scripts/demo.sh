#!/bin/sh
# make demo: install packages, build, make a small jail root, and show a jail
# with its own hostname, process table, identity and /dev.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "make demo must run as root" >&2; exit 1; }
[ -n "${JAIL_NO_DEPS:-}" ] || sh scripts/deps.sh >/dev/null
make -s all build/tests/probe
root=$(mktemp -d /tmp/jail-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
if [ -x build/mkjail ]; then
	build/mkjail busybox "$root/root" --force >/dev/null
else
	sh tests/lib/mkroot.sh "$root/root"
fi
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say "build/jail -c name=demo path=$root/root host.hostname=demo.example.org command=/bin/sh -c '...'"
build/jail -v -c name=demo path="$root/root" host.hostname=demo.example.org \
	command=/bin/sh -c '
echo "# hostname";  hostname
echo "# ps";        ps -o pid,user,comm
echo "# id";        id
echo "# ls /dev";   ls /dev | tr "\n" " "; echo
echo "# the host is not here: ls /"; ls / | tr "\n" " "; echo
echo "# setting the clock, loading a module, changing the hostname:"
date -s 2000-01-01 2>&1 | grep -q "not permitted" && echo "  date -s: refused"
insmod /nonexistent.ko 2>/dev/null || echo "  insmod: refused"
hostname evil 2>/dev/null || echo "  hostname: refused (allow.set_hostname is off)"'

say "build/jail -c name=www path=... host.hostname=www.example.org persist   # a persistent jail"
export JAIL_STATEDIR="$root/state"
build/jail -c name=www path="$root/root" host.hostname=www.example.org persist
if [ -x build/jls ]; then
	say "build/jls"
	build/jls
fi
say "build/jexec www /bin/sh -c 'hostname; ps -o pid,comm'"
build/jexec www /bin/sh -c 'hostname; ps -o pid,comm'
say "build/jail -r www"
build/jail -r www

# Two jails from a jail.conf, one depending on the other, each with an address
# of its own, in a throw-away network namespace so nothing touches the host's.
cat >"$root/jail.conf" <<CONF
path = "$root/root";
persist;
exec.poststart = 'echo started \$JNAME';
db  { host.hostname = db.example.org;  ip4.addr = 192.0.2.11; }
www { host.hostname = www.example.org; ip4.addr = 192.0.2.10; depend = db;
      exec.start = "/bin/sh -c 'mkdir -p /tmp/www; echo hello from www.example.org > /tmp/www/index.html; httpd -p 80 -h /tmp/www'"; }
CONF
say "cat jail.conf"
cat "$root/jail.conf"
say "build/jail -f jail.conf -c   # db first (www depends on it); then jls, a page from www's address"
unshare -n sh -c '
	ip link set lo up
	ip addr add 198.51.100.1/32 dev lo   # the "host" address of this namespace
	build/jail -f "$1/jail.conf" -c
	build/jls
	echo "\$ wget -q -O - http://192.0.2.10/"
	timeout 5 busybox wget -q -O - http://192.0.2.10/
	build/jail -f "$1/jail.conf" -r www db' sh "$root"

say "hostname  # on the host, unchanged"
hostname
say "build/jail $root/root ftp.example.org \"\" /bin/sh -c 'hostname; exit 3'; echo \$?"
build/jail "$root/root" ftp.example.org "" /bin/sh -c 'hostname; exit 3' || echo "exit status $?"
