#!/usr/bin/env bats
# rctl(8) for real, from inside real jails on this host's cgroups (probed,
# not assumed): FreeBSD's command line and output, rules that outlive
# jails, every kind of limit enforced in the jail, log/devctl/sig* actions
# driven by kernel events, usage numbers, and nothing left behind.

load ../lib/common

RCTL=$BUILD/rctl
JEXEC=$BUILD/jexec
JTOP=$BUILD/jtop

setup_file() {
	common_setup_file
	export JAIL_LOGDIR="$BATS_FILE_TMPDIR/log"
}
teardown_file() { common_teardown_file; }
setup() { common_setup; }
teardown() {
	"$RCTL" -r : 2>/dev/null || true
	"$JAIL" -q -r '*' 2>/dev/null || true
	rm -rf "$JAIL_LOGDIR"
	assert_clean
	# no watcher of ours survives its jail
	if ls "$JAIL_STATEDIR" | grep -q '^rctl\.watch\.'; then
		echo "a watcher outlived its jail: $(ls "$JAIL_STATEDIR" | grep '^rctl\.watch\.')"
		return 1
	fi
}

# The jail's cgroup directory holding a controller (v1 name, v2 name), from its registry state.
cgdir() {
	python3 - "$JAIL_STATEDIR/$(readlink "$JAIL_STATEDIR/n.$1").json" "$2" "$3" <<'EOF'
import json, os, sys
st = json.load(open(sys.argv[1]))
for d in st["cgroups"]:
    if not d["v2"] and sys.argv[2] in d["controllers"].split(","):
        print(d["path"]); sys.exit(0)
for d in st["cgroups"]:
    if d["v2"] and sys.argv[3] in open(os.path.join(d["path"], "cgroup.controllers")).read().split():
        print(d["path"]); sys.exit(0)
sys.exit(1)
EOF
}

usage_of() { "$RCTL" -u "jail:$1" | sed -n "s/^$2=//p"; }

@test "rctl: empty database, -a, listing, filters, -h, -r, FreeBSD's messages and exit status" {
	run "$RCTL"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run "$RCTL" -a jail:www:memoryuse:deny=1g j:www:maxproc:deny=100 jail:db:openfiles:deny=512/process
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run "$RCTL"
	[ "${lines[0]}" = "jail:db:openfiles:deny=512/process" ]
	[ "${lines[1]}" = "jail:www:maxproc:deny=100" ]
	[ "${lines[2]}" = "jail:www:memoryuse:deny=1073741824" ]
	[ "${#lines[@]}" -eq 3 ]
	run "$RCTL" -h jail:www
	[ "$output" = "$(printf 'jail:www:maxproc:deny=100\njail:www:memoryuse:deny=1024M')" ]
	run "$RCTL" ::maxproc
	[ "$output" = "jail:www:maxproc:deny=100" ]
	# a deny rule replaces the one differing only in amount
	"$RCTL" -a jail:www:memoryuse:deny=2g
	run "$RCTL" jail:www:memoryuse
	[ "$output" = "jail:www:memoryuse:deny=2147483648" ]
	run "$RCTL" --libxo json jail:db
	[ "$output" = '{"__version": "2", "rule-information": {"rule": [{"rule":"jail:db:openfiles:deny=512/process","subject":"jail","subject-id":"db","resource":"openfiles","action":"deny","amount":512,"per":"process"}]}}' ]
	run "$RCTL" -r jail:www
	[ "$status" -eq 0 ]
	run "$RCTL" -r jail:www
	[ "$status" -eq 1 ]
	[ "$output" = "rctl: failed to remove rule 'jail:www': No such process" ]
	run "$RCTL" -a jail:www:memoryuse:deny=1x jail:www:bogus:deny=1 jail:www:cputime:deny=5 jail www:x
	[ "$status" -eq 5 ]
	[ "${lines[0]}" = "rctl: malformed rule 'jail:www:memoryuse:deny=1x': invalid numeric value '1x'" ]
	[ "${lines[1]}" = "rctl: failed to add rule 'jail:www:bogus:deny=1': Invalid argument" ]
	[ "${lines[2]}" = "rctl: failed to add rule 'jail:www:cputime:deny=5': Operation not supported" ]
	[ "${lines[3]}" = "rctl: malformed rule 'jail': missing subject" ]
	[ "${lines[4]}" = "rctl: failed to add rule 'www:x': Invalid argument" ]
	run "$RCTL" -a -r jail:x
	[ "$output" = "rctl: at most one of -a, -l, -r, or -u may be specified" ]
	run "$RCTL" -u
	[ "$status" -eq 1 ] && [ "$output" = "usage: rctl [ -h ] [-a rule | -l filter | -r filter | -u filter | filter]" ]
	run "$RCTL" -u jail:
	[ "$output" = "rctl: failed to show resource consumption for 'jail:': Invalid argument" ]
	run "$RCTL" -l jail:www
	[ "$output" = "rctl: failed to get limits for 'jail:www': Operation not supported" ]
	"$RCTL" -r :
	[ ! -e "$JAIL_STATEDIR/rctl.rules" ]
}

@test "rctl: subjects and resources Linux cannot honour are refused with one line saying why" {
	run "$RCTL" -a user:root:maxproc:deny=10
	[ "$status" -eq 1 ]
	[[ "$output" == "rctl: failed to add rule 'user:root:maxproc:deny=10': Operation not supported: user rules: "* ]]
	run "$RCTL" -a loginclass:daemon:maxproc:deny=10
	[[ "$output" == *"Linux has no login classes"* ]]
	run "$RCTL" -a process:1:openfiles:deny=10
	[[ "$output" == *"prlimit(1)"* ]]
	run "$RCTL" -a jail:www:msgqqueued:deny=10
	[[ "$output" == *"msgmnb"* ]]
	run "$RCTL" -a jail:www:pcpu:log=10
	[[ "$output" == *"no kernel event reports a rate"* ]]
	run "$RCTL" -a jail:www:maxproc:sigthr=10
	[[ "$output" == *"sigthr: Linux has no such signal"* ]]
	run "$RCTL"
	[ -z "$output" ]
}

@test "rctl --resources is the table rctl.8 shows, every FreeBSD resource in it" {
	run "$RCTL" --resources
	[ "$status" -eq 0 ]
	for r in cputime datasize stacksize coredumpsize memoryuse memorylocked maxproc openfiles \
		vmemoryuse pseudoterminals swapuse nthr msgqqueued msgqsize nmsgq nsem nsemop nshm \
		shmsize wallclock pcpu readbps writebps readiops writeiops; do
		echo "$output" | grep -q "^$r "
	done
	"$RCTL" --resources=man > "$BATS_TEST_TMPDIR/table"
	man8=$BATS_TEST_DIRNAME/../../man/rctl.8
	grep -qF -f "$BATS_TEST_TMPDIR/table" "$man8"
	# the whole table, in order, exactly
	python3 -c 'import sys; t=open(sys.argv[1]).read(); m=open(sys.argv[2]).read(); sys.exit(0 if t in m else 1)' \
		"$BATS_TEST_TMPDIR/table" "$man8"
}

@test "maxproc: a fork bomb stops at the limit inside the jail while the host keeps forking" {
	"$RCTL" -a jail:fb:maxproc:deny=20 jail:fb:maxproc:devctl=20
	"$JAIL" -q -c name=fb path="$ROOT" persist
	pids=$(cgdir fb pids pids)
	"$JEXEC" fb probe forkbomb 2 &
	sleep 1
	# the host forks freely meanwhile
	for i in $(seq 50); do /bin/true; done
	[ "$(cat "$pids/pids.current")" -le 20 ]
	wait
	if [ -e "$pids/pids.peak" ]; then [ "$(cat "$pids/pids.peak")" -le 20 ]; fi
	[ "$(sed -n 's/^max //p' "$pids/pids.events")" -gt 0 ]
	# the devctl rule saw it (process connector events)
	grep -q '"rule":"jail:fb:maxproc:devctl=20"' "$JAIL_LOGDIR/rctl.log"
	grep -q '"system":"RCTL","subsystem":"rule","type":"matched"' "$JAIL_LOGDIR/rctl.log"
}

@test "memoryuse: a hog is OOM-killed inside the jail only; its neighbours and the host live on" {
	"$JAIL" -q -c name=mh path="$ROOT" persist rctl=memoryuse:deny=48M
	"$JEXEC" mh sh -c 'sleep 300 >/dev/null 2>&1 & echo $! > /tmp/sleeper'
	run "$JEXEC" mh probe alloc 16
	[ "$output" = ok ]
	run "$JEXEC" mh probe alloc 200
	[ "$status" -eq 137 ]
	run "$JEXEC" mh sh -c 'kill -0 $(cat /tmp/sleeper) && echo alive'
	[ "$output" = alive ]
	mem=$(cgdir mh memory memory)
	if [ -e "$mem/memory.oom_control" ]; then
		grep -q '^oom_kill [1-9]' "$mem/memory.oom_control"
	else
		grep -q '^oom_kill [1-9]' "$mem/memory.events"
	fi
	"$JEXEC" mh rm -f /tmp/sleeper
}

@test "pcpu=50 holds a busy loop at 50 % of one CPU (measured from its CPU time)" {
	"$JAIL" -q -c name=pc path="$ROOT" persist rctl=pcpu:deny=50
	run "$JEXEC" pc probe spin 3
	read -r cpu wall <<<"$output"
	pct=$(python3 -c "print(round(100*$cpu/$wall))")
	echo "pcpu measured: $pct %" >&3
	[ "$pct" -le 60 ]
	if [ "$pct" -lt 40 ]; then
		# Too little: the quota, or a host too busy to give even 50 %? Ask the loop unlimited.
		"$RCTL" -r jail:pc:pcpu
		run "$JEXEC" pc probe spin 1
		read -r cpu wall <<<"$output"
		free=$(python3 -c "print(round(100*$cpu/$wall))")
		[ "$free" -ge 70 ] || skip "host too busy to measure: an unlimited loop got $free %"
		false
	fi
}

@test "openfiles: enforced in jexec'd processes, and on running ones when a rule is added" {
	"$JAIL" -q -c name=of path="$ROOT" persist
	"$JEXEC" of sh -c 'sleep 300 >/dev/null 2>&1 & echo $! > /tmp/sleeper'
	run "$JEXEC" of probe openfiles 100
	[ "$output" = 100 ]
	"$RCTL" -a jail:of:openfiles:deny=20
	run "$JEXEC" of probe openfiles 100
	[ "$output" = 17 ]
	run "$JEXEC" of sh -c 'ulimit -n'
	[ "$output" = 20 ]
	# the process that ran before the rule got it too (prlimit)
	run "$JEXEC" of sh -c 'grep "Max open files" /proc/$(cat /tmp/sleeper)/limits'
	[[ "$output" =~ Max\ open\ files\ +20\ +20 ]]
	"$RCTL" -r jail:of:openfiles
	run "$JEXEC" of probe openfiles 100
	[ "$output" = 100 ]
	"$JEXEC" of rm -f /tmp/sleeper
}

@test "writebps: throttle on a loop-device ext4 mounted into the jail, within 20 %" {
	command -v mkfs.ext4 >/dev/null && command -v losetup >/dev/null || skip "no mkfs.ext4/losetup"
	img=$BATS_TEST_TMPDIR/disk.img
	truncate -s 64M "$img"
	mkfs.ext4 -q -F "$img"
	loop=$(losetup -f --show "$img") || skip "no loop device"
	mkdir -p "$BATS_TEST_TMPDIR/disk" "$ROOT/mnt"
	mount "$loop" "$BATS_TEST_TMPDIR/disk"
	run "$JAIL" -q -c name=io path="$ROOT" persist "mount=$BATS_TEST_TMPDIR/disk $ROOT/mnt nullfs rw" \
		rctl=writebps:throttle=2M
	if [ "$status" -eq 0 ]; then
		# the jail's root is a range of host uids: the disk is given to it, as the host would
		chown "$(stat -c %u:%g "$ROOT")" "$BATS_TEST_TMPDIR/disk"
		run "$JEXEC" io probe writedirect /mnt/f 6
		"$JAIL" -q -r io
	fi
	umount "$BATS_TEST_TMPDIR/disk"
	losetup -d "$loop"
	rmdir "$ROOT/mnt"
	[ "$status" -eq 0 ]
	echo "writebps measured: $output B/s for 2097152" >&3
	[ "$output" -ge $((2097152 * 8 / 10)) ] && [ "$output" -le $((2097152 * 12 / 10)) ]
}

@test "actions: sigterm (wallclock timer), log (syslog), devctl (memory threshold event)" {
	sock=$BATS_TEST_TMPDIR/log.sock
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(6)
out = open(sys.argv[2], "w")
try:
    while True:
        out.write(s.recv(4096).decode() + "\n"); out.flush()
except Exception:
    pass' "$sock" "$BATS_TEST_TMPDIR/syslog" &
	listener=$!
	while [ ! -S "$sock" ]; do sleep 0.05; done
	JAIL_SYSLOG=$sock "$JAIL" -q -c name=sg path="$ROOT" persist \
		rctl=wallclock:sigterm=2,wallclock:log=1,memoryuse:devctl=24M
	# every process of the jail gets it: the shell's sleep dies ("Terminated"), the shell traps it
	run "$JEXEC" sg sh -c 'trap "echo TERM; exit 0" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	[ "${lines[${#lines[@]} - 1]}" = TERM ]
	"$JEXEC" sg probe alloc 32
	sleep 0.3
	grep -q '"rule":"jail:sg:memoryuse:devctl=25165824","jail":"sg"' "$JAIL_LOGDIR/rctl.log"
	kill $listener 2>/dev/null || true
	wait $listener 2>/dev/null || true
	grep -q 'rctl\[[0-9]*\]: rule "jail:sg:wallclock:log=1" matched by jail sg' "$BATS_TEST_TMPDIR/syslog"
	grep -q '^<28>' "$BATS_TEST_TMPDIR/syslog"
}

@test "rules outlive jails: added before the jail exists, kept across jail -r and jail -c" {
	"$RCTL" -a jail:later:maxproc:deny=7 jail:later:memoryuse:deny=100M
	"$JAIL" -q -c name=later path="$ROOT" persist
	[ "$(cat "$(cgdir later pids pids)/pids.max")" = 7 ]
	"$JAIL" -q -r later
	run "$RCTL" jail:later
	[ "${#lines[@]}" -eq 2 ]
	"$JAIL" -q -c name=later path="$ROOT" persist
	[ "$(cat "$(cgdir later pids pids)/pids.max")" = 7 ]
	mem=$(cgdir later memory memory)
	[ "$(cat "$mem/memory.limit_in_bytes" 2>/dev/null || cat "$mem/memory.max")" = 104857600 ]
	# by JID as well as by name
	jid=$(readlink "$JAIL_STATEDIR/n.later")
	"$RCTL" -a "jail:$jid:maxproc:deny=9"
	[ "$(cat "$(cgdir later pids pids)/pids.max")" = 9 ]
	run "$RCTL" jail:later:maxproc
	[ "$output" = "jail:later:maxproc:deny=9" ]
	"$RCTL" -r jail:later:maxproc
	[ "$(cat "$(cgdir later pids pids)/pids.max")" = max ]
}

@test "rctl -u: the numbers are what the jail consumed; -h, --libxo json, -l process:PID" {
	"$JAIL" -q -c name=u path="$ROOT" persist rctl=maxproc:deny=50
	"$JEXEC" u probe alloc 20 30 >/dev/null &
	"$JEXEC" u sh -c 'for i in 1 2 3; do sleep 300 >/dev/null 2>&1 & done'
	sleep 0.5
	mem=$(usage_of u memoryuse)
	echo "memoryuse with 20 MiB held: $mem" >&3
	[ "$mem" -ge $((20 * 1048576)) ] && [ "$mem" -le $((40 * 1048576)) ]
	# init, 3 sleeps, the hog and its jexec helper
	[ "$(usage_of u maxproc)" -eq 6 ]
	[ "$(usage_of u nthr)" -eq 6 ]
	run "$RCTL" -u jail:u
	[ "${#lines[@]}" -eq 25 ]
	[ "${lines[0]%%=*}" = cputime ] && [ "${lines[24]%%=*}" = writeiops ]
	run "$RCTL" -hu jail:u
	[[ "$output" == *$'\nmemoryuse='*M$'\n'* ]]
	run "$RCTL" --libxo json -u jail:u
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); u=d["usage-information"]["usage"][0]; assert u["filter"]=="jail:u:" or u["filter"].startswith("jail:u"); assert u["maxproc"]==6' "$output"
	"$JEXEC" u probe burn 1.1
	[ "$(usage_of u cputime)" -ge 1 ]
	pid=$(pgrep -f 'sleep 300' | while read -r p; do [ "$(readlink /proc/$p/ns/pid)" = "$(readlink /proc/$(python3 -c "import json;print(json.load(open('$JAIL_STATEDIR/$(readlink "$JAIL_STATEDIR/n.u").json'))['init_pid'])")/ns/pid)" ] && echo "$p"; done | head -1)
	run "$RCTL" -l "process:$pid"
	[ "$output" = "jail:u:maxproc:deny=50" ]
	run "$RCTL" -l "process:$$"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	wait
	# a jail nobody created: zeros, as FreeBSD shows an unused racct
	[ "$(usage_of nosuchjail memoryuse)" = 0 ]
}

@test "IPC namespace and devpts limits hold inside the jail" {
	"$JAIL" -q -c name=ipc path="$ROOT" persist rctl=nshm:deny=3,nsemop:deny=7,pseudoterminals:deny=2,msgqsize:deny=4096
	run "$JEXEC" ipc cat /proc/sys/kernel/shmmni
	[ "$output" = 3 ]
	run "$JEXEC" ipc cat /proc/sys/kernel/msgmnb
	[ "$output" = 4096 ]
	run "$JEXEC" ipc sh -c 'cut -f3 /proc/sys/kernel/sem'
	[ "$output" = 7 ]
	# jailed root cannot lift them
	run "$JEXEC" ipc sh -c 'echo 100 > /proc/sys/kernel/shmmni'
	[ "$status" -ne 0 ]
	run "$JEXEC" ipc probe ptys 10
	[ "$output" = 2 ]
	# taken off the running jail
	"$RCTL" -r jail:ipc:pseudoterminals jail:ipc:nshm
	run "$JEXEC" ipc probe ptys 10
	[ "$output" = 10 ]
	run "$JEXEC" ipc cat /proc/sys/kernel/shmmni
	[ "$output" = 4096 ]
	# the host's own values are untouched
	[ "$(cat /proc/sys/kernel/shmmni)" != 3 ]
	# a jail sharing the host's IPC cannot take IPC rules
	run "$JAIL" -c name=ipc2 path="$ROOT" persist allow.sysvipc rctl=nshm:deny=3
	[ "$status" -eq 1 ]
	[[ "$output" == *"shares the host's IPC namespace"* ]]
}

@test "jail.conf rctl parameter: applied at create, listed, gone with the jail; a bad rule leaves nothing" {
	cat > "$BATS_TEST_TMPDIR/jail.conf" <<EOF
cj {
	path = "$ROOT";
	persist;
	rctl = "maxproc:deny=11", "memoryuse:deny=64M";
}
EOF
	"$JAIL" -q -f "$BATS_TEST_TMPDIR/jail.conf" -c cj
	[ "$(cat "$(cgdir cj pids pids)/pids.max")" = 11 ]
	run "$RCTL" jail:cj
	[ "$output" = "$(printf 'jail:cj:maxproc:deny=11\njail:cj:memoryuse:deny=67108864')" ]
	"$RCTL" -r jail:cj:maxproc
	[ "$(cat "$(cgdir cj pids pids)/pids.max")" = max ]
	run "$RCTL" jail:cj
	[ "$output" = "jail:cj:memoryuse:deny=67108864" ]
	"$JAIL" -q -r cj
	run "$RCTL"
	[ -z "$output" ]
	run "$JAIL" -c name=bad path="$ROOT" persist rctl=memoryuse:deny=lots
	[ "$status" -eq 1 ]
	[[ "$output" == *"malformed rule 'memoryuse:deny=lots': invalid numeric value 'lots'"* ]]
}

@test "a failed rctl step leaves nothing: no jail, cgroup, watcher or rule" {
	run env JAIL_FAULT=rctl "$JAIL" -c name=ff path="$ROOT" persist rctl=maxproc:deny=5,maxproc:log=5
	[ "$status" -eq 1 ]
	[[ "$output" == *"rctl: injected failure"* ]]
	wait_until 3 not jail_comm 'rctl ff'
	# on a running jail: the rule that cannot be applied is not kept
	"$JAIL" -q -c name=inh path="$ROOT" persist allow.sysvipc
	run "$RCTL" -a jail:inh:nshm:deny=3
	[ "$status" -eq 1 ]
	[[ "$output" == "rctl: failed to add rule 'jail:inh:nshm:deny=3': Operation not supported: SysV IPC limits: "* ]]
	run "$RCTL"
	[ -z "$output" ]
}

@test "boot: jail-rc loads /etc/rctl.conf before the jails of jail.conf start" {
	rc=$BATS_TEST_DIRNAME/../../scripts/jail-rc
	printf '%s\n' '# limits for the boot jail' 'jail:boot:maxproc:deny=13   # processes' \
		'jail:boot:memoryuse:deny=80M' '' 'jail:boot:bogus:deny=1' > "$BATS_TEST_TMPDIR/rctl.conf"
	printf 'boot { path = "%s"; persist; }\n' "$ROOT" > "$BATS_TEST_TMPDIR/jail.conf"
	printf 'JAIL_CONF=%s\nRCTL_CONF=%s\n' "$BATS_TEST_TMPDIR/jail.conf" "$BATS_TEST_TMPDIR/rctl.conf" \
		> "$BATS_TEST_TMPDIR/default"
	run env JAIL_DEFAULTS="$BATS_TEST_TMPDIR/default" JAIL_BIN="$JAIL" RCTL_BIN="$RCTL" "$rc" start
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "rctl: failed to add rule 'jail:boot:bogus:deny=1': Invalid argument" ]
	[ "${lines[1]}" = "boot: created" ]
	[ "$(cat "$(cgdir boot pids pids)/pids.max")" = 13 ]
	run env JAIL_DEFAULTS="$BATS_TEST_TMPDIR/default" JAIL_BIN="$JAIL" RCTL_BIN="$RCTL" "$rc" stop
	[ "$output" = "boot: removed" ]
	run "$RCTL"
	[ "$output" = "$(printf 'jail:boot:memoryuse:deny=83886080\njail:boot:maxproc:deny=13')" ]
}

@test "jtop: batch frames, --json, -j process view with host and jail pids, 80 columns" {
	"$JAIL" -q -c name=top1 path="$ROOT" persist rctl=memoryuse:deny=64M
	"$JAIL" -q -c name=top2 path="$ROOT" persist
	"$JEXEC" top1 probe spin 4 >/dev/null &
	run "$JTOP" -b -n 2 -d 0.5 -s cpu
	[ "$status" -eq 0 ]
	[ "${lines[0]:0:7}" = "jtop - " ]
	[ "${lines[1]}" = "  JID NAME       PROC  CPU%   MEM/LIMIT  READ/s WRITE/s   RX/s   TX/s HITS" ]
	# the busy jail sorts first, with its memory limit
	[[ "${lines[2]}" =~ ^\ +[0-9]+\ top1\ +3\ +[0-9.]+\ +[0-9.]+[KM]?/64M ]]
	for l in "${lines[@]}"; do [ "${#l}" -le 80 ]; done
	run "$JTOP" --json -n 1 -s name
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])["jtop"]["jail"]
names = [j["name"] for j in d]
assert names.index("top1") < names.index("top2"), names
t1 = [j for j in d if j["name"] == "top1"][0]
assert t1["memory_limit"] == 64 << 20 and t1["processes"] == 3, t1
assert set(t1["hits"]) == {"memory", "pids", "cpu"}' "$output"
	run "$JTOP" -b -n 1 -j top1
	[ "${lines[1]}" = "    PID   JPID USER      THR S  CPU%   RES COMMAND" ]
	echo "$output" | grep -Eq '^ +[0-9]+ +1 root .* init$'
	echo "$output" | grep -Eq '^ +[0-9]+ +[0-9]+ root .* probe spin 4$'
	run "$JTOP" -j nosuch
	[ "$status" -eq 1 ] && [ "$output" = 'jtop: jail "nosuch" not found' ]
	wait
}

@test "bash completion: rctl completes rules field by field, jtop its sort keys" {
	run bash -c '
		source "$1/etc/bash_completion.d/rctl"; source "$1/etc/bash_completion.d/jtop"
		COMP_WORDS=(rctl -a jail:www:mem); COMP_CWORD=2; _rctl; echo "${COMPREPLY[*]}"
		COMP_WORDS=(rctl -a jail:www:memoryuse:de); COMP_CWORD=2; _rctl; echo "${COMPREPLY[*]}"
		COMP_WORDS=(rctl -); COMP_CWORD=1; _rctl; echo "${COMPREPLY[*]}"
		COMP_WORDS=(jtop -s h); COMP_CWORD=2; _jtop; echo "${COMPREPLY[*]}"' _ "$BATS_TEST_DIRNAME/../.."
	[ "${lines[0]}" = "jail:www:memoryuse: jail:www:memorylocked:" ]
	[ "${lines[1]}" = "jail:www:memoryuse:deny= jail:www:memoryuse:devctl=" ]
	[[ "${lines[2]}" == *"-a -h -l -n -r -u --libxo --resources"* ]]
	[ "${lines[3]}" = hits ]
}
