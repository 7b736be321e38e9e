#!/usr/bin/env bats
# FreeBSD fidelity (issue 11), each case checked against FreeBSD's jail.c,
# config.c, state.c, command.c, jaillex.l, jls.c and jexec.c: numeric names
# and JIDs, depend, -J / -u / exec.system_user / -d, messages and exit
# statuses, jail.conf corners.

load ../lib/common

JLS=$BUILD/jls
JEXEC=$BUILD/jexec

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; cd "$BATS_TEST_TMPDIR"; }
teardown() {
	"$JAIL" -q -R '*' 2>/dev/null || true
	assert_clean
}

# --- numeric names (kern_jail.c: "name cannot be numeric (unless it is the jid)") ---

@test "a numeric name is the JID: refused unless it is the jail's JID; a number finds a JID everywhere" {
	"$JAIL" -q -c name=other jid=2 path="$ROOT" host.hostname=other.example.org persist
	run "$JAIL" -c name=2 jid=3 path="$ROOT" persist
	[ "$status" -eq 1 ]
	[ "$output" = "jail: 2: name cannot be numeric (unless it is the jid)" ]
	run "$JAIL" -c name=02 path="$ROOT" persist
	[ "$status" -eq 1 ]
	[[ "$output" == *"name cannot be numeric (unless it is the jid)" ]]
	# name=2 means JID 2, which is other's
	run "$JAIL" -c name=2 path="$ROOT" persist
	[ "$status" -eq 1 ]
	[ "$output" = 'jail: "2" already exists' ]
	# jls -j, jexec and jail -r all take 2 as the JID
	[ "$("$JLS" -j 2 name)" = "other" ]
	[ "$("$JEXEC" 2 hostname)" = "other.example.org" ]
	"$JAIL" -r 2
	run "$JLS" -j other
	[ "$status" -eq 1 ]
	# a numeric name without jid= takes that JID, as FreeBSD's kernel does
	"$JAIL" -q -c name=7 path="$ROOT" persist
	[ "$("$JLS" -j 7 jid name)" = "7 7" ]
	"$JAIL" -q -r 7
}

@test "JIDs above FreeBSD's limit (999999) are refused at creation" {
	run "$JAIL" -c jid=1000000 path="$ROOT" persist
	[ "$status" -eq 1 ]
	[ "$output" = "jail: jid: 1000000: above the limit of 999999" ]
	run "$JAIL" -c name=1000000 path="$ROOT" persist
	[ "$status" -eq 1 ]
	"$JAIL" -q -c jid=999999 name=top path="$ROOT" persist
	[ "$("$JLS" -j 999999 name)" = "top" ]
	[ "$("$JEXEC" 999999 hostname)" = "$(hostname)" ]
}

# --- messages (jail.c jail_quoted_warnx, jexec.c, jls.c) ---

@test "not found: jail -r and -m say \"x\" not found; jexec says jail_attach(N) for a JID, jls says jail N" {
	run "$JAIL" -r nosuch
	[ "$status" -eq 1 ]
	[ "$output" = 'jail: "nosuch" not found' ]
	run "$JAIL" -r 99
	[ "$output" = 'jail: "99" not found' ]
	run "$JAIL" -m name=nosuch persist
	[ "$output" = 'jail: "nosuch" not found' ]
	run "$JEXEC" 99 /bin/true
	[ "$status" -eq 1 ]
	[ "$output" = 'jexec: jail_attach(99): Invalid argument' ]
	run "$JEXEC" nosuch /bin/true
	[ "$output" = 'jexec: jail "nosuch" not found' ]
	run "$JLS" -j 99
	[ "${lines[-1]}" = 'jls: jail 99 not found' ]
	run "$JLS" -j nosuch
	[ "${lines[-1]}" = 'jls: jail "nosuch" not found' ]
}

@test "a jail nothing keeps: FreeBSD's kernel message, with the name when there is one" {
	run "$JAIL" -c name=nc path="$ROOT"
	[ "$status" -eq 1 ]
	[ "$output" = "jail: nc: new jail must persist or attach" ]
	run "$JAIL" -c path="$ROOT"
	[ "$output" = "jail: new jail must persist or attach" ]
}

# --- depend (state.c) ---

dependconf() {
	cat > jail.conf <<CONF
path = "$ROOT";
persist;
exec.prestop = 'echo stop \$JNAME';
db { }
web { depend = db; }
cache { depend = db; }
other { }
CONF
}

@test "depend: a dependency that runs is skipped without a word; the whole file starts what does not run" {
	dependconf
	"$JAIL" -f jail.conf -q -c db
	run "$JAIL" -f jail.conf -c web
	[ "$status" -eq 0 ]
	[ "$output" = "web: created" ]
	run "$JAIL" -f jail.conf -c
	[ "$status" -eq 0 ]
	[ "$output" = $'cache: created\nother: created' ]
	# a jail named outright that runs is an error
	run "$JAIL" -f jail.conf -c db
	[ "$status" -eq 1 ]
	[ "$output" = 'jail: "db" already exists' ]
}

@test "depend: jail -r db stops the jails that depend on db first" {
	dependconf
	"$JAIL" -f jail.conf -q -c
	run "$JAIL" -f jail.conf -r db
	[ "$status" -eq 0 ]
	[ "$output" = $'stop cache\ncache: removed\nstop web\nweb: removed\nstop db\ndb: removed' ]
	"$JLS" -j other >/dev/null
	# what depends on a jail and does not run is passed over
	"$JAIL" -f jail.conf -q -c db
	run "$JAIL" -f jail.conf -q -r db
	[ "$status" -eq 0 ]
	[ "$output" = "stop db" ]
}

@test "depend: a loop fails only the jails in and behind it; undefined names fail their jail" {
	cat > jail.conf <<CONF
path = "$ROOT";
persist;
a { depend = b; }
b { depend = a; }
behind { depend = b; }
c { }
d { depend = nope; }
CONF
	run "$JAIL" -f jail.conf -c
	[ "$status" -eq 1 ]
	[[ "$output" == *"c: created"* ]]
	[[ "$output" == *"jail: a: dependency loop"* ]]
	[[ "$output" == *"jail: b: skipped"* ]]
	[[ "$output" == *"jail: behind: skipped"* ]]
	[[ "$output" == *'jail: d: depends on undefined jail "nope"'* ]]
	[ "$(grep -c created <<<"$output")" -eq 1 ]
	"$JLS" -j c >/dev/null
	run "$JLS" -j a
	[ "$status" -eq 1 ]
}

# --- -J, -u, exec.system_user, exec.system_jail_user, -d (jail.c, command.c) ---

@test "-J jid_file: jid= and the parameters as given, quoted as jail.c's print_jail; the legacy form's tab line" {
	"$JAIL" -J jids -c name=j path="$ROOT" persist host.hostname="a b" exec.prestart="echo x" >/dev/null
	[ "$(cat jids)" = "jid=1 name=j path=$ROOT persist host.hostname=\"a b\" exec.prestart=\"echo x\"" ]
	"$JAIL" -q -r j
	"$JAIL" -J legacy "$ROOT" legacy.example.org "" /bin/echo hi >/dev/null
	[ "$(cat legacy)" = "$(printf '1\t%s\tlegacy.example.org\t\t/bin/echo hi' "$ROOT")" ]
	printf 'cj { path = "%s"; persist; }\n' "$ROOT" > jail.conf
	"$JAIL" -f jail.conf -J conf -q -c
	[ "$(cat conf)" = "jid=1 name=cj path=$ROOT persist" ]
	run "$JAIL" -J /nonexistent/dir/f -c name=j path="$ROOT" persist
	[ "$status" -eq 1 ]
	[ "$output" = "jail: open /nonexistent/dir/f: No such file or directory" ]
	run "$JLS" -j j
	[ "$status" -eq 1 ]
}

@test "-u / exec.system_jail_user: the user of the host's passwd, by its uid in the jail; -U the jail's" {
	getent passwd daemon >/dev/null || skip "no host user daemon"
	local uid gid
	uid=$(id -u daemon)
	gid=$(id -g daemon)
	run "$JAIL" -u daemon -c path="$ROOT" command=/bin/sh -c 'id -u; id -g'
	[ "$status" -eq 0 ]
	[ "$output" = "$uid"$'\n'"$gid" ]
	run "$JAIL" -c path="$ROOT" exec.jail_user=daemon exec.system_jail_user command=/bin/id -u
	[ "$output" = "$uid" ]
	run "$JAIL" -U daemon -c path="$ROOT" command=/bin/id -u
	[ "$status" -eq 1 ]
	[ "$output" = "jail: user 'daemon' not found in $ROOT/etc/passwd" ]
	run "$JAIL" -u nosuchuser -c path="$ROOT" command=/bin/true
	[ "$status" -eq 1 ]
	[ "$output" = "jail: nosuchuser: no such user" ]
	# exec.start in the jail as the host's user too
	run "$JAIL" -c name=s path="$ROOT" persist exec.jail_user=daemon exec.system_jail_user exec.start='/bin/id -u'
	[ "$output" = "$uid" ]
}

@test "exec.system_user: host commands run as that host user; commands in the jail do not" {
	getent passwd daemon >/dev/null || skip "no host user daemon"
	run "$JAIL" -c name=su path="$ROOT" persist exec.system_user=daemon \
		exec.prestart='id -un' exec.poststart='echo $USER $HOME' exec.start='/bin/id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "daemon" ]
	[ "${lines[1]}" = "0" ]
	[ "${lines[2]}" = "daemon $(getent passwd daemon | cut -d: -f6)" ]
	run "$JAIL" -q -c name=su2 path="$ROOT" persist exec.system_user=nosuchuser exec.prestart=true
	[ "$status" -eq 1 ]
	[ "$output" = "jail: su2: nosuchuser: no such user" ]
}

@test "exec.clean cleans the environment of host commands too (command.c): no caller variables, home as cwd" {
	run env FOO=bar TERM=vt100 "$JAIL" -q -l -c name=cl path="$ROOT" persist exec.prestart='env' exec.poststart='pwd'
	[ "$status" -eq 0 ]
	[[ "$output" != *FOO=* ]]
	[[ "$output" != *JID=* ]]
	[[ "$output" == *"PATH=/sbin:/bin:/usr/sbin:/usr/bin"* ]]
	[[ "$output" == *"TERM=vt100"* ]]
	[[ "$output" == *"USER=root"* ]]
	[[ "$output" == *"HOME=/root"* ]]
	[ "$(grep -c = <<<"$output")" -eq 6 ]
	[ "${lines[-1]}" = "/root" ]
}

@test "-d: a dying jail (its processes gone, its record left) is replaced by a new one of its name, as FreeBSD does" {
	"$JAIL" -q -c name=dy path="$ROOT" persist
	local jid
	jid=$(readlink "$JAIL_STATEDIR/n.dy")
	kill -KILL "$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['init_pid'])" "$JAIL_STATEDIR/$jid.json")"
	for i in $(seq 40); do "$JLS" -d -j dy dying 2>/dev/null | grep -q true && break; sleep 0.05; done
	[ "$("$JLS" -d -j dy dying)" = "true" ]
	run "$JAIL" -d -c name=dy path="$ROOT" persist
	[ "$status" -eq 0 ]
	[ "$("$JLS" -j dy dying)" = "false" ]
	[ "$("$JEXEC" dy /bin/echo alive)" = "alive" ]
	[ "$("$JLS" -j dy allow.dying)" = "true" ]
}

# --- jail.conf (jaillex.l, config.c) ---

@test "an unquoted wildcard block a.* { } parses; jail -e warns of an undefined variable as FreeBSD does" {
	cat > jail.conf <<'CONF'
a.* { persist; }
* { host.hostname = "h.$name"; }
a { path = /; }
a.b { path = $nope; }
CONF
	bats_require_minimum_version 1.5.0
	run --separate-stderr "$JAIL" -f jail.conf -e ' '
	[ "$status" -eq 0 ]
	[ "$output" = $'name=a host.hostname=h.a path=/\nname=a.b persist host.hostname=h.a.b path=""' ]
	[ "$stderr" = 'jail: jail.conf:4: a.b: path: variable "nope" not found' ]
}
