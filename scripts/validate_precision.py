#!/usr/bin/env python3
"""Validates tracebench run's statistics on this machine with the real demo server.

Three experiments, each of independent runs (a fresh demo-server per run):

  aa       `--modes off,off`: the modes cannot differ, so a run that flags any change (off2
           against off, any metric, after the run's multiple test) is a false positive. Prints the false-positive
           rate, and the same for the noise floor every run carries.
  cost     `--modes off,trace` against demo-server --inject-cpu D, which adds D of CPU work to
           every request while tracing is on: a cost of known size on top of the tracer's own.
           Control runs without the injection, interleaved with the injected ones, measure
           the tracer's own cost c0 and the off CPU per request; D is chosen as --inject-pct
           of that. The truth for an injected run is c0 + 100 * D / (off CPU per request).
           Prints power (share of injected runs whose CPU-per-request change is significant),
           the same share for the control runs, median estimate and bias (estimate - truth),
           and where the injected µs went: how much more the traced rounds' process CPU and
           the Go runtime's user time rose in the injected runs than in the controls (a cost
           that simply adds raises the process CPU by D). Each injected server's own account
           (GET /debug/inject: method, calibration, count) is kept as inject.json.
           At a fixed rate D more work need not cost D more CPU per request, so the cost
           experiment then measures the injection alone (injection_additivity.py, nothing
           traced, at the injected runs' median rate, --additivity-pairs pairs) and prints
           the truth and bias again with what it measured in place of D.
  default  the default run (`tracebench run` with no length flags: adaptive, three modes):
           interval half-widths on trace vs off throughput and CPU per request. With
           --default-args, a candidate default instead (the default plus those flags).

With --pin each server runs on the last CPU and tracebench on the others (taskset), as
`run --exec --pin` places them, to see what the placement does to the noise.

Every run's result.json stays under --out; the summary is printed and written to
OUT/summary.json. Example (about 100 minutes on a 2-CPU VM: a run of the default length takes
about 2 minutes, the additivity pairs about 13):

  scripts/validate_precision.py --aa-runs 20 --cost-runs 10 --default-runs 2
"""
import argparse
import json
import math
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

import injection_additivity

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACEBENCH = os.path.join(ROOT, "build/harness/cli/tracebench")
DEMO = os.path.join(ROOT, "build/bin/demo-server")
WATCHED = ("throughput_rps", "target_cpu_us_per_request")


def placement(pin):
    """Command prefixes that place the server and tracebench: with --pin the server on the last
    CPU and tracebench on the others, as `run --exec --pin` places them; else anywhere."""
    if not pin:
        return [], []
    last = os.cpu_count() - 1
    if last < 1:
        sys.exit("validate_precision: --pin needs at least 2 CPUs")
    return ["taskset", "-c", str(last)], ["taskset", "-c", f"0-{last - 1}"]


def start_server(log_path, extra, prefix):
    log = open(log_path, "w")
    proc = subprocess.Popen([*prefix, DEMO, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0", *extra],
                            stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        text = open(log_path).read()
        addr = re.search(r"^listening on (\S+)", text, re.M)
        debug = re.search(r"^debug listening on (\S+)", text, re.M)
        if addr and debug:
            return proc, addr.group(1), debug.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    sys.exit(f"validate_precision: demo-server did not start; see {log_path}")


def run_once(out_dir, run_args, server_args, seed, pin):
    """One run against a fresh demo-server. Each run gets a seed of its own: runs that shared
    one would share their order of rounds, so what that order does (a position effect, say)
    would repeat in every run, and they would not be independent trials of the design."""
    os.makedirs(out_dir, exist_ok=True)
    if "--seed" not in run_args:
        run_args = [*run_args, "--seed", str(seed)]
    server_prefix, tracebench_prefix = placement(pin)
    proc, addr, debug = start_server(os.path.join(out_dir, "server.log"), server_args, server_prefix)
    try:
        cmd = [*tracebench_prefix, TRACEBENCH, "run", "--target", addr, "--pprof", debug, "--out", out_dir, "--no-progress", *run_args]
        with open(os.path.join(out_dir, "stdout.txt"), "w") as out:
            code = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=1800).returncode
        if "--inject-cpu" in server_args:
            keep_inject_stats(debug, os.path.join(out_dir, "inject.json"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    path = os.path.join(out_dir, "result.json")
    if not os.path.exists(path):
        sys.exit(f"validate_precision: no result in {out_dir} (exit {code}); see its stdout.txt")
    result = json.load(open(path))
    result["_exit"] = code
    return result


def keep_inject_stats(debug, path):
    """The server's own account of its injections (method, calibration, count), kept beside
    the result: what the loop was calibrated to at start-up is part of what was injected."""
    try:
        with open(path, "w") as f:
            json.dump(injection_additivity.inject_stats(debug), f)
    except OSError as e:
        print(f"validate_precision: could not read {debug}/debug/inject: {e}", flush=True)


def traced_minus_off_us(result):
    """Median over blocks of trace minus off, in µs per request: the process's CPU (what the
    comparison measures) and the Go runtime's user class (the time its Ps ran Go code)."""
    by_block = {}
    for r in result["rounds"]:
        if r.get("complete") and not r.get("dropped"):
            by_block.setdefault(r["block"], {})[r["mode"]] = r
    process, user = [], []
    for b in by_block.values():
        if "off" in b and "trace" in b:
            process.append(b["trace"]["target_cpu_us_per_request"] - b["off"]["target_cpu_us_per_request"])
            classes = [(b[m].get("runtime") or {}).get("cpu_classes_us_per_request") or {} for m in ("trace", "off")]
            if all("user" in c for c in classes):
                user.append(classes[0]["user"] - classes[1]["user"])
    return median(process) if process else math.nan, median(user) if user else math.nan


def busy(result):
    """The machine's other work in the run's median round (% of all CPUs), as run measured it."""
    other = (result.get("host") or {}).get("other_cpu_pct") or {}
    return other.get("median")


def comparisons(result, mode):
    return [c for c in result["comparisons"] if c["mode"] == mode]


def half_width(c):
    if c.get("ci_low_pct") is None or c.get("ci_high_pct") is None:
        return math.nan
    return (c["ci_high_pct"] - c["ci_low_pct"]) / 2


def find(result, mode, metric):
    for c in comparisons(result, mode):
        if c["metric"] == metric:
            return c
    return None


def median(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(values) if values else math.nan


def describe(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    if not values:
        return "-"
    return f"median {statistics.median(values):.2f}, range {min(values):.2f} .. {max(values):.2f} (n={len(values)})"


def aa(args, run_args):
    flagged, noise_flagged, widths, others = [], [], {m: [] for m in WATCHED}, []
    for i in range(args.aa_runs):
        r = run_once(os.path.join(args.out, f"aa-{i:02}"), ["--modes", "off,off", *run_args], [],
                     args.seed_base + i, args.pin)
        rows = comparisons(r, "off2")
        flagged.append(any(c["significant"] for c in rows))
        noise_flagged.append(any(c["significant"] for c in r["noise_floor"]))
        others.append(busy(r))
        for m in WATCHED:
            c = find(r, "off2", m)
            widths[m].append(half_width(c) if c else math.nan)
        print(f"aa {i + 1}/{args.aa_runs}: blocks {r['design']['blocks_clean']}, flagged {flagged[-1]}, "
              f"noise floor flagged {noise_flagged[-1]}, half-widths "
              + ", ".join(f"{m} ±{widths[m][-1]:.2f}%" for m in WATCHED), flush=True)
    return {
        "runs": len(flagged),
        "false_positives": sum(flagged),
        "false_positive_rate": sum(flagged) / len(flagged) if flagged else None,
        "noise_floor_false_positives": sum(noise_flagged),
        "half_width_pct": {m: describe(widths[m]) for m in WATCHED},
        "other_cpu_pct": describe(others),
    }


def cost(args, run_args):
    path_args = ["--modes", "off,trace", *run_args]
    controls, injected = [], []
    inject_us = None
    for i in range(args.cost_runs):
        r = run_once(os.path.join(args.out, f"control-{i:02}"), path_args, [], args.seed_base + 1000 + i,
                     args.pin)
        controls.append(r)
        if inject_us is None:
            off_cpu = r["modes"]["off"]["target_cpu_us_per_request"]["median"]
            inject_us = off_cpu * args.inject_pct / 100
            print(f"cost: off CPU per request {off_cpu:.2f} µs in the first control run: injecting "
                  f"{inject_us:.3f} µs ({args.inject_pct}%) while tracing", flush=True)
        r = run_once(os.path.join(args.out, f"injected-{i:02}"), path_args, ["--inject-cpu", f"{inject_us:.3f}us"],
                     args.seed_base + 2000 + i, args.pin)
        injected.append(r)
        ci, cj = find(controls[-1], "trace", "target_cpu_us_per_request"), find(r, "trace", "target_cpu_us_per_request")
        print(f"cost {i + 1}/{args.cost_runs}: control {ci['delta_pct']:+.2f}% ±{half_width(ci):.2f} "
              f"(significant {ci['significant']}), injected {cj['delta_pct']:+.2f}% ±{half_width(cj):.2f} "
              f"(significant {cj['significant']})", flush=True)
    cpu = lambda runs: [find(r, "trace", "target_cpu_us_per_request") for r in runs]
    off_cpu = median([r["modes"]["off"]["target_cpu_us_per_request"]["median"] for r in controls + injected])
    c0 = median([c["delta_pct"] for c in cpu(controls)])
    injected_pct = 100 * inject_us / off_cpu
    truth = c0 + injected_pct
    estimates = [c["delta_pct"] for c in cpu(injected)]
    found = [c["significant"] for c in cpu(injected)]
    spent_injected, spent_controls = [traced_minus_off_us(r) for r in injected], [traced_minus_off_us(r) for r in controls]
    result = {
        "runs_each": args.cost_runs,
        "inject_us": inject_us,
        "off_cpu_us_per_request": off_cpu,
        "injected_pct_of_off_cpu": injected_pct,
        "tracer_own_cost_pct": c0,
        "truth_pct": truth,
        "power": sum(found) / len(found),
        "control_flagged_rate": sum(c["significant"] for c in cpu(controls)) / len(controls),
        "median_estimate_pct": median(estimates),
        "bias_pct_points": median(estimates) - truth,
        "estimates_pct": estimates,
        "half_width_pct": {"injected": describe([half_width(c) for c in cpu(injected)]),
                           "control": describe([half_width(c) for c in cpu(controls)])},
        # Where the injected µs went: trace minus off per block, injected runs' median less the
        # controls'. A known cost that simply adds would raise the process's CPU by inject_us.
        "added_us_per_request": {
            name: median([s[i] for s in spent_injected]) - median([s[i] for s in spent_controls])
            for i, name in enumerate(("process_cpu", "go_user_class"))
        },
        "other_cpu_pct": describe([busy(r) for r in controls + injected]),
    }
    if args.additivity_pairs > 0:
        # The truth again, with what the injection was measured to add in place of D.
        rate = median([r["config"]["rate_rps"] for r in injected])
        print(f"cost: measuring the injection alone, {args.additivity_pairs} pairs at {rate:.0f} req/s", flush=True)
        add = injection_additivity.measure(f"{inject_us:.3f}us", f"{rate:.0f}", args.additivity_pairs,
                                           args.seed_base + 5000, path=args.path, script="validate_precision")
        truth_at = lambda added_us: c0 + 100 * added_us / off_cpu
        result["additivity"] = add
        result["truth_measured_pct"] = truth_at(add["added_us"])
        result["bias_measured_pct_points"] = median(estimates) - truth_at(add["added_us"])
        result["bias_measured_range_pct_points"] = [median(estimates) - truth_at(add["added_us_ci"][1]),
                                                    median(estimates) - truth_at(add["added_us_ci"][0])]
    return result


def default_runs(args, run_args):
    rows = []
    for i in range(args.default_runs):
        r = run_once(os.path.join(args.out, f"default-{i:02}"), run_args, [], args.seed_base + 3000 + i,
                     args.pin)
        row = {"blocks": r["design"]["blocks_clean"], "stop_rule": r["design"]["stop_rule"], "wall_s": r["design"]["wall_s"],
               "other_cpu_pct": busy(r)}
        for m in WATCHED:
            c = find(r, "trace", m)
            row[m] = {"delta_pct": c["delta_pct"], "half_width_pct": half_width(c),
                      "unpaired_half_width_pct": half_width(c["unpaired"]) if c.get("unpaired") else None}
        rows.append(row)
        print(f"default {i + 1}/{args.default_runs}: {json.dumps(row)}", flush=True)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--aa-runs", type=int, default=20)
    p.add_argument("--cost-runs", type=int, default=10, help="injected runs, and as many control runs")
    p.add_argument("--default-runs", type=int, default=2)
    p.add_argument("--inject-pct", type=float, default=3.0, help="injected CPU as %% of off CPU per request")
    p.add_argument("--path", default="/api", help="demo-server endpoint to load")
    p.add_argument("--additivity-pairs", type=int, default=200,
                   help="cost: pairs of windows that measure what the injection alone adds (0: skip; "
                        "about 4 s each)")
    p.add_argument("--seed-base", type=int, default=1000,
                   help="the runs' --seed values are this plus 0.. (aa), 1000.. (control), 2000.. (injected), "
                        "3000.. (default), so that no two runs share an order of rounds")
    p.add_argument("--run-args", default="", help="extra tracebench run flags for the aa and cost runs "
                   "(e.g. \"--max-duration 60s\")")
    p.add_argument("--default-args", default="", help="extra tracebench run flags for the default runs, to "
                   "compare a candidate default (e.g. \"--round 500ms\")")
    p.add_argument("--pin", action="store_true",
                   help="the server on the last CPU and tracebench on the others (taskset), as "
                        "`run --exec --pin` places them")
    p.add_argument("--only", choices=["aa", "cost", "default"], action="append")
    p.add_argument("--out", default=os.path.join(ROOT, "out/validate"))
    args = p.parse_args()
    if args.additivity_pairs != 0 and not 3 <= args.additivity_pairs <= 400:
        sys.exit(f"validate_precision: --additivity-pairs {args.additivity_pairs} is out of range: expected 0 or 3 to 400")
    for tool in (TRACEBENCH, DEMO):
        if not os.access(tool, os.X_OK):
            sys.exit(f"validate_precision: {tool} is missing: build first (cmake --build build)")
    os.makedirs(args.out, exist_ok=True)
    base = ["--path", args.path]
    extra = shlex.split(args.run_args)
    parts = args.only or ["aa", "cost", "default"]
    summary = {"command": " ".join(shlex.quote(a) for a in sys.argv), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    if "aa" in parts and args.aa_runs > 0:
        summary["aa"] = aa(args, base + extra)
    if "cost" in parts and args.cost_runs > 0:
        summary["cost"] = cost(args, base + extra)
    if "default" in parts and args.default_runs > 0:
        summary["default"] = default_runs(args, base + shlex.split(args.default_args))
    summary["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
