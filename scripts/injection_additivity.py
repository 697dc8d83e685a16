#!/usr/bin/env python3
"""Does an injected CPU cost add to the server's CPU per request as it is, with no tracer?

validate_precision.py takes the truth for an injected run to be tracing's own cost plus
D / (off CPU per request): it assumes that D more work per request costs the process exactly D
more CPU per request. This measures that assumption on its own. It starts demo-server with
--inject-cpu D and one `tracebench load` at a fixed rate on /api, and in each pair of adjacent
windows, in random order, switches the injection on for requests served with tracing off
(POST /debug/inject?untraced=on) in one and off in the other. Nothing is traced. For each window it
reads, from /proc, the server's CPU (schedstat, ns, all threads) and its write syscalls (one per
response, keep-alive). Prints the mean over pairs of (on - off) CPU per response in µs, its 95%
interval, and that as a share of D: 1.00 when the cost simply adds.

  scripts/injection_additivity.py [--inject 2.71us] [--rate 12k] [--pairs 60]

Loopback only; bounded by --pairs (about 4 s each).
"""
import argparse
import json
import random
import statistics
import subprocess
import sys
import time
import urllib.request

from demo_windows import TB, process_cpu_ns, start_server, writes

SETTLE_S, WINDOW_S = 0.3, 1.5


def set_untraced(debug, on):
    req = urllib.request.Request(f"http://{debug}/debug/inject?untraced={'on' if on else 'off'}", method="POST")
    urllib.request.urlopen(req, timeout=5).read()


def inject_stats(debug):
    return json.load(urllib.request.urlopen(f"http://{debug}/debug/inject", timeout=5))


def measure(inject, rate, pairs, seed, path="/api", script="injection_additivity"):
    """The injection's effect alone: `pairs` pairs of windows against a fresh demo-server
    --inject-cpu `inject` loaded at `rate`. Returns a dict: the mean (on - off) CPU per response
    in µs and its 95% interval, the same as a share of the injection, the off windows' median."""
    srv, addr, debug = start_server(script, ["--inject-cpu", inject])
    inject_us = inject_stats(debug)["inject_ns"] / 1000
    seconds = int(pairs * 2 * (SETTLE_S + WINDOW_S) + 15)
    gen = subprocess.Popen([TB, "load", "--target", addr, "--path", path, "-d", f"{seconds}s", "--warmup", "1s",
                            "--rate", str(rate), "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rng = random.Random(seed)
    diffs, offs = [], []
    try:
        time.sleep(3)
        for _ in range(pairs):
            phase = {}
            for on in rng.sample([False, True], 2):
                set_untraced(debug, on)
                time.sleep(SETTLE_S)
                a = (process_cpu_ns(srv.pid), writes(srv.pid))
                time.sleep(WINDOW_S)
                b = (process_cpu_ns(srv.pid), writes(srv.pid))
                phase[on] = (b[0] - a[0]) / (b[1] - a[1]) / 1000  # µs per response
            diffs.append(phase[True] - phase[False])
            offs.append(phase[False])
        stats = inject_stats(debug)
    finally:
        gen.kill()
        srv.kill()
        gen.wait()
        srv.wait()
    mean = statistics.fmean(diffs)
    se = statistics.stdev(diffs) / len(diffs) ** 0.5
    t = statistics.NormalDist().inv_cdf(0.975) if len(diffs) > 30 else 2.0
    return {"inject": inject, "rate": str(rate), "pairs": len(diffs), "window_s": WINDOW_S,
            "method": stats["method"], "work_rounds": (stats.get("calibration") or {}).get("work_rounds"),
            "inject_us": inject_us, "off_us_per_response": statistics.median(offs),
            "added_us": mean, "added_us_ci": [mean - t * se, mean + t * se], "sd_over_pairs_us": statistics.stdev(diffs),
            "share": mean / inject_us, "share_ci": [(mean - t * se) / inject_us, (mean + t * se) / inject_us]}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--inject", default="2.71us", help="demo-server --inject-cpu (default 2.71us)")
    p.add_argument("--rate", default="12k", help="the open-loop rate (default 12k)")
    p.add_argument("--pairs", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if not 3 <= args.pairs <= 400:
        sys.exit(f"injection_additivity: --pairs {args.pairs} is out of range: expected 3 to 400")
    m = measure(args.inject, args.rate, args.pairs, args.seed)
    print(f"demo-server --inject-cpu {m['inject']} ({m['method']}, {m['work_rounds'] or '-'} work rounds), "
          f"tracebench load --rate {m['rate']}, {m['pairs']} pairs of {m['window_s']}s windows, nothing traced")
    print(f"off: CPU per response median {m['off_us_per_response']:.2f} µs")
    print(f"on - off: {m['added_us']:+.2f} µs per response, 95% interval [{m['added_us_ci'][0]:+.2f}, "
          f"{m['added_us_ci'][1]:+.2f}] (SD over pairs {m['sd_over_pairs_us']:.2f} µs)")
    print(f"as a share of the {m['inject_us']:.2f} µs injected: {m['share']:.2f} [{m['share_ci'][0]:.2f}, "
          f"{m['share_ci'][1]:.2f}]; 1.00 when the cost simply adds")


if __name__ == "__main__":
    main()
