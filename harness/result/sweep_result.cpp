#include "result/sweep_result.h"

#include <fmt/core.h>

#include "result/json_fields.h"

namespace tracebench::result {
namespace {

using fields::boolean;
using fields::find;
using fields::lines;
using fields::number;
using fields::objects;
using fields::text;
using nlohmann::json;

constexpr std::string_view kWhat = "the sweep level";

LevelModeView read_level_mode(const std::string& name, const json& m) {
  return {name,
          number(m, "throughput_rps"),
          number(m, "latency_p50_ns"),
          number(m, "latency_p99_ns"),
          number(m, "latency_p999_ns"),
          number(m, "target_cpu_us_per_request"),
          number(m, "rounds")};
}

LevelComparisonView read_level_comparison(const json& c) {
  return {text(c, "mode"), text(c, "metric"), number(c, "delta_pct"), number(c, "ci_low_pct"),
          number(c, "ci_high_pct"), boolean(c, "significant").value_or(false)};
}

std::optional<LevelTraceRate> read_trace_rate(const json& level) {
  const json* t = find(level, "trace_bytes_per_s");
  if (!t || !t->is_object()) return std::nullopt;
  return LevelTraceRate{text(*t, "source"), number(*t, "median"), number(*t, "ci_low"),
                        number(*t, "ci_high"), number(*t, "n"), number(*t, "upper")};
}

}  // namespace

std::string_view to_string(LevelStatus status) {
  switch (status) {
    case LevelStatus::kMeasured: return "measured";
    case LevelStatus::kNotReached: return "not_reached";
    case LevelStatus::kFailed: return "failed";
    case LevelStatus::kNotRun: return "not_run";
    case LevelStatus::kUnknown: break;
  }
  return "unknown";
}

LevelStatus level_status(const json& level) {
  const std::string s = text(level, "status");
  for (LevelStatus st : {LevelStatus::kMeasured, LevelStatus::kNotReached, LevelStatus::kFailed, LevelStatus::kNotRun})
    if (s == to_string(st)) return st;
  return LevelStatus::kUnknown;
}

const LevelModeView* SweepLevelView::mode(std::string_view name) const {
  for (const auto& m : modes)
    if (m.name == name) return &m;
  return nullptr;
}

SweepLevelView read_sweep_level(const json& level) {
  if (!level.is_object()) throw FormatError("a sweep level is not an object");
  SweepLevelView v;
  v.index = number(level, "index");
  v.level = number(level, "level");
  v.axis = text(level, "axis");
  v.status = level_status(level);
  v.reason = text(level, "reason");
  v.invalid_reasons = lines(level, "invalid_reasons", kWhat);
  v.warnings = lines(level, "warnings", kWhat);
  if (const json* modes = find(level, "modes"); modes && !modes->is_null()) {
    if (!modes->is_object()) throw FormatError("the sweep level's 'modes' is not an object");
    for (const auto& [name, m] : modes->items()) {
      if (!m.is_object()) throw FormatError(fmt::format("the sweep level's 'modes.{}' is not an object", name));
      v.modes.push_back(read_level_mode(name, m));
    }
  }
  v.comparisons = objects<LevelComparisonView>(level, "comparisons", read_level_comparison, kWhat);
  v.trace_bytes_per_s = read_trace_rate(level);
  v.trace_throughput_rps = number(level, "trace_throughput_rps");
  v.trace_events_per_s = number(level, "trace_events_per_s");
  return v;
}

std::vector<std::string> bytes_model_missing(const json& model) {
  if (const std::string why = text(model, "bytes_per_s_missing"); !why.empty()) return {why};
  std::vector<std::string> out;
  if (const json* notes = find(model, "notes"); notes && notes->is_array())
    for (const auto& n : *notes)
      if (n.is_string() && n.get<std::string>().starts_with("no bytes/s model")) out.push_back(n.get<std::string>());
  return out;
}

std::vector<SweepLevelView> read_sweep_levels(const json& levels) {
  if (!levels.is_array()) throw FormatError("the sweep's 'levels' is not a list");
  std::vector<SweepLevelView> out;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (!levels[i].is_object()) throw FormatError(fmt::format("the sweep's 'levels[{}]' is not an object", i));
    out.push_back(read_sweep_level(levels[i]));
  }
  return out;
}

}  // namespace tracebench::result
