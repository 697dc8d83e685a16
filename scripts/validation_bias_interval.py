#!/usr/bin/env python3
"""How well a validation set places the known-cost bias: a bootstrap interval for it.

validate_precision.py prints the bias of the injected runs' median estimate against two truths:
c0 + 100 * D / off (the injection's size) and c0 + 100 * A / off (A, what the injection was
measured to add with nothing traced). Its range for the second covers only A's own interval. Both
medians are of ten runs each, so the bias is less certain than that. This resamples the injected
runs' estimates and the control runs' estimates (c0 is their median) with replacement, and A from
a normal with the additivity measurement's standard error, and prints the 2.5th and 97.5th
percentiles of each bias.

  scripts/validation_bias_interval.py OUT   # OUT: validate_precision.py's --out, with summary.json

Standard library only; reads OUT/summary.json and OUT/control-*/result.json.
"""
import argparse
import glob
import json
import os
import random
import statistics
import sys

from validate_precision import find

RESAMPLES = 20000


def control_estimates(out):
    return [find(json.load(open(path)), "trace", "target_cpu_us_per_request")["delta_pct"]
            for path in sorted(glob.glob(os.path.join(out, "control-*", "result.json")))]


def percentiles(values):
    values = sorted(values)
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", help="validate_precision.py's --out directory")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    summary_path = os.path.join(args.out, "summary.json")
    if not os.path.exists(summary_path):
        sys.exit(f"validation_bias_interval: {summary_path} does not exist: expected validate_precision.py's --out")
    cost = json.load(open(summary_path)).get("cost")
    if not cost:
        sys.exit(f"validation_bias_interval: {summary_path} has no cost experiment: expected a run with --cost-runs")
    injected, controls = cost["estimates_pct"], control_estimates(args.out)
    if len(controls) != len(injected):
        sys.exit(f"validation_bias_interval: {len(controls)} control results under {args.out}, expected "
                 f"{len(injected)} (one per injected run)")
    off, d_pct = cost["off_cpu_us_per_request"], cost["injected_pct_of_off_cpu"]
    add = cost.get("additivity")
    if add:
        se = (add["added_us_ci"][1] - add["added_us"]) / statistics.NormalDist().inv_cdf(0.975)
    rng = random.Random(args.seed)
    against_d, against_measured = [], []
    for _ in range(RESAMPLES):
        e = statistics.median(rng.choices(injected, k=len(injected)))
        c0 = statistics.median(rng.choices(controls, k=len(controls)))
        against_d.append(e - (c0 + d_pct))
        if add:
            against_measured.append(e - (c0 + 100 * rng.gauss(add["added_us"], se) / off))
    print(f"{len(injected)} injected and {len(controls)} control runs, {RESAMPLES} resamples")
    lo, hi = percentiles(against_d)
    print(f"bias against c0 + D/off:        {cost['bias_pct_points']:+.2f} points, 95% [{lo:+.2f}, {hi:+.2f}]")
    if add:
        lo, hi = percentiles(against_measured)
        print(f"bias against c0 + measured/off: {cost['bias_measured_pct_points']:+.2f} points, 95% [{lo:+.2f}, {hi:+.2f}]")


if __name__ == "__main__":
    main()
