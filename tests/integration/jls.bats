#!/usr/bin/env bats
# jls on real jails: FreeBSD's layouts byte for byte, parameters and their
# quoting, -s fed back to jail -c, not-found messages and exit statuses, -c,
# --libxo json, -p (processes with host and jail pids), and listing speed.
# Jails run "sleep 30" in the background and are stopped by PID at the end.

load ../lib/common

JLS=$BUILD/jls

setup_file() { common_setup_file; }
setup() {
	common_setup
	mkdir -p "$JAIL_STATEDIR"
	: > "$BATS_TEST_TMPDIR/pids"
	: > "$BATS_TEST_TMPDIR/names"
}
teardown() {
	stop_all
	# A jail kept up by a process entered with jexec outlives its creator: remove it.
	local n
	while read -r n; do
		[ -L "$JAIL_STATEDIR/n.$n" ] && "$JAIL" -q -r "$n" >/dev/null 2>&1
	done < "$BATS_TEST_TMPDIR/names"
	local l
	for l in "$JAIL_STATEDIR"/n.fake*; do
		[ -L "$l" ] && rm -f "$JAIL_STATEDIR/$(readlink "$l").json" "$l"
	done
	local rc=0
	assert_jls_clean || rc=1
	[ -z "${PUBDIR:-}" ] || rm -rf "$PUBDIR"
	return $rc
}

# Nothing of this test's jails remains. (Only our names: other jails may be
# running on the machine meanwhile, and their cgroups are not our leftovers.)
assert_jls_clean() {
	local n p cg st
	while read -r n; do
		cg=$(jail_cgroups | grep -E "/jail\.$n(\.[0-9a-f]{8})?\$" || true)
		[ -z "$cg" ] || { echo "leftover cgroups: $cg"; return 1; }
	done < "$BATS_TEST_TMPDIR/names"
	# public/ (what jls shows any user) may stay, empty
	st=$( (ls -A "$JAIL_STATEDIR"; ls -A "$JAIL_STATEDIR/public" | sed 's|^|public/|') 2>/dev/null |
		grep -v -e '^cache$' -e '^\.lock$' -e '^public$' || true)
	[ -z "$st" ] || { echo "leftover state: $st"; return 1; }
	while read -r p; do
		if kill -0 "$p" 2>/dev/null; then echo "leftover process $p"; return 1; fi
	done < "$BATS_TEST_TMPDIR/pids"
	if ! wait_until 3 no_jail_processes; then echo "leftover processes: $(jail_processes)"; return 1; fi
}
teardown_file() { common_teardown_file; }

# start_jail NAME [param=value...]: a jail running sleep 30, listed once it is up.
start_jail() {
	local name=$1
	shift
	echo "$name" >> "$BATS_TEST_TMPDIR/names"
	"$JAIL" -c name="$name" path="$ROOT" "$@" command=/bin/sleep 30 </dev/null >/dev/null 2>&1 3>&- &
	echo $! >> "$BATS_TEST_TMPDIR/pids"
	listed() { [ -L "$JAIL_STATEDIR/n.$name" ] && "$JLS" -c -j "$name"; }
	wait_until 10 listed || { echo "jail $name did not come up"; return 1; }
}

# Stop every jail and helper this test started, by PID, and wait until gone.
stop_all() {
	local p
	while read -r p; do kill -TERM "$p" 2>/dev/null || true; done < "$BATS_TEST_TMPDIR/pids"
	while read -r p; do
		wait_until 10 not kill -0 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done < "$BATS_TEST_TMPDIR/pids"
}

# A registry entry whose "init" is a host process we start: lets the tests
# show addresses (not implemented in jail -c yet), dying jails and 200 jails.
# fake_state FILE-JID NAME INIT_PID INIT_START EXTRA-PARAMS-JSON
fake_state() {
	local jid=$1 name=$2 pid=$3 start=$4 extra=$5
	printf '{"jid":%d,"name":"%s","init_pid":%d,"init_start":%s,"creator_pid":0,"creator_start":0,"cgroup_leaf":"","cgroup_parent":"","params":{"path":["/srv/%s"],"host.hostname":["%s.example.org"]%s}}\n' \
		"$jid" "$name" "$pid" "$start" "$name" "$name" "$extra" > "$JAIL_STATEDIR/$jid.json"
	ln -sf "$jid" "$JAIL_STATEDIR/n.$name"
}

remove_fake() {
	local jid=$1 name=$2
	rm -f "$JAIL_STATEDIR/$jid.json" "$JAIL_STATEDIR/n.$name"
}

# A host process to stand in for a fake jail's init; prints "PID START".
host_init() {
	sleep 60 </dev/null >/dev/null 2>&1 3>&- &
	echo $! >> "$BATS_TEST_TMPDIR/pids"
	echo "$! $(awk '{print $22}' /proc/$!/stat)"
}

@test "default layout, byte for byte, with long paths cut at 74 columns" {
	start_jail jlsalpha host.hostname=alpha.example.org
	start_jail jlsbeta host.hostname=a-hostname-longer-than-twenty-nine-columns
	run --separate-stderr "$JLS"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "   JID  IP Address      Hostname                      Path" ]
	[ "${lines[1]}" = "     1                  alpha.example.org             ${ROOT:0:74}" ]
	[ "${lines[2]}" = "     2                  a-hostname-longer-than-twenty ${ROOT:0:74}" ]
	run "$JLS" -N
	[ "${lines[0]}" = " JID             IP Address      Hostname                      Path" ]
	[ "${lines[1]}" = " jlsalpha                        alpha.example.org             ${ROOT:0:74}" ]
}

@test "-v layout, byte for byte" {
	start_jail jlsgamma host.hostname=gamma
	run --separate-stderr "$JLS" -v
	[ "$status" -eq 0 ]
	[ "$output" = "   JID  Hostname                      Path
        Name                          State
        CPUSetID
        IP Address(es)
     1  gamma                         ${ROOT:0:74}
        jlsgamma                      ACTIVE
        0" ]
}

@test "addresses in the default and -v layouts; dying jails only with -d" {
	read -r ipid istart < <(host_init)
	fake_state 41 fakeip "$ipid" "$istart" ',"ip4.addr":["192.0.2.1","192.0.2.2"],"ip6.addr":["2001:db8::7"]'
	# An init that is gone: the jail is dying (jail -r would clean it up).
	fake_state 42 fakedead 999999 1 ''
	run "$JLS"
	[ "$output" = "   JID  IP Address      Hostname                      Path
    41  192.0.2.1       fakeip.example.org            /srv/fakeip" ]
	run "$JLS" -v -j fakeip
	[ "$output" = "   JID  Hostname                      Path
        Name                          State
        CPUSetID
        IP Address(es)
    41  fakeip.example.org            /srv/fakeip
        fakeip                        ACTIVE
        0
        192.0.2.1
        192.0.2.2
        2001:db8::7" ]
	run "$JLS" -d -v
	[ "${lines[10]}" = "    42  fakedead.example.org          /srv/fakedead" ]
	[ "${lines[11]}" = "        fakedead                      DYING" ]
	run "$JLS" -d jid dying
	[ "$output" = "41 false
42 true" ]
	run --separate-stderr "$JLS" -j fakedead
	[ "$status" -eq 1 ]
	[ "$stderr" = 'jls: jail "fakedead" is dying' ]
	run --separate-stderr "$JLS" -j 42
	[ "$stderr" = 'jls: jail 42 is dying' ]
	run "$JLS" -c -j fakedead
	[ "$status" -eq 1 ]
	run "$JLS" -c -d -j fakedead
	[ "$status" -eq 0 ]
	remove_fake 41 fakeip
	remove_fake 42 fakedead
}

@test "parameters: values, empty ones, -h, -n, -q" {
	start_jail jlsdelta "host.hostname=with space" "meta=it's" allow.raw_sockets
	run "$JLS" -j jlsdelta jid name host.hostname meta env ip4.addr persist allow.raw_sockets
	[ "$output" = "1 jlsdelta with space it's \"\" - false true" ]
	run "$JLS" -q -j jlsdelta host.hostname meta env ip4.addr path
	[ "$output" = "\"with space\" \"it's\" \"\" \"\" $ROOT" ]
	run "$JLS" -n -j jlsdelta name ip4.addr persist allow.raw_sockets allow.mount
	[ "$output" = "name=jlsdelta ip4.addr= nopersist allow.raw_sockets allow.nomount" ]
	run "$JLS" -h -j jlsdelta jid name
	[ "$output" = "jid name
1 jlsdelta" ]
	# all: every jail parameter, top-level names first
	run "$JLS" -h -j jlsdelta
	[[ "${lines[0]}" == "devfs_ruleset dying enforce_statfs env host ip4 ip6 jid meta name parent path persist "* ]]
	[[ "${lines[0]}" == *" allow.raw_sockets "* ]]
	[[ "${lines[0]}" != *command* ]]
	run "$JLS" -n -j jlsdelta
	[[ "$output" == *" jid=1 "* ]]
	[[ "$output" == *" host.hostname=with space "* ]]
	[[ "$output" == *" nodying "* ]]
}

@test "-s prints what jail -c takes back: an equivalent jail" {
	start_jail jlsepsilon "host.hostname=round trip" securelevel=2 allow.raw_sockets "meta=say \"hi\""
	run "$JLS" -s -j jlsepsilon
	[ "$status" -eq 0 ]
	local s=$output
	[[ "$s" == *'host.hostname="round trip"'* ]]
	[[ "$s" == *"meta='say \"hi\"'"* ]]
	[[ "$s" == *" securelevel=2 "* ]]
	[[ "$s" == *" allow.raw_sockets "* ]]
	# nothing read-only, nothing of jail(8)'s own, no address of a jail without them
	local w
	for w in $s; do
		case "${w%%=*}" in
		dying | nodying | parent | children.cur | cpuset.id | command | exec.* | mount.* | ip4.addr | ip6.addr | cgroup.parent)
			echo "-s printed $w"
			false
			;;
		esac
	done
	stop_all
	: > "$BATS_TEST_TMPDIR/pids"
	eval "run \"\$JAIL\" -c $s command=/bin/sh -c 'hostname; cat /proc/sys/kernel/hostname'"
	[ "$status" -eq 0 ]
	[ "$output" = "round trip
round trip" ]
}

@test "a missing jail: message on stderr, exit 1; -c answers by status only" {
	start_jail jlszeta
	run --separate-stderr "$JLS" -j nosuch
	[ "$status" -eq 1 ]
	[ "$stderr" = 'jls: jail "nosuch" not found' ]
	[ "$output" = "   JID  IP Address      Hostname                      Path" ]
	run --separate-stderr "$JLS" -j 77 name
	[ "$status" -eq 1 ]
	[ "$stderr" = 'jls: jail 77 not found' ]
	run --separate-stderr "$JLS" -c -j jlszeta
	[ "$status" -eq 0 ]
	[ -z "$output" ] && [ -z "$stderr" ]
	run --separate-stderr "$JLS" -c -j 1
	[ "$status" -eq 0 ]
	run --separate-stderr "$JLS" -c -j nosuch
	[ "$status" -eq 1 ]
	[ -z "$output" ] && [ -z "$stderr" ]
	run --separate-stderr "$JLS" -c
	[ "$status" -eq 1 ]
	[[ "$stderr" == "usage: jls "* ]]
	run "$JLS" -c -v -j jlszeta
	[ "$status" -eq 1 ]
	run "$JLS" -x
	[ "$status" -eq 1 ]
	run --separate-stderr "$JLS" -j jlszeta bogus
	[ "$status" -eq 1 ]
	[ "$stderr" = "jls: unknown parameter: bogus" ]
	run --separate-stderr "$JLS" --libxo xml
	[ "$status" -eq 1 ]
	[ "$stderr" = "jls: --libxo xml: only text and json are supported" ]
}

@test "--libxo json: FreeBSD's shape for the default, -v and parameter modes" {
	start_jail jlseta host.hostname=eta
	start_jail jlstheta host.hostname=theta
	run --separate-stderr "$JLS" --libxo json
	[ "$status" -eq 0 ]
	[ "$output" = "{\"__version\": \"2\", \"jail-information\": {\"jail\": [{\"jid\":1,\"ipv4\":\"\",\"hostname\":\"eta\",\"path\":\"$ROOT\"}, {\"jid\":2,\"ipv4\":\"\",\"hostname\":\"theta\",\"path\":\"$ROOT\"}]}}" ]
	echo "$output" | python3 -m json.tool > /dev/null
	run "$JLS" --libxo=json -v -j jlstheta
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["__version"] == "2"
j = d["jail-information"]["jail"]
assert len(j) == 1
assert j[0] == {"jid": 2, "hostname": "theta", "path": j[0]["path"], "name": "jlstheta", "state": "ACTIVE",
                "cpusetid": 0, "ipv4_addrs": [], "ipv6_addrs": []}, j[0]
'
	run "$JLS" --libxo json -n -j jlseta name persist jid
	[ "$output" = '{"__version": "2", "jail-information": {"jail": [{"name":"jlseta","persist":false,"jid":"1"}]}}' ]
	run "$JLS" --libxo json -n -j jlseta
	echo "$output" | python3 -m json.tool > /dev/null
}

@test "-p lists the jail's processes with host and jail PIDs" {
	start_jail jlsiota
	start_jail jlskappa
	run "$JLS" -p jlsiota
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "   JID NAME                PID    JPID USER     COMMAND" ]
	[ "${#lines[@]}" -eq 3 ]
	# the jail's init is PID 1 inside, the sleep PID 2
	read -r jid name ipid ijpid user cmd <<< "${lines[1]}"
	[ "$jid $name $ijpid $user $cmd" = "1 jlsiota 1 root init" ]
	read -r jid name spid sjpid user cmd <<< "${lines[2]}"
	[ "$jid $name $sjpid $user $cmd" = "1 jlsiota 2 root /bin/sleep 30" ]
	# and the host PIDs are the real ones
	[ "$(tr '\0' ' ' < /proc/$spid/cmdline)" = "/bin/sleep 30 " ]
	[ "$(awk '/^NSpid/ {print $NF}' /proc/$spid/status)" = 2 ]
	[ "$(awk '/^PPid/ {print $2}' /proc/$spid/status)" = "$ipid" ]
	run "$JLS" -p
	[ "${#lines[@]}" -eq 5 ]
	[[ "${lines[3]}" == "     2 jlskappa "* ]]
	run "$JLS" -p -j 2 --libxo json
	echo "$output" | python3 -c '
import json, sys
p = json.load(sys.stdin)["process-information"]["process"]
assert [(x["jid"], x["name"], x["jpid"], x["command"]) for x in p] == [(2, "jlskappa", 1, "init"), (2, "jlskappa", 2, "/bin/sleep 30")], p
'
	run --separate-stderr "$JLS" -p nosuch
	[ "$status" -eq 1 ]
	[ "$stderr" = 'jls: jail "nosuch" not found' ]
}

@test "jls over 200 jails takes under 50 ms" {
	read -r ipid istart < <(host_init)
	for i in $(seq 1 200); do
		fake_state "$((100 + i))" "fake$i" "$ipid" "$istart" ',"ip4.addr":["192.0.2.9"]'
	done
	run "$JLS"
	[ "${#lines[@]}" -eq 201 ]
	local best=999999 t0 t1
	for _ in 1 2 3 4 5; do
		t0=$(date +%s%N)
		"$JLS" > /dev/null
		t1=$(date +%s%N)
		[ $(((t1 - t0) / 1000)) -lt "$best" ] && best=$(((t1 - t0) / 1000))
	done
	echo "best of 5: $best us"
	for i in $(seq 1 200); do remove_fake "$((100 + i))" "fake$i"; done
	[ "$best" -lt 50000 ]
}

@test "-p finds processes by the jail's cgroup, also once its creator is gone" {
	start_jail jlslambda
	# A host process put into the jail's cgroups: only the cgroup shows it.
	sleep 30 </dev/null >/dev/null 2>&1 3>&- &
	local extra=$!
	echo "$extra" >> "$BATS_TEST_TMPDIR/pids"
	local d
	for d in $(jail_cgroups | grep -E '/jail\.jlslambda(\.[0-9a-f]+)?$'); do
		echo "$extra" > "$d/cgroup.procs"
	done
	run "$JLS" -p jlslambda
	[ "${#lines[@]}" -eq 4 ]
	[[ "$output" == *" $extra "* ]]
	# A persistent jail outlives its creator: the cgroup is found from the init.
	python3 - "$JAIL_STATEDIR/1.json" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["creator_pid"] = 999999
json.dump(d, open(p, "w"))
PY
	run "$JLS" -p jlslambda
	[ "${#lines[@]}" -eq 4 ]
	[[ "$output" == *" $extra "* ]]
	[[ "$output" == *" 2 root     /bin/sleep 30"* ]]
}

@test "-p escapes control characters of a jailed command line (octal, as vis -o)" {
	local evil
	evil=$(printf 'x\033]0;owned\007\nline2')
	start_jail jlsmu
	"$BUILD/jexec" jlsmu /bin/sh -c 'sleep 30; true' "$evil" </dev/null >/dev/null 2>&1 3>&- &
	echo $! >> "$BATS_TEST_TMPDIR/pids"
	for _ in $(seq 200); do
		"$JLS" -p jlsmu | grep -q " root     /bin/sh -c sleep 30; true x" && break
		sleep 0.05
	done
	run "$JLS" -p jlsmu
	[ "$status" -eq 0 ]
	# every line is one process: the newline in the argument made none of its own
	[ "$(printf '%s\n' "$output" | grep -c ' jlsmu ')" -eq "$((${#lines[@]} - 1))" ]
	printf '%s' "$output" | refute grep -q "$(printf '[\001-\011\013-\037\177]')"
	local l found=0
	for l in "${lines[@]}"; do
		[[ "$l" == "     1 jlsmu "*" root     /bin/sh -c sleep 30; true x\\033]0;owned\\007\\012line2" ]] && found=1
	done
	[ "$found" = 1 ]
	run "$JLS" -p --libxo json jlsmu
	printf '%s' "$output" | refute grep -q "$(printf '[\001-\011\013-\037\177]')"
	echo "$output" | python3 -c '
import json, sys
p = json.load(sys.stdin)["process-information"]["process"]
assert "/bin/sh -c sleep 30; true x\\033]0;owned\\007\\012line2" in [x["command"] for x in p], p
'
	"$JAIL" -q -r jlsmu
}

@test "any user lists jails (FreeBSD): the public copy, without meta, env, exec.* or anything writable" {
	# A registry and a jls every user can reach (the bats directories are 0700).
	PUBDIR=$(mktemp -d /tmp/jls-public.XXXXXX)
	chmod 0755 "$PUBDIR"
	cp "$JLS" "$PUBDIR/jls"
	export JAIL_STATEDIR="$PUBDIR/state"
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	start_jail jlsnu host.hostname=nu.example.org meta=secret-meta env=SECRET_TOKEN=42 \
		exec.poststop="echo secret-hook" exec.prestart="echo secret-prestart"
	run "$JLS"
	local root_view=$output
	# the public copy follows the state file it is written after
	for _ in $(seq 100); do
		[ "$("${nobody[@]}" "$PUBDIR/jls")" = "$root_view" ] && break
		sleep 0.02
	done
	run --separate-stderr "${nobody[@]}" "$PUBDIR/jls"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "$root_view" ]
	[[ "$output" == *" nu.example.org "* ]]
	run --separate-stderr "${nobody[@]}" "$PUBDIR/jls" -n -j jlsnu name host.hostname persist meta env
	[ "$status" -eq 0 ]
	[ "$output" = 'name=jlsnu host.hostname=nu.example.org nopersist meta="" env=""' ]
	run "${nobody[@]}" "$PUBDIR/jls" -j 1 name
	[ "$output" = jlsnu ]
	run "${nobody[@]}" "$PUBDIR/jls" -c -j jlsnu
	[ "$status" -eq 0 ]
	run --separate-stderr "${nobody[@]}" "$PUBDIR/jls" -j nosuch
	[ "$status" -eq 1 ]
	[ "$stderr" = 'jls: jail "nosuch" not found' ]
	run "${nobody[@]}" "$PUBDIR/jls" -p jlsnu
	[ "$output" = "$("$JLS" -p jlsnu)" ]
	[[ "$output" == *" 2 root     /bin/sleep 30"* ]]
	# root still sees everything
	run "$JLS" -j jlsnu meta env
	[ "$output" = "secret-meta SECRET_TOKEN=42" ]
	# what the user can reach: no state file, nothing writable, no secret
	run "${nobody[@]}" cat "$JAIL_STATEDIR/1.json"
	[ "$status" -ne 0 ]
	run "${nobody[@]}" ls "$JAIL_STATEDIR"
	[ "$status" -ne 0 ]
	run "${nobody[@]}" touch "$JAIL_STATEDIR/public/1.json" "$JAIL_STATEDIR/public/x" "$JAIL_STATEDIR/x"
	[ "$status" -ne 0 ]
	[ ! -e "$JAIL_STATEDIR/public/x" ] && [ ! -e "$JAIL_STATEDIR/x" ]
	[ "$(stat -c %a "$JAIL_STATEDIR")" = 711 ]
	[ "$(stat -c '%a %U' "$JAIL_STATEDIR/public")" = "755 root" ]
	[ "$(stat -c '%a %U' "$JAIL_STATEDIR/public/1.json")" = "644 root" ]
	refute grep -E 'secret|SECRET|exec\.|"meta"|"env"' "$JAIL_STATEDIR/public/1.json"
	# gone with the jail
	stop_all
	: > "$BATS_TEST_TMPDIR/pids"
	[ ! -e "$JAIL_STATEDIR/public/1.json" ]
	run "${nobody[@]}" "$PUBDIR/jls"
	[ "$output" = "   JID  IP Address      Hostname                      Path" ]
}
