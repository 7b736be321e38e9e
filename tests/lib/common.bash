# Shared setup for the integration tests: paths to the binaries, a busybox
# jail root per test file, a private state directory, and the check that a
# test left no jail, cgroup, state file or process behind.

BUILD=${JAIL_BUILD:-$BATS_TEST_DIRNAME/../../build}
JAIL=$BUILD/jail
PROBE=$BUILD/tests/probe
MKROOT=$BATS_TEST_DIRNAME/../lib/mkroot.sh

# One root per file: made in setup_file, removed in teardown_file.
common_setup_file() {
	export ROOT="$BATS_FILE_TMPDIR/root"
	"$MKROOT" "$ROOT" "$PROBE"
	export JAIL_STATEDIR="$BATS_FILE_TMPDIR/state"
}

common_teardown_file() {
	rm -rf "$BATS_FILE_TMPDIR/root" "$BATS_FILE_TMPDIR/state"
}

# The tag the library puts in the cgroup names of jails of this registry:
# FNV-1a of the registry's directory (lib/core/registry.c), none for /run/jail.
registry_tag() {
	local h=2166136261 c i s=${JAIL_STATEDIR:-/run/jail}
	[ "$s" != /run/jail ] || return 0
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(((h ^ c) * 16777619 % 4294967296))
	done
	printf '.%08x' "$h"
}

# Every cgroup directory the jails of this test file's registry made, in
# every hierarchy (other runs on the machine have registries of their own).
jail_cgroups() {
	local t
	t=$(registry_tag)
	find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name "jail.*$t" 2>/dev/null
}

# The jail cgroups that exist before a test (other jails on the machine) are not its leftovers.
common_setup() {
	jail_cgroups | sort > "$BATS_TEST_TMPDIR/cgroups.before"
}

# Nothing of any jail remains: no cgroup, no state file, no process of ours.
assert_clean() {
	local cg st
	cg=$(jail_cgroups | sort | comm -23 - "$BATS_TEST_TMPDIR/cgroups.before")
	[ -z "$cg" ] || { echo "leftover cgroups: $cg"; return 1; }
	# public/ (what jls shows any user) may stay, empty
	st=$( (ls -A "$JAIL_STATEDIR"; ls -A "$JAIL_STATEDIR/public" | sed 's|^|public/|') 2>/dev/null |
		grep -v -e '^cache$' -e '^\.lock$' -e '^public$' || true)
	[ -z "$st" ] || { echo "leftover state: $st"; return 1; }
	if pgrep -f "jail -c path=$ROOT" >/dev/null; then
		echo "leftover jail process"; return 1
	fi
}

# run a command inside a fresh jail on $ROOT: jrun [params...] -- cmd args...
jrun() {
	local params=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do params+=("$1"); shift; done
	shift
	"$JAIL" -c path="$ROOT" "${params[@]}" command="$@"
}
