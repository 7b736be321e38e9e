#!/usr/bin/env bats
# A jail's life as FreeBSD's (issue 11, lifecycle): a jail without persist
# lives while any process is in it, those entered with jexec included; a
# persistent jail survives the hangup of the terminal it was made from; a
# jail left with a background job is cleaned up when the job ends, even
# after a hangup; a jail(8) killed while creating leaves nothing that
# jail -r cannot take away.

load ../lib/common

JEXEC=$BUILD/jexec
JLS=$BUILD/jls

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; }
teardown() { "$JAIL" -q -r '*' 2>/dev/null || true; assert_clean; }

gone() { ! "$JLS" -d -j "$1" >/dev/null 2>&1; }

@test "a process entered with jexec keeps a jail without persist alive; the jail ends with it" {
	"$JAIL" -c name=t path="$ROOT" command=/bin/sh -c 'sleep 1 &'
	run "$JEXEC" t /bin/sh -c 'sleep 3; echo survived'
	[ "$status" -eq 0 ]
	[ "$output" = "survived" ]
	wait_until 5 gone t
}

@test "a jail whose command left nothing behind but a jexec'd process waits for it" {
	"$JAIL" -q -c name=t path="$ROOT" persist
	"$JEXEC" t /bin/sh -c 'sleep 2 >/dev/null 2>&1 &'
	run "$JAIL" -m name=t nopersist
	[ "$status" -eq 0 ]
	"$JLS" -j t >/dev/null
	wait_until 6 gone t
}

@test "a persistent jail survives the hangup of the terminal jail(8) ran on" {
	script -qec "$JAIL -q -c name=p path=$ROOT persist" /dev/null
	"$JLS" -j p >/dev/null
	run "$JEXEC" p /bin/echo alive
	[ "$output" = "alive" ]
	"$JAIL" -r p
}

@test "an interactive jail left with a background job is cleaned up when the job ends" {
	script -qec "printf 'sleep 1 &\nexit\n' | $JAIL -c name=bg path=$ROOT command=/bin/sh -i" /dev/null >/dev/null
	wait_until 6 gone bg
}

@test "jail(8) killed while creating: jail -r takes away whatever it left" {
	local pid t
	for t in 0 0.001 0.002 0.004 0.006 0.008 0.01 0.015 0.02 0.03; do
		"$JAIL" -c name=k path="$ROOT" command=/bin/sleep 5 &
		pid=$!
		sleep "$t" # (the moment of the kill is what is under test)
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		"$JAIL" -q -r k || true
		assert_clean || { echo "after a kill at $t s"; return 1; }
	done
}

@test "a jail never gets the host's terminal: a tty on stdin and stdout becomes a pty of its own" {
	run script -qec "$JAIL -c path=$ROOT command=/bin/sh -c 'readlink /proc/self/fd/0; readlink /proc/self/fd/1; tty'" /dev/null
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"/dev/pts/"* ]]
	[[ "${lines[1]}" == "/dev/pts/"* ]]
	[[ "${lines[2]}" == "/dev/pts/"* ]]
	# the jail's own devpts: a pts of the jail, not the host's script pty
	run script -qec "$JAIL -c path=$ROOT command=/bin/ls /dev/pts" /dev/null
	[[ "$output" == *ptmx* ]]
}

@test "only the terminal fds become the jail's pty: a redirected stdout stays a file" {
	local out=$BATS_TEST_TMPDIR/out
	script -qec "$JAIL -c path=$ROOT command=/bin/sh -c 'echo to-file; tty' > $out" /dev/null
	grep -qx to-file "$out"
	grep -q '^/dev/pts/' "$out"
}
