#!/usr/bin/env bash
# Fuzzes every parser of outside bytes for a bounded time.
#
#   scripts/fuzz.sh --ci                      every target for a fixed short time (about 2 min once built)
#   scripts/fuzz.sh --seconds N [TARGET...]   a long campaign: N seconds per target (default: all)
#   scripts/fuzz.sh --list                    the targets
#
# C++ targets (tests/fuzz/*_fuzz.cpp) are built with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-fuzz/ (tests/fuzz/clang/CMakeLists.txt; each compiles
# only the sources its parser needs), seeded from tests/fuzz/corpus/<target>/ plus, for the
# trace targets, every hand-made golden trace and real traces written by
# workloads/cmd/trace-gen, and for the result target every result fixture. Go targets are
# the agent's `go test -fuzz` functions (workloads/agent/fuzz_test.go).
#
# Prints one line per target: seconds, executions, executions/s, coverage (libFuzzer's
# edges "cov" and features "ft"; Go prints only its corpus size) and the outcome. A crash
# leaves its input in build-fuzz/artifacts/ (C++) or workloads/agent/testdata/fuzz/ (Go),
# every other target still runs, and the script exits 1. Keep a C++ crasher by copying it
# to tests/fuzz/corpus/<target>/ under a name that says what it broke (the g++ unit tests
# replay that folder); a Go one is already where `go test` replays it: commit it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
export PATH="$PATH:/usr/local/go/bin"

# target:seconds in --ci:max input bytes. The trace reader's inputs are capped so that a
# typical one runs in well under a millisecond; the two-thread path (a thread start per
# input) gets larger ones, where pipelining has batches to overlap.
cpp_targets=(
  trace_reader:20:8192
  trace_threads:15:32768
  trace_states:10:16384
  http_response:10:8192
  agent_process:10:16384
  result_document:15:16384
  unit_flags:10:512
)
go_targets=(FuzzParseBytes:8 FuzzParseMinAge:8 FuzzStartRequest:8 FuzzHandler:8)

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }

mode=""
seconds=""
selected=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) mode=ci ;;
    --seconds) mode=long; seconds=${2:-}; shift
      [[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --seconds wants a whole number of seconds, got '$seconds'" >&2; exit 1; } ;;
    --list) for t in "${cpp_targets[@]}"; do echo "${t%%:*}"; done; for t in "${go_targets[@]}"; do echo "${t%%:*}"; done; exit 0 ;;
    -h|--help) usage ;;
    -*) echo "fuzz: unknown option '$1'" >&2; usage ;;
    *) selected+=("$1") ;;
  esac
  shift
done
[ -n "$mode" ] || usage
[ "$mode" = long ] || [ ${#selected[@]} -eq 0 ] || { echo "fuzz: --ci runs every target; name targets with --seconds N" >&2; exit 1; }

known=" $(for t in "${cpp_targets[@]}" "${go_targets[@]}"; do printf '%s ' "${t%%:*}"; done)"
for t in "${selected[@]}"; do
  [[ "$known" == *" $t "* ]] || { echo "fuzz: unknown target '$t'; the targets are:$known" >&2; exit 1; }
done
wanted() { [ ${#selected[@]} -eq 0 ] || [[ " ${selected[*]} " == *" $1 "* ]]; }

start_all=$SECONDS
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/setup.sh installs clang)" >&2; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
echo "fuzz: building the C++ targets with $(clang++ --version | head -1)"
mkdir -p "$build"
if ! { cmake -S "$root/tests/fuzz/clang" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" &&
       cmake --build "$build" -j "$(nproc)"; } >"$build/build.log" 2>&1; then
  grep -vE '^\[[0-9]+/[0-9]+\] ' "$build/build.log" | tail -30 >&2
  echo "fuzz: the build failed (log: $build/build.log)" >&2
  exit 1
fi
echo "fuzz: built in $((SECONDS - start_all))s"

# Seeds, rebuilt every time (cheap); the corpus each target grows is kept in corpus/<target>.
rm -rf "$build/seeds"
mkdir -p "$build/seeds" "$build/artifacts"
for t in "${cpp_targets[@]}"; do
  name=${t%%:*}
  mkdir -p "$build/seeds/$name" "$build/corpus/$name"
  cp "$root/tests/fuzz/corpus/$name"/* "$build/seeds/$name/"
done
for golden in "$root"/tests/golden/trace/*.txt; do
  "$build/assemble_seed" "$golden" > "$build/seeds/trace_reader/golden-$(basename "$golden" .txt).bin"
done
if command -v go >/dev/null; then
  (cd "$root/workloads" && go build -o "$build/trace-gen" ./cmd/trace-gen)
  for shape in idle churn regions background gc syscall coro server; do
    "$build/trace-gen" -shape "$shape" -duration 3ms -o "$build/seeds/trace_reader/real-$shape.bin"
  done
  GODEBUG=traceallocfree=1 "$build/trace-gen" -shape gc -duration 2ms -o "$build/seeds/trace_reader/real-allocfree.bin"
  GODEBUG=traceadvanceperiod=500000 "$build/trace-gen" -shape server -duration 4ms \
    -o "$build/seeds/trace_reader/real-generations.bin"
else
  echo "fuzz: no Go toolchain: the trace targets get the hand-made traces only, and the Go targets are skipped" >&2
fi
cp "$build/seeds/trace_reader"/* "$build/seeds/trace_threads/"
cp "$build/seeds/trace_reader"/* "$build/seeds/trace_states/"
for f in "$root"/tests/fixtures/results/*.json "$root"/tests/fixtures/reports/*.json; do
  cp "$f" "$build/seeds/result_document/fixture-$(basename "$f")"
done

failed=()
results=()
# record TARGET SECONDS EXECS EXEC_PER_S COVERAGE OUTCOME
record() { results+=("$(printf '%-18s %5ss %11s %9s/s  %-26s %s' "$@")"); }

run_cpp() {
  local name=$1 secs=$2 max_len=$3 log="$build/$1.log" start=$SECONDS status=0
  echo "fuzz: $name for ${secs}s (inputs up to $max_len bytes)"
  (cd "$build" && ./"${name}_fuzz" -max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" "$build/corpus/$name" "$build/seeds/$name") \
    >"$log" 2>&1 || status=$?
  local execs rate cov ft outcome
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  ft=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | awk '{print $4}')
  if [ "$status" -eq 0 ]; then
    outcome=ok
  else
    outcome="FAILED (exit $status): $(grep -m1 -oE 'Test unit written to .*' "$log" || echo "see $log")"
    failed+=("$name")
    grep -m3 -E '^(==[0-9]+==ERROR|SUMMARY|[a-z_]+_fuzz: )' "$log" | sed 's/^/  /' >&2 || true
  fi
  record "$name" "$((SECONDS - start))" "${execs:-?}" "${rate:-?}" "cov ${cov:-?} ft ${ft:-?}" "$outcome"
}

run_go() {
  local name=$1 secs=$2 log="$build/$1.log" start=$SECONDS status=0
  echo "fuzz: $name (Go) for ${secs}s"
  # In --ci, new inputs are minimised for at most a second: the default minute stalls a
  # short run on its first finds.
  local minimize=()
  [ "$mode" = ci ] && minimize=(-fuzzminimizetime 1s)
  (cd "$root/workloads" && go test -run '^$' -fuzz "^$name\$" -fuzztime "${secs}s" "${minimize[@]}" -parallel 1 ./agent) \
    >"$log" 2>&1 || status=$?
  # "fuzz: elapsed: 10s, execs: 81931 (8193/sec), new interesting: 2 (total: 13)"
  local last execs corpus outcome
  last=$(grep -E '^fuzz: elapsed: .*execs: ' "$log" | tail -1)
  execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
  corpus=$(sed -nE 's/.*\(total: ([0-9]+)\).*/\1/p' <<<"$last")
  local fuzz_s
  fuzz_s=$(sed -nE 's/^fuzz: elapsed: ([0-9]+)s.*/\1/p' <<<"$last")
  if [ "$status" -eq 0 ]; then
    outcome=ok
  elif ! grep -q 'Failing input written to' "$log" && grep -q '^    context deadline exceeded' "$log"; then
    # Go's coordinator can report its own -fuzztime deadline as a failure when a worker is
    # still busy as it expires (golang/go#75804, fixed in Go 1.27): no input failed.
    outcome="ok (Go reported its fuzztime deadline as a failure, golang/go#75804; no failing input)"
  else
    outcome="FAILED (exit $status): $(grep -m1 -oE 'testdata/fuzz/[^ ]+' "$log" || echo "see $log")"
    failed+=("$name")
    grep -m5 -E -- '--- FAIL|fuzz_test.go' "$log" | sed 's/^/  /' >&2 || true
  fi
  local rate="?"
  [ -n "$execs" ] && [ -n "$fuzz_s" ] && [ "$fuzz_s" -gt 0 ] && rate=$((execs / fuzz_s))
  record "$name" "$((SECONDS - start))" "${execs:-?}" "$rate" "corpus ${corpus:-?}" "$outcome"
}

for t in "${cpp_targets[@]}"; do
  IFS=: read -r name ci_secs max_len <<<"$t"
  wanted "$name" || continue
  run_cpp "$name" "$([ "$mode" = ci ] && echo "$ci_secs" || echo "$seconds")" "$max_len"
done
if command -v go >/dev/null; then
  for t in "${go_targets[@]}"; do
    IFS=: read -r name ci_secs <<<"$t"
    wanted "$name" || continue
    run_go "$name" "$([ "$mode" = ci ] && echo "$ci_secs" || echo "$seconds")"
  done
fi

echo
printf '%-18s %6s %11s %11s  %-26s %s\n' target time execs exec/s coverage outcome
printf '%s\n' "${results[@]}"
echo "fuzz: $((SECONDS - start_all))s in all (logs in $build/*.log)"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
