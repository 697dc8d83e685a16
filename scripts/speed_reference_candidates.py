#!/usr/bin/env python3
"""Which reference for the machine's speed explains most of the target's CPU per request from
one window to the next, without being moved by tracing.

tracebench's speed reference is a register-only loop timed on every CPU
(harness/target/cpu_speed_probe.h, docs/statistics.md "Drift"). This script puts it beside three
candidates (scripts/speed_probes.c: a pointer chase through 256 KiB, one through 64 MiB, and
round trips through a pipe, kernel work as the target's network calls are), all timed in the
same windows by a separate process, while demo-server carries an open-loop `tracebench load` on
`/api` and tracing is switched on in one window of each pair, in random order (as
schedule_noise.py does). Per pair, d is ln(trace/off) of the target's CPU per request and x that
of a probe. Prints, per reference and for the register loop with each other probe: the probe's
own change with tracing (a reference must not move with the mode), its correlation with d, and
the spread of d left after a least-squares fit with an intercept, each pair's residual taken
from a fit on the other pairs (as tracebench does). The smaller that spread, the narrower the
intervals a run could reach with that reference.

  /usr/bin/python3 scripts/speed_reference_candidates.py [--pairs 40] [--rate 10k] [--seed 1]

Needs numpy. Loopback only; bounded by --pairs (about 5.5 s each).
"""
import argparse
import math
import os
import random
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
except ImportError:
    sys.exit("speed_reference_candidates: needs numpy: run it with a Python that has it "
             "(/usr/bin/python3 with Debian's python3-numpy)")

from demo_windows import ROOT, TB, process_cpu_ns, start_server, tracing_phase, writes

SETTLE_S, WINDOW_S, TRACE_S = 0.3, 1.5, 2.4
KINDS = ("reg", "l2", "dram", "sys")


def build_probes(workdir):
    exe = os.path.join(workdir, "speed_probes")
    subprocess.run(["cc", "-O2", "-pthread", "-o", exe, os.path.join(ROOT, "scripts/speed_probes.c")], check=True)
    return exe


def probe_window(probes):
    """Ends the probes' current window; returns its median ns per kind."""
    probes.stdin.write("\n")
    probes.stdin.flush()
    fields = dict(f.split("=") for f in probes.stdout.readline().split())
    return {k: float(fields[k]) for k in KINDS}


def measure(pairs, rate, seed, exe):
    srv, addr, debug = start_server("speed_reference_candidates")
    seconds = int(pairs * 2 * (SETTLE_S + max(WINDOW_S, TRACE_S)) + 15)
    gen = subprocess.Popen([TB, "load", "--target", addr, "--path", "/api", "-d", f"{seconds}s", "--warmup", "1s",
                            "--no-progress", "--rate", rate], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    probes = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(3)
        rng = random.Random(seed)
        rows = []
        for _ in range(pairs):
            phase = {}
            for traced in rng.sample([False, True], 2):
                with tracing_phase(debug, traced, TRACE_S, WINDOW_S):
                    time.sleep(SETTLE_S)
                    probe_window(probes)
                    a = (process_cpu_ns(srv.pid), writes(srv.pid))
                    time.sleep(WINDOW_S)
                    b = (process_cpu_ns(srv.pid), writes(srv.pid))
                    p = probe_window(probes)
                phase[traced] = ((b[0] - a[0]) / (b[1] - a[1]), p)
            on, off = phase[True], phase[False]
            rows.append([math.log(on[0] / off[0])] + [math.log(on[1][k] / off[1][k]) for k in KINDS])
        return np.array(rows)
    finally:
        for p in (gen, srv):
            p.kill()
            p.wait()
        probes.stdin.close()
        probes.wait()


def loo_residual_sd(d, X):
    """SD of each pair's residual from a least-squares fit (with an intercept) on the other pairs."""
    n = len(d)
    A = np.column_stack([np.ones(n), X])
    res = []
    for i in range(n):
        keep = np.arange(n) != i
        coef, *_ = np.linalg.lstsq(A[keep], d[keep], rcond=None)
        res.append(d[i] - A[i, 1:] @ coef[1:])
    return float(np.std(res, ddof=1)), float(np.mean(res))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pairs", type=int, default=40)
    p.add_argument("--rate", default="10k", help="the open-loop rate (default 10k)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if not 6 <= args.pairs <= 300:
        sys.exit(f"speed_reference_candidates: --pairs {args.pairs} is out of range: expected 6 to 300")
    with tempfile.TemporaryDirectory() as work:
        rows = measure(args.pairs, args.rate, args.seed, build_probes(work))
    d = rows[:, 0]
    n = len(d)
    print(f"{n} pairs at {args.rate} req/s; ln(trace/off) of the target's CPU per request: "
          f"mean {100 * d.mean():+.2f}%, SD {100 * d.std(ddof=1):.2f}%")
    print("reference        probe's own change (SE)   corr with d   SD of d left   estimate left")
    print(f"{'none':16s} {'':25s} {'':13s} {100 * d.std(ddof=1):11.2f}%   {100 * d.mean():+11.2f}%")
    for i, k in enumerate(KINDS, start=1):
        x = rows[:, i]
        sd, est = loo_residual_sd(d, x[:, None])
        print(f"{k:16s} {100 * x.mean():+10.3f}% ({100 * x.std(ddof=1) / math.sqrt(n):.3f}%)      "
              f"{np.corrcoef(d, x)[0, 1]:+9.2f}   {100 * sd:11.2f}%   {100 * est:+11.2f}%")
    for i, k in ((2, "l2"), (3, "dram"), (4, "sys")):
        sd, est = loo_residual_sd(d, rows[:, [1, i]])
        print(f"{'reg + ' + k:16s} {'':25s} {'':13s} {100 * sd:11.2f}%   {100 * est:+11.2f}%")


if __name__ == "__main__":
    main()
