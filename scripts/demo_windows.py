"""Shared by the scripts that load demo-server and read it from /proc window by window
(schedule_noise.py, injection_additivity.py, speed_reference_candidates.py): starting the server,
reading its CPU and responses, and a phase with tracing on or off."""
import contextlib
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TB = os.path.join(ROOT, "build/harness/cli/tracebench")
DEMO = os.path.join(ROOT, "build/bin/demo-server")


def thread_cpu_ns(pid, tid):
    return int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])


def process_cpu_ns(pid):
    """CPU time of all the process's threads, in ns (schedstat: finer than /proc/PID/stat's ticks)."""
    return sum(thread_cpu_ns(pid, t) for t in os.listdir(f"/proc/{pid}/task"))


def writes(pid):
    """Write system calls so far: one per response on a keep-alive connection."""
    return int(re.search(r"^syscw: (\d+)", open(f"/proc/{pid}/io").read(), re.M).group(1))


def start_server(script, extra=()):
    """demo-server on loopback with a debug listener; returns (process, address, debug address)."""
    srv = subprocess.Popen([DEMO, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0", *extra],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    addr = debug = None
    for _ in range(20):
        line = srv.stdout.readline()
        if m := re.match(r"listening on (\S+)", line):
            addr = m.group(1)
        if m := re.match(r"debug listening on (\S+)", line):
            debug = m.group(1)
        if addr and debug:
            return srv, addr, debug
    srv.kill()
    sys.exit(f"{script}: demo-server {' '.join(extra)} did not start")


@contextlib.contextmanager
def tracing_phase(debug, traced, trace_s, window_s):
    """One phase of a pair, its measured window inside the `with`. Traced: a thread of this
    script, not the generator, takes /debug/pprof/trace?seconds=trace_s from the debug address
    and the phase ends with it. Not traced: the phase waits trace_s - window_s after the window,
    about as long as a traced one lasts."""
    fetch = None
    if traced:
        url = f"http://{debug}/debug/pprof/trace?seconds={trace_s}"
        fetch = threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=30).read())
        fetch.start()
    try:
        yield
    finally:
        if fetch:
            fetch.join()
        else:
            time.sleep(trace_s - window_s)
