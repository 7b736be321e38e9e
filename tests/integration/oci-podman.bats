#!/usr/bin/env bats
# podman 4.3 with --runtime jail-oci: a locally imported busybox image run
# with --rm, run -d + exec + exec -t + run -t + stop + rm, --rootfs DIR,
# --preserve-fds, and a container serving HTTP on loopback inside its own
# network namespace; exit codes and output checked, the container seen in
# jls and entered with jexec. podman's storage, state and the runtime's are
# private to this file (the configuration of shared/oci/README.md); what
# podman makes outside them (/var/lib/containers/cache, libpod_parent
# cgroups) is removed when this file made it.

load ../lib/oci

setup_file() {
	command -v podman >/dev/null || skip "podman not installed (scripts/deps.sh)"
	export D=$BATS_FILE_TMPDIR/pm
	mkdir -p "$D"
	oci_wrapper "$D"
	[ -e /var/lib/containers/cache ] && touch "$D/had-cache"
	local nproc pidmax
	nproc=$(ulimit -Hu)
	pidmax=$(cat /proc/sys/kernel/pid_max)
	[ "$nproc" = unlimited ] || [ "$nproc" -gt "$pidmax" ] && nproc=$pidmax
	cat >"$D/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$nproc:$nproc"]
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$D/events.log"
tmp_dir = "$D/tmp"
volume_path = "$D/volumes"
runtime_supports_json = ["crun", "runc", "jail-oci"]
EOF
	cat >"$D/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$D/graph"
runroot = "$D/run"
EOF
	export CONTAINERS_CONF=$D/containers.conf CONTAINERS_STORAGE_CONF=$D/storage.conf
	oci_busybox_root "$D/root"
	tar -C "$D/root" -cf "$D/img.tar" .
	podman import --change 'CMD ["/bin/sh"]' "$D/img.tar" localhost/jailtest >/dev/null
}

teardown_file() {
	[ -n "${D:-}" ] || return 0
	podman rm -af -t 0 >/dev/null 2>&1 || true
	podman rmi -af >/dev/null 2>&1 || true
	grep -o " $D/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount "$m" 2>/dev/null; done
	oci_rm_cgroups libpod_parent
	[ -e "$D/had-cache" ] || rm -rf /var/lib/containers/cache
	rmdir /var/lib/containers 2>/dev/null || true
	rm -rf "$D"
}

pm() { podman --runtime "$D/bin/jail-oci" "$@"; }

@test "podman run --rm: output and exit status pass through; the container runs in a private range" {
	run pm run --rm --pull=never localhost/jailtest sh -c 'echo hi; cat /proc/self/uid_map; id -u; exit 3'
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = hi ]
	read -r inside host size <<<"${lines[1]}"
	[ "$inside" = 0 ] && [ "$size" = 65536 ] && [ "$host" -ge $((0x40000000)) ]
	[ "${lines[2]}" = 0 ]
	# killed from outside by a signal: 128 + 9
	pm run -d --pull=never --name k1 localhost/jailtest sleep 300 >/dev/null
	pm kill -s KILL k1 >/dev/null
	run pm wait k1
	[ "$output" = 137 ]
	pm rm k1 >/dev/null
	# the image's files are the container's: root writes its own root
	run pm run --rm --pull=never localhost/jailtest sh -c 'touch /made && ls -ln /made /bin/busybox'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" 0        0 "* ]] && [[ "${lines[1]}" == *" 0        0 "* ]]
	oci_assert_clean "$D"
}

@test "podman run -d, exec, exec -t, stop, rm; the container is a jail jls lists and jexec enters" {
	run pm run -d --pull=never --name t2 localhost/jailtest sh -c 'trap "exit 0" TERM; sleep 300 & wait'
	[ "$status" -eq 0 ]
	id=$output
	run pm exec t2 sh -c 'echo in; exit 5'
	[ "$status" -eq 5 ] && [ "$output" = in ]
	run script -qec "podman --runtime $D/bin/jail-oci exec -t t2 sh -c 'tty; exit 4'" /dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == /dev/pts/* ]]
	# run -t: create --console-socket; the pty is the process's terminal and /dev/console
	run script -qec "podman --runtime $D/bin/jail-oci run -t --rm --pull=never localhost/jailtest sh -c 'tty; stat -c %t:%T /dev/console; exit 2'" /dev/null
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == /dev/pts/* ]] && [[ "${lines[1]}" == 88:* ]]
	run env JAIL_STATEDIR="$D/jails" "$BUILD/jls" -N
	[[ "$output" == *" $id "* ]]
	run env JAIL_STATEDIR="$D/jails" "$BUILD/jexec" "$id" cat /proc/1/cmdline
	[ "$status" -eq 0 ]
	[[ "$output" == "sh-ctrap"* ]]
	run pm stop -t 5 t2
	[ "$status" -eq 0 ]
	run pm ps -a --format '{{.Status}}' --filter name=t2
	[[ "$output" == "Exited (0)"* ]]
	pm rm t2
	oci_assert_clean "$D"
}

@test "podman run --rootfs DIR" {
	run pm run --rm --rootfs "$D/root" sh -c 'cat /www/index.html; hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hello from a jail" ]
	oci_assert_clean "$D"
}

@test "podman run --preserve-fds: fd 3 reaches the container's process" {
	echo "passed on fd 3" >"$D/fd3"
	run pm run --rm --pull=never --preserve-fds 1 localhost/jailtest sh -c 'cat <&3' 3<"$D/fd3"
	[ "$status" -eq 0 ]
	[ "$output" = "passed on fd 3" ]
	oci_assert_clean "$D"
}

@test "a container serves HTTP on loopback inside its own network namespace" {
	pm run -d --pull=never --name web localhost/jailtest httpd -f -p 127.0.0.1:80 -h /www >/dev/null
	for _ in $(seq 50); do
		pm exec web wget -qO- http://127.0.0.1/ >"$D/page" 2>/dev/null && break
		sleep 0.1
	done
	[ "$(cat "$D/page")" = "hello from a jail" ]
	# its loopback is its own: port 80 of the host's is not it
	run pm exec web cat /proc/net/tcp
	[[ "$output" == *"0100007F:0050"* ]]
	pm rm -f -t 0 web >/dev/null
	oci_assert_clean "$D"
}
