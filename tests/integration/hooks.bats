#!/usr/bin/env bats
# The exec.* lifecycle (issue 4 item 3), from the command line.

load ../lib/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; }
teardown() {
	"$JAIL" -q -R '*' 2>/dev/null || true
	assert_clean
}

@test "host hooks run in order with JID, JNAME, JPATH; in-jail hooks run inside" {
	run "$JAIL" -q -c name=h path="$ROOT" persist \
		exec.prepare="echo prepare" exec.prestart="echo prestart" exec.created='echo created $JNAME' \
		exec.start="/bin/sh -c 'echo start; hostname'" host.hostname=h.example.org \
		exec.poststart='echo poststart $JID $JNAME $JPATH'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "prepare" ]
	[ "${lines[1]}" = "prestart" ]
	[ "${lines[2]}" = "created h" ]
	[ "${lines[3]}" = "start" ]
	[ "${lines[4]}" = "h.example.org" ]
	[ "${lines[5]}" = "poststart 1 h $ROOT" ]
}

@test "jail -r runs prestop, stop in the jail, poststop and release; -R runs none" {
	"$JAIL" -q -c name=h path="$ROOT" persist exec.prestop="echo prestop" \
		exec.stop="/bin/sh -c 'echo stop in \$(hostname)'" host.hostname=in-jail \
		exec.poststop='echo JID=$JID' exec.release="echo release"
	run "$JAIL" -q -r h
	[ "$status" -eq 0 ]
	[ "$output" = $'prestop\nstop in in-jail\nJID=1\nrelease' ]
	"$JAIL" -q -c name=h path="$ROOT" persist exec.prestop="echo prestop"
	run "$JAIL" -q -R h
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "FreeBSD's rule: a string with shell characters runs through /bin/sh -c, else it is split" {
	run "$JAIL" -q -c name=h path="$ROOT" persist exec.poststart='echo a   b' exec.prestart='echo "x;y" | tr ";" -'
	[ "${lines[0]}" = "x-y" ]
	[ "${lines[1]}" = "a b" ]
}

@test "exec.start without persist: the jail lives while its daemons do" {
	run "$JAIL" -q -c name=h path="$ROOT" exec.start="/bin/sh -c 'sleep 2 >/dev/null 2>&1 &'"
	[ "$status" -eq 0 ]
	[ -L "$JAIL_STATEDIR/n.h" ]
	# the daemon sleeps 2 s; then the jail goes with it
	wait_until 6 test ! -L "$JAIL_STATEDIR/n.h"
	run "$JAIL" -q -c name=h2 path="$ROOT" exec.start="/bin/true"
	[ "$status" -eq 0 ]
	[ ! -L "$JAIL_STATEDIR/n.h2" ]
}

@test "a failing hook undoes the jail; exec.timeout says CMD: timed out" {
	run "$JAIL" -q -c name=h path="$ROOT" persist exec.start="/bin/false"
	[ "$status" -eq 1 ]
	[ "$output" = "jail: h: /bin/false: failed" ]
	[ ! -L "$JAIL_STATEDIR/n.h" ]
	run "$JAIL" -q -c name=h path="$ROOT" persist exec.prestart="false"
	[ "$status" -eq 1 ]
	[ "$output" = "jail: h: false: failed" ]
	run "$JAIL" -q -c name=h path="$ROOT" persist exec.timeout=1 exec.poststart="sleep 10"
	[ "$status" -eq 1 ]
	[ "$output" = "jail: h: sleep 10: timed out" ]
	[ ! -L "$JAIL_STATEDIR/n.h" ]
}

@test "exec.consolelog collects what in-jail commands print" {
	local log="$BATS_TEST_TMPDIR/console.log"
	run "$JAIL" -q -c name=h path="$ROOT" persist exec.consolelog="$log" exec.start="echo from-start"
	[ -z "$output" ]
	[ "$(cat "$log")" = "from-start" ]
	"$JAIL" -q -r h
}

# FreeBSD jail_basic_test "param_consistency", the parts without jail.conf.
@test "FreeBSD param_consistency: path=/ with exec.poststart and command" {
	run "$JAIL" -c path=/ exec.poststart="true" command=/usr/bin/true
	[ "$status" -eq 0 ]
}
