# Shared setup for the integration tests: paths to the binaries, a busybox
# jail root per test file, a private state directory (registry), and the
# check that a test left nothing behind. Every check looks only at what this
# test run made -- cgroups and veths carry the tag of our registry, state files
# live in our JAIL_STATEDIR, processes are ours by their root or binary --
# because other test runs may be making jails on this machine at the same time.

# "run ! cmd" and "run -N cmd" need bats 1.5 (Debian 12 has 1.8.2).
bats_require_minimum_version 1.5.0

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

# jail_tag [DIR]: the tag jail gives names made for the registry DIR
# (default $JAIL_STATEDIR): %08x of the 32-bit FNV-1a hash of the path's
# bytes, as lib/core/registry.c tag() computes it. Cgroups of a registry other
# than /run/jail are jail.NAME.TAG, host ends of veths vt<last 4 hex of TAG><JID>.
jail_tag() {
	local LC_ALL=C s=${1:-$JAIL_STATEDIR} h=2166136261 i c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(((h ^ (c & 255)) * 16777619 & 0xffffffff))
	done
	printf '%08x\n' "$h"
}

# The suffix of this registry's cgroup names: ".TAG", none for /run/jail.
registry_tag() {
	[ "${JAIL_STATEDIR:-/run/jail}" = /run/jail ] || printf '.%s' "$(jail_tag)"
}

# Every cgroup directory the jails of this test file's registry made, in
# every hierarchy (other runs on the machine have registries of their own).
jail_cgroups() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name "jail.*$(registry_tag)" 2>/dev/null
}

# Host ends of our jails' veths in this network namespace.
jail_veths() {
	local t
	t=$(jail_tag)
	ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -E "^vt${t:4:4}[0-9]+$"
}

# jail_processes [ROOT...]: processes of this run: a jail's processes (their
# root is ROOT, default $ROOT: same device and inode, as a bind mount of it
# is), and jail, jexec or any other command of our build (rctl's watcher...)
# running for our registry on the host.
jail_processes() {
	local rootid p r
	[ $# -gt 0 ] || set -- ${ROOT:+"$ROOT"}
	{
		for r in "$@"; do
			rootid=$(stat -L -c '%d:%i' "$r" 2>/dev/null) || continue
			stat -L -c '%d:%i %n' /proc/[0-9]*/root 2>/dev/null |
				awk -v id="$rootid" '$1 == id { split($2, f, "/"); print f[3] }'
		done
		for p in $(find /proc/[0-9]* -maxdepth 1 -name exe -lname "$(realpath "$BUILD")/*" 2>/dev/null); do
			p=${p%/exe}
			tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "JAIL_STATEDIR=$JAIL_STATEDIR" &&
				echo "${p#/proc/}"
		done
	} | sort -un
}

# jail_running ERE [ROOT...]: a process of this run has a command line
# matching ERE (arguments joined by spaces), e.g. jail_running '^sleep 100'.
jail_running() {
	local p ere=$1
	shift
	for p in $(jail_processes "$@"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qE -- "$ere" && return 0
	done
	return 1
}

# jail_comm NAME: a process of this run is called NAME (/proc/PID/comm), e.g. "rctl ff".
jail_comm() {
	local p
	for p in $(jail_processes); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] && return 0
	done
	return 1
}

# refute CMD [ARGS...]: assert that CMD fails. A bare "! cmd" cannot fail a
# test under bats (set -e ignores a negated command); unlike "run ! cmd",
# refute leaves $output and $status alone, and says what succeeded.
refute() {
	if "$@"; then
		echo "refute: '$*' succeeded"
		return 1
	fi
	return 0
}

# not CMD [ARGS...]: succeeds when CMD fails; for wait_until.
not() {
	if "$@"; then return 1; fi
	return 0
}

# Mounts on the host side under this run's temporary directories.
jail_mounts() {
	awk -v d="${BATS_RUN_TMPDIR:-/nonexistent}/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo
}

# What exists before a test (left by an earlier test of the file, already
# reported there) is not this test's leftover.
common_setup() {
	jail_cgroups | sort >"$BATS_TEST_TMPDIR/cgroups.before"
}

# Nothing of this test's jails remains: no cgroup, veth, mount, state file
# or process.
assert_clean() {
	local cg st left
	cg=$(jail_cgroups | sort | comm -23 - "$BATS_TEST_TMPDIR/cgroups.before")
	[ -z "$cg" ] || { echo "leftover cgroups: $cg"; return 1; }
	# public/ (what jls shows any user) may stay, empty
	st=$( (ls -A "$JAIL_STATEDIR"; ls -A "$JAIL_STATEDIR/public" | sed 's|^|public/|') 2>/dev/null |
		grep -v -e '^cache$' -e '^\.lock$' -e '^public$' || true)
	[ -z "$st" ] || { echo "leftover state: $st"; return 1; }
	# a jail's veth goes with its network namespace, which the kernel frees a moment after jail -r
	if ! wait_until 3 no_jail_veths; then
		echo "leftover veths: $(jail_veths)"
		return 1
	fi
	left=$(jail_mounts)
	[ -z "$left" ] || { echo "leftover mounts: $left"; return 1; }
	# a process killed a moment ago may still be leaving /proc
	if ! wait_until 3 no_jail_processes; then
		echo "leftover processes:"
		for p in $(jail_processes); do echo "  $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
		return 1
	fi
}

no_jail_processes() { [ -z "$(jail_processes)" ]; }
no_jail_veths() { [ -z "$(jail_veths)" ]; }

# wait_until SECONDS CMD [ARGS...]: poll CMD every 50 ms until it succeeds;
# fail (status 1, with a line saying what was awaited) once SECONDS (may be
# fractional: 0.5) have passed first. For waiting on a state; a sleep that
# is itself the thing under test stays a sleep, with a comment saying so.
wait_until() {
	local limit=$1 int frac end
	shift
	int=${limit%.*} frac=
	[ "$int" = "$limit" ] || frac=${limit#*.}
	frac=${frac}000000
	end=$((${EPOCHREALTIME/./} + ${int:-0} * 1000000 + 10#${frac:0:6}))
	until "$@"; do
		if [ "${EPOCHREALTIME/./}" -ge "$end" ]; then
			echo "wait_until: '$*' still false after ${limit}s"
			return 1
		fi
		sleep 0.05
	done
}

# run a command inside a fresh jail on $ROOT: jrun [params...] -- cmd args...
jrun() {
	local params=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do params+=("$1"); shift; done
	shift
	"$JAIL" -c path="$ROOT" "${params[@]}" command="$@"
}
