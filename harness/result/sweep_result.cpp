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
  return LevelTraceRate{fields::maybe_text(*t, "source"), number(*t, "median"), number(*t, "ci_low"),
                        number(*t, "ci_high"), number(*t, "n"), number(*t, "upper")};
}

// The containers read_sweep_level refuses when they are of another type.
void check_level(const json& level) {
  if (!level.is_object()) throw FormatError("a sweep level is not an object");
  lines(level, "invalid_reasons", kWhat);
  lines(level, "warnings", kWhat);
  if (const json* modes = find(level, "modes"); modes && !modes->is_null()) {
    if (!modes->is_object()) throw FormatError("the sweep level's 'modes' is not an object");
    for (const auto& [name, m] : modes->items())
      if (!m.is_object()) throw FormatError(fmt::format("the sweep level's 'modes.{}' is not an object", name));
  }
  objects<LevelComparisonView>(level, "comparisons", read_level_comparison, kWhat);
}

// A level's fields, refusing nothing: check_level has refused what read_sweep_level must.
SweepLevelView read_level_fields(const json& level) {
  SweepLevelView v;
  v.index = number(level, "index");
  v.level = number(level, "level");
  v.axis = text(level, "axis");
  v.status = level_status(level);
  v.status_text = fields::maybe_text(level, "status");
  v.reason = fields::maybe_text(level, "reason");
  if (const json* invalid = find(level, "invalid_reasons"); invalid && invalid->is_array())
    v.marked_invalid = !invalid->empty();
  v.invalid_reasons = fields::strings(level, "invalid_reasons");
  v.warnings = fields::strings(level, "warnings");
  if (const json* modes = fields::object(level, "modes"))
    for (const auto& [name, m] : modes->items())
      if (m.is_object()) v.modes.push_back(read_level_mode(name, m));
  v.comparisons = fields::each<LevelComparisonView>(level, "comparisons", read_level_comparison);
  v.trace_bytes_per_s = read_trace_rate(level);
  v.trace_throughput_rps = number(level, "trace_throughput_rps");
  v.trace_events_per_s = number(level, "trace_events_per_s");
  if (const json* t = fields::object(level, "throughput_rps"))
    if (const json* off = find(*t, "off"))
      v.off_throughput_rps = {number(*off, "median"), number(*off, "ci_low"), number(*off, "ci_high"),
                              number(*off, "n"), number(*off, "ci_coverage")};
  v.fr_window_s = number(level, "fr_window_s");
  v.errors = number(level, "errors");
  v.generator_cpu_share = number(level, "generator_cpu_share");
  v.target_cpu_share = number(level, "target_cpu_share");
  v.cpu_shares_written = find(level, "generator_cpu_share") != nullptr;
  v.result = text(level, "result");
  return v;
}

FitView read_fit(const json& f) {
  return {number(f, "intercept"),    number(f, "slope"),    number(f, "x_min"),       number(f, "x_max"),
          number(f, "r2"),           number(f, "n"),        number(f, "intercept_se"), number(f, "slope_se"),
          number(f, "residual_se"),  number(f, "spread_factor")};
}

std::optional<FitView> fit_at(const json& model, std::string_view key) {
  const json* f = fields::object(model, key);
  return f ? std::optional<FitView>(read_fit(*f)) : std::nullopt;
}

PredictedView read_predicted(const json& p) { return {number(p, "estimate"), number(p, "pi_low"), number(p, "pi_high")}; }

PredictionView read_prediction(const json& p) {
  PredictionView v;
  v.production_rate_rps = number(p, "production_rate_rps");
  v.extrapolated = boolean(p, "extrapolated").value_or(false);
  v.extrapolation = text(p, "extrapolation");
  if (const json* b = fields::object(p, "bytes_per_s")) v.bytes_per_s = read_predicted(*b);
  v.flight_recorder = fields::each<FlightRecorderSizeView>(p, "flight_recorder", read_flight_recorder_size);
  v.capture_windows = fields::each<CaptureWindowView>(p, "capture_windows", read_capture_window);
  v.overhead = fields::each<OverheadPredictionView>(p, "overhead", [](const json& o) {
    return OverheadPredictionView{text(o, "mode"), text(o, "metric"), read_predicted(o),
                                  boolean(o, "extrapolated").value_or(false)};
  });
  v.notes = fields::strings(p, "notes");
  return v;
}

SweepModelView read_model(const json& m) {
  SweepModelView v;
  v.bytes_per_s = fit_at(m, "bytes_per_s");
  v.events_per_s = fit_at(m, "events_per_s");
  v.overhead = fields::each<OverheadFitView>(m, "overhead", [](const json& f) {
    return OverheadFitView{text(f, "mode"), text(f, "metric"), text(f, "error"), read_fit(f)};
  });
  v.notes = fields::strings(m, "notes");
  if (const json* fitted = find(m, "levels_fitted"); fitted && fitted->is_array()) v.levels_fitted = fitted->size();
  v.bytes_per_s_missing = bytes_model_missing(m);
  if (const json* p = fields::object(m, "prediction")) v.prediction = read_prediction(*p);
  return v;
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
  check_level(level);
  return read_level_fields(level);
}

SweepView read_sweep(const json& sweep) {
  SweepView v;
  v.complete = boolean(sweep, "complete").value_or(true);
  v.stop_reason = fields::maybe_text(sweep, "stop_reason");
  v.warnings = fields::strings(sweep, "warnings");
  if (const json* c = fields::object(sweep, "config"))
    v.config = {text(*c, "axis"),          fields::maybe_text(*c, "method"), fields::maybe_text(*c, "path"),
                fields::maybe_text(*c, "target"), number(*c, "connections"),  number(*c, "rounds_per_mode"),
                number(*c, "phase_s"),     number(*c, "production_rate_rps")};
  v.host_and_config = read_document_context(sweep);
  if (const json* levels = find(sweep, "levels"); levels && levels->is_array())
    for (const auto& l : *levels)
      if (l.is_object()) v.levels.push_back(read_level_fields(l));
  if (const json* m = fields::object(sweep, "model")) v.model = read_model(*m);
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
