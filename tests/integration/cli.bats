#!/usr/bin/env bats
# jail -c and the legacy form: parameters, exit statuses, signals, terminal,
# environment, users, and the one-line errors with nothing left behind.

load ../lib/common

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown_file() { common_teardown_file; }
teardown() { assert_clean; }

@test "exit status of the command is jail's; nothing else is printed" {
	run jrun -- /bin/sh -c 'exit 7'
	[ "$status" -eq 7 ]
	[ -z "$output" ]
	run jrun -- /bin/true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "a command killed by signal N gives 128+N" {
	run jrun -- /bin/sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
	run jrun -- /bin/sh -c 'kill -SEGV $$'
	[ "$status" -eq 139 ]
}

@test "-v reports each step, created and removed, as FreeBSD's jail_note: NAME: text on stdout" {
	"$JAIL" -v -c name=verb path="$ROOT" exec.prestart="echo pre" command=/bin/echo hi \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	run cat "$BATS_TEST_TMPDIR/out"
	# the steps in table order, each command run, the jail's own output, then its end
	[ "${lines[0]}" = "verb: create: registry" ]
	grep -qx 'verb: create: cgroup' <<<"$output"
	grep -qx 'verb: run command: echo pre' <<<"$output"
	grep -qx 'verb: run command in jail: /bin/echo hi' <<<"$output"
	line() { grep -nx "$1" <<<"$output" | head -1 | cut -d: -f1; }
	[ "$(line 'verb: created')" -gt "$(line 'verb: create: start')" ]
	[ "$(line 'hi')" -gt "$(line 'verb: created')" ]
	[ "${lines[-1]}" = "verb: removed" ]
	[ "$(grep -c ': created$' <<<"$output")" -eq 1 ]
	# without -v a jail of the command line says nothing but its command's output (FreeBSD)
	run "$JAIL" -c name=verb path="$ROOT" command=/bin/echo hi
	[ "$output" = "hi" ]
}

@test "command= takes the rest of argv" {
	run "$JAIL" -c path="$ROOT" command=/bin/echo a "b c" -x name=notaparam
	[ "$output" = "a b c -x name=notaparam" ]
}

@test "a command found through PATH inside the jail" {
	run jrun -- echo found
	[ "$output" = "found" ]
}

@test "SIGINT, SIGTERM and SIGHUP sent to jail reach the jailed program" {
	for sig in INT TERM HUP; do
		# a background job of a script starts with SIGINT ignored: undo that for the test
		env --default-signal "$JAIL" -c path="$ROOT" command=/bin/sh -c "trap 'echo got-$sig; kill \$!; exit 3' $sig; sleep 5 & wait" > "$BATS_TEST_TMPDIR/out" &
		local pid=$!
		# the trap is set once the shell has started its sleep
		wait_until 5 jail_running '^sleep 5'
		kill -$sig $pid
		wait $pid && st=0 || st=$?
		[ "$st" -eq 3 ] || { echo "$sig: status $st"; false; }
		[ "$(cat "$BATS_TEST_TMPDIR/out")" = "got-$sig" ]
		wait_until 3 not jail_running '^sleep 5'
	done
}

@test "a command that ignores nothing dies of the forwarded signal: 128+N" {
	"$JAIL" -c path="$ROOT" command=/bin/sleep 10 &
	local pid=$!
	wait_until 5 jail_running '^/bin/sleep 10'
	kill -TERM $pid
	wait $pid && st=0 || st=$?
	[ "$st" -eq 143 ]
}

@test "terminal: the jailed shell gets a terminal of its own with job control" {
	command -v script >/dev/null || skip "script(1) missing"
	# (the sleep 0.1 is the background job under test)
	run script -qec "$JAIL -c path=$ROOT command=/bin/sh -c 'tty; test -t 0 && echo TTY; set -m; sleep 0.1 & jobs; wait; echo pgrp-ok'" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"TTY"* ]]
	[[ "$output" == *"pgrp-ok"* ]]
	# the host terminal is not passed in: no TIOCSTI into it either
	run script -qec "$JAIL -c path=$ROOT command=/bin/probe tiocsti" /dev/null
	[[ "$output" == *EPERM* ]]
}

@test "exec.clean (-l): HOME, SHELL, USER, PATH, TERM only, cwd is home" {
	run env FOO=bar TERM=vt100 "$JAIL" -l -c path="$ROOT" command=/bin/sh -c 'env | sort | grep -v "^PWD=\|^SHLVL=\|^_="; pwd'
	[ "$status" -eq 0 ]
	[[ "$output" != *FOO* ]]
	[[ "$output" == *"HOME=/root"* ]]
	[[ "$output" == *"USER=root"* ]]
	[[ "$output" == *"SHELL=/bin/sh"* ]]
	[[ "$output" == *"TERM=vt100"* ]]
	[[ "$output" == *"PATH=/sbin:/bin:/usr/sbin:/usr/bin"* ]]
	[ "${lines[-1]}" = "/root" ]
	# without it the caller's environment passes, cwd is the jail's /
	run env FOO=bar "$JAIL" -c path="$ROOT" command=/bin/sh -c 'echo $FOO; pwd'
	[ "${lines[0]}" = "bar" ]
	[ "${lines[1]}" = "/" ]
}

@test "exec.jail_user / -U run the command as a user of the jail's passwd" {
	run "$JAIL" -U user -c path="$ROOT" command=/bin/id
	[ "$output" = "uid=1000(user) gid=1000(user) groups=10(wheel),1000(user)" ]
	run jrun exec.jail_user=nobody -- /bin/id -u
	[ "$output" = "65534" ]
}

@test "legacy form: path hostname ip command" {
	run "$JAIL" "$ROOT" legacy.example.org "" /bin/hostname
	[ "$status" -eq 0 ]
	[ "$output" = "legacy.example.org" ]
	run "$JAIL" -n leg -s 2 -l -U user "$ROOT" h2 "" /bin/sh -c 'id -u; pwd'
	[ "${lines[0]}" = "1000" ]
	[ "${lines[1]}" = "/home/user" ]
}

@test "booleans: FreeBSD spellings" {
	run jrun allow.set_hostname=true -- /bin/hostname x
	[ "$status" -eq 0 ]
	run jrun allow.set_hostname=1 -- /bin/hostname x
	[ "$status" -eq 0 ]
	run jrun allow.set_hostname allow.noset_hostname -- /bin/probe sethostname
	[ "$output" = "EPERM" ]
	run jrun allow.set_hostname=FALSE -- /bin/probe sethostname
	[ "$output" = "EPERM" ]
	run jrun mount.noprocfs -- /bin/sh -c 'ls /proc | wc -l'
	[ "$output" = "0" ]
	run jrun mount.nodevfs -- /bin/sh -c 'ls /dev | wc -l'
	[ "$output" = "0" ]
	run jrun nopersist -- /bin/true
	[ "$status" -eq 0 ]
}

@test "errors: one line, exit 1, for each bad input" {
	run "$JAIL" -c path="$ROOT" nosuchparam=1 command=/bin/true
	[ "$status" -eq 1 ]; [ "$output" = "jail: unknown parameter: nosuchparam" ]
	run "$JAIL" -c path="$ROOT" allow.mount=maybe command=/bin/true
	[ "$status" -eq 1 ]; [ "$output" = 'jail: allow.mount: unknown boolean value "maybe"' ]
	run "$JAIL" -c path="$ROOT" securelevel=abc command=/bin/true
	[ "$status" -eq 1 ]; [ "$output" = 'jail: securelevel: invalid integer "abc"' ]
	run "$JAIL" -c path="$ROOT" ip4=sometimes command=/bin/true
	[ "$status" -eq 1 ]; [ "$output" = 'jail: ip4: invalid value "sometimes" (new, inherit or disable)' ]
	run "$JAIL" -c path=relative/dir command=/bin/true
	[ "$status" -eq 1 ]; [ "$output" = "jail: path: 'relative/dir': not an absolute path" ]
	run "$JAIL" -c name=www path=/srv/nonexistent-$$ command=/bin/true
	[ "$status" -eq 1 ]; [ "$output" = "jail: www: path '/srv/nonexistent-$$': No such file or directory" ]
	run "$JAIL" -c name=www path="$ROOT" command=/usr/sbin/nginx
	[ "$status" -eq 1 ]; [ "$output" = "jail: www: command '/usr/sbin/nginx' not found in '$ROOT'" ]
	run "$JAIL" -c name=www path="$ROOT" exec.jail_user=nosuchuser command=/bin/true
	[ "$status" -eq 1 ]; [ "$output" = "jail: www: user 'nosuchuser' not found in $ROOT/etc/passwd" ]
	run "$JAIL" -c name=www path="$ROOT" allow.read_msgbuf command=/bin/true
	[ "$status" -eq 1 ]; [[ "$output" == "jail: www: allow.read_msgbuf: cannot be granted on Linux"* ]]
	run "$JAIL" -c name=a.b path="$ROOT" command=/bin/true
	[ "$status" -eq 1 ]; [[ "$output" == "jail: name: 'a.b': child jails"* ]]
	run "$JAIL" -c name=www path="$ROOT" sysvshm=new sysvmsg=inherit command=/bin/true
	[ "$status" -eq 1 ]; [[ "$output" == "jail: www: sysvmsg=inherit sysvsem=new sysvshm=new: Linux has one IPC namespace"* ]]
}

@test "errors: not root" {
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$JAIL" -c path="$ROOT" command=/bin/true
	[ "$status" -eq 1 ]
	[ "$output" = "jail: must be run as root (creating a jail needs host privileges)" ]
}

@test "errors: usage gives exit 1, as FreeBSD's jail, jls and jexec (scripts test \$? -eq 1)" {
	run "$JAIL"
	[ "$status" -eq 1 ]
	[[ "$output" == usage:* ]]
	run "$JAIL" -Z
	[ "$status" -eq 1 ]
	run "$JAIL" -r name=x
	[ "$status" -eq 1 ]
	[[ "$output" == usage:* ]]
	run "$BUILD/jls" -Z
	[ "$status" -eq 1 ]
	[[ "$output" == *usage:* ]]
	run "$BUILD/jexec"
	[ "$status" -eq 1 ]
	[[ "$output" == usage:* ]]
}

@test "errors: a name in use is refused and the other jail is untouched" {
	"$JAIL" -c name=busy path="$ROOT" command=/bin/sleep 3 &
	local pid=$!
	busy_up() { "$BUILD/jls" -j busy >/dev/null 2>&1; }
	wait_until 5 busy_up
	run "$JAIL" -c name=busy path="$ROOT" command=/bin/true
	kill -0 $pid
	local alive=$?
	kill $pid; wait $pid || true
	[ "$status" -eq 1 ]
	[ "$output" = 'jail: "busy" already exists' ]
	[ "$alive" -eq 0 ]
}

@test "failure at any step leaves nothing behind" {
	for step in registry cgroup maps root priv; do
		run env JAIL_FAULT=$step "$JAIL" -c name=ft path="$ROOT" command=/bin/sleep 5
		[ "$status" -eq 1 ] || { echo "$step: status $status"; false; }
		[ "$output" = "jail: ft: $step: injected failure (JAIL_FAULT)" ] || { echo "$step: $output"; false; }
		# (assert_clean also finds any process left running in $ROOT)
		assert_clean || { echo "after $step"; false; }
	done
}

@test "the privilege table in jail.8 is the one the code applies" {
	"$JAIL" --privileges=man > "$BATS_TEST_TMPDIR/table"
	sed -n '/^\.\\" BEGIN PRIVILEGES/,/^\.\\" END PRIVILEGES/p' "$BATS_TEST_DIRNAME/../../man/jail.8" | sed '1d;$d' > "$BATS_TEST_TMPDIR/man"
	[ -s "$BATS_TEST_TMPDIR/table" ]
	diff -u "$BATS_TEST_TMPDIR/table" "$BATS_TEST_TMPDIR/man"
}

@test "preflight: a root that cannot work is refused with one line per missing piece, before anything is made" {
	local bad="$BATS_TEST_TMPDIR/bad"
	mkdir -p "$bad/bin"
	cp /usr/bin/ls "$bad/bin/ls"
	run "$JAIL" -c name=bad path="$bad" command=/bin/ls
	[ "$status" -eq 1 ]
	[[ "$output" == *"jail: bad: /dev: missing (mount point for mount.devfs)"* ]]
	[[ "$output" == *"jail: bad: /proc: missing (mount point for mount.procfs)"* ]]
	[[ "$output" == *"jail: bad: libc.so.6: missing (needed by /bin/ls)"* ]]
	[[ "$output" == *"program interpreter of /bin/ls"* ]]
	[ "$(echo "$output" | grep -vc '^jail: bad: ')" -eq 0 ]
	[ ! -L "$JAIL_STATEDIR/n.bad" ]
}
