// recommend(): the "recommendations" object of a run result (its terminal form is
// reports/recommendations_text.h).

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "result/json_number.h"
#include "sizing/flight_recorder_size.h"
#include "sizing/overhead_verdict.h"
#include "sizing/result_rates.h"
#include "sizing/sizing.h"
#include "units/duration_text.h"
#include "units/size_text.h"
#include "units/whole_number.h"

namespace tracebench::sizing {

using nlohmann::json;
using units::binary_size_text;
using units::decimal_size_text;
using units::rate_text;
using units::seconds_minutes_text;

std::string validate(const SizingOptions& o) {
  if (o.windows_ns.empty()) return "no window given: expected at least one, e.g. --window 10s";
  for (std::int64_t w : o.windows_ns) {
    if (w < kMinWindowNs || w > kMaxWindowNs)
      return fmt::format("window {} is out of range: expected 1s to 1h (the flight recorder keeps whole ~1 s "
                         "generations; longer windows are a capture's job, not a ring's)",
                         w <= 0 ? fmt::format("{} ns", w) : seconds_minutes_text(static_cast<double>(w) / 1e9));
  }
  if (o.file_budgets_bytes.empty()) return "no file budget given: expected at least one, e.g. --file-budget 50MB";
  for (std::uint64_t b : o.file_budgets_bytes) {
    if (b < kMinFileBudgetBytes || b > kMaxFileBudgetBytes)
      return fmt::format("file budget {} is out of range: expected 64KiB to 100GB", b == 0 ? "0" : decimal_size_text(static_cast<double>(b)));
  }
  if (o.budget_pct && !(*o.budget_pct >= kMinBudgetPct && *o.budget_pct <= kMaxBudgetPct))
    return fmt::format("overhead budget {:g}% is out of range: expected 0.01% to 100%", *o.budget_pct);
  return {};
}

std::string parse_budget_pct(const std::string& flag, const std::string& given, double* pct) {
  std::string text = given;
  if (!text.empty() && text.back() == '%') text.pop_back();
  // A decimal number (sign and exponent allowed, so "-5%" and "1e-300%" are called out of
  // range rather than malformed); no "inf", "nan" or hex, which std::stod would take.
  double v = 0;
  bool number = !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string::npos;
  if (number) {
    char* end = nullptr;
    v = std::strtod(text.c_str(), &end);  // 1e999 gives HUGE_VAL, 1e-999 gives 0: both out of range
    number = end == text.c_str() + text.size();
  }
  if (!number) return fmt::format("{}: bad budget '{}': expected a percentage, e.g. 2%", flag, given);
  if (!(v >= kMinBudgetPct && v <= kMaxBudgetPct))
    return fmt::format("{} {} is out of range: expected 0.01% to 100%", flag, given);
  *pct = v;
  return {};
}

namespace {

json rate_json(const MeasuredRate& m) {
  json j = {{"source", m.source},
            {"median_bytes_per_s", m.median_bytes_per_s},
            {"ci_low", result::number_or_null(m.ci_low)},
            {"ci_high", result::number_or_null(m.ci_high)},
            {"rounds", m.round_bytes_per_s.size()},
            {"round_min_bytes_per_s", nullptr},
            {"round_max_bytes_per_s", nullptr},
            {"upper_bytes_per_s", m.basis.upper_bytes_per_s},
            {"upper_basis", m.upper_basis},
            {"spread_factor", m.basis.spread_factor()},
            {"events_per_s", result::number_or_null(m.events_per_s_median)},
            {"other", nullptr}};
  if (m.other_source)
    j["other"] = {{"source", *m.other_source},
                  {"median_bytes_per_s", result::number_or_null(m.other_median_bytes_per_s)},
                  {"upper_bytes_per_s", result::number_or_null(m.other_upper_bytes_per_s)}};
  if (!m.round_bytes_per_s.empty()) {
    j["round_min_bytes_per_s"] = *std::min_element(m.round_bytes_per_s.begin(), m.round_bytes_per_s.end());
    j["round_max_bytes_per_s"] = *std::max_element(m.round_bytes_per_s.begin(), m.round_bytes_per_s.end());
  }
  return j;
}

json flight_recorder_json(const MeasuredRate& m, std::int64_t window_ns) {
  const FlightRecorderSize s = size_flight_recorder(m.basis, window_ns);
  const std::string comment =
      fmt::format("{} window at {} (highest {}); tracebench size", seconds_minutes_text(static_cast<double>(window_ns) / 1e9),
                  rate_text(m.basis.median_bytes_per_s), rate_text(m.basis.upper_bytes_per_s));
  return {{"window_s", static_cast<double>(s.window_ns) / 1e9},
          {"min_age_s", static_cast<double>(s.min_age_ns) / 1e9},
          {"max_bytes", s.max_bytes},
          {"max_bytes_text", binary_size_text(s.max_bytes)},
          {"exact_bytes", s.exact_bytes},
          {"headroom", s.headroom},
          {"window_at_median_s", s.window_at_median_s},
          {"expected_live_bytes", s.expected_live_bytes},
          {"expected_rss_high_bytes", s.expected_rss_high_bytes},
          {"go_runtime_trace", go_runtime_trace_snippet(s, comment)},
          {"go_x_exp", go_x_exp_snippet(s, comment)},
          {"agent_start", agent_start_query(s)}};
}

// Median of target_rss_bytes over one mode's complete rounds.
std::optional<double> rss_median(const result::RunResultView& run, const std::string& mode, std::size_t* n) {
  std::vector<double> v;
  for (const auto& r : run.rounds) {
    if (r.mode != mode || !r.complete.value_or(true)) continue;
    if (r.target_rss_bytes) v.push_back(*r.target_rss_bytes);
  }
  *n = v.size();
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size();
  return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

// A warning when a window's MaxBytes or RSS to expect is beyond one process's plausible
// memory (kPlausibleMemoryBytes), else "".
std::string implausible_memory(const json& f) {
  const auto max_bytes = f["max_bytes"].get<std::uint64_t>();
  const auto rss = f["expected_rss_high_bytes"].get<std::uint64_t>();
  if (max_bytes <= kPlausibleMemoryBytes && rss <= kPlausibleMemoryBytes) return {};
  return fmt::format("the {} window needs MaxBytes {} (RSS up to {}): over {}, more memory than a flight recorder "
                     "can plausibly hold in one process; check the rate, shorten the window, or take a capture "
                     "(/debug/pprof/trace?seconds=N) instead",
                     seconds_minutes_text(f["window_s"].get<double>()), binary_size_text(max_bytes), binary_size_text(rss),
                     binary_size_text(kPlausibleMemoryBytes));
}

json memory_json(const result::RunResultView* result, const MeasuredRate& m) {
  json j = {{"formula", "live ≈ MaxBytes + 2 generations (upper rate × 1 s each); RSS growth up to 2 × live"},
            {"basis",
             "runtime/trace recorder.go endGeneration keeps adding generations while the ring is <= MaxBytes, so it "
             "ends up to one generation over; the generation being written (FlightRecorder.active) is held too; "
             "every batch is copied into the Go heap (batch.go readBatch); with GOGC=100 the heap grows to about "
             "twice its live data before a GC frees dropped generations"},
            {"measured", nullptr},
            {"notes", json::array()}};
  if (!result) return j;
  std::size_t n_off = 0, n_fr = 0;
  const auto off = rss_median(*result, "off", &n_off);
  const auto fr = rss_median(*result, "flightrecorder", &n_fr);
  if (!off || !fr) {
    j["notes"].push_back("the run has no target RSS for both the off and flightrecorder rounds (the target's "
                         "process was not found, or a mode did not run), so the memory above is not compared "
                         "with a measurement here");
    return j;
  }
  const double phase_s = result->config.phase_s.value_or(0);
  const double settle_s = result->config.settle_s.value_or(0);
  const double fr_max = result->config.fr_max_bytes.value_or(10 << 20);
  const double held_s = phase_s + settle_s;
  // What a recorder could hold in one of this run's rounds: it starts afresh each round.
  const double expected_live = std::min(fr_max, m.basis.upper_bytes_per_s * held_s) + m.basis.upper_bytes_per_s;
  j["measured"] = {{"off_rss_median_bytes", *off},
                   {"flightrecorder_rss_median_bytes", *fr},
                   {"delta_bytes", *fr - *off},
                   {"off_rounds", n_off},
                   {"flightrecorder_rounds", n_fr},
                   {"round_held_s", held_s},
                   {"expected_live_bytes_in_run", expected_live}};
  j["notes"].push_back(fmt::format(
      "each flightrecorder round starts the recorder afresh and holds at most settle + phase = {} of trace, so "
      "the run compares a small ring (expected live ≈ {}), not a full MaxBytes one; the Go runtime returns freed "
      "memory to the OS only gradually, so off rounds after flightrecorder rounds read high and the delta is a "
      "lower bound; --verify-window measures the growth with the recommended size",
      seconds_minutes_text(held_s), binary_size_text(units::uint64_saturated(expected_live))));
  return j;
}

// Speeds to turn file sizes into open times: the caller's (experiment/trace_timing.h
// measures them on kept files), then the result's.
std::vector<ParseSpeed> parse_speeds_for(const result::RunResultView* result, const SizingOptions& o) {
  std::vector<ParseSpeed> speeds = o.parse_speeds;
  auto have = [&](ParseTool tool) {
    return std::any_of(speeds.begin(), speeds.end(), [&](const ParseSpeed& s) { return s.tool == tool; });
  };
  if (result && !have(ParseTool::kTracebench)) {
    if (auto v = result_parse_mb_per_s(*result)) {
      ParseSpeed s;
      s.tool = ParseTool::kTracebench;
      s.mb_per_s = *v;
      s.basis = "tracebench's reader on the run's trace captures (median, from the result)";
      speeds.push_back(s);
    }
  }
  return speeds;
}

json capture_json(const MeasuredRate& m, std::uint64_t budget, const std::vector<ParseSpeed>& speeds) {
  const CaptureWindow w = capture_window_for_budget(m.basis, budget);
  json j = {{"budget_bytes", w.budget_bytes},
            {"seconds", w.seconds},
            {"expected_bytes", w.expected_bytes},
            {"upper_bytes", w.upper_bytes},
            {"query", w.seconds > 0 ? json(fmt::format("/debug/pprof/trace?seconds={}", w.seconds)) : json(nullptr)},
            {"open", json::array()}};
  if (w.seconds <= 0) return j;
  for (const auto& s : speeds) {
    if (s.mb_per_s <= 0) continue;
    json o = {{"tool", to_string(s.tool)},
              {"expected_seconds", w.expected_bytes / 1e6 / s.mb_per_s},
              {"upper_seconds", w.upper_bytes / 1e6 / s.mb_per_s},
              {"extrapolated", s.file_bytes > 0 && w.expected_bytes > 2.0 * static_cast<double>(s.file_bytes)}};
    j["open"].push_back(o);
  }
  return j;
}

json build(const result::RunResultView* result, const std::optional<MeasuredRate>& rate, const std::string& why_missing,
           const SizingOptions& o) {
  json rec = {{"rate", nullptr},
              {"headroom", nullptr},
              {"flight_recorder", json::array()},
              {"memory", nullptr},
              {"capture_windows", json::array()},
              {"parse_speeds", json::array()},
              {"overhead", nullptr},
              {"missing", json::array()},
              {"notes", json::array()},
              {"warnings", json::array()}};
  if (result) rec["overhead"] = overhead_verdict(*result, o.budget_pct);
  std::vector<ParseSpeed> speeds = parse_speeds_for(result, o);
  for (const auto& s : speeds) rec["parse_speeds"].push_back(to_json(s));
  if (!rate) {
    rec["sizes_missing"] = fmt::format("no flight-recorder sizes or capture windows: {}", why_missing);
    rec["missing"].push_back(rec["sizes_missing"]);
    return rec;
  }
  rec["rate"] = rate_json(*rate);
  rec["headroom"] = {
      {"spread_factor", rate->basis.spread_factor()},
      {"generation_s", static_cast<double>(kGenerationNs) / 1e9},
      {"rule",
       "MaxBytes = upper rate × (window + one ~1 s generation), rounded up to a friendly size (at most +25%); "
       "MinAge = 2 × window. The upper rate covers the rate's spread; the extra generation covers the partial "
       "newest generation a snapshot closes early"}};
  for (std::int64_t w : o.windows_ns) {
    rec["flight_recorder"].push_back(flight_recorder_json(*rate, w));
    if (auto warning = implausible_memory(rec["flight_recorder"].back()); !warning.empty())
      rec["warnings"].push_back(warning);
  }
  rec["memory"] = memory_json(result, *rate);
  for (std::uint64_t b : o.file_budgets_bytes) rec["capture_windows"].push_back(capture_json(*rate, b, speeds));
  // Why go tool trace was not timed is always said: a caller that tried says why it could
  // not; one that did not try (run without --keep-traces: it would start go tool trace on
  // every run) gets the general reason.
  std::vector<std::string> speed_notes = o.parse_speed_notes;
  const bool go_timed =
      std::any_of(speeds.begin(), speeds.end(), [](const ParseSpeed& s) { return s.tool == ParseTool::kGoToolTrace; });
  if (o.go_tool_not_timed) speed_notes.push_back(*o.go_tool_not_timed);
  else if (!go_timed)
    speed_notes.push_back("go tool trace not timed: tracebench size RESULT --trace FILE (or on a result run with "
                          "--keep-traces) times it on a real trace");
  if (speeds.empty()) {
    std::string why = "no parse speed measured: the time to open a capture is unknown (tracebench size --trace FILE "
                      "times tracebench's reader and go tool trace on a real trace)";
    for (const auto& n : speed_notes) why += "; " + n;
    rec["missing"].push_back(why);
  } else {
    for (const auto& n : speed_notes) rec["notes"].push_back(n);
  }
  if (rate->source == "flightrecorder")
    rec["notes"].push_back(
        rate->other_source
            ? "sized from the flight recorder's own rate (its snapshots), the higher of the run's two rates: MaxBytes "
              "bounds the recorder's bytes, and a recorder writes more per second than a pprof capture of the same "
              "load; each run round's snapshot also starts with the recorder's first generation, so it errs high"
            : "the rate comes from the flight-recorder snapshots (the run had no trace mode); each snapshot starts "
              "with the recorder's first generation, so it errs high");
  else if (rate->source == "trace" && !rate->other_source && result)
    rec["notes"].push_back("sized from the pprof captures' rate (the run had no flight-recorder snapshots): a flight "
                           "recorder may write more bytes per second than a capture of the same load (1.6-1.8× on "
                           "the demo), so run the flightrecorder mode too, or verify with --verify-window");
  return rec;
}

}  // namespace

json recommend(const json& run_result, const SizingOptions& options) {
  if (std::string bad = check_run_result(run_result); !bad.empty()) {
    json rec = {{"rate", nullptr}, {"flight_recorder", json::array()}, {"capture_windows", json::array()},
                {"parse_speeds", json::array()}, {"overhead", nullptr}, {"missing", json::array({bad})},
                {"notes", json::array()}};
    return rec;
  }
  const result::RunResultView run = result::read_run_result(run_result);
  std::string why;
  const auto rate = measured_rate(run, &why);
  json rec = build(&run, rate, why, options);
  if (std::string bad = validate(options); !bad.empty()) rec["missing"].push_back("options: " + bad);
  return rec;
}

json recommend_for_rate(double bytes_per_s, const SizingOptions& options) {
  return build(nullptr, given_rate(bytes_per_s), {}, options);
}

}  // namespace tracebench::sizing
