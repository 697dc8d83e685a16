#!/usr/bin/env python3
"""Whether running the two modes at the same time, in two copies of the target, would cancel
the noise in CPU per request that blocks of sequential rounds leave.

Starts two demo-servers (A and B, neither traced: an A/A) and, for each window, loads both at
once with two `tracebench load` processes, reading each server's CPU time from /proc around
the window. If the noise came from the machine (the virtual CPU's speed, shared by both
processes at each moment), ln(B/A) of CPU per request would vary far less than one server's
figure from one window to the next; if it comes from inside each process (batching of
requests per wake-up, GC), it would not. Prints both spreads.

  scripts/twin_target_noise.py [--windows 20] [--seconds 2] [-- LOAD_ARGS...]   e.g. -- -c 25 or -- -R 2000

Load tests loopback only; every run is bounded by --windows.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TB = os.path.join(ROOT, "build/harness/cli/tracebench")
DEMO = os.path.join(ROOT, "build/bin/demo-server")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(tmp, name):
    log = open(os.path.join(tmp, f"{name}.log"), "w+")
    p = subprocess.Popen([DEMO, "--addr", "127.0.0.1:0", "--debug-addr", ""], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        log.seek(0)
        for line in log.read().splitlines():
            if line.startswith("listening on "):
                return p, line.split()[-1]
        time.sleep(0.1)
    p.kill()
    raise SystemExit(f"twin_target_noise: demo-server {name} did not start; see {log.name}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--windows", type=int, default=20)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--path", default="/api")
    p.add_argument("load_args", nargs="*", default=["-c", "25"])
    a = p.parse_args()
    if a.windows < 3:
        raise SystemExit(f"twin_target_noise: --windows {a.windows}: expected at least 3")
    with tempfile.TemporaryDirectory(prefix="twin-") as tmp:
        servers = [start_server(tmp, n) for n in ("a", "b")]
        try:
            a_cpu, b_cpu = [], []
            for w in range(a.windows):
                before = [cpu_seconds(s.pid) for s, _ in servers]
                outs = [os.path.join(tmp, f"w{w}{n}.json") for n in ("a", "b")]
                loads = [subprocess.Popen([TB, "load", "--target", addr, "--path", a.path, "--warmup", "0s",
                                           "-d", f"{a.seconds}s", "--no-progress", "--json", out, *a.load_args],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                         for (_, addr), out in zip(servers, outs)]
                for l in loads:
                    # 3: the result is marked invalid (open loop that lost its schedule); its
                    # requests and the server's CPU still pair up, which is all this measures.
                    if l.wait(timeout=60 + 2 * a.seconds) not in (0, 3):
                        raise SystemExit(f"twin_target_noise: tracebench load failed in window {w}")
                after = [cpu_seconds(s.pid) for s, _ in servers]
                reqs = [json.load(open(o))["requests"] for o in outs]
                a_cpu.append((after[0] - before[0]) / reqs[0] * 1e6)
                b_cpu.append((after[1] - before[1]) / reqs[1] * 1e6)
        finally:
            for s, _ in servers:
                s.kill()
    cv = lambda xs: 100 * statistics.stdev(xs) / statistics.fmean(xs)
    same_time = [math.log(b / a_) for a_, b in zip(a_cpu, b_cpu)]
    next_window = [math.log(a_cpu[i + 1] / a_cpu[i]) for i in range(len(a_cpu) - 1)]
    print(f"windows {a.windows} x {a.seconds:g} s, load {' '.join(a.load_args)} on {a.path}")
    print(f"CPU per request: A median {statistics.median(a_cpu):.1f} us (CV {cv(a_cpu):.1f}%), "
          f"B median {statistics.median(b_cpu):.1f} us (CV {cv(b_cpu):.1f}%)")
    print(f"sd of ln(B/A), same window (twin design):      {100 * statistics.stdev(same_time):.2f}%")
    print(f"sd of ln(A[i+1]/A[i]), next window (blocks):   {100 * statistics.stdev(next_window):.2f}%")


if __name__ == "__main__":
    sys.exit(main())
