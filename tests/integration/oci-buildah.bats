#!/usr/bin/env bats
# buildah 1.28 run with --runtime jail-oci: a working container made from
# scratch with a busybox root, a RUN step whose writes must land in the
# image (buildah commit), exit codes passed through. Storage private to
# this file.

load ../lib/oci

setup_file() {
	command -v buildah >/dev/null || skip "buildah not installed (scripts/deps.sh)"
	export D=$BATS_FILE_TMPDIR/bd
	mkdir -p "$D"
	oci_wrapper "$D"
	[ -e /var/lib/containers/cache ] && touch "$D/had-cache"
	cat >"$D/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$D/events.log"
tmp_dir = "$D/tmp"
EOF
	printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/graph"\nrunroot = "%s/run"\n' "$D" "$D" >"$D/storage.conf"
	export CONTAINERS_CONF=$D/containers.conf CONTAINERS_STORAGE_CONF=$D/storage.conf
	oci_busybox_root "$D/root"
}

teardown_file() {
	[ -n "${D:-}" ] || return 0
	buildah rm --all >/dev/null 2>&1 || true
	buildah rmi --all --force >/dev/null 2>&1 || true
	grep -o " $D/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount "$m" 2>/dev/null; done
	[ -e "$D/had-cache" ] || rm -rf /var/lib/containers/cache
	rmdir /var/lib/containers 2>/dev/null || true
	rm -rf "$D"
}

@test "buildah run: a RUN step's writes land in the committed image; exit codes pass through" {
	c=$(buildah from scratch)
	buildah copy "$c" "$D/root" / >/dev/null
	run buildah run --network none --runtime "$D/bin/jail-oci" "$c" -- sh -c 'echo built-in-a-jail >/built; id -u; cat /proc/self/uid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	read -r inside host size <<<"${lines[1]}"
	[ "$inside" = 0 ] && [ "$host" -ge $((0x40000000)) ]
	run buildah run --network none --runtime "$D/bin/jail-oci" "$c" -- sh -c 'exit 4'
	[ "$status" -ne 0 ]
	[[ "$output" == *"exit status 4"* ]]
	buildah commit -q "$c" localhost/built >/dev/null
	c2=$(buildah from localhost/built)
	m=$(buildah mount "$c2")
	[ "$(cat "$m/built")" = built-in-a-jail ]
	# the file is the image's root's, as with any runtime (host uid 0 in storage)
	[ "$(stat -c %u "$m/built")" = 0 ]
	buildah umount "$c2" >/dev/null
	buildah rm "$c" "$c2" >/dev/null
	oci_assert_clean "$D"
}
