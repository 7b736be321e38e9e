#!/bin/sh
# Persistent-jail benchmarks for `make bench` (issue 3, issue 14), side by side in one run:
#   1. entering a running jail: jexec J /bin/true against nsenter -a and crun exec
#      (rotating rounds, as run.sh);
#   2. a persistent jail made and removed: jail -c persist + jail -r against
#      crun create + start + delete;
#   3. density: BENCH_DENSITY (1000) persistent jails made one after another,
#      listed with jls, removed with one jail -r '*'; the host memory each
#      costs, from MemAvailable and from our memory cgroup before and after
#      (the init's RSS, the kernel's namespaces, mounts, cgroups and tables:
#      everything), and the RSS of their inits;
#   4. jail.conf: 100 persistent jails of one file started with -p 1 and -p 2.
# Prints ratios and appends them to BENCH_OUT/metrics.txt for the final table.
# Everything is made in a temporary directory (its registry on a tmpfs, as
# /run is) and removed on exit. BENCH_RUNS (default 100), BENCH_ROUNDS (4),
# BENCH_DENSITY (default 1000), BENCH_CONF_JAILS (default 100).
# shellcheck disable=SC2086
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
runs=${BENCH_RUNS:-100}
rounds=${BENCH_ROUNDS:-4}
density=${BENCH_DENSITY:-1000}
nconf=${BENCH_CONF_JAILS:-100}
out=${BENCH_OUT:-$here/out}
per=$(((runs + rounds - 1) / rounds))
mkdir -p "$out"
tmp=$(mktemp -d /tmp/jail-bench-p.XXXXXX)
mkdir -p "$tmp/state"
mount -t tmpfs -o mode=0700,size=64m jail-bench "$tmp/state"
export JAIL_STATEDIR="$tmp/state"
cg2=$(awk '$3 == "cgroup2" {print $2}' /proc/self/mounts)
cleanup() {
	"$build/jail" -q -R '*' >/dev/null 2>&1 || true
	if command -v crun >/dev/null; then
		CG2=$cg2 unshare -m --propagation private sh -c 'for m in $CG2; do umount "$m"; done; crun --root "$0/crun" delete -f pj >/dev/null 2>&1; crun --root "$0/crun" delete -f pc >/dev/null 2>&1' "$tmp" || true
	fi
	umount "$tmp/state" 2>/dev/null || true
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT INT TERM
sh "$top/tests/lib/mkroot.sh" "$tmp/root" >/dev/null

metric() { echo "$1 $2" >>"$out/metrics.txt"; }
ratio() { python3 -c 'import sys; a,b=sys.argv[1],sys.argv[2]; print("-" if "-" in (a,b) else "%.2f" % (float(a)/float(b)))' "$1" "$2"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# Median in ms of every run of NAME's rounds (persist-NAME.rK.json).
median() { python3 -c 'import glob,json,sys,statistics; t=[x for f in glob.glob(sys.argv[1]) for x in json.load(open(f))["results"][0]["times"]]; print("%.2f" % (1000*statistics.median(t)) if t else "-")' "$out/persist-$1.r*.json"; }
in_crun_ns() { CG2=$cg2 unshare -m --propagation private sh -c 'for m in $CG2; do umount "$m" || exit 1; done; exec "$@"' sh "$@"; }
# One round of NAME: hyperfine on the command, in the crun namespace for crun's.
hf() { # name round command...
	name=$1 r=$2
	shift 2
	if [ "$name" = crunexec ]; then
		in_crun_ns "$(command -v hyperfine)" -N -w 3 -r "$per" --export-json "$out/persist-$name.r$r.json" "$@" >/dev/null 2>&1 || rm -f "$out/persist-$name.r$r.json"
	else
		hyperfine -N -w 3 -r "$per" --export-json "$out/persist-$name.r$r.json" "$@" >/dev/null 2>&1 || rm -f "$out/persist-$name.r$r.json"
	fi
}
rm -f "$out"/persist-*.json

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

echo "== entering a running jail ($runs runs each in $rounds rotating rounds, median ms)"
"$build/jail" -q -c name=pj path="$tmp/root" persist
ipid=$(python3 -c 'import json,os,sys; d=sys.argv[1]; print(json.load(open(d+"/"+os.readlink(d+"/n.pj")+".json"))["init_pid"])' "$JAIL_STATEDIR")
peers="jexec nsenter"
if [ $have_crun = yes ] && in_crun_ns crun --root "$tmp/crun" run -d --bundle "$tmp/bundle" pc >/dev/null 2>&1; then
	peers="$peers crunexec"
fi
r=1
while [ $r -le "$rounds" ]; do
	set -- $peers
	k=$(((r - 1) % $#))
	while [ $k -gt 0 ]; do x=$1; shift; set -- "$@" "$x"; k=$((k - 1)); done
	for p in "$@"; do
		case $p in
		jexec) hf jexec $r "$build/jexec pj /bin/true" ;;
		nsenter) hf nsenter $r "nsenter -a -t $ipid /bin/true" ;;
		crunexec) hf crunexec $r "crun --root $tmp/crun exec pc /bin/true" ;;
		esac
	done
	r=$((r + 1))
done
in_crun_ns crun --root "$tmp/crun" delete -f pc >/dev/null 2>&1 || true
"$build/jail" -q -r pj
t_jexec=$(median jexec)
t_nsenter=$(median nsenter)
t_crunexec=$(median crunexec)

echo "== a persistent jail made and removed ($runs runs each, median ms)"
hf createremove 1 "sh -c '$build/jail -q -c name=cr path=$tmp/root persist && $build/jail -q -r cr'"
t_cr=$(median createremove)
t_crun_cr=-
if [ $have_crun = yes ]; then
	in_crun_ns sh -c "$(command -v hyperfine) -N -w 3 -r $runs --export-json $out/persist-cruncr.r1.json \"sh -c 'crun --root $tmp/crun create --bundle $tmp/bundle cc && crun --root $tmp/crun start cc && crun --root $tmp/crun delete -f cc'\" >/dev/null 2>&1" || true
	t_crun_cr=$(median cruncr)
fi

echo "== density: $density persistent jails"
# Memory: the host's MemAvailable, and our own memory cgroup (the jails' cgroups are below it).
memcg=$(awk -F: '$2 == "memory" || $2 == "" && $1 == "0" { print $3; exit }' /proc/self/cgroup)
mcfile=""
for f in "/sys/fs/cgroup/memory$memcg/memory.usage_in_bytes" "/sys/fs/cgroup$memcg/memory.current"; do
	[ -r "$f" ] && { mcfile=$f; break; }
done
avail() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
mc() { if [ -n "$mcfile" ]; then echo $(($(cat "$mcfile") / 1024)); else echo 0; fi; }
sync
sleep 1
a0=$(avail)
c0=$(mc)
start=$(date +%s%N)
i=0
while [ $i -lt "$density" ]; do
	"$build/jail" -q -c name=d$i path="$tmp/root" persist
	i=$((i + 1))
done
made=$(ms "$start")
sleep 1
a1=$(avail)
c1=$(mc)
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
hyperfine -N -w 3 -r 20 --export-json "$out/persist-jls.r1.json" "$build/jls" >/dev/null 2>&1 || true
t_jls=$(median jls)
start=$(date +%s%N)
"$build/jail" -q -r '*'
removed=$(ms "$start")
per_avail=$(((a0 - a1) / density))
per_mc=$(((c1 - c0) / density))

echo "== jail.conf: $nconf persistent jails of one file, -p 1 and -p 2"
{
	echo "path = \"$tmp/root\";"
	echo "persist;"
	i=0
	while [ $i -lt "$nconf" ]; do
		echo "c$i { }"
		i=$((i + 1))
	done
} >"$tmp/jail.conf"
t_p1=0
t_p2=0
for r in 1 2; do
	for p in 1 2; do
		start=$(date +%s%N)
		"$build/jail" -q -f "$tmp/jail.conf" -p $p -c
		t=$(ms "$start")
		"$build/jail" -q -f "$tmp/jail.conf" -r '*'
		eval "t_p$p=\$((t_p$p + t))"
	done
done

printf '\n%-44s %10s %12s\n' "measure" "median ms" "jexec /"
printf '%-44s %10s %12s\n' "jexec J /bin/true" "$t_jexec" 1.00
printf '%-44s %10s %12s\n' "nsenter -a -t INIT /bin/true" "$t_nsenter" "$(ratio "$t_jexec" "$t_nsenter")"
printf '%-44s %10s %12s\n' "crun exec C /bin/true" "$t_crunexec" "$(ratio "$t_jexec" "$t_crunexec")"
printf '%-44s %10s %12s\n' "jail -c persist + jail -r" "$t_cr" "jail / crun"
printf '%-44s %10s %12s\n' "crun create + start + delete" "$t_crun_cr" "$(ratio "$t_cr" "$t_crun_cr")"
set -- $rss
printf '\n%d jails made in %d ms, removed in %d ms; jls over them %s ms\n' "$density" "$made" "$removed" "$t_jls"
printf 'host memory per jail: %d KiB from MemAvailable, %d KiB from our memory cgroup; init RSS median %d KiB (min %d, max %d)\n' \
	"$per_avail" "$per_mc" "$1" "$2" "$3"
printf '%d jails of one jail.conf: -p 1 %d ms, -p 2 %d ms (two rounds each)\n' "$nconf" "$((t_p1 / 2))" "$((t_p2 / 2))"
metric jexec.nsenter "$(ratio "$t_jexec" "$t_nsenter")"
metric jexec.crun "$(ratio "$t_jexec" "$t_crunexec")"
metric density.n "$density"
metric density.create_s "$(python3 -c "print('%.1f' % ($made / 1000))")"
metric density.remove_s "$(python3 -c "print('%.1f' % ($removed / 1000))")"
metric density.jls_ms "$t_jls"
metric density.init_rss_kib "$1"
metric density.per_jail_kib "$per_avail"
metric parallel.n "$nconf"
metric parallel.p2_over_p1 "$(ratio "$t_p2" "$t_p1")"
