#!/usr/bin/env bats
# mkjail(8): mini and busybox roots are built, checked and run; bad input
# gives a clear error and leaves nothing half-built; the /etc/rc pair
# starts and stops services; thin roots get their overlay layout; preflight
# names what is missing and never reads host files through a root's links.
# Network tests run only inside a throw-away network namespace, loopback.

bats_require_minimum_version 1.5.0 # run !

setup() {
	MKJAIL=${JAIL_BUILD:?}/mkjail
	T=$(mktemp -d /tmp/mkjail-test.XXXXXX)
}

teardown() {
	[ -n "${T:-}" ] || return 0
	# A jail a test left running (its registry is private to the test).
	if [ -d "$T/state" ]; then
		JAIL_STATEDIR="$T/state" "$JAIL_BUILD/jail" -q -r '*' >/dev/null 2>&1 || true
	fi
	# Nothing here mounts outside a private mount namespace, so a plain
	# recursive removal is safe.
	rm -rf "$T"
}

# Compile a tiny program linked against a library of our own.
build_prog() { # $1: rpath for the program
	mkdir -p "$T/src/lib" "$T/src/bin"
	printf 'int foo(void) { return 42; }\n' >"$T/src/foo.c"
	printf 'int foo(void);\n#include <stdio.h>\nint main(void) { printf("foo=%%d\\n", foo()); return 0; }\n' >"$T/src/main.c"
	cc -shared -fPIC -Wl,-soname,libfoo.so.1 -o "$T/src/lib/libfoo.so.1" "$T/src/foo.c"
	cc -o "$T/src/bin/prog" "$T/src/main.c" -L"$T/src/lib" -l:libfoo.so.1 \
		-Wl,--enable-new-dtags,-rpath,"$1"
}

@test "busybox root: shell, mount points, passwd, rc; runs under chroot" {
	run "$MKJAIL" busybox "$T/bb"
	[ "$status" -eq 0 ]
	[[ "$output" == "$T/bb: busybox root: "* ]]
	[ -x "$T/bb/bin/sh" ] && [ -x "$T/bb/bin/busybox" ]
	for d in dev proc sys tmp etc var/run; do [ -d "$T/bb/$d" ]; done
	[ "$(stat -c %a "$T/bb/tmp")" = 1777 ]
	grep -q '^root:x:0:0:' "$T/bb/etc/passwd"
	[ -x "$T/bb/etc/rc" ] && [ -x "$T/bb/etc/rc.shutdown" ]
	# applet links share the busybox inode: no copies
	[ "$(stat -c %i "$T/bb/bin/ls")" = "$(stat -c %i "$T/bb/bin/busybox")" ]
	run chroot "$T/bb" /bin/sh -c 'echo in-jail; ls /etc/passwd'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = in-jail ]
	[ "${lines[1]}" = /etc/passwd ]
	run "$MKJAIL" check "$T/bb"
	[ "$status" -eq 0 ]
	[ "$output" = "$T/bb: ok" ]
	# no temporary directory left next to it
	[ -z "$(ls -A "$T" | grep tmp- || true)" ]
}

@test "busybox root is fast enough for test fixtures (< 1s)" {
	start=$(date +%s%N)
	"$MKJAIL" busybox "$T/bb" >/dev/null
	end=$(date +%s%N)
	[ $(((end - start) / 1000000)) -lt 1000 ]
}

@test "busybox /etc/rc starts httpd_enable=YES and /etc/rc.shutdown stops it" {
	"$MKJAIL" busybox "$T/bb" >/dev/null
	printf 'httpd_enable="YES"\nhttpd_port="8080"\n' >>"$T/bb/etc/rc.conf"
	echo "served-by-rc" >"$T/bb/var/www/index.html"
	run unshare -n sh -c "
		ip link set lo up
		chroot '$T/bb' /bin/sh /etc/rc || exit 10
		for i in 1 2 3 4 5 6 7 8 9 10; do
			busybox wget -qO- http://127.0.0.1:8080/ 2>/dev/null && break
			sleep 0.2
		done
		pid=\$(cat '$T/bb/var/run/httpd.pid')
		chroot '$T/bb' /bin/sh /etc/rc.shutdown || exit 11
		kill -0 \$pid 2>/dev/null && exit 12
		exit 0"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Starting httpd."* ]]
	[[ "$output" == *"served-by-rc"* ]]
	[[ "$output" == *"Stopping httpd."* ]]
	[ ! -e "$T/bb/var/run/httpd.pid" ]
}

@test "busybox syslogd_enable=YES in a jail: logger's line lands in /var/log/messages" {
	"$MKJAIL" busybox "$T/bb" >/dev/null
	echo 'syslogd_enable="YES"' >>"$T/bb/etc/rc.conf"
	export JAIL_STATEDIR="$T/state"
	run "$JAIL_BUILD/jail" -q -c name=mkjsyslog path="$T/bb" exec.start="/bin/sh /etc/rc" \
		exec.stop="/bin/sh /etc/rc.shutdown" persist
	[ "$status" -eq 0 ]
	[ "$output" = "Starting syslogd." ]
	# FreeBSD's jails log through /var/run/log; /dev (read-only) points there.
	run "$JAIL_BUILD/jexec" mkjsyslog /bin/sh -c 'readlink /dev/log; for i in 1 2 3 4 5 6 7 8 9 10; do [ -S /var/run/log ] && break; sleep 0.1; done; logger -t mkjtest "hello from the jail"'
	[ "$status" -eq 0 ]
	[ "$output" = "/var/run/log" ]
	for _ in $(seq 50); do
		grep -q 'mkjtest: hello from the jail' "$T/bb/var/log/messages" 2>/dev/null && break
		sleep 0.1
	done
	grep 'mkjtest: hello from the jail' "$T/bb/var/log/messages"
	run ! grep -q 'bind' "$T/bb/var/log/syslogd.log"
	run "$JAIL_BUILD/jail" -q -r mkjsyslog
	[ "$status" -eq 0 ]
	[ "$output" = "Stopping syslogd." ]
	[ ! -e "$T/bb/var/run/syslogd.pid" ]
}

@test "busybox rc ignores services not enabled" {
	"$MKJAIL" busybox "$T/bb" >/dev/null
	run chroot "$T/bb" /bin/sh /etc/rc
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "busybox: a dynamically linked busybox is refused" {
	run "$MKJAIL" busybox -b /bin/ls "$T/bb"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/bin/ls: dynamically linked (install busybox-static)"* ]]
	[ ! -e "$T/bb" ]
}

@test "mini root of /bin/ls: closure copied, runs under chroot, nothing else" {
	run "$MKJAIL" mini "$T/m" /bin/ls
	[ "$status" -eq 0 ]
	[[ "$output" == "$T/m: mini root: "* ]]
	[ -f "$T/m/usr/bin/ls" ] && [ -L "$T/m/bin" ]
	[ -e "$T/m/lib64/ld-linux-x86-64.so.2" ]
	[ -f "$T/m/usr/lib/x86_64-linux-gnu/libc.so.6" ]
	[ ! -e "$T/m/bin/sh" ]
	for f in passwd group nsswitch.conf resolv.conf hosts; do [ -f "$T/m/etc/$f" ]; done
	[ "$(stat -c %a "$T/m/tmp")" = 1777 ]
	for d in dev proc var/run; do [ -d "$T/m/$d" ]; done
	run chroot "$T/m" /bin/ls /etc
	[ "$status" -eq 0 ]
	[[ "$output" == *nsswitch.conf* ]]
	run unshare -m -r --root="$T/m" /bin/ls /
	[ "$status" -eq 0 ]
	[[ "$output" == *usr* ]]
	run "$MKJAIL" check -S "$T/m" /bin/ls
	[ "$status" -eq 0 ]
}

@test "mini: -u adds host users, -f adds files" {
	echo data >"$T/data.txt"
	run "$MKJAIL" mini -u nobody -u daemon -f "$T/data.txt" "$T/m" /bin/true
	[ "$status" -eq 0 ]
	grep -q '^nobody:x:65534:65534:' "$T/m/etc/passwd"
	grep -q '^daemon:x:1:1:' "$T/m/etc/passwd"
	grep -q '^nogroup:x:65534:' "$T/m/etc/group"
	[ "$(cat "$T/m$T/data.txt")" = data ]
	run "$MKJAIL" mini -u no-such-user-here "$T/m2" /bin/true
	[ "$status" -eq 1 ]
	[[ "$output" == *"no-such-user-here: no such user"* ]]
	[ ! -e "$T/m2" ]
}

@test "mini: RUNPATH with \$ORIGIN resolved, library copied, program runs" {
	build_prog '$ORIGIN/../lib'
	run "$MKJAIL" mini "$T/m" "$T/src/bin/prog"
	[ "$status" -eq 0 ]
	[ -f "$T/m$T/src/lib/libfoo.so.1" ]
	# ld.so finds $ORIGIN through /proc/self/exe: the jail mounts /proc.
	run unshare -m sh -c "mount -t proc proc '$T/m/proc' && chroot '$T/m' '$T/src/bin/prog'"
	[ "$status" -eq 0 ]
	[ "$output" = "foo=42" ]
}

@test "mini: a missing library is named with who needs it; nothing left behind" {
	build_prog "$T/src/lib"
	rm "$T/src/lib/libfoo.so.1"
	run "$MKJAIL" mini "$T/m" "$T/src/bin/prog"
	[ "$status" -eq 1 ]
	[ "$output" = "mkjail: $T/m: libfoo.so.1: library not found (needed by $T/src/bin/prog)" ]
	[ ! -e "$T/m" ]
	[ -z "$(ls -A "$T" | grep tmp- || true)" ]
}

@test "mini: a program that is not ELF is refused" {
	printf '#!/bin/sh\necho hi\n' >"$T/script"
	chmod +x "$T/script"
	run "$MKJAIL" mini "$T/m" "$T/script"
	[ "$status" -eq 1 ]
	[ "$output" = "mkjail: $T/m: $T/script: not an ELF file" ]
	[ ! -e "$T/m" ]
	run "$MKJAIL" mini "$T/m" no-such-program-xyz
	[ "$status" -eq 1 ]
	[[ "$output" == *"no-such-program-xyz: not found in "* ]]
	# a device as a data file: refused, and the half-built root removed
	run "$MKJAIL" mini -f /dev/null "$T/m" /bin/true
	[ "$status" -eq 1 ]
	[ "$output" = "mkjail: $T/m: /dev/null: not a regular file, directory or symlink" ]
	[ ! -e "$T/m" ]
	[ -z "$(ls -A "$T" | grep tmp- || true)" ]
}

@test "existing non-empty DIR is refused unless --force, which replaces it" {
	mkdir "$T/d" && echo old >"$T/d/old-file"
	run "$MKJAIL" busybox "$T/d"
	[ "$status" -eq 1 ]
	[ "$output" = "mkjail: $T/d: not empty (use --force)" ]
	[ -f "$T/d/old-file" ]
	run "$MKJAIL" busybox --force "$T/d"
	[ "$status" -eq 0 ]
	[ ! -e "$T/d/old-file" ] && [ -x "$T/d/bin/sh" ]
	# an empty existing directory is fine without --force
	mkdir "$T/empty"
	run "$MKJAIL" mini "$T/empty" /bin/true
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$T" | grep tmp- || true)" ]
}

@test "a full disk gives a clear error and removes the half-built root" {
	mkdir "$T/small"
	run unshare -m sh -c "
		mount -t tmpfs -o size=512k tmpfs '$T/small' || exit 99
		'$MKJAIL' busybox '$T/small/bb'
		echo rc=\$?
		ls -A '$T/small'"
	[[ "$output" == *"No space left on device"* ]]
	[[ "$output" == *"rc=1"* ]]
	# the ls after rc= printed nothing: neither bb nor bb.tmp-*
	[[ "$output" == *"rc=1" ]]
}

@test "usage errors exit 64" {
	run "$MKJAIL"
	[ "$status" -eq 64 ]
	run "$MKJAIL" mini "$T/m"
	[ "$status" -eq 64 ]
	[[ "$output" == *"usage: mkjail mini"* ]]
	run "$MKJAIL" frobnicate "$T/m"
	[ "$status" -eq 64 ]
	[[ "$output" == *"mkjail: frobnicate: unknown command"* ]]
	run "$MKJAIL" thin "$T/t"
	[ "$status" -eq 64 ]
	[[ "$output" == *"--base BASE is required"* ]]
}

@test "check: an empty root lists each missing piece, one line each" {
	mkdir "$T/e"
	run "$MKJAIL" check "$T/e"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "$T/e: /bin/sh: missing (the shell exec.start and jexec use)" ]
	[ "${lines[1]}" = "$T/e: /etc/passwd: missing (users and jexec -U need it)" ]
	[ "${lines[2]}" = "$T/e: /dev: missing (mount point for mount.devfs)" ]
	[ "${lines[3]}" = "$T/e: /proc: missing (mount point for mount.procfs)" ]
	run "$MKJAIL" check "$T/nonexistent"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No such file or directory"* ]]
}

@test "check: a removed library is reported with the file that needs it" {
	"$MKJAIL" mini "$T/m" /bin/ls >/dev/null
	lib=$(cd "$T/m" && ls usr/lib/x86_64-linux-gnu/libselinux.so.1)
	rm "$T/m/$lib"
	run "$MKJAIL" check -S "$T/m" /bin/ls
	[ "$status" -eq 1 ]
	[ "$output" = "$T/m: libselinux.so.1: missing (needed by /bin/ls)" ]
	rm "$T/m/lib64/ld-linux-x86-64.so.2"
	run "$MKJAIL" check -S "$T/m" ls
	[[ "$output" == *"$T/m: /lib64/ld-linux-x86-64.so.2: missing (program interpreter of /usr/bin/ls)"* ]]
}

@test "check: symlinks in the root never reach host files" {
	"$MKJAIL" mini "$T/m" /bin/ls >/dev/null
	libdir="$T/m/usr/lib/x86_64-linux-gnu"
	rm "$libdir"/libselinux.so.1
	# Each would reach the host's library if resolved outside the root.
	ln -s "/proc/1/root/usr/lib/x86_64-linux-gnu/libselinux.so.1" "$libdir/libselinux.so.1"
	run "$MKJAIL" check -S "$T/m" /bin/ls
	[ "$status" -eq 1 ]
	[ "$output" = "$T/m: libselinux.so.1: missing (needed by /bin/ls)" ]
	# put libselinux back; now its libpcre2 escapes with "..".
	rm "$libdir/libselinux.so.1"
	cp /usr/lib/x86_64-linux-gnu/libselinux.so.1 "$libdir/"
	ln -s "../../../../../../../../../usr/lib/x86_64-linux-gnu/libpcre2-8.so.0" "$T/m/pcre-link"
	rm "$libdir"/libpcre2-8.so.0*
	ln -s /pcre-link "$libdir/libpcre2-8.so.0"
	run "$MKJAIL" check -S "$T/m" /bin/ls
	[ "$status" -eq 1 ]
	[ "$output" = "$T/m: libpcre2-8.so.0: missing (needed by /lib/x86_64-linux-gnu/libselinux.so.1)" ]
}

@test "check: #! scripts are followed to their interpreter" {
	"$MKJAIL" busybox "$T/bb" >/dev/null
	printf '#!/usr/bin/python3\nprint(1)\n' >"$T/bb/usr/bin/tool"
	chmod 755 "$T/bb/usr/bin/tool"
	run "$MKJAIL" check "$T/bb" tool
	[ "$status" -eq 1 ]
	[ "$output" = "$T/bb: /usr/bin/python3: missing (interpreter of /usr/bin/tool)" ]
	printf '#!/bin/sh\necho ok\n' >"$T/bb/usr/bin/tool"
	run "$MKJAIL" check "$T/bb" tool
	[ "$status" -eq 0 ]
}

@test "thin: layout with upper, work, root and thin.conf; overlay works" {
	"$MKJAIL" busybox "$T/base" >/dev/null
	run "$MKJAIL" thin --base "$T/base" "$T/t1"
	[ "$status" -eq 0 ]
	[ -d "$T/t1/upper" ] && [ -d "$T/t1/work" ] && [ -d "$T/t1/root" ]
	grep -qx "base=$T/base" "$T/t1/thin.conf"
	run unshare -m sh -c "
		mount -t overlay overlay -o lowerdir='$T/base',upperdir='$T/t1/upper',workdir='$T/t1/work' '$T/t1/root' || exit 9
		chroot '$T/t1/root' /bin/sh -c 'echo mine >/etc/motd; cat /etc/motd'"
	[ "$status" -eq 0 ]
	[ "$output" = mine ]
	[ "$(cat "$T/t1/upper/etc/motd")" = mine ]
	[ ! -e "$T/base/etc/motd" ]
	run "$MKJAIL" thin --base "$T/nothere" "$T/t2"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/nothere: No such file or directory"* ]]
	[ ! -e "$T/t2" ]
}

@test "mini root of a real daemon (nginx) serves a request on loopback" {
	command -v nginx >/dev/null || skip "nginx-light not installed"
	run "$MKJAIL" mini -u www-data "$T/ng" /usr/sbin/nginx
	[ "$status" -eq 0 ]
	nfiles=$(find "$T/ng" -type f | wc -l)
	echo "# nginx mini root: $nfiles files" >&3
	[ "$nfiles" -lt 25 ]
	mkdir -p "$T/ng/srv"
	echo "hello from a mini jail" >"$T/ng/srv/index.html"
	cat >"$T/ng/etc/nginx.conf" <<-'EOF'
	user www-data;
	worker_processes 1;
	daemon off;
	pid /tmp/nginx.pid;
	error_log stderr;
	events { worker_connections 16; }
	http {
	  access_log off;
	  client_body_temp_path /tmp/body; proxy_temp_path /tmp/proxy;
	  fastcgi_temp_path /tmp/fastcgi; uwsgi_temp_path /tmp/uwsgi;
	  scgi_temp_path /tmp/scgi;
	  server { listen 127.0.0.1:8080; root /srv; }
	}
	EOF
	run unshare -n sh -c "
		ip link set lo up
		chroot '$T/ng' /usr/sbin/nginx -e stderr -c /etc/nginx.conf &
		pid=\$!
		for i in \$(seq 1 25); do
			busybox wget -qO- http://127.0.0.1:8080/ 2>/dev/null && break
			sleep 0.2
		done
		kill \$pid; wait \$pid"
	[[ "$output" == *"hello from a mini jail"* ]]
	run "$MKJAIL" check -S "$T/ng" /usr/sbin/nginx
	[ "$status" -eq 0 ]
}

# A stand-in for debootstrap: records its arguments, prints progress lines
# and fills the target (the argument before the mirror) with a tiny tree.
fake_debootstrap() {
	cat >"$T/debootstrap" <<-EOF
	#!/bin/sh
	echo "\$@" >>"$T/debootstrap.calls"
	for a; do target=\$mirror; mirror=\$a; done
	echo "I: Retrieving base-files 12.4"
	echo "I: Unpacking required packages..."
	mkdir -p "\$target/etc" "\$target/bin" "\$target/dev" "\$target/proc"
	echo 12.99 >"\$target/etc/debian_version"
	echo 'root:x:0:0:root:/root:/bin/sh' >"\$target/etc/passwd"
	cp /bin/busybox "\$target/bin/sh"
	echo "I: Base system installed successfully."
	EOF
	chmod 755 "$T/debootstrap"
}

@test "debian (fake debootstrap): options passed, rc added, second root from cache" {
	fake_debootstrap
	export MKJAIL_DEBOOTSTRAP="$T/debootstrap" MKJAIL_CACHE="$T/cache"
	run "$MKJAIL" debian --suite bookworm --mirror http://192.0.2.1/debian --include nginx-light,curl "$T/d1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Base system installed successfully."* ]]
	[[ "$output" == *"$T/d1: debian root: "* ]]
	args=$(cat "$T/debootstrap.calls")
	[[ "$args" == "--variant=minbase --cache-dir=$T/cache/debs --include=nginx-light,curl bookworm $T/d1.tmp-"*" http://192.0.2.1/debian" ]]
	[ "$(cat "$T/d1/etc/debian_version")" = 12.99 ]
	[ -x "$T/d1/etc/rc" ] && grep -q 'init.d' "$T/d1/etc/rc.conf"
	run "$MKJAIL" debian --suite bookworm --mirror http://192.0.2.1/debian --include nginx-light,curl "$T/d2"
	[ "$status" -eq 0 ]
	[[ "$output" == *"from cache"* ]]
	[ "$(wc -l <"$T/debootstrap.calls")" -eq 1 ]
	[ "$(cat "$T/d2/etc/debian_version")" = 12.99 ]
	run "$MKJAIL" check "$T/d2"
	[ "$status" -eq 0 ]
	# another package set is another cache entry
	"$MKJAIL" debian --suite bookworm --mirror http://192.0.2.1/debian "$T/d3" >/dev/null
	[ "$(wc -l <"$T/debootstrap.calls")" -eq 2 ]
}

@test "debian: a failing debootstrap leaves no root and no cache entry" {
	export MKJAIL_DEBOOTSTRAP=/bin/false MKJAIL_CACHE="$T/cache"
	run "$MKJAIL" debian --suite bookworm --mirror http://192.0.2.1/debian "$T/d"
	[ "$status" -eq 1 ]
	[ "${lines[${#lines[@]}-1]}" = "mkjail: $T/d: debootstrap failed (exit 1)" ]
	[ ! -e "$T/d" ]
	[ -z "$(ls -A "$T" | grep tmp- || true)" ]
	[ "$(ls "$T/cache")" = debs ]
}
