#pragma once
// What the terminal renderers (recommendations_text, sweep_text) share: a member lookup that
// never throws, for documents that may come from disk, and the short metric names they print.

#include <string>

#include <nlohmann/json.hpp>

namespace tracebench::reports::terminal {

// A member of an object, or null: a missing key or a wrong type never reaches nlohmann's
// unchecked operator[].
inline const nlohmann::json& field(const nlohmann::json& j, const char* key) {
  static const nlohmann::json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

// "throughput", "cpu/req", "p50", "p99", "p99.9"; another metric as named.
inline std::string metric_label(const std::string& metric) {
  if (metric == "throughput_rps") return "throughput";
  if (metric == "target_cpu_us_per_request") return "cpu/req";
  if (metric == "latency_p50_ns") return "p50";
  if (metric == "latency_p99_ns") return "p99";
  if (metric == "latency_p999_ns") return "p99.9";
  return metric;
}

}  // namespace tracebench::reports::terminal
