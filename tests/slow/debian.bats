#!/usr/bin/env bats
# mkjail debian: a minbase root by debootstrap from the host's apt mirror,
# cached so the next root of the same suite takes seconds; /etc/rc drives
# the root's own init scripts; 50 thin jails share one Debian base.
# Needs the Debian mirror. Network tests run in a throw-away netns only.

bats_require_minimum_version 1.5.0 # run !

setup() {
	MKJAIL=${JAIL_BUILD:?}/mkjail
	T=$(mktemp -d /tmp/mkjail-slow.XXXXXX)
}

teardown() {
	[ -n "${T:-}" ] && rm -rf "$T"
}

@test "debian root by debootstrap; the second one comes from the cache" {
	run "$MKJAIL" debian "$T/d1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$T/d1: debian root: "* ]]
	[ -f "$T/d1/etc/debian_version" ]
	[ -x "$T/d1/etc/rc" ] && [ -x "$T/d1/etc/rc.shutdown" ]
	run chroot "$T/d1" /bin/sh -c 'dpkg-query -W -f="\${Status}" dash'
	[ "$output" = "install ok installed" ]
	run "$MKJAIL" check "$T/d1"
	[ "$status" -eq 0 ]
	start=$(date +%s)
	run "$MKJAIL" debian "$T/d2"
	end=$(date +%s)
	[ "$status" -eq 0 ]
	[[ "$output" == *"from cache"* ]]
	echo "# cached debian root in $((end - start))s" >&3
	[ $((end - start)) -lt 30 ]
	cmp "$T/d1/etc/debian_version" "$T/d2/etc/debian_version"
}

@test "debian: /etc/rc runs /etc/init.d/NAME for NAME_enable=YES, rc.shutdown stops" {
	"$MKJAIL" debian "$T/d" >/dev/null
	cat >"$T/d/etc/init.d/demo" <<-'EOF'
	#!/bin/sh
	case "$1" in
	start) echo started >/tmp/demo.state ;;
	stop) echo stopped >/tmp/demo.state ;;
	esac
	EOF
	chmod 755 "$T/d/etc/init.d/demo"
	echo 'demo_enable="YES"' >>"$T/d/etc/rc.conf"
	chroot "$T/d" /bin/sh /etc/rc
	[ "$(cat "$T/d/tmp/demo.state")" = started ]
	chroot "$T/d" /bin/sh /etc/rc.shutdown
	[ "$(cat "$T/d/tmp/demo.state")" = stopped ]
}

@test "debian --include nginx-light: rc starts the packaged daemon, it serves" {
	run "$MKJAIL" debian --include nginx-light "$T/w"
	[ "$status" -eq 0 ]
	echo 'nginx_enable="YES"' >>"$T/w/etc/rc.conf"
	run unshare -n -m sh -c "
		ip link set lo up
		mount -t proc proc '$T/w/proc'
		chroot '$T/w' /bin/sh /etc/rc
		for i in \$(seq 1 25); do
			busybox wget -qO- http://127.0.0.1/ 2>/dev/null && break
			sleep 0.2
		done
		chroot '$T/w' /bin/sh /etc/rc.shutdown"
	[[ "$output" == *"Starting nginx"* ]]
	[[ "$output" == *"Welcome to nginx"* ]]
	[[ "$output" == *"Stopping nginx"* ]]
}

@test "debian: bad suite and mirror are refused before anything is made" {
	run "$MKJAIL" debian --suite 'bad suite' "$T/x"
	[ "$status" -eq 64 ]
	[[ "$output" == *"bad suite: not a suite name"* ]]
	run "$MKJAIL" debian --mirror 'gopher://x' "$T/x"
	[ "$status" -eq 64 ]
	[ ! -e "$T/x" ]
}

@test "50 thin jails over one Debian base: time and disk per jail" {
	"$MKJAIL" debian "$T/base" >/dev/null
	start=$(date +%s%N)
	for i in $(seq 1 50); do
		"$MKJAIL" thin --base "$T/base" "$T/thin/j$i"
	done
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
	kb=$(du -sk "$T/thin" | cut -f1)
	echo "# 50 thin jails: ${ms} ms total, $((ms / 50)) ms and $((kb / 50)) KiB each; base $(du -sm "$T/base" | cut -f1) MiB" >&3
	[ $((kb / 50)) -lt 64 ]
	# every one of them mounts and runs, and writes stay private
	run unshare -m sh -c "
		for i in \$(seq 1 50); do
			j='$T/thin/j'\$i
			mount -t overlay overlay -o lowerdir='$T/base',upperdir=\$j/upper,workdir=\$j/work \$j/root || exit 9
			chroot \$j/root /bin/sh -c \"echo jail\$i >/etc/hostname\" || exit 10
		done
		cat '$T/thin/j7/root/etc/hostname' '$T/thin/j42/root/etc/hostname'"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = jail7 ]
	[ "${lines[1]}" = jail42 ]
	[ "$(cat "$T/thin/j42/upper/etc/hostname")" = jail42 ]
	run ! grep -q jail "$T/base/etc/hostname"
}
