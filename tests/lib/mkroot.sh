#!/bin/sh
# Makes a small busybox jail root for the integration tests: static busybox
# with applet links, the probe helper, /etc/passwd and group, and the mount
# points a jail needs. Usage: mkroot.sh DIR [PROBE]
set -eu
dir=$1
probe=${2:-}
mkdir -p "$dir/bin" "$dir/sbin" "$dir/usr/bin" "$dir/usr/sbin" "$dir/dev" "$dir/proc" \
	"$dir/sys" "$dir/tmp" "$dir/etc" "$dir/root" "$dir/home/user" "$dir/var/run"
chmod 1777 "$dir/tmp"
cp /bin/busybox "$dir/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -sf busybox "$dir/bin/$a"
done
[ -n "$probe" ] && cp "$probe" "$dir/bin/probe"
cat >"$dir/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:A User:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat >"$dir/etc/group" <<'G'
root:x:0:
tty:x:5:
wheel:x:10:user
user:x:1000:
nogroup:x:65534:
G
chown 1000:1000 "$dir/home/user"
# Jails have private user ranges: the root is given to one (mkjail shift),
# so that jailed root owns its files. MKJAIL or JAIL_BUILD names mkjail.
mkjail=${MKJAIL:-${JAIL_BUILD:+$JAIL_BUILD/mkjail}}
if [ -n "$mkjail" ] && [ -x "$mkjail" ]; then
	"$mkjail" shift "$dir" >/dev/null
fi
