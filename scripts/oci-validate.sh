#!/bin/sh
# Runs the OCI runtime-tools validation suite (the kit in shared/oci:
# validate.sh, upstream commit 0105384) against several runtimes in one run
# and prints one table: each test file's verdict per runtime, then
# "LABEL: N of M test files pass" per runtime.
#
#   scripts/oci-validate.sh [-o OUTDIR] RUNTIME...
#     RUNTIME: a path to jail-oci, or "crun" / "runc" (from PATH)
#   env: OCI_KIT      the kit directory (default ../shared/oci beside the repo,
#                     then /work/shared/oci)
#        OCI_TESTS    space-separated subset of test names (default: all 58)
#        OCI_WORK     where validate.sh builds and logs (default /var/tmp/oci-validation)
#
# As the kit's README asks: everything runs in a private mount namespace
# (some tests join the caller's mount namespace and leave proc/dev/sys
# mounted), and after each runtime the containers it left in its state root
# and the testdir/cgrouptest cgroups the cgroup tests leave are removed.
# crun 1.8 refuses hybrid cgroup hosts, so its run happens in a nested
# private mount namespace with the near-empty cgroup2 tree unmounted (a
# per-call wrapper would give each crun call a mount namespace of its own
# and fail linux_ns_itype, which checks that the container inherits the
# caller's).
# Needs root and golang-go (scripts/deps.sh). Takes several minutes per
# runtime on 2 cores: run it when you mean it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
OUT=
while getopts o: c; do
	case $c in
	o) OUT=$OPTARG ;;
	*) echo "usage: $0 [-o OUTDIR] RUNTIME..." >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-o OUTDIR] RUNTIME..." >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "oci-validate: must run as root" >&2; exit 1; }

if [ -z "${OCI_VALIDATE_PRIVATE:-}" ]; then
	OCI_VALIDATE_PRIVATE=1 exec unshare -m --propagation private "$0" ${OUT:+-o "$OUT"} "$@"
fi

KIT=${OCI_KIT:-}
for k in "$top/../shared/oci" /work/shared/oci; do
	[ -n "$KIT" ] && break
	[ -x "$k/validate.sh" ] && KIT=$k
done
[ -n "$KIT" ] && [ -x "$KIT/validate.sh" ] || { echo "oci-validate: no kit (set OCI_KIT)" >&2; exit 1; }
WORK=${OCI_WORK:-/var/tmp/oci-validation}
export OCI_WORK=$WORK
OUT=${OUT:-$WORK/run-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"


# Remove what a runtime's run left: its containers, then the suite's cgroups.
cleanup() { # $1: runtime path, $2: label
	ids=$("$1" list -q 2>/dev/null)
	for id in $ids; do
		"$1" delete --force "$id" >/dev/null 2>&1 || true
	done
	find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -depth -type d \( -name testdir -o -name cgrouptest \
		-o -path '*/testdir/*' -o -path '*/cgrouptest/*' \) -exec rmdir {} + 2>/dev/null || true
}

# The suite's containers, under crun and runc, chown and chmod device nodes
# bound from the host's /dev (crun gave the host's /dev/null to uid 1000,
# runc made it 0755): each runtime runs with copies of them bound over the
# host's in its private mount namespace.
devs="null zero full random urandom tty"
devdir=$WORK/dev
rm -rf "$devdir" && mkdir -p "$devdir"
for n in $devs; do
	mm=$(stat -c '%t %T' "/dev/$n")
	mknod -m 666 "$devdir/$n" c $((0x${mm% *})) $((0x${mm#* }))
done

labels=
for rt in "$@"; do
	case $rt in
	crun) path=$(command -v crun) ;;
	runc) path=$(command -v runc) ;;
	*) path=$(cd "$(dirname "$rt")" && pwd)/$(basename "$rt") ;;
	esac
	label=$(basename "$path")
	labels="$labels $label"
	rm -rf "$WORK/logs/$label"
	pre="for n in $devs; do mount --bind $devdir/\$n /dev/\$n || exit 1; done;"
	[ "$label" = crun ] && pre="$pre umount /sys/fs/cgroup/unified 2>/dev/null;"
	# shellcheck disable=SC2086
	TMPDIR=/var/tmp LABEL=$label unshare -m --propagation private sh -c \
		"$pre exec \"\$0\" \"\$@\"" "$KIT/validate.sh" "$path" ${OCI_TESTS:-} >"$OUT/$label.txt" 2>&1
	tail -1 "$OUT/$label.txt"
	cp "$WORK/logs/$label/summary.tsv" "$OUT/$label.tsv" 2>/dev/null || true
	cleanup "$path" "$label"
done

# One table: test, then the verdict of each runtime.
{
	printf 'test'
	for l in $labels; do printf '\t%s' "$l"; done
	printf '\n'
	cut -f2 "$OUT/$(echo $labels | cut -d' ' -f1).tsv" | while read -r t; do
		printf '%s' "$t"
		for l in $labels; do
			printf '\t%s' "$(awk -F'\t' -v t="$t" '$2 == t { print $1 }' "$OUT/$l.tsv")"
		done
		printf '\n'
	done
} >"$OUT/table.tsv"
echo "# table: $OUT/table.tsv"
for l in $labels; do tail -1 "$OUT/$l.txt"; done
