#!/usr/bin/env python3
"""Summary table for bench/run.sh.

Reads the hyperfine JSON exports OUT/PEER.rN.json (one per peer and round)
and OUT/rss.txt ("peer KiB" lines), pools each peer's per-run wall times
(of the runs that exited 0) over all rounds and prints one table: runs,
failed runs, median, p90, mean +- sd, the
range of the per-round medians (how much the figure moved while the bench
ran), the ratio of jail's median to the peer's, and peak RSS. The ratios
are also appended to OUT/metrics.txt for the final table.

Usage: summary.py OUT PEER...      the start-up table (bench/run.sh)
       summary.py --final OUT      every ratio of `make bench` with its target,
                                   from OUT/metrics.txt ("KEY VALUE" lines the
                                   bench scripts append)
"""
import glob
import json
import os
import statistics
import sys


def times_of(out, peer):
    """Wall times in ms of the runs that exited 0, pooled over rounds; the
    per-round medians; the number of runs that failed."""
    pooled, medians, failed = [], [], 0
    for path in sorted(glob.glob(os.path.join(out, peer + ".r*.json"))):
        with open(path) as f:
            res = json.load(f)["results"][0]
        codes = res.get("exit_codes") or [0] * len(res["times"])
        t = [x * 1000.0 for x, c in zip(res["times"], codes) if c == 0]
        failed += sum(1 for c in codes if c != 0)
        pooled += t
        if t:
            medians.append(statistics.median(t))
    return pooled, medians, failed


def p90(t):
    # Inclusive method: interpolates between order statistics, so it is
    # defined for any sample size >= 2.
    if len(t) < 2:
        return t[0]
    return statistics.quantiles(t, n=10, method="inclusive")[8]


# The final table: key in metrics.txt, what it is, target (op, value) or None.
FINAL = [
    ("start.floor", "start-up: jail / floor (same kernel work, raw syscalls)", ("<=", 1.30)),
    ("start.bwrap", "start-up: jail / bwrap --unshare-all", ("<=", 1.00)),
    ("start.unshare", "start-up: jail / unshare -mpiun chroot", None),
    ("start.crun", "start-up: jail / crun run", None),
    ("jexec.nsenter", "enter: jexec / nsenter -a", ("<=", 1.20)),
    ("jexec.crun", "enter: jexec / crun exec", None),
    ("density.create_s", "density: N persistent jails created (s)", None),
    ("density.remove_s", "density: N persistent jails removed (s)", None),
    ("density.jls_ms", "density: jls over N jails (ms)", ("<=", 50)),
    ("density.init_rss_kib", "density: init RSS per jail (KiB, median)", ("<=", 256)),
    ("density.per_jail_kib", "density: host memory per idle jail (KiB, all-in)", ("<=", 512)),
    ("parallel.p2_over_p1", "jail.conf: N jails, -p 2 / -p 1 (time)", ("<", 1.00)),
    ("net.addr_over_plain", "network: jail -c ip4.addr / without", ("<=", 2.00)),
    ("net.throughput", "network: TCP to the jail / loopback", (">=", 0.80)),
    ("rctl.limits_pct", "rctl: start-up with limits vs without (%)", ("<=", 10)),
]


def final(out):
    vals = {}
    try:
        with open(os.path.join(out, "metrics.txt")) as f:
            for line in f:
                w = line.split()
                if len(w) >= 2:
                    vals[w[0]] = " ".join(w[1:])
    except FileNotFoundError:
        pass
    fmt = "{:<56} {:>9} {:>9} {:>5}"
    print()
    print("== make bench: every ratio and its target (one run, side by side)")
    print(fmt.format("measure", "value", "target", "met"))
    for key, what, target in FINAL:
        v = vals.get(key, "-")
        for prefix in ("density", "parallel"):
            if key.startswith(prefix + ".") and prefix + ".n" in vals:
                what = what.replace(" N ", " %s " % vals[prefix + ".n"])
        t, met = "-", ""
        if target:
            t = "%s %g" % target
            try:
                x = float(v)
                ok = {"<=": x <= target[1], "<": x < target[1], ">=": x >= target[1]}[target[0]]
                met = "yes" if ok else "NO"
            except ValueError:
                met = "?"
        print(fmt.format(what, v, t, met))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--final":
        final(sys.argv[2])
        return
    out, peers = sys.argv[1], sys.argv[2:]
    rss = {}
    try:
        with open(os.path.join(out, "rss.txt")) as f:
            for line in f:
                w = line.split()
                if len(w) == 2 and w[1].isdigit():
                    rss[w[0]] = int(w[1])
    except FileNotFoundError:
        pass

    rows = {}
    for p in peers:
        t, med, nfail = times_of(out, p)
        if t:
            rows[p] = (t, med, nfail)
    base = statistics.median(rows["jail"][0]) if "jail" in rows else None

    hdr = ("peer", "runs", "failed", "median ms", "p90 ms", "mean ± sd ms",
           "round medians ms", "jail /", "peak RSS KiB")
    fmt = "{:<8} {:>5} {:>6} {:>10} {:>8} {:>14} {:>17} {:>7} {:>13}"
    print(fmt.format(*hdr))
    for p in peers:
        if p not in rows:
            print(fmt.format(p, 0, "all", "-", "-", "-", "-", "-", "-"))
            continue
        t, med, nfail = rows[p]
        m = statistics.median(t)
        sd = statistics.stdev(t) if len(t) > 1 else 0.0
        print(fmt.format(
            p, len(t), nfail, "%.2f" % m, "%.2f" % p90(t),
            "%.2f ± %.2f" % (statistics.mean(t), sd),
            "%.2f–%.2f" % (min(med), max(med)),
            "%.2f" % (base / m) if base else "-",
            str(rss.get(p, "-"))))
    print("runs = runs that exited 0 (the figures use only these);"
          " jail / = jail's median / the peer's (< 1: jail is faster);")
    print("peak RSS = ru_maxrss of one run: the largest single process, not"
          " the sum.")
    if base:
        with open(os.path.join(out, "metrics.txt"), "a") as f:
            for p in peers:
                if p in rows and p != "jail":
                    f.write("start.%s %.2f\n" % (p, base / statistics.median(rows[p][0])))


if __name__ == "__main__":
    main()
