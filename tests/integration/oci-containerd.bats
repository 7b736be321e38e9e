#!/usr/bin/env bats
# containerd 1.6 with jail-oci as its runc binary (the runc.v2 shim, as a
# Kubernetes runtime handler would use it): containerd started by this file
# with its own root, state and sockets (CRI off) and stopped by pid; a
# busybox image built as an OCI layout with umoci and imported from the
# archive; ctr run --rm, task exec, ps, pause/resume, kill and delete, with
# output and exit codes checked, and the task seen as a jail. /run/containerd
# (fifos, shim sockets), which containerd makes whatever its config says, is
# removed when this file made it.

load ../lib/oci

setup_file() {
	command -v containerd >/dev/null && command -v ctr >/dev/null || skip "containerd not installed (scripts/deps.sh)"
	command -v umoci >/dev/null || skip "umoci not installed (scripts/deps.sh)"
	export D=$BATS_FILE_TMPDIR/ctd
	mkdir -p "$D"
	oci_wrapper "$D"
	[ -e /run/containerd ] && touch "$D/had-run"
	cat >"$D/config.toml" <<EOF
version = 2
root = "$D/root"
state = "$D/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$D/c.sock"
[ttrpc]
  address = "$D/c-ttrpc.sock"
[debug]
  address = "$D/c-debug.sock"
EOF
	containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 &
	echo $! >"$D/containerd.pid"
	for _ in $(seq 100); do [ -S "$D/c.sock" ] && break; sleep 0.1; done
	# An OCI image layout with one layer (the busybox root), archived as tar.
	oci_busybox_root "$D/bbroot"
	(cd "$D" && umoci init --layout L && umoci new --image L:bb &&
		umoci unpack --image L:bb B >/dev/null && rm -rf B/rootfs && cp -a bbroot B/rootfs &&
		umoci repack --image L:bb B >/dev/null && tar -C L -cf img.tar .) >"$D/umoci.log" 2>&1
	ctr -a "$D/c.sock" -n jt image import --base-name localhost/bb "$D/img.tar" >/dev/null
}

teardown_file() {
	[ -n "${D:-}" ] || return 0
	local C="ctr -a $D/c.sock -n jt"
	for t in $($C task ls -q 2>/dev/null); do $C task kill -s KILL "$t" 2>/dev/null; $C task delete -f "$t" 2>/dev/null; done
	for c in $($C container ls -q 2>/dev/null); do $C container delete "$c" 2>/dev/null; done
	[ -f "$D/containerd.pid" ] && kill "$(cat "$D/containerd.pid")" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$(cat "$D/containerd.pid")" 2>/dev/null || break; sleep 0.1; done
	grep -o " $D/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount "$m" 2>/dev/null; done
	oci_rm_cgroups jt
	[ -e "$D/had-run" ] || rm -rf /run/containerd
	rm -rf "$D"
}

c() { ctr -a "$D/c.sock" -n jt "$@"; }
crun_() { c run --runc-binary "$D/bin/jail-oci" --runc-root "$D/oci" "$@"; }

@test "ctr run --rm of an image imported from an OCI archive: output and exit status" {
	run crun_ --rm localhost/bb:bb r1 sh -c 'echo hello; cat /proc/self/uid_map; exit 3'
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = hello ]
	read -r inside host size <<<"${lines[1]}"
	[ "$inside" = 0 ] && [ "$size" = 65536 ] && [ "$host" -ge $((0x40000000)) ]
	oci_assert_clean "$D"
}

@test "ctr task exec, ps, pause and resume, kill and delete; the task is a jail" {
	crun_ -d localhost/bb:bb t1 sh -c 'trap "exit 0" TERM; sleep 300 & wait' >/dev/null
	for _ in $(seq 50); do [ "$(c task ls | awk '$1 == "t1" { print $3 }')" = RUNNING ] && break; sleep 0.1; done
	run c task exec --exec-id e1 t1 sh -c 'echo exec-ok; exit 6'
	[ "$status" -eq 6 ] && [ "$output" = exec-ok ]
	run c task ps t1
	[ "${#lines[@]}" -eq 3 ] # header, sh, sleep
	c task pause t1
	[ "$(c task ls | awk '$1 == "t1" { print $3 }')" = PAUSED ]
	grep -q FROZEN "$(find /sys/fs/cgroup/freezer -path "*/jt/t1" | head -1)/freezer.state"
	c task resume t1
	[ "$(c task ls | awk '$1 == "t1" { print $3 }')" = RUNNING ]
	run env JAIL_STATEDIR="$D/jails" "$BUILD/jls" -N
	[[ "$output" == *" t1 "* ]]
	c task kill t1
	for _ in $(seq 50); do [ "$(c task ls | awk '$1 == "t1" { print $3 }')" = STOPPED ] && break; sleep 0.1; done
	[ "$(c task ls | awk '$1 == "t1" { print $3 }')" = STOPPED ]
	c task delete t1
	c container delete t1
	oci_assert_clean "$D"
	[ -z "$(find /sys/fs/cgroup -path '*/jt/t1')" ]
}
