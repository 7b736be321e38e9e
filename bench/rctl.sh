#!/bin/sh
# Start-up cost of resource limits, for `make bench`: `jail -c ...
# command=/bin/true` on the same busybox root with no rctl rule, with the
# usual deny limits (memory, processes, CPU share, open files) from its rctl
# parameter, and with those plus a log rule (which starts the event
# watcher). hyperfine runs them in alternating rounds so that load from
# elsewhere on the machine lands on all of them alike. The last line says
# whether a jail with limits starts within 10 % of one without.
#
# Environment: BENCH_RUNS (measured runs per case, default 150), BENCH_ROUNDS
# (default 3), BENCH_OUT (default bench/out), BUILD (default build).
# shellcheck disable=SC2086
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
jail=$build/jail
runs=${BENCH_RUNS:-150}
rounds=${BENCH_ROUNDS:-3}
out=${BENCH_OUT:-$here/out}

die() {
	echo "bench/rctl: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "must run as root"
command -v hyperfine >/dev/null || die "hyperfine not installed"
command -v python3 >/dev/null || die "python3 not installed"
[ -x "$jail" ] || die "$jail: not built (run make first)"

tmp=$(mktemp -d /tmp/jail-bench-rctl.XXXXXX)
cleanup() {
	st=$?
	trap - EXIT INT TERM
	JAIL_STATEDIR=$tmp/state "$build/rctl" -r : >/dev/null 2>&1 || true
	rm -rf --one-file-system "$tmp"
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

root=$tmp/root
sh "$top/tests/lib/mkroot.sh" "$root" >/dev/null
mkdir -p "$out" "$tmp/state"
export JAIL_STATEDIR="$tmp/state" JAIL_LOGDIR="$tmp/log"
limits="memoryuse:deny=1G,maxproc:deny=1000,pcpu:deny=100,openfiles:deny=4096"
base="$jail -c path=$root"
run=command=/bin/true # last: everything after command= is the command's
per=$(((runs + rounds - 1) / rounds))

r=1
while [ "$r" -le "$rounds" ]; do
	hyperfine -N -w 5 -r "$per" --export-json "$out/rctl-$r.json" \
		-n none "$base name=rb$$ $run" \
		-n limits "$base name=rl$$ rctl=$limits $run" \
		-n limits+watcher "$base name=rw$$ rctl=$limits,maxproc:log=900 $run" \
		>>"$out/rctl.log" 2>&1 || die "hyperfine failed, see $out/rctl.log"
	r=$((r + 1))
done

python3 - "$out" "$rounds" <<'EOF' | tee "$out/rctl.txt"
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
times = {}
for r in range(1, rounds + 1):
    for res in json.load(open(f"{out}/rctl-{r}.json"))["results"]:
        times.setdefault(res["command"], []).extend(res["times"])
med = {k: statistics.median(v) * 1000 for k, v in times.items()}
print(f"{'case':<16}{'median ms':>10}{'p90 ms':>9}{'runs':>6}")
for k, v in times.items():
    v = sorted(v)
    print(f"{k:<16}{med[k]:>10.2f}{v[int(len(v) * 0.9) - 1] * 1000:>9.2f}{len(v):>6}")
d = (med["limits"] / med["none"] - 1) * 100
w = (med["limits+watcher"] / med["none"] - 1) * 100
print(f"rctl: a jail with limits starts in {med['limits']:.2f} ms vs {med['none']:.2f} ms without "
      f"({d:+.1f} %, {'within' if d <= 10 else 'NOT within'} 10 %); with the watcher too {w:+.1f} %")
EOF
