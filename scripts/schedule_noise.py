#!/usr/bin/env python3
"""How much the target's CPU per request moves between two adjacent phases, closed loop
against open loop, with tracing switched on in one phase of each pair.

Starts demo-server and one `tracebench load` against `/api`; a separate fetcher (this script,
not tracebench) takes `/debug/pprof/trace` during one phase of each pair, in random order, so
tracebench's own CPU does not include the trace's download. For each phase it reads, from
/proc, the target's CPU (schedstat, ns, all threads), its write syscalls (one per response,
keep-alive) and the load thread's CPU. Prints, per schedule, the spread (SD over the pairs) of
ln(trace/off) of the target's CPU per request and its mean (tracing's cost), and the same for
the generator's own CPU per request: a reference for the machine's speed only if tracing the
target does not move it.

  scripts/schedule_noise.py [--pairs 25] [--rate 10k]

Loopback only; bounded by --pairs (about 5 s each, per schedule).
"""
import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import time

from demo_windows import TB, process_cpu_ns, start_server, thread_cpu_ns, tracing_phase, writes

SETTLE_S, WINDOW_S, TRACE_S = 0.3, 1.5, 2.4


def measure(pairs, load_args, seed):
    srv, addr, debug = start_server("schedule_noise")
    seconds = int(pairs * 2 * (SETTLE_S + max(WINDOW_S, TRACE_S)) + 15)
    gen = subprocess.Popen([TB, "load", "--target", addr, "--path", "/api", "-d", f"{seconds}s", "--warmup", "1s",
                            "--no-progress", *load_args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        # The load thread: the one of tracebench's threads that is not the main one.
        load_tid = max(int(t) for t in os.listdir(f"/proc/{gen.pid}/task"))
        rng = random.Random(seed)
        out = []
        for _ in range(pairs):
            phase = {}
            for traced in rng.sample([False, True], 2):
                with tracing_phase(debug, traced, TRACE_S, WINDOW_S):
                    time.sleep(SETTLE_S)
                    a = (process_cpu_ns(srv.pid), writes(srv.pid), thread_cpu_ns(gen.pid, load_tid))
                    time.sleep(WINDOW_S)
                    b = (process_cpu_ns(srv.pid), writes(srv.pid), thread_cpu_ns(gen.pid, load_tid))
                responses = b[1] - a[1]
                phase[traced] = ((b[0] - a[0]) / responses, (b[2] - a[2]) / responses)
            out.append(tuple(math.log(phase[True][i] / phase[False][i]) for i in (0, 1)))
        return out
    finally:
        gen.kill()
        srv.kill()
        gen.wait()
        srv.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pairs", type=int, default=25)
    p.add_argument("--rate", default="10k", help="the open-loop rate (default 10k)")
    args = p.parse_args()
    if not 3 <= args.pairs <= 200:
        sys.exit(f"schedule_noise: --pairs {args.pairs} is out of range: expected 3 to 200")
    print("schedule                 pairs  target CPU/req: mean  SD   | generator CPU/req: mean  SD   corr")
    for name, load_args in (("closed loop (-c 50)", []), (f"open loop ({args.rate}/s)", ["--rate", args.rate])):
        rows = measure(args.pairs, load_args, seed=1)
        t = [r[0] * 100 for r in rows]
        g = [r[1] * 100 for r in rows]
        corr = statistics.correlation(t, g)
        print(f"{name:24s} {len(rows):5d}  {statistics.fmean(t):+6.2f}% {statistics.stdev(t):5.2f}% | "
              f"{statistics.fmean(g):+6.2f}% {statistics.stdev(g):5.2f}% {corr:+.2f}", flush=True)


if __name__ == "__main__":
    main()
