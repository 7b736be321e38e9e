#!/usr/bin/env bats
# mount and mount.fstab (issue 4 item 4): FreeBSD's nullfs as bind mounts,
# tmpfs, proc; mount points resolved inside the jail root without following
# a symlink out of it; everything gone with the jail.

load ../lib/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() {
	common_setup
	mkdir -p "$ROOT/data" "$ROOT/scratch" "$BATS_TEST_TMPDIR/hostdata"
	echo host-data > "$BATS_TEST_TMPDIR/hostdata/f"
}
teardown() {
	rm -f "$ROOT/mnt" "$ROOT/viaetc"
	rmdir "$ROOT/data" "$ROOT/scratch" 2>/dev/null || true
	assert_clean
}

@test "mount: a read-only nullfs (bind) mount and a tmpfs with options" {
	run "$JAIL" -c path="$ROOT" \
		mount="$BATS_TEST_TMPDIR/hostdata $ROOT/data nullfs ro 0 0" \
		mount="tmpfs $ROOT/scratch tmpfs rw,size=1m,mode=700 0 0" \
		command=/bin/sh -c 'cat /data/f; touch /data/x 2>&1; stat -c %a /scratch; touch /scratch/y && echo scratch-rw'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "host-data" ]
	[[ "${lines[1]}" == *"Read-only file system"* ]]
	[ "${lines[2]}" = "700" ]
	[ "${lines[3]}" = "scratch-rw" ]
	[ ! -e "$BATS_TEST_TMPDIR/hostdata/x" ]
	# nothing of it on the host
	run ! grep -q " $ROOT/data " /proc/self/mountinfo
	run ! grep -q " $ROOT/scratch " /proc/self/mountinfo
}

@test "mount.fstab: a file of fstab lines, comments and blank lines skipped, rw honoured" {
	# a writable share is written as the jail's range: the host gives it to that range
	chown -R "$(stat -c %u:%g "$ROOT")" "$BATS_TEST_TMPDIR/hostdata"
	printf '# the data\n\n%s %s nullfs rw 0 0\n' "$BATS_TEST_TMPDIR/hostdata" "$ROOT/data" > "$BATS_TEST_TMPDIR/fstab"
	run "$JAIL" -c path="$ROOT" mount.fstab="$BATS_TEST_TMPDIR/fstab" command=/bin/sh -c 'echo written > /data/new; cat /data/f'
	[ "$status" -eq 0 ]
	[ "$output" = "host-data" ]
	[ "$(cat "$BATS_TEST_TMPDIR/hostdata/new")" = "written" ]
}

@test "a mount point that is a symlink to the host's /etc is refused, and nothing is made" {
	ln -sfn /etc "$ROOT/mnt"
	run "$JAIL" -c name=evil path="$ROOT" mount="$BATS_TEST_TMPDIR/hostdata $ROOT/mnt nullfs ro 0 0" command=/bin/true
	[ "$status" -eq 1 ]
	[ "$output" = "jail: evil: mount: $ROOT/mnt: a symbolic link on the way; refusing to mount on it" ]
	ln -sfn /etc "$ROOT/viaetc"
	run "$JAIL" -c name=evil path="$ROOT" mount="tmpfs $ROOT/viaetc/x tmpfs rw 0 0" command=/bin/true
	[ "$status" -eq 1 ]
	[[ "$output" == *"a symbolic link on the way"* ]]
	# the host's /etc was not touched
	run ! grep -q " /etc " /proc/self/mountinfo
	[ ! -L "$JAIL_STATEDIR/n.evil" ]
}

@test "bad fstab lines: one clear line each" {
	run "$JAIL" -c path="$ROOT" mount="/x /elsewhere nullfs ro 0 0" command=/bin/true
	[ "$output" = "jail: mount: line 1: '/elsewhere' is not within path '$ROOT'" ]
	run "$JAIL" -c path="$ROOT" mount="/x $ROOT/data zfs rw 0 0" command=/bin/true
	[ "$output" = "jail: mount: line 1: file system type 'zfs' is not supported (nullfs, tmpfs, proc)" ]
	run "$JAIL" -c path="$ROOT" mount="tmpfs $ROOT/data tmpfs bogus 0 0" command=/bin/true
	[ "$output" = "jail: mount: line 1: unknown option 'bogus'" ]
	run "$JAIL" -c path="$ROOT" mount.fstab=/nonexistent/fstab command=/bin/true
	[ "$output" = "jail: mount.fstab: /nonexistent/fstab: No such file or directory" ]
}

@test "mounts from jail.conf" {
	cat > "$BATS_TEST_TMPDIR/jail.conf" <<CONF
m {
	path = "$ROOT";
	mount += "$BATS_TEST_TMPDIR/hostdata \$path/data nullfs ro 0 0";
	mount += "tmpfs \$path/scratch tmpfs rw,size=64k 0 0";
	command = "/bin/sh";
}
CONF
	run "$JAIL" -f "$BATS_TEST_TMPDIR/jail.conf" -e '|'
	[[ "$output" == *"mount=\"$BATS_TEST_TMPDIR/hostdata $ROOT/data nullfs ro 0 0\",\"tmpfs $ROOT/scratch tmpfs rw,size=64k 0 0\""* ]]
	printf 'm {\n\tpath = "%s";\n\tmount = "%s %s/data nullfs ro 0 0";\n\texec.start = "cat /data/f";\n}\n' \
		"$ROOT" "$BATS_TEST_TMPDIR/hostdata" "$ROOT" > "$BATS_TEST_TMPDIR/j2.conf"
	run "$JAIL" -f "$BATS_TEST_TMPDIR/j2.conf" -q -c m
	[ "$status" -eq 0 ]
	[ "$output" = "host-data" ]
}
