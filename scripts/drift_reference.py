#!/usr/bin/env python3
"""Whether the CPU speed probe would help as a reference for the machine's drift, on one run.

For each clean block with both modes, d = ln(mode/off) of the target's CPU per request and
x = ln(mode/off) of the round's cpu_probe_ns. Adjusting d by the probe (d - beta x, beta by
least squares over the blocks, as CUPED does) narrows the interval only if the probe tracks
what moves the target, and leaves the estimate unbiased only if x is centred on 0 (the
probe does not itself move with the mode). Prints both checks.

  scripts/drift_reference.py out/demo/result.json [--mode trace]
"""
import argparse
import json
import math
import statistics


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("result")
    p.add_argument("--mode", default="trace")
    a = p.parse_args()
    result = json.load(open(a.result))
    blocks = {}
    for r in result["rounds"]:
        if r["complete"] and not r.get("dropped") and r.get("cpu_probe_ns") and r.get("target_cpu_us_per_request"):
            blocks.setdefault(r["block"], {})[r["mode"]] = r
    d, x = [], []
    for b in blocks.values():
        if "off" in b and a.mode in b:
            d.append(math.log(b[a.mode]["target_cpu_us_per_request"] / b["off"]["target_cpu_us_per_request"]))
            x.append(math.log(b[a.mode]["cpu_probe_ns"] / b["off"]["cpu_probe_ns"]))
    n = len(d)
    if n < 6:
        raise SystemExit(f"drift_reference: {n} blocks with off, {a.mode} and the probe; at least 6 are needed")
    mx, md = statistics.fmean(x), statistics.fmean(d)
    beta = sum((xi - mx) * (di - md) for xi, di in zip(x, d)) / sum((xi - mx) ** 2 for xi in x)
    adj = [di - beta * xi for di, xi in zip(d, x)]
    corr = statistics.correlation(d, x)
    se_x = statistics.stdev(x) / math.sqrt(n)
    print(f"blocks {n}; {a.mode} vs off, target CPU per request")
    print(f"  raw:      sd of block log ratios {100 * statistics.stdev(d):.2f}%, median {100 * statistics.median(d):+.2f}%")
    print(f"  adjusted: sd {100 * statistics.stdev(adj):.2f}%, median {100 * statistics.median(adj):+.2f}% "
          f"(beta {beta:.2f}, correlation {corr:.2f})")
    print(f"  probe ratio {a.mode}/off: mean {100 * mx:+.2f}% (standard error {100 * se_x:.2f}%); "
          f"the bias adjusting would add is about beta x mean = {100 * beta * mx:+.2f} points")


if __name__ == "__main__":
    main()
