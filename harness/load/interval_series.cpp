#include "load/interval_series.h"

#include <algorithm>

namespace tracebench::load {

SecondSample IntervalSeries::summarise(std::int64_t second, const Pending& p) {
  return SecondSample{second,
                      p.requests,
                      p.errors,
                      p.latency->value_at_percentile(50),
                      p.latency->value_at_percentile(99),
                      p.latency->max()};
}

void IntervalSeries::submit(std::int64_t second, const stats::Histogram& latency, std::uint64_t requests,
                            std::uint64_t errors) {
  std::lock_guard lock(mu_);
  Pending& p = pending_[second];
  p.latency->add(latency);
  p.requests += requests;
  p.errors += errors;
  if (++p.submitted == workers_) {
    done_.push_back(summarise(second, p));
    pending_.erase(second);
  }
}

std::vector<SecondSample> IntervalSeries::finish() {
  std::lock_guard lock(mu_);
  for (const auto& [second, p] : pending_) done_.push_back(summarise(second, p));
  pending_.clear();
  std::sort(done_.begin(), done_.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return done_;
}

}  // namespace tracebench::load
