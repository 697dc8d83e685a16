#!/usr/bin/env bash
# The whole test suite, from a clean clone on a fresh machine: installs what it needs,
# builds everything, runs the C++ unit and loopback integration tests and the Go tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PATH:/usr/local/go/bin"

cmake -S . -B build -G Ninja
cmake --build build

# Unit tests in parallel; integration tests one at a time, because they measure time and
# load on a 2-core machine.
ctest --test-dir build --output-on-failure -L unit -j 2
ctest --test-dir build --output-on-failure -LE unit

(cd workloads && go vet ./... && go test -count=1 ./...)
echo "test.sh: all tests passed"
