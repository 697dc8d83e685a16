#pragma once
// Per-second latency snapshots merged across worker threads, in the manner of
// HdrHistogram's interval recorder: each worker records into its own interval histogram and
// hands it over at every second boundary; a second is summarised once every worker has
// handed it over, so memory stays bounded by how far workers drift apart, not by duration.
//
// Thread safety: submit() may be called concurrently from workers; series() after they end.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "load/load_result.h"
#include "stats/histogram.h"

namespace tracebench::load {

class IntervalSeries {
 public:
  explicit IntervalSeries(int workers) : workers_(workers) {}

  // Adds one worker's figures for `second`. Each worker submits each second once.
  void submit(std::int64_t second, const stats::Histogram& latency, std::uint64_t requests,
              std::uint64_t errors);

  // Summarises the seconds still pending (workers that stopped early) and returns all.
  std::vector<SecondSample> finish();

 private:
  struct Pending {
    std::unique_ptr<stats::Histogram> latency = std::make_unique<stats::Histogram>();
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    int submitted = 0;
  };
  static SecondSample summarise(std::int64_t second, const Pending& p);

  const int workers_;
  std::mutex mu_;
  std::map<std::int64_t, Pending> pending_;
  std::vector<SecondSample> done_;
};

}  // namespace tracebench::load
