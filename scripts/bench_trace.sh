#!/usr/bin/env bash
# Trace-reader throughput against Go's own tools, on the same large real trace.
#
#   scripts/bench_trace.sh [--shape mixed] [--size 110MB] [--runs 5] [--regen] [--no-parsed] [--no-memory]
#
# Builds tracebench (Release, in build-bench/) and workloads/cmd/trace-gen, writes a
# trace of at least --size with the real Go runtime into $TMPDIR/tracebench-bench/
# (reused across runs unless --regen; never committed), then times on that file:
#   tracebench inspect            full analysis, 2 threads (best of --runs; its own parse time too),
#                                 without the time breakdown (--no-breakdown: scripts/bench_pprof.sh)
#   tracebench inspect --threads 1
#   tracebench inspect --counts-only
#   go tool trace -d=footprint    per-type counts (raw reader)
#   go tool trace -d=parsed       every event through the full Go reader
# with /usr/bin/time (wall, CPU, max RSS), and prints MB/s and the ratios side by side.
# The machine's load is printed too: on a shared machine, compare CPU seconds.
# Then (unless --no-memory) the memory bound: max RSS of tracebench inspect on that
# trace, on one of twice its size (written once, like the first) and on each half of
# that one (cut at a generation boundary), beside each file's largest generation:
# memory follows the largest generations, not the file.
set -euo pipefail

shape=mixed
size=110MB
runs=5
regen=0
parsed=1
memory=1
while (($#)); do
  case "$1" in
    --shape) shape=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --regen) regen=1; shift ;;
    --no-parsed) parsed=0; shift ;;
    --no-memory) memory=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench_trace: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "bench_trace: the Go toolchain is needed (scripts/setup.sh)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_trace: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

work="${TMPDIR:-/tmp}/tracebench-bench"
mkdir -p "$work"
build="$root/build-bench"

echo "bench_trace: building tracebench (Release) in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRACEBENCH_TESTS=OFF >/dev/null
ninja -C "$build" tracebench >/dev/null
tb="$build/harness/cli/tracebench"
(cd "$root/workloads" && go build -o "$work/trace-gen" ./cmd/trace-gen)

trace="$work/$shape.trace"
if [ "$regen" = 1 ] || [ ! -s "$trace" ]; then
  echo "bench_trace: writing a $size '$shape' trace with $(go env GOVERSION) into $trace"
  "$work/trace-gen" -shape "$shape" -size "$size" -o "$trace"
fi
bytes=$(stat -c %s "$trace")
mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}')

# timed NAME CMD...: runs CMD with stdout to /dev/null; sets wall, cpu, rss_kb.
timed() {
  local out="$work/time.txt"
  /usr/bin/time -f "%e %U %S %M" -o "$out" "$@" > /dev/null
  read -r wall user sys rss_kb < "$out"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
}

declare -A W C R
best() {  # best NAME RUNS CMD...: keeps the fastest of RUNS runs
  local name=$1 n=$2
  shift 2
  W[$name]=999999
  for ((i = 0; i < n; i++)); do
    timed "$@"
    if awk -v a="$wall" -v b="${W[$name]}" 'BEGIN {exit !(a < b)}'; then
      W[$name]=$wall C[$name]=$cpu R[$name]=$rss_kb
    fi
  done
}

echo "bench_trace: $mb MB, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
# --no-breakdown: the reader's own analyses (the goroutine states take a pass of their
# own, timed by scripts/bench_pprof.sh).
best inspect "$runs" "$tb" inspect --no-breakdown "$trace"
best inspect1 "$runs" "$tb" inspect --no-breakdown --threads 1 "$trace"
best counts "$runs" "$tb" inspect --counts-only "$trace"
# tracebench's own figures, best of the runs: parse time measured inside the process
# (no exec, exit or output), for the full analysis and for counts only. The JSON goes
# to a file and is read after the process has ended: a reader started beside it (a
# pipe into python) would take CPU from the two threads it measures.
inside() {
  local best=0 mbs
  for ((i = 0; i < runs; i++)); do
    "$tb" inspect --json --no-breakdown "$@" "$trace" > "$work/inside.json"
    mbs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["parse"]["mb_per_second"])' "$work/inside.json")
    best=$(awk -v a="$mbs" -v b="$best" 'BEGIN {print (a > b) ? a : b}')
  done
  echo "$best"
}
internal=$(inside)
internal_counts=$(inside --counts-only)
best footprint 1 go tool trace -d=footprint "$trace"
if [ "$parsed" = 1 ]; then
  best parsed 1 go tool trace -d=parsed "$trace"
fi

row() {  # row LABEL NAME
  local w=${W[$2]} c=${C[$2]} r=${R[$2]}
  printf "%-34s %9.2f %9.2f %10.0f %10.1f\n" "$1" "$w" "$c" "$(awk -v b="$bytes" -v w="$w" 'BEGIN {print b / 1e6 / w}')" \
    "$(awk -v r="$r" 'BEGIN {print r / 1024}')"
}
echo
printf "%-34s %9s %9s %10s %10s\n" "on $shape.trace ($mb MB)" "wall s" "cpu s" "MB/s" "max RSS MiB"
row "tracebench inspect (best of $runs)" inspect
row "tracebench inspect --threads 1" inspect1
row "tracebench inspect --counts-only" counts
row "go tool trace -d=footprint" footprint
[ "$parsed" = 1 ] && row "go tool trace -d=parsed" parsed
echo
printf "tracebench parse time inside the process (best of %d): full analysis %.0f MB/s, counts only %.0f MB/s\n" \
  "$runs" "$internal" "$internal_counts"
cpu_mbs() { awk -v b="$bytes" -v c="${C[$1]}" 'BEGIN {printf "%.0f", b / 1e6 / c}'; }
echo "per CPU second (less sensitive to a busy machine): inspect $(cpu_mbs inspect) MB/s, counts-only $(cpu_mbs counts) MB/s"
ratio() { awk -v a="${W[$1]}" -v b="${W[$2]}" 'BEGIN {printf "%.1fx", a / b}'; }
cratio() { awk -v a="${C[$1]}" -v b="${C[$2]}" 'BEGIN {printf "%.1fx", a / b}'; }
echo "speed-up of tracebench inspect (wall / cpu):"
echo "  vs go tool trace -d=footprint: $(ratio footprint inspect) / $(cratio footprint inspect)"
[ "$parsed" = 1 ] && echo "  vs go tool trace -d=parsed:    $(ratio parsed inspect) / $(cratio parsed inspect)"

if [ "$memory" = 1 ]; then
  trace2="$work/$shape-2x.trace"
  if [ "$regen" = 1 ] || [ ! -s "$trace2" ]; then
    size2="$((bytes * 2 / 1000000))MB"
    echo
    echo "bench_trace: writing a $size2 '$shape' trace into $trace2"
    "$work/trace-gen" -shape "$shape" -size "$size2" -max-duration 300s -o "$trace2"
  fi
  # Its halves, cut at a generation boundary (the second one behind the 16-byte
  # header, as a trace that starts at a later generation, like a flight-recorder
  # snapshot): the same generations in half the file.
  half_bytes=$("$tb" inspect --json --counts-only "$trace2" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(min((g["offset"] for g in s["generation_stats"][1:]), key=lambda o: abs(o - s["file_bytes"] / 2)))')
  first="$work/$shape-2x-first-half.trace"
  second="$work/$shape-2x-second-half.trace"
  head -c "$half_bytes" "$trace2" > "$first"
  { head -c 16 "$trace2"; tail -c +"$((half_bytes + 1))" "$trace2"; } > "$second"
  echo
  echo "memory: max RSS of tracebench inspect (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  for t in "$trace" "$trace2" "$first" "$second"; do
    gens=$("$tb" inspect --json --counts-only "$t" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print("%.1f MB, %d generations, largest %.1f MB" % (s["file_bytes"] / 1e6, s["generations"],
      max(g["bytes"] for g in s["generation_stats"]) / 1e6))')
    timed "$tb" inspect --no-breakdown "$t"
    two=$(awk -v r="$rss_kb" 'BEGIN {printf "%.1f", r / 1024}')
    timed "$tb" inspect --no-breakdown --threads 1 "$t"
    one=$(awk -v r="$rss_kb" 'BEGIN {printf "%.1f", r / 1024}')
    printf "  %-28s %-44s 2 threads %6s MiB, 1 thread %6s MiB\n" "$(basename "$t")" "$gens" "$two" "$one"
  done
  rm -f "$first" "$second"
fi
exit 0
