// Microbenchmarks of the trace reader's decoding loop on a synthetic in-memory trace
// with the event mix of a busy Go server (scheduling, GC, annotations, goroutine churn).
// Bytes per second is the figure; compare with scripts/bench_trace.sh on real traces.
//
//   build-*/tests/bench/trace_decode_bench [--benchmark_filter=...]
//   TRACEBENCH_BENCH_TRACE=/tmp/big.trace ... also benchmarks a real trace file.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <vector>

#include "trace/analyze.h"
#include "trace/format.h"
#include "trace/varint.h"

namespace {

namespace tr = tracebench::trace;

class Writer {
 public:
  void byte(std::uint8_t b) { out.push_back(b); }
  void uvarint(std::uint64_t v, unsigned pad = 0) {
    unsigned n = 0;
    do {
      std::uint8_t b = v & 0x7f;
      v >>= 7;
      ++n;
      if (v != 0 || n < pad) b |= 0x80;
      out.push_back(b);
    } while (v != 0 || n < pad);
  }
  std::vector<std::uint8_t> out;
};

// A go 1.26 trace of `generations` generations, each with `batches` full event
// batches (~64 KiB) of a server-like event mix, and its tables.
std::vector<std::uint8_t> synthetic_trace(int generations, int batches) {
  Writer w;
  const std::string header = std::string("go 1.26 trace") + std::string(3, '\0');
  w.out.assign(header.begin(), header.end());
  std::mt19937_64 rng(1);
  std::uint64_t ts = 1'000'000, next_g = 100, task = 1;
  for (int gen = 1; gen <= generations; ++gen) {
    auto batch = [&](std::uint64_t m, const std::vector<std::uint8_t>& payload) {
      w.byte(tr::kEvEventBatch);
      w.uvarint(static_cast<std::uint64_t>(gen));
      w.uvarint(m);
      w.uvarint(ts);
      w.uvarint(payload.size(), 10);
      w.out.insert(w.out.end(), payload.begin(), payload.end());
    };
    Writer sync;
    sync.byte(tr::kEvSync);
    sync.byte(tr::kEvFrequency);
    sync.uvarint(15'625'000);
    sync.byte(tr::kEvClockSnapshot);
    sync.uvarint(1);
    sync.uvarint(ts * 64);
    sync.uvarint(1'700'000'000);
    sync.uvarint(0);
    batch(tr::kNoThread, sync.out);
    for (int b = 0; b < batches; ++b) {
      Writer p;
      std::uint64_t g = 1 + rng() % 50;
      std::uint64_t span = 0;  // ticks the batch covers
      while (p.out.size() < 64000) {
        auto dt = [&] {
          const std::uint64_t d = 1 + rng() % 300;
          span += d;
          p.uvarint(d);
        };
        switch (rng() % 16) {
          case 0: case 1: case 2:  // GoStart / GoBlock pairs dominate real traces
            p.byte(tr::kEvGoStart); dt(); p.uvarint(g); p.uvarint(rng() % 200);
            p.byte(tr::kEvGoBlock); dt(); p.uvarint(rng() % 20); p.uvarint(rng() % 400);
            break;
          case 3: case 4: case 5:
            p.byte(tr::kEvGoUnblock); dt(); p.uvarint(1 + rng() % 5000); p.uvarint(rng() % 200); p.uvarint(rng() % 400);
            break;
          case 6:
            p.byte(tr::kEvHeapAlloc); dt(); p.uvarint(rng() % (64 << 20));
            break;
          case 7: {
            const std::uint64_t ng = next_g++;
            p.byte(tr::kEvGoCreate); dt(); p.uvarint(ng); p.uvarint(1 + rng() % 10); p.uvarint(rng() % 400);
            p.byte(tr::kEvGoStart); dt(); p.uvarint(ng); p.uvarint(1);
            p.byte(tr::kEvGoDestroy); dt();
            break;
          }
          case 8: case 9: {
            p.byte(tr::kEvGoStart); dt(); p.uvarint(g); p.uvarint(rng() % 200);
            const std::uint64_t name = 1 + rng() % 8;
            p.byte(tr::kEvUserTaskBegin); dt(); p.uvarint(task); p.uvarint(0); p.uvarint(11); p.uvarint(0);
            p.byte(tr::kEvUserRegionBegin); dt(); p.uvarint(task); p.uvarint(name); p.uvarint(0);
            p.byte(tr::kEvUserLog); dt(); p.uvarint(task); p.uvarint(9); p.uvarint(10); p.uvarint(0);
            p.byte(tr::kEvUserRegionEnd); dt(); p.uvarint(task); p.uvarint(name); p.uvarint(0);
            p.byte(tr::kEvUserTaskEnd); dt(); p.uvarint(task); p.uvarint(0);
            p.byte(tr::kEvGoBlock); dt(); p.uvarint(rng() % 20); p.uvarint(rng() % 400);
            ++task;
            break;
          }
          case 10:
            p.byte(tr::kEvGoSyscallBegin); dt(); p.uvarint(rng() % 100); p.uvarint(rng() % 400);
            p.byte(tr::kEvGoSyscallEnd); dt();
            break;
          default:
            p.byte(tr::kEvProcStart); dt(); p.uvarint(rng() % 8); p.uvarint(rng() % 1000);
            p.byte(tr::kEvProcStop); dt();
            break;
        }
      }
      batch(1000 + static_cast<std::uint64_t>(b % 8), p.out);
      // The next batch starts after this one ends, so that a goroutine's events (and
      // its regions) stay in time order from batch to batch, as in a real trace.
      ts += span + 100;
    }
    Writer strings;
    strings.byte(tr::kEvStrings);
    for (std::uint64_t id = 1; id <= 11; ++id) {
      const std::string s = id == 9 ? "cache" : id == 10 ? "hit" : id == 11 ? "request" : "region" + std::to_string(id);
      strings.byte(tr::kEvString);
      strings.uvarint(id);
      strings.uvarint(s.size());
      strings.out.insert(strings.out.end(), s.begin(), s.end());
    }
    batch(tr::kNoThread, strings.out);
    Writer stacks;
    stacks.byte(tr::kEvStacks);
    for (std::uint64_t id = 1; id <= 400; ++id) {
      stacks.byte(tr::kEvStack);
      stacks.uvarint(id);
      stacks.uvarint(8);
      for (int f = 0; f < 8; ++f) {
        stacks.uvarint(0x400000 + rng() % 0x100000);
        stacks.uvarint(1 + rng() % 8);
        stacks.uvarint(1 + rng() % 8);
        stacks.uvarint(rng() % 2000);
      }
    }
    batch(tr::kNoThread, stacks.out);
    w.byte(tr::kEvEndOfGeneration);
  }
  return w.out;
}

const std::vector<std::uint8_t>& trace_bytes() {
  static const std::vector<std::uint8_t> bytes = synthetic_trace(8, 48);  // ~25 MB
  return bytes;
}

void run(benchmark::State& state, const std::vector<std::uint8_t>& bytes, bool full) {
  tr::AnalyzeOptions o;
  o.goroutines = o.annotations = full;
  std::uint64_t events = 0;
  for (auto _ : state) {
    tr::TraceSummary s = tr::analyze_bytes(bytes, o);
    events = s.events;
    benchmark::DoNotOptimize(s.span_ns);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events * state.iterations()), benchmark::Counter::kIsRate);
}

void BM_AnalyzeCountsOnly(benchmark::State& state) { run(state, trace_bytes(), false); }
void BM_AnalyzeFull(benchmark::State& state) { run(state, trace_bytes(), true); }
BENCHMARK(BM_AnalyzeCountsOnly)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_AnalyzeFull)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_AnalyzeFile(benchmark::State& state) {
  const char* path = std::getenv("TRACEBENCH_BENCH_TRACE");
  if (path == nullptr) {
    state.SkipWithError("set TRACEBENCH_BENCH_TRACE to a trace file");
    return;
  }
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    tr::TraceSummary s = tr::analyze_file(path);
    bytes = s.file_bytes;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_AnalyzeFile)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_Uvarint(benchmark::State& state) {
  std::vector<std::uint8_t> buf;
  std::mt19937_64 rng(3);
  Writer w;
  for (int i = 0; i < 1 << 16; ++i) w.uvarint(rng() >> (rng() % 64));
  buf = w.out;
  buf.resize(buf.size() + 16);
  for (auto _ : state) {
    std::uint64_t sum = 0, v = 0;
    const std::uint8_t* p = buf.data();
    for (int i = 0; i < 1 << 16; ++i) {
      p = tr::read_uvarint_unbounded(p, v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * (1 << 16));
}
BENCHMARK(BM_Uvarint);

}  // namespace
