#!/usr/bin/env bats
# Thin jails (issue 6 item 4): many jails over one read-only base, each with
# a private writable layer, described by the thin= parameter.

load ../lib/common

MKJAIL=$BUILD/mkjail

setup_file() {
	common_setup_file
	export T="$BATS_FILE_TMPDIR/thin"
	"$MKJAIL" busybox "$T/base" >/dev/null
}
teardown_file() {
	"$JAIL" -q -R '*' 2>/dev/null || true
	rm -rf "$BATS_FILE_TMPDIR/thin"
	common_teardown_file
}
setup() { common_setup; }
teardown() {
	"$JAIL" -q -R '*' 2>/dev/null || true
	assert_clean
}

@test "each thin jail sees an ordinary root; its writes stay in its own layer; the base is untouched" {
	for j in a b c; do "$MKJAIL" thin "$T/$j" --base "$T/base" >/dev/null; done
	for j in a b c; do
		run "$JAIL" -c name=$j thin="$T/$j" command=/bin/sh -c "echo $j > /etc/whoami; cat /etc/whoami; test -x /bin/sh && echo root-ok"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "$j" ]
		[ "${lines[1]}" = "root-ok" ]
	done
	[ ! -e "$T/base/etc/whoami" ]
	for j in a b c; do [ "$(cat "$T/$j/upper/etc/whoami")" = "$j" ]; done
}

@test "jail -r keeps the layer; the base can be updated under the layers" {
	"$MKJAIL" thin "$T/p" --base "$T/base" >/dev/null
	"$JAIL" -q -c name=p thin="$T/p" persist
	"$BUILD/jexec" p /bin/sh -c 'echo kept > /root/note'
	"$JAIL" -q -r p
	echo updated > "$T/base/etc/motd"
	run "$JAIL" -c name=p thin="$T/p" command=/bin/sh -c 'cat /root/note /etc/motd'
	[ "$output" = $'kept\nupdated' ]
	rm -f "$T/base/etc/motd"
}

@test "thin jails from jail.conf; a thin dir that is not one is refused" {
	"$MKJAIL" thin "$T/c1" --base "$T/base" >/dev/null
	printf 'c1 { thin = "%s"; host.hostname = c1.example.org; exec.start = "hostname"; }\n' "$T/c1" > "$BATS_TEST_TMPDIR/jail.conf"
	run "$JAIL" -f "$BATS_TEST_TMPDIR/jail.conf" -q -c c1
	[ "$status" -eq 0 ]
	[ "$output" = "c1.example.org" ]
	mkdir -p "$BATS_TEST_TMPDIR/notthin"
	run "$JAIL" -c name=x thin="$BATS_TEST_TMPDIR/notthin" command=/bin/true
	[ "$status" -eq 1 ]
	[[ "$output" == "jail: x: thin: "* ]]
}
