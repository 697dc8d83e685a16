#!/usr/bin/env python3
"""Runs tracebench, wrk and hey one after another against the same local target and prints,
side by side, requests/s and each generator's own CPU microseconds per request.

Each generator is pinned to one CPU and the target to another (taskset), so they do not
compete for a core. CPU is measured the same way for every tool: the user+system time of
the child process (getrusage), divided by the requests the tool itself reports. Then an
open-loop run of tracebench at --rate checks the generator's send lag, with --spin 0
(the default) and --spin 100us in interleaved rounds.

Usage: scripts/compare_load.py [--duration 10s] [--connections 50] [--rounds 3] [--rate 20000]
Needs: build/ (cmake --build build), wrk and hey (scripts/setup.sh --tests installs them).
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACEBENCH = os.path.join(ROOT, "build/harness/cli/tracebench")
DEMO_SERVER = os.path.join(ROOT, "build/bin/demo-server")


def child_cpu_s():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_measured(cmd):
    """Runs cmd to completion; returns (stdout, cpu seconds it used, wall seconds)."""
    cpu0, t0 = child_cpu_s(), time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    cpu, wall = child_cpu_s() - cpu0, time.monotonic() - t0
    if p.returncode not in (0, 3):
        sys.exit(f"compare_load: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p.stdout, cpu, wall


def start_target(cpu):
    proc = subprocess.Popen(["taskset", "-c", str(cpu), DEMO_SERVER, "--addr", "127.0.0.1:0",
                             "--debug-addr", ""], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    m = re.match(r"listening on (\S+)", line)
    if not m:
        proc.kill()
        sys.exit(f"compare_load: demo-server did not start (printed {line!r})")
    return proc, m.group(1)


def parse_duration_s(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", text)
    if not m:
        sys.exit(f"compare_load: bad --duration {text!r}: expected e.g. 500ms, 10s, 1m")
    return float(m.group(1)) * {"ms": 1e-3, "s": 1, "m": 60}[m.group(2)]


def tracebench_closed(addr, path, duration, conns, gen_cpu):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        _, cpu, _ = run_measured(["taskset", "-c", gen_cpu, TRACEBENCH, "load", "--target", addr, "--path", path,
                                  "--duration", duration, "--warmup", "0s", "--connections", str(conns),
                                  "--no-progress", "--json", f.name])
        j = json.load(open(f.name))
    return j["requests"], j["throughput_rps"], cpu


def wrk_closed(addr, path, duration, conns, gen_cpu):
    out, cpu, _ = run_measured(["taskset", "-c", gen_cpu, "wrk", "-t1", f"-c{conns}", f"-d{duration}",
                                f"http://{addr}{path}"])
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return requests, rps, cpu


def hey_closed(addr, path, duration, conns, gen_cpu):
    out, cpu, _ = run_measured(["taskset", "-c", gen_cpu, "hey", "-z", duration, "-c", str(conns),
                                f"http://{addr}{path}"])
    requests = sum(int(n) for n in re.findall(r"\[\d{3}\]\s+(\d+) responses", out))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return requests, rps, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", default="10s")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds per tool; medians are printed")
    ap.add_argument("--rate", type=int, default=20000, help="open-loop rate for the send-lag check")
    ap.add_argument("--path", default="/health")
    args = ap.parse_args()
    parse_duration_s(args.duration)
    for exe in (TRACEBENCH, DEMO_SERVER):
        if not os.access(exe, os.X_OK):
            sys.exit(f"compare_load: {exe} is missing; build first (cmake -S . -B build -G Ninja && cmake --build build)")
    ncpu = os.cpu_count() or 1
    gen_cpu, target_cpu = "0", str(1 % ncpu)

    target, addr = start_target(target_cpu)
    try:
        tools = {"tracebench": tracebench_closed, "wrk": wrk_closed, "hey": hey_closed}
        samples = {name: [] for name in tools}
        for r in range(args.rounds):
            for name, fn in tools.items():  # interleaved, so drift hits every tool alike
                requests, rps, cpu = fn(addr, args.path, args.duration, args.connections, gen_cpu)
                samples[name].append((rps, cpu * 1e6 / max(requests, 1)))
                print(f"  round {r + 1} {name:<10} {rps:>10.0f} req/s  {cpu * 1e6 / max(requests, 1):6.2f} µs CPU/request",
                      file=sys.stderr)

        print(f"\nclosed loop, {args.connections} connections, {args.duration} x {args.rounds} rounds, GET {args.path}, "
              f"generator on CPU {gen_cpu}, demo-server on CPU {target_cpu} (medians)")
        print(f"{'tool':<12}{'req/s':>12}{'CPU µs/req':>14}{'vs wrk':>10}")
        wrk_cpu = statistics.median(c for _, c in samples["wrk"])
        for name, s in samples.items():
            rps = statistics.median(x for x, _ in s)
            cpu = statistics.median(c for _, c in s)
            print(f"{name:<12}{rps:>12.0f}{cpu:>14.2f}{cpu / wrk_cpu:>9.2f}x")

        # Open loop: tracebench's default (sleep until a send is due) against --spin 100us
        # (busy-poll the last 100 µs), interleaved, because a busy or throttled virtual CPU moves
        # the send lag from round to round far more than either setting does.
        lags = {"0": [], "100us": []}
        for r in range(args.rounds):
            for spin in lags:
                with tempfile.NamedTemporaryFile(suffix=".json") as f:
                    run_measured(["taskset", "-c", gen_cpu, TRACEBENCH, "load", "--target", addr, "--path", args.path,
                                  "--duration", args.duration, "--warmup", "1s", "--rate", str(args.rate),
                                  "--connections", str(args.connections), "--spin", spin, "--no-progress",
                                  "--json", f.name])
                    j = json.load(open(f.name))
                lag = j["generator"]["lag_ns"]
                lags[spin].append((j["throughput_rps"], lag["p50"], lag["p99"], lag["max"],
                                   j["generator"]["cpu_us_per_request"]))
                print(f"  round {r + 1} open loop --spin {spin:<6} {j['throughput_rps']:>8.0f} req/s  "
                      f"lag p50 {lag['p50'] / 1e3:.1f} µs  p99 {lag['p99'] / 1e3:.1f} µs  max {lag['max'] / 1e3:.1f} µs",
                      file=sys.stderr)
        print(f"\nopen loop at {args.rate} req/s, tracebench, {args.duration} x {args.rounds} rounds (medians); "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"{'--spin':<12}{'req/s':>10}{'lag p50 µs':>12}{'lag p99 µs':>12}{'lag max µs':>12}{'CPU µs/req':>12}")
        for spin, rows in lags.items():
            med = [statistics.median(row[i] for row in rows) for i in range(5)]
            print(f"{spin:<12}{med[0]:>10.0f}{med[1] / 1e3:>12.1f}{med[2] / 1e3:>12.1f}{med[3] / 1e3:>12.1f}{med[4]:>12.2f}")
    finally:
        target.terminate()
        target.wait()


if __name__ == "__main__":
    main()
