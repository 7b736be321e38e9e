#!/usr/bin/env bats
# Child jails (children.max), securelevel and the packet-filter gate (issue
# 10, items 9 and 10). The nested root holds jail, jls and jexec themselves
# (mkjail mini copies them with their libraries, at the same paths) and a
# static busybox; it is shifted into a private range like every root.

load ../lib/common

JEXEC=$BUILD/jexec
JLS=$BUILD/jls

setup_file() {
	common_setup_file
	export NR="$BATS_FILE_TMPDIR/nr"
	"$BUILD/mkjail" mini "$NR" "$BUILD/jail" "$BUILD/jls" "$BUILD/jexec" /bin/busybox "$PROBE" >/dev/null
	for a in sh ls cat id echo true hostname sleep mkdir; do ln -sf busybox "$NR/bin/$a"; done
	mkdir -p "$NR/run"
	chown "$(stat -c %u:%g "$NR")" "$NR/run" "$NR"/bin/*
}
teardown_file() { rm -rf "$NR"; common_teardown_file; }
setup() { common_setup; }
teardown() { "$JAIL" -q -r '*' 2>/dev/null || true; assert_clean; }

# Run a command inside a jail with the jail's own (default) registry.
in_jail() {
	local j=$1
	shift
	"$JEXEC" "$j" /bin/sh -c 'unset JAIL_STATEDIR; exec "$@"' sh "$@"
}

@test "FreeBSD nested: one child jail with children.max=1, the second is a prison limit, jls inside works" {
	"$JAIL" -q -c name=basejail path="$NR" persist children.max=1
	run in_jail basejail "$BUILD/jail" -q -c name=nestedjail persist
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run in_jail basejail "$BUILD/jail" -c name=secondnestedjail persist
	[ "$status" -eq 1 ]
	[ "$output" = "jail: prison limit exceeded" ]
	for f in "" -v -n; do
		run in_jail basejail "$BUILD/jls" $f
		[ "$status" -eq 0 ]
	done
	run in_jail basejail "$BUILD/jls" -n name
	[ "$output" = "name=nestedjail" ]
}

@test "FreeBSD nested: a jail without children.max cannot make one" {
	"$JAIL" -q -c name=basejail_nochild path="$NR" persist
	run in_jail basejail_nochild "$BUILD/jail" -c name=nestedjail persist
	[ "$status" -eq 1 ]
	[ "$output" = "jail: jail_set: Operation not permitted" ]
}

@test "the host's jls shows a child jail as parent.child" {
	"$JAIL" -q -c name=basejail path="$NR" persist children.max=2
	in_jail basejail "$BUILD/jail" -q -c name=nestedjail persist
	run "$JLS" -n name
	[ "${lines[0]}" = "name=basejail" ]
	[ "${lines[1]}" = "name=basejail.nestedjail" ]
	run "$JLS" -v
	[[ "$output" == *"basejail.nestedjail"*ACTIVE* ]]
}

@test "a child jail has a sub-range of its parent's uids and never more privilege" {
	"$JAIL" -q -c name=basejail path="$NR" persist children.max=1
	in_jail basejail "$BUILD/jail" -q -c name=nestedjail persist
	# the parent maps 2 x 65536 uids; the child 65536 of them, after the parent's own
	run in_jail basejail /bin/cat /proc/self/uid_map
	[[ "$output" =~ ^[[:space:]]*0[[:space:]]+[0-9]+[[:space:]]+131072$ ]]
	run in_jail basejail "$BUILD/jexec" nestedjail /bin/cat /proc/self/uid_map
	[[ "$output" =~ ^[[:space:]]*0[[:space:]]+65536[[:space:]]+65536$ ]]
	# the parent's seccomp filter is the child's: what the parent may not, it may not
	run in_jail basejail "$BUILD/jexec" nestedjail $PROBE keyctl
	[ "$output" = "EPERM" ]
	run in_jail basejail "$BUILD/jexec" nestedjail /bin/hostname other
	[ "$status" -ne 0 ]
	# children.max is the kernel's limit on the jail's user namespaces
	run in_jail basejail /bin/cat /proc/sys/user/max_user_namespaces
	[ "$output" = "1" ]
}

@test "jail -r of the parent takes its child jails with it" {
	"$JAIL" -q -c name=basejail path="$NR" persist children.max=1
	in_jail basejail "$BUILD/jail" -q -c name=nestedjail persist
	in_jail basejail "$BUILD/jexec" nestedjail /bin/sh -c 'sleep 60 >/dev/null 2>&1 &'
	run "$JAIL" -r basejail
	[ "$status" -eq 0 ]
	[ -z "$output" ]   # one jail, no jail.conf: FreeBSD's jail -r says nothing
	wait_until 3 not jail_running '^sleep 60 $' "$NR" || { echo "a child jail's process survived"; return 1; }
}

@test "nf_tables: refused in a jail's own namespaces, even nested ones; a vnet jail's own below securelevel 3" {
	"$JAIL" -q -c name=p path="$NR" persist children.max=1
	run "$JEXEC" p $PROBE nfnetlink
	[ "$output" = "EPERM" ]
	run "$JEXEC" p $PROBE nested-nfnetlink
	[ "$output" = "EPERM" ]
	run unshare -n "$JAIL" -c path="$NR" vnet command=$PROBE nfnetlink
	[ "$output" = "ok" ]
	run unshare -n "$JAIL" -c path="$NR" vnet securelevel=3 command=$PROBE nfnetlink
	[ "$output" = "EPERM" ]
}

@test "securelevel: system flags stay (allow.chflags cannot be granted), 2 freezes mounts even with allow.mount, only raised" {
	run "$JAIL" -c path="$NR" allow.chflags command=/bin/true
	[ "$status" -eq 1 ]
	[[ "$output" == *"allow.chflags: cannot be granted on Linux"* ]]
	# a file the host made immutable stays so whatever jailed root tries
	echo x > "$NR/tmp/immutable"
	if chattr +i "$NR/tmp/immutable" 2>/dev/null; then
		run "$JAIL" -c path="$NR" securelevel=1 command=/bin/sh -c "$PROBE chattr-i /tmp/immutable; echo y > /tmp/immutable"
		chattr -i "$NR/tmp/immutable"
		[ "${lines[0]}" = "EPERM" ]
		[[ "${lines[1]}" == *"Operation not permitted"* ]]
	fi
	rm -f "$NR/tmp/immutable"
	run "$JAIL" -c path="$NR" allow.mount allow.mount.tmpfs command=$PROBE mount-tmpfs /tmp
	[ "$output" = "ok" ]
	run "$JAIL" -c path="$NR" allow.mount allow.mount.tmpfs securelevel=2 command=$PROBE mount-tmpfs /tmp
	[ "$output" = "EPERM" ]
	"$JAIL" -q -c name=s path="$NR" persist securelevel=2
	run "$JAIL" -m name=s securelevel=1
	[ "$status" -eq 1 ]
	[[ "$output" == *"securelevel: cannot be lowered (2 to 1)"* ]]
	run "$JLS" -j s securelevel
	[ "$output" = "2" ]
	"$JAIL" -q -m name=s securelevel=3
	run "$JLS" -j s securelevel
	[ "$output" = "3" ]
}

@test "enforce_statfs=0 is refused with its reason; 1 and 2 are taken" {
	run "$JAIL" -c path="$NR" enforce_statfs=0 command=/bin/true
	[ "$status" -eq 1 ]
	[[ "$output" == *"enforce_statfs: 0: the host's mounts cannot be shown"* ]]
	"$JAIL" -c path="$NR" enforce_statfs=1 command=/bin/true
	"$JAIL" -c path="$NR" enforce_statfs=2 command=/bin/true
}

@test "user.range=identity refuses what would hand the jail host root" {
	run "$JAIL" -c path="$NR" user.range=identity allow.mount allow.mount.tmpfs command=/bin/true
	[ "$status" -eq 1 ]
	[[ "$output" == *"allow.mount: refused with user.range=identity"* ]]
	run "$JAIL" -c path="$NR" user.range=identity sysvshm=inherit sysvmsg=inherit sysvsem=inherit command=/bin/true
	[ "$status" -eq 1 ]
	run "$JAIL" -c path="$NR" user.range=identity children.max=1 command=/bin/true
	[ "$status" -eq 1 ]
}
