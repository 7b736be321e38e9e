#!/usr/bin/env bats
# The step tables (issue 9): a failure injected at every step of the create
# table, of the init's table and of the remove table, with a jail that uses
# every step (exec.* commands, an address, so the net step runs), must give
# one error line naming the step and leave nothing behind. Each case runs in
# a throw-away network namespace (unshare -n) with documentation addresses.

load ../lib/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; }
teardown() { assert_clean; }

# Nothing of jail "ft" is left: no record, cgroup, process or interface of this run.
no_residue() {
	local t f st
	t=$(jail_tag)
	[ -z "$(ls -A "$JAIL_STATEDIR" 2>/dev/null | grep -v -e '^cache$' -e '^\.lock$' -e '^public$')" ] || { echo "state left: $(ls -A "$JAIL_STATEDIR")"; return 1; }
	[ -z "$(ls -A "$JAIL_STATEDIR/public" 2>/dev/null)" ] || { echo "public copy left: $(ls -A "$JAIL_STATEDIR/public")"; return 1; }
	[ -z "$(find /sys/fs/cgroup -maxdepth 8 -type d -name "jail.ft.$t" 2>/dev/null)" ] || { echo "cgroups left"; return 1; }
	# A zombie init waits for the host's PID 1 to reap it: it is gone, not left;
	# so is one reaped between the grep and the look at its state.
	for f in $(grep -l "jail.ft.$t" /proc/[0-9]*/cgroup 2>/dev/null); do
		st=$(grep "^State:" "${f%/cgroup}/status" 2>/dev/null) || continue
		[[ "$st" == *Z* ]] || { echo "process left: $f: $st $(tr "\\0" " " < "${f%/cgroup}/cmdline")"; return 1; }
	done
}

# Run a script in a fresh network namespace holding 198.51.100.1 on lo.
innet() {
	unshare -n env JAIL="$JAIL" ROOT="$ROOT" JAIL_STATEDIR="$JAIL_STATEDIR" bash -c \
		'ip link set lo up; ip addr add 198.51.100.1/32 dev lo; '"$1"
}

HOOKS='exec.prepare=true exec.prestart=true exec.created=true exec.start=/bin/true exec.poststart=true'
HOOKS+=' exec.prestop=true exec.stop=/bin/true exec.poststop=true exec.release=true'

@test "jail --steps lists the create, init and remove tables" {
	run "$JAIL" --steps
	[ "$status" -eq 0 ]
	[ "$(grep -c '^create ' <<<"$output")" -ge 10 ]
	[ "$(grep -c '^init ' <<<"$output")" -ge 5 ]
	[ "$(grep -c '^remove ' <<<"$output")" -ge 8 ]
	grep -qx 'create net' <<<"$output"
	grep -qx 'create exec.poststart' <<<"$output"
	grep -qx 'init root' <<<"$output"
	grep -qx 'remove term' <<<"$output"
}

@test "a failure at any create or init step: one line naming it, nothing left behind" {
	local steps n=0
	steps=$("$JAIL" --steps | awk '$1 == "create" || $1 == "init" { print $2 }')
	for step in $steps; do
		run innet "JAIL_FAULT=$step \"\$JAIL\" -c name=ft path=\"\$ROOT\" ip4.addr=192.0.2.50 $HOOKS command=/bin/true
			s=\$?; ip -o link | grep -v ': lo:' && exit 99; exit \$s"
		[ "$status" -eq 1 ] || { echo "$step: status $status: $output"; return 1; }
		[ "$output" = "jail: ft: $step: injected failure (JAIL_FAULT)" ] || { echo "$step: $output"; return 1; }
		no_residue || { echo "after $step"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 20 ]
}

@test "a failure at any remove step: one line naming it; a second jail -r finishes; nothing left" {
	local steps n=0
	steps=$("$JAIL" --steps | awk '$1 == "remove" { print $2 }')
	for step in $steps; do
		run innet "\"\$JAIL\" -q -c name=ft path=\"\$ROOT\" ip4.addr=192.0.2.50 persist $HOOKS || exit 98
			JAIL_FAULT=$step \"\$JAIL\" -r ft; s=\$?
			\"\$JAIL\" -q -r ft 2>/dev/null
			ip -o link | grep -v ': lo:' && exit 99; exit \$s"
		[ "$status" -eq 1 ] || { echo "$step: status $status: $output"; return 1; }
		[ "$output" = "jail: ft: $step: injected failure (JAIL_FAULT)" ] || { echo "$step: $output"; return 1; }
		no_residue || { echo "after $step"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 10 ]
}

@test "a failing exec.stop keeps the jail, as FreeBSD; jail -R removes it" {
	"$JAIL" -q -c name=ft path="$ROOT" persist exec.stop=/bin/false
	run "$JAIL" -r ft
	[ "$status" -eq 1 ]
	[ "$output" = "jail: ft: /bin/false: failed" ]
	"$BUILD/jls" -j ft >/dev/null
	run "$JAIL" -R ft
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run ! "$BUILD/jls" -j ft
	no_residue
}
