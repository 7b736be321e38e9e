#!/bin/sh
# Persistent-jail benchmarks for `make bench` (issue 3), side by side in one run:
#   1. entering a running jail: jexec J /bin/true against nsenter -a and crun exec;
#   2. a persistent jail made and removed: jail -c persist + jail -r against
#      crun create + start + delete;
#   3. density: 200 persistent jails made, listed with jls, removed; the host
#      memory each costs (RSS of its init) and the time jls takes over them.
# Prints ratios to jail. Everything is made in a temporary directory and
# removed on exit. BENCH_RUNS (default 100), BENCH_DENSITY (default 200).
# shellcheck disable=SC2086
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
runs=${BENCH_RUNS:-100}
density=${BENCH_DENSITY:-200}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
tmp=$(mktemp -d /tmp/jail-bench-p.XXXXXX)
export JAIL_STATEDIR="$tmp/state"
cg2=$(awk '$3 == "cgroup2" {print $2}' /proc/self/mounts)
cleanup() {
	"$build/jail" -q -R '*' >/dev/null 2>&1 || true
	if command -v crun >/dev/null; then
		CG2=$cg2 unshare -m --propagation private sh -c 'for m in $CG2; do umount "$m"; done; crun --root "$0/crun" delete -f pj >/dev/null 2>&1; crun --root "$0/crun" delete -f pc >/dev/null 2>&1' "$tmp" || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
sh "$top/tests/lib/mkroot.sh" "$tmp/root" >/dev/null

median() { python3 -c 'import json,sys,statistics; print("%.2f" % (1000*statistics.median(json.load(open(sys.argv[1]))["results"][0]["times"])))' "$1"; }
hf() { # name command...
	name=$1
	shift
	hyperfine -N -w 5 -r "$runs" --export-json "$out/persist-$name.json" "$@" >/dev/null 2>&1 || return 1
	median "$out/persist-$name.json"
}
in_crun_ns() { CG2=$cg2 unshare -m --propagation private sh -c 'for m in $CG2; do umount "$m" || exit 1; done; exec "$@"' sh "$@"; }

# crun bundle: a container that sleeps, to exec into.
mkdir -p "$tmp/bundle" "$tmp/crun"
have_crun=no
if command -v crun >/dev/null && (cd "$tmp/bundle" && crun spec >/dev/null 2>&1); then
	python3 - "$tmp/bundle/config.json" "$tmp/root" <<'PY'
import json, sys
p, root = sys.argv[1], sys.argv[2]
c = json.load(open(p))
c["process"]["args"] = ["/bin/sleep", "3600"]
c["process"]["terminal"] = False
c["root"] = {"path": root, "readonly": False}
json.dump(c, open(p, "w"))
PY
	have_crun=yes
fi

echo "== entering a running jail ($runs runs each, median ms)"
"$build/jail" -q -c name=pj path="$tmp/root" persist
ipid=$(python3 -c 'import json,os,sys; d=sys.argv[1]; print(json.load(open(d+"/"+os.readlink(d+"/n.pj")+".json"))["init_pid"])' "$JAIL_STATEDIR")
t_jexec=$(hf jexec "$build/jexec pj /bin/true")
t_nsenter=$(hf nsenter "nsenter -a -t $ipid /bin/true")
t_crunexec=-
if [ $have_crun = yes ] && in_crun_ns crun --root "$tmp/crun" run -d --bundle "$tmp/bundle" pc >/dev/null 2>&1; then
	t_crunexec=$(in_crun_ns sh -c "$(command -v hyperfine) -N -w 5 -r $runs --export-json $out/persist-crunexec.json 'crun --root $tmp/crun exec pc /bin/true' >/dev/null 2>&1" && median "$out/persist-crunexec.json" || echo -)
	in_crun_ns crun --root "$tmp/crun" delete -f pc >/dev/null 2>&1 || true
fi
"$build/jail" -q -r pj

echo "== a persistent jail made and removed ($runs runs each, median ms)"
t_cr=$(hf createremove "sh -c '$build/jail -q -c name=cr path=$tmp/root persist && $build/jail -q -r cr'")
t_crun_cr=-
if [ $have_crun = yes ]; then
	t_crun_cr=$(in_crun_ns sh -c "$(command -v hyperfine) -N -w 5 -r $runs --export-json $out/persist-cruncr.json \"sh -c 'crun --root $tmp/crun create --bundle $tmp/bundle cc && crun --root $tmp/crun start cc && crun --root $tmp/crun delete -f cc'\" >/dev/null 2>&1" && median "$out/persist-cruncr.json" || echo -)
fi

echo "== density: $density persistent jails"
start=$(date +%s%N)
i=0
while [ $i -lt $density ]; do
	"$build/jail" -q -c name=d$i path="$tmp/root" persist
	i=$((i + 1))
done
made=$(( ($(date +%s%N) - start) / 1000000 ))
rss=$(python3 - "$JAIL_STATEDIR" <<'PY'
import glob, json, sys
v = []
for f in glob.glob(sys.argv[1] + "/[0-9]*.json"):
    pid = json.load(open(f))["init_pid"]
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            v.append(int(line.split()[1]))
v.sort()
print("%d %d %d" % (v[len(v)//2], min(v), max(v)))
PY
)
t_jls=$(hf jls "$build/jls")
start=$(date +%s%N)
"$build/jail" -q -r '*'
removed=$(( ($(date +%s%N) - start) / 1000000 ))

ratio() { python3 -c 'import sys; a,b=sys.argv[1],sys.argv[2]; print("-" if "-" in (a,b) else "%.2f" % (float(b)/float(a)))' "$1" "$2"; }
printf '\n%-44s %10s %10s\n' "measure" "median ms" "x jail"
printf '%-44s %10s %10s\n' "jexec J /bin/true" "$t_jexec" 1.00
printf '%-44s %10s %10s\n' "nsenter -a -t INIT /bin/true" "$t_nsenter" "$(ratio "$t_jexec" "$t_nsenter")"
printf '%-44s %10s %10s\n' "crun exec C /bin/true" "$t_crunexec" "$(ratio "$t_jexec" "$t_crunexec")"
printf '%-44s %10s %10s\n' "jail -c persist + jail -r" "$t_cr" 1.00
printf '%-44s %10s %10s\n' "crun create + start + delete" "$t_crun_cr" "$(ratio "$t_cr" "$t_crun_cr")"
printf '%-44s %10s\n' "jls over $density jails" "$t_jls"
set -- $rss
printf '\n%d jails made in %d ms, removed in %d ms; init RSS median %d KiB (min %d, max %d)\n' \
	"$density" "$made" "$removed" "$1" "$2" "$3"
echo "targets: jexec within 1.5x of nsenter; init under 256 KiB RSS; jls over 200 jails under 50 ms"
