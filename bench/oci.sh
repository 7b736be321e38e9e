#!/bin/sh
# OCI runtime benchmark for `make bench`: /bin/true in one bundle (a static
# busybox root, the config of `crun spec` with process.args = /bin/true) run
# by `jail-oci run`, `crun run` and `runc run`, then `podman run --rm` of the
# same root imported as an image with each runtime. hyperfine, rounds whose
# order rotates (load from elsewhere lands on every runtime alike); one table
# with mean, median, min and the ratio to jail-oci. Every runtime's state is
# in one temporary directory on /run (tmpfs, where runtimes keep state),
# removed on exit; results stay in bench/out/oci-*.
#
# crun 1.8 refuses hybrid cgroup hosts while the cgroup2 tree is visible: its
# lines run in a private mount namespace without it (as in bench/run.sh).
# Environment: BENCH_OCI_RUNS (per runtime, default 100), BENCH_PODMAN_RUNS
# (default 20), BENCH_ROUNDS (default 4), BENCH_OUT, BUILD.
# shellcheck disable=SC2086
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
runs=${BENCH_OCI_RUNS:-100}
pruns=${BENCH_PODMAN_RUNS:-20}
rounds=${BENCH_ROUNDS:-4}
out=${BENCH_OUT:-$here/out}
die() { echo "bench/oci: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
command -v hyperfine >/dev/null || die "hyperfine not installed"
[ -x "$build/jail-oci" ] || die "$build/jail-oci: not built (run make first)"

tmp=$(mktemp -d /run/jail-oci-bench.XXXXXX)
cleanup() {
	st=$?
	trap - EXIT INT TERM
	if [ -n "${CONTAINERS_CONF:-}" ] && command -v podman >/dev/null; then
		podman rm -af -t 0 >/dev/null 2>&1 || true
		podman rmi -af >/dev/null 2>&1 || true
		grep -o " $tmp/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount "$m"; done
		find /sys/fs/cgroup -maxdepth 4 -depth -type d -path '*libpod_parent*' -exec rmdir {} + 2>/dev/null || true
		[ -e "$tmp/had-cache" ] || rm -rf /var/lib/containers/cache
	fi
	rm -rf --one-file-system "$tmp"
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$out"

# The root and bundle; jail-oci through a wrapper keeping its state and jails in $tmp.
env -u JAIL_BUILD -u MKJAIL sh "$top/tests/lib/mkroot.sh" "$tmp/bundle/rootfs" >/dev/null
if command -v crun >/dev/null; then
	(cd "$tmp/bundle" && crun spec)
else
	(cd "$tmp/bundle" && runc spec)
fi
python3 - "$tmp/bundle/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
json.dump(c, open(sys.argv[1], "w"), indent=1)
EOF
mkdir -p "$tmp/bin"
printf '#!/bin/sh\nexec %s --root %s --jail-statedir %s "$@"\n' "$build/jail-oci" "$tmp/jail-oci" "$tmp/jails" \
	>"$tmp/bin/jail-oci"
chmod 755 "$tmp/bin/jail-oci"
cg2=$(awk '$3 == "cgroup2" && $2 != "/sys/fs/cgroup" { print $2 }' /proc/self/mounts)
in_crun_ns() { CG2=$cg2 unshare -m --propagation private sh -c 'for m in $CG2; do umount "$m" || exit 1; done; exec "$@"' sh "$@"; }

B=$tmp/bundle
rt_cmd() { # runtime -> its `run` of /bin/true
	case $1 in
	jail-oci) echo "$tmp/bin/jail-oci run --bundle $B bench" ;;
	crun) echo "crun --root $tmp/crun run --bundle $B bench" ;;
	runc) echo "runc --root $tmp/runc run --bundle $B bench" ;;
	esac
}
runtimes=""
for r in jail-oci crun runc; do
	[ "$r" = jail-oci ] || command -v "$r" >/dev/null || { echo "$r: not installed, skipped"; continue; }
	ok=0
	if [ "$r" = crun ]; then in_crun_ns $(rt_cmd "$r") </dev/null >"$tmp/probe" 2>&1 && ok=1
	else $(rt_cmd "$r") </dev/null >"$tmp/probe" 2>&1 && ok=1; fi
	[ $ok = 1 ] && runtimes="$runtimes $r" || echo "$r: does not run here, skipped: $(head -1 "$tmp/probe")"
done

# Podman: storage private to the bench, the root imported as an image.
podman_ok=0
if command -v podman >/dev/null; then
	[ -e /var/lib/containers/cache ] && touch "$tmp/had-cache"
	nproc=$(awk '/^Max processes/ { print $4 }' /proc/self/limits)
	[ "$nproc" = unlimited ] || [ "$nproc" -gt "$(cat /proc/sys/kernel/pid_max)" ] && nproc=$(cat /proc/sys/kernel/pid_max)
	cat >"$tmp/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$(awk '/^Max open files/ { print $5 }' /proc/self/limits):$(awk '/^Max open files/ { print $5 }' /proc/self/limits)", "nproc=$nproc:$nproc"]
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$tmp/pm-events.log"
tmp_dir = "$tmp/pm-tmp"
runtime_supports_json = ["crun", "runc", "jail-oci"]
EOF
	printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/pm-graph"\nrunroot = "%s/pm-run"\n' "$tmp" "$tmp" >"$tmp/storage.conf"
	export CONTAINERS_CONF=$tmp/containers.conf CONTAINERS_STORAGE_CONF=$tmp/storage.conf
	tar -C "$B/rootfs" -cf "$tmp/img.tar" . && podman import "$tmp/img.tar" localhost/bench >/dev/null 2>&1 && podman_ok=1
fi
pm_cmd() { # runtime -> podman run --rm with it
	p=$1
	[ "$p" = jail-oci ] && p=$tmp/bin/jail-oci
	[ "$p" = crun ] && p=$(command -v crun)
	[ "$p" = runc ] && p=$(command -v runc)
	echo "podman --runtime $p run --rm --pull=never localhost/bench /bin/true"
}

echo "bench/oci: load average $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
echo "  $(hyperfine --version); jail-oci git $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')"
for r in $runtimes; do [ "$r" = jail-oci ] || echo "  $r: $($r --version | head -1)"; done
[ $podman_ok = 1 ] && echo "  $(podman --version)"

# Rounds, rotating the order; each hyperfine call exports JSON per line and round.
bench_line() { # kind runtime round n
	k=$1 r=$2 i=$3 n=$4
	c=$([ "$k" = rt ] && rt_cmd "$r" || pm_cmd "$r")
	set -- hyperfine -N -w 3 -r "$n" --export-json "$tmp/$k-$r-$i.json" "$c"
	if [ "$r" = crun ]; then in_crun_ns "$@"; else "$@"; fi >/dev/null 2>>"$tmp/hyperfine.log"
}
per=$(((runs + rounds - 1) / rounds))
pper=$(((pruns + rounds - 1) / rounds))
i=1
while [ $i -le "$rounds" ]; do
	set -- $runtimes
	k=$(((i - 1) % $#))
	while [ $k -gt 0 ]; do x=$1; shift; set -- "$@" "$x"; k=$((k - 1)); done
	for r; do bench_line rt "$r" $i $per || echo "$r: a run failed (see $out/oci-hyperfine.log)"; done
	if [ $podman_ok = 1 ]; then
		for r; do bench_line pm "$r" $i $pper || echo "podman $r: a run failed"; done
	fi
	i=$((i + 1))
done
cp "$tmp/hyperfine.log" "$out/oci-hyperfine.log" 2>/dev/null || true

python3 - "$tmp" "$out/oci-summary.txt" $runtimes <<'EOF'
import glob, json, statistics, sys
tmp, dest, rts = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = []
for kind, title in (("rt", "runtime alone: RUNTIME run --bundle B (/bin/true)"),
                    ("pm", "podman run --rm --runtime RUNTIME (/bin/true)")):
    times = {}
    for r in rts:
        t = []
        for f in glob.glob(f"{tmp}/{kind}-{r}-*.json"):
            try:
                t += json.load(open(f))["results"][0]["times"]
            except (ValueError, KeyError, IndexError):
                pass
        if t:
            times[r] = [x * 1000 for x in t]
    if not times:
        continue
    lines.append(title)
    lines.append(f"  {'runtime':10} {'runs':>5} {'mean ms':>9} {'median':>8} {'min':>7} {'vs jail-oci':>12}")
    base = statistics.median(times["jail-oci"]) if "jail-oci" in times else None
    for r, t in times.items():
        med = statistics.median(t)
        ratio = f"{med / base:.2f}x" if base else "-"
        lines.append(f"  {r:10} {len(t):5d} {statistics.mean(t):9.1f} {med:8.1f} {min(t):7.1f} {ratio:>12}")
    lines.append("")
text = "\n".join(lines)
print(text)
open(dest, "w").write(text + "\n")
EOF
