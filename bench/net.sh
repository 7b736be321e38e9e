#!/bin/sh
# Network benchmark for `make bench` (issue 5), in a throw-away network
# namespace: TCP throughput host -> jail over the jail's own address against
# host loopback (iperf3), as a ratio; and the time `jail -c` takes with an
# address against without one (rotating rounds). Nothing leaves the machine.
# Ratios go to BENCH_OUT/metrics.txt for the final table.
# BENCH_NET_SECONDS (default 3), BENCH_RUNS (default 50).
# shellcheck disable=SC2086
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
secs=${BENCH_NET_SECONDS:-3}
runs=${BENCH_RUNS:-50}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
command -v iperf3 >/dev/null || { echo "bench/net.sh: iperf3 not installed, skipped"; exit 0; }
tmp=$(mktemp -d /tmp/jail-bench-n.XXXXXX)
mkdir -p "$tmp/state"
# The registry on a tmpfs, as /run is.
mount -t tmpfs -o mode=0700,size=16m jail-bench "$tmp/state"
trap 'umount "$tmp/state" 2>/dev/null; rm -rf --one-file-system "$tmp"' EXIT INT TERM
"$build/mkjail" mini "$tmp/root" "$(command -v iperf3)" >/dev/null
sh "$top/tests/lib/mkroot.sh" "$tmp/bb" >/dev/null

unshare -n env BUILD="$build" TMPD="$tmp" SECS="$secs" RUNS="$runs" OUT="$out" JAIL_STATEDIR="$tmp/state" sh -c '
	set -e
	ip link set lo up
	ip addr add 198.51.100.1/32 dev lo
	bps() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"end\"][\"sum_received\"][\"bits_per_second\"])"; }
	iperf3 -s -1 -B 127.0.0.1 -p 5201 >/dev/null 2>&1 &
	sleep 0.3
	lo=$(iperf3 -c 127.0.0.1 -p 5201 -t "$SECS" -J | bps)
	"$BUILD/jail" -q -c name=perf path="$TMPD/root" ip4.addr=192.0.2.50 persist
	"$BUILD/jexec" perf /usr/bin/iperf3 -s -1 -D -B 192.0.2.50 -p 5202 >/dev/null 2>&1
	sleep 0.3
	jl=$(iperf3 -c 192.0.2.50 -p 5202 -t "$SECS" -J | bps)
	"$BUILD/jail" -q -r perf
	python3 -c "import sys; lo,jl=float(sys.argv[1]),float(sys.argv[2]); print(\"\\n%-44s %10s %10s\" % (\"TCP throughput (iperf3, %s s)\" % sys.argv[3], \"Gbit/s\", \"x loopback\")); print(\"%-44s %10.2f %10s\" % (\"host -> host loopback\", lo/1e9, \"1.00\")); print(\"%-44s %10.2f %10.2f\" % (\"host -> jail address (veth)\", jl/1e9, jl/lo)); print(\"target: >= 0.80\"); open(sys.argv[4] + \"/metrics.txt\", \"a\").write(\"net.throughput %.2f\\n\" % (jl/lo))" "$lo" "$jl" "$SECS" "$OUT"
	# Four rounds, the order swapped each round, so that load from elsewhere lands on both.
	per=$(( (RUNS + 3) / 4 ))
	for r in 1 2 3 4; do
		if [ $((r % 2)) = 1 ]; then a="" b="ip4.addr=192.0.2.51"; else a="ip4.addr=192.0.2.51" b=""; fi
		for x in "$a" "$b"; do
			hyperfine -N -w 3 -r "$per" --export-json "$TMPD/c.$r.${x:-plain}.json" \
				"$BUILD/jail -c path=$TMPD/bb $x command=/bin/true" >/dev/null 2>&1
		done
	done
	python3 -c "
import glob, json, sys, statistics as s
t = lambda pat: [x for f in glob.glob(pat) for x in json.load(open(f))[\"results\"][0][\"times\"]]
a = 1000 * s.median(t(sys.argv[1] + \"/c.*.plain.json\")); b = 1000 * s.median(t(sys.argv[1] + \"/c.*.ip4*.json\"))
print(\"\\n%-44s %10s %10s\" % (\"jail -c command=/bin/true\", \"median ms\", \"x plain\"))
print(\"%-44s %10.2f %10s\" % (\"without an address\", a, \"1.00\"))
print(\"%-44s %10.2f %10.2f\" % (\"with ip4.addr (veth, routes)\", b, b / a))
open(sys.argv[2] + \"/metrics.txt\", \"a\").write(\"net.addr_over_plain %.2f\\n\" % (b / a))" "$TMPD" "$OUT"
'
