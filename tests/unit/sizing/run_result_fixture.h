#pragma once
// Small tracebench.run/v1 documents for the sizing tests: only the fields sizing reads.

#include <nlohmann/json.hpp>

#include <algorithm>

#include <string>
#include <vector>

namespace tracebench::sizing::testing {

struct Comparison {
  std::string mode, metric;
  double delta, low, high;
};

// rates: per trace round bytes/s (median taken for modes.trace); throughput per mode.
inline nlohmann::json run_result(const std::vector<double>& trace_rates, double off_rps = 1000,
                                 double trace_rps = 990, std::vector<Comparison> comparisons = {}) {
  using nlohmann::json;
  std::vector<double> sorted = trace_rates;
  std::sort(sorted.begin(), sorted.end());
  json j = {{"schema", "tracebench.run/v1"},
            {"complete", true},
            {"config", {{"phase_s", 0.5}, {"settle_s", 0.2}, {"fr_max_bytes", 10 << 20}, {"target_pid", nullptr}}},
            {"modes", json::object()},
            {"rounds", json::array()},
            {"comparisons", json::array()},
            {"noise_floor", json::array()},
            {"invalid_reasons", json::array()}};
  j["modes"]["off"] = {{"rounds", 6}, {"throughput_rps", {{"median", off_rps}, {"ci_low", off_rps * 0.98},
                                                          {"ci_high", off_rps * 1.02}, {"n", 6}}}};
  if (!trace_rates.empty()) {
    const std::size_t n = sorted.size();
    const double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    j["modes"]["trace"] = {{"rounds", n},
                           {"throughput_rps", {{"median", trace_rps}, {"ci_low", trace_rps * 0.98},
                                               {"ci_high", trace_rps * 1.02}, {"n", n}}},
                           {"trace_bytes_per_s", {{"median", median}, {"ci_low", sorted.front()},
                                                  {"ci_high", sorted.back()}, {"n", n}}},
                           {"trace_events_per_s", {{"median", median / 8}, {"ci_low", 0}, {"ci_high", 0}, {"n", n}}}};
  }
  int index = 0;
  for (double r : trace_rates) {
    j["rounds"].push_back({{"index", index++}, {"mode", "off"}, {"complete", true}, {"target_rss_bytes", 20 << 20}});
    j["rounds"].push_back({{"index", index++},
                           {"mode", "trace"},
                           {"complete", true},
                           {"target_rss_bytes", nullptr},
                           {"trace", {{"bytes", r}, {"span_s", 1.0}, {"bytes_per_s", r}, {"file", nullptr}}}});
    j["rounds"].push_back({{"index", index++}, {"mode", "flightrecorder"}, {"complete", true},
                           {"target_rss_bytes", 21 << 20}});
  }
  for (const auto& c : comparisons)
    j["comparisons"].push_back({{"mode", c.mode}, {"metric", c.metric}, {"delta_pct", c.delta},
                                {"ci_low_pct", c.low}, {"ci_high_pct", c.high}, {"significant", false}});
  return j;
}

}  // namespace tracebench::sizing::testing
