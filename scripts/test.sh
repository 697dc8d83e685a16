#!/usr/bin/env bash
# The whole test suite, from a clean clone on a fresh machine: installs what it needs,
# builds everything, runs the C++ unit and loopback integration tests and the Go tests
# (plain and under the race detector), then the same C++ tests that read outside bytes
# again in an AddressSanitizer + UndefinedBehaviorSanitizer build, the multi-thread
# ones in a ThreadSanitizer build, and every fuzz target
# for a short bounded time. Each stage prints how long it took; a summary ends the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

stage_names=()
stage_seconds=()
# stage NAME COMMAND...: runs the command, records its wall time, stops the suite on failure.
stage() {
  local name=$1
  shift
  echo "test.sh: -- $name"
  local start=$SECONDS
  "$@"
  stage_names+=("$name")
  stage_seconds+=($((SECONDS - start)))
  echo "test.sh: -- $name took $((SECONDS - start)) s"
}

# cmake_build DIR [CONFIGURE_ARGS...] [-- BUILD_ARGS...]
cmake_build() {
  local dir=$1
  shift
  local configure=()
  while (($#)) && [[ $1 != -- ]]; do
    configure+=("$1")
    shift
  done
  (($#)) && shift
  cmake -S . -B "$dir" -G Ninja "${configure[@]}" && cmake --build "$dir" "$@"
}

stage "setup" scripts/setup.sh --tests

stage "build" cmake_build build
stage "unit tests" ctest --test-dir build --output-on-failure -L unit -j 2
# Integration tests one at a time: they measure time and load on a 2-core machine.
stage "integration tests" ctest --test-dir build --output-on-failure -LE unit

go_tests() {
  (cd workloads && go vet ./... && go test -count=1 ./...) && (cd tests/tools/tracecheck && go vet ./...)
}
# The race detector slows the code it watches several times, so timing assertions are
# meaningless under it: tests that measure cost skip themselves when built with -race.
go_race() { (cd workloads && go test -race -count=1 ./...); }
stage "go tests" go_tests
stage "go race detector" go_race

# The checked build: every unit test, and the integration tests that drive the load
# engine (the fault table included), the HTTP clients and the trace reader, with ASan +
# UBSan. Timing figures from this build mean nothing, so only tests that assert behaviour
# run here.
sanitized_integration='^(LoadEngine|LoadCli|LoadFaults|RunFaults|AgentClientScripted|PprofCaptureScripted|trace_go_golden|Profiles\.)'
stage "sanitizer build" cmake_build build-asan -DTRACEBENCH_SANITIZE=address,undefined
stage "sanitizer unit tests" ctest --test-dir build-asan --output-on-failure -L unit -j 2
stage "sanitizer integration tests" ctest --test-dir build-asan --output-on-failure -R "$sanitized_integration"

# ThreadSanitizer on the code that runs on several threads: the load engine (its
# integration tests, one with two event loops) and the trace reader's two-thread
# pipeline (its unit tests, the corpus of the two-thread fuzz target and the two-thread
# cases against real Go traces). Only these targets are built, not the whole tree.
tsan_targets=(load_engine_test trace_test trace_threads_fuzz_replay_test trace_go_golden_test)
tsan_tests() {
  build-tsan/tests/integration/load_engine_test &&
    build-tsan/tests/unit/trace/trace_test &&
    build-tsan/tests/fuzz/trace_threads_fuzz_replay_test &&
    build-tsan/tests/unit/trace/trace_go_golden_test --gtest_filter='*TwoThreads*'
}
stage "thread sanitizer build" cmake_build build-tsan -DTRACEBENCH_SANITIZE=thread -- --target "${tsan_targets[@]}"
stage "thread sanitizer tests" tsan_tests

stage "fuzz (bounded)" scripts/fuzz.sh --ci

echo "test.sh: stage times"
for i in "${!stage_names[@]}"; do
  printf 'test.sh:   %-28s %5d s\n' "${stage_names[$i]}" "${stage_seconds[$i]}"
done
echo "test.sh: all tests passed in $SECONDS s"
