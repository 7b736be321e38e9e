#!/usr/bin/env bats
# Issue 10, part B: what a hostile jailed root can do to the host tools and
# to other jails through files it controls. Each test makes the attack from
# inside a real jail where the attack starts there, then checks the host.
# Roots are copies in temporary directories, never installed binaries.

load ../lib/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() {
	common_setup
	export ROOTB="$BATS_TEST_TMPDIR/rootb"
}
teardown() {
	"$JAIL" -q -R '*' 2>/dev/null || true
	rm -rf "$ROOT/export"
	assert_clean
}

@test "mount source: jail A turns /export into a symlink to /, jail B's mount of it is refused" {
	"$MKROOT" "$ROOTB"
	mkdir -p "$ROOT/export" "$ROOTB/mnt"
	echo exported > "$ROOT/export/f"
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
	mkdir -p "$ROOT/real/export"
	run "$JAIL" -c name=a path="$ROOT" command=/bin/sh -c 'ln -s /real /viaroot'
	[ "$status" -eq 0 ]
	run "$JAIL" -c name=b path="$ROOTB" mount="$ROOT/viaroot/export $ROOTB/mnt nullfs ro 0 0" command=/bin/true
	[ "$status" -eq 1 ]
	[ "$output" = "jail: b: mount: $ROOT/viaroot/export: a symbolic link on the way; give the real path" ]
	rm -rf "$ROOT/real" "$ROOT/viaroot"
	# The host: nothing mounted on B's mount point, no jail, nothing of the host's / copied anywhere.
	! grep -q " $ROOTB/mnt " /proc/self/mountinfo
	[ -z "$(ls -A "$ROOTB/mnt")" ]
}
