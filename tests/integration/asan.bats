#!/usr/bin/env bats
# The sanitizer build (make asan, mk/asan.mk): jail, jls and jexec built with
# AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer, run over
# the paths where parameter sets are made and dropped: create, -m, -mr, -rc,
# -cm, jail.conf with depend, -J, -e, and the error paths. Any sanitizer
# report fails the test.

load ../lib/common

ASAN=${ASAN_BUILD:-$BATS_TEST_DIRNAME/../../build-asan}

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() {
	[ -x "$ASAN/jail" ] && [ -x "$ASAN/jls" ] && [ -x "$ASAN/jexec" ] || skip "no sanitizer build in $ASAN (make asan-build)"
	common_setup
	cd "$BATS_TEST_TMPDIR"
}
teardown() {
	"$JAIL" -q -R '*' 2>/dev/null || true
	assert_clean
}

# Run one sanitized command; its output and any report go to the log.
san() {
	ASAN_OPTIONS=detect_leaks=1:exitcode=99:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98 \
		"$@" >>"$BATS_TEST_TMPDIR/san.log" 2>&1 || true
}

no_reports() {
	if grep -qE 'Sanitizer|runtime error' "$BATS_TEST_TMPDIR/san.log"; then
		grep -E -A12 'ERROR|runtime error' "$BATS_TEST_TMPDIR/san.log" | head -60
		return 1
	fi
}

@test "ASan/UBSan/LSan: jail -c, -m, -mr, -rc, -cm, -r and their error paths report nothing" {
	san "$ASAN/jail" -c name=a path="$ROOT" persist host.hostname=a.example.org
	san "$ASAN/jail" -m name=a host.hostname=b.example.org
	san "$ASAN/jail" -m name=a path=/
	san "$ASAN/jail" -mr name=a sysvshm=disable
	san "$ASAN/jail" -rc name=a path="$ROOT" persist
	san "$ASAN/jail" -cm name=a path="$ROOT" persist host.hostname=c.example.org
	san "$ASAN/jail" -m name=nosuch persist
	san "$ASAN/jail" -rc name=nosuch path="$ROOT" persist
	san "$ASAN/jail" -c name=b path="$ROOT" nosuch=1
	san "$ASAN/jail" -c name=b path="$ROOT"
	san "$ASAN/jail" -c name=b path=/nonexistent persist
	san "$ASAN/jail" -c name=a path="$ROOT" persist
	san "$ASAN/jail" -c name=02 path="$ROOT" persist
	san "$ASAN/jail" -J "$BATS_TEST_TMPDIR/jids" -c name=j path="$ROOT" persist exec.prestart=true
	san "$ASAN/jail" -v -c name=v path="$ROOT" command=/bin/true
	san "$ASAN/jail" "$ROOT" legacy.example.org "" /bin/true
	san "$ASAN/jail" -Z
	san "$ASAN/jail" -r a j
	san "$ASAN/jail" -r nosuch
	[ -s "$BATS_TEST_TMPDIR/jids" ]
	no_reports
}

@test "ASan/UBSan/LSan: jail.conf runs, -e, and jls/jexec report nothing" {
	cat > jail.conf <<CONF
path = "$ROOT";
persist;
db { }
web { depend = db; exec.prestart = 'echo \$JNAME'; }
a { depend = b; }
b { depend = a; }
u { depend = nope; }
bad { host.hostname = \$nope; }
CONF
	san "$ASAN/jail" -f jail.conf -c db
	san "$ASAN/jail" -f jail.conf -c
	san "$ASAN/jail" -f jail.conf -e '|'
	san "$ASAN/jail" -f jail.conf -m web
	san "$ASAN/jls"
	san "$ASAN/jls" -v
	san "$ASAN/jls" -n
	san "$ASAN/jls" --libxo json
	san "$ASAN/jls" -j web name
	san "$ASAN/jls" -j 99
	san "$ASAN/jexec" web /bin/true
	san "$ASAN/jexec" -l -U user web /bin/id
	san "$ASAN/jexec" 99 /bin/true
	san "$ASAN/jexec" nosuch /bin/true
	san "$ASAN/jail" -f jail.conf -r db
	san "$ASAN/jail" -f jail.conf -r '*'
	san "$ASAN/jail" -f /nonexistent.conf -c
	grep -q '^web$' "$BATS_TEST_TMPDIR/san.log"
	no_reports
}
