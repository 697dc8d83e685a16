#include "experiment/disturbance.h"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <vector>

#include "load/send_lag_limit.h"

namespace tracebench::experiment {

std::int64_t typical_send_lag_p99_ns(const RunResult& run) {
  std::vector<std::int64_t> lags;
  for (const auto& r : run.rounds)
    if (r.complete) lags.push_back(r.send_lag_p99_ns);
  if (lags.empty()) return 0;
  const auto mid = lags.begin() + static_cast<std::ptrdiff_t>(lags.size() / 2);
  std::nth_element(lags.begin(), mid, lags.end());
  if (lags.size() % 2 == 1) return *mid;
  const std::int64_t upper = *mid;
  const std::int64_t lower = *std::max_element(lags.begin(), mid);
  return lower + (upper - lower) / 2;
}

int drop_disturbed_blocks(RunResult& run) {
  const std::int64_t limit = load::disturbed_send_lag_limit_ns(typical_send_lag_p99_ns(run));
  std::map<int, std::vector<RoundRecord*>> blocks;
  for (auto& r : run.rounds) blocks[r.block].push_back(&r);
  int clean = 0;
  for (auto& [block, rounds] : blocks) {
    if (rounds.front()->dropped) continue;
    auto late = std::find_if(rounds.begin(), rounds.end(), [&](const RoundRecord* r) {
      return r->complete && (!r->disturbed.empty() || r->send_lag_p99_ns > limit);
    });
    if (late == rounds.end()) {
      clean += std::all_of(rounds.begin(), rounds.end(), [](const RoundRecord* r) { return r->complete; }) ? 1 : 0;
      continue;
    }
    RoundRecord& d = **late;
    if (d.disturbed.empty())
      d.disturbed = fmt::format(
          "generator send lag p99 reached {:.2f} ms against the run's typical {:.2f} ms: the generator could not keep "
          "its schedule",
          static_cast<double>(d.send_lag_p99_ns) / 1e6, static_cast<double>(typical_send_lag_p99_ns(run)) / 1e6);
    for (RoundRecord* r : rounds) r->dropped = true;
    run.dropped_blocks.push_back({block, fmt::format("round {} ({}): {}", d.index + 1, to_string(d.mode), d.disturbed)});
  }
  return clean;
}

std::string steady_send_lag_warning(const RunResult& run) {
  const std::int64_t typical = typical_send_lag_p99_ns(run);
  if (typical <= load::kMaxSendLagP99Ns) return {};
  return fmt::format(
      "the generator ran behind its schedule in most rounds (median send lag p99 {:.2f} ms): no round stood out, so "
      "no block was dropped, but each latency includes up to that much of the generator's own delay; give it a CPU "
      "of its own or lower --rate",
      static_cast<double>(typical) / 1e6);
}

}  // namespace tracebench::experiment
