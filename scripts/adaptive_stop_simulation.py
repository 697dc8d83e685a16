#!/usr/bin/env python3
"""Does stopping a run when its interval is narrow enough change the level of its test?

`run --precision P` looks after every clean block past the first ten and stops once the 95%
interval on CPU per request is at most +-P (docs/statistics.md, "Adaptive length"); the
signed-rank test is then made on the blocks it stopped with. The rule never looks at where the
estimate lies, but the interval's width depends a little on the signs of the blocks' log
ratios, and the test does too, so stopping on the width could select moments when the test
flags. This simulates A/A runs (no change) with that rule and counts how often the test, at the
stop, gives p < 0.05, against the same runs tested at a fixed number of blocks.

Each block: the machine's speed s (sd 0.5% of a log) moves the log ratio d six times as much as
the CPU speed probe x = s + noise (sd 0.4%), plus the metric's own noise of scale SIGMA, normal
or Student t with 3 degrees of freedom (heavy tails); as in `run`, d is adjusted by x with a
slope fitted with an intercept on the other blocks, and the Hodges-Lehmann interval and the
signed-rank test (scipy, exact up to 50 blocks) are those of the residuals. Independent of
tracebench's C++; numpy and scipy.

  scripts/adaptive_stop_simulation.py [--runs 4000] [--precision 1.0] [--max-blocks 43]
"""
import argparse

import numpy as np
from scipy import stats


def signed_rank_k_table(n_max, confidence=0.95):
    """k for every n (R's wilcox.test rule): the smallest q with P(V <= q) >= (1 - confidence) / 2."""
    table = {}
    dist = np.ones(1)
    for n in range(1, n_max + 1):
        grown = np.zeros(len(dist) + n)
        grown[: len(dist)] += dist
        grown[n:] += dist
        dist = grown
        cdf = np.cumsum(dist) / 2 ** n
        table[n] = max(int(np.argmax(cdf >= (1 - confidence) / 2 * (1 + 1e-9))), 1)
    return table


def loo_residuals(d, x):
    """d_i - slope_i x_i, slope_i by least squares with an intercept on the other blocks."""
    n = len(d)
    sx, sd, sxx, sxd = x.sum(), d.sum(), (x * x).sum(), (x * d).sum()
    m = n - 1
    mx = (sx - x) / m
    md = (sd - d) / m
    cov = (sxd - x * d) / m - mx * md
    var = (sxx - x * x) / m - mx * mx
    slope = np.where(var > 0, cov / np.where(var > 0, var, 1), 0.0)
    return d - slope * x


def half_width_pct(r, k):
    i, j = np.triu_indices(len(r))
    walsh = np.sort((r[i] + r[j]) / 2)
    return (np.expm1(walsh[len(walsh) - k]) - np.expm1(walsh[k - 1])) / 2 * 100


def blinded_half_width_pct(r, k, signs):
    """The median half-width over fixed sign patterns put on |r|: what the interval would be if
    the mode made no difference, from the magnitudes alone, so the same whatever the signs."""
    a = signs[:, : len(r)] * np.abs(r)
    i, j = np.triu_indices(len(r))
    walsh = np.sort((a[:, i] + a[:, j]) / 2, axis=1)
    widths = (np.expm1(walsh[:, walsh.shape[1] - k]) - np.expm1(walsh[:, k - 1])) / 2 * 100
    return float(np.median(widths))


# When a run stops: its interval within the goal (tracebench before), the blinded width within
# it, or both (tracebench now).
RULES = ("width", "blinded", "both")


def simulate(rng, change, sigma, tails, runs, precision, min_blocks, max_blocks, k, signs):
    """Per rule: blocks at the stop, and whether the test flagged there; plus the fixed length."""
    out = {rule: {"sizes": [], "flagged": 0} for rule in RULES}
    flagged_fixed = 0
    for _ in range(runs):
        s = rng.normal(0, 0.003, max_blocks)
        noise = rng.normal(0, 1, max_blocks) if tails == "normal" else rng.standard_t(3, max_blocks) / np.sqrt(3)
        d = change + 6 * s + sigma * noise
        x = s + rng.normal(0, 0.004, max_blocks)
        stop = {rule: max_blocks for rule in RULES}
        for n in range(min_blocks, max_blocks):
            r = loo_residuals(d[:n], x[:n])
            width_ok = half_width_pct(r, k[n]) <= precision
            blind_ok = blinded_half_width_pct(r, k[n], signs) <= precision
            for rule, ok in (("width", width_ok), ("blinded", blind_ok), ("both", width_ok and blind_ok)):
                if ok and stop[rule] == max_blocks:
                    stop[rule] = n
            if all(v < max_blocks for v in stop.values()):
                break
        for rule, o in out.items():
            n = stop[rule]
            o["sizes"].append(n)
            o["flagged"] += stats.wilcoxon(loo_residuals(d[:n], x[:n])).pvalue < 0.05
        flagged_fixed += stats.wilcoxon(loo_residuals(d, x)).pvalue < 0.05
    return out, flagged_fixed / runs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=4000, help="simulated A/A runs per line (default 4000)")
    ap.add_argument("--precision", type=float, default=1.0, help="the stop's half-width in %% (default 1)")
    ap.add_argument("--min-blocks", type=int, default=10)
    ap.add_argument("--max-blocks", type=int, default=43, help="blocks two minutes hold with two modes")
    ap.add_argument("--patterns", type=int, default=32, help="sign patterns of the blinded width")
    ap.add_argument("--seed", type=int, default=20261205)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    k = signed_rank_k_table(args.max_blocks)
    signs = rng.choice([-1.0, 1.0], size=(args.patterns, args.max_blocks))
    se = np.sqrt(0.05 * 0.95 / args.runs) * 100
    print(f"{args.runs} runs per line; share with p < 0.05 (with no change a test at its level gives 5%, "
          f"SE {se:.2f} points); blocks at the stop: median (share stopped before {args.max_blocks})")
    print(f"{'change':>6} {'noise':<6} {'sigma':>6} {'stop on the width':>22} {'on the blinded width':>22} "
          f"{'on both':>22} {'fixed ' + str(args.max_blocks):>9}")
    for change in (0.0, 0.045):
        for tails in ("normal", "t3"):
            for sigma in (0.015, 0.020, 0.025):
                o, fixed = simulate(rng, np.log1p(change), sigma, tails, args.runs if change == 0 else args.runs // 4,
                                    args.precision, args.min_blocks, args.max_blocks, k, signs)
                runs = args.runs if change == 0 else args.runs // 4
                cells = []
                for rule in RULES:
                    sizes = np.array(o[rule]["sizes"])
                    cells.append(f"{o[rule]['flagged'] / runs * 100:6.2f}%  {np.median(sizes):3.0f} "
                                 f"({np.mean(sizes < args.max_blocks) * 100:3.0f}%)")
                print(f"{change * 100:>5.1f}% {tails:<6} {sigma * 100:>5.1f}% " +
                      " ".join(f"{c:>22}" for c in cells) + f" {fixed * 100:>8.2f}%")


if __name__ == "__main__":
    main()
