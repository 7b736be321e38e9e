#!/usr/bin/env bats
# jail -p N: jails of jail.conf started N at a time, in depend order. Not
# timed: each jail's exec.prepare records on the host how many jails were
# being started when it began (a counter under flock) and when it ended,
# and the checks read that record.

load ../lib/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	# exec.prepare NAME: in, hold a moment, out; exec.poststart NAME: made.
	cat > track <<'SH'
#!/bin/sh
dir=$(dirname "$0")
case $1 in
in)
	flock "$dir/lock" sh -c 'n=$(($(cat "$0/running" 2>/dev/null || echo 0) + 1)); echo $n > "$0/running"
		echo "in $1 $n" >> "$0/log"' "$dir" "$2"
	sleep 0.3
	flock "$dir/lock" sh -c 'n=$(($(cat "$0/running") - 1)); echo $n > "$0/running"' "$dir"
	;;
made)
	flock "$dir/lock" sh -c 'echo "made $1" >> "$0/log"' "$dir" "$2" ;;
esac
SH
	chmod +x track
	cat > jail.conf <<CONF
path = "$ROOT";
persist;
exec.prepare = "$BATS_TEST_TMPDIR/track in \$name";
exec.poststart = "$BATS_TEST_TMPDIR/track made \$name";
a { }
b { depend = a; }
c { }
d { depend = b, c; }
e { }
f { }
g { depend = f; }
CONF
}
teardown() {
	"$JAIL" -q -f jail.conf -r '*' 2>/dev/null || true
	assert_clean
}

# The most jails that were being started at once.
most() { awk '$1 == "in" && $3 > m { m = $3 } END { print m + 0 }' log; }

# Line number of the first line matching $1 in the log.
at() { grep -n -m1 -x "$1" log | cut -d: -f1; }

@test "jail -p 2 starts two jails of jail.conf at a time, never more, and each after what it depends on" {
	run "$JAIL" -f jail.conf -p 2 -c
	[ "$status" -eq 0 ]
	[ "$(grep -c ': created$' <<<"$output")" -eq 7 ]
	[ "$(most)" -eq 2 ] || { cat log; return 1; }
	for pair in "a b" "b d" "c d" "f g"; do
		set -- $pair
		[ "$(at "made $1")" -lt "$(grep -n -m1 "^in $2 " log | cut -d: -f1)" ] || { echo "$2 began before $1 was made"; cat log; return 1; }
	done
	[ "$("$BUILD/jls" | grep -c "$ROOT")" -eq 7 ]
}

@test "jail -p 1 and no -p start one jail at a time, in depend order" {
	for p in "-p 1" ""; do
		rm -f log running
		run "$JAIL" -f jail.conf $p -c
		[ "$status" -eq 0 ]
		[ "$(most)" -eq 1 ] || { cat log; return 1; }
		[ "$(at "made a")" -lt "$(at "made b")" ] && [ "$(at "made b")" -lt "$(at "made d")" ]
		"$JAIL" -q -f jail.conf -r '*'
	done
}

@test "jail -p 3: a failed dependency skips its dependents, the others are made" {
	sed -i 's/^a { }$/a { exec.prestart = "false"; }/' jail.conf
	run "$JAIL" -f jail.conf -p 3 -c
	[ "$status" -eq 1 ]
	grep -qx 'jail: b: skipped' <<<"$output"
	grep -qx 'jail: d: skipped' <<<"$output"
	for j in c e f g; do grep -qx "$j: created" <<<"$output" || { echo "$j: $output"; return 1; }; done
	[ "$(most)" -le 3 ]
	[ -z "$(grep "^in b \|^in d " log)" ]
}
