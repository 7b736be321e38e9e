#!/usr/bin/env bats
# jail-oci(8), the command line without engines: spec writes a config its
# own reader accepts, features is the runtime-spec document, state and list
# read the state directory (a planted state whose init is a real process of
# the test), kill's signal names, delete --force of a missing container,
# errors as one stderr line and JSON log lines, and every refusal naming the
# config.json field. Each test uses its own --root and jail registry.

setup() {
	OCI=${JAIL_BUILD:?}/jail-oci
	T=$(mktemp -d /tmp/oci-cli.XXXXXX)
	R=$T/state
	export JAIL_STATEDIR=$T/jails
	mkdir -p "$T/b/rootfs"
}

teardown() {
	[ -n "${SLEEP_PID:-}" ] && kill "$SLEEP_PID" 2>/dev/null
	[ -n "${SLEEP_PID:-}" ] && wait "$SLEEP_PID" 2>/dev/null
	rm -rf "$T"
}

# Plant ROOT/ID/state.json for a container whose init is pid $2.
plant() { # $1 id, $2 pid, $3 status
	local start
	start=$(awk '{ sub(/.*\) /, ""); print $20 }' /proc/"$2"/stat)
	mkdir -p "$R/$1"
	printf '{"ociVersion":"1.2.0","id":"%s","status":"%s","pid":%s,"bundle":"%s","rootfs":"%s","created":"2026-01-01T00:00:00.000000000Z","owner":"root","annotations":{"k":"v"},"jail":{"pidStart":%s,"jid":0}}' \
		"$1" "$3" "$2" "$T/b" "$T/b/rootfs" "$start" >"$R/$1/state.json"
}

@test "spec writes a jail's config.json that jail-oci's own reader accepts; never overwrites" {
	run "$OCI" spec --bundle "$T/b"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	jq -e '.ociVersion == "1.2.0" and .root.path == "rootfs" and .process.noNewPrivileges == false' "$T/b/config.json"
	# the privilege table's set: no CAP_SYS_ADMIN, no CAP_MKNOD, CAP_CHOWN kept
	jq -e '.process.capabilities.bounding | index("CAP_CHOWN") and (index("CAP_SYS_ADMIN") | not) and (index("CAP_MKNOD") | not)' "$T/b/config.json"
	jq -e '[.linux.namespaces[].type] | index("user") and index("pid") and index("network")' "$T/b/config.json"
	jq -e '.linux.maskedPaths | index("/proc/kcore")' "$T/b/config.json"
	run "$OCI" spec --bundle "$T/b"
	[ "$status" -eq 1 ]
	[ "$output" = "jail-oci: $T/b/config.json exists; remove it first" ]
	# the whole config is taken; an empty root has no sh, and the failed create leaves nothing
	run "$OCI" --root "$R" create --bundle "$T/b" c1
	[ "$status" -eq 1 ]
	[ "$output" = 'jail-oci: c1: exec: "sh": executable file not found in $PATH' ]
	[ ! -e "$R/c1" ]
	[ -z "$(ls "$JAIL_STATEDIR" | grep -v -e '^cache$' -e '^public$')" ]
}

@test "features is the runtime-spec features document, without what is refused" {
	run "$OCI" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.2.0"'
	echo "$output" | jq -e '.hooks | length == 6'
	echo "$output" | jq -e '.mountOptions | index("rro") and index("idmap") and index("rbind")'
	echo "$output" | jq -e '.linux.namespaces | index("time") and index("user")'
	echo "$output" | jq -e '.linux.capabilities | length == 41'
	echo "$output" | jq -e '.linux.seccomp.enabled and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") | not)'
	echo "$output" | jq -e '.linux.seccomp.operators | length == 7'
	echo "$output" | jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG")'
	echo "$output" | jq -e '.linux.apparmor.enabled == false and .linux.selinux.enabled == false'
	echo "$output" | jq -e '.linux.mountExtensions.idmap.enabled'
}

@test "state reads the state directory; a dead init reads as stopped" {
	sleep 300 &
	SLEEP_PID=$!
	plant c1 "$SLEEP_PID" created
	run "$OCI" --root "$R" state c1
	[ "$status" -eq 0 ]
	echo "$output" | jq -e --arg b "$T/b" --argjson p "$SLEEP_PID" \
		'.ociVersion == "1.2.0" and .id == "c1" and .status == "created" and .pid == $p and .bundle == $b and .annotations.k == "v" and .rootfs == ($b + "/rootfs") and .owner == "root" and (has("jail") | not)'
	kill "$SLEEP_PID"
	wait "$SLEEP_PID" || true
	run "$OCI" --root "$R" state c1
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.status == "stopped" and .pid == 0'
	SLEEP_PID=
	run "$OCI" --root "$R" state nope
	[ "$status" -eq 1 ]
	[ "$output" = "jail-oci: container nope does not exist" ]
	run "$OCI" --root "$R" state ../etc
	[ "$status" -eq 1 ]
	[[ "$output" == "jail-oci: invalid container id '../etc'"* ]]
}

@test "list: table, --quiet and --format json; an absent root lists nothing" {
	sleep 300 &
	SLEEP_PID=$!
	plant b2 "$SLEEP_PID" running
	plant a1 "$SLEEP_PID" created
	mkdir -p "$R/junk"
	run "$OCI" --root "$R" list -q
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'a1\nb2')" ]
	run "$OCI" --root "$R" list
	[ "${lines[0]%% *}" = ID ]
	[[ "${lines[2]}" == "b2 "*" $SLEEP_PID "*"running"* ]]
	run "$OCI" --root "$R" list --format json
	echo "$output" | jq -e 'length == 2 and .[0].id == "a1" and .[1].status == "running"'
	run "$OCI" --root "$T/none" list --format json
	[ "$status" -eq 0 ] && [ "$output" = "[]" ]
}

@test "kill takes numbers and names with or without SIG; bad signals and states are refused" {
	# A process that ignores what the test sends, planted as container c1's.
	bash -c 'trap "" TERM USR1 RTMIN+2 RTMAX-1; sleep 300 & wait' &
	SLEEP_PID=$!
	sleep 0.2
	plant c1 "$SLEEP_PID" running
	for s in 15 TERM SIGTERM sigusr1 RTMIN+2 SIGRTMAX-1; do
		run "$OCI" --root "$R" kill c1 "$s"
		[ "$status" -eq 0 ] && [ -z "$output" ] || { echo "$s: $output"; return 1; }
	done
	for s in FOO 0 65 RTMIN+99 SIG; do
		run "$OCI" --root "$R" kill c1 "$s"
		[ "$status" -eq 1 ]
		[ "$output" = "jail-oci: kill: unknown signal '$s'" ]
	done
	kill -0 "$SLEEP_PID"
	run "$OCI" --root "$R" start c1
	[ "$output" = "jail-oci: cannot start container c1: it is running" ]
	run "$OCI" --root "$R" kill c1 KILL
	[ "$status" -eq 0 ]
	wait "$SLEEP_PID" || true
	run "$OCI" --root "$R" kill c1 9
	[ "$status" -eq 1 ]
	[ "$output" = "jail-oci: cannot kill container c1: it is stopped" ]
	SLEEP_PID=
}

@test "delete --force of a missing container succeeds; without --force it is an error" {
	run "$OCI" --root "$R" delete --force nope
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run "$OCI" --root "$R" delete nope
	[ "$status" -eq 1 ]
	[ "$output" = "jail-oci: container nope does not exist" ]
}

@test "errors: one stderr line, and JSON lines in --log with --log-format json" {
	"$OCI" spec --bundle "$T/b"
	jq '.process.apparmorProfile = "docker-default"' "$T/b/config.json" >"$T/b/c" && mv "$T/b/c" "$T/b/config.json"
	run "$OCI" --root "$R" --log "$T/log.json" --log-format json create --bundle "$T/b" c1
	[ "$status" -eq 1 ]
	[[ "$output" == "jail-oci: $T/b: config.json: process.apparmorProfile: not supported: "* ]]
	[ "${#lines[@]}" -eq 1 ]
	tail -1 "$T/log.json" | jq -e '.level == "error" and (.msg | startswith("'"$T"'/b: config.json: process.apparmorProfile: not supported")) and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))'
	run "$OCI" --root "$R" --log "$T/log.txt" state nope
	grep -q 'level=error msg="container nope does not exist"' "$T/log.txt"
	run "$OCI" --log-format yaml state x
	[ "$output" = "jail-oci: --log-format yaml: text or json" ]
	run "$OCI" frobnicate
	[ "$status" -eq 1 ] && [ "$output" = "jail-oci: unknown command 'frobnicate'" ]
}

@test "create refuses what it cannot honour, naming the field" {
	"$OCI" spec --bundle "$T/b"
	check() { # jq filter, expected message start
		jq "$1" "$T/b/config.json" >"$T/b/bad.json"
		mkdir -p "$T/b2/rootfs"
		cp "$T/b/bad.json" "$T/b2/config.json"
		run "$OCI" --root "$R" create --bundle "$T/b2" c1
		[ "$status" -eq 1 ]
		[[ "$output" == "jail-oci: $T/b2: config.json: $2"* ]] || { echo "got: $output"; return 1; }
	}
	check '.process.selinuxLabel = "x"' 'process.selinuxLabel: not supported'
	n=$(jq '.process.capabilities.bounding | length' "$T/b/config.json")
	check '.process.capabilities.bounding += ["CAP_NOPE"]' "process.capabilities.bounding[$n]: unknown capability 'CAP_NOPE'"
	check '.process.rlimits = [{"type":"RLIMIT_TEST","soft":1,"hard":1}]' "process.rlimits[0].type: unknown resource 'RLIMIT_TEST'"
	check '.linux.intelRdt = {"closID":"a"}' 'linux.intelRdt: not supported'
	check '.linux.seccomp = {"defaultAction":"SCMP_ACT_NOTIFY"}' 'linux.seccomp.defaultAction: not supported'
	check '.mounts[0].options += ["idmap=uids=0-1-1"]' 'mounts[0].options[3]: not supported'
	check '.ociVersion = "2.0.0"' "ociVersion: '2.0.0'"
	# process.terminal without a console socket
	jq '.process.terminal = true' "$T/b/config.json" >"$T/b2/config.json"
	run "$OCI" --root "$R" create --bundle "$T/b2" c1
	[ "$output" = "jail-oci: process.terminal is true: --console-socket is required" ]
	run "$OCI" --root "$R" create --bundle "$T/nonexistent" c1
	[[ "$output" == "jail-oci: bundle $T/nonexistent: No such file or directory" ]]
	rm -rf "$T/b2/rootfs"
	cp "$T/b/config.json" "$T/b2/config.json"
	run "$OCI" --root "$R" create --bundle "$T/b2" c1
	[ "$output" = "jail-oci: $T/b2: root.path rootfs: No such file or directory" ]
}

@test "exec and update check their inputs before the container" {
	run "$OCI" --root "$R" exec --cap CAP_NOPE c1 true
	[ "$output" = "jail-oci: --cap CAP_NOPE: unknown capability" ]
	run "$OCI" --root "$R" exec --env NOEQ c1 true
	[ "$output" = "jail-oci: --env NOEQ: not NAME=VALUE" ]
	run "$OCI" --root "$R" exec --cwd rel c1 true
	[ "$output" = "jail-oci: --cwd rel: must be an absolute path" ]
	echo '{"user":{"uid":0,"gid":0},"args":["sh"],"cwd":"/","apparmorProfile":"x"}' >"$T/p.json"
	run "$OCI" --root "$R" exec --process "$T/p.json" c1
	[[ "$output" == "jail-oci: --process $T/p.json: process.apparmorProfile: not supported"* ]]
	echo '{"memory":{"swappiness":200}}' >"$T/r.json"
	run "$OCI" --root "$R" update --resources - c1 <"$T/r.json"
	[ "$output" = "jail-oci: --resources -: resources.memory.swappiness: 200 above 100" ]
	echo '{"pids":{"limit":10}}' | { run "$OCI" --root "$R" update --resources - c1; [ "$output" = "jail-oci: container c1 does not exist" ]; }
}
