#!/usr/bin/env python3
"""Whether the CPU speed probe narrows tracebench's comparisons, and whether it biases them.

Recomputes every comparison of MODE against off on the listed result.json files from their
rounds, independently of tracebench's C++ (numpy, scipy): for each clean block with both
modes, d = ln(mode/off) of the metric and x = ln(mode/off) of the round's cpu_probe_ns.
"plain" is the Hodges-Lehmann estimate of d with the interval that inverts the signed-rank
test; "adjusted" the same on the residuals d_i - slope_i x_i, slope_i the least-squares slope of
d on x with an intercept over the other blocks (leave-one-out, as tracebench does; numpy's
lstsq). Prints, per metric over all files:

  - the median 95% half-width, plain and adjusted (does the probe narrow?);
  - how many runs flag the comparison (two metrics, Holm), plain and adjusted: with
    --modes off,off (MODE off2) every flag is a false positive;
  - the mean of (adjusted - plain) estimate with its standard error (does it shift?);
  - the probe's own change, mean and standard error (does the mode move it?);
  - where a result holds tracebench's own adjusted figures, the largest difference from
    this recomputation (a cross-check of the C++).

  scripts/drift_reference.py --mode off2 /tmp/validate-aa/*/result.json
  scripts/drift_reference.py --mode trace out/validate/cost-*/result.json
"""
import argparse
import json
import math
import statistics

import numpy as np
from scipy import stats

METRICS = ("throughput_rps", "target_cpu_us_per_request")


def signed_rank_k(n, confidence):
    """R's wilcox.test rule: the smallest q with P(V <= q) >= (1 - confidence) / 2."""
    dist = np.ones(1)
    for r in range(1, n + 1):  # the null distribution of V: rank r in the sum or not
        grown = np.zeros(len(dist) + r)
        grown[: len(dist)] += dist
        grown[r:] += dist
        dist = grown
    cdf = np.cumsum(dist) / 2 ** n
    tail = (1 - confidence) / 2
    return max(int(np.argmax(cdf >= tail * (1 + 1e-9))), 1)


def hl_interval(d, confidence=0.95):
    n = len(d)
    walsh = np.sort([(d[i] + d[j]) / 2 for i in range(n) for j in range(i, n)])
    k = signed_rank_k(n, confidence)
    return float(np.median(walsh)), float(walsh[k - 1]), float(walsh[len(walsh) - k])


def pct(v):
    return math.expm1(v) * 100


def pairs(result, mode, metric):
    blocks = {}
    for r in result["rounds"]:
        if r["complete"] and not r.get("dropped"):
            blocks.setdefault(r["block"], {})[r["mode"]] = r
    d, x = [], []
    for b in blocks.values():
        if "off" not in b or mode not in b:
            continue
        base, treat = b["off"], b[mode]
        values = (base.get(metric), treat.get(metric), base.get("cpu_probe_ns"), treat.get("cpu_probe_ns"))
        if all(v and v > 0 for v in values):
            d.append(math.log(values[1] / values[0]))
            x.append(math.log(values[3] / values[2]))
    return np.array(d), np.array(x)


def slope_of(d, x):
    design = np.column_stack([np.ones_like(x), x])
    return float(np.linalg.lstsq(design, d, rcond=None)[0][1]) if np.ptp(x) > 0 else 0.0


def analyse(d, x, adjust):
    adjust = adjust and len(d) >= 4
    slope = slope_of(d, x) if adjust else 0.0
    r = d.copy()
    if adjust:
        for i in range(len(d)):
            keep = np.arange(len(d)) != i
            r[i] = d[i] - slope_of(d[keep], x[keep]) * x[i]
    est, lo, hi = hl_interval(r)
    p = 1.0 if not np.any(r) else stats.wilcoxon(r).pvalue  # every block tied: nothing to test
    return {"est": pct(est), "half": (pct(hi) - pct(lo)) / 2, "p": p, "slope": slope}


def holm_flags(ps, alpha=0.05):
    m = len(ps)
    for i, p in enumerate(sorted(ps)):
        if p * (m - i) >= alpha:
            return i > 0
    return True


def mean_se(v):
    return statistics.fmean(v), statistics.stdev(v) / math.sqrt(len(v)) if len(v) > 1 else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", nargs="+")
    p.add_argument("--mode", default="trace")
    a = p.parse_args()
    rows = {m: {"plain": [], "adjusted": []} for m in METRICS}
    flags = {"plain": 0, "adjusted": 0}
    probe_shift, cross_check, used = [], [], 0
    for path in a.results:
        result = json.load(open(path))
        per_run = {}
        for metric in METRICS:
            d, x = pairs(result, a.mode, metric)
            if len(d) < 6:
                break
            per_run[metric] = {k: analyse(d, x, k == "adjusted") for k in ("plain", "adjusted")}
            if metric == METRICS[0]:
                probe_shift.append(pct(hl_interval(x)[0]))
            for c in result.get("comparisons", []):
                if c.get("mode") == a.mode and c.get("metric") == metric and c.get("speed_adjusted") and c.get("delta_pct") is not None:
                    cross_check.append(abs(c["delta_pct"] - per_run[metric]["adjusted"]["est"]))
        if len(per_run) < len(METRICS):
            continue
        used += 1
        for k in ("plain", "adjusted"):
            for metric in METRICS:
                rows[metric][k].append(per_run[metric][k])
            flags[k] += holm_flags([per_run[m][k]["p"] for m in METRICS])
    if used == 0:
        raise SystemExit(f"drift_reference: no result has 6 clean blocks with off, {a.mode} and the probe")
    print(f"{used} runs, {a.mode} vs off")
    for metric in METRICS:
        plain, adj = rows[metric]["plain"], rows[metric]["adjusted"]
        shift = mean_se([q["est"] - p_["est"] for p_, q in zip(plain, adj)])
        print(f"  {metric}: median half-width plain ±{statistics.median(r['half'] for r in plain):.2f}%, "
              f"adjusted ±{statistics.median(r['half'] for r in adj):.2f}%; estimate median plain "
              f"{statistics.median(r['est'] for r in plain):+.2f}%, adjusted {statistics.median(r['est'] for r in adj):+.2f}%; "
              f"adjusted - plain mean {shift[0]:+.2f} points (standard error {shift[1]:.2f}); "
              f"median slope {statistics.median(r['slope'] for r in adj):.2f}")
    print(f"  runs flagging a change (Holm over {len(METRICS)} metrics): plain {flags['plain']}/{used}, "
          f"adjusted {flags['adjusted']}/{used}")
    s = mean_se(probe_shift)
    print(f"  the probe's own change {a.mode} vs off: mean {s[0]:+.3f}% (standard error {s[1]:.3f}%)")
    if cross_check:
        print(f"  tracebench's adjusted estimates vs this recomputation: largest difference "
              f"{max(cross_check):.2e} points over {len(cross_check)} comparisons")


if __name__ == "__main__":
    main()
