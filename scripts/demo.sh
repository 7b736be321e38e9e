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

say "hostname  # on the host, unchanged"
hostname
say "build/jail $root/root ftp.example.org \"\" /bin/sh -c 'hostname; exit 3'; echo \$?"
build/jail "$root/root" ftp.example.org "" /bin/sh -c 'hostname; exit 3' || echo "exit status $?"
