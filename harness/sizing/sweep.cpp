#include "sizing/sweep.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "sizing/flight_recorder_size.h"
#include "sizing/linear_fit.h"
#include "sizing/result_rates.h"
#include "units/duration_text.h"
#include "units/size_text.h"

namespace tracebench::sizing {

using nlohmann::json;
using units::binary_size_text;
using units::rate_text;
using units::seconds_minutes_text;

std::string_view to_string(SweepAxis axis) { return axis == SweepAxis::kRate ? "rate_rps" : "connections"; }

namespace {

constexpr const char* kMetricsFitted[] = {"throughput_rps", "latency_p50_ns", "latency_p99_ns", "latency_p999_ns",
                                          "target_cpu_us_per_request"};

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

bool round_complete(const json& r) {
  return !(r.contains("complete") && r["complete"].is_boolean() && !r["complete"].get<bool>());
}

// The CPU a process spent per second of a round (CPU µs per request × requests per second),
// the median over the level's complete rounds: a generator near a whole CPU competes with
// the target, and a report says so for the level where it happened.
std::optional<double> cpu_share(const json& result, const char* key) {
  std::vector<double> v;
  if (!result.contains("rounds") || !result["rounds"].is_array()) return std::nullopt;
  for (const auto& r : result["rounds"]) {
    if (!r.is_object() || !round_complete(r)) continue;
    const auto us = number_at(r, {key});
    const auto rps = number_at(r, {"throughput_rps"});
    if (us && rps) v.push_back(*us * *rps / 1e6);
  }
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

json summarize_level(const json& result, SweepAxis axis, double level, std::size_t index) {
  json s = {{"index", index},
            {"axis", to_string(axis)},
            {"level", level},
            {"load", axis == SweepAxis::kRate ? json{{"rate_rps", level}} : json{{"connections", level}}},
            {"result", nullptr},
            {"status", "measured"},
            {"reached", nullptr},
            {"invalid_reasons", json::array()},
            {"reason", nullptr},
            {"throughput_rps", json::object()},
            {"trace_bytes_per_s", nullptr},
            {"trace_events_per_s", nullptr},
            {"modes", json::object()},
            {"comparisons", json::array()},
            {"fr_window_s", nullptr},
            {"generator_cpu_share", nullptr},
            {"target_cpu_share", nullptr},
            {"errors", 0},
            {"warnings", json::array()}};
  if (std::string bad = check_run_result(result); !bad.empty()) {
    s["status"] = "failed";
    s["reason"] = bad;
    return s;
  }
  if (result.contains("modes") && result["modes"].is_object()) {
    for (const auto& [mode, m] : result["modes"].items()) {
      json mj = json::object();
      mj["throughput_rps"] = opt(number_at(m, {"throughput_rps", "median"}));
      mj["latency_p50_ns"] = opt(number_at(m, {"latency_ns", "p50", "median"}));
      mj["latency_p99_ns"] = opt(number_at(m, {"latency_ns", "p99", "median"}));
      mj["latency_p999_ns"] = opt(number_at(m, {"latency_ns", "p999", "median"}));
      mj["target_cpu_us_per_request"] = opt(number_at(m, {"target_cpu_us_per_request", "median"}));
      mj["rounds"] = m.value("rounds", 0);
      s["modes"][mode] = mj;
      s["throughput_rps"][mode] = m.contains("throughput_rps") ? m["throughput_rps"] : json(nullptr);
    }
  }
  if (result.contains("comparisons") && result["comparisons"].is_array()) {
    for (const auto& c : result["comparisons"]) {
      if (!c.is_object()) continue;
      s["comparisons"].push_back({{"mode", c.value("mode", "")},
                                  {"metric", c.value("metric", "")},
                                  {"delta_pct", c.contains("delta_pct") ? c["delta_pct"] : json(nullptr)},
                                  {"ci_low_pct", c.contains("ci_low_pct") ? c["ci_low_pct"] : json(nullptr)},
                                  {"ci_high_pct", c.contains("ci_high_pct") ? c["ci_high_pct"] : json(nullptr)},
                                  {"significant", c.value("significant", false)}});
    }
  }
  std::string why;
  if (auto rate = measured_rate(result, &why)) {
    s["trace_bytes_per_s"] = {{"source", rate->source},
                              {"median", rate->median_bytes_per_s},
                              {"ci_low", opt(rate->ci_low)},
                              {"ci_high", opt(rate->ci_high)},
                              {"n", rate->round_bytes_per_s.size()},
                              {"upper", rate->basis.upper_bytes_per_s}};
    s["trace_events_per_s"] = opt(rate->events_per_s_median);
    // The load the rate was measured at: that mode's own median throughput.
    s["trace_throughput_rps"] = opt(number_at(result, {"modes", rate->source, "throughput_rps", "median"}));
  }
  s["fr_window_s"] = opt(number_at(result, {"modes", "flightrecorder", "fr_window_s", "median"}));
  s["generator_cpu_share"] = opt(cpu_share(result, "generator_cpu_us_per_request"));
  s["target_cpu_share"] = opt(cpu_share(result, "target_cpu_us_per_request"));
  double errors = 0;
  if (result.contains("rounds") && result["rounds"].is_array())
    for (const auto& r : result["rounds"]) errors += number_at(r, {"errors"}).value_or(0);
  s["errors"] = errors;
  if (result.contains("warnings") && result["warnings"].is_array())
    for (const auto& w : result["warnings"])
      if (w.is_string()) s["warnings"].push_back(w);

  const auto off_rps = number_at(result, {"modes", "off", "throughput_rps", "median"});
  if (result.contains("complete") && result["complete"].is_boolean() && !result["complete"].get<bool>()) {
    s["status"] = "failed";
    s["reason"] = fmt::format("the run stopped early: {}", result.value("stop_reason", std::string("?")));
    return s;
  }
  if (axis == SweepAxis::kRate) {
    const bool reached = off_rps && *off_rps >= kReachedFraction * level;
    s["reached"] = reached;
    if (!reached) {
      s["status"] = "not_reached";
      s["reason"] = off_rps ? fmt::format("not reached: the target answered {:.0f} req/s of the {:g} asked "
                                          "(under {:.0f}%), so this level is not fitted",
                                          *off_rps, level, kReachedFraction * 100)
                            : std::string("not reached: no off rounds measured a throughput");
      return s;
    }
  } else {
    s["reached"] = off_rps.has_value() && *off_rps > 0;
    if (!s["reached"].get<bool>()) {
      s["status"] = "not_reached";
      s["reason"] = "not reached: no off rounds measured a throughput";
      return s;
    }
  }
  // A run marked invalid (generator lag, too few rounds) blurs its latency comparisons; its
  // trace rate and CPU per request still stand, so the level is fitted and the model says so.
  s["invalid_reasons"] = result.contains("invalid_reasons") && result["invalid_reasons"].is_array()
                             ? result["invalid_reasons"]
                             : json::array();
  if (s["trace_bytes_per_s"].is_null()) s["reason"] = "no trace rate measured at this level: " + why;
  return s;
}

json fit_model(const json& levels, std::optional<double> production_rate, const SizingOptions& sizing) {
  json model = {{"x", "throughput_rps"},
                {"levels_fitted", json::array()},
                {"bytes_per_s", nullptr},
                {"events_per_s", nullptr},
                {"overhead", json::array()},
                {"prediction", nullptr},
                {"notes", json::array()}};
  std::vector<double> x_rate, y_rate, x_events, y_events;
  double spread = 1.0;
  std::vector<const json*> used;
  for (const auto& l : levels) {
    if (l.value("status", "") != "measured") continue;
    used.push_back(&l);
    model["levels_fitted"].push_back(l["index"]);
    const auto rate = number_at(l, {"trace_bytes_per_s", "median"});
    const auto upper = number_at(l, {"trace_bytes_per_s", "upper"});
    const auto x = number_at(l, {"trace_throughput_rps"});
    if (rate && x) {
      x_rate.push_back(*x);
      y_rate.push_back(*rate);
      if (upper && *rate > 0) spread = std::max(spread, *upper / *rate);
      if (auto ev = number_at(l, {"trace_events_per_s"})) {
        x_events.push_back(*x);
        y_events.push_back(*ev);
      }
    }
  }
  std::string why;
  const auto rate_fit = fit_line(x_rate, y_rate, &why);
  if (rate_fit) {
    json f = to_json(*rate_fit);
    f["idle_bytes_per_s"] = rate_fit->intercept;
    f["bytes_per_request"] = rate_fit->slope;
    f["spread_factor"] = spread;
    model["bytes_per_s"] = f;
    if (rate_fit->intercept < 0)
      model["notes"].push_back("the bytes/s intercept is negative: as an idle rate it means nothing (noise, or the "
                               "rate is not linear down to zero load); the line holds over the measured range");
  } else if (!used.empty() && x_rate.empty()) {
    model["notes"].push_back("no bytes/s model: no fitted level measured a trace rate (the sweep needs the trace or "
                             "flightrecorder mode)");
  } else {
    model["notes"].push_back("no bytes/s model: " + why);
  }
  if (auto ev_fit = fit_line(x_events, y_events, nullptr)) model["events_per_s"] = to_json(*ev_fit);

  // Overhead: each mode's change against off, per metric, against the off throughput.
  std::vector<std::pair<std::string, std::string>> series;
  for (const json* l : used)
    for (const auto& c : (*l)["comparisons"]) {
      auto key = std::make_pair(c.value("mode", ""), c.value("metric", ""));
      if (std::find(series.begin(), series.end(), key) == series.end()) series.push_back(key);
    }
  std::vector<std::pair<std::pair<std::string, std::string>, LinearFit>> overhead_fits;
  for (const auto& [mode, metric] : series) {
    if (std::find(std::begin(kMetricsFitted), std::end(kMetricsFitted), metric) == std::end(kMetricsFitted)) continue;
    std::vector<double> xs, ys;
    for (const json* l : used) {
      const auto x = number_at(*l, {"modes", "off", "throughput_rps"});
      if (!x) continue;
      for (const auto& c : (*l)["comparisons"]) {
        if (c.value("mode", "") != mode || c.value("metric", "") != metric) continue;
        if (auto d = number_at(c, {"delta_pct"})) {
          xs.push_back(*x);
          ys.push_back(*d);
        }
      }
    }
    json f = {{"mode", mode}, {"metric", metric}, {"x", "off throughput_rps"}};
    std::string fit_why;
    if (auto fit = fit_line(xs, ys, &fit_why)) {
      f.update(to_json(*fit));
      overhead_fits.push_back({{mode, metric}, *fit});
    } else {
      f["error"] = fit_why;
    }
    model["overhead"].push_back(f);
  }
  std::string marked;
  for (const json* l : used)
    if (l->contains("invalid_reasons") && !(*l)["invalid_reasons"].empty())
      marked += fmt::format("{}{:g}", marked.empty() ? "" : ", ", (*l)["level"].get<double>());
  if (!marked.empty())
    model["notes"].push_back(fmt::format(
        "levels {} were marked invalid (see their invalid_reasons): their trace rates and CPU per request are "
        "fitted, but their latency changes are blurred by it",
        marked));
  std::vector<std::string> sources;
  for (const json* l : used)
    if (const json& t = (*l)["trace_bytes_per_s"]; t.is_object() && t.contains("source") && t["source"].is_string() &&
                                                  std::find(sources.begin(), sources.end(), t["source"]) == sources.end())
      sources.push_back(t["source"].get<std::string>());
  if (sources.size() > 1)
    model["notes"].push_back("the levels' rates come from different sources (pprof captures at some, flight-recorder "
                             "snapshots at others: each level uses the higher of its two): the line mixes them");
  if (used.size() == 2)
    model["notes"].push_back("two levels: a line through two points fits exactly, so R² = 1 says nothing; run three "
                             "or more levels");

  if (production_rate) {
    const double r = *production_rate;
    json p = {{"production_rate_rps", r}, {"extrapolated", false}, {"extrapolation", nullptr},
              {"bytes_per_s", nullptr}, {"flight_recorder", json::array()}, {"capture_windows", json::array()},
              {"overhead", json::array()}, {"notes", json::array()}};
    if (rate_fit) {
      const Prediction pr = predict(*rate_fit, r);
      p["bytes_per_s"] = to_json(pr);
      if (pr.extrapolated) {
        p["extrapolated"] = true;
        p["extrapolation"] = fmt::format(
            "{:g} req/s is {} the measured range ({:.0f} to {:.0f} req/s): the linear model is an assumption there",
            r, r > rate_fit->x_max ? "above" : "below", rate_fit->x_min, rate_fit->x_max);
      }
      // Beyond the measured range the line is an assumption, so sizes rest on the upper end
      // of its 95% prediction interval when that is higher than the estimate × spread.
      double upper = pr.estimate * spread;
      std::string upper_words = fmt::format("the predicted rate × {:.2f}, the largest spread of a fitted level "
                                            "(highest round over median)",
                                            spread);
      if (pr.extrapolated) {
        if (pr.high && *pr.high > upper) {
          upper = *pr.high;
          upper_words = fmt::format("the upper end of the 95% prediction interval ({}), because {:g} req/s is "
                                    "extrapolated (it is above the predicted rate × the largest level spread, {} × "
                                    "{:.2f} = {})",
                                    rate_text(*pr.high), r, rate_text(pr.estimate), spread,
                                    rate_text(pr.estimate * spread));
        } else if (pr.high) {
          upper_words += fmt::format(" (extrapolated: this is above the upper end of the 95% prediction interval, {})",
                                     rate_text(*pr.high));
        } else {
          upper_words += " (extrapolated, and with two levels there is no prediction interval to size from: run "
                         "three or more levels, up to the production rate)";
        }
      }
      p["sized_from_bytes_per_s"] = upper;
      if (pr.estimate > 0 && upper > kMaxBytesPerSec) {
        p["notes"].push_back(fmt::format("the rate to size for, {:.3g} B/s, is above the 10 GB/s any trace could "
                                         "plausibly reach: no sizes at {:g} req/s (the model is far outside its range)",
                                         upper, r));
      } else if (pr.estimate > 0) {
        RateBasis basis{pr.estimate, std::max(upper, pr.estimate)};
        for (std::int64_t w : sizing.windows_ns) {
          const FlightRecorderSize s = size_flight_recorder(basis, w);
          p["flight_recorder"].push_back({{"window_s", static_cast<double>(w) / 1e9},
                                          {"min_age_s", static_cast<double>(s.min_age_ns) / 1e9},
                                          {"max_bytes", s.max_bytes},
                                          {"max_bytes_text", binary_size_text(s.max_bytes)},
                                          {"expected_live_bytes", s.expected_live_bytes},
                                          {"expected_rss_high_bytes", s.expected_rss_high_bytes},
                                          {"go_runtime_trace",
                                           go_runtime_trace_snippet(
                                               s, fmt::format("{} window at a predicted {} for {:g} req/s{}",
                                                              seconds_minutes_text(static_cast<double>(w) / 1e9),
                                                              rate_text(pr.estimate), r,
                                                              pr.extrapolated
                                                                  ? fmt::format(" (extrapolated; sized for {})",
                                                                                rate_text(basis.upper_bytes_per_s))
                                                                  : std::string()))}});
          if (s.max_bytes > kPlausibleMemoryBytes || s.expected_rss_high_bytes > kPlausibleMemoryBytes)
            p["notes"].push_back(fmt::format("warning: the {} window needs MaxBytes {} (RSS up to {}), over {}: more "
                                             "than a flight recorder can plausibly hold in one process",
                                             seconds_minutes_text(static_cast<double>(w) / 1e9), binary_size_text(s.max_bytes),
                                             binary_size_text(s.expected_rss_high_bytes),
                                             binary_size_text(kPlausibleMemoryBytes)));
        }
        for (std::uint64_t b : sizing.file_budgets_bytes) {
          const CaptureWindow c = capture_window_for_budget(basis, b);
          p["capture_windows"].push_back({{"budget_bytes", b}, {"seconds", c.seconds},
                                          {"expected_bytes", c.expected_bytes}, {"upper_bytes", c.upper_bytes}});
        }
        p["notes"].push_back("sizes use " + upper_words);
      } else {
        p["notes"].push_back("the predicted bytes/s is not positive: no sizes at this rate");
      }
    }
    for (const auto& [key, fit] : overhead_fits) {
      const Prediction pr = predict(fit, r);
      json o = to_json(pr);
      o["mode"] = key.first;
      o["metric"] = key.second;
      p["overhead"].push_back(o);
      if (pr.extrapolated && !rate_fit) p["extrapolated"] = true;
    }
    model["prediction"] = p;
  }
  return model;
}

}  // namespace tracebench::sizing
