#!/usr/bin/env bats
# jail.conf from the command line: FreeBSD's jail_config_test and the
# jail.conf cases of jail_basic_test, depend order, errors, boot script.

load ../lib/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; cd "$BATS_TEST_TMPDIR"; }
teardown() {
	"$JAIL" -q -R '*' 2>/dev/null || true
	assert_clean
}

JLS=$BUILD/jls
JEXEC=$BUILD/jexec

# FreeBSD usr.sbin/jail/tests/jail_config_test.sh (5BSD), "basic": -e byte for byte.
@test "FreeBSD jail_config_test: -e output" {
	cat > jail.conf <<'CONF'
$root="/srv";
$empty="";
a {
	path="$root/${name}";
	host.hostname="pre${empty}post";
	exec.start="${empty}";
}
a.child {
	path="$root/${name}";
	host.hostname="${empty}child${empty}";
}
CONF
	run "$JAIL" -f jail.conf -e '|'
	[ "$status" -eq 0 ]
	[ "$output" = $'name=a|path=/srv/a|host.hostname=prepost|exec.start=""\nname=a.child|path=/srv/a.child|host.hostname=child' ]
}

@test "FreeBSD jail_config_test: a large expansion" {
	local big
	big=$(printf 'x%.0s' $(seq 8192))
	printf '$big = "%s";\nj { path = /; host.hostname = "${big}${big}"; }\n' "$big" > jail.conf
	run "$JAIL" -f jail.conf -e '|'
	[ "$status" -eq 0 ]
	[ "$output" = "name=j|path=/|host.hostname=$big$big" ]
}

# jail_basic_test "commands"
@test "FreeBSD commands: exec.prestart, exec.poststart with JID/JNAME/JPATH, exec.prestop" {
	cat > jail.conf <<CONF
exec.prestop = "echo STOP";
exec.prestart = "echo START";
exec.poststart = "env";
persist;
path = "$ROOT";

basejail {
}
CONF
	run "$JAIL" -f jail.conf -qc basejail
	[ "$status" -eq 0 ]
	[[ "$output" =~ (^|$'\n')START($'\n'|$) ]]
	[[ "$output" =~ (^|$'\n')JID=[0-9]+ ]]
	[[ "$output" =~ (^|$'\n')JNAME=basejail($'\n'|$) ]]
	[[ "$output" =~ (^|$'\n')JPATH=$ROOT($'\n'|$) ]]
	run "$JAIL" -f jail.conf -qr basejail
	[ "$status" -eq 0 ]
	[ "$output" = "STOP" ]
	# and again, removed by JID
	"$JAIL" -f jail.conf -qc basejail >/dev/null
	run "$JAIL" -f jail.conf -qr "$(readlink "$JAIL_STATEDIR/n.basejail")"
	[ "$output" = "STOP" ]
}

# jail_basic_test "jid_name_set"
@test "FreeBSD jid_name_set: all-digit block names are JIDs" {
	local jid=17
	run "$JLS" -cj $jid
	[ "$status" -ne 0 ]
	printf '%s { name = basejail; path = "%s"; persist; }\n' $jid "$ROOT" > jail.conf
	run "$JAIL" -f jail.conf -c $jid
	[ "$output" = "$jid: created" ]
	[ "$("$JLS" -j $jid name)" = "basejail" ]
	run "$JAIL" -f jail.conf -r $jid
	[ "$output" = "$jid: removed" ]

	printf '%s { host.hostname = "${name}"; path = "%s"; persist; }\n' $jid "$ROOT" > jail.conf
	run "$JAIL" -f jail.conf -c $jid
	[ "$output" = "$jid: created" ]
	[ "$("$JLS" -j $jid host.hostname)" = "$jid" ]
	run "$JAIL" -f jail.conf -r $jid
	[ "$output" = "$jid: removed" ]

	printf 'basejail { jid = %s; path = "%s"; persist; }\n' $jid "$ROOT" > jail.conf
	run "$JAIL" -f jail.conf -c basejail
	[ "$output" = "basejail: created" ]
	[ "$("$JLS" -j basejail jid)" = "$jid" ]
	run "$JAIL" -f jail.conf -r basejail
	[ "$output" = "basejail: removed" ]
}

# jail_basic_test "param_consistency", the jail.conf parts
@test "FreeBSD param_consistency: exec.prestop and exec.poststop from jail.conf" {
	printf 'basejail { path = "%s"; exec.prestop = '"'"'echo STOP'"'"'; persist; }\n' "$ROOT" > jail.conf
	"$JAIL" -f jail.conf -qc basejail
	run "$JAIL" -f jail.conf -qr basejail
	[ "$output" = "STOP" ]
	printf '9 { path = "%s"; exec.prestop = '"'"'echo STOP'"'"'; persist; }\n' "$ROOT" > jail.conf
	"$JAIL" -f jail.conf -qc 9
	run "$JAIL" -f jail.conf -qr 9
	[ "$output" = "STOP" ]
	printf '9 { name = basejail; path = "%s"; exec.poststop = '"'"'echo JID=$JID'"'"'; persist; }\n' "$ROOT" > jail.conf
	"$JAIL" -f jail.conf -qc 9
	run "$JAIL" -f jail.conf -qr 9
	[ "$output" = "JID=9" ]
}

@test "no name: every jail of the file, dependencies first; -r stops dependents first" {
	cat > jail.conf <<CONF
path = "$ROOT";
persist;
exec.poststart = 'echo up \$JNAME';
exec.prestop = 'echo down \$JNAME';
web { depend = db, cache; host.hostname = web.example.org; }
cache { depend = db; }
db { }
CONF
	run "$JAIL" -f jail.conf -q -c
	[ "$output" = $'up db\nup cache\nup web' ]
	run "$JAIL" -f jail.conf -q -r web cache db
	[ "$output" = $'down web\ndown cache\ndown db' ]
}

@test "a dependency loop fails; one bad jail does not stop the others" {
	cat > jail.conf <<CONF
path = "$ROOT";
persist;
a { depend = b; }
b { depend = a; }
CONF
	run "$JAIL" -f jail.conf -c
	[ "$status" -eq 1 ]
	[[ "$output" == *"dependency loop"* ]]
	cat > jail.conf <<CONF
persist;
x { path = /nonexistent; }
y { path = "$ROOT"; }
CONF
	run "$JAIL" -f jail.conf -c
	[ "$status" -ne 0 ]
	[[ "$output" == *"jail: x: path '/nonexistent': No such file or directory"* ]]
	[[ "$output" == *"y: created"* ]]
}

@test "config errors read jail: FILE:LINE: JAIL: message and exit 1, as FreeBSD's" {
	printf 'a {\n  path = $nope;\n}\n' > bad.conf
	run "$JAIL" -f bad.conf -c
	[ "$status" -eq 1 ]
	[ "$output" = 'jail: bad.conf:2: a: path: variable "nope" not found' ]
	printf 'a { path = "/x" \n' > bad2.conf
	run "$JAIL" -f bad2.conf -c
	[ "$status" -eq 1 ]
	[[ "$output" == "jail: bad2.conf:"* ]]
	printf 'a { path = "%s"; persist; nosuch = 1; }\n' "$ROOT" > bad3.conf
	run "$JAIL" -f bad3.conf -c
	[ "$status" -eq 1 ]
	[ "$output" = "jail: bad3.conf:1: a: unknown parameter: nosuch" ]
	run "$JAIL" -f /nonexistent.conf -c
	[ "$status" -eq 1 ]
	[ "$output" = "jail: /nonexistent.conf: No such file or directory" ]
}

@test "-f - reads the configuration from standard input; .include brings in more" {
	mkdir -p jail.conf.d
	printf 'inc { path = "%s"; persist; host.hostname = from-include; }\n' "$ROOT" > jail.conf.d/inc.conf
	printf '.include "jail.conf.d/*.conf";\n' > jail.conf
	run "$JAIL" -f jail.conf -e ' '
	[ "$output" = "name=inc path=$ROOT persist host.hostname=from-include" ]
	run sh -c "printf 'si { path = \"$ROOT\"; persist; }\n' | '$JAIL' -f - -c si"
	[ "$output" = "si: created" ]
}

@test "boot: jail-rc start and stop, all jails or JAIL_LIST from /etc/default/jail" {
	local rc="$BATS_TEST_DIRNAME/../../scripts/jail-rc"
	cat > jail.conf <<CONF
path = "$ROOT";
persist;
a { }
b { depend = a; }
c { }
CONF
	printf 'JAIL_ENABLE=YES\nJAIL_CONF=%s\n' "$PWD/jail.conf" > default
	run env JAIL_DEFAULTS="$PWD/default" JAIL_BIN="$JAIL" "$rc" start
	[ "$status" -eq 0 ]
	[ "$output" = $'a: created\nb: created\nc: created' ]
	run env JAIL_DEFAULTS="$PWD/default" JAIL_BIN="$JAIL" "$rc" stop
	[ "$status" -eq 0 ]
	[ "$output" = $'c: removed\nb: removed\na: removed' ]
	printf 'JAIL_ENABLE=YES\nJAIL_CONF=%s\nJAIL_LIST="c"\n' "$PWD/jail.conf" > default
	run env JAIL_DEFAULTS="$PWD/default" JAIL_BIN="$JAIL" "$rc" start
	[ "$output" = "c: created" ]
	run env JAIL_DEFAULTS="$PWD/default" JAIL_BIN="$JAIL" "$rc" stop
	[ "$output" = "c: removed" ]
	printf 'JAIL_ENABLE=NO\n' > default
	run env JAIL_DEFAULTS="$PWD/default" JAIL_BIN="$JAIL" "$rc" start
	[ "$status" -eq 0 ]
	[[ "$output" == *"nothing to do"* ]]
}
