#!/usr/bin/env python3
"""How much of a pair's noise in the target's CPU per request moves to tracebench's own CPU.

For each result.json listed, every clean block with both `off` and MODE gives, as ln(MODE/off):
  dT  the target's CPU per request (target_cpu_us_per_request),
  dG  tracebench's own CPU per request: the process (generator_cpu_us_per_request) or, with
      --generator workers, its load threads alone (generator_worker_cpu_us_per_request),
  dS  the two together (target + tracebench, per request),
  x   the CPU speed probe (cpu_probe_ns).
Per run it prints the SD of each over the blocks, and the correlation of dT with dG after both
are fitted on x with an intercept (the probe's part taken out, as `run` does for dT). A strongly
negative correlation with dS much steadier than dT says that CPU moves between the two processes
from one round to the next: work one of them did or did not do for the other (on loopback the
kernel's network processing, the wake-ups) is charged to whichever ran it.

It also prints dG's own change with the mode (mean and standard error over the blocks: a figure
that moves with the mode cannot serve as a reference), and the SD and mean of what is left of dT
when each block's dT is fitted, on the other blocks, on x alone (as `run` does) and on x and dG
together: how much an adjustment on dG would narrow the interval, and how far it would move the
estimate.

Only the standard library, so it runs anywhere a result does:

  scripts/cpu_split_noise.py --mode off2 /tmp/validate-aa/aa-*/result.json
  scripts/cpu_split_noise.py --mode trace /tmp/validate/default-*/result.json
"""
import argparse
import json
import math
import statistics


def residuals(y, x):
    """y less its least-squares line on x (with an intercept)."""
    mx, my = statistics.fmean(x), statistics.fmean(y)
    sxx = sum((a - mx) ** 2 for a in x)
    slope = sum((a - mx) * (b - my) for a, b in zip(x, y)) / sxx if sxx > 0 else 0.0
    return [b - my - slope * (a - mx) for a, b in zip(x, y)]


def solve(a, b):
    """a x = b for a small square system (Gaussian elimination with partial pivoting)."""
    n = len(b)
    m = [row[:] + [v] for row, v in zip(a, b)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        if abs(m[p][c]) < 1e-300:
            return None
        m[c], m[p] = m[p], m[c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            for k in range(c, n + 1):
                m[r][k] -= f * m[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / m[r][r]
    return x


def loo_residuals(y, covariates):
    """Each y_b less its covariates times slopes fitted with an intercept on the other blocks;
    the intercept stays in, as it is the change."""
    out = []
    for b in range(len(y)):
        rows = [[1.0] + [c[i] for c in covariates] for i in range(len(y)) if i != b]
        ys = [y[i] for i in range(len(y)) if i != b]
        k = len(rows[0])
        a = [[sum(r[i] * r[j] for r in rows) for j in range(k)] for i in range(k)]
        rhs = [sum(r[i] * v for r, v in zip(rows, ys)) for i in range(k)]
        beta = solve(a, rhs) or [0.0] * k
        out.append(y[b] - sum(beta[j + 1] * covariates[j][b] for j in range(len(covariates))))
    return out


def blocks(result, mode):
    by_block = {}
    for r in result["rounds"]:
        if r.get("dropped") or not r.get("complete"):
            continue
        by_block.setdefault(r["block"], {})[r["mode"]] = r
    for pair in by_block.values():
        if "off" in pair and mode in pair:
            yield pair["off"], pair[mode]


def split(result, mode, generator_key):
    dT, dG, dS, x = [], [], [], []
    for off, on in blocks(result, mode):
        t0, t1 = off["target_cpu_us_per_request"], on["target_cpu_us_per_request"]
        g0, g1 = off.get(generator_key), on.get(generator_key)
        if None in (t0, t1, g0, g1) or min(t0, t1, g0, g1) <= 0 or not off.get("cpu_probe_ns") or not on.get("cpu_probe_ns"):
            continue
        dT.append(math.log(t1 / t0))
        dG.append(math.log(g1 / g0))
        dS.append(math.log((t1 + g1) / (t0 + g0)))
        x.append(math.log(on["cpu_probe_ns"] / off["cpu_probe_ns"]))
    return dT, dG, dS, x


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", default="trace", help="the mode compared with off (off2 for A/A)")
    parser.add_argument("--generator", choices=["process", "workers"], default="process",
                        help="tracebench's whole process, or its load threads alone")
    parser.add_argument("results", nargs="+", help="result.json files")
    args = parser.parse_args()
    key = {"process": "generator_cpu_us_per_request",
           "workers": "generator_worker_cpu_us_per_request"}[args.generator]

    rows = []
    print(f"{'run':<40} {'blocks':>6} {'SD dT':>7} {'SD dG':>7} {'SD dS':>7} {'corr':>6} {'G/T':>5} "
          f"{'dG mean (SE)':>15} {'left x':>7} {'left x,G':>8} {'est x':>7} {'est x,G':>7}")
    for path in args.results:
        with open(path) as f:
            result = json.load(f)
        dT, dG, dS, x = split(result, args.mode, key)
        if len(dT) < 4:
            print(f"{path:<40} {len(dT):>6}  too few clean blocks with off and {args.mode}")
            continue
        corr = statistics.correlation(residuals(dT, x), residuals(dG, x))
        share = statistics.median(
            off[key] / off["target_cpu_us_per_request"]
            for off, _ in blocks(result, args.mode) if off.get(key))
        left_x = loo_residuals(dT, [x])
        left_xg = loo_residuals(dT, [x, dG])
        row = (statistics.stdev(dT) * 100, statistics.stdev(dG) * 100, statistics.stdev(dS) * 100,
               corr, share, statistics.fmean(dG) * 100, statistics.stdev(dG) / math.sqrt(len(dG)) * 100,
               statistics.stdev(left_x) * 100, statistics.stdev(left_xg) * 100,
               statistics.fmean(left_x) * 100, statistics.fmean(left_xg) * 100)
        rows.append(row)
        print(f"{path[-40:]:<40} {len(dT):>6} {row[0]:>6.2f}% {row[1]:>6.2f}% {row[2]:>6.2f}% "
              f"{row[3]:>+6.2f} {row[4]:>5.2f} {row[5]:>+7.2f}% ({row[6]:.2f}) {row[7]:>6.2f}% {row[8]:>7.2f}% "
              f"{row[9]:>+6.2f}% {row[10]:>+6.2f}%")
    if rows:
        med = [statistics.median(r[i] for r in rows) for i in range(len(rows[0]))]
        pooled = statistics.fmean(r[5] for r in rows)
        pooled_se = math.sqrt(sum(r[6] ** 2 for r in rows)) / len(rows)
        print(f"{'median of ' + str(len(rows)) + ' runs':<40} {'':>6} {med[0]:>6.2f}% {med[1]:>6.2f}% "
              f"{med[2]:>6.2f}% {med[3]:>+6.2f} {med[4]:>5.2f} {med[5]:>+7.2f}%        {med[7]:>6.2f}% "
              f"{med[8]:>7.2f}% {med[9]:>+6.2f}% {med[10]:>+6.2f}%")
        print(f"dG's own change, mean over the runs: {pooled:+.2f}% (SE {pooled_se:.2f}%)")


if __name__ == "__main__":
    main()
