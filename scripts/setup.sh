#!/usr/bin/env bash
# Installs what tracebench needs from Debian packages.
#
#   scripts/setup.sh            what building tracebench and running it needs (the demo)
#   scripts/setup.sh --tests    and what the test suite and the comparisons use: headless
#                               Chromium (report rendering test), clang and its sanitizer and
#                               fuzzer runtime (fuzz targets), wrk and hey (peer comparisons),
#                               numpy and scipy (the scripts that made the statistics' reference
#                               values, and the drift and simulation scripts)
#
# Idempotent: packages already present are not reinstalled, and a second run is quick.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libboost-program-options-dev libboost-math-dev
  libcpp-httplib-dev libfmt-dev nlohmann-json3-dev
  libgnuplot-iostream-dev gnuplot-nox
  libboost-iostreams-dev libboost-filesystem-dev libboost-system-dev zlib1g-dev
)
# The large ones (Chromium and LLVM are about 800 MB installed) only where they are used,
# so the first demo does not wait for them.
test_packages=(chromium clang libclang-rt-14-dev wrk hey python3-numpy python3-scipy)

case "${1:-}" in
  "") ;;
  --tests) packages+=("${test_packages[@]}") ;;
  *) echo "setup: unknown argument '$1'; expected nothing or --tests" >&2; exit 1 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go is not a Debian package here (Debian 12 ships 1.19); the flight recorder needs 1.25+.
export PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "setup: the Go toolchain is missing; install Go 1.25 or newer from https://go.dev/dl/ and put it on PATH" >&2
  exit 1
fi
go_version=$(go env GOVERSION)            # e.g. go1.26.8
minor=$(sed -E 's/^go1\.([0-9]+).*/\1/' <<<"$go_version")
if ! [[ "$minor" =~ ^[0-9]+$ ]] || ((minor < 25)); then
  echo "setup: Go $go_version is too old; tracebench needs Go 1.25 or newer (runtime/trace.FlightRecorder)" >&2
  exit 1
fi
echo "setup: dependencies present (Go $go_version)"
