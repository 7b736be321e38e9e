#!/usr/bin/env bats
# The test harness itself (scripts/check.sh, scripts/lint-bats.sh) cannot be
# fooled: a crashed, short or lying TAP stream is a failure, a skip is never
# a pass and says why, the summary is the last line, and a bare "! cmd" in a
# bats file is refused. Runs check.sh on fake unit binaries and bats files.

load ../lib/common

CHECK=$BATS_TEST_DIRNAME/../../scripts/check.sh
LINT=$BATS_TEST_DIRNAME/../../scripts/lint-bats.sh

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; }
teardown() { assert_clean; }

# unit NAME SCRIPT: a fake unit test binary $BATS_TEST_TMPDIR/b/tests/NAME
unit() {
	mkdir -p "$BATS_TEST_TMPDIR/b/tests"
	printf '#!/bin/sh\n%s\n' "$2" >"$BATS_TEST_TMPDIR/b/tests/$1"
	chmod +x "$BATS_TEST_TMPDIR/b/tests/$1"
}

# check [NAME BODY]...: check.sh over the fake binaries and a bats file of
# these tests ("setup_file" as a NAME is that function). The file is written
# here because bats would take an "@test" line in this file for one of ours.
check() {
	mkdir -p "$BATS_TEST_TMPDIR/bats"
	: >"$BATS_TEST_TMPDIR/bats/t.bats"
	while [ $# -ge 2 ]; do
		if [ "$1" = setup_file ]; then
			printf 'setup_file() { %s; }\n' "$2"
		else
			printf '@%s "%s" { %s; }\n' test "$1" "$2"
		fi >>"$BATS_TEST_TMPDIR/bats/t.bats"
		shift 2
	done
	# a clean environment, no stdin, no fd 3: the nested bats must not touch
	# the outer one's; and bats is /usr/bin/bats, not bats's own libexec one
	local path
	path=$(echo "$PATH" | tr : '\n' | grep -vxF "$BATS_LIBEXEC" | paste -sd:)
	run env -i PATH="$path" HOME="$HOME" BUILD="$BATS_TEST_TMPDIR/b" BATS_DIR="$BATS_TEST_TMPDIR/bats" sh "$CHECK" </dev/null 3>&-
}

@test "harness: a unit binary that crashes mid-run is one failure naming it and why" {
	unit test_crash 'echo "ok 1 - a"; echo "ok 2 - b"; kill -SEGV $$'
	check
	[ "$status" -eq 1 ]
	[[ "$output" == *"not ok - test_crash: no plan after 2 results (crashed or stopped early?); killed by signal 11"* ]]
	[ "${lines[-1]}" = "3 passed, 1 failed, 0 skipped" ]
}

@test "harness: fewer results than the plan, or a non-zero exit with none failed, is a failure" {
	unit test_short 'echo 1..3; echo "ok 1 - a"; echo "ok 2 - b"'
	unit test_exit 'echo "ok 1 - a"; echo 1..1; exit 3'
	unit test_more 'echo "ok 1 - a"; echo "ok 2 - b"; echo 1..1'
	check
	[ "$status" -eq 1 ]
	[[ "$output" == *"not ok - test_short: planned 3 results, printed 2"* ]]
	[[ "$output" == *"not ok - test_exit: exit status 3, yet no test failed"* ]]
	[[ "$output" == *"not ok - test_more: planned 1 results, printed 2"* ]]
	[ "${lines[-1]}" = "6 passed, 3 failed, 0 skipped" ]
}

@test "harness: a failed test is shown with its diagnostics and counted once" {
	unit test_fail 'echo "ok 1 - a"; echo "not ok 2 - b"; echo "#   failed at x.c:3"; echo 1..2; exit 1'
	check
	[ "$status" -eq 1 ]
	[[ "$output" == *$'not ok 2 - b\n#   failed at x.c:3'* ]]
	[ "${lines[-1]}" = "2 passed, 1 failed, 0 skipped" ]
}

@test "harness: skips count as skipped, never passed, each with its reason; only skips and passes exit 0" {
	unit test_skip 'echo "ok 1 # SKIP needs a frobnicator"; echo "ok 2 - real"; echo 1..2'
	check passes true skips 'skip "no widget here"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"skip - test_skip: test 1 # needs a frobnicator"* ]]
	[[ "$output" == *"skip - bats $BATS_TEST_TMPDIR/bats: skips # no widget here"* ]]
	[ "${lines[-1]}" = "3 passed, 0 failed, 2 skipped" ]
}

@test "harness: a failing bats test fails the run; the bats plan is verified" {
	check fails false passes true
	[ "$status" -eq 1 ]
	[[ "$output" == *"not ok 1 fails"* ]]
	[ "${lines[-1]}" = "2 passed, 1 failed, 0 skipped" ]
	# a bats file that dies in setup_file runs none of its planned tests
	check setup_file 'exit 1' "never runs" true "nor this" true
	[ "$status" -eq 1 ]
	[[ "$output" == *"not ok - bats $BATS_TEST_TMPDIR/bats: planned 2 results, printed 1"* ]]
	[ "${lines[-1]}" = "1 passed, 2 failed, 0 skipped" ] # (1: the lint)
}

@test "lint: a bare '!' command in a bats file is refused with file:line" {
	local f="$BATS_TEST_TMPDIR/x.bats" n='!' # (spelled $n here so that this file passes the lint)
	printf '%s\n' '@test "t" {' "	$n grep -q x /etc/hostname" "	run $n grep -q x /etc/hostname" \
		"	[ $n -e /nonexistent ]" "	if $n true; then false; fi" "	true && $n false" "	# $n a comment" \
		"	{ $n true; }" "	gone() { $n true; }" "	$n true || { echo why; false; }" "	$n true || true" '}' >"$f"
	run sh "$LINT" "$f"
	[ "$status" -eq 1 ]
	[ "$output" = "$f:2: 	$n grep -q x /etc/hostname
$f:6: 	true && $n false
$f:8: 	{ $n true; }
$f:11: 	$n true || true" ]
	# and the project's own bats files pass it
	run sh "$LINT"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "jail_tag is lib/core/registry.c's tag(): the cgroups of our jails carry it" {
	[ "$(jail_tag /tmp/hx-state)" = 878a36c4 ]
	"$JAIL" -c name=tagged path="$ROOT" command=/bin/sleep 5 &
	local jp=$!
	tagged_up() { [ -n "$(jail_cgroups | grep '/jail\.tagged\.')" ]; }
	wait_until 5 tagged_up || { kill $jp; false; }
	kill $jp
	wait $jp || true
}

@test "assert_clean: blind to another registry's jail, not to one of ours" {
	# a jail of another registry (another test run), on a root of its own
	local other="$BATS_TEST_TMPDIR/other"
	"$MKROOT" "$other/root"
	JAIL_STATEDIR="$other/state" "$JAIL" -q -c name=foreign path="$other/root" persist
	run assert_clean
	JAIL_STATEDIR="$other/state" "$JAIL" -q -r foreign
	[ "$status" -eq 0 ]
	# one of ours left behind is found
	"$JAIL" -q -c name=ours path="$ROOT" persist
	run assert_clean
	"$JAIL" -q -r ours
	[ "$status" -eq 1 ]
	[[ "$output" == "leftover cgroups: "*"/jail.ours.$(jail_tag)"* ]]
}

@test "assert_clean: our jails' veths are found by the tag" {
	# (in a throw-away network namespace: nothing is added to the host's)
	export -f jail_veths jail_tag
	run unshare -n env JAIL="$JAIL" ROOT="$ROOT" bash -c '
		ip link set lo up
		"$JAIL" -q -c name=v path="$ROOT" ip4.addr=192.0.2.61 persist
		jail_veths
		"$JAIL" -q -r v
		# gone with the namespace, which the kernel frees a moment later
		for i in $(seq 60); do jail_veths >/dev/null || break; sleep 0.05; done
		jail_veths
		echo end'
	[ "$status" -eq 0 ]
	[ "$output" = "vt$(jail_tag | cut -c5-8)1
end" ]
}
