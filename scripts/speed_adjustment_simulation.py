#!/usr/bin/env python3
"""Simulates the three ways of taking the machine's speed out of a blocked comparison.

Each simulated block has the machine's speed s (sd 2.8% of a log), which moves the metric's
log ratio six times as much as the CPU speed probe's (as measured on the project's VM, closed
loop), plus the metric's own noise (sd 5.6%) and the probe's (sd 0.4%). Three adjustments of
the block log ratios d by the probe's x, then scipy's signed-rank test and the Hodges-Lehmann
estimate on the residuals:

  origin    d - b x, b = sum(d x) / sum(x^2) fitted on all blocks (tracebench before)
  all       d - b x, b by least squares with an intercept on all blocks
  loo       d_i - b_i x_i, b_i with an intercept on the other blocks (tracebench now)

Prints how often each flags a change (p < 0.05) when there is none, and the bias of each
estimate for a 7% change, and for a x3.3 change while the mode moves the probe by -0.8% (the
shape of the 300 us injected-cost test). Independent of tracebench's C++; numpy and scipy.

  scripts/speed_adjustment_simulation.py [--runs 3000]
"""
import argparse

import numpy as np
from scipy import stats


def slope(d, x, intercept):
    if not intercept:
        return float(d @ x / (x @ x))
    xc = x - x.mean()
    return float((d - d.mean()) @ xc / (xc @ xc))


def residuals(d, x, how):
    if how == "origin":
        return d - slope(d, x, False) * x
    if how == "all":
        return d - slope(d, x, True) * x
    keep = ~np.eye(len(d), dtype=bool)
    return np.array([d[i] - slope(d[keep[i]], x[keep[i]], True) * x[i] for i in range(len(d))])


def hodges_lehmann(r):
    i, j = np.triu_indices(len(r))
    return float(np.median((r[i] + r[j]) / 2))


def simulate(rng, blocks, change, probe_shift, runs):
    out = {how: {"flagged": 0, "errors": []} for how in ("origin", "all", "loo")}
    for _ in range(runs):
        s = rng.normal(0, 0.028, blocks)
        d = change + 6 * s + rng.normal(0, 0.056, blocks)
        x = s + probe_shift + rng.normal(0, 0.004, blocks)
        for how, o in out.items():
            r = residuals(d, x, how)
            o["flagged"] += stats.wilcoxon(r).pvalue < 0.05
            o["errors"].append(hodges_lehmann(r) - change)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3000, help="simulated runs per line (default 3000)")
    ap.add_argument("--seed", type=int, default=20261203)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"no change, {args.runs} runs each: share flagged at p < 0.05 (origin / all / loo)")
    for blocks in (6, 8, 12, 20, 26):
        o = simulate(rng, blocks, 0.0, 0.0, args.runs)
        print(f"  {blocks:2d} blocks: " + " / ".join(f"{100 * o[h]['flagged'] / args.runs:.1f}%" for h in o))
    runs = max(args.runs // 5, 100)
    for label, change, shift in (("a 7% change", np.log(1.07), 0.0), ("x3.3 with the probe moved -0.8%", np.log(3.3), -0.008)):
        print(f"{label}, {runs} runs each: mean error of the estimate in log points x100 (origin / all / loo)")
        for blocks in (8, 26):
            o = simulate(rng, blocks, change, shift, runs)
            print(f"  {blocks:2d} blocks: " + " / ".join(
                f"{100 * np.mean(o[h]['errors']):+.2f} (sd {100 * np.std(o[h]['errors']):.2f})" for h in o))


if __name__ == "__main__":
    main()
