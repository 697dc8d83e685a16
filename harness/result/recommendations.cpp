#include "result/recommendations.h"

#include "result/json_fields.h"

namespace tracebench::result {
namespace {

using fields::boolean;
using fields::each;
using fields::maybe_text;
using fields::number;
using fields::object;
using fields::strings;
using fields::text;
using nlohmann::json;

std::optional<BudgetVerdict> verdict_of(const json& item) {
  const json* v = fields::find(item, "verdict");
  return v ? budget_verdict(*v) : std::nullopt;
}

BudgetMetricView read_budget_metric(const json& x) {
  return {text(x, "metric"),        boolean(x, "judged").value_or(false), maybe_text(x, "verdict"),
          verdict_of(x),            number(x, "cost_pct"),                number(x, "cost_low_pct"),
          number(x, "cost_high_pct"), number(x, "noise_floor_pct")};
}

BudgetModeView read_budget_mode(const json& m) {
  return {text(m, "mode"), maybe_text(m, "verdict"), verdict_of(m),
          each<BudgetMetricView>(m, "metrics", read_budget_metric)};
}

std::optional<OverheadBudgetView> read_overhead_budget(const json& recs) {
  const json* o = object(recs, "overhead");
  if (!o) return std::nullopt;
  return OverheadBudgetView{number(*o, "budget_pct"), each<BudgetModeView>(*o, "modes", read_budget_mode),
                            strings(*o, "notes")};
}

std::optional<MemoryView> read_memory(const json& recs) {
  const json* mem = object(recs, "memory");
  if (!mem) return std::nullopt;
  MemoryView v;
  v.formula = text(*mem, "formula");
  if (const json* m = object(*mem, "measured"))
    v.measured = MeasuredMemoryView{number(*m, "flightrecorder_rss_median_bytes"), number(*m, "off_rss_median_bytes"),
                                    number(*m, "delta_bytes"), number(*m, "round_held_s")};
  v.notes = strings(*mem, "notes");
  return v;
}

VerificationAttemptView read_attempt(const json& a) {
  VerificationAttemptView v;
  v.attempt = number(a, "attempt");
  v.min_age_s = number(a, "min_age_s");
  v.max_bytes = number(a, "max_bytes");
  v.filled_s = number(a, "filled_s");
  v.achieved_window_s = number(a, "achieved_window_s");
  v.snapshot_bytes = number(a, "snapshot_bytes");
  v.generations = number(a, "generations");
  v.rss_growth_bytes = number(a, "rss_growth_bytes");
  v.snapshot_bytes_per_s = number(a, "snapshot_bytes_per_s");
  v.expected_live_bytes = number(a, "expected_live_bytes");
  v.expected_rss_high_bytes = number(a, "expected_rss_high_bytes");
  v.reached = boolean(a, "reached").value_or(false);
  v.basis_exceeded = boolean(a, "basis_exceeded").value_or(false);
  v.rss_exceeded = boolean(a, "rss_exceeded").value_or(false);
  v.error = text(a, "error");
  v.bound_text = maybe_text(a, "bound_text");
  return v;
}

}  // namespace

FlightRecorderSizeView read_flight_recorder_size(const json& f) {
  FlightRecorderSizeView v;
  v.window_s = number(f, "window_s");
  v.min_age_s = number(f, "min_age_s");
  v.max_bytes = number(f, "max_bytes");
  v.headroom = number(f, "headroom");
  v.window_at_median_s = number(f, "window_at_median_s");
  v.expected_live_bytes = number(f, "expected_live_bytes");
  v.expected_rss_high_bytes = number(f, "expected_rss_high_bytes");
  v.max_bytes_text = maybe_text(f, "max_bytes_text");
  v.go_runtime_trace = text(f, "go_runtime_trace");
  v.go_x_exp = text(f, "go_x_exp");
  v.agent_start = text(f, "agent_start");
  return v;
}

CaptureWindowView read_capture_window(const json& c) {
  return {number(c, "seconds"), number(c, "budget_bytes"), number(c, "expected_bytes"), number(c, "upper_bytes"),
          maybe_text(c, "query"), each<OpenTimeView>(c, "open", [](const json& o) {
            return OpenTimeView{text(o, "tool"), number(o, "expected_seconds"),
                                boolean(o, "extrapolated").value_or(false)};
          })};
}

std::optional<RecommendationsView> read_recommendations(const json& run_document) {
  const json* recs = object(run_document, "recommendations");
  if (!recs || recs->empty()) return std::nullopt;
  return read_recommendations_object(*recs);
}

RecommendationsView read_recommendations_object(const json& recs) {
  RecommendationsView v;
  if (const json* r = object(recs, "rate"))
    v.rate = SizingRateView{number(*r, "median_bytes_per_s"), number(*r, "upper_bytes_per_s"), number(*r, "rounds"),
                            number(*r, "events_per_s"), maybe_text(*r, "source"), maybe_text(*r, "upper_basis")};
  v.flight_recorder = each<FlightRecorderSizeView>(recs, "flight_recorder", read_flight_recorder_size);
  v.capture_windows = each<CaptureWindowView>(recs, "capture_windows", read_capture_window);
  v.parse_speeds = each<ParseSpeedView>(recs, "parse_speeds", [](const json& p) {
    return ParseSpeedView{maybe_text(p, "tool"), number(p, "mb_per_s"), number(p, "file_bytes"), number(p, "seconds"),
                          maybe_text(p, "basis")};
  });
  v.memory = read_memory(recs);
  if (const json* h = object(recs, "headroom")) v.headroom_rule = text(*h, "rule");
  v.overhead = read_overhead_budget(recs);
  v.missing = strings(recs, "missing");
  v.notes = strings(recs, "notes");
  v.warnings = strings(recs, "warnings");
  v.sizes_missing = sizes_missing(recs);
  return v;
}

std::optional<VerificationView> read_verification(const json& run_document) {
  const json* ver = object(run_document, "verification");
  if (!ver || ver->empty()) return std::nullopt;
  VerificationView v;
  v.status_text = maybe_text(*ver, "status");
  v.status = verification_status(*ver);
  v.window_s = number(*ver, "window_s");
  v.min_age_s = number(*ver, "min_age_s");
  v.final_max_bytes = number(*ver, "final_max_bytes");
  v.achieved_window_s = number(*ver, "achieved_window_s");
  v.upper_bytes_per_s = number(*ver, "upper_bytes_per_s");
  v.reason = maybe_text(*ver, "reason");
  v.attempts = each<VerificationAttemptView>(*ver, "attempts", read_attempt);
  v.go_runtime_trace = text(*ver, "go_runtime_trace");
  return v;
}

}  // namespace tracebench::result
