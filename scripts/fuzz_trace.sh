#!/usr/bin/env bash
# Fuzzes the Go execution-trace reader for a bounded time.
#
#   scripts/fuzz_trace.sh [SECONDS]        (default 60)
#
# Builds tests/fuzz/trace_reader_fuzz.cpp with clang and libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer in build-fuzz/ (apart from the g++ build), seeds it
# with real traces written by workloads/cmd/trace-gen (small ones, several shapes) and
# with every hand-made golden trace in tests/golden/trace, then runs it. A crash leaves
# its input in build-fuzz/artifacts/ and the script exits non-zero; copy the input to
# tests/fuzz/corpus/trace_reader/ so the regression test keeps it fixed.
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
export PATH="$PATH:/usr/local/go/bin"

command -v clang++ >/dev/null || { echo "fuzz_trace: clang++ is missing (scripts/setup.sh installs clang)" >&2; exit 1; }
mkdir -p "$build/corpus" "$build/seeds" "$build/artifacts"

sources=("$root"/harness/trace/*.cpp)
# fmt header-only: the Debian libfmt is built by g++, and clang mangles one of its
# templates differently, so linking it from clang code fails.
flags=(-std=c++20 -g -O1 -DFMT_HEADER_ONLY -I"$root/harness" -fno-omit-frame-pointer)
sanitize=(-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)

echo "fuzz_trace: building the fuzz target with $(clang++ --version | head -1)"
clang++ "${flags[@]}" "${sanitize[@]}" "$root/tests/fuzz/trace_reader_fuzz.cpp" "${sources[@]}" \
  -o "$build/trace_reader_fuzz"
clang++ "${flags[@]}" -I"$root/tests/unit/trace" "$root/tests/fuzz/assemble_seed.cpp" \
  "$root/tests/unit/trace/wire_text.cpp" "$root/harness/trace/format.cpp" -o "$build/assemble_seed"

echo "fuzz_trace: seeding"
for golden in "$root"/tests/golden/trace/*.txt; do
  "$build/assemble_seed" "$golden" > "$build/seeds/$(basename "$golden" .txt).bin"
done
cp "$root"/tests/fuzz/corpus/trace_reader/* "$build/seeds/" 2>/dev/null || true
if command -v go >/dev/null; then
  (cd "$root/workloads" && go build -o "$build/trace-gen" ./cmd/trace-gen)
  for shape in idle churn regions background gc syscall coro server; do
    "$build/trace-gen" -shape "$shape" -duration 3ms -o "$build/seeds/real-$shape.bin"
  done
  GODEBUG=traceallocfree=1 "$build/trace-gen" -shape gc -duration 2ms -o "$build/seeds/real-allocfree.bin"
  GODEBUG=traceadvanceperiod=500000 "$build/trace-gen" -shape server -duration 4ms -o "$build/seeds/real-generations.bin"
else
  echo "fuzz_trace: no Go toolchain; seeding with the hand-made traces only" >&2
fi
ls -l "$build/seeds" | awk 'NR>1 {n++; b+=$5} END {printf "fuzz_trace: %d seeds, %d bytes\n", n, b}'

echo "fuzz_trace: fuzzing for ${seconds}s"
cd "$build"
set +e
./trace_reader_fuzz -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$build/artifacts/" "$build/corpus" "$build/seeds" 2>&1 | tail -25
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "fuzz_trace: FAILED (exit $status); inputs in $build/artifacts/" >&2
  exit "$status"
fi
echo "fuzz_trace: no crash in ${seconds}s; corpus kept in $build/corpus"
