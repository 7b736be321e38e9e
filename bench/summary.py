#!/usr/bin/env python3
"""Summary table for bench/run.sh.

Reads the hyperfine JSON exports OUT/PEER.rN.json (one per peer and round)
and OUT/rss.txt ("peer KiB" lines), pools each peer's per-run wall times
(of the runs that exited 0) over all rounds and prints one table: runs,
failed runs, median, p90, mean +- sd, the
range of the per-round medians (how much the figure moved while the bench
ran), the ratio of the peer's median to jail's, and peak RSS.
Usage: summary.py OUT PEER...
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


def main():
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
           "round medians ms", "x jail", "peak RSS KiB")
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
            "%.2f" % (m / base) if base else "-",
            str(rss.get(p, "-"))))
    print("runs = runs that exited 0 (the figures use only these);"
          " x jail = peer median / jail median (< 1: faster than jail);")
    print("peak RSS = ru_maxrss of one run: the largest single process, not"
          " the sum.")


if __name__ == "__main__":
    main()
