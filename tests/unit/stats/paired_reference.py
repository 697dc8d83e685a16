#!/usr/bin/env python3
"""Reference values for paired_test.cpp, computed independently of harness/stats/paired.cpp.

p-values: scipy.stats.wilcoxon (method="exact" without ties; method="approx" with
correction=True otherwise), which follows R's wilcox.test. Intervals: R's rule for
wilcox.test(conf.int = TRUE) in the exact case, with the signed-rank null distribution
obtained by enumerating all 2^n sign patterns (itertools.product), not by a recurrence:
qu = smallest q with P(V <= q) >= alpha/2 (at least 1), bounds sorted(walsh)[qu - 1] and
sorted(walsh)[M - qu] (0-based). Run: python3 tests/unit/stats/paired_reference.py
"""
import itertools
import math

import numpy as np
from scipy import stats

DATA = {
    "A": [0.031, -0.012, 0.054, 0.022, 0.047, 0.008, 0.065, 0.019, -0.004, 0.038, 0.027, 0.051],
    "B": [1.3, -0.8, 2.1, -1.7, 0.4, -0.2, 0.9, -1.1],
    "C": [0.5, 1.5, 2.5, -3.5, 4.5, 5.5, 6.5],
}


def null_cdf(n):
    counts = {}
    for signs in itertools.product((0, 1), repeat=n):
        v = sum(r for r, s in zip(range(1, n + 1), signs) if s)
        counts[v] = counts.get(v, 0) + 1
    total = 2 ** n
    cdf, acc = {}, 0
    for v in range(n * (n + 1) // 2 + 1):
        acc += counts.get(v, 0)
        cdf[v] = acc / total
    return cdf


def walsh_ci(x, conf):
    n = len(x)
    walsh = sorted((x[i] + x[j]) / 2 for i in range(n) for j in range(i, n))
    cdf = null_cdf(n)
    tail = (1 - conf) / 2
    qu = next(q for q in range(len(cdf)) if cdf[q] >= tail * (1 + 1e-9))
    qu = max(qu, 1)
    m = len(walsh)
    coverage = 1 - 2 * (cdf[qu - 1] if qu >= 1 else 0)
    return float(np.median(walsh)), walsh[qu - 1], walsh[m - qu], coverage


for name, x in DATA.items():
    exact = stats.wilcoxon(x, method="exact")
    est, lo, hi, cov = walsh_ci(x, 0.95)
    _, lo90, hi90, _ = walsh_ci(x, 0.90)
    print(f"{name}: n={len(x)} V+={sum(r for r, v in zip(stats.rankdata(np.abs(x)), x) if v > 0)}"
          f" p_exact={exact.pvalue!r}")
    print(f"   HL={est!r} ci95=[{lo!r}, {hi!r}] coverage={cov!r} ci90=[{lo90!r}, {hi90!r}]")

# Ties force the normal approximation with tie and continuity correction.
ties = [0.2, -0.2, 0.5, 0.5, 0.9, 1.1, -0.3, 0.7, 0.9, 0.4]
print("ties p_approx =", repr(stats.wilcoxon(ties, method="approx", correction=True).pvalue))
# More than 50 pairs: normal approximation without ties.
rng = np.random.default_rng(7)
big = [round(float(v), 6) for v in rng.normal(0.01, 0.03, 60)]
print("big =", big)
print("big p_approx =", repr(stats.wilcoxon(big, method="approx", correction=True).pvalue))
# The signed-rank null CDF at a few points (n = 10): scipy's exact distribution.
for v in (0, 8, 27, 55):
    print(f"cdf(10, {v}) =", repr(null_cdf(10)[v]))
# Paired relative change: log ratios of treatment/base, results as exp(.)-1 in %.
base = [100, 102, 98, 101, 99, 103, 97, 100, 104, 96]
treat = [103, 104, 101, 103, 103, 104, 101, 102, 106, 100]
lr = [math.log(t / b) for b, t in zip(base, treat)]
est, lo, hi, cov = walsh_ci(lr, 0.95)
_, lo90, hi90, _ = walsh_ci(lr, 0.90)
pct = lambda v: math.expm1(v) * 100
print(f"paired: delta={pct(est)!r} ci=[{pct(lo)!r}, {pct(hi)!r}] bounds=[{pct(lo90)!r}, {pct(hi90)!r}]"
      f" p={stats.wilcoxon(lr, method='exact').pvalue!r}")
# Speed-adjusted paired change: the reference's log ratios x; each pair's residual
# d_i - slope_i x_i with slope_i from numpy's least squares of d on [1, x] over the other
# pairs (lstsq with an intercept column, row i deleted); "slope" is the same fit on all pairs.


def adjusted(lr, x):
    lr, x = np.array(lr), np.array(x)
    design = np.column_stack([np.ones_like(x), x])
    slope = float(np.linalg.lstsq(design, lr, rcond=None)[0][1])
    resid = []
    for i in range(len(lr)):
        keep = np.arange(len(lr)) != i
        s_i = float(np.linalg.lstsq(design[keep], lr[keep], rcond=None)[0][1])
        resid.append(float(lr[i] - s_i * x[i]))
    return slope, resid


def print_adjusted(label, base, treat, ref_base, ref_treat):
    lr = [math.log(t / b) for b, t in zip(base, treat)]
    x = [math.log(t / b) for b, t in zip(ref_base, ref_treat)]
    slope, resid = adjusted(lr, x)
    est, lo, hi, cov = walsh_ci(resid, 0.95)
    _, lo90, hi90, _ = walsh_ci(resid, 0.90)
    print(f"{label}: slope={slope!r} delta={pct(est)!r} ci=[{pct(lo)!r}, {pct(hi)!r}]"
          f" bounds=[{pct(lo90)!r}, {pct(hi90)!r}] p={stats.wilcoxon(resid, method='exact').pvalue!r}")


ref_base = [14.1, 14.6, 13.9, 14.4, 15.2, 14.0, 13.8, 14.9, 14.3, 14.7]
ref_treat = [14.3, 14.5, 14.2, 14.5, 15.1, 14.3, 13.9, 15.0, 14.6, 14.6]
print_adjusted("adjusted", base, treat, ref_base, ref_treat)
# A large change (about x3.4) whose rounds ran the probe about 0.8% faster: the shape of the
# 300 us injected-cost test, where a slope through the origin took most of the change for speed.
big_base = [10.0, 10.4, 9.7, 10.2, 9.9, 10.6, 10.1, 9.8]
big_treat = [34.1, 33.2, 36.0, 34.4, 32.9, 35.8, 33.6, 34.9]
big_ref_base = [14.0, 14.2, 13.9, 14.1, 14.0, 14.3, 14.2, 13.8]
big_ref_treat = [14.19, 13.93, 13.75, 14.0, 14.04, 14.0, 13.77, 13.83]
print_adjusted("large", big_base, big_treat, big_ref_base, big_ref_treat)
# Sign-blind half-width: the same SplitMix64 sign patterns as paired.cpp (pattern j, value i:
# the low bit of splitmix64((j << 32) + i + golden) says negative), put on |d|; each pattern's
# 95% interval by walsh_ci above (enumerated null), its half-width in % of the change, and the
# median over the 33 patterns.
MASK = (1 << 64) - 1


def pattern_negative(j, i):
    z = ((j << 32) + i + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z ^= z >> 31
    return z & 1 == 1


def sign_blind(x, patterns=33):
    widths = []
    for j in range(patterns):
        signed = [-abs(v) if pattern_negative(j, i) else abs(v) for i, v in enumerate(x)]
        _, lo, hi, _ = walsh_ci(signed, 0.95)
        widths.append((math.expm1(hi) - math.expm1(lo)) / 2 * 100)
    return float(np.median(widths))


for name in ("A", "B"):
    print(f"blind {name}: {sign_blind(DATA[name])!r}")
