#!/usr/bin/env bats
# Isolation claims of jail -c, each asserted from inside a real jail.

load ../lib/common

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown_file() { common_teardown_file; }
teardown() { assert_clean; }

@test "root: the jail sees its own root, not the host's" {
	touch "$BATS_FILE_TMPDIR/host-only"
	run jrun -- /bin/sh -c 'ls /; test -e /host-only && echo LEAK; test -e '"$BATS_FILE_TMPDIR"'/host-only && echo LEAK2; true'
	[ "$status" -eq 0 ]
	[[ "$output" == *probe* || "$output" == *bin* ]]
	[[ "$output" != *LEAK* ]]
	run jrun -- /bin/sh -c 'test -e /etc/hostname && echo LEAK; ls /etc'
	[ "$(echo "$output" | tr '\n' ' ')" = "group passwd " ]
}

@test "root: .. from / stays in /" {
	run jrun -- /bin/sh -c 'cd /../../..; pwd; ls -di / . | awk "{print \$1}" | uniq | wc -l'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/" ]
	[ "${lines[1]}" = "1" ]
}

@test "root: the host's mounts are gone, only the jail's are listed" {
	run jrun -- /bin/cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	# mount points as the jail sees them: /, /dev..., /proc..., /sys
	run jrun -- /bin/sh -c 'awk "{print \$5}" /proc/self/mountinfo | sort -u | tr "\n" " "'
	[[ "$output" == "/ /dev "* ]]
	[[ "$output" != *"$BATS_FILE_TMPDIR"* ]]
	[[ "$output" != *"/run"* && "$output" != *"/boot"* ]]
}

@test "root: /proc/*/root and /proc/*/cwd lead nowhere outside" {
	run jrun -- /bin/sh -c 'for p in /proc/[0-9]*; do ls $p/root/ 2>/dev/null; ls $p/cwd/ 2>/dev/null; done | sort -u | tr "\n" " "'
	[ "$status" -eq 0 ]
	[[ "$output" != *boot* && "$output" != *work* && "$output" != *run* ]]
	# init (pid 1, jinit) holds stdio and, while the command runs, the socket it
	# reports the command's end on. It runs from a memfd of host root's that the
	# jail may execute but not read, so the kernel keeps it out of jailed root's
	# reach: its fd, root, cwd and exe links cannot even be read (and no
	# ptrace, no pidfd, so no pidfd_getfd; attacks.bats tries the rest)
	run jrun -- /bin/sh -c 'ls /proc/1/fd/ 2>&1; for l in /proc/1/root /proc/1/cwd /proc/1/exe; do readlink $l || echo denied; done | sort -u | tr "\n" " "'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"Permission denied"* ]]
	[ "${lines[1]}" = "denied " ]
	run jrun -- /bin/probe pidfd 1
	[ "$output" = "EPERM" ]
}

@test "fds: no host fd is inherited, only 0 1 2" {
	exec 7</etc
	run jrun -- /bin/probe fds
	exec 7<&-
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2 " ]
}

@test "pid: the jail sees only its own processes" {
	# a host process that runs meanwhile: the jail must not see it
	sleep 30 &
	local hostpid=$!
	run jrun -- /bin/sh -c 'ps -o pid,comm | tail -n +2; ls -d /proc/[0-9]* | wc -l'
	kill $hostpid
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^\ *1\ init$ ]]
	[[ "$output" != *"sleep"* ]]
	# init, the shell, ps (or ls): never more than 4 pids
	[ "${lines[-1]}" -le 4 ]
}

@test "pid: init shows no host command line" {
	run jrun name=secretname -- /bin/sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; cat /proc/1/comm'
	[ "$status" -eq 0 ]
	[[ "$output" != *"$ROOT"* && "$output" != *secretname* && "$output" != *path=* ]]
	[ "${lines[-1]}" = "init" ]
}

@test "pid: kill -TERM -1 inside reaches only the jail" {
	# a host process that must survive the jail's kill -1
	sleep 30 &
	local hostpid=$!
	# (inside: wait up to 2 s for the killed sleeps to leave; then count them)
	run jrun -- /bin/sh -c 'sleep 20 & sleep 20 & trap "" TERM; kill -TERM -1
		for i in $(seq 40); do ps -o comm | grep -q sleep || break; sleep 0.05; done
		ps -o stat,comm | grep -c sleep || true'
	kill -0 $hostpid
	local alive=$?
	kill $hostpid
	[ "$alive" -eq 0 ]
	[ "$status" -eq 0 ]
	[ "$output" = "0" ]
}

@test "pid: init reaps orphans" {
	# two orphans that exit at once; wait up to 2 s for them to be gone
	# (zombies too), then count zombies: an init that does not reap leaves two
	run jrun -- /bin/sh -c '(sleep 0.1 &) ; (sleep 0.1 &)
		for i in $(seq 40); do ps -o comm | grep -q sleep || break; sleep 0.05; done
		ps -o stat | grep -c "^Z" || true'
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "0" ]
}

@test "namespaces: uts, ipc, cgroup, net, mnt, pid, user differ from the host's" {
	for ns in uts ipc cgroup net mnt pid user; do
		host=$(readlink /proc/self/ns/$ns)
		run jrun -- /bin/readlink /proc/self/ns/$ns
		[ "$status" -eq 0 ]
		[ -n "$output" ]
		[ "$output" != "$host" ] || { echo "$ns shared: $output"; false; }
	done
}

@test "uts: host.hostname is the jail's hostname and the host keeps its own" {
	local before
	before=$(hostname)
	run jrun host.hostname=jail1.example.org -- /bin/hostname
	[ "$output" = "jail1.example.org" ]
	[ "$(hostname)" = "$before" ]
}

@test "net: the default jail has its own stack with only loopback, up" {
	run jrun -- /bin/sh -c 'ls /sys/class/net | tr "\n" " "; echo; ip -o link show lo | grep -c "<LOOPBACK,UP,LOWER_UP>"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "lo " ]
	[ "${lines[1]}" = "1" ]
}

@test "dev: exactly devfs ruleset 4's nodes, no block device" {
	run jrun -- /bin/sh -c 'ls -A /dev | tr "\n" " "'
	[ "$output" = "fd full log mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " ]
	run jrun -- /bin/sh -c 'ls -lA /dev | grep -c "^b" || true'
	[ "$output" = "0" ]
	run jrun -- /bin/sh -c 'echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c'
	[ "${lines[0]}" = "4" ]
}

@test "dev: mknod of a device fails, /dev is read-only" {
	run jrun -- /bin/probe mknod-char /tmp/n
	[ "$output" = "EPERM" ]
	run jrun -- /bin/probe mknod-block /tmp/b
	[ "$output" = "EPERM" ]
	run jrun -- /bin/sh -c 'touch /dev/newfile 2>&1'
	[[ "$output" == *"Read-only file system"* ]]
}

@test "proc: the jail's own, with dangerous files masked" {
	local f
	for f in kcore keys kallsyms timer_list sched_debug sysrq-trigger; do
		[ -e /proc/$f ] || continue
		run jrun -- /bin/stat -c %t:%T /proc/$f
		[ "$output" = "1:3" ] || { echo "/proc/$f not masked: $output"; false; }
	done
	run jrun -- /bin/sh -c 'wc -c < /proc/kallsyms'
	[ "$output" = "0" ]
}

@test "proc: sys, bus, irq, fs are read-only; /sys is read-only" {
	for d in sys bus irq fs; do
		run jrun -- /bin/sh -c "grep ' /proc/$d ' /proc/self/mountinfo | cut -d' ' -f6"
		[[ "$output" == ro,* ]] || { echo "/proc/$d: $output"; false; }
	done
	run jrun -- /bin/sh -c 'echo 1 > /proc/sys/kernel/domainname 2>&1; echo 100 > /proc/sys/vm/swappiness 2>&1'
	[[ "$output" == *"Read-only file system"* ]]
	run jrun -- /bin/sh -c "grep ' /sys ' /proc/self/mountinfo | cut -d' ' -f6; touch /sys/x 2>&1"
	[[ "${lines[0]}" == ro,* ]]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "privileges: jailed root keeps exactly the table's capabilities" {
	run jrun -- /bin/probe caps
	[ "$status" -eq 0 ]
	# no CAP_SYS_ADMIN (21), SYS_MODULE (16), SYS_RAWIO (17), SYS_TIME (25), MKNOD (27), NET_RAW (13), NET_ADMIN (12), SYSLOG (34)
	eff=$(echo "$output" | awk '/CapEff/ {print $2}')
	for bit in 12 13 16 17 21 25 27 34; do
		(( (0x$eff >> bit) & 1 )) && { echo "cap $bit kept: $eff"; false; }
	done
	# and keeps CHOWN (0), DAC_OVERRIDE (1), KILL (5), SETUID (7), NET_BIND_SERVICE (10)
	for bit in 0 1 5 7 10; do
		(( (0x$eff >> bit) & 1 )) || { echo "cap $bit missing: $eff"; false; }
	done
}

@test "privileges: a non-root jail user has no capabilities" {
	run jrun exec.jail_user=user -- /bin/sh -c 'id -u; grep CapEff /proc/self/status'
	[ "${lines[0]}" = "1000" ]
	[[ "${lines[1]}" == *"0000000000000000" ]]
}

@test "seccomp: never possible, whatever the jail asks" {
	for v in keyctl add_key bpf perf_event_open userfaultfd open_by_handle_at iopl ioperm \
		init_module finit_module kexec_load swapon settimeofday clock_settime syslog io_uring; do
		run jrun allow.mount allow.mount.tmpfs allow.set_hostname allow.raw_sockets children.max=3 -- /bin/probe $v
		[ "$output" = "EPERM" ] || { echo "$v: $output"; false; }
	done
}

@test "seccomp: TIOCSTI and TIOCLINUX denied, also with high bits set" {
	for v in tiocsti tiocsti-high tioclinux; do
		run jrun -- /bin/probe $v
		[ "$output" = "EPERM" ] || { echo "$v: $output"; false; }
	done
}

@test "seccomp: a syscall the filter does not know returns ENOSYS" {
	run jrun -- /bin/probe unknown
	[ "$output" = "ENOSYS" ]
	run jrun -- /bin/probe clone3
	[ "$output" = "ENOSYS" ]
}

@test "allow.set_hostname gates sethostname" {
	run jrun -- /bin/sh -c 'hostname changed 2>&1; hostname'
	[[ "$output" != *changed*changed* ]]
	[ "${lines[-1]}" != "changed" ]
	run jrun allow.set_hostname -- /bin/sh -c 'hostname changed && hostname'
	[ "$status" -eq 0 ]
	[ "$output" = "changed" ]
	run jrun allow.set_hostname=0 -- /bin/probe sethostname
	[ "$output" = "EPERM" ]
}

@test "allow.raw_sockets gates raw and packet sockets (ping)" {
	for v in raw raw6 packet; do
		run jrun -- /bin/probe $v
		[ "$output" = "EPERM" ] || { echo "$v: $output"; false; }
	done
	run jrun -- /bin/sh -c 'ping -c1 -W1 127.0.0.1 2>&1'
	[ "$status" -ne 0 ]
	run jrun allow.raw_sockets -- /bin/sh -c 'ping -c1 -W1 127.0.0.1'
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 packets received"* ]]
}

@test "allow.mount.* gates mounts" {
	run jrun -- /bin/sh -c 'mount -t tmpfs none /tmp 2>&1'
	[ "$status" -ne 0 ]
	run jrun allow.mount -- /bin/probe mount
	[ "$output" = "EPERM" ]
	run jrun allow.mount allow.mount.tmpfs -- /bin/sh -c 'mount -t tmpfs none /tmp && grep -c " /tmp " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "$output" = "1" ]
}

@test "children.max gates namespace creation" {
	run jrun -- /bin/probe unshare
	[ "$output" = "EPERM" ]
	run jrun -- /bin/probe setns
	[ "$output" = "EPERM" ]
	run jrun children.max=1 -- /bin/probe unshare
	[ "$output" = "ok" ]
}

@test "sysv: new by default, disable denies, allow.sysvipc shares the host's" {
	run jrun -- /bin/probe shmget
	[ "$output" = "ok" ]
	run jrun sysvshm=disable -- /bin/probe shmget
	[ "$output" = "EPERM" ]
	run jrun sysvmsg=disable -- /bin/probe msgget
	[ "$output" = "EPERM" ]
	run jrun sysvsem=disable -- /bin/probe semget
	[ "$output" = "EPERM" ]
	host=$(readlink /proc/self/ns/ipc)
	run jrun allow.sysvipc -- /bin/readlink /proc/self/ns/ipc
	[ "$output" = "$host" ]
	run jrun sysvmsg=inherit sysvsem=inherit sysvshm=inherit -- /bin/readlink /proc/self/ns/ipc
	[ "$output" = "$host" ]
}

@test "sockets: only unix, inet, inet6 and netlink unless allow.socket_af" {
	run jrun -- /bin/probe vsock
	[ "$output" = "EAFNOSUPPORT" ]
	run jrun -- /bin/probe inet
	[ "$output" = "ok" ]
}

@test "ip4=inherit: host stack, but ports below 1024 stay the host's" {
	# The "host" here is a throw-away network namespace with loopback only.
	run unshare -n sh -c 'ip link set lo up; '"$JAIL"' -c path='"$ROOT"' ip4=inherit ip6=inherit command=/bin/sh -c "readlink /proc/self/ns/net; probe bind 127.0.0.1 80; probe bind 127.0.0.1 8080"; readlink /proc/self/ns/net'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "${lines[3]}" ]
	[ "${lines[1]}" = "EACCES" ]
	[ "${lines[2]}" = "ok" ]
}

@test "ip4=inherit with ip6=disable denies IPv6 sockets" {
	run unshare -n "$JAIL" -c path="$ROOT" ip4=inherit ip6=disable command=/bin/sh -c 'probe inet6; probe inet'
	[ "${lines[0]}" = "EAFNOSUPPORT" ]
	[ "${lines[1]}" = "ok" ]
}

@test "cgroup: the jail has its own cgroup in every writable hierarchy, under the creator's" {
	"$JAIL" -c path="$ROOT" name=cgt command=/bin/sleep 30 &
	local jp=$!
	local dirs=""
	cgt_up() { dirs=$(jail_cgroups | grep 'jail.cgt[.0-9a-f]*$') && grep -q . "$(echo "$dirs" | head -1)/cgroup.procs"; }
	wait_until 5 cgt_up || { kill $jp; false; }
	local n_h n_j
	n_h=$(awk '$3 ~ /^cgroup2?$/ {print $2}' /proc/self/mounts | sort -u | wc -l)
	n_j=$(echo "$dirs" | grep -c .)
	# every hierarchy holds the jail's processes
	for d in $dirs; do grep -q . "$d/cgroup.procs" || { echo "empty $d"; kill $jp; false; }; done
	# nested under our own memory cgroup (the creator's), not at the root
	mine=$(awk -F: '$2=="memory" {print $3}' /proc/self/cgroup)
	echo "$dirs" | grep -q "/sys/fs/cgroup/memory${mine%/}/jail.cgt."
	kill -TERM $jp
	wait $jp || true
	[ "$n_j" -eq "$n_h" ]
}

@test "cgroup.parent places the jail's cgroups" {
	run jrun name=cgp cgroup.parent=/jailtest -- /bin/sh -c 'cat /proc/self/cgroup | head -3'
	[ "$status" -eq 0 ]
	# inside the jail the cgroup namespace hides the host path
	[[ "$output" != *jailtest* ]]
	n=$(find /sys/fs/cgroup -maxdepth 2 -type d -name jailtest | wc -l)
	for h in /sys/fs/cgroup/*/jailtest; do rmdir "$h"; done
	[ "$n" -ge 2 ]
}
