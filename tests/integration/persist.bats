#!/usr/bin/env bats
# Persistent jails: jail -c persist, jexec, jail -r, jail -m, the registry
# under concurrency, and FreeBSD's jail_basic_test cases that apply.

load ../lib/common

JEXEC=$BUILD/jexec

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; }
teardown() {
	"$JAIL" -q -r '*' 2>/dev/null || true
	assert_clean
}

init_pid() { python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['init_pid'])" "$JAIL_STATEDIR/$1.json"; }
jid_of() { readlink "$JAIL_STATEDIR/n.$1"; }

@test "persist: created at once, lives with only its init, removed by jail -r" {
	run "$JAIL" -c name=www path="$ROOT" host.hostname=www.example.org persist
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run "$JEXEC" www /bin/sh -c 'ps -o pid,comm | tail -n +2'
	[ "${lines[0]}" = "    1 init" ]
	run "$JAIL" -r www
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run "$JEXEC" www /bin/true
	[ "$status" -eq 1 ]
	[ "$output" = 'jexec: jail "www" not found' ]
}

@test "persist: -q is silent, -i prints only the JID" {
	run "$JAIL" -q -c name=q path="$ROOT" persist
	[ -z "$output" ]
	run "$JAIL" -i -c name=i path="$ROOT" persist
	[ "$output" = "$(jid_of i)" ]
	[[ "$output" =~ ^[0-9]+$ ]]
}

@test "JIDs: lowest free, names default to the JID" {
	"$JAIL" -q -c name=a path="$ROOT" persist
	"$JAIL" -q -c name=b path="$ROOT" persist
	"$JAIL" -q -c name=c path="$ROOT" persist
	[ "$(jid_of a)" = 1 ] && [ "$(jid_of b)" = 2 ] && [ "$(jid_of c)" = 3 ]
	"$JAIL" -q -r b
	run "$JAIL" -v -c path="$ROOT" persist
	[ "$(grep ': created$' <<<"$output")" = "2: created" ]
	run "$JAIL" -v -r 2
	[ "$(grep ': removed$' <<<"$output")" = "2: removed" ]
}

@test "a jail started with a command lives on with its daemons, and vanishes with the last" {
	run "$JAIL" -c name=d path="$ROOT" command=/bin/sh -c 'sleep 2 >/dev/null 2>&1 & echo started'
	[ "$status" -eq 0 ]
	[ "$output" = "started" ]
	# the daemon keeps it alive
	run "$JEXEC" d /bin/sh -c 'ps -o comm | grep -c sleep'
	[ "$output" = "1" ]
	# the daemon sleeps 2 s; then the jail goes with it
	wait_until 6 test ! -L "$JAIL_STATEDIR/n.d"
}

@test "jexec: by name and by JID, exit status, stdin and stdout" {
	"$JAIL" -q -c name=x path="$ROOT" host.hostname=x.example.org persist
	run "$JEXEC" x hostname
	[ "$output" = "x.example.org" ]
	run "$JEXEC" "$(jid_of x)" hostname
	[ "$output" = "x.example.org" ]
	run "$JEXEC" x /bin/sh -c 'exit 9'
	[ "$status" -eq 9 ]
	run "$JEXEC" x /bin/sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	[ "$(echo hello | "$JEXEC" x /bin/cat)" = "hello" ]
}

@test "jexec: -l, -U, -u, -d, -e and the user's shell when no command is given" {
	"$JAIL" -q -c name=x path="$ROOT" persist
	run env FOO=bar "$JEXEC" -l x /bin/sh -c 'echo "$FOO|$HOME|$USER"; pwd'
	[ "${lines[0]}" = "|/root|root" ]
	[ "${lines[1]}" = "/root" ]
	run "$JEXEC" -U user x /bin/id -u
	[ "$output" = "1000" ]
	run "$JEXEC" -u nobody x /bin/id -u
	[ "$output" = "65534" ]
	run "$JEXEC" -d /tmp x /bin/pwd
	[ "$output" = "/tmp" ]
	run "$JEXEC" -l -e FOO=1 -e HOME=/x x /bin/sh -c 'echo $FOO $HOME'
	[ "$output" = "1 /x" ]
	run "$JEXEC" -U nosuch x /bin/true
	[ "$status" -eq 1 ]
	[ "$output" = "jexec: user 'nosuch' not found in $ROOT/etc/passwd" ]
	run sh -c "echo 'echo \$0 in-shell' | '$JEXEC' x"
	[ "$output" = "/bin/sh in-shell" ]
	run "$JEXEC" x /nonexistent
	[ "$status" -eq 1 ]
	[ "$output" = "jexec: command '/nonexistent' not found in '$ROOT'" ]
}

@test "jexec: the same namespaces, cgroups, capabilities and seccomp as the jail" {
	"$JAIL" -q -c name=x path="$ROOT" persist
	local ip
	ip=$(init_pid "$(jid_of x)")
	for ns in mnt pid uts ipc net user cgroup; do
		[ "$("$JEXEC" x readlink /proc/self/ns/$ns)" = "$(readlink /proc/$ip/ns/$ns)" ] || { echo "$ns differs"; false; }
	done
	run "$JEXEC" x /bin/sh -c 'grep -E "^(CapEff|CapBnd|Seccomp):" /proc/self/status'
	[ "${lines[0]}" = "CapEff:	00000000a00c8dff" ]
	[ "${lines[1]}" = "CapBnd:	00000000a00c8dff" ]
	[ "${lines[2]}" = "Seccomp:	2" ]
	run "$JEXEC" x /bin/probe keyctl
	[ "$output" = "EPERM" ]
	run "$JEXEC" x /bin/sh -c 'cat /proc/self/cgroup | grep -c ":/$"'
	[ "$output" -ge 9 ]
}

@test "jexec: no host fd, a cwd inside the jail, and no way to the jexec process (CVE-2019-5736, CVE-2024-21626)" {
	"$JAIL" -q -c name=x path="$ROOT" persist
	exec 7</etc
	cd /tmp
	run "$JEXEC" x /bin/probe fds
	exec 7<&-
	[ "$output" = "0 1 2 " ]
	run "$JEXEC" x /bin/pwd
	[ "$output" = "/" ]
	# every process the jail can see is inside it; none is the host's jexec
	run "$JEXEC" x /bin/sh -c 'for p in /proc/[0-9]*; do readlink $p/exe; done | sort -u'
	[[ "$output" != *"jexec"* && "$output" != *"/build/"* ]]
	# the jexec'd process itself: a host process is not in its pid namespace
	run "$JEXEC" x /bin/sh -c 'ps -o pid,comm'
	[[ "$output" != *jexec* ]]
	[ "${#lines[@]}" -le 5 ]
}

@test "jail -r: SIGTERM first, waits stop.timeout, then kills what is left" {
	"$JAIL" -q -c name=x path="$ROOT" persist stop.timeout=1
	"$JEXEC" x /bin/sh -c 'trap "" TERM; sleep 100 >/dev/null 2>&1 &'
	"$JEXEC" x /bin/sh -c 'sleep 100 >/dev/null 2>&1 &'
	local start=$(date +%s%N)
	run "$JAIL" -r x
	local ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$status" -eq 0 ]
	[ "$ms" -ge 900 ]
	# killed processes leave /proc a moment after their namespace's init is gone
	wait_until 3 not jail_running '^sleep 100'
}

@test "jail -r: stop.timeout=0 skips SIGTERM; a fork loop does not escape" {
	"$JAIL" -q -c name=x path="$ROOT" persist stop.timeout=0
	"$JEXEC" x /bin/sh -c 'while :; do sleep 60 & done >/dev/null 2>&1 &'
	# the loop is forking
	wait_until 5 jail_running '^sleep 60'
	run "$JAIL" -r x
	[ "$status" -eq 0 ]
	wait_until 3 not jail_running '^sleep 60'
}

@test "kill -TERM -1 inside ends the jail's processes only; init stays in a persistent jail" {
	# a host process that must survive the jail's kill -1
	sleep 30 &
	local hostpid=$!
	"$JAIL" -q -c name=x path="$ROOT" persist
	"$JEXEC" x /bin/sh -c 'sleep 50 >/dev/null 2>&1 &'
	"$JEXEC" x /bin/sh -c 'kill -TERM -1' || true
	wait_until 3 not jail_running '^sleep 50'
	kill -0 $hostpid
	kill $hostpid
	run "$JEXEC" x /bin/sh -c 'ps -o comm | grep -c sleep || true'
	[ "$output" = "0" ]
	# jailed root cannot end a persistent jail by signalling its init
	"$JEXEC" x /bin/sh -c 'kill -TERM 1; kill -KILL 1' || true
	run "$JEXEC" x /bin/true
	[ "$status" -eq 0 ]
}

@test "killing the init from the host ends the jail; jail -r cleans up and the name is free again" {
	"$JAIL" -q -c name=x path="$ROOT" persist
	kill -KILL "$(init_pid "$(jid_of x)")"
	wait_until 3 not "$JEXEC" x /bin/true 2>/dev/null
	run "$JEXEC" x /bin/true
	[ "$status" -eq 1 ]
	run "$JAIL" -v -r x
	[ "$(grep ': removed$' <<<"$output")" = "x: removed" ]
	run "$JAIL" -c name=x path="$ROOT" persist
	[ "$status" -eq 0 ]
	"$JEXEC" x /bin/true
}

@test "jail -m: hostname at once, allow.* for later processes, securelevel up only, create-only refused" {
	"$JAIL" -q -c name=x path="$ROOT" host.hostname=a.example.org persist
	run "$JAIL" -m name=x host.hostname=b.example.org
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$("$JEXEC" x hostname)" = "b.example.org" ]
	run "$JEXEC" x /bin/probe sethostname
	[ "$output" = "EPERM" ]
	"$JAIL" -q -m name=x allow.set_hostname
	run "$JEXEC" x /bin/probe sethostname
	[ "$output" = "ok" ]
	run "$JAIL" -m name=x path=/
	[ "$status" -eq 1 ]
	[ "$output" = "jail: path cannot be changed after creation" ]
	"$JAIL" -q -m name=x securelevel=2
	run "$JAIL" -m name=x securelevel=1
	[ "$status" -eq 1 ]
	[[ "$output" == "jail: securelevel: cannot be lowered"* ]]
	run "$JAIL" -m name=nosuch persist
	[ "$status" -eq 1 ]
	[ "$output" = 'jail: "nosuch" not found' ]
}

@test "jail -m nopersist ends a jail with no processes" {
	"$JAIL" -q -c name=x path="$ROOT" persist
	"$JAIL" -q -m name=x nopersist
	wait_until 3 not "$JEXEC" x /bin/true 2>/dev/null
	run "$JEXEC" x /bin/true
	[ "$status" -eq 1 ]
	# and it is gone from the registry, not left dying
	[ ! -L "$JAIL_STATEDIR/n.x" ]
}

@test "-rc restarts, -mr restarts when a create-only parameter changes, -cm creates or modifies" {
	run "$JAIL" -v -cm name=x path="$ROOT" persist
	[ "$(grep -e ': created$' -e ': updated$' <<<"$output")" = "x: created" ]
	run "$JAIL" -v -cm name=x path="$ROOT" persist host.hostname=h1
	[ "$(grep -e ': created$' -e ': updated$' <<<"$output")" = "x: updated" ]
	local before=$(init_pid "$(jid_of x)")
	run "$JAIL" -v -rc name=x path="$ROOT" persist host.hostname=h2
	[ "$(grep -e ': removed$' -e ': created$' <<<"$output" | tr '\n' ' ')" = "x: removed x: created " ]
	[ "$(init_pid "$(jid_of x)")" != "$before" ]
	[ "$("$JEXEC" x hostname)" = "h2" ]
	run "$JAIL" -v -mr name=x sysvshm=disable
	[ "$(grep -e ': removed$' -e ': created$' <<<"$output" | tr '\n' ' ')" = "x: removed x: created " ]
	# -rc of a jail that does not run is "not found", as FreeBSD's restart
	run "$JAIL" -rc name=nosuch path="$ROOT" persist
	[ "$status" -eq 1 ]
	[ "$output" = 'jail: "nosuch" not found' ]
	[ "$("$JEXEC" x hostname)" = "h2" ]
	run "$JEXEC" x /bin/probe shmget
	[ "$output" = "EPERM" ]
}

@test "registry: 32 parallel create/remove cycles of distinct names" {
	local pids=()
	for i in $(seq 32); do
		( "$JAIL" -q -c name=p$i path="$ROOT" persist && "$JAIL" -q -r p$i ) &
		pids+=($!)
	done
	local fails=0
	for p in "${pids[@]}"; do wait $p || fails=$((fails + 1)); done
	[ "$fails" -eq 0 ]
	[ -z "$(ls "$JAIL_STATEDIR" | grep -v -e cache -e public)" ]
	[ -z "$(ls "$JAIL_STATEDIR/public" 2>/dev/null)" ]
}

@test "registry: 8 parallel creates of one name, exactly one wins" {
	local out="$BATS_TEST_TMPDIR/race"
	for i in $(seq 8); do
		"$JAIL" -v -c name=same path="$ROOT" persist 2>"$out.$i.err" | grep ': created$' >"$out.$i.out" &
	done
	wait
	[ "$(cat "$out".*.out | grep -c '^same: created$')" -eq 1 ]
	[ "$(cat "$out".*.err | grep -c '^jail: "same" already exists$')" -eq 7 ]
	[ "$(cat "$out".*.out "$out".*.err | wc -l)" -eq 8 ]
}

# FreeBSD usr.sbin/jail/tests/jail_basic_test.sh, "basic" (without ip4.addr,
# which needs the networking issue, and at 192.0.1.1 is not a documentation address)
@test "FreeBSD basic" {
	run "$JAIL" -c name=basejail persist
	[ "$status" -eq 0 ]
	run "$JAIL" -r basejail
	[ "$status" -eq 0 ]
	run "$JAIL" -c name=basejail persist
	[ "$status" -eq 0 ]
	run "$JAIL" -r "$(jid_of basejail)"
	[ "$status" -eq 0 ]
	run "$JAIL" -cm name=basejail persist
	[ "$status" -eq 0 ]
	run "$JAIL" -rc name=basejail persist
	[ "$status" -eq 0 ]
	run "$JAIL" -r basejail
	[ "$status" -eq 0 ]
}
