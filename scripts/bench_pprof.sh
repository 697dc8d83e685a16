#!/usr/bin/env bash
# Delay-profile extraction: tracebench inspect --pprof against go tool trace -pprof, on
# the same large real trace, side by side.
#
#   scripts/bench_pprof.sh [--kinds sync,sched] [--shape mixed] [--size 110MB] [--runs 3]
#
# Builds tracebench (Release, in build-bench/), workloads/cmd/trace-gen and the profile
# comparer (tests/tools/tracecheck/cmd/pprofdiff), writes a trace of at least --size with
# the real Go runtime into $TMPDIR/tracebench-bench/ (the file scripts/bench_trace.sh
# uses; reused if there), then for each kind times, with /usr/bin/time (wall, CPU, max
# RSS):
#   tracebench inspect TRACE --counts-only --pprof KIND=FILE   (best of --runs)
#   go tool trace -pprof=KIND TRACE                           (once: it takes a minute)
# checks that the two profiles agree (pprofdiff: total and per leaf function within 1%
# or 1 µs) and prints the ratios. Run it alone: the figures are timings.
set -euo pipefail

kinds=sync,sched
shape=mixed
size=110MB
runs=3
while (($#)); do
  case "$1" in
    --kinds) kinds=$2; shift 2 ;;
    --shape) shape=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench_pprof: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "bench_pprof: the Go toolchain is needed (scripts/setup.sh)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_pprof: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

work="${TMPDIR:-/tmp}/tracebench-bench"
mkdir -p "$work"
build="$root/build-bench"
echo "bench_pprof: building tracebench (Release) in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRACEBENCH_TESTS=OFF >/dev/null
ninja -C "$build" tracebench >/dev/null
tb="$build/harness/cli/tracebench"
(cd "$root/workloads" && go build -o "$work/trace-gen" ./cmd/trace-gen)
(cd "$root/tests/tools/tracecheck" && go build -o "$work/pprofdiff" ./cmd/pprofdiff)

trace="$work/$shape.trace"
if [ ! -s "$trace" ]; then
  echo "bench_pprof: writing a $size '$shape' trace with $(go env GOVERSION) into $trace"
  "$work/trace-gen" -shape "$shape" -size "$size" -o "$trace"
fi
mb=$(awk -v b="$(stat -c %s "$trace")" 'BEGIN {printf "%.1f", b / 1e6}')

# timed CMD...: runs CMD with stdout to $work/stdout; sets wall, cpu, rss_mib.
timed() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > "$work/stdout"
  read -r wall user sys rss_kb < "$work/time.txt"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  rss_mib=$(awk -v r="$rss_kb" 'BEGIN {printf "%.0f", r / 1024}')
}

echo "bench_pprof: $trace ($mb MB), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
printf "\n%-8s %-34s %8s %8s %10s  %s\n" "kind" "command" "wall s" "cpu s" "RSS MiB" "profile"
IFS=, read -ra kind_list <<< "$kinds"
for kind in "${kind_list[@]}"; do
  ours="$work/$kind.tb.pb.gz" theirs="$work/$kind.go.pb"
  bw=999999
  for ((i = 0; i < runs; i++)); do
    timed "$tb" inspect "$trace" --counts-only --pprof "$kind=$ours"
    if awk -v a="$wall" -v b="$bw" 'BEGIN {exit !(a < b)}'; then bw=$wall bc=$cpu br=$rss_mib; fi
  done
  printf "%-8s %-34s %8.2f %8.2f %10s  %s\n" "$kind" "tracebench (best of $runs)" "$bw" "$bc" "$br" \
    "$(grep "^pprof" "$work/stdout" | cut -d: -f2- | cut -c2-)"
  timed go tool trace -pprof="$kind" "$trace"
  cp "$work/stdout" "$theirs"
  printf "%-8s %-34s %8.2f %8.2f %10s\n" "$kind" "go tool trace -pprof=$kind" "$wall" "$cpu" "$rss_mib"
  if "$work/pprofdiff" "$theirs" "$ours" > "$work/diff.txt"; then agree="agree"; else agree="DIFFER"; fi
  printf "%-8s speed-up %s wall, %s CPU; memory %s less; profiles %s (%s)\n\n" "$kind" \
    "$(awk -v a="$wall" -v b="$bw" 'BEGIN {printf "%.1fx", a / b}')" \
    "$(awk -v a="$cpu" -v b="$bc" 'BEGIN {printf "%.1fx", a / b}')" \
    "$(awk -v a="$rss_mib" -v b="$br" 'BEGIN {printf "%.0fx", a / b}')" "$agree" "$(tail -1 "$work/diff.txt")"
done
