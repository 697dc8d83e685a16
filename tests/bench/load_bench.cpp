// Microbenchmarks of the load engine's per-request hot paths: recording a latency and
// framing a response. Run: build/tests/bench/load_bench
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "load/response_parser.h"
#include "stats/histogram.h"

namespace {

using tracebench::load::ResponseParser;
using tracebench::stats::Histogram;

void BM_HistogramRecord(benchmark::State& state) {
  Histogram h;
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> dist(12.0, 1.0);  // around 160 µs
  std::vector<std::int64_t> values(4096);
  for (auto& v : values) v = static_cast<std::int64_t>(dist(rng));
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

void BM_HistogramMerge(benchmark::State& state) {
  Histogram a, b;
  for (int i = 1; i < 100000; ++i) b.record(i * 1000);
  for (auto _ : state) a.add(b);
  benchmark::DoNotOptimize(a.count());
}
BENCHMARK(BM_HistogramMerge);

void BM_HistogramP99(benchmark::State& state) {
  Histogram h;
  for (int i = 1; i < 100000; ++i) h.record(i * 1000);
  for (auto _ : state) benchmark::DoNotOptimize(h.value_at_percentile(99));
}
BENCHMARK(BM_HistogramP99);

const std::string kGoResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Tue, 24 Nov 2026 14:00:00 GMT\r\n"
    "Content-Length: 27\r\n\r\n{\"status\":\"ok\",\"items\":12}";

void BM_FrameContentLength(benchmark::State& state) {
  ResponseParser p;
  for (auto _ : state) {
    p.reset();
    std::size_t consumed = 0;
    benchmark::DoNotOptimize(p.feed(kGoResponse.data(), kGoResponse.size(), consumed));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kGoResponse.size()));
}
BENCHMARK(BM_FrameContentLength);

void BM_FrameChunkedSplit(benchmark::State& state) {
  const std::string r =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n"
      "10\r\n0123456789abcdef\r\n0\r\n\r\n";
  const std::size_t split = static_cast<std::size_t>(state.range(0));
  ResponseParser p;
  for (auto _ : state) {
    p.reset();
    std::size_t consumed = 0;
    for (std::size_t off = 0; off < r.size(); off += split)
      p.feed(r.data() + off, std::min(split, r.size() - off), consumed);
    benchmark::DoNotOptimize(p.body_bytes());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * r.size()));
}
BENCHMARK(BM_FrameChunkedSplit)->Arg(1)->Arg(16)->Arg(4096);

}  // namespace
