#!/usr/bin/env bats
# Issue 10, part B: what a hostile jailed root can do to the host tools and
# to other jails through files it controls. Each test makes the attack from
# inside a real jail where the attack starts there, then checks the host.
# Roots are copies in temporary directories, never installed binaries.

load ../lib/common

# jail_tag and jail_cgroups (common.bash): only the cgroups of our own
# registry; other test runs on this machine make and remove jails meanwhile.

setup_file() {
	common_setup_file
	cp -a "$ROOT/etc/passwd" "$BATS_FILE_TMPDIR/passwd"
}

# mkdir -p, owned as the root is (by the jail's user range): the jailed root's own files.
jail_mkdir() {
	mkdir -p "$@"
	chown -R --reference="$ROOT" "$@"
}
teardown_file() { common_teardown_file; }
setup() {
	common_setup
	export ROOTB="$BATS_TEST_TMPDIR/rootb"
}
teardown() {
	# What a test made on the host outside any jail: a process, then a cgroup.
	if [ -f "$BATS_TEST_TMPDIR/undo" ]; then
		local pid dir
		read -r pid dir < "$BATS_TEST_TMPDIR/undo"
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		rmdir "$dir" 2>/dev/null || true
	fi
	"$JAIL" -q -R '*' 2>/dev/null || true
	rm -rf "$ROOT/export" "$ROOT/etc/passwd" "$ROOT/var/log"
	cp -a "$BATS_FILE_TMPDIR/passwd" "$ROOT/etc/passwd"
	assert_clean
}

@test "mount source: jail A turns /export into a symlink to /, jail B's mount of it is refused" {
	"$MKROOT" "$ROOTB"
	jail_mkdir "$ROOT/export" "$ROOTB/mnt"
	echo exported > "$ROOT/export/f"
	chown --reference="$ROOT" "$ROOT/export/f"
	# The control: while /export is a directory, B sees A's export.
	run "$JAIL" -c name=b path="$ROOTB" mount="$ROOT/export $ROOTB/mnt nullfs ro 0 0" \
		command=/bin/cat /mnt/f
	[ "$status" -eq 0 ]
	[ "$output" = exported ]
	# Jail A's root does it from inside its jail.
	run "$JAIL" -c name=a path="$ROOT" command=/bin/sh -c 'rm -rf /export && ln -s / /export && readlink /export'
	[ "$status" -eq 0 ]
	[ "$output" = / ]
	[ "$(readlink "$ROOT/export")" = / ]
	run "$JAIL" -c name=b path="$ROOTB" mount="$ROOT/export $ROOTB/mnt nullfs ro 0 0" \
		command=/bin/sh -c 'ls /mnt/etc/hostname /mnt/root; echo GOT-HOST-ROOT'
	[ "$status" -eq 1 ]
	[ "$output" = "jail: b: mount: $ROOT/export: a symbolic link on the way; give the real path" ]
	# A symlink higher up is refused the same: A's /export is a directory again, its parent a link.
	rm "$ROOT/export"
	jail_mkdir "$ROOT/real/export"
	run "$JAIL" -c name=a path="$ROOT" command=/bin/sh -c 'ln -s /real /viaroot'
	[ "$status" -eq 0 ]
	run "$JAIL" -c name=b path="$ROOTB" mount="$ROOT/viaroot/export $ROOTB/mnt nullfs ro 0 0" command=/bin/true
	[ "$status" -eq 1 ]
	[ "$output" = "jail: b: mount: $ROOT/viaroot/export: a symbolic link on the way; give the real path" ]
	rm -rf "$ROOT/real" "$ROOT/viaroot"
	# The host: nothing mounted on B's mount point, no jail, nothing of the host's / copied anywhere.
	run ! grep -q " $ROOTB/mnt " /proc/self/mountinfo
	[ -z "$(ls -A "$ROOTB/mnt")" ]
}

# hostile ATTACK: the shell line a jailed root runs to make /etc/passwd hostile.
hostile() {
	case $1 in
	fifo) echo 'mkfifo /etc/passwd' ;;
	zero) echo 'ln -s /dev/zero /etc/passwd' ;;
	tty) echo 'ln -s /dev/tty /etc/passwd' ;;
	big) echo 'truncate -s 1G /etc/passwd' ;;
	esac
}

@test "hostile /etc/passwd planted by jailed root: jexec and jail -r with exec.stop fail at once, with one line" {
	local attack why
	for attack in fifo zero tty big; do
		case $attack in
		fifo) why="not a regular file (a FIFO)" ;;
		zero | tty) why="not a regular file (a character device)" ;;
		big) why="larger than 16777216 bytes; refusing to read it" ;;
		esac
		"$JAIL" -q -c name=h path="$ROOT" persist exec.stop=/bin/true
		# The attack: jailed root replaces its passwd (the last thing this jexec reads it for).
		run "$BUILD/jexec" h /bin/sh -c "rm /etc/passwd && $(hostile $attack) && stat -c %F /etc/passwd"
		[ "$status" -eq 0 ]
		# The admin: each fails within the timeout (a hang is 124) with one line naming the file.
		SECONDS=0
		run timeout 10 "$BUILD/jexec" h /bin/echo not-reached
		[ "$status" -eq 1 ]
		[ "$output" = "jexec: $ROOT/etc/passwd: $why" ]
		run timeout 10 "$BUILD/jexec" -U user h /bin/echo not-reached
		[ "$status" -eq 1 ]
		[ "$output" = "jexec: $ROOT/etc/passwd: $why" ]
		# exec.stop cannot run: FreeBSD keeps a jail whose stop command fails; -R removes it.
		run timeout 10 "$JAIL" -r h
		[ "$status" -eq 1 ]
		[ "$output" = "jail: h: $ROOT/etc/passwd: $why" ]
		[ "$(ls "$JAIL_STATEDIR" | grep -c json)" -eq 1 ]
		run timeout 10 "$JAIL" -R h
		[ "$status" -eq 0 ]
		[ "$SECONDS" -lt 8 ]
		rm -f "$ROOT/etc/passwd"
		cp -a "$BATS_FILE_TMPDIR/passwd" "$ROOT/etc/passwd"
	done
}

@test "a root left hostile: jail -c with exec.start and mkjail check fail at once, with one line, nothing left" {
	local attack
	for attack in fifo zero tty big; do
		# A jail plants it and ends; the root keeps it.
		run "$JAIL" -c path="$ROOT" command=/bin/sh -c "rm /etc/passwd && $(hostile $attack)"
		[ "$status" -eq 0 ]
		SECONDS=0
		run timeout 10 "$JAIL" -q -c name=h path="$ROOT" persist exec.start=/bin/true
		[ "$status" -eq 1 ]
		case $attack in
		fifo) [ "$output" = "jail: h: $ROOT/etc/passwd: not a regular file (a FIFO)" ] ;;
		# Seen from the host the link leads to the root's own (empty) /dev; the jail's view,
		# where exec.start runs, has the device node there.
		zero | tty) [ "$output" = "jail: h: $ROOT/etc/passwd: not a regular file (a character device)" ] ;;
		big) [ "$output" = "jail: h: $ROOT/etc/passwd: larger than 16777216 bytes; refusing to read it" ] ;;
		esac
		run timeout 10 "$BUILD/mkjail" check "$ROOT"
		[ "$status" -eq 1 ]
		case $attack in
		fifo) [ "$output" = "$ROOT: /etc/passwd: not a regular file" ] ;;
		zero | tty) [ "$output" = "$ROOT: /etc/passwd: missing (users and jexec -U need it)" ] ;;
		big) [ "$output" = "$ROOT: /etc/passwd: larger than 16777216 bytes; refusing to read it" ] ;;
		esac
		[ "$SECONDS" -lt 8 ]
		[ -z "$(ls "$JAIL_STATEDIR" | grep json)" ]
		rm -f "$ROOT/etc/passwd"
		cp -a "$BATS_FILE_TMPDIR/passwd" "$ROOT/etc/passwd"
	done
	# A shell that is a FIFO stops neither mkjail check nor jail(8)'s own preflight.
	mv "$ROOT/bin/busybox" "$BATS_TEST_TMPDIR/busybox"
	mkfifo -m 755 "$ROOT/bin/busybox"
	run timeout 10 "$BUILD/mkjail" check "$ROOT"
	local check_status=$status check_output=$output
	run timeout 10 "$JAIL" -c path="$ROOT" command=/bin/sh -c true
	mv -f "$BATS_TEST_TMPDIR/busybox" "$ROOT/bin/busybox"
	[ "$check_status" -eq 1 ]
	[ "$check_output" = "$ROOT: /bin/sh: not a regular file (a FIFO)" ]
	[ "$status" -eq 1 ]
	[ "$output" = "jail: command '/bin/sh' in '$ROOT' is not an executable file" ]
}

@test "exec.consolelog in the jail's root: a symlinked directory or a FIFO planted there is refused" {
	jail_mkdir "$ROOT/var/log"
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	"$JAIL" -q -c name=h path="$ROOT" persist exec.consolelog="$ROOT/var/log/console" \
		exec.start="/bin/echo started" exec.stop='/bin/echo "* * * * * root /tmp/payload"'
	[ "$(cat "$ROOT/var/log/console")" = started ]
	# Jailed root points its /var/log at a host directory (/etc/cron.d, say).
	run "$BUILD/jexec" h /bin/sh -c "rm -rf /var/log && ln -s $BATS_TEST_TMPDIR/hostdir /var/log"
	[ "$status" -eq 0 ]
	run timeout 10 "$JAIL" -r h
	[ "$status" -eq 1 ]
	[ "$output" = "jail: h: exec.consolelog: $ROOT/var/log/console: a symbolic link on the way; give the real path" ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/hostdir")" ]
	# A FIFO with the jail reading it: not a regular file; without a reader open would block.
	run "$BUILD/jexec" h /bin/sh -c 'rm /var/log && mkdir /var/log && mkfifo /var/log/console'
	[ "$status" -eq 0 ]
	SECONDS=0
	run timeout 10 "$JAIL" -r h
	[ "$status" -eq 1 ]
	[ "$output" = "jail: h: exec.consolelog: $ROOT/var/log/console: No such device or address" ]
	"$BUILD/jexec" h /bin/sh -c 'sleep 30 < /var/log/console > /dev/null 2>&1 &'
	run timeout 10 "$JAIL" -r h
	[ "$status" -eq 1 ]
	[ "$output" = "jail: h: exec.consolelog: $ROOT/var/log/console: not a regular file" ]
	[ "$SECONDS" -lt 8 ]
	"$JAIL" -q -R h
}

@test "state directory made by another user, open to others, or under such a parent: refused" {
	local d=$BATS_TEST_TMPDIR
	mkdir -p "$d/other" "$d/open" "$d/parent/sub"
	chown 65534 "$d/other"
	chmod 0777 "$d/open"
	chown 65534 "$d/parent"
	chmod 0700 "$d/parent/sub"
	run env JAIL_STATEDIR="$d/other" "$JAIL" -c path="$ROOT" command=/bin/true
	[ "$status" -eq 1 ]
	[ "$output" = "jail: state directory $d/other: owned by uid 65534; refusing" ]
	run env JAIL_STATEDIR="$d/open" "$BUILD/jls"
	[ "$status" -eq 1 ]
	[ "$output" = "jls: state directory $d/open: writable by group or others (mode 0777); refusing" ]
	run env JAIL_STATEDIR="$d/parent/sub" "$JAIL" -r '*'
	[ "$status" -eq 1 ]
	[ "$output" = "jail: state directory $d/parent/sub: parent $d/parent: owned by uid 65534; refusing" ]
	# Not made either where another user could have put it first.
	run env JAIL_STATEDIR="$d/parent/new" "$BUILD/jexec" x /bin/true
	[ "$status" -eq 1 ]
	[ "$output" = "jexec: state directory $d/parent/new: parent $d/parent: owned by uid 65534; refusing" ]
	[ ! -e "$d/parent/new" ]
	[ -z "$(ls -A "$d/other")" ]
	[ -z "$(ls -A "$d/open")" ]
	# A sticky parent writable by all (/tmp) is fine: others cannot move what root made there.
	mkdir -m 1777 "$d/sticky"
	run env JAIL_STATEDIR="$d/sticky/state" "$BUILD/jls" -N
	[ "$status" -eq 0 ]
	[ "$(stat -c '%u %a' "$d/sticky/state")" = "0 711" ]
	# But not through another user's symlink there, which they could point elsewhere later.
	ln -s "$d/sticky/state" "$d/sticky/link"
	chown -h 65534 "$d/sticky/link"
	run env JAIL_STATEDIR="$d/sticky/link" "$BUILD/jls" -N
	[ "$status" -eq 1 ]
	[ "$output" = "jls: state directory $d/sticky/link: symbolic link $d/sticky/link owned by uid 65534; refusing" ]
}

# forge JID NAME JSON-REST: a state file and name link in our registry, as root would write them.
forge() {
	mkdir -p -m 0700 "$JAIL_STATEDIR"
	printf '{"jid":%d,"name":"%s",%s}\n' "$1" "$2" "$3" > "$JAIL_STATEDIR/$1.json"
	chmod 0600 "$JAIL_STATEDIR/$1.json"
	ln -sfn "$1" "$JAIL_STATEDIR/n.$2"
}

@test "forged state: cgroup paths outside the jail's own, a host process as init and hooks are never acted on" {
	local decoy=/sys/fs/cgroup/pids/secb-decoy.$$ victim=$BATS_TEST_TMPDIR/victim sleeper start
	mkdir "$decoy" "$victim"
	sleep 57 </dev/null >/dev/null 2>&1 3>&- &
	sleeper=$!
	echo "$sleeper $decoy" > "$BATS_TEST_TMPDIR/undo"
	echo "$sleeper" > "$decoy/cgroup.procs"
	start=$(awk '{print $22}' /proc/$sleeper/stat)
	# The record names a host process as its init, with the right start time, and the decoy
	# cgroup (holding only that process) first. Before this fix jail -r ran the hooks in the
	# host's namespaces, SIGKILLed the process and removed the decoy and victim directories.
	# (The test keeps that failure harmless: pid 1 or a busy host cgroup in its place would
	# have had kill(-1) sent in the host's PID namespace, or a host cgroup's processes killed.)
	forge 77 forged "\"init_pid\":$sleeper,\"init_start\":$start,\"creator_pid\":0,\"creator_start\":0,
		\"cgroup_leaf\":\"jail.forged\",\"cgroup_parent\":\"\",
		\"cgroups\":[{\"path\":\"$decoy\",\"controllers\":\"pids\",\"v2\":false},
			{\"path\":\"/sys/fs/cgroup/memory\",\"controllers\":\"memory\",\"v2\":false},
			{\"path\":\"/sys/fs/cgroup/pids/../../..$victim\",\"controllers\":\"pids\",\"v2\":false},
			{\"path\":\"/sys/fs/cgroup/pids//jail.forged\",\"controllers\":\"pids\",\"v2\":false}],
		\"params\":{\"path\":[\"$ROOT\"],\"exec.prestop\":[\"touch $victim/prestop\"],
			\"exec.stop\":[\"/bin/touch $victim/stop\"],\"exec.poststop\":[\"touch $victim/poststop\"]}"
	run timeout 20 "$JAIL" -r forged
	# The host: the process alive, the decoy and victim directories there, no hook ran.
	kill -0 "$sleeper"
	[ -d "$decoy" ]
	[ -d "$victim" ]
	[ -z "$(ls -A "$victim")" ]
	[ "$status" -eq 0 ]
	[ -z "$output" ]   # one jail, no jail.conf: FreeBSD's jail -r says nothing

	# A state file another user owns, or anyone may write, is not believed at all.
	forge 78 other '"init_pid":0,"init_start":0,"params":{}'
	chown 65534 "$JAIL_STATEDIR/78.json"
	run "$JAIL" -r other
	[ "$status" -eq 1 ] || { rm -f "$JAIL_STATEDIR/78.json" "$JAIL_STATEDIR/n.other"; false; }
	[ "$output" = "jail: $JAIL_STATEDIR/78.json: owned by uid 65534; refusing" ]
	chown 0 "$JAIL_STATEDIR/78.json"
	chmod 0666 "$JAIL_STATEDIR/78.json"
	run "$BUILD/jls" -j other
	rm -f "$JAIL_STATEDIR/78.json" "$JAIL_STATEDIR/n.other"
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = "jls: $JAIL_STATEDIR/78.json: writable by group or others (mode 0666); refusing" ]
}

@test "cgroups the jail made below its own are removed depth-first by jail -r; nothing leaks" {
	local cg pid
	"$JAIL" -q -c name=cgs path="$ROOT" persist
	"$BUILD/jexec" cgs /bin/sleep 57 </dev/null >/dev/null 2>&1 3>&- &
	for _ in $(seq 100); do
		pid=$(pgrep -f '^/bin/sleep 57$' -P "$(pgrep -d, -f "jexec cgs")" 2>/dev/null | head -1) || true
		[ -n "$pid" ] && break
		sleep 0.05
	done
	[ -n "$pid" ]
	# Children, as a jail with its own cgroup mount would make them, one holding a process.
	for cg in $(jail_cgroups | grep "/jail\.cgs\."); do
		mkdir -p "$cg/sub/deeper" "$cg/empty"
	done
	cg=$(jail_cgroups | grep "/pids/jail\.cgs\.")
	echo "$pid" > "$cg/sub/deeper/cgroup.procs"
	grep -qx "$pid" "$cg/sub/deeper/cgroup.procs"
	run timeout 20 "$JAIL" -r cgs
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$(jail_cgroups | grep "/jail\.cgs\.")" ]
	run kill -0 "$pid"
	[ "$status" -ne 0 ]
}

@test "cgroups deeper than jail -r walks: refused on v2 by the kernel, reported on v1 and the record kept" {
	local cg p i
	"$JAIL" -q -c name=deep path="$ROOT" persist
	cg=$(jail_cgroups | grep "/unified/jail\.deep\.") || true
	if [ -n "$cg" ]; then
		[ "$(cat "$cg/cgroup.max.depth")" = 31 ]
		p=$cg
		for i in $(seq 31); do p=$p/l$i; mkdir "$p"; done
		run mkdir "$p/l32"
		[ "$status" -ne 0 ]
		find "$cg/l1" -depth -type d -exec rmdir {} +
	fi
	cg=$(jail_cgroups | grep "/pids/jail\.deep\.")
	p=$cg
	for i in $(seq 33); do p=$p/l$i; mkdir "$p"; done
	run timeout 20 "$JAIL" -r deep
	[ "$status" -eq 1 ]
	[ "$output" = "jail: deep: cgroup: $cg: more than 31 levels of cgroups below it" ]
	[ -d "$cg/l1/l2/l3" ]
	"$BUILD/jls" -d -j deep >/dev/null
	# What the kernel allows only the host to make, the host takes away; then jail -r finishes.
	find "$cg/l1" -depth -type d -exec rmdir {} +
	run "$JAIL" -r deep
	[ "$status" -eq 0 ]
	[ -z "$(jail_cgroups | grep "/jail\.deep\.")" ]
}
