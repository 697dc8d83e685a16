#!/usr/bin/env python3
"""How much of a pair's noise in the target's CPU per request moves to tracebench's own CPU.

For each result.json listed, every clean block with both `off` and MODE gives, as ln(MODE/off):
  dT  the target's CPU per request (target_cpu_us_per_request),
  dG  tracebench's own CPU per request (generator_cpu_us_per_request),
  dS  the two together (target + tracebench, per request),
  x   the CPU speed probe (cpu_probe_ns).
Per run it prints the SD of each over the blocks, and the correlation of dT with dG after both
are fitted on x with an intercept (the probe's part taken out, as `run` does for dT). A strongly
negative correlation with dS much steadier than dT says that CPU moves between the two processes
from one round to the next: work one of them did or did not do for the other (on loopback the
kernel's network processing, the wake-ups) is charged to whichever ran it.

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


def blocks(result, mode):
    by_block = {}
    for r in result["rounds"]:
        if r.get("dropped") or not r.get("complete"):
            continue
        by_block.setdefault(r["block"], {})[r["mode"]] = r
    for pair in by_block.values():
        if "off" in pair and mode in pair:
            yield pair["off"], pair[mode]


def split(result, mode):
    dT, dG, dS, x = [], [], [], []
    for off, on in blocks(result, mode):
        t0, t1 = off["target_cpu_us_per_request"], on["target_cpu_us_per_request"]
        g0, g1 = off["generator_cpu_us_per_request"], on["generator_cpu_us_per_request"]
        if min(t0, t1, g0, g1) <= 0 or not off.get("cpu_probe_ns") or not on.get("cpu_probe_ns"):
            continue
        dT.append(math.log(t1 / t0))
        dG.append(math.log(g1 / g0))
        dS.append(math.log((t1 + g1) / (t0 + g0)))
        x.append(math.log(on["cpu_probe_ns"] / off["cpu_probe_ns"]))
    return dT, dG, dS, x


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", default="trace", help="the mode compared with off (off2 for A/A)")
    parser.add_argument("results", nargs="+", help="result.json files")
    args = parser.parse_args()

    rows = []
    print(f"{'run':<40} {'blocks':>6} {'SD dT':>7} {'SD dG':>7} {'SD dS':>7} {'corr':>6} {'G/T':>5}")
    for path in args.results:
        with open(path) as f:
            result = json.load(f)
        dT, dG, dS, x = split(result, args.mode)
        if len(dT) < 4:
            print(f"{path:<40} {len(dT):>6}  too few clean blocks with off and {args.mode}")
            continue
        corr = statistics.correlation(residuals(dT, x), residuals(dG, x))
        share = statistics.median(
            off["generator_cpu_us_per_request"] / off["target_cpu_us_per_request"]
            for off, _ in blocks(result, args.mode))
        row = (statistics.stdev(dT) * 100, statistics.stdev(dG) * 100, statistics.stdev(dS) * 100,
               corr, share)
        rows.append(row)
        print(f"{path[-40:]:<40} {len(dT):>6} {row[0]:>6.2f}% {row[1]:>6.2f}% {row[2]:>6.2f}% "
              f"{row[3]:>+6.2f} {row[4]:>5.2f}")
    if rows:
        med = [statistics.median(r[i] for r in rows) for i in range(5)]
        print(f"{'median of ' + str(len(rows)) + ' runs':<40} {'':>6} {med[0]:>6.2f}% {med[1]:>6.2f}% "
              f"{med[2]:>6.2f}% {med[3]:>+6.2f} {med[4]:>5.2f}")


if __name__ == "__main__":
    main()
