#include "sizing/result_rates.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace tracebench::sizing {

using nlohmann::json;

std::optional<double> number_at(const json& j, const std::vector<std::string>& path) {
  const json* node = &j;
  for (const auto& key : path) {
    if (!node->is_object()) return std::nullopt;
    auto it = node->find(key);
    if (it == node->end()) return std::nullopt;
    node = &*it;
  }
  if (!node->is_number()) return std::nullopt;
  const double v = node->get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::string check_run_result(const json& result) {
  if (!result.is_object()) return "not a JSON object: not a tracebench result";
  auto it = result.find("schema");
  if (it == result.end() || !it->is_string()) return "no \"schema\" field: not a tracebench result";
  const std::string schema = it->get<std::string>();
  if (schema == kRunSchema) return {};
  if (schema.rfind("tracebench.sweep/", 0) == 0)
    return fmt::format("schema \"{}\" is a sweep result; size reads a run result ({}): the sweep's model "
                       "holds its own predictions (tracebench sweep --production-rate R)",
                       schema, kRunSchema);
  if (schema.rfind("tracebench.run/", 0) == 0)
    return fmt::format("schema \"{}\" is another version of the run result; this tracebench reads {}", schema,
                       kRunSchema);
  return fmt::format("schema \"{}\" is not a tracebench run result ({})", schema, kRunSchema);
}

namespace {

// Per-round rates of one mode's complete rounds, from rounds[].<facts>.bytes_per_s.
std::vector<double> round_rates(const json& result, const std::string& mode, const std::string& facts) {
  std::vector<double> out;
  auto it = result.find("rounds");
  if (it == result.end() || !it->is_array()) return out;
  for (const auto& r : *it) {
    if (!r.is_object() || r.value("mode", "") != mode) continue;
    if (r.contains("complete") && r["complete"].is_boolean() && !r["complete"].get<bool>()) continue;
    if (auto v = number_at(r, {facts, "bytes_per_s"}); v && *v > 0) out.push_back(*v);
  }
  return out;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

std::optional<MeasuredRate> measured_rate(const json& result, std::string* why_missing) {
  struct Source {
    const char* mode;
    const char* facts;
  };
  for (const Source src : {Source{"trace", "trace"}, Source{"flightrecorder", "snapshot"}}) {
    MeasuredRate m;
    m.source = src.mode;
    m.round_bytes_per_s = round_rates(result, src.mode, src.facts);
    const auto median = number_at(result, {"modes", src.mode, "trace_bytes_per_s", "median"});
    if (median && *median > 0) {
      m.median_bytes_per_s = *median;
    } else if (!m.round_bytes_per_s.empty()) {
      m.median_bytes_per_s = median_of(m.round_bytes_per_s);
    } else {
      continue;
    }
    m.ci_low = number_at(result, {"modes", src.mode, "trace_bytes_per_s", "ci_low"});
    m.ci_high = number_at(result, {"modes", src.mode, "trace_bytes_per_s", "ci_high"});
    m.events_per_s_median = number_at(result, {"modes", src.mode, "trace_events_per_s", "median"});
    m.basis.median_bytes_per_s = m.median_bytes_per_s;
    if (m.round_bytes_per_s.size() >= 2) {
      m.basis.upper_bytes_per_s = *std::max_element(m.round_bytes_per_s.begin(), m.round_bytes_per_s.end());
      m.upper_basis = fmt::format("the highest of {} rounds", m.round_bytes_per_s.size());
    } else if (m.ci_high && *m.ci_high > m.median_bytes_per_s) {
      m.basis.upper_bytes_per_s = *m.ci_high;
      m.upper_basis = "the 95% CI high of the median";
    } else {
      m.basis.upper_bytes_per_s = m.median_bytes_per_s * kAssumedSpread;
      m.upper_basis = fmt::format("the median × {} (spread not measured: fewer than 2 rounds)", kAssumedSpread);
    }
    m.basis.upper_bytes_per_s = std::max(m.basis.upper_bytes_per_s, m.median_bytes_per_s);
    return m;
  }
  if (why_missing) {
    const bool ran_trace = result.contains("modes") && result["modes"].is_object() &&
                           (result["modes"].contains("trace") || result["modes"].contains("flightrecorder"));
    *why_missing = ran_trace ? "the run's trace and flight-recorder rounds measured no trace rate (every capture "
                               "failed or was empty)"
                             : "the run had neither the trace nor the flightrecorder mode, so no trace rate was "
                               "measured (run with --modes off,trace or pass --bytes-per-sec to tracebench size)";
  }
  return std::nullopt;
}

MeasuredRate given_rate(double bytes_per_s) {
  MeasuredRate m;
  m.source = "given";
  m.median_bytes_per_s = bytes_per_s;
  m.basis.median_bytes_per_s = bytes_per_s;
  m.basis.upper_bytes_per_s = bytes_per_s * kAssumedSpread;
  m.upper_basis = fmt::format("the given rate × {} (assumed: a given rate has no measured spread)", kAssumedSpread);
  return m;
}

std::optional<double> result_parse_mb_per_s(const json& result) {
  if (auto v = number_at(result, {"modes", "trace", "parse_mb_per_s", "median"}); v && *v > 0) return v;
  if (auto v = number_at(result, {"modes", "trace", "parse_mb_per_s"}); v && *v > 0) return v;
  return std::nullopt;
}

std::vector<std::string> kept_trace_files(const json& result) {
  std::vector<std::pair<std::uintmax_t, std::string>> found;
  auto it = result.find("rounds");
  if (it == result.end() || !it->is_array()) return {};
  for (const auto& r : *it) {
    for (const char* facts : {"trace", "snapshot"}) {
      if (!r.is_object() || !r.contains(facts) || !r[facts].is_object()) continue;
      const json& f = r[facts];
      if (!f.contains("file") || !f["file"].is_string()) continue;
      const std::string path = f["file"].get<std::string>();
      std::error_code ec;
      const auto size = std::filesystem::file_size(path, ec);
      if (!ec && size > 0) found.emplace_back(size, path);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

}  // namespace tracebench::sizing
