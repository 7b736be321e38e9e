#!/usr/bin/env bats
# jail-oci driven directly (no engine): a container is a jail, so jls lists
# it under its name, jexec enters it, jail -r stops it and jail-oci delete
# cleans up after, or delete removes the jail; exec, ps, pause/resume,
# update and kill --all; the hooks run where and when the spec says, with
# the state on stdin; the container's process holds only its range's ids.
# Each test has its own --root and jail registry (the wrapper of lib/oci).

load ../lib/oci

setup_file() {
	export W=$BATS_FILE_TMPDIR/w
	oci_wrapper "$W"
	oci_busybox_root "$BATS_FILE_TMPDIR/rootfs"
}

setup() {
	B=$BATS_TEST_TMPDIR/b
	mkdir -p "$B"
	ln -s "$BATS_FILE_TMPDIR/rootfs" "$B/rootfs"
	"$OCI_BIN" spec --bundle "$B"
	OCI="$W/bin/jail-oci"
}

teardown() {
	for id in $("$OCI" list -q 2>/dev/null); do "$OCI" delete --force "$id" 2>/dev/null; done
	oci_assert_clean "$W"
}

# config.json with a jq filter applied (jq options before it).
cfg() { jq "$@" "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"; }

LONG='.process.args = ["sh", "-c", "trap \"exit 0\" TERM; sleep 300 & wait"]'

@test "a container is a jail: jls lists it ('.' as ':'), jexec enters it, jail -r stops it, delete cleans up" {
	cfg "$LONG"
	"$OCI" create --bundle "$B" web.1
	"$OCI" start web.1
	run env JAIL_STATEDIR="$W/jails" "$BUILD/jls" -N
	[[ "$output" == *" web:1 "* ]]
	run env JAIL_STATEDIR="$W/jails" "$BUILD/jexec" web:1 sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 'sh -c trap "exit 0" TERM; sleep 300 & wait ' ]
	[ "${lines[1]}" = 0 ]
	# the container's process holds only its private range's ids on the host
	pid=$("$OCI" state web.1 | jq .pid)
	uid=$(awk '/^Uid:/ { print $2 }' /proc/"$pid"/status)
	[ "$uid" -ge $((0x40000000)) ]
	run env JAIL_STATEDIR="$W/jails" "$BUILD/jail" -r web:1
	[ "$status" -eq 0 ]
	[ "$("$OCI" state web.1 | jq -r .status)" = stopped ]
	run env JAIL_STATEDIR="$W/jails" "$BUILD/jls" -N
	[[ "$output" != *web:1* ]]
	"$OCI" delete web.1
}

@test "jail-oci delete --force removes the jail and its cgroups" {
	cfg "$LONG | .linux.cgroupsPath = \"/jailocitest/c2\""
	"$OCI" create --bundle "$B" c2
	"$OCI" start c2
	[ -d /sys/fs/cgroup/pids/jailocitest/c2 ] || [ -d /sys/fs/cgroup/unified/jailocitest/c2 ]
	run "$OCI" delete c2
	[ "$status" -eq 1 ]
	[ "$output" = "jail-oci: cannot delete container c2: it is running (use --force)" ]
	"$OCI" delete --force c2
	run env JAIL_STATEDIR="$W/jails" "$BUILD/jls" -N
	[[ "$output" != *c2* ]]
	[ -z "$(find /sys/fs/cgroup -path '*/jailocitest/c2')" ]
	oci_rm_cgroups jailocitest
}

@test "exec --detach --pid-file, ps, pause and resume, update, kill --all" {
	cfg "$LONG | .linux.cgroupsPath = \"/jailocitest/c3\" | .linux.resources.pids = {\"limit\": 50}"
	"$OCI" create --bundle "$B" c3
	"$OCI" start c3
	pids=$(find /sys/fs/cgroup -path '*/jailocitest/c3' -name c3 | while read -r d; do [ -f "$d/pids.max" ] && echo "$d"; done | head -1)
	[ "$(cat "$pids/pids.max")" = 50 ]
	run "$OCI" exec c3 sh -c 'echo in; exit 7'
	[ "$status" -eq 7 ] && [ "$output" = in ]
	"$OCI" exec --detach --pid-file "$BATS_TEST_TMPDIR/x.pid" c3 sleep 200
	xpid=$(cat "$BATS_TEST_TMPDIR/x.pid")
	[ "$(cat /proc/"$xpid"/comm)" = sleep ]
	run "$OCI" ps --format json c3
	echo "$output" | jq -e --argjson x "$xpid" 'length == 3 and index($x) != null'
	"$OCI" pause c3
	[ "$("$OCI" state c3 | jq -r .status)" = paused ]
	grep -q '^T\|^D' <(awk '/^State:/ { print $2 }' /proc/"$xpid"/status) || grep -q FROZEN /sys/fs/cgroup/freezer/jailocitest/c3/freezer.state
	"$OCI" resume c3
	[ "$("$OCI" state c3 | jq -r .status)" = running ]
	echo '{"pids": {"limit": 20}}' | "$OCI" update --resources - c3
	[ "$(cat "$pids/pids.max")" = 20 ]
	"$OCI" kill --all c3 KILL
	for _ in $(seq 50); do [ "$("$OCI" state c3 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	[ "$("$OCI" state c3 | jq -r .status)" = stopped ]
	[ ! -e /proc/"$xpid" ] || grep -q "^State:.*Z" /proc/"$xpid"/status
	"$OCI" delete c3
	oci_rm_cgroups jailocitest
}

@test "hooks: each kind in order, where the spec says, with the state on stdin" {
	log=$BATS_TEST_TMPDIR/hooks.log
	# A host hook logging its kind, network namespace, and the status and id read from stdin.
	printf '#!/bin/sh\necho "$1 $(readlink /proc/self/ns/net) $(%s -r '"'"'.status + " " + .id'"'"')" >>%s\n' \
		"$(type -P jq)" "$log" >"$BATS_TEST_TMPDIR/hook"
	chmod 755 "$BATS_TEST_TMPDIR/hook"
	# startContainer runs in the container (its path is the container's): it logs in the root.
	cfg --arg h "$BATS_TEST_TMPDIR/hook" '.process.args = ["true"] | .hooks = {
		createRuntime: [{path: $h, args: ["hook", "createRuntime"]}],
		createContainer: [{path: $h, args: ["hook", "createContainer"]}],
		startContainer: [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer $(readlink /proc/self/ns/net) $(cat) >/startlog"]}],
		poststart: [{path: $h, args: ["hook", "poststart"]}],
		poststop: [{path: $h, args: ["hook", "poststop"]}]}'
	"$OCI" create --bundle "$B" h1
	"$OCI" start h1
	for _ in $(seq 50); do [ "$("$OCI" state h1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	"$OCI" delete h1
	host=$(readlink /proc/self/ns/net)
	run cat "$log"
	[ "${#lines[@]}" -eq 4 ]
	read -r k1 n1 s1 i1 <<<"${lines[0]}"
	[ "$k1" = createRuntime ] && [ "$n1" = "$host" ] && [ "$s1" = created ] && [ "$i1" = h1 ]
	read -r k2 n2 s2 _ <<<"${lines[1]}"
	[ "$k2" = createContainer ] && [ "$n2" != "$host" ] && [ "$s2" = created ]
	read -r k4 n4 s4 _ <<<"${lines[2]}"
	[ "$k4" = poststart ] && [ "$n4" = "$host" ] && [ "$s4" = running ]
	read -r k5 _ s5 _ <<<"${lines[3]}"
	[ "$k5" = poststop ] && [ "$s5" = stopped ]
	read -r k3 n3 state <<<"$(cat "$BATS_FILE_TMPDIR/rootfs/startlog")"
	rm -f "$BATS_FILE_TMPDIR/rootfs/startlog"
	[ "$k3" = startContainer ] && [ "$n3" = "$n2" ]
	echo "$state" | jq -e '.id == "h1" and .pid > 0'
}

@test "a failing createContainer hook fails create and leaves nothing; a failing poststart only warns" {
	cfg --arg f "$(type -P false)" '.hooks = {createContainer: [{path: $f}]} | .process.args = ["true"]'
	run "$OCI" create --bundle "$B" f1
	[ "$status" -eq 1 ]
	[[ "$output" == "jail-oci: f1: createContainer hook "*": exited with status 1" ]] || { echo "$output"; false; }
	[ -z "$("$OCI" list -q)" ]
	cfg --arg f "$(type -P false)" '.hooks = {poststart: [{path: $f}]} | .process.args = ["true"]'
	"$OCI" create --bundle "$B" f2
	run "$OCI" start f2
	[ "$status" -eq 0 ]
	[[ "$output" == "jail-oci: warning: poststart hook "*": exited with status 1" ]]
	for _ in $(seq 50); do [ "$("$OCI" state f2 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	"$OCI" delete f2
}

@test "an image idmapped onto host root: the container's root makes no setuid, setgid or capable file in it; jail.allow.setid=true allows it" {
	R=$BATS_FILE_TMPDIR/rootfs
	cp "$BUILD/tests/attack" "$R/bin/attack"
	rm -f "$R"/tmp/setid-*
	# every capability asked for in every set (as runtime-tools' default config does)
	cfg "$LONG | .process.capabilities.inheritable = .process.capabilities.bounding"
	"$OCI" create --bundle "$B" s1
	"$OCI" start s1
	# CAP_SETFCAP is held (the sets are as asked): the xattr itself is refused
	[ $((0x$("$OCI" exec s1 awk '/^CapEff/ { print $2 }' /proc/self/status) & 0x80000000)) != 0 ]
	run "$OCI" exec s1 sh -c 'cp /bin/attack /tmp/setid-f
		chmod 4755 /tmp/setid-f 2>/dev/null; echo "u=$?"; chmod 2755 /tmp/setid-f 2>/dev/null; echo "g=$?"
		chmod 755 /tmp/setid-f; echo "plain=$?"
		attack setcap /tmp/setid-f; attack creat-setid /tmp/setid-g; attack mknod-setid /tmp/setid-h
		attack open-junkmode /dev/null'
	inside=$output
	# jexec into the container is held the same (the jail's record says so)
	run env JAIL_STATEDIR="$W/jails" "$BUILD/jexec" s1 chmod 4755 /tmp/setid-f
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	"$OCI" delete --force s1
	[ "$inside" = "u=1
g=1
plain=0
EPERM
EPERM
EPERM
ok" ]
	# on the host: the files are host root's, and none is setuid, setgid or capable
	[ "$(stat -c %u "$R/tmp/setid-f")" = 0 ]
	[ -z "$(find "$R/tmp" -name 'setid-*' -perm /6000)" ]
	rm -f "$R"/tmp/setid-*
	# the annotation: the bundle is the engine's to keep from the host's users
	cfg '.annotations["jail.allow.setid"] = "true"'
	"$OCI" create --bundle "$B" s2
	"$OCI" start s2
	run "$OCI" exec s2 sh -c 'cp /bin/attack /tmp/setid-f; chmod 4755 /tmp/setid-f; echo "u=$?"'
	"$OCI" delete --force s2
	[ "$output" = "u=0" ]
	[ -n "$(find "$R/tmp" -name setid-f -perm -4000)" ]
	rm -f "$R"/tmp/setid-* "$R/bin/attack"
}
