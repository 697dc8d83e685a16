// recommend(): the "recommendations" object of a run result, and its terminal form.

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "sizing/flight_recorder_size.h"
#include "sizing/overhead_verdict.h"
#include "sizing/quantity_text.h"
#include "sizing/result_rates.h"
#include "sizing/sizing.h"

namespace tracebench::sizing {

using nlohmann::json;

std::string validate(const SizingOptions& o) {
  if (o.windows_ns.empty()) return "no window given: expected at least one, e.g. --window 10s";
  for (std::int64_t w : o.windows_ns) {
    if (w < kMinWindowNs || w > kMaxWindowNs)
      return fmt::format("window {} is out of range: expected 1s to 1h (the flight recorder keeps whole ~1 s "
                         "generations; longer windows are a capture's job, not a ring's)",
                         w <= 0 ? fmt::format("{} ns", w) : seconds_text(static_cast<double>(w) / 1e9));
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

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json rate_json(const MeasuredRate& m) {
  json j = {{"source", m.source},
            {"median_bytes_per_s", m.median_bytes_per_s},
            {"ci_low", opt(m.ci_low)},
            {"ci_high", opt(m.ci_high)},
            {"rounds", m.round_bytes_per_s.size()},
            {"round_min_bytes_per_s", nullptr},
            {"round_max_bytes_per_s", nullptr},
            {"upper_bytes_per_s", m.basis.upper_bytes_per_s},
            {"upper_basis", m.upper_basis},
            {"spread_factor", m.basis.spread_factor()},
            {"events_per_s", opt(m.events_per_s_median)},
            {"other", nullptr}};
  if (m.other_source)
    j["other"] = {{"source", *m.other_source},
                  {"median_bytes_per_s", opt(m.other_median_bytes_per_s)},
                  {"upper_bytes_per_s", opt(m.other_upper_bytes_per_s)}};
  if (!m.round_bytes_per_s.empty()) {
    j["round_min_bytes_per_s"] = *std::min_element(m.round_bytes_per_s.begin(), m.round_bytes_per_s.end());
    j["round_max_bytes_per_s"] = *std::max_element(m.round_bytes_per_s.begin(), m.round_bytes_per_s.end());
  }
  return j;
}

std::string source_text(const std::string& source) {
  if (source == "trace") return "trace rounds";
  if (source == "flightrecorder") return "flight-recorder snapshots";
  return "given rate";
}

json flight_recorder_json(const MeasuredRate& m, std::int64_t window_ns) {
  const FlightRecorderSize s = size_flight_recorder(m.basis, window_ns);
  const std::string comment =
      fmt::format("{} window at {} (highest {}); tracebench size", seconds_text(static_cast<double>(window_ns) / 1e9),
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
std::optional<double> rss_median(const json& result, const std::string& mode, std::size_t* n) {
  std::vector<double> v;
  if (result.contains("rounds") && result["rounds"].is_array()) {
    for (const auto& r : result["rounds"]) {
      if (!r.is_object() || r.value("mode", "") != mode) continue;
      if (r.contains("complete") && r["complete"].is_boolean() && !r["complete"].get<bool>()) continue;
      if (auto b = number_at(r, {"target_rss_bytes"})) v.push_back(*b);
    }
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
                     seconds_text(f["window_s"].get<double>()), binary_size_text(max_bytes), binary_size_text(rss),
                     binary_size_text(kPlausibleMemoryBytes));
}

json memory_json(const json* result, const MeasuredRate& m) {
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
  const double phase_s = number_at(*result, {"config", "phase_s"}).value_or(0);
  const double settle_s = number_at(*result, {"config", "settle_s"}).value_or(0);
  const double fr_max = number_at(*result, {"config", "fr_max_bytes"}).value_or(10 << 20);
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
      seconds_text(held_s), binary_size_text(static_cast<std::uint64_t>(expected_live))));
  return j;
}

// Speeds to turn file sizes into open times: the caller's (experiment/trace_timing.h
// measures them on kept files), then the result's.
std::vector<ParseSpeed> parse_speeds_for(const json* result, const SizingOptions& o) {
  std::vector<ParseSpeed> speeds = o.parse_speeds;
  auto have = [&](const std::string& tool) {
    return std::any_of(speeds.begin(), speeds.end(), [&](const ParseSpeed& s) { return s.tool == tool; });
  };
  if (result && !have("tracebench")) {
    if (auto v = result_parse_mb_per_s(*result)) {
      ParseSpeed s;
      s.tool = "tracebench";
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
    json o = {{"tool", s.tool},
              {"expected_seconds", w.expected_bytes / 1e6 / s.mb_per_s},
              {"upper_seconds", w.upper_bytes / 1e6 / s.mb_per_s},
              {"extrapolated", s.file_bytes > 0 && w.expected_bytes > 2.0 * static_cast<double>(s.file_bytes)}};
    j["open"].push_back(o);
  }
  return j;
}

json build(const json* result, const std::optional<MeasuredRate>& rate, const std::string& why_missing,
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
    rec["missing"].push_back(fmt::format("no flight-recorder sizes or capture windows: {}", why_missing));
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
  const bool go_timed = std::any_of(speeds.begin(), speeds.end(), [](const ParseSpeed& s) { return s.tool == "go tool trace"; });
  const bool go_said = std::any_of(speed_notes.begin(), speed_notes.end(),
                                   [](const std::string& n) { return n.find("go tool trace") != std::string::npos; });
  if (!go_timed && !go_said)
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
  std::string why;
  const auto rate = measured_rate(run_result, &why);
  json rec = build(&run_result, rate, why, options);
  if (std::string bad = validate(options); !bad.empty()) rec["missing"].push_back("options: " + bad);
  return rec;
}

json recommend_for_rate(double bytes_per_s, const SizingOptions& options) {
  return build(nullptr, given_rate(bytes_per_s), {}, options);
}

// ---- terminal form ----

namespace {

// A member of an object, or null: the terminal form reads documents that may come from
// disk, so a missing key or a wrong type never reaches nlohmann's unchecked operator[].
const nlohmann::json& field(const nlohmann::json& j, const char* key) {
  static const nlohmann::json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

}  // namespace

namespace {

double d(const json& j, const char* key, double fallback = 0) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

std::string pct(const json& v) {
  if (!v.is_number()) return "?";
  return fmt::format("{:+.1f}%", v.get<double>());
}

std::string metric_label(const std::string& metric) {
  if (metric == "throughput_rps") return "throughput";
  if (metric == "target_cpu_us_per_request") return "cpu/req";
  if (metric == "latency_p50_ns") return "p50";
  if (metric == "latency_p99_ns") return "p99";
  if (metric == "latency_p999_ns") return "p99.9";
  return metric;
}

void format_verification(std::ostringstream& out, const json& v) {
  if (!v.is_object() || v.empty()) return;
  const double wanted = d(v, "window_s");
  out << fmt::format("\nverification of the {} window on the real runtime: {}\n", seconds_text(wanted),
                     v.value("status", "?"));
  if (v.contains("attempts") && field(v, "attempts").is_array()) {
    for (const auto& a : field(v, "attempts")) {
      out << fmt::format("  attempt {}: MinAge {} MaxBytes {}, snapshot after {} of load: holds {} ({}, {} "
                         "generations, {}){}\n",
                         a.value("attempt", 0), seconds_text(d(a, "min_age_s")),
                         binary_size_text(static_cast<std::uint64_t>(d(a, "max_bytes"))), seconds_text(d(a, "filled_s")),
                         field(a, "achieved_window_s").is_number() ? fmt::format("{:.2f} s", d(a, "achieved_window_s"))
                                                            : std::string("?"),
                         binary_size_text(static_cast<std::uint64_t>(d(a, "snapshot_bytes"))),
                         a.value("generations", 0), a.value("bound_text", std::string("?")),
                         a.value("reached", false) ? "" : "  SHORT");
      if (a.value("basis_exceeded", false) && field(a, "snapshot_bytes_per_s").is_number())
        out << fmt::format("    BASIS EXCEEDED: {} here, {:.1f}% above the {} the size rests on\n",
                           rate_text(d(a, "snapshot_bytes_per_s")),
                           (d(a, "snapshot_bytes_per_s") / d(v, "upper_bytes_per_s") - 1) * 100,
                           rate_text(d(v, "upper_bytes_per_s")));
      if (a.contains("rss_growth_bytes") && field(a, "rss_growth_bytes").is_number())
        out << fmt::format("    target RSS grew {} (expected live {}, up to {}){}\n",
                           signed_size_text(d(a, "rss_growth_bytes")),
                           binary_size_text(static_cast<std::uint64_t>(d(a, "expected_live_bytes"))),
                           binary_size_text(static_cast<std::uint64_t>(d(a, "expected_rss_high_bytes"))),
                           a.value("rss_exceeded", false) ? "  RSS EXCEEDED" : "");
    }
  }
  if (v.contains("reason") && field(v, "reason").is_string()) out << "  " << field(v, "reason").get<std::string>() << "\n";
  if (v.contains("go_runtime_trace") && field(v, "go_runtime_trace").is_string())
    out << "\n" << field(v, "go_runtime_trace").get<std::string>();
}

}  // namespace

std::string format_recommendations(const json& rec, const json& verification) {
  std::ostringstream out;
  if (!rec.is_object()) return {};
  out << "\nsizing\n";
  const json& rate = field(rec, "rate");
  if (rate.is_object()) {
    const std::string source = rate.value("source", "");
    if (source == "given") {
      out << fmt::format("  trace rate {} (given); sized for {} ({})\n", rate_text(d(rate, "median_bytes_per_s")),
                         rate_text(d(rate, "upper_bytes_per_s")), rate.value("upper_basis", ""));
    } else {
      out << fmt::format("  trace rate {} median over {} {}, highest {}", rate_text(d(rate, "median_bytes_per_s")),
                         rate.value("rounds", 0), source_text(source), rate_text(d(rate, "upper_bytes_per_s")));
      if (field(rate, "events_per_s").is_number()) out << fmt::format(", {:.0f}k events/s", d(rate, "events_per_s") / 1e3);
      out << "\n";
      // Which rate the sizes rest on, and the other one when the run had both.
      out << fmt::format("  sized for {}: {}\n", rate_text(d(rate, "upper_bytes_per_s")), rate.value("upper_basis", ""));
    }
  }
  const json& frs = field(rec, "flight_recorder");
  if (frs.is_array() && !frs.empty()) {
    out << "\n  flight recorder: MaxBytes = highest rate × (window + 1 generation), rounded up; MinAge = 2 × window\n";
    out << fmt::format("  {:<8} {:<8} {:>10} {:>9} {:>17} {:>12} {:>14}\n", "window", "MinAge", "MaxBytes",
                       "headroom", "window at median", "memory live", "RSS up to");
    for (const auto& f : frs)
      out << fmt::format("  {:<8} {:<8} {:>10} {:>8.2f}× {:>17} {:>12} {:>14}\n", seconds_text(d(f, "window_s")),
                         seconds_text(d(f, "min_age_s")), f.value("max_bytes_text", ""), d(f, "headroom"),
                         seconds_text(d(f, "window_at_median_s")),
                         binary_size_text(static_cast<std::uint64_t>(d(f, "expected_live_bytes"))),
                         binary_size_text(static_cast<std::uint64_t>(d(f, "expected_rss_high_bytes"))));
    // One ready-to-paste block: the verified window, else 10 s, else the first.
    const double want = verification.is_object() && verification.contains("window_s") ? d(verification, "window_s")
                        : frs.size() == 1                                              ? d(frs[0], "window_s")
                                                                                       : 10.0;
    const json* pick = &frs[0];
    for (const auto& f : frs)
      if (std::fabs(d(f, "window_s") - want) < 1e-9) pick = &f;
    out << "\n" << pick->value("go_runtime_trace", "") << "\n" << pick->value("go_x_exp", "");
    out << fmt::format("\n  agent: POST /debug/tracebench/flightrecorder/{}\n", pick->value("agent_start", ""));
  }
  const json& mem = field(rec, "memory");
  if (mem.is_object()) {
    out << "  memory: " << mem.value("formula", "") << "\n";
    if (field(mem, "measured").is_object()) {
      const json& m = field(mem, "measured");
      out << fmt::format("  measured in this run: RSS median {} with the recorder on vs {} off ({:+.1f} MiB; "
                         "a round's ring held at most {})\n",
                         binary_size_text(static_cast<std::uint64_t>(d(m, "flightrecorder_rss_median_bytes"))),
                         binary_size_text(static_cast<std::uint64_t>(d(m, "off_rss_median_bytes"))),
                         d(m, "delta_bytes") / (1 << 20), seconds_text(d(m, "round_held_s")));
    }
  }
  const json& caps = field(rec, "capture_windows");
  if (caps.is_array() && !caps.empty()) {
    std::vector<std::string> tools;
    for (const auto& s : field(rec, "parse_speeds")) tools.push_back(s.value("tool", ""));
    out << "\n  capture (/debug/pprof/trace?seconds=N) for a file budget\n";
    std::string header = fmt::format("  {:<9} {:>8} {:>22}", "budget", "seconds", "file (median .. most)");
    for (const auto& t : tools) header += fmt::format(" {:>16}", "open: " + t);
    out << header << "\n";
    bool any_extrapolated = false;
    for (const auto& c : caps) {
      if (d(c, "seconds") <= 0) {
        out << fmt::format("  {:<9} {:>8}   0.1 s already exceeds it at the highest rate\n",
                           decimal_size_text(d(c, "budget_bytes")), "-");
        continue;
      }
      std::string line = fmt::format("  {:<9} {:>8} {:>22}", decimal_size_text(d(c, "budget_bytes")),
                                     fmt::format("{:g}", d(c, "seconds")),
                                     decimal_size_text(d(c, "expected_bytes")) + " .. " +
                                         decimal_size_text(d(c, "upper_bytes")));
      for (const auto& t : tools) {
        std::string cell = "-";
        for (const auto& o : field(c, "open"))
          if (o.value("tool", "") == t)
          {
            cell = seconds_text(d(o, "expected_seconds")) + (o.value("extrapolated", false) ? "*" : "");
            any_extrapolated = any_extrapolated || o.value("extrapolated", false);
          }
        line += fmt::format(" {:>16}", cell);
      }
      out << line << "\n";
    }
    for (const auto& s : field(rec, "parse_speeds")) {
      out << fmt::format("  {} parses {:.0f} MB/s", s.value("tool", ""), d(s, "mb_per_s"));
      if (field(s, "file_bytes").is_number())
        out << fmt::format(" (measured on {}, {})", decimal_size_text(d(s, "file_bytes")),
                           field(s, "seconds").is_number() ? seconds_text(d(s, "seconds")) : std::string("?"));
      else if (field(s, "basis").is_string())
        out << " (" << field(s, "basis").get<std::string>() << ")";
      out << "\n";
    }
    if (any_extrapolated) out << "  * extrapolated linearly from a file under half that size\n";
  }
  const json& ov = field(rec, "overhead");
  if (ov.is_object() && field(ov, "modes").is_array() && !field(ov, "modes").empty()) {
    if (field(ov, "budget_pct").is_number())
      out << fmt::format("\n  overhead against a {:g}% budget (judged on the 95% CI of each change against off):\n",
                         d(ov, "budget_pct"));
    else
      out << "\n  overhead (cost against off, 95% CI; pass --budget 2% for a verdict):\n";
    for (const auto& m : field(ov, "modes")) {
      std::string line = fmt::format("  {:<15} {:<13}", m.value("mode", ""),
                                     field(m, "verdict").is_string() ? field(m, "verdict").get<std::string>() : std::string());
      for (const auto& x : field(m, "metrics")) {
        if (!x.value("judged", false)) continue;
        line += fmt::format(" {} {} [{}, {}]", metric_label(x.value("metric", "")), pct(field(x, "cost_pct")),
                            pct(field(x, "cost_low_pct")), pct(field(x, "cost_high_pct")));
      }
      out << line << "\n";
    }
    out << "  (cost: throughput drop, latency and CPU-per-request rise, in %)\n";
    for (const auto& n : field(ov, "notes")) out << "  note: " << n.get<std::string>() << "\n";
  }
  if (rec.contains("missing"))
    for (const auto& m : field(rec, "missing")) out << "  not computed: " << m.get<std::string>() << "\n";
  if (rec.contains("notes"))
    for (const auto& n : field(rec, "notes")) out << "  note: " << n.get<std::string>() << "\n";
  for (const auto& w : field(rec, "warnings"))
    if (w.is_string()) out << "  warning: " << w.get<std::string>() << "\n";
  format_verification(out, verification);
  return out.str();
}

}  // namespace tracebench::sizing
