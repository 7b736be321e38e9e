#!/usr/bin/env bats
# Issue 10: each finding of "Jailed root is host root today" reproduced from
# inside a real jail exactly as a hostile jailed root would, then the host
# side checked (owners, modes, times, checksums, sysctls, quotas). Every run
# uses copies of jail, jexec and jls in a temporary directory, never the
# installed ones. Sysctls are only ever written with the value they hold
# (core_pattern is only opened, never written); files a jail could open for
# writing are closed unwritten (tests/helpers/attack.c, fakeld.c).

load ../lib/common

ATTACK=$BUILD/tests/attack
FAKELD=$BUILD/tests/fakeld

setup_file() {
	common_setup_file
	cp "$ATTACK" "$ROOT/bin/attack"
	chown "$(stat -c %u:%g "$ROOT")" "$ROOT/bin/attack"
	export BIN="$BATS_FILE_TMPDIR/bin"
	mkdir -p "$BIN"
	cp "$BUILD/jail" "$BUILD/jexec" "$BUILD/jls" "$BIN/"
	chmod 755 "$BIN"/*
	(cd "$BIN" && sha256sum jail jexec jls) > "$BATS_FILE_TMPDIR/bin.sha256"
}
teardown_file() {
	"$BATS_FILE_TMPDIR/bin/jail" -q -R '*' 2>/dev/null || true
	# the copies were never changed by anything a jail did
	(cd "$BATS_FILE_TMPDIR/bin" && sha256sum -c --quiet "$BATS_FILE_TMPDIR/bin.sha256")
	rm -rf "$BATS_FILE_TMPDIR/bin" "$BATS_FILE_TMPDIR/thin"
	common_teardown_file
}
setup() {
	common_setup
	JAIL=$BIN/jail
	JEXEC=$BIN/jexec
	JLS=$BIN/jls
	BASE=$(stat -c %u "$ROOT")
}
teardown() {
	"$JAIL" -q -R '*' 2>/dev/null || true
	rm -rf "$ROOT/tmp/"* "$ROOT/tmp/".[!.]* "$ROOT/mnt" "$ROOT/lib64" "$ROOT/usr/bin/X"
	attack_clean
}

# common.bash's check (scoped to this file's registry), and no jail process of ours.
attack_clean() {
	assert_clean || return 1
	if pgrep -f "name=atk-.* path=$ROOT" >/dev/null; then
		echo "leftover jail process"; return 1
	fi
}

# jrun of common.bash, with a name of ours.
jrun() {
	local params=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do params+=("$1"); shift; done
	shift
	"$JAIL" -c name="atk-$BATS_TEST_NUMBER-$RANDOM" path="$ROOT" "${params[@]}" command="$@"
}

# Run FILE as host user nobody (through an fd: the test's directories are closed to it).
as_nobody() {
	local f=$1
	shift
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all /proc/self/fd/9 "$@" 9<"$f"
}

# The uid a planted file runs as for nobody must be nobody's own or one of the jail's range.
in_range() {
	[ "$1" -ge "$BASE" ] && [ "$1" -lt $((BASE + 65536)) ]
}

euid_of() { sed -n 's/.* euid=\([0-9]*\) .*/\1/p' <<<"$1"; }
caps_of() { sed -n 's/.* prm=\([0-9a-f]*\) eff=\([0-9a-f]*\)$/\1 \2/p' <<<"$1"; }

# --- setuid and file capabilities -------------------------------------------

@test "planting: setuid root and file capabilities made in the root give a host user neither euid 0 nor capabilities" {
	# controls: on this filesystem setuid and file capabilities do work for nobody
	cp "$ATTACK" "$BATS_TEST_TMPDIR/ctl-suid"
	chown 4321:4321 "$BATS_TEST_TMPDIR/ctl-suid"
	chmod 4755 "$BATS_TEST_TMPDIR/ctl-suid"
	run as_nobody "$BATS_TEST_TMPDIR/ctl-suid" ids
	[ "$(euid_of "$output")" = 4321 ]
	cp "$ATTACK" "$BATS_TEST_TMPDIR/ctl-fcap"
	"$ATTACK" setcap "$BATS_TEST_TMPDIR/ctl-fcap"
	run as_nobody "$BATS_TEST_TMPDIR/ctl-fcap" ids
	[ "$(caps_of "$output")" != "0000000000000000 0000000000000000" ]

	# jailed root: a setuid-root copy and a copy with every file capability
	run jrun -- /bin/sh -c 'cp /bin/attack /tmp/suid && chown 0:0 /tmp/suid && chmod 6755 /tmp/suid &&
		cp /bin/attack /tmp/fcap && attack setcap /tmp/fcap && stat -c "%a %u" /tmp/suid'
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "6755 0" ]
	# on the host the setuid file belongs to the range, not to root
	[ "$(stat -c %u:%g "$ROOT/tmp/suid")" = "$BASE:$BASE" ]
	run as_nobody "$ROOT/tmp/suid" ids
	[ "$status" -eq 0 ]
	in_range "$(euid_of "$output")"
	[ "$(caps_of "$output")" = "0000000000000000 0000000000000000" ]
	# the capabilities are the range's root's: none on the host
	run as_nobody "$ROOT/tmp/fcap" ids
	[ "$status" -eq 0 ]
	[ "$(euid_of "$output")" = 65534 ]
	[ "$(caps_of "$output")" = "0000000000000000 0000000000000000" ]
}

@test "planting: through a mount.fstab share, setuid and capabilities stay the range's; the host's files there cannot be changed" {
	local share="$BATS_TEST_TMPDIR/share"
	mkdir -p "$share" "$ROOT/mnt/share"
	cp "$ATTACK" "$share/hostroot"
	chmod 755 "$share/hostroot"
	chown "$BASE:$BASE" "$share"
	local before
	before=$(stat -c '%a %u %g %Y %Z' "$share/hostroot")
	printf '%s %s nullfs rw,nosuid 0 0\n' "$share" "$ROOT/mnt/share" > "$BATS_TEST_TMPDIR/fstab"
	run jrun mount.fstab="$BATS_TEST_TMPDIR/fstab" -- /bin/sh -c '
		cp /bin/attack /mnt/share/suid && chmod 4755 /mnt/share/suid
		cp /bin/attack /mnt/share/fcap && attack setcap /mnt/share/fcap
		chmod 4755 /mnt/share/hostroot 2>&1; chown 0:0 /mnt/share/hostroot 2>&1
		touch -d @0 /mnt/share/hostroot 2>&1; attack setcap /mnt/share/hostroot; true'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[ "$(stat -c '%a %u %g %Y %Z' "$share/hostroot")" = "$before" ]
	run as_nobody "$share/suid" ids
	in_range "$(euid_of "$output")"
	[ "$(caps_of "$output")" = "0000000000000000 0000000000000000" ]
	run as_nobody "$share/fcap" ids
	[ "$(euid_of "$output")" = 65534 ]
	[ "$(caps_of "$output")" = "0000000000000000 0000000000000000" ]
	run as_nobody "$share/hostroot" ids
	[ "$(caps_of "$output")" = "0000000000000000 0000000000000000" ]
}

@test "planting: host files handed in as fds (jexec > FILE, < FILE, 2> FILE) cannot be chmod'ed, chown'ed or re-timed" {
	"$JAIL" -q -c name=atk-fd path="$ROOT" persist
	local out="$BATS_TEST_TMPDIR/out" in="$BATS_TEST_TMPDIR/in" err="$BATS_TEST_TMPDIR/err"
	: > "$out"; echo input > "$in"; : > "$err"
	chmod 644 "$out" "$in"; chown 1000:1000 "$err"; chmod 600 "$err"
	touch -d '2020-01-01' "$in"
	local bo bi be
	bo=$(stat -c '%a %u %g' "$out"); bi=$(stat -c '%a %u %g %Y' "$in"); be=$(stat -c '%a %u %g' "$err")
	"$JEXEC" atk-fd /bin/sh -c '
		for fd in 0 1 2; do
			chmod 4755 /proc/self/fd/$fd; chown 0:0 /proc/self/fd/$fd; touch -d @0 /proc/self/fd/$fd
			attack setcap /proc/self/fd/$fd >&2
		done
		cat /bin/attack' > "$out" < "$in" 2> "$err" || true
	[ "$(stat -c '%a %u %g' "$out")" = "$bo" ]
	[ "$(stat -c '%a %u %g %Y' "$in")" = "$bi" ]
	[ "$(stat -c '%a %u %g' "$err")" = "$be" ]
	# the ELF it wrote is not executable and not setuid for anyone
	[ ! -x "$out" ]
	[ "$(stat -c %Y "$out")" -gt 0 ]
	grep -q "Operation not permitted" "$err"
}

@test "planting: the exec.consolelog file cannot be chmod'ed, chown'ed or given capabilities" {
	local log="$BATS_TEST_TMPDIR/console.log"
	run "$JAIL" -q -c name=atk-log path="$ROOT" persist exec.consolelog="$log" \
		exec.start="/bin/sh -c 'chmod 4755 /proc/self/fd/1; chown 0:0 /proc/self/fd/1; touch -d @0 /proc/self/fd/1; attack setcap /proc/self/fd/1; cat /bin/attack'"
	[ "$status" -eq 0 ]
	[ "$(stat -c '%a %u %g' "$log")" = "600 0 0" ]
	[ "$(stat -c %Y "$log")" -gt 0 ]
	run as_nobody "$log" ids
	[ "$status" -ne 0 ]
}

# --- CVE-2019-5736 ----------------------------------------------------------

@test "CVE-2019-5736: a '#!/proc/self/exe' program and a hostile ld.so never reach jexec's or jail's binary" {
	# jailed root replaces /usr/bin/X and its dynamic loader (tests/helpers/fakeld.c)
	cp "$FAKELD" "$BATS_TEST_TMPDIR/fakeld"
	chmod 755 "$BATS_TEST_TMPDIR/fakeld"
	mkdir -p "$ROOT/mnt"
	"$JAIL" -q -c name=atk-5736 path="$ROOT" persist mount="$BATS_TEST_TMPDIR $ROOT/mnt nullfs ro 0 0"
	"$JEXEC" atk-5736 /bin/sh -c '
		mkdir -p /lib64 /lib/x86_64-linux-gnu /usr/bin
		cp /mnt/fakeld /lib64/ld-linux-x86-64.so.2
		cp /mnt/fakeld /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
		printf "#!/proc/self/exe\n" > /usr/bin/X && chmod 755 /usr/bin/X'
	# control: the payload does run as the loader of a dynamic program of the jail's
	cp /bin/true "$ROOT/bin/dyn"
	"$JEXEC" atk-5736 /bin/dyn || true
	rm -f "$ROOT/bin/dyn"
	sleep 0.3
	grep -q '^ran exe=/bin/dyn$' "$ROOT/tmp/fakeld.log"
	rm -f "$ROOT/tmp/fakeld.log"
	# a background process watches every new process of the jail for a host binary
	"$JEXEC" atk-5736 /bin/sh -c 'sleep 2 & attack exescan 2000 /tmp/exes >/dev/null 2>&1 &'
	# the administrator runs it, every way a program enters the jail
	for i in 1 2 3; do
		"$JEXEC" atk-5736 /usr/bin/X || true
		"$JEXEC" -l atk-5736 /usr/bin/X || true
		"$JEXEC" atk-5736 /bin/true
	done
	"$JAIL" -q -c name=atk-5736b path="$ROOT" command=/usr/bin/X || true
	"$JAIL" -q -c name=atk-5736c path="$ROOT" exec.start=/usr/bin/X exec.stop=/usr/bin/X || true
	"$JAIL" -q -r atk-5736c 2>/dev/null || true
	sleep 2.2
	# the copies are unchanged (teardown_file checks again after everything else)
	(cd "$BIN" && sha256sum -c --quiet "$BATS_FILE_TMPDIR/bin.sha256")
	# the payload never ran with a host binary as /proc/self/exe, nor got one writable
	if [ -e "$ROOT/tmp/fakeld.log" ]; then
		cat "$ROOT/tmp/fakeld.log"
		refute grep -q WRITABLE "$ROOT/tmp/fakeld.log"
		refute grep -q -e "$BIN" -e "$BUILD" -e 'exe=/usr/' -e 'exe=/bin/' "$ROOT/tmp/fakeld.log"
	fi
	# no process of the jail ever showed a host binary as its exe (only the jail's own;
	# the stub, memfd:jinit, is not even readable)
	cat "$ROOT/tmp/exes"
	grep -qx '/bin/busybox' "$ROOT/tmp/exes"
	refute grep -v -e '^/memfd:jinit (deleted)$' -e '^/bin/busybox$' -e '^/bin/attack$' "$ROOT/tmp/exes"
}

# --- device nodes -------------------------------------------------------------

@test "devices: chmod, chown and utimes on the jail's nodes and proc masks fail; the host's nodes are unchanged" {
	local n before=() after=()
	for n in null zero full random urandom tty; do before+=("$(stat -c '%n %a %u %g %t %T %Z' /dev/$n)"); done
	run jrun -- /bin/sh -c '
		for n in null zero full random urandom tty; do
			chmod 0 /dev/$n 2>&1; chown 1000:1000 /dev/$n 2>&1; touch -d @0 /dev/$n 2>&1
		done
		for m in /proc/kmsg /proc/keys /proc/timer_list /proc/sysrq-trigger; do
			[ -e $m ] || continue; chmod 0 $m 2>&1; chown 1000 $m 2>&1; touch -d @0 $m 2>&1
		done
		stat -c "%a %u" /dev/null; echo x > /dev/null && echo write-ok'
	for n in null zero full random urandom tty; do after+=("$(stat -c '%n %a %u %g %t %T %Z' /dev/$n)"); done
	[ "${before[*]}" = "${after[*]}" ]
	[ "${lines[-1]}" = "write-ok" ]
	[ "${lines[-2]}" = "666 0" ]
	[[ "$output" != *"changed"* ]]
	# every change was refused: 6 nodes x 3 + the masks
	[ "$(grep -c -e 'Read-only file system' -e 'Operation not permitted' <<<"$output")" -ge 18 ]
	# and the jail's /dev/null is not the host's inode
	run jrun -- /bin/stat -c '%d:%i' /dev/null
	[ "$output" != "$(stat -c '%d:%i' /dev/null)" ]
}

@test "devices: inotify on the jail's /dev/null sees nothing of a host process writing the host's /dev/null" {
	# the host writes its /dev/null all the while the jail watches its own
	(for i in $(seq 400); do echo x > /dev/null; sleep 0.003; done) &
	local writer=$!
	run jrun -- /bin/attack inotify /dev/null 1000
	wait $writer
	[ "$status" -eq 0 ]
	[ "$output" = "0" ]
	# the control: the jail's own writes are seen, so the watch works
	run jrun -- /bin/sh -c 'attack inotify /dev/null 800 & sleep 0.3; for i in 1 2 3; do echo x > /dev/null; done; wait'
	[ "$output" -ge 3 ]
}

# --- proc and sysfs -----------------------------------------------------------

# What a jail must not do with the proc at $1 (inside the jail): one line each, all refused.
proc_attacks='
	p=$1
	echo "kmsg $(stat -c %t:%T $p/kmsg)"
	echo "kallsyms $(stat -c %t:%T $p/kallsyms)"
	echo "slabinfo $(wc -c < $p/slabinfo)"
	echo "sys-mount $(grep " $p/sys " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1)"
	echo "swappiness $(attack writesame $p/sys/vm/swappiness)"
	echo "core_pattern $(attack openw $p/sys/kernel/core_pattern)"
	echo "sysrq-write $(attack openw $p/sysrq-trigger)"
	echo "umount-mask $(attack umount $p/kmsg)"
	echo "detach-mask $(attack umount-detach $p/kmsg)"
	echo "remount-sys $(attack remount-rw $p/sys)"
	echo "setattr-sys $(attack setattr-rw $p/sys)"
'

# Each line of proc_attacks' output as the test wants it.
assert_proc_locked() {
	local out=$1
	grep -qx "kmsg 1:3" <<<"$out"
	grep -qx "kallsyms 1:3" <<<"$out"
	grep -qx 'slabinfo 0' <<<"$out"
	grep -qx 'sys-mount ro' <<<"$out"
	for k in swappiness core_pattern sysrq-write umount-mask detach-mask remount-sys setattr-sys; do
		local v
		v=$(sed -n "s/^$k //p" <<<"$out")
		[ -n "$v" ] && [ "$v" != ok ] || { echo "$k: '$v'"; return 1; }
	done
}

@test "proc: the default proc and every mount line of type proc, procfs, linprocfs (mount and mount.fstab) carry locked masks and a read-only /proc/sys" {
	local core swap
	core=$(cat /proc/sys/kernel/core_pattern)
	swap=$(cat /proc/sys/vm/swappiness)
	mkdir -p "$ROOT/mnt/p1" "$ROOT/mnt/p2" "$ROOT/mnt/p3" "$ROOT/mnt/p4"
	printf 'proc %s procfs rw 0 0\n' "$ROOT/mnt/p4" > "$BATS_TEST_TMPDIR/fstab"
	run jrun -- /bin/sh -c "$proc_attacks" sh /proc
	assert_proc_locked "$output"
	for t in proc:p1 procfs:p2 linprocfs:p3; do
		run jrun mount="proc $ROOT/mnt/${t#*:} ${t%%:*} rw 0 0" -- /bin/sh -c "$proc_attacks" sh "/mnt/${t#*:}"
		[ "$status" -eq 0 ]
		assert_proc_locked "$output" || { echo "type ${t%%:*}: $output"; false; }
	done
	run jrun mount.fstab="$BATS_TEST_TMPDIR/fstab" -- /bin/sh -c "$proc_attacks" sh /mnt/p4
	assert_proc_locked "$output"
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$core" ]
	[ "$(cat /proc/sys/vm/swappiness)" = "$swap" ]
}

@test "proc: with allow.mount and allow.mount.tmpfs/nullfs (procfs/linprocfs cannot be granted), no fresh proc or sysfs, no unlocked /proc/sys, no bind without masks" {
	mkdir -p "$ROOT/mnt/p"
	local a k v
	for a in allow.mount.tmpfs allow.mount.nullfs; do
		run jrun allow.mount $a -- /bin/sh -c '
			echo "proc $(attack mount proc /mnt/p)"
			echo "sysfs $(attack mount sysfs /mnt/p)"
			echo "fsproc $(attack fsnew proc)"
			echo "fssysfs $(attack fsnew sysfs)"
			echo "remount-sys $(attack remount-rw /proc/sys)"
			echo "setattr-sys $(attack setattr-rw /proc/sys)"
			echo "remount-slash-sys $(attack remount-rw /sys)"
			echo "umount-mask $(attack umount /proc/kmsg)"
			echo "detach-mask $(attack umount-detach /proc/kmsg)"
			echo "umount-firmware $(attack umount /sys/firmware)"
			echo "bind $(mount --bind /proc /mnt/p 2>&1 && stat -c %t:%T /mnt/p/kmsg)"
			echo "bind-sys $(mount --bind /sys /mnt/p 2>&1 && ls /mnt/p/firmware | wc -l)"
			echo "rbind $(mount --rbind /proc /mnt/p 2>&1 && stat -c %t:%T /mnt/p/kmsg)"
			echo "sysctl $(attack writesame /proc/sys/vm/swappiness)"'
		[ "$status" -eq 0 ]
		for k in proc sysfs fsproc fssysfs remount-sys setattr-sys remount-slash-sys umount-mask detach-mask umount-firmware sysctl; do
			v=$(sed -n "s/^$k //p" <<<"$output")
			[ -n "$v" ] && [ "$v" != ok ] || { echo "$a: $k: '$v'"; false; }
		done
		# a bind of /proc or /sys without their masks is refused; with them (rbind) the masks stay
		[[ "$(sed -n 's/^bind //p' <<<"$output")" =~ [a-z] ]]
		[[ "$(sed -n 's/^bind-sys //p' <<<"$output")" =~ [a-z] ]]
		v=$(sed -n 's/^rbind //p' <<<"$output")
		[ "$v" = "1:3" ] || [[ "$v" =~ [a-z] ]]
	done
}

@test "proc: with children.max > 0, nested namespaces neither unlock the jail's masks nor write a host sysctl or read root-only data" {
	mkdir -p "$ROOT/mnt/p"
	run jrun children.max=50 allow.mount allow.mount.tmpfs -- /bin/sh -c '
		echo "nested-remount $(unshare -Urm sh -c "attack remount-rw /proc/sys" 2>&1)"
		echo "nested-umount $(unshare -Urm sh -c "attack umount /proc/kmsg" 2>&1)"
		echo "nested-bind $(unshare -Urm sh -c "mount --bind /proc /mnt/p && stat -c %t:%T /mnt/p/kmsg" 2>&1)"
		echo "nested-bind-sys $(unshare -Urm sh -c "mount --bind /sys /mnt/p && ls /mnt/p/firmware | wc -l" 2>&1)"
		echo "nested-sysfs $(unshare -Urmn sh -c "attack mount sysfs /mnt/p" 2>&1)"
		echo "nested-sysctl $(unshare -Urm sh -c "attack writesame /proc/sys/vm/swappiness" 2>&1)"
		# a fresh proc of a nested PID namespace (child jails need one): nothing of root s, nothing written
		unshare -Urmpf sh -c "
			mount -t proc proc /mnt/p 2>/dev/null || mount --rbind /proc /mnt/p
			echo \"fresh-core \$(attack openw /mnt/p/sys/kernel/core_pattern)\"
			echo \"fresh-swappiness \$(attack writesame /mnt/p/sys/vm/swappiness)\"
			echo \"fresh-sysrq \$(attack openw /mnt/p/sysrq-trigger)\"
			for f in slabinfo pagetypeinfo vmallocinfo kpageflags kpagecount kmsg; do
				[ -e /mnt/p/\$f ] && echo \"fresh-\$f \$(head -c1 /mnt/p/\$f 2>/dev/null | wc -c)\"
			done
			for f in timer_list interrupts keys key-users kallsyms sched_debug; do
				[ -e /mnt/p/\$f ] && [ \$(head -c1 /mnt/p/\$f 2>/dev/null | wc -c) = 1 ] && echo \"readable /proc/\$f\"
			done; true"'
	[ "$status" -eq 0 ]
	local k v
	for k in nested-remount nested-umount nested-sysfs nested-sysctl fresh-core fresh-swappiness fresh-sysrq; do
		v=$(sed -n "s/^$k //p" <<<"$output")
		[ -n "$v" ] && [ "$v" != ok ] || { echo "$k: '$v'"; false; }
	done
	[[ "$(sed -n 's/^nested-bind //p' <<<"$output")" =~ [a-z] ]]
	[[ "$(sed -n 's/^nested-bind-sys //p' <<<"$output")" =~ [a-z] ]]
	# root-only files: nothing read
	refute grep -E '^fresh-(slabinfo|pagetypeinfo|vmallocinfo|kpageflags|kpagecount|kmsg) [^0]' <<<"$output"
	# for the lead's policy: what the masks hide that any host user may read (/run/jail/.proc)
	echo "# children.max > 0, masked elsewhere but readable: $(grep '^readable' <<<"$output" | cut -d' ' -f2 | tr '\n' ' ')" >&3
}

@test "sys: the jail's sysfs is read-only and masked; with ip4=inherit (host stack) it cannot be unlocked" {
	run jrun -- /bin/sh -c '
		echo "firmware $(ls -A /sys/firmware | wc -l)"
		echo "vmcoreinfo $(wc -c < /sys/kernel/vmcoreinfo)"
		echo "thp $(attack openw /sys/kernel/mm/transparent_hugepage/enabled)"
		echo "uevent $(attack openw /sys/kernel/uevent_helper)"
		echo "cgroup $(ls -A /sys/fs/cgroup | wc -l)"'
	grep -qx 'firmware 0' <<<"$output"
	grep -qx 'vmcoreinfo 0' <<<"$output"
	grep -qx 'cgroup 0' <<<"$output"
	[[ "$(sed -n 's/^thp //p' <<<"$output")" != ok ]]
	[[ "$(sed -n 's/^uevent //p' <<<"$output")" != ok ]]
	# the "host" is a throw-away network namespace
	run unshare -n sh -c "ip link set lo up; $JAIL -c name=atk-ns path=$ROOT ip4=inherit allow.mount allow.mount.tmpfs command=/bin/sh -c '
		echo \"sysfs \$(attack mount sysfs /mnt)\"
		echo \"remount \$(attack remount-rw /sys)\"
		echo \"setattr \$(attack setattr-rw /sys)\"
		echo \"thp \$(attack openw /sys/kernel/mm/transparent_hugepage/enabled)\"
		echo \"cg \$(attack mount cgroup2 /mnt; attack openw /mnt/cgroup.procs; attack openw /mnt/cgroup.max.descendants)\"'"
	local k v
	for k in sysfs remount setattr thp; do
		v=$(sed -n "s/^$k //p" <<<"$output")
		[ -n "$v" ] && [ "$v" != ok ] || { echo "$k: '$v'"; false; }
	done
}

@test "allow.mount.<fs>: nullfs admits binds only, tmpfs new memory file systems only, procfs cannot be granted" {
	# Seccomp cannot read a type's name, but tells a bind from a new file system
	# by its flags: each is its own gate (jail.8, PRIVILEGES). A new file system
	# in a user namespace is one of the kinds the kernel allows there.
	mkdir -p "$ROOT/mnt/m" "$ROOT/mnt/src"
	local t got bad=""
	run jrun allow.mount allow.mount.nullfs -- /bin/sh -c '
		mount --bind /mnt/src /mnt/m && echo "bind ok" || echo "bind refused"; umount /mnt/m 2>/dev/null
		for t in tmpfs ramfs cgroup cgroup2 devpts mqueue overlay proc sysfs; do
			echo "$t $(attack mount $t /mnt/m)"; umount /mnt/m 2>/dev/null
		done'
	[[ "$output" == *"bind ok"* ]] || bad+="nullfs: no bind; "
	for t in tmpfs ramfs cgroup cgroup2 devpts mqueue overlay proc sysfs; do
		got=$(sed -n "s/^$t //p" <<<"$output")
		[ "$got" != ok ] || bad+="nullfs admits $t; "
	done
	run jrun allow.mount allow.mount.tmpfs -- /bin/sh -c '
		mount --bind /mnt/src /mnt/m 2>/dev/null && echo "bind ok" || echo "bind refused"; umount /mnt/m 2>/dev/null
		for t in tmpfs cgroup proc sysfs; do
			echo "$t $(attack mount $t /mnt/m)"; umount /mnt/m 2>/dev/null
		done'
	[[ "$output" == *"bind refused"* ]] || bad+="tmpfs admits a bind; "
	[ "$(sed -n 's/^tmpfs //p' <<<"$output")" = ok ] || bad+="tmpfs: no tmpfs; "
	for t in cgroup proc sysfs; do
		[ "$(sed -n "s/^$t //p" <<<"$output")" != ok ] || bad+="tmpfs admits $t; "
	done
	for a in procfs linprocfs; do
		run "$JAIL" -c path="$ROOT" allow.mount allow.mount.$a command=/bin/true
		[ "$status" -eq 1 ] && [[ "$output" == *"allow.mount.$a: cannot be granted on Linux"* ]] ||
			bad+="allow.mount.$a granted; "
	done
	[ -z "$bad" ] || { echo "$bad"; false; }
}

@test "allow.mount: a v1 cgroup hierarchy mounted in the jail gets no child cgroup, and jail -r leaves nothing" {
	mkdir -p "$ROOT/mnt/cg"
	"$JAIL" -q -c name=atk-cg path="$ROOT" persist allow.mount allow.mount.tmpfs
	run "$JEXEC" atk-cg /bin/sh -c 'mount -t cgroup -o pids none /mnt/cg 2>&1 && { mkdir /mnt/cg/child 2>&1; echo $$ > /mnt/cg/cgroup.procs 2>&1; }
		mount -t cgroup2 none /mnt/cg 2>&1 && { mkdir /mnt/cg/child2 2>&1; echo 1 > /mnt/cg/cgroup.max.descendants 2>&1; }; true'
	[[ "$output" != *"child"*"File exists"* ]]
	# no new v1 hierarchy, no release_agent anywhere (the classic cgroup v1 escape)
	run "$JEXEC" atk-cg /bin/sh -c 'echo "named $(attack mount cgroup /mnt/cg; mount -t cgroup -o none,name=atk none /mnt/cg 2>&1 || echo refused)"
		mount -t cgroup -o pids none /mnt/cg 2>/dev/null; ls /mnt/cg/release_agent 2>&1; true'
	[[ "$output" == *refused* ]]
	[[ "$output" != *"/mnt/cg/release_agent"$'\n'* && "$output" == *"No such file"* ]]
	run "$JAIL" -r atk-cg
	[ "$status" -eq 0 ]
	find /sys/fs/cgroup -maxdepth 3 -path '*jail.atk-cg*' -name 'child*' | refute grep -q .
}

@test "cgroups: with children.max > 0 the jail sees its cgroups, but its own limits stay the host's to set" {
	# (cgroup.procs, cgroup.threads and cgroup.subtree_control are v2's delegation set: writable by design)
	run jrun children.max=2 -- /bin/sh -c '
		for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max cpu/cpu.cfs_quota_us \
			cpu/cpu.shares blkio/blkio.weight devices/devices.allow devices/devices.deny freezer/freezer.state \
			unified/cgroup.max.descendants unified/cgroup.max.depth; do
			[ -e /sys/fs/cgroup/$f ] && echo "$f $(attack openw /sys/fs/cgroup/$f)"
		done
		ls /sys/fs/cgroup/*/release_agent 2>/dev/null | sed "s/^/release_agent /"; true'
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	refute grep -E ' ok$|^release_agent' <<<"$output"
}

# --- the administrator's terminal ---------------------------------------------

# Runs the "administrator's session" $1 under script(1): it starts the jail's
# program through its terminal; after that returned, the administrator types
# a line that nothing on the host reads (it waits in the terminal for whoever does).
admin_session() {
	local D=$BATS_TEST_TMPDIR
	cat > "$D/admin.sh" <<ADMIN
#!/bin/sh
stty -g > $D/stty.before
$1
stty -g > $D/stty.after
sleep 0.9
ADMIN
	chmod 755 "$D/admin.sh"
	(sleep 0.6; printf 'secret-typed\n'; sleep 0.6) | script -qfec "$D/admin.sh" /dev/null >/dev/null
}

# What a hostile program leaves behind: echo off, readers of each fd and of
# /dev/tty (an asynchronous list's stdin is /dev/null, so through other fds).
stealer='stty -echo 2>/dev/null; exec 3<&0 4<&1 5<&2; (cat <&3 >/tmp/stolen0 2>/dev/null &); (cat <&4 >/tmp/stolen1 2>/dev/null &); (cat <&5 >/tmp/stolen2 2>/dev/null &); (cat </dev/tty >/tmp/stolentty 2>/dev/null &); touch /tmp/stealer-ran; sleep 0.1'

assert_not_stolen() {
	local D=$BATS_TEST_TMPDIR
	cmp "$D/stty.before" "$D/stty.after"
	[ -e "$ROOT/tmp/stealer-ran" ]
	refute grep -rq secret "$ROOT/tmp/"
	rm -f "$ROOT/tmp/stealer-ran"
}

@test "terminal: a background process left by jexec (tty on all fds, on stdin only, on stdout only, piped) reads nothing typed after jexec returns" {
	"$JAIL" -q -c name=atk-tty path="$ROOT" persist
	local v
	for v in "" "> $BATS_TEST_TMPDIR/out" "< /dev/null" "| cat"; do
		admin_session "$JEXEC atk-tty /bin/sh -c '$stealer' $v"
		assert_not_stolen || { echo "jexec ... $v"; false; }
	done
	# nor did any of them get the host's terminal: the jail's tty is its own pty
	run "$JEXEC" atk-tty /bin/sh -c 'ls /dev/pts | tr "\n" " "'
	[ "$output" = "ptmx " ] || [[ "$output" =~ ^(ptmx|[0-9 ]+)+\ $ ]]
}

@test "terminal: exec.start and exec.stop run with a tty of the administrator's get a pty of their own" {
	admin_session "$JAIL -q -c name=atk-tty2 path=$ROOT persist exec.start=\"/bin/sh -c '$stealer'\" exec.stop=\"/bin/sh -c 'touch /tmp/stop-ran; $stealer'\""
	assert_not_stolen
	admin_session "$JAIL -q -r atk-tty2"
	assert_not_stolen
	[ -e "$ROOT/tmp/stop-ran" ]
}

# --- shared quotas and IPC ----------------------------------------------------

# The host uid that owns the jail's user namespace: per-user counts made in
# the jail (inotify instances, message queue bytes, ...) are charged to it in
# the host's namespace as well.
userns_owner() {
	local pid
	pid=$(jq -r --arg n "$1" 'select(.name == $n) | .init_pid' "$JAIL_STATEDIR"/*.json)
	"$ATTACK" nsowner "/proc/$pid/ns/user"
}

@test "quotas: the jail's per-user counts (inotify instances, RLIMIT_MSGQUEUE) are not host root's" {
	"$JAIL" -q -c name=atk-quota path="$ROOT" persist
	# structural, and harmless: whose counters the jail's charges land on
	run userns_owner atk-quota
	[ "$status" -eq 0 ]
	[ "$output" != 0 ] || {
		echo "the jail's user namespace is owned by host root (the holder is cloned with CLONE_NEWUSER by jail(8) as root):"
		echo "inotify instances, mqueue bytes, processes... made in the jail are charged to host root's own counts"
		false
	}
	# only then (it cannot starve root any more): with host root holding 8
	# instances, the jail still gets the whole per-user limit
	local max
	max=$(cat /proc/sys/fs/inotify/max_user_instances)
	"$ATTACK" inotify-hold 8 1500 > "$BATS_TEST_TMPDIR/held" &
	sleep 0.2
	run "$JEXEC" atk-quota /bin/attack inotify-fill 0
	wait
	[ "$(cat "$BATS_TEST_TMPDIR/held")" = 8 ]
	[ "$output" -eq "$max" ]
	# message queues: while the jail holds all it may, host root still gets its whole RLIMIT_MSGQUEUE
	"$JEXEC" atk-quota /bin/attack mq-fill 1500 > "$BATS_TEST_TMPDIR/jailmq" &
	sleep 0.5
	run "$ATTACK" mq-fill 0
	wait
	[ "$(cat "$BATS_TEST_TMPDIR/jailmq")" -gt 0 ]
	[ "$output" -ge "$(cat "$BATS_TEST_TMPDIR/jailmq")" ]
}

@test "sysvshm=inherit: host root's 0600 shared memory can be neither read, changed nor removed" {
	local id p
	for p in "sysvshm=inherit sysvmsg=inherit sysvsem=inherit" allow.sysvipc; do
		id=$("$ATTACK" shm-make)
		# shellcheck disable=SC2086
		run jrun $p -- /bin/sh -c "attack shm read $id; attack shm set $id; attack shm rmid $id"
		local still
		still=$(ipcs -m | awk -v id="$id" '$2 == id {print $4}')
		ipcrm -m "$id"
		[ "$still" = 600 ]
		[ "${#lines[@]}" -eq 3 ]
		[ "${lines[0]}" = EACCES ]
		[ "${lines[1]}" != ok ]
		[ "${lines[2]}" = EPERM ]
	done
}

@test "ip4=inherit: a host abstract socket sees the jail as an unprivileged uid of its range, not root" {
	# the "host" is a throw-away network namespace
	run unshare -n sh -c "
		$ATTACK abstract listen atk-peer 4000 > $BATS_TEST_TMPDIR/peer &
		sleep 0.2
		$JAIL -c name=atk-abs path=$ROOT ip4=inherit command=/bin/attack abstract connect atk-peer
		wait"
	[ "$output" = ok ]
	local uid
	uid=$(cat "$BATS_TEST_TMPDIR/peer")
	[ "$uid" != 0 ]
	in_range "$uid"
}

# --- beyond the list: the jail's init and the programs entering the jail -----

@test "init: jailed root cannot take hold of PID 1 (no /proc/1/mem, no ptrace, pidfd, getfd, process_vm, kcmp, prlimit, also with pid 1 + 2^32)" {
	run jrun -- /bin/sh -c 'for w in mem ptrace pidfd getfd vmread kcmp prlimit; do echo "$w $(attack pid1 $w) $(attack pid1-high $w)"; done'
	[ "$status" -eq 0 ]
	local bad
	bad=$(grep -w ok <<<"$output" || true)
	[ -z "$bad" ] || { echo "reached PID 1: $bad"; false; }
	# the same with allow.unprivileged_proc_debug off (jailed root without CAP_SYS_PTRACE)
	run jrun allow.unprivileged_proc_debug=0 -- /bin/sh -c 'for w in mem ptrace pidfd getfd vmread kcmp prlimit; do echo "$w $(attack pid1 $w) $(attack pid1-high $w)"; done'
	bad=$(grep -w ok <<<"$output" || true)
	[ -z "$bad" ] || { echo "reached PID 1: $bad"; false; }
}

@test "init: a signal forged to look as if it came from the host (si_pid 0) does not end a persistent jail" {
	"$JAIL" -q -c name=atk-sig path="$ROOT" persist
	"$JEXEC" atk-sig /bin/attack sigspoof 15 || true
	"$JEXEC" atk-sig /bin/attack sigspoof 12 || true
	sleep 0.3
	run "$JEXEC" atk-sig /bin/echo alive
	[ "$output" = alive ]
}

@test "jexec: the exec stub's socket to the host cannot be stolen (stopped, stepped, pidfd_getfd) to print forged errors" {
	"$JAIL" -q -c name=atk-stub path="$ROOT" persist
	"$JEXEC" atk-stub /bin/sh -c 'attack stubgrab 3000 > /tmp/grabbed 2>/dev/null &'
	sleep 0.2
	local i out=""
	for i in $(seq 25); do
		out+=$("$JEXEC" atk-stub /bin/echo hi 2>&1 || true)
	done
	sleep 3
	echo "sockets taken: $(cat "$ROOT/tmp/grabbed"); jexec printed: $(cat -v <<<"$out" | grep forged | head -2)"
	[[ "$out" != *forged* ]]
	[ "$(cat "$ROOT/tmp/grabbed")" = 0 ]
}

# --- thin jails ---------------------------------------------------------------

# Owners, modes, times, xattrs and contents of everything in a tree.
tree_state() {
	(cd "$1" && find . -printf '%p %m %u %g %T@ %l\n' | sort && find . -type f -exec sha256sum {} + | sort &&
		"$ATTACK" xattrs . | sort) | sha256sum
}

@test "thin: a thin jail cannot write, chmod, chown, re-time or give capabilities to its shared base; its copies are its range's" {
	local T=$BATS_FILE_TMPDIR/thin
	[ -d "$T/base" ] || "$BUILD/mkjail" busybox "$T/base" >/dev/null
	rm -rf "$T/t1"
	"$BUILD/mkjail" thin "$T/t1" --base "$T/base" >/dev/null
	cp "$ATTACK" "$T/t1/upper/bin/attack" 2>/dev/null || { mkdir -p "$T/t1/upper/bin" && cp "$ATTACK" "$T/t1/upper/bin/attack"; }
	chown "$(stat -c %u:%g "$T/t1/upper")" "$T/t1/upper/bin" "$T/t1/upper/bin/attack"
	local before
	before=$(tree_state "$T/base")
	run "$JAIL" -c name=atk-thin thin="$T/t1" command=/bin/sh -c '
		chmod 4755 /bin/busybox; chown 1000:1000 /etc/passwd; touch -d @0 /etc/group
		attack setcap /bin/busybox; echo pwned >> /etc/passwd; rm -f /bin/ls
		ln /etc/group /tmp/hard 2>/dev/null; stat -c "%a %u" /bin/busybox /etc/passwd'
	[ "$status" -eq 0 ]
	# the jail did change its view
	[ "${lines[-2]}" = "4755 0" ]
	[ "${lines[-1]}" = "644 1000" ]
	[ "$(tree_state "$T/base")" = "$before" ]
	# what it changed lives in its own layer, owned by its range: setuid for the range only
	local up=$T/t1/upper base
	base=$(stat -c %u "$up")
	[ "$base" != 0 ]
	run find "$up" -perm -4000 -printf '%u\n'
	for u in $output; do [ "$u" -ge "$base" ] && [ "$u" -lt $((base + 65536)) ]; done
	# a second thin jail over the same base sees none of it
	rm -rf "$T/t2"
	"$BUILD/mkjail" thin "$T/t2" --base "$T/base" >/dev/null
	run "$JAIL" -c name=atk-thin2 thin="$T/t2" command=/bin/sh -c 'grep -c pwned /etc/passwd; stat -c %a /bin/busybox; ls /bin/ls'
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 755 ]
	[ "${lines[2]}" = /bin/ls ]
	rm -rf "$T/t1" "$T/t2"
}

# --- user.range=identity --------------------------------------------------------

@test "user.range=identity: the dangerous allow.* are refused; masks, devices and PID 1 hold even so" {
	local p
	for p in "allow.mount allow.mount.tmpfs" "allow.mount allow.mount.procfs" "allow.mount allow.mount.nullfs" \
		"sysvshm=inherit sysvmsg=inherit sysvsem=inherit" allow.sysvipc; do
		# shellcheck disable=SC2086
		run jrun user.range=identity $p -- /bin/true
		[ "$status" -ne 0 ] || { echo "identity with $p was accepted"; false; }
	done
	mkdir -p "$ROOT/mnt/p"
	run jrun user.range=identity mount="proc $ROOT/mnt/p linprocfs rw 0 0" -- /bin/sh -c "$proc_attacks" sh /mnt/p
	assert_proc_locked "$output"
	run jrun user.range=identity -- /bin/sh -c "$proc_attacks" sh /proc
	assert_proc_locked "$output"
	local before
	before=$(stat -c '%a %u %g %Z' /dev/null)
	run jrun user.range=identity -- /bin/sh -c 'chmod 0 /dev/null 2>&1; chown 1000 /dev/null 2>&1; touch -d @0 /dev/null 2>&1; true'
	[ "$(stat -c '%a %u %g %Z' /dev/null)" = "$before" ]
	# PID 1: identity's jailed root may read the init's memfd (uid 0 is mapped),
	# so only without CAP_SYS_PTRACE is the init out of its reach
	run jrun user.range=identity allow.unprivileged_proc_debug=0 -- /bin/sh -c 'for w in mem ptrace pidfd getfd vmread kcmp prlimit; do echo "$w $(attack pid1 $w) $(attack pid1-high $w)"; done'
	echo "identity, PID 1: $output"
	refute grep -qw ok <<<"$output"
}

# --- mount sources, hostile roots, registry trust (wt-secb) -------------------

@test "mount sources: jail A's /export turned into a symlink to / gives jail B nothing of the host's" {
	mkdir -p "$ROOT/export" "$ROOT/mnt/b"
	chown "$BASE:$BASE" "$ROOT/export"
	echo host-only > "$BATS_FILE_TMPDIR/host-marker"
	run jrun -- /bin/sh -c 'rm -rf /export && ln -s / /export && readlink /export'
	[ "$output" = / ]
	run jrun mount="$ROOT/export $ROOT/mnt/b nullfs ro 0 0" -- /bin/sh -c "cat /mnt/b$BATS_FILE_TMPDIR/host-marker; ls /mnt/b/proc/1 >/dev/null && echo HOST-ROOT"
	[ "$status" -ne 0 ]
	[[ "$output" != *host-only* && "$output" != *HOST-ROOT* ]]
	refute grep -q " $ROOT/mnt/b " /proc/self/mountinfo
	rm -f "$ROOT/export"
}

@test "hostile root: /etc/passwd as a FIFO, /dev/zero, /dev/tty or huge fails jexec, jail -c exec.start and jail -r exec.stop at once" {
	cp -a "$ROOT/etc/passwd" "$BATS_TEST_TMPDIR/passwd"
	local how
	for how in 'mkfifo /etc/passwd' 'ln -s /dev/zero /etc/passwd' 'ln -s /dev/tty /etc/passwd' 'truncate -s 1G /etc/passwd'; do
		"$JAIL" -q -c name=atk-hostile path="$ROOT" persist exec.stop=/bin/true
		"$JEXEC" atk-hostile /bin/sh -c "rm /etc/passwd && $how"
		SECONDS=0
		run timeout 10 "$JEXEC" atk-hostile /bin/true
		[ "$status" -ne 124 ] && [ "$status" -ne 0 ]
		run timeout 10 "$JEXEC" -U user atk-hostile /bin/true
		[ "$status" -ne 124 ]
		run timeout 10 "$JAIL" -r atk-hostile
		[ "$status" -ne 124 ]
		timeout 10 "$JAIL" -q -R atk-hostile 2>/dev/null || true
		run timeout 10 "$JAIL" -c name=atk-hostile2 path="$ROOT" exec.start=/bin/true
		[ "$status" -ne 124 ]
		[ "$SECONDS" -lt 9 ]
		rm -f "$ROOT/etc/passwd"
		cp -a "$BATS_TEST_TMPDIR/passwd" "$ROOT/etc/passwd"
	done
}

@test "registry: a state directory of another user, or a forged state, never makes jail -r signal a host process" {
	local sd="$BATS_TEST_TMPDIR/otherstate"
	mkdir -p "$sd"
	chown 1000:1000 "$sd"
	run env JAIL_STATEDIR="$sd" "$JAIL" -c name=atk-reg path="$ROOT" command=/bin/true
	[ "$status" -ne 0 ]
	# a forged state file naming a host process as the jail's init
	sleep 30 &
	local victim=$!
	chown 0:0 "$sd"
	chmod 700 "$sd"
	printf '{"jid":7,"name":"atk-forged","init_pid":%d,"init_start":%s,"params":{}}\n' "$victim" \
		"$(awk '{print $22}' /proc/$victim/stat)" > "$sd/7.json"
	ln -s 7.json "$sd/n.atk-forged"
	chown -h 1000:1000 "$sd/7.json"
	JAIL_STATEDIR="$sd" "$JAIL" -r atk-forged 2>/dev/null || true
	kill -0 "$victim"
	kill "$victim"
}

@test "jls -p shows a jailed process's command line with its control characters escaped" {
	"$JAIL" -q -c name=atk-jls path="$ROOT" persist
	"$JEXEC" atk-jls /bin/sh -c '/bin/sh -c "sleep 30; true" "$(printf "\033]0;PWNED\007\033[2J")" >/dev/null 2>&1 &'
	run "$JLS" -p -j atk-jls
	[[ "$output" == *sleep* ]]
	[[ "$output" != *$'\033'* && "$output" != *$'\007'* ]]
}

# --- small: host data only root may read; what is left of the surface -----------

@test "small: root-only host data is masked (slabinfo, pagetypeinfo, vmcoreinfo, firmware, kallsyms, interrupts, ...)" {
	run jrun -- /bin/sh -c '
		for f in /proc/slabinfo /proc/pagetypeinfo /proc/vmallocinfo /proc/kallsyms /proc/interrupts /proc/kpageflags \
			/proc/kpagecount /proc/keys /proc/key-users /proc/timer_list /proc/config.gz /proc/kmsg /sys/kernel/vmcoreinfo; do
			[ -e $f ] && echo "$f $(wc -c < $f 2>/dev/null || echo 0)"
		done
		echo "/sys/firmware $(ls -A /sys/firmware | wc -l)"
		echo "/proc/acpi $(ls -A /proc/acpi 2>/dev/null | wc -l)"'
	[ "$status" -eq 0 ]
	local bad
	bad=$(awk '$2 != 0' <<<"$output")
	[ -z "$bad" ] || { echo "readable: $bad"; false; }
}

@test "beyond the list: chroot escapes, the host's /dev/pts, mknod, keyctl, bpf, io_uring, open_by_handle_at, TIOCSTI, setns/unshare" {
	echo marker > "$BATS_FILE_TMPDIR/host-marker"
	run jrun -- /bin/sh -c "
		echo \"chroot \$(attack chroot-escape $BATS_FILE_TMPDIR/host-marker)\"
		echo \"pts \$(ls /dev/pts | tr '\n' ' ')\"
		for v in mknod-char keyctl bpf io_uring open_by_handle_at tiocsti unshare setns; do echo \"\$v \$(probe \$v)\"; done
		echo \"userns \$(attack unshare-user)\"
		echo \"maxuserns \$(cat /proc/sys/user/max_user_namespaces)\"
		echo \"nft \$(attack nested-nft)\""
	[ "$status" -eq 0 ]
	grep -qx 'chroot same-root host-hidden' <<<"$output"
	grep -qx 'pts ptmx ' <<<"$output"
	grep -qx 'maxuserns 0' <<<"$output"
	local k v
	for k in mknod-char keyctl bpf io_uring open_by_handle_at tiocsti unshare setns userns nft; do
		v=$(sed -n "s/^$k //p" <<<"$output")
		[ -n "$v" ] && [ "$v" != ok ] || { echo "$k: '$v'"; false; }
	done
	# the host's own devpts is not the jail's
	run jrun -- /bin/stat -c %d /dev/pts
	[ "$output" != "$(stat -c %d /dev/pts)" ]
	# children.max > 0: nested user namespaces, as many as it says; report what a nested one reaches
	run jrun children.max=3 -- /bin/sh -c 'cat /proc/sys/user/max_user_namespaces; attack nested-nft; attack chroot-escape /nonexistent'
	[ "${lines[0]}" = 3 ]
	echo "# children.max=3: a nested user+net namespace gets nf_tables: ${lines[1]}" >&3
	[ "${lines[2]}" = "same-root host-hidden" ]
}
