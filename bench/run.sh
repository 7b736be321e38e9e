#!/bin/sh
# Start-up benchmark for `make bench`: runs /bin/true in the same static
# busybox root under jail and its Linux peers (bwrap, unshare+chroot, crun,
# and plain chroot as the floor), each started many times in a row by
# hyperfine, then prints one table (median, p90, mean ± sd, ratio to jail,
# peak RSS). The runs are split into rounds whose peer order rotates, so a
# burst of load from elsewhere on the machine does not land on one peer only.
# Everything it creates lives in one temporary directory removed on exit;
# only the JSON/log results stay, in bench/out/. See bench/README.md.
#
# Environment: BENCH_RUNS (total measured runs per peer, default 200),
# BENCH_ROUNDS (default 4), BENCH_WARMUP (warm-up runs per peer and round,
# default 5), BENCH_PEERS (default "chroot jail bwrap unshare crun"),
# BENCH_OUT (default bench/out), BUILD (default build).
# Command lines are kept as strings and word-split on purpose (hyperfine -N
# splits them the same way); cmd_* are read through eval.
# shellcheck disable=SC2086,SC2034,SC2016
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
jail=$build/jail
runs=${BENCH_RUNS:-200}
rounds=${BENCH_ROUNDS:-4}
warmup=${BENCH_WARMUP:-5}
out=${BENCH_OUT:-$here/out}

die() {
	echo "bench: $*" >&2
	exit 1
}

isnum() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}
isnum "$runs" 1 100000 || die "BENCH_RUNS=$runs: want an integer 1..100000"
isnum "$rounds" 1 100 || die "BENCH_ROUNDS=$rounds: want an integer 1..100"
isnum "$warmup" 0 1000 || die "BENCH_WARMUP=$warmup: want an integer 0..1000"
[ "$rounds" -le "$runs" ] || rounds=$runs
per=$(((runs + rounds - 1) / rounds)) # measured runs per peer and round

[ "$(id -u)" = 0 ] || die "must run as root (jail, unshare and crun need it)"
command -v hyperfine >/dev/null || die "hyperfine not installed (apt-get install hyperfine)"
command -v python3 >/dev/null || die "python3 not installed"
[ -x "$jail" ] || die "$jail: not built (run make first)"
case $jail in *[[:space:]]*) die "$jail: path must not contain blanks" ;; esac
[ -x /bin/busybox ] || die "/bin/busybox missing (apt-get install busybox-static)"

tmp=$(mktemp -d /tmp/jail-bench.XXXXXX)
cids=""
cleanup() {
	st=$?
	trap - EXIT INT TERM
	if command -v crun >/dev/null; then
		for c in $cids; do
			crun --root "$tmp/crun" delete -f "$c" >/dev/null 2>&1 || true
		done
	fi
	# --one-file-system: never descend into anything still mounted under it.
	rm -rf --one-file-system "$tmp"
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

root=$tmp/root
sh "$top/tests/lib/mkroot.sh" "$root" >/dev/null
mkdir -p "$out" "$tmp/jailstate" "$tmp/crun"
rm -f "$out"/*.json "$out"/hyperfine.log "$out"/rss.txt "$out"/summary.txt
# A private registry keeps bench jails out of `jls` of concurrent test runs.
export JAIL_STATEDIR="$tmp/jailstate"

# crun refuses hybrid cgroup hosts while the cgroup2 tree is visible, so its
# line runs (hyperfine included) in a private mount namespace without it.
# On a pure v2 host /sys/fs/cgroup itself is cgroup2 and stays.
cg2=$(awk '$3 == "cgroup2" && $2 != "/sys/fs/cgroup" { print $2 }' /proc/self/mounts)
# Runs "$@" in the crun environment (private mount ns, cgroup2 hidden).
in_crun_ns() {
	unshare -m --propagation private sh -c '
		for m in $CG2; do umount "$m" || exit 1; done
		exec "$@"' sh "$@"
}

peers=${BENCH_PEERS:-chroot jail bwrap unshare crun}
for p in $peers; do
	case $p in chroot | jail | bwrap | unshare | crun) ;; *) die "BENCH_PEERS: unknown peer $p" ;; esac
done
cmd_chroot="chroot $root /bin/true"
# The name only makes the jail's cgroup (jail.NAME) unique on the machine:
# unnamed jails are named by JID, and test suites with private registries
# running at the same time all create jail.1 in the same cgroup tree.
cmd_jail="$jail -c name=jbench$$ path=$root command=/bin/true"
cmd_bwrap="bwrap --unshare-all --bind $root / --proc /proc --dev /dev /bin/true"
cmd_unshare="unshare -mpiun --fork chroot $root /bin/true"
cmd_crun="crun --root $tmp/crun run --bundle $tmp/bundle CID"

# Makes the OCI bundle from `crun spec`, changed only where the brief needs.
mkbundle() {
	mkdir -p "$tmp/bundle"
	(cd "$tmp/bundle" && crun spec) || return 1
	python3 - "$tmp/bundle/config.json" "$root" <<'EOF'
import json, sys
path, root = sys.argv[1], sys.argv[2]
with open(path) as f:
    c = json.load(f)
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["root"]["path"] = root
with open(path, "w") as f:
    json.dump(c, f, indent=1)
EOF
}

# Runs one peer's command line once (word-split on purpose: no spaces in
# our paths), in the crun namespace for crun.
run1() {
	p=$1
	shift
	eval "c=\$cmd_$p"
	if [ "$p" = crun ]; then
		c=$(echo "$c" | sed "s/CID\$/jbench-$$-probe/")
		cids="$cids jbench-$$-probe"
		CG2=$cg2 in_crun_ns "$@" $c
	else
		"$@" $c
	fi
}

# CPU busy share of the whole machine over one second, from /proc/stat.
busy() {
	a=$(head -1 /proc/stat)
	sleep 1
	b=$(head -1 /proc/stat)
	echo "$a
$b" | awk '{ idle = $5 + $6; tot = 0; for (i = 2; i <= NF; i++) tot += $i
		if (NR == 1) { i0 = idle; t0 = tot } else { printf "%.0f", 100 * (1 - (idle - i0) / (tot - t0)) } }'
}

quiet_report() {
	b=$(busy)
	echo "$1: load average $(cut -d' ' -f1-3 /proc/loadavg), CPU busy ${b}% over 1 s ($(nproc) CPUs)"
	if [ "$b" -gt 10 ]; then
		echo "  WARNING: machine is not quiet; absolute figures are inflated and noisy"
	fi
}

echo "bench: $runs runs per peer in $rounds round(s) of $per (+$warmup warm-up each), root $root"
quiet_report "before"

# Probe each peer once; a missing or broken one is reported and skipped.
active=""
for p in $peers; do
	tool=$p
	[ "$p" = jail ] && tool=$jail
	if ! command -v "$tool" >/dev/null; then
		echo "$p: not installed, skipped"
		continue
	fi
	if [ "$p" = crun ] && ! mkbundle >"$tmp/probe.err" 2>&1; then
		echo "crun: making the OCI bundle failed, skipped: $(head -1 "$tmp/probe.err")"
		continue
	fi
	if ! run1 "$p" >"$tmp/probe.err" 2>&1 </dev/null; then
		echo "$p: does not run here, skipped: $(head -1 "$tmp/probe.err")"
		continue
	fi
	active="$active $p"
	if [ -x /usr/bin/time ]; then
		rss=$(run1 "$p" /usr/bin/time -f %M 2>&1 >/dev/null </dev/null | tail -1)
		echo "$p $rss" >>"$out/rss.txt"
	fi
done
[ -n "$active" ] || die "no peer runs on this machine"
[ -x /usr/bin/time ] || echo "bench: /usr/bin/time missing (apt-get install time): no RSS column"

# Version line of each tool, for the record.
echo "  $(hyperfine --version)"
for p in $active; do
	if [ "$p" = jail ]; then
		v="$jail, git $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')"
	else
		v=$($p --version 2>/dev/null | head -1)
	fi
	echo "  $p: $v"
done

n=$(echo $active | wc -w)
r=1
while [ $r -le "$rounds" ]; do
	# Rotate the order by one peer each round.
	set -- $active
	k=$(((r - 1) % n))
	while [ $k -gt 0 ]; do
		x=$1
		shift
		set -- "$@" "$x"
		k=$((k - 1))
	done
	printf 'round %d/%d:' "$r" "$rounds"
	for p in "$@"; do
		printf ' %s' "$p"
		json=$out/$p.r$r.json
		eval "c=\$cmd_$p"
		# -i: a run that fails does not abort the peer; summary.py counts
		# failed runs and leaves them out of the figures.
		hf="-N -i --style basic --warmup $warmup --runs $per --command-name $p"
		if [ "$p" = crun ]; then
			# crun run (not detached) deletes its state when the container
			# exits, so one id per round never collides; a distinct id per
			# round and a private --root keep it clear of anything else.
			cid=jbench-$$-r$r
			cids="$cids $cid"
			c=$(echo "$c" | sed "s/CID\$/$cid/")
			CG2=$cg2 in_crun_ns hyperfine $hf --export-json "$json" "$c" \
				>>"$out/hyperfine.log" 2>&1 || { printf '(FAILED)'; rm -f "$json"; }
		else
			hyperfine $hf --export-json "$json" "$c" \
				>>"$out/hyperfine.log" 2>&1 || { printf '(FAILED)'; rm -f "$json"; }
		fi
	done
	echo
	r=$((r + 1))
done

quiet_report "after"
# jail keeps .lock, its seccomp filter cache and an empty public/; anything else is a leak.
leftover=$(find "$tmp/crun" "$tmp/jailstate" -mindepth 1 -maxdepth 1 ! -name .lock ! -name cache ! -name public
	find "$tmp/jailstate/public" -mindepth 1 2>/dev/null)
[ -z "$leftover" ] || echo "bench: WARNING: state left behind by a peer: $leftover"
echo
python3 "$here/summary.py" "$out" $active | tee "$out/summary.txt"
