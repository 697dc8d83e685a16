// The sweep's plots: trace bytes/s and overhead against load, each with the levels as
// measured (their 95% CIs as error bars), the fitted line over the measured range, its
// extrapolation dashed, and the production point with its 95% prediction interval. Data
// comes from the sweep document alone (levels[] and model).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "reports/plot_job.h"
#include "result/sweep_result.h"

namespace tracebench::reports::detail {
namespace {

using result::FitView;
using result::SweepLevelView;
using result::SweepView;

struct Line {
  double intercept = 0, slope = 0, x_min = 0, x_max = 0;
  double at(double x) const { return intercept + slope * x; }
};

std::optional<Line> line_of(const FitView& fit) {
  const auto a = fit.intercept, b = fit.slope, lo = fit.x_min, hi = fit.x_max;
  if (!a || !b || !lo || !hi || *hi < *lo) return std::nullopt;
  return Line{*a, *b, *lo, *hi};
}

struct Production {
  double x = 0;
  bool extrapolated = false;
};

const result::PredictionView* prediction_of(const SweepView& sweep) {
  return sweep.model && sweep.model->prediction ? &*sweep.model->prediction : nullptr;
}

std::optional<Production> production_of(const SweepView& sweep) {
  const result::PredictionView* p = prediction_of(sweep);
  if (!p) return std::nullopt;
  const auto x = p->production_rate_rps;
  if (!x || *x <= 0) return std::nullopt;
  return Production{*x, p->extrapolated};
}

// The fitted line as data: solid over the measured range, and the stretch out to the
// production rate (either side) as a separate, dashed, series.
void add_line(PlotJob& job, const std::string& key, const Line& line, std::optional<double> production, double scale) {
  job.data[key] = {{line.x_min, line.at(line.x_min) / scale}, {line.x_max, line.at(line.x_max) / scale}};
  if (!production) return;
  const double x = *production;
  if (x > line.x_max) job.data[key + "_extrapolated"] = {{line.x_max, line.at(line.x_max) / scale}, {x, line.at(x) / scale}};
  if (x < line.x_min) job.data[key + "_extrapolated"] = {{x, line.at(x) / scale}, {line.x_min, line.at(line.x_min) / scale}};
}

std::string level_name(const SweepLevelView& l) {
  const double level = l.level.value_or(NAN);
  return l.axis == "connections" ? fmt::format("{:g} conns", level) : fmt::format("{:g} req/s", level);
}

// Off's median throughput at the level: the x of its overhead points.
std::optional<double> off_throughput(const SweepLevelView& l) {
  const result::LevelModeView* off = l.mode("off");
  return off ? off->throughput_rps : std::nullopt;
}

// ---- trace bytes/s against load ----

std::optional<PlotJob> trace_rate(const SweepView& sweep) {
  PlotJob job;
  job.spec = {"sweep_trace_rate", "Trace data rate against load",
              "each level's median trace bytes/s at the throughput it was measured at, with its 95% CI; the line is "
              "the least-squares model (the intercept is the idle rate, the slope the bytes per request), solid over "
              "the measured levels and dashed where it extrapolates; the diamond is the production rate with its 95% "
              "prediction interval; hollow circles are levels that were measured but not fitted"};
  Rows fitted, unfitted;
  std::vector<std::string> labels;
  struct LevelLabel {
    std::string text;
    double x, y;
  };
  std::vector<LevelLabel> level_labels;
  double x_max = 0, y_max = 0;
  for (const auto& l : sweep.levels) {
    const auto x = l.trace_throughput_rps;
    if (!x || !l.trace_bytes_per_s || !l.trace_bytes_per_s->median) continue;
    const double y = *l.trace_bytes_per_s->median;
    const double lo = l.trace_bytes_per_s->ci_low.value_or(y);
    const double hi = l.trace_bytes_per_s->ci_high.value_or(y);
    (l.status == result::LevelStatus::kMeasured ? fitted : unfitted).push_back({*x, y / kMiB, lo / kMiB, hi / kMiB});
    level_labels.push_back({level_name(l), *x, y / kMiB});
    x_max = std::max(x_max, *x);
    y_max = std::max(y_max, hi / kMiB);
  }
  if (fitted.empty() && unfitted.empty()) return std::nullopt;
  const auto production = production_of(sweep);
  const auto line =
      sweep.model && sweep.model->bytes_per_s ? line_of(*sweep.model->bytes_per_s) : std::optional<Line>();
  std::vector<std::string> plot;
  if (line) {
    add_line(job, "model", *line, production ? std::optional(production->x) : std::nullopt, kMiB);
    plot.push_back("DATA(model) using 1:2 with lines lw 2 lc rgb '#dd8452' title 'model (measured range)'");
    if (job.data.count("model_extrapolated"))
      plot.push_back("DATA(model_extrapolated) using 1:2 with lines lw 2 dt 2 lc rgb '#dd8452' title 'model, "
                     "extrapolated'");
  }
  if (!fitted.empty()) {
    job.data["fitted"] = fitted;
    plot.push_back("DATA(fitted) using 1:2:3:4 with yerrorbars pt 7 ps 1.1 lw 1.5 lc rgb '#333333' title 'level "
                   "(median, 95% CI)'");
  }
  if (!unfitted.empty()) {
    job.data["unfitted"] = unfitted;
    plot.push_back("DATA(unfitted) using 1:2:3:4 with yerrorbars pt 6 ps 1.1 lw 1.5 lc rgb '#999999' title 'level "
                   "not fitted'");
  }
  if (production) {
    const auto& b = prediction_of(sweep)->bytes_per_s;
    const auto est = b ? b->estimate : std::nullopt;
    if (est) {
      const double lo = std::max(0.0, b->pi_low.value_or(*est));
      const double hi = b->pi_high.value_or(*est);
      job.data["production"] = {{production->x, *est / kMiB, lo / kMiB, hi / kMiB}};
      plot.push_back(fmt::format("DATA(production) using 1:2:3:4 with yerrorbars pt 13 ps 2 lw 2 lc rgb '#8e44ad' "
                                 "title {}",
                                 quote(production->extrapolated ? "production rate (extrapolated)" : "production rate")));
      labels.push_back(fmt::format("set label {} at {},{} right offset -1.5,0.9 font ',9' tc rgb '#8e44ad'",
                                   quote(fmt::format("{:g} req/s", production->x)), fmt_num(production->x),
                                   fmt_num(*est / kMiB)));
      y_max = std::max(y_max, hi / kMiB);
    }
    x_max = std::max(x_max, production->x);
  }
  if (line) y_max = std::max(y_max, line->at(x_max) / kMiB);
  // Below right of each point, or below left near the right edge, where it would be clipped.
  for (const auto& ll : level_labels)
    labels.push_back(fmt::format("set label {} at {},{} {} font ',9' tc rgb '#555555'", quote(ll.text), fmt_num(ll.x),
                                 fmt_num(ll.y), ll.x > 0.8 * x_max ? "right offset -0.6,-0.9" : "offset 0.6,-0.9"));
  job.script = fmt::format(
      "set title {}\nset xlabel 'throughput (req/s)'\nset ylabel 'trace data (MiB/s)'\n"
      "set xrange [0:{}]\nset yrange [0:{}]\nset grid xtics ytics lc rgb '#dddddd'\nset key top left\n{}\n"
      "plot {}\n",
      quote(job.spec.title), fmt_num(x_max * 1.1), fmt_num(std::max(y_max, 1e-6) * 1.15), fmt::join(labels, "\n"),
      fmt::join(plot, ", \\\n  "));
  return job;
}

// ---- overhead against load ----

struct Series {
  std::string mode, metric, title;
  bool cost_is_negative_delta;  // throughput: a drop is the cost
  int point_filled, point_hollow;
};

// The traced modes the levels compared, trace first, then the flight recorder, then the rest.
std::vector<std::string> compared_modes(const SweepView& sweep) {
  std::vector<std::string> modes;
  for (const auto& l : sweep.levels)
    for (const auto& c : l.comparisons)
      if (!c.mode.empty() && std::find(modes.begin(), modes.end(), c.mode) == modes.end()) modes.push_back(c.mode);
  std::sort(modes.begin(), modes.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& m) { return m == "trace" ? 0 : m == "flightrecorder" ? 1 : 2; };
    return rank(a) != rank(b) ? rank(a) < rank(b) : a < b;
  });
  return modes;
}

// Target CPU per request, and a closed-loop sweep's throughput drop; a sweep that measured
// neither (no target CPU, open loop) shows its p99 latency instead. Sets `what` to the words
// the caption uses for the choice.
std::vector<Series> overhead_series(const SweepView& sweep, bool open_loop, std::string& what) {
  auto has = [&](const std::string& metric) {
    for (const auto& l : sweep.levels)
      for (const auto& c : l.comparisons)
        if (c.metric == metric && c.delta_pct) return true;
    return false;
  };
  std::vector<Series> series;
  const bool cpu = has("target_cpu_us_per_request"), throughput = !open_loop && has("throughput_rps");
  for (const auto& m : compared_modes(sweep)) {
    if (cpu) series.push_back({m, "target_cpu_us_per_request", m + " CPU per request", false, 7, 6});
    if (throughput) series.push_back({m, "throughput_rps", m + " throughput drop", true, 9, 8});
    if (!cpu && !throughput) series.push_back({m, "latency_p99_ns", m + " p99 latency", false, 5, 4});
  }
  if (cpu && throughput) what = "the rise in target CPU per request and the drop in throughput";
  else if (cpu) what = "the rise in target CPU per request (an open-loop sweep holds throughput at the rate asked, so its change is left out)";
  else if (throughput) what = "the drop in throughput (target CPU per request was not measured)";
  else what = "the rise in p99 latency, standing in because target CPU per request was not measured";
  return series;
}

std::optional<PlotJob> overhead(const SweepView& sweep) {
  const bool open_loop = sweep.config.axis == "rate_rps" ||
                         std::any_of(sweep.levels.begin(), sweep.levels.end(),
                                     [](const SweepLevelView& l) { return l.axis == "rate_rps"; });
  PlotJob job;
  job.spec = {"sweep_overhead", "Overhead against load", ""};
  const auto production = production_of(sweep);
  std::string what;
  const std::vector<Series> series = overhead_series(sweep, open_loop, what);
  job.spec.caption = "each traced mode's cost against off at each level, in % of off's median, with its 95% CI: " +
                     what +
                     "; filled markers are significant after the correction for many comparisons, hollow ones are not; lines are the "
                     "fitted models, dashed where they extrapolate, and diamonds the prediction at the production "
                     "rate with its 95% prediction interval";
  // Series share the levels' x: each is nudged sideways a little so error bars do not hide
  // each other (the lines stay at the true load).
  double x_span = 0;
  for (const auto& l : sweep.levels)
    x_span = std::max(x_span, off_throughput(l).value_or(0));
  if (production) x_span = std::max(x_span, production->x);
  std::vector<std::string> plot = {"0 with lines lw 1 lc rgb '#888888' notitle"};
  std::vector<std::string> keys;
  double x_max = 0, y_min = 0, y_max = 0;
  int drawn = 0;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    const double sign = s.cost_is_negative_delta ? -1 : 1;
    Rows significant, not_significant;
    for (const auto& l : sweep.levels) {
      if (l.status != result::LevelStatus::kMeasured) continue;
      const auto x = off_throughput(l);
      if (!x) continue;
      for (const auto& c : l.comparisons) {
        if (c.mode != s.mode || c.metric != s.metric) continue;
        const auto d = c.delta_pct;
        if (!d) continue;
        const double a = sign * c.ci_low_pct.value_or(*d), b = sign * c.ci_high_pct.value_or(*d);
        const double lo = std::min(a, b), hi = std::max(a, b);
        const double nudge = (static_cast<double>(k) - (static_cast<double>(series.size()) - 1) / 2) * 0.012 * x_span;
        (c.significant ? significant : not_significant)
            .push_back({*x + nudge, sign * *d, lo, hi});
        x_max = std::max(x_max, *x);
        y_min = std::min(y_min, lo);
        y_max = std::max(y_max, hi);
      }
    }
    if (significant.empty() && not_significant.empty()) continue;
    ++drawn;
    const std::string color = quote(color_of(s.mode));
    const std::string key = fmt::format("s{}", k);
    const char* width = s.cost_is_negative_delta ? "1.5" : "2";
    for (const auto& fit : sweep.model ? sweep.model->overhead : std::vector<result::OverheadFitView>{}) {
      if (fit.mode != s.mode || fit.metric != s.metric) continue;
      auto line = line_of(fit.fit);
      if (!line) continue;
      line->intercept *= sign;
      line->slope *= sign;
      add_line(job, key + "_model", *line, production ? std::optional(production->x) : std::nullopt, 1);
      plot.push_back(fmt::format("DATA({}_model) using 1:2 with lines lw {} lc rgb {} notitle", key, width, color));
      if (job.data.count(key + "_model_extrapolated"))
        plot.push_back(fmt::format("DATA({}_model_extrapolated) using 1:2 with lines lw {} dt 2 lc rgb {} notitle", key,
                                   width, color));
    }
    if (!significant.empty()) {
      job.data[key + "_sig"] = significant;
      plot.push_back(fmt::format("DATA({}_sig) using 1:2:3:4 with yerrorbars pt {} ps 1.2 lw 1.5 lc rgb {} notitle", key,
                                 s.point_filled, color));
    }
    if (!not_significant.empty()) {
      job.data[key + "_ns"] = not_significant;
      plot.push_back(fmt::format("DATA({}_ns) using 1:2:3:4 with yerrorbars pt {} ps 1.2 lw 1.5 lc rgb {} notitle", key,
                                 s.point_hollow, color));
    }
    keys.push_back(fmt::format("keyentry with linespoints pt {} ps 1.2 lw {} lc rgb {} title {}", s.point_filled, width,
                               color, quote(s.title)));
    if (production)
      for (const auto& o : prediction_of(sweep)->overhead) {
        if (o.mode != s.mode || o.metric != s.metric) continue;
        const auto est = o.change_pct.estimate;
        if (!est) continue;
        const double a = sign * o.change_pct.pi_low.value_or(*est), b = sign * o.change_pct.pi_high.value_or(*est);
        job.data[key + "_production"] = {{production->x, sign * *est, std::min(a, b), std::max(a, b)}};
        plot.push_back(fmt::format("DATA({}_production) using 1:2:3:4 with yerrorbars pt 13 ps 1.8 lw 1.5 lc rgb {} "
                                   "notitle",
                                   key, color));
        // A prediction interval from a handful of levels can be very wide: keep the axis on
        // the measured figures and the estimate, and let a wide interval run off the edge.
        y_min = std::min(y_min, sign * *est);
        y_max = std::max(y_max, sign * *est);
        x_max = std::max(x_max, production->x);
      }
  }
  if (drawn == 0) return std::nullopt;
  const auto any_data = [&](const std::string& suffix) {
    return std::any_of(job.data.begin(), job.data.end(), [&](const auto& d) {
      return d.first.size() >= suffix.size() && d.first.compare(d.first.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
  };
  if (any_data("_ns")) keys.push_back("keyentry with points pt 6 ps 1.2 lc rgb '#555555' title 'not significant'");
  if (any_data("_extrapolated")) keys.push_back("keyentry with lines lw 2 dt 2 lc rgb '#555555' title 'extrapolated'");
  if (any_data("_production"))
    keys.push_back(fmt::format("keyentry with points pt 13 ps 1.8 lc rgb '#555555' title {}",
                               quote(fmt::format("at {:g} req/s", production->x))));
  const double pad = std::max(1.0, (y_max - y_min) * 0.12);
  job.script = fmt::format(
      "set title {}\nset xlabel 'throughput with tracing off (req/s)'\nset ylabel 'cost against off (%)'\n"
      "set xrange [0:{}]\nset yrange [{}:{}]\nset grid xtics ytics lc rgb '#dddddd'\n"
      "set key outside bottom center horizontal maxrows 3\n"
      "plot {}, \\\n  {}\n",
      quote(job.spec.title), fmt_num(x_max * 1.1), fmt_num(y_min - pad), fmt_num(y_max + pad),
      fmt::join(plot, ", \\\n  "), fmt::join(keys, ", \\\n  "));
  return job;
}

}  // namespace

std::vector<PlotJob> sweep_plot_jobs(const nlohmann::json& sweep) { return sweep_plot_jobs(result::read_sweep(sweep)); }

std::vector<PlotJob> sweep_plot_jobs(const SweepView& sweep) {
  std::vector<PlotJob> jobs;
  for (auto make : {trace_rate, overhead}) {
    try {
      if (auto job = make(sweep)) jobs.push_back(std::move(*job));
    } catch (const std::exception&) {
      // A malformed corner of the document costs its plot, never the report.
    }
  }
  return jobs;
}

}  // namespace tracebench::reports::detail
