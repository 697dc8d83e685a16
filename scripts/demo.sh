#!/usr/bin/env bash
# The main job end to end on the bundled demo target: installs what it needs, builds
# tracebench and the Go workloads (not the tests: scripts/test.sh builds those), starts
# demo-server on loopback, and runs `tracebench run` against it
# (result.json, run.bench and the terminal report under out/demo/).
# Extra arguments go to tracebench (e.g. --precision 2% or --duration 30s).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PATH:/usr/local/go/bin"
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target tracebench go_workloads

out_dir=${TRACEBENCH_OUT:-out/demo}
mkdir -p "$out_dir"
# Port 0: the server picks free ports and prints them, so the demo never collides.
build/bin/demo-server --addr 127.0.0.1:0 --debug-addr 127.0.0.1:0 >"$out_dir/demo-server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q '^debug listening on' "$out_dir/demo-server.log" 2>/dev/null && break
  sleep 0.1
done
addr=$(sed -n 's/^listening on //p' "$out_dir/demo-server.log")
debug_addr=$(sed -n 's/^debug listening on //p' "$out_dir/demo-server.log")
[ -n "$addr" ] || { echo "demo.sh: demo-server did not start; see $out_dir/demo-server.log" >&2; exit 2; }
echo "demo.sh: demo-server on $addr (debug $debug_addr)"

# The three-mode experiment: tracing off, a full runtime/trace capture, the flight recorder.
# The default length: blocks of one round per mode until every interval is ±1% or two
# minutes have passed; the summary's design line says which, and the resolution reached.
build/harness/cli/tracebench run --target "$addr" --pprof "$debug_addr" --path /api \
  --out "$out_dir" "$@"

