#include "sizing/sweep.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "result/json_number.h"
#include "result/run_result.h"
#include "result/sweep_result.h"
#include "sizing/flight_recorder_size.h"
#include "sizing/linear_fit.h"
#include "sizing/result_rates.h"
#include "units/duration_text.h"
#include "units/size_text.h"

namespace tracebench::sizing {

using nlohmann::json;
using result::LevelStatus;
using result::SweepLevelView;
using units::binary_size_text;
using units::rate_text;
using units::seconds_minutes_text;

std::string_view to_string(SweepAxis axis) { return axis == SweepAxis::kRate ? "rate_rps" : "connections"; }

namespace {

constexpr const char* kMetricsFitted[] = {"throughput_rps", "latency_p50_ns", "latency_p99_ns", "latency_p999_ns",
                                          "target_cpu_us_per_request"};


// A count as the run result writes it: an integer when it is one.
json count_json(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9e15) return json(static_cast<std::int64_t>(v));
  return json(v);
}

// A mode's interval as the run result holds it, for levels[].throughput_rps.<mode>.
json interval_json(const result::Interval& i) {
  if (!i.median && !i.ci_low && !i.ci_high && !i.n) return nullptr;
  json j = {{"median", result::number_or_null(i.median)}, {"ci_low", result::number_or_null(i.ci_low)}, {"ci_high", result::number_or_null(i.ci_high)},
            {"n", i.n ? count_json(*i.n) : json(nullptr)}};
  if (i.ci_coverage) j["ci_coverage"] = *i.ci_coverage;
  return j;
}

// The CPU a process spent per second of a round (CPU µs per request × requests per second),
// the median over the level's complete rounds: a generator near a whole CPU competes with
// the target, and a report says so for the level where it happened.
std::optional<double> cpu_share(const result::RunResultView& run,
                                std::optional<double> result::RoundView::*cpu_us_per_request) {
  std::vector<double> v;
  for (const auto& r : run.rounds) {
    if (!r.complete.value_or(true)) continue;
    const auto us = r.*cpu_us_per_request;
    if (us && r.throughput_rps) v.push_back(*us * *r.throughput_rps / 1e6);
  }
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

json empty_level(SweepAxis axis, double level, std::size_t index) {
  return {{"index", index},
          {"axis", to_string(axis)},
          {"level", level},
          {"load", axis == SweepAxis::kRate ? json{{"rate_rps", level}} : json{{"connections", level}}},
          {"result", nullptr},
          {"status", to_string(LevelStatus::kMeasured)},
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
}

// The figures of a level that do not depend on whether it was reached.
void summarize_figures(const result::RunResultView& run, json& s, std::string& why_no_rate) {
  for (const auto& m : run.modes) {
    s["modes"][m.name] = {{"throughput_rps", result::number_or_null(m.throughput_rps.median)},
                          {"latency_p50_ns", result::number_or_null(m.latency_p50_ns.median)},
                          {"latency_p99_ns", result::number_or_null(m.latency_p99_ns.median)},
                          {"latency_p999_ns", result::number_or_null(m.latency_p999_ns.median)},
                          {"target_cpu_us_per_request", result::number_or_null(m.target_cpu_us_per_request.median)},
                          {"rounds", count_json(m.rounds.value_or(0))}};
    s["throughput_rps"][m.name] = interval_json(m.throughput_rps);
  }
  for (const auto& c : run.comparisons)
    s["comparisons"].push_back({{"mode", c.mode},
                                {"metric", c.metric},
                                {"delta_pct", result::number_or_null(c.delta_pct)},
                                {"ci_low_pct", result::number_or_null(c.ci_low_pct)},
                                {"ci_high_pct", result::number_or_null(c.ci_high_pct)},
                                {"significant", c.significant}});
  if (auto rate = measured_rate(run, &why_no_rate)) {
    s["trace_bytes_per_s"] = {{"source", rate->source},
                              {"median", rate->median_bytes_per_s},
                              {"ci_low", result::number_or_null(rate->ci_low)},
                              {"ci_high", result::number_or_null(rate->ci_high)},
                              {"n", rate->round_bytes_per_s.size()},
                              {"upper", rate->basis.upper_bytes_per_s}};
    s["trace_events_per_s"] = result::number_or_null(rate->events_per_s_median);
    // The load the rate was measured at: that mode's own median throughput.
    const result::ModeView* source = run.mode(rate->source);
    s["trace_throughput_rps"] = result::number_or_null(source ? source->throughput_rps.median : std::nullopt);
  }
  const result::ModeView* fr = run.mode("flightrecorder");
  s["fr_window_s"] = result::number_or_null(fr ? fr->fr_window_s.median : std::nullopt);
  s["generator_cpu_share"] = result::number_or_null(cpu_share(run, &result::RoundView::generator_cpu_us_per_request));
  s["target_cpu_share"] = result::number_or_null(cpu_share(run, &result::RoundView::target_cpu_us_per_request));
  double errors = 0;
  for (const auto& r : run.rounds) errors += r.errors.value_or(0);
  s["errors"] = errors;
  s["warnings"] = run.warnings;
}

// Whether the level reached its load; sets status and reason when it did not.
bool reached(const result::RunResultView& run, SweepAxis axis, double level, json& s) {
  const result::ModeView* off = run.mode("off");
  const auto off_rps = off ? off->throughput_rps.median : std::nullopt;
  if (axis == SweepAxis::kRate) {
    s["reached"] = off_rps && *off_rps >= kReachedFraction * level;
    if (s["reached"].get<bool>()) return true;
    s["reason"] = off_rps ? fmt::format("not reached: the target answered {:.0f} req/s of the {:g} asked "
                                        "(under {:.0f}%), so this level is not fitted",
                                        *off_rps, level, kReachedFraction * 100)
                          : std::string("not reached: no off rounds measured a throughput");
  } else {
    s["reached"] = off_rps.has_value() && *off_rps > 0;
    if (s["reached"].get<bool>()) return true;
    s["reason"] = "not reached: no off rounds measured a throughput";
  }
  s["status"] = to_string(LevelStatus::kNotReached);
  return false;
}

}  // namespace

json summarize_level(const json& result, SweepAxis axis, double level, std::size_t index) {
  json s = empty_level(axis, level, index);
  if (std::string bad = check_run_result(result); !bad.empty()) {
    s["status"] = to_string(LevelStatus::kFailed);
    s["reason"] = bad;
    return s;
  }
  const result::RunResultView run = result::read_run_result(result);
  std::string why_no_rate;
  summarize_figures(run, s, why_no_rate);
  if (run.complete == false) {
    s["status"] = to_string(LevelStatus::kFailed);
    s["reason"] = fmt::format("the run stopped early: {}", run.stop_reason.empty() ? "?" : run.stop_reason);
    return s;
  }
  if (!reached(run, axis, level, s)) return s;
  // A run marked invalid (generator lag, too few rounds) blurs its latency comparisons; its
  // trace rate and CPU per request still stand, so the level is fitted and the model says so.
  s["invalid_reasons"] = run.invalid_reasons;
  if (s["trace_bytes_per_s"].is_null()) s["reason"] = "no trace rate measured at this level: " + why_no_rate;
  return s;
}

namespace {

using Levels = std::vector<const SweepLevelView*>;

// The fitted levels' trace rates against the throughput they were measured at.
struct RatePoints {
  std::vector<double> x_rate, y_rate, x_events, y_events;
  // The largest ratio of a level's highest round to its median: how far a rate runs above
  // the line's estimate.
  double spread = 1.0;
};

RatePoints rate_points(const Levels& used) {
  RatePoints p;
  for (const SweepLevelView* l : used) {
    if (!l->trace_bytes_per_s) continue;
    const auto rate = l->trace_bytes_per_s->median;
    const auto upper = l->trace_bytes_per_s->upper;
    const auto x = l->trace_throughput_rps;
    if (!rate || !x) continue;
    p.x_rate.push_back(*x);
    p.y_rate.push_back(*rate);
    if (upper && *rate > 0) p.spread = std::max(p.spread, *upper / *rate);
    if (l->trace_events_per_s) {
      p.x_events.push_back(*x);
      p.y_events.push_back(*l->trace_events_per_s);
    }
  }
  return p;
}

// model.bytes_per_s, with a note when there is none or it is odd.
std::optional<LinearFit> fit_bytes_rate(const RatePoints& p, bool any_used, json& model) {
  std::string why;
  const auto fit = fit_line(p.x_rate, p.y_rate, &why);
  if (fit) {
    json f = to_json(*fit);
    f["idle_bytes_per_s"] = fit->intercept;
    f["bytes_per_request"] = fit->slope;
    f["spread_factor"] = p.spread;
    model["bytes_per_s"] = f;
    if (fit->intercept < 0)
      model["notes"].push_back("the bytes/s intercept is negative: as an idle rate it means nothing (noise, or the "
                               "rate is not linear down to zero load); the line holds over the measured range");
  } else {
    const std::string missing = any_used && p.x_rate.empty()
                                    ? "no bytes/s model: no fitted level measured a trace rate (the sweep needs the "
                                      "trace or flightrecorder mode)"
                                    : "no bytes/s model: " + why;
    model["notes"].push_back(missing);
    model["bytes_per_s_missing"] = missing;
  }
  if (auto ev_fit = fit_line(p.x_events, p.y_events, nullptr)) model["events_per_s"] = to_json(*ev_fit);
  return fit;
}

struct OverheadFit {
  std::string mode, metric;
  LinearFit fit;
};

// model.overhead: each mode's change against off, per metric, against the off throughput.
std::vector<OverheadFit> fit_overhead(const Levels& used, json& model) {
  std::vector<std::pair<std::string, std::string>> series;
  for (const SweepLevelView* l : used)
    for (const auto& c : l->comparisons) {
      auto key = std::make_pair(c.mode, c.metric);
      if (std::find(series.begin(), series.end(), key) == series.end()) series.push_back(key);
    }
  std::vector<OverheadFit> fits;
  for (const auto& [mode, metric] : series) {
    if (std::find(std::begin(kMetricsFitted), std::end(kMetricsFitted), metric) == std::end(kMetricsFitted)) continue;
    std::vector<double> xs, ys;
    for (const SweepLevelView* l : used) {
      const result::LevelModeView* off = l->mode("off");
      if (!off || !off->throughput_rps) continue;
      for (const auto& c : l->comparisons)
        if (c.mode == mode && c.metric == metric && c.delta_pct) {
          xs.push_back(*off->throughput_rps);
          ys.push_back(*c.delta_pct);
        }
    }
    json f = {{"mode", mode}, {"metric", metric}, {"x", "off throughput_rps"}};
    std::string why;
    if (auto fit = fit_line(xs, ys, &why)) {
      f.update(to_json(*fit));
      fits.push_back({mode, metric, *fit});
    } else {
      f["error"] = why;
    }
    model["overhead"].push_back(f);
  }
  return fits;
}

// What a reader of the model must know about the levels behind it.
void level_notes(const Levels& used, json& model) {
  std::string marked;
  for (const SweepLevelView* l : used)
    if (l->marked_invalid)
      marked += fmt::format("{}{:g}", marked.empty() ? "" : ", ", l->level.value_or(NAN));
  if (!marked.empty())
    model["notes"].push_back(fmt::format(
        "levels {} were marked invalid (see their invalid_reasons): their trace rates and CPU per request are "
        "fitted, but their latency changes are blurred by it",
        marked));
  std::vector<std::string> sources;
  for (const SweepLevelView* l : used)
    if (const auto& rate = l->trace_bytes_per_s)
      if (const std::string source = rate->source.value_or("");
          std::find(sources.begin(), sources.end(), source) == sources.end())
        sources.push_back(source);
  if (sources.size() > 1)
    model["notes"].push_back("the levels' rates come from different sources (pprof captures at some, flight-recorder "
                             "snapshots at others: each level uses the higher of its two): the line mixes them");
  if (used.size() == 2)
    model["notes"].push_back("two levels: a line through two points fits exactly, so R² = 1 says nothing; run three "
                             "or more levels");
}

// The rate to size for at the production rate r, and how it was chosen, in words. Beyond
// the measured range the line is an assumption, so sizes rest on the upper end of its 95%
// prediction interval when that is higher than the estimate × spread.
std::pair<double, std::string> sizing_rate(const Prediction& pr, double spread, double r) {
  double upper = pr.estimate * spread;
  std::string words = fmt::format("the predicted rate × {:.2f}, the largest spread of a fitted level "
                                  "(highest round over median)",
                                  spread);
  if (!pr.extrapolated) return {upper, words};
  if (pr.high && *pr.high > upper) {
    upper = *pr.high;
    words = fmt::format("the upper end of the 95% prediction interval ({}), because {:g} req/s is "
                        "extrapolated (it is above the predicted rate × the largest level spread, {} × "
                        "{:.2f} = {})",
                        rate_text(*pr.high), r, rate_text(pr.estimate), spread, rate_text(pr.estimate * spread));
  } else if (pr.high) {
    words += fmt::format(" (extrapolated: this is above the upper end of the 95% prediction interval, {})",
                         rate_text(*pr.high));
  } else {
    words += " (extrapolated, and with two levels there is no prediction interval to size from: run "
             "three or more levels, up to the production rate)";
  }
  return {upper, words};
}

// prediction.flight_recorder and capture_windows for a predicted rate.
void production_sizes(const Prediction& pr, double r, const RateBasis& basis, const SizingOptions& sizing, json& p) {
  for (std::int64_t w : sizing.windows_ns) {
    const FlightRecorderSize s = size_flight_recorder(basis, w);
    const std::string window = seconds_minutes_text(static_cast<double>(w) / 1e9);
    p["flight_recorder"].push_back(
        {{"window_s", static_cast<double>(w) / 1e9},
         {"min_age_s", static_cast<double>(s.min_age_ns) / 1e9},
         {"max_bytes", s.max_bytes},
         {"max_bytes_text", binary_size_text(s.max_bytes)},
         {"expected_live_bytes", s.expected_live_bytes},
         {"expected_rss_high_bytes", s.expected_rss_high_bytes},
         {"go_runtime_trace",
          go_runtime_trace_snippet(
              s, fmt::format("{} window at a predicted {} for {:g} req/s{}", window, rate_text(pr.estimate), r,
                             pr.extrapolated ? fmt::format(" (extrapolated; sized for {})", rate_text(basis.upper_bytes_per_s))
                                             : std::string()))}});
    if (s.max_bytes > kPlausibleMemoryBytes || s.expected_rss_high_bytes > kPlausibleMemoryBytes)
      p["notes"].push_back(fmt::format("warning: the {} window needs MaxBytes {} (RSS up to {}), over {}: more "
                                       "than a flight recorder can plausibly hold in one process",
                                       window, binary_size_text(s.max_bytes), binary_size_text(s.expected_rss_high_bytes),
                                       binary_size_text(kPlausibleMemoryBytes)));
  }
  for (std::uint64_t b : sizing.file_budgets_bytes) {
    const CaptureWindow c = capture_window_for_budget(basis, b);
    p["capture_windows"].push_back({{"budget_bytes", b}, {"seconds", c.seconds},
                                    {"expected_bytes", c.expected_bytes}, {"upper_bytes", c.upper_bytes}});
  }
}

// prediction.bytes_per_s and the sizes at the production rate r.
void predict_trace_rate(const LinearFit& rate_fit, double spread, double r, const SizingOptions& sizing, json& p) {
  const Prediction pr = predict(rate_fit, r);
  p["bytes_per_s"] = to_json(pr);
  if (pr.extrapolated) {
    p["extrapolated"] = true;
    p["extrapolation"] = fmt::format(
        "{:g} req/s is {} the measured range ({:.0f} to {:.0f} req/s): the linear model is an assumption there", r,
        r > rate_fit.x_max ? "above" : "below", rate_fit.x_min, rate_fit.x_max);
  }
  const auto [upper, upper_words] = sizing_rate(pr, spread, r);
  p["sized_from_bytes_per_s"] = upper;
  if (pr.estimate > 0 && upper > kMaxBytesPerSec) {
    p["notes"].push_back(fmt::format("the rate to size for, {:.3g} B/s, is above the 10 GB/s any trace could "
                                     "plausibly reach: no sizes at {:g} req/s (the model is far outside its range)",
                                     upper, r));
  } else if (pr.estimate > 0) {
    production_sizes(pr, r, RateBasis{pr.estimate, std::max(upper, pr.estimate)}, sizing, p);
    p["notes"].push_back("sizes use " + upper_words);
  } else {
    p["notes"].push_back("the predicted bytes/s is not positive: no sizes at this rate");
  }
}

// model.prediction at the production rate r.
json predict_at(double r, const std::optional<LinearFit>& rate_fit, double spread,
                const std::vector<OverheadFit>& overhead, const SizingOptions& sizing) {
  json p = {{"production_rate_rps", r}, {"extrapolated", false}, {"extrapolation", nullptr},
            {"bytes_per_s", nullptr}, {"flight_recorder", json::array()}, {"capture_windows", json::array()},
            {"overhead", json::array()}, {"notes", json::array()}};
  if (rate_fit) predict_trace_rate(*rate_fit, spread, r, sizing, p);
  for (const auto& o : overhead) {
    const Prediction pr = predict(o.fit, r);
    json j = to_json(pr);
    j["mode"] = o.mode;
    j["metric"] = o.metric;
    p["overhead"].push_back(j);
    if (pr.extrapolated && !rate_fit) p["extrapolated"] = true;
  }
  return p;
}

}  // namespace

json fit_model(const json& levels, std::optional<double> production_rate, const SizingOptions& sizing) {
  json model = {{"x", "throughput_rps"},
                {"levels_fitted", json::array()},
                {"bytes_per_s", nullptr},
                {"events_per_s", nullptr},
                {"overhead", json::array()},
                {"prediction", nullptr},
                {"notes", json::array()}};
  const std::vector<SweepLevelView> all = result::read_sweep_levels(levels);
  Levels used;
  for (const auto& l : all)
    if (l.status == LevelStatus::kMeasured) {
      used.push_back(&l);
      model["levels_fitted"].push_back(l.index ? count_json(*l.index) : json(nullptr));
    }
  const RatePoints points = rate_points(used);
  const auto rate_fit = fit_bytes_rate(points, !used.empty(), model);
  const auto overhead = fit_overhead(used, model);
  level_notes(used, model);
  if (production_rate) model["prediction"] = predict_at(*production_rate, rate_fit, points.spread, overhead, sizing);
  return model;
}

}  // namespace tracebench::sizing
